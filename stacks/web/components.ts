import { resolveWebTierArgs, WebTierArgs } from "@web-infra/compute";
import { Problem, Problems, ValidationError } from "@web-infra/core";
import { MysqlDatabaseArgs, resolveMysqlArgs } from "@web-infra/database";
import { DEFAULT_THRESHOLDS, MonitoringArgs, resolveMonitoringArgs, Thresholds } from "@web-infra/monitoring";
import { MAX_SUBNET_PREFIX, NetworkArgs, resolveNetworkArgs } from "@web-infra/networking";
import type { Settings } from "./config";

/** The Pulumi project, prefix of every config key (config.ts's PROJECT; not imported, as config.ts imports this file). */
const PROJECT = "web-infra";

/**
 * The names program.ts gives its components. The resolvers derive checks from the name
 * (RDS identifiers, alarm names), so the config check must use the same ones.
 */
export const COMPONENT_NAMES = { network: "network", web: "web", db: "db", monitoring: "monitoring" } as const;
export type Component = keyof typeof COMPONENT_NAMES;

/**
 * Stand-ins for values that are outputs of other components when the program runs: only their
 * count matters to the resolvers (one subnet per AZ, one identifier per replica).
 */
const placeholders = (kind: string, count: number) => [...Array(count).keys()].map((i) => `${kind}-placeholder-${i}`);

/**
 * The arguments of each component, from settings, with placeholders for other components'
 * outputs: the config check resolves them, and program.ts builds the components from them,
 * replacing each placeholder with the output itself.
 */
export function componentArgs(s: Settings): {
  network: NetworkArgs;
  web: WebTierArgs;
  db: MysqlDatabaseArgs;
  monitoring: MonitoringArgs;
} {
  const tags = { Project: PROJECT, Stack: s.stack, Preset: s.preset, ManagedBy: "pulumi" };
  const logKeyArn = s.encryptLogs ? "arn:aws:kms:placeholder:000000000000:key/placeholder" : undefined;
  const dbPath = `/${PROJECT}/${s.stack}/db`;
  // The bootstrap's deploy role of this environment passes and edits only roles under this path.
  const roles = { permissionsBoundary: s.permissionsBoundaryArn, rolePath: `/${PROJECT}/${s.stack}/` };
  return {
    network: {
      cidrBlock: s.vpcCidr,
      azCount: s.azCount,
      // The zones must run the web servers and the database: RDS places a class only where EC2 offers its type.
      instanceTypes: [s.instanceType, s.dbInstanceClass.replace(/^db\./, "")],
      databasePort: s.dbPort,
      endpoints: { interfaceServices: s.interfaceEndpoints },
      natGateways: s.natGateways,
      flowLogs: { enabled: s.flowLogs, retentionInDays: s.flowLogRetentionDays, kmsKeyArn: logKeyArn },
      enableIpv6: s.enableIpv6,
      ...roles,
      tags,
    },
    web: {
      vpcId: "vpc-placeholder",
      publicSubnetIds: placeholders("subnet-public", s.azCount),
      privateSubnetIds: placeholders("subnet-private", s.azCount),
      tls: { domainName: s.domainName, hostedZoneId: s.hostedZoneId, certificateArn: s.certificateArn },
      webServerCount: s.webServerCount,
      instanceType: s.instanceType,
      amiId: s.amiId,
      maxWebServers: s.maxWebServers,
      requestsPerTarget: s.requestsPerTarget,
      appPort: s.appPort,
      previousAppPort: s.previousAppPort,
      enableIpv6: s.enableIpv6,
      deletionProtection: s.albDeletionProtection,
      accessLogs: { enabled: s.albAccessLogs, retentionInDays: s.accessLogRetentionDays, forceDestroy: !s.albDeletionProtection },
      idleTimeout: s.idleTimeout,
      detailedMonitoring: s.detailedMonitoring,
      waf: s.waf,
      pageParameters: { "Writes to": `${dbPath}/writer-endpoint`, "Reads from": `${dbPath}/reader-endpoints` },
      ...roles,
      tags,
    },
    db: {
      vpcId: "vpc-placeholder",
      subnetIds: placeholders("subnet-database", s.azCount),
      availabilityZones: placeholders("az", s.azCount),
      // The program passes the web tier's group; no rule reads it.
      clients: [],
      engineVersion: s.dbEngineVersion,
      autoMinorVersionUpgrade: s.dbAutoMinorVersionUpgrade,
      instanceClass: s.dbInstanceClass,
      replicaInstanceClass: s.dbReplicaInstanceClass,
      allocatedStorageGiB: s.dbAllocatedStorageGiB,
      maxAllocatedStorageGiB: s.dbMaxAllocatedStorageGiB,
      multiAz: s.dbMultiAz,
      replicaMultiAz: s.dbReplicaMultiAz,
      replicaCount: s.dbReplicaCount,
      logKmsKeyArn: logKeyArn,
      backupRetentionDays: s.dbBackupRetentionDays,
      applyImmediately: s.dbApplyImmediately,
      deletionProtection: s.dbDeletionProtection,
      skipFinalSnapshot: s.dbSkipFinalSnapshot,
      monitoringInterval: s.dbMonitoringInterval,
      logRetentionDays: s.dbLogRetentionDays,
      port: s.dbPort,
      databaseName: s.dbName,
      protect: s.protectStatefulResources,
      parameterPath: dbPath,
      secretRecoveryWindowDays: s.protectStatefulResources ? 30 : 0,
      ...roles,
      tags,
    },
    monitoring: {
      loadBalancerArnSuffix: "app/placeholder/0",
      targetGroupArnSuffix: "targetgroup/placeholder/0",
      autoScalingGroupName: "asg-placeholder",
      minServers: s.webServerCount,
      detailedMonitoring: s.detailedMonitoring,
      primaryIdentifier: "db-placeholder-primary",
      replicaIdentifiers: placeholders("db-replica", s.dbReplicaCount),
      emails: s.alarmEmails,
      thresholds: s.alarmThresholds,
      tags,
    },
  };
}

/** Where a component's problem is reported: the config key, and optionally wording that fits it. */
interface Route {
  /** The key after `web-infra:`. */
  readonly key: string;
  /** The value shown; the component's when absent. */
  readonly got?: unknown;
  readonly message?: string;
  readonly fix?: string;
}

/** An argument's setting, or a function choosing the route from the settings and the problem. */
type Routes = Readonly<Record<string, keyof Settings | ((s: Settings, problem: Problem) => Route)>>;

const k = (key: string) => `${PROJECT}:${key}`;

/**
 * Each component argument the program fills from config, by the setting it comes from. An argument
 * found here by its path (`flowLogs.retentionInDays`) or a parent path (`thresholds` for
 * `thresholds.cpu`); list indexes (`emails[1]`) are ignored.
 */
const ROUTES: Readonly<Record<Component, Routes>> = {
  network: {
    cidrBlock: "vpcCidr",
    // Not set by the program: the component's default decides how small the VPC may be.
    subnetNewBits: (s, problem) => ({
      key: "vpcCidr",
      got: s.vpcCidr,
      fix:
        typeof problem.got === "number"
          ? `Use a /${MAX_SUBNET_PREFIX - problem.got} or larger block, e.g. "10.0.0.0/16": each subnet is ${problem.got} bits smaller than the VPC, and a load balancer needs /${MAX_SUBNET_PREFIX} subnets at the smallest.`
          : 'Use a larger block such as "10.0.0.0/16".',
    }),
    azCount: "azCount",
    instanceTypes: "instanceType",
    databasePort: "dbPort",
    "endpoints.interfaceServices": "interfaceEndpoints",
    natGateways: "natGateways",
    permissionsBoundary: "permissionsBoundaryArn",
    "flowLogs.enabled": "flowLogs",
    "flowLogs.retentionInDays": "flowLogRetentionDays",
    "flowLogs.kmsKeyArn": "encryptLogs",
    enableIpv6: "enableIpv6",
  },
  web: {
    publicSubnetIds: "azCount",
    privateSubnetIds: "azCount",
    // Both or neither of the two HTTPS options: the component's wording names its own argument.
    tls: (s) =>
      s.certificateArn !== undefined
        ? {
            key: "certificateArn",
            got: s.certificateArn,
            message: "must not be set together with domainName/hostedZoneId: HTTPS takes one of the two options",
            fix: `Keep either ${k("domainName")} + ${k("hostedZoneId")} (a certificate is created) or ${k("certificateArn")}.`,
          }
        : {
            key: "domainName",
            got: s.domainName,
            message: "or certificateArn must be set: HTTPS is not optional",
            fix: `Set ${k("domainName")} and ${k("hostedZoneId")} (a DNS-validated certificate is created), or ${k("certificateArn")}.`,
          },
    "tls.domainName": "domainName",
    "tls.hostedZoneId": "hostedZoneId",
    "tls.certificateArn": "certificateArn",
    webServerCount: "webServerCount",
    instanceType: "instanceType",
    amiId: "amiId",
    maxWebServers: "maxWebServers",
    requestsPerTarget: "requestsPerTarget",
    appPort: "appPort",
    previousAppPort: "previousAppPort",
    enableIpv6: "enableIpv6",
    deletionProtection: "albDeletionProtection",
    "accessLogs.enabled": "albAccessLogs",
    "accessLogs.retentionInDays": "accessLogRetentionDays",
    "accessLogs.forceDestroy": "albDeletionProtection",
    idleTimeout: "idleTimeout",
    detailedMonitoring: "detailedMonitoring",
    waf: "waf",
    permissionsBoundary: "permissionsBoundaryArn",
  },
  db: {
    subnetIds: "azCount",
    availabilityZones: "azCount",
    engineVersion: "dbEngineVersion",
    autoMinorVersionUpgrade: "dbAutoMinorVersionUpgrade",
    instanceClass: "dbInstanceClass",
    replicaInstanceClass: "dbReplicaInstanceClass",
    allocatedStorageGiB: "dbAllocatedStorageGiB",
    maxAllocatedStorageGiB: "dbMaxAllocatedStorageGiB",
    multiAz: "dbMultiAz",
    replicaMultiAz: "dbReplicaMultiAz",
    replicaCount: "dbReplicaCount",
    logKmsKeyArn: "encryptLogs",
    backupRetentionDays: "dbBackupRetentionDays",
    applyImmediately: "dbApplyImmediately",
    deletionProtection: "dbDeletionProtection",
    skipFinalSnapshot: "dbSkipFinalSnapshot",
    monitoringInterval: "dbMonitoringInterval",
    logRetentionDays: "dbLogRetentionDays",
    port: "dbPort",
    databaseName: "dbName",
    protect: "protectStatefulResources",
    secretRecoveryWindowDays: "protectStatefulResources",
    permissionsBoundary: "permissionsBoundaryArn",
  },
  monitoring: {
    minServers: "webServerCount",
    replicaIdentifiers: "dbReplicaCount",
    emails: "alarmEmails",
    thresholds: (_s, problem) => {
      const name = problem.key.replace(/^thresholds\./, "");
      return {
        key: `alarmThresholds.${name}`,
        fix: problem.fix ?? `Use a value in range, e.g. the default ${String(DEFAULT_THRESHOLDS[name as keyof Thresholds])}.`,
      };
    },
  },
};

/** A component's problem under the config key that sets the argument, or `web-infra:<component>.<argument>` if none does. */
export function routeProblem(s: Settings, component: Component, problem: Problem): Problem {
  const routes = ROUTES[component];
  let found: Routes[string] | undefined;
  for (
    let path = problem.key.replace(/\[\d+\]/g, "");
    path !== "" && found === undefined;
    path = path.slice(0, Math.max(0, path.lastIndexOf(".")))
  ) {
    found = routes[path];
  }
  if (found === undefined) return { ...problem, key: k(`${COMPONENT_NAMES[component]}.${problem.key}`) };
  const r: Route = typeof found === "string" ? { key: found } : found(s, problem);
  const got = "got" in r ? { got: r.got } : "got" in problem ? { got: problem.got } : {};
  return { key: k(r.key), message: r.message ?? problem.message, ...got, fix: r.fix ?? problem.fix };
}

/**
 * Run each component's resolver on the arguments the program would pass, in the program's
 * order, and report every problem into `p` under the config key the user can change. The
 * components own their rules; nothing here repeats them.
 */
export function checkComponents(s: Settings, p: Problems): void {
  const args = componentArgs(s);
  const resolvers: readonly (readonly [Component, () => unknown])[] = [
    ["network", () => resolveNetworkArgs(COMPONENT_NAMES.network, args.network)],
    ["web", () => resolveWebTierArgs(COMPONENT_NAMES.web, args.web, s.region)],
    ["db", () => resolveMysqlArgs(COMPONENT_NAMES.db, args.db)],
    ["monitoring", () => resolveMonitoringArgs(COMPONENT_NAMES.monitoring, args.monitoring)],
  ];
  for (const [component, resolve] of resolvers) {
    try {
      resolve();
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const problem of err.problems) {
        const { key, message, fix, ...got } = routeProblem(s, component, problem);
        p.add(key, message, { ...got, fix: fix ?? "The program sets this argument; no config key changes it." });
      }
    }
  }
}
