import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ValidationError } from "@web-infra/core";
import { CapturedResource, registeredBefore, runProgram, RunResult } from "@web-infra/testing";
import { DEFAULT_THRESHOLDS, Monitoring, MonitoringArgs, Thresholds } from "../src";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const KEY = "aws:kms/key:Key";
const COMPONENT = "web-infra:monitoring:Monitoring";
const TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TARGET = "aws:cloudwatch/eventTarget:EventTarget";
/** The alarm on the topic's own failed deliveries: 5-minute period, one datapoint, and an OpsItem besides the topic. */
const TOPIC_ALARM = "mon-topic-notifications-failed";
const OPSITEM = "arn:aws:ssm:us-east-1:123456789012:opsitem:2#CATEGORY=Availability";

type Extra = Partial<MonitoringArgs>;

/**
 * The monitored resources, created for real in the program so every alarm dimension names
 * something of the graph (the harness rejects alarms on resources that do not exist): an ALB
 * and target group in 2 AZs, `servers` web servers, a MySQL primary and `replicas` replicas.
 */
function run(
  extra: Extra = {},
  shape: { servers?: number; replicas?: number; name?: string } = {},
  options: { stack: string; project?: string } = { stack: "test" },
): Promise<RunResult> {
  return runProgram(() => {
    const vpc = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" });
    const subnets = ["us-east-1a", "us-east-1b"].map(
      (az, i) => new aws.ec2.Subnet(`net-${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: az }),
    );
    const lb = new aws.lb.LoadBalancer("web-alb", { loadBalancerType: "application", subnets: subnets.map((s) => s.id) });
    const tg = new aws.lb.TargetGroup("web-app", { vpcId: vpc.id, port: 8080, protocol: "HTTP", targetType: "instance" });
    // The servers publish what Monitoring is told they do (the harness checks alarm periods against it).
    const template = new aws.ec2.LaunchTemplate("web-server", {
      imageId: "ami-05b4ded3ceb71e470",
      instanceType: "t4g.micro",
      monitoring: { enabled: extra.detailedMonitoring !== false },
    });
    const group = new aws.autoscaling.Group("web-servers", {
      vpcZoneIdentifiers: subnets.map((s) => s.id),
      minSize: shape.servers ?? 2,
      maxSize: 2 * (shape.servers ?? 2),
      launchTemplate: { id: template.id, version: pulumi.interpolate`${template.latestVersion}` },
      targetGroupArns: [tg.arn],
      healthCheckType: "ELB",
    });
    const primary = new aws.rds.Instance("db-primary", {
      identifier: "db-primary-abc123",
      engine: "mysql",
      engineVersion: "8.4",
      instanceClass: "db.t4g.micro",
      allocatedStorage: 20,
      backupRetentionPeriod: 1,
      skipFinalSnapshot: true,
    });
    const replicas = [...Array(shape.replicas ?? 1).keys()].map(
      (i) =>
        new aws.rds.Instance(`db-replica-${i}`, {
          identifier: `db-replica-${i}-abc123`,
          replicateSourceDb: primary.arn,
          instanceClass: "db.t4g.micro",
        }),
    );
    const mon = new Monitoring(shape.name ?? "mon", {
      loadBalancerArnSuffix: lb.arnSuffix,
      targetGroupArnSuffix: tg.arnSuffix,
      autoScalingGroupName: group.name,
      minServers: shape.servers ?? 2,
      primaryIdentifier: primary.identifier,
      replicaIdentifiers: replicas.map((r) => r.identifier),
      ...extra,
    });
    return {
      alarms: mon.alarms.map((a) => a.name),
      refreshAlarms: mon.refreshAlarms.map((a) => a.name),
      topicArn: mon.topicArn,
      ...(mon.dashboardUrl ? { url: mon.dashboardUrl } : {}),
    };
  }, options);
}

/** Literal inputs: bad arguments must fail before anything, so nothing else needs to exist. */
const LITERAL: MonitoringArgs = {
  loadBalancerArnSuffix: "app/web-alb-1234567/0123456789abcdef",
  targetGroupArnSuffix: "targetgroup/web-app-1234567/0123456789abcdef",
  autoScalingGroupName: "web-servers-1234567",
  minServers: 2,
  primaryIdentifier: "db-primary-abc123",
  replicaIdentifiers: ["db-replica-0-abc123"],
};

async function invalid(extra: Extra, name = "mon"): Promise<ValidationError> {
  const err = await runProgram(
    () => {
      new Monitoring(name, { ...LITERAL, ...extra });
    },
    { stack: "test" },
  ).catch((e: unknown) => e);
  assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
  assert.deepEqual(
    registeredBefore(err).map((r) => r.type),
    ["pulumi:pulumi:Stack"],
    "nothing but the stack may be registered",
  );
  return err;
}

const problemKeys = async (extra: Extra, name?: string) => (await invalid(extra, name)).problems.map((p) => p.key);

/** What defines an alarm, without its description and actions. */
const view = (a: CapturedResource) => ({
  namespace: a.inputs["namespace"],
  metricName: a.inputs["metricName"],
  dimensions: a.inputs["dimensions"],
  stat: a.inputs["statistic"] ?? a.inputs["extendedStatistic"],
  comparison: a.inputs["comparisonOperator"],
  threshold: a.inputs["threshold"],
  missing: a.inputs["treatMissingData"],
});

type Widget = {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title: string; region: string; period: number; metrics: unknown[][]; annotations?: { horizontal: { value: number }[] } };
};

const widgetsOf = (g: RunResult): Widget[] =>
  (JSON.parse(String(g.get(DASHBOARD, "mon").inputs["dashboardBody"])) as { widgets: Widget[] }).widgets;

describe("Monitoring", () => {
  describe("defaults: 2 servers, a primary and 1 replica", () => {
    let g: RunResult;
    let lb: string;
    let tg: string;
    let group: string;
    let topicArn: string;
    const alarm = (name: string) => g.get(ALARM, name);
    before(async () => {
      g = await run();
      lb = String(g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb").state["arnSuffix"]);
      tg = String(g.get("aws:lb/targetGroup:TargetGroup", "web-app").state["arnSuffix"]);
      group = String(g.get("aws:autoscaling/group:Group", "web-servers").state["name"]);
      topicArn = String(g.get(TOPIC, "mon-alarms").state["arn"]);
    });

    it("creates exactly the expected resources: a key, a topic and its policy, 6 + 2 + 4×2 + 2×1 + 1 = 19 alarms, a refresh event rule and a dashboard", () => {
      const counts: Record<string, number> = {};
      for (const r of g.descendants(g.get(COMPONENT, "mon").urn)) counts[r.type] = (counts[r.type] ?? 0) + 1;
      assert.deepEqual(counts, { [KEY]: 1, [TOPIC]: 1, [TOPIC_POLICY]: 1, [ALARM]: 19, [RULE]: 1, [TARGET]: 1, [DASHBOARD]: 1 });
      assert.ok(g.descendants(g.get(COMPONENT, "mon").urn).every((r) => r.parent === g.get(COMPONENT, "mon").urn));
    });

    it("names every alarm <name>-<target>-<metric> within 60 characters and leaves the physical name generated", () => {
      const names = g.outputs["alarms"] as string[];
      assert.deepEqual(names, [
        "mon-alb-elb-5xx",
        "mon-alb-target-5xx",
        "mon-alb-unhealthy-hosts",
        "mon-alb-healthy-hosts",
        "mon-alb-response-time-p95",
        "mon-alb-rejected-connections",
        "mon-servers-in-service",
        "mon-servers-cpu",
        "mon-db-primary-cpu",
        "mon-db-primary-free-storage",
        "mon-db-primary-freeable-memory",
        "mon-db-primary-connections",
        "mon-db-replica-0-cpu",
        "mon-db-replica-0-free-storage",
        "mon-db-replica-0-freeable-memory",
        "mon-db-replica-0-connections",
        "mon-db-replica-0-replica-lag",
        "mon-db-replica-0-replication-broken",
        "mon-topic-notifications-failed",
      ]);
      assert.deepEqual(
        g
          .ofType(ALARM)
          .map((a) => a.name)
          .sort(),
        [...names].sort(),
        "the public alarms field lists every alarm registered",
      );
      for (const a of g.ofType(ALARM)) {
        assert.ok(a.name.length <= 60, a.name);
        assert.equal(a.inputs["name"], undefined, `${a.name} must not pin a physical name`);
        assert.match(String(a.state["name"]), new RegExp(`^${a.name}-[0-9a-f]{7}$`));
      }
    });

    it("sends every alarm to the topic on ALARM and OK, with actions on, one-minute periods and 3 of 3 datapoints (the topic's alarm aside)", () => {
      for (const a of g.ofType(ALARM)) {
        const i = a.inputs;
        assert.equal(i["actionsEnabled"], true, a.name);
        assert.ok((i["alarmActions"] as string[]).includes(topicArn), a.name);
        assert.deepEqual(i["okActions"], [topicArn], a.name);
        assert.equal(i["insufficientDataActions"], undefined, a.name);
        const [period, evaluations] = a.name === TOPIC_ALARM ? [300, 1] : [60, 3];
        assert.equal(i["period"], period, a.name);
        assert.equal(i["evaluationPeriods"], evaluations, a.name);
        assert.equal(i["datapointsToAlarm"], evaluations, a.name);
        assert.ok(["breaching", "notBreaching", "missing"].includes(String(i["treatMissingData"])), a.name);
        assert.ok(String(i["alarmDescription"]).length <= 1024, a.name);
      }
    });

    it("offers the target group's unhealthy-hosts and server-5XX alarms as the ones that stop an instance refresh", () => {
      assert.deepEqual(g.outputs["refreshAlarms"], [
        alarm("mon-alb-target-5xx").state["name"],
        alarm("mon-alb-unhealthy-hosts").state["name"],
      ]);
    });

    it("sends every alarm to the topic only: the group replaces failed servers, so no EC2 recover action is left", () => {
      for (const a of g.ofType(ALARM).filter((x) => x.name !== TOPIC_ALARM)) assert.deepEqual(a.inputs["alarmActions"], [topicArn], a.name);
    });

    it("alarms on the topic's own failed deliveries, to the topic (other addresses still work) and to an OpsItem that needs no topic", () => {
      const topic = g.get(TOPIC, "mon-alarms");
      assert.deepEqual(view(alarm(TOPIC_ALARM)), {
        namespace: "AWS/SNS",
        metricName: "NumberOfNotificationsFailed",
        dimensions: { TopicName: topic.state["name"] },
        stat: "Sum",
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        missing: "notBreaching",
      });
      const i = alarm(TOPIC_ALARM).inputs;
      assert.deepEqual([i["period"], i["evaluationPeriods"], i["datapointsToAlarm"]], [300, 1, 1]);
      assert.deepEqual(i["alarmActions"], [topicArn, OPSITEM]);
      assert.deepEqual(i["okActions"], [topicArn], "an OpsItem is opened on ALARM only");
      assert.match(
        String(i["alarmDescription"]),
        /^mon: notifications the alarm topic failed to deliver were at or above 1 \(NumberOfNotificationsFailed Sum per 300 s\) in 1 consecutive period\(s\) of 300 s\. .*list-subscriptions-by-topic.*OpsItem/,
      );
    });

    it("states treatMissingData for every alarm on purpose, each with its reason", () => {
      const SAME_RDS =
        "RDS publishes every minute while the instance is available; silence is a stop, reboot or replacement, which RDS events report";
      /** Logical name without the component's `mon-`, replica numbers as `<i>`: treatMissingData and why. */
      const TABLE: Record<string, [string, string]> = {
        "alb-elb-5xx": ["notBreaching", "the ALB publishes count metrics only for minutes with a non-zero count"],
        "alb-target-5xx": ["notBreaching", "published only for minutes in which a server returned a 5XX"],
        "alb-unhealthy-hosts": ["notBreaching", "a silent target group is the healthy-hosts alarm's to report; one cause, one page"],
        "alb-healthy-hosts": ["breaching", "reported every minute while the target group is attached: silence means it serves no server"],
        "alb-response-time-p95": ["notBreaching", "published only for minutes with requests: no requests, no slow requests"],
        "alb-rejected-connections": ["notBreaching", "published only when the ALB refused a connection"],
        "servers-in-service": ["breaching", "group metrics are published every minute; silence means the group is gone"],
        "servers-cpu": ["missing", "no data means no servers, which the in-service alarm reports"],
        "db-primary-cpu": ["missing", SAME_RDS],
        "db-primary-free-storage": ["missing", SAME_RDS],
        "db-primary-freeable-memory": ["missing", SAME_RDS],
        "db-primary-connections": ["missing", SAME_RDS],
        "db-replica-<i>-cpu": ["missing", SAME_RDS],
        "db-replica-<i>-free-storage": ["missing", SAME_RDS],
        "db-replica-<i>-freeable-memory": ["missing", SAME_RDS],
        "db-replica-<i>-connections": ["missing", SAME_RDS],
        "db-replica-<i>-replica-lag": [
          "notBreaching",
          "silence is the replica stopped, rebooting or replaced (RDS events); counted as no lag it never pages",
        ],
        "db-replica-<i>-replication-broken": ["missing", `-1 fires it; ${SAME_RDS}: breaching paged on every replica creation and reboot`],
        "topic-notifications-failed": ["notBreaching", "SNS publishes NumberOfNotificationsFailed only when a delivery failed"],
      };
      const used = new Set<string>();
      for (const a of g.ofType(ALARM)) {
        const key = a.name.replace(/^mon-/, "").replace(/^db-replica-\d+-/, "db-replica-<i>-");
        const entry = TABLE[key];
        assert.ok(entry, `${a.name} has no entry in the treatMissingData table: decide its treatment and say why`);
        assert.equal(a.inputs["treatMissingData"], entry[0], `${a.name}: ${entry[1]}`);
        used.add(key);
      }
      assert.deepEqual(
        Object.keys(TABLE).filter((k) => !used.has(k)),
        [],
        "every table entry names an alarm that exists",
      );
    });

    it("sends the group's failed, cancelled and rolled-back instance refreshes to the topic through EventBridge", () => {
      const rule = g.get(RULE, "mon-refresh");
      assert.deepEqual(JSON.parse(String(rule.inputs["eventPattern"])), {
        source: ["aws.autoscaling"],
        "detail-type": [
          "EC2 Auto Scaling Instance Refresh Failed",
          "EC2 Auto Scaling Instance Refresh Cancelled",
          "EC2 Auto Scaling Instance Refresh Rollback Started",
          "EC2 Auto Scaling Instance Refresh Rollback Failed",
          "EC2 Auto Scaling Instance Refresh Rollback Succeeded",
        ],
        detail: { AutoScalingGroupName: [group] },
      });
      const target = g.get(TARGET, "mon-refresh");
      assert.equal(target.inputs["rule"], rule.state["name"]);
      assert.equal(target.inputs["arn"], topicArn);
      const policy = g.get(TOPIC_POLICY, "mon-alarms");
      assert.ok(target.dependencies.includes(policy.urn), "the topic lets the rule publish before the target exists");
      const statements = (JSON.parse(String(policy.inputs["policy"])) as { Statement: Record<string, unknown>[] }).Statement;
      assert.deepEqual(
        statements.map((x) => [x["Sid"], x["Principal"]]),
        [
          ["AccountManages", { AWS: "arn:aws:iam::123456789012:root" }],
          ["CloudWatchAlarmsPublish", { Service: "cloudwatch.amazonaws.com" }],
          ["RefreshEventsPublish", { Service: "events.amazonaws.com" }],
        ],
      );
      assert.deepEqual(statements[2]!["Condition"], { ArnEquals: { "aws:SourceArn": rule.state["arn"] } });
    });

    it("watches the load balancer and its target group: 5XX, hosts, p95 latency, refused connections", () => {
      const both = { TargetGroup: tg, LoadBalancer: lb };
      const ns = "AWS/ApplicationELB";
      assert.deepEqual(view(alarm("mon-alb-elb-5xx")), {
        namespace: ns,
        metricName: "HTTPCode_ELB_5XX_Count",
        dimensions: { LoadBalancer: lb },
        stat: "Sum",
        comparison: "GreaterThanThreshold",
        threshold: 5,
        missing: "notBreaching",
      });
      assert.deepEqual(view(alarm("mon-alb-target-5xx")), {
        namespace: ns,
        metricName: "HTTPCode_Target_5XX_Count",
        dimensions: both,
        stat: "Sum",
        comparison: "GreaterThanThreshold",
        threshold: 5,
        missing: "notBreaching",
      });
      assert.deepEqual(view(alarm("mon-alb-unhealthy-hosts")), {
        namespace: ns,
        metricName: "UnHealthyHostCount",
        dimensions: both,
        stat: "Maximum",
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        missing: "notBreaching",
      });
      assert.deepEqual(view(alarm("mon-alb-healthy-hosts")), {
        namespace: ns,
        metricName: "HealthyHostCount",
        dimensions: both,
        stat: "Minimum",
        comparison: "LessThanThreshold",
        threshold: 2,
        missing: "breaching",
      });
      assert.deepEqual(view(alarm("mon-alb-response-time-p95")), {
        namespace: ns,
        metricName: "TargetResponseTime",
        dimensions: both,
        stat: "p95",
        comparison: "GreaterThanThreshold",
        threshold: 1,
        missing: "notBreaching",
      });
      assert.deepEqual(view(alarm("mon-alb-rejected-connections")), {
        namespace: ns,
        metricName: "RejectedConnectionCount",
        dimensions: { LoadBalancer: lb },
        stat: "Sum",
        comparison: "GreaterThanThreshold",
        threshold: 0,
        missing: "notBreaching",
      });
    });

    it("takes p95 latency as an extended statistic only, ignoring quiet minutes", () => {
      const p95 = alarm("mon-alb-response-time-p95").inputs;
      assert.equal(p95["extendedStatistic"], "p95");
      assert.equal(p95["statistic"], undefined);
      assert.equal(p95["evaluateLowSampleCountPercentiles"], "ignore");
      for (const a of g.ofType(ALARM).filter((x) => x.name !== "mon-alb-response-time-p95")) {
        assert.equal(a.inputs["extendedStatistic"], undefined, a.name);
        assert.equal(a.inputs["evaluateLowSampleCountPercentiles"], undefined, a.name);
      }
    });

    it("watches the servers' group: in-service servers below its minimum, and its average CPU", () => {
      const dims = { AutoScalingGroupName: group };
      assert.deepEqual(view(alarm("mon-servers-in-service")), {
        namespace: "AWS/AutoScaling",
        metricName: "GroupInServiceInstances",
        dimensions: dims,
        stat: "Minimum",
        comparison: "LessThanThreshold",
        threshold: 2,
        missing: "breaching",
      });
      assert.deepEqual(view(alarm("mon-servers-cpu")), {
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: dims,
        stat: "Average",
        comparison: "GreaterThanThreshold",
        threshold: 80,
        missing: "missing",
      });
    });

    it("watches the primary and the replica: CPU, free storage, freeable memory, connections", () => {
      for (const [role, identifier] of [
        ["primary", "db-primary-abc123"],
        ["replica-0", "db-replica-0-abc123"],
      ]) {
        const base = { namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: identifier }, missing: "missing" };
        assert.deepEqual(view(alarm(`mon-db-${role}-cpu`)), {
          ...base,
          metricName: "CPUUtilization",
          stat: "Average",
          comparison: "GreaterThanThreshold",
          threshold: 80,
        });
        assert.deepEqual(view(alarm(`mon-db-${role}-free-storage`)), {
          ...base,
          metricName: "FreeStorageSpace",
          stat: "Minimum",
          comparison: "LessThanThreshold",
          threshold: 5 * 1024 ** 3,
        });
        assert.deepEqual(view(alarm(`mon-db-${role}-freeable-memory`)), {
          ...base,
          metricName: "FreeableMemory",
          stat: "Minimum",
          comparison: "LessThanThreshold",
          threshold: 256 * 1024 ** 2,
        });
        assert.deepEqual(view(alarm(`mon-db-${role}-connections`)), {
          ...base,
          metricName: "DatabaseConnections",
          stat: "Maximum",
          comparison: "GreaterThanThreshold",
          threshold: 200,
        });
      }
      assert.throws(() => alarm("mon-db-primary-replica-lag"), /no .* named/, "the primary has no lag");
    });

    it("watches the replica's lag, and reports broken replication (ReplicaLag -1) but not silence, as every RDS alarm", () => {
      const dims = { DBInstanceIdentifier: "db-replica-0-abc123" };
      assert.deepEqual(view(alarm("mon-db-replica-0-replica-lag")), {
        namespace: "AWS/RDS",
        metricName: "ReplicaLag",
        dimensions: dims,
        stat: "Maximum",
        comparison: "GreaterThanThreshold",
        threshold: 60,
        missing: "notBreaching",
      });
      assert.deepEqual(view(alarm("mon-db-replica-0-replication-broken")), {
        namespace: "AWS/RDS",
        metricName: "ReplicaLag",
        dimensions: dims,
        stat: "Minimum",
        comparison: "LessThanThreshold",
        threshold: 0,
        missing: "missing",
      });
    });

    it("states the threshold, the window and what to do in each description", () => {
      const d = (n: string) => String(alarm(n).inputs["alarmDescription"]);
      assert.match(
        d("mon-alb-elb-5xx"),
        /^mon: the load balancer generated 5XX responses above 5 per minute \(HTTPCode_ELB_5XX_Count Sum per 60 s\) in 3 consecutive minutes\. /,
      );
      assert.match(d("mon-alb-healthy-hosts"), /below the group's minimum of 2 .* in 3 consecutive minutes\. .*activity history/);
      assert.match(d("mon-alb-response-time-p95"), /above 1 s \(TargetResponseTime p95 per 60 s\)/);
      assert.match(
        d("mon-alb-unhealthy-hosts"),
        /The Auto Scaling group replaces it by itself .*instance refresh stops on this alarm; deploy the previous version to undo it/,
      );
      assert.match(d("mon-servers-in-service"), /below its minimum of 2 .*activity history/);
      assert.match(d("mon-db-primary-free-storage"), /below 5 GiB \(5368709120 bytes\)/);
      assert.match(d("mon-db-replica-0-freeable-memory"), /database replica 0 was below 256 MiB \(268435456 bytes\)/);
      assert.match(d("mon-db-replica-0-replication-broken"), /-1 when replication is not running.*SHOW REPLICA STATUS/);
      for (const a of g.ofType(ALARM)) {
        const text = String(a.inputs["alarmDescription"]);
        assert.ok(text.includes(String(a.inputs["metricName"])), `${a.name} names its metric`);
        const window = a.name === TOPIC_ALARM ? "in 1 consecutive period\\(s\\) of 300 s" : "in 3 consecutive minutes";
        assert.match(text, new RegExp(` ${window}\\. [A-Z].{20,}`), `${a.name} says what to do`);
      }
    });

    it("encrypts the topic with a rotated customer-managed key that CloudWatch alarms of this account may use", () => {
      const topic = g.get(TOPIC, "mon-alarms");
      const key = g.get(KEY, "mon-alarms");
      assert.equal(topic.inputs["kmsMasterKeyId"], key.state["arn"]);
      assert.equal(key.inputs["enableKeyRotation"], true);
      const policy = JSON.parse(String(key.inputs["policy"])) as { Statement: Record<string, unknown>[] };
      assert.deepEqual(policy.Statement, [
        {
          Sid: "AccountAdministers",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "CloudWatchAlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" },
          },
        },
        {
          Sid: "EventBridgeRulesPublish",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/*" },
          },
        },
      ]);
    });

    it("subscribes no one by default", () => {
      assert.equal(g.ofType(SUBSCRIPTION).length, 0);
    });

    it("draws one dashboard row per tier: load balancer, web servers, database", () => {
      const dash = g.get(DASHBOARD, "mon");
      assert.equal(dash.inputs["dashboardName"], "project-test-mon");
      const widgets = widgetsOf(g);
      for (const w of widgets) {
        assert.equal(w.type, "metric");
        assert.equal(w.properties.region, "us-east-1");
        assert.equal(w.properties.period, 60);
        assert.ok(w.x + w.width <= 24 && w.height > 0);
      }
      const rows = [...new Set(widgets.map((w) => w.y))].map((y) => widgets.filter((w) => w.y === y).map((w) => w.properties.title));
      assert.deepEqual(rows, [
        [
          "Load balancer: requests",
          "Load balancer: 5XX responses",
          "Load balancer: target response time p95 (s)",
          "Load balancer: healthy and unhealthy servers",
        ],
        ["Web servers: average CPU (%)", "Web servers: Auto Scaling group"],
        [
          "Database: CPU (%)",
          "Database: free storage (bytes)",
          "Database: freeable memory (bytes)",
          "Database: connections",
          "Database: replica lag (s)",
        ],
      ]);
      const metrics = (title: string) => widgets.find((w) => w.properties.title === title)?.properties.metrics;
      assert.deepEqual(metrics("Load balancer: requests"), [
        ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", lb, { stat: "Sum", label: "Requests" }],
      ]);
      assert.deepEqual(metrics("Load balancer: 5XX responses"), [
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", lb, { stat: "Sum", label: "From the load balancer" }],
        [
          "AWS/ApplicationELB",
          "HTTPCode_Target_5XX_Count",
          "TargetGroup",
          tg,
          "LoadBalancer",
          lb,
          { stat: "Sum", label: "From the servers" },
        ],
      ]);
      assert.deepEqual(metrics("Load balancer: target response time p95 (s)"), [
        ["AWS/ApplicationELB", "TargetResponseTime", "TargetGroup", tg, "LoadBalancer", lb, { stat: "p95", label: "p95" }],
      ]);
      assert.deepEqual(metrics("Load balancer: healthy and unhealthy servers"), [
        ["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup", tg, "LoadBalancer", lb, { stat: "Minimum", label: "Healthy" }],
        ["AWS/ApplicationELB", "UnHealthyHostCount", "TargetGroup", tg, "LoadBalancer", lb, { stat: "Maximum", label: "Unhealthy" }],
      ]);
      assert.deepEqual(metrics("Web servers: average CPU (%)"), [
        ["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", group, { stat: "Average", label: "Average" }],
        ["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", group, { stat: "Maximum", label: "Busiest" }],
      ]);
      assert.deepEqual(metrics("Web servers: Auto Scaling group"), [
        ["AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", group, { stat: "Minimum", label: "In service" }],
        ["AWS/AutoScaling", "GroupDesiredCapacity", "AutoScalingGroupName", group, { stat: "Maximum", label: "Desired" }],
        ["AWS/AutoScaling", "GroupPendingInstances", "AutoScalingGroupName", group, { stat: "Maximum", label: "Pending" }],
      ]);
      for (const [title, metric, stat] of [
        ["Database: CPU (%)", "CPUUtilization", "Average"],
        ["Database: free storage (bytes)", "FreeStorageSpace", "Minimum"],
        ["Database: freeable memory (bytes)", "FreeableMemory", "Minimum"],
        ["Database: connections", "DatabaseConnections", "Maximum"],
      ]) {
        assert.deepEqual(metrics(title), [
          ["AWS/RDS", metric, "DBInstanceIdentifier", "db-primary-abc123", { stat, label: "primary" }],
          ["AWS/RDS", metric, "DBInstanceIdentifier", "db-replica-0-abc123", { stat, label: "replica 0" }],
        ]);
      }
      assert.deepEqual(metrics("Database: replica lag (s)"), [
        ["AWS/RDS", "ReplicaLag", "DBInstanceIdentifier", "db-replica-0-abc123", { stat: "Maximum", label: "replica 0" }],
      ]);
    });

    it("draws each alarm threshold on its graph", () => {
      const lines = (title: string) =>
        widgetsOf(g)
          .find((w) => w.properties.title === title)
          ?.properties.annotations?.horizontal.map((h) => h.value);
      assert.deepEqual(lines("Load balancer: 5XX responses"), [5, 5]);
      assert.deepEqual(lines("Load balancer: healthy and unhealthy servers"), [2]);
      assert.deepEqual(lines("Database: free storage (bytes)"), [5 * 1024 ** 3]);
      assert.deepEqual(lines("Database: replica lag (s)"), [60]);
    });

    it("publishes topicArn, alarmArns, dashboardName and a console link to the dashboard", () => {
      const out = g.get(COMPONENT, "mon").registeredOutputs ?? {};
      assert.deepEqual(Object.keys(out).sort(), ["alarmArns", "dashboardName", "dashboardUrl", "topicArn"]);
      assert.equal(out["topicArn"], topicArn);
      assert.deepEqual(
        out["alarmArns"],
        (g.outputs["alarms"] as string[]).map((n) => g.get(ALARM, n).state["arn"]),
        "in the order of the alarms field",
      );
      assert.equal(out["dashboardName"], "project-test-mon");
      assert.equal(
        out["dashboardUrl"],
        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=project-test-mon",
      );
      assert.equal(g.outputs["url"], out["dashboardUrl"]);
    });
  });

  describe("options", () => {
    it("subscribes each email to the topic", async () => {
      const g = await run({ emails: ["ops@example.com", "oncall@example.org"] });
      const topic = g.get(TOPIC, "mon-alarms");
      assert.deepEqual(
        g.ofType(SUBSCRIPTION).map((s) => [s.name, s.inputs["protocol"], s.inputs["endpoint"], s.inputs["topic"] === topic.state["arn"]]),
        [
          ["mon-email-0", "email", "ops@example.com", true],
          ["mon-email-1", "email", "oncall@example.org", true],
        ],
      );
    });

    it("takes every threshold override, and the evaluation window for all alarms", async () => {
      const thresholds: Thresholds = {
        elb5xxPerMinute: 1,
        target5xxPerMinute: 2,
        responseTimeP95Seconds: 0.5,
        rejectedConnectionsPerMinute: 3,
        ec2CpuPercent: 90,
        rdsCpuPercent: 70,
        rdsFreeStorageBytes: 10 * 1024 ** 3,
        rdsFreeableMemoryBytes: 64 * 1024 ** 2,
        rdsConnections: 60,
        replicaLagSeconds: 30,
        evaluationMinutes: 5,
      };
      const g = await run({ thresholds });
      const threshold = (n: string) => g.get(ALARM, n).inputs["threshold"];
      assert.deepEqual(
        {
          elb5xxPerMinute: threshold("mon-alb-elb-5xx"),
          target5xxPerMinute: threshold("mon-alb-target-5xx"),
          responseTimeP95Seconds: threshold("mon-alb-response-time-p95"),
          rejectedConnectionsPerMinute: threshold("mon-alb-rejected-connections"),
          ec2CpuPercent: threshold("mon-servers-cpu"),
          rdsCpuPercent: threshold("mon-db-replica-0-cpu"),
          rdsFreeStorageBytes: threshold("mon-db-primary-free-storage"),
          rdsFreeableMemoryBytes: threshold("mon-db-primary-freeable-memory"),
          rdsConnections: threshold("mon-db-primary-connections"),
          replicaLagSeconds: threshold("mon-db-replica-0-replica-lag"),
          evaluationMinutes: g.get(ALARM, "mon-alb-elb-5xx").inputs["evaluationPeriods"],
        },
        thresholds,
      );
      for (const a of g.ofType(ALARM).filter((x) => x.name !== TOPIC_ALARM)) {
        assert.equal(a.inputs["evaluationPeriods"], 5, a.name);
        assert.equal(a.inputs["datapointsToAlarm"], 5, a.name);
        assert.match(String(a.inputs["alarmDescription"]), / in 5 consecutive minutes\./, a.name);
      }
      const topicAlarm = g.get(ALARM, TOPIC_ALARM).inputs;
      assert.deepEqual(
        [topicAlarm["period"], topicAlarm["evaluationPeriods"], topicAlarm["datapointsToAlarm"]],
        [300, 1, 1],
        "one failed delivery is a lost notification, whatever the window",
      );
      assert.match(String(g.get(ALARM, "mon-alb-response-time-p95").inputs["alarmDescription"]), /above 0\.5 s/);
      const cpu = widgetsOf(g).find((w) => w.properties.title === "Web servers: average CPU (%)");
      assert.deepEqual(
        cpu?.properties.annotations?.horizontal.map((h) => h.value),
        [90],
      );
    });

    it("keeps the defaults for thresholds not overridden", async () => {
      const g = await run({ thresholds: { ec2CpuPercent: 95 } });
      assert.equal(g.get(ALARM, "mon-servers-cpu").inputs["threshold"], 95);
      assert.equal(g.get(ALARM, "mon-db-primary-cpu").inputs["threshold"], DEFAULT_THRESHOLDS.rdsCpuPercent);
      assert.equal(g.get(ALARM, "mon-alb-elb-5xx").inputs["evaluationPeriods"], DEFAULT_THRESHOLDS.evaluationMinutes);
    });

    it("encrypts the topic with a given key instead of creating one", async () => {
      const keyArn = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
      const g = await run({ snsKmsKeyId: keyArn });
      assert.equal(g.get(TOPIC, "mon-alarms").inputs["kmsMasterKeyId"], keyArn);
      assert.equal(g.ofType(KEY).length, 0);
    });

    it("creates no dashboard when asked, and publishes no dashboard name or link", async () => {
      const g = await run({ dashboard: false });
      assert.equal(g.ofType(DASHBOARD).length, 0);
      const out = g.get(COMPONENT, "mon").registeredOutputs ?? {};
      assert.equal(out["dashboardName"], undefined);
      assert.equal(out["dashboardUrl"], undefined);
      assert.equal(g.ofType(ALARM).length, 19);
    });

    it("scales with the replicas, and compares hosts with the group's minimum: 3 servers and 2 replicas make 6 + 2 + 12 + 4 + 1 = 25 alarms", async () => {
      const g = await run({}, { servers: 3, replicas: 2 });
      assert.equal(g.ofType(ALARM).length, 25);
      assert.equal(g.get(ALARM, "mon-alb-healthy-hosts").inputs["threshold"], 3);
      assert.equal(g.get(ALARM, "mon-servers-in-service").inputs["threshold"], 3);
      assert.deepEqual(
        g
          .ofType(ALARM)
          .filter((a) => a.name.endsWith("-replication-broken"))
          .map((a) => (a.inputs["dimensions"] as Record<string, string>)["DBInstanceIdentifier"]),
        ["db-replica-0-abc123", "db-replica-1-abc123"],
      );
    });

    it("gives the CPU alarm EC2's 5-minute period when the servers have basic monitoring: a 1-minute alarm would never see a datapoint", async () => {
      const g = await run({ detailedMonitoring: false });
      const cpu = g.get(ALARM, "mon-servers-cpu").inputs;
      assert.deepEqual([cpu["period"], cpu["evaluationPeriods"], cpu["datapointsToAlarm"]], [300, 1, 1]);
      assert.match(String(cpu["alarmDescription"]), /per 300 s\) in 1 consecutive period\(s\) of 300 s\./);
      for (const a of g.ofType(ALARM).filter((x) => x.name !== "mon-servers-cpu" && x.name !== TOPIC_ALARM))
        assert.equal(a.inputs["period"], 60, a.name);
    });

    it("watches only the primary when there is no replica, with no replica lag graph: 6 + 2 + 4 + 1 = 13 alarms", async () => {
      const g = await run({}, { replicas: 0 });
      assert.equal(g.ofType(ALARM).length, 13);
      assert.equal(g.ofType(ALARM).filter((a) => a.inputs["metricName"] === "ReplicaLag").length, 0);
      const db = widgetsOf(g).filter((w) => w.properties.title.startsWith("Database"));
      assert.deepEqual(
        db.map((w) => [w.properties.title, w.width]),
        [
          ["Database: CPU (%)", 6],
          ["Database: free storage (bytes)", 6],
          ["Database: freeable memory (bytes)", 6],
          ["Database: connections", 6],
        ],
      );
    });

    it("tags the topic, key and alarms, each with its Name", async () => {
      const g = await run({ tags: { team: "web" } });
      assert.deepEqual(g.get(TOPIC, "mon-alarms").inputs["tags"], { team: "web", Name: "mon-alarms" });
      assert.deepEqual(g.get(KEY, "mon-alarms").inputs["tags"], { team: "web", Name: "mon-alarms" });
      assert.deepEqual(g.get(ALARM, "mon-servers-cpu").inputs["tags"], { team: "web", Name: "mon-servers-cpu" });
      assert.deepEqual(g.get(RULE, "mon-refresh").inputs["tags"], { team: "web", Name: "mon-refresh" });
    });

    it("makes the dashboard name from the project, stack and component, with only letters, digits, - and _", async () => {
      const g = await run({}, { name: "mon_v2" }, { stack: "prod.eu", project: "web.infra" });
      assert.equal(g.get(DASHBOARD, "mon_v2").inputs["dashboardName"], "web-infra-prod-eu-mon_v2");
      assert.match(String(g.outputs["url"]), /#dashboards:name=web-infra-prod-eu-mon_v2$/);
    });
  });

  describe("validation", () => {
    it("fails when an email is malformed", async () => {
      const err = await invalid({ emails: ["ops@example.com", "not an email"] });
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["emails[1]"],
      );
      assert.match(err.message, /emails\[1\] must be an email address such as ops@example\.com, got "not an email"\./);
    });

    it("fails when an email repeats, ignoring case", async () => {
      const err = await invalid({ emails: ["ops@example.com", "oncall@example.com", "OPS@example.com"] });
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["emails[2]"],
      );
      assert.match(err.message, /emails\[2\] must not repeat emails\[0\]/);
    });

    it("fails when a threshold is negative", async () => {
      assert.deepEqual(await problemKeys({ thresholds: { rdsConnections: -1 } }), ["thresholds.rdsConnections"]);
    });

    it("fails when a threshold is not a finite number", async () => {
      assert.deepEqual(await problemKeys({ thresholds: { replicaLagSeconds: Number.NaN, responseTimeP95Seconds: Infinity } }), [
        "thresholds.responseTimeP95Seconds",
        "thresholds.replicaLagSeconds",
      ]);
    });

    it("fails when a percentage is above 100", async () => {
      const err = await invalid({ thresholds: { ec2CpuPercent: 101, rdsCpuPercent: 150 } });
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["thresholds.ec2CpuPercent", "thresholds.rdsCpuPercent"],
      );
      assert.match(err.message, /thresholds\.ec2CpuPercent must be a percentage from 0 to 100, got 101\./);
    });

    it("fails when evaluationMinutes is not an integer", async () => {
      assert.deepEqual(await problemKeys({ thresholds: { evaluationMinutes: 2.5 } }), ["thresholds.evaluationMinutes"]);
    });

    it("fails when evaluationMinutes is outside 1–60", async () => {
      assert.deepEqual(await problemKeys({ thresholds: { evaluationMinutes: 0 } }), ["thresholds.evaluationMinutes"]);
      const err = await invalid({ thresholds: { evaluationMinutes: 61 } });
      assert.match(err.message, /thresholds\.evaluationMinutes must be an integer from 1 to 60, got 61\./);
    });

    it("fails when a threshold name is unknown", async () => {
      const err = await invalid({ thresholds: { cpuPercent: 50 } as Partial<Thresholds> });
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["thresholds.cpuPercent"],
      );
      assert.match(err.message, /Use one of elb5xxPerMinute, /);
    });

    it("fails when minServers is below 1", async () => {
      const err = await invalid({ minServers: 0 });
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["minServers"],
      );
      assert.match(
        err.message,
        /minServers must be a whole number of servers, at least 1: the health alarms compare against it, got 0\. Pass the web tier's webServerCount\./,
      );
    });

    it("fails when the topic key is the AWS managed SNS key, which CloudWatch cannot publish with", async () => {
      assert.deepEqual(await problemKeys({ snsKmsKeyId: "alias/aws/sns" }), ["snsKmsKeyId"]);
      assert.deepEqual(await problemKeys({ snsKmsKeyId: "arn:aws:kms:us-east-1:123456789012:alias/aws/sns" }), ["snsKmsKeyId"]);
    });

    it("fails when the component name makes an alarm's logical name longer than 60 characters", async () => {
      const err = await invalid({}, "monitoring-of-the-production-web-stack");
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["name"],
      );
      assert.match(err.message, /the longest, "monitoring-of-the-production-web-stack-db-replica-0-replication-broken", has 70/);
    });

    it("fails when the component name has characters an SNS topic name refuses", async () => {
      const err = await invalid({}, "mon.v2");
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["name"],
      );
      assert.match(err.message, /name must hold only letters, digits, - and _/);
    });

    it("fails with every problem at once", async () => {
      assert.deepEqual(
        await problemKeys({
          emails: ["x"],
          minServers: 0,
          snsKmsKeyId: "alias/aws/sns",
          thresholds: { elb5xxPerMinute: -5, rdsCpuPercent: 101, evaluationMinutes: 0 },
        }),
        [
          "emails[0]",
          "thresholds.elb5xxPerMinute",
          "thresholds.rdsCpuPercent",
          "thresholds.evaluationMinutes",
          "minServers",
          "snsKmsKeyId",
        ],
      );
    });
  });
});
