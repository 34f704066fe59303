import type { CapturedResource, StackGraph } from "../graph";
import { RDS_CA_CERTIFICATES, RDS_INSTANCE_CLASSES, RDS_MYSQL_VERSIONS } from "../aws/catalog";
import { AwsRule, num, resourceRule } from "./rule";

const DB = "aws:rds/instance:Instance";
const SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup";
const PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";

/** The source of a read replica, given by identifier or ARN. */
function replicaSource(db: CapturedResource, graph: StackGraph): CapturedResource | undefined {
  const ref = db.inputs["replicateSourceDb"];
  if (ref === undefined) return undefined;
  return graph.ofType(DB).find((d) => d.state["identifier"] === ref || d.state["arn"] === ref);
}

/** An instance's own string input, or for a replica that leaves it out, its source's (a replica follows its source's engine). */
function inherited(db: CapturedResource, graph: StackGraph, key: "engine" | "engineVersion"): string | undefined {
  const own = db.inputs[key];
  if (typeof own === "string") return own;
  const source = replicaSource(db, graph);
  return source ? inherited(source, graph, key) : undefined;
}

export const replicaSourceBackups: AwsRule = resourceRule(
  "rds-replica-source-backups",
  "A read replica's source must keep automated backups (InvalidDBInstanceState: Automated backups are not enabled for this database instance)",
  [DB],
  (db, graph) => {
    if (db.inputs["replicateSourceDb"] === undefined) return undefined;
    const source = replicaSource(db, graph);
    if (!source) return `replicateSourceDb ${String(db.inputs["replicateSourceDb"])} is not a DB instance of this program`;
    // The RDS API defaults backup retention to 1 day when it is not given.
    return num(source.inputs["backupRetentionPeriod"]) === 0
      ? `source ${source.name} has backupRetentionPeriod 0; a replica needs automated backups on its source (set ≥ 1)`
      : undefined;
  },
);

export const replicaCredentials: AwsRule = resourceRule(
  "rds-replica-credentials",
  "A replica takes its users from the source: it may not set username, password or manageMasterUserPassword, and a MySQL source may not have a Secrets Manager-managed master password",
  [DB],
  (db, graph) => {
    if (db.inputs["replicateSourceDb"] === undefined) return undefined;
    const out: string[] = [];
    for (const key of ["username", "password", "manageMasterUserPassword"]) {
      if (db.inputs[key] !== undefined && db.inputs[key] !== false) out.push(`a replica may not set ${key}: it shares the source's users`);
    }
    const source = replicaSource(db, graph);
    if (source?.inputs["manageMasterUserPassword"] === true && String(source.inputs["engine"] ?? "mysql").includes("mysql")) {
      out.push(
        `Creating read replicas for source instance with engine mysql where ManageMasterUserPassword is enabled is not supported (source ${source.name}); generate the password instead`,
      );
    }
    return out;
  },
);

export const masterPassword: AwsRule = resourceRule(
  "rds-master-password",
  "The master password is 8–41 printable ASCII characters without '/', '\"', '@' or space (InvalidParameterValue)",
  [DB],
  (db) => {
    const pw = db.inputs["password"];
    if (typeof pw !== "string") return undefined;
    const out: string[] = [];
    if (pw.length < 8 || pw.length > 41) out.push(`the master password is ${pw.length} characters; RDS for MySQL accepts 8–41`);
    const bad = [...new Set([...pw].filter((c) => '/"@ '.includes(c) || c < "!" || c > "~"))];
    if (bad.length) out.push(`the master password contains characters RDS refuses: ${bad.map((c) => JSON.stringify(c)).join(", ")}`);
    return out;
  },
);

export const identifierRule: AwsRule = resourceRule(
  "rds-identifier",
  "A DB instance identifier holds lowercase letters, digits and hyphens, starts with a letter, has no '--' and does not end with a hyphen (the provider's validIdentifier); physical-name-limits checks its 63-character limit",
  [DB],
  (db) => {
    const id = db.state["identifier"];
    if (typeof id !== "string") return undefined;
    const out: string[] = [];
    // An upper-case first letter is reported once, by the character check below.
    if (!/^[A-Za-z]/.test(id)) out.push(`identifier "${id}" must start with a letter`);
    if (/[^a-z0-9-]/.test(id)) out.push(`identifier "${id}" may hold only lowercase letters, digits and hyphens`);
    if (id.includes("--") || id.endsWith("-")) out.push(`identifier "${id}" may not contain two consecutive hyphens or end with one`);
    return out;
  },
);

export const parameterGroupFamily: AwsRule = resourceRule(
  "rds-parameter-group-family",
  "An instance's parameter group family must match its engine version (InvalidParameterCombination: The parameter group ... with DBParameterGroupFamily ... cannot be used)",
  [DB],
  (db, graph) => {
    const name = db.inputs["parameterGroupName"];
    if (name === undefined) return undefined;
    const group = graph.ofType(PARAMETER_GROUP).find((g) => g.state["name"] === name);
    const version = inherited(db, graph, "engineVersion");
    if (!group || !version) return undefined;
    const [major, minor] = version.split(".");
    const expected = `mysql${major}.${minor}`;
    return group.inputs["family"] === expected
      ? undefined
      : `parameter group ${group.name} is family ${String(group.inputs["family"])} but engine version ${version} needs ${expected}`;
  },
);

export const storage: AwsRule = resourceRule(
  "rds-storage",
  "General-purpose storage for MySQL is 20–65536 GiB (io1/io2 from 100), and the autoscaling ceiling must be at least 10% above the allocation",
  [DB],
  (db) => {
    if (db.inputs["replicateSourceDb"] !== undefined) return undefined;
    const allocated = num(db.inputs["allocatedStorage"]);
    const max = num(db.inputs["maxAllocatedStorage"]);
    const out: string[] = [];
    if (allocated === undefined) out.push("allocatedStorage must be set on a primary");
    else {
      // gp2 is the API default; both general-purpose types take 20–65536 GiB for MySQL, io1/io2 start at 100.
      const type = String(db.inputs["storageType"] ?? "gp2");
      const min = type.startsWith("io") ? 100 : 20;
      if (allocated < min || allocated > 65536)
        out.push(`allocatedStorage ${allocated} GiB is outside ${type}'s ${min}–65536 GiB for MySQL`);
    }
    if (max !== undefined && max !== 0 && allocated !== undefined) {
      // Integer arithmetic: in floating point 20 * 1.1 is 22.000000000000004, which would round up to 23.
      const floor = Math.ceil((allocated * 11) / 10);
      if (max <= allocated)
        out.push(`maxAllocatedStorage ${max} must be greater than allocatedStorage ${allocated} (InvalidParameterCombination)`);
      else if (max < floor)
        out.push(
          `maxAllocatedStorage ${max} must be at least 10% above allocatedStorage ${allocated}, i.e. ≥ ${floor} (InvalidParameterCombination: The maximum allocated storage must be increased by at least 10 percent)`,
        );
    }
    return out;
  },
);

export const multiAzZone: AwsRule = resourceRule(
  "rds-multi-az-az",
  "A Multi-AZ instance cannot name an availability zone (InvalidParameterCombination: Requesting a specific availability zone is not valid for Multi-AZ instances)",
  [DB],
  (db) =>
    db.inputs["multiAz"] === true && db.inputs["availabilityZone"] !== undefined
      ? `multiAz with availabilityZone ${String(db.inputs["availabilityZone"])}: requesting a specific availability zone is not valid for Multi-AZ instances`
      : undefined,
);

export const subnetGroupAzs: AwsRule = resourceRule(
  "rds-subnet-group-azs",
  "A DB subnet group must cover at least 2 AZs of one VPC (DBSubnetGroupDoesNotCoverEnoughAZs)",
  [SUBNET_GROUP],
  (group, graph) => {
    const subnets = ((group.inputs["subnetIds"] as unknown[] | undefined) ?? []).map((id) => graph.byId(id));
    if (subnets.some((s) => s === undefined)) return undefined;
    const azs = new Set(subnets.map((s) => s?.state["availabilityZone"]));
    const vpcs = new Set(subnets.map((s) => s?.inputs["vpcId"]));
    const out: string[] = [];
    if (azs.size < 2) out.push(`DBSubnetGroupDoesNotCoverEnoughAZs: the subnets cover ${azs.size} AZ; at least 2 are needed`);
    if (vpcs.size > 1) out.push(`the subnets belong to ${vpcs.size} VPCs; a DB subnet group lives in one`);
    return out;
  },
);

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const TIME = "([01]\\d|2[0-3]):([0-5]\\d)";
const DAY = `(${DAYS.join("|")})`;
// The provider's validators anchor the whole value, so "03:00-03:30-09:00" is refused.
const DAILY = new RegExp(`^${TIME}-${TIME}$`);
const WEEKLY = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`);

export const windows: AwsRule = resourceRule(
  "rds-windows",
  "Backup window hh:mm-hh:mm of at least 30 minutes, maintenance window ddd:hh:mm-ddd:hh:mm (day names in any case) of at least 30 minutes, and the two may not overlap (InvalidParameterValue)",
  [DB],
  (db) => {
    const out: string[] = [];
    const backup = db.inputs["backupWindow"];
    const maintenance = db.inputs["maintenanceWindow"];
    let daily: [number, number] | undefined;
    let weekly: [number, number] | undefined;
    if (typeof backup === "string") {
      const m = DAILY.exec(backup);
      if (!m) out.push(`backupWindow "${backup}" must be hh:mm-hh:mm in UTC`);
      else {
        const [a, b] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
        daily = [a, a + ((b - a + 1440) % 1440)];
        if (daily[1] - daily[0] < 30) out.push(`backupWindow "${backup}" must last at least 30 minutes`);
      }
    }
    if (typeof maintenance === "string") {
      // The provider lower-cases the day names before checking them.
      const m = WEEKLY.exec(maintenance.toLowerCase());
      if (!m) out.push(`maintenanceWindow "${maintenance}" must be ddd:hh:mm-ddd:hh:mm in UTC`);
      else {
        const [a, b] = [
          DAYS.indexOf(m[1]) * 1440 + Number(m[2]) * 60 + Number(m[3]),
          DAYS.indexOf(m[4]) * 1440 + Number(m[5]) * 60 + Number(m[6]),
        ];
        weekly = [a, a + ((b - a + 10080) % 10080)];
        if (weekly[1] - weekly[0] < 30) out.push(`maintenanceWindow "${maintenance}" must last at least 30 minutes`);
      }
    }
    if (daily && weekly) {
      const [ws, we] = weekly;
      const [ds, de] = daily;
      // Compare every daily occurrence with the weekly window, itself shifted a week either way, so
      // a maintenance window across Sunday midnight meets Monday's backup.
      const clash = [-10080, 0, 10080].some((shift) =>
        [...Array(7).keys()].some((d) => d * 1440 + ds < we + shift && ws + shift < d * 1440 + de),
      );
      if (clash) out.push(`The backup window ${String(backup)} and maintenance window ${String(maintenance)} must not overlap`);
    }
    return out;
  },
);

export const instanceOptions: AwsRule = resourceRule(
  "rds-instance-options",
  "Engine version and instance class RDS offers, a valid CA, Enhanced Monitoring with its role, Performance Insights only where offered",
  [DB],
  (db, graph) => {
    const out: string[] = [];
    const replica = db.inputs["replicateSourceDb"] !== undefined;
    if (inherited(db, graph, "engine") !== "mysql") return undefined;
    const version = db.inputs["engineVersion"];
    if (!replica && (typeof version !== "string" || !RDS_MYSQL_VERSIONS.has(version))) {
      out.push(`Cannot find version ${String(version)} for mysql (InvalidParameterCombination)`);
    }
    const cls = String(db.inputs["instanceClass"] ?? "");
    const known = RDS_INSTANCE_CLASSES[cls];
    if (!known) out.push(`instance class ${cls} is not offered for RDS for MySQL`);
    const ca = db.inputs["caCertIdentifier"];
    if (ca !== undefined && !RDS_CA_CERTIFICATES.has(String(ca))) out.push(`caCertIdentifier ${String(ca)} is not a current RDS CA`);
    const interval = num(db.inputs["monitoringInterval"]) ?? 0;
    if (![0, 1, 5, 10, 15, 30, 60].includes(interval)) out.push(`monitoringInterval ${interval} must be 0, 1, 5, 10, 15, 30 or 60`);
    if (interval > 0 && !db.inputs["monitoringRoleArn"])
      out.push("monitoringInterval > 0 needs monitoringRoleArn (InvalidParameterCombination)");
    if (db.inputs["performanceInsightsEnabled"] === true && known && !known.performanceInsights) {
      out.push(`Performance Insights is not supported for ${cls} (InvalidParameterCombination)`);
    }
    return out;
  },
);

export const DATABASE_RULES: readonly AwsRule[] = [
  replicaSourceBackups,
  replicaCredentials,
  masterPassword,
  identifierRule,
  parameterGroupFamily,
  storage,
  multiAzZone,
  subnetGroupAzs,
  windows,
  instanceOptions,
];
