import type { Waiver } from "@web-infra/policy";

/*
 * What the bootstrap stack's policy documents do not meet of the web-infra baseline, on purpose,
 * and why. tests/iam/catalogue.test.ts holds the stack to it: a waiver that matches nothing fails.
 */
export const BOOTSTRAP_WAIVERS: readonly Waiver[] = [
  {
    policy: "iam-policy-actions-known",
    resources: ["web-infra-state", "web-infra-secrets-*"],
    reason:
      "The keys' AccountAdministers statement gives the account root kms:*, AWS's default key policy: without it a lost admin role locks the key for good. Each key policy then denies destroying and, for secrets keys, using the key to every principal but the named ones.",
  },
];
