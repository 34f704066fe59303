import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  awsContext,
  checkRoleSettings,
  Connections,
  LOG_RETENTION_DAYS,
  Problems,
  RoleSettings,
  roleInputs,
  withName,
} from "@web-infra/core";
import {
  CA_CERTIFICATES,
  dailyWindow,
  ENGINE_VERSIONS,
  isKnownInstanceClass,
  majorVersion,
  minMaxAllocatedStorageGiB,
  MONITORING_INTERVALS,
  overlaps,
  parameterFamily,
  PASSWORD_SPECIALS,
  pinsMinorVersion,
  supportsPerformanceInsights,
  weeklyWindow,
  windowMinutes,
} from "./engine";

/** Log types shipped to CloudWatch Logs (Security Hub RDS.9); `audit` comes from the MariaDB audit plugin option. */
export const LOG_EXPORTS = ["audit", "error", "general", "slowquery"] as const;

/** What the audit plugin records: logins and schema or privilege changes, not every query. */
export const AUDIT_EVENTS = "CONNECT,QUERY_DDL,QUERY_DCL";

export interface MysqlDatabaseArgs {
  /** VPC of the subnets. */
  readonly vpcId: pulumi.Input<string>;
  /** Isolated database subnets, at least 2 AZs, ordered like `availabilityZones`. */
  readonly subnetIds: pulumi.Input<string>[];
  /** The AZ of each subnet, in the same order: a single-AZ primary goes to the first, replicas elsewhere. */
  readonly availabilityZones: pulumi.Input<string>[];
  /**
   * Groups allowed to connect on the database port: ingress here, egress on theirs.
   *
   * @default [] - nobody can connect
   */
  readonly clients?: readonly Connections[];
  /**
   * MySQL version: a major line (`8.4`, minor upgrades applied by RDS) or a minor release (`8.4.7`).
   * The parameter group family is derived from it.
   *
   * @default "8.4"
   */
  readonly engineVersion?: string;
  /**
   * Let RDS apply minor MySQL releases in the maintenance window (Security Hub RDS.13).
   * Pinning a minor `engineVersion` needs this off, or the next update would try to downgrade.
   *
   * @default true
   */
  readonly autoMinorVersionUpgrade?: boolean;
  /**
   * Instance class of the primary.
   *
   * @default "db.t4g.micro"
   */
  readonly instanceClass?: string;
  /**
   * Instance class of the replicas.
   *
   * @default - the primary's
   */
  readonly replicaInstanceClass?: string;
  /**
   * Initial gp3 storage in GiB (20 is RDS for MySQL's gp3 minimum).
   *
   * @default 20
   */
  readonly allocatedStorageGiB?: number;
  /**
   * Storage autoscaling ceiling in GiB, at most 65536; RDS wants it at least 10% above
   * `allocatedStorageGiB` (22 for 20).
   *
   * @default 100
   */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * A standby in another AZ that takes over in 60–120 s (Security Hub RDS.5).
   *
   * @default true
   */
  readonly multiAz?: boolean;
  /**
   * Run each replica Multi-AZ too, so reads keep their replica through an AZ loss (Security Hub RDS.5
   * counts replicas). Doubles the replicas' cost.
   *
   * @default false
   */
  readonly replicaMultiAz?: boolean;
  /**
   * KMS key ARN that encrypts the exported database log groups (Checkov CKV_AWS_158).
   *
   * @default - the CloudWatch Logs service key
   */
  readonly logKmsKeyArn?: pulumi.Input<string>;
  /**
   * Read replicas (0–15), each in another AZ than a single-AZ primary.
   *
   * @default 1
   */
  readonly replicaCount?: number;
  /**
   * Days of automated backups, 1–35; at least 1 because a replica's source needs them.
   *
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Daily backup window, UTC `hh:mm-hh:mm`, at least 30 minutes, not overlapping maintenance.
   *
   * @default "03:00-03:30"
   */
  readonly backupWindow?: string;
  /**
   * Weekly maintenance window, UTC `ddd:hh:mm-ddd:hh:mm`.
   *
   * @default "sun:04:00-sun:05:00"
   */
  readonly maintenanceWindow?: string;
  /**
   * Apply a change to the instances (class, storage, engine version, parameters that need one) at
   * once, with the restart or failover it may take, instead of in the next maintenance window. Until
   * the window, RDS keeps the change pending and a refresh shows it as a difference: the drift job
   * reports such pending modifications apart from drift.
   *
   * @default false - changes wait for `maintenanceWindow`
   */
  readonly applyImmediately?: boolean;
  /**
   * Deletion protection on every instance (Security Hub RDS.8).
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Delete the primary without a final snapshot. Only for throwaway environments.
   *
   * @default false
   */
  readonly skipFinalSnapshot?: boolean;
  /**
   * Enhanced Monitoring interval in seconds: 0 (off), 1, 5, 10, 15, 30 or 60.
   *
   * @default 60
   */
  readonly monitoringInterval?: number;
  /**
   * Turn on MySQL's general query log (exported to CloudWatch); heavy on busy databases.
   *
   * @default false
   */
  readonly generalLog?: boolean;
  /**
   * Days CloudWatch keeps the exported database logs; one of the periods CloudWatch accepts
   * (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).
   *
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * TCP port MySQL listens on (1150–65535; a non-default port meets Security Hub RDS.23).
   *
   * @default 3306
   */
  readonly port?: number;
  /**
   * Initial database name.
   *
   * @default "app"
   */
  readonly databaseName?: string;
  /**
   * Master user name (not `admin`, Security Hub RDS.25).
   *
   * @default "webinfra"
   */
  readonly username?: string;
  /**
   * Pulumi `protect` on the instances, the password and the secret: a `pulumi destroy` or a
   * replacing change then stops at the plan.
   *
   * @default true
   */
  readonly protect?: boolean;
  /**
   * SSM path the app contract is published under, e.g. `/web-infra/prod/db`.
   *
   * @default - `/<project>/<stack>/<name>`
   */
  readonly parameterPath?: string;
  /**
   * Days Secrets Manager waits before deleting the credentials secret (0 deletes at once).
   *
   * @default 30
   */
  readonly secretRecoveryWindowDays?: number;
  /**
   * ARN of the IAM policy every role this component creates carries as its permissions boundary: the
   * boundary the bootstrap stack exports (`permissionsBoundaryArn`). A deploy role that may create roles
   * only with that boundary can then create these.
   *
   * @default - no boundary (the policy pack's iam-role-permissions-boundary rule flags it)
   */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /**
   * Path of the IAM roles this component creates, e.g. `/web-infra/prod/`: the bootstrap's deploy role of an
   * environment may pass, and rewrite the trust of, only roles under its own path. Changing it replaces the roles.
   *
   * @default "/"
   */
  readonly rolePath?: string;
  /**
   * Tags for every resource; each also gets a `Name`.
   *
   * @default - no extra tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

interface Resolved {
  engineVersion: string;
  autoMinorVersionUpgrade: boolean;
  instanceClass: string;
  replicaInstanceClass: string;
  allocatedStorageGiB: number;
  maxAllocatedStorageGiB: number;
  multiAz: boolean;
  replicaMultiAz: boolean;
  replicaCount: number;
  backupRetentionDays: number;
  backupWindow: string;
  maintenanceWindow: string;
  applyImmediately: boolean;
  deletionProtection: boolean;
  skipFinalSnapshot: boolean;
  monitoringInterval: number;
  generalLog: boolean;
  logRetentionDays: number;
  port: number;
  databaseName: string;
  username: string;
  protect: boolean;
  parameterPath?: string;
  secretRecoveryWindowDays: number;
}

const RESERVED_USERNAMES = ["admin", "root", "rdsadmin", "mysql", "user"];

const MAX_REPLICAS = 15;
/** Bytes of the random suffix every identifier of one database shares: 6 hex characters. */
const SUFFIX_BYTES = 3;

/** The RDS identifier of one instance, e.g. `db-replica-0-1a2b3c`. */
function instanceIdentifier(name: string, role: string, suffix: string): string {
  return `${name}-${role}-${suffix}`;
}

/** Physical names built from the component name, with their limits; random parts are shown as x. */
function derivedNames(name: string, replicaCount: number, monitoring: boolean): { label: string; value: string; max: number }[] {
  const suffix = "x".repeat(SUFFIX_BYTES * 2);
  const roles = ["primary", ...[...Array(replicaCount).keys()].map((i) => `replica-${i}`)];
  const names = roles.map((role) => ({ label: "DB instance identifier", value: instanceIdentifier(name, role, suffix), max: 63 }));
  // The provider auto-names the role: its logical name, a hyphen and 7 random characters.
  if (monitoring) names.push({ label: "IAM role name", value: `${name}-monitoring-${"x".repeat(7)}`, max: 64 });
  return names;
}

/** Apply defaults and check every argument, throwing all problems at once before anything is created. */
export function resolveMysqlArgs(name: string, args: MysqlDatabaseArgs): Resolved {
  const p = new Problems(`web-infra:database:MysqlDatabase "${name}"`);
  const r: Resolved = {
    engineVersion: args.engineVersion ?? "8.4",
    autoMinorVersionUpgrade: args.autoMinorVersionUpgrade ?? true,
    instanceClass: args.instanceClass ?? "db.t4g.micro",
    replicaInstanceClass: args.replicaInstanceClass ?? args.instanceClass ?? "db.t4g.micro",
    allocatedStorageGiB: args.allocatedStorageGiB ?? 20,
    maxAllocatedStorageGiB: args.maxAllocatedStorageGiB ?? 100,
    multiAz: args.multiAz ?? true,
    replicaMultiAz: args.replicaMultiAz ?? false,
    replicaCount: args.replicaCount ?? 1,
    backupRetentionDays: args.backupRetentionDays ?? 7,
    backupWindow: args.backupWindow ?? "03:00-03:30",
    maintenanceWindow: args.maintenanceWindow ?? "sun:04:00-sun:05:00",
    applyImmediately: args.applyImmediately ?? false,
    deletionProtection: args.deletionProtection ?? true,
    skipFinalSnapshot: args.skipFinalSnapshot ?? false,
    monitoringInterval: args.monitoringInterval ?? 60,
    generalLog: args.generalLog ?? false,
    logRetentionDays: args.logRetentionDays ?? 365,
    port: args.port ?? 3306,
    databaseName: args.databaseName ?? "app",
    username: args.username ?? "webinfra",
    protect: args.protect ?? true,
    parameterPath: args.parameterPath,
    secretRecoveryWindowDays: args.secretRecoveryWindowDays ?? 30,
  };

  p.check(
    ENGINE_VERSIONS.includes(r.engineVersion),
    "engineVersion",
    `must be a supported MySQL version (${ENGINE_VERSIONS.join(", ")})`,
    r.engineVersion,
    'Use "8.4".',
  );
  p.check(
    !(r.autoMinorVersionUpgrade && pinsMinorVersion(r.engineVersion)),
    "engineVersion",
    "must name a major line (8.4) while autoMinorVersionUpgrade is on: RDS upgrades the minor release and the next update would try to downgrade it",
    r.engineVersion,
    "Use the major line, or turn autoMinorVersionUpgrade off to pin a minor release.",
  );
  p.check(
    isKnownInstanceClass(r.instanceClass),
    "instanceClass",
    "must be an RDS for MySQL instance class such as db.t4g.micro or db.m7g.large",
    r.instanceClass,
    "Pick a class RDS offers for MySQL (burstable t3/t4g, or m/r families from large).",
  );
  p.check(
    isKnownInstanceClass(r.replicaInstanceClass),
    "replicaInstanceClass",
    "must be an RDS for MySQL instance class",
    r.replicaInstanceClass,
    "Pick a class RDS offers for MySQL, or leave it unset to use the primary's.",
  );
  p.integer("allocatedStorageGiB", r.allocatedStorageGiB, 20, 65536, "gp3 storage for MySQL starts at 20 GiB.");
  p.integer(
    "maxAllocatedStorageGiB",
    r.maxAllocatedStorageGiB,
    minMaxAllocatedStorageGiB(r.allocatedStorageGiB),
    65536,
    `RDS refuses an autoscaling ceiling less than 10% above allocatedStorageGiB (${r.allocatedStorageGiB}); use e.g. ${Math.min(Math.max(r.allocatedStorageGiB * 5, minMaxAllocatedStorageGiB(r.allocatedStorageGiB)), 65536)}.`,
  );
  p.integer("replicaCount", r.replicaCount, 0, MAX_REPLICAS, `RDS allows up to ${MAX_REPLICAS} replicas per source.`);
  p.integer("backupRetentionDays", r.backupRetentionDays, 1, 35, "A read replica's source needs automated backups: at least 1 day.");
  const backup = dailyWindow(r.backupWindow);
  const maintenance = weeklyWindow(r.maintenanceWindow);
  p.check(backup !== undefined, "backupWindow", "must be a UTC hh:mm-hh:mm range", r.backupWindow, 'Use e.g. "03:00-03:30".');
  p.check(
    maintenance !== undefined,
    "maintenanceWindow",
    "must be a UTC ddd:hh:mm-ddd:hh:mm range",
    r.maintenanceWindow,
    'Use e.g. "sun:04:00-sun:05:00".',
  );
  if (backup)
    p.check(windowMinutes(backup[0]) >= 30, "backupWindow", "must last at least 30 minutes", r.backupWindow, "Widen it, e.g. 03:00-03:30.");
  if (maintenance)
    p.check(
      windowMinutes(maintenance) >= 30,
      "maintenanceWindow",
      "must last at least 30 minutes",
      r.maintenanceWindow,
      "Widen it, e.g. sun:04:00-sun:05:00.",
    );
  if (backup && maintenance) {
    p.check(
      !backup.some((b) => overlaps(b, maintenance)),
      "maintenanceWindow",
      `must not overlap the backup window ${r.backupWindow}`,
      r.maintenanceWindow,
      "Move one of the two windows.",
    );
  }
  p.oneOf("monitoringInterval", r.monitoringInterval, MONITORING_INTERVALS, "Use 60, or 0 to turn Enhanced Monitoring off.");
  p.oneOf("logRetentionDays", r.logRetentionDays, LOG_RETENTION_DAYS, "CloudWatch Logs accepts only these periods; use e.g. 365.");
  p.integer("port", r.port, 1150, 65535, "RDS for MySQL accepts ports 1150–65535.");
  p.check(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(r.databaseName),
    "databaseName",
    "must start with a letter and hold only letters, digits and _ (≤ 64)",
    r.databaseName,
    "Use e.g. app.",
  );
  p.check(
    /^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(r.username) && !RESERVED_USERNAMES.includes(r.username.toLowerCase()),
    "username",
    `must start with a letter, hold only letters, digits and _ (≤ 16), and not be a reserved name (${RESERVED_USERNAMES.join(", ")})`,
    r.username,
    "Use e.g. webinfra.",
  );
  p.check(
    args.subnetIds.length >= 2,
    "subnetIds",
    "must list at least 2 subnets: an RDS subnet group needs 2 AZs",
    args.subnetIds.length,
    "Pass one isolated subnet per AZ, e.g. network.databaseSubnets.map((s) => s.id).",
  );
  p.check(
    args.availabilityZones.length === args.subnetIds.length,
    "availabilityZones",
    "must give the AZ of each subnet, in order",
    args.availabilityZones.length,
    "Pass e.g. network.databaseSubnets.map((s) => s.availabilityZone).",
  );
  // Secrets Manager's RecoveryWindowInDays is 7–30, with 0 meaning "delete now"; 1–6 is refused at apply time.
  p.check(
    Number.isInteger(r.secretRecoveryWindowDays) &&
      (r.secretRecoveryWindowDays === 0 || (r.secretRecoveryWindowDays >= 7 && r.secretRecoveryWindowDays <= 30)),
    "secretRecoveryWindowDays",
    "must be 0 (delete immediately) or an integer from 7 to 30",
    r.secretRecoveryWindowDays,
    "Use 30, or 0 only for throwaway stacks.",
  );
  p.check(
    /^[a-z](?:-?[a-z0-9])*$/.test(name),
    "name",
    "must start with a lowercase letter and hold only lowercase letters, digits and single hyphens, not ending with one: the RDS identifiers are built from it, and the provider refuses anything else",
    name,
    'Rename the component, e.g. "db".',
  );
  // An invalid replicaCount is reported above; size the names for the most replicas RDS allows then.
  const replicas =
    Number.isInteger(r.replicaCount) && r.replicaCount >= 0 && r.replicaCount <= MAX_REPLICAS ? r.replicaCount : MAX_REPLICAS;
  const tooLong = derivedNames(name, replicas, r.monitoringInterval > 0)
    .map((d) => ({ ...d, over: d.value.length - d.max }))
    .reduce((a, b) => (b.over > a.over ? b : a));
  p.check(
    tooLong.over <= 0,
    "name",
    `must be short enough for the names built from it: the ${tooLong.label} "${tooLong.value}" (x = random) would be ${tooLong.value.length} characters, over the limit of ${tooLong.max}`,
    name,
    `Shorten the component name by ${tooLong.over} character${tooLong.over === 1 ? "" : "s"}.`,
  );
  if (r.parameterPath !== undefined)
    p.check(
      /^(\/[A-Za-z0-9_.-]+)+$/.test(r.parameterPath),
      "parameterPath",
      "must be an SSM path such as /web-infra/prod/db",
      r.parameterPath,
      "Start with / and use letters, digits, _, . and - between slashes.",
    );
  checkRoleSettings(p, args);
  p.throwIfAny();
  return r;
}

/**
 * The seed's primary–replica MySQL: the primary takes the writes, read
 * replicas serve reads, and the application is told which endpoint is which
 * through SSM parameters, with the credentials in Secrets Manager.
 *
 * The master password is generated (RandomPassword) and kept as a Pulumi
 * secret, not managed by RDS: AWS refuses to create a read replica of a MySQL
 * source whose master password Secrets Manager manages (RDS user guide,
 * "Limitations for Secrets Manager integration"; terraform-aws-rds #512, #532).
 */
export class MysqlDatabase extends pulumi.ComponentResource {
  public readonly primary: aws.rds.Instance;
  public readonly replicas: aws.rds.Instance[];
  /** The database's group: `db.connections.allowFrom(web.connections, …)` is what `clients` does. */
  public readonly connections: Connections;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly secret: aws.secretsmanager.Secret;
  /** The primary's address: where writes go. */
  public readonly writerEndpoint: pulumi.Output<string>;
  /**
   * The replicas' addresses, in order; empty without replicas. The app contract's `reader-endpoints`
   * parameter then holds the writer instead, so an app reading the contract always has a host to read from.
   */
  public readonly readerEndpoints: pulumi.Output<string[]>;
  public readonly port: number;
  public readonly databaseName: string;
  /** The SSM parameters of the app contract, by purpose. */
  public readonly parameters: Record<"writerEndpoint" | "readerEndpoints" | "port" | "databaseName" | "secretArn", aws.ssm.Parameter>;
  public readonly parameterPath: string;
  /** The instances' RDS identifiers, as `Monitoring` takes them (`primaryIdentifier`, `replicaIdentifiers`). */
  public readonly identifiers: { readonly primary: pulumi.Output<string>; readonly replicas: pulumi.Output<string>[] };
  private readonly baseName: string;

  constructor(name: string, args: MysqlDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const cfg = resolveMysqlArgs(name, args);
    super("web-infra:database:MysqlDatabase", name, {}, opts);
    const parent = { parent: this };
    const stateful = { parent: this, protect: cfg.protect };
    const tags = args.tags;
    this.baseName = name;
    this.port = cfg.port;
    this.databaseName = cfg.databaseName;
    this.parameterPath = cfg.parameterPath ?? `/${pulumi.getProject()}/${pulumi.getStack()}/${name}`;

    const sg = new aws.ec2.SecurityGroup(
      `${name}-mysql`,
      {
        vpcId: args.vpcId,
        description: `MySQL of ${name}: port ${cfg.port} from its clients only, no egress`,
        tags: withName(tags, `${name}-mysql`),
      },
      parent,
    );
    this.securityGroupId = sg.id;
    this.connections = new Connections(`${name}-mysql`, sg.id, this);
    for (const client of args.clients ?? []) this.connections.allowFrom(client, cfg.port, `MySQL from ${client.name}`);

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      { subnetIds: args.subnetIds, description: `Isolated database subnets of ${name}`, tags: withName(tags, `${name}-subnets`) },
      parent,
    );
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-mysql`,
      {
        family: parameterFamily(cfg.engineVersion),
        description: `TLS-only MySQL with slow query logging for ${name}`,
        parameters: [
          // Refuse unencrypted connections (Security Hub RDS.39 / CKV2_AWS_69).
          { name: "require_secure_transport", value: "1" },
          { name: "slow_query_log", value: "1" },
          { name: "long_query_time", value: "1" },
          { name: "general_log", value: cfg.generalLog ? "1" : "0" },
          // CloudWatch export reads the log files.
          { name: "log_output", value: "FILE" },
        ],
        tags: withName(tags, `${name}-mysql`),
      },
      parent,
    );
    // RDS for MySQL ships the MariaDB audit plugin as an option (8.0.28+ and 8.4); it feeds the `audit` log export.
    const optionGroup = new aws.rds.OptionGroup(
      `${name}-mysql`,
      {
        engineName: "mysql",
        majorEngineVersion: majorVersion(cfg.engineVersion),
        optionGroupDescription: `Audit logging for ${name}`,
        options: [{ optionName: "MARIADB_AUDIT_PLUGIN", optionSettings: [{ name: "SERVER_AUDIT_EVENTS", value: AUDIT_EVENTS }] }],
        tags: withName(tags, `${name}-mysql`),
      },
      parent,
    );

    // One random suffix for every identifier of this stack's database: stable across updates,
    // new when the stack is re-created, so a final snapshot never collides with the last one
    // (terraform-aws-rds #270, PR #591), and log groups can be named before the instances exist.
    const suffix = new random.RandomId(`${name}-suffix`, { byteLength: SUFFIX_BYTES }, parent);
    const identifier = (role: string) => suffix.hex.apply((hex) => instanceIdentifier(name, role, hex));

    const password = new random.RandomPassword(
      `${name}-master`,
      {
        length: 32,
        special: true,
        overrideSpecial: PASSWORD_SPECIALS,
        minLower: 2,
        minUpper: 2,
        minNumeric: 2,
        minSpecial: 2,
      },
      stateful,
    );

    const monitoringRole = cfg.monitoringInterval > 0 ? this.monitoringRole(name, tags, args) : undefined;

    const common = {
      parameterGroupName: parameterGroup.name,
      optionGroupName: optionGroup.name,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [sg.id],
      port: cfg.port,
      publiclyAccessible: false,
      storageType: "gp3",
      storageEncrypted: true,
      maxAllocatedStorage: cfg.maxAllocatedStorageGiB,
      iamDatabaseAuthenticationEnabled: true,
      caCertIdentifier: CA_CERTIFICATES[0],
      autoMinorVersionUpgrade: cfg.autoMinorVersionUpgrade,
      copyTagsToSnapshot: true,
      deletionProtection: cfg.deletionProtection,
      enabledCloudwatchLogsExports: [...LOG_EXPORTS],
      monitoringInterval: cfg.monitoringInterval,
      monitoringRoleArn: monitoringRole?.arn,
      maintenanceWindow: cfg.maintenanceWindow,
      applyImmediately: cfg.applyImmediately,
    };
    const insights = (instanceClass: string) =>
      supportsPerformanceInsights(instanceClass) ? { performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: 7 } : {};

    const primaryId = identifier("primary");
    const primaryLogs = this.logGroups(name, "primary", primaryId, cfg.logRetentionDays, args.logKmsKeyArn, tags);
    this.primary = new aws.rds.Instance(
      `${name}-primary`,
      {
        ...common,
        ...insights(cfg.instanceClass),
        identifier: primaryId,
        engine: "mysql",
        // A replica follows its source's version, so only the primary names one.
        engineVersion: cfg.engineVersion,
        instanceClass: cfg.instanceClass,
        allocatedStorage: cfg.allocatedStorageGiB,
        dbName: cfg.databaseName,
        username: cfg.username,
        password: password.result,
        multiAz: cfg.multiAz,
        // RDS picks the standby's AZ for Multi-AZ; a single-AZ primary sits in the first AZ so replicas can avoid it.
        availabilityZone: cfg.multiAz ? undefined : args.availabilityZones[0],
        backupRetentionPeriod: cfg.backupRetentionDays,
        backupWindow: cfg.backupWindow,
        skipFinalSnapshot: cfg.skipFinalSnapshot,
        finalSnapshotIdentifier: cfg.skipFinalSnapshot ? undefined : pulumi.interpolate`${primaryId}-final`,
        tags: withName(tags, `${name}-primary`),
      },
      { ...stateful, dependsOn: primaryLogs },
    );

    this.replicas = [...Array(cfg.replicaCount).keys()].map((i) => {
      const replicaId = identifier(`replica-${i}`);
      const logs = this.logGroups(name, `replica-${i}`, replicaId, cfg.logRetentionDays, args.logKmsKeyArn, tags);
      // Cycle through every AZ but the first, where a single-AZ primary sits.
      const az = args.availabilityZones[1 + (i % (args.availabilityZones.length - 1))];
      return new aws.rds.Instance(
        `${name}-replica-${i}`,
        {
          ...common,
          ...insights(cfg.replicaInstanceClass),
          identifier: replicaId,
          // With dbSubnetGroupName set, the provider wants the source's ARN even in the same region
          // (aws_db_instance replicate_source_db docs); the identifier only works without it.
          replicateSourceDb: this.primary.arn,
          instanceClass: cfg.replicaInstanceClass,
          // A replica shares the source's users: no username, password or managed password here.
          multiAz: cfg.replicaMultiAz,
          // RDS places a Multi-AZ replica itself and refuses an explicit AZ for it.
          availabilityZone: cfg.replicaMultiAz ? undefined : az,
          backupRetentionPeriod: 0,
          skipFinalSnapshot: true,
          tags: withName(tags, `${name}-replica-${i}`),
        },
        { ...stateful, dependsOn: logs },
      );
    });

    this.writerEndpoint = this.primary.address;
    this.readerEndpoints = pulumi.all(this.replicas.map((r) => r.address));
    this.identifiers = { primary: this.primary.identifier, replicas: this.replicas.map((r) => r.identifier) };

    this.secret = new aws.secretsmanager.Secret(
      `${name}-credentials`,
      {
        description: `Master credentials of ${name} (MySQL); read at run time by the app`,
        recoveryWindowInDays: cfg.secretRecoveryWindowDays,
        tags: withName(tags, `${name}-credentials`),
      },
      stateful,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-credentials`,
      {
        secretId: this.secret.id,
        secretString: pulumi.jsonStringify({
          engine: "mysql",
          host: this.primary.address,
          port: cfg.port,
          dbname: cfg.databaseName,
          username: cfg.username,
          password: password.result,
        }),
      },
      stateful,
    );

    const param = (key: string, description: string, value: pulumi.Input<string>, type: "String" | "StringList" = "String") =>
      new aws.ssm.Parameter(
        `${name}-${key}`,
        { name: `${this.parameterPath}/${key}`, type, value, description, tags: withName(tags, `${name}-${key}`) },
        parent,
      );
    this.parameters = {
      writerEndpoint: param("writer-endpoint", "Host the app sends writes to (the primary)", this.writerEndpoint),
      readerEndpoints: param(
        "reader-endpoints",
        "Hosts the app sends reads to (the replicas; the primary when there are none)",
        pulumi
          .all([this.readerEndpoints, this.writerEndpoint])
          .apply(([readers, writer]) => (readers.length ? readers : [writer]).join(",")),
        "StringList",
      ),
      port: param("port", "MySQL port", String(cfg.port)),
      databaseName: param("database-name", "Database the app uses", cfg.databaseName),
      secretArn: param("secret-arn", "ARN of the Secrets Manager secret holding the credentials (not the secret itself)", this.secret.arn),
    };

    this.registerOutputs({
      writerEndpoint: this.writerEndpoint,
      readerEndpoints: this.readerEndpoints,
      port: cfg.port,
      secretArn: this.secret.arn,
      securityGroupId: this.securityGroupId,
      parameterPath: this.parameterPath,
    });
  }

  /**
   * Let a role read exactly the app contract: the parameters under this
   * database's path and the credentials secret, by exact ARN.
   */
  grantRead(role: aws.iam.Role, roleName: string): aws.iam.RolePolicy {
    const params = Object.values(this.parameters).map((p) => p.arn);
    return new aws.iam.RolePolicy(
      `${this.baseName}-read-${roleName}`,
      {
        role: role.name,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              { sid: "ReadDatabaseContract", actions: ["ssm:GetParameter", "ssm:GetParameters"], resources: params },
              {
                sid: "ReadDatabaseCredentials",
                actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                resources: [this.secret.arn],
              },
            ],
          },
          { parent: this },
        ).json,
      },
      { parent: this },
    );
  }

  /** The log groups RDS would create with no expiry: created first, with a retention (CloudWatch.16). */
  private logGroups(
    name: string,
    role: string,
    identifier: pulumi.Output<string>,
    retentionInDays: number,
    kmsKeyId: pulumi.Input<string> | undefined,
    tags: MysqlDatabaseArgs["tags"],
  ) {
    return LOG_EXPORTS.map(
      (type) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${role}-${type}`,
          {
            name: pulumi.interpolate`/aws/rds/instance/${identifier}/${type}`,
            retentionInDays,
            kmsKeyId,
            tags: withName(tags, `${name}-${role}-${type}`),
          },
          { parent: this },
        ),
    );
  }

  private monitoringRole(name: string, tags: MysqlDatabaseArgs["tags"], args: RoleSettings): aws.iam.Role {
    const parent = { parent: this };
    const role = new aws.iam.Role(
      `${name}-monitoring`,
      {
        description: `Enhanced Monitoring of ${name}`,
        ...roleInputs(args),
        assumeRolePolicy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["monitoring.rds.amazonaws.com"] }] }],
          },
          parent,
        ).json,
        tags: withName(tags, `${name}-monitoring`),
      },
      parent,
    );
    const partition = awsContext(this).partition;
    new aws.iam.RolePolicyAttachment(
      `${name}-monitoring`,
      { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole` },
      parent,
    );
    return role;
  }
}
