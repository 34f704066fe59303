/**
 * npm run bench: medians over several cold runs, as ratios to the floor (a
 * node process that loads the Pulumi SDK and AWS provider and registers one
 * mocked resource). Targets: the largest stack's evaluation ≤ 1.2× the floor;
 * the whole `npm test` ≤ 2× a one-test suite. Then the failover rehearsal
 * (scripts/bench/failover.ts): medians beside the design's bound, interval ×
 * unhealthy threshold.
 *
 *   npm run bench [-- --runs 7] [--failover-runs 7] [--only evaluate|failover]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { stackNames } from "@web-infra/testing";
import { FailoverMeasurement } from "../tests/system/support/failover";
import { benchFailover } from "./bench/failover";

const ROOT = resolve(__dirname, "..");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    "test-runs": { type: "string", default: "3" },
    "failover-runs": { type: "string", default: "5" },
    only: { type: "string" },
  },
});
const runs = Number(values.runs);
const testRuns = Number(values["test-runs"]);
if (values.only !== undefined && !["evaluate", "failover"].includes(values.only))
  throw new Error(`--only takes evaluate or failover, got ${values.only}`);

function time(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${String(r.stderr)}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function measure(label: string, n: number, cmd: string, args: string[]): { label: string; median: number; all: number[] } {
  time(cmd, args); // warm the file cache and tsx's transform cache; cold means a new process, not a cold disk
  const all = [...Array(n)].map(() => time(cmd, args));
  return { label, median: median(all), all };
}

const node = process.execPath;
// Every run starts with an empty NODE_OPTIONS (no inherited compile cache); the source condition is passed explicitly.
const tsx = ["--conditions=@web-infra/source", "--require", "./packages/testing/register.js"];
const mocha = resolve(ROOT, "node_modules/mocha/bin/mocha.js");

/** n rounds, each running every command once in turn (after one warm-up round); medians per command. */
function interleaved(n: number, commands: { label: string; args: string[] }[]): { label: string; median: number; all: number[] }[] {
  for (const c of commands) time(node, c.args);
  const all = commands.map(() => [] as number[]);
  for (let round = 0; round < n; round++) commands.forEach((c, i) => all[i].push(time(node, c.args)));
  return commands.map((c, i) => ({ label: c.label, median: median(all[i]), all: all[i] }));
}

function benchEvaluate(): void {
  const stackRuns = stackNames(ROOT).map((s) => {
    const resources = execFileSync(node, [...tsx, "scripts/bench/evaluate.ts", s], { cwd: ROOT, encoding: "utf8" }).trim();
    return {
      label: `evaluate ${s} (${resources} resources)`,
      resources: Number(resources),
      args: [...tsx, "scripts/bench/evaluate.ts", s],
    };
  });
  // Interleaved rounds, one run of each per round: the machine's speed drifts over a minute, and a
  // ratio of two batches taken a minute apart measured that drift as much as the harness.
  const [floor, floorCached, ...evaluated] = interleaved(runs, [
    { label: "floor: load SDK + AWS, register 1 mocked resource", args: ["scripts/bench/floor.js"] },
    {
      label: "floor with Node's compile cache (as register.js turns on)",
      args: ["--require", "./scripts/bench/compile-cache.js", "scripts/bench/floor.js"],
    },
    ...stackRuns,
  ]);
  const stacks = evaluated.map((m, i) => ({ ...m, resources: stackRuns[i].resources }));
  const oneTest = measure("mocha, a one-test suite (one whole-stack run)", testRuns, node, [
    "--conditions=@web-infra/source",
    mocha,
    "--no-config",
    "--require",
    "./packages/testing/register.js",
    "tests/stacks.test.ts",
    "--grep",
    "whole stack: dev is accepted",
  ]);
  const suite = measure("npm test (whole suite)", testRuns, "npm", ["test", "--silent"]);

  const rows = [floor, floorCached, ...stacks, oneTest, suite];
  const width = Math.max(...rows.map((r) => r.label.length));
  console.log(`node ${process.version}, ${runs} runs (${testRuns} for test suites), medians; every run a new process\n`);
  for (const r of rows)
    console.log(`${r.label.padEnd(width)}  ${seconds(r.median).padStart(8)}  ${(r.median / floor.median).toFixed(2)}× floor`);
  const largest = stacks.reduce((a, b) => (b.resources > a.resources ? b : a));
  console.log(`\nlargest stack / floor: ${(largest.median / floor.median).toFixed(2)}× (target ≤ 1.20)`);
  console.log(
    `largest stack / floor with compile cache: ${(largest.median / floorCached.median).toFixed(2)}× (same loader settings on both sides)`,
  );
  console.log(`whole suite / one-test suite: ${(suite.median / oneTest.median).toFixed(2)}× (target ≤ 2.00)`);
}

async function benchFailoverReport(): Promise<void> {
  const n = Number(values["failover-runs"]);
  console.log(`\nfailover rehearsal: HAProxy from the dev target group, two reference-app servers, ${n} kill/restart cycles, medians`);
  const b = await benchFailover(n);
  const ms = (key: keyof FailoverMeasurement) => median(b.cycles.map((c) => c[key] as number));
  const outBound = b.interval * b.unhealthyThreshold * 1000;
  const backBound = b.interval * b.healthyThreshold * 1000;
  const row = (label: string, value: number, bound?: number) =>
    console.log(
      `${label.padEnd(62)} ${seconds(value).padStart(8)}${bound === undefined ? "" : `  ${(value / bound).toFixed(2)}× the ${seconds(bound)} bound`}`,
    );
  row("kill → marked DOWN by its health checks", ms("detectedDownMs"), outBound);
  row("kill → no request reaches it and none fails", ms("outOfRotationMs"), outBound);
  console.log(`${"requests that failed per kill (one every 100 ms)".padEnd(62)} ${String(ms("failedRequests")).padStart(8)}`);
  row("restart → marked UP", ms("detectedUpMs"), backBound);
  row("restart → serves requests again (includes the app's start)", ms("backInRotationMs"), backBound);
  console.log(
    `bounds: interval × unhealthy threshold = ${b.interval} s × ${b.unhealthyThreshold}; interval × healthy threshold = ${b.interval} s × ${b.healthyThreshold}`,
  );
  console.log(
    `every cycle (out/back ms): ${b.cycles.map((c) => `${Math.round(c.outOfRotationMs)}/${Math.round(c.backInRotationMs)}`).join(", ")}`,
  );
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function main(): Promise<void> {
  if (values.only !== "failover") benchEvaluate();
  if (values.only !== "evaluate") await benchFailoverReport();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
