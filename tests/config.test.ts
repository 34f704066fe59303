import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "@web-infra/core";
import { registeredBefore } from "@web-infra/testing";
import { routeProblem } from "../stacks/web/components";
import { closest, loadSettings, PRESETS, SETTINGS } from "../stacks/web/config";
import { configDocsBlock, replaceBlock } from "../scripts/config-docs";
import { ROOT, runWeb, STACKS, stackGraph } from "./support";

const BOUNDARY = "arn:aws:iam::123456789012:policy/web-infra/web-infra-boundary";
const BASE = {
  "aws:region": "us-east-1",
  "web-infra:domainName": "www.example.com",
  "web-infra:hostedZoneId": "Z0123456789EXAMPLE",
  "web-infra:permissionsBoundaryArn": BOUNDARY,
};
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

/** BASE with overrides; an override of `undefined` removes the key. */
const withBase = (config: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries({ ...BASE, ...config }).filter((e): e is [string, string] => e[1] !== undefined));

function problems(stack: string, config: Record<string, string | undefined>): ValidationError {
  try {
    loadSettings(stack, withBase(config));
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  assert.fail("expected the config to be rejected");
}

describe("stack config", () => {
  it("applies the preset of the stack's name and the overrides on top", () => {
    const s = loadSettings("staging", { ...BASE, "web-infra:azCount": "3" });
    assert.deepEqual(s, {
      ...PRESETS.staging,
      azCount: 3,
      stack: "staging",
      preset: "staging",
      region: "us-east-1",
      domainName: "www.example.com",
      hostedZoneId: "Z0123456789EXAMPLE",
      permissionsBoundaryArn: BOUNDARY,
      allowedAccountIds: undefined,
    });
  });

  it("lets a stack with another name pick a preset", () => {
    const s = loadSettings("feature-x", { ...BASE, "web-infra:preset": "dev" });
    assert.equal(s.preset, "dev");
    assert.equal(s.natGateways, "single");
  });

  it("has a documented schema entry for every tunable setting", () => {
    for (const key of Object.keys(PRESETS.dev)) assert.ok(SETTINGS[key], `no schema entry for ${key}`);
    for (const [key, s] of Object.entries(SETTINGS)) assert.ok(s.doc.length > 10, `${key} has no doc line`);
  });

  it("fails when a key is unknown, suggesting the closest one", () => {
    const err = problems("dev", { "web-infra:azCont": "2" });
    assert.match(err.message, /web-infra:azCont is not a known setting, got "2"\. Did you mean "web-infra:azCount"\?/);
  });

  it("fails when a key's namespace is misspelt", () => {
    const err = problems("dev", { "web-infr:azCount": "2" });
    assert.match(
      err.message,
      /web-infr:azCount is in namespace "web-infr", which no part of this stack reads, got "2"\. Did you mean "web-infra:azCount"\?/,
    );
  });

  it("fails when a number is not a number", () => {
    assert.match(problems("dev", { "web-infra:azCount": "two" }).message, /web-infra:azCount must be an integer from 2 to 4, got "two"\./);
  });

  it("fails when azCount is below 2 for active-active", () => {
    assert.match(
      problems("dev", { "web-infra:azCount": "1" }).message,
      /web-infra:azCount must be an integer from 2 to 4, got "1"\. Two zones are the minimum/,
    );
  });

  it("fails when the VPC CIDR is malformed", () => {
    assert.match(
      problems("dev", { "web-infra:vpcCidr": "10.0.0.0/33" }).message,
      /web-infra:vpcCidr must be an IPv4 CIDR from \/16 to \/23 with no host bits set/,
    );
  });

  it("fails when natGateways is not a mode", () => {
    assert.match(
      problems("dev", { "web-infra:natGateways": "none" }).message,
      /web-infra:natGateways must be one of "single", "perAz", got "none"/,
    );
  });

  it("fails when flowLogs is not a boolean", () => {
    assert.match(problems("dev", { "web-infra:flowLogs": "yes" }).message, /web-infra:flowLogs must be true or false, got "yes"/);
  });

  it("fails when the flow log retention is not a CloudWatch period", () => {
    assert.match(
      problems("dev", { "web-infra:flowLogRetentionDays": "10" }).message,
      /web-infra:flowLogRetentionDays must be one of the CloudWatch retention periods/,
    );
  });

  it("fails when webServerCount is below 2 for active-active", () => {
    assert.match(
      problems("dev", { "web-infra:webServerCount": "1" }).message,
      /web-infra:webServerCount must be an integer from 2 to 20 \(≥ 2 for active-active\), got "1"/,
    );
  });

  it("fails when the instance type is not a known type", () => {
    assert.match(
      problems("dev", { "web-infra:instanceType": "t9.micro" }).message,
      /web-infra:instanceType must be a known EC2 instance type/,
    );
  });

  it("fails when amiId is not an AMI id", () => {
    assert.match(problems("dev", { "web-infra:amiId": "latest" }).message, /web-infra:amiId must be an AMI id/);
  });

  it("fails when rollServers is still set, saying what replaced it and how to remove it", () => {
    const err = problems("dev", { "web-infra:rollServers": "[0]" });
    assert.deepEqual(
      err.problems.map((p) => p.key),
      ["web-infra:rollServers"],
    );
    assert.match(
      err.message,
      /web-infra:rollServers was removed: the web servers are an Auto Scaling group, and a new image or boot script rolls through an instance refresh on the next pulumi up/,
    );
    assert.match(err.message, /run pulumi config rm web-infra:rollServers/);
  });

  it("fails when maxWebServers is below webServerCount", () => {
    assert.match(
      problems("dev", { "web-infra:webServerCount": "4", "web-infra:maxWebServers": "3" }).message,
      /web-infra:maxWebServers must be at least webServerCount \(4\)/,
    );
  });

  it("fails when requestsPerTarget is not above 0", () => {
    assert.match(
      problems("dev", { "web-infra:requestsPerTarget": "-5" }).message,
      /web-infra:requestsPerTarget must be a number of requests per server per minute above 0, got "-5"/,
    );
  });

  it("fails when prod keeps fewer servers than it has AZs", () => {
    assert.match(
      problems("prod", { "web-infra:webServerCount": "2" }).message,
      /web-infra:webServerCount must be at least azCount \(3\) in prod/,
    );
  });

  it("fails when appPort is a privileged or out-of-range port", () => {
    assert.match(
      problems("dev", { "web-infra:appPort": "80" }).message,
      /web-infra:appPort must be an integer from 1024 to 65535, got "80"/,
    );
  });

  it("fails when the domain name is not a DNS name", () => {
    assert.match(
      problems("dev", { "web-infra:domainName": "https://example.com" }).message,
      /web-infra:domainName must be a lower-case DNS name/,
    );
  });

  it("fails when the hosted zone id is malformed", () => {
    assert.match(
      problems("dev", { "web-infra:hostedZoneId": "example.com" }).message,
      /web-infra:hostedZoneId must be a Route 53 hosted zone id/,
    );
  });

  it("fails when the domain is given without its zone", () => {
    assert.throws(
      () => loadSettings("dev", { "aws:region": "us-east-1", "web-infra:domainName": "www.example.com" }),
      /web-infra:hostedZoneId must be a Route 53 zone id [^,]*, got nothing/,
    );
  });

  it("fails when the certificate ARN is malformed", () => {
    assert.match(
      problems("dev", { "web-infra:certificateArn": "arn:aws:acm:cert" }).message,
      /web-infra:certificateArn must be an ACM certificate ARN/,
    );
  });

  it("fails when both a domain and a certificate are given", () => {
    assert.match(
      problems("dev", { "web-infra:certificateArn": CERT }).message,
      /web-infra:certificateArn must not be set together with domainName\/hostedZoneId/,
    );
  });

  it("fails when neither a domain nor a certificate is given, naming both options", () => {
    assert.throws(
      () => loadSettings("dev", { "aws:region": "us-east-1" }),
      /web-infra:domainName or certificateArn must be set: HTTPS is not optional/,
    );
  });

  it("fails when the certificate is in another region than the stack", async () => {
    const err = await runWeb({
      stack: "dev",
      config: { "aws:region": "eu-west-1", certificateArn: CERT, domainName: undefined, hostedZoneId: undefined },
    }).catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
    assert.match(err.message, /web-infra:certificateArn must be in the stack's region eu-west-1/);
    assert.deepEqual(
      registeredBefore(err).map((r) => r.type),
      ["pulumi:pulumi:Stack"],
    );
  });

  it("fails when prod turns ALB deletion protection off", () => {
    assert.match(
      problems("prod", { "web-infra:albDeletionProtection": "false" }).message,
      /web-infra:albDeletionProtection must be true in prod/,
    );
  });

  it("fails when prod turns ALB access logs off", () => {
    assert.match(problems("prod", { "web-infra:albAccessLogs": "false" }).message, /web-infra:albAccessLogs must be true in prod/);
  });

  it("fails when the MySQL version is unknown", () => {
    assert.match(
      problems("dev", { "web-infra:dbEngineVersion": "5.7" }).message,
      /web-infra:dbEngineVersion must be a supported RDS for MySQL version/,
    );
  });

  it("fails when a minor MySQL version is pinned while RDS applies minor upgrades", () => {
    assert.match(
      problems("dev", { "web-infra:dbEngineVersion": "8.4.7" }).message,
      /web-infra:dbEngineVersion must [^,]*major line \(8\.4\) while autoMinorVersionUpgrade is on/,
    );
    assert.equal(
      loadSettings("dev", { ...BASE, "web-infra:dbEngineVersion": "8.4.7", "web-infra:dbAutoMinorVersionUpgrade": "false" })
        .dbEngineVersion,
      "8.4.7",
    );
  });

  it("fails when the DB instance class is unknown", () => {
    assert.match(
      problems("dev", { "web-infra:dbInstanceClass": "db.t2.nano" }).message,
      /web-infra:dbInstanceClass must be an RDS for MySQL instance class/,
    );
  });

  it("fails when the replica instance class is unknown", () => {
    assert.match(
      problems("dev", { "web-infra:dbReplicaInstanceClass": "t4g.micro" }).message,
      /web-infra:dbReplicaInstanceClass must be an RDS for MySQL instance class/,
    );
  });

  it("fails when DB storage is below the gp3 minimum", () => {
    assert.match(
      problems("dev", { "web-infra:dbAllocatedStorageGiB": "10" }).message,
      /web-infra:dbAllocatedStorageGiB must be an integer from 20/,
    );
  });

  it("fails when the storage ceiling is not above the allocation", () => {
    assert.match(
      problems("dev", { "web-infra:dbMaxAllocatedStorageGiB": "30", "web-infra:dbAllocatedStorageGiB": "40" }).message,
      /web-infra:dbMaxAllocatedStorageGiB must be [^\n]*, got 30\. [^\n]*allocatedStorageGiB \(40\)/,
    );
  });

  it("fails when backups are off, since a replica's source needs them", () => {
    assert.match(
      problems("dev", { "web-infra:dbBackupRetentionDays": "0" }).message,
      /web-infra:dbBackupRetentionDays must be an integer from 1 to 35, got "0"\. A replica's source needs automated backups/,
    );
  });

  it("fails when the monitoring interval is not one RDS accepts", () => {
    assert.match(
      problems("dev", { "web-infra:dbMonitoringInterval": "45" }).message,
      /web-infra:dbMonitoringInterval must be one of 0, 1, 5, 10, 15, 30, 60 seconds/,
    );
  });

  it("fails when the DB port is out of range", () => {
    assert.match(problems("dev", { "web-infra:dbPort": "80" }).message, /web-infra:dbPort must be an integer from 1150 to 65535/);
  });

  it("fails when the database name is not a MySQL name", () => {
    assert.match(problems("dev", { "web-infra:dbName": "my-app" }).message, /web-infra:dbName must be a MySQL database name/);
  });

  it("fails when staging has no replica (0 is for dev only)", () => {
    assert.match(
      problems("staging", { "web-infra:dbReplicaCount": "0" }).message,
      /web-infra:dbReplicaCount must be at least 1 outside dev/,
    );
    assert.equal(loadSettings("dev", { ...BASE, "web-infra:dbReplicaCount": "0" }).dbReplicaCount, 0);
  });

  it("fails when a non-dev stack skips the final snapshot", () => {
    assert.match(
      problems("staging", { "web-infra:dbSkipFinalSnapshot": "true" }).message,
      /web-infra:dbSkipFinalSnapshot may be true only in dev/,
    );
  });

  it("fails when prod keeps backups for less than 7 days", () => {
    assert.match(
      problems("prod", { "web-infra:dbBackupRetentionDays": "3" }).message,
      /web-infra:dbBackupRetentionDays must be at least 7 in prod/,
    );
  });

  it("fails when prod runs a single-AZ primary", () => {
    assert.match(problems("prod", { "web-infra:dbMultiAz": "false" }).message, /web-infra:dbMultiAz must be true in prod/);
  });

  it("fails when prod turns database deletion protection off", () => {
    assert.match(
      problems("prod", { "web-infra:dbDeletionProtection": "false" }).message,
      /web-infra:dbDeletionProtection must be true in prod/,
    );
  });

  it("fails when prod turns protect off", () => {
    assert.match(
      problems("prod", { "web-infra:protectStatefulResources": "false" }).message,
      /web-infra:protectStatefulResources must be true in prod/,
    );
  });

  it("fails when aws:region is missing", () => {
    assert.throws(
      () => loadSettings("dev", {}),
      /aws:region must be set: the AWS provider has no default region, got nothing\. Run `pulumi config set aws:region us-east-1`\./,
    );
  });

  it("fails when a stack whose name is not a preset names none", () => {
    assert.match(problems("feature-x", {}).message, /web-infra:preset must be set for stack "feature-x", whose name is not a preset/);
  });

  it("fails when the preset is unknown", () => {
    assert.match(
      problems("feature-x", { "web-infra:preset": "qa" }).message,
      /web-infra:preset must be one of dev, staging, prod, got "qa"/,
    );
  });

  it("fails when prod is given a single NAT gateway", () => {
    assert.match(problems("prod", { "web-infra:natGateways": "single" }).message, /web-infra:natGateways must be "perAz" in prod/);
  });

  it("fails when prod turns flow logs off", () => {
    assert.match(problems("prod", { "web-infra:flowLogs": "false" }).message, /web-infra:flowLogs must be true in prod/);
  });

  it("lists every problem in one message", () => {
    const err = problems("dev", { "web-infra:azCount": "x", "web-infra:vpcCidr": "nope", "web-infra:webServerCout": "2" });
    assert.deepEqual(
      err.problems.map((p) => p.key),
      ["web-infra:azCount", "web-infra:vpcCidr", "web-infra:webServerCout"],
    );
    assert.match(err.message, /^stack "dev" config has 3 invalid inputs:/);
  });

  it("registers nothing but the stack when the config is invalid", async () => {
    const err = await runWeb({ stack: "dev", config: { azCount: "1" } }).catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError);
    assert.deepEqual(
      registeredBefore(err).map((r) => r.type),
      ["pulumi:pulumi:Stack"],
    );
  });

  it("fails when staging or prod has no permissions boundary", () => {
    for (const stack of ["staging", "prod"]) {
      const err = problems(stack, { "web-infra:permissionsBoundaryArn": undefined, "web-infra:alarmEmails": '["a@example.com"]' });
      assert.deepEqual(
        err.problems.map((p) => [p.key, p.got]),
        [["web-infra:permissionsBoundaryArn", undefined]],
        stack,
      );
      assert.match(
        err.message,
        new RegExp(`must be set in ${stack}: the deploy role creates roles only with the bootstrap stack's boundary`),
      );
    }
    assert.equal(loadSettings("dev", withBase({ "web-infra:permissionsBoundaryArn": undefined })).permissionsBoundaryArn, undefined);
  });

  it("fails when the permissions boundary is not an IAM policy ARN", () => {
    const err = problems("prod", { "web-infra:permissionsBoundaryArn": "arn:aws:iam::123456789012:role/web-infra-boundary" });
    assert.match(
      err.message,
      /web-infra:permissionsBoundaryArn must be an IAM policy ARN such as arn:aws:iam::123456789012:policy\/web-infra\/web-infra-boundary, got "arn:aws:iam::123456789012:role\/web-infra-boundary"\. Copy the bootstrap stack's permissionsBoundaryArn output/,
    );
  });

  it("fails when the permissions boundary is of an account aws:allowedAccountIds does not allow", () => {
    const err = problems("prod", {
      "aws:allowedAccountIds": '["123456789012"]',
      "web-infra:permissionsBoundaryArn": "arn:aws:iam::999999999999:policy/web-infra/web-infra-boundary",
      "web-infra:alarmEmails": '["a@example.com"]',
    });
    assert.deepEqual(
      err.problems.map((p) => p.key),
      ["web-infra:permissionsBoundaryArn"],
    );
    assert.match(err.message, /names account 999999999999, but aws:allowedAccountIds allows only 123456789012/);
  });

  it("fails before any resource when the permissions boundary is of another account than the credentials'", async () => {
    const err = await runWeb({
      stack: "prod",
      config: { permissionsBoundaryArn: "arn:aws:iam::999999999999:policy/web-infra/web-infra-boundary" },
    }).catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError, String(err));
    assert.match(
      err.message,
      /web-infra:permissionsBoundaryArn names account 999999999999, but this stack deploys to account 123456789012/,
    );
    assert.deepEqual(
      registeredBefore(err).map((r) => r.type),
      ["pulumi:pulumi:Stack"],
    );
  });

  it("fails before any resource when prod, in a real account, pages an address at a reserved example domain", async () => {
    const real = {
      accountId: "111122223333",
      config: { permissionsBoundaryArn: "arn:aws:iam::111122223333:policy/web-infra/web-infra-boundary" },
    };
    const err = await runWeb({ stack: "prod", ...real }).catch((e: unknown) => e);
    assert.ok(err instanceof ValidationError, String(err));
    assert.deepEqual(
      err.problems.map((p) => [p.key, p.got]),
      [["web-infra:alarmEmails", ["oncall@example.com"]]],
    );
    assert.match(err.message, /names addresses at a domain reserved for examples, which no one receives: prod's alarms would page nobody/);
    assert.deepEqual(
      registeredBefore(err).map((r) => r.type),
      ["pulumi:pulumi:Stack"],
    );
    for (const reserved of ["pager@ops.example.org", "oncall@team.test", "a@b.invalid"]) {
      const again = await runWeb({ stack: "prod", ...real, config: { ...real.config, alarmEmails: JSON.stringify([reserved]) } }).catch(
        (e: unknown) => e,
      );
      assert.ok(again instanceof ValidationError, reserved);
    }
    const fixed = await runWeb({ stack: "prod", ...real, config: { ...real.config, alarmEmails: '["oncall@corp-mail.net"]' } });
    assert.equal(fixed.get("aws:sns/topicSubscription:TopicSubscription", "monitoring-email-0").inputs["endpoint"], "oncall@corp-mail.net");
  });

  it("fails when vpcCidr is smaller than /23, leaving the load balancer's public subnets below /27", () => {
    const err = problems("staging", { "web-infra:vpcCidr": "10.20.0.0/24" });
    assert.deepEqual(
      err.problems.map((p) => [p.key, p.got]),
      [["web-infra:vpcCidr", "10.20.0.0/24"]],
    );
    assert.match(
      err.message,
      /Use a \/23 or larger private block such as "10\.0\.0\.0\/16": each subnet is 4 bits smaller than the VPC, and the load balancer needs \/27 subnets/,
    );
    assert.equal(loadSettings("staging", { ...BASE, "web-infra:vpcCidr": "10.20.0.0/23" }).vpcCidr, "10.20.0.0/23");
  });

  it("reports the database's own rules under the config key, without a copy here", () => {
    // RDS wants the autoscaling ceiling at least 10% above the allocation: 21 passes the key's schema, not the database.
    const err = problems("dev", { "web-infra:dbMaxAllocatedStorageGiB": "21" });
    assert.deepEqual(
      err.problems.map((p) => [p.key, p.got]),
      [["web-infra:dbMaxAllocatedStorageGiB", 21]],
    );
  });

  for (const stack of STACKS) {
    it(`${stack}: builds the components from the checked arguments, with no placeholder left in any input`, async () => {
      const g = await stackGraph(stack);
      const left = g.resources.filter((r) => JSON.stringify(r.inputs).includes("placeholder")).map((r) => r.name);
      assert.deepEqual(left, []);
    });
  }

  it("reports a component's problem under the key that sets the argument, and never drops one no key sets", () => {
    const s = loadSettings("dev", BASE);
    const fix = "Fix it.";
    assert.deepEqual(routeProblem(s, "db", { key: "port", message: "must be 3306", got: 80, fix }), {
      key: "web-infra:dbPort",
      message: "must be 3306",
      got: 80,
      fix,
    });
    assert.equal(routeProblem(s, "monitoring", { key: "emails[1]", message: "m", got: "a@b.c", fix }).key, "web-infra:alarmEmails");
    assert.equal(routeProblem(s, "monitoring", { key: "thresholds.cpu", message: "m", got: 1, fix }).key, "web-infra:alarmThresholds.cpu");
    assert.deepEqual(routeProblem(s, "db", { key: "username", message: "must not be admin", got: "admin", fix }), {
      key: "web-infra:db.username",
      message: "must not be admin",
      got: "admin",
      fix,
    });
  });

  it("suggests nothing for a key far from every known one", () => {
    assert.equal(closest("databasePassword", Object.keys(SETTINGS)), undefined);
    assert.equal(closest("natGateway", Object.keys(SETTINGS)), "natGateways");
  });
});

describe("stack config documentation", () => {
  it("keeps the README's presets and config-key tables generated from the schema (npm run docs)", async () => {
    const file = join(ROOT, "README.md");
    const readme = readFileSync(file, "utf8");
    assert.equal(replaceBlock(readme, await configDocsBlock(file)), readme, "README.md config tables are stale: run `npm run docs`");
  });

  it("fails when the generated block is edited by hand", async () => {
    const file = join(ROOT, "README.md");
    const readme = readFileSync(file, "utf8").replace("| `azCount`", "| `azCountX`");
    assert.notEqual(replaceBlock(readme, await configDocsBlock(file)), readme);
  });
});
