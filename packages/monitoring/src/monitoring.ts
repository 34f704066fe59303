import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext, accountAdministers, Problems, withName } from "@web-infra/core";
import { AlarmSpec, MAX_ALARM_NAME, planAlarms, planTopicAlarm, topicAlarmName } from "./alarms";
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
  /** The web servers' Auto Scaling group name (`web.autoScalingGroupName`): group alarms and refresh events. */
  readonly autoScalingGroupName: pulumi.Input<string>;
  /** The group's minimum (`webServerCount`): the healthy-hosts and in-service alarms fire below it. */
  readonly minServers: number;
  /**
   * Whether the servers publish one-minute EC2 metrics (`detailedMonitoring` of the web tier);
   * without, EC2 publishes every 5 minutes and the CPU alarm's period follows.
   *
   * @default true
   */
  readonly detailedMonitoring?: boolean;
  /** `DBInstanceIdentifier` of the MySQL primary. */
  readonly primaryIdentifier: pulumi.Input<string>;
  /** `DBInstanceIdentifier` of each read replica; may be empty. */
  readonly replicaIdentifiers: pulumi.Input<string>[];
  /**
   * Addresses subscribed to the alarm topic by email. Each receives a confirmation mail and
   * gets nothing until it is confirmed; confirm with `--authenticate-on-unsubscribe true`
   * (README) so the unsubscribe link in every alarm mail needs AWS credentials.
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
   * `cloudwatch.amazonaws.com` and `events.amazonaws.com` use `kms:GenerateDataKey*` and
   * `kms:Decrypt`, or no alarm (or refresh event) reaches the topic; `alias/aws/sns` (the AWS
   * managed key) cannot, and is refused.
   *
   * @default - a customer-managed key created for the topic, rotated yearly, that CloudWatch alarms and EventBridge rules of this account may use
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

/**
 * A policy statement's principal for an AWS service acting on behalf of this account's resources
 * that match `sourceArn`: the confused-deputy conditions (aws:SourceAccount, aws:SourceArn).
 */
function fromService(service: string, account: pulumi.Input<string>, sourceArn: pulumi.Input<string>) {
  return {
    principals: [{ type: "Service", identifiers: [service] }],
    conditions: [
      { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [sourceArn] },
    ],
  };
}

/** OpsItem severity (1 critical to 4 low) of a failed alarm delivery: high, since alarms may be going unseen. */
export const OPSITEM_SEVERITY = 2;

/** The Auto Scaling events about an instance refresh that a person must look at. */
export const REFRESH_EVENTS = [
  "EC2 Auto Scaling Instance Refresh Failed",
  "EC2 Auto Scaling Instance Refresh Cancelled",
  "EC2 Auto Scaling Instance Refresh Rollback Started",
  "EC2 Auto Scaling Instance Refresh Rollback Failed",
  "EC2 Auto Scaling Instance Refresh Rollback Succeeded",
] as const;

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
    Number.isInteger(args.minServers) && args.minServers >= 1,
    "minServers",
    "must be a whole number of servers, at least 1: the health alarms compare against it",
    args.minServers,
    "Pass the web tier's webServerCount.",
  );
  if (typeof args.snsKmsKeyId === "string") {
    p.check(
      args.snsKmsKeyId.trim() !== "" && !args.snsKmsKeyId.endsWith(AWS_MANAGED_SNS_KEY),
      "snsKmsKeyId",
      "must be a customer-managed key that cloudwatch.amazonaws.com may use: CloudWatch cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, so every notification would be dropped",
      args.snsKmsKeyId,
      "Leave snsKmsKeyId unset to have a key created, or grant cloudwatch.amazonaws.com and events.amazonaws.com kms:GenerateDataKey* and kms:Decrypt on your key.",
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
  const longest = [...alarms.map((a) => a.name), topicAlarmName(name)].reduce((a, b) => (b.length > a.length ? b : a), "");
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
 * connections), the servers' Auto Scaling group (in-service servers below its minimum,
 * CPU) and each MySQL instance (CPU, storage, memory, connections; lag and broken
 * replication on replicas), and the topic's own failed deliveries, which also open an
 * OpsCenter OpsItem. Every alarm also notifies when it clears. Instance refreshes
 * that fail, are cancelled or roll back reach the same topic through EventBridge. A
 * dashboard shows the same metrics, one row per tier.
 */
export class Monitoring extends pulumi.ComponentResource {
  public readonly topic: aws.sns.Topic;
  /** The key encrypting the topic, when none was given. */
  public readonly key?: aws.kms.Key;
  public readonly subscriptions: aws.sns.TopicSubscription[];
  /** Every alarm with its logical name, in creation order (load balancer, servers, primary, replicas, the topic's failed deliveries). */
  public readonly alarms: { name: string; resource: aws.cloudwatch.MetricAlarm }[];
  public readonly dashboard?: aws.cloudwatch.Dashboard;
  /**
   * The target group's unhealthy-hosts and server-5XX alarms: give their names to the web
   * tier's `refreshAlarmNames`, so an instance refresh that trips them stops.
   */
  public readonly refreshAlarms: aws.cloudwatch.MetricAlarm[];
  /** EventBridge rule sending the group's failed, cancelled and rolled-back instance refreshes to the topic. */
  public readonly refreshEvents: aws.cloudwatch.EventRule;
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

    const region = awsContext(this).region;
    const partition = awsContext(this).partition;

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

    const account = awsContext(this).accountId;
    const topicAlarm = planTopicAlarm(name, this.topic.name, cfg.thresholds);
    const specs = [...cfg.alarms, topicAlarm];
    this.alarms = specs.map((a) => ({
      name: a.name,
      resource: this.metricAlarm(
        a,
        a === topicAlarm
          ? [
              // SNS counts failures per subscription: while one address bounces, the others still get this
              // alarm through the topic. The OpsItem needs no topic, so it is the record left when every delivery fails.
              this.topic.arn,
              pulumi.interpolate`arn:${partition}:ssm:${region}:${account}:opsitem:${OPSITEM_SEVERITY}#CATEGORY=Availability`,
            ]
          : [this.topic.arn],
        tags,
      ),
    }));
    this.refreshAlarms = this.alarms.filter((_, i) => specs[i]!.gatesRefresh).map((a) => a.resource);
    this.refreshEvents = this.refreshEventRule(name, args.autoScalingGroupName, tags);
    const topicPolicy = this.topicPolicy(name, this.refreshEvents, partition, region);
    new aws.cloudwatch.EventTarget(
      `${name}-refresh`,
      { rule: this.refreshEvents.name, arn: this.topic.arn },
      // A target added before the topic policy would have its first events refused.
      { ...parent, dependsOn: [topicPolicy] },
    );
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

  /** One alarm as planned, notifying the topic when it clears; `alarmActions` say where it goes when it fires. */
  private metricAlarm(a: AlarmSpec, alarmActions: pulumi.Input<string>[], tags: MonitoringArgs["tags"]): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
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
        period: a.period,
        evaluationPeriods: a.evaluationPeriods,
        // Every datapoint of the window must breach: one bad minute never pages where the window spans several.
        datapointsToAlarm: a.evaluationPeriods,
        treatMissingData: a.treatMissingData,
        actionsEnabled: true,
        alarmActions,
        okActions: [this.topic.arn],
        tags: withName(tags, a.name),
      },
      { parent: this },
    );
  }

  /**
   * Instance refresh outcomes that need a person: the refresh failed, was cancelled, or rolled
   * back, as EventBridge reports them (Auto Scaling user guide, "Instance refresh example events
   * and patterns"). Its target is added once the topic policy lets it publish.
   */
  private refreshEventRule(name: string, groupName: pulumi.Input<string>, tags: MonitoringArgs["tags"]): aws.cloudwatch.EventRule {
    return new aws.cloudwatch.EventRule(
      `${name}-refresh`,
      {
        description: `Instance refreshes of the web servers that failed, were cancelled or rolled back (${pulumi.getStack()})`,
        eventPattern: pulumi.jsonStringify({
          source: ["aws.autoscaling"],
          "detail-type": REFRESH_EVENTS,
          detail: { AutoScalingGroupName: [groupName] },
        }),
        tags: withName(tags, `${name}-refresh`),
      },
      { parent: this },
    );
  }

  /**
   * Who may publish to the topic: CloudWatch alarms of this account and region, and the refresh
   * event rule by its ARN. It replaces the topic's default policy, so the account's own
   * management statement is repeated here.
   */
  private topicPolicy(
    name: string,
    refreshRule: aws.cloudwatch.EventRule,
    partition: pulumi.Output<string>,
    region: pulumi.Output<string>,
  ): aws.sns.TopicPolicy {
    const parent = { parent: this };
    const account = awsContext(this).accountId;
    return new aws.sns.TopicPolicy(
      `${name}-alarms`,
      {
        arn: this.topic.arn,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              {
                // The topic's default policy, which this resource replaces: the account manages its topic.
                sid: "AccountManages",
                actions: [
                  "SNS:GetTopicAttributes",
                  "SNS:SetTopicAttributes",
                  "SNS:AddPermission",
                  "SNS:RemovePermission",
                  "SNS:DeleteTopic",
                  "SNS:Subscribe",
                  "SNS:ListSubscriptionsByTopic",
                  "SNS:Publish",
                ],
                resources: [this.topic.arn],
                principals: [{ type: "AWS", identifiers: [pulumi.interpolate`arn:${partition}:iam::${account}:root`] }],
              },
              {
                sid: "CloudWatchAlarmsPublish",
                actions: ["SNS:Publish"],
                resources: [this.topic.arn],
                ...fromService(
                  "cloudwatch.amazonaws.com",
                  account,
                  pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${account}:alarm:*`,
                ),
              },
              {
                sid: "RefreshEventsPublish",
                actions: ["SNS:Publish"],
                resources: [this.topic.arn],
                principals: [{ type: "Service", identifiers: ["events.amazonaws.com"] }],
                conditions: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [refreshRule.arn] }],
              },
            ],
          },
          parent,
        ).json,
      },
      parent,
    );
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
    const account = awsContext(this).accountId;
    return new aws.kms.Key(
      `${name}-alarms`,
      {
        description: `Encrypts the alarm topic of ${name} (${pulumi.getStack()})`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              accountAdministers(partition, account),
              {
                sid: "CloudWatchAlarmsPublish",
                actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
                resources: ["*"],
                ...fromService(
                  "cloudwatch.amazonaws.com",
                  account,
                  pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${account}:alarm:*`,
                ),
              },
              {
                // EventBridge encrypts what it delivers to an encrypted topic with the topic's key.
                sid: "EventBridgeRulesPublish",
                actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
                resources: ["*"],
                ...fromService("events.amazonaws.com", account, pulumi.interpolate`arn:${partition}:events:${region}:${account}:rule/*`),
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
