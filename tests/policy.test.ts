import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import { nameOfUrn, namesMatch, POLICY_PACK_NAME, policies, policyPackConfig } from "@web-infra/policy";
import { runPolicies, stackConfig } from "@web-infra/testing";
import { checkCompliance, compliant } from "../stacks/web/compliance";
import { loadSettings } from "../stacks/web/config";
import { stackWaivers, WAIVERS } from "../stacks/web/waivers";
import { ROOT, runWeb, STACKS, stackGraph } from "./support";

/** Started at load so the policy host (ts-node with type checking) runs on the other core meanwhile. */
const packRun = new Promise<string>((resolve, reject) => {
  execFile(
    process.execPath,
    [join(__dirname, "fixtures/policy-host.js"), join(ROOT, "packages/policy")],
    { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", NODE_COMPILE_CACHE: join(tmpdir(), "node-compile-cache") } },
    (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
  );
});
packRun.catch(() => undefined);

interface PackSeen {
  name: string;
  version: string;
  enforcementLevel: string;
  policies: { name: string; configSchema?: object }[];
}

const presetOf = (stack: string) => loadSettings(stack, stackConfig({ stack, projectDir: ROOT }).config).preset;

describe("security baseline policy pack", () => {
  it("has one rule per row of the baseline table, each naming its Security Hub and Checkov IDs", () => {
    const rows = new Set(policies.map((p) => p.baseline.row));
    assert.deepEqual(
      [...rows].sort((a, b) => a - b),
      [...Array(51).keys()].map((i) => i + 1),
    );
    // 43 rows of the reference table, 3 Auto Scaling rows, 2 IAM rows, EC2.10 and EC2.21 (rows 49 and 50) and row 51 (instances reach
    // Systems Manager, by route or endpoints), plus CKV_AWS_260 (the table names it as the redirect's conflict), plus row 17's user-data
    // scan, which must read inputs: state keeps only a hash of userData.
    assert.equal(policies.length, 53);
    assert.equal(new Set(policies.map((p) => p.name)).size, policies.length, "names are unique");
    for (const p of policies) {
      // Rows 47-48 have no Security Hub or Checkov control (FSBP checks no role a stack creates), nor row 51 (reachability).
      if ([47, 48, 51].includes(p.baseline.row)) assert.match(p.description, /\[baseline row (4[78]|51)\]$/, p.name);
      else assert.match(p.description, /\[baseline row \d+; (Security Hub [\w.]+|Checkov CKV)/, p.name);
      assert.equal(p.enforcementLevel, "mandatory");
    }
  });

  it("loads as a real PolicyPack under the policy host, type-checked by ts-node", async () => {
    const pack = JSON.parse(await packRun) as PackSeen;
    assert.equal(pack.name, POLICY_PACK_NAME);
    assert.equal(
      pack.version,
      (JSON.parse(readFileSync(join(ROOT, "packages/policy/package.json"), "utf8")) as { version: string }).version,
    );
    assert.equal(pack.enforcementLevel, "mandatory");
    assert.deepEqual(
      pack.policies.map((p) => p.name),
      policies.map((p) => p.name),
    );
  });

  for (const stack of STACKS) {
    it(`${stack}: has no violation the environment's waivers do not cover, and no stale waiver`, async () => {
      const g = await stackGraph(stack);
      const preset = loadSettings(stack, stackConfig({ stack, projectDir: ROOT }).config).preset;
      const report = await checkCompliance(g, preset);
      assert.deepEqual(report.unwaived, []);
      assert.deepEqual(report.problems, []);
    });
  }

  for (const stack of STACKS) {
    it(`${stack}: the pack config written from its waivers lets the cloud run pass, whole-rule waivers left as advisories`, async () => {
      const waivers = WAIVERS[presetOf(stack)];
      const found = await runPolicies(await stackGraph(stack), [...policies], policyPackConfig(waivers));
      assert.deepEqual(
        found.filter((v) => v.enforcementLevel === "mandatory"),
        [],
      );
      assert.deepEqual(
        [...new Set(found.map((v) => v.policy))].sort(),
        waivers
          .filter((w) => w.resources === undefined)
          .map((w) => w.policy)
          .sort(),
      );
    });
  }

  it("fails when a dual-stack load balancer's IPv6 port-80 rule is not waived by name; passes with the stack's IPv6 waivers", async () => {
    const g = await runWeb({ stack: "prod", config: { "web-infra:enableIpv6": "true" } });
    assert.equal(
      g.get("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "web-alb-from-internet-ipv6-80").inputs["cidrIpv6"],
      "::/0",
    );
    const without = await checkCompliance(g, "prod", WAIVERS.prod);
    assert.deepEqual(
      without.unwaived.map((v) => `${v.policy} ${nameOfUrn(v.urn) ?? ""}`),
      ["sg-no-world-ingress-on-port-80 web-alb-from-internet-ipv6-80"],
    );
    const report = await checkCompliance(g, "prod", stackWaivers("prod", true));
    assert.ok(compliant(report), JSON.stringify([report.unwaived, report.problems]));
    assert.deepEqual(stackWaivers("prod", false), WAIVERS.prod, "no IPv6 name when the stack is IPv4-only: it would match nothing");
  });

  it("fails the cloud run on every waived violation when no pack config is given", async () => {
    const found = await runPolicies(await stackGraph("prod"), [...policies]);
    assert.deepEqual(found.map((v) => `${v.policy} ${nameOfUrn(v.urn) ?? ""} ${v.enforcementLevel}`).sort(), [
      "ec2-vpc-ec2-endpoint network mandatory",
      "elb-listener-uses-secure-protocol web-http mandatory",
      "elb-target-group-encrypted-protocol web-app-8080 mandatory",
      "elb-target-group-https-health-check web-app-8080 mandatory",
      "iam-policy-actions-known logs mandatory",
      "iam-policy-actions-known monitoring-alarms mandatory",
      "sg-no-world-ingress-on-port-80 web-alb-from-internet-80 mandatory",
    ]);
    for (const v of found) {
      assert.ok(
        WAIVERS.prod.some((w) => w.policy === v.policy && w.resources?.some((r) => namesMatch(r, nameOfUrn(v.urn) ?? ""))),
        `${v.policy} ${v.urn}: a prod waiver covers it`,
      );
    }
  });

  it("writes pack configs the real pack's per-rule config schema accepts", async () => {
    const pack = JSON.parse(await packRun) as PackSeen;
    const ajv = new Ajv({ strict: false });
    for (const stack of STACKS) {
      for (const [name, entry] of Object.entries(policyPackConfig(WAIVERS[presetOf(stack)]))) {
        const schema = pack.policies.find((p) => p.name === name)?.configSchema;
        assert.ok(schema, `${stack}: ${name} is a rule of the pack with a config schema`);
        const { enforcementLevel, ...properties } = entry;
        assert.ok(enforcementLevel === undefined || enforcementLevel === "advisory", name);
        assert.ok(
          ajv.validate({ type: "object", additionalProperties: false, ...schema }, properties),
          `${stack} ${name}: ${ajv.errorsText()}`,
        );
      }
    }
  });

  it("prod waives only the documented design conflicts: the redirect listener (ELB.18, CKV_AWS_260), TLS ending at the ALB (ELB.21, ELB.22), the keys' administrator statement, and an ec2 endpoint nothing would use (EC2.10)", async () => {
    const report = await checkCompliance(await stackGraph("prod"), "prod");
    assert.deepEqual(
      report.waived.map((w) => [w.waiver.policy, w.waiver.resources, w.violations.length]),
      [
        ["elb-listener-uses-secure-protocol", ["web-http"], 1],
        ["sg-no-world-ingress-on-port-80", ["web-alb-from-internet-80"], 1],
        ["elb-target-group-https-health-check", ["web-app-*"], 1],
        ["elb-target-group-encrypted-protocol", ["web-app-*"], 1],
        ["iam-policy-actions-known", ["logs", "monitoring-alarms"], 2],
        ["ec2-vpc-ec2-endpoint", ["network"], 1],
      ],
    );
    assert.equal(report.passed.length, 47);
  });

  it("holds prod to the same pack and waivers during an appPort change, both ports' target groups included", async () => {
    const report = await checkCompliance(await runWeb({ stack: "prod", config: { appPort: "8443", previousAppPort: "8080" } }), "prod");
    assert.ok(compliant(report), JSON.stringify(report.problems));
    assert.deepEqual(
      report.waived.filter((w) => w.waiver.policy.startsWith("elb-target-group")).map((w) => w.violations.map((v) => nameOfUrn(v.urn))),
      [
        ["web-app-8443", "web-app-8080"],
        ["web-app-8443", "web-app-8080"],
      ],
    );
  });

  it("gives every waiver of every environment a reason", () => {
    for (const [env, waivers] of Object.entries(WAIVERS)) {
      for (const w of waivers) assert.ok(w.reason.length > 20, `${env} ${w.policy}`);
    }
  });

  it("fails when a waiver names an unknown rule or matches nothing", async () => {
    const report = await checkCompliance(await stackGraph("prod"), "prod", [
      ...WAIVERS.prod,
      { policy: "rds-multi-az", reason: "a waiver with nothing left to waive in prod" },
      { policy: "no-such-rule", reason: "a waiver for a rule that does not exist" },
    ]);
    assert.deepEqual(report.problems, [
      'waiver for "rds-multi-az" matches no violation: remove it',
      'waiver for "no-such-rule" names no rule of the pack',
    ]);
    assert.ok(!compliant(report));
  });

  it("fails when a stack loses a control its waivers do not cover", async () => {
    const g = await runWeb({ stack: "staging", config: { albDeletionProtection: "false" } });
    const report = await checkCompliance(g, "staging");
    assert.deepEqual(
      report.unwaived.map((v) => `${v.policy}: ${v.message}`),
      ["elb-deletion-protection: enableDeletionProtection is not true"],
    );
  });
});
