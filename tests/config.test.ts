import * as assert from "node:assert/strict";
import { ValidationError } from "@web-infra/core";
import { registeredBefore } from "@web-infra/testing";
import { closest, loadSettings, PRESETS, SETTINGS } from "../stacks/web/config";
import { runWeb } from "./support";

const BASE = { "aws:region": "us-east-1" };

function problems(stack: string, config: Record<string, string>): ValidationError {
  try {
    loadSettings(stack, { ...BASE, ...config });
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  assert.fail("expected the config to be rejected");
}

describe("stack config", () => {
  it("applies the preset of the stack's name and the overrides on top", () => {
    const s = loadSettings("staging", { ...BASE, "web-infra:azCount": "3" });
    assert.deepEqual(s, { ...PRESETS.staging, azCount: 3, stack: "staging", preset: "staging", region: "us-east-1" });
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
      /web-infra:vpcCidr must be an IPv4 CIDR from \/16 to \/28/,
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

  it("suggests nothing for a key far from every known one", () => {
    assert.equal(closest("databasePassword", Object.keys(SETTINGS)), undefined);
    assert.equal(closest("natGateway", Object.keys(SETTINGS)), "natGateways");
  });
});
