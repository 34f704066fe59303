import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { WebTier } from "@web-infra/compute";
import { LogEncryptionKey, Problems } from "@web-infra/core";
import { MysqlDatabase } from "@web-infra/database";
import { Monitoring } from "@web-infra/monitoring";
import { Network } from "@web-infra/networking";
import { COMPONENT_NAMES, componentArgs } from "./components";
import { loadSettings, PROJECT, Settings } from "./config";

/** AWS's documentation account: the harness's, and the placeholder of the stack files. */
export const DOCUMENTATION_ACCOUNT = "123456789012";

/** Domains reserved for examples and tests (RFC 2606, RFC 6761): mail to them reaches nobody. */
const RESERVED_EMAIL_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;

/**
 * What only the credentials can tell: a boundary of another account, which IAM would refuse on the
 * first role, midway through `pulumi up`; and, in prod, alarm emails at a reserved example domain,
 * which would page nobody. The stack files' placeholders (account 123456789012, oncall@example.com)
 * pass the offline plan, whose account is AWS's documentation account, and fail against any real
 * one. This asks STS once, before any resource is registered.
 */
async function checkAccountSettings(s: Settings): Promise<void> {
  if (s.permissionsBoundaryArn === undefined && s.preset !== "prod") return;
  const { accountId } = await aws.getCallerIdentity({});
  const p = new Problems(`stack "${pulumi.getStack()}" config`);
  const boundaryArn = s.permissionsBoundaryArn;
  const named = boundaryArn?.split(":")[4];
  if (boundaryArn !== undefined && named !== accountId && named !== "aws") {
    p.add(
      `${PROJECT}:permissionsBoundaryArn`,
      `names account ${named}, but this stack deploys to account ${accountId}: IAM refuses a boundary of another account`,
      {
        got: boundaryArn,
        fix: "Use the permissionsBoundaryArn output of the bootstrap stack run in this account.",
      },
    );
  }
  const reserved = s.alarmEmails.filter((e) => RESERVED_EMAIL_DOMAIN.test(e.slice(e.lastIndexOf("@") + 1)));
  if (s.preset === "prod" && accountId !== DOCUMENTATION_ACCOUNT && reserved.length > 0) {
    p.add(
      `${PROJECT}:alarmEmails`,
      "names addresses at a domain reserved for examples, which no one receives: prod's alarms would page nobody",
      {
        got: reserved,
        fix: `Set the on-call addresses: pulumi config set --path '${PROJECT}:alarmEmails[0]' oncall@<your domain>`,
      },
    );
  }
  p.throwIfAny();
}

/**
 * The web-infra program: the seed's architecture for one environment.
 * Config is read and checked once, before any resource is registered.
 */
export async function webStack(settings?: Settings) {
  const s = settings ?? loadSettings(pulumi.getStack(), pulumi.runtime.allConfig());
  await checkAccountSettings(s);
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
    publicSubnetAzs: network.publicSubnets.map((subnet) => subnet.availabilityZone),
    privateSubnetIds: network.privateSubnets.map((subnet) => subnet.id),
    refreshAlarmNames,
    // The boot script installs packages through the NAT: no server starts before that path exists.
    serversDependOn: network.privateEgress,
  });

  network.endpointConnections?.allowFrom(web.connections, 443, "HTTPS from the web servers to the VPC interface endpoints");

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
