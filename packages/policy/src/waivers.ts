/**
 * A baseline rule an environment does not meet, on purpose, and why. Waivers
 * live with the environment (the stack's preset), never in the rule.
 */
export interface Waiver {
  /** The policy's name. */
  readonly policy: string;
  /**
   * Logical names of the resources it covers; a name ending in `*` covers every name with that
   * prefix (`web-app-*`: the target group of whichever app port the stack uses).
   *
   * @default - every resource
   */
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

/** Whether a waiver's resource name (exact, or a prefix ending in `*`) covers a logical name. */
export function namesMatch(pattern: string, name: string): boolean {
  return pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Split violations into waived and unwaived, and report every waiver that names an unknown rule or matches nothing. */
export function applyWaivers<V extends Violation>(
  violations: readonly V[],
  waivers: readonly Waiver[],
  knownPolicies: readonly string[],
): WaiverResult<V> {
  const problems: string[] = [];
  const covers = (w: Waiver, v: V) =>
    v.policy === w.policy && (w.resources === undefined || w.resources.some((r) => namesMatch(r, nameOfUrn(v.urn) ?? "")));
  const waived = waivers.map((waiver) => {
    const matched = violations.filter((v) => covers(waiver, v));
    if (!knownPolicies.includes(waiver.policy)) problems.push(`waiver for "${waiver.policy}" names no rule of the pack`);
    else if (waiver.resources?.length) {
      for (const name of waiver.resources) {
        if (!matched.some((v) => namesMatch(name, nameOfUrn(v.urn) ?? "")))
          problems.push(`waiver for "${waiver.policy}" names ${name}, which has no such violation`);
      }
    } else if (matched.length === 0) problems.push(`waiver for "${waiver.policy}" matches no violation: remove it`);
    if (!waiver.reason.trim()) problems.push(`waiver for "${waiver.policy}" gives no reason`);
    return { waiver, violations: matched };
  });
  const unwaived = violations.filter((v) => !waivers.some((w) => covers(w, v)));
  return { unwaived, waived, problems };
}

/** One rule's entry in a policy pack config file (`--policy-pack-config`). */
export interface PolicyConfigEntry {
  readonly enforcementLevel?: "advisory";
  readonly waived?: readonly string[];
}

/**
 * The policy pack config that makes `pulumi preview/up --policy-pack` honour a stack's
 * waivers: a waiver for named resources lists them under `waived`, and the rule skips
 * them; a waiver for every resource turns the rule advisory, so its findings still show
 * as warnings but do not block.
 */
export function policyPackConfig(waivers: readonly Waiver[]): Record<string, PolicyConfigEntry> {
  const config: Record<string, { enforcementLevel?: "advisory"; waived?: string[] }> = {};
  for (const w of waivers) {
    const entry = (config[w.policy] ??= {});
    if (w.resources === undefined) entry.enforcementLevel = "advisory";
    else entry.waived = [...(entry.waived ?? []), ...w.resources];
  }
  return config;
}
