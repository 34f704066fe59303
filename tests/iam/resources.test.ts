import * as assert from "node:assert/strict";
import type { RunResult } from "@web-infra/testing";
import { stackGraph } from "../support";
import { ACCOUNT, ADMIN, REPO, targets } from "./bootstrap";
import { Decision, decide, Principal } from "./simulate";

const ANYTHING = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
/** A principal whose own account lets it do anything: only the resource's policy can stop it. */
const almighty = (arn: string): Principal => ({ arn, policies: [{ name: "everything", policy: ANYTHING }] });
const OTHER_ACCOUNT = "999999999999";
/** The account ELB delivers us-east-1 access logs from (AWS's "Enable access logs" guide). */
const ELB_US_EAST_1 = "arn:aws:iam::127311923021:root";

type Row = readonly [what: string, run: () => Promise<Decision>, expected: Decision];

describe("IAM, simulated: resource policies stand on their own", () => {
  describe(`the state bucket (bootstrap of ${REPO})`, () => {
    const rows: Row[] = [
      [
        "the admin reads prod's checkpoint over TLS",
        async () => {
          const t = await targets();
          return decide(almighty(ADMIN), { action: "s3:GetObject", resource: t.state("prod"), resourcePolicy: t.bucketPolicy });
        },
        "Allowed",
      ],
      [
        "the admin reads it without TLS",
        async () => {
          const t = await targets();
          return decide(almighty(ADMIN), {
            action: "s3:GetObject",
            resource: t.state("prod"),
            resourcePolicy: t.bucketPolicy,
            context: { "aws:SecureTransport": "false" },
          });
        },
        "ExplicitlyDenied",
      ],
      [
        "an administrator of another account reads it",
        async () => {
          const t = await targets();
          return decide(almighty(`arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`), {
            action: "s3:GetObject",
            resource: t.state("prod"),
            resourcePolicy: t.bucketPolicy,
          });
        },
        "ExplicitlyDenied",
      ],
      [
        "an administrator of this account, not the named admin, deletes a state version",
        async () => {
          const t = await targets();
          return decide(almighty(`arn:aws:iam::${ACCOUNT}:role/OtherAdmin`), {
            action: "s3:DeleteObjectVersion",
            resource: t.state("prod"),
            resourcePolicy: t.bucketPolicy,
          });
        },
        "ExplicitlyDenied",
      ],
      [
        "the admin deletes a state version",
        async () => {
          const t = await targets();
          return decide(almighty(ADMIN), { action: "s3:DeleteObjectVersion", resource: t.state("prod"), resourcePolicy: t.bucketPolicy });
        },
        "Allowed",
      ],
      [
        "an administrator of this account, not the named admin, schedules prod's secrets key for deletion",
        async () => {
          const t = await targets();
          const key = t.secretsKey("prod");
          return decide(almighty(`arn:aws:iam::${ACCOUNT}:role/OtherAdmin`), {
            action: "kms:ScheduleKeyDeletion",
            resource: key.arn,
            resourcePolicy: key.policy,
          });
        },
        "ExplicitlyDenied",
      ],
    ];
    for (const [what, run, expected] of rows)
      it(`${expected === "Allowed" ? "allows" : "denies"}: ${what}`, async () => assert.equal(await run(), expected));
  });

  describe("prod's ALB access log bucket", () => {
    let g: RunResult;
    let policy: unknown;
    let bucketArn: string;
    before(async () => {
      g = await stackGraph("prod");
      const bucketPolicy = g.get("aws:s3/bucketPolicy:BucketPolicy", "web-alb-logs");
      policy = JSON.parse(String(bucketPolicy.inputs["policy"]));
      bucketArn = String(g.get("aws:s3/bucket:Bucket", "web-alb-logs").state["arn"]);
      assert.equal(bucketPolicy.inputs["bucket"], g.get("aws:s3/bucket:Bucket", "web-alb-logs").id);
    });
    const rows: [string, () => [Principal, string], Decision][] = [
      [
        "the region's log delivery writes under alb/AWSLogs/<account>/",
        () => [almighty(ELB_US_EAST_1), `${bucketArn}/alb/AWSLogs/${ACCOUNT}/elasticloadbalancing/us-east-1/2026/12/06/log.gz`],
        "Allowed",
      ],
      [
        "the region's log delivery writes outside that prefix",
        () => [almighty(ELB_US_EAST_1), `${bucketArn}/other/log.gz`],
        "ImplicitlyDenied",
      ],
      [
        "another account writes under the prefix",
        () => [almighty(`arn:aws:iam::${OTHER_ACCOUNT}:root`), `${bucketArn}/alb/AWSLogs/${ACCOUNT}/x.gz`],
        "ImplicitlyDenied",
      ],
    ];
    for (const [what, request, expected] of rows) {
      it(`${expected === "Allowed" ? "allows" : "denies"}: ${what}`, async () => {
        const [principal, resource] = request();
        assert.equal(await decide(principal, { action: "s3:PutObject", resource, resourcePolicy: policy }), expected);
      });
    }
  });

  describe("prod's alarm topic key", () => {
    let key: { arn: string; policy: unknown };
    before(async () => {
      const g = await stackGraph("prod");
      const k = g.get("aws:kms/key:Key", "monitoring-alarms");
      key = { arn: String(k.state["arn"]), policy: JSON.parse(String(k.inputs["policy"])) };
    });
    const alarm = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:web-unhealthy-hosts`;
    const rows: [string, Principal, Record<string, string>, Decision][] = [
      [
        "CloudWatch, for an alarm of this account",
        { arn: "cloudwatch.amazonaws.com", policies: [] },
        { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": alarm },
        "Allowed",
      ],
      [
        "CloudWatch, for an alarm of another account",
        { arn: "cloudwatch.amazonaws.com", policies: [] },
        { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${OTHER_ACCOUNT}:alarm:x` },
        "ImplicitlyDenied",
      ],
      ["S3", { arn: "s3.amazonaws.com", policies: [] }, { "aws:SourceAccount": ACCOUNT }, "ImplicitlyDenied"],
      ["an administrator of another account", almighty(`arn:aws:iam::${OTHER_ACCOUNT}:role/Admin`), {}, "ImplicitlyDenied"],
    ];
    for (const [what, principal, context, expected] of rows) {
      it(`${expected === "Allowed" ? "lets" : "refuses"} ${what} generate a data key`, async () => {
        assert.equal(
          await decide(principal, { action: "kms:GenerateDataKey", resource: key.arn, resourcePolicy: key.policy, context }),
          expected,
        );
      });
    }
  });
});
