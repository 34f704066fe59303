import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

/** Where a rule comes from: its row in the baseline table and the IDs of the sources that define it. */
export interface BaselineRow {
  /** Row number in the baseline table (shared/reference/security-baseline.md). */
  readonly row: number;
  /** AWS Security Hub control IDs, e.g. `ELB.1`. */
  readonly securityHub: readonly string[];
  /** Checkov check IDs, e.g. `CKV_AWS_2`. */
  readonly checkov: readonly string[];
}

export type BaselinePolicy = (ResourceValidationPolicy | StackValidationPolicy) & { readonly baseline: BaselineRow };

/** Name, what it requires, and its source IDs; the IDs are appended to the description. */
export interface RuleMeta extends BaselineRow {
  readonly name: string;
  readonly description: string;
}

function describe(meta: RuleMeta): string {
  const ids = [
    meta.securityHub.length ? `Security Hub ${meta.securityHub.join(", ")}` : "",
    meta.checkov.length ? `Checkov ${meta.checkov.join(", ")}` : "",
  ].filter(Boolean);
  return `${meta.description} [baseline row ${meta.row}; ${ids.join("; ")}]`;
}

/** What a check returns: nothing (pass), a message, or several. */
export type Findings = string | readonly (string | undefined)[] | undefined;

function report(found: Findings, reportViolation: ReportViolation, urn?: string): void {
  for (const message of [found].flat()) if (typeof message === "string") reportViolation(message, urn);
}

/**
 * A rule over the inputs of every resource whose type is in `types`
 * (list `aws:alb/*` aliases beside `aws:lb/*` tokens).
 */
export function resourcePolicy(
  meta: RuleMeta,
  types: readonly string[],
  check: (props: Record<string, unknown>, args: ResourceValidationArgs) => Findings,
): BaselinePolicy {
  return {
    name: meta.name,
    description: describe(meta),
    enforcementLevel: "mandatory",
    baseline: { row: meta.row, securityHub: meta.securityHub, checkov: meta.checkov },
    validateResource: (args, reportViolation) => {
      if (!types.includes(args.type)) return;
      report(check(args.props as Record<string, unknown>, args), reportViolation);
    },
  };
}

/** A rule over the whole stack (outputs of every resource), for conditions that span resources. */
export function stackPolicy(
  meta: RuleMeta,
  check: (resources: readonly PolicyResource[]) => { urn?: string; message: string }[],
): BaselinePolicy {
  return {
    name: meta.name,
    description: describe(meta),
    enforcementLevel: "mandatory",
    baseline: { row: meta.row, securityHub: meta.securityHub, checkov: meta.checkov },
    validateStack: (args, reportViolation) => {
      for (const v of check(args.resources)) reportViolation(v.message, v.urn);
    },
  };
}

/** Resources of the given types. */
export function ofType(resources: readonly PolicyResource[], types: readonly string[]): PolicyResource[] {
  return resources.filter((r) => types.includes(r.type));
}

/** The resource whose `id` output (or `arn`) equals a reference. */
export function byRef(resources: readonly PolicyResource[], ref: unknown): PolicyResource | undefined {
  if (typeof ref !== "string") return undefined;
  return resources.find((r) => r.props["id"] === ref || r.props["arn"] === ref);
}
