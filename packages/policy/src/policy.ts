import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { T } from "./types";
import { namesMatch, nameOfUrn } from "./waivers";

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
  /** How to fix a violation; the pack serves it as the policy's `remediationSteps`. */
  readonly remediation?: string;
}

function describe(meta: RuleMeta): string {
  const ids = [
    meta.securityHub.length ? `Security Hub ${meta.securityHub.join(", ")}` : "",
    meta.checkov.length ? `Checkov ${meta.checkov.join(", ")}` : "",
  ].filter(Boolean);
  return `${meta.description} [baseline row ${meta.row}${ids.map((id) => `; ${id}`).join("")}]`;
}

/** What a check returns: nothing (pass), a message, or several. */
export type Findings = string | readonly (string | undefined)[] | undefined;

function report(found: Findings, reportViolation: ReportViolation): void {
  for (const message of [found].flat()) if (typeof message === "string") reportViolation(message);
}

/**
 * What every rule reads from the policy pack config: the logical names of the resources
 * a stack waives it for. `pulumi preview/up --policy-pack-config` passes it per stack
 * (see `policyPackConfig`), so the cloud run honours the same waivers as the offline plan.
 */
export interface RuleConfig {
  readonly waived?: readonly string[];
}

const RULE_CONFIG_SCHEMA = {
  properties: {
    waived: {
      type: "array" as const,
      items: { type: "string" as const },
      description:
        "Logical names of the resources this stack waives the rule for (a trailing * matches a prefix), each with a reason in the stack's waivers.",
    },
  },
};

/** Whether this run's config waives the rule for the resource of that logical name. */
function waivedFor(args: { getConfig: <T extends object>() => T }, name: string): boolean {
  return (args.getConfig<RuleConfig>().waived ?? []).some((pattern) => namesMatch(pattern, name));
}

/** The fields every rule shares: name, description with its IDs, enforcement, config schema, baseline row, remediation. */
function common(meta: RuleMeta) {
  return {
    name: meta.name,
    description: describe(meta),
    enforcementLevel: "mandatory" as const,
    configSchema: RULE_CONFIG_SCHEMA,
    baseline: { row: meta.row, securityHub: meta.securityHub, checkov: meta.checkov },
    ...(meta.remediation === undefined ? {} : { remediationSteps: meta.remediation }),
  };
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
    ...common(meta),
    validateResource: (args, reportViolation) => {
      if (!types.includes(args.type) || waivedFor(args, args.name)) return;
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
    ...common(meta),
    validateStack: (args, reportViolation) => {
      for (const v of check(args.resources)) {
        if (!waivedFor(args, nameOfUrn(v.urn) ?? "")) reportViolation(v.message, v.urn);
      }
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

const isSet = (v: unknown) => v !== undefined && v !== null && v !== "";

/** A resource's properties, and one finding of a stack policy. */
export type Props = Record<string, unknown>;
export type Finding = { urn?: string; message: string };
/** A property that should be an object, or an empty one. */
export const obj = (v: unknown): Props => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Props) : {});
/** A property that should be a list, or an empty one. */
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const nonEmpty = (v: unknown): v is string => typeof v === "string" && v !== "";

/**
 * The AZs of the resources `refs` point at (subnets, instances), one per reference; undefined
 * when one of them is not a resource of the stack (or has no AZ), so its AZ is unknown.
 */
export function azsOf(resources: readonly PolicyResource[], refs: readonly unknown[]): string[] | undefined {
  const azs = refs.map((ref) => byRef(resources, ref)?.props["availabilityZone"]);
  return azs.every((az): az is string => typeof az === "string" && az !== "") ? azs : undefined;
}

/**
 * The launch templates an Auto Scaling group names (`launchTemplate`, or its mixed instances
 * policy's `launchTemplateSpecification`), by id or name; `props` are its inputs or outputs.
 */
export function launchTemplateRefs(props: Record<string, unknown>): { id?: unknown; name?: unknown }[] {
  const direct = props["launchTemplate"] as { id?: unknown; name?: unknown } | undefined;
  const mixed = (
    props["mixedInstancesPolicy"] as { launchTemplate?: { launchTemplateSpecification?: Record<string, unknown> } } | undefined
  )?.launchTemplate?.launchTemplateSpecification;
  return [
    ...(direct && (isSet(direct.id) || isSet(direct.name)) ? [{ id: direct.id, name: direct.name }] : []),
    ...(mixed && (isSet(mixed["launchTemplateId"]) || isSet(mixed["launchTemplateName"]))
      ? [{ id: mixed["launchTemplateId"], name: mixed["launchTemplateName"] }]
      : []),
  ];
}

/** The LaunchTemplate of the stack a group's reference names (by `id`, or by `name`), if it is one. */
export function launchTemplateOf(resources: readonly PolicyResource[], ref: { id?: unknown; name?: unknown }): PolicyResource | undefined {
  return resources.find(
    (r) =>
      T.LAUNCH_TEMPLATE.includes(r.type) &&
      ((isSet(ref.id) && r.props["id"] === ref.id) || (isSet(ref.name) && r.props["name"] === ref.name)),
  );
}

/**
 * The route table a subnet uses: its explicit RouteTableAssociation, else the table a
 * MainRouteTableAssociation makes its VPC's main one, else the VPC's own `mainRouteTableId`.
 */
export function routeTableOf(resources: readonly PolicyResource[], subnet: PolicyResource): unknown {
  const explicit = ofType(resources, T.ROUTE_TABLE_ASSOCIATION).find((a) => a.props["subnetId"] === subnet.props["id"]);
  if (explicit) return explicit.props["routeTableId"];
  const vpcId = subnet.props["vpcId"];
  const replaced = ofType(resources, T.MAIN_ROUTE_TABLE_ASSOCIATION).find((a) => a.props["vpcId"] === vpcId);
  return replaced?.props["routeTableId"] ?? byRef(resources, vpcId)?.props["mainRouteTableId"];
}

/** A route of a route table, in the inline routes' names (a standalone Route's `destination*` names mapped onto them). */
export interface TableRoute {
  readonly cidrBlock?: unknown;
  readonly ipv6CidrBlock?: unknown;
  readonly gatewayId?: unknown;
  readonly natGatewayId?: unknown;
}

/** Every route of a route table: standalone Routes into it, and the inline `routes` of the RouteTable or DefaultRouteTable that is it. */
export function routesOf(resources: readonly PolicyResource[], tableId: unknown): TableRoute[] {
  if (!isSet(tableId)) return [];
  const standalone = ofType(resources, T.ROUTE)
    .filter((r) => r.props["routeTableId"] === tableId)
    .map((r) => ({
      cidrBlock: r.props["destinationCidrBlock"],
      ipv6CidrBlock: r.props["destinationIpv6CidrBlock"],
      gatewayId: r.props["gatewayId"],
      natGatewayId: r.props["natGatewayId"],
    }));
  const inline = ofType(resources, [...T.ROUTE_TABLE, ...T.DEFAULT_ROUTE_TABLE])
    .filter((t) => t.props["id"] === tableId || t.props["defaultRouteTableId"] === tableId)
    .flatMap((t) => (Array.isArray(t.props["routes"]) ? (t.props["routes"] as unknown[]) : []))
    .filter((r): r is TableRoute => typeof r === "object" && r !== null);
  return [...standalone, ...inline];
}
