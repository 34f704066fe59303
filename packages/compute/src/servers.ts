import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext, roleInputs, withName } from "@web-infra/core";
import type { Resolved, WebTierArgs } from "./args";
import { al2023NamePattern } from "./instanceTypes";
import { renderUserData } from "./userData";

/**
 * What the SSM agent needs for Session Manager, the only admin path (no SSH, no key pair), written
 * out: registering the instance (`ssm:UpdateInstanceInformation`), the session channels
 * (`ssmmessages`) and the agent's message queue (`ec2messages`). Not AmazonSSMManagedInstanceCore:
 * it also allows `ssm:GetParameter(s)` on every parameter, which would make the database's narrow
 * `grantRead` meaningless (AWS's "Create a custom IAM instance profile for Session Manager").
 */
export const SESSION_MANAGER_ACTIONS = {
  register: ["ssm:UpdateInstanceInformation"],
  channels: [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
  ],
  messages: [
    "ec2messages:AcknowledgeMessage",
    "ec2messages:DeleteMessage",
    "ec2messages:FailMessage",
    "ec2messages:GetEndpoint",
    "ec2messages:GetMessages",
    "ec2messages:SendReply",
  ],
} as const;

/**
 * How a new server is treated while it boots. The boot script installs nginx with retries
 * (`dnf`, through the NAT), typically within 1–2 minutes of launch: ELB health checks count
 * only after the grace period, and a new server's metrics join the group's (and the refresh
 * moves on) after the warm-up.
 */
export const BOOT = { healthCheckGracePeriodSeconds: 300, instanceWarmupSeconds: 120, capacityTimeout: "15m" } as const;

/**
 * The instance refresh every launch template change starts: new servers first (up to twice
 * the capacity), old ones go only once the new ones pass their health checks, so serving
 * capacity never drops below the desired count; servers already on the new version are
 * kept. A refresh whose new servers fail, or that trips one of `refreshAlarmNames`, stops
 * with the old servers still serving, and the deploy job fails (scripts/wait-for-refresh.sh).
 *
 * No automatic rollback: the provider points the group at the new version before it starts
 * the refresh, so AWS would "roll back" to that same version and relaunch the failing servers
 * (hashicorp/terraform-provider-aws#34189; its fix, #39007, was closed unmerged).
 */
export const REFRESH_PREFERENCES = {
  minHealthyPercentage: 100,
  maxHealthyPercentage: 200,
  skipMatching: true,
  autoRollback: false,
  instanceWarmup: String(BOOT.instanceWarmupSeconds),
} as const;

/** The group's metrics, one-minute granularity: the in-service alarm and the dashboard read them. */
export const GROUP_METRICS = [
  "GroupMinSize",
  "GroupMaxSize",
  "GroupDesiredCapacity",
  "GroupInServiceInstances",
  "GroupPendingInstances",
  "GroupStandbyInstances",
  "GroupTerminatingInstances",
  "GroupTotalInstances",
] as const;

/** What createServers needs from the rest of the web tier. */
export interface ServerInputs {
  readonly name: string;
  readonly cfg: Resolved;
  readonly args: WebTierArgs;
  readonly securityGroupId: pulumi.Input<string>;
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** The target group that serves: scaling counts its requests per target. */
  readonly targetGroup: aws.lb.TargetGroup;
  /** Every target group the servers register with: the serving one, and during a port change the next one. */
  readonly targetGroups: readonly aws.lb.TargetGroup[];
  /** The HTTPS listener: the group registers servers only once it forwards (see createServers). */
  readonly listener: aws.lb.Listener;
  readonly region: pulumi.Output<string>;
  /** What must exist before any server boots: the route out of its subnet and its egress rule. */
  readonly bootAfter: pulumi.Input<pulumi.Resource>[];
}

/** The servers: their role and profile, launch template, Auto Scaling group and scaling policy. */
export interface Servers {
  readonly role: aws.iam.Role;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  readonly group: aws.autoscaling.Group;
  readonly scalingPolicy: aws.autoscaling.Policy;
}

/**
 * The image: the newest Amazon Linux 2023 for the architecture, or the pinned one, checked against the
 * instance type; with its root device name, which the root volume's mapping must use (a pinned image may
 * not call it /dev/xvda, and a mapping under another name adds a disk instead of sizing the root).
 */
function image(scope: pulumi.Resource, name: string, cfg: Resolved): pulumi.Output<{ id: string; rootDeviceName: string }> {
  const found = aws.ec2.getAmiOutput(
    cfg.amiId
      ? { mostRecent: true, filters: [{ name: "image-id", values: [cfg.amiId] }] }
      : {
          owners: ["amazon"],
          mostRecent: true,
          filters: [
            { name: "name", values: [al2023NamePattern(cfg.architecture)] },
            { name: "architecture", values: [cfg.architecture] },
            { name: "virtualization-type", values: ["hvm"] },
          ],
        },
    { parent: scope },
  );
  return pulumi.all([found.id, found.architecture, found.rootDeviceName]).apply(([id, arch, rootDeviceName]) => {
    if (arch !== cfg.architecture) {
      throw new Error(
        `web-infra:compute:WebTier "${name}": amiId ${id} is ${arch} but instanceType ${cfg.instanceType} is ${cfg.architecture}; pin an ${cfg.architecture} image or change the instance type`,
      );
    }
    return { id, rootDeviceName };
  });
}

/**
 * The web servers as an Auto Scaling group over the private subnets, behind the target group.
 * Everything a server carries is in the launch template; the group points at the template's
 * latest version number, so every change to it (image, boot script, instance type) is a new
 * version that starts an instance refresh. (`$Latest` would never start one: the provider's
 * aws_autoscaling_group docs; terraform-aws-modules/terraform-aws-autoscaling#143.)
 */
export function createServers(scope: pulumi.Resource, s: ServerInputs): Servers {
  const { name, cfg, args } = s;
  const parent = { parent: scope };
  const tags = args.tags;

  const role = new aws.iam.Role(
    `${name}-server`,
    {
      description: `Web servers of ${name}`,
      ...roleInputs(args),
      assumeRolePolicy: aws.iam.getPolicyDocumentOutput(
        { statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }] },
        parent,
      ).json,
      tags: withName(tags, `${name}-server`),
    },
    parent,
  );
  const partition = awsContext(scope).partition;
  const account = awsContext(scope).accountId;
  new aws.iam.RolePolicy(
    `${name}-server-session-manager`,
    {
      role: role.name,
      policy: aws.iam.getPolicyDocumentOutput(
        {
          statements: [
            {
              sid: "RegisterWithSystemsManager",
              actions: [...SESSION_MANAGER_ACTIONS.register],
              resources: [pulumi.interpolate`arn:${partition}:ec2:${s.region}:${account}:instance/*`],
            },
            // Neither service has resource types: IAM takes only "*" for their actions.
            { sid: "SessionChannels", actions: [...SESSION_MANAGER_ACTIONS.channels], resources: ["*"] },
            { sid: "AgentMessages", actions: [...SESSION_MANAGER_ACTIONS.messages], resources: ["*"] },
          ],
        },
        parent,
      ).json,
    },
    parent,
  );
  const profile = new aws.iam.InstanceProfile(`${name}-server`, { role: role.name, tags: withName(tags, `${name}-server`) }, parent);

  const bootScript =
    args.userData !== undefined
      ? pulumi.output(args.userData)
      : s.region.apply((r) =>
          renderUserData({ appPort: cfg.appPort, previousAppPort: cfg.previousAppPort, parameters: args.pageParameters, region: r }),
        );
  const serverTags = pulumi.output(withName(tags, `${name}-server`));
  const ami = image(scope, name, cfg);

  const launchTemplate = new aws.ec2.LaunchTemplate(
    `${name}-server`,
    {
      description: `Web servers of ${name}`,
      imageId: ami.id,
      instanceType: cfg.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      // A launch template sets the public IP per network interface; its security groups then go there too.
      networkInterfaces: [
        { deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [s.securityGroupId], deleteOnTermination: "true" },
      ],
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
      blockDeviceMappings: [
        {
          deviceName: ami.rootDeviceName,
          ebs: { volumeType: "gp3", volumeSize: cfg.rootVolumeSizeGiB, encrypted: "true", deleteOnTermination: "true" },
        },
      ],
      monitoring: { enabled: cfg.detailedMonitoring },
      ebsOptimized: "true",
      // Launch templates take user data base64-encoded (aws.ec2.Instance encodes it itself).
      userData: bootScript.apply((script) => Buffer.from(script, "utf8").toString("base64")),
      tagSpecifications: [
        { resourceType: "instance", tags: serverTags },
        { resourceType: "volume", tags: serverTags },
      ],
      updateDefaultVersion: true,
      tags: withName(tags, `${name}-server`),
    },
    parent,
  );

  const group = new aws.autoscaling.Group(
    `${name}-servers`,
    {
      vpcZoneIdentifiers: args.privateSubnetIds,
      minSize: cfg.webServerCount,
      maxSize: cfg.maxWebServers,
      desiredCapacity: cfg.webServerCount,
      launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
      targetGroupArns: s.targetGroups.map((tg) => tg.arn),
      healthCheckType: "ELB",
      healthCheckGracePeriod: BOOT.healthCheckGracePeriodSeconds,
      defaultInstanceWarmup: BOOT.instanceWarmupSeconds,
      // Acts on Spot instances only (a replacement before the interruption notice): none today, but a team
      // that adds Spot through a mixed instances policy keeps its capacity.
      capacityRebalance: true,
      // Replacing an unhealthy server launches its successor first, as the refresh does: a server that fails
      // only one target group's checks (the next port's, while appPort changes) keeps serving the other meanwhile.
      instanceMaintenancePolicy: {
        minHealthyPercentage: REFRESH_PREFERENCES.minHealthyPercentage,
        maxHealthyPercentage: REFRESH_PREFERENCES.maxHealthyPercentage,
      },
      enabledMetrics: [...GROUP_METRICS],
      metricsGranularity: "1Minute",
      // On creation, `pulumi up` returns only once webServerCount servers pass the ALB's health check.
      minElbCapacity: cfg.webServerCount,
      waitForCapacityTimeout: BOOT.capacityTimeout,
      instanceRefresh: {
        strategy: "Rolling",
        preferences: {
          ...REFRESH_PREFERENCES,
          alarmSpecification: args.refreshAlarmNames === undefined ? undefined : { alarms: args.refreshAlarmNames },
        },
      },
      // The launch template tags the instances and volumes; these tag the group itself.
      tags: serverTags.apply((t) => Object.entries(t).map(([key, value]) => ({ key, value, propagateAtLaunch: false }))),
    },
    // The scaling policy owns the desired capacity once the group exists; a later `pulumi up` must not reset it.
    // After the listener: a target group no listener uses leaves its targets "unused", so the first `pulumi up`
    // could not see them healthy; and when the listener moves to a new port's target group, it moves before the
    // group leaves the old one.
    { ...parent, ignoreChanges: ["desiredCapacity"], dependsOn: [...s.bootAfter, s.listener] },
  );

  const scalingPolicy = new aws.autoscaling.Policy(
    `${name}-requests-per-server`,
    {
      autoscalingGroupName: group.name,
      policyType: "TargetTrackingScaling",
      estimatedInstanceWarmup: BOOT.instanceWarmupSeconds,
      targetTrackingConfiguration: {
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: pulumi.interpolate`${s.loadBalancer.arnSuffix}/${s.targetGroup.arnSuffix}`,
        },
        targetValue: cfg.requestsPerTarget,
      },
    },
    parent,
  );

  return { role, launchTemplate, group, scalingPolicy };
}
