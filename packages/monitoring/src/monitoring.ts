import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, withName } from "@web-infra/core";
import { AlarmSpec, MAX_ALARM_NAME, PERIOD, planAlarms } from "./alarms";
import { dashboardBody, dashboardNameFor } from "./dashboard";
import { resolveThresholds, Thresholds } from "./thresholds";

/**
 * The AWS managed SNS key: CloudWatch cannot publish to a topic encrypted with it (its key
 * policy cannot grant cloudwatch.amazonaws.com kms:GenerateDataKey*), so every alarm
 * notification would be dropped with a KMS AccessDeniedException in the alarm history.
 */
export const AWS_MANAGED_SNS_KEY = "alias/aws/sns";

export interface MonitoringArgs {
  /** The ALB's `arnSuffix` (`app/<name>/<id>`): CloudWatch's `LoadBalancer` dimension. */
  readonly loadBalancerArnSuffix: pulumi.Input<string>;
  /** The target group's `arnSuffix` (`targetgroup/<name>/<id>`): CloudWatch's `TargetGroup` dimension. */
  readonly targetGroupArnSuffix: pulumi.Input<string>;
  /**
   * One id per web server, at least 1. The count must be known up front: it sets how many
   * alarms exist and the healthy-hosts threshold.
   */
  readonly instanceIds: pulumi.Input<string>[];
  /** `DBInstanceIdentifier` of the MySQL primary. */
  readonly primaryIdentifier: pulumi.Input<string>;
  /** `DBInstanceIdentifier` of each read replica; may be empty. */
  readonly replicaIdentifiers: pulumi.Input<string>[];
  /**
   * Addresses subscribed to the alarm topic by email. Each receives a confirmation mail and
   * gets nothing until it is confirmed.
   *
   * @default [] - no subscription: subscribe a pager or chat integration to `topicArn` yourself
   */
  readonly emails?: readonly string[];
  /**
   * When each alarm fires; every value documents its default and why.
   *
   * @default DEFAULT_THRESHOLDS
   */
  readonly thresholds?: Partial<Thresholds>;
  /**
   * KMS key (id, ARN or alias) that encrypts the alarm topic. Its key policy must let
   * `cloudwatch.amazonaws.com` use `kms:GenerateDataKey*` and `kms:Decrypt`, or no alarm
   * reaches the topic; `alias/aws/sns` (the AWS managed key) cannot, and is refused.
   *
   * @default - a customer-managed key created for the topic, rotated yearly, that CloudWatch alarms of this account may use
   */
  readonly snsKmsKeyId?: pulumi.Input<string>;
  /**
   * Create a CloudWatch dashboard with one row per tier.
   *
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * Tags for the topic, key and alarms; each also gets a `Name`. (Dashboards take no tags.)
   *
   * @default - no extra tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

interface Resolved {
  emails: readonly string[];
  thresholds: Thresholds;
  dashboard: boolean;
  alarms: AlarmSpec[];
}

/** Deliberately simple: something@domain.tld without spaces; SNS sends the confirmation mail that proves the rest. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

/** Apply defaults and check every argument, throwing all problems at once before anything is created. */
export function resolveMonitoringArgs(name: string, args: MonitoringArgs): Resolved {
  const p = new Problems(`web-infra:monitoring:Monitoring "${name}"`);
  const emails = args.emails ?? [];
  const seen = new Map<string, number>();
  emails.forEach((email, i) => {
    if (
      !p.check(
        typeof email === "string" && EMAIL.test(email),
        `emails[${i}]`,
        "must be an email address such as ops@example.com",
        email,
        "Fix the address or remove it.",
      )
    )
      return;
    const key = email.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      p.add(
        `emails[${i}]`,
        `must not repeat emails[${first}]: both would be the same SNS subscription, and removing either would remove it`,
        {
          got: email,
          fix: "List each address once.",
        },
      );
  });
  const thresholds = resolveThresholds(args.thresholds, p);
  p.check(
    args.instanceIds.length >= 1,
    "instanceIds",
    "must list at least 1 web server: the health alarms compare against the count",
    args.instanceIds.length,
    "Pass web.instances.map((i) => i.id).",
  );
  if (typeof args.snsKmsKeyId === "string") {
    p.check(
      args.snsKmsKeyId.trim() !== "" && !args.snsKmsKeyId.endsWith(AWS_MANAGED_SNS_KEY),
      "snsKmsKeyId",
      "must be a customer-managed key that cloudwatch.amazonaws.com may use: CloudWatch cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, so every notification would be dropped",
      args.snsKmsKeyId,
      "Leave snsKmsKeyId unset to have a key created, or grant cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt on your key.",
    );
  }

  p.check(
    /^[A-Za-z0-9_-]+$/.test(name),
    "name",
    "must hold only letters, digits, - and _: the alarm topic is auto-named from it, and SNS topic names allow nothing else",
    name,
    "Rename the component, e.g. monitoring.",
  );
  const alarms = planAlarms(name, args, thresholds);
  const longest = alarms.reduce((a, b) => (b.name.length > a.length ? b.name : a), "");
  p.check(
    longest.length <= MAX_ALARM_NAME,
    "name",
    `must be short enough that every alarm's logical name fits ${MAX_ALARM_NAME} characters (the longest, "${longest}", has ${longest.length})`,
    name,
    `Shorten the component name by ${longest.length - MAX_ALARM_NAME} characters.`,
  );
  p.throwIfAny();
  return { emails, thresholds, dashboard: args.dashboard ?? true, alarms };
}

/**
 * Alarms on the seed's web architecture, to one encrypted SNS topic: the load balancer
 * (5XX from itself and the servers, unhealthy and missing servers, p95 latency, refused
 * connections), each web server (status checks with automatic EC2 recovery, CPU) and each
 * MySQL instance (CPU, storage, memory, connections; lag and broken replication on
 * replicas). Every alarm also notifies when it clears. A dashboard shows the same metrics,
 * one row per tier.
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;
  /** The key encrypting the topic, when none was given. */
  public readonly key?: aws.kms.Key;
  public readonly subscriptions: aws.sns.TopicSubscription[];
  /** Every alarm with its logical name, in creation order (load balancer, servers, primary, replicas). */
  public readonly alarms: { name: string; resource: aws.cloudwatch.MetricAlarm }[];
  public readonly dashboard?: aws.cloudwatch.Dashboard;
  /** The thresholds in effect: defaults merged with the overrides. */
  public readonly thresholds: Thresholds;
  public readonly topicArn: pulumi.Output<string>;
  public readonly alarmArns: pulumi.Output<string[]>;
  /** Set unless `dashboard` is false. */
  public readonly dashboardName?: pulumi.Output<string>;
  /** Console link to the dashboard; set unless `dashboard` is false. */
  public readonly dashboardUrl?: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const cfg = resolveMonitoringArgs(name, args);
    super("web-infra:monitoring:Monitoring", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags;
    this.thresholds = cfg.thresholds;

    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;

    this.key = args.snsKmsKeyId === undefined ? this.topicKey(name, partition, region, tags) : undefined;
    this.topic = new aws.sns.Topic(
      `${name}-alarms`,
      {
        displayName: `${pulumi.getProject()} ${pulumi.getStack()} alarms`,
        kmsMasterKeyId: args.snsKmsKeyId ?? this.key?.arn,
        tags: withName(tags, `${name}-alarms`),
      },
      parent,
    );
    this.topicArn = this.topic.arn;
    this.subscriptions = cfg.emails.map(
      (email, i) =>
        new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: this.topic.arn, protocol: "email", endpoint: email }, parent),
    );

    const recover = pulumi.interpolate`arn:${partition}:automate:${region}:ec2:recover`;
    const evaluations = cfg.thresholds.evaluationMinutes;
    this.alarms = cfg.alarms.map((a) => ({
      name: a.name,
      resource: new aws.cloudwatch.MetricAlarm(
        a.name,
        {
          alarmDescription: a.description,
          namespace: a.namespace,
          metricName: a.metricName,
          dimensions: a.dimensions,
          statistic: a.statistic,
          extendedStatistic: a.extendedStatistic,
          // A percentile over a handful of requests says little: keep the state in quiet minutes.
          evaluateLowSampleCountPercentiles: a.extendedStatistic ? "ignore" : undefined,
          comparisonOperator: a.comparisonOperator,
          threshold: a.threshold,
          period: PERIOD,
          evaluationPeriods: evaluations,
          // Every datapoint of the window must breach: one bad minute never pages.
          datapointsToAlarm: evaluations,
          treatMissingData: a.treatMissingData,
          actionsEnabled: true,
          alarmActions: a.recover ? [this.topic.arn, recover] : [this.topic.arn],
          okActions: [this.topic.arn],
          tags: withName(tags, a.name),
        },
        parent,
      ),
    }));
    this.alarmArns = pulumi.all(this.alarms.map((a) => a.resource.arn));

    if (cfg.dashboard) {
      this.dashboard = new aws.cloudwatch.Dashboard(
        name,
        {
          dashboardName: dashboardNameFor(pulumi.getProject(), pulumi.getStack(), name),
          dashboardBody: pulumi.jsonStringify(dashboardBody(args, cfg.thresholds, region)),
        },
        parent,
      );
      this.dashboardName = this.dashboard.dashboardName;
      this.dashboardUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${this.dashboard.dashboardName}`;
    }

    this.registerOutputs({
      topicArn: this.topicArn,
      alarmArns: this.alarmArns,
      dashboardName: this.dashboardName,
      dashboardUrl: this.dashboardUrl,
    });
  }

  /**
   * A customer-managed key for the topic, rotated yearly (KMS.4). CloudWatch encrypts the
   * notification itself when an alarm publishes, so its service principal needs the key,
   * limited to alarms of this account and region (confused-deputy conditions); no `*` principal (KMS.5).
   */
  private topicKey(
    name: string,
    partition: pulumi.Output<string>,
    region: pulumi.Output<string>,
    tags: MonitoringArgs["tags"],
  ): aws.kms.Key {
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    return new aws.kms.Key(
      `${name}-alarms`,
      {
        description: `Encrypts the alarm topic of ${name} (${pulumi.getStack()})`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              {
                sid: "AccountAdministers",
                actions: ["kms:*"],
                resources: ["*"],
                principals: [{ type: "AWS", identifiers: [pulumi.interpolate`arn:${partition}:iam::${account}:root`] }],
              },
              {
                sid: "CloudWatchAlarmsPublish",
                actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
                resources: ["*"],
                principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
                conditions: [
                  { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
                  {
                    test: "ArnLike",
                    variable: "aws:SourceArn",
                    values: [pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${account}:alarm:*`],
                  },
                ],
              },
            ],
          },
          parent,
        ).json,
        tags: withName(tags, `${name}-alarms`),
      },
      parent,
    );
  }
}
