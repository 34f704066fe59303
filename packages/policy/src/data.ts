import type { PolicyResource } from "@pulumi/policy";
import { BaselinePolicy, byRef, ofType, resourcePolicy, routeTableOf, routesOf, stackPolicy } from "./policy";
import { ANY_IPV4, ANY_IPV6, T } from "./types";

type Props = Record<string, unknown>;
type Violation = { urn?: string; message: string };

/** A read replica names its source; it inherits encryption, the master user and backups from it. */
const isReplica = (p: Props) => p["replicateSourceDb"] !== undefined && p["replicateSourceDb"] !== null && p["replicateSourceDb"] !== "";
const isSet = (v: unknown) => v !== undefined && v !== null && v !== "";
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

export const rdsNotPublic = resourcePolicy(
  {
    name: "rds-not-public",
    row: 25,
    securityHub: ["RDS.2"],
    checkov: ["CKV_AWS_17"],
    description: "A DB instance is not publicly accessible (publiclyAccessible !== true)",
  },
  T.DB_INSTANCE,
  (p) => (p["publiclyAccessible"] === true ? "publiclyAccessible is true: the instance gets a public endpoint" : undefined),
);

/** Routes to the internet through an internet gateway of the stack (or a literal igw- id), in one route table. */
function internetRoutes(resources: readonly PolicyResource[], tableId: unknown): { destination: string; gateway: string }[] {
  const toIgw = (gatewayId: unknown): string | undefined => {
    const igw = byRef(resources, gatewayId);
    if (igw && ofType([igw], T.INTERNET_GATEWAY).length) return igw.name;
    return !igw && typeof gatewayId === "string" && gatewayId.startsWith("igw-") ? gatewayId : undefined;
  };
  return routesOf(resources, tableId).flatMap((r) => {
    const gateway = toIgw(r.gatewayId);
    const destination = [r.cidrBlock, r.ipv6CidrBlock].find((d) => d === ANY_IPV4 || d === ANY_IPV6);
    return gateway !== undefined && typeof destination === "string" ? [{ destination, gateway }] : [];
  });
}

export const rdsInPrivateSubnets = stackPolicy(
  {
    name: "rds-in-private-subnets",
    row: 26,
    securityHub: ["RDS.46"],
    checkov: [],
    description:
      "No subnet of a DB instance's subnet group has a route table (explicitly associated, else the VPC's main one) that routes 0.0.0.0/0 or ::/0 to an internet gateway; a primary without dbSubnetGroupName fails (the default group uses the default VPC's public subnets)",
  },
  (resources) => {
    const out: Violation[] = [];
    for (const db of ofType(resources, T.DB_INSTANCE)) {
      const groupName = db.props["dbSubnetGroupName"];
      if (!isSet(groupName)) {
        if (!isReplica(db.props))
          out.push({
            urn: db.urn,
            message: "dbSubnetGroupName is not set: the default DB subnet group uses the default VPC's public subnets",
          });
        continue;
      }
      const group = ofType(resources, T.DB_SUBNET_GROUP).find((g) => g.props["name"] === groupName);
      if (!group) continue;
      for (const subnetId of list(group.props["subnetIds"])) {
        const subnet = byRef(resources, subnetId);
        if (!subnet) continue;
        for (const route of internetRoutes(resources, routeTableOf(resources, subnet))) {
          out.push({
            urn: db.urn,
            message: `subnet ${subnet.name} of DB subnet group ${group.name} routes ${route.destination} to internet gateway ${route.gateway}`,
          });
        }
      }
    }
    return out;
  },
);

export const rdsEncrypted = resourcePolicy(
  {
    name: "rds-storage-encrypted",
    row: 27,
    securityHub: ["RDS.3"],
    checkov: ["CKV_AWS_16"],
    description: "A primary DB instance has storageEncrypted === true (a read replica inherits its source's encryption)",
  },
  T.DB_INSTANCE,
  (p) => (isReplica(p) || p["storageEncrypted"] === true ? undefined : "storageEncrypted is not true (it defaults to false)"),
);

export const rdsMultiAz = resourcePolicy(
  {
    name: "rds-multi-az",
    row: 28,
    securityHub: ["RDS.5"],
    checkov: ["CKV_AWS_157"],
    description: "Every DB instance, primary or replica, has multiAz === true",
  },
  T.DB_INSTANCE,
  (p) => (p["multiAz"] === true ? undefined : "multiAz is not true: the instance runs in one AZ"),
);

const MONITORING_INTERVALS: readonly number[] = [1, 5, 10, 15, 30, 60];
/** Burstable classes where Performance Insights is not offered. */
const NO_PERFORMANCE_INSIGHTS = /^db\.t[234]g?\.(micro|small)$/;

export const rdsMonitoring = resourcePolicy(
  {
    name: "rds-enhanced-monitoring",
    row: 29,
    securityHub: ["RDS.6"],
    checkov: ["CKV_AWS_118", "CKV_AWS_353"],
    description: `A DB instance has monitoringInterval in {${MONITORING_INTERVALS.join(", ")}} and a monitoringRoleArn, and performanceInsightsEnabled === true unless its instanceClass matches ${String(NO_PERFORMANCE_INSIGHTS)} (no Performance Insights there)`,
  },
  T.DB_INSTANCE,
  (p) => {
    const out: string[] = [];
    const interval = p["monitoringInterval"];
    if (typeof interval !== "number" || !MONITORING_INTERVALS.includes(interval))
      out.push(
        `monitoringInterval is ${interval === undefined ? "unset (0: enhanced monitoring off)" : String(interval)}; use one of ${MONITORING_INTERVALS.join(", ")}`,
      );
    if (!isSet(p["monitoringRoleArn"])) out.push("monitoringRoleArn is not set: enhanced monitoring needs a role to publish with");
    const instanceClass = String(p["instanceClass"] ?? "");
    if (!NO_PERFORMANCE_INSIGHTS.test(instanceClass) && p["performanceInsightsEnabled"] !== true)
      out.push(`performanceInsightsEnabled is not true (${instanceClass || "this class"} offers Performance Insights)`);
    return out;
  },
);

export const rdsDeletionProtection = resourcePolicy(
  {
    name: "rds-deletion-protection",
    row: 30,
    securityHub: ["RDS.8"],
    checkov: ["CKV_AWS_293"],
    description: "A DB instance has deletionProtection === true",
  },
  T.DB_INSTANCE,
  (p) => (p["deletionProtection"] === true ? undefined : "deletionProtection is not true (it defaults to false)"),
);

const MYSQL_LOGS: readonly string[] = ["audit", "error", "general", "slowquery"];
const POSTGRES_LOGS: readonly string[] = ["postgresql", "upgrade"];

export const rdsLogExports = resourcePolicy(
  {
    name: "rds-log-exports",
    row: 31,
    securityHub: ["RDS.9"],
    checkov: ["CKV_AWS_129"],
    description: `A DB instance's enabledCloudwatchLogsExports includes ${MYSQL_LOGS.join(", ")} (for engine postgres: ${POSTGRES_LOGS.join(", ")})`,
  },
  T.DB_INSTANCE,
  (p) => {
    const exported = list(p["enabledCloudwatchLogsExports"]);
    const missing = (p["engine"] === "postgres" ? POSTGRES_LOGS : MYSQL_LOGS).filter((l) => !exported.includes(l));
    return missing.length ? `enabledCloudwatchLogsExports lacks ${missing.join(", ")}` : undefined;
  },
);

export const rdsIamAuthentication = resourcePolicy(
  {
    name: "rds-iam-authentication",
    row: 32,
    securityHub: ["RDS.10"],
    checkov: ["CKV_AWS_161"],
    description: "A DB instance has iamDatabaseAuthenticationEnabled === true",
  },
  T.DB_INSTANCE,
  (p) => (p["iamDatabaseAuthenticationEnabled"] === true ? undefined : "iamDatabaseAuthenticationEnabled is not true"),
);

export const MIN_BACKUP_DAYS = 7;

export const rdsBackups = resourcePolicy(
  {
    name: "rds-backup-retention",
    row: 33,
    securityHub: ["RDS.11"],
    checkov: ["CKV_AWS_133"],
    description: `A primary DB instance sets backupRetentionPeriod explicitly, to at least ${MIN_BACKUP_DAYS} days`,
  },
  T.DB_INSTANCE,
  (p) => {
    if (isReplica(p)) return undefined;
    const days = p["backupRetentionPeriod"];
    if (days === undefined || days === null)
      return `backupRetentionPeriod is not set (defaults differ); keep at least ${MIN_BACKUP_DAYS} days`;
    return typeof days === "number" && days >= MIN_BACKUP_DAYS
      ? undefined
      : `backupRetentionPeriod is ${String(days)}; keep at least ${MIN_BACKUP_DAYS} days`;
  },
);

export const rdsAutoMinorVersionUpgrade = resourcePolicy(
  {
    name: "rds-auto-minor-version-upgrade",
    row: 34,
    securityHub: ["RDS.13"],
    checkov: ["CKV_AWS_226"],
    description: "A DB instance sets autoMinorVersionUpgrade to true explicitly",
  },
  T.DB_INSTANCE,
  (p) => {
    const v = p["autoMinorVersionUpgrade"];
    if (v === true) return undefined;
    return v === undefined || v === null
      ? "autoMinorVersionUpgrade is not set explicitly to true"
      : `autoMinorVersionUpgrade is ${String(v)}`;
  },
);

export const rdsCopyTagsToSnapshot = resourcePolicy(
  {
    name: "rds-copy-tags-to-snapshot",
    row: 35,
    securityHub: ["RDS.17"],
    checkov: ["CKV2_AWS_60"],
    description: "A DB instance has copyTagsToSnapshot === true",
  },
  T.DB_INSTANCE,
  (p) => (p["copyTagsToSnapshot"] === true ? undefined : "copyTagsToSnapshot is not true (it defaults to false)"),
);

/** The port each engine listens on unless told otherwise. */
function defaultPort(engine: unknown): number {
  const e = String(engine ?? "mysql");
  if (e === "postgres") return 5432;
  if (e.startsWith("oracle")) return 1521;
  if (e.startsWith("sqlserver")) return 1433;
  return 3306;
}

export const rdsNonDefaultPortAndAdmin = resourcePolicy(
  {
    name: "rds-non-default-port-and-admin",
    row: 36,
    securityHub: ["RDS.23", "RDS.25"],
    checkov: [],
    description:
      "A primary DB instance sets port explicitly, and no instance uses its engine's default port (3306 for MySQL, 5432 for postgres; a replica without port inherits its source's); a primary's username is not admin",
  },
  T.DB_INSTANCE,
  (p) => {
    const out: string[] = [];
    const port = p["port"];
    const standard = defaultPort(p["engine"]);
    if (port === undefined || port === null) {
      if (!isReplica(p)) out.push(`port is not set: the engine's default ${standard} is used`);
    } else if (Number(port) === standard) out.push(`port is ${standard}, the engine's default`);
    if (!isReplica(p) && String(p["username"] ?? "").toLowerCase() === "admin")
      out.push('username is "admin", the default administrator name');
    return out;
  },
);

const TLS_ON = ["1", "ON", "on"];

/** Whether a DB parameter group is AWS's own (`default.<family>`), which leaves require_secure_transport off. */
const isDefaultGroup = (name: unknown) => typeof name === "string" && name.startsWith("default.");

export const rdsRequiresTls = stackPolicy(
  {
    name: "rds-requires-tls",
    row: 37,
    securityHub: ["RDS.39"],
    checkov: ["CKV2_AWS_69"],
    description:
      'A DB parameter group of a mysql family sets require_secure_transport to "1" (or ON); a MySQL instance (engine mysql, or a replica whose engine is unknown) names in parameterGroupName a parameter group of this stack (by name or id), not a "default." one (the default groups do not require TLS)',
  },
  (resources) => {
    const out: Violation[] = [];
    const groups = ofType(resources, T.DB_PARAMETER_GROUP);
    for (const pg of groups) {
      if (!String(pg.props["family"] ?? "").startsWith("mysql")) continue;
      const param = (list(pg.props["parameters"]) as { name?: unknown; value?: unknown }[]).find(
        (x) => x.name === "require_secure_transport",
      );
      if (!param)
        out.push({ urn: pg.urn, message: `parameter group of family ${String(pg.props["family"])} does not set require_secure_transport` });
      else if (!TLS_ON.includes(String(param.value)))
        out.push({ urn: pg.urn, message: `require_secure_transport is ${String(param.value)}; set it to 1` });
    }
    for (const db of ofType(resources, T.DB_INSTANCE)) {
      const engine = db.props["engine"];
      const mysql = engine === "mysql" || (isReplica(db.props) && !isSet(engine));
      const ref = db.props["parameterGroupName"];
      // A group of the stack is checked above, on the group itself.
      if (!mysql || (isSet(ref) && groups.some((pg) => pg.props["name"] === ref || pg.props["id"] === ref))) continue;
      const message = !isSet(ref)
        ? "parameterGroupName is not set: the default MySQL parameter group does not require TLS"
        : isDefaultGroup(ref)
          ? `parameterGroupName is ${String(ref)}: a default parameter group does not require TLS`
          : `parameter group ${String(ref)} is not defined in this stack, so require_secure_transport cannot be checked`;
      out.push({ urn: db.urn, message });
    }
    return out;
  },
);

export const MODERN_RDS_CAS: readonly string[] = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"];

export const rdsModernCa = resourcePolicy(
  {
    name: "rds-modern-ca",
    row: 38,
    securityHub: [],
    checkov: ["CKV_AWS_211"],
    description: `A DB instance sets caCertIdentifier to one of ${MODERN_RDS_CAS.join(", ")}`,
  },
  T.DB_INSTANCE,
  (p) => {
    const ca = p["caCertIdentifier"];
    if (typeof ca === "string" && MODERN_RDS_CAS.includes(ca)) return undefined;
    return isSet(ca)
      ? `caCertIdentifier ${String(ca)} is not one of ${MODERN_RDS_CAS.join(", ")}`
      : `caCertIdentifier is unset (AWS picks the region's default); use one of ${MODERN_RDS_CAS.join(", ")}`;
  },
);

export const acmCertificate = stackPolicy(
  {
    name: "acm-certificate",
    row: 39,
    securityHub: ["ACM.1", "ACM.2"],
    checkov: ["CKV_AWS_234", "CKV2_AWS_71"],
    description:
      'An ACM certificate requested for a domainName (not from a private CA) uses validationMethod DNS; keyAlgorithm is not RSA_1024; options.certificateTransparencyLoggingPreference is not DISABLED; no domainName or subjectAlternativeNames starts with "*."; and a listener or listener certificate uses its ARN',
  },
  (resources) => {
    const out: Violation[] = [];
    const used = new Set(
      [...ofType(resources, T.LISTENER), ...ofType(resources, T.LISTENER_CERTIFICATE)].map((l) => l.props["certificateArn"]).filter(isSet),
    );
    for (const cert of ofType(resources, T.CERTIFICATE)) {
      const p = cert.props;
      const report = (message: string) => out.push({ urn: cert.urn, message });
      if (isSet(p["domainName"]) && !isSet(p["certificateAuthorityArn"]) && p["validationMethod"] !== "DNS")
        report(`validationMethod is ${String(p["validationMethod"] ?? "unset")}; use DNS so ACM renews the certificate automatically`);
      if (p["keyAlgorithm"] === "RSA_1024") report("keyAlgorithm is RSA_1024; use RSA_2048 or stronger");
      const options = (p["options"] ?? {}) as { certificateTransparencyLoggingPreference?: unknown };
      if (options.certificateTransparencyLoggingPreference === "DISABLED")
        report("options.certificateTransparencyLoggingPreference is DISABLED");
      const wildcards = [p["domainName"], ...list(p["subjectAlternativeNames"])].filter(
        (d, i, all): d is string => typeof d === "string" && d.startsWith("*.") && all.indexOf(d) === i,
      );
      if (wildcards.length) report(`wildcard names: ${wildcards.join(", ")}`);
      if (!used.has(p["arn"])) report("no listener uses this certificate");
    }
    return out;
  },
);

export const alarmsAct = resourcePolicy(
  {
    name: "cloudwatch-alarms-act",
    row: 40,
    securityHub: ["CloudWatch.15", "CloudWatch.17"],
    checkov: ["CKV_AWS_319"],
    description: "A metric alarm has a non-empty alarmActions and actionsEnabled !== false",
  },
  T.METRIC_ALARM,
  (p) => {
    const out: string[] = [];
    if (list(p["alarmActions"]).filter(isSet).length === 0) out.push("alarmActions is empty: the alarm notifies no one");
    if (p["actionsEnabled"] === false) out.push("actionsEnabled is false");
    return out;
  },
);

/** The shortest log retention CloudWatch.16 (its minRetentionTime default) and CKV_AWS_338 accept. */
export const MIN_LOG_RETENTION_DAYS = 365;

/*
 * One row, two requirements from different sources: retention is CloudWatch.16 (with CKV_AWS_66
 * and CKV_AWS_338); the customer key is only Checkov's CKV_AWS_158, which no Security Hub control
 * cited here asks. Messages name the source that asks for what they report.
 */
export const logGroups = resourcePolicy(
  {
    name: "cloudwatch-log-group-retention-and-kms",
    row: 41,
    securityHub: ["CloudWatch.16"],
    checkov: ["CKV_AWS_66", "CKV_AWS_338", "CKV_AWS_158"],
    description: `A log group sets retentionInDays to at least ${MIN_LOG_RETENTION_DAYS} (unset or 0 keeps logs forever; CloudWatch.16, CKV_AWS_66, CKV_AWS_338) and a kmsKeyId (CKV_AWS_158)`,
  },
  T.LOG_GROUP,
  (p) => {
    const out: string[] = [];
    const days = p["retentionInDays"];
    // 0 ("never expire") passes CKV_AWS_66 and CKV_AWS_338; the pack fails it, as the logs then never leave: no source to name.
    if (days === undefined || days === null)
      out.push(
        `retentionInDays is unset: the logs are kept forever; set at least ${MIN_LOG_RETENTION_DAYS} days (CKV_AWS_66, CKV_AWS_338)`,
      );
    else if (typeof days !== "number" || days <= 0)
      out.push(`retentionInDays is ${String(days)}: the logs are kept forever; set at least ${MIN_LOG_RETENTION_DAYS} days`);
    else if (days < MIN_LOG_RETENTION_DAYS)
      out.push(`retentionInDays is ${days}; keep at least ${MIN_LOG_RETENTION_DAYS} days (CloudWatch.16, CKV_AWS_338)`);
    if (!isSet(p["kmsKeyId"])) out.push("kmsKeyId is not set: the logs are not encrypted with a customer key (CKV_AWS_158)");
    return out;
  },
);

type Statement = { Sid?: unknown; Effect?: unknown; Principal?: unknown; Condition?: unknown };

/** Whether a statement's principal is everyone: "*", {AWS: "*"}, or a list holding "*". */
function isEveryone(principal: unknown): boolean {
  if (principal === "*") return true;
  if (Array.isArray(principal)) return principal.includes("*");
  if (typeof principal === "object" && principal !== null) return list((principal as { AWS?: unknown }).AWS).includes("*");
  return false;
}

function statementsOf(policy: unknown): Statement[] | undefined {
  let doc = policy;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch {
      return undefined;
    }
  }
  if (typeof doc !== "object" || doc === null) return undefined;
  return list((doc as { Statement?: unknown }).Statement) as Statement[];
}

/**
 * Condition keys that name who may call: the caller's account, organization or ARN, or those of
 * the resource a service acts for. kms:ViaService is not one: it names a service, and any
 * account's principals can reach the key through that service.
 */
const ACCOUNT_KEYS: readonly string[] = ["aws:principalaccount", "aws:sourceaccount", "kms:calleraccount"];
const ORG_KEYS: readonly string[] = ["aws:principalorgid", "aws:sourceorgid"];
const ARN_KEYS: readonly string[] = ["aws:principalarn", "aws:sourcearn"];
export const CALLER_CONDITION_KEYS: readonly string[] = [
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:PrincipalOrgID",
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOrgID",
  "kms:CallerAccount",
];

/**
 * Operators that hold only when the key equals a value given. Not the negated ones (StringNotEquals
 * admits every other caller), nor ...IfExists (true when the key is absent, as aws:SourceAccount is
 * on a direct call), nor ForAllValues: (true on a missing key).
 */
export const CALLER_CONDITION_OPERATORS: readonly string[] = [
  "StringEquals",
  "StringEqualsIgnoreCase",
  "StringLike",
  "ArnEquals",
  "ArnLike",
];

const ACCOUNT_ID = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]+$/;

/** Whether a value pins one account, organization or ARN: no wildcard where the account is (ArnEquals matches wildcards too). */
function pins(key: string, value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (ACCOUNT_KEYS.includes(key)) return ACCOUNT_ID.test(value);
  if (ORG_KEYS.includes(key)) return ORG_ID.test(value);
  const parts = value.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return false;
  // An ARN without an account (an S3 bucket's) is global: it pins only with no wildcard at all.
  return ACCOUNT_ID.test(parts[4] ?? "") || (parts[4] === "" && !/[*?]/.test(value));
}

/** A statement's condition entries, as `Operator key value` for messages, and whether one of them pins the caller. */
function callerCondition(condition: unknown): { entries: string[]; pinned: boolean } {
  const entries: string[] = [];
  let pinned = false;
  for (const [operator, block] of Object.entries(typeof condition === "object" && condition !== null ? condition : {})) {
    for (const [key, values] of Object.entries(typeof block === "object" && block !== null ? (block as Props) : {})) {
      const given = list(values);
      entries.push(`${operator} ${key} ${given.map((v) => JSON.stringify(v)).join(", ")}`);
      const k = key.toLowerCase();
      if (
        CALLER_CONDITION_OPERATORS.includes(operator) &&
        [...ACCOUNT_KEYS, ...ORG_KEYS, ...ARN_KEYS].includes(k) &&
        given.length > 0 &&
        given.every((v) => pins(k, v))
      )
        pinned = true;
    }
  }
  return { entries, pinned };
}

export const kmsKeys = resourcePolicy(
  {
    name: "kms-key-rotation-and-policy",
    row: 42,
    securityHub: ["KMS.4", "KMS.5"],
    checkov: ["CKV_AWS_7", "CKV_AWS_33"],
    description: `A symmetric KMS key has enableKeyRotation === true; its policy (if set) has no Allow statement whose Principal is "*" (or AWS "*") unless its Condition pins the caller: ${CALLER_CONDITION_OPERATORS.join(", ")} on ${CALLER_CONDITION_KEYS.join(", ")}, every value a concrete account, organization or ARN (no wildcard in the account); kms:ViaService or aws:SecureTransport alone does not`,
  },
  T.KMS_KEY,
  (p) => {
    const out: string[] = [];
    const spec = p["keySpec"] ?? p["customerMasterKeySpec"] ?? "SYMMETRIC_DEFAULT";
    if (spec === "SYMMETRIC_DEFAULT" && p["enableKeyRotation"] !== true) out.push("enableKeyRotation is not true (it defaults to false)");
    for (const [i, s] of (statementsOf(p["policy"]) ?? []).entries()) {
      if (s.Effect !== "Allow" || !isEveryone(s.Principal)) continue;
      const which = `policy statement ${typeof s.Sid === "string" && s.Sid ? s.Sid : String(i)}`;
      const { entries, pinned } = callerCondition(s.Condition);
      if (entries.length === 0) out.push(`${which} allows Principal * without a Condition`);
      else if (!pinned)
        out.push(
          `${which} allows Principal * under a Condition that names no caller (${entries.join("; ")}): add StringEquals on aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount or kms:CallerAccount, or ArnLike on aws:SourceArn or aws:PrincipalArn, with a concrete organization, account or ARN`,
        );
    }
    return out;
  },
);

const SECRET_NAME = /(password|passwd|secret-?key|private-?key|token)$/i;

export const ssmSecrets = stackPolicy(
  {
    name: "ssm-secrets-are-secure-strings",
    row: 43,
    securityHub: [],
    checkov: ["CKV2_AWS_34", "CKV_AWS_337"],
    description: `An SSM parameter whose value contains a generated secret (a RandomPassword or RandomString result), or whose name matches ${String(SECRET_NAME)}, has type SecureString; a value that starts with "arn:" is not a secret`,
  },
  (resources) => {
    const secrets = ofType(resources, T.RANDOM_SECRET)
      .map((r) => ({ name: r.name, result: r.props["result"] }))
      .filter((s): s is { name: string; result: string } => typeof s.result === "string" && s.result !== "");
    const out: Violation[] = [];
    for (const param of ofType(resources, T.SSM_PARAMETER)) {
      const p = param.props;
      if (p["type"] === "SecureString") continue;
      const value = [p["value"], p["insecureValue"]].find((v) => typeof v === "string");
      if (typeof value === "string" && value.startsWith("arn:")) continue;
      const type = String(p["type"] ?? "unset");
      const generated = typeof value === "string" ? secrets.find((s) => value.includes(s.result)) : undefined;
      if (generated)
        out.push({ urn: param.urn, message: `value holds the result of ${generated.name} but type is ${type}; use SecureString` });
      else if (SECRET_NAME.test(String(p["name"] ?? "")))
        out.push({ urn: param.urn, message: `name ${String(p["name"])} names a secret but type is ${type}; use SecureString` });
    }
    return out;
  },
);

export const DATA_POLICIES: readonly BaselinePolicy[] = [
  rdsNotPublic,
  rdsInPrivateSubnets,
  rdsEncrypted,
  rdsMultiAz,
  rdsMonitoring,
  rdsDeletionProtection,
  rdsLogExports,
  rdsIamAuthentication,
  rdsBackups,
  rdsAutoMinorVersionUpgrade,
  rdsCopyTagsToSnapshot,
  rdsNonDefaultPortAndAdmin,
  rdsRequiresTls,
  rdsModernCa,
  acmCertificate,
  alarmsAct,
  logGroups,
  kmsKeys,
  ssmSecrets,
];
