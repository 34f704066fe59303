import * as assert from "node:assert/strict";
import { stackConfig } from "@web-infra/testing";
import { loadSettings, Settings } from "../stacks/web/config";
import { ROOT, STACKS, stackGraph } from "./support";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const GROUP = "aws:autoscaling/group:Group";

for (const stack of STACKS) {
  describe(`whole stack, monitoring: ${stack}`, () => {
    let s: Settings;
    before(() => {
      s = loadSettings(stack, stackConfig({ stack, projectDir: ROOT }).config);
    });

    it("alarms on every tier: 6 for the ALB, 2 for the servers' group, 4 per database instance, 2 more per replica, 1 on the alarm topic's own deliveries", async () => {
      const g = await stackGraph(stack);
      const dbInstances = 1 + s.dbReplicaCount;
      assert.equal(g.ofType(ALARM).length, 6 + 2 + 4 * dbInstances + 2 * s.dbReplicaCount + 1);
      assert.equal(g.get(ALARM, "monitoring-topic-notifications-failed").inputs["metricName"], "NumberOfNotificationsFailed");
      const metrics = g.ofType(ALARM).map((a) => a.inputs["metricName"]);
      for (const m of [
        "HTTPCode_ELB_5XX_Count",
        "HTTPCode_Target_5XX_Count",
        "UnHealthyHostCount",
        "HealthyHostCount",
        "TargetResponseTime",
        "RejectedConnectionCount",
      ]) {
        assert.equal(metrics.filter((x) => x === m).length, 1, m);
      }
      assert.equal(metrics.filter((x) => x === "ReplicaLag").length, 2 * s.dbReplicaCount);
    });

    it("makes every alarm act: actions to the topic, enabled, missing data chosen on purpose", async () => {
      const g = await stackGraph(stack);
      const topic = g.get("aws:sns/topic:Topic", "monitoring-alarms");
      for (const a of g.ofType(ALARM)) {
        assert.ok((a.inputs["alarmActions"] as string[]).includes(String(topic.state["arn"])), a.name);
        assert.equal(a.inputs["actionsEnabled"], true, a.name);
        assert.ok(["breaching", "notBreaching", "ignore", "missing"].includes(String(a.inputs["treatMissingData"])), a.name);
      }
    });

    it("counts healthy hosts and in-service servers against the group's minimum, and leaves replacing servers to the group", async () => {
      const g = await stackGraph(stack);
      assert.equal(g.ofType(ALARM).filter((a) => String(a.inputs["metricName"]).startsWith("StatusCheckFailed")).length, 0);
      assert.ok(g.ofType(ALARM).every((a) => !(a.inputs["alarmActions"] as string[]).some((x) => x.includes(":automate:"))));
      const healthy = g.ofType(ALARM).find((a) => a.inputs["metricName"] === "HealthyHostCount");
      assert.equal(healthy?.inputs["threshold"], s.webServerCount);
      assert.equal(healthy?.inputs["comparisonOperator"], "LessThanThreshold");
      const inService = g.get(ALARM, "monitoring-servers-in-service");
      assert.equal(inService.inputs["threshold"], s.webServerCount);
      assert.deepEqual(inService.inputs["dimensions"], { AutoScalingGroupName: g.get(GROUP, "web-servers").state["name"] });
    });

    it("stops an instance refresh on the target group's unhealthy-hosts and server-5XX alarms", async () => {
      const g = await stackGraph(stack);
      const refresh = g.get(GROUP, "web-servers").inputs["instanceRefresh"] as {
        preferences: { alarmSpecification: { alarms: string[] } };
      };
      assert.deepEqual(refresh.preferences.alarmSpecification.alarms, [
        g.get(ALARM, "monitoring-alb-target-5xx").state["name"],
        g.get(ALARM, "monitoring-alb-unhealthy-hosts").state["name"],
      ]);
    });

    it("gives every alarm a period its metric is published at: 5 minutes for EC2 CPU without detailed monitoring", async () => {
      const g = await stackGraph(stack);
      const cpu = g.get(ALARM, "monitoring-servers-cpu");
      assert.equal(cpu.inputs["period"], s.detailedMonitoring ? 60 : 300);
      // SNS publishes its topic metrics every 1 to 5 minutes: the delivery alarm looks at 5.
      assert.equal(g.get(ALARM, "monitoring-topic-notifications-failed").inputs["period"], 300);
      for (const a of g.ofType(ALARM).filter((x) => !["monitoring-servers-cpu", "monitoring-topic-notifications-failed"].includes(x.name)))
        assert.equal(a.inputs["period"], 60, a.name);
    });

    it("encrypts the alarm topic with a key CloudWatch may use, and emails only where configured", async () => {
      const g = await stackGraph(stack);
      const topic = g.get("aws:sns/topic:Topic", "monitoring-alarms");
      assert.ok(typeof topic.inputs["kmsMasterKeyId"] === "string" && topic.inputs["kmsMasterKeyId"] !== "alias/aws/sns");
      const emails = g.ofType("aws:sns/topicSubscription:TopicSubscription").map((t) => t.inputs["endpoint"]);
      assert.deepEqual(emails, [...s.alarmEmails]);
      if (s.preset === "dev") assert.deepEqual(emails, []);
      if (s.preset === "prod") assert.ok(emails.length >= 1);
    });

    it("publishes a dashboard of every tier and its URL", async () => {
      const g = await stackGraph(stack);
      const dashboard = g.ofType("aws:cloudwatch/dashboard:Dashboard")[0];
      const body = JSON.parse(String(dashboard.inputs["dashboardBody"])) as { widgets: { properties: { metrics?: unknown[][] } }[] };
      const namespaces = new Set(body.widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => m[0])));
      for (const ns of ["AWS/ApplicationELB", "AWS/EC2", "AWS/RDS"]) assert.ok(namespaces.has(ns), ns);
      assert.equal(
        g.outputs["dashboardUrl"],
        `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=${String(dashboard.inputs["dashboardName"])}`,
      );
    });
  });
}
