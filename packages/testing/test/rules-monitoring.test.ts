import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { fired, messages, subjects } from "./support";

const ARM_AMI = "ami-05b4ded3ceb71e470";
const RECOVER = "arn:aws:automate:us-east-1:ec2:recover";

/** The web tier the alarms watch. */
interface Web {
  lb: aws.lb.LoadBalancer;
  tg: aws.lb.TargetGroup;
  vm: aws.ec2.Instance;
  db: aws.rds.Instance;
  topic: aws.sns.Topic;
}

/** A VPC over two zones with an ALB, a target group, one server, a MySQL primary and an SNS topic. */
function web(): Web {
  const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
  const a = new aws.ec2.Subnet("vpc-a", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1a" });
  const b = new aws.ec2.Subnet("vpc-b", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", availabilityZone: "us-east-1b" });
  const lb = new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: [a.id, b.id] });
  const tg = new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: vpc.id });
  const vm = new aws.ec2.Instance("vm", { ami: ARM_AMI, instanceType: "t4g.micro", subnetId: a.id, monitoring: true });
  new aws.lb.TargetGroupAttachment("vm", { targetGroupArn: tg.arn, targetId: vm.id, port: 80 });
  const subnets = new aws.rds.SubnetGroup("db", { subnetIds: [a.id, b.id] });
  const db = new aws.rds.Instance("db", {
    engine: "mysql",
    engineVersion: "8.4",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    identifier: "db-primary",
    username: "webinfra",
    manageMasterUserPassword: true,
    dbSubnetGroupName: subnets.name,
    skipFinalSnapshot: true,
  });
  const topic = new aws.sns.Topic("alerts");
  return { lb, tg, vm, db, topic };
}

/** The alarms a careful operator would set on that tier: all of them valid. */
function goodAlarms(w: Web): void {
  new aws.cloudwatch.MetricAlarm("alb-5xx", {
    namespace: "AWS/ApplicationELB",
    metricName: "HTTPCode_ELB_5XX_Count",
    dimensions: { LoadBalancer: w.lb.arnSuffix },
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    threshold: 10,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [w.topic.arn],
    okActions: [w.topic.arn],
  });
  new aws.cloudwatch.MetricAlarm("tg-unhealthy", {
    namespace: "AWS/ApplicationELB",
    metricName: "UnHealthyHostCount",
    dimensions: { LoadBalancer: w.lb.arnSuffix, TargetGroup: w.tg.arnSuffix },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 2,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    alarmActions: [w.topic.arn],
  });
  new aws.cloudwatch.MetricAlarm("tg-latency", {
    namespace: "AWS/ApplicationELB",
    metricName: "TargetResponseTime",
    dimensions: { LoadBalancer: w.lb.arnSuffix, TargetGroup: w.tg.arnSuffix },
    extendedStatistic: "p99",
    period: 300,
    evaluationPeriods: 3,
    threshold: 1.5,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "missing",
    alarmActions: [w.topic.arn],
  });
  new aws.cloudwatch.MetricAlarm("vm-cpu", {
    namespace: "AWS/EC2",
    metricName: "CPUUtilization",
    dimensions: { InstanceId: w.vm.id },
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    threshold: 80,
    comparisonOperator: "GreaterThanThreshold",
    alarmActions: [w.topic.arn],
    insufficientDataActions: [w.topic.arn],
  });
  new aws.cloudwatch.MetricAlarm("vm-recover", {
    namespace: "AWS/EC2",
    metricName: "StatusCheckFailed_System",
    dimensions: { InstanceId: w.vm.id },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 2,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    alarmActions: [w.topic.arn, RECOVER],
  });
  new aws.cloudwatch.MetricAlarm("db-cpu", {
    namespace: "AWS/RDS",
    metricName: "CPUUtilization",
    dimensions: { DBInstanceIdentifier: w.db.identifier },
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    threshold: 80,
    comparisonOperator: "GreaterThanThreshold",
    alarmActions: [w.topic.arn],
  });
  new aws.cloudwatch.MetricAlarm("db-storage", {
    namespace: "AWS/RDS",
    metricName: "FreeStorageSpace",
    dimensions: { DBInstanceIdentifier: w.db.identifier },
    statistic: "Minimum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 2 * 1024 ** 3,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
    alarmActions: [w.topic.arn],
  });
}

/** A valid CPU alarm on the server; the test's overrides make it the alarm under test. */
function probeArgs(w: Web): aws.cloudwatch.MetricAlarmArgs {
  return {
    namespace: "AWS/EC2",
    metricName: "CPUUtilization",
    dimensions: { InstanceId: w.vm.id },
    statistic: "Average",
    period: 60,
    evaluationPeriods: 2,
    threshold: 90,
    comparisonOperator: "GreaterThanThreshold",
    alarmActions: [w.topic.arn],
  };
}

/** The good tier and its good alarms, plus one alarm named "probe" built from the overrides. */
function withProbe(overrides: (w: Web) => Partial<aws.cloudwatch.MetricAlarmArgs>) {
  return () => {
    const w = web();
    goodAlarms(w);
    new aws.cloudwatch.MetricAlarm("probe", { ...probeArgs(w), ...overrides(w) });
  };
}

/** A metric-math alarm on the server's CPU: the alarm's own statistic and period stay unset. */
function metricQueries(w: Web, period: number): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
  return [
    {
      id: "m1",
      returnData: true,
      metric: { namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: { InstanceId: w.vm.id }, stat: "Average", period },
    },
  ];
}

describe("AWS monitoring rules", () => {
  it("stays quiet on the web tier with its ALB, target group, instance and database alarms", async () => {
    const { rules, g } = await fired(() => goodAlarms(web()));
    assert.deepEqual(rules, []);
    assert.equal(g.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 7);
  });

  it("stays quiet on the unmodified probe alarm", async () => {
    const { rules } = await fired(withProbe(() => ({})));
    assert.deepEqual(rules, []);
  });

  describe("cloudwatch-alarm-period-resolution", () => {
    const basic = (period: number, dims: "instance" | "group") => () => {
      const w = web();
      const vm = new aws.ec2.Instance("basic", { ami: ARM_AMI, instanceType: "t4g.micro", subnetId: w.vm.subnetId, monitoring: false });
      const template = new aws.ec2.LaunchTemplate("servers", {
        imageId: ARM_AMI,
        instanceType: "t4g.micro",
        monitoring: { enabled: false },
      });
      const group = new aws.autoscaling.Group("servers", {
        vpcZoneIdentifiers: [w.vm.subnetId],
        minSize: 1,
        maxSize: 2,
        launchTemplate: { id: template.id, version: "1" },
      });
      new aws.cloudwatch.MetricAlarm("probe", {
        ...probeArgs(w),
        period,
        dimensions: dims === "instance" ? { InstanceId: vm.id } : { AutoScalingGroupName: group.name },
      });
    };

    it("fails when a 1-minute alarm watches an instance with basic monitoring (EC2 publishes every 5 minutes)", async () => {
      const { rules, g } = await fired(basic(60, "instance"));
      assert.deepEqual(rules, ["cloudwatch-alarm-period-resolution"]);
      assert.deepEqual(subjects(g, "cloudwatch-alarm-period-resolution"), ["probe"]);
      assert.match(
        messages(g, "cloudwatch-alarm-period-resolution"),
        /period 60 s is shorter than AWS\/EC2's 300 s publish interval \(instance basic has basic monitoring\)/,
      );
    });

    it("fails when a 1-minute alarm watches a group whose launch template has basic monitoring", async () => {
      const { rules, g } = await fired(basic(60, "group"));
      assert.deepEqual(rules, ["cloudwatch-alarm-period-resolution"]);
      assert.match(messages(g, "cloudwatch-alarm-period-resolution"), /group servers's launch template servers has basic monitoring/);
    });

    it("stays quiet for a 5-minute alarm on basic monitoring, and a 1-minute alarm on detailed monitoring", async () => {
      assert.deepEqual((await fired(basic(300, "instance"))).rules, []);
      assert.deepEqual((await fired(basic(300, "group"))).rules, []);
      assert.deepEqual((await fired(withProbe(() => ({ period: 60 })))).rules, []);
    });
  });

  describe("cloudwatch-alarm-period", () => {
    it("fails when the period is 45 seconds (not 10, 20, 30 or a multiple of 60)", async () => {
      const { rules, g } = await fired(withProbe(() => ({ period: 45 })));
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.deepEqual(subjects(g, "cloudwatch-alarm-period"), ["probe"]);
      assert.match(messages(g, "cloudwatch-alarm-period"), /^period 45 s is not 10, 20, 30 or a multiple of 60$/);
    });

    it("fails when the period is 90 seconds (above a minute, not a whole number of minutes)", async () => {
      const { rules, g } = await fired(withProbe(() => ({ period: 90 })));
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.match(messages(g, "cloudwatch-alarm-period"), /^period 90 s is not 10, 20, 30 or a multiple of 60$/);
    });

    it("fails when a metric query's period is 45 seconds", async () => {
      const { rules, g } = await fired(
        withProbe((w) => ({
          statistic: undefined,
          period: undefined,
          namespace: undefined,
          metricName: undefined,
          dimensions: undefined,
          metricQueries: metricQueries(w, 45),
        })),
      );
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.match(messages(g, "cloudwatch-alarm-period"), /^period 45 s is not 10, 20, 30 or a multiple of 60$/);
    });

    it("stays quiet for high-resolution periods of 10, 20 and 30 seconds", async () => {
      const { rules } = await fired(() => {
        const w = web();
        new aws.cloudwatch.MetricAlarm("ten", { ...probeArgs(w), period: 10 });
        new aws.cloudwatch.MetricAlarm("twenty", { ...probeArgs(w), period: 20 });
        new aws.cloudwatch.MetricAlarm("thirty", { ...probeArgs(w), period: 30 });
      });
      assert.deepEqual(rules, []);
    });

    it("stays quiet for a metric-math alarm whose query period is a multiple of 60", async () => {
      const { rules } = await fired(
        withProbe((w) => ({
          statistic: undefined,
          period: undefined,
          namespace: undefined,
          metricName: undefined,
          dimensions: undefined,
          metricQueries: metricQueries(w, 120),
        })),
      );
      assert.deepEqual(rules, []);
    });

    it("fails when period × evaluationPeriods exceeds one day with a period under an hour", async () => {
      const { rules, g } = await fired(withProbe(() => ({ period: 60, evaluationPeriods: 1441 })));
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.match(messages(g, "cloudwatch-alarm-period"), /^period × evaluationPeriods is 86460 s; CloudWatch evaluates at most one day$/);
    });

    it("stays quiet when period × evaluationPeriods is exactly one day with a period under an hour", async () => {
      const { rules } = await fired(withProbe(() => ({ period: 60, evaluationPeriods: 1440 })));
      assert.deepEqual(rules, []);
    });

    it("fails when period × evaluationPeriods exceeds seven days with an hourly period", async () => {
      const { rules, g } = await fired(withProbe(() => ({ period: 3600, evaluationPeriods: 169 })));
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.match(
        messages(g, "cloudwatch-alarm-period"),
        /^period × evaluationPeriods is 608400 s; CloudWatch evaluates at most seven days$/,
      );
    });

    it("stays quiet for an hourly period over more than one day (3600 × 25)", async () => {
      const { rules } = await fired(withProbe(() => ({ period: 3600, evaluationPeriods: 25 })));
      assert.deepEqual(rules, []);
    });

    it("stays quiet when period × evaluationPeriods is exactly seven days with an hourly period", async () => {
      const { rules } = await fired(withProbe(() => ({ period: 3600, evaluationPeriods: 168 })));
      assert.deepEqual(rules, []);
    });

    it("fails when a metric query's period × evaluationPeriods exceeds one day", async () => {
      const { rules, g } = await fired(
        withProbe((w) => ({
          statistic: undefined,
          period: undefined,
          namespace: undefined,
          metricName: undefined,
          dimensions: undefined,
          evaluationPeriods: 289,
          metricQueries: metricQueries(w, 300),
        })),
      );
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.match(messages(g, "cloudwatch-alarm-period"), /^period × evaluationPeriods is 86700 s; CloudWatch evaluates at most one day$/);
    });

    it("fails when evaluationPeriods is 0", async () => {
      const { rules, g } = await fired(withProbe(() => ({ evaluationPeriods: 0 })));
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.match(messages(g, "cloudwatch-alarm-period"), /^evaluationPeriods must be at least 1$/);
    });

    it("fails when datapointsToAlarm exceeds evaluationPeriods", async () => {
      const { rules, g } = await fired(withProbe(() => ({ evaluationPeriods: 2, datapointsToAlarm: 3 })));
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.match(messages(g, "cloudwatch-alarm-period"), /^datapointsToAlarm 3 exceeds evaluationPeriods 2$/);
    });

    it("stays quiet when datapointsToAlarm equals evaluationPeriods", async () => {
      const { rules } = await fired(withProbe(() => ({ evaluationPeriods: 3, datapointsToAlarm: 3 })));
      assert.deepEqual(rules, []);
    });

    it("reports each broken period condition of one alarm", async () => {
      const { rules, g } = await fired(withProbe(() => ({ period: 4000, evaluationPeriods: 152, datapointsToAlarm: 153 })));
      assert.deepEqual(rules, ["cloudwatch-alarm-period"]);
      assert.deepEqual(
        g.rejections.map((r) => r.message),
        [
          "period 4000 s is not 10, 20, 30 or a multiple of 60",
          "period × evaluationPeriods is 608000 s; CloudWatch evaluates at most seven days",
          "datapointsToAlarm 153 exceeds evaluationPeriods 152",
        ],
      );
    });
  });

  describe("cloudwatch-alarm-operator-statistic", () => {
    it('fails when comparisonOperator is "GreaterThan"', async () => {
      const { rules, g } = await fired(withProbe(() => ({ comparisonOperator: "GreaterThan" })));
      assert.deepEqual(rules, ["cloudwatch-alarm-operator-statistic"]);
      assert.deepEqual(subjects(g, "cloudwatch-alarm-operator-statistic"), ["probe"]);
      assert.match(
        messages(g, "cloudwatch-alarm-operator-statistic"),
        /^comparisonOperator "GreaterThan" does not exist; use one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold$/,
      );
    });

    it("fails when an anomaly-detection operator has no thresholdMetricId", async () => {
      const { rules, g } = await fired(withProbe(() => ({ comparisonOperator: "LessThanLowerOrGreaterThanUpperThreshold" })));
      assert.deepEqual(rules, ["cloudwatch-alarm-operator-statistic"]);
      assert.match(
        messages(g, "cloudwatch-alarm-operator-statistic"),
        /^comparisonOperator LessThanLowerOrGreaterThanUpperThreshold is only for anomaly detection \(needs thresholdMetricId\)$/,
      );
    });

    it("stays quiet for an anomaly-detection alarm with a thresholdMetricId", async () => {
      const { rules } = await fired(
        withProbe((w) => ({
          statistic: undefined,
          period: undefined,
          namespace: undefined,
          metricName: undefined,
          dimensions: undefined,
          threshold: undefined,
          comparisonOperator: "GreaterThanUpperThreshold",
          thresholdMetricId: "ad1",
          metricQueries: [
            ...metricQueries(w, 300),
            { id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 2)", label: "CPU (expected)", returnData: true },
          ],
        })),
      );
      assert.deepEqual(rules, []);
    });

    it('fails when statistic is "Median"', async () => {
      const { rules, g } = await fired(withProbe(() => ({ statistic: "Median" })));
      assert.deepEqual(rules, ["cloudwatch-alarm-operator-statistic"]);
      assert.match(
        messages(g, "cloudwatch-alarm-operator-statistic"),
        /^statistic "Median" does not exist; use one of SampleCount, Average, Sum, Minimum, Maximum$/,
      );
    });

    it("stays quiet for every standard statistic", async () => {
      const { rules } = await fired(() => {
        const w = web();
        for (const statistic of ["SampleCount", "Average", "Sum", "Minimum", "Maximum"]) {
          new aws.cloudwatch.MetricAlarm(statistic.toLowerCase(), { ...probeArgs(w), statistic });
        }
      });
      assert.deepEqual(rules, []);
    });

    it('stays quiet for extendedStatistic "p95" without statistic', async () => {
      const { rules } = await fired(withProbe(() => ({ statistic: undefined, extendedStatistic: "p95" })));
      assert.deepEqual(rules, []);
    });

    it('fails when extendedStatistic is "q95"', async () => {
      const { rules, g } = await fired(withProbe(() => ({ statistic: undefined, extendedStatistic: "q95" })));
      assert.deepEqual(rules, ["cloudwatch-alarm-operator-statistic"]);
      assert.match(messages(g, "cloudwatch-alarm-operator-statistic"), /^extendedStatistic "q95" is not a percentile such as p95$/);
    });

    it("fails when both statistic and extendedStatistic are set", async () => {
      const { rules, g } = await fired(withProbe(() => ({ statistic: "Average", extendedStatistic: "p95" })));
      assert.deepEqual(rules, ["cloudwatch-alarm-operator-statistic"]);
      assert.match(messages(g, "cloudwatch-alarm-operator-statistic"), /^statistic and extendedStatistic are mutually exclusive$/);
    });

    it("fails when neither statistic nor extendedStatistic is set", async () => {
      const { rules, g } = await fired(withProbe(() => ({ statistic: undefined })));
      assert.deepEqual(rules, ["cloudwatch-alarm-operator-statistic"]);
      assert.match(messages(g, "cloudwatch-alarm-operator-statistic"), /^a metric alarm needs statistic or extendedStatistic$/);
    });

    it('fails when treatMissingData is "zero"', async () => {
      const { rules, g } = await fired(withProbe(() => ({ treatMissingData: "zero" })));
      assert.deepEqual(rules, ["cloudwatch-alarm-operator-statistic"]);
      assert.match(
        messages(g, "cloudwatch-alarm-operator-statistic"),
        /^treatMissingData "zero" is not one of breaching, notBreaching, ignore, missing$/,
      );
    });

    it("stays quiet for every treatMissingData value CloudWatch knows", async () => {
      const { rules } = await fired(() => {
        const w = web();
        for (const treatMissingData of ["breaching", "notBreaching", "ignore", "missing"]) {
          new aws.cloudwatch.MetricAlarm(treatMissingData.toLowerCase(), { ...probeArgs(w), treatMissingData });
        }
      });
      assert.deepEqual(rules, []);
    });
  });

  describe("cloudwatch-alarm-dimensions", () => {
    it("fails when the LoadBalancer dimension is the ALB's name, not its arnSuffix", async () => {
      const { rules, g } = await fired(
        withProbe((w) => ({
          namespace: "AWS/ApplicationELB",
          metricName: "HTTPCode_ELB_5XX_Count",
          statistic: "Sum",
          dimensions: { LoadBalancer: w.lb.name },
        })),
      );
      const name = String(g.get("aws:lb/loadBalancer:LoadBalancer", "alb").state["name"]);
      assert.deepEqual(rules, ["cloudwatch-alarm-dimensions"]);
      assert.deepEqual(subjects(g, "cloudwatch-alarm-dimensions"), ["probe"]);
      assert.equal(
        messages(g, "cloudwatch-alarm-dimensions"),
        `dimension LoadBalancer=${name} names no LoadBalancer of this graph (expected its arnSuffix)`,
      );
    });

    it("fails when the LoadBalancer dimension is the ALB's full ARN", async () => {
      const { rules, g } = await fired(
        withProbe((w) => ({
          namespace: "AWS/ApplicationELB",
          metricName: "HTTPCode_ELB_5XX_Count",
          statistic: "Sum",
          dimensions: { LoadBalancer: w.lb.arn },
        })),
      );
      assert.deepEqual(rules, ["cloudwatch-alarm-dimensions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-dimensions"),
        /^dimension LoadBalancer=arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/alb-[0-9a-f]{7}\/[0-9a-f]{16} names no LoadBalancer of this graph \(expected its arnSuffix\)$/,
      );
    });

    it("fails when the TargetGroup dimension is the target group's full ARN", async () => {
      const { rules, g } = await fired(
        withProbe((w) => ({
          namespace: "AWS/ApplicationELB",
          metricName: "HealthyHostCount",
          statistic: "Minimum",
          comparisonOperator: "LessThanThreshold",
          threshold: 1,
          dimensions: { LoadBalancer: w.lb.arnSuffix, TargetGroup: w.tg.arn },
        })),
      );
      assert.deepEqual(rules, ["cloudwatch-alarm-dimensions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-dimensions"),
        /^dimension TargetGroup=arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/web-[0-9a-f]{7}\/[0-9a-f]{16} names no TargetGroup of this graph \(expected its arnSuffix\)$/,
      );
    });

    it("fails when the InstanceId dimension is not an instance of the graph", async () => {
      const { rules, g } = await fired(withProbe(() => ({ dimensions: { InstanceId: "i-0123456789abcdef0" } })));
      assert.deepEqual(rules, ["cloudwatch-alarm-dimensions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-dimensions"),
        /^dimension InstanceId=i-0123456789abcdef0 names no Instance of this graph \(expected its id\)$/,
      );
    });

    it("fails when the InstanceId dimension is the instance's ARN", async () => {
      const { rules, g } = await fired(withProbe((w) => ({ dimensions: { InstanceId: w.vm.arn } })));
      assert.deepEqual(rules, ["cloudwatch-alarm-dimensions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-dimensions"),
        /^dimension InstanceId=arn:aws:ec2:us-east-1:123456789012:instance\/i-0[0-9a-f]{16} names no Instance of this graph \(expected its id\)$/,
      );
    });

    it("fails when the DBInstanceIdentifier dimension is the database's resource id", async () => {
      const { rules, g } = await fired(withProbe((w) => ({ namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: w.db.resourceId } })));
      assert.deepEqual(rules, ["cloudwatch-alarm-dimensions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-dimensions"),
        /^dimension DBInstanceIdentifier=db-[A-Z0-9]{26} names no Instance of this graph \(expected its identifier\)$/,
      );
    });

    it("fails when the DBInstanceIdentifier dimension is the Pulumi logical name", async () => {
      const { rules, g } = await fired(withProbe(() => ({ namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: "db" } })));
      assert.deepEqual(rules, ["cloudwatch-alarm-dimensions"]);
      assert.match(messages(g, "cloudwatch-alarm-dimensions"), /^dimension DBInstanceIdentifier=db names no Instance of this graph/);
    });

    it("stays quiet for the database's id, which is its identifier", async () => {
      const { rules } = await fired(withProbe((w) => ({ namespace: "AWS/RDS", dimensions: { DBInstanceIdentifier: w.db.id } })));
      assert.deepEqual(rules, []);
    });

    it("stays quiet for a namespace the rule does not know, whatever its dimensions", async () => {
      const { rules } = await fired(
        withProbe(() => ({
          namespace: "WebApp",
          metricName: "Errors",
          statistic: "Sum",
          dimensions: { LoadBalancer: "not-an-alb", InstanceId: "i-nope" },
        })),
      );
      assert.deepEqual(rules, []);
    });

    it("stays quiet for a dimension the rule does not model in a known namespace", async () => {
      const { rules } = await fired(withProbe(() => ({ dimensions: { AutoScalingGroupName: "web-asg" } })));
      assert.deepEqual(rules, []);
    });

    it("reports every wrong dimension of one alarm", async () => {
      const { rules, g } = await fired(
        withProbe(() => ({
          namespace: "AWS/ApplicationELB",
          metricName: "HealthyHostCount",
          statistic: "Minimum",
          dimensions: { LoadBalancer: "app/other/0123456789abcdef", TargetGroup: "targetgroup/other/0123456789abcdef" },
        })),
      );
      assert.deepEqual(rules, ["cloudwatch-alarm-dimensions"]);
      assert.equal(g.rejections.length, 2);
    });
  });

  describe("cloudwatch-alarm-actions", () => {
    const recoverAlarm = (w: Web): Partial<aws.cloudwatch.MetricAlarmArgs> => ({
      metricName: "StatusCheckFailed_System",
      statistic: "Maximum",
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      alarmActions: [w.topic.arn],
    });

    it("fails when the recover action is for another region", async () => {
      const { rules, g } = await fired(
        withProbe((w) => ({ ...recoverAlarm(w), alarmActions: [w.topic.arn, "arn:aws:automate:us-west-2:ec2:recover"] })),
      );
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.deepEqual(subjects(g, "cloudwatch-alarm-actions"), ["probe"]);
      assert.match(
        messages(g, "cloudwatch-alarm-actions"),
        /^alarmActions: arn:aws:automate:us-west-2:ec2:recover is for region us-west-2, but the alarm is in us-east-1$/,
      );
    });

    it("fails when the recover action is on a CPUUtilization alarm", async () => {
      const { rules, g } = await fired(withProbe((w) => ({ alarmActions: [w.topic.arn, RECOVER] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-actions"),
        /^alarmActions: the EC2 recover action works only on StatusCheckFailed_System alarms$/,
      );
    });

    it("stays quiet for the recover action in okActions and insufficientDataActions (the API lists EC2 actions for every state)", async () => {
      const { rules } = await fired(withProbe((w) => ({ ...recoverAlarm(w), okActions: [RECOVER], insufficientDataActions: [RECOVER] })));
      assert.deepEqual(rules, []);
    });

    it("fails when the recover action in okActions is on a CPUUtilization alarm", async () => {
      const { rules, g } = await fired(withProbe(() => ({ okActions: [RECOVER] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-actions"),
        /^okActions: the EC2 recover action works only on StatusCheckFailed_System alarms$/,
      );
    });

    it("fails when an SNS topic action is in another region", async () => {
      const topic = "arn:aws:sns:us-west-2:123456789012:alerts";
      const { rules, g } = await fired(withProbe(() => ({ alarmActions: [topic] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.equal(
        messages(g, "cloudwatch-alarm-actions"),
        "alarmActions: arn:aws:sns:us-west-2:123456789012:alerts is for region us-west-2, but the alarm is in us-east-1",
      );
    });

    it("fails when a stop action is for another region", async () => {
      const { rules, g } = await fired(withProbe(() => ({ okActions: ["arn:aws:automate:eu-west-1:ec2:stop"] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.equal(
        messages(g, "cloudwatch-alarm-actions"),
        "okActions: arn:aws:automate:eu-west-1:ec2:stop is for region eu-west-1, but the alarm is in us-east-1",
      );
    });

    it("fails when an SWF EC2 action is for another region", async () => {
      const swf = "arn:aws:swf:us-west-2:123456789012:action/actions/AWS_EC2.InstanceId.Reboot/1.0";
      const { rules, g } = await fired(withProbe(() => ({ alarmActions: [swf] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.equal(messages(g, "cloudwatch-alarm-actions"), `alarmActions: ${swf} is for region us-west-2, but the alarm is in us-east-1`);
    });

    it("fails when an SWF action is not one of the EC2 stop, terminate or reboot actions", async () => {
      const swf = "arn:aws:swf:us-east-1:123456789012:action/actions/AWS_EC2.InstanceId.Hibernate/1.0";
      const { rules, g } = await fired(withProbe(() => ({ alarmActions: [swf] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.equal(messages(g, "cloudwatch-alarm-actions"), `alarmActions: ${swf} is not an EC2 action CloudWatch knows`);
    });

    it("fails when an action is an SQS queue, not an SNS, Auto Scaling, Systems Manager or Lambda ARN", async () => {
      const queue = "arn:aws:sqs:us-east-1:123456789012:alerts";
      const { rules, g } = await fired(withProbe(() => ({ alarmActions: [queue] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-actions"),
        /^alarmActions: arn:aws:sqs:us-east-1:123456789012:alerts is not an SNS topic, Auto Scaling policy, Systems Manager or Lambda ARN$/,
      );
    });

    it("fails when insufficientDataActions holds an email address instead of a topic", async () => {
      const { rules, g } = await fired(withProbe(() => ({ insufficientDataActions: ["ops@example.com"] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-actions"),
        /^insufficientDataActions: ops@example\.com is not an SNS topic, Auto Scaling policy, Systems Manager or Lambda ARN$/,
      );
    });

    it("fails when an automate action is not one EC2 knows", async () => {
      const { rules, g } = await fired(withProbe(() => ({ alarmActions: ["arn:aws:automate:us-east-1:ec2:hibernate"] })));
      assert.deepEqual(rules, ["cloudwatch-alarm-actions"]);
      assert.match(
        messages(g, "cloudwatch-alarm-actions"),
        /^alarmActions: arn:aws:automate:us-east-1:ec2:hibernate is not an EC2 action CloudWatch knows$/,
      );
    });

    it("stays quiet for the recover action of the alarm's region on a StatusCheckFailed_System alarm", async () => {
      const { rules } = await fired(withProbe((w) => ({ ...recoverAlarm(w), alarmActions: [w.topic.arn, RECOVER] })));
      assert.deepEqual(rules, []);
    });

    it("stays quiet for stop, reboot and terminate actions (automate and SWF forms), and Auto Scaling, Systems Manager and Lambda ARNs", async () => {
      const { rules } = await fired(
        withProbe((w) => ({
          alarmActions: [
            w.topic.arn,
            "arn:aws:automate:us-east-1:ec2:stop",
            "arn:aws:automate:us-east-1:ec2:reboot",
            "arn:aws:automate:us-east-1:ec2:terminate",
            "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0b6d4c7f-1234-4c3a-9a2e-0123456789ab:autoScalingGroupName/web:policyName/out",
            "arn:aws:ssm:us-east-1:123456789012:opsitem:3#CATEGORY=Availability",
            "arn:aws:lambda:us-east-1:123456789012:function:page-oncall",
            "arn:aws:ssm-incidents::123456789012:response-plan/web-outage",
          ],
          okActions: [
            w.topic.arn,
            "arn:aws:swf:us-east-1:123456789012:action/actions/AWS_EC2.InstanceId.Stop/1.0",
            "arn:aws:swf:us-east-1:123456789012:action/actions/AWS_EC2.InstanceId.Terminate/1.0",
            "arn:aws:swf:us-east-1:123456789012:action/actions/AWS_EC2.InstanceId.Reboot/1.0",
          ],
        })),
      );
      assert.deepEqual(rules, []);
    });
  });
});
