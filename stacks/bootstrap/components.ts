import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountAdministers, withName } from "@web-infra/core";
import { githubTrustPolicy } from "./trust";

type Tags = Record<string, string>;
type Statement = aws.types.input.iam.GetPolicyDocumentStatementArgs;

export interface StateBackendArgs {
  /** Alias of the state key, e.g. `alias/web-infra-pulumi`; each environment's secrets key is `<alias>-<environment>`. */
  readonly keyAlias: string;
  /** Days a replaced or deleted state file is kept. */
  readonly noncurrentDays: number;
  /** ARN of the role that administers the bucket and the keys: the only principal allowed to rewrite or destroy them. */
  readonly adminRoleArn: string;
  /** Environments, one secrets key each. */
  readonly environments: readonly string[];
  /**
   * Per environment, by ARN, the role that deploys its stack and the roles that read it (its state
   * and secrets: the drift role, and for dev the pull-request preview role). The bucket and key
   * policies deny everyone else, the admin aside.
   */
  readonly environmentRoles: Readonly<
    Record<string, { readonly deploy: pulumi.Input<string>; readonly readers: readonly pulumi.Input<string>[] }>
  >;
  readonly tags?: Tags;
}

/** What only the admin may do to a key: what would lose every secret it protects, or hand the key to someone else. */
export const KEY_ADMIN_ONLY = [
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:PutKeyPolicy",
  "kms:DisableKeyRotation",
  "kms:CreateGrant",
  "kms:DeleteAlias",
  "kms:UpdateAlias",
] as const;

/** What a secrets key's users do: Pulumi's awskms secrets manager wraps and unwraps each stack's data key. */
export const KEY_USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"] as const;

/** What only the admin may do to the state bucket: delete state for good, or rewrite the rules that keep it. */
export const BUCKET_ADMIN_ONLY = [
  "s3:DeleteBucket",
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketVersioning",
  "s3:PutEncryptionConfiguration",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketObjectLockConfiguration",
] as const;

/**
 * Pulumi's self-managed backend: a versioned, private S3 bucket encrypted
 * with a customer KMS key (rotated yearly), which also encrypts the stacks'
 * secrets (`awskms://<alias>`). The bucket and the key are protected: losing
 * either loses every stack's state or secrets.
 */
export class StateBackend extends pulumi.ComponentResource {
  /** Encrypts the state objects (SSE-KMS): every role that reads state uses it. */
  public readonly key: aws.kms.Key;
  public readonly alias: aws.kms.Alias;
  /** Per environment, the key its stack's secrets are encrypted with: only its deploy role, the drift role and the admin use it. */
  public readonly secretsKeys: Record<string, aws.kms.Key>;
  public readonly secretsAliases: Record<string, aws.kms.Alias>;
  public readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: StateBackendArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("web-infra:bootstrap:StateBackend", name, {}, opts);
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;

    const admin = args.adminRoleArn;
    this.key = protectedKey(this, name, "Encrypts the Pulumi state bucket", admin, [], args.tags);
    this.alias = new aws.kms.Alias(name, { name: args.keyAlias, targetKeyId: this.key.keyId }, parent);
    this.secretsKeys = {};
    this.secretsAliases = {};
    for (const env of args.environments) {
      const keyName = `web-infra-secrets-${env}`;
      const key = protectedKey(
        this,
        keyName,
        `Encrypts the secrets of the web-infra ${env} stack (Pulumi's awskms secrets provider)`,
        admin,
        [args.environmentRoles[env]?.deploy, ...(args.environmentRoles[env]?.readers ?? [])].filter((r) => r !== undefined),
        args.tags,
      );
      this.secretsKeys[env] = key;
      this.secretsAliases[env] = new aws.kms.Alias(keyName, { name: `${args.keyAlias}-${env}`, targetKeyId: key.keyId }, parent);
    }

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
              {
                sid: "DenyOtherAccounts",
                effect: "Deny",
                actions: ["s3:*"],
                principals: [{ type: "*", identifiers: ["*"] }],
                resources: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
                conditions: [{ test: "StringNotEquals", variable: "aws:PrincipalAccount", values: [account] }],
              },
              {
                // IAM alone would not hold: PowerUserAccess, which the deploy roles carry, allows all of this.
                sid: "OnlyTheAdminRewritesTheBucket",
                effect: "Deny",
                actions: [...BUCKET_ADMIN_ONLY],
                principals: [{ type: "*", identifiers: ["*"] }],
                resources: [this.bucket.arn],
                conditions: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: [admin] }],
              },
              ...args.environments.flatMap((env) => {
                const roles = args.environmentRoles[env];
                const objects = stateObjects(this.bucket.arn, env);
                const alnum = env.replace(/[^A-Za-z0-9]/g, "");
                return [
                  {
                    sid: `OnlyItsDeployRoleWrites${alnum}`,
                    effect: "Deny",
                    actions: ["s3:PutObject", "s3:DeleteObject"],
                    principals: [{ type: "*", identifiers: ["*"] }],
                    resources: objects,
                    conditions: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: [admin, ...(roles ? [roles.deploy] : [])] }],
                  },
                  {
                    sid: `OnlyItsRolesRead${alnum}`,
                    effect: "Deny",
                    actions: ["s3:GetObject", "s3:GetObjectVersion"],
                    principals: [{ type: "*", identifiers: ["*"] }],
                    resources: objects,
                    conditions: [
                      {
                        test: "ArnNotEquals",
                        variable: "aws:PrincipalArn",
                        values: [admin, ...(roles ? [roles.deploy, ...roles.readers] : [])],
                      },
                    ],
                  },
                ];
              }),
              {
                sid: "OnlyTheAdminDeletesVersions",
                effect: "Deny",
                actions: ["s3:DeleteObjectVersion"],
                principals: [{ type: "*", identifiers: ["*"] }],
                resources: [pulumi.interpolate`${this.bucket.arn}/*`],
                conditions: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: [admin] }],
              },
            ],
          },
          parent,
        ).json,
      },
      // S3 rejects a policy that races the public access block being applied.
      { ...parent, dependsOn: [block] },
    );
    this.registerOutputs({
      bucket: this.bucket.bucket,
      keyArn: this.key.arn,
      alias: this.alias.name,
      secretsAliases: Object.fromEntries(Object.entries(this.secretsAliases).map(([env, a]) => [env, a.name])),
    });
  }

  /**
   * What a Pulumi CLI needs on this backend for the web-infra stacks in `stacks` (`"*"`: all).
   * `write` (`pulumi up`): read and write the stacks' checkpoints, history, backups and locks, and
   * the state key. `read` (`pulumi preview`, with or without --refresh): the self-managed backend
   * neither locks nor saves state on a preview (diyBackend.Preview in pulumi/pulumi
   * pkg/backend/diy/backend.go). The bucket policy denies every other stack's objects to the role,
   * whatever ReadOnlyAccess (s3:Get*) or PowerUserAccess (s3:*) allow.
   */
  accessStatements(mode: "read" | "write", stacks: readonly string[] | "*"): Statement[] {
    const write = mode === "write";
    const names = stacks === "*" ? ["*"] : stacks;
    const own = names.flatMap((stack) => stateObjects(this.bucket.arn, stack));
    const meta = pulumi.interpolate`${this.bucket.arn}/.pulumi/meta.yaml`;
    return [
      { sid: "StateMeta", actions: ["s3:GetObject"], resources: [meta] },
      {
        sid: "StateObjects",
        actions: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : ["s3:GetObject"],
        resources: own,
      },
      { sid: "StateBucket", actions: ["s3:ListBucket", "s3:GetBucketLocation"], resources: [this.bucket.arn] },
      {
        sid: "StateKey",
        // S3 uses the key for every state object (SSE-KMS); DescribeKey lets the CLI check it.
        actions: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"] : ["kms:Decrypt", "kms:DescribeKey"],
        resources: [this.key.arn],
      },
    ];
  }
}

/** The objects of one web-infra stack in a self-managed backend: checkpoint, its backups and history, and its locks. */
function stateObjects(bucketArn: pulumi.Output<string>, stack: string): pulumi.Output<string>[] {
  return [
    pulumi.interpolate`${bucketArn}/.pulumi/stacks/web-infra/${stack}.json*`,
    pulumi.interpolate`${bucketArn}/.pulumi/backups/web-infra/${stack}/*`,
    pulumi.interpolate`${bucketArn}/.pulumi/history/web-infra/${stack}/*`,
    pulumi.interpolate`${bucketArn}/.pulumi/locks/organization/web-infra/${stack}/*`,
  ];
}

/**
 * A rotated, protected KMS key whose policy keeps it safe from everyone but the admin: the
 * account administers it through IAM (AWS's default statement; without it a lost admin role
 * would lock the key for good), but only `admin` may disable it, schedule its deletion, grant it
 * or rewrite its policy, and, when `users` are named, only they and the admin may encrypt or
 * decrypt with it, whatever an IAM policy (PowerUserAccess's kms:*) allows.
 */
function protectedKey(
  scope: pulumi.Resource,
  name: string,
  description: string,
  admin: string,
  users: readonly pulumi.Input<string>[],
  tags: Tags | undefined,
): aws.kms.Key {
  const parent = { parent: scope };
  const account = aws.getCallerIdentityOutput({}, parent).accountId;
  const partition = aws.getPartitionOutput({}, parent).partition;
  const everyone = [{ type: "*", identifiers: ["*"] }];
  return new aws.kms.Key(
    name,
    {
      description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: aws.iam.getPolicyDocumentOutput(
        {
          statements: [
            accountAdministers(partition, account),
            {
              sid: "OnlyTheAdminDestroys",
              effect: "Deny",
              actions: [...KEY_ADMIN_ONLY],
              resources: ["*"],
              principals: everyone,
              conditions: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: [admin] }],
            },
            ...(users.length
              ? [
                  {
                    sid: "OnlyTheNamedRolesUse",
                    effect: "Deny",
                    actions: [...KEY_USE],
                    resources: ["*"],
                    principals: everyone,
                    conditions: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: [admin, ...users] }],
                  },
                ]
              : []),
          ],
        },
        parent,
      ).json,
      tags: withName(tags, name),
    },
    { ...parent, protect: true },
  );
}

export interface GithubActionsRoleArgs {
  /** ARN of the account's `token.actions.githubusercontent.com` OIDC provider. */
  readonly providerArn: pulumi.Input<string>;
  /** `owner/name` of the one repository trusted. */
  readonly repository: string;
  /** The exact `sub` claims trusted, e.g. `repo:<owner>/<name>:pull_request`. */
  readonly subjects: readonly string[];
  /**
   * The one workflow file and ref whose jobs may assume the role (`job_workflow_ref`, see `jobWorkflowRef`).
   *
   * @default - any workflow of the trusted subjects (only right for the pull-request role: a pull request edits its own workflow anyway)
   */
  readonly workflowRef?: string;
  /** IAM path of the role: its name and path are fixed, so the state bucket's and the keys' policies can name its ARN before it exists. */
  readonly path: string;
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
    const trust = githubTrustPolicy(args.providerArn, args.repository, args.subjects, args.workflowRef);
    super("web-infra:bootstrap:GithubActionsRole", name, {}, opts);
    this.baseName = name;
    const parent = { parent: this };
    const partition = aws.getPartitionOutput({}, parent).partition;
    this.role = new aws.iam.Role(
      name,
      {
        name,
        path: args.path,
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
