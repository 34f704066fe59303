import { Cidr } from "@web-infra/core/cidr";

/** The subnet tiers, in the order they own the quarters of the VPC block. */
export const TIERS = ["public", "private", "database"] as const;
export type Tier = (typeof TIERS)[number];

/** True for a well-formed IPv4 CIDR with no host bits set. */
export function isCanonicalCidr(value: string): boolean {
  const block = Cidr.parse(value, 4);
  return block !== undefined && block.toString() === value;
}

export function prefixLength(cidr: string): number {
  return Cidr.of(cidr, 4).prefix;
}

/** How many AZs a layout can hold: each tier's quarter splits into 2^(newBits-2) subnets. */
export function maxAzs(subnetNewBits: number): number {
  return 2 ** (subnetNewBits - 2);
}

/**
 * The subnet block of a tier in an AZ slot.
 *
 * The VPC block is split into four quarters: public, private, database and a
 * spare. Each quarter is split into equal subnets of prefix + newBits, and AZ
 * slot i takes the i-th. A subnet's block therefore depends only on its tier
 * and slot, never on how many AZs exist: adding an AZ adds blocks and moves
 * none (the failure in pulumi-awsx #1204 and aws-cdk #6683).
 */
export function subnetCidr(vpcCidr: string, subnetNewBits: number, tier: Tier, slot: number): string {
  const vpc = Cidr.of(vpcCidr, 4);
  const quarter = vpc.subnet(vpc.prefix + 2, TIERS.indexOf(tier));
  const azs = quarter.count(vpc.prefix + subnetNewBits);
  if (slot >= azs) throw new Error(`AZ slot ${slot} does not fit: ${vpcCidr} with subnetNewBits ${subnetNewBits} holds ${azs} AZs`);
  return quarter.subnet(vpc.prefix + subnetNewBits, slot).toString();
}

/** The i-th /64 of the VPC's Amazon-provided IPv6 /56, in the compressed form AWS returns (no perpetual diff). */
export function ipv6Subnet(vpcBlock: string, index: number): string {
  return Cidr.of(vpcBlock, 6).subnet(64, index).toString();
}
