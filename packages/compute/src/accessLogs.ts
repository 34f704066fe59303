import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext, withName } from "@web-infra/core";
import type { Resolved, WebTierArgs } from "./args";

/**
 * ELB's log-writing account in each region opened before August 2022 (ELB user guide,
 * "Enable access logs": Step 2). Newer regions use the log delivery service principal.
 */
const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

/** An S3 bucket the ALB can write its access logs to, and nobody else can read from the internet. */
export function accessLogBucket(
  scope: pulumi.Resource,
  name: string,
  cfg: Resolved["accessLogs"],
  region: pulumi.Output<string>,
  tags: WebTierArgs["tags"],
): { bucket: aws.s3.Bucket; ready: pulumi.Resource[] } {
  const parent = { parent: scope };
  const bucket = new aws.s3.Bucket(
    `${name}-alb-logs`,
    { forceDestroy: cfg.forceDestroy, tags: withName(tags, `${name}-alb-logs`) },
    parent,
  );
  const block = new aws.s3.BucketPublicAccessBlock(
    `${name}-alb-logs`,
    { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    parent,
  );
  new aws.s3.BucketOwnershipControls(`${name}-alb-logs`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
  // ALB access logs support only SSE-S3, not SSE-KMS (ELB user guide, "Access log files").
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-alb-logs`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    parent,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-alb-logs`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: { prefix: "" },
          expiration: { days: cfg.retentionInDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    parent,
  );
  const account = awsContext(scope).accountId;
  const writers = region.apply((r) => {
    const legacy = ELB_LOG_DELIVERY_ACCOUNTS[r];
    return legacy
      ? [{ type: "AWS", identifiers: [`arn:aws:iam::${legacy}:root`] }]
      : [{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }];
  });
  const policy = new aws.s3.BucketPolicy(
    `${name}-alb-logs`,
    {
      bucket: bucket.id,
      policy: aws.iam.getPolicyDocumentOutput(
        {
          statements: [
            {
              sid: "AlbLogDelivery",
              actions: ["s3:PutObject"],
              principals: writers,
              resources: [pulumi.interpolate`${bucket.arn}/alb/AWSLogs/${account}/*`],
            },
            {
              sid: "DenyInsecureTransport",
              effect: "Deny",
              actions: ["s3:*"],
              principals: [{ type: "*", identifiers: ["*"] }],
              resources: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
              conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
            },
          ],
        },
        parent,
      ).json,
    },
    // S3 rejects a policy that races the public access block being applied.
    { ...parent, dependsOn: [block] },
  );
  return { bucket, ready: [policy, encryption] };
}
