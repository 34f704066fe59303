import * as assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { runProgram, RunResult } from "@web-infra/testing";
import { bootstrapStack } from "../../stacks/bootstrap/program";
import { MANAGED } from "./managed";
import { Decision, decide, Principal, principalOf, Request } from "./simulate";

export const ACCOUNT = "123456789012";
export const REPO = "example-org/web-infra";
export const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
export const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/web-infra/web-infra-boundary`;

let run: Promise<RunResult> | undefined;
/** The admin stack file's graph, run once and shared by the IAM tests. */
export const bootstrapGraph = () =>
  (run ??= runProgram(bootstrapStack, { stack: "admin", projectDir: join(resolve(__dirname, "../.."), "stacks/bootstrap") }));

/** A bootstrap role as a principal, with its managed policies. */
export const role = async (name: string): Promise<Principal> => principalOf(await bootstrapGraph(), name, undefined, MANAGED);

const policyOf = (g: RunResult, type: string, name: string) => JSON.parse(String(g.get(type, name).inputs["policy"])) as unknown;

/** What the requests of a role table name, from the graph: the state bucket and its policy, the keys and theirs. */
export async function targets() {
  const g = await bootstrapGraph();
  const bucket = String(g.get("aws:s3/bucket:Bucket", "web-infra-state").state["bucket"]);
  const key = (name: string) => ({
    arn: String(g.get("aws:kms/key:Key", name).state["arn"]),
    policy: policyOf(g, "aws:kms/key:Key", name),
  });
  return {
    bucketArn: `arn:aws:s3:::${bucket}`,
    object: (path: string) => `arn:aws:s3:::${bucket}/${path}`,
    state: (stack: string) => `arn:aws:s3:::${bucket}/.pulumi/stacks/web-infra/${stack}.json`,
    bucketPolicy: policyOf(g, "aws:s3/bucketPolicy:BucketPolicy", "web-infra-state"),
    stateKey: key("web-infra-state"),
    secretsKey: (env: string) => key(`web-infra-secrets-${env}`),
  };
}

export type Targets = Awaited<ReturnType<typeof targets>>;

/** One row of a role's table: what it asks, and what IAM must answer. */
export type Row = readonly [what: string, request: (t: Targets) => Request, expected: Decision];

/** One `it` per row: the role, the request, the decision. */
export function table(roleName: string, rows: readonly Row[]): void {
  for (const [what, request, expected] of rows) {
    it(`${expected === "Allowed" ? "allows" : "denies"}: ${what}`, async () => {
      assert.equal(await decide(await role(roleName), request(await targets())), expected);
    });
  }
}
