import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withName } from "@web-infra/core";
import { githubTrustPolicy } from "./trust";

type Tags = Record<string, string>;
type Statement = aws.types.input.iam.GetPolicyDocumentStatementArgs;

export interface StateBackendArgs {
  /** Alias of the key, e.g. `alias/web-infra-pulumi`. */
  readonly keyAlias: string;
  /** Days a replaced or deleted state file is kept. */
  readonly noncurrentDays: number;
  readonly tags?: Tags;
}

/**
 * Pulumi's self-managed backend: a versioned, private S3 bucket encrypted
 * with a customer KMS key (rotated yearly), which also encrypts the stacks'
 * secrets (`awskms://<alias>`). The bucket and the key are protected: losing
 * either loses every stack's state or secrets.
 */
export class StateBackend extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly alias: aws.kms.Alias;
  public readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: StateBackendArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("web-infra:bootstrap:StateBackend", name, {}, opts);
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;

    // Only the account administers the key; the roles may use it through their own IAM policies (no `*` principal).
    this.key = new aws.kms.Key(
      name,
      {
        description: "Encrypts the Pulumi state bucket and the web-infra stacks' secrets",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              {
                sid: "AccountAdministers",
                actions: ["kms:*"],
                resources: ["*"],
                principals: [{ type: "AWS", identifiers: [pulumi.interpolate`arn:${partition}:iam::${account}:root`] }],
              },
            ],
          },
          parent,
        ).json,
        tags: withName(args.tags, name),
      },
      { ...parent, protect: true },
    );
    this.alias = new aws.kms.Alias(name, { name: args.keyAlias, targetKeyId: this.key.keyId }, parent);

    this.bucket = new aws.s3.Bucket(name, { forceDestroy: false, tags: withName(args.tags, name) }, { ...parent, protect: true });
    const bucket = this.bucket.id;
    const versioning = new aws.s3.BucketVersioning(name, { bucket, versioningConfiguration: { status: "Enabled" } }, parent);
    const block = new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    new aws.s3.BucketOwnershipControls(name, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      name,
      {
        bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
      },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      name,
      {
        bucket,
        rules: [
          {
            id: "expire-old-state",
            status: "Enabled",
            filter: { prefix: "" },
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentDays },
            expiration: { expiredObjectDeleteMarker: true },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
      },
      // S3 applies noncurrent-version rules only once versioning is on.
      { ...parent, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
      name,
      {
        bucket,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              {
                sid: "DenyInsecureTransport",
                effect: "Deny",
                actions: ["s3:*"],
                principals: [{ type: "*", identifiers: ["*"] }],
                resources: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
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
    this.registerOutputs({ bucket: this.bucket.bucket, keyArn: this.key.arn, alias: this.alias.name });
  }

  /**
   * What a Pulumi CLI needs on this backend. `write` (`pulumi up`): read and write
   * state and lock files, and use the key. `read` (`pulumi preview`, with or without
   * --refresh): the self-managed backend neither locks nor saves state on a preview
   * (diyBackend.Preview in pulumi/pulumi pkg/backend/diy/backend.go), so the role
   * that runs pull-request code cannot rewrite or delete any stack's state.
   */
  accessStatements(mode: "read" | "write"): Statement[] {
    const write = mode === "write";
    return [
      {
        sid: "StateObjects",
        actions: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"],
        resources: [pulumi.interpolate`${this.bucket.arn}/*`],
      },
      { sid: "StateBucket", actions: ["s3:ListBucket", "s3:GetBucketLocation"], resources: [this.bucket.arn] },
      {
        sid: "StateKey",
        // Reading needs Decrypt only: the awskms secrets manager unwraps the stack's data key with KMS, then works locally.
        actions: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"] : ["kms:Decrypt", "kms:DescribeKey"],
        resources: [this.key.arn],
      },
    ];
  }
}

export interface GithubActionsRoleArgs {
  /** ARN of the account's `token.actions.githubusercontent.com` OIDC provider. */
  readonly providerArn: pulumi.Input<string>;
  /** `owner/name` of the one repository trusted. */
  readonly repository: string;
  /** The exact `sub` claims trusted, e.g. `repo:<owner>/<name>:pull_request`. */
  readonly subjects: readonly string[];
  /** AWS managed policy attached, by name (e.g. `ReadOnlyAccess`). */
  readonly managedPolicy: string;
  readonly description: string;
  /** Seconds a session may last; the workflow asks for at most this. @default 3600 */
  readonly maxSessionDuration?: number;
  readonly tags?: Tags;
}

/** An IAM role GitHub Actions jobs of one repository assume through OIDC, for the listed subjects only. */
export class GithubActionsRole extends pulumi.ComponentResource {
  public readonly role: aws.iam.Role;
  public readonly arn: pulumi.Output<string>;
  private readonly baseName: string;

  constructor(name: string, args: GithubActionsRoleArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Built first: a wildcard or foreign subject throws before anything is registered.
    const trust = githubTrustPolicy(args.providerArn, args.repository, args.subjects);
    super("web-infra:bootstrap:GithubActionsRole", name, {}, opts);
    this.baseName = name;
    const parent = { parent: this };
    const partition = aws.getPartitionOutput({}, parent).partition;
    this.role = new aws.iam.Role(
      name,
      {
        description: args.description,
        assumeRolePolicy: trust,
        maxSessionDuration: args.maxSessionDuration ?? 3600,
        tags: withName(args.tags, name),
      },
      parent,
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-managed`,
      { role: this.role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${args.managedPolicy}` },
      parent,
    );
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }

  /** An inline policy `<name>-<suffix>` on the role. */
  allow(suffix: string, statements: Statement[]): aws.iam.RolePolicy {
    const parent = { parent: this };
    return new aws.iam.RolePolicy(
      `${this.baseName}-${suffix}`,
      { role: this.role.name, policy: aws.iam.getPolicyDocumentOutput({ statements }, parent).json },
      parent,
    );
  }
}
