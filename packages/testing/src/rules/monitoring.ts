import type { CapturedResource, StackGraph } from "../graph";
import { LB, TARGET_GROUP } from "./compute";
import { AwsRule, num, resourceRule } from "./rule";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

const OPERATORS = [
  "GreaterThanOrEqualToThreshold",
  "GreaterThanThreshold",
  "LessThanThreshold",
  "LessThanOrEqualToThreshold",
  // Anomaly-detection operators: valid only with a thresholdMetricId.
  "LessThanLowerOrGreaterThanUpperThreshold",
  "LessThanLowerThreshold",
  "GreaterThanUpperThreshold",
];
const STATISTICS = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];
/** p50, p99.9, tm99, wm90, tc90, ts90, TM(10%:90%)… (CloudWatch percentile and trimmed statistics). */
const EXTENDED = /^(p|tm|wm|tc|ts)(100|\d{1,2}(\.\d{1,2})?)$|^(TM|WM|TC|TS|PR)\(.+\)$|^IQM$/;
const MISSING = ["breaching", "notBreaching", "ignore", "missing"];

export const alarmPeriod: AwsRule = resourceRule(
  "cloudwatch-alarm-period",
  "An alarm period is 10, 20, 30 or a multiple of 60 seconds; period × evaluationPeriods is at most one day, or seven days when the period is an hour or more; datapointsToAlarm ≤ evaluationPeriods (PutMetricAlarm ValidationError)",
  [ALARM],
  (a) => {
    const out: string[] = [];
    const periods = [
      a.inputs["period"],
      ...((a.inputs["metricQueries"] as { metric?: { period?: unknown } }[] | undefined) ?? []).map((q) => q.metric?.period),
    ]
      .map(num)
      .filter((p): p is number => p !== undefined);
    for (const p of periods) {
      if (!(p === 10 || p === 20 || p === 30 || (p > 0 && p % 60 === 0))) out.push(`period ${p} s is not 10, 20, 30 or a multiple of 60`);
    }
    const evaluations = num(a.inputs["evaluationPeriods"]);
    if (evaluations === undefined || evaluations < 1) out.push("evaluationPeriods must be at least 1");
    // A metric-math alarm has no period of its own: its queries' longest period sets the evaluation window.
    const period = periods.length ? Math.max(...periods) : undefined;
    if (period !== undefined && evaluations !== undefined) {
      // PutMetricAlarm EvaluationPeriods: at most 86,400 s in total below a one-hour period, 604,800 s from one hour up.
      const [limit, span] = period >= 3600 ? [604800, "seven days"] : [86400, "one day"];
      if (period * evaluations > limit) {
        out.push(`period × evaluationPeriods is ${period * evaluations} s; CloudWatch evaluates at most ${span}`);
      }
    }
    const datapoints = num(a.inputs["datapointsToAlarm"]);
    if (datapoints !== undefined && evaluations !== undefined && datapoints > evaluations) {
      out.push(`datapointsToAlarm ${datapoints} exceeds evaluationPeriods ${evaluations}`);
    }
    return out;
  },
);

export const alarmOperatorStatistic: AwsRule = resourceRule(
  "cloudwatch-alarm-operator-statistic",
  "An alarm's comparison operator, statistic (or percentile) and treatMissingData are values CloudWatch knows; a metric alarm has exactly one of statistic and extendedStatistic",
  [ALARM],
  (a) => {
    const out: string[] = [];
    const op = a.inputs["comparisonOperator"];
    if (!OPERATORS.includes(String(op)))
      out.push(`comparisonOperator ${JSON.stringify(op)} does not exist; use one of ${OPERATORS.slice(0, 4).join(", ")}`);
    if (OPERATORS.indexOf(String(op)) >= 4 && a.inputs["thresholdMetricId"] === undefined) {
      out.push(`comparisonOperator ${String(op)} is only for anomaly detection (needs thresholdMetricId)`);
    }
    const statistic = a.inputs["statistic"];
    const extended = a.inputs["extendedStatistic"];
    if (a.inputs["metricQueries"] === undefined) {
      if (statistic === undefined && extended === undefined) out.push("a metric alarm needs statistic or extendedStatistic");
      if (statistic !== undefined && extended !== undefined) out.push("statistic and extendedStatistic are mutually exclusive");
    }
    if (statistic !== undefined && !STATISTICS.includes(String(statistic)))
      out.push(`statistic ${JSON.stringify(statistic)} does not exist; use one of ${STATISTICS.join(", ")}`);
    if (extended !== undefined && !EXTENDED.test(String(extended)))
      out.push(`extendedStatistic ${JSON.stringify(extended)} is not a percentile such as p95`);
    const missing = a.inputs["treatMissingData"];
    if (missing !== undefined && !MISSING.includes(String(missing)))
      out.push(`treatMissingData ${JSON.stringify(missing)} is not one of ${MISSING.join(", ")}`);
    return out;
  },
);

/** Which resources a dimension of a namespace names, and the output that must match. */
const DIMENSIONS: Record<string, Record<string, { types: readonly string[]; output: string }>> = {
  "AWS/ApplicationELB": { LoadBalancer: { types: LB, output: "arnSuffix" }, TargetGroup: { types: TARGET_GROUP, output: "arnSuffix" } },
  "AWS/EC2": { InstanceId: { types: ["aws:ec2/instance:Instance"], output: "id" } },
  "AWS/RDS": { DBInstanceIdentifier: { types: ["aws:rds/instance:Instance"], output: "identifier" } },
};

function outputOf(r: CapturedResource, output: string): unknown {
  return output === "id" ? r.id : r.state[output];
}

function dimensionProblem(graph: StackGraph, namespace: unknown, key: string, value: unknown): string | undefined {
  const spec = DIMENSIONS[String(namespace)]?.[key];
  if (!spec) return undefined;
  const match = graph.ofType(...spec.types).some((r) => outputOf(r, spec.output) === value);
  return match
    ? undefined
    : `dimension ${key}=${String(value)} names no ${spec.types[0].split(":").pop()} of this graph (expected its ${spec.output})`;
}

export const alarmDimensions: AwsRule = resourceRule(
  "cloudwatch-alarm-dimensions",
  "An alarm's dimensions (its own or its metric queries') name resources of this graph (e.g. LoadBalancer is an ALB's arnSuffix): otherwise the alarm watches a metric that never reports and stays in INSUFFICIENT_DATA",
  [ALARM],
  (a, graph: StackGraph) => {
    const queries = (
      (a.inputs["metricQueries"] as { metric?: { namespace?: string; dimensions?: Record<string, unknown> } }[] | undefined) ?? []
    ).flatMap((q) => (q.metric ? [q.metric] : []));
    const metrics = [
      { namespace: a.inputs["namespace"], dimensions: a.inputs["dimensions"] as Record<string, unknown> | undefined },
      ...queries,
    ];
    return metrics.flatMap((m) =>
      Object.entries(m.dimensions ?? {}).map(([key, value]) => dimensionProblem(graph, m.namespace, key, value)),
    );
  },
);

/** Services CloudWatch invokes from an alarm besides the EC2 actions (PutMetricAlarm AlarmActions). */
const ACTION_SERVICES = ["sns", "autoscaling", "ssm", "ssm-incidents", "lambda"];

export const alarmActions: AwsRule = resourceRule(
  "cloudwatch-alarm-actions",
  "Alarm, OK and insufficient-data actions are SNS topics, Auto Scaling policies, Systems Manager, Lambda or EC2 stop/terminate/reboot/recover actions of the alarm's own region; recover only on a StatusCheckFailed_System alarm (ValidationError: Invalid EC2 action)",
  [ALARM],
  (a, graph) => {
    const out: string[] = [];
    for (const key of ["alarmActions", "okActions", "insufficientDataActions"]) {
      for (const action of (a.inputs[key] as unknown[] | undefined) ?? []) {
        const arn = String(action);
        const parts = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):/.exec(arn);
        const [service, region] = parts ? [parts[1], parts[2]] : ["", ""];
        if (service === "automate") {
          if (/:ec2:recover$/.test(arn)) {
            if (a.inputs["metricName"] !== "StatusCheckFailed_System")
              out.push(`${key}: the EC2 recover action works only on StatusCheckFailed_System alarms`);
          } else if (!/:ec2:(stop|terminate|reboot)$/.test(arn)) out.push(`${key}: ${arn} is not an EC2 action CloudWatch knows`);
        } else if (service === "swf") {
          // The older form of the EC2 actions, still listed in the PutMetricAlarm API reference.
          if (!/:action\/actions\/AWS_EC2\.InstanceId\.(Stop|Terminate|Reboot)\/1\.0$/.test(arn))
            out.push(`${key}: ${arn} is not an EC2 action CloudWatch knows`);
        } else if (!ACTION_SERVICES.includes(service)) {
          out.push(`${key}: ${arn} is not an SNS topic, Auto Scaling policy, Systems Manager or Lambda ARN`);
          continue;
        }
        // CloudWatch refuses an action in another region; an empty region (Incident Manager response plans) is global.
        if (region !== "" && region !== graph.region)
          out.push(`${key}: ${arn} is for region ${region}, but the alarm is in ${graph.region}`);
      }
    }
    return out;
  },
);

/** EC2 publishes instance metrics every 5 minutes, or every minute with detailed monitoring (EC2 user guide, "Instance metrics"). */
const EC2_BASIC_SECONDS = 300;

/**
 * Seconds between the datapoints of a metric, where the graph tells: EC2 metrics of an instance
 * (its `monitoring`) or of an Auto Scaling group (its launch template's `monitoring.enabled`).
 * Undefined where the graph does not say, or the namespace publishes every minute.
 */
function publishInterval(
  namespace: unknown,
  dimensions: Record<string, unknown> | undefined,
  graph: StackGraph,
): { seconds: number; why: string } | undefined {
  if (namespace !== "AWS/EC2" || !dimensions) return undefined;
  const instance = dimensions["InstanceId"] !== undefined ? graph.byId(dimensions["InstanceId"]) : undefined;
  if (instance?.type === "aws:ec2/instance:Instance")
    return instance.inputs["monitoring"] === true
      ? undefined
      : { seconds: EC2_BASIC_SECONDS, why: `instance ${instance.name} has basic monitoring` };
  const groupName = dimensions["AutoScalingGroupName"];
  if (groupName === undefined) return undefined;
  const group = graph.ofType("aws:autoscaling/group:Group").find((g) => g.state["name"] === groupName);
  const ref = group?.inputs["launchTemplate"] as { id?: unknown } | undefined;
  const template = ref ? graph.byId(ref.id) : undefined;
  if (!group || template?.type !== "aws:ec2/launchTemplate:LaunchTemplate") return undefined;
  const detailed = (template.inputs["monitoring"] as { enabled?: unknown } | undefined)?.enabled === true;
  return detailed
    ? undefined
    : { seconds: EC2_BASIC_SECONDS, why: `group ${group.name}'s launch template ${template.name} has basic monitoring` };
}

export const alarmPeriodResolution: AwsRule = resourceRule(
  "cloudwatch-alarm-period-resolution",
  "An alarm's period is at least its metric's publish interval: without detailed monitoring EC2 publishes every 5 minutes, and a 1-minute alarm on it sees no datapoint in most periods, so it can never fire (CloudWatch accepts it; EC2 user guide, \"Instance metrics\")",
  [ALARM],
  (a, graph) => {
    const metrics = [
      {
        namespace: a.inputs["namespace"],
        dimensions: a.inputs["dimensions"] as Record<string, unknown> | undefined,
        period: num(a.inputs["period"]),
      },
      ...(
        (a.inputs["metricQueries"] as
          { metric?: { namespace?: unknown; dimensions?: Record<string, unknown>; period?: unknown } }[] | undefined) ?? []
      )
        .filter((q) => q.metric)
        .map((q) => ({ namespace: q.metric!.namespace, dimensions: q.metric!.dimensions, period: num(q.metric!.period) })),
    ];
    return metrics.map((m) => {
      const interval = publishInterval(m.namespace, m.dimensions, graph);
      if (!interval || m.period === undefined || m.period >= interval.seconds) return undefined;
      return `period ${m.period} s is shorter than ${String(m.namespace)}'s ${interval.seconds} s publish interval (${interval.why}): the alarm sees no datapoint in most periods and never fires. Use a period of ${interval.seconds} s or turn on detailed monitoring.`;
    });
  },
);

export const MONITORING_RULES: readonly AwsRule[] = [
  alarmPeriod,
  alarmPeriodResolution,
  alarmOperatorStatistic,
  alarmDimensions,
  alarmActions,
];
