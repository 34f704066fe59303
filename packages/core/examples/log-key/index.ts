/**
 * Example: a CloudWatch Logs log group encrypted with a customer-managed KMS key.
 *
 * `LogEncryptionKey` creates a key that rotates yearly, an alias
 * `alias/<project>-<stack>-<name>`, and a key policy that lets only this account's CloudWatch
 * Logs (in this region) use it. The log group below takes it as `kmsKeyId` and keeps its
 * records for a year: Checkov CKV_AWS_158 asks for the key, Security Hub CloudWatch.16 for the year.
 *
 * Run it for real (Pulumi CLI, Node 22, AWS credentials): in a Pulumi TypeScript project that
 * depends on @web-infra/core, @pulumi/aws and @pulumi/pulumi, save this file as `log-key.ts`
 * and make the project's entry point (`main` in Pulumi.yaml, `index.ts` by default) hand the
 * function to the Pulumi host:
 *
 *     import { program } from "./log-key";
 *     export = program; // the host calls it; what it returns becomes the stack outputs
 *
 * then `pulumi config set aws:region us-east-1` and `pulumi up`. The key has a 30-day deletion
 * window: `pulumi destroy` schedules its deletion rather than deleting it at once.
 *
 * Offline, tests/examples.test.ts runs `program` under @web-infra/testing's harness.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LogEncryptionKey } from "@web-infra/core";

export function program() {
  const tags = { Project: pulumi.getProject(), Stack: pulumi.getStack() };

  const key = new LogEncryptionKey("app-logs", { tags });

  const logGroup = new aws.cloudwatch.LogGroup("app", {
    name: `/${pulumi.getProject()}/${pulumi.getStack()}/app`,
    // One of the periods CloudWatch Logs accepts; a year is what CloudWatch.16 asks for.
    retentionInDays: 365,
    kmsKeyId: key.arn,
    tags,
  });

  return {
    keyArn: key.arn,
    logGroupName: logGroup.name,
    logGroupArn: logGroup.arn,
  };
}
