import * as pulumi from "@pulumi/pulumi";
import { AlarmTargets, PERIOD } from "./alarms";
import type { Thresholds } from "./thresholds";

/** Grid units of a dashboard row (CloudWatch's grid is 24 wide) and of each widget's height. */
const GRID_WIDTH = 24;
const ROW_HEIGHT = 6;

/** `[namespace, metric, dimension, value, …, options]`: one line of a metric widget (dashboard body structure). */
export type MetricLine = pulumi.Input<string | { stat: string; label: string }>[];

export interface MetricWidget {
  type: "metric";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title: string;
    region: pulumi.Input<string>;
    period: number;
    view: "timeSeries";
    stacked: false;
    metrics: MetricLine[];
    annotations?: { horizontal: { label: string; value: number }[] };
    yAxis: { left: { min: 0 } };
  };
}

/** Dashboard names: letters, digits, `-` and `_`, at most 255 (PutDashboard). */
export function dashboardNameFor(project: string, stack: string, name: string): string {
  return `${project}-${stack}-${name}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
}

/**
 * The dashboard body: one row per tier (load balancer, web servers, database), each
 * widget a metric graph whose lines follow CloudWatch's dashboard body structure.
 * Alarm thresholds are drawn as horizontal annotations.
 */
export function dashboardBody(targets: AlarmTargets, t: Thresholds, region: pulumi.Input<string>): { widgets: MetricWidget[] } {
  const rows: { title: string; metrics: MetricLine[]; lines?: { label: string; value: number }[] }[][] = [];
  const lb = ["LoadBalancer", targets.loadBalancerArnSuffix];
  const tg = ["TargetGroup", targets.targetGroupArnSuffix, "LoadBalancer", targets.loadBalancerArnSuffix];
  const alb = (metric: string, dims: pulumi.Input<string>[], stat: string, label: string): MetricLine => [
    "AWS/ApplicationELB",
    metric,
    ...dims,
    { stat, label },
  ];
  rows.push([
    { title: "Load balancer: requests", metrics: [alb("RequestCount", lb, "Sum", "Requests")] },
    {
      title: "Load balancer: 5XX responses",
      metrics: [
        alb("HTTPCode_ELB_5XX_Count", lb, "Sum", "From the load balancer"),
        alb("HTTPCode_Target_5XX_Count", tg, "Sum", "From the servers"),
      ],
      lines: [
        { label: "Load balancer 5XX alarm", value: t.elb5xxPerMinute },
        { label: "Server 5XX alarm", value: t.target5xxPerMinute },
      ],
    },
    {
      title: "Load balancer: target response time p95 (s)",
      metrics: [alb("TargetResponseTime", tg, "p95", "p95")],
      lines: [{ label: "Alarm", value: t.responseTimeP95Seconds }],
    },
    {
      title: "Load balancer: healthy and unhealthy servers",
      metrics: [alb("HealthyHostCount", tg, "Minimum", "Healthy"), alb("UnHealthyHostCount", tg, "Maximum", "Unhealthy")],
      lines: [{ label: "Group minimum", value: targets.minServers }],
    },
  ]);

  const group = (namespace: string, metric: string, stat: string, label: string): MetricLine => [
    namespace,
    metric,
    "AutoScalingGroupName",
    targets.autoScalingGroupName,
    { stat, label },
  ];
  rows.push([
    {
      title: "Web servers: average CPU (%)",
      metrics: [group("AWS/EC2", "CPUUtilization", "Average", "Average"), group("AWS/EC2", "CPUUtilization", "Maximum", "Busiest")],
      lines: [{ label: "Alarm", value: t.ec2CpuPercent }],
    },
    {
      title: "Web servers: Auto Scaling group",
      metrics: [
        group("AWS/AutoScaling", "GroupInServiceInstances", "Minimum", "In service"),
        group("AWS/AutoScaling", "GroupDesiredCapacity", "Maximum", "Desired"),
        group("AWS/AutoScaling", "GroupPendingInstances", "Maximum", "Pending"),
      ],
      lines: [{ label: "Minimum", value: targets.minServers }],
    },
  ]);

  const databases: [string, pulumi.Input<string>][] = [
    ["primary", targets.primaryIdentifier],
    ...targets.replicaIdentifiers.map((id, i): [string, pulumi.Input<string>] => [`replica ${i}`, id]),
  ];
  const rds = (metric: string, stat: string, list = databases): MetricLine[] =>
    list.map(([label, id]) => ["AWS/RDS", metric, "DBInstanceIdentifier", id, { stat, label }]);
  const dbRow: (typeof rows)[number] = [
    { title: "Database: CPU (%)", metrics: rds("CPUUtilization", "Average"), lines: [{ label: "Alarm", value: t.rdsCpuPercent }] },
    {
      title: "Database: free storage (bytes)",
      metrics: rds("FreeStorageSpace", "Minimum"),
      lines: [{ label: "Alarm", value: t.rdsFreeStorageBytes }],
    },
    {
      title: "Database: freeable memory (bytes)",
      metrics: rds("FreeableMemory", "Minimum"),
      lines: [{ label: "Alarm", value: t.rdsFreeableMemoryBytes }],
    },
    {
      title: "Database: connections",
      metrics: rds("DatabaseConnections", "Maximum"),
      lines: [{ label: "Alarm", value: t.rdsConnections }],
    },
  ];
  if (targets.replicaIdentifiers.length) {
    dbRow.push({
      title: "Database: replica lag (s)",
      metrics: rds("ReplicaLag", "Maximum", databases.slice(1)),
      lines: [{ label: "Alarm", value: t.replicaLagSeconds }],
    });
  }
  rows.push(dbRow);

  const widgets = rows.flatMap((row, r) => {
    const width = Math.floor(GRID_WIDTH / row.length);
    return row.map((w, c): MetricWidget => ({
      type: "metric",
      x: c * width,
      y: r * ROW_HEIGHT,
      width,
      height: ROW_HEIGHT,
      properties: {
        title: w.title,
        region,
        period: PERIOD,
        view: "timeSeries",
        stacked: false,
        metrics: w.metrics,
        ...(w.lines ? { annotations: { horizontal: w.lines } } : {}),
        yAxis: { left: { min: 0 } },
      },
    }));
  });
  return { widgets };
}
