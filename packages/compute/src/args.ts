import * as pulumi from "@pulumi/pulumi";
import { checkRoleSettings, Problems } from "@web-infra/core";
import { architectureOf } from "./instanceTypes";
import { unsafePageParameters } from "./userData";

/**
 * HTTPS, one switch: either a domain in a Route 53 public zone (a DNS-validated
 * ACM certificate and an alias record are created), or an existing certificate.
 */

/** The ports the servers may listen on: unprivileged ones, so never 443 or a system service's. */
export const APP_PORTS = { min: 1024, max: 65535 } as const;

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
  /**
   * The availability zone of each of `publicSubnetIds`, in the same order (from `Network`:
   * `network.publicSubnets.map((s) => s.availabilityZone)`). With them the tier refuses subnets in
   * fewer than two distinct zones before the load balancer is created, as ELB would at `pulumi up`.
   *
   * @default - zones unknown: ELB checks them when it creates the load balancer
   */
  readonly publicSubnetAzs?: pulumi.Input<string>[];
  /** Private subnets for the web servers, one per AZ: the Auto Scaling group balances its servers over them. */
  readonly privateSubnetIds: pulumi.Input<string>[];
  /** HTTPS: a domain in a hosted zone, or an existing certificate. Exactly one. */
  readonly tls: TlsArgs;
  /**
   * Servers the Auto Scaling group always keeps in service (its minimum and starting
   * capacity), balanced over the AZs. At least 2: the seed's active-active pair.
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
   * Removed: the Auto Scaling group rolls a new image or boot script through an instance refresh
   * on the next `pulumi up`. Setting it fails with a message saying so.
   *
   * @default - not accepted
   * @deprecated The group replaces servers itself; remove it.
   */
  readonly rollServers?: readonly number[];
  /**
   * Most servers the group scales out to under load (target tracking on requests per server);
   * at least `webServerCount`.
   *
   * @default - 2 × webServerCount
   */
  readonly maxWebServers?: number;
  /**
   * Requests per server per minute the scaling policy holds the group at (the ALB's
   * `RequestCountPerTarget`): above it the group adds servers, below it removes them, never
   * below `webServerCount`.
   *
   * @default 1000
   */
  readonly requestsPerTarget?: number;
  /**
   * Names of CloudWatch alarms that stop an instance refresh when they fire, e.g. the target
   * group's unhealthy-host and server-5XX alarms of `@web-infra/monitoring` (`refreshAlarms`):
   * the old servers keep serving and the refresh is reported as failed.
   *
   * @default - none: a refresh still stops when its new servers fail their health checks
   */
  readonly refreshAlarmNames?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Resources the servers must not boot before: what gives the private subnets their route
   * to the internet (`network.privateEgress`). The boot script installs packages, and on a
   * first `pulumi up` it would otherwise run before the NAT route exists.
   *
   * @default [] - nothing beyond the subnets, security group and instance profile
   */
  readonly serversDependOn?: pulumi.Input<pulumi.Resource>[];
  /**
   * Port nginx listens on and the target group forwards to: 1024 to 65535 (`APP_PORTS`), an unprivileged
   * port clear of the system's services; the servers speak HTTP, TLS ends at the load balancer.
   *
   * @default 8080
   */
  readonly appPort?: number;
  /**
   * While `appPort` changes: the port that serves today. Servers listen on both, the group registers
   * them with both ports' target groups, and the listener keeps forwarding to this one while it
   * health-checks the new one; remove it in a second `pulumi up` once the refresh has finished, and the
   * listener moves. Changing `appPort` without it answers 502 until every server is replaced
   * (compute README, "Changing `appPort`").
   *
   * @default - no port change in progress
   */
  readonly previousAppPort?: number;
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

export interface Resolved {
  webServerCount: number;
  instanceType: string;
  architecture: "x86_64" | "arm64";
  amiId?: string;
  maxWebServers: number;
  requestsPerTarget: number;
  appPort: number;
  previousAppPort: number | undefined;
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
  p.integer("appPort", appPort, APP_PORTS.min, APP_PORTS.max, "Use an unprivileged port such as 8080.");
  const previousAppPort = args.previousAppPort;
  if (previousAppPort !== undefined) {
    p.integer("previousAppPort", previousAppPort, APP_PORTS.min, APP_PORTS.max, "Set it to the port the servers listen on today.");
    p.check(
      previousAppPort !== appPort,
      "previousAppPort",
      `equals appPort (${appPort}), so no port change is in progress`,
      previousAppPort,
      "Remove previousAppPort once the listener has moved, or set appPort to the new port.",
    );
  }
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
  p.check(
    args.rollServers === undefined,
    "rollServers",
    "was removed: the servers are an Auto Scaling group, and a new image or boot script rolls through an instance refresh on the next pulumi up (new servers first, at full capacity)",
    args.rollServers,
    "Remove rollServers.",
  );
  const maxWebServers = args.maxWebServers ?? 2 * webServerCount;
  p.integer("maxWebServers", maxWebServers, 2, 100, "Use e.g. twice webServerCount.");
  if (Number.isInteger(maxWebServers))
    p.check(
      maxWebServers >= webServerCount,
      "maxWebServers",
      `must be at least webServerCount (${webServerCount}): the group never runs fewer than webServerCount servers`,
      maxWebServers,
      `Set maxWebServers to ${webServerCount} or more, e.g. ${2 * webServerCount}.`,
    );
  const requestsPerTarget = args.requestsPerTarget ?? 1000;
  p.check(
    typeof requestsPerTarget === "number" && Number.isFinite(requestsPerTarget) && requestsPerTarget > 0,
    "requestsPerTarget",
    "must be a number of requests per server per minute above 0",
    requestsPerTarget,
    "Use e.g. 1000; measure what one server sustains at your response time.",
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
  checkRoleSettings(p, args);
  p.throwIfAny();

  return {
    webServerCount,
    instanceType,
    architecture: architecture as "x86_64" | "arm64",
    amiId: args.amiId,
    maxWebServers,
    requestsPerTarget,
    appPort,
    previousAppPort,
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
