import * as assert from "node:assert/strict";
import { renderValue, ValidationError } from "@web-infra/core";
import { registeredBefore } from "@web-infra/testing";
import { runWeb } from "./support";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

interface Case {
  /** Kind of mistake, for the test name. */
  readonly kind: string;
  /** The test name after "fails when", if the kind and config do not say it. */
  readonly title?: string;
  readonly stack?: string;
  /** Overrides on top of the stack file; `undefined` removes a key. */
  readonly config: Record<string, string | undefined>;
  /** Every problem expected, in order: the key and the value given (undefined = missing). */
  readonly problems: readonly (readonly [key: string, got: unknown])[];
  /** Something the message must also say, such as a suggestion. */
  readonly says?: RegExp;
}

const CASES: readonly Case[] = [
  { kind: "wrong type", config: { azCount: "two" }, problems: [["web-infra:azCount", "two"]] },
  { kind: "wrong type", config: { webServerCount: "2.5" }, problems: [["web-infra:webServerCount", "2.5"]] },
  { kind: "wrong type", config: { flowLogs: "yes" }, problems: [["web-infra:flowLogs", "yes"]] },
  { kind: "wrong type", config: { requestsPerTarget: "many" }, problems: [["web-infra:requestsPerTarget", "many"]] },
  { kind: "out of range", config: { requestsPerTarget: "0" }, problems: [["web-infra:requestsPerTarget", "0"]] },
  {
    kind: "removed key",
    config: { rollServers: "[0]" },
    problems: [["web-infra:rollServers", "[0]"]],
    says: /rollServers was removed: .*instance refresh.*pulumi config rm web-infra:rollServers/,
  },
  { kind: "wrong type", config: { dbMultiAz: "1" }, problems: [["web-infra:dbMultiAz", "1"]] },
  { kind: "wrong type", config: { dbReplicaCount: "one" }, problems: [["web-infra:dbReplicaCount", "one"]] },
  { kind: "out of range", config: { azCount: "1" }, problems: [["web-infra:azCount", "1"]], says: /minimum for active-active/ },
  { kind: "out of range", config: { webServerCount: "1" }, problems: [["web-infra:webServerCount", "1"]], says: /single point of failure/ },
  { kind: "out of range", config: { idleTimeout: "5000" }, problems: [["web-infra:idleTimeout", "5000"]] },
  { kind: "out of range", config: { dbAllocatedStorageGiB: "10" }, problems: [["web-infra:dbAllocatedStorageGiB", "10"]] },
  {
    kind: "out of range",
    config: { dbBackupRetentionDays: "0" },
    problems: [["web-infra:dbBackupRetentionDays", "0"]],
    says: /replica's source needs automated backups/,
  },
  { kind: "out of range", config: { dbReplicaCount: "16" }, problems: [["web-infra:dbReplicaCount", "16"]] },
  { kind: "out of range", config: { appPort: "80" }, problems: [["web-infra:appPort", "80"]] },
  {
    kind: "contradictory options",
    title: "previousAppPort equals appPort",
    config: { previousAppPort: "8080" },
    problems: [["web-infra:previousAppPort", 8080]],
    says: /no port change is in progress.*Remove previousAppPort/,
  },
  { kind: "out of range", config: { dbPort: "99999" }, problems: [["web-infra:dbPort", "99999"]] },
  { kind: "out of range", config: { flowLogRetentionDays: "10" }, problems: [["web-infra:flowLogRetentionDays", "10"]] },
  { kind: "malformed CIDR", config: { vpcCidr: "10.0.0.0" }, problems: [["web-infra:vpcCidr", "10.0.0.0"]] },
  { kind: "malformed CIDR", config: { vpcCidr: "10.0.0.0/8" }, problems: [["web-infra:vpcCidr", "10.0.0.0/8"]] },
  { kind: "malformed CIDR", config: { vpcCidr: "10.0.0.1/16" }, problems: [["web-infra:vpcCidr", "10.0.0.1/16"]] },
  { kind: "malformed CIDR", config: { vpcCidr: "300.0.0.0/16" }, problems: [["web-infra:vpcCidr", "300.0.0.0/16"]] },
  {
    // A /24 is a valid VPC, but the network's subnets (4 bits smaller) would be /28, below the /27 a load
    // balancer needs; staging encrypts its logs, so the check must come before the KMS key too.
    kind: "out of range",
    title: "vpcCidr is smaller than /23",
    stack: "staging",
    config: { vpcCidr: "10.20.0.0/24" },
    problems: [["web-infra:vpcCidr", "10.20.0.0/24"]],
    says: /web-infra:vpcCidr must be an IPv4 CIDR from \/16 to \/23 .*Use a \/23 or larger private block/,
  },
  {
    kind: "unknown key",
    config: { webServerCout: "3" },
    problems: [["web-infra:webServerCout", "3"]],
    says: /Did you mean "web-infra:webServerCount"\?/,
  },
  {
    kind: "unknown key",
    config: { dbInstanceClas: "db.t4g.micro" },
    problems: [["web-infra:dbInstanceClas", "db.t4g.micro"]],
    says: /Did you mean "web-infra:dbInstanceClass"\?/,
  },
  {
    kind: "unknown key",
    config: { "web-infr:azCount": "2" },
    problems: [["web-infr:azCount", "2"]],
    says: /Did you mean "web-infra:azCount"\?/,
  },
  {
    kind: "contradictory options",
    config: { certificateArn: CERT },
    problems: [["web-infra:certificateArn", CERT]],
    says: /either web-infra:domainName \+ web-infra:hostedZoneId/,
  },
  { kind: "contradictory options", stack: "prod", config: { natGateways: "single" }, problems: [["web-infra:natGateways", "single"]] },
  { kind: "contradictory options", stack: "prod", config: { dbMultiAz: "false" }, problems: [["web-infra:dbMultiAz", false]] },
  {
    kind: "contradictory options",
    config: { webServerCount: "3", maxWebServers: "2" },
    problems: [["web-infra:maxWebServers", 2]],
    says: /at least webServerCount \(3\)/,
  },
  {
    kind: "contradictory options",
    stack: "prod",
    config: { webServerCount: "2" },
    problems: [["web-infra:webServerCount", 2]],
    says: /at least azCount \(3\) in prod/,
  },
  {
    kind: "contradictory options",
    config: { dbMaxAllocatedStorageGiB: "30", dbAllocatedStorageGiB: "40" },
    problems: [["web-infra:dbMaxAllocatedStorageGiB", 30]],
  },
  { kind: "contradictory options", config: { dbEngineVersion: "8.4.7" }, problems: [["web-infra:dbEngineVersion", "8.4.7"]] },
  { kind: "contradictory options", stack: "staging", config: { dbReplicaCount: "0" }, problems: [["web-infra:dbReplicaCount", 0]] },
  {
    kind: "contradictory options",
    stack: "staging",
    config: { dbSkipFinalSnapshot: "true" },
    problems: [["web-infra:dbSkipFinalSnapshot", true]],
  },
  { kind: "unknown instance type", config: { instanceType: "t9.large" }, problems: [["web-infra:instanceType", "t9.large"]] },
  { kind: "unknown instance class", config: { dbInstanceClass: "db.q5.large" }, problems: [["web-infra:dbInstanceClass", "db.q5.large"]] },
  { kind: "unknown engine version", config: { dbEngineVersion: "9.9" }, problems: [["web-infra:dbEngineVersion", "9.9"]] },
  { kind: "malformed id", config: { amiId: "ami-xyz" }, problems: [["web-infra:amiId", "ami-xyz"]] },
  { kind: "wrong type", config: { alarmEmails: "ops@example.com" }, problems: [["web-infra:alarmEmails", "ops@example.com"]] },
  { kind: "contradictory options", stack: "prod", config: { waf: "false" }, problems: [["web-infra:waf", false]] },
  { kind: "contradictory options", stack: "prod", config: { encryptLogs: "false" }, problems: [["web-infra:encryptLogs", false]] },
  {
    kind: "out of range",
    config: { alarmThresholds: '{"ec2CpuPercent": 150}' },
    problems: [["web-infra:alarmThresholds.ec2CpuPercent", 150]],
  },
  {
    kind: "unknown key",
    config: { alarmThresholds: '{"cpu": 90}' },
    problems: [["web-infra:alarmThresholds.cpu", 90]],
    says: /Use one of elb5xxPerMinute/,
  },
  {
    kind: "contradictory options",
    config: { alarmEmails: '["ops@example.com"]' },
    problems: [["web-infra:alarmEmails", ["ops@example.com"]]],
    says: /must be empty in dev/,
  },
  {
    kind: "missing required value",
    stack: "prod",
    config: { alarmEmails: undefined },
    problems: [["web-infra:alarmEmails", []]],
    says: /at least one address in prod/,
  },
  { kind: "malformed id", config: { hostedZoneId: "zone1" }, problems: [["web-infra:hostedZoneId", "zone1"]] },
  { kind: "missing required value", config: { "aws:region": undefined }, problems: [["aws:region", undefined]] },
  {
    kind: "missing required value",
    config: { domainName: undefined, hostedZoneId: undefined },
    problems: [["web-infra:domainName", undefined]],
    says: /HTTPS is not optional/,
  },
  { kind: "missing required value", config: { hostedZoneId: undefined }, problems: [["web-infra:hostedZoneId", undefined]] },
  {
    kind: "several mistakes",
    config: { azCount: "0", vpcCidr: "nope", webServerCout: "2", dbEngineVersion: "5.7" },
    problems: [
      ["web-infra:azCount", "0"],
      ["web-infra:vpcCidr", "nope"],
      ["web-infra:webServerCout", "2"],
      ["web-infra:dbEngineVersion", "5.7"],
    ],
  },
];

describe("bad input: every wrong configuration fails before anything is created", () => {
  it("has at least 30 cases across every kind of mistake", () => {
    assert.ok(CASES.length >= 30);
    assert.deepEqual([...new Set(CASES.map((c) => c.kind))].sort(), [
      "contradictory options",
      "malformed CIDR",
      "malformed id",
      "missing required value",
      "out of range",
      "removed key",
      "several mistakes",
      "unknown engine version",
      "unknown instance class",
      "unknown instance type",
      "unknown key",
      "wrong type",
    ]);
  });

  for (const c of CASES) {
    const stack = c.stack ?? "dev";
    const given = Object.entries(c.config).map(([k, v]) => `${k}=${v ?? "(removed)"}`);
    it(`fails when ${c.title ?? c.kind}: ${stack} with ${given.join(", ")}`, async () => {
      const err = await runWeb({ stack, config: c.config }).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
      assert.deepEqual(
        err.problems.map((p) => [p.key, p.got]),
        c.problems.map(([key, got]) => [key, got]),
        "every problem, in one error",
      );
      for (const p of err.problems) {
        assert.ok(err.message.includes(`${p.key} `), `names the key ${p.key}`);
        assert.ok(err.message.includes(`got ${renderValue(p.got)}`), `shows the value given for ${p.key}`);
        assert.ok(typeof p.fix === "string" && p.fix.length > 5 && err.message.includes(p.fix), `says how to fix ${p.key}`);
      }
      if (c.says) assert.match(err.message, c.says);
      assert.deepEqual(
        registeredBefore(err).map((r) => r.type),
        ["pulumi:pulumi:Stack"],
        "nothing was registered",
      );
    });
  }
});
