import { Cidr } from "@web-infra/core/cidr";
import type { CapturedResource, StackGraph } from "../graph";
import { zonesOf } from "../aws/catalog";
import { AwsRule, resourceRule } from "./rule";

const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE = "aws:ec2/route:Route";
const ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const MAIN_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation";
const DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable";
const IGW = "aws:ec2/internetGateway:InternetGateway";
const NAT = "aws:ec2/natGateway:NatGateway";

/** A range for any well-formed IPv4 CIDR, host bits or not (AWS names those separately). */
function cidr(value: unknown): Cidr | undefined {
  return Cidr.parse(value, 4);
}

/** AWS accepts IPv4 VPC and subnet blocks from /16 to /28 (VPC user guide, "VPC CIDR blocks"). */
export const cidrSize: AwsRule = resourceRule(
  "cidr-block-size",
  "VPC and subnet IPv4 blocks must be valid CIDRs between /16 and /28 (InvalidVpc.Range / InvalidSubnet.Range)",
  [VPC, SUBNET],
  (r) => {
    const value = r.inputs["cidrBlock"];
    if (value === undefined && r.type === VPC && r.inputs["ipv4IpamPoolId"] !== undefined) return undefined;
    const range = cidr(value);
    if (!range) return `cidrBlock ${JSON.stringify(value)} is not a valid IPv4 CIDR; give a block such as 10.0.0.0/16`;
    const bits = range.prefix;
    if (bits < 16 || bits > 28) return `cidrBlock ${String(value)} has a /${bits} netmask; AWS accepts /16 to /28`;
    if (!range.isNetwork) return `cidrBlock ${String(value)} has host bits set; AWS expects ${range.toString()}`;
    return undefined;
  },
);

/** The VPC's IPv4 blocks: its primary block plus secondary associations. */
function vpcBlocks(vpc: CapturedResource, graph: StackGraph): Cidr[] {
  const secondary = graph
    .ofType("aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation")
    .filter((a) => a.inputs["vpcId"] === vpc.id)
    .map((a) => a.inputs["cidrBlock"]);
  return [vpc.inputs["cidrBlock"], ...secondary].map(cidr).filter((c): c is Cidr => c !== undefined);
}

export const subnetInVpc: AwsRule = {
  id: "subnet-cidr-in-vpc",
  description:
    "A subnet's block must lie inside one of its VPC's blocks and must not overlap another subnet of the VPC (InvalidSubnet.Range / InvalidSubnet.Conflict)",
  check: (graph) => {
    const out = [];
    const seen = new Map<string, { r: CapturedResource; range: Cidr }[]>();
    for (const s of graph.ofType(SUBNET)) {
      const vpc = graph.byId(s.inputs["vpcId"]);
      const range = cidr(s.inputs["cidrBlock"]);
      if (!vpc || vpc.type !== VPC) {
        out.push({ rule: "subnet-cidr-in-vpc", urn: s.urn, message: `vpcId ${String(s.inputs["vpcId"])} is not a VPC of this program` });
        continue;
      }
      if (!range) continue;
      const blocks = vpcBlocks(vpc, graph);
      if (blocks.length && !blocks.some((b) => b.contains(range))) {
        out.push({
          rule: "subnet-cidr-in-vpc",
          urn: s.urn,
          message: `InvalidSubnet.Range: subnet ${range.toString()} is outside VPC ${vpc.name} (${blocks.map((b) => b.toString()).join(", ")}); pick a block inside the VPC`,
        });
      }
      const peers = seen.get(vpc.urn) ?? [];
      for (const other of peers) {
        if (range.overlaps(other.range)) {
          out.push({
            rule: "subnet-cidr-in-vpc",
            urn: s.urn,
            message: `InvalidSubnet.Conflict: subnet ${range.toString()} overlaps ${other.r.name} (${other.range.toString()}) in the same VPC; give each subnet its own block`,
          });
        }
      }
      peers.push({ r: s, range });
      seen.set(vpc.urn, peers);
    }
    return out;
  },
};

export const subnetAzInRegion: AwsRule = resourceRule(
  "subnet-az-in-region",
  "A subnet's availability zone must be one of the provider region's zones (InvalidParameterValue: Value for parameter availabilityZone is invalid)",
  [SUBNET],
  (s, graph) => {
    const az = s.inputs["availabilityZone"];
    if (az === undefined) return undefined;
    const zones = zonesOf(graph.region);
    return zones.includes(String(az))
      ? undefined
      : `availabilityZone ${String(az)} is not in region ${graph.region} (zones: ${zones.join(", ")}); use a zone of the provider's region`;
  },
);

export const associationSameVpc: AwsRule = resourceRule(
  "route-table-association-same-vpc",
  "A route table association's subnet and route table must belong to the same VPC (InvalidParameterValue: ... belong to different networks)",
  [ASSOCIATION],
  (a, graph) => {
    const subnet = graph.byId(a.inputs["subnetId"]);
    const table = graph.byId(a.inputs["routeTableId"]);
    if (!table) return `routeTableId ${String(a.inputs["routeTableId"])} is not a route table of this program`;
    if (a.inputs["gatewayId"] !== undefined) return undefined;
    if (!subnet) return `subnetId ${String(a.inputs["subnetId"])} is not a subnet of this program`;
    const sv = subnet.inputs["vpcId"];
    const tv = table.inputs["vpcId"];
    return sv === tv
      ? undefined
      : `subnet ${subnet.name} (VPC ${String(sv)}) and route table ${table.name} (VPC ${String(tv)}) belong to different networks; associate a route table of the subnet's VPC`;
  },
);

/** Routes of a table, inline or standalone, as {destination, target id}. */
export function routesOf(table: CapturedResource, graph: StackGraph): { destination: string; target: string; kind: string }[] {
  const inline = ((table.inputs["routes"] as Record<string, unknown>[] | undefined) ?? []).map((r) => ({
    destination: String(r["cidrBlock"] ?? r["ipv6CidrBlock"] ?? ""),
    target: String(r["gatewayId"] ?? r["natGatewayId"] ?? r["egressOnlyGatewayId"] ?? r["networkInterfaceId"] ?? ""),
  }));
  const standalone = graph
    .ofType(ROUTE)
    .filter((r) => r.inputs["routeTableId"] === table.id)
    .map((r) => ({
      destination: String(r.inputs["destinationCidrBlock"] ?? r.inputs["destinationIpv6CidrBlock"] ?? ""),
      target: String(
        r.inputs["gatewayId"] ?? r.inputs["natGatewayId"] ?? r.inputs["egressOnlyGatewayId"] ?? r.inputs["networkInterfaceId"] ?? "",
      ),
    }));
  return [...inline, ...standalone].map((r) => ({ ...r, kind: graph.byId(r.target)?.type ?? "unknown" }));
}

/**
 * The route table a subnet uses: its explicit association, else its VPC's main table (the one a
 * MainRouteTableAssociation names, or the VPC's own main table, managed as a DefaultRouteTable).
 * Undefined when that table is not in the graph.
 */
export function routeTableOf(subnet: CapturedResource, graph: StackGraph): CapturedResource | undefined {
  const assoc = graph.ofType(ASSOCIATION).find((a) => a.inputs["subnetId"] === subnet.id);
  if (assoc) return graph.byId(assoc.inputs["routeTableId"]);
  const main = graph.ofType(MAIN_ASSOCIATION).find((m) => m.inputs["vpcId"] === subnet.inputs["vpcId"]);
  if (main) return graph.byId(main.inputs["routeTableId"]);
  const vpc = graph.byId(subnet.inputs["vpcId"]);
  const mainId = vpc?.state["mainRouteTableId"];
  return mainId === undefined
    ? undefined
    : graph.ofType(DEFAULT_ROUTE_TABLE).find((t) => t.id === mainId || t.inputs["defaultRouteTableId"] === mainId);
}

/** True when the subnet's route table sends 0.0.0.0/0 to an internet gateway attached to its VPC. */
export function hasInternetRoute(subnet: CapturedResource, graph: StackGraph): boolean {
  const table = routeTableOf(subnet, graph);
  if (!table) return false;
  return routesOf(table, graph).some((r) => {
    if (r.destination !== "0.0.0.0/0" || r.kind !== IGW) return false;
    return graph.byId(r.target)?.inputs["vpcId"] === subnet.inputs["vpcId"];
  });
}

export const natInPublicSubnet: AwsRule = resourceRule(
  "nat-gateway-in-public-subnet",
  "A public NAT gateway only forwards traffic when its subnet routes 0.0.0.0/0 to an internet gateway of the VPC (VPC user guide, NAT gateway basics)",
  [NAT],
  (n, graph) => {
    if (n.inputs["connectivityType"] === "private") return undefined;
    const subnet = graph.byId(n.inputs["subnetId"]);
    if (!subnet) return `subnetId ${String(n.inputs["subnetId"])} is not a subnet of this program`;
    const problems: string[] = [];
    if (n.inputs["allocationId"] === undefined) problems.push("a public NAT gateway needs an Elastic IP allocationId");
    if (!hasInternetRoute(subnet, graph)) {
      problems.push(
        `subnet ${subnet.name} has no 0.0.0.0/0 route to an internet gateway, so this NAT gateway cannot reach the internet; place it in a public subnet`,
      );
    }
    return problems;
  },
);

export const NETWORK_RULES: readonly AwsRule[] = [cidrSize, subnetInVpc, subnetAzInRegion, associationSameVpc, natInPublicSubnet];
