import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { WebTier } from "@web-infra/compute";
import { LogEncryptionKey, Problems } from "@web-infra/core";
import { MysqlDatabase } from "@web-infra/database";
import { Monitoring } from "@web-infra/monitoring";
import { Network } from "@web-infra/networking";
import { COMPONENT_NAMES, componentArgs } from "./components";
import { loadSettings, PROJECT, Settings } from "./config";

/**
 * A boundary of another account: IAM would refuse it on the first role, midway through
 * `pulumi up`. The account is known only from the credentials, so this asks STS once,
 * before any resource is registered.
 */
async function checkBoundaryAccount(boundaryArn: string): Promise<void> {
  const { accountId } = await aws.getCallerIdentity({});
  const named = boundaryArn.split(":")[4];
  if (named === accountId || named === "aws") return;
  const p = new Problems(`stack "${pulumi.getStack()}" config`);
  p.add(
    `${PROJECT}:permissionsBoundaryArn`,
    `names account ${named}, but this stack deploys to account ${accountId}: IAM refuses a boundary of another account`,
    {
      got: boundaryArn,
      fix: "Use the permissionsBoundaryArn output of the bootstrap stack run in this account.",
    },
  );
  p.throwIfAny();
}

/**
 * The web-infra program: the seed's architecture for one environment.
 * Config is read and checked once, before any resource is registered.
 */
export async function webStack(settings?: Settings) {
  const s = settings ?? loadSettings(pulumi.getStack(), pulumi.runtime.allConfig());
  if (s.permissionsBoundaryArn !== undefined) await checkBoundaryAccount(s.permissionsBoundaryArn);
  // The config check resolved these same arguments (components.ts); here the placeholders
  // for other components' outputs are replaced by the outputs themselves.
  const args = componentArgs(s);

  const logKey = s.encryptLogs ? new LogEncryptionKey("logs", { tags: args.network.tags }) : undefined;

  const network = new Network(COMPONENT_NAMES.network, {
    ...args.network,
    flowLogs: { ...args.network.flowLogs, kmsKeyArn: logKey?.arn },
  });

  // The instance refresh stops on two of the monitoring alarms, which watch the target group
  // and not the servers' group, so they can exist before it: their names are filled in once
  // Monitoring has created them.
  const [refreshAlarmNames, setRefreshAlarmNames] = pulumi.deferredOutput<string[]>();
  const web = new WebTier(COMPONENT_NAMES.web, {
    ...args.web,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnets.map((subnet) => subnet.id),
    privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
    refreshAlarmNames,
    // The boot script installs packages through the NAT: no server starts before that path exists.
    serversDependOn: network.privateEgress,
  });

  const db = new MysqlDatabase(COMPONENT_NAMES.db, {
    ...args.db,
    vpcId: network.vpcId,
    subnetIds: network.databaseSubnets.map((subnet) => subnet.id),
    availabilityZones: network.databaseSubnets.map((subnet) => subnet.availabilityZone),
    clients: [web.connections],
    logKmsKeyArn: logKey?.arn,
  });
  db.grantRead(web.serverRole, "web-servers");

  const monitoring = new Monitoring(COMPONENT_NAMES.monitoring, {
    ...args.monitoring,
    loadBalancerArnSuffix: web.albArnSuffix,
    targetGroupArnSuffix: web.targetGroupArnSuffix,
    autoScalingGroupName: web.autoScalingGroupName,
    primaryIdentifier: db.identifiers.primary,
    replicaIdentifiers: db.identifiers.replicas,
  });
  setRefreshAlarmNames(pulumi.all(monitoring.refreshAlarms.map((a) => a.name)));

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
    autoScalingGroupName: web.autoScalingGroupName,
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
