import * as assert from "node:assert/strict";
import { applyWaivers, POLICY_DOCUMENT_INPUTS, policyActionProblems, Waiver } from "@web-infra/policy";
import type { RunResult } from "@web-infra/testing";
import { BOOTSTRAP_WAIVERS } from "../../stacks/bootstrap/waivers";
import { PRESET_NAMES, PresetName } from "../../stacks/web/config";
import { WAIVERS } from "../../stacks/web/waivers";
import { STACKS, stackGraph } from "../support";
import { bootstrapGraph } from "./bootstrap";

/** Every refused action of every policy document in a graph, as the policy rule reports it. */
function actionViolations(g: RunResult) {
  return Object.entries(POLICY_DOCUMENT_INPUTS).flatMap(([type, inputs]) =>
    g.ofType(type).flatMap((r) =>
      inputs.flatMap((input) =>
        policyActionProblems(r.inputs[input]).map((p) => ({
          policy: "iam-policy-actions-known",
          urn: r.urn,
          message: `${input}: ${p.action} ${p.problem}`,
        })),
      ),
    ),
  );
}

/** How many policy documents a graph holds. */
const documents = (g: RunResult) =>
  Object.entries(POLICY_DOCUMENT_INPUTS).reduce(
    (n, [type, inputs]) => n + g.ofType(type).filter((r) => inputs.some((i) => r.inputs[i] !== undefined)).length,
    0,
  );

function check(g: RunResult, waivers: readonly Waiver[]) {
  const result = applyWaivers(
    actionViolations(g),
    waivers.filter((w) => w.policy === "iam-policy-actions-known"),
    ["iam-policy-actions-known"],
  );
  assert.deepEqual(
    result.unwaived.map((v) => `${v.urn.split("::").pop()}: ${v.message}`),
    [],
  );
  assert.deepEqual(result.problems, []);
  return result;
}

describe("IAM: every action of every policy document exists in AWS's service authorization reference", () => {
  for (const stack of STACKS) {
    it(`${stack}: every document, the keys' administrator statement waived with its reason`, async () => {
      const g = await stackGraph(stack);
      // dev has no flow log or Enhanced Monitoring role (trust and policy each) and no log key.
      assert.equal(documents(g), { dev: 5, staging: 10, prod: 10 }[stack], `${stack}: documents`);
      assert.ok((PRESET_NAMES as readonly string[]).includes(stack), `${stack} is named after its preset`);
      const result = check(g, WAIVERS[stack as PresetName]);
      assert.ok(
        result.waived.every((w) => w.violations.every((v) => v.message === "policy: kms:* allows every action of kms: name the actions")),
      );
    });
  }

  it("bootstrap: every document, the keys' administrator statement waived with its reason", async () => {
    const g = await bootstrapGraph();
    assert.ok(documents(g) >= 15, `${documents(g)} documents`);
    const result = check(g, BOOTSTRAP_WAIVERS);
    assert.deepEqual(result.waived.flatMap((w) => w.violations.map((v) => v.urn.split("::").pop())).sort(), [
      "web-infra-secrets-dev",
      "web-infra-secrets-prod",
      "web-infra-secrets-staging",
      "web-infra-state",
    ]);
  });

  it("fails when a document misspells an action", async () => {
    const g = await stackGraph("dev");
    const policy = g.get("aws:iam/rolePolicy:RolePolicy", "db-read-web-servers");
    const broken = {
      ...g,
      ofType: (type: string) =>
        type === "aws:iam/rolePolicy:RolePolicy"
          ? [
              {
                ...policy,
                inputs: { ...policy.inputs, policy: String(policy.inputs["policy"]).replace("ssm:GetParameter", "ssm:GetParamter") },
              },
            ]
          : g.ofType(type),
    } as RunResult;
    assert.throws(() => check(broken, WAIVERS.dev), /ssm:GetParamter is not an action of ssm: did you mean ssm:GetParameter\?/);
  });
});
