import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Where a resource's AWS provider deploys. */
export interface AwsContext {
  readonly accountId: pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
}

const contexts = new WeakMap<object, AwsContext>();

/**
 * The account, partition and region of the AWS provider that `scope`'s children deploy with:
 * one lookup of each per provider and program run, shared by every component. Each
 * getCallerIdentity is an STS call at preview and at up, and the prod stack's components made 17
 * of these lookups before they shared them. A scope under an explicit provider gets that
 * provider's own.
 */
export function awsContext(scope: pulumi.Resource): AwsContext {
  // The provider an invoke with { parent: scope } uses (getProvider in @pulumi/pulumi runtime/invoke.ts);
  // the default provider is one per stack run.
  const key: object | undefined = scope.getProvider("aws:index/getRegion:getRegion") ?? pulumi.runtime.getStackResource();
  const known = key === undefined ? undefined : contexts.get(key);
  if (known) return known;
  const opts = { parent: scope };
  const context: AwsContext = {
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
    partition: aws.getPartitionOutput({}, opts).partition,
    region: aws.getRegionOutput({}, opts).region,
  };
  if (key !== undefined) contexts.set(key, context);
  return context;
}
