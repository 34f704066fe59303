import type { PolicyResource } from "@pulumi/policy";
import {
  arr,
  azsOf,
  BaselinePolicy,
  byRef,
  Finding,
  launchTemplateRefs,
  nonEmpty,
  obj,
  ofType,
  Props,
  resourcePolicy,
  stackPolicy,
} from "./policy";
import { T } from "./types";

/*
 * Rules for the web servers as an Auto Scaling group over a launch template. The launch template's
 * own settings (IMDSv2, public IP, EBS encryption, detailed monitoring, instance profile, user data,
 * interfaces) are checked by the EC2 rules of rows 12-18, which cover aws:ec2/launchTemplate beside
 * aws:ec2/instance, and rows 13 and 24 follow a group into its subnets; these rows cover what only
 * the group decides. Rows 44-46 extend the baseline table (shared/reference/security-baseline.md
 * stops at 43).
 */

/** Traffic sources of this type are VPC Lattice target groups, not load balancers. */
const VPC_LATTICE = "vpc-lattice";

/** The health check types a group uses: `healthCheckType` is a comma-separated list (EC2, ELB, EBS, VPC_LATTICE); unset is EC2. */
export function healthCheckTypes(props: Props): string[] {
  const value = props["healthCheckType"];
  return nonEmpty(value) ? value.split(",").map((t) => t.trim().toUpperCase()) : ["EC2"];
}

/** Whether a standalone attachment names this group (its `autoscalingGroupName` is the group's name, which is also its id). */
const attachesTo = (group: PolicyResource, attachment: PolicyResource) => {
  const name = attachment.props["autoscalingGroupName"];
  return nonEmpty(name) && (group.props["name"] === name || group.props["id"] === name);
};

/**
 * The load balancers a group is attached to, for messages: target groups (`targetGroupArns`, an
 * elbv2 traffic source, an Attachment's `lbTargetGroupArn`) and Classic Load Balancers
 * (`loadBalancers`, an elb traffic source, an Attachment's `elb`). VPC Lattice sources are not load balancers.
 */
export function loadBalancersOf(resources: readonly PolicyResource[], group: PolicyResource): string[] {
  const targetGroup = (arn: unknown) => `target group ${byRef(resources, arn)?.name ?? String(arn)}`;
  const classic = (name: unknown) => `Classic Load Balancer ${String(name)}`;
  const source = (s: unknown) => {
    const { identifier, type } = obj(s);
    if (!nonEmpty(identifier) || type === VPC_LATTICE) return [];
    return [type === "elb" ? classic(identifier) : targetGroup(identifier)];
  };
  const attachments = ofType(resources, T.AUTOSCALING_ATTACHMENT).filter((a) => attachesTo(group, a));
  const sourceAttachments = ofType(resources, T.AUTOSCALING_TRAFFIC_SOURCE_ATTACHMENT).filter((a) => attachesTo(group, a));
  return [
    ...new Set([
      ...arr(group.props["targetGroupArns"]).filter(nonEmpty).map(targetGroup),
      ...arr(group.props["loadBalancers"]).filter(nonEmpty).map(classic),
      ...arr(group.props["trafficSources"]).flatMap(source),
      ...attachments.flatMap((a) => [
        ...(nonEmpty(a.props["lbTargetGroupArn"]) ? [targetGroup(a.props["lbTargetGroupArn"])] : []),
        ...(nonEmpty(a.props["elb"]) ? [classic(a.props["elb"])] : []),
      ]),
      ...sourceAttachments.flatMap((a) => source(a.props["trafficSource"])),
    ]),
  ];
}

export const asgElbHealthCheck = stackPolicy(
  {
    name: "autoscaling-elb-health-check",
    row: 44,
    securityHub: ["AutoScaling.1"],
    checkov: ["CKV2_AWS_15"],
    description:
      'An Auto Scaling group attached to a load balancer (targetGroupArns, loadBalancers, an elb or elbv2 trafficSources entry, or a standalone Attachment or TrafficSourceAttachment) lists "ELB" in healthCheckType (unset is "EC2")',
    remediation:
      'Set healthCheckType: "ELB" on the aws.autoscaling.Group, with a healthCheckGracePeriod that covers the boot, so the group replaces the instances the load balancer marks unhealthy, not only those whose EC2 status checks fail.',
  },
  (resources) =>
    ofType(resources, T.AUTOSCALING_GROUP).flatMap((group): Finding[] => {
      const balancers = loadBalancersOf(resources, group);
      if (balancers.length === 0 || healthCheckTypes(group.props).includes("ELB")) return [];
      // The output reads "EC2" when the input was unset (the API's default); read it the same either way.
      const types = healthCheckTypes(group.props).join(",");
      return [{ urn: group.urn, message: `attached to ${balancers.join(", ")}, but healthCheckType is "${types}", not "ELB"` }];
    }),
);

export const asgSpansTwoAzs = stackPolicy(
  {
    name: "autoscaling-spans-two-azs",
    row: 45,
    securityHub: ["AutoScaling.2"],
    checkov: [],
    description:
      "An Auto Scaling group's vpcZoneIdentifiers subnets span at least 2 AZs (read from the subnets when all are in the stack, else from the group's availabilityZones output, else at least 2 distinct subnets); a group without subnets lists at least 2 availabilityZones",
    remediation:
      "List a subnet in each of at least two AZs in vpcZoneIdentifiers (the private subnet of every AZ the load balancer uses), so the group launches replacements in another AZ when one fails.",
  },
  (resources) =>
    ofType(resources, T.AUTOSCALING_GROUP).flatMap((group): Finding[] => {
      const subnets = arr(group.props["vpcZoneIdentifiers"]).filter(nonEmpty);
      // AWS fills availabilityZones from the subnets of a VPC group; a group in the default VPC sets it instead.
      const zones = [...new Set(arr(group.props["availabilityZones"]).filter(nonEmpty))].sort();
      const fail = (message: string): Finding[] => [{ urn: group.urn, message }];
      if (subnets.length === 0) {
        return zones.length >= 2 ? [] : fail(`vpcZoneIdentifiers is unset and availabilityZones lists ${zones.length} AZ`);
      }
      const azs = azsOf(resources, subnets);
      if (azs) {
        const covered = [...new Set(azs)].sort();
        return covered.length >= 2 ? [] : fail(`vpcZoneIdentifiers subnets cover ${covered.length} AZ (${covered.join(", ")})`);
      }
      if (zones.length) return zones.length >= 2 ? [] : fail(`availabilityZones lists ${zones.length} AZ (${zones.join(", ")})`);
      return new Set(subnets).size >= 2 ? [] : fail(`vpcZoneIdentifiers lists only subnet ${subnets[0]}, not in this stack (AZ unknown)`);
    }),
);

export const asgUsesLaunchTemplate = resourcePolicy(
  {
    name: "autoscaling-uses-launch-template",
    row: 46,
    securityHub: ["AutoScaling.9"],
    checkov: ["CKV_AWS_315"],
    description:
      "An Auto Scaling group sets launchTemplate (or mixedInstancesPolicy.launchTemplate.launchTemplateSpecification) by id or name, and no launchConfiguration",
    remediation:
      "Move the group's instance settings into an aws.ec2.LaunchTemplate and set launchTemplate: { id: template.id, version: ... } instead of launchConfiguration; AWS adds no new instance types or features to launch configurations.",
  },
  T.AUTOSCALING_GROUP,
  (p) => {
    const configuration = p["launchConfiguration"];
    if (nonEmpty(configuration)) return `launchConfiguration is ${configuration}: use a launch template instead`;
    return launchTemplateRefs(p).length
      ? undefined
      : "names no launch template: neither launchTemplate nor mixedInstancesPolicy.launchTemplate.launchTemplateSpecification gives an id or name";
  },
);

/** The Auto Scaling rows (44-46), part of `policies` (the pack). */
export const AUTOSCALING_POLICIES: readonly BaselinePolicy[] = [asgElbHealthCheck, asgSpansTwoAzs, asgUsesLaunchTemplate];
