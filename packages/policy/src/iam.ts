import { BaselinePolicy, Finding, nonEmpty, ofType, resourcePolicy, stackPolicy } from "./policy";
import { POLICY_DOCUMENT_INPUTS, policyActionProblems } from "./iamCatalogue";
import { T } from "./types";

/*
 * Rows 47-48 extend the baseline table: least privilege that Security Hub's FSBP does not
 * check for roles a stack creates (IAM.1 looks only at customer managed policies with "*:*").
 */

export const iamRolePermissionsBoundary = resourcePolicy(
  {
    name: "iam-role-permissions-boundary",
    row: 47,
    securityHub: [],
    checkov: [],
    description:
      "An IAM role the stack creates carries a permissions boundary (permissionsBoundary), so no policy a deploy attaches to it can reach beyond the boundary the bootstrap stack defines",
    remediation:
      "Set web-infra:permissionsBoundaryArn to the boundary the bootstrap stack exports (permissionsBoundaryArn); reusing the packages, pass it as the components' permissionsBoundary argument.",
  },
  T.IAM_ROLE,
  (p) => (nonEmpty(p["permissionsBoundary"]) ? undefined : "has no permissionsBoundary"),
);

export const iamPolicyActionsKnown = stackPolicy(
  {
    name: "iam-policy-actions-known",
    row: 48,
    securityHub: [],
    checkov: [],
    description:
      "Every action of every IAM policy document (identity, trust and resource policies) exists in AWS's service authorization reference, and no Allow grants a whole service or `*`",
    remediation:
      "Fix the spelling the message suggests, or list the exact actions instead of the wildcard: IAM accepts an unknown action silently, and it grants nothing.",
  },
  (resources) =>
    Object.entries(POLICY_DOCUMENT_INPUTS).flatMap(([type, inputs]) =>
      ofType(resources, [type]).flatMap((r): Finding[] =>
        inputs.flatMap((input) =>
          policyActionProblems(r.props[input]).map((p) => ({
            urn: r.urn,
            message: `${input}${p.sid ? ` (statement ${p.sid})` : ""}: ${p.action} ${p.problem}`,
          })),
        ),
      ),
    ),
);

export const IAM_POLICIES: readonly BaselinePolicy[] = [iamRolePermissionsBoundary, iamPolicyActionsKnown];
