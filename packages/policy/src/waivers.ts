/**
 * A baseline rule an environment does not meet, on purpose, and why. Waivers
 * live with the environment (the stack's preset), never in the rule.
 */
export interface Waiver {
  /** The policy's name. */
  readonly policy: string;
  /** Logical names of the resources it covers. @default - every resource */
  readonly resources?: readonly string[];
  /** Why this environment accepts the gap. */
  readonly reason: string;
}

/** A violation as the offline runner (or a policy pack) reports it. */
export interface Violation {
  readonly policy: string;
  readonly urn?: string;
  readonly message: string;
}

export interface WaiverResult<V extends Violation> {
  /** Violations no waiver covers: these fail. */
  readonly unwaived: readonly V[];
  /** Each waiver with the violations it covers. */
  readonly waived: readonly { readonly waiver: Waiver; readonly violations: readonly V[] }[];
  /** Waivers that name an unknown rule or match nothing: also failures. */
  readonly problems: readonly string[];
}

/** The logical name in a URN (`…::<name>`). */
export function nameOfUrn(urn: string | undefined): string | undefined {
  return urn?.slice(urn.lastIndexOf("::") + 2);
}

/** Split violations into waived and unwaived, and report every waiver that names an unknown rule or matches nothing. */
export function applyWaivers<V extends Violation>(
  violations: readonly V[],
  waivers: readonly Waiver[],
  knownPolicies: readonly string[],
): WaiverResult<V> {
  const problems: string[] = [];
  const covers = (w: Waiver, v: V) => v.policy === w.policy && (w.resources === undefined || w.resources.includes(nameOfUrn(v.urn) ?? ""));
  const waived = waivers.map((waiver) => {
    if (!knownPolicies.includes(waiver.policy)) problems.push(`waiver for "${waiver.policy}" names no rule of the pack`);
    if (!waiver.reason.trim()) problems.push(`waiver for "${waiver.policy}" gives no reason`);
    const matched = violations.filter((v) => covers(waiver, v));
    if (knownPolicies.includes(waiver.policy) && matched.length === 0) {
      problems.push(
        `waiver for "${waiver.policy}"${waiver.resources ? ` on ${waiver.resources.join(", ")}` : ""} matches no violation: remove it`,
      );
    }
    for (const name of waiver.resources ?? []) {
      if (knownPolicies.includes(waiver.policy) && !violations.some((v) => v.policy === waiver.policy && nameOfUrn(v.urn) === name)) {
        problems.push(`waiver for "${waiver.policy}" names ${name}, which has no such violation`);
      }
    }
    return { waiver, violations: matched };
  });
  const unwaived = violations.filter((v) => !waivers.some((w) => covers(w, v)));
  return { unwaived, waived, problems };
}
