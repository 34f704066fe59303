import * as pulumi from "@pulumi/pulumi";
import { WebTier } from "@web-infra/compute";
import { LogEncryptionKey } from "@web-infra/core";
import { MysqlDatabase } from "@web-infra/database";
import { Monitoring } from "@web-infra/monitoring";
import { Network } from "@web-infra/networking";
import { loadSettings, Settings } from "./config";

/**
 * The web-infra program: the seed's architecture for one environment.
 * Config is read and checked once, before any resource is registered.
 */
export function webStack(settings?: Settings) {
  const s = settings ?? loadSettings(pulumi.getStack(), pulumi.runtime.allConfig());
  const tags = { Project: "web-infra", Stack: s.stack, Preset: s.preset, ManagedBy: "pulumi" };

  const logKey = s.encryptLogs ? new LogEncryptionKey("logs", { tags }) : undefined;

  const network = new Network("network", {
    cidrBlock: s.vpcCidr,
    azCount: s.azCount,
    natGateways: s.natGateways,
    flowLogs: { enabled: s.flowLogs, retentionInDays: s.flowLogRetentionDays, kmsKeyArn: logKey?.arn },
    enableIpv6: s.enableIpv6,
    tags,
  });

  // The app contract's SSM path: plain names and ARNs, never the secret value.
  const dbPath = `/web-infra/${s.stack}/db`;

  const web = new WebTier("web", {
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnets.map((subnet) => subnet.id),
    privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
    tls: { domainName: s.domainName, hostedZoneId: s.hostedZoneId, certificateArn: s.certificateArn },
    webServerCount: s.webServerCount,
    instanceType: s.instanceType,
    amiId: s.amiId,
    rollServers: s.rollServers,
    appPort: s.appPort,
    enableIpv6: s.enableIpv6,
    deletionProtection: s.albDeletionProtection,
    accessLogs: { enabled: s.albAccessLogs, retentionInDays: s.accessLogRetentionDays, forceDestroy: !s.albDeletionProtection },
    idleTimeout: s.idleTimeout,
    detailedMonitoring: s.detailedMonitoring,
    waf: s.waf,
    // The page shows which endpoint the server would write to and which it reads from.
    pageParameters: { "Writes to": `${dbPath}/writer-endpoint`, "Reads from": `${dbPath}/reader-endpoints` },
    tags,
  });

  const db = new MysqlDatabase("db", {
    vpcId: network.vpcId,
    subnetIds: network.databaseSubnets.map((subnet) => subnet.id),
    availabilityZones: network.databaseSubnets.map((subnet) => subnet.availabilityZone),
    clients: [web.connections],
    engineVersion: s.dbEngineVersion,
    autoMinorVersionUpgrade: s.dbAutoMinorVersionUpgrade,
    instanceClass: s.dbInstanceClass,
    replicaInstanceClass: s.dbReplicaInstanceClass,
    allocatedStorageGiB: s.dbAllocatedStorageGiB,
    maxAllocatedStorageGiB: s.dbMaxAllocatedStorageGiB,
    multiAz: s.dbMultiAz,
    replicaMultiAz: s.dbReplicaMultiAz,
    replicaCount: s.dbReplicaCount,
    logKmsKeyArn: logKey?.arn,
    backupRetentionDays: s.dbBackupRetentionDays,
    deletionProtection: s.dbDeletionProtection,
    skipFinalSnapshot: s.dbSkipFinalSnapshot,
    monitoringInterval: s.dbMonitoringInterval,
    logRetentionDays: s.dbLogRetentionDays,
    port: s.dbPort,
    databaseName: s.dbName,
    protect: s.protectStatefulResources,
    parameterPath: dbPath,
    secretRecoveryWindowDays: s.protectStatefulResources ? 30 : 0,
    tags,
  });
  db.grantRead(web.serverRole, "web-servers");

  const monitoring = new Monitoring("monitoring", {
    loadBalancerArnSuffix: web.albArnSuffix,
    targetGroupArnSuffix: web.targetGroupArnSuffix,
    instanceIds: web.instances.map((instance) => instance.id),
    primaryIdentifier: db.primary.identifier,
    replicaIdentifiers: db.replicas.map((replica) => replica.identifier),
    emails: s.alarmEmails,
    thresholds: s.alarmThresholds,
    tags,
  });

  return {
    url: web.url,
    dbWriterEndpoint: db.writerEndpoint,
    dbReaderEndpoints: db.readerEndpoints,
    dbPort: db.port,
    dbSecretArn: db.secret.arn,
    dbParameterPath: db.parameterPath,
    alarmTopicArn: monitoring.topicArn,
    dashboardUrl: monitoring.dashboardUrl,
    albDnsName: web.albDnsName,
    albZoneId: web.albZoneId,
    targetGroupArn: web.targetGroupArn,
    instanceIds: web.instanceIds,
    albSecurityGroupId: web.albSecurityGroupId,
    webSecurityGroupId: web.webSecurityGroupId,
    vpcId: network.vpcId,
    availabilityZones: network.availabilityZones,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    databaseSubnetIds: network.databaseSubnetIds,
    natGatewayIds: network.natGatewayIds,
  };
}
