/**
 * The offline plan: runs the program for one stack under the harness (no AWS
 * account, no Pulumi CLI) and prints what `pulumi up` would create.
 *
 *   npm run plan -- --stack prod [--json] [--policy-config <file>]
 *
 * `--policy-config` also writes the policy pack config that carries the stack's
 * waivers to `pulumi preview/up --policy-pack packages/policy --policy-pack-config <file>`.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ValidationError } from "@web-infra/core";
import { policyPackConfig } from "@web-infra/policy";
import {
  analyzeEveryAz,
  AwsRejectionError,
  formatAsPreview,
  redactSecrets,
  renderAzLoss,
  renderCounts,
  renderOutputs,
  renderTree,
  runProgram,
  RunResult,
  stackConfig,
} from "@web-infra/testing";
import { checkCompliance, compliant, ComplianceReport, renderCompliance } from "./compliance";
import { loadSettings } from "./config";
import { webStack } from "./program";
import { stackWaivers } from "./waivers";

export const ROOT = resolve(__dirname, "../..");

export async function plan(stack: string): Promise<RunResult> {
  return runProgram(webStack, { stack, projectDir: ROOT });
}

/** The plan's policy check: the baseline pack over the graph, with the stack's waivers. */
export async function planCompliance(g: RunResult): Promise<ComplianceReport> {
  const settings = loadSettings(g.stack, stackConfig({ stack: g.stack, projectDir: ROOT }).config);
  return checkCompliance(g, settings.preset, stackWaivers(settings.preset, settings.enableIpv6));
}

export function planJson(g: RunResult, compliance: ComplianceReport): unknown {
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
    azLoss: analyzeEveryAz(g),
    policy: {
      pack: compliance.pack,
      rules: compliance.rules.length,
      passed: compliance.passed,
      violations: compliance.unwaived,
      problems: compliance.problems,
      waivers: compliance.waived.map((w) => ({ ...w.waiver, violations: w.violations.length })),
    },
  };
}

export function planText(g: RunResult, compliance: ComplianceReport): string {
  const section = (title: string, body: string) => `\n== ${title} ==\n${body}`;
  return [
    `Offline plan for stack "${g.stack}" (${g.region}, account ${g.accountId}): no AWS call was made.`,
    section("Resources", renderTree(g)),
    section("Counts", renderCounts(g)),
    section("Outputs", renderOutputs(g)),
    section("AZ loss", renderAzLoss(analyzeEveryAz(g))),
    section("Policy", renderCompliance(compliance)),
  ].join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", short: "s", default: "dev" },
      json: { type: "boolean", default: false },
      "policy-config": { type: "string" },
    },
  });
  const stack = values.stack as string;
  try {
    const g = await plan(stack);
    const compliance = await planCompliance(g);
    const configFile = values["policy-config"];
    if (configFile !== undefined) {
      writeFileSync(configFile, `${JSON.stringify(policyPackConfig(compliance.waived.map((w) => w.waiver)), null, 2)}\n`);
    }
    process.stdout.write(values.json ? `${JSON.stringify(planJson(g, compliance), null, 2)}\n` : `${planText(g, compliance)}\n`);
    return compliant(compliance) ? 0 : 1;
  } catch (err) {
    if (err instanceof AwsRejectionError) {
      // As `pulumi up` would fail on these, in the form its preview prints a provider's errors.
      process.stderr.write(
        `${formatAsPreview(err.rejections)}\n\nAWS would reject ${err.rejections.length} input${err.rejections.length === 1 ? "" : "s"} at pulumi up.\n`,
      );
      return 1;
    }
    if (err instanceof ValidationError) {
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
