import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext, Connections, Problems, withName } from "@web-infra/core";
import { accessLogBucket } from "./accessLogs";
import { resolveWebTierArgs, WebTierArgs } from "./args";
import { createServers } from "./servers";
import { certificate } from "./tls";
import { HEALTH_CHECK_PATH } from "./userData";
import { firewall } from "./waf";

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

/**
 * The seed's web tier: an internet-facing Application Load Balancer doing
 * round-robin over an Auto Scaling group of at least `webServerCount` EC2 web
 * servers spread across AZs (active-active) that replaces failed servers, rolls
 * every new image or boot script through an instance refresh and scales out under
 * load, HTTPS with an 80→443 redirect, and security groups as intent:
 * the world reaches only the ALB on 80/443, servers accept the app port only
 * from the ALB, and servers reach out only on 443.
 *
 * Admin access is SSM Session Manager only: no key pair, no port 22, no public IP.
 */
export class WebTier extends pulumi.ComponentResource {
  public readonly loadBalancer: aws.lb.LoadBalancer;
  /** The target group the HTTPS listener forwards to: `appPort`'s, or `previousAppPort`'s while a port change is under way. */
  public readonly targetGroup: aws.lb.TargetGroup;
  /** Everything a server carries: image, instance type, boot script, IMDSv2, encrypted root volume. */
  public readonly launchTemplate: aws.ec2.LaunchTemplate;
  /** The servers: at least webServerCount in service, balanced over the private subnets' AZs. */
  public readonly autoScalingGroup: aws.autoscaling.Group;
  /** Target tracking on requests per server. */
  public readonly scalingPolicy: aws.autoscaling.Policy;
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
  /** CloudWatch's `AutoScalingGroupName` dimension. */
  public readonly autoScalingGroupName: pulumi.Output<string>;
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
    const region = awsContext(this).region;

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
    // While appPort changes, the servers take both ports: the old one serves, the new one is health-checked.
    const ports = cfg.previousAppPort === undefined ? [cfg.appPort] : [cfg.appPort, cfg.previousAppPort];
    for (const port of ports) this.connections.allowFrom(this.albConnections, port, "App port from the load balancer");
    const egress = this.connections.allowToInternet(443, "HTTPS out through NAT: SSM Session Manager and package repositories");
    this.albSecurityGroupId = albSg.id;
    this.webSecurityGroupId = webSg.id;

    const logBucket = cfg.accessLogs.enabled ? accessLogBucket(this, name, cfg.accessLogs, region, tags) : undefined;
    this.accessLogBucket = logBucket?.bucket;

    this.loadBalancer = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        ipAddressType: cfg.enableIpv6 ? "dualstack" : "ipv4",
        subnets: checkedSubnets(name, args),
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

    if (cfg.waf) this.webAcl = firewall(this, this.loadBalancer, name, tags);

    // A target group's port is fixed (ForceNew), so each port has its own, named after it. The one that serves
    // carries the name of the single target group stacks had before ports were in the name.
    const servingPort = cfg.previousAppPort ?? cfg.appPort;
    const targetGroups = new Map(
      ports.map((port) => [
        port,
        new aws.lb.TargetGroup(
          `${name}-app-${port}`,
          {
            vpcId: args.vpcId,
            targetType: "instance",
            protocol: "HTTP",
            port,
            // The seed's algorithm; set explicitly so it cannot drift with a default.
            loadBalancingAlgorithmType: "round_robin",
            deregistrationDelay: DEREGISTRATION_DELAY,
            stickiness: { enabled: false, type: "lb_cookie" },
            healthCheck: { enabled: true, protocol: "HTTP", port: "traffic-port", ...HEALTH_CHECK },
            tags: withName(tags, `${name}-app-${port}`),
          },
          { ...parent, aliases: port === servingPort ? [{ name: `${name}-app` }] : [] },
        ),
      ]),
    );
    this.targetGroup = targetGroups.get(servingPort) as aws.lb.TargetGroup;
    const nextTargetGroup = cfg.previousAppPort === undefined ? undefined : targetGroups.get(cfg.appPort);

    const certificateArn =
      cfg.tls.kind === "certificate"
        ? pulumi.output(cfg.tls.certificateArn)
        : certificate(this, this.loadBalancer, name, cfg.tls, cfg.enableIpv6, tags);

    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: SSL_POLICY,
        certificateArn,
        // Weight 0 associates the next port's target group with the load balancer, so it is health-checked
        // (an unused target group's targets stay "unused") while every request still goes to the serving one.
        defaultActions: [
          nextTargetGroup === undefined
            ? { type: "forward", targetGroupArn: this.targetGroup.arn }
            : {
                type: "forward",
                forward: {
                  targetGroups: [
                    { arn: this.targetGroup.arn, weight: 1 },
                    { arn: nextTargetGroup.arn, weight: 0 },
                  ],
                },
              },
        ],
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

    const servers = createServers(this, {
      name,
      cfg,
      args,
      securityGroupId: webSg.id,
      loadBalancer: this.loadBalancer,
      targetGroup: this.targetGroup,
      targetGroups: [...targetGroups.values()],
      listener: https,
      region,
      // The boot script installs packages: no server may start before its way out exists.
      bootAfter: [...(args.serversDependOn ?? []), egress],
    });
    this.serverRole = servers.role;
    this.launchTemplate = servers.launchTemplate;
    this.autoScalingGroup = servers.group;
    this.scalingPolicy = servers.scalingPolicy;
    this.autoScalingGroupName = servers.group.name;

    this.albDnsName = this.loadBalancer.dnsName;
    this.albZoneId = this.loadBalancer.zoneId;
    this.albArnSuffix = this.loadBalancer.arnSuffix;
    this.targetGroupArn = this.targetGroup.arn;
    this.targetGroupArnSuffix = this.targetGroup.arnSuffix;
    this.url =
      cfg.tls.kind === "domain" ? pulumi.output(`https://${cfg.tls.domainName}`) : pulumi.interpolate`https://${this.loadBalancer.dnsName}`;

    this.registerOutputs({
      url: this.url,
      albDnsName: this.albDnsName,
      albZoneId: this.albZoneId,
      targetGroupArn: this.targetGroupArn,
      autoScalingGroupName: this.autoScalingGroupName,
      albSecurityGroupId: this.albSecurityGroupId,
      webSecurityGroupId: this.webSecurityGroupId,
    });
  }
}

/**
 * The load balancer's subnets, held until their zones are known and at least two: ELB refuses
 * subnets in one zone only when it creates the load balancer, midway through `pulumi up`. The
 * zones are outputs (a subnet's, a zone lookup's), so the check runs once they resolve, before
 * the load balancer registers; an error stops it from being created.
 */
function checkedSubnets(name: string, args: WebTierArgs): pulumi.Input<pulumi.Input<string>[]> {
  const zones = args.publicSubnetAzs;
  if (zones === undefined) return args.publicSubnetIds;
  return pulumi.all([pulumi.all(args.publicSubnetIds), pulumi.all(zones)]).apply(([ids, azs]) => {
    const p = new Problems(`web-infra:compute:WebTier "${name}"`);
    p.check(
      azs.length === ids.length,
      "publicSubnetAzs",
      `must give one zone per public subnet (${ids.length})`,
      azs,
      "Pass the zones in the order of publicSubnetIds.",
    );
    p.check(
      new Set(azs).size >= 2,
      "publicSubnetIds",
      "must be in at least 2 distinct availability zones, which an Application Load Balancer requires",
      ids.map((id, i) => `${id} (${azs[i] ?? "?"})`),
      "Pass one public subnet from each of two or more zones, e.g. network.publicSubnets.",
    );
    p.throwIfAny();
    return ids;
  });
}
