import { applyWaivers, nameOfUrn, POLICY_PACK_NAME, policies, type Waiver, type WaiverResult } from "@web-infra/policy";
import { runPolicies, type PolicyViolation, type StackGraph } from "@web-infra/testing";
import type { PresetName } from "./config";
import { WAIVERS } from "./waivers";

export interface ComplianceReport extends WaiverResult<PolicyViolation> {
  readonly pack: string;
  readonly rules: readonly string[];
  /** Rules with no violation at all. */
  readonly passed: readonly string[];
}

/** Run the baseline pack over a stack's graph and apply the environment's waivers. */
export async function checkCompliance(
  graph: StackGraph,
  preset: PresetName,
  waivers: readonly Waiver[] = WAIVERS[preset],
): Promise<ComplianceReport> {
  const violations = await runPolicies(graph, [...policies]);
  const rules = policies.map((p) => p.name);
  const result = applyWaivers(violations, waivers, rules);
  return { ...result, pack: POLICY_PACK_NAME, rules, passed: rules.filter((r) => !violations.some((v) => v.policy === r)) };
}

/** True when nothing fails: no unwaived violation and no stale or unknown waiver. */
export function compliant(report: ComplianceReport): boolean {
  return report.unwaived.length === 0 && report.problems.length === 0;
}

export function renderCompliance(report: ComplianceReport): string {
  const lines = [
    `${report.pack}: ${report.rules.length} rules, ${report.passed.length} passed, ${report.unwaived.length} violation(s), ${report.waived.length} waiver(s)`,
  ];
  for (const v of report.unwaived) lines.push(`  ✗ ${v.policy} ${nameOfUrn(v.urn) ?? "(stack)"}: ${v.message}`);
  for (const p of report.problems) lines.push(`  ✗ ${p}`);
  for (const { waiver, violations } of report.waived) {
    lines.push(
      `  ~ ${waiver.policy}${waiver.resources ? ` [${waiver.resources.join(", ")}]` : ""} (${violations.length} waived): ${waiver.reason}`,
    );
  }
  return lines.join("\n");
}
