import * as pulumi from "@pulumi/pulumi";
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
    tags,
  });

  return {
    vpcId: network.vpcId,
    availabilityZones: network.availabilityZones,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    databaseSubnetIds: network.databaseSubnetIds,
    natGatewayIds: network.natGatewayIds,
  };
}
