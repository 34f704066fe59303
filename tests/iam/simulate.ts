import * as assert from "node:assert/strict";
import { createValidatedPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { allowedContextKeysForRequest, runSimulation, runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import type { RunResult } from "@web-infra/testing";

/*
 * Requests evaluated by @cloud-copilot/iam-simulate (AWS's IAM evaluation logic: identity
 * policies, permissions boundaries, resource and trust policies, KMS key-policy trust), never
 * by hand. AGPL-3.0: a devDependency of these tests only (README, Licenses).
 */

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** A principal as IAM sees it: its ARN, its identity policies and its permissions boundary. */
export interface Principal {
  readonly arn: string;
  readonly policies: readonly { readonly name: string; readonly policy: unknown }[];
  readonly boundary?: unknown;
}

/** One request: action, resource ARN, request context, and the resource's own policy if it has one. */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly resourcePolicy?: unknown;
}

const accountOf = (arn: string) => arn.split(":")[4] || "123456789012";

/**
 * The decision IAM makes on a request. Fails (rather than answer) when the simulator drops a
 * context key it does not know for the action: a condition on that key would then be judged
 * without it, and an allow or deny could be wrong.
 */
export async function decide(principal: Principal, request: Request): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: accountOf(request.resource) },
        // What AWS puts in every signed request's context; a row may override them (a non-TLS request).
        contextVariables: {
          ...(principal.arn.startsWith("arn:")
            ? { "aws:PrincipalArn": principal.arn, "aws:PrincipalAccount": accountOf(principal.arn) }
            : {}),
          "aws:SecureTransport": "true",
          ...request.context,
        },
      },
      identityPolicies: principal.policies.map((p) => ({ name: p.name, policy: p.policy })),
      permissionBoundaryPolicies: principal.boundary === undefined ? undefined : [{ name: "boundary", policy: principal.boundary }],
      resourcePolicy: request.resourcePolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error")
    throw new Error(`simulation of ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  const ignored =
    result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
  assert.deepEqual(ignored, [], `${request.action}: the simulator ignored context keys`);
  return result.overallResult as Decision;
}

/**
 * The claims of a GitHub Actions OIDC token that are condition keys of
 * sts:AssumeRoleWithWebIdentity. AWS's service authorization reference lists the custom
 * claims (`:job_workflow_ref`, `:repository`, …) but not the OIDC standard `:sub` and `:aud`,
 * which the IAM User Guide documents for every OIDC provider ("Available keys for OIDC
 * federation"): the simulator's checked entry point drops those two, so a trust test through
 * it could not tell a fork from the repository.
 */
export const OIDC_STANDARD_CLAIMS = ["aud", "sub"] as const;

/**
 * The decision of a role's trust policy on `sts:AssumeRoleWithWebIdentity` with these token
 * claims. Runs the simulator's unchecked entry point, which keeps every context key, after
 * checking here that each key is one IAM evaluates for this action: a listed condition key of
 * the action, or an OIDC standard claim of the provider.
 */
export async function assumeWithWebIdentity(
  trustPolicy: unknown,
  role: string,
  provider: string,
  claims: Record<string, string>,
): Promise<Decision> {
  const host = provider.slice(provider.indexOf(":oidc-provider/") + ":oidc-provider/".length);
  const known = new Set(await allowedContextKeysForRequest("sts", "AssumeRoleWithWebIdentity", role, false, undefined));
  const context = Object.fromEntries(Object.entries(claims).map(([claim, value]) => [`${host}:${claim}`, value]));
  for (const key of Object.keys(context)) {
    const claim = key.slice(host.length + 1);
    assert.ok(
      known.has(key.toLowerCase()) || (OIDC_STANDARD_CLAIMS as readonly string[]).includes(claim),
      `${key} is no condition key IAM evaluates for sts:AssumeRoleWithWebIdentity`,
    );
  }
  const doc = typeof trustPolicy === "string" ? (JSON.parse(trustPolicy) as unknown) : trustPolicy;
  assert.deepEqual(validateTrustPolicy(doc), [], "a trust policy IAM accepts");
  const result = runUnsafeSimulation(
    {
      request: {
        principal: provider,
        action: "sts:AssumeRoleWithWebIdentity",
        resource: { resource: role, accountId: accountOf(role) },
        contextVariables: context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // The unchecked entry point names the resource policy only when it comes validated.
      resourcePolicy: createValidatedPolicy(doc, validateTrustPolicy, { name: "trust" }),
    },
    {},
  );
  return result as Decision;
}

/**
 * A role of a captured graph as a principal: its ARN, its inline policies and the managed ones it
 * attaches, read from `managed` (a managed policy missing there fails: it would be simulated as
 * granting nothing), and a permissions boundary document if given.
 */
export function principalOf(
  g: RunResult,
  roleName: string,
  boundary?: unknown,
  managed: Readonly<Record<string, unknown>> = {},
): Principal {
  const role = g.customResources.find((r) => r.type === "aws:iam/role:Role" && r.name === roleName);
  assert.ok(role, `role ${roleName}`);
  const name = role.state["name"];
  const attached = g
    .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((a) => a.inputs["role"] === name)
    .map((a) => String(a.inputs["policyArn"]));
  for (const arn of attached) assert.ok(managed[arn] !== undefined, `${roleName} attaches ${arn}: give its document`);
  return {
    arn: String(role.state["arn"]),
    policies: [
      ...attached.map((arn) => ({ name: arn.split("/").pop() as string, policy: managed[arn] })),
      ...g
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => p.inputs["role"] === name)
        .map((p) => ({ name: p.name, policy: JSON.parse(String(p.inputs["policy"])) as unknown })),
    ],
    boundary,
  };
}
