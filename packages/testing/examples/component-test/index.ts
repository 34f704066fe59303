/**
 * Example: how a team tests its own component with @web-infra/testing, no AWS account needed.
 *
 * `PrivateBucket` stands for your component: an S3 bucket with every public access switch on.
 * `test` runs `program` under the harness (Pulumi's mocks, answering like AWS: auto-names,
 * ARNs, ids) and asserts the exact inputs each resource was registered with, the parent of
 * each child and the stack outputs. It then shows the harness refusing what AWS would refuse:
 * a logical name long enough that the provider's auto-name (`<name>-<7 hex>`) breaks S3's
 * 63-character limit. By default `runProgram` throws an `AwsRejectionError` listing every
 * rejection; with `enforce: false` the run succeeds and returns them in `rejections`, so a test
 * can assert on them exactly.
 *
 * In a mocha suite: `it("builds a private bucket", test)`, with
 * `--require @web-infra/testing/register.js` so mocha loads TypeScript.
 *
 * Run `program` for real (Pulumi CLI, Node 22, AWS credentials): in a Pulumi TypeScript
 * project that depends on @pulumi/aws and @pulumi/pulumi (and @web-infra/testing as a dev
 * dependency, for `test`), save this file as `component-test.ts` and make the project's entry
 * point (`main` in Pulumi.yaml, `index.ts` by default) hand the function to the Pulumi host:
 *
 *     import { program } from "./component-test";
 *     export = program; // the host calls it; what it returns becomes the stack outputs
 *
 * then `pulumi config set aws:region us-east-1` and `pulumi up`.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsRejectionError, runProgram, type Rejection } from "@web-infra/testing";

export interface PrivateBucketArgs {
  /** Tags for the bucket. @default - none */
  readonly tags?: Record<string, string>;
}

/** An S3 bucket nobody can make public: the team's component under test. */
export class PrivateBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: PrivateBucketArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("acme:storage:PrivateBucket", name, {}, opts);
    // No `bucket` given: the provider names it `<name>-<7 random hex>`, so the logical name must leave room.
    this.bucket = new aws.s3.Bucket(name, { tags: args.tags }, { parent: this });
    new aws.s3.BucketPublicAccessBlock(
      name,
      { bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );
    this.bucketName = this.bucket.bucket;
    this.registerOutputs({ bucketName: this.bucketName });
  }
}

export function program() {
  const assets = new PrivateBucket("assets", { tags: { Team: "storefront" } });
  return { bucketName: assets.bucketName };
}

const COMPONENT = "acme:storage:PrivateBucket";
const BUCKET = "aws:s3/bucket:Bucket";
const ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";

/** A logical name of 57 characters: its auto-name has 65, over S3's 63. */
export const TOO_LONG = "storefront-product-images-original-uploads-eu-west-backup";

export interface TestResult {
  /** Custom resources by type, as `program` registered them. */
  readonly counts: Readonly<Record<string, number>>;
  /** The physical name the bucket got. */
  readonly bucketName: string;
  /** What AWS would refuse for a bucket named TOO_LONG. */
  readonly rejections: readonly Rejection[];
}

export async function test(): Promise<TestResult> {
  // 1. The component as the program builds it: exact inputs, parents and outputs.
  const g = await runProgram(program, { stack: "test", project: "storefront" });
  assert.deepEqual(g.counts(), { [BUCKET]: 1, [ACCESS_BLOCK]: 1 });
  const component = g.get(COMPONENT, "assets");
  const bucket = g.get(BUCKET, "assets");
  const block = g.get(ACCESS_BLOCK, "assets");
  assert.equal(bucket.parent, component.urn);
  assert.equal(block.parent, component.urn);
  assert.equal(bucket.inputs["bucket"], undefined, "the bucket is auto-named");
  assert.deepEqual(bucket.inputs["tags"], { Team: "storefront" });
  assert.deepEqual(block.inputs, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  const bucketName = String(bucket.state["bucket"]);
  assert.match(bucketName, /^assets-[0-9a-f]{7}$/);
  assert.deepEqual(g.outputs, { bucketName });
  assert.deepEqual(component.registeredOutputs, { bucketName });
  assert.deepEqual(g.rejections, []);

  // 2. A name AWS would refuse. By default the run throws, listing every rejection…
  const tooLong = () => {
    new PrivateBucket(TOO_LONG);
  };
  await assert.rejects(runProgram(tooLong, { stack: "test", project: "storefront" }), AwsRejectionError);
  // …with `enforce: false` it returns them instead, to assert on exactly.
  const bad = await runProgram(tooLong, { stack: "test", project: "storefront", enforce: false });
  assert.deepEqual(
    bad.rejections.map((r) => [r.rule, r.urn]),
    [["physical-name-limits", bad.get(BUCKET, TOO_LONG).urn]],
  );
  assert.match(bad.rejections[0].message, /^S3 bucket name "storefront-product-images-original-uploads-eu-west-backup-[0-9a-f]{7}" /);
  assert.match(bad.rejections[0].message, /is 65 characters; the limit is 63\. Shorten the logical name to at most 55 characters$/);

  return { counts: g.counts(), bucketName, rejections: bad.rejections };
}
