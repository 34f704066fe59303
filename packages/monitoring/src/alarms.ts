import * as pulumi from "@pulumi/pulumi";
import type { Thresholds } from "./thresholds";

/** Seconds per datapoint of an alarm unless its metric publishes less often: ALB, Auto Scaling group metrics, EC2 (detailed) and RDS publish per minute. */
export const PERIOD = 60;

/** EC2 publishes instance metrics every 5 minutes without detailed monitoring: a shorter period never has a datapoint. */
export const BASIC_MONITORING_PERIOD = 300;

/**
 * SNS's guide has given both one and five minutes as the interval it pushes topic metrics at:
 * a 5-minute period holds the datapoint either way, where a 1-minute alarm could evaluate before it arrives.
 */
export const TOPIC_PERIOD = 300;

/** Longest logical name an alarm may get, so names stay readable in `pulumi preview` and the console. */
export const MAX_ALARM_NAME = 60;

export type TreatMissingData = "breaching" | "notBreaching" | "missing" | "ignore";
export type ComparisonOperator = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";

/** One alarm, decided before anything is created. */
export interface AlarmSpec {
  /** Logical name, `<component>-<target>-<metric>`. */
  readonly name: string;
  readonly namespace: "AWS/ApplicationELB" | "AWS/EC2" | "AWS/AutoScaling" | "AWS/RDS" | "AWS/SNS";
  readonly metricName: string;
  readonly dimensions: Record<string, pulumi.Input<string>>;
  readonly statistic?: "Sum" | "Average" | "Minimum" | "Maximum";
  readonly extendedStatistic?: string;
  readonly comparisonOperator: ComparisonOperator;
  readonly threshold: number;
  readonly treatMissingData: TreatMissingData;
  /** What breached and what to do: shown in the notification. */
  readonly description: string;
  /** Seconds per datapoint: at least the metric's publish interval. */
  readonly period: number;
  /** Datapoints that must all breach: `evaluationMinutes` in whole periods, at least one. */
  readonly evaluationPeriods: number;
  /** Stops an instance refresh of the web servers when it fires (the web tier's `refreshAlarmNames`). */
  readonly gatesRefresh?: boolean;
}

/** What the alarms are about: counts are known up front, identifiers may be outputs. */
export interface AlarmTargets {
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
  readonly targetGroupArnSuffix: pulumi.Input<string>;
  /** The web servers' Auto Scaling group (`AutoScalingGroupName` dimension). */
  readonly autoScalingGroupName: pulumi.Input<string>;
  /** Servers the group keeps in service at least (its minimum). */
  readonly minServers: number;
  /** Whether the servers publish one-minute EC2 metrics; otherwise EC2 publishes every 5 minutes. */
  readonly detailedMonitoring?: boolean;
  readonly primaryIdentifier: pulumi.Input<string>;
  readonly replicaIdentifiers: readonly pulumi.Input<string>[];
}

const OPERATOR_TEXT: Record<ComparisonOperator, string> = {
  GreaterThanThreshold: "above",
  GreaterThanOrEqualToThreshold: "at or above",
  LessThanThreshold: "below",
};

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function bytes(n: number): string {
  if (n >= GiB && n % (GiB / 16) === 0) return `${n / GiB} GiB (${n} bytes)`;
  if (n >= MiB && n % (MiB / 16) === 0) return `${n / MiB} MiB (${n} bytes)`;
  return `${n} bytes`;
}

type SpecInput = Omit<AlarmSpec, "description" | "period" | "evaluationPeriods"> & {
  period?: number;
  evaluationPeriods?: number;
  what: string;
  shown: string;
  action: string;
};

/** Completes an alarm of component `name`: its period, the periods it spans and the description stating both. */
function specMaker(name: string, t: Thresholds): (s: SpecInput) => AlarmSpec {
  const m = t.evaluationMinutes;
  const window = `in ${m} consecutive minute${m === 1 ? "" : "s"}`;
  return (s) => {
    const { what, shown, action, ...rest } = s;
    const period = s.period ?? PERIOD;
    // The same span for every alarm, in whole periods of its metric: 3 minutes are one 5-minute datapoint.
    const evaluationPeriods = s.evaluationPeriods ?? Math.max(1, Math.ceil((m * 60) / period));
    const span =
      period === PERIOD && s.evaluationPeriods === undefined ? window : `in ${evaluationPeriods} consecutive period(s) of ${period} s`;
    return {
      ...rest,
      period,
      evaluationPeriods,
      description:
        `${name}: ${what} ${OPERATOR_TEXT[s.comparisonOperator]} ${shown} ` +
        `(${s.metricName} ${s.statistic ?? s.extendedStatistic} per ${period} s) ${span}. ${action}`,
    };
  };
}

/** Logical name of the alarm on the alarm topic's own failed deliveries. */
export function topicAlarmName(name: string): string {
  return `${name}-topic-notifications-failed`;
}

/**
 * The alarm on the alarm topic itself: notifications SNS failed to deliver to a subscription
 * (NumberOfNotificationsFailed of the topic).
 */
export function planTopicAlarm(name: string, topicName: pulumi.Input<string>, t: Thresholds): AlarmSpec {
  const spec = specMaker(name, t);
  return spec({
    name: topicAlarmName(name),
    namespace: "AWS/SNS",
    metricName: "NumberOfNotificationsFailed",
    dimensions: { TopicName: topicName },
    statistic: "Sum",
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    period: TOPIC_PERIOD,
    // SNS counts a notification only once it stops retrying it: one is a page already lost, whatever evaluationMinutes says.
    evaluationPeriods: 1,
    // SNS publishes this only for periods in which a delivery failed: no data means every notification arrived.
    treatMissingData: "notBreaching",
    what: "notifications the alarm topic failed to deliver were",
    shown: "1",
    action:
      "A subscription missed an alarm notification that SNS stopped retrying, so this one may reach only the others: run aws sns list-subscriptions-by-topic and fix or replace the failing address (full mailbox, deleted account, a domain rejecting mail). The CloudWatch console lists the alarms that fired meanwhile; OpsCenter holds an OpsItem for this alarm.",
  });
}

/**
 * Every alarm of a Monitoring component on the monitored resources, in creation order: the
 * load balancer, then the server group, then the primary and each replica. Each alarm spans
 * `evaluationMinutes` (at least one period of its metric). The alarm on the topic itself is
 * `planTopicAlarm`'s.
 */
export function planAlarms(name: string, targets: AlarmTargets, t: Thresholds): AlarmSpec[] {
  const spec = specMaker(name, t);

  const lb = { LoadBalancer: targets.loadBalancerArnSuffix };
  const tg = { TargetGroup: targets.targetGroupArnSuffix, LoadBalancer: targets.loadBalancerArnSuffix };
  const servers = targets.minServers;
  const alb: AlarmSpec[] = [
    spec({
      name: `${name}-alb-elb-5xx`,
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_ELB_5XX_Count",
      dimensions: lb,
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.elb5xxPerMinute,
      // The ALB publishes count metrics only for minutes with a non-zero count: no data means no errors.
      treatMissingData: "notBreaching",
      what: "the load balancer generated 5XX responses",
      shown: `${t.elb5xxPerMinute} per minute`,
      action:
        "Requests reached no server in time: check the healthy-hosts alarm and target health in the EC2 console, then the servers' nginx (SSM Session Manager).",
    }),
    spec({
      name: `${name}-alb-target-5xx`,
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_Target_5XX_Count",
      dimensions: tg,
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.target5xxPerMinute,
      // Published only for minutes in which a server returned a 5XX: no data means no errors.
      treatMissingData: "notBreaching",
      gatesRefresh: true,
      what: "the web servers returned 5XX responses",
      shown: `${t.target5xxPerMinute} per minute`,
      action:
        "The application is failing: check the latest release and the servers' logs, and the database alarms (a database outage shows up here first).",
    }),
    spec({
      name: `${name}-alb-unhealthy-hosts`,
      namespace: "AWS/ApplicationELB",
      metricName: "UnHealthyHostCount",
      dimensions: tg,
      statistic: "Maximum",
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      // Silence means the target group reports nothing at all; the healthy-hosts alarm treats that as breaching,
      // so this one stays quiet instead of paging twice for one cause.
      treatMissingData: "notBreaching",
      gatesRefresh: true,
      what: "unhealthy web servers were",
      shown: "1",
      action:
        "A server fails its /healthz check and is out of rotation. The Auto Scaling group replaces it by itself (ELB health checks); if this persists or repeats, the new servers fail too: check the latest image or boot script (an instance refresh stops on this alarm; deploy the previous version to undo it) and nginx over SSM Session Manager.",
    }),
    spec({
      name: `${name}-alb-healthy-hosts`,
      namespace: "AWS/ApplicationELB",
      metricName: "HealthyHostCount",
      dimensions: tg,
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: servers,
      // The ALB reports this every minute while the target group is attached; silence means it no longer
      // serves the servers at all, which is the failure this alarm exists for.
      treatMissingData: "breaching",
      what: "healthy web servers were",
      shown: `the group's minimum of ${servers}`,
      action:
        "The site runs without redundancy (or not at all) although the group should have replaced the missing server: look at the group's activity history for failed launches (capacity, quota, image) and at the in-service alarm.",
    }),
    spec({
      name: `${name}-alb-response-time-p95`,
      namespace: "AWS/ApplicationELB",
      metricName: "TargetResponseTime",
      dimensions: tg,
      extendedStatistic: "p95",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.responseTimeP95Seconds,
      // Published only for minutes with requests: no requests, no slow requests. An outage shows up in the host and 5XX alarms.
      treatMissingData: "notBreaching",
      what: "the 95th percentile response time of the web servers was",
      shown: `${t.responseTimeP95Seconds} s`,
      action: "Users wait: check the servers' CPU alarms and the database's CPU, connections and replica lag.",
    }),
    spec({
      name: `${name}-alb-rejected-connections`,
      namespace: "AWS/ApplicationELB",
      metricName: "RejectedConnectionCount",
      dimensions: lb,
      statistic: "Sum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.rejectedConnectionsPerMinute,
      // Published only when the ALB refused a connection: no data means none were refused.
      treatMissingData: "notBreaching",
      what: "connections the load balancer refused at its connection limit were",
      shown: `${t.rejectedConnectionsPerMinute} per minute`,
      action: "Users are turned away: look for a traffic spike or attack (WAF metrics) and open an AWS support case if it persists.",
    }),
  ];

  const group = { AutoScalingGroupName: targets.autoScalingGroupName };
  const ec2: AlarmSpec[] = [
    spec({
      name: `${name}-servers-in-service`,
      namespace: "AWS/AutoScaling",
      metricName: "GroupInServiceInstances",
      dimensions: group,
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: servers,
      // The group publishes this every minute (group metrics are on); silence means the group is gone.
      treatMissingData: "breaching",
      what: "servers in service in the Auto Scaling group were",
      shown: `its minimum of ${servers}`,
      action:
        "The group cannot keep its minimum: read its activity history (failed launches: capacity in the AZs, an account quota, a broken image or launch template) and fix the cause; it retries by itself.",
    }),
    spec({
      name: `${name}-servers-cpu`,
      namespace: "AWS/EC2",
      metricName: "CPUUtilization",
      dimensions: group,
      statistic: "Average",
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.ec2CpuPercent,
      period: targets.detailedMonitoring === false ? BASIC_MONITORING_PERIOD : PERIOD,
      // The group's servers always report CPU; no data means no servers, which the in-service alarm reports.
      treatMissingData: "missing",
      what: "the average CPU of the web servers was",
      shown: `${t.ec2CpuPercent} %`,
      action:
        "The servers are saturated although the group scales on requests: look for a runaway process over SSM Session Manager, raise maxWebServers if the group is at its maximum, or move to a larger instance type.",
    }),
  ];

  const db = (role: string, identifier: pulumi.Input<string>, replica: boolean): AlarmSpec[] => {
    const label = replica ? `database ${role.replace("-", " ")}` : "the database primary";
    const dimensions = { DBInstanceIdentifier: identifier };
    const base = `${name}-db-${role}`;
    // RDS publishes these every minute while the instance is available: silence means it is stopped, rebooting
    // or being replaced, which RDS events report. Paging on it would page for every maintenance reboot.
    const missing: TreatMissingData = "missing";
    const alarms: AlarmSpec[] = [
      spec({
        name: `${base}-cpu`,
        namespace: "AWS/RDS",
        metricName: "CPUUtilization",
        dimensions,
        statistic: "Average",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.rdsCpuPercent,
        treatMissingData: missing,
        what: `the CPU of ${label} was`,
        shown: `${t.rdsCpuPercent} %`,
        action:
          "Queries queue up: find the heaviest in Performance Insights or the slow query log, add an index, or scale the instance class.",
      }),
      spec({
        name: `${base}-free-storage`,
        namespace: "AWS/RDS",
        metricName: "FreeStorageSpace",
        dimensions,
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: t.rdsFreeStorageBytes,
        treatMissingData: missing,
        what: `the free storage of ${label} was`,
        shown: bytes(t.rdsFreeStorageBytes),
        action:
          "MySQL stops accepting writes when storage runs out: raise maxAllocatedStorageGiB (autoscaling may be at its ceiling) and look for runaway tables or binary logs.",
      }),
      spec({
        name: `${base}-freeable-memory`,
        namespace: "AWS/RDS",
        metricName: "FreeableMemory",
        dimensions,
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: t.rdsFreeableMemoryBytes,
        treatMissingData: missing,
        what: `the freeable memory of ${label} was`,
        shown: bytes(t.rdsFreeableMemoryBytes),
        action: "MySQL is about to swap: check connections (each holds buffers) and the buffer pool size, or scale the instance class.",
      }),
      spec({
        name: `${base}-connections`,
        namespace: "AWS/RDS",
        metricName: "DatabaseConnections",
        dimensions,
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.rdsConnections,
        treatMissingData: missing,
        what: `client connections to ${label} were`,
        shown: `${t.rdsConnections}`,
        action:
          "Close to max_connections new clients are refused: look for leaked connections in the application (SHOW PROCESSLIST) before raising the limit.",
      }),
    ];
    if (!replica) return alarms;
    return [
      ...alarms,
      spec({
        name: `${base}-replica-lag`,
        namespace: "AWS/RDS",
        metricName: "ReplicaLag",
        dimensions,
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: t.replicaLagSeconds,
        // Silence is the replica stopped, rebooting or being replaced, which RDS events report; counted as no lag it never pages.
        treatMissingData: "notBreaching",
        what: `the lag of ${label} behind the primary was`,
        shown: `${t.replicaLagSeconds} s`,
        action:
          "Reads from this replica are stale: look for long transactions or heavy writes on the primary, and a replica class smaller than the primary's.",
      }),
      spec({
        name: `${base}-replication-broken`,
        namespace: "AWS/RDS",
        metricName: "ReplicaLag",
        dimensions,
        statistic: "Minimum",
        comparisonOperator: "LessThanThreshold",
        threshold: 0,
        // RDS reports -1 while replication is stopped, and that value fires this alarm. Silence is the replica being created,
        // rebooting or replaced, which RDS events report (the rule above): breaching paged on every replica creation and reboot.
        treatMissingData: missing,
        what: `the replica lag of ${label} was`,
        shown: "0 (RDS reports -1 when replication is not running)",
        action:
          "The replica serves ever older data: run SHOW REPLICA STATUS for the error, then call mysql.rds_skip_repl_error or recreate the replica; move reads to the primary meanwhile.",
      }),
    ];
  };

  const rds = [
    ...db("primary", targets.primaryIdentifier, false),
    ...targets.replicaIdentifiers.flatMap((id, i) => db(`replica-${i}`, id, true)),
  ];
  return [...alb, ...ec2, ...rds];
}
