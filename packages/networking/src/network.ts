import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  awsContext,
  checkRoleSettings,
  Connections,
  LOG_RETENTION_DAYS,
  Problems,
  RoleSettings,
  roleInputs,
  withName,
} from "@web-infra/core";
import { ipv6Subnet, isCanonicalCidr, maxAzs, prefixLength, subnetCidr, Tier } from "./cidr";

// Moved to @web-infra/core so the database can share it; still importable from here.
export { LOG_RETENTION_DAYS } from "@web-infra/core";

export type NatGatewayMode = "single" | "perAz";

/**
 * The smallest subnet the network makes: an Application Load Balancer needs a /27 or larger in each
 * of its subnets, with at least 8 free addresses (ELB User Guide, "Subnets for your load balancer").
 */
export const MAX_SUBNET_PREFIX = 27;

/**
 * The flow log record: AWS's default fields, then where the packet really came from and went
 * (`pkt-srcaddr`/`pkt-dstaddr`: behind a NAT gateway `srcaddr` is the gateway's, so without them
 * egress cannot be traced to its instance), the instance, subnet and direction. Changing it replaces
 * the flow log.
 */
export const FLOW_LOG_FORMAT = [
  "version",
  "account-id",
  "interface-id",
  "srcaddr",
  "dstaddr",
  "srcport",
  "dstport",
  "protocol",
  "packets",
  "bytes",
  "start",
  "end",
  "action",
  "log-status",
  "vpc-id",
  "subnet-id",
  "instance-id",
  "tcp-flags",
  "type",
  "pkt-srcaddr",
  "pkt-dstaddr",
  "flow-direction",
  "traffic-path",
]
  .map((field) => `\${${field}}`)
  .join(" ");

/** Bits each subnet adds to the VPC prefix unless `subnetNewBits` says otherwise. */
export const DEFAULT_SUBNET_NEW_BITS = 4;

export interface FlowLogArgs {
  /**
   * Send VPC flow logs to CloudWatch Logs (Security Hub EC2.6).
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Days CloudWatch keeps the flow log records; one of the values CloudWatch accepts.
   *
   * @default 365
   */
  readonly retentionInDays?: number;
  /**
   * Which traffic to record.
   *
   * @default "ALL"
   */
  readonly trafficType?: "ALL" | "REJECT" | "ACCEPT";
  /**
   * KMS key ARN that encrypts the log group.
   *
   * @default - the CloudWatch Logs service key
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
}

/** AWS services the network can reach through an interface endpoint, by the short name in `com.amazonaws.<region>.<name>`. */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ssm",
  "ssmmessages",
  "ec2messages",
  "secretsmanager",
  "kms",
  "logs",
  "monitoring",
  "sts",
  "ec2",
] as const;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];

/** Session Manager's three endpoints: with them, the only admin path works without the NAT gateways (Security Hub EC2.57). */
export const SESSION_MANAGER_ENDPOINTS: readonly InterfaceEndpointService[] = ["ssm", "ssmmessages", "ec2messages"];

export interface EndpointArgs {
  /**
   * An S3 gateway endpoint on the private route tables. It is free, and Amazon Linux's package
   * repositories are in S3, so `dnf` stops going through (and paying for) the NAT gateways.
   *
   * @default true
   */
  readonly s3Gateway?: boolean;
  /**
   * Interface endpoints, one network interface per private subnet, private DNS on, behind a security
   * group that admits HTTPS only from the groups given to `endpointConnections.allowFrom`. Each is
   * billed per hour in every zone, plus data.
   *
   * @default [] - none: Session Manager and the AWS APIs go through the NAT gateways
   */
  readonly interfaceServices?: readonly InterfaceEndpointService[];
}

export interface NetworkArgs {
  /**
   * IPv4 block of the VPC, /16 to /24 with no host bits set: AWS allows up to /28, but each subnet
   * (`subnetNewBits` smaller) must stay a /27 or larger for the load balancer. Its four quarters hold the
   * public, private and database tiers and a spare.
   *
   * @default "10.0.0.0/16"
   */
  readonly cidrBlock?: string;
  /**
   * How many availability zones to span. At least 2, so the load balancer and
   * the web tier survive the loss of one.
   *
   * @default 2
   */
  readonly azCount?: number;
  /**
   * The zones to use, in order. Their count must equal `azCount`.
   *
   * @default - the first `azCount` zones the region lists
   */
  readonly availabilityZones?: readonly string[];
  /**
   * EC2 instance types every zone must offer (for RDS, give the class without `db.`): a zone whose
   * `DescribeInstanceTypeOfferings` lacks one is skipped, as us-east-1's use1-az3 lacks current
   * families and answers `Unsupported` at launch. Ignored when `availabilityZones` pins the zones.
   *
   * @default - no filter: the first `azCount` available zones
   */
  readonly instanceTypes?: readonly string[];
  /**
   * Bits added to the VPC prefix for each subnet. With a /16, 4 gives /20 subnets
   * and room for 4 AZs. Changing it re-addresses every subnet.
   *
   * @default 4
   */
  readonly subnetNewBits?: number;
  /**
   * NAT gateways for the private subnets' egress: one per AZ survives an AZ loss;
   * `single` is cheaper and loses egress from every AZ with its own.
   *
   * @default "perAz"
   */
  readonly natGateways?: NatGatewayMode;
  /**
   * Give the VPC an Amazon-provided IPv6 /56 and each public subnet a /64, for a
   * dual-stack load balancer.
   *
   * @default false
   */
  readonly enableIpv6?: boolean;
  /**
   * VPC endpoints, so that traffic to AWS services stays off the internet and the NAT gateways.
   *
   * @default - the S3 gateway endpoint only
   */
  readonly endpoints?: EndpointArgs;
  /**
   * TCP port of the database in the database subnets: their network ACL admits only this port from the
   * VPC's block, and lets only the answers (ports 1024-65535) back out to it.
   *
   * @default 3306
   */
  readonly databasePort?: number;
  /**
   * VPC flow logs.
   *
   * @default - enabled, all traffic, kept 365 days
   */
  readonly flowLogs?: FlowLogArgs;
  /**
   * ARN of the IAM policy every role this component creates carries as its permissions boundary: the
   * boundary the bootstrap stack exports (`permissionsBoundaryArn`). A deploy role that may create roles
   * only with that boundary can then create these.
   *
   * @default - no boundary (the policy pack's iam-role-permissions-boundary rule flags it)
   */
  readonly permissionsBoundary?: pulumi.Input<string>;
  /**
   * Path of the IAM roles this component creates, e.g. `/web-infra/prod/`: the bootstrap's deploy role of an
   * environment may pass, and rewrite the trust of, only roles under its own path. Changing it replaces the roles.
   *
   * @default "/"
   */
  readonly rolePath?: string;
  /**
   * Tags for every resource; each also gets a `Name`.
   *
   * @default - no extra tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

interface Resolved {
  cidrBlock: string;
  azCount: number;
  availabilityZones?: readonly string[];
  subnetNewBits: number;
  natGateways: NatGatewayMode;
  enableIpv6: boolean;
  databasePort: number;
  endpoints: { s3Gateway: boolean; interfaceServices: readonly InterfaceEndpointService[] };
  flowLogs: { enabled: boolean; retentionInDays: number; trafficType: "ALL" | "REJECT" | "ACCEPT"; kmsKeyArn?: pulumi.Input<string> };
}

/** Apply defaults and check every argument, throwing all problems at once before anything is created. */
export function resolveNetworkArgs(name: string, args: NetworkArgs): Resolved {
  const p = new Problems(`web-infra:networking:Network "${name}"`);
  const cidrBlock = args.cidrBlock ?? "10.0.0.0/16";
  const subnetNewBits = args.subnetNewBits ?? DEFAULT_SUBNET_NEW_BITS;
  const azCount = args.azCount ?? args.availabilityZones?.length ?? 2;
  const natGateways = args.natGateways ?? "perAz";
  const flow = args.flowLogs ?? {};
  const resolved: Resolved = {
    cidrBlock,
    azCount,
    availabilityZones: args.availabilityZones,
    subnetNewBits,
    natGateways,
    enableIpv6: args.enableIpv6 ?? false,
    databasePort: args.databasePort ?? 3306,
    endpoints: { s3Gateway: args.endpoints?.s3Gateway ?? true, interfaceServices: args.endpoints?.interfaceServices ?? [] },
    flowLogs: {
      enabled: flow.enabled ?? true,
      retentionInDays: flow.retentionInDays ?? 365,
      trafficType: flow.trafficType ?? "ALL",
      kmsKeyArn: flow.kmsKeyArn,
    },
  };

  // AWS takes VPCs of /16 to /28, but a load balancer needs public subnets of /27 or larger (8 free
  // addresses each), and two zones of three tiers need 3 subnet bits: a /24 is the smallest that works.
  const cidrOk = p.check(
    typeof cidrBlock === "string" && isCanonicalCidr(cidrBlock) && prefixLength(cidrBlock) >= 16 && prefixLength(cidrBlock) <= 24,
    "cidrBlock",
    "must be an IPv4 CIDR from /16 to /24 with no host bits set",
    cidrBlock,
    'Use a private block such as "10.0.0.0/16".',
  );
  p.integer("subnetNewBits", subnetNewBits, 2, 12, "It splits each quarter of the VPC into 2^(n-2) AZ slots.");
  if (cidrOk && Number.isInteger(subnetNewBits)) {
    p.check(
      prefixLength(cidrBlock) + subnetNewBits <= MAX_SUBNET_PREFIX,
      "subnetNewBits",
      `must leave subnets of /${MAX_SUBNET_PREFIX} or larger, which a load balancer needs in each public subnet (${cidrBlock} + ${subnetNewBits} bits gives /${prefixLength(cidrBlock) + subnetNewBits})`,
      subnetNewBits,
      `Use a /${MAX_SUBNET_PREFIX - subnetNewBits} or larger VPC block, or subnetNewBits ${MAX_SUBNET_PREFIX - prefixLength(cidrBlock)} or less.`,
    );
  }
  const slots = Number.isInteger(subnetNewBits) && subnetNewBits >= 2 ? maxAzs(subnetNewBits) : Infinity;
  p.check(
    Number.isInteger(azCount) && azCount >= 2,
    "azCount",
    "must be an integer ≥ 2 so the load balancer and web tier survive the loss of one zone",
    azCount,
    "Set azCount to 2 or more.",
  );
  p.check(
    !(Number.isInteger(azCount) && azCount > slots),
    "azCount",
    `must fit the subnet layout: subnetNewBits ${subnetNewBits} leaves ${slots} AZ slots`,
    azCount,
    `Raise subnetNewBits to ${Math.ceil(Math.log2(azCount)) + 2} (this re-addresses every subnet) or use fewer AZs.`,
  );
  if (args.availabilityZones !== undefined) {
    const zones = args.availabilityZones;
    p.check(
      zones.length === azCount,
      "availabilityZones",
      `must list exactly azCount (${azCount}) zones`,
      zones,
      "List one zone per AZ, or leave it unset.",
    );
    p.check(new Set(zones).size === zones.length, "availabilityZones", "must not repeat a zone", zones, "List each zone once.");
    const region = aws.config.region;
    const foreign = region ? zones.filter((z) => !z.startsWith(region)) : [];
    p.check(
      foreign.length === 0,
      "availabilityZones",
      `must be zones of the provider region ${region}`,
      foreign,
      `Use zones of ${region}, e.g. ${region}a.`,
    );
  }
  const services = resolved.endpoints.interfaceServices;
  p.check(
    services.every((x) => (INTERFACE_ENDPOINT_SERVICES as readonly string[]).includes(x)),
    "endpoints.interfaceServices",
    `must name services of ${INTERFACE_ENDPOINT_SERVICES.join(", ")}`,
    services.filter((x) => !(INTERFACE_ENDPOINT_SERVICES as readonly string[]).includes(x)),
    `Session Manager needs ${SESSION_MANAGER_ENDPOINTS.join(", ")}.`,
  );
  p.check(
    new Set(services).size === services.length,
    "endpoints.interfaceServices",
    "must not repeat a service",
    services,
    "List each service once.",
  );
  p.integer("databasePort", resolved.databasePort, 1150, 65535, "RDS listens on 1150-65535; MySQL's default is 3306.");
  p.oneOf(
    "natGateways",
    natGateways,
    ["single", "perAz"] as const,
    'Use "perAz" to survive an AZ loss, or "single" to save cost in non-production.',
  );
  p.oneOf("flowLogs.retentionInDays", resolved.flowLogs.retentionInDays, LOG_RETENTION_DAYS, "CloudWatch Logs accepts only these periods.");
  p.oneOf(
    "flowLogs.trafficType",
    resolved.flowLogs.trafficType,
    ["ALL", "REJECT", "ACCEPT"] as const,
    "Use ALL unless a cost review asks for less.",
  );
  checkRoleSettings(p, args);
  p.throwIfAny();
  return resolved;
}

/**
 * A VPC across N availability zones with three subnet tiers per zone:
 * public (load balancer, NAT), private (web servers, egress through NAT) and
 * database (no route beyond the VPC).
 *
 * Child names are a contract: `<name>-<tier>-<slot>` for subnets and their
 * route table associations. Renaming one replaces the subnet, which fails
 * while network interfaces are attached; ship renames with `aliases`.
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpc: aws.ec2.Vpc;
  public readonly vpcId: pulumi.Output<string>;
  public readonly vpcCidrBlock: string;
  /** Zone names, in slot order. */
  public readonly availabilityZones: pulumi.Output<string[]>;
  /** Number of zones (known before deployment). */
  public readonly azCount: number;
  public readonly publicSubnets: aws.ec2.Subnet[];
  public readonly privateSubnets: aws.ec2.Subnet[];
  public readonly databaseSubnets: aws.ec2.Subnet[];
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;
  public readonly databaseSubnetIds: pulumi.Output<string[]>;
  public readonly natGatewayIds: pulumi.Output<string[]>;
  /**
   * What must exist before anything in a private subnet can reach the internet: each private
   * subnet's route table association, its `0.0.0.0/0` route and the NAT gateway(s) it routes to
   * (the route tables, the public route to the internet gateway and the Elastic IPs come with
   * them). Put it in the `dependsOn` of servers whose boot script downloads anything: a server
   * needs only its subnet, so on a first `pulumi up` it can boot before these exist, and an
   * install fails (terraform-aws-modules/terraform-aws-autoscaling#255). Database subnets have no
   * route out and are not part of it.
   */
  public readonly privateEgress: pulumi.Resource[];
  public readonly flowLogGroupName?: pulumi.Output<string>;
  /**
   * The interface endpoints' security group, as intent: `endpointConnections.allowFrom(web.connections, 443, …)`
   * lets a tier use them. Undefined without interface endpoints.
   */
  public readonly endpointConnections?: Connections;
  /** The VPC endpoints, by service short name (`s3`, `ssm`…). */
  public readonly endpoints: Readonly<Record<string, aws.ec2.VpcEndpoint>>;
  public readonly ipv6Enabled: boolean;

  constructor(name: string, args: NetworkArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    const cfg = resolveNetworkArgs(name, args);
    super("web-infra:networking:Network", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags;
    this.vpcCidrBlock = cfg.cidrBlock;
    this.azCount = cfg.azCount;
    this.ipv6Enabled = cfg.enableIpv6;

    const types = [...new Set(args.instanceTypes ?? [])];
    const offered =
      types.length === 0
        ? pulumi.output(undefined)
        : aws.ec2.getInstanceTypeOfferingsOutput(
            { locationType: "availability-zone", filters: [{ name: "instance-type", values: types }] },
            parent,
          );
    this.availabilityZones = cfg.availabilityZones
      ? pulumi.output([...cfg.availabilityZones])
      : pulumi
          .all([
            aws.getAvailabilityZonesOutput(
              { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
              parent,
            ).names,
            offered,
          ])
          .apply(([names, offerings]) => {
            const lacking = (zone: string) =>
              offerings === undefined
                ? []
                : types.filter((t) => !offerings.instanceTypes.some((o, i) => o === t && offerings.locations[i] === zone));
            const usable = names.filter((z) => lacking(z).length === 0);
            if (usable.length < cfg.azCount) {
              const skipped = names.filter((z) => lacking(z).length > 0).map((z) => `${z} (no ${lacking(z).join(", ")})`);
              throw new Error(
                `web-infra:networking:Network "${name}": azCount is ${cfg.azCount} but the region has only ${usable.length} zones` +
                  (skipped.length
                    ? ` offering ${types.join(", ")}; skipped ${skipped.join(", ")}. Choose instance types every zone offers, or lower azCount.`
                    : ""),
              );
            }
            return usable.slice(0, cfg.azCount);
          });

    this.vpc = new aws.ec2.Vpc(
      name,
      {
        cidrBlock: cfg.cidrBlock,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        assignGeneratedIpv6CidrBlock: cfg.enableIpv6 || undefined,
        tags: withName(tags, name),
      },
      parent,
    );
    this.vpcId = this.vpc.id;

    // Leave the default group with no rules so nothing attached to it by accident can talk (Security Hub EC2.2).
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default`,
      { vpcId: this.vpc.id, ingress: [], egress: [], tags: withName(tags, `${name}-default-closed`) },
      parent,
    );

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: withName(tags, `${name}-igw`) }, parent);

    const slots = [...Array(cfg.azCount).keys()];
    const makeSubnets = (tier: Tier) =>
      slots.map((i) => {
        const az = this.availabilityZones.apply((zones) => zones[i]);
        return new aws.ec2.Subnet(
          `${name}-${tier}-${i}`,
          {
            vpcId: this.vpc.id,
            cidrBlock: subnetCidr(cfg.cidrBlock, cfg.subnetNewBits, tier, i),
            availabilityZone: az,
            // The ALB and NAT gateways bring their own addresses; nothing here should get a public IP by default (EC2.15).
            mapPublicIpOnLaunch: false,
            ...(tier === "public" && cfg.enableIpv6
              ? {
                  ipv6CidrBlock: this.vpc.ipv6CidrBlock.apply((block) => ipv6Subnet(block, i)),
                  assignIpv6AddressOnCreation: false,
                }
              : {}),
            tags: withName(
              tags,
              az.apply((z) => `${name}-${tier}-${z}`),
            ),
          },
          parent,
        );
      });
    this.publicSubnets = makeSubnets("public");
    this.privateSubnets = makeSubnets("private");
    this.databaseSubnets = makeSubnets("database");

    const publicTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: this.vpc.id, tags: withName(tags, `${name}-public`) }, parent);
    const publicInternet = new aws.ec2.Route(
      `${name}-public-internet`,
      { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
      parent,
    );
    if (cfg.enableIpv6) {
      new aws.ec2.Route(
        `${name}-public-internet-ipv6`,
        { routeTableId: publicTable.id, destinationIpv6CidrBlock: "::/0", gatewayId: igw.id },
        parent,
      );
    }
    const publicAssociations = this.publicSubnets.map(
      (s, i) => new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: s.id, routeTableId: publicTable.id }, parent),
    );

    const natSlots = cfg.natGateways === "perAz" ? slots : [0];
    const nats = natSlots.map((i) => {
      const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: withName(tags, `${name}-nat-${i}`) }, parent);
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        { allocationId: eip.id, subnetId: this.publicSubnets[i].id, connectivityType: "public", tags: withName(tags, `${name}-nat-${i}`) },
        // A NAT gateway created before its subnet routes to the internet gateway starts without a path out.
        { ...parent, dependsOn: [igw, publicAssociations[i], publicInternet] },
      );
    });
    this.natGatewayIds = pulumi.all(nats.map((n) => n.id));

    const privateTables: aws.ec2.RouteTable[] = [];
    const privateRoutes = this.privateSubnets.map((s, i) => {
      const table = new aws.ec2.RouteTable(
        `${name}-private-${i}`,
        { vpcId: this.vpc.id, tags: withName(tags, `${name}-private-${i}`) },
        parent,
      );
      privateTables.push(table);
      const nat = cfg.natGateways === "perAz" ? nats[i] : nats[0];
      const route = new aws.ec2.Route(
        `${name}-private-${i}-egress`,
        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
        parent,
      );
      const association = new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: s.id, routeTableId: table.id }, parent);
      return [association, route];
    });
    this.privateEgress = [...privateRoutes.flat(), ...nats];

    // Database subnets share one table with only the implicit local route: no path to or from the internet (RDS.46).
    const databaseTable = new aws.ec2.RouteTable(
      `${name}-database`,
      { vpcId: this.vpc.id, tags: withName(tags, `${name}-database`) },
      parent,
    );
    this.databaseSubnets.forEach(
      (s, i) => new aws.ec2.RouteTableAssociation(`${name}-database-${i}`, { subnetId: s.id, routeTableId: databaseTable.id }, parent),
    );

    this.createNetworkAcls(name, cfg, tags);

    const region = awsContext(this).region;
    const endpoints: Record<string, aws.ec2.VpcEndpoint> = {};
    if (cfg.endpoints.s3Gateway) {
      endpoints["s3"] = new aws.ec2.VpcEndpoint(
        `${name}-s3`,
        {
          vpcId: this.vpc.id,
          serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
          vpcEndpointType: "Gateway",
          routeTableIds: privateTables.map((t) => t.id),
          tags: withName(tags, `${name}-s3`),
        },
        parent,
      );
    }
    if (cfg.endpoints.interfaceServices.length > 0) {
      const sg = new aws.ec2.SecurityGroup(
        `${name}-endpoints`,
        {
          vpcId: this.vpc.id,
          description: `Interface endpoints of ${name}: HTTPS from the tiers that use them`,
          tags: withName(tags, `${name}-endpoints`),
        },
        parent,
      );
      this.endpointConnections = new Connections(`${name}-endpoints`, sg.id, this);
      for (const service of cfg.endpoints.interfaceServices) {
        endpoints[service] = new aws.ec2.VpcEndpoint(
          `${name}-${service}`,
          {
            vpcId: this.vpc.id,
            serviceName: pulumi.interpolate`com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            // The service's own hostname resolves to the endpoint inside the VPC, so SDKs and the SSM agent use it unchanged.
            privateDnsEnabled: true,
            subnetIds: this.privateSubnets.map((s) => s.id),
            securityGroupIds: [sg.id],
            tags: withName(tags, `${name}-${service}`),
          },
          parent,
        );
      }
    }
    this.endpoints = endpoints;

    if (cfg.flowLogs.enabled) {
      this.flowLogGroupName = this.createFlowLogs(name, cfg.flowLogs, tags, args, region);
    }

    this.publicSubnetIds = pulumi.all(this.publicSubnets.map((s) => s.id));
    this.privateSubnetIds = pulumi.all(this.privateSubnets.map((s) => s.id));
    this.databaseSubnetIds = pulumi.all(this.databaseSubnets.map((s) => s.id));

    this.registerOutputs({
      vpcId: this.vpcId,
      availabilityZones: this.availabilityZones,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      databaseSubnetIds: this.databaseSubnetIds,
      natGatewayIds: this.natGatewayIds,
    });
  }

  /**
   * The default network ACL, which the public and private subnets keep, admits everything but remote
   * administration from anywhere (Security Hub EC2.21: no 0.0.0.0/0 or ::/0 to 22 or 3389; Session Manager
   * is the way in); security groups stay the firewall. The database subnets get their own ACL: the
   * database port from the VPC's block in, the answers back out, nothing else either way.
   */
  private createNetworkAcls(name: string, cfg: Resolved, tags: NetworkArgs["tags"]): void {
    const parent = { parent: this };
    const worlds = cfg.enableIpv6 ? [{ cidrBlock: "0.0.0.0/0" }, { ipv6CidrBlock: "::/0" }] : [{ cidrBlock: "0.0.0.0/0" }];
    const denyAdmin = worlds.flatMap((world, w) =>
      [22, 3389].map((port, i) => ({ ruleNo: 10 + w * 10 + i, action: "deny", protocol: "tcp", fromPort: port, toPort: port, ...world })),
    );
    const allowAll = (base: number) =>
      worlds.map((world, w) => ({ ruleNo: base + w, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, ...world }));
    new aws.ec2.DefaultNetworkAcl(
      `${name}-default`,
      {
        defaultNetworkAclId: this.vpc.defaultNetworkAclId,
        ingress: [...denyAdmin, ...allowAll(100)],
        egress: allowAll(100),
        tags: withName(tags, `${name}-default`),
      },
      // The public and private subnets use it without being listed, and read back as a change on every
      // refresh unless ignored (the provider's aws_default_network_acl docs, "Managing Subnets").
      { ...parent, ignoreChanges: ["subnetIds"] },
    );
    new aws.ec2.NetworkAcl(
      `${name}-database`,
      {
        vpcId: this.vpc.id,
        subnetIds: this.databaseSubnets.map((s) => s.id),
        ingress: [
          { ruleNo: 100, action: "allow", protocol: "tcp", fromPort: cfg.databasePort, toPort: cfg.databasePort, cidrBlock: cfg.cidrBlock },
        ],
        egress: [{ ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 1024, toPort: 65535, cidrBlock: cfg.cidrBlock }],
        tags: withName(tags, `${name}-database`),
      },
      parent,
    );
  }

  private createFlowLogs(
    name: string,
    cfg: Resolved["flowLogs"],
    tags: NetworkArgs["tags"],
    args: RoleSettings,
    region: pulumi.Output<string>,
  ): pulumi.Output<string> {
    const parent = { parent: this };
    const group = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      { retentionInDays: cfg.retentionInDays, kmsKeyId: cfg.kmsKeyArn, tags: withName(tags, `${name}-flow-logs`) },
      parent,
    );
    const account = awsContext(this).accountId;
    const partition = awsContext(this).partition;
    const role = new aws.iam.Role(
      `${name}-flow-logs`,
      {
        description: `Lets VPC Flow Logs write ${name}'s records to CloudWatch Logs`,
        ...roleInputs(args),
        assumeRolePolicy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              {
                actions: ["sts:AssumeRole"],
                principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }],
                // Confused-deputy guard: only this account's flow logs may assume the role (VPC User Guide,
                // "IAM role for publishing flow logs to CloudWatch Logs").
                conditions: [
                  { test: "StringEquals", variable: "aws:SourceAccount", values: [account] },
                  {
                    test: "ArnLike",
                    variable: "aws:SourceArn",
                    values: [pulumi.interpolate`arn:${partition}:ec2:${region}:${account}:vpc-flow-log/*`],
                  },
                ],
              },
            ],
          },
          parent,
        ).json,
        tags: withName(tags, `${name}-flow-logs`),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs`,
      {
        role: role.name,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              {
                actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources: [group.arn, pulumi.interpolate`${group.arn}:*`],
              },
            ],
          },
          parent,
        ).json,
      },
      parent,
    );
    new aws.ec2.FlowLog(
      name,
      {
        vpcId: this.vpc.id,
        trafficType: cfg.trafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: group.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        logFormat: FLOW_LOG_FORMAT,
        tags: withName(tags, `${name}-flow-logs`),
      },
      parent,
    );
    return group.name;
  }
}
