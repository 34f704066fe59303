import * as pulumi from "@pulumi/pulumi";
import { WebTier } from "@web-infra/compute";
import { Network } from "@web-infra/networking";
import { loadSettings, Settings } from "./config";

/**
 * The web-infra program: the seed's architecture for one environment.
 * Config is read and checked once, before any resource is registered.
 */
export function webStack(settings?: Settings) {
  const s = settings ?? loadSettings(pulumi.getStack(), pulumi.runtime.allConfig());
  const tags = { Project: "web-infra", Stack: s.stack, Preset: s.preset, ManagedBy: "pulumi" };

  const network = new Network("network", {
    cidrBlock: s.vpcCidr,
    azCount: s.azCount,
    natGateways: s.natGateways,
    flowLogs: { enabled: s.flowLogs, retentionInDays: s.flowLogRetentionDays },
    enableIpv6: s.enableIpv6,
    tags,
  });

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
    tags,
  });

  return {
    url: web.url,
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
