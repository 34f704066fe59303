// The policy pack entry: `pulumi preview --policy-pack packages/policy` runs this file.
// Library users import the rules from "@web-infra/policy" (src/index.ts) instead; tests never
// construct a PolicyPack (it starts a gRPC server and exits the process on a second one).
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./src";

new PolicyPack(POLICY_PACK_NAME, {
  policies: [...policies],
  enforcementLevel: "mandatory",
  description: "AWS security baseline for web-infra: Security Hub FSBP and Checkov rows that apply to its resources",
});
