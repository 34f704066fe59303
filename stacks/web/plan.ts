/**
 * The offline plan: runs the program for one stack under the harness (no AWS
 * account, no Pulumi CLI) and prints what `pulumi up` would create.
 *
 *   npm run plan -- --stack prod [--json] [--policy-config <file>] [--compare <git-ref>]
 *                    [--diagram <file.svg>] [--mermaid <file.mmd>]
 *
 * `--policy-config` also writes the policy pack config that carries the stack's
 * waivers to `pulumi preview/up --policy-pack packages/policy --policy-pack-config <file>`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ValidationError } from "@web-infra/core";
import { policyPackConfig } from "@web-infra/policy";
import {
  analyzeEveryAz,
  architectureDot,
  architectureMermaid,
  AwsRejectionError,
  CapturedResource,
  compareCost,
  CostEstimate,
  formatAsPreview,
  redactSecrets,
  renderAzLoss,
  renderCost,
  renderCounts,
  renderSvg,
  renderOutputs,
  renderTree,
  runProgram,
  RunResult,
  stackConfig,
  StackGraph,
} from "@web-infra/testing";
import { checkCompliance, compliant, ComplianceReport, renderCompliance } from "./compliance";
import { loadSettings, PresetName } from "./config";
import { stackCost } from "./cost";
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

export function planText(g: RunResult, compliance: ComplianceReport, cost: CostEstimate, comparison?: CostComparison): string {
  const section = (title: string, body: string) => `\n== ${title} ==\n${body}`;
  return [
    `Offline plan for stack "${g.stack}" (${g.region}, account ${g.accountId}): no AWS call was made.`,
    section("Resources", renderTree(g)),
    section("Counts", renderCounts(g)),
    section("Outputs", renderOutputs(g)),
    section("AZ loss", renderAzLoss(analyzeEveryAz(g))),
    section("Policy", renderCompliance(compliance)),
    section("Cost", renderCost(cost)),
    ...(comparison ? [section(`Cost against ${comparison.ref}`, renderComparison(comparison))] : []),
  ].join("\n");
}

/** The cost difference against another commit, and which commit. */
export interface CostComparison extends ReturnType<typeof compareCost> {
  readonly ref: string;
  readonly before: number;
  readonly after: number;
}

export function renderComparison(c: CostComparison): string {
  const usd = (n: number) => `${n < 0 ? "-" : "+"}$${Math.abs(n).toFixed(2)}`;
  const rows = [
    ...c.added.map((l) => `  + ${l.resource}: ${l.what}  ${usd(l.monthly)}`),
    ...c.removed.map((l) => `  - ${l.resource}: ${l.what}  ${usd(-l.monthly)}`),
    ...c.changed.map((x) => `  ~ ${x.after.resource}: ${x.after.what}  ${usd(x.after.monthly - x.before.monthly)}`),
  ];
  return [
    `$${c.before.toFixed(2)} → $${c.after.toFixed(2)} a month: ${usd(c.delta)}`,
    ...(rows.length ? rows : ["  no line changed"]),
  ].join("\n");
}

/**
 * The estimate of the same stack at another commit: its program and stack files, in a temporary
 * worktree whose workspace packages are its own, priced with this commit's price files and usage
 * so that only the resources differ.
 */
export function costAt(ref: string, stack: string, preset: PresetName): CostEstimate {
  const dir = mkdtempSync(join(tmpdir(), "web-infra-compare-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    git("worktree", "add", "--detach", dir, ref);
    mkdirSync(join(dir, "node_modules", "@web-infra"), { recursive: true });
    for (const entry of readdirSync(join(ROOT, "node_modules"))) {
      if (entry !== "@web-infra") symlinkSync(join(ROOT, "node_modules", entry), join(dir, "node_modules", entry));
    }
    for (const p of readdirSync(join(dir, "packages"))) symlinkSync(join(dir, "packages", p), join(dir, "node_modules", "@web-infra", p));
    const out = execFileSync(
      process.execPath,
      [
        "--conditions=@web-infra/source",
        "--require",
        join(ROOT, "packages/testing/register.js"),
        join(ROOT, "scripts/graph-json.ts"),
        dir,
        stack,
      ],
      { cwd: dir, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: "" } },
    );
    const data = JSON.parse(out) as { resources: CapturedResource[]; stack: string; project: string; region: string; accountId: string };
    const graph = new StackGraph(data.resources, { ...data, outputs: {}, secretOutputs: [], invokes: [], amis: [] });
    return stackCost(graph, preset);
  } finally {
    try {
      git("worktree", "remove", "--force", dir);
    } catch {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", short: "s", default: "dev" },
      json: { type: "boolean", default: false },
      "policy-config": { type: "string" },
      compare: { type: "string" },
      diagram: { type: "string" },
      mermaid: { type: "string" },
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
    // The architecture as the graph has it: Graphviz lays out the SVG, GitHub renders the Mermaid.
    if (values.diagram !== undefined) writeFileSync(values.diagram, await renderSvg(architectureDot(g)));
    if (values.mermaid !== undefined) writeFileSync(values.mermaid, architectureMermaid(g));
    const preset = loadSettings(g.stack, stackConfig({ stack: g.stack, projectDir: ROOT }).config).preset;
    const cost = stackCost(g, preset);
    const ref = values.compare;
    const comparison =
      ref === undefined
        ? undefined
        : (() => {
            const before = costAt(ref, stack, preset);
            return { ...compareCost(before, cost), ref, before: before.total, after: cost.total };
          })();
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ ...(planJson(g, compliance) as object), cost, ...(comparison ? { costComparison: comparison } : {}) }, null, 2)}\n`
        : `${planText(g, compliance, cost, comparison)}\n`,
    );
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
    // Exit once stdout has drained: a parent that set the pipe non-blocking (npm) would otherwise get
    // only the first 64 KiB of a large --json.
    (code) => process.stdout.write("", () => process.exit(code)),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
