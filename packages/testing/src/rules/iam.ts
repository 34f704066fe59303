import type { CapturedResource, StackGraph } from "../graph";
import { type AwsRule, resourceRule } from "./rule";

/*
 * Size limits IAM and SSM enforce at create time, which the provider does not check: IAM counts
 * a policy's characters without whitespace (IAM and AWS STS quotas, "IAM object quotas").
 */

/** Characters IAM counts in a policy document: all but whitespace. */
export const policyChars = (doc: unknown): number => (typeof doc === "string" ? doc.replace(/\s/g, "").length : 0);

/** IAM's default quotas, in characters without whitespace. */
export const IAM_POLICY_LIMITS = { inlinePerRole: 10_240, managed: 6_144, trust: 2_048 } as const;

/** The role an inline policy belongs to: its `role` input is the role's name (or id). */
const roleOf = (graph: StackGraph, policy: CapturedResource) =>
  graph.ofType("aws:iam/role:Role").find((r) => [r.state["name"], r.id, r.state["id"]].includes(policy.inputs["role"]));

export const IAM_RULES: readonly AwsRule[] = [
  resourceRule(
    "iam-inline-policy-size",
    `A role's inline policies together hold at most ${IAM_POLICY_LIMITS.inlinePerRole} characters without whitespace (IAM quota "Role policy size"; PutRolePolicy: LimitExceeded)`,
    ["aws:iam/role:Role"],
    (role, graph) => {
      const inline = graph
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .filter((p) => roleOf(graph, p)?.urn === role.urn)
        .reduce((n, p) => n + policyChars(p.inputs["policy"]), 0);
      const embedded = ((role.inputs["inlinePolicies"] as { policy?: unknown }[] | undefined) ?? []).reduce(
        (n, p) => n + policyChars(p.policy),
        0,
      );
      const total = inline + embedded;
      return total > IAM_POLICY_LIMITS.inlinePerRole
        ? `inline policies hold ${total} characters without whitespace, over IAM's ${IAM_POLICY_LIMITS.inlinePerRole} per role: move statements into a managed policy (aws.iam.Policy) and attach it`
        : undefined;
    },
  ),
  resourceRule(
    "iam-managed-policy-size",
    `A managed policy holds at most ${IAM_POLICY_LIMITS.managed} characters without whitespace (IAM quota "Managed policy size"; CreatePolicy: LimitExceeded)`,
    ["aws:iam/policy:Policy"],
    (p) => {
      const size = policyChars(p.inputs["policy"]);
      return size > IAM_POLICY_LIMITS.managed
        ? `policy holds ${size} characters without whitespace, over IAM's ${IAM_POLICY_LIMITS.managed}: split it into two policies`
        : undefined;
    },
  ),
  resourceRule(
    "iam-trust-policy-size",
    `A role's trust policy holds at most ${IAM_POLICY_LIMITS.trust} characters without whitespace (IAM quota "Role trust policy length", raisable to 4,096; CreateRole: LimitExceeded)`,
    ["aws:iam/role:Role"],
    (role) => {
      const size = policyChars(role.inputs["assumeRolePolicy"]);
      return size > IAM_POLICY_LIMITS.trust
        ? `assumeRolePolicy holds ${size} characters without whitespace, over IAM's default ${IAM_POLICY_LIMITS.trust}: trust fewer subjects, or raise the quota first`
        : undefined;
    },
  ),
  resourceRule(
    "ssm-parameter-value-size",
    "A Standard SSM parameter's value is at most 4 KB, an Advanced one's 8 KB (PutParameter: ParameterMaxVersionLimitExceeded / ValidationException; SSM quotas)",
    ["aws:ssm/parameter:Parameter"],
    (p) => {
      const value = p.inputs["value"] ?? p.inputs["insecureValue"];
      if (typeof value !== "string") return undefined;
      const advanced = p.inputs["tier"] === "Advanced";
      const limit = advanced ? 8192 : 4096;
      const bytes = Buffer.byteLength(value, "utf8");
      return bytes > limit
        ? `value is ${bytes} bytes, over the ${limit} a ${advanced ? "Advanced" : "Standard"} parameter holds${advanced ? "" : ': set tier "Advanced" (8 KB, charged) or store less'}`
        : undefined;
    },
  ),
];
