import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fired, messages, subjects } from "./support";

const ARM_AMI = "ami-05b4ded3ceb71e470";
const ACCOUNT = "123456789012";
/** A boot script as a launch template wants it: base64. */
const BOOT = Buffer.from("#!/bin/bash\ndnf install -y nginx\n", "utf8").toString("base64");

/** A VPC with two subnets in two zones. */
function network(name = "vpc", octet = 0) {
  const vpc = new aws.ec2.Vpc(name, { cidrBlock: `10.${octet}.0.0/16` });
  const a = new aws.ec2.Subnet(`${name}-a`, { vpcId: vpc.id, cidrBlock: `10.${octet}.0.0/24`, availabilityZone: "us-east-1a" });
  const b = new aws.ec2.Subnet(`${name}-b`, { vpcId: vpc.id, cidrBlock: `10.${octet}.1.0/24`, availabilityZone: "us-east-1b" });
  return { vpc, a, b };
}

interface Tier {
  net: ReturnType<typeof network>;
  lb: aws.lb.LoadBalancer;
  tg: aws.lb.TargetGroup;
  lt: aws.ec2.LaunchTemplate;
}

interface TierOptions {
  template?: Partial<aws.ec2.LaunchTemplateArgs>;
  targetGroup?: Partial<aws.lb.TargetGroupArgs>;
  group?: (t: Tier) => Partial<aws.autoscaling.GroupArgs>;
  /** Overrides of the request-count policy, or null for no policy. */
  policy?: ((t: Tier & { group: aws.autoscaling.Group }) => Partial<aws.autoscaling.PolicyArgs>) | null;
  /** Extra resources, created last. */
  extra?: (t: Tier & { group: aws.autoscaling.Group }) => void;
}

/**
 * The web servers as the migration builds them, the good baseline: an ALB and
 * target group, a launch template, a group in two subnets that refreshes on
 * each new template version, and a request-count target tracking policy.
 */
function tier(opts: TierOptions = {}) {
  return () => {
    const net = network();
    const lb = new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: [net.a.id, net.b.id] });
    const tg = new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: net.vpc.id, ...opts.targetGroup });
    const lt = new aws.ec2.LaunchTemplate("web", {
      imageId: ARM_AMI,
      instanceType: "t4g.micro",
      userData: BOOT,
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
      ...opts.template,
    });
    const t: Tier = { net, lb, tg, lt };
    const group = new aws.autoscaling.Group("web", {
      minSize: 2,
      maxSize: 4,
      desiredCapacity: 2,
      vpcZoneIdentifiers: [net.a.id, net.b.id],
      targetGroupArns: [tg.arn],
      healthCheckType: "ELB",
      launchTemplate: { id: lt.id, version: lt.latestVersion.apply(String) },
      instanceRefresh: {
        strategy: "Rolling",
        preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, checkpointPercentages: [50, 100], instanceWarmup: "120" },
      },
      ...opts.group?.(t),
    });
    if (opts.policy !== null) {
      new aws.autoscaling.Policy("requests", {
        autoscalingGroupName: group.name,
        policyType: "TargetTrackingScaling",
        targetTrackingConfiguration: {
          targetValue: 100,
          predefinedMetricSpecification: {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: pulumi.interpolate`${lb.arnSuffix}/${tg.arnSuffix}`,
          },
        },
        ...opts.policy?.({ ...t, group }),
      });
    }
    opts.extra?.({ ...t, group });
  };
}

/** A statement letting EventBridge publish to the topic, limited to the rule (confused-deputy condition). */
function eventsStatement(topic: aws.sns.Topic, ruleArn: pulumi.Input<string>) {
  return {
    Sid: "RefreshEventsPublish",
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: "SNS:Publish",
    Resource: topic.arn,
    Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
  };
}

interface AlertOptions {
  /** The topic policy's statements, from the topic and the rule; null for no TopicPolicy. */
  statements?: ((topic: aws.sns.Topic, rule: aws.cloudwatch.EventRule) => Record<string, unknown>[]) | null;
  /** Key for the topic: a customer key with EventBridge in its policy (default), one without, or a key id string. */
  key?: "events" | "no-events" | string;
}

/** Auto Scaling events into an encrypted SNS topic: the monitoring package's refresh alerts. */
function alerts(opts: AlertOptions = {}) {
  return () => {
    const keyStatements: Record<string, unknown>[] = [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
    ];
    if ((opts.key ?? "events") === "events") {
      keyStatements.push({
        Sid: "EventBridgeRulesPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": ACCOUNT },
          ArnLike: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT}:rule/*` },
        },
      });
    }
    const key =
      opts.key === undefined || opts.key === "events" || opts.key === "no-events"
        ? new aws.kms.Key("alarms", { policy: JSON.stringify({ Version: "2012-10-17", Statement: keyStatements }) }).arn
        : opts.key;
    const topic = new aws.sns.Topic("alarms", { kmsMasterKeyId: key });
    const rule = new aws.cloudwatch.EventRule("refresh", {
      eventPattern: JSON.stringify({ source: ["aws.autoscaling"], "detail-type": ["EC2 Auto Scaling Instance Refresh Failed"] }),
    });
    const statements =
      opts.statements === undefined ? (tp: aws.sns.Topic, r: aws.cloudwatch.EventRule) => [eventsStatement(tp, r.arn)] : opts.statements;
    const policy =
      statements === null
        ? undefined
        : new aws.sns.TopicPolicy("alarms", {
            arn: topic.arn,
            policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements(topic, rule) }),
          });
    new aws.cloudwatch.EventTarget("refresh", { rule: rule.name, arn: topic.arn }, { dependsOn: policy ? [policy] : [] });
  };
}

describe("AWS Auto Scaling rules", () => {
  it("stays quiet on the web servers as an Auto Scaling group: template, group, refresh, policy, events into an encrypted topic", async () => {
    const { rules, g } = await fired(() => {
      tier()();
      alerts()();
    });
    assert.deepEqual(rules, []);
    assert.equal(g.ofType("aws:autoscaling/group:Group").length, 1);
    assert.equal(g.ofType("aws:cloudwatch/eventTarget:EventTarget").length, 1);
  });

  describe("asg-instance-refresh-version", () => {
    it("fails when the group refreshes on a $Latest template version", async () => {
      const { rules, g } = await fired(tier({ group: ({ lt }) => ({ launchTemplate: { id: lt.id, version: "$Latest" } }) }));
      assert.deepEqual(rules, ["asg-instance-refresh-version"]);
      assert.match(
        messages(g, "asg-instance-refresh-version"),
        /^launchTemplate\.version is \$Latest: a new template version leaves the group's launch template unchanged, so instanceRefresh never starts .* Set version to the template's latestVersion/,
      );
    });

    it("fails when the version is unset, which is $Default", async () => {
      const { rules, g } = await fired(tier({ group: ({ lt }) => ({ launchTemplate: { id: lt.id } }) }));
      assert.deepEqual(rules, ["asg-instance-refresh-version"]);
      assert.match(messages(g, "asg-instance-refresh-version"), /^launchTemplate\.version is unset \(\$Default\)/);
    });

    it("fails when the mixed instances policy's template is $Default", async () => {
      const { rules, g } = await fired(
        tier({
          group: ({ lt }) => ({
            launchTemplate: undefined,
            mixedInstancesPolicy: {
              launchTemplate: {
                launchTemplateSpecification: { launchTemplateId: lt.id, version: "$Default" },
                overrides: [{ instanceType: "t4g.micro" }, { instanceType: "t4g.small" }],
              },
            },
          }),
        }),
      );
      assert.deepEqual(rules, ["asg-instance-refresh-version"]);
      assert.match(
        messages(g, "asg-instance-refresh-version"),
        /^mixedInstancesPolicy\.launchTemplate\.launchTemplateSpecification\.version is \$Default/,
      );
    });

    it("stays quiet for the template's latestVersion, and for $Latest without an instance refresh", async () => {
      assert.deepEqual((await fired(tier())).rules, []);
      const { rules } = await fired(
        tier({ group: ({ lt }) => ({ launchTemplate: { id: lt.id, version: "$Latest" }, instanceRefresh: undefined }) }),
      );
      assert.deepEqual(rules, []);
    });
  });

  describe("asg-capacity", () => {
    it("fails when the desired capacity is above the maximum", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ desiredCapacity: 5 }) }));
      assert.deepEqual(rules, ["asg-capacity"]);
      assert.equal(
        messages(g, "asg-capacity"),
        "ValidationError: Desired capacity:5 must be between the specified min size:2 and max size:4",
      );
    });

    it("fails when the minimum is above the maximum", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ minSize: 5, desiredCapacity: undefined }) }));
      assert.deepEqual(rules, ["asg-capacity"]);
      assert.match(messages(g, "asg-capacity"), /^ValidationError: Max bound, 4, must be greater than or equal to min bound, 5/);
    });

    it("fails when a size is negative", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ minSize: -1 }) }));
      assert.deepEqual(rules, ["asg-capacity"]);
      assert.equal(messages(g, "asg-capacity"), "minSize -1 must be a whole number of instances, 0 or more");
    });

    it("stays quiet at the bounds: desired equal to min or max, and an empty group", async () => {
      for (const group of [{ desiredCapacity: 2 }, { desiredCapacity: 4 }, { minSize: 0, maxSize: 0, desiredCapacity: 0 }]) {
        const { rules } = await fired(tier({ group: () => group, policy: null }));
        assert.deepEqual(rules, [], JSON.stringify(group));
      }
    });
  });

  describe("asg-instance-refresh-preferences", () => {
    const refresh = (preferences: aws.types.input.autoscaling.GroupInstanceRefreshPreferences, strategy = "Rolling") =>
      tier({ group: () => ({ instanceRefresh: { strategy, preferences } }) });

    it("fails when the healthy percentages are out of range", async () => {
      const { rules, g } = await fired(refresh({ minHealthyPercentage: 101, maxHealthyPercentage: 201 }));
      assert.deepEqual(rules, ["asg-instance-refresh-preferences"]);
      assert.equal(
        messages(g, "asg-instance-refresh-preferences"),
        [
          "instanceRefresh.preferences.minHealthyPercentage 101 is outside 0–100",
          "instanceRefresh.preferences.maxHealthyPercentage 201 is outside 100–200",
        ].join("\n"),
      );
    });

    it("fails when the maximum is more than 100 above the provider's default minimum of 90", async () => {
      const { rules, g } = await fired(refresh({ maxHealthyPercentage: 200 }));
      assert.deepEqual(rules, ["asg-instance-refresh-preferences"]);
      assert.match(
        messages(g, "asg-instance-refresh-preferences"),
        /maxHealthyPercentage 200 and minHealthyPercentage 90 \(the provider's default\) are 110 apart; StartInstanceRefresh allows at most 100\. Raise minHealthyPercentage to at least 100$/,
      );
    });

    it("fails when the strategy is not Rolling", async () => {
      const { rules, g } = await fired(refresh({}, "BlueGreen"));
      assert.deepEqual(rules, ["asg-instance-refresh-preferences"]);
      assert.equal(
        messages(g, "asg-instance-refresh-preferences"),
        'instanceRefresh.strategy "BlueGreen" is not a refresh strategy; the only one is "Rolling"',
      );
    });

    it("fails when the checkpoints are not ascending, or stop short of 100", async () => {
      let r = await fired(refresh({ checkpointPercentages: [50, 30, 100] }));
      assert.deepEqual(r.rules, ["asg-instance-refresh-preferences"]);
      assert.match(messages(r.g, "asg-instance-refresh-preferences"), /checkpointPercentages \[50, 30, 100\] must be unique and ascending/);
      r = await fired(refresh({ checkpointPercentages: [25, 50] }));
      assert.deepEqual(r.rules, ["asg-instance-refresh-preferences"]);
      assert.match(
        messages(r.g, "asg-instance-refresh-preferences"),
        /\[25, 50\] ends at 50: the refresh stops there .* End the list with 100$/,
      );
    });

    it("stays quiet at the bounds: 0/100, 100/200, and no preferences at all", async () => {
      for (const preferences of [
        { minHealthyPercentage: 0, maxHealthyPercentage: 100 },
        { minHealthyPercentage: 100, maxHealthyPercentage: 200 },
        {},
      ]) {
        const { rules } = await fired(refresh({ ...preferences, checkpointPercentages: [100] }));
        assert.deepEqual(rules, [], JSON.stringify(preferences));
      }
    });
  });

  describe("launch-template-user-data", () => {
    it("fails when userData is a plain script, not base64", async () => {
      const { rules, g } = await fired(tier({ template: { userData: "#!/bin/bash\ndnf install -y nginx\n" } }));
      assert.deepEqual(rules, ["launch-template-user-data"]);
      assert.match(
        messages(g, "launch-template-user-data"),
        /^InvalidUserData\.Malformed: userData "#!\/bin\/bash\\ndnf install "… is not base64\. .*Buffer\.from\(script, "utf8"\)\.toString\("base64"\)$/,
      );
    });

    it("fails when the decoded script is over 16 KiB", async () => {
      const { rules, g } = await fired(tier({ template: { userData: Buffer.alloc(16 * 1024 + 1, "a").toString("base64") } }));
      assert.deepEqual(rules, ["launch-template-user-data"]);
      assert.match(messages(g, "launch-template-user-data"), /^userData is 16385 bytes decoded; EC2 allows 16384 \(16 KiB\)/);
    });

    it("stays quiet for base64 broken into lines, which the provider's decoder accepts", async () => {
      const wrapped = BOOT.match(/.{1,16}/g)!.join("\n");
      assert.ok(wrapped.includes("\n"));
      assert.deepEqual((await fired(tier({ template: { userData: wrapped } }))).rules, []);
    });

    it("stays quiet for base64 of exactly 16 KiB, and for a template without user data", async () => {
      assert.deepEqual((await fired(tier({ template: { userData: Buffer.alloc(16 * 1024, "a").toString("base64") } }))).rules, []);
      assert.deepEqual((await fired(tier({ template: { userData: undefined } }))).rules, []);
    });
  });

  describe("asg-launch-source", () => {
    it("fails when a group names no launch template, configuration or mixed instances policy", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ launchTemplate: undefined }) }));
      assert.deepEqual(rules, ["asg-launch-source"]);
      assert.match(
        messages(g, "asg-launch-source"),
        /exactly one of launchConfiguration, launchTemplate, mixedInstancesPolicy must be given, got none/,
      );
    });

    it("fails when a group has both a launch template and a launch configuration", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ launchConfiguration: "legacy-config" }) }));
      assert.deepEqual(rules, ["asg-launch-source"]);
      assert.match(messages(g, "asg-launch-source"), /got launchConfiguration, launchTemplate\./);
    });

    it("fails when the launch template is named by id and by name", async () => {
      const { rules, g } = await fired(
        tier({ group: (t) => ({ launchTemplate: { id: t.lt.id, name: t.lt.name, version: t.lt.latestVersion.apply(String) } }) }),
      );
      assert.deepEqual(rules, ["asg-launch-source"]);
      assert.match(messages(g, "asg-launch-source"), /launchTemplate\.id conflicts with launchTemplate\.name/);
    });
  });

  describe("asg-refresh-auto-rollback", () => {
    it("fails when a refresh of a launch template version has autoRollback on: the provider moves the group first (#34189)", async () => {
      const { rules, g } = await fired(
        tier({
          group: (t) => ({
            launchTemplate: { id: t.lt.id, version: t.lt.latestVersion.apply(String) },
            instanceRefresh: {
              strategy: "Rolling",
              preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, autoRollback: true },
            },
          }),
        }),
      );
      assert.deepEqual(rules, ["asg-refresh-auto-rollback"]);
      assert.deepEqual(subjects(g, "asg-refresh-auto-rollback"), ["web"]);
      assert.match(
        messages(g, "asg-refresh-auto-rollback"),
        /restores the new version .*terraform-provider-aws#34189\)\. Set autoRollback to false/,
      );
    });

    it("stays quiet with autoRollback off or unset", async () => {
      const preferences = { minHealthyPercentage: 100, maxHealthyPercentage: 200, autoRollback: false };
      assert.deepEqual((await fired(tier({ group: () => ({ instanceRefresh: { strategy: "Rolling", preferences } }) }))).rules, []);
      assert.deepEqual((await fired(tier())).rules, []);
    });
  });

  describe("asg-zones-or-subnets", () => {
    it("fails when a group is given both availabilityZones and vpcZoneIdentifiers", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ availabilityZones: ["us-east-1a", "us-east-1b"] }) }));
      assert.deepEqual(rules, ["asg-zones-or-subnets"]);
      assert.match(
        messages(g, "asg-zones-or-subnets"),
        /^Conflicting configuration arguments: "availabilityZones": conflicts with vpcZoneIdentifiers/,
      );
    });

    it("fails when a group has neither", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ vpcZoneIdentifiers: undefined }) }));
      assert.deepEqual(rules, ["asg-zones-or-subnets"]);
      assert.match(messages(g, "asg-zones-or-subnets"), /^ValidationError: At least one Availability Zone or VPC Subnet is required/);
    });

    it("stays quiet for subnets only, and for zones only", async () => {
      assert.deepEqual((await fired(tier())).rules, []);
      const zonesOnly = tier({ group: () => ({ vpcZoneIdentifiers: undefined, availabilityZones: ["us-east-1a"] }) });
      assert.deepEqual((await fired(zonesOnly)).rules, []);
    });
  });

  describe("asg-target-groups", () => {
    it("fails when the target group is in another VPC than the group's subnets", async () => {
      const other = () => new aws.ec2.Vpc("other", { cidrBlock: "10.9.0.0/16" }).id;
      const { rules, g } = await fired(tier({ targetGroup: { vpcId: other() } }));
      assert.deepEqual(rules, ["asg-target-groups"]);
      assert.match(
        messages(g, "asg-target-groups"),
        /^target group web is in VPC vpc-0[0-9a-f]{16}, the group's subnets in vpc-0[0-9a-f]{16}: its instances could never register/,
      );
    });

    it("fails when the target group's targets are IP addresses", async () => {
      const { rules, g } = await fired(tier({ targetGroup: { targetType: "ip" } }));
      assert.deepEqual(rules, ["asg-target-groups"]);
      assert.match(
        messages(g, "asg-target-groups"),
        /^ValidationError: target group web has target type ip; .* need targetType "instance"$/,
      );
    });

    it("fails when the subnets span two VPCs", async () => {
      const { rules, g } = await fired(
        tier({
          group: ({ net }) => {
            const other = network("other", 9);
            return { vpcZoneIdentifiers: [net.a.id, other.b.id], targetGroupArns: [], healthCheckType: "EC2" };
          },
          policy: null,
        }),
      );
      assert.deepEqual(rules, ["asg-target-groups"]);
      assert.match(messages(g, "asg-target-groups"), /^vpcZoneIdentifiers span 2 VPCs/);
    });

    it("fails for a target group attached by an aws.autoscaling.Attachment", async () => {
      const { rules, g } = await fired(
        tier({
          group: () => ({ targetGroupArns: [] }),
          policy: null,
          extra: ({ group, net }) => {
            const ipTargets = new aws.lb.TargetGroup("ips", { port: 80, protocol: "HTTP", vpcId: net.vpc.id, targetType: "ip" });
            new aws.autoscaling.Attachment("web", { autoscalingGroupName: group.name, lbTargetGroupArn: ipTargets.arn });
          },
        }),
      );
      assert.deepEqual(rules, ["asg-target-groups"]);
      assert.deepEqual(subjects(g, "asg-target-groups"), ["web"]);
      assert.match(messages(g, "asg-target-groups"), /target group ips has target type ip/);
    });

    it("stays quiet for an instance target group of the subnets' VPC, given inline or by attachment", async () => {
      assert.deepEqual((await fired(tier())).rules, []);
      const attached = tier({
        group: () => ({ targetGroupArns: [] }),
        extra: ({ group, tg }) => {
          new aws.autoscaling.Attachment("web", { autoscalingGroupName: group.name, lbTargetGroupArn: tg.arn });
        },
        policy: null,
      });
      assert.deepEqual((await fired(attached)).rules, []);
    });
  });

  describe("asg-health-check-type", () => {
    it("fails when the ELB health check has no load balancer to ask", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ targetGroupArns: [] }), policy: null }));
      assert.deepEqual(rules, ["asg-health-check-type"]);
      assert.match(
        messages(g, "asg-health-check-type"),
        /^healthCheckType "ELB" with no targetGroupArns, loadBalancers or ELB traffic source: the ELB health check has nothing to ask/,
      );
    });

    it("fails when the health check type is not one Auto Scaling knows", async () => {
      const { rules, g } = await fired(tier({ group: () => ({ healthCheckType: "HTTP" }) }));
      assert.deepEqual(rules, ["asg-health-check-type"]);
      assert.match(
        messages(g, "asg-health-check-type"),
        /^healthCheckType "HTTP" is not a health check type; use EC2, EBS, ELB or VPC_LATTICE/,
      );
    });

    it("stays quiet for ELB with a target group attached by aws.autoscaling.Attachment, and for EC2,EBS without one", async () => {
      const attached = tier({
        group: () => ({ targetGroupArns: [] }),
        extra: ({ group, tg }) => {
          new aws.autoscaling.Attachment("web", { autoscalingGroupName: group.name, lbTargetGroupArn: tg.arn });
        },
        policy: null,
      });
      assert.deepEqual((await fired(attached)).rules, []);
      assert.deepEqual((await fired(tier({ group: () => ({ targetGroupArns: [], healthCheckType: "EC2,EBS" }), policy: null }))).rules, []);
    });
  });

  describe("launch-template-metadata-options", () => {
    it("fails when the hop limit is above 64 and httpTokens is not optional or required", async () => {
      const { rules, g } = await fired(tier({ template: { metadataOptions: { httpPutResponseHopLimit: 65, httpTokens: "mandatory" } } }));
      assert.deepEqual(rules, ["launch-template-metadata-options"]);
      assert.equal(
        messages(g, "launch-template-metadata-options"),
        [
          "metadataOptions.httpPutResponseHopLimit 65 is outside 1–64",
          'metadataOptions.httpTokens "mandatory" is not one of "optional", "required"',
        ].join("\n"),
      );
    });

    it("stays quiet at a hop limit of 1 and 64 with optional or required tokens", async () => {
      for (const metadataOptions of [
        { httpPutResponseHopLimit: 64, httpTokens: "optional" },
        { httpPutResponseHopLimit: 1, httpTokens: "required" },
      ]) {
        assert.deepEqual((await fired(tier({ template: { metadataOptions } }))).rules, [], JSON.stringify(metadataOptions));
      }
    });
  });

  describe("scaling-policy-target-tracking", () => {
    const tracking = (
      f: (t: Tier & { group: aws.autoscaling.Group }) => aws.types.input.autoscaling.PolicyTargetTrackingConfiguration,
      extra?: TierOptions["extra"],
    ) => tier({ policy: (t) => ({ targetTrackingConfiguration: f(t) }), extra });

    it("fails when ALBRequestCountPerTarget has no resourceLabel", async () => {
      const { rules, g } = await fired(
        tracking(() => ({ targetValue: 100, predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget" } })),
      );
      assert.deepEqual(rules, ["scaling-policy-target-tracking"]);
      assert.match(
        messages(g, "scaling-policy-target-tracking"),
        /^ALBRequestCountPerTarget needs resourceLabel \(app\/<lb-name>\/<lb-id>\/targetgroup\/<tg-name>\/<tg-id>\)/,
      );
    });

    it("fails when the label is built from the ARNs instead of the arnSuffix outputs", async () => {
      const { rules, g } = await fired(
        tracking(({ lb, tg }) => ({
          targetValue: 100,
          predefinedMetricSpecification: {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: pulumi.interpolate`${lb.arn}/${tg.arn}`,
          },
        })),
      );
      assert.deepEqual(rules, ["scaling-policy-target-tracking"]);
      assert.match(
        messages(g, "scaling-policy-target-tracking"),
        /^resourceLabel "arn:aws:elasticloadbalancing:.*" is not app\/.*: build it from the load balancer's and target group's arnSuffix outputs/,
      );
    });

    it("fails when the labelled target group is not attached to the group", async () => {
      const { rules, g } = await fired(
        tracking(({ lb, net }) => {
          const other = new aws.lb.TargetGroup("other", { port: 8080, protocol: "HTTP", vpcId: net.vpc.id });
          return {
            targetValue: 100,
            predefinedMetricSpecification: {
              predefinedMetricType: "ALBRequestCountPerTarget",
              resourceLabel: pulumi.interpolate`${lb.arnSuffix}/${other.arnSuffix}`,
            },
          };
        }),
      );
      assert.deepEqual(rules, ["scaling-policy-target-tracking"]);
      assert.match(
        messages(g, "scaling-policy-target-tracking"),
        /^target group other is not attached to group web: You can't specify a resource label unless the target group is attached/,
      );
    });

    it("fails when the label names a load balancer the program does not have, and the target is 0", async () => {
      const { rules, g } = await fired(
        tracking(({ tg }) => ({
          targetValue: 0,
          predefinedMetricSpecification: {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: pulumi.interpolate`app/gone/0123456789abcdef/${tg.arnSuffix}`,
          },
        })),
      );
      assert.deepEqual(rules, ["scaling-policy-target-tracking"]);
      const text = messages(g, "scaling-policy-target-tracking");
      assert.match(text, /^targetTrackingConfiguration\.targetValue 0 must be greater than 0/);
      assert.match(
        text,
        /resourceLabel names load balancer app\/gone\/0123456789abcdef, which is none of this program's \(app\/alb-[0-9a-f]{7}\/[0-9a-f]{16}\)/,
      );
    });

    it("stays quiet for the arnSuffix label of an attached target group, and for CPU tracking without a label", async () => {
      assert.deepEqual((await fired(tier())).rules, []);
      const cpu = tracking(() => ({
        targetValue: 50,
        predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
      }));
      assert.deepEqual((await fired(cpu)).rules, []);
    });
  });

  describe("event-target-sns-policy", () => {
    it("fails when the topic keeps its default policy", async () => {
      const { rules, g } = await fired(alerts({ statements: null }));
      assert.deepEqual(rules, ["event-target-sns-policy"]);
      assert.deepEqual(subjects(g, "event-target-sns-policy"), ["refresh"]);
      assert.match(
        messages(g, "event-target-sns-policy"),
        /^topic alarms keeps its default policy, .* allow Service events\.amazonaws\.com "sns:Publish" on arn:aws:sns:us-east-1:123456789012:alarms-[0-9a-f]{7}/,
      );
    });

    it("fails when the policy lets only CloudWatch alarms publish", async () => {
      const { rules, g } = await fired(
        alerts({
          statements: (topic) => [
            { Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: "sns:Publish", Resource: topic.arn },
          ],
        }),
      );
      assert.deepEqual(rules, ["event-target-sns-policy"]);
      assert.match(
        messages(g, "event-target-sns-policy"),
        /^the policy of topic alarms does not let rule refresh publish \(events\.amazonaws\.com, sns:Publish\)/,
      );
    });

    it("fails when the policy's SourceArn condition names another rule", async () => {
      const { rules } = await fired(
        alerts({ statements: (topic) => [eventsStatement(topic, `arn:aws:events:us-east-1:${ACCOUNT}:rule/someone-else`)] }),
      );
      assert.deepEqual(rules, ["event-target-sns-policy"]);
    });

    it("fails when the topic's key does not let EventBridge use it, or is the AWS managed key", async () => {
      let r = await fired(alerts({ key: "no-events" }));
      assert.deepEqual(r.rules, ["event-target-sns-policy"]);
      assert.match(
        messages(r.g, "event-target-sns-policy"),
        /^topic alarms is encrypted with key alarms, whose policy does not let events\.amazonaws\.com kms:GenerateDataKey and kms:Decrypt/,
      );
      r = await fired(alerts({ key: "alias/aws/sns" }));
      assert.deepEqual(r.rules, ["event-target-sns-policy"]);
      assert.match(messages(r.g, "event-target-sns-policy"), /encrypted with the AWS managed key alias\/aws\/sns/);
    });

    it("stays quiet for a policy limited to the rule's ARN, a wildcard principal limited to the account, and an unencrypted topic", async () => {
      assert.deepEqual((await fired(alerts())).rules, []);
      const anyone = alerts({
        key: "",
        statements: (topic) => [
          {
            Effect: "Allow",
            Principal: "*",
            Action: ["sns:Publish"],
            Resource: topic.arn,
            Condition: { StringEquals: { "AWS:SourceAccount": ACCOUNT } },
          },
        ],
      });
      assert.deepEqual((await fired(anyone)).rules, []);
    });
  });

  describe("physical-name-limits for the new types", () => {
    it("fails when an auto-named EventBridge rule passes 64 characters or a launch template name has a space", async () => {
      const { rules, g } = await fired(() => {
        new aws.cloudwatch.EventRule("r".repeat(57), { scheduleExpression: "rate(5 minutes)" });
        new aws.ec2.LaunchTemplate("lt", { name: "web servers" });
      });
      assert.deepEqual(rules, ["physical-name-limits"]);
      const text = messages(g, "physical-name-limits");
      assert.match(
        text,
        /EventBridge rule name "r{57}-[0-9a-f]{7}" \(auto-named from logical name "r{57}"\) is 65 characters; the limit is 64/,
      );
      assert.match(text, /launch template name "web servers" \(given\) has characters the service refuses/);
    });

    it("fails when a launch template name passes the provider's 125 characters", async () => {
      const { rules, g } = await fired(() => void new aws.ec2.LaunchTemplate("lt", { name: "w".repeat(126) }));
      assert.deepEqual(rules, ["physical-name-limits"]);
      assert.match(messages(g, "physical-name-limits"), /launch template name "w{126}" \(given\) is 126 characters; the limit is 125/);
    });

    it("stays quiet at 56 characters of logical name (56 + 8 = 64) and template names of 3 and 125 characters", async () => {
      const { rules } = await fired(() => {
        new aws.cloudwatch.EventRule("r".repeat(56), { scheduleExpression: "rate(5 minutes)" });
        new aws.ec2.LaunchTemplate("lt", { name: "web" });
        new aws.ec2.LaunchTemplate("long", { name: "w".repeat(125) });
      });
      assert.deepEqual(rules, []);
    });
  });
});
