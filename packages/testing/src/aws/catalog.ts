/**
 * What the harness knows about AWS: regions and their zones, instance types,
 * AMIs and hosted-zone ids. Kept as data so rules and mocks read one source.
 */

/** Region → its availability zones and zone ids, as `DescribeAvailabilityZones` lists them. */
export const REGIONS: Readonly<Record<string, { zones: readonly string[]; zoneIdPrefix: string; elbZoneId: string }>> = {
  "us-east-1": { zones: ["a", "b", "c", "d", "e", "f"], zoneIdPrefix: "use1", elbZoneId: "Z35SXDOTRQ7X7K" },
  "us-east-2": { zones: ["a", "b", "c"], zoneIdPrefix: "use2", elbZoneId: "Z3AADJGX6KTTL2" },
  "us-west-2": { zones: ["a", "b", "c", "d"], zoneIdPrefix: "usw2", elbZoneId: "Z1H1FL5HABSF5" },
  "eu-west-1": { zones: ["a", "b", "c"], zoneIdPrefix: "euw1", elbZoneId: "Z32O12XQLNTSW2" },
  "eu-central-1": { zones: ["a", "b", "c"], zoneIdPrefix: "euc1", elbZoneId: "Z215JYRZR1TBD5" },
  "eu-west-2": { zones: ["a", "b", "c"], zoneIdPrefix: "euw2", elbZoneId: "ZHURV8PSTC4K8" },
  "ap-southeast-2": { zones: ["a", "b", "c"], zoneIdPrefix: "apse2", elbZoneId: "Z1GM3OXH4ZPM65" },
  "ap-northeast-1": { zones: ["a", "c", "d"], zoneIdPrefix: "apne1", elbZoneId: "Z14GRHDCWA56QT" },
};

export function regionInfo(region: string) {
  const info = REGIONS[region];
  if (!info) {
    throw new Error(
      `@web-infra/testing: region "${region}" is not in the harness catalogue; known: ${Object.keys(REGIONS).join(", ")}. ` +
        `Set aws:region to one of them or add it to REGIONS.`,
    );
  }
  return info;
}

export function zonesOf(region: string): string[] {
  return regionInfo(region).zones.map((z) => `${region}${z}`);
}

export function zoneIdOf(region: string, zone: string): string {
  const info = regionInfo(region);
  const idx = info.zones.indexOf(zone.slice(region.length));
  return `${info.zoneIdPrefix}-az${idx + 1}`;
}

export type Architecture = "x86_64" | "arm64";

/** EC2 instance types the harness accepts, with their CPU architecture. */
export const INSTANCE_TYPES: Readonly<Record<string, { architecture: Architecture; vcpu: number; memoryGiB: number }>> = (() => {
  const sizes: Record<string, [number, number]> = {
    nano: [2, 0.5],
    micro: [2, 1],
    small: [2, 2],
    medium: [2, 4],
    large: [2, 8],
    xlarge: [4, 16],
    "2xlarge": [8, 32],
    "4xlarge": [16, 64],
  };
  const families: Record<string, Architecture> = {
    t3: "x86_64",
    t3a: "x86_64",
    t4g: "arm64",
    m5: "x86_64",
    m6i: "x86_64",
    m6a: "x86_64",
    m6g: "arm64",
    m7i: "x86_64",
    m7g: "arm64",
    m8g: "arm64",
    c6i: "x86_64",
    c6g: "arm64",
    c7i: "x86_64",
    c7g: "arm64",
    r6i: "x86_64",
    r6g: "arm64",
    r7g: "arm64",
  };
  const out: Record<string, { architecture: Architecture; vcpu: number; memoryGiB: number }> = {};
  for (const [family, architecture] of Object.entries(families)) {
    for (const [size, [vcpu, memoryGiB]] of Object.entries(sizes)) {
      // Burstable families stop at 2xlarge and start at nano; fixed ones start at large.
      const burstable = family.startsWith("t");
      if (burstable ? size.endsWith("4xlarge") : ["nano", "micro", "small", "medium"].includes(size)) continue;
      out[`${family}.${size}`] = { architecture, vcpu, memoryGiB };
    }
  }
  return out;
})();

/**
 * Zones that offer only some families of their region, by zone id, for `DescribeInstanceTypeOfferings`.
 * us-east-1's use1-az3 is its oldest zone and answers `Unsupported` for current families (Graviton,
 * 6th generation and later); which zone name maps to it differs per account. Source: AWS re:Post,
 * "Why do I get the 'Unsupported' error when I launch an EC2 instance in us-east-1?", and
 * DescribeInstanceTypeOfferings with location-type availability-zone-id; read 2026-12-06. Every other
 * zone of the catalogue offers every type of INSTANCE_TYPES.
 */
export const CONSTRAINED_ZONES: Readonly<Record<string, readonly string[]>> = {
  "use1-az3": ["t3", "t3a", "m5"],
};

/** Whether a zone offers an instance type, per CONSTRAINED_ZONES; false for a type the catalogue lacks. */
export function zoneOffers(region: string, zone: string, instanceType: string): boolean {
  if (INSTANCE_TYPES[instanceType] === undefined) return false;
  const families = CONSTRAINED_ZONES[zoneIdOf(region, zone)];
  return families === undefined || families.includes(instanceType.split(".")[0] as string);
}

export function architectureOfInstanceType(instanceType: string): Architecture | undefined {
  return INSTANCE_TYPES[instanceType]?.architecture;
}

/** An AMI the mock AMI lookup can return and that instances may use. */
export interface AmiRecord {
  id: string;
  name: string;
  architecture: Architecture;
  ownerId: string;
  creationDate: string;
  /** @default "/dev/xvda" - Amazon Linux 2023's */
  rootDeviceName?: string;
}

/** Amazon Linux 2023 images the mock answers `ec2:getAmi` with (owner "amazon" = 137112412989). */
export const DEFAULT_AMIS: readonly AmiRecord[] = [
  {
    id: "ami-0a7d80731ae1b2435",
    name: "al2023-ami-2023.9.20261117.0-kernel-6.1-x86_64",
    architecture: "x86_64",
    ownerId: "137112412989",
    creationDate: "2026-11-18T03:12:09.000Z",
  },
  {
    id: "ami-05b4ded3ceb71e470",
    name: "al2023-ami-2023.9.20261117.0-kernel-6.1-arm64",
    architecture: "arm64",
    ownerId: "137112412989",
    creationDate: "2026-11-18T03:12:41.000Z",
  },
];

/** A Route 53 hosted zone the mock's `route53:getZone` knows. */
export interface HostedZoneRecord {
  zoneId: string;
  name: string;
  privateZone: boolean;
}

export const DEFAULT_HOSTED_ZONES: readonly HostedZoneRecord[] = [
  { zoneId: "Z0123456789EXAMPLE", name: "example.com", privateZone: false },
];

/**
 * Every predefined ELB security policy an HTTPS listener may name
 * (ELB user guide, "Security policies for your Application Load Balancer").
 */
export const ELB_SSL_POLICIES: ReadonlySet<string> = new Set([
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-TLS13-1-1-2021-06",
  "ELBSecurityPolicy-TLS13-1-0-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
  "ELBSecurityPolicy-FS-1-2-Res-2019-08",
  "ELBSecurityPolicy-FS-1-2-2019-08",
  "ELBSecurityPolicy-FS-1-1-2019-08",
  "ELBSecurityPolicy-FS-2018-06",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
  "ELBSecurityPolicy-TLS-1-2-2017-01",
  "ELBSecurityPolicy-TLS-1-1-2017-01",
  "ELBSecurityPolicy-2016-08",
  "ELBSecurityPolicy-2015-05",
]);

/** RDS for MySQL engine versions RDS offers (a major line or a minor release). */
export const RDS_MYSQL_VERSIONS: ReadonlySet<string> = new Set([
  "8.4",
  ...[3, 4, 5, 6, 7, 8].map((n) => `8.4.${n}`),
  "8.0",
  ...[36, 37, 38, 39, 40, 41, 42, 43].map((n) => `8.0.${n}`),
]);

/** RDS for MySQL instance classes, with whether Performance Insights is offered on them. */
export const RDS_INSTANCE_CLASSES: Readonly<Record<string, { performanceInsights: boolean }>> = (() => {
  const out: Record<string, { performanceInsights: boolean }> = {};
  const burstable = ["t3", "t4g"];
  const graviton = ["m6g", "m7g", "r6g", "r7g"];
  const intel = ["m5", "m6i", "m7i", "r5", "r6i", "r7i"];
  const sizes = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
  for (const f of burstable) {
    for (const size of ["micro", "small", "medium", "large", "xlarge", "2xlarge"]) {
      out[`db.${f}.${size}`] = { performanceInsights: !["micro", "small"].includes(size) };
    }
  }
  for (const f of graviton) for (const size of sizes) out[`db.${f}.${size}`] = { performanceInsights: true };
  // The Graviton families stop at 16xlarge; the Intel ones go on to 24xlarge.
  for (const f of intel) for (const size of [...sizes, "24xlarge"]) out[`db.${f}.${size}`] = { performanceInsights: true };
  return out;
})();

/** CA certificates an RDS instance may name. */
export const RDS_CA_CERTIFICATES: ReadonlySet<string> = new Set(["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]);
