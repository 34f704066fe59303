import type { CapturedResource, StackGraph } from "./graph";

/**
 * Inputs whose change makes the provider replace the resource (ForceNew in
 * the AWS provider schema), for the types whose replacement matters most.
 * Any other changed input is an in-place update.
 */
export const REPLACE_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
  "aws:ec2/instance:Instance": ["ami", "subnetId", "availabilityZone", "keyName", "privateIp", "placementGroup", "tenancy", "hostId"],
  "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"],
  "aws:ec2/vpc:Vpc": ["cidrBlock", "instanceTenancy"],
  "aws:rds/instance:Instance": [
    "identifier",
    "engine",
    "dbName",
    "username",
    "storageEncrypted",
    "kmsKeyId",
    "availabilityZone",
    // Not replicateSourceDb: removing it promotes the replica in place (pulumi-aws rds.Instance docs).
  ],
  "aws:lb/targetGroup:TargetGroup": ["name", "port", "protocol", "vpcId", "targetType", "protocolVersion"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "internal", "loadBalancerType"],
  "aws:rds/subnetGroup:SubnetGroup": ["name"],
  "aws:rds/parameterGroup:ParameterGroup": ["name", "family"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "description", "vpcId"],
  "aws:lb/targetGroupAttachment:TargetGroupAttachment": ["targetGroupArn", "targetId", "port", "availabilityZone"],
};

export type Change = "create" | "delete" | "replace" | "update" | "same";

export interface ResourceChange {
  readonly urn: string;
  readonly type: string;
  readonly change: Change;
  /** Top-level inputs that differ, after ignoreChanges. */
  readonly changed: readonly string[];
}

/** Every leaf of a property bag as `path → JSON value` (`tags.b`, `rules[0].name`). */
function leaves(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (typeof value === "object" && value !== null && Object.keys(value).length) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, JSON.stringify(value));
  return out;
}

/** Whether a leaf path falls under an option path (`tags` covers `tags.b`; `*` covers everything). */
const under = (path: string, option: string) =>
  option === "*" || path === option || path.startsWith(`${option}.`) || path.startsWith(`${option}[`);

/** Inputs whose change replaces `r`: the schema's, plus the resource's own replaceOnChanges. */
function replacingInputs(r: CapturedResource): string[] {
  const own = [...(REPLACE_ON_CHANGE[r.type] ?? []), ...r.options.replaceOnChanges];
  // With userDataReplaceOnChange, a new boot script replaces the instance instead of restarting it.
  if (r.type === "aws:ec2/instance:Instance" && r.inputs["userDataReplaceOnChange"] === true) own.push("userData", "userDataBase64");
  return own;
}

/**
 * What `pulumi up` would do going from one run's graph to another's, per URN
 * (following `aliases` to a renamed resource's old URN): changed input paths
 * minus each resource's `ignoreChanges` (nested paths and `*` included),
 * classified as replace or update by the provider's replace-on-change inputs
 * and the resource's `replaceOnChanges`. A replaced resource gets a new id, so
 * every input fed by it counts as changed too, transitively.
 */
export function diffRuns(before: StackGraph, after: StackGraph): ResourceChange[] {
  const old = new Map(before.customResources.map((r) => [r.urn, r]));
  const matched = new Map<string, CapturedResource>();
  for (const r of after.customResources) {
    const prev = old.get(r.urn) ?? r.options.aliases.map((a) => old.get(a)).find((x) => x !== undefined);
    if (prev) matched.set(r.urn, prev);
  }
  const replacedUrns = new Set<string>();
  const results = new Map<string, ResourceChange>();
  // Replacements cascade through property dependencies: iterate until nothing new is replaced.
  for (let changedSomething = true; changedSomething;) {
    changedSomething = false;
    for (const r of after.customResources) {
      const prev = matched.get(r.urn);
      if (!prev) {
        results.set(r.urn, { urn: r.urn, type: r.type, change: "create", changed: [] });
        continue;
      }
      const ignored = r.options.ignoreChanges;
      const a = leaves(prev.inputs, "", new Map());
      const b = leaves(r.inputs, "", new Map());
      const paths = [...new Set([...a.keys(), ...b.keys()])].filter((p) => a.get(p) !== b.get(p));
      const fedByReplaced = Object.entries(r.propertyDependencies)
        .filter(([, urns]) => urns.some((u) => replacedUrns.has(u)))
        .map(([k]) => k);
      const changedPaths = [...paths, ...fedByReplaced].filter((p) => !ignored.some((i) => under(p, i)));
      const changed = [...new Set(changedPaths.map((p) => p.split(/[.[]/)[0]))].sort();
      const replaces = changedPaths.some((p) => replacingInputs(r).some((k) => under(p, k)));
      const change: Change = changed.length === 0 ? "same" : replaces ? "replace" : "update";
      if (change === "replace" && !replacedUrns.has(r.urn)) {
        replacedUrns.add(r.urn);
        changedSomething = true;
      }
      results.set(r.urn, { urn: r.urn, type: r.type, change, changed });
    }
  }
  const out = after.customResources.map((r) => results.get(r.urn) as ResourceChange);
  const kept = new Set([...matched.values()].map((r) => r.urn));
  for (const r of before.customResources) if (!kept.has(r.urn)) out.push({ urn: r.urn, type: r.type, change: "delete", changed: [] });
  return out;
}
