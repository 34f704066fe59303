import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as aws from "@pulumi/aws";
import { compareCost, estimateCost, FREE, PRICE_TABLES, PRICERS, runProgram, UnpricedResourceError } from "@web-infra/testing";
import { join } from "node:path";
import { bootstrapStack } from "../stacks/bootstrap/program";
import { stackCost, USAGE } from "../stacks/web/cost";
import { ROOT, runWeb, stackGraph } from "./support";

const P = (key: string) => {
  const price = PRICE_TABLES["us-east-1"]!.prices[key];
  assert.ok(price, key);
  return price.usd;
};
/** A total by hand: price × quantity for each thing billed, quantities written out from the stack's settings. */
const total = (items: [string, number][]) => Math.round(items.reduce((n, [key, qty]) => n + P(key) * qty, 0) * 100) / 100;
const H = 730;

describe("monthly cost estimate, from the captured graph and the region's price file", () => {
  it("dev: 2 t4g.micro, one NAT, 3 public IPv4s, ALB, primary and replica db.t4g.micro, 19 alarms, a dashboard", async () => {
    const e = stackCost(await stackGraph("dev"), "dev");
    const u = { ...USAGE.dev };
    assert.equal(
      e.total,
      total([
        ["ec2:t4g.micro", 2 * H + 2 * u.refreshesPerMonth! * 0.5], // desired 2; a refresh runs 2 extra at 200 %
        ["ebs:gp3", 2 * 20],
        ["nat:hour", H],
        ["nat:gb", 5],
        ["ipv4:hour", (1 + 2) * H], // the NAT's Elastic IP and the ALB's address in each of 2 zones
        ["alb:hour", H],
        ["alb:lcu", 0.1 * H],
        ["rds:db.t4g.micro", 2 * H],
        ["rds:gp3", 2 * 20],
        ["logs:ingest", 8 * 0.1], // 4 exported logs × 2 instances
        ["logs:storage", 8 * 0.1 * (7 / 30.4)],
        ["kms:key", 1],
        ["secretsmanager:secret", 1],
        ["cloudwatch:alarm", 19],
        ["cloudwatch:dashboard", 1],
      ]),
    );
    assert.ok(e.total > 50 && e.total < 150, `dev is tens of dollars plus: ${e.total}`);
  });

  it("staging: two NATs, a Multi-AZ primary, flow logs and access logs", async () => {
    const e = stackCost(await stackGraph("staging"), "staging");
    assert.equal(
      e.total,
      total([
        ["ec2:t4g.small", 2 * H + 2 * 10 * 0.5],
        ["ebs:gp3", 2 * 20],
        ["nat:hour", 2 * H],
        ["nat:gb", 2 * 10],
        ["ipv4:hour", (2 + 2) * H],
        ["alb:hour", H],
        ["alb:lcu", 0.2 * H],
        ["rds:db.t4g.small", 2 * H + H], // Multi-AZ primary, Single-AZ replica
        ["rds:gp3", 20 * 2 + 20],
        ["logs:ingest", 8 * 0.5 + 2 * 0.5], // database logs, and Enhanced Monitoring of 2 instances
        ["logs:vended", 10],
        ["logs:storage", (10 + 8 * 0.5) * (90 / 30.4)],
        ["s3:standard", 5],
        ["kms:key", 2],
        ["secretsmanager:secret", 1],
        ["cloudwatch:alarm", 19],
        ["cloudwatch:dashboard", 1],
      ]),
    );
  });

  it("prod: 3 m7g.large, 3 NATs, two Multi-AZ db.m7g.large, 6 interface endpoints in 3 zones, WAF", async () => {
    const e = stackCost(await stackGraph("prod"), "prod");
    assert.equal(
      e.total,
      total([
        ["ec2:m7g.large", 3 * H + 3 * 4 * 0.5],
        ["ebs:gp3", 3 * 20],
        ["nat:hour", 3 * H],
        ["nat:gb", 3 * 50],
        ["ipv4:hour", (3 + 3) * H],
        ["alb:hour", H],
        ["alb:lcu", 2 * H],
        ["rds:db.m7g.large", 2 * 2 * H],
        ["rds:gp3", 100 * 2 * 2],
        ["logs:ingest", 8 * 2 + 2 * 0.5],
        ["logs:vended", 30],
        ["logs:storage", (30 + 8 * 2) * (365 / 30.4)],
        ["endpoint:hour", 6 * 3 * H],
        ["endpoint:gb", 6],
        ["waf:acl", 1],
        ["waf:rule", 2],
        ["waf:requests", 5],
        ["s3:standard", 20],
        ["kms:key", 2],
        ["secretsmanager:secret", 1],
        ["cloudwatch:alarm", 19],
        ["cloudwatch:dashboard", 1],
      ]),
    );
    assert.deepEqual(
      e.ceilings.map((c) => [c.resource, c.quantity]),
      [["web-servers", 6 * H]],
    );
  });

  it("fails when a resource type has no price entry, naming it: nothing new is silently free", async () => {
    const g = await runProgram(
      () => {
        new aws.sqs.Queue("jobs", {});
      },
      { stack: "dev", enforce: false },
    );
    assert.throws(
      () => estimateCost(g),
      (err: unknown) => err instanceof UnpricedResourceError && /no price entry for aws:sqs\/queue:Queue/.test(err.message),
    );
  });

  it("fails when the region's file has no price for an instance type the stack uses", async () => {
    const g = await runWeb({ stack: "dev", config: { instanceType: "c6g.large" } });
    assert.throws(() => estimateCost(g), /no price entry for price "ec2:c6g.large" in us-east-1/);
  });

  it("prices or frees every type the stacks and the bootstrap create, and cites a pricing page for every price", async () => {
    const graphs = [
      ...(await Promise.all(["dev", "staging", "prod"].map(stackGraph))),
      await runProgram(bootstrapStack, { stack: "admin", projectDir: join(__dirname, "../stacks/bootstrap") }),
    ];
    for (const g of graphs)
      for (const t of new Set(g.customResources.map((r) => r.type))) assert.ok(PRICERS[t] !== undefined || FREE[t] !== undefined, t);
    for (const table of Object.values(PRICE_TABLES))
      for (const [key, price] of Object.entries(table.prices))
        assert.match(price.source, /^https:\/\/aws\.amazon\.com\//, `${table.region} ${key}`);
    assert.deepEqual(Object.keys(PRICE_TABLES).sort(), ["eu-west-1", "us-east-1"]);
    assert.deepEqual(Object.keys(PRICE_TABLES["eu-west-1"]!.prices).sort(), Object.keys(PRICE_TABLES["us-east-1"]!.prices).sort());
  });

  it("compares two estimates line by line: a bigger instance type is one changed line and its delta", async () => {
    const before = stackCost(await stackGraph("dev"), "dev");
    const after = stackCost(await runWeb({ stack: "dev", config: { instanceType: "t4g.small" } }), "dev");
    const c = compareCost(before, after);
    assert.equal(c.delta, Math.round((after.total - before.total) * 100) / 100);
    assert.ok(c.added.some((l) => l.price === "ec2:t4g.small") && c.removed.some((l) => l.price === "ec2:t4g.micro"));
    assert.equal(c.delta, Math.round((P("ec2:t4g.small") - P("ec2:t4g.micro")) * (2 * H + 2 * 20 * 0.5) * 100) / 100);
  });
});

describe("npm run plan: cost and architecture beside the plan", () => {
  it("--json carries every cost line, --diagram writes the SVG and --mermaid its Mermaid twin", () => {
    const dir = mkdtempSync(join(tmpdir(), "plan-"));
    try {
      const r = spawnSync(
        process.execPath,
        [
          "--require",
          "./packages/testing/register.js",
          "stacks/web/plan.ts",
          "--stack",
          "dev",
          "--json",
          "--diagram",
          join(dir, "dev.svg"),
          "--mermaid",
          join(dir, "dev.mmd"),
        ],
        { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      );
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { cost: { total: number; lines: { price: string }[] } };
      assert.ok(out.cost.lines.length > 30, String(out.cost.lines.length));
      assert.ok(out.cost.lines.some((l) => l.price === "nat:hour"));
      assert.match(readFileSync(join(dir, "dev.svg"), "utf8"), /^<svg[\s\S]*us&#45;east&#45;1a[\s\S]*<\/svg>\s*$/);
      assert.match(readFileSync(join(dir, "dev.mmd"), "utf8"), /^flowchart TB\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints the whole --json through npm, past the 64 KiB a pipe holds: prod's plan with every line", () => {
    const r = spawnSync("npm", ["run", "--silent", "plan", "--", "--stack", "prod", "--json"], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.length > 65536, String(r.stdout.length));
    const out = JSON.parse(r.stdout) as { cost: { lines: { what: string; monthly: number }[] } };
    assert.deepEqual(
      out.cost.lines.filter((l) => l.what.startsWith("Performance Insights")).map((l) => l.monthly),
      [0, 0],
    );
  });
});
