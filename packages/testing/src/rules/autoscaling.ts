import type { CapturedResource, StackGraph } from "../graph";
import { globToRegExp, LB, policyAllows, policyStatements, TARGET_GROUP } from "./compute";
import { AwsRule, bag, Bag, inRange, list, num, resourceRule } from "./rule";

const GROUP = "aws:autoscaling/group:Group";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const SCALING_POLICY = "aws:autoscaling/policy:Policy";
const ATTACHMENT = "aws:autoscaling/attachment:Attachment";
const TRAFFIC_ATTACHMENT = "aws:autoscaling/trafficSourceAttachment:TrafficSourceAttachment";
const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";
const EVENT_TARGET = "aws:cloudwatch/eventTarget:EventTarget";
const TOPIC = "aws:sns/topic:Topic";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const KMS_KEY = "aws:kms/key:Key";
const KMS_ALIAS = "aws:kms/alias:Alias";

/** A traffic source is a target group when it says elbv2 or names a target group ARN (GroupTrafficSource docs). */
const isTargetGroupSource = (s: Bag) => s["type"] === "elbv2" || String(s["identifier"]).includes(":targetgroup/");

/** The group's physical name (its id), which attachments and scaling policies use to name it. */
const groupName = (g: CapturedResource) => g.state["name"] ?? g.id;

/** Every load balancing attachment of a group: its own inputs plus Attachment and TrafficSourceAttachment resources. */
function attachments(graph: StackGraph, g: CapturedResource): { targetGroups: unknown[]; classic: unknown[]; lattice: unknown[] } {
  const sources = list(g.inputs["trafficSources"]).map(bag);
  const targetGroups = [...list(g.inputs["targetGroupArns"]), ...sources.filter(isTargetGroupSource).map((s) => s["identifier"])];
  const classic = [...list(g.inputs["loadBalancers"]), ...sources.filter((s) => s["type"] === "elb").map((s) => s["identifier"])];
  const lattice = sources.filter((s) => s["type"] === "vpc-lattice").map((s) => s["identifier"]);
  for (const a of graph.ofType(ATTACHMENT, TRAFFIC_ATTACHMENT)) {
    if (a.inputs["autoscalingGroupName"] !== groupName(g)) continue;
    if (a.inputs["lbTargetGroupArn"] !== undefined) targetGroups.push(a.inputs["lbTargetGroupArn"]);
    if (a.inputs["elb"] !== undefined) classic.push(a.inputs["elb"]);
    const s = bag(a.inputs["trafficSource"]);
    if (s["identifier"] !== undefined) {
      if (isTargetGroupSource(s)) targetGroups.push(s["identifier"]);
      else if (s["type"] === "vpc-lattice") lattice.push(s["identifier"]);
      else classic.push(s["identifier"]);
    }
  }
  return { targetGroups, classic, lattice };
}

/** The launch template references of a group: its launchTemplate, or its mixed instances policy's specification. */
function templateSpecs(g: CapturedResource): { where: string; version: unknown }[] {
  const out: { where: string; version: unknown }[] = [];
  if (g.inputs["launchTemplate"] !== undefined) out.push({ where: "launchTemplate", version: bag(g.inputs["launchTemplate"])["version"] });
  const mixed = bag(bag(g.inputs["mixedInstancesPolicy"])["launchTemplate"])["launchTemplateSpecification"];
  if (mixed !== undefined) {
    out.push({ where: "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification", version: bag(mixed)["version"] });
  }
  return out;
}

export const instanceRefreshVersion: AwsRule = resourceRule(
  "asg-instance-refresh-version",
  "With instanceRefresh, the launch template version must be the template's latestVersion: the provider starts a refresh only when the launchTemplate block changes, so never for $Latest or $Default (aws_autoscaling_group docs, instance_refresh)",
  [GROUP],
  (g) => {
    if (g.inputs["instanceRefresh"] === undefined) return undefined;
    return templateSpecs(g)
      .filter((s) => s.version === undefined || s.version === "$Latest" || s.version === "$Default")
      .map(
        (s) =>
          `${s.where}.version ${s.version === undefined ? "is unset ($Default)" : `is ${String(s.version)}`}: a new template version leaves the group's launch template unchanged, so instanceRefresh never starts and the servers keep the old version. Set version to the template's latestVersion (launchTemplate.latestVersion.apply(String))`,
      );
  },
);

export const groupCapacity: AwsRule = resourceRule(
  "asg-capacity",
  "Sizes are whole numbers ≥ 0 with minSize ≤ desiredCapacity ≤ maxSize (Auto Scaling CreateAutoScalingGroup/UpdateAutoScalingGroup ValidationError)",
  [GROUP],
  (g) => {
    const out: string[] = [];
    const sizes = {
      minSize: num(g.inputs["minSize"]),
      maxSize: num(g.inputs["maxSize"]),
      desiredCapacity: num(g.inputs["desiredCapacity"]),
    };
    for (const [key, v] of Object.entries(sizes)) {
      if (v !== undefined && !inRange(v, 0, Number.MAX_SAFE_INTEGER))
        out.push(`${key} ${v} must be a whole number of instances, 0 or more`);
    }
    const { minSize: min, maxSize: max, desiredCapacity: desired } = sizes;
    if (out.length || min === undefined || max === undefined) return out;
    if (min > max)
      return [`ValidationError: Max bound, ${max}, must be greater than or equal to min bound, ${min}: raise maxSize or lower minSize`];
    if (desired !== undefined && (desired < min || desired > max)) {
      return [`ValidationError: Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`];
    }
    return out;
  },
);

/** The provider's defaults for unset refresh preferences (aws_autoscaling_group instance_refresh.preferences). */
const REFRESH_DEFAULTS = { minHealthyPercentage: 90, maxHealthyPercentage: 100 };

export const instanceRefreshPreferences: AwsRule = resourceRule(
  "asg-instance-refresh-preferences",
  "instanceRefresh: strategy Rolling; minHealthyPercentage 0–100, maxHealthyPercentage 100–200, at most 100 apart (Auto Scaling StartInstanceRefresh RefreshPreferences); checkpointPercentages ascending and ending at 100 (provider docs)",
  [GROUP],
  (g) => {
    const refresh = g.inputs["instanceRefresh"];
    if (refresh === undefined) return undefined;
    const out: string[] = [];
    const strategy = bag(refresh)["strategy"];
    if (strategy !== "Rolling")
      out.push(`instanceRefresh.strategy ${JSON.stringify(strategy)} is not a refresh strategy; the only one is "Rolling"`);
    const p = bag(bag(refresh)["preferences"]);
    const min = num(p["minHealthyPercentage"]);
    const max = num(p["maxHealthyPercentage"]);
    if (!inRange(min, 0, 100)) out.push(`instanceRefresh.preferences.minHealthyPercentage ${String(min)} is outside 0–100`);
    if (!inRange(max, 100, 200)) out.push(`instanceRefresh.preferences.maxHealthyPercentage ${String(max)} is outside 100–200`);
    const effMin = min ?? REFRESH_DEFAULTS.minHealthyPercentage;
    const effMax = max ?? REFRESH_DEFAULTS.maxHealthyPercentage;
    if (inRange(effMin, 0, 100) && inRange(effMax, 100, 200) && effMax - effMin > 100) {
      const which = (v: number | undefined, d: number) => (v === undefined ? `${d} (the provider's default)` : String(v));
      out.push(
        `instanceRefresh.preferences: maxHealthyPercentage ${which(max, effMax)} and minHealthyPercentage ${which(min, effMin)} are ${effMax - effMin} apart; StartInstanceRefresh allows at most 100. Raise minHealthyPercentage to at least ${effMax - 100}`,
      );
    }
    const checkpoints = list(p["checkpointPercentages"]).map(num);
    if (checkpoints.length) {
      const shown = `[${checkpoints.map(String).join(", ")}]`;
      if (checkpoints.some((c) => !inRange(c, 1, 100))) {
        out.push(`instanceRefresh.preferences.checkpointPercentages ${shown} must be whole percentages from 1 to 100`);
      } else if (checkpoints.some((c, i) => i > 0 && (c as number) <= (checkpoints[i - 1] as number))) {
        out.push(`instanceRefresh.preferences.checkpointPercentages ${shown} must be unique and ascending`);
      } else if (checkpoints[checkpoints.length - 1] !== 100) {
        out.push(
          `instanceRefresh.preferences.checkpointPercentages ${shown} ends at ${String(checkpoints[checkpoints.length - 1])}: the refresh stops there and leaves the other servers on the old template. End the list with 100`,
        );
      }
    }
    for (const key of ["checkpointDelay", "instanceWarmup"]) {
      const v = num(p[key]);
      if (v !== undefined && !inRange(v, 0, Number.MAX_SAFE_INTEGER)) {
        out.push(`instanceRefresh.preferences.${key} ${JSON.stringify(p[key])} must be a whole number of seconds, 0 or more`);
      }
    }
    return out;
  },
);

/** EC2 user data limit: 16 KB in raw form, before base64 encoding (EC2 user guide, "Run commands when you launch"). */
const USER_DATA_MAX_BYTES = 16 * 1024;

export const launchTemplateUserData: AwsRule = resourceRule(
  "launch-template-user-data",
  "A launch template's userData is base64 (EC2 RequestLaunchTemplateData.UserData; InvalidUserData.Malformed), unlike aws.ec2.Instance's, and at most 16 KiB decoded (EC2 user guide)",
  [LAUNCH_TEMPLATE],
  (lt) => {
    const data = lt.inputs["userData"];
    if (data === undefined || data === "") return undefined;
    // The provider's ValidBase64String decodes with Go's StdEncoding, which skips line breaks.
    const raw = String(data);
    const text = raw.replace(/[\r\n]/g, "");
    const decoded = Buffer.from(text, "base64");
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || decoded.toString("base64") !== text) {
      const start = JSON.stringify(raw.slice(0, 24)) + (raw.length > 24 ? "…" : "");
      return `InvalidUserData.Malformed: userData ${start} is not base64. Launch templates take user data encoded (aws.ec2.Instance encodes it for you): pass Buffer.from(script, "utf8").toString("base64")`;
    }
    if (decoded.length > USER_DATA_MAX_BYTES) {
      return `userData is ${decoded.length} bytes decoded; EC2 allows ${USER_DATA_MAX_BYTES} (16 KiB) before base64 encoding. Fetch the rest at boot (S3, SSM) or gzip it (cloud-init reads gzip)`;
    }
    return undefined;
  },
);

export const groupZones: AwsRule = resourceRule(
  "asg-zones-or-subnets",
  "A group takes either availabilityZones or vpcZoneIdentifiers, not both (provider ConflictsWith), and one of them (Auto Scaling ValidationError: At least one Availability Zone or VPC Subnet is required)",
  [GROUP],
  (g) => {
    const zones = list(g.inputs["availabilityZones"]);
    const subnets = list(g.inputs["vpcZoneIdentifiers"]);
    if (zones.length && subnets.length) {
      return `Conflicting configuration arguments: "availabilityZones": conflicts with vpcZoneIdentifiers. Give only vpcZoneIdentifiers: the group takes its zones from the subnets`;
    }
    if (!zones.length && !subnets.length) {
      return `ValidationError: At least one Availability Zone or VPC Subnet is required: set vpcZoneIdentifiers to the private subnets`;
    }
    return undefined;
  },
);

export const groupLaunchSource: AwsRule = resourceRule(
  "asg-launch-source",
  "A group takes exactly one of launchConfiguration, launchTemplate and mixedInstancesPolicy, and its launchTemplate names the template by id or by name, not both (provider ExactlyOneOf and ConflictsWith)",
  [GROUP],
  (g) => {
    const given = ["launchConfiguration", "launchTemplate", "mixedInstancesPolicy"].filter((k) => g.inputs[k] !== undefined);
    const out: string[] = [];
    if (given.length !== 1) {
      out.push(
        `Invalid combination of arguments: exactly one of launchConfiguration, launchTemplate, mixedInstancesPolicy must be given, got ${given.length ? given.join(", ") : "none"}. Give launchTemplate: { id, version }`,
      );
    }
    const lt = bag(g.inputs["launchTemplate"]);
    if (lt["id"] !== undefined && lt["name"] !== undefined) {
      out.push(`Conflicting configuration arguments: launchTemplate.id conflicts with launchTemplate.name. Keep id`);
    }
    return out;
  },
);

export const instanceRefreshRollback: AwsRule = resourceRule(
  "asg-refresh-auto-rollback",
  "autoRollback undoes nothing here: the provider points the group at the new launch template before it starts the refresh, so AWS rolls back to that same version and relaunches the failing servers (hashicorp/terraform-provider-aws#34189). AWS accepts it",
  [GROUP],
  (g) => {
    const preferences = bag(bag(g.inputs["instanceRefresh"])["preferences"]);
    if (preferences["autoRollback"] !== true || templateSpecs(g).length === 0) return undefined;
    return "instanceRefresh.preferences.autoRollback is true, but the provider updates the group to the new launch template version before it starts the refresh, so a rollback restores the new version and relaunches the servers that failed (hashicorp/terraform-provider-aws#34189). Set autoRollback to false: a failed refresh stops with the old servers serving; undo it by deploying the previous version";
  },
);

export const groupTargetGroups: AwsRule = resourceRule(
  "asg-target-groups",
  "A group's subnets share one VPC, and its target groups are of type instance in that VPC (Auto Scaling user guide, Elastic Load Balancing prerequisites; ELB: targets not in the target group VPC)",
  [GROUP],
  (g, graph) => {
    const out: string[] = [];
    const ids = list(g.inputs["vpcZoneIdentifiers"]);
    const subnets = ids.map((id) => graph.byId(id)).filter((s): s is CapturedResource => s !== undefined);
    // Subnets created elsewhere cannot be placed; judge the VPC only when every subnet is known.
    const vpcs = subnets.length === ids.length ? [...new Set(subnets.map((s) => s.inputs["vpcId"]))] : [];
    if (vpcs.length > 1) {
      out.push(
        `vpcZoneIdentifiers span ${vpcs.length} VPCs (${vpcs.map(String).join(", ")}); a group launches into the subnets of one VPC`,
      );
    }
    const vpc = vpcs.length === 1 ? vpcs[0] : undefined;
    for (const arn of attachments(graph, g).targetGroups) {
      const tg = graph.byArn(arn);
      if (!tg || !TARGET_GROUP.includes(tg.type)) continue;
      const type = tg.inputs["targetType"] ?? "instance";
      if (type !== "instance") {
        out.push(
          `ValidationError: target group ${tg.name} has target type ${String(type)}; an Auto Scaling group registers instances, so its target groups need targetType "instance"`,
        );
      }
      if (vpc !== undefined && tg.inputs["vpcId"] !== undefined && tg.inputs["vpcId"] !== vpc) {
        out.push(
          `target group ${tg.name} is in VPC ${String(tg.inputs["vpcId"])}, the group's subnets in ${String(vpc)}: its instances could never register (The following targets are not in the target group VPC). Use a target group of the subnets' VPC`,
        );
      }
    }
    return out;
  },
);

const HEALTH_CHECK_TYPES = ["EC2", "EBS", "ELB", "VPC_LATTICE"];

export const groupHealthCheck: AwsRule = resourceRule(
  "asg-health-check-type",
  "healthCheckType is a comma-separated list of EC2, EBS, ELB and VPC_LATTICE (Auto Scaling API CreateAutoScalingGroup HealthCheckType); ELB and VPC_LATTICE need a load balancer or Lattice target group attached to have anything to ask",
  [GROUP],
  (g, graph) => {
    const value = g.inputs["healthCheckType"];
    if (value === undefined) return undefined;
    const types = String(value)
      .split(",")
      .map((t) => t.trim());
    const unknown = types.filter((t) => !HEALTH_CHECK_TYPES.includes(t));
    if (unknown.length) {
      return `healthCheckType ${JSON.stringify(value)} is not a health check type; use EC2, EBS, ELB or VPC_LATTICE (comma-separated for several)`;
    }
    const attached = attachments(graph, g);
    const out: string[] = [];
    if (types.includes("ELB") && attached.targetGroups.length === 0 && attached.classic.length === 0) {
      out.push(
        `healthCheckType "ELB" with no targetGroupArns, loadBalancers or ELB traffic source: the ELB health check has nothing to ask, so a server the load balancer finds unhealthy is never replaced. Attach the target group (targetGroupArns) or use "EC2"`,
      );
    }
    if (types.includes("VPC_LATTICE") && attached.lattice.length === 0) {
      out.push(`healthCheckType "VPC_LATTICE" with no vpc-lattice traffic source: the VPC Lattice health check has nothing to ask`);
    }
    return out;
  },
);

export const launchTemplateMetadata: AwsRule = resourceRule(
  "launch-template-metadata-options",
  "metadataOptions: httpPutResponseHopLimit 1–64, httpTokens optional or required, httpEndpoint/httpProtocolIpv6/instanceMetadataTags enabled or disabled (terraform-provider-aws ec2_launch_template.go validation)",
  [LAUNCH_TEMPLATE],
  (lt) => {
    const m = bag(lt.inputs["metadataOptions"]);
    const out: string[] = [];
    const hops = num(m["httpPutResponseHopLimit"]);
    if (!inRange(hops, 1, 64)) out.push(`metadataOptions.httpPutResponseHopLimit ${String(hops)} is outside 1–64`);
    const allowed: Record<string, string[]> = {
      httpTokens: ["optional", "required"],
      httpEndpoint: ["enabled", "disabled"],
      httpProtocolIpv6: ["enabled", "disabled"],
      instanceMetadataTags: ["enabled", "disabled"],
    };
    for (const [key, values] of Object.entries(allowed)) {
      const v = m[key];
      if (v !== undefined && !values.includes(String(v))) {
        out.push(`metadataOptions.${key} ${JSON.stringify(v)} is not one of ${values.map((x) => `"${x}"`).join(", ")}`);
      }
    }
    return out;
  },
);

const PREDEFINED_METRICS = ["ASGAverageCPUUtilization", "ASGAverageNetworkIn", "ASGAverageNetworkOut", "ALBRequestCountPerTarget"];

export const targetTrackingPolicy: AwsRule = resourceRule(
  "scaling-policy-target-tracking",
  "A TargetTrackingScaling policy tracks a predefined or customized metric at a target above 0; ALBRequestCountPerTarget needs resourceLabel <alb arnSuffix>/<target group arnSuffix> of a target group attached to the group (Auto Scaling API TargetTrackingConfiguration, PredefinedMetricSpecification)",
  [SCALING_POLICY],
  (p, graph) => {
    if (p.inputs["policyType"] !== "TargetTrackingScaling") return undefined;
    const tt = p.inputs["targetTrackingConfiguration"];
    if (tt === undefined) return `policyType "TargetTrackingScaling" needs a targetTrackingConfiguration`;
    const out: string[] = [];
    const target = num(bag(tt)["targetValue"]);
    if (target === undefined || !(target > 0)) {
      out.push(
        `targetTrackingConfiguration.targetValue ${String(target)} must be greater than 0: the tracked metrics never go below 0, so the policy could only scale out`,
      );
    }
    const spec = bag(tt)["predefinedMetricSpecification"];
    if (spec === undefined) {
      if (bag(tt)["customizedMetricSpecification"] === undefined) {
        out.push(`targetTrackingConfiguration needs predefinedMetricSpecification or customizedMetricSpecification`);
      }
      return out;
    }
    const type = bag(spec)["predefinedMetricType"];
    if (!PREDEFINED_METRICS.includes(String(type))) {
      out.push(`predefinedMetricType ${JSON.stringify(type)} is not one of ${PREDEFINED_METRICS.join(", ")}`);
    }
    if (type === "ALBRequestCountPerTarget") out.push(...resourceLabelProblems(graph, p, bag(spec)["resourceLabel"]));
    return out;
  },
);

function resourceLabelProblems(graph: StackGraph, p: CapturedResource, label: unknown): string[] {
  const shape = "app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>";
  if (label === undefined || label === "") {
    return [
      `ALBRequestCountPerTarget needs resourceLabel (${shape}): set it to pulumi.interpolate\`\${alb.arnSuffix}/\${targetGroup.arnSuffix}\``,
    ];
  }
  const m = /^(app\/[^/]+\/[^/]+)\/(targetgroup\/[^/]+\/[^/]+)$/.exec(String(label));
  if (!m) {
    return [
      `resourceLabel ${JSON.stringify(label)} is not ${shape}: build it from the load balancer's and target group's arnSuffix outputs, not their ARNs`,
    ];
  }
  const out: string[] = [];
  const lbs = graph.ofType(...LB);
  const tgs = graph.ofType(...TARGET_GROUP);
  // Resources created elsewhere cannot be matched: judge each half only when the program creates resources of its type.
  if (lbs.length && !lbs.some((lb) => lb.state["arnSuffix"] === m[1])) {
    out.push(
      `resourceLabel names load balancer ${m[1]}, which is none of this program's (${lbs.map((lb) => String(lb.state["arnSuffix"])).join(", ")})`,
    );
  }
  const tg = tgs.find((t) => t.state["arnSuffix"] === m[2]);
  if (tgs.length && !tg) {
    out.push(
      `resourceLabel names target group ${m[2]}, which is none of this program's (${tgs.map((t) => String(t.state["arnSuffix"])).join(", ")})`,
    );
  }
  const group = graph.ofType(GROUP).find((g) => groupName(g) === p.inputs["autoscalingGroupName"]);
  if (tg && group && !attachments(graph, group).targetGroups.includes(tg.state["arn"])) {
    out.push(
      `target group ${tg.name} is not attached to group ${group.name}: You can't specify a resource label unless the target group is attached to the Auto Scaling group. Add it to the group's targetGroupArns`,
    );
  }
  return out;
}

/**
 * Whether a statement's Condition holds for a request with these context keys
 * (lower-cased): true, false, or undefined when it uses an operator or key
 * this check does not know.
 */
function conditionHolds(condition: unknown, context: Record<string, string>): boolean | undefined {
  let result: boolean | undefined = true;
  for (const [operator, tests] of Object.entries(bag(condition))) {
    const op = operator.replace(/IfExists$/, "");
    for (const [key, expected] of Object.entries(bag(tests))) {
      const actual = context[key.toLowerCase()];
      const values = [expected].flat().map(String);
      let holds: boolean | undefined;
      if (actual === undefined) holds = undefined;
      else if (op === "StringEquals" || op === "ArnEquals") holds = values.includes(actual);
      else if (op === "StringLike" || op === "ArnLike") holds = values.some((v) => globToRegExp(v).test(actual));
      else holds = undefined;
      if (holds === false) return false;
      if (holds === undefined) result = undefined;
    }
  }
  return result;
}

/**
 * Evaluate what a service principal may do under a resource policy, given the
 * confused-deputy context it sends (aws:SourceArn, aws:SourceAccount):
 * statements whose conditions hold lose them, statements whose conditions fail
 * are dropped, and statements with conditions this check cannot read stay
 * (an Allow that stays grants nothing in policyAllows).
 */
function allowsFrom(policy: unknown, context: Record<string, string>, principal: string, action: string, resource: string): boolean {
  const statements = policyStatements(policy).flatMap((s) => {
    if (s["Condition"] === undefined) return [s];
    const holds = conditionHolds(s["Condition"], context);
    if (holds === false) return [];
    if (holds === true) {
      const rest = { ...s };
      delete rest["Condition"];
      return [rest];
    }
    return [s];
  });
  return policyAllows({ Statement: statements }, { type: "Service", id: principal }, action, resource);
}

/** The KMS key a topic's kmsMasterKeyId names, by ARN, id, alias name or alias ARN. */
function topicKey(graph: StackGraph, ref: unknown): CapturedResource | undefined {
  const keys = graph.ofType(KMS_KEY);
  const direct = keys.find((k) => k.id === ref || k.state["arn"] === ref);
  if (direct) return direct;
  const alias = graph.ofType(KMS_ALIAS).find((a) => a.inputs["name"] === ref || a.state["arn"] === ref);
  const target = alias?.inputs["targetKeyId"];
  return target === undefined ? undefined : keys.find((k) => k.id === target || k.state["arn"] === target);
}

export const eventTargetTopic: AwsRule = resourceRule(
  "event-target-sns-policy",
  "An EventBridge rule publishes to an SNS topic only if the topic policy lets events.amazonaws.com sns:Publish, and for an encrypted topic the key policy lets it kms:GenerateDataKey and kms:Decrypt; AWS managed keys cannot be used (EventBridge user guide, Amazon SNS permissions): otherwise every delivery fails (FailedInvocations)",
  [EVENT_TARGET],
  (t, graph) => {
    const topic = graph.ofType(TOPIC).find((x) => x.state["arn"] === t.inputs["arn"]);
    if (!topic) return undefined;
    const bus = (r: CapturedResource) => String(r.inputs["eventBusName"] ?? "default");
    const rule = graph.ofType(EVENT_RULE).find((r) => r.state["name"] === t.inputs["rule"] && bus(r) === bus(t));
    // The rule's ARN is the context the policies' conditions test: without it (a rule created elsewhere), do not judge.
    if (!rule) return undefined;
    const topicArn = String(topic.state["arn"]);
    const context = { "aws:sourcearn": String(rule.state["arn"]), "aws:sourceaccount": graph.accountId };
    const out: string[] = [];
    // A TopicPolicy replaces the topic's own policy attribute; without either, the default lets only the account publish.
    const policies = graph.ofType(TOPIC_POLICY).filter((p) => p.inputs["arn"] === topicArn);
    const policy = policies.length ? policies[policies.length - 1].inputs["policy"] : topic.inputs["policy"];
    const fix = `allow Service events.amazonaws.com "sns:Publish" on ${topicArn} (an aws.sns.TopicPolicy; limit it with ArnEquals aws:SourceArn = the rule's ARN)`;
    if (policy === undefined) {
      out.push(
        `topic ${topic.name} keeps its default policy, which lets only principals of its account publish, so EventBridge cannot deliver: ${fix}`,
      );
    } else if (!allowsFrom(policy, context, "events.amazonaws.com", "sns:Publish", topicArn)) {
      out.push(`the policy of topic ${topic.name} does not let rule ${rule.name} publish (events.amazonaws.com, sns:Publish): ${fix}`);
    }
    const keyRef = topic.inputs["kmsMasterKeyId"];
    if (typeof keyRef === "string" && /(^|:)alias\/aws\/sns$/.test(keyRef)) {
      out.push(
        `topic ${topic.name} is encrypted with the AWS managed key alias/aws/sns, whose policy EventBridge cannot be granted: encrypt it with a customer managed key whose policy allows events.amazonaws.com`,
      );
    } else {
      const key = topicKey(graph, keyRef);
      const keyArn = String(key?.state["arn"]);
      const denied = key
        ? ["kms:GenerateDataKey", "kms:Decrypt"].filter(
            (a) => !allowsFrom(key.inputs["policy"], context, "events.amazonaws.com", a, keyArn),
          )
        : [];
      if (key && key.inputs["policy"] !== undefined && denied.length) {
        out.push(
          `topic ${topic.name} is encrypted with key ${key.name}, whose policy does not let events.amazonaws.com ${denied.join(" and ")}: EventBridge cannot encrypt what it delivers. Add a key policy statement for it`,
        );
      } else if (key && key.inputs["policy"] === undefined) {
        out.push(
          `topic ${topic.name} is encrypted with key ${key.name}, whose default policy grants only the account: allow events.amazonaws.com kms:GenerateDataKey* and kms:Decrypt`,
        );
      }
    }
    return out;
  },
);

export const AUTOSCALING_RULES: readonly AwsRule[] = [
  instanceRefreshVersion,
  groupCapacity,
  instanceRefreshPreferences,
  launchTemplateUserData,
  groupZones,
  groupLaunchSource,
  instanceRefreshRollback,
  groupTargetGroups,
  groupHealthCheck,
  launchTemplateMetadata,
  targetTrackingPolicy,
  eventTargetTopic,
];
