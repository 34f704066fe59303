/**
 * Example: a production-shaped VPC across three availability zones.
 *
 * `Network` with `azCount: 3` creates a public, a private and a database subnet in each zone
 * (9 subnets, addressed from the quarters of 10.40.0.0/16), a NAT gateway in each zone so the
 * private subnets keep their egress when a zone fails, VPC flow logs (all traffic, kept a
 * year) and an Amazon-provided IPv6 /56 with a /64 on each public subnet for a dual-stack load
 * balancer. The database subnets get their own network ACL (the database port from the VPC only),
 * the default ACL refuses SSH and RDP from anywhere, and an S3 gateway endpoint keeps package
 * downloads off the NAT gateways. The stack outputs are the subnet ids per tier, ordered by zone, for other stacks
 * to read with a `StackReference`.
 *
 * Cost: three NAT gateways and their Elastic IPs are billed by the hour; use
 * `natGateways: "single"` where losing egress with one zone is acceptable.
 *
 * Run it for real (Pulumi CLI, Node 22, AWS credentials): in a Pulumi TypeScript project that
 * depends on @web-infra/networking, @pulumi/aws and @pulumi/pulumi, save this file as
 * `three-azs.ts` and make the project's entry point (`main` in Pulumi.yaml, `index.ts` by
 * default) hand the function to the Pulumi host:
 *
 *     import { program } from "./three-azs";
 *     export = program; // the host calls it; what it returns becomes the stack outputs
 *
 * then `pulumi config set aws:region us-east-1` (any region with 3 zones) and `pulumi up`.
 *
 * Offline, tests/examples.test.ts runs `program` under @web-infra/testing's harness.
 */
import * as pulumi from "@pulumi/pulumi";
import { Network } from "@web-infra/networking";

export function program() {
  const network = new Network("network", {
    cidrBlock: "10.40.0.0/16",
    azCount: 3,
    natGateways: "perAz",
    enableIpv6: true,
    flowLogs: { enabled: true, trafficType: "ALL", retentionInDays: 365 },
    tags: { Project: pulumi.getProject(), Stack: pulumi.getStack() },
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
