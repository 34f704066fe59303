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
  // terraform-provider-aws internal/service/ec2/ec2_launch_template.go: only name and name_prefix are ForceNew; any
  // other change is CreateLaunchTemplateVersion, an in-place update that bumps latestVersion (see VERSIONED_ON_UPDATE).
  "aws:ec2/launchTemplate:LaunchTemplate": ["name", "namePrefix"],
  // internal/service/autoscaling/group.go: name, name_prefix and initial_lifecycle_hook are ForceNew; a new launch
  // template version, sizes, subnets and target groups are UpdateAutoScalingGroup / Attach* calls.
  "aws:autoscaling/group:Group": ["name", "namePrefix", "initialLifecycleHooks"],
  // internal/service/autoscaling/policy.go: name and autoscaling_group_name are ForceNew.
  "aws:autoscaling/policy:Policy": ["name", "autoscalingGroupName"],
  // internal/service/events/rule.go: name, name_prefix and event_bus_name are ForceNew.
  "aws:cloudwatch/eventRule:EventRule": ["name", "namePrefix", "eventBusName"],
  // internal/service/events/target.go: rule, target_id and event_bus_name are ForceNew.
  "aws:cloudwatch/eventTarget:EventTarget": ["rule", "targetId", "eventBusName"],
  // internal/service/sns/topic_policy.go: the policy belongs to one topic; arn is ForceNew.
  "aws:sns/topicPolicy:TopicPolicy": ["arn"],
};

/**
 * Outputs an in-place update recomputes, so every input they feed changes
 * too: a launch template update that touches template data or the
 * description is CreateLaunchTemplateVersion (the provider's updateKeys in
 * ec2_launch_template.go), so `latestVersion` moves and a group pinned to it
 * updates (and starts its instance refresh). Only the inputs in `except`
 * change without a new version: default_version / update_default_version
 * (ModifyLaunchTemplate) and tags (CreateTags); name and name_prefix replace.
 */
export const VERSIONED_ON_UPDATE: Readonly<Record<string, { readonly output: string; readonly except: readonly string[] }>> = {
  "aws:ec2/launchTemplate:LaunchTemplate": {
    output: "latestVersion",
    except: ["name", "namePrefix", "defaultVersion", "updateDefaultVersion", "tags"],
  },
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
 * Input leaves of `r` that carry the old value of an output a dependency's
 * update recomputes (the version a launch template had): the plan shows them
 * unknown, so they change. Leaves fed by that dependency that hold anything
 * else (the template's id) stay as they are.
 */
function versionPaths(r: CapturedResource, after: Map<string, string>, versioned: ReadonlyMap<string, unknown>): string[] {
  const out: string[] = [];
  for (const [prop, urns] of Object.entries(r.propertyDependencies)) {
    for (const urn of urns) {
      if (!versioned.has(urn)) continue;
      const old = versioned.get(urn);
      const forms = [JSON.stringify(old), JSON.stringify(String(old))];
      for (const [path, value] of after) if (under(path, prop) && forms.includes(value)) out.push(path);
    }
  }
  return out;
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
  // URN → the value of the versioned output before the update (e.g. a launch template's latestVersion).
  const versioned = new Map<string, unknown>();
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
      const fedByNewVersion = versionPaths(r, b, versioned);
      const changedPaths = [...paths, ...fedByReplaced, ...fedByNewVersion].filter((p) => !ignored.some((i) => under(p, i)));
      const changed = [...new Set(changedPaths.map((p) => p.split(/[.[]/)[0]))].sort();
      const replaces = changedPaths.some((p) => replacingInputs(r).some((k) => under(p, k)));
      const change: Change = changed.length === 0 ? "same" : replaces ? "replace" : "update";
      if (change === "replace" && !replacedUrns.has(r.urn)) {
        replacedUrns.add(r.urn);
        changedSomething = true;
      }
      const bump = VERSIONED_ON_UPDATE[r.type];
      if (change === "update" && bump && !versioned.has(r.urn) && changed.some((k) => !bump.except.includes(k))) {
        versioned.set(r.urn, prev.state[bump.output]);
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

const LISTENERS = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
const GROUP_TARGETS = ["aws:autoscaling/group:Group"];
const ATTACHMENTS: Readonly<Record<string, string>> = {
  "aws:lb/targetGroupAttachment:TargetGroupAttachment": "targetGroupArn",
  "aws:alb/targetGroupAttachment:TargetGroupAttachment": "targetGroupArn",
  "aws:autoscaling/attachment:Attachment": "lbTargetGroupArn",
};

/** Target group ARNs a listener's default actions forward to: `send` those with traffic, `all` with weight-0 ones too. */
function forwardedTo(listener: CapturedResource): { send: unknown[]; all: unknown[] } {
  const send: unknown[] = [];
  const all: unknown[] = [];
  for (const action of (listener.inputs["defaultActions"] as Record<string, unknown>[] | undefined) ?? []) {
    if (action["type"] !== "forward") continue;
    if (action["targetGroupArn"] !== undefined) send.push(action["targetGroupArn"]);
    all.push(action["targetGroupArn"]);
    const groups = (action["forward"] as { targetGroups?: { arn: unknown; weight?: number }[] } | undefined)?.targetGroups ?? [];
    for (const g of groups) {
      all.push(g.arn);
      if (g.weight === undefined || g.weight > 0) send.push(g.arn);
    }
  }
  return { send: send.filter((a) => a !== undefined), all: all.filter((a) => a !== undefined) };
}

/** Whether some group or attachment registers targets with the target group of that ARN. */
function registered(graph: StackGraph, arn: unknown): boolean {
  return graph.customResources.some(
    (r) =>
      (GROUP_TARGETS.includes(r.type) && ((r.inputs["targetGroupArns"] as unknown[] | undefined) ?? []).includes(arn)) ||
      (ATTACHMENTS[r.type] !== undefined && r.inputs[ATTACHMENTS[r.type]] === arn),
  );
}

/**
 * Where an update would leave a listener with nothing to serve: a listener that already
 * served and, after the update, sends traffic to a target group that the update creates or
 * replaces (its targets start unregistered, then `initial`, and the ALB answers 502/503
 * until they pass their health checks), or to one that before the update had no registered
 * targets or was not health-checked (no listener used it, not even at weight 0). A target
 * group created before, registered with the servers and forwarded to at weight 0 is safe to
 * move to: its targets are already healthy. Covers listeners' default actions.
 */
export function servingGaps(before: StackGraph, after: StackGraph): string[] {
  const changes = new Map(diffRuns(before, after).map((c) => [c.urn, c]));
  const gaps: string[] = [];
  const forwardedBefore = before.ofType(...LISTENERS).flatMap((l) => forwardedTo(l).all);
  for (const listener of after.ofType(...LISTENERS)) {
    if (changes.get(listener.urn)?.change !== "update" && changes.get(listener.urn)?.change !== "same") continue;
    for (const arn of forwardedTo(listener).send) {
      const tg = after.byArn(arn);
      if (!tg) continue;
      const change = changes.get(tg.urn)?.change;
      if (change === "create" || change === "replace") {
        gaps.push(
          `${listener.name} forwards to ${tg.name}, which this update ${change === "create" ? "creates" : "replaces"}: no target is healthy yet`,
        );
        continue;
      }
      const old = before.byUrn(tg.urn) ?? tg.options.aliases.map((a) => before.byUrn(a)).find((r) => r !== undefined);
      const oldArn = old?.state["arn"];
      if (!registered(before, oldArn))
        gaps.push(`${listener.name} forwards to ${tg.name}, which had no registered targets before this update`);
      else if (!forwardedBefore.includes(oldArn))
        gaps.push(`${listener.name} forwards to ${tg.name}, which no listener health-checked before this update`);
    }
  }
  return gaps;
}
