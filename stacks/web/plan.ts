/**
 * The offline plan: runs the program for one stack under the harness (no AWS
 * account, no Pulumi CLI) and prints what `pulumi up` would create.
 *
 *   npm run plan -- --stack prod [--json]
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ValidationError } from "@web-infra/core";
import { AwsRejectionError, redactSecrets, renderCounts, renderOutputs, renderTree, runProgram, RunResult } from "@web-infra/testing";
import { webStack } from "./program";

export const ROOT = resolve(__dirname, "../..");

export async function plan(stack: string): Promise<RunResult> {
  return runProgram(webStack, { stack, projectDir: ROOT });
}

export function planJson(g: RunResult): unknown {
  return {
    stack: g.stack,
    region: g.region,
    counts: g.counts(),
    resources: g.resources.map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      parent: r.parent,
      inputs: redactSecrets(r.inputs, r.secretPaths),
      protect: r.options.protect,
      ignoreChanges: r.options.ignoreChanges,
      aliases: r.options.aliases,
    })),
    outputs: redactSecrets(g.outputs, g.secretOutputs),
  };
}

export function planText(g: RunResult): string {
  const section = (title: string, body: string) => `\n== ${title} ==\n${body}`;
  return [
    `Offline plan for stack "${g.stack}" (${g.region}, account ${g.accountId}): no AWS call was made.`,
    section("Resources", renderTree(g)),
    section("Counts", renderCounts(g)),
    section("Outputs", renderOutputs(g)),
  ].join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { stack: { type: "string", short: "s", default: "dev" }, json: { type: "boolean", default: false } },
  });
  const stack = values.stack as string;
  try {
    const g = await plan(stack);
    process.stdout.write(values.json ? `${JSON.stringify(planJson(g), null, 2)}\n` : `${planText(g)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ValidationError || err instanceof AwsRejectionError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
