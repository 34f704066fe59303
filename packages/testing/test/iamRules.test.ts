import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { runProgram } from "../src";

const TRUST = (subjects: number) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:sub": Array.from({ length: subjects }, (_, i) => `repo:org/r:environment:e${i}`),
          },
        },
      },
    ],
  });
/** A policy of about `chars` characters without whitespace. */
const POLICY = (chars: number) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "ssm:GetParameter",
        Resource: `arn:aws:ssm:us-east-1:123456789012:parameter/${"p".repeat(Math.max(1, chars - 120))}`,
      },
    ],
  });

const rules = async (program: () => void) => (await runProgram(program, { stack: "dev", enforce: false })).rejections.map((r) => r.rule);

describe("IAM and SSM size rules", () => {
  const role = (inline: number[]) => () => {
    const r = new aws.iam.Role("r", { assumeRolePolicy: TRUST(1) });
    inline.forEach((n, i) => new aws.iam.RolePolicy(`p${i}`, { role: r.name, policy: POLICY(n) }));
  };
  it("fails when a role's inline policies together exceed 10,240 characters", async () => {
    assert.deepEqual(await rules(role([6000, 6000])), ["iam-inline-policy-size"]);
  });
  it("passes the same role with its inline policies under the limit", async () => {
    assert.deepEqual(await rules(role([5000, 5000])), []);
  });
  it("fails when a managed policy exceeds 6,144 characters", async () => {
    assert.deepEqual(
      await rules(() => {
        new aws.iam.Policy("m", { policy: POLICY(6500) });
      }),
      ["iam-managed-policy-size"],
    );
  });
  it("passes a managed policy under 6,144 characters", async () => {
    assert.deepEqual(
      await rules(() => {
        new aws.iam.Policy("m", { policy: POLICY(6000) });
      }),
      [],
    );
  });
  it("fails when a trust policy exceeds 2,048 characters", async () => {
    assert.deepEqual(
      await rules(() => {
        new aws.iam.Role("r", { assumeRolePolicy: TRUST(80) });
      }),
      ["iam-trust-policy-size"],
    );
  });
  it("passes a trust policy under 2,048 characters", async () => {
    assert.deepEqual(
      await rules(() => {
        new aws.iam.Role("r", { assumeRolePolicy: TRUST(20) });
      }),
      [],
    );
  });
  it("fails when a Standard parameter's value exceeds 4 KB", async () => {
    assert.deepEqual(
      await rules(() => {
        new aws.ssm.Parameter("p", { type: "String", value: "x".repeat(4097) });
      }),
      ["ssm-parameter-value-size"],
    );
  });
  it("passes the same value in an Advanced parameter", async () => {
    assert.deepEqual(
      await rules(() => {
        new aws.ssm.Parameter("p", { type: "String", tier: "Advanced", value: "x".repeat(4097) });
      }),
      [],
    );
  });
});
