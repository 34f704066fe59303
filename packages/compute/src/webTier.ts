import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Connections, Problems, withName } from "@web-infra/core";
import { al2023NamePattern, architectureOf } from "./instanceTypes";
import { HEALTH_CHECK_PATH, renderUserData, unsafePageParameters } from "./userData";

/** The TLS policy every HTTPS listener uses: TLS 1.3 + 1.2 with post-quantum key exchange; passes Security Hub ELB.17. */
export const SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/**
 * Health check timings: a dead server leaves rotation after interval ×
 * unhealthy threshold = 10 s, the ALB's floor (AWS default ~60 s, provider
 * default ~90 s); a new one joins after 2 passing checks.
 */
export const HEALTH_CHECK = {
  path: HEALTH_CHECK_PATH,
  matcher: "200",
  interval: 5,
  timeout: 4,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;

/** Seconds a deregistering server keeps finishing in-flight requests (AWS default 300 slows every deploy). */
export const DEREGISTRATION_DELAY = 30;

/** Managed policy that lets Session Manager reach the instance: the only admin path (no SSH, no key pair). */
export const SSM_CORE_POLICY = "AmazonSSMManagedInstanceCore";

/**
 * ELB's log-writing account in each region opened before August 2022 (ELB user guide,
 * "Enable access logs": Step 2). Newer regions use the log delivery service principal.
 */
const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-south-1": "718504428378",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "ap-northeast-3": "383597477331",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-southeast-3": "589379963580",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-south-1": "635631232127",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
};

/**
 * HTTPS, one switch: either a domain in a Route 53 public zone (a DNS-validated
 * ACM certificate and an alias record are created), or an existing certificate.
 */
export interface TlsArgs {
  /**
   * Domain served, e.g. `www.example.com`; needs `hostedZoneId`.
   *
   * @default - none: `certificateArn` must be given instead
   */
  readonly domainName?: string;
  /**
   * Public Route 53 zone that holds `domainName`: validation and alias records go there.
   *
   * @default - none
   */
  readonly hostedZoneId?: string;
  /**
   * ARN of an existing ACM certificate in the load balancer's region, instead of `domainName`. Checked
   * against `aws:region` unless the component is given a provider.
   *
   * @default - none: `domainName` and `hostedZoneId` must be given instead
   */
  readonly certificateArn?: string;
}

export interface AccessLogArgs {
  /**
   * Write ALB access logs to an S3 bucket created for them (Security Hub ELB.5).
   *
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Days before a log object expires.
   *
   * @default 90
   */
  readonly retentionInDays?: number;
  /**
   * Let `pulumi destroy` delete the bucket with its logs.
   *
   * @default false
   */
  readonly forceDestroy?: boolean;
}

export interface WebTierArgs {
  /** VPC the subnets belong to. */
  readonly vpcId: pulumi.Input<string>;
  /** Public subnets for the load balancer, one per AZ, at least 2. */
  readonly publicSubnetIds: pulumi.Input<string>[];
  /** Private subnets for the web servers, ordered by AZ; servers are spread over them in order. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** HTTPS: a domain in a hosted zone, or an existing certificate. Exactly one. */
  readonly tls: TlsArgs;
  /**
   * Web servers, spread one per AZ in order. At least 2: the seed's active-active pair.
   *
   * @default 2
   */
  readonly webServerCount?: number;
  /**
   * EC2 instance type; its family sets the AMI architecture (t4g/m7g arm64, t3/m6i x86_64).
   *
   * @default "t4g.micro"
   */
  readonly instanceType?: string;
  /**
   * Pin an AMI id instead of looking up the newest Amazon Linux 2023 for the architecture; its
   * architecture is looked up and checked against the instance type's.
   *
   * @default - the newest Amazon Linux 2023 image for the instance type's architecture
   */
  readonly amiId?: string;
  /**
   * Servers (by index) that may pick up a new AMI or user data in this update.
   * All others ignore those changes, so a newly published image never replaces
   * every server at once. At most half the servers, rounded down.
   *
   * @default [] - no server changes image or user data
   */
  readonly rollServers?: readonly number[];
  /**
   * Port nginx listens on and the target group forwards to; 1–65535, not 443 (TLS ends at the load balancer).
   *
   * @default 8080
   */
  readonly appPort?: number;
  /**
   * Dual-stack load balancer: listeners also open to `::/0`, and an AAAA alias. Needs public subnets with IPv6.
   *
   * @default false
   */
  readonly enableIpv6?: boolean;
  /**
   * ALB deletion protection (Security Hub ELB.6). Turn off only where stacks are destroyed often.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * ALB access logs.
   *
   * @default - enabled, kept 90 days
   */
  readonly accessLogs?: AccessLogArgs;
  /**
   * Seconds an idle connection stays open (1–4000).
   *
   * @default 60
   */
  readonly idleTimeout?: number;
  /**
   * How the ALB treats requests that could cause HTTP desync (Security Hub ELB.12).
   *
   * @default "defensive"
   */
  readonly desyncMitigationMode?: "defensive" | "strictest";
  /**
   * A WAFv2 web ACL on the load balancer with the AWS managed common rule set and
   * known-bad-inputs (Security Hub ELB.16 / CKV2_AWS_28). Costs $5/month plus requests.
   *
   * @default true
   */
  readonly waf?: boolean;
  /**
   * One-minute EC2 metrics (CKV_AWS_126).
   *
   * @default true
   */
  readonly detailedMonitoring?: boolean;
  /**
   * Size of each server's encrypted gp3 root volume, 8–16384 GiB (Amazon Linux 2023 needs 8).
   *
   * @default 20
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Facts the default page shows, read at boot from SSM parameters: label → parameter name.
   * Names only: the values never pass through user data.
   *
   * @default - instance id and AZ only
   */
  readonly pageParameters?: Readonly<Record<string, string>>;
  /**
   * The boot script, instead of the built-in nginx page: e.g. two lines that start an app baked
   * into `amiId`, listening on `appPort` with its own `/healthz` (see "Shipping your app" in the
   * README). At most 16 KiB, EC2's limit. No secret: anyone who may describe the instance reads it.
   *
   * @default - nginx serving the page and `/healthz` (renderUserData)
   */
  readonly userData?: string;
  /**
   * Tags for every resource; each also gets a `Name`.
   *
   * @default - no extra tags
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

interface Resolved {
  webServerCount: number;
  instanceType: string;
  architecture: "x86_64" | "arm64";
  amiId?: string;
  rollServers: readonly number[];
  appPort: number;
  enableIpv6: boolean;
  deletionProtection: boolean;
  accessLogs: { enabled: boolean; retentionInDays: number; forceDestroy: boolean };
  idleTimeout: number;
  desyncMitigationMode: "defensive" | "strictest";
  detailedMonitoring: boolean;
  waf: boolean;
  rootVolumeSizeGiB: number;
  tls: { kind: "domain"; domainName: string; hostedZoneId: string } | { kind: "certificate"; certificateArn: string };
}

const DOMAIN = /^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/;
const CERT_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/**
 * Apply defaults and check every argument, throwing all problems at once before anything is created.
 * `region` is where the load balancer goes, for the certificate check; undefined skips that check.
 */
export function resolveWebTierArgs(name: string, args: WebTierArgs, region: string | undefined): Resolved {
  const p = new Problems(`web-infra:compute:WebTier "${name}"`);
  const webServerCount = args.webServerCount ?? 2;
  const instanceType = args.instanceType ?? "t4g.micro";
  const architecture = architectureOf(instanceType);
  const rollServers = args.rollServers ?? [];
  const accessLogs = args.accessLogs ?? {};

  p.check(
    Number.isInteger(webServerCount) && webServerCount >= 2 && webServerCount <= 20,
    "webServerCount",
    "must be an integer from 2 to 20: at least 2 for active-active",
    webServerCount,
    "Set webServerCount to 2 or more.",
  );
  p.check(
    architecture !== undefined,
    "instanceType",
    "must be a known instance type (families t4g, m6g, m7g, m8g, c6g, c7g, r6g, r7g, t3, t3a, m5, m6i, m6a, m7i, c6i, c7i, r6i)",
    instanceType,
    'Use e.g. "t4g.small" (arm64) or "t3.small" (x86_64).',
  );
  if (args.amiId !== undefined)
    p.check(
      /^ami-[0-9a-f]{8,17}$/.test(args.amiId),
      "amiId",
      "must look like ami-0123456789abcdef0",
      args.amiId,
      "Copy the id from `aws ec2 describe-images`, or leave it unset.",
    );
  p.check(
    args.publicSubnetIds.length >= 2,
    "publicSubnetIds",
    "must list at least 2 subnets (an ALB needs 2 AZs)",
    args.publicSubnetIds.length,
    "Pass one public subnet per AZ, e.g. network.publicSubnets.map((s) => s.id).",
  );
  p.check(
    args.privateSubnetIds.length >= 2,
    "privateSubnetIds",
    "must list at least 2 subnets to spread servers over AZs",
    args.privateSubnetIds.length,
    "Pass one private subnet per AZ, e.g. network.privateSubnets.map((s) => s.id).",
  );
  const appPort = args.appPort ?? 8080;
  p.integer("appPort", appPort, 1, 65535, "Use e.g. 8080.");
  p.check(appPort !== 443, "appPort", "must not be 443: TLS ends at the load balancer and servers speak HTTP", appPort, "Use 8080.");
  const idleTimeout = args.idleTimeout ?? 60;
  p.integer("idleTimeout", idleTimeout, 1, 4000, "The ALB accepts 1–4000 seconds.");
  const rootVolumeSizeGiB = args.rootVolumeSizeGiB ?? 20;
  p.integer("rootVolumeSizeGiB", rootVolumeSizeGiB, 8, 16384, "Amazon Linux 2023 needs 8 GiB; gp3 allows up to 16384.");
  const retention = accessLogs.retentionInDays ?? 90;
  p.integer("accessLogs.retentionInDays", retention, 1, 3650, "Use e.g. 90.");
  p.oneOf("desyncMitigationMode", args.desyncMitigationMode, ["defensive", "strictest"] as const, "ELB.12 accepts only these.");
  const unsafe = unsafePageParameters(args.pageParameters);
  p.check(
    unsafe.length === 0,
    "pageParameters",
    "must use only letters, digits, spaces and . _ / : - in labels and parameter names: both are written into the boot script",
    Object.fromEntries(unsafe.map((label) => [label, args.pageParameters?.[label]])),
    "Rename those labels or SSM parameters; the values are read at boot and may hold anything.",
  );
  if (args.userData !== undefined) {
    // EC2 RunInstances: "User data is limited to 16 KB, in raw form, before it is base64-encoded".
    const bytes = Buffer.byteLength(args.userData, "utf8");
    p.check(
      bytes > 0 && bytes <= 16_384,
      "userData",
      "must be 1 byte to 16 KiB (EC2's limit)",
      bytes,
      "Move what the script installs into the image (amiId).",
    );
    p.check(
      args.pageParameters === undefined,
      "pageParameters",
      "only applies to the built-in page, and userData replaces it",
      args.pageParameters,
      "Drop pageParameters, or drop userData to keep the page.",
    );
  }
  const maxRoll = Math.floor(webServerCount / 2);
  p.check(
    rollServers.every((i) => Number.isInteger(i) && i >= 0 && i < webServerCount) && new Set(rollServers).size === rollServers.length,
    "rollServers",
    `must list distinct server indexes from 0 to ${webServerCount - 1}`,
    rollServers,
    "Name each server to roll once, by its index.",
  );
  p.check(
    rollServers.length <= maxRoll,
    "rollServers",
    `must roll at most ${maxRoll} of ${webServerCount} servers at once, so the rest keep serving`,
    rollServers,
    "Roll the others in a later update.",
  );

  const tls = args.tls ?? {};
  let resolvedTls: Resolved["tls"] | undefined;
  const hasDomain = tls.domainName !== undefined || tls.hostedZoneId !== undefined;
  if (hasDomain && tls.certificateArn !== undefined) {
    p.add("tls", "must set either domainName + hostedZoneId or certificateArn, not both", {
      got: tls,
      fix: "Keep domainName + hostedZoneId to have a certificate created, or certificateArn to use yours.",
    });
  } else if (!hasDomain && tls.certificateArn === undefined) {
    p.add("tls", "must set domainName + hostedZoneId or certificateArn: HTTPS is not optional", {
      got: tls,
      fix: "Set domainName + hostedZoneId (a DNS-validated certificate is created) or certificateArn.",
    });
  } else if (tls.certificateArn !== undefined) {
    const m = CERT_ARN.exec(tls.certificateArn);
    p.check(
      m !== null,
      "tls.certificateArn",
      "must be an ACM certificate ARN",
      tls.certificateArn,
      "Copy it from `aws acm list-certificates`.",
    );
    if (m && region)
      p.check(
        m[1] === region,
        "tls.certificateArn",
        `must be in the stack's region ${region}: an ALB uses certificates of its own region`,
        tls.certificateArn,
        `Request or import the certificate in ${region}.`,
      );
    resolvedTls = { kind: "certificate", certificateArn: tls.certificateArn };
  } else {
    p.check(
      typeof tls.domainName === "string" && DOMAIN.test(tls.domainName),
      "tls.domainName",
      "must be a lower-case DNS name such as www.example.com",
      tls.domainName,
      "Give the bare host name, without scheme, port or path.",
    );
    p.check(
      typeof tls.hostedZoneId === "string" && /^Z[A-Z0-9]{1,31}$/.test(tls.hostedZoneId),
      "tls.hostedZoneId",
      "must be a Route 53 zone id such as Z0123456789ABCDEFGHIJ",
      tls.hostedZoneId,
      "Copy it from `aws route53 list-hosted-zones` (without the /hostedzone/ prefix).",
    );
    resolvedTls = { kind: "domain", domainName: tls.domainName ?? "", hostedZoneId: tls.hostedZoneId ?? "" };
  }
  p.throwIfAny();

  return {
    webServerCount,
    instanceType,
    architecture: architecture as "x86_64" | "arm64",
    amiId: args.amiId,
    rollServers,
    appPort,
    enableIpv6: args.enableIpv6 ?? false,
    deletionProtection: args.deletionProtection ?? true,
    accessLogs: { enabled: accessLogs.enabled ?? true, retentionInDays: retention, forceDestroy: accessLogs.forceDestroy ?? false },
    idleTimeout,
    desyncMitigationMode: args.desyncMitigationMode ?? "defensive",
    detailedMonitoring: args.detailedMonitoring ?? true,
    waf: args.waf ?? true,
    rootVolumeSizeGiB,
    tls: resolvedTls as Resolved["tls"],
  };
}

/**
 * The seed's web tier: an internet-facing Application Load Balancer doing
 * round-robin over `webServerCount` EC2 web servers spread across AZs
 * (active-active), HTTPS with an 80→443 redirect, and security groups as intent:
 * the world reaches only the ALB on 80/443, servers accept the app port only
 * from the ALB, and servers reach out only on 443.
 *
 * Admin access is SSM Session Manager only: no key pair, no port 22, no public IP.
 */
export class WebTier extends pulumi.ComponentResource {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  public readonly targetGroup: aws.lb.TargetGroup;
  public readonly instances: aws.ec2.Instance[];
  /** The load balancer's group: ingress from the internet on 80/443. */
  public readonly albConnections: Connections;
  /** The servers' group: use `connections.allowTo(db, 3306, …)` to let servers reach a database. */
  public readonly connections: Connections;
  /** Role of the servers' instance profile; other components may grant it exact permissions. */
  public readonly serverRole: aws.iam.Role;
  public readonly url: pulumi.Output<string>;
  public readonly albDnsName: pulumi.Output<string>;
  public readonly albZoneId: pulumi.Output<string>;
  public readonly albArnSuffix: pulumi.Output<string>;
  public readonly targetGroupArn: pulumi.Output<string>;
  public readonly targetGroupArnSuffix: pulumi.Output<string>;
  public readonly instanceIds: pulumi.Output<string[]>;
  public readonly albSecurityGroupId: pulumi.Output<string>;
  public readonly webSecurityGroupId: pulumi.Output<string>;
  public readonly accessLogBucket?: aws.s3.Bucket;
  public readonly webAcl?: aws.wafv2.WebAcl;

  constructor(name: string, args: WebTierArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Only the default provider's region is known before deployment; an explicit provider's is checked by the listener
    // at creation. A provider inherited from a parent component is not visible here: pass it in opts to skip this check.
    const cfg = resolveWebTierArgs(name, args, opts.provider || opts.providers ? undefined : aws.config.region);
    super("web-infra:compute:WebTier", name, {}, opts);
    const parent = { parent: this };
    const tags = args.tags;
    const region = aws.getRegionOutput({}, parent).region;

    const albSg = new aws.ec2.SecurityGroup(
      `${name}-alb`,
      {
        vpcId: args.vpcId,
        description: `Load balancer of ${name}: HTTPS and the HTTP redirect from the internet`,
        tags: withName(tags, `${name}-alb`),
      },
      parent,
    );
    const webSg = new aws.ec2.SecurityGroup(
      `${name}-servers`,
      {
        vpcId: args.vpcId,
        description: `Web servers of ${name}: the app port from the load balancer only`,
        tags: withName(tags, `${name}-servers`),
      },
      parent,
    );
    this.albConnections = new Connections(`${name}-alb`, albSg.id, this);
    this.connections = new Connections(`${name}-servers`, webSg.id, this);
    this.albConnections.allowFromInternet(443, "HTTPS from the internet", cfg.enableIpv6);
    this.albConnections.allowFromInternet(80, "HTTP from the internet, redirected to HTTPS", cfg.enableIpv6);
    this.connections.allowFrom(this.albConnections, cfg.appPort, "App port from the load balancer");
    this.connections.allowToInternet(443, "HTTPS out through NAT: SSM Session Manager and package repositories");
    this.albSecurityGroupId = albSg.id;
    this.webSecurityGroupId = webSg.id;

    const logBucket = cfg.accessLogs.enabled ? this.accessLogs(name, cfg.accessLogs, region, tags) : undefined;
    this.accessLogBucket = logBucket?.bucket;

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        ipAddressType: cfg.enableIpv6 ? "dualstack" : "ipv4",
        subnets: args.publicSubnetIds,
        securityGroups: [albSg.id],
        dropInvalidHeaderFields: true,
        desyncMitigationMode: cfg.desyncMitigationMode,
        idleTimeout: cfg.idleTimeout,
        enableDeletionProtection: cfg.deletionProtection,
        enableHttp2: true,
        accessLogs: logBucket ? { bucket: logBucket.bucket.bucket, prefix: "alb", enabled: true } : undefined,
        tags: withName(tags, `${name}-alb`),
      },
      // The ALB writes a test object when logging is turned on, so the bucket policy must exist first.
      { ...parent, dependsOn: logBucket ? logBucket.ready : [] },
    );

    if (cfg.waf) this.webAcl = this.firewall(name, tags);

    this.targetGroup = new aws.lb.TargetGroup(
      `${name}-app`,
      {
        vpcId: args.vpcId,
        targetType: "instance",
        protocol: "HTTP",
        port: cfg.appPort,
        // The seed's algorithm; set explicitly so it cannot drift with a default.
        loadBalancingAlgorithmType: "round_robin",
        deregistrationDelay: DEREGISTRATION_DELAY,
        stickiness: { enabled: false, type: "lb_cookie" },
        healthCheck: { enabled: true, protocol: "HTTP", port: "traffic-port", ...HEALTH_CHECK },
        tags: withName(tags, `${name}-app`),
      },
      parent,
    );

    const certificateArn =
      cfg.tls.kind === "certificate" ? pulumi.output(cfg.tls.certificateArn) : this.certificate(name, cfg.tls, cfg.enableIpv6, tags);

    new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: SSL_POLICY,
        certificateArn,
        defaultActions: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        tags: withName(tags, `${name}-https`),
      },
      parent,
    );
    new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        tags: withName(tags, `${name}-http`),
      },
      parent,
    );

    this.serverRole = new aws.iam.Role(
      `${name}-server`,
      {
        description: `Web servers of ${name}`,
        assumeRolePolicy: aws.iam.getPolicyDocumentOutput(
          { statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }] },
          parent,
        ).json,
        tags: withName(tags, `${name}-server`),
      },
      parent,
    );
    const partition = aws.getPartitionOutput({}, parent).partition;
    new aws.iam.RolePolicyAttachment(
      `${name}-server-ssm`,
      { role: this.serverRole.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${SSM_CORE_POLICY}` },
      parent,
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-server`,
      { role: this.serverRole.name, tags: withName(tags, `${name}-server`) },
      parent,
    );

    // A pinned image is looked up too: its architecture must match the instance type's, or the launch fails.
    const image = aws.ec2.getAmiOutput(
      cfg.amiId
        ? { mostRecent: true, filters: [{ name: "image-id", values: [cfg.amiId] }] }
        : {
            owners: ["amazon"],
            mostRecent: true,
            filters: [
              { name: "name", values: [al2023NamePattern(cfg.architecture)] },
              { name: "architecture", values: [cfg.architecture] },
              { name: "virtualization-type", values: ["hvm"] },
            ],
          },
      parent,
    );
    const amiId = pulumi.all([image.id, image.architecture]).apply(([id, arch]) => {
      if (arch !== cfg.architecture) {
        throw new Error(
          `web-infra:compute:WebTier "${name}": amiId ${id} is ${arch} but instanceType ${cfg.instanceType} is ${cfg.architecture}; pin an ${cfg.architecture} image or change the instance type`,
        );
      }
      return id;
    });
    const userData =
      args.userData !== undefined
        ? pulumi.output(args.userData)
        : region.apply((r) => renderUserData({ appPort: cfg.appPort, parameters: args.pageParameters, region: r }));

    this.instances = [...Array(cfg.webServerCount).keys()].map((i) => {
      const subnetId = args.privateSubnetIds[i % args.privateSubnetIds.length];
      const instance = new aws.ec2.Instance(
        `${name}-server-${i}`,
        {
          ami: amiId,
          instanceType: cfg.instanceType,
          subnetId,
          vpcSecurityGroupIds: [webSg.id],
          iamInstanceProfile: profile.name,
          associatePublicIpAddress: false,
          metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
            instanceMetadataTags: "disabled",
          },
          rootBlockDevice: { volumeType: "gp3", volumeSize: cfg.rootVolumeSizeGiB, encrypted: true, deleteOnTermination: true },
          monitoring: cfg.detailedMonitoring,
          ebsOptimized: true,
          userData,
          // A changed boot script only runs on a new instance, so apply it by replacement, one server at a time (rollServers).
          userDataReplaceOnChange: true,
          tags: withName(tags, `${name}-server-${i}`),
        },
        // Every server outside rollServers ignores a new image or boot script: one `pulumi up` never replaces them all.
        { ...parent, ignoreChanges: cfg.rollServers.includes(i) ? [] : ["ami", "userData"] },
      );
      new aws.lb.TargetGroupAttachment(
        `${name}-server-${i}`,
        { targetGroupArn: this.targetGroup.arn, targetId: instance.id, port: cfg.appPort },
        parent,
      );
      return instance;
    });

    this.albDnsName = this.loadBalancer.dnsName;
    this.albZoneId = this.loadBalancer.zoneId;
    this.albArnSuffix = this.loadBalancer.arnSuffix;
    this.targetGroupArn = this.targetGroup.arn;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
    this.instanceIds = pulumi.all(this.instances.map((i) => i.id));
    this.url =
      cfg.tls.kind === "domain" ? pulumi.output(`https://${cfg.tls.domainName}`) : pulumi.interpolate`https://${this.loadBalancer.dnsName}`;

    this.registerOutputs({
      url: this.url,
      albDnsName: this.albDnsName,
      albZoneId: this.albZoneId,
      targetGroupArn: this.targetGroupArn,
      instanceIds: this.instanceIds,
      albSecurityGroupId: this.albSecurityGroupId,
      webSecurityGroupId: this.webSecurityGroupId,
    });
  }

  /** A DNS-validated certificate for the domain; the listener waits for validation. Also the alias records. */
  private certificate(
    name: string,
    tls: { domainName: string; hostedZoneId: string },
    ipv6: boolean,
    tags: WebTierArgs["tags"],
  ): pulumi.Output<string> {
    const parent = { parent: this };
    const zone = aws.route53.getZoneOutput({ zoneId: tls.hostedZoneId }, parent);
    // Route 53 refuses records outside the zone, and ACM cannot validate through a private zone.
    const domainName = pulumi.all([zone.name, zone.privateZone]).apply(([zoneName, isPrivate]) => {
      const apex = zoneName.replace(/\.$/, "");
      if (isPrivate)
        throw new Error(
          `web-infra:compute:WebTier "${name}": hosted zone ${tls.hostedZoneId} is private; ACM DNS validation needs a public zone`,
        );
      if (tls.domainName !== apex && !tls.domainName.endsWith(`.${apex}`)) {
        throw new Error(
          `web-infra:compute:WebTier "${name}": ${tls.domainName} is not in hosted zone ${tls.hostedZoneId} (${apex}); use a zone that holds the domain`,
        );
      }
      return tls.domainName;
    });
    const cert = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName, validationMethod: "DNS", keyAlgorithm: "RSA_2048", tags: withName(tags, tls.domainName) },
      // A replacement certificate must exist before the listener lets go of the old one.
      { ...parent, deleteBeforeReplace: false },
    );
    const option = cert.domainValidationOptions.apply((all) => {
      const found = all.find((o) => o.domainName === tls.domainName);
      if (!found) throw new Error(`ACM returned no validation option for ${tls.domainName}`);
      return found;
    });
    const record = new aws.route53.Record(
      `${name}-cert-validation`,
      {
        zoneId: tls.hostedZoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 60,
        // Another stack's certificate for the same name uses the same record: take it over instead of failing.
        allowOverwrite: true,
      },
      parent,
    );
    const validation = new aws.acm.CertificateValidation(
      `${name}-cert`,
      { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] },
      parent,
    );
    const alias = (type: "A" | "AAAA") =>
      new aws.route53.Record(
        `${name}-alias${type === "AAAA" ? "-ipv6" : ""}`,
        {
          zoneId: tls.hostedZoneId,
          name: domainName,
          type,
          aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
        },
        parent,
      );
    alias("A");
    if (ipv6) alias("AAAA");
    return validation.certificateArn;
  }

  /** A regional web ACL with AWS's managed common and known-bad-inputs rule sets, on the load balancer. */
  private firewall(name: string, tags: WebTierArgs["tags"]): aws.wafv2.WebAcl {
    const parent = { parent: this };
    const metrics = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
    const managed = (ruleSet: string, priority: number) => ({
      name: ruleSet,
      priority,
      // Keep the rule group's own block/count actions.
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name: ruleSet } },
      visibilityConfig: metrics(`${name}-${ruleSet}`),
    });
    const acl = new aws.wafv2.WebAcl(
      `${name}-waf`,
      {
        description: `Managed protections in front of ${name}'s load balancer`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules: [managed("AWSManagedRulesCommonRuleSet", 10), managed("AWSManagedRulesKnownBadInputsRuleSet", 20)],
        visibilityConfig: metrics(`${name}-waf`),
        tags: withName(tags, `${name}-waf`),
      },
      parent,
    );
    new aws.wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: this.loadBalancer.arn, webAclArn: acl.arn }, parent);
    return acl;
  }

  /** An S3 bucket the ALB can write its access logs to, and nobody else can read from the internet. */
  private accessLogs(
    name: string,
    cfg: Resolved["accessLogs"],
    region: pulumi.Output<string>,
    tags: WebTierArgs["tags"],
  ): { bucket: aws.s3.Bucket; ready: pulumi.Resource[] } {
    const parent = { parent: this };
    const bucket = new aws.s3.Bucket(
      `${name}-alb-logs`,
      { forceDestroy: cfg.forceDestroy, tags: withName(tags, `${name}-alb-logs`) },
      parent,
    );
    const block = new aws.s3.BucketPublicAccessBlock(
      `${name}-alb-logs`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      parent,
    );
    new aws.s3.BucketOwnershipControls(`${name}-alb-logs`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    // ALB access logs support only SSE-S3, not SSE-KMS (ELB user guide, "Access log files").
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-alb-logs`,
      { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      parent,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-alb-logs`,
      {
        bucket: bucket.id,
        rules: [
          {
            id: "expire-access-logs",
            status: "Enabled",
            filter: { prefix: "" },
            expiration: { days: cfg.retentionInDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
          },
        ],
      },
      parent,
    );
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const writers = region.apply((r) => {
      const legacy = ELB_LOG_DELIVERY_ACCOUNTS[r];
      return legacy
        ? [{ type: "AWS", identifiers: [`arn:aws:iam::${legacy}:root`] }]
        : [{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }];
    });
    const policy = new aws.s3.BucketPolicy(
      `${name}-alb-logs`,
      {
        bucket: bucket.id,
        policy: aws.iam.getPolicyDocumentOutput(
          {
            statements: [
              {
                sid: "AlbLogDelivery",
                actions: ["s3:PutObject"],
                principals: writers,
                resources: [pulumi.interpolate`${bucket.arn}/alb/AWSLogs/${account}/*`],
              },
              {
                sid: "DenyInsecureTransport",
                effect: "Deny",
                actions: ["s3:*"],
                principals: [{ type: "*", identifiers: ["*"] }],
                resources: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
              },
            ],
          },
          parent,
        ).json,
      },
      // S3 rejects a policy that races the public access block being applied.
      { ...parent, dependsOn: [block] },
    );
    return { bucket, ready: [policy, encryption] };
  }
}
