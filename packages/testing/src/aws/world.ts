import { Cidr } from "@web-infra/core/cidr";
import { AmiRecord, DEFAULT_AMIS, DEFAULT_HOSTED_ZONES, HostedZoneRecord, regionInfo, zoneIdOf, zonesOf } from "./catalog";
import { AUTONAME, physicalName, stableDigits, stableHex, stableUpper, stableUuid } from "./naming";

export interface WorldOptions {
  region: string;
  accountId: string;
  /** AMIs the lookup can return and instances may use. */
  amis?: readonly AmiRecord[];
  /** Hosted zones `route53:getZone` can find. */
  hostedZones?: readonly HostedZoneRecord[];
  /** Seed for every generated id and suffix; the stack name keeps runs of one stack reproducible. */
  seed: string;
}

interface Registered {
  type: string;
  name: string;
  urn: string;
  id: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

type Computer = (r: { name: string; urn: string; inputs: Record<string, unknown>; id: string }) => Record<string, unknown>;

/** Regional RDS hosted zone ids (for the endpoint's Route 53 alias). */
const RDS_ZONE_IDS: Record<string, string> = { "us-east-1": "Z2R2ITUGPM61AM", "eu-west-1": "Z29XKXDKYMONMX" };

/** The ELB account that writes access logs in regions opened before August 2022 (ELB user guide). */
export const ELB_LOG_ACCOUNTS: Record<string, string> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-2": "797873946194",
  "eu-west-1": "156460612806",
  "eu-central-1": "054676820928",
  "eu-west-2": "652711504416",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
};

/**
 * A pretend AWS account: answers resource creation with the computed outputs
 * AWS would return, and invokes with what the data sources would find.
 */
export class AwsWorld {
  readonly region: string;
  readonly accountId: string;
  readonly partition = "aws";
  readonly amis: readonly AmiRecord[];
  readonly hostedZones: readonly HostedZoneRecord[];
  private readonly seed: string;
  private readonly byId = new Map<string, Registered>();
  private readonly byArn = new Map<string, Registered>();
  private readonly nextHost = new Map<string, number>();
  private readonly registrations = new Map<string, number>();
  private readonly computers: Record<string, Computer>;
  private readonly regions = new Map<string, AwsWorld>();

  constructor(opts: WorldOptions) {
    regionInfo(opts.region);
    this.region = opts.region;
    this.accountId = opts.accountId;
    this.amis = opts.amis ?? DEFAULT_AMIS;
    this.hostedZones = opts.hostedZones ?? DEFAULT_HOSTED_ZONES;
    this.seed = opts.seed;
    this.computers = this.buildComputers();
  }

  /**
   * The same account as an explicit provider for another region sees it, for its invokes and the
   * resources it creates: the region, its zones, ARNs and endpoints change; the resources
   * registered are shared, so a reference across regions still resolves.
   */
  inRegion(region: string): AwsWorld {
    if (region === this.region) return this;
    const known = this.regions.get(region);
    if (known) return known;
    regionInfo(region);
    const view = Object.create(this, { region: { value: region } }) as AwsWorld;
    Object.defineProperty(view, "computers", { value: view.buildComputers() });
    this.regions.set(region, view);
    return view;
  }

  get zones(): string[] {
    return zonesOf(this.region);
  }

  arn(service: string, resource: string, opts: { region?: boolean; account?: boolean } = {}): string {
    const region = opts.region === false ? "" : this.region;
    const account = opts.account === false ? "" : this.accountId;
    return `arn:${this.partition}:${service}:${region}:${account}:${resource}`;
  }

  find(id: unknown): Registered | undefined {
    return typeof id === "string" ? this.byId.get(id) : undefined;
  }

  findArn(arn: unknown): Registered | undefined {
    return typeof arn === "string" ? this.byArn.get(arn) : undefined;
  }

  /** The resource of a type whose physical name is `name` (how a reference by name, not id, is followed). */
  findByName(type: string, name: unknown): Registered | undefined {
    if (typeof name !== "string") return undefined;
    for (const r of this.byId.values()) if (r.type === type && r.state["name"] === name) return r;
    return undefined;
  }

  /** Create a resource: its id and state (inputs plus computed outputs). */
  create(type: string, name: string, urn: string, inputs: Record<string, unknown>): { id: string; state: Record<string, unknown> } {
    // Ids depend only on the stack and the URN, so a second run of a changed program keeps every
    // unchanged resource's id (diffs compare like an update would); duplicates get a counter.
    const seen = this.registrations.get(urn) ?? 0;
    this.registrations.set(urn, seen + 1);
    const seed = `${this.seed}|${urn}|${seen}`;
    const named = physicalName(type, name, inputs, seed);
    const withName = { ...inputs };
    const compute = this.computers[type];
    const prefix = idPrefix(type);
    let id = prefix ? `${prefix}-0${stableHex(seed, 16)}` : `${name}-${stableHex(seed, 7)}`;
    if (named !== undefined) {
      withName[AUTONAME[type].prop] = named;
      if (!prefix) id = named;
    }
    const computed = compute ? compute({ name, urn, inputs: withName, id }) : { arn: this.arn(serviceOf(type), `${name}/${id}`) };
    if (typeof computed["id"] === "string") id = computed["id"];
    const state: Record<string, unknown> = { ...withName, ...computed };
    delete state["id"];
    const rec: Registered = { type, name, urn, id, inputs, state };
    this.byId.set(id, rec);
    // A topic policy answers with its topic's ARN (and a secret version with its secret's): the first owner keeps it.
    if (typeof state["arn"] === "string" && !this.byArn.has(state["arn"])) this.byArn.set(state["arn"], rec);
    return { id, state };
  }

  /** A private IP for a new interface in a subnet: AWS reserves the first four addresses. */
  private allocateIp(subnetId: unknown): string | undefined {
    const subnet = this.find(subnetId);
    const cidr = subnet?.state["cidrBlock"];
    const block = Cidr.parse(cidr, 4);
    if (typeof cidr !== "string" || !block) return undefined;
    const next = this.nextHost.get(cidr) ?? 4;
    this.nextHost.set(cidr, next + 1);
    return block.host(next);
  }

  private privateDns(ip: string): string {
    const host = `ip-${ip.replace(/\./g, "-")}`;
    return this.region === "us-east-1" ? `${host}.ec2.internal` : `${host}.${this.region}.compute.internal`;
  }

  private buildComputers(): Record<string, Computer> {
    const acct = this.accountId;
    const region = this.region;
    const arn = this.arn.bind(this);
    const h = (urn: string, n: number, salt = "") => stableHex(`${this.seed}|${urn}|${salt}`, n);
    const vpcOfSubnet = (subnetId: unknown) => this.find(subnetId)?.state["vpcId"];
    const azOfSubnet = (subnetId: unknown) => this.find(subnetId)?.state["availabilityZone"];

    return {
      "aws:ec2/vpc:Vpc": ({ id, inputs, urn }) => ({
        arn: arn("ec2", `vpc/${id}`),
        ownerId: acct,
        enableDnsSupport: inputs["enableDnsSupport"] ?? true,
        enableDnsHostnames: inputs["enableDnsHostnames"] ?? false,
        instanceTenancy: inputs["instanceTenancy"] ?? "default",
        mainRouteTableId: `rtb-0${h(urn, 16, "main")}`,
        defaultRouteTableId: `rtb-0${h(urn, 16, "main")}`,
        defaultSecurityGroupId: `sg-0${h(urn, 16, "sg")}`,
        defaultNetworkAclId: `acl-0${h(urn, 16, "acl")}`,
        ipv6CidrBlock: inputs["assignGeneratedIpv6CidrBlock"] ? `2600:1f18:${h(urn, 4, "v6")}:${h(urn, 2, "v6b")}00::/56` : "",
        ipv6AssociationId: inputs["assignGeneratedIpv6CidrBlock"] ? `vpc-cidr-assoc-0${h(urn, 16, "v6a")}` : "",
      }),
      "aws:ec2/subnet:Subnet": ({ id, inputs }) => {
        const az = (inputs["availabilityZone"] as string | undefined) ?? this.zones[0];
        return {
          arn: arn("ec2", `subnet/${id}`),
          ownerId: acct,
          availabilityZone: az,
          availabilityZoneId: this.zones.includes(az) ? zoneIdOf(region, az) : "",
          mapPublicIpOnLaunch: inputs["mapPublicIpOnLaunch"] ?? false,
          assignIpv6AddressOnCreation: inputs["assignIpv6AddressOnCreation"] ?? false,
        };
      },
      "aws:ec2/internetGateway:InternetGateway": ({ id }) => ({ arn: arn("ec2", `internet-gateway/${id}`), ownerId: acct }),
      "aws:ec2/eip:Eip": ({ id, urn }) => ({
        allocationId: id,
        arn: arn("ec2", `elastic-ip/${id}`),
        domain: "vpc",
        publicIp: `3.${parseInt(h(urn, 2, "a"), 16)}.${parseInt(h(urn, 2, "b"), 16)}.${parseInt(h(urn, 2, "c"), 16)}`,
        publicDns: "",
      }),
      "aws:ec2/natGateway:NatGateway": ({ inputs }) => {
        const eip = this.find(inputs["allocationId"]);
        return {
          connectivityType: inputs["connectivityType"] ?? "public",
          privateIp: this.allocateIp(inputs["subnetId"]),
          publicIp: eip?.state["publicIp"] ?? "",
          networkInterfaceId: `eni-0${stableHex(String(inputs["subnetId"]) + "nat", 16)}`,
        };
      },
      "aws:ec2/routeTable:RouteTable": ({ id }) => ({ arn: arn("ec2", `route-table/${id}`), ownerId: acct }),
      "aws:ec2/route:Route": ({ inputs, urn }) => ({
        id: `r-${String(inputs["routeTableId"])}${stableDigits(urn, 10)}`,
        origin: "CreateRoute",
        state: "active",
      }),
      "aws:ec2/routeTableAssociation:RouteTableAssociation": () => ({}),
      "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ({ id, inputs }) => {
        const vpc = this.find(inputs["vpcId"]);
        return {
          id: (vpc?.state["defaultSecurityGroupId"] as string | undefined) ?? id,
          arn: arn("ec2", `security-group/${(vpc?.state["defaultSecurityGroupId"] as string | undefined) ?? id}`),
          name: "default",
          ownerId: acct,
          ingress: inputs["ingress"] ?? [],
          egress: inputs["egress"] ?? [],
        };
      },
      "aws:ec2/securityGroup:SecurityGroup": ({ id, inputs }) => ({
        arn: arn("ec2", `security-group/${id}`),
        ownerId: acct,
        description: inputs["description"] ?? "Managed by Pulumi",
        ingress: inputs["ingress"] ?? [],
        egress: inputs["egress"] ?? [],
        revokeRulesOnDelete: inputs["revokeRulesOnDelete"] ?? false,
      }),
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ({ id }) => ({
        arn: arn("ec2", `security-group-rule/${id}`),
        securityGroupRuleId: id,
      }),
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ({ id }) => ({
        arn: arn("ec2", `security-group-rule/${id}`),
        securityGroupRuleId: id,
      }),
      "aws:ec2/flowLog:FlowLog": ({ id }) => ({ arn: arn("ec2", `vpc-flow-log/${id}`) }),
      "aws:cloudwatch/logGroup:LogGroup": ({ inputs }) => ({
        arn: arn("logs", `log-group:${String(inputs["name"])}`),
        logGroupClass: inputs["logGroupClass"] ?? "STANDARD",
        retentionInDays: inputs["retentionInDays"] ?? 0,
      }),
      "aws:iam/role:Role": ({ inputs, urn }) => ({
        arn: arn("iam", `role${String(inputs["path"] ?? "/")}${String(inputs["name"])}`, { region: false }),
        uniqueId: `AROA${stableUpper(urn, 17)}`,
        createDate: "2026-11-26T00:00:00Z",
        path: inputs["path"] ?? "/",
        maxSessionDuration: inputs["maxSessionDuration"] ?? 3600,
      }),
      "aws:iam/policy:Policy": ({ inputs, urn }) => ({
        arn: arn("iam", `policy${String(inputs["path"] ?? "/")}${String(inputs["name"])}`, { region: false }),
        policyId: `ANPA${stableUpper(urn, 17)}`,
        path: inputs["path"] ?? "/",
      }),
      "aws:iam/instanceProfile:InstanceProfile": ({ inputs, urn }) => ({
        arn: arn("iam", `instance-profile${String(inputs["path"] ?? "/")}${String(inputs["name"])}`, { region: false }),
        uniqueId: `AIPA${stableUpper(urn, 17)}`,
        path: inputs["path"] ?? "/",
      }),
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ({ inputs, urn }) => ({
        id: `${String(inputs["role"])}-${stableDigits(urn, 20)}`,
      }),
      "aws:iam/rolePolicy:RolePolicy": ({ inputs }) => ({ id: `${String(inputs["role"])}:${String(inputs["name"])}` }),
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ({ inputs }) => {
        const url = String(inputs["url"] ?? "").replace(/^https:\/\//, "");
        return { arn: arn("iam", `oidc-provider/${url}`, { region: false }) };
      },
      "aws:lb/loadBalancer:LoadBalancer": ({ inputs, urn }) => {
        const name = String(inputs["name"]);
        const hex = h(urn, 16, "lb");
        const internal = inputs["internal"] === true;
        const subnets = (inputs["subnets"] as unknown[] | undefined) ?? [];
        const mappings = (inputs["subnetMappings"] as { subnetId?: unknown }[] | undefined) ?? [];
        const firstSubnet = subnets[0] ?? mappings[0]?.subnetId;
        return {
          arn: arn("elasticloadbalancing", `loadbalancer/app/${name}/${hex}`),
          arnSuffix: `app/${name}/${hex}`,
          dnsName: `${internal ? "internal-" : ""}${name}-${stableDigits(urn, 10)}.${region}.elb.amazonaws.com`,
          zoneId: regionInfo(region).elbZoneId,
          vpcId: vpcOfSubnet(firstSubnet) ?? "",
          loadBalancerType: inputs["loadBalancerType"] ?? "application",
          internal,
          ipAddressType: inputs["ipAddressType"] ?? "ipv4",
          idleTimeout: inputs["idleTimeout"] ?? 60,
          dropInvalidHeaderFields: inputs["dropInvalidHeaderFields"] ?? false,
          enableDeletionProtection: inputs["enableDeletionProtection"] ?? false,
          desyncMitigationMode: inputs["desyncMitigationMode"] ?? "defensive",
          enableHttp2: inputs["enableHttp2"] ?? true,
        };
      },
      "aws:lb/targetGroup:TargetGroup": ({ inputs, urn }) => {
        const name = String(inputs["name"]);
        const hex = h(urn, 16, "tg");
        return {
          arn: arn("elasticloadbalancing", `targetgroup/${name}/${hex}`),
          arnSuffix: `targetgroup/${name}/${hex}`,
          targetType: inputs["targetType"] ?? "instance",
          deregistrationDelay: inputs["deregistrationDelay"] ?? 300,
          loadBalancingAlgorithmType: inputs["loadBalancingAlgorithmType"] ?? "round_robin",
          slowStart: inputs["slowStart"] ?? 0,
          loadBalancerArns: [],
        };
      },
      "aws:lb/listener:Listener": ({ inputs, urn }) => {
        const lb = this.findArn(inputs["loadBalancerArn"]);
        const suffix = String(lb?.state["arnSuffix"] ?? "app/unknown/0");
        return { arn: arn("elasticloadbalancing", `listener/${suffix}/${h(urn, 16, "ls")}`) };
      },
      "aws:lb/listenerRule:ListenerRule": ({ inputs, urn }) => ({
        arn: `${String(inputs["listenerArn"]).replace(":listener/", ":listener-rule/")}/${h(urn, 16, "lr")}`,
      }),
      "aws:lb/targetGroupAttachment:TargetGroupAttachment": ({ inputs, urn }) => ({
        id: `${String(inputs["targetGroupArn"])}-${stableDigits(urn, 20)}`,
      }),
      "aws:acm/certificate:Certificate": ({ inputs, urn }) => {
        const domains = [inputs["domainName"], ...((inputs["subjectAlternativeNames"] as unknown[] | undefined) ?? [])]
          .filter((d): d is string => typeof d === "string")
          .filter((d, i, all) => all.indexOf(d) === i);
        return {
          arn: arn("acm", `certificate/${stableUuid(urn)}`),
          status: "PENDING_VALIDATION",
          keyAlgorithm: inputs["keyAlgorithm"] ?? "RSA_2048",
          validationMethod: inputs["validationMethod"],
          domainValidationOptions: domains.map((domainName) => ({
            domainName,
            resourceRecordName: `_${stableHex(urn + domainName, 32)}.${domainName.replace(/^\*\./, "")}.`,
            resourceRecordType: "CNAME",
            resourceRecordValue: `_${stableHex(urn + domainName + "v", 32)}.${stableHex(urn + domainName + "w", 10)}.acm-validations.aws.`,
          })),
        };
      },
      "aws:acm/certificateValidation:CertificateValidation": ({ inputs }) => ({ id: String(inputs["certificateArn"]) }),
      "aws:route53/record:Record": ({ inputs }) => {
        const zone = this.hostedZones.find((z) => z.zoneId === inputs["zoneId"]);
        const name = String(inputs["name"]).replace(/\.$/, "");
        const fqdn = zone && !name.endsWith(zone.name) ? `${name}.${zone.name}` : name;
        return { id: `${String(inputs["zoneId"])}_${name}_${String(inputs["type"])}`, fqdn };
      },
      "aws:ec2/instance:Instance": ({ id, inputs }) => {
        const privateIp = (inputs["privateIp"] as string | undefined) ?? this.allocateIp(inputs["subnetId"]) ?? "";
        return {
          arn: arn("ec2", `instance/${id}`),
          availabilityZone: azOfSubnet(inputs["subnetId"]) ?? inputs["availabilityZone"] ?? this.zones[0],
          privateIp,
          privateDns: privateIp ? this.privateDns(privateIp) : "",
          publicIp: inputs["associatePublicIpAddress"] === true ? `54.${privateIp.split(".").slice(1).join(".")}` : "",
          primaryNetworkInterfaceId: `eni-0${stableHex(id, 16)}`,
          instanceState: "running",
          monitoring: inputs["monitoring"] ?? false,
          sourceDestCheck: inputs["sourceDestCheck"] ?? true,
          ebsOptimized: inputs["ebsOptimized"] ?? false,
        };
      },
      "aws:ec2/launchTemplate:LaunchTemplate": ({ id, inputs }) => ({
        // The first version of a new template is 1, and it is the default until defaultVersion says otherwise.
        arn: arn("ec2", `launch-template/${id}`),
        latestVersion: 1,
        defaultVersion: inputs["defaultVersion"] ?? 1,
      }),
      "aws:autoscaling/group:Group": ({ inputs, urn }) => {
        const name = String(inputs["name"]);
        const subnets = (inputs["vpcZoneIdentifiers"] as unknown[] | undefined) ?? [];
        const subnetZones = subnets.map(azOfSubnet).filter((z): z is string => typeof z === "string");
        // AWS answers a VPC group with the zones of its subnets (DescribeAutoScalingGroups AvailabilityZones).
        const zones = (inputs["availabilityZones"] as unknown[] | undefined) ?? [...new Set(subnetZones)].sort();
        const lt = inputs["launchTemplate"] as { id?: unknown; name?: unknown; version?: unknown } | undefined;
        const template = lt ? (this.find(lt.id) ?? this.findByName("aws:ec2/launchTemplate:LaunchTemplate", lt.name)) : undefined;
        const minSize = inputs["minSize"];
        return {
          id: name,
          arn: arn("autoscaling", `autoScalingGroup:${stableUuid(urn)}:autoScalingGroupName/${name}`),
          availabilityZones: zones,
          vpcZoneIdentifiers: subnets,
          // Without a desired capacity, CreateAutoScalingGroup starts at the minimum size.
          desiredCapacity: inputs["desiredCapacity"] ?? minSize,
          defaultCooldown: inputs["defaultCooldown"] ?? 300,
          healthCheckType: inputs["healthCheckType"] ?? "EC2",
          healthCheckGracePeriod: inputs["healthCheckGracePeriod"] ?? 300,
          targetGroupArns: inputs["targetGroupArns"] ?? [],
          loadBalancers: inputs["loadBalancers"] ?? [],
          // The group reports the template by id and name, and $Default when no version was given.
          ...(lt && template
            ? { launchTemplate: { id: template.id, name: template.state["name"], version: lt.version ?? "$Default" } }
            : {}),
          serviceLinkedRoleArn:
            inputs["serviceLinkedRoleArn"] ??
            arn("iam", "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", { region: false }),
          predictedCapacity: 0,
          warmPoolSize: 0,
        };
      },
      "aws:autoscaling/policy:Policy": ({ inputs, urn }) => {
        const name = String(inputs["name"]);
        const group = String(inputs["autoscalingGroupName"]);
        return {
          id: name,
          arn: arn("autoscaling", `scalingPolicy:${stableUuid(urn)}:autoScalingGroupName/${group}:policyName/${name}`),
          policyType: inputs["policyType"] ?? "SimpleScaling",
          enabled: inputs["enabled"] ?? true,
        };
      },
      "aws:cloudwatch/eventRule:EventRule": ({ inputs }) => {
        const name = String(inputs["name"]);
        // A bus given by ARN is named by its last segment; rules of the default bus have no bus in their ARN or id.
        const bus = String(inputs["eventBusName"] ?? "default").replace(/^arn:.*:event-bus\//, "");
        const onDefault = bus === "default";
        return {
          id: onDefault ? name : `${bus}/${name}`,
          arn: arn("events", `rule/${onDefault ? "" : `${bus}/`}${name}`),
          eventBusName: inputs["eventBusName"] ?? "default",
          state: inputs["state"] ?? (inputs["isEnabled"] === false ? "DISABLED" : "ENABLED"),
        };
      },
      "aws:cloudwatch/eventTarget:EventTarget": ({ inputs }) => {
        const bus = String(inputs["eventBusName"] ?? "default");
        const parts = [...(bus === "default" ? [] : [bus]), String(inputs["rule"]), String(inputs["targetId"])];
        return { id: parts.join("-"), eventBusName: bus };
      },
      "aws:rds/subnetGroup:SubnetGroup": ({ inputs }) => {
        const ids = (inputs["subnetIds"] as unknown[] | undefined) ?? [];
        return {
          arn: arn("rds", `subgrp:${String(inputs["name"])}`),
          vpcId: vpcOfSubnet(ids[0]) ?? "",
          supportedNetworkTypes: ["IPV4"],
        };
      },
      "aws:rds/parameterGroup:ParameterGroup": ({ inputs }) => ({ arn: arn("rds", `pg:${String(inputs["name"])}`) }),
      "aws:rds/optionGroup:OptionGroup": ({ inputs }) => ({ id: String(inputs["name"]), arn: arn("rds", `og:${String(inputs["name"])}`) }),
      "aws:rds/instance:Instance": ({ inputs, urn }) => {
        const identifier = String(inputs["identifier"]);
        const source = this.find(inputs["replicateSourceDb"]) ?? this.findArn(inputs["replicateSourceDb"]);
        const inherited = source ? source.state : {};
        const engine = inputs["engine"] ?? inherited["engine"];
        const port = inputs["port"] ?? inherited["port"] ?? (engine === "postgres" ? 5432 : 3306);
        const address = `${identifier}.${stableHex(`${acct}${region}`, 12)}.${region}.rds.amazonaws.com`;
        const multiAz = inputs["multiAz"] === true;
        const zones = this.zones;
        const az = (inputs["availabilityZone"] as string | undefined) ?? zones[parseInt(h(urn, 2, "az"), 16) % 2];
        return {
          id: identifier,
          identifier,
          arn: arn("rds", `db:${identifier}`),
          resourceId: `db-${stableUpper(urn, 26)}`,
          address,
          endpoint: `${address}:${String(port)}`,
          port,
          hostedZoneId: RDS_ZONE_IDS[region] ?? "Z2R2ITUGPM61AM",
          engine,
          engineVersion: inputs["engineVersion"] ?? inherited["engineVersion"],
          engineVersionActual: inputs["engineVersion"] ?? inherited["engineVersion"],
          availabilityZone: az,
          multiAz,
          storageType: inputs["storageType"] ?? inherited["storageType"] ?? "gp2",
          storageEncrypted: inputs["storageEncrypted"] ?? inherited["storageEncrypted"] ?? false,
          kmsKeyId: inputs["storageEncrypted"] || inherited["storageEncrypted"] ? arn("kms", `key/${stableUuid(`${acct}rds`)}`) : "",
          backupRetentionPeriod: inputs["backupRetentionPeriod"] ?? (source ? 0 : 1),
          status: "available",
          username: source ? inherited["username"] : inputs["username"],
          dbSubnetGroupName: inputs["dbSubnetGroupName"] ?? inherited["dbSubnetGroupName"],
          masterUserSecrets: inputs["manageMasterUserPassword"]
            ? [{ secretArn: arn("secretsmanager", `secret:rds!db-${stableUuid(urn)}-${stableHex(urn, 6)}`), secretStatus: "active" }]
            : [],
          replicas: [],
        };
      },
      "aws:s3/bucket:Bucket": ({ inputs }) => {
        const bucket = String(inputs["bucket"]);
        return {
          arn: `arn:aws:s3:::${bucket}`,
          bucketDomainName: `${bucket}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
          region,
          hostedZoneId: "Z3AQBSTGFYJSTF",
          id: bucket,
        };
      },
      ...Object.fromEntries(
        [
          "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
          "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
          "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
          "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
          "aws:s3/bucketPolicy:BucketPolicy",
          "aws:s3/bucketVersioning:BucketVersioning",
        ].map((t): [string, Computer] => [t, ({ inputs }) => ({ id: String(inputs["bucket"]) })]),
      ),
      "aws:kms/key:Key": ({ urn }) => {
        const keyId = stableUuid(urn);
        return { id: keyId, keyId, arn: arn("kms", `key/${keyId}`) };
      },
      "aws:kms/alias:Alias": ({ inputs }) => ({
        arn: arn("kms", String(inputs["name"])),
        targetKeyArn: this.find(inputs["targetKeyId"])?.state["arn"],
      }),
      "aws:sns/topic:Topic": ({ inputs }) => {
        const a = arn("sns", String(inputs["name"]));
        return { id: a, arn: a, owner: acct };
      },
      "aws:sns/topicPolicy:TopicPolicy": ({ inputs }) => ({ id: String(inputs["arn"]), owner: acct }),
      "aws:sns/topicSubscription:TopicSubscription": ({ inputs, urn }) => {
        const a = `${String(inputs["topic"])}:${stableUuid(urn)}`;
        return { id: a, arn: a, pendingConfirmation: inputs["protocol"] === "email" };
      },
      "aws:cloudwatch/metricAlarm:MetricAlarm": ({ inputs }) => ({
        id: String(inputs["name"]),
        arn: arn("cloudwatch", `alarm:${String(inputs["name"])}`),
      }),
      "aws:cloudwatch/dashboard:Dashboard": ({ inputs }) => ({
        id: String(inputs["dashboardName"]),
        dashboardArn: arn("cloudwatch", `dashboard/${String(inputs["dashboardName"])}`, { region: false }),
      }),
      "aws:secretsmanager/secret:Secret": ({ inputs, urn }) => {
        const a = arn("secretsmanager", `secret:${String(inputs["name"])}-${stableHex(urn, 6)}`);
        return { id: a, arn: a };
      },
      "aws:secretsmanager/secretVersion:SecretVersion": ({ inputs, urn }) => ({
        id: `${String(inputs["secretId"])}|${stableUuid(urn)}`,
        arn: inputs["secretId"],
        versionId: stableUuid(urn),
        versionStages: ["AWSCURRENT"],
      }),
      "aws:ssm/parameter:Parameter": ({ inputs }) => {
        const name = String(inputs["name"]);
        return {
          id: name,
          arn: arn("ssm", `parameter${name.startsWith("/") ? "" : "/"}${name}`),
          tier: inputs["tier"] ?? "Standard",
          version: 1,
        };
      },
      "aws:wafv2/webAcl:WebAcl": ({ inputs, urn }) => {
        const id = stableUuid(urn);
        return { id, arn: arn("wafv2", `regional/webacl/${String(inputs["name"])}/${id}`), capacity: 1200 };
      },
      "aws:wafv2/webAclAssociation:WebAclAssociation": ({ inputs }) => ({
        id: `${String(inputs["webAclArn"])},${String(inputs["resourceArn"])}`,
      }),
      "random:index/randomPassword:RandomPassword": ({ inputs, urn }) => ({ id: "none", result: randomPassword(inputs, urn) }),
      "random:index/randomId:RandomId": ({ inputs, urn }) => {
        const hex = stableHex(urn, Number(inputs["byteLength"] ?? 8) * 2);
        return {
          id: Buffer.from(hex, "hex").toString("base64url"),
          hex,
          b64Url: Buffer.from(hex, "hex").toString("base64url"),
          b64Std: Buffer.from(hex, "hex").toString("base64"),
          dec: BigInt(`0x${hex}`).toString(),
        };
      },
      "random:index/randomString:RandomString": ({ inputs, urn }) => ({ id: "none", result: randomPassword(inputs, urn) }),
      "random:index/randomPet:RandomPet": ({ urn }) => ({ id: `pet-${stableHex(urn, 6)}` }),
    };
  }
}

/** What `random.RandomPassword` would produce for these inputs, from a stable seed. */
function randomPassword(inputs: Record<string, unknown>, urn: string): string {
  const length = Number(inputs["length"] ?? 16);
  const upper = inputs["upper"] !== false ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "";
  const lower = inputs["lower"] !== false ? "abcdefghijklmnopqrstuvwxyz" : "";
  const numeric = inputs["numeric"] !== false && inputs["number"] !== false ? "0123456789" : "";
  const special =
    inputs["special"] !== false
      ? typeof inputs["overrideSpecial"] === "string"
        ? inputs["overrideSpecial"]
        : "!@#$%&*()-_=+[]{}<>:?"
      : "";
  const all = upper + lower + numeric + special;
  const hex = stableHex(`pw|${urn}`, length * 8);
  let k = 0;
  const pick = (set: string) => {
    const c = set[parseInt(hex.slice(k, k + 4), 16) % set.length];
    k += 4;
    return c;
  };
  // The provider honours the min* counts first, then fills from every enabled set.
  let out = "";
  for (const [count, set] of [
    [inputs["minUpper"], upper],
    [inputs["minLower"], lower],
    [inputs["minNumeric"], numeric],
    [inputs["minSpecial"], special],
  ] as const) {
    for (let i = 0; set && i < Number(count ?? 0); i++) out += pick(set);
  }
  while (out.length < length) out += pick(all);
  return out.slice(0, length);
}

/** The id prefix AWS uses for the type (`vpc-`, `subnet-`…), or undefined when the id is the name. */
function idPrefix(type: string): string | undefined {
  return (
    {
      "aws:ec2/vpc:Vpc": "vpc",
      "aws:ec2/subnet:Subnet": "subnet",
      "aws:ec2/internetGateway:InternetGateway": "igw",
      "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw",
      "aws:ec2/eip:Eip": "eipalloc",
      "aws:ec2/natGateway:NatGateway": "nat",
      "aws:ec2/routeTable:RouteTable": "rtb",
      "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
      "aws:ec2/securityGroup:SecurityGroup": "sg",
      "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
      "aws:ec2/flowLog:FlowLog": "fl",
      "aws:ec2/instance:Instance": "i",
      "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
      "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    } as Record<string, string>
  )[type];
}

function serviceOf(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "unknown";
}
