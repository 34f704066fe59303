import type { CapturedResource, StackGraph } from "../graph";
import { bag, list, num as readNum } from "../rules/rule";
import euWest1 from "./eu-west-1.json";
import usEast1 from "./us-east-1.json";

/*
 * A monthly cost estimate read from a captured graph, with no AWS call: the resources the program
 * registers, priced from one data file per region. Usage AWS bills by volume (NAT data, LCUs, log
 * volume, requests) is a named assumption, printed with the estimate. Every resource type has an
 * entry, priced or free with its reason: a type with none fails the estimate by name, so a new
 * resource is never silently free.
 */

/** One price: USD per unit, and the page it comes from. */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
}

/** A region's prices, keyed `ec2:<type>`, `rds:<class>`, `nat:hour`… */
export interface PriceTable {
  readonly region: string;
  readonly currency: "USD";
  readonly note: string;
  readonly transcribed: string;
  readonly prices: Readonly<Record<string, Price>>;
}

/** The regions with a price file. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  "us-east-1": usEast1 as PriceTable,
  "eu-west-1": euWest1 as PriceTable,
};

/** Hours in the month AWS bills by (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** What AWS bills by volume: assumed, never measured, and printed with every estimate. */
export interface Usage {
  /** GB each NAT gateway processes a month (package downloads, AWS APIs without endpoints). */
  readonly natGbPerGateway: number;
  /** The load balancer's average load capacity units (1 LCU: 25 new connections/s, 3,000 active, 1 GB/h). */
  readonly albLcu: number;
  /** GB each database log group (audit, error, general, slow query) ingests a month. */
  readonly dbLogGbPerGroup: number;
  /** GB of flow log records a month. */
  readonly flowLogGb: number;
  /** GB of load balancer access logs kept a month. */
  readonly accessLogGb: number;
  /** GB kept in any other bucket (the bootstrap's state bucket). */
  readonly otherBucketGb: number;
  /** Millions of requests the web ACL inspects a month. */
  readonly wafMillionRequests: number;
  /** GB each interface endpoint processes a month. */
  readonly endpointGbEach: number;
  /** GB of Enhanced Monitoring records each monitored instance sends a month (RDSOSMetrics, billed as log ingestion). */
  readonly enhancedMonitoringGbPerInstance: number;
  /** GB of backups beyond the free amount (as much as the provisioned storage). */
  readonly backupGbBeyondFree: number;
  /** Instance refreshes a month, and the hours each runs with the extra servers its 200 % ceiling allows. */
  readonly refreshesPerMonth: number;
  readonly refreshHours: number;
}

export const DEFAULT_USAGE: Usage = {
  natGbPerGateway: 20,
  albLcu: 1,
  dbLogGbPerGroup: 0.5,
  flowLogGb: 10,
  accessLogGb: 5,
  otherBucketGb: 1,
  wafMillionRequests: 1,
  endpointGbEach: 1,
  enhancedMonitoringGbPerInstance: 0.5,
  backupGbBeyondFree: 0,
  refreshesPerMonth: 4,
  refreshHours: 0.5,
};

/** One line of the estimate. */
export interface CostLine {
  /** Logical name of the resource billed. */
  readonly resource: string;
  readonly type: string;
  /** What is billed, e.g. `t4g.micro instance hours × 2`. */
  readonly what: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthly: number;
  /** The price key it used. */
  readonly price: string;
  /** Set when the quantity is an assumption (a Usage field) or a stated ceiling. */
  readonly assumption?: string;
}

export interface CostEstimate {
  readonly region: string;
  readonly lines: readonly CostLine[];
  /** The monthly total, assumptions included, ceilings excluded. */
  readonly total: number;
  /** Lines not in the total: what the Auto Scaling group would cost at its maximum. */
  readonly ceilings: readonly CostLine[];
  readonly usage: Usage;
  /** Resources that cost nothing of their own, by type, with the reason. */
  readonly free: Readonly<Record<string, string>>;
  readonly prices: { readonly transcribed: string; readonly note: string };
}

/** Thrown when a resource type has no price entry: a new resource is never silently free. */
export class UnpricedResourceError extends Error {
  constructor(readonly types: readonly string[]) {
    super(
      `no price entry for ${types.join(", ")}: add a pricer or a free reason to PRICERS in packages/testing/src/cost/estimate.ts, and its prices to each region's file`,
    );
    this.name = "UnpricedResourceError";
  }
}

type Context = { graph: StackGraph; usage: Usage; price: (key: string) => Price };
type Pricer = (r: CapturedResource, ctx: Context) => CostLine[];

const round = (n: number) => Math.round(n * 100) / 100;

function line(r: CapturedResource, ctx: Context, key: string, what: string, quantity: number, assumption?: string): CostLine {
  const p = ctx.price(key);
  return {
    resource: r.name,
    type: r.type,
    what,
    quantity,
    unit: p.unit,
    unitPrice: p.usd,
    // Unrounded: the total is rounded once, so it equals the sum of price × quantity.
    monthly: quantity * p.usd,
    price: key,
    ...(assumption === undefined ? {} : { assumption }),
  };
}

/** A numeric input, or `fallback` when unset. */
const num = (v: unknown, fallback = 0) => readNum(v) ?? fallback;

/** Free of their own, with why; priced types are in PRICERS. */
export const FREE: Readonly<Record<string, string>> = {
  "aws:ec2/vpc:Vpc": "no charge for a VPC",
  "aws:ec2/subnet:Subnet": "no charge for subnets",
  "aws:ec2/routeTable:RouteTable": "no charge",
  "aws:ec2/route:Route": "no charge",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "no charge",
  "aws:ec2/internetGateway:InternetGateway": "no charge for the gateway; data out is billed per GB, not estimated",
  "aws:ec2/securityGroup:SecurityGroup": "no charge",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "no charge",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "no charge",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "no charge",
  "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "no charge",
  "aws:ec2/networkAcl:NetworkAcl": "no charge",
  "aws:ec2/launchTemplate:LaunchTemplate": "no charge: its instances are billed on the Auto Scaling group's lines",
  "aws:ec2/flowLog:FlowLog": "billed as vended log delivery on its log group's line",
  "aws:iam/role:Role": "IAM is free",
  "aws:iam/rolePolicy:RolePolicy": "IAM is free",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
  "aws:iam/instanceProfile:InstanceProfile": "IAM is free",
  "aws:iam/policy:Policy": "IAM is free",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "IAM is free",
  "aws:lb/targetGroup:TargetGroup": "billed with the load balancer",
  "aws:lb/listener:Listener": "billed with the load balancer",
  "aws:autoscaling/policy:Policy": "no charge for scaling policies",
  "aws:rds/subnetGroup:SubnetGroup": "no charge",
  "aws:rds/parameterGroup:ParameterGroup": "no charge",
  "aws:rds/optionGroup:OptionGroup": "no charge",
  "aws:ssm/parameter:Parameter": "Standard-tier parameters are free",
  "aws:sns/topic:Topic": "no charge for a topic; alarm emails are within the free 1,000 a month",
  "aws:sns/topicPolicy:TopicPolicy": "no charge",
  "aws:sns/topicSubscription:TopicSubscription": "no charge; emails within the free tier",
  "aws:cloudwatch/eventRule:EventRule": "events from AWS services are free",
  "aws:cloudwatch/eventTarget:EventTarget": "no charge",
  "aws:acm/certificate:Certificate": "public ACM certificates are free",
  "aws:acm/certificateValidation:CertificateValidation": "no charge",
  "aws:route53/record:Record":
    "records in an existing zone: the zone is billed where it was created; alias queries to the load balancer are free",
  "aws:kms/alias:Alias": "no charge",
  "aws:secretsmanager/secretVersion:SecretVersion": "billed with its secret",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "no charge",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "no charge",
  "aws:s3/bucketPolicy:BucketPolicy": "no charge",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "no charge",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "no charge (SSE-S3)",
  "aws:s3/bucketVersioning:BucketVersioning": "no charge beyond the objects kept",
  "aws:wafv2/webAclAssociation:WebAclAssociation": "billed with the web ACL",
  "random:index/randomPassword:RandomPassword": "not an AWS resource",
  "random:index/randomId:RandomId": "not an AWS resource",
};

const instanceTypeOf = (group: CapturedResource, graph: StackGraph) => {
  const lt = graph.byId(bag(group.inputs["launchTemplate"])["id"]);
  return { type: String(lt?.inputs["instanceType"] ?? ""), lt };
};

/** The priced types: each returns the lines of one resource. */
export const PRICERS: Readonly<Record<string, Pricer>> = {
  "aws:autoscaling/group:Group": (g, ctx) => {
    const { type, lt } = instanceTypeOf(g, ctx.graph);
    const desired = num(g.inputs["desiredCapacity"], num(g.inputs["minSize"]));

    const gib = list(lt?.inputs["blockDeviceMappings"]).reduce<number>((n, m) => n + num(bag(bag(m)["ebs"])["volumeSize"]), 0);
    const ceilingPct = num(bag(g.inputs["instanceMaintenancePolicy"])["maxHealthyPercentage"], 100);
    const refreshExtra = Math.max(0, Math.ceil((desired * ceilingPct) / 100) - desired);
    return [
      line(g, ctx, `ec2:${type}`, `${type} instance hours × ${desired} (desired capacity)`, desired * HOURS_PER_MONTH),
      line(g, ctx, "ebs:gp3", `gp3 root volumes, ${gib} GiB × ${desired}`, gib * desired),
      line(
        g,
        ctx,
        `ec2:${type}`,
        `${type} × ${refreshExtra} extra during instance refreshes`,
        refreshExtra * ctx.usage.refreshesPerMonth * ctx.usage.refreshHours,
        `refreshesPerMonth ${ctx.usage.refreshesPerMonth} × refreshHours ${ctx.usage.refreshHours} at the ${ceilingPct} % ceiling`,
      ),
    ];
  },
  "aws:ec2/natGateway:NatGateway": (n, ctx) => [
    line(n, ctx, "nat:hour", "NAT gateway hours", HOURS_PER_MONTH),
    line(n, ctx, "nat:gb", "data processed", ctx.usage.natGbPerGateway, `natGbPerGateway ${ctx.usage.natGbPerGateway} GB`),
  ],
  "aws:ec2/eip:Eip": (e, ctx) => [line(e, ctx, "ipv4:hour", "public IPv4 address hours", HOURS_PER_MONTH)],
  "aws:lb/loadBalancer:LoadBalancer": (lb, ctx) => {
    const zones = list(lb.inputs["subnets"]).length || list(lb.inputs["subnetMappings"]).length;
    return [
      line(lb, ctx, "alb:hour", "load balancer hours", HOURS_PER_MONTH),
      line(lb, ctx, "alb:lcu", "load capacity units", ctx.usage.albLcu * HOURS_PER_MONTH, `albLcu ${ctx.usage.albLcu} on average`),
      ...(lb.inputs["internal"] === true
        ? []
        : [line(lb, ctx, "ipv4:hour", `public IPv4 addresses, one per zone × ${zones}`, zones * HOURS_PER_MONTH)]),
    ];
  },
  "aws:rds/instance:Instance": (db, ctx) => {
    const cls = String(db.inputs["instanceClass"]);
    const multi = db.inputs["multiAz"] === true ? 2 : 1;
    const source = ctx.graph
      .ofType("aws:rds/instance:Instance")
      .find((p) => p.state["identifier"] === db.inputs["replicateSourceDb"] || p.state["arn"] === db.inputs["replicateSourceDb"]);
    // A replica has the storage of its source.
    const gib = num(db.inputs["allocatedStorage"], num(source?.inputs["allocatedStorage"]));
    const az = multi === 2 ? "Multi-AZ (two instances)" : "Single-AZ";
    const out = [
      line(db, ctx, `rds:${cls}`, `${cls} hours, ${az}`, multi * HOURS_PER_MONTH),
      line(db, ctx, "rds:gp3", `gp3 storage, ${gib} GiB${multi === 2 ? " × 2 (Multi-AZ)" : ""}`, gib * multi),
    ];
    if (num(db.inputs["monitoringInterval"]) > 0)
      out.push(
        line(
          db,
          ctx,
          "logs:ingest",
          "Enhanced Monitoring records (RDSOSMetrics)",
          ctx.usage.enhancedMonitoringGbPerInstance,
          `enhancedMonitoringGbPerInstance ${ctx.usage.enhancedMonitoringGbPerInstance} GB`,
        ),
      );
    if (db.inputs["replicateSourceDb"] === undefined && ctx.usage.backupGbBeyondFree > 0)
      out.push(
        line(
          db,
          ctx,
          "rds:backup",
          "backup storage beyond the free amount",
          ctx.usage.backupGbBeyondFree,
          `backupGbBeyondFree ${ctx.usage.backupGbBeyondFree} GB`,
        ),
      );
    // Performance Insights keeps 7 days for free, the retention the database package sets: a line of $0, so it shows.
    if (db.inputs["performanceInsightsEnabled"] === true)
      out.push(
        line(
          db,
          ctx,
          num(db.inputs["performanceInsightsRetentionPeriod"], 7) <= 7 ? "rds:performance-insights-7d" : "rds:performance-insights-long",
          `Performance Insights, ${num(db.inputs["performanceInsightsRetentionPeriod"], 7)} days of history`,
          multi,
        ),
      );
    return out;
  },
  "aws:kms/key:Key": (k, ctx) => [line(k, ctx, "kms:key", "customer managed key", 1)],
  "aws:secretsmanager/secret:Secret": (s, ctx) => [line(s, ctx, "secretsmanager:secret", "secret", 1)],
  "aws:cloudwatch/metricAlarm:MetricAlarm": (a, ctx) => [
    num(a.inputs["period"], 60) < 60
      ? line(a, ctx, "cloudwatch:alarm-high-resolution", "high-resolution alarm", 1)
      : line(a, ctx, "cloudwatch:alarm", "standard-resolution alarm", 1),
  ],
  "aws:cloudwatch/dashboard:Dashboard": (d, ctx) => [line(d, ctx, "cloudwatch:dashboard", "dashboard", 1)],
  "aws:cloudwatch/logGroup:LogGroup": (l, ctx) => {
    const flow = ctx.graph.ofType("aws:ec2/flowLog:FlowLog").some((f) => f.inputs["logDestination"] === l.state["arn"]);
    const gb = flow ? ctx.usage.flowLogGb : ctx.usage.dbLogGbPerGroup;
    const months = Math.min(num(l.inputs["retentionInDays"], 3653), 3653) / 30.4;
    const assumption = flow ? `flowLogGb ${gb} GB` : `dbLogGbPerGroup ${gb} GB`;
    return [
      line(l, ctx, flow ? "logs:vended" : "logs:ingest", flow ? "flow log delivery" : "log ingestion", gb, assumption),
      // At steady state the group holds retention-worth of records (compressed about 7:1 as CloudWatch archives them, not counted here).
      line(l, ctx, "logs:storage", `storage of ${Math.round(months * 10) / 10} months of records`, gb * months, assumption),
    ];
  },
  "aws:wafv2/webAcl:WebAcl": (w, ctx) => [
    line(w, ctx, "waf:acl", "web ACL", 1),
    line(w, ctx, "waf:rule", `rules × ${list(w.inputs["rules"]).length}`, list(w.inputs["rules"]).length),
    line(w, ctx, "waf:requests", "requests inspected", ctx.usage.wafMillionRequests, `wafMillionRequests ${ctx.usage.wafMillionRequests}`),
  ],
  "aws:ec2/vpcEndpoint:VpcEndpoint": (e, ctx) => {
    if (e.inputs["vpcEndpointType"] !== "Interface") return [];
    const zones = list(e.inputs["subnetIds"]).length;
    return [
      line(e, ctx, "endpoint:hour", `interface endpoint hours × ${zones} zones`, zones * HOURS_PER_MONTH),
      line(e, ctx, "endpoint:gb", "data processed", ctx.usage.endpointGbEach, `endpointGbEach ${ctx.usage.endpointGbEach} GB`),
    ];
  },
  "aws:s3/bucket:Bucket": (b, ctx) => {
    const logs = ctx.graph
      .ofType("aws:lb/loadBalancer:LoadBalancer")
      .some((lb) => bag(lb.inputs["accessLogs"])["bucket"] === b.state["bucket"]);
    return logs
      ? [
          line(
            b,
            ctx,
            "s3:standard",
            "objects stored (load balancer access logs)",
            ctx.usage.accessLogGb,
            `accessLogGb ${ctx.usage.accessLogGb} GB`,
          ),
        ]
      : [line(b, ctx, "s3:standard", "objects stored", ctx.usage.otherBucketGb, `otherBucketGb ${ctx.usage.otherBucketGb} GB`)];
  },
};

/** The monthly estimate of a captured graph, from the price file of its region. */
export function estimateCost(graph: StackGraph, options: { usage?: Partial<Usage>; prices?: PriceTable } = {}): CostEstimate {
  const table = options.prices ?? PRICE_TABLES[graph.region];
  if (!table) throw new Error(`no price file for ${graph.region}; regions with one: ${Object.keys(PRICE_TABLES).join(", ")}`);
  const usage = { ...DEFAULT_USAGE, ...options.usage };
  const unpriced = [...new Set(graph.customResources.map((r) => r.type))].filter(
    (t) => PRICERS[t] === undefined && FREE[t] === undefined && !t.startsWith("pulumi:providers:"),
  );
  if (unpriced.length) throw new UnpricedResourceError(unpriced.sort());
  const missing = new Set<string>();
  const price = (key: string): Price => {
    const p = table.prices[key];
    if (!p) {
      missing.add(key);
      return { usd: 0, unit: "?", source: "" };
    }
    return p;
  };
  const ctx: Context = { graph, usage, price };
  const lines = graph.customResources.flatMap((r) => PRICERS[r.type]?.(r, ctx) ?? []);
  if (missing.size) throw new UnpricedResourceError([...missing].sort().map((k) => `price "${k}" in ${table.region}`));
  const ceilings = graph.ofType("aws:autoscaling/group:Group").map((g) => {
    const { type } = instanceTypeOf(g, graph);
    const max = num(g.inputs["maxSize"]);
    return line(
      g,
      ctx,
      `ec2:${type}`,
      `${type} instance hours × ${max} (the group's maximum, a ceiling)`,
      max * HOURS_PER_MONTH,
      "ceiling: not in the total",
    );
  });
  const free = Object.fromEntries(
    [...new Set(graph.customResources.map((r) => r.type))]
      .filter((t) => FREE[t] !== undefined)
      .sort()
      .map((t) => [t, FREE[t] as string]),
  );
  return {
    region: table.region,
    lines,
    total: round(lines.reduce((n, l) => n + l.monthly, 0)),
    ceilings,
    usage,
    free,
    prices: { transcribed: table.transcribed, note: table.note },
  };
}

/** The estimate as the plan prints it: the total, the top lines, the assumptions. */
export function renderCost(estimate: CostEstimate, top = 10): string {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const sorted = [...estimate.lines].filter((l) => l.monthly > 0).sort((a, b) => b.monthly - a.monthly);
  const width = Math.max(...sorted.slice(0, top).map((l) => `${l.resource}: ${l.what}`.length), 10);
  const rows = sorted
    .slice(0, top)
    .map((l) => `  ${`${l.resource}: ${l.what}`.padEnd(width)}  ${usd(l.monthly).padStart(10)}${l.assumption ? "  (assumed)" : ""}`);
  const rest = sorted.slice(top).reduce((n, l) => n + l.monthly, 0);
  return [
    `Estimated monthly cost (${estimate.region}, on-demand USD): ${usd(estimate.total)}`,
    ...rows,
    ...(sorted.length > top ? [`  ${`${sorted.length - top} more lines`.padEnd(width)}  ${usd(rest).padStart(10)}`] : []),
    ...estimate.ceilings.map((c) => `  ceiling, not in the total: ${c.resource} at its maximum ${usd(c.monthly)}`),
    `  assumed usage: ${Object.entries(estimate.usage)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(", ")}`,
    `  prices transcribed ${estimate.prices.transcribed} from the AWS pricing pages (packages/testing/src/cost/${estimate.region}.json)`,
  ].join("\n");
}

/** Lines of two estimates matched by resource and what is billed: added, removed, changed, and the delta. */
export function compareCost(
  before: CostEstimate,
  after: CostEstimate,
): { added: CostLine[]; removed: CostLine[]; changed: { before: CostLine; after: CostLine }[]; delta: number } {
  const key = (l: CostLine) => `${l.type} ${l.resource} ${l.price} ${l.assumption ?? ""}`;
  const old = new Map(before.lines.map((l) => [key(l), l]));
  const now = new Map(after.lines.map((l) => [key(l), l]));
  return {
    added: after.lines.filter((l) => !old.has(key(l))),
    removed: before.lines.filter((l) => !now.has(key(l))),
    changed: after.lines
      .filter((l) => old.has(key(l)) && old.get(key(l))?.monthly !== l.monthly)
      .map((l) => ({ before: old.get(key(l)) as CostLine, after: l })),
    delta: round(after.total - before.total),
  };
}
