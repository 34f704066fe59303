import { APP_PORTS, architectureOf, FAMILY_ARCHITECTURE } from "@web-infra/compute";
import { POLICY_ARN, Problems } from "@web-infra/core";
import { ENGINE_VERSIONS, isKnownInstanceClass, MONITORING_INTERVALS } from "@web-infra/database";
import { DEFAULT_THRESHOLDS, Thresholds } from "@web-infra/monitoring";
import {
  DEFAULT_SUBNET_NEW_BITS,
  INTERFACE_ENDPOINT_SERVICES,
  InterfaceEndpointService,
  isCanonicalCidr,
  LOG_RETENTION_DAYS,
  MAX_SUBNET_PREFIX,
  NatGatewayMode,
  prefixLength,
} from "@web-infra/networking";
import { z } from "zod";
import { checkComponents } from "./components";

export const PROJECT = "web-infra";
export const PRESET_NAMES = ["dev", "staging", "prod"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Everything the program needs, after presets and overrides. */
export interface Settings {
  readonly stack: string;
  readonly preset: PresetName;
  readonly region: string;
  /** `aws:allowedAccountIds`: the accounts the provider may deploy to, when the stack file names them. */
  readonly allowedAccountIds?: readonly string[];
  readonly vpcCidr: string;
  readonly azCount: number;
  readonly natGateways: NatGatewayMode;
  readonly flowLogs: boolean;
  readonly flowLogRetentionDays: number;
  readonly enableIpv6: boolean;
  readonly interfaceEndpoints: readonly InterfaceEndpointService[];
  readonly webServerCount: number;
  readonly instanceType: string;
  readonly amiId?: string;
  readonly maxWebServers?: number;
  readonly requestsPerTarget: number;
  readonly appPort: number;
  readonly previousAppPort?: number;
  readonly domainName?: string;
  readonly hostedZoneId?: string;
  readonly certificateArn?: string;
  readonly permissionsBoundaryArn?: string;
  readonly albDeletionProtection: boolean;
  readonly albAccessLogs: boolean;
  readonly accessLogRetentionDays: number;
  readonly idleTimeout: number;
  readonly detailedMonitoring: boolean;
  readonly waf: boolean;
  readonly encryptLogs: boolean;
  readonly dbEngineVersion: string;
  readonly dbAutoMinorVersionUpgrade: boolean;
  readonly dbInstanceClass: string;
  readonly dbReplicaInstanceClass: string;
  readonly dbAllocatedStorageGiB: number;
  readonly dbMaxAllocatedStorageGiB: number;
  readonly dbMultiAz: boolean;
  readonly dbReplicaMultiAz: boolean;
  readonly dbReplicaCount: number;
  readonly dbBackupRetentionDays: number;
  readonly dbApplyImmediately: boolean;
  readonly dbDeletionProtection: boolean;
  readonly dbSkipFinalSnapshot: boolean;
  readonly dbMonitoringInterval: number;
  readonly dbLogRetentionDays: number;
  readonly dbPort: number;
  readonly dbName: string;
  /** Pulumi `protect` on the stateful resources (databases, their password and secret). */
  readonly protectStatefulResources: boolean;
  /** Who the alarms email (each address confirms its subscription first). */
  readonly alarmEmails: readonly string[];
  /** Alarm thresholds that differ from the monitoring package's defaults. */
  readonly alarmThresholds: Partial<Thresholds>;
}

/** Per-deployment values with no preset: the domain and certificate, a pinned image, a port change under way, the account's boundary. */
type Unpreset = "amiId" | "previousAppPort" | "domainName" | "hostedZoneId" | "certificateArn" | "permissionsBoundaryArn";
type Tunable = Omit<Settings, "stack" | "preset" | "region" | "allowedAccountIds" | Unpreset>;

/**
 * Environment presets: cost, size and protection live here, in code;
 * `Pulumi.<stack>.yaml` only overrides. Each value's reason is in the README table.
 */
export const PRESETS: Readonly<Record<PresetName, Tunable>> = {
  dev: {
    vpcCidr: "10.10.0.0/16",
    azCount: 2,
    natGateways: "single",
    flowLogs: false,
    flowLogRetentionDays: 7,
    enableIpv6: false,
    interfaceEndpoints: [],
    webServerCount: 2,
    instanceType: "t4g.micro",
    requestsPerTarget: 1000,
    appPort: 8080,
    albDeletionProtection: false,
    albAccessLogs: false,
    accessLogRetentionDays: 7,
    idleTimeout: 60,
    waf: false,
    encryptLogs: false,
    detailedMonitoring: false,
    dbEngineVersion: "8.4",
    dbAutoMinorVersionUpgrade: true,
    dbInstanceClass: "db.t4g.micro",
    dbReplicaInstanceClass: "db.t4g.micro",
    dbAllocatedStorageGiB: 20,
    dbMaxAllocatedStorageGiB: 50,
    dbMultiAz: false,
    dbReplicaMultiAz: false,
    dbReplicaCount: 1,
    dbBackupRetentionDays: 1,
    dbApplyImmediately: true,
    dbDeletionProtection: false,
    dbSkipFinalSnapshot: true,
    dbMonitoringInterval: 0,
    dbLogRetentionDays: 7,
    dbPort: 3406,
    dbName: "app",
    protectStatefulResources: false,
    alarmEmails: [],
    // db.t4g.micro allows about 85 connections and has 1 GiB of memory.
    alarmThresholds: { rdsConnections: 60, rdsFreeableMemoryBytes: 64 * 1024 * 1024 },
  },
  staging: {
    vpcCidr: "10.20.0.0/16",
    azCount: 2,
    natGateways: "perAz",
    flowLogs: true,
    flowLogRetentionDays: 90,
    enableIpv6: false,
    interfaceEndpoints: [],
    webServerCount: 2,
    instanceType: "t4g.small",
    requestsPerTarget: 1000,
    appPort: 8080,
    albDeletionProtection: true,
    albAccessLogs: true,
    accessLogRetentionDays: 30,
    idleTimeout: 60,
    waf: false,
    encryptLogs: true,
    detailedMonitoring: true,
    dbEngineVersion: "8.4",
    dbAutoMinorVersionUpgrade: true,
    dbInstanceClass: "db.t4g.small",
    dbReplicaInstanceClass: "db.t4g.small",
    dbAllocatedStorageGiB: 20,
    dbMaxAllocatedStorageGiB: 100,
    dbMultiAz: true,
    dbReplicaMultiAz: false,
    dbReplicaCount: 1,
    dbBackupRetentionDays: 7,
    dbApplyImmediately: false,
    dbDeletionProtection: true,
    dbSkipFinalSnapshot: false,
    dbMonitoringInterval: 60,
    dbLogRetentionDays: 90,
    dbPort: 3406,
    dbName: "app",
    protectStatefulResources: false,
    alarmEmails: [],
    // db.t4g.small allows about 170 connections.
    alarmThresholds: { rdsConnections: 120, rdsFreeableMemoryBytes: 128 * 1024 * 1024 },
  },
  prod: {
    vpcCidr: "10.30.0.0/16",
    azCount: 3,
    natGateways: "perAz",
    flowLogs: true,
    flowLogRetentionDays: 365,
    enableIpv6: false,
    interfaceEndpoints: ["ssm", "ssmmessages", "ec2messages", "secretsmanager", "kms", "logs"],
    webServerCount: 3,
    instanceType: "m7g.large",
    requestsPerTarget: 1000,
    appPort: 8080,
    albDeletionProtection: true,
    albAccessLogs: true,
    accessLogRetentionDays: 365,
    idleTimeout: 60,
    waf: true,
    encryptLogs: true,
    detailedMonitoring: true,
    dbEngineVersion: "8.4",
    dbAutoMinorVersionUpgrade: true,
    dbInstanceClass: "db.m7g.large",
    dbReplicaInstanceClass: "db.m7g.large",
    dbAllocatedStorageGiB: 100,
    dbMaxAllocatedStorageGiB: 500,
    dbMultiAz: true,
    dbReplicaMultiAz: true,
    dbReplicaCount: 1,
    dbBackupRetentionDays: 14,
    dbApplyImmediately: false,
    dbDeletionProtection: true,
    dbSkipFinalSnapshot: false,
    dbMonitoringInterval: 15,
    dbLogRetentionDays: 365,
    dbPort: 3406,
    dbName: "app",
    protectStatefulResources: true,
    alarmEmails: [],
    alarmThresholds: {},
  },
};

/** A config key: how its string value is parsed, what it expects and how to fix a bad one. */
interface Setting {
  /**
   * The key's schema, built when the key is read: zod builds a schema eagerly, and building all of
   * them took about 20 ms of a cold plan whose stack file sets a handful.
   */
  readonly schema: () => z.ZodType;
  /** Completes "must be …". */
  readonly expects: string;
  /** How to fix a bad value: shown after "got …". */
  readonly fix: string;
  /** One line for the README's config table. */
  readonly doc: string;
}

const fromString = (parse: (s: string) => unknown) => (v: unknown) => (typeof v === "string" ? parse(v.trim()) : v);
const numberish = fromString((s) => (s === "" ? s : Number(s)));
const boolish = fromString((s) => (s === "true" ? true : s === "false" ? false : s));

const jsonish = fromString((s) => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
});

const int = (min: number, max: number) => z.preprocess(numberish, z.number().int().min(min).max(max));
const bool = () => z.preprocess(boolish, z.boolean());

/** A number from a fixed list: its schema, and `expects` built from the list (by default "one of 1, 2, 3"). */
const oneOfNumbers = (allowed: readonly number[], expects = (list: string) => `one of ${list}`) => ({
  schema: () =>
    z.preprocess(
      numberish,
      z.number().refine((n) => allowed.includes(n)),
    ),
  expects: expects(allowed.join(", ")),
});

/** Days CloudWatch Logs keeps a log group's events: only the periods PutRetentionPolicy accepts. */
const logRetentionDays = (doc: string): Setting => ({
  ...oneOfNumbers(LOG_RETENTION_DAYS, (list) => `one of the CloudWatch retention periods (${list})`),
  fix: "Pick a listed period, e.g. 365.",
  doc,
});

/** The smallest VPC the stack accepts: the network's subnets, DEFAULT_SUBNET_NEW_BITS smaller, must fit a load balancer. */
const SMALLEST_VPC = MAX_SUBNET_PREFIX - DEFAULT_SUBNET_NEW_BITS;

/** Every `web-infra:` key a stack file may set. */
export const SETTINGS: Readonly<Record<string, Setting>> = {
  preset: {
    schema: () => z.enum(PRESET_NAMES),
    expects: `one of ${PRESET_NAMES.join(", ")}`,
    fix: "Name the preset this stack starts from; stacks named dev, staging or prod default to theirs.",
    doc: "Preset the stack starts from. Default: the stack name.",
  },
  vpcCidr: {
    schema: () => z.string().refine((s) => isCanonicalCidr(s) && prefixLength(s) >= 16 && prefixLength(s) <= SMALLEST_VPC),
    expects: `an IPv4 CIDR from /16 to /${SMALLEST_VPC} with no host bits set`,
    fix: `Use a /${SMALLEST_VPC} or larger private block such as "10.0.0.0/16": each subnet is ${DEFAULT_SUBNET_NEW_BITS} bits smaller than the VPC, and the load balancer needs /${MAX_SUBNET_PREFIX} subnets at the smallest.`,
    doc: "IPv4 block of the VPC; its quarters hold the public, private and database tiers.",
  },
  azCount: {
    schema: () => int(2, 4),
    expects: "an integer from 2 to 4",
    fix: "Two zones are the minimum for active-active; the subnet layout holds four.",
    doc: "Availability zones to span.",
  },
  natGateways: {
    schema: () => z.enum(["single", "perAz"]),
    expects: 'one of "single", "perAz"',
    fix: '"perAz" keeps egress through the loss of a zone; "single" is cheaper.',
    doc: "NAT gateways: one per zone or a single shared one.",
  },
  flowLogs: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true (EC2.6) or false; prod requires true.",
    doc: "Send VPC flow logs to CloudWatch Logs.",
  },
  flowLogRetentionDays: logRetentionDays("Days CloudWatch keeps flow log records."),
  enableIpv6: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true or false.",
    doc: "Dual-stack: an IPv6 block for the VPC and public subnets, listeners open to ::/0, an AAAA alias.",
  },
  interfaceEndpoints: {
    schema: () => z.preprocess(jsonish, z.array(z.enum(INTERFACE_ENDPOINT_SERVICES))),
    expects: `a JSON list of ${INTERFACE_ENDPOINT_SERVICES.join(", ")}`,
    fix: 'Session Manager needs ["ssm", "ssmmessages", "ec2messages"]; each endpoint costs about $7.30 a month per zone.',
    doc: "VPC interface endpoints in the private subnets, private DNS on, HTTPS from the web servers only (the S3 gateway endpoint is always on).",
  },
  webServerCount: {
    schema: () => int(2, 20),
    expects: "an integer from 2 to 20 (≥ 2 for active-active)",
    fix: "The seed runs two servers behind the load balancer; one is a single point of failure.",
    doc: "Servers the Auto Scaling group always keeps in service (its minimum and starting capacity), balanced over the AZs.",
  },
  instanceType: {
    schema: () => z.string().refine((t) => architectureOf(t) !== undefined),
    expects: `a known EC2 instance type (${Object.keys(FAMILY_ARCHITECTURE).join(", ")} families)`,
    fix: 'Graviton types such as "t4g.small" run arm64 images; "t3.small" runs x86_64.',
    doc: "Web server instance type; its family picks the AMI architecture.",
  },
  amiId: {
    schema: () => z.string().regex(/^ami-[0-9a-f]{8,17}$/),
    expects: "an AMI id such as ami-0123456789abcdef0",
    fix: "Leave it unset to use the newest Amazon Linux 2023 image.",
    doc: "Pin the web servers' image (its architecture is checked against instanceType).",
  },
  maxWebServers: {
    schema: () => int(2, 100),
    expects: "an integer from 2 to 100, at least webServerCount",
    fix: "Leave it unset for twice webServerCount.",
    doc: "Most servers the Auto Scaling group scales out to under load (default: twice webServerCount).",
  },
  requestsPerTarget: {
    schema: () => z.preprocess(numberish, z.number().gt(0).max(1_000_000)),
    expects: "a number of requests per server per minute above 0",
    fix: "Use e.g. 1000; measure what one server sustains at your response time.",
    doc: "Requests per server per minute the scaling policy holds the group at (ALB RequestCountPerTarget).",
  },
  appPort: {
    schema: () => int(APP_PORTS.min, APP_PORTS.max),
    expects: `an integer from ${APP_PORTS.min} to ${APP_PORTS.max}`,
    fix: "Use an unprivileged port such as 8080.",
    doc: "Port the servers listen on behind the load balancer. Change it with previousAppPort, or the site answers 502 until every server is replaced.",
  },
  previousAppPort: {
    schema: () => int(APP_PORTS.min, APP_PORTS.max),
    expects: `an integer from ${APP_PORTS.min} to ${APP_PORTS.max}, the port the servers listen on today`,
    fix: "Set it to the current appPort while changing appPort; remove it once the refresh has finished.",
    doc: "During an appPort change: the port that still serves. Servers take both, the listener moves in the next `pulumi up` without it (compute README).",
  },
  domainName: {
    schema: () => z.string().regex(/^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/),
    expects: "a lower-case DNS name such as www.example.com",
    fix: "Give the bare name, e.g. www.example.com, without scheme or path.",
    doc: "Domain served over HTTPS (with hostedZoneId): a DNS-validated certificate and an alias record are created.",
  },
  hostedZoneId: {
    schema: () => z.string().regex(/^Z[A-Z0-9]{1,31}$/),
    expects: "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
    fix: "Copy the zone id from `aws route53 list-hosted-zones` (it starts with Z).",
    doc: "Public hosted zone holding domainName.",
  },
  certificateArn: {
    schema: () => z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/),
    expects: "an ACM certificate ARN",
    fix: "Copy the ARN from `aws acm list-certificates` in the stack's region.",
    doc: "Existing certificate instead of domainName + hostedZoneId.",
  },
  permissionsBoundaryArn: {
    schema: () => z.string().regex(POLICY_ARN),
    expects: "an IAM policy ARN such as arn:aws:iam::123456789012:policy/web-infra/web-infra-boundary",
    fix: "Copy the bootstrap stack's permissionsBoundaryArn output: `pulumi stack output permissionsBoundaryArn` in stacks/bootstrap.",
    doc: "Permissions boundary every role of the stack carries (required outside dev); the bootstrap stack creates it and its deploy roles create roles only with it.",
  },
  albDeletionProtection: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true or false; prod requires true.",
    doc: "Deletion protection on the load balancer.",
  },
  albAccessLogs: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true or false; prod requires true.",
    doc: "Load balancer access logs to an encrypted, private S3 bucket.",
  },
  accessLogRetentionDays: {
    schema: () => int(1, 3650),
    expects: "an integer from 1 to 3650",
    fix: "Use e.g. 90.",
    doc: "Days before an access log object expires.",
  },
  idleTimeout: {
    schema: () => int(1, 4000),
    expects: "an integer from 1 to 4000",
    fix: "Use e.g. 60.",
    doc: "Seconds the load balancer keeps an idle connection.",
  },
  detailedMonitoring: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true or false.",
    doc: "One-minute EC2 metrics for the web servers.",
  },
  waf: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true (ELB.16) or false; prod requires true.",
    doc: "A WAFv2 web ACL (AWS common rule set, known bad inputs) on the load balancer.",
  },
  encryptLogs: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true (Checkov CKV_AWS_158) or false; prod requires true.",
    doc: "Encrypt the flow log and database log groups with a customer KMS key (rotated yearly).",
  },
  dbReplicaMultiAz: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true or false.",
    doc: "Run the read replicas Multi-AZ too.",
  },
  dbEngineVersion: {
    schema: () => z.string().refine((v) => ENGINE_VERSIONS.includes(v)),
    expects: `a supported RDS for MySQL version (${ENGINE_VERSIONS.join(", ")})`,
    fix: 'Use "8.4": minor releases are applied by RDS.',
    doc: "MySQL version; a major line (8.4) lets RDS apply minor releases.",
  },
  dbAutoMinorVersionUpgrade: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true (RDS.13), or false only to pin a minor dbEngineVersion.",
    doc: "Let RDS apply minor releases (turn off only to pin a minor dbEngineVersion).",
  },
  dbInstanceClass: {
    schema: () => z.string().refine(isKnownInstanceClass),
    expects: "an RDS for MySQL instance class such as db.t4g.micro or db.m7g.large",
    fix: "Use e.g. db.t4g.micro (dev) or db.m7g.large.",
    doc: "Instance class of the primary.",
  },
  dbReplicaInstanceClass: {
    schema: () => z.string().refine(isKnownInstanceClass),
    expects: "an RDS for MySQL instance class such as db.t4g.micro or db.m7g.large",
    fix: "Use e.g. db.t4g.micro (dev) or db.m7g.large.",
    doc: "Instance class of the read replicas.",
  },
  dbAllocatedStorageGiB: {
    schema: () => int(20, 65536),
    expects: "an integer from 20 (the gp3 minimum for MySQL) to 65536",
    fix: "Use 20 or more; storage autoscaling grows it up to dbMaxAllocatedStorageGiB.",
    doc: "Initial gp3 storage of the primary.",
  },
  dbMaxAllocatedStorageGiB: {
    schema: () => int(21, 65536),
    expects: "an integer from 21 to 65536, above dbAllocatedStorageGiB",
    fix: "Set it above dbAllocatedStorageGiB, e.g. 5× the allocation.",
    doc: "Storage autoscaling ceiling.",
  },
  dbMultiAz: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true or false; prod requires true.",
    doc: "Multi-AZ standby for the primary (60–120 s failover).",
  },
  dbReplicaCount: {
    schema: () => int(0, 15),
    expects: "an integer from 0 to 15",
    fix: "Replicas serve the reads; 0 is allowed only in dev.",
    doc: "Read replicas, each in another AZ than a single-AZ primary.",
  },
  dbApplyImmediately: {
    schema: () => bool(),
    expects: "true or false",
    fix: "true applies database changes at once (with any restart they need); false waits for the maintenance window.",
    doc: "Apply database changes at once instead of in the maintenance window: on in dev, off in staging and prod, where a pending change is reported by the drift job, not as drift.",
  },
  dbBackupRetentionDays: {
    schema: () => int(1, 35),
    expects: "an integer from 1 to 35",
    fix: "A replica's source needs automated backups: at least 1 day (7 in prod).",
    doc: "Days of automated backups.",
  },
  dbDeletionProtection: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true or false; prod requires true.",
    doc: "Deletion protection on the database instances.",
  },
  dbSkipFinalSnapshot: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use false; only dev may skip the final snapshot.",
    doc: "Delete the primary without a final snapshot (dev only).",
  },
  dbMonitoringInterval: {
    ...oneOfNumbers(MONITORING_INTERVALS, (list) => `one of ${list} seconds`),
    fix: "Use 60, or 0 to turn Enhanced Monitoring off.",
    doc: "Enhanced Monitoring interval (0 turns it off).",
  },
  dbLogRetentionDays: logRetentionDays("Days CloudWatch keeps the exported database logs."),
  dbPort: {
    schema: () => int(1150, 65535),
    expects: "an integer from 1150 to 65535",
    fix: "Use e.g. 3406 (not MySQL's default 3306, Security Hub RDS.23).",
    doc: "Port MySQL listens on.",
  },
  dbName: {
    schema: () => z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
    expects: "a MySQL database name: a letter, then letters, digits or _ (at most 64)",
    fix: "Use e.g. app.",
    doc: "Initial database name.",
  },
  alarmEmails: {
    schema: () => z.preprocess(jsonish, z.array(z.email())),
    expects: "a JSON list of email addresses",
    fix: 'Use e.g. ["oncall@example.com"]; each address confirms its subscription by email.',
    doc: "Who the alarms email (none in dev; at least one in prod).",
  },
  alarmThresholds: {
    schema: () => z.preprocess(jsonish, z.record(z.string(), z.number())),
    expects: "a JSON object of threshold names and numbers",
    fix: `Use names from ${Object.keys(DEFAULT_THRESHOLDS).join(", ")}, e.g. {"ec2CpuPercent": 90}.`,
    doc: "Alarm thresholds that differ from the defaults (see the monitoring README).",
  },
  protectStatefulResources: {
    schema: () => bool(),
    expects: "true or false",
    fix: "Use true or false; prod requires true.",
    doc: "Pulumi protect on the databases, their password and secret.",
  },
};

/** Namespaces a stack file may use besides the project's: provider config. */
const OTHER_NAMESPACES = ["aws", "pulumi", "random"];

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = [...Array(b.length + 1).keys()];
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  const ranked = candidates.map((c) => ({ c, d: editDistance(word, c) })).sort((x, y) => x.d - y.d);
  return ranked.length && ranked[0].d <= Math.max(2, Math.floor(word.length / 3)) ? ranked[0].c : undefined;
}

/** Keys that no longer exist, and what replaced them: a stack file that still sets one fails with this. */
export const REMOVED: Readonly<Record<string, { why: string; fix: string }>> = {
  rollServers: {
    why: "the web servers are an Auto Scaling group, and a new image or boot script rolls through an instance refresh on the next pulumi up (new servers first, at full capacity; a refresh whose servers fail stops and fails the deploy)",
    fix: `Remove ${PROJECT}:rollServers: run pulumi config rm ${PROJECT}:rollServers.`,
  },
};

/**
 * Read a stack's config (as Pulumi hands it over: `namespace:key` → string)
 * into typed settings. Every problem is reported at once, each naming the key,
 * the value given and the fix.
 */
export function loadSettings(stack: string, config: Readonly<Record<string, string>>): Settings {
  const p = new Problems(`stack "${stack}" config`);
  const values: Record<string, unknown> = {};
  const known = Object.keys(SETTINGS);

  for (const [fullKey, raw] of Object.entries(config)) {
    const [ns, key] = fullKey.includes(":")
      ? [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)]
      : ["", fullKey];
    if (ns !== PROJECT) {
      if (!OTHER_NAMESPACES.includes(ns)) {
        const guess = closest(ns, [PROJECT, ...OTHER_NAMESPACES]);
        p.add(fullKey, `is in namespace "${ns}", which no part of this stack reads`, {
          got: raw,
          fix: guess ? `Did you mean "${guess}:${key}"?` : `Use "${PROJECT}:${key}".`,
        });
      }
      continue;
    }
    const removed = REMOVED[key];
    if (removed) {
      p.add(`${PROJECT}:${key}`, `was removed: ${removed.why}`, { got: raw, fix: removed.fix });
      continue;
    }
    const setting = SETTINGS[key];
    if (!setting) {
      const guess = closest(key, known);
      p.add(`${PROJECT}:${key}`, "is not a known setting", {
        got: raw,
        fix: guess ? `Did you mean "${PROJECT}:${guess}"?` : `Known settings: ${known.join(", ")}.`,
      });
      continue;
    }
    const parsed = setting.schema().safeParse(raw);
    if (parsed.success) values[key] = parsed.data;
    else p.add(`${PROJECT}:${key}`, `must be ${setting.expects}`, { got: raw, fix: setting.fix });
  }

  const region = config["aws:region"];
  if (region === undefined || region === "") {
    p.add("aws:region", "must be set: the AWS provider has no default region", {
      got: region,
      fix: "Run `pulumi config set aws:region us-east-1`.",
    });
  }

  const presetName = (values["preset"] as PresetName | undefined) ?? PRESET_NAMES.find((n) => n === stack);
  if (presetName === undefined && !(`${PROJECT}:preset` in config)) {
    p.add(`${PROJECT}:preset`, `must be set for stack "${stack}", whose name is not a preset`, {
      got: undefined,
      fix: `Set it to one of ${PRESET_NAMES.join(", ")}.`,
    });
  }
  p.throwIfAny();

  const preset = presetName as PresetName;
  const allowedAccountIds = accountList(config["aws:allowedAccountIds"]);
  const settings: Settings = { ...PRESETS[preset], ...values, stack, preset, region: region as string, allowedAccountIds } as Settings;
  crossCheck(settings, p);
  p.throwIfAny();
  return settings;
}

/** `aws:allowedAccountIds` as the provider reads it (a JSON list of account ids), or undefined when unset or unreadable. */
function accountList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const list = JSON.parse(raw) as unknown;
    return Array.isArray(list) ? list.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rules between settings, after presets are applied (only once every key has passed its schema,
 * so no key is reported twice). The components' own rules run first, on the arguments the
 * program will pass them; the rest are this stack's policy per preset.
 */
function crossCheck(s: Settings, p: Problems): void {
  const k = (key: string) => `${PROJECT}:${key}`;
  checkComponents(s, p);
  if (s.preset === "dev") {
    p.check(
      s.alarmEmails.length === 0,
      k("alarmEmails"),
      "must be empty in dev: nobody is paged for a throwaway stack",
      s.alarmEmails,
      "Remove the setting.",
    );
  } else {
    p.check(
      s.dbReplicaCount >= 1,
      k("dbReplicaCount"),
      "must be at least 1 outside dev: the replica serves the reads",
      s.dbReplicaCount,
      "Keep 1 or more.",
    );
    p.check(
      !s.dbSkipFinalSnapshot,
      k("dbSkipFinalSnapshot"),
      "may be true only in dev: a deleted database keeps its final snapshot",
      s.dbSkipFinalSnapshot,
      "Remove the override.",
    );
  }
  if (s.preset !== "dev") {
    p.check(
      s.permissionsBoundaryArn !== undefined,
      k("permissionsBoundaryArn"),
      `must be set in ${s.preset}: the deploy role creates roles only with the bootstrap stack's boundary`,
      s.permissionsBoundaryArn,
      `Set ${PROJECT}:permissionsBoundaryArn to the bootstrap stack's permissionsBoundaryArn output.`,
    );
  }
  const allowed = s.allowedAccountIds;
  const boundaryAccount = s.permissionsBoundaryArn?.split(":")[4];
  if (allowed && boundaryAccount !== undefined) {
    p.check(
      allowed.includes(boundaryAccount),
      k("permissionsBoundaryArn"),
      `names account ${boundaryAccount}, but aws:allowedAccountIds allows only ${allowed.join(", ")}: IAM refuses a boundary of another account`,
      s.permissionsBoundaryArn,
      "Use the permissionsBoundaryArn output of the bootstrap stack in this stack's account.",
    );
  }
  if (s.preset === "prod") {
    p.check(s.waf, k("waf"), "must be true in prod (Security Hub ELB.16)", s.waf, "Remove the override.");
    p.check(s.encryptLogs, k("encryptLogs"), "must be true in prod (Checkov CKV_AWS_158)", s.encryptLogs, "Remove the override.");
    p.check(
      s.alarmEmails.length > 0,
      k("alarmEmails"),
      "must list at least one address in prod: an alarm nobody receives does not act",
      s.alarmEmails,
      `Set ${PROJECT}:alarmEmails to e.g. ["oncall@example.com"].`,
    );
    p.check(
      s.dbBackupRetentionDays >= 7,
      k("dbBackupRetentionDays"),
      "must be at least 7 in prod (Security Hub RDS.11)",
      s.dbBackupRetentionDays,
      "Remove the override or keep 7 to 35 days.",
    );
    p.check(
      s.webServerCount >= s.azCount,
      k("webServerCount"),
      `must be at least azCount (${s.azCount}) in prod: the group keeps a server in every AZ, so losing one AZ never leaves the site without capacity in the others`,
      s.webServerCount,
      `Set ${PROJECT}:webServerCount to ${s.azCount} or more.`,
    );
    p.check(
      s.dbMultiAz,
      k("dbMultiAz"),
      "must be true in prod: the primary must survive the loss of its AZ",
      s.dbMultiAz,
      "Remove the override.",
    );
    p.check(
      s.dbDeletionProtection,
      k("dbDeletionProtection"),
      "must be true in prod (Security Hub RDS.8)",
      s.dbDeletionProtection,
      "Remove the override.",
    );
    p.check(
      s.protectStatefulResources,
      k("protectStatefulResources"),
      "must be true in prod",
      s.protectStatefulResources,
      "Remove the override.",
    );
    p.check(
      s.natGateways === "perAz",
      `${PROJECT}:natGateways`,
      'must be "perAz" in prod: a single NAT gateway stops egress from every zone when its own zone fails',
      s.natGateways,
      'Remove the override or set it to "perAz".',
    );
    p.check(s.flowLogs, `${PROJECT}:flowLogs`, "must be true in prod (Security Hub EC2.6)", s.flowLogs, "Remove the override.");
    p.check(
      s.albDeletionProtection,
      k("albDeletionProtection"),
      "must be true in prod (Security Hub ELB.6)",
      s.albDeletionProtection,
      "Remove the override.",
    );
    p.check(s.albAccessLogs, k("albAccessLogs"), "must be true in prod (Security Hub ELB.5)", s.albAccessLogs, "Remove the override.");
  }
}
