import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "./context";
import { withName } from "./tags";
import { Problems } from "./validation";

/**
 * A key policy's first statement: the account administers the key through IAM (AWS's default key
 * policy). Without it, a key whose named administrators are gone can never be managed again.
 */
export function accountAdministers(
  partition: pulumi.Input<string>,
  account: pulumi.Input<string>,
): aws.types.input.iam.GetPolicyDocumentStatementArgs {
  return {
    sid: "AccountAdministers",
    actions: ["kms:*"],
    resources: ["*"],
    principals: [{ type: "AWS", identifiers: [pulumi.interpolate`arn:${partition}:iam::${account}:root`] }],
  };
}

export interface LogEncryptionKeyArgs {
  /**
   * Days KMS waits before deleting the key once scheduled (7–30).
   *
   * @default 30
   */
  readonly deletionWindowInDays?: number;
  /**
   * Tags for the key; it also gets a `Name`.
   *
   * @default - no extra tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A customer-managed KMS key for CloudWatch Logs (Checkov CKV_AWS_158 asks log
 * groups for one), rotated yearly (KMS.4). Its policy names the account root
 * and the regional CloudWatch Logs service, limited by an encryption-context
 * condition to this account's log groups: no `*` principal (KMS.5).
 */
export class LogEncryptionKey extends pulumi.ComponentResource {
  public readonly key: aws.kms.Key;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: LogEncryptionKeyArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const window = args.deletionWindowInDays ?? 30;
    const p = new Problems(`web-infra:core:LogEncryptionKey "${name}"`);
    p.integer("deletionWindowInDays", window, 7, 30, "KMS accepts only that range.");
    p.throwIfAny();
    super("web-infra:core:LogEncryptionKey", name, {}, opts);
    const parent = { parent: this };
    const account = awsContext(this).accountId;
    const region = awsContext(this).region;
    const partition = awsContext(this).partition;
    this.key = new aws.kms.Key(
      name,
      {
        description: `Encrypts the CloudWatch Logs log groups of ${pulumi.getStack()}`,
        enableKeyRotation: true,
        deletionWindowInDays: window,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              accountAdministers(partition, account),
              {
                sid: "CloudWatchLogsUses",
                actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                resources: ["*"],
                principals: [{ type: "Service", identifiers: [pulumi.interpolate`logs.${region}.amazonaws.com`] }],
                conditions: [
                  {
                    test: "ArnLike",
                    variable: "kms:EncryptionContext:aws:logs:arn",
                    values: [pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:*`],
                  },
                ],
              },
            ],
          },
          parent,
        ).json,
        tags: withName(args.tags, name),
      },
      parent,
    );
    // Stack names may hold "." (and project names "."), which KMS refuses in an alias.
    const alias = `alias/${pulumi.getProject()}-${pulumi.getStack()}-${name}`.replace(/[^A-Za-z0-9/_-]/g, "-");
    new aws.kms.Alias(name, { name: alias, targetKeyId: this.key.keyId }, parent);
    this.arn = this.key.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
