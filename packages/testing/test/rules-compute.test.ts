import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { fired, messages } from "./support";

const ARM_AMI = "ami-05b4ded3ceb71e470";
const X86_AMI = "ami-0a7d80731ae1b2435";
const ACCOUNT = "123456789012";
const US_EAST_1_ELB = "127311923021";

/** A VPC with two non-overlapping subnets in two zones of the region: the good baseline. */
function network(name = "vpc", opts: { octet?: number; region?: string } = {}) {
  const octet = opts.octet ?? 0;
  const region = opts.region ?? "us-east-1";
  const vpc = new aws.ec2.Vpc(name, { cidrBlock: `10.${octet}.0.0/16` });
  const a = new aws.ec2.Subnet(`${name}-a`, { vpcId: vpc.id, cidrBlock: `10.${octet}.0.0/24`, availabilityZone: `${region}a` });
  const b = new aws.ec2.Subnet(`${name}-b`, { vpcId: vpc.id, cidrBlock: `10.${octet}.1.0/24`, availabilityZone: `${region}b` });
  return { vpc, a, b };
}

type Network = ReturnType<typeof network>;

function targetGroup(net: Network, args: Partial<aws.lb.TargetGroupArgs> = {}, name = "web") {
  return new aws.lb.TargetGroup(name, { port: 80, protocol: "HTTP", vpcId: net.vpc.id, ...args });
}

function alb(net: Network, args: Partial<aws.lb.LoadBalancerArgs> = {}, name = "alb") {
  return new aws.lb.LoadBalancer(name, { loadBalancerType: "application", subnets: [net.a.id, net.b.id], ...args });
}

/** A program with one target group in a good network. */
function withTargetGroup(args: Partial<aws.lb.TargetGroupArgs> = {}) {
  return () => {
    targetGroup(network(), args);
  };
}

/** A target group with only the given health check: the health-check rule's subject. */
function withHealthCheck(healthCheck: aws.types.input.lb.TargetGroupHealthCheck) {
  return withTargetGroup({ healthCheck });
}

/** A program with one instance in a good network. */
function withInstance(args: Partial<aws.ec2.InstanceArgs>) {
  return () => {
    instance(network().a, args);
  };
}

/** An ALB with a target group and the given listeners on it. */
function withListeners(...listeners: Partial<aws.lb.ListenerArgs>[]) {
  return () => {
    const net = network();
    const lb = alb(net);
    const tg = targetGroup(net);
    listeners.forEach(
      (l, i) =>
        new aws.lb.Listener(`l${i}`, {
          loadBalancerArn: lb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
          ...l,
        }),
    );
  };
}

/** A certificate the listener can name. */
function certificate() {
  return new aws.acm.Certificate("cert", { domainName: "www.example.com", validationMethod: "DNS" });
}

function instance(subnet: aws.ec2.Subnet, args: Partial<aws.ec2.InstanceArgs> = {}, name = "vm") {
  return new aws.ec2.Instance(name, { ami: ARM_AMI, instanceType: "t4g.micro", subnetId: subnet.id, ...args });
}

function ingress(group: aws.ec2.SecurityGroup, args: Partial<aws.vpc.SecurityGroupIngressRuleArgs>, name = "in") {
  return new aws.vpc.SecurityGroupIngressRule(name, { securityGroupId: group.id, ipProtocol: "tcp", cidrIpv4: "10.0.0.0/16", ...args });
}

/** A bucket policy statement letting `principal` put ALB logs under `prefix`. */
function logPolicy(bucket: aws.s3.Bucket, principal: Record<string, string>, prefix = "alb", account = ACCOUNT) {
  return new aws.s3.BucketPolicy("logs", {
    bucket: bucket.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: principal,
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${bucket.arn}/${prefix}/AWSLogs/${account}/*`,
        },
      ],
    }),
  });
}

/**
 * An ALB logging to a bucket of the program: SSE-S3 (or the given algorithm)
 * and, unless `principal` is null, a policy for that writer.
 */
function loggingAlb(
  opts: {
    principal?: Record<string, string> | null;
    policyPrefix?: string;
    sseAlgorithm?: string;
    region?: string;
    alias?: boolean;
  } = {},
) {
  return () => {
    const net = network("vpc", { region: opts.region });
    const bucket = new aws.s3.Bucket("logs");
    new aws.s3.BucketServerSideEncryptionConfiguration("logs", {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: opts.sseAlgorithm ?? "AES256" } }],
    });
    if (opts.principal !== null) logPolicy(bucket, opts.principal ?? { AWS: `arn:aws:iam::${US_EAST_1_ELB}:root` }, opts.policyPrefix);
    const args = { subnets: [net.a.id, net.b.id], accessLogs: { bucket: bucket.bucket, prefix: "alb", enabled: true } };
    if (opts.alias) new aws.alb.LoadBalancer("alb", args);
    else alb(net, args);
  };
}

describe("AWS compute rules", () => {
  it("stays quiet on a complete web tier: ALB, listeners, target group, instance, groups and log bucket", async () => {
    const { rules } = await fired(() => {
      const net = network();
      const albSg = new aws.ec2.SecurityGroup("alb", { vpcId: net.vpc.id });
      const webSg = new aws.ec2.SecurityGroup("web", { vpcId: net.vpc.id });
      ingress(albSg, { fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }, "https");
      ingress(webSg, { fromPort: 80, toPort: 80, cidrIpv4: undefined, referencedSecurityGroupId: albSg.id }, "from-alb");
      new aws.vpc.SecurityGroupEgressRule("all", { securityGroupId: webSg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" });
      const bucket = new aws.s3.Bucket("logs");
      new aws.s3.BucketServerSideEncryptionConfiguration("logs", {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      });
      logPolicy(bucket, { AWS: `arn:aws:iam::${US_EAST_1_ELB}:root` });
      const lb = alb(net, { securityGroups: [albSg.id], accessLogs: { bucket: bucket.bucket, prefix: "alb", enabled: true } });
      const tg = targetGroup(net, {
        healthCheck: { path: "/health", interval: 30, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
        deregistrationDelay: 30,
        loadBalancingAlgorithmType: "least_outstanding_requests",
      });
      new aws.lb.Listener("https", {
        loadBalancerArn: lb.arn,
        port: 443,
        protocol: "HTTPS",
        certificateArn: certificate().arn,
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
      });
      new aws.lb.Listener("http", {
        loadBalancerArn: lb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }],
      });
      const vm = instance(net.a, { vpcSecurityGroupIds: [webSg.id] });
      new aws.lb.TargetGroupAttachment("vm", { targetGroupArn: tg.arn, targetId: vm.id, port: 80 });
    });
    assert.deepEqual(rules, []);
  });

  describe("target-group-health-check", () => {
    it("fails when the interval is above 300 seconds", async () => {
      const { rules, g } = await fired(withHealthCheck({ interval: 301 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /^healthCheck\.interval 301 is outside 5–300 seconds$/);
    });

    it("fails when the interval is below 5 seconds", async () => {
      const { rules, g } = await fired(withHealthCheck({ interval: 4, timeout: 2 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /^healthCheck\.interval 4 is outside 5–300 seconds$/);
    });

    it("fails when the timeout is below 2 seconds", async () => {
      const { rules, g } = await fired(withHealthCheck({ timeout: 1 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /^healthCheck\.timeout 1 is outside 2–120 seconds$/);
    });

    it("fails when the timeout is above 120 seconds", async () => {
      const { rules, g } = await fired(withHealthCheck({ interval: 300, timeout: 121 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /^healthCheck\.timeout 121 is outside 2–120 seconds$/);
    });

    it("fails when the timeout equals the interval", async () => {
      const { rules, g } = await fired(withHealthCheck({ interval: 10, timeout: 10 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /^healthCheck\.timeout 10 must be smaller than the interval 10$/);
    });

    it("fails when the timeout exceeds the interval", async () => {
      const { rules, g } = await fired(withHealthCheck({ interval: 10, timeout: 20 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /healthCheck\.timeout 20 must be smaller than the interval 10/);
    });

    it("fails when a 5 s interval meets the provider's default 5 s timeout", async () => {
      const { rules, g } = await fired(withHealthCheck({ interval: 5 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /healthCheck\.timeout 5 must be smaller than the interval 5/);
    });

    it("fails when the timeout is not below the provider's default 30 s interval", async () => {
      const { rules, g } = await fired(withHealthCheck({ timeout: 30 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /healthCheck\.timeout 30 must be smaller than the interval 30/);
    });

    it("fails when the healthy threshold is below 2", async () => {
      const { rules, g } = await fired(withHealthCheck({ healthyThreshold: 1 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /^healthCheck\.healthyThreshold 1 is outside 2–10$/);
    });

    it("fails when the unhealthy threshold is above 10", async () => {
      const { rules, g } = await fired(withHealthCheck({ unhealthyThreshold: 11 }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /^healthCheck\.unhealthyThreshold 11 is outside 2–10$/);
    });

    it("fails when the path does not start with a slash", async () => {
      const { rules, g } = await fired(withHealthCheck({ path: "health" }));
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.match(messages(g, "target-group-health-check"), /healthCheck\.path "health" must start with "\/"/);
    });

    it("reports every broken field of one health check", async () => {
      const { g } = await fired(withHealthCheck({ interval: 1000, timeout: 200, healthyThreshold: 0, unhealthyThreshold: 20 }));
      assert.equal(g.rejections.filter((r) => r.rule === "target-group-health-check").length, 4);
    });

    it("stays quiet for a health check at the bounds of every range", async () => {
      const { rules } = await fired(() => {
        const net = network();
        targetGroup(net, { healthCheck: { interval: 300, timeout: 120, healthyThreshold: 10, unhealthyThreshold: 10, path: "/" } }, "hi");
        targetGroup(net, { healthCheck: { interval: 5, timeout: 2, healthyThreshold: 2, unhealthyThreshold: 2, path: "/healthz" } }, "lo");
      });
      assert.deepEqual(rules, []);
    });

    it("stays quiet for a target group without a health check block", async () => {
      const { rules } = await fired(withTargetGroup());
      assert.deepEqual(rules, []);
    });

    it("fails for the aws:alb/targetGroup alias token", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        new aws.alb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: net.vpc.id, healthCheck: { interval: 400 } });
      });
      assert.deepEqual(rules, ["target-group-health-check"]);
      assert.equal(g.rejections[0].urn, "urn:pulumi:test::project::aws:alb/targetGroup:TargetGroup::web");
      assert.match(g.rejections[0].message, /healthCheck\.interval 400 is outside 5–300 seconds/);
    });
  });

  describe("target-group-deregistration-delay", () => {
    it("fails when the delay is above 3600 seconds", async () => {
      const { rules, g } = await fired(withTargetGroup({ deregistrationDelay: 3601 }));
      assert.deepEqual(rules, ["target-group-deregistration-delay"]);
      assert.match(g.rejections[0].message, /^deregistrationDelay 3601 is outside 0–3600 seconds$/);
    });

    it("fails when the delay is negative", async () => {
      const { rules, g } = await fired(withTargetGroup({ deregistrationDelay: -1 }));
      assert.deepEqual(rules, ["target-group-deregistration-delay"]);
      assert.match(g.rejections[0].message, /deregistrationDelay -1 is outside 0–3600 seconds/);
    });

    it("stays quiet at 0 and 3600 seconds", async () => {
      const { rules } = await fired(() => {
        const net = network();
        targetGroup(net, { deregistrationDelay: 0 }, "zero");
        targetGroup(net, { deregistrationDelay: 3600 }, "hour");
      });
      assert.deepEqual(rules, []);
    });
  });

  describe("target-group-algorithm", () => {
    it("fails when the algorithm is not one ELB knows", async () => {
      const { rules, g } = await fired(withTargetGroup({ loadBalancingAlgorithmType: "least_connections" }));
      assert.deepEqual(rules, ["target-group-algorithm"]);
      assert.match(
        g.rejections[0].message,
        /loadBalancingAlgorithmType "least_connections" is not one of round_robin, least_outstanding_requests, weighted_random/,
      );
    });

    it("fails when slow start is combined with least_outstanding_requests", async () => {
      const { rules, g } = await fired(withTargetGroup({ loadBalancingAlgorithmType: "least_outstanding_requests", slowStart: 60 }));
      assert.deepEqual(rules, ["target-group-algorithm"]);
      assert.match(g.rejections[0].message, /^slowStart cannot be combined with least_outstanding_requests$/);
    });

    it("fails when slow start is combined with weighted_random", async () => {
      const { rules, g } = await fired(withTargetGroup({ loadBalancingAlgorithmType: "weighted_random", slowStart: 60 }));
      assert.deepEqual(rules, ["target-group-algorithm"]);
      assert.equal(messages(g, "target-group-algorithm"), "slowStart cannot be combined with weighted_random");
    });

    it("fails when slowStart is 10 or 901 seconds (outside 0 or 30–900)", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        targetGroup(net, { slowStart: 10 }, "short");
        targetGroup(net, { slowStart: 901 }, "long");
      });
      assert.deepEqual(rules, ["target-group-algorithm"]);
      assert.equal(
        messages(g, "target-group-algorithm"),
        "slowStart 10 must be 0 (off) or 30–900 seconds\nslowStart 901 must be 0 (off) or 30–900 seconds",
      );
    });

    it("stays quiet for slowStart 0, 30 and 900 seconds", async () => {
      const { rules } = await fired(() => {
        const net = network();
        targetGroup(net, { slowStart: 0 }, "off");
        targetGroup(net, { slowStart: 30 }, "shortest");
        targetGroup(net, { slowStart: 900 }, "longest");
        targetGroup(net, { loadBalancingAlgorithmType: "weighted_random", slowStart: 0 }, "wr-off");
      });
      assert.deepEqual(rules, []);
    });

    it("stays quiet for each known algorithm, and for slow start with round_robin", async () => {
      const { rules } = await fired(() => {
        const net = network();
        targetGroup(net, { loadBalancingAlgorithmType: "round_robin", slowStart: 60 }, "rr");
        targetGroup(net, { loadBalancingAlgorithmType: "least_outstanding_requests", slowStart: 0 }, "lor");
        targetGroup(net, { loadBalancingAlgorithmType: "weighted_random" }, "wr");
      });
      assert.deepEqual(rules, []);
    });
  });

  describe("https-listener-certificate", () => {
    it("fails when an HTTPS listener has no certificate", async () => {
      const { rules, g } = await fired(withListeners({ port: 443, protocol: "HTTPS" }));
      assert.deepEqual(rules, ["https-listener-certificate"]);
      assert.match(g.rejections[0].message, /^A certificate must be specified for HTTPS listeners: set certificateArn$/);
    });

    it("fails when an HTTPS listener has an empty certificate ARN", async () => {
      const { rules, g } = await fired(withListeners({ port: 443, protocol: "HTTPS", certificateArn: "" }));
      assert.deepEqual(rules, ["https-listener-certificate"]);
      assert.match(g.rejections[0].message, /A certificate must be specified for HTTPS listeners/);
    });

    it("fails when the sslPolicy is not an ELB security policy", async () => {
      const { rules, g } = await fired(() => {
        withListeners({ port: 443, protocol: "HTTPS", certificateArn: certificate().arn, sslPolicy: "ELBSecurityPolicy-TLS-1-3-2099" })();
      });
      assert.deepEqual(rules, ["https-listener-certificate"]);
      assert.match(
        g.rejections[0].message,
        /^sslPolicy "ELBSecurityPolicy-TLS-1-3-2099" is not an ELB security policy \(SSLPolicyNotFound\)/,
      );
    });

    it("stays quiet for an HTTPS listener with a certificate and a real policy, and for plain HTTP", async () => {
      const { rules } = await fired(() => {
        const arn = certificate().arn;
        withListeners(
          { port: 443, protocol: "HTTPS", certificateArn: arn, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
          { port: 8443, protocol: "HTTPS", certificateArn: arn },
          { port: 80, protocol: "HTTP" },
        )();
      });
      assert.deepEqual(rules, []);
    });

    it("fails for the aws:alb/listener alias token", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        const lb = alb(net);
        const tg = targetGroup(net);
        new aws.alb.Listener("https", {
          loadBalancerArn: lb.arn,
          port: 443,
          protocol: "HTTPS",
          defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
        });
      });
      assert.deepEqual(rules, ["https-listener-certificate"]);
      assert.match(g.rejections[0].urn, /aws:alb\/listener:Listener::https$/);
    });
  });

  describe("listener-port-unique", () => {
    it("fails when two listeners of one load balancer take the same port", async () => {
      const { rules, g } = await fired(withListeners({ port: 80 }, { port: 80 }));
      assert.deepEqual(rules, ["listener-port-unique"]);
      assert.equal(g.rejections.length, 1);
      assert.match(g.rejections[0].message, /^DuplicateListener: port 80 already has listener l0$/);
      assert.match(g.rejections[0].urn, /::l1$/);
    });

    it("stays quiet for different ports on one load balancer", async () => {
      const { rules } = await fired(withListeners({ port: 80 }, { port: 8080 }));
      assert.deepEqual(rules, []);
    });

    it("stays quiet for the same port on two load balancers", async () => {
      const { rules } = await fired(() => {
        const net = network();
        const tg = targetGroup(net);
        for (const name of ["one", "two"]) {
          const lb = alb(net, {}, name);
          new aws.lb.Listener(name, {
            loadBalancerArn: lb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
          });
        }
      });
      assert.deepEqual(rules, []);
    });

    it("fails across the aws:lb and aws:alb listener tokens", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        const lb = alb(net);
        const tg = targetGroup(net);
        const listener = {
          loadBalancerArn: lb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
        };
        new aws.lb.Listener("lb", listener);
        new aws.alb.Listener("alb", listener);
      });
      assert.deepEqual(rules, ["listener-port-unique"]);
      assert.match(g.rejections[0].message, /DuplicateListener: port 80 already has listener lb/);
    });
  });

  describe("alb-subnets", () => {
    it("fails when every subnet is in one availability zone", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        const c = new aws.ec2.Subnet("vpc-c", { vpcId: net.vpc.id, cidrBlock: "10.0.2.0/24", availabilityZone: "us-east-1a" });
        alb(net, { subnets: [net.a.id, c.id] });
      });
      assert.deepEqual(rules, ["alb-subnets"]);
      assert.match(
        g.rejections[0].message,
        /^At least two subnets in two different Availability Zones must be specified; got 1 AZ \(us-east-1a\)$/,
      );
    });

    it("fails when there is a single subnet mapping", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        alb(net, { subnets: undefined, subnetMappings: [{ subnetId: net.b.id }] });
      });
      assert.deepEqual(rules, ["alb-subnets"]);
      assert.match(g.rejections[0].message, /must be specified; got 1$/);
    });

    it("fails when the subnets belong to different VPCs", async () => {
      const { rules, g } = await fired(() => {
        const one = network("one", { octet: 0 });
        const two = network("two", { octet: 1 });
        alb(one, { subnets: [one.a.id, two.b.id] });
      });
      assert.deepEqual(rules, ["alb-subnets"]);
      assert.match(g.rejections[0].message, /^subnets belong to 2 different VPCs; an ALB lives in one VPC$/);
    });

    it("fails when a security group is in another VPC than the subnets", async () => {
      const { rules, g } = await fired(() => {
        const one = network("one", { octet: 0 });
        const two = network("two", { octet: 1 });
        const sg = new aws.ec2.SecurityGroup("foreign", { vpcId: two.vpc.id });
        alb(one, { securityGroups: [sg.id] });
      });
      assert.deepEqual(rules, ["alb-subnets"]);
      assert.match(g.rejections[0].message, /^security group foreign is in another VPC than the subnets$/);
    });

    it("fails when a subnet is smaller than /27, as a /24 VPC's 4-bit subnets are", async () => {
      const program = (bits: number) => () => {
        const vpc = new aws.ec2.Vpc("small", { cidrBlock: "10.9.0.0/24" });
        const subnets = ["a", "b"].map(
          (az, i) =>
            new aws.ec2.Subnet(`small-${az}`, {
              vpcId: vpc.id,
              cidrBlock: `10.9.0.${i * 2 ** (32 - bits)}/${bits}`,
              availabilityZone: `us-east-1${az}`,
            }),
        );
        new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: subnets.map((s) => s.id) });
      };
      const { rules, g } = await fired(program(28));
      assert.deepEqual(rules, ["alb-subnets"]);
      assert.match(g.rejections[0].message, /^InvalidSubnet: subnet small-a is a \/28; a load balancer needs a \/27 or larger/);
      assert.deepEqual((await fired(program(27))).rules, []);
    });

    it("stays quiet for two zones of one VPC, given as subnets or subnet mappings, with a group of that VPC", async () => {
      const { rules } = await fired(() => {
        const net = network();
        const sg = new aws.ec2.SecurityGroup("alb", { vpcId: net.vpc.id });
        alb(net, { securityGroups: [sg.id] }, "plain");
        alb(net, { subnets: undefined, subnetMappings: [{ subnetId: net.a.id }, { subnetId: net.b.id }] }, "mapped");
      });
      assert.deepEqual(rules, []);
    });

    it("stays quiet for a network load balancer in one zone", async () => {
      const { rules } = await fired(() => {
        const net = network();
        new aws.lb.LoadBalancer("nlb", { loadBalancerType: "network", subnets: [net.a.id] });
      });
      assert.deepEqual(rules, []);
    });

    it("fails for the aws:alb/loadBalancer alias token", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        new aws.alb.LoadBalancer("alb", { subnets: [net.a.id] });
      });
      assert.deepEqual(rules, ["alb-subnets"]);
      assert.match(g.rejections[0].urn, /aws:alb\/loadBalancer:LoadBalancer::alb$/);
      assert.match(g.rejections[0].message, /must be specified; got 1$/);
    });
  });

  describe("target-group-attachment-vpc", () => {
    it("fails when the instance is in another VPC than the target group", async () => {
      const { rules, g } = await fired(() => {
        const one = network("one", { octet: 0 });
        const two = network("two", { octet: 1 });
        const tg = targetGroup(one, {}, "tg");
        const vm = instance(two.a, {}, "web");
        new aws.lb.TargetGroupAttachment("web", { targetGroupArn: tg.arn, targetId: vm.id });
      });
      assert.deepEqual(rules, ["target-group-attachment-vpc"]);
      assert.match(
        g.rejections[0].message,
        /^instance web is in VPC vpc-0\w+, target group tg in vpc-0\w+: The following targets are not in the target group VPC$/,
      );
    });

    it("stays quiet when the instance is in the target group's VPC", async () => {
      const { rules } = await fired(() => {
        const net = network();
        const tg = targetGroup(net);
        const vm = instance(net.b);
        new aws.lb.TargetGroupAttachment("vm", { targetGroupArn: tg.arn, targetId: vm.id, port: 80 });
      });
      assert.deepEqual(rules, []);
    });

    it("stays quiet for an IP target", async () => {
      const { rules } = await fired(() => {
        const net = network();
        const tg = targetGroup(net, { targetType: "ip" });
        new aws.lb.TargetGroupAttachment("ip", { targetGroupArn: tg.arn, targetId: "10.0.0.10" });
      });
      assert.deepEqual(rules, []);
    });

    it("fails for the aws:alb target group and attachment alias tokens", async () => {
      const { rules, g } = await fired(() => {
        const one = network("one", { octet: 0 });
        const two = network("two", { octet: 1 });
        const tg = new aws.alb.TargetGroup("tg", { port: 80, protocol: "HTTP", vpcId: one.vpc.id });
        const vm = instance(two.a, {}, "web");
        new aws.alb.TargetGroupAttachment("web", { targetGroupArn: tg.arn, targetId: vm.id });
      });
      assert.deepEqual(rules, ["target-group-attachment-vpc"]);
      assert.match(g.rejections[0].urn, /aws:alb\/targetGroupAttachment:TargetGroupAttachment::web$/);
    });
  });

  describe("instance-ami-architecture", () => {
    it("fails when an arm64 AMI is launched on an x86_64 instance type", async () => {
      const { rules, g } = await fired(withInstance({ ami: ARM_AMI, instanceType: "t3.micro" }));
      assert.deepEqual(rules, ["instance-ami-architecture"]);
      assert.match(
        g.rejections[0].message,
        /^The architecture 'x86_64' of the specified instance type does not match the architecture 'arm64' of the specified AMI ami-05b4ded3ceb71e470$/,
      );
    });

    it("fails when an x86_64 AMI is launched on a Graviton instance type", async () => {
      const { rules, g } = await fired(withInstance({ ami: X86_AMI, instanceType: "m7g.large" }));
      assert.deepEqual(rules, ["instance-ami-architecture"]);
      assert.match(g.rejections[0].message, /architecture 'arm64' of the specified instance type does not match the architecture 'x86_64'/);
    });

    it("fails when the AMI does not exist", async () => {
      const { rules, g } = await fired(withInstance({ ami: "ami-0123456789abcdef0" }));
      assert.deepEqual(rules, ["instance-ami-architecture"]);
      assert.match(
        g.rejections[0].message,
        /^InvalidAMIID\.NotFound: the image id '\[ami-0123456789abcdef0\]' does not exist in us-east-1$/,
      );
    });

    it("fails when the instance type does not exist", async () => {
      const { rules, g } = await fired(withInstance({ instanceType: "t4g.mega" }));
      assert.deepEqual(rules, ["instance-ami-architecture"]);
      assert.match(g.rejections[0].message, /^InvalidParameterValue: instance type "t4g\.mega" does not exist/);
    });

    it("fails for a launch template whose image and type disagree", async () => {
      const { rules, g } = await fired(() => {
        new aws.ec2.LaunchTemplate("web", { imageId: X86_AMI, instanceType: "t4g.small" });
      });
      assert.deepEqual(rules, ["instance-ami-architecture"]);
      assert.match(g.rejections[0].message, /architecture 'arm64' of the specified instance type does not match the architecture 'x86_64'/);
    });

    it("stays quiet for matching AMIs and instance types", async () => {
      const { rules } = await fired(() => {
        const net = network();
        instance(net.a, { ami: ARM_AMI, instanceType: "t4g.micro" }, "arm");
        instance(net.b, { ami: X86_AMI, instanceType: "t3.micro" }, "x86");
        new aws.ec2.LaunchTemplate("web", { imageId: ARM_AMI, instanceType: "c7g.large" });
      });
      assert.deepEqual(rules, []);
    });

    it("stays quiet for the AMI the lookup finds for the instance type's architecture", async () => {
      const { rules } = await fired(() => {
        const image = aws.ec2.getAmiOutput({
          owners: ["amazon"],
          mostRecent: true,
          filters: [
            { name: "name", values: ["al2023-ami-2023.*"] },
            { name: "architecture", values: ["arm64"] },
          ],
        });
        instance(network().a, { ami: image.id, instanceType: "t4g.micro" });
      });
      assert.deepEqual(rules, []);
    });
  });

  describe("security-group-same-network", () => {
    it("fails when an ingress rule references a group of another VPC", async () => {
      const { rules, g } = await fired(() => {
        const one = network("one", { octet: 0 });
        const two = network("two", { octet: 1 });
        const web = new aws.ec2.SecurityGroup("web", { vpcId: one.vpc.id });
        const other = new aws.ec2.SecurityGroup("other", { vpcId: two.vpc.id });
        ingress(web, { fromPort: 80, toPort: 80, cidrIpv4: undefined, referencedSecurityGroupId: other.id });
      });
      assert.deepEqual(rules, ["security-group-same-network"]);
      assert.match(
        g.rejections[0].message,
        /^in: group web \(vpc-0\w+\) and referenced group other \(vpc-0\w+\) belong to different networks$/,
      );
    });

    it("fails when a classic security group rule's source group is in another VPC", async () => {
      const { rules, g } = await fired(() => {
        const one = network("one", { octet: 0 });
        const two = network("two", { octet: 1 });
        const web = new aws.ec2.SecurityGroup("web", { vpcId: one.vpc.id });
        const other = new aws.ec2.SecurityGroup("other", { vpcId: two.vpc.id });
        new aws.ec2.SecurityGroupRule("in", {
          type: "ingress",
          securityGroupId: web.id,
          sourceSecurityGroupId: other.id,
          protocol: "tcp",
          fromPort: 80,
          toPort: 80,
        });
      });
      assert.deepEqual(rules, ["security-group-same-network"]);
      assert.match(g.rejections[0].message, /group web .* and referenced group other .* belong to different networks/);
    });

    it("fails when an instance uses a group of another VPC than its subnet", async () => {
      const { rules, g } = await fired(() => {
        const one = network("one", { octet: 0 });
        const two = network("two", { octet: 1 });
        const other = new aws.ec2.SecurityGroup("other", { vpcId: two.vpc.id });
        instance(one.a, { vpcSecurityGroupIds: [other.id] }, "web");
      });
      assert.deepEqual(rules, ["security-group-same-network"]);
      assert.match(g.rejections[0].message, /^Security group other and subnet one-a belong to different networks$/);
      assert.match(g.rejections[0].urn, /aws:ec2\/instance:Instance::web$/);
    });

    it("stays quiet when groups, rules and instances share a VPC", async () => {
      const { rules } = await fired(() => {
        const net = network();
        const web = new aws.ec2.SecurityGroup("web", { vpcId: net.vpc.id });
        const lb = new aws.ec2.SecurityGroup("lb", { vpcId: net.vpc.id });
        ingress(web, { fromPort: 80, toPort: 80, cidrIpv4: undefined, referencedSecurityGroupId: lb.id });
        new aws.ec2.SecurityGroupRule("in", {
          type: "ingress",
          securityGroupId: lb.id,
          sourceSecurityGroupId: web.id,
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
        });
        instance(net.a, { vpcSecurityGroupIds: [web.id, lb.id] });
      });
      assert.deepEqual(rules, []);
    });
  });

  describe("security-group-rule-ports", () => {
    /** One security group of a good network and the given ingress rule on it. */
    const withIngress = (args: Partial<aws.vpc.SecurityGroupIngressRuleArgs>) => () => {
      const net = network();
      ingress(new aws.ec2.SecurityGroup("web", { vpcId: net.vpc.id }), args);
    };

    it("fails when fromPort is greater than toPort", async () => {
      const { rules, g } = await fired(withIngress({ fromPort: 443, toPort: 80 }));
      assert.deepEqual(rules, ["security-group-rule-ports"]);
      assert.match(g.rejections[0].message, /^in: fromPort 443 is greater than toPort 80$/);
    });

    it("fails when a tcp rule has no toPort", async () => {
      const { rules, g } = await fired(withIngress({ fromPort: 443 }));
      assert.deepEqual(rules, ["security-group-rule-ports"]);
      assert.match(g.rejections[0].message, /^in: tcp rules need fromPort and toPort$/);
    });

    it("fails when a port is above 65535", async () => {
      const { rules, g } = await fired(withIngress({ ipProtocol: "udp", fromPort: 1024, toPort: 70000 }));
      assert.deepEqual(rules, ["security-group-rule-ports"]);
      assert.match(g.rejections[0].message, /^in: ports 1024-70000 are outside 0–65535$/);
    });

    it("fails when protocol -1 names a port", async () => {
      const { rules, g } = await fired(withIngress({ ipProtocol: "-1", fromPort: 22, toPort: 22 }));
      assert.deepEqual(rules, ["security-group-rule-ports"]);
      assert.match(g.rejections[0].message, /^in: protocol -1 covers every port; fromPort\/toPort must be unset \(got 22-22\)$/);
    });

    it("fails for a classic security group rule with a reversed range", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        const web = new aws.ec2.SecurityGroup("web", { vpcId: net.vpc.id });
        new aws.ec2.SecurityGroupRule("in", {
          type: "ingress",
          securityGroupId: web.id,
          cidrBlocks: ["0.0.0.0/0"],
          protocol: "tcp",
          fromPort: 8080,
          toPort: 8000,
        });
      });
      assert.deepEqual(rules, ["security-group-rule-ports"]);
      assert.match(g.rejections[0].message, /fromPort 8080 is greater than toPort 8000/);
    });

    it("stays quiet for low-to-high ranges, protocol -1 without ports and ICMP", async () => {
      const { rules } = await fired(() => {
        const net = network();
        const web = new aws.ec2.SecurityGroup("web", { vpcId: net.vpc.id });
        ingress(web, { fromPort: 443, toPort: 443 }, "https");
        ingress(web, { ipProtocol: "udp", fromPort: 0, toPort: 65535 }, "udp");
        ingress(web, { ipProtocol: "-1" }, "all");
        ingress(web, { ipProtocol: "icmp", fromPort: 8, toPort: -1 }, "ping");
        new aws.vpc.SecurityGroupEgressRule("out", {
          securityGroupId: web.id,
          ipProtocol: "tcp",
          fromPort: 1024,
          toPort: 65535,
          cidrIpv4: "0.0.0.0/0",
        });
        new aws.ec2.SecurityGroupRule("all", {
          type: "egress",
          securityGroupId: web.id,
          cidrBlocks: ["0.0.0.0/0"],
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
        });
      });
      assert.deepEqual(rules, []);
    });
  });

  describe("alb-access-log-bucket", () => {
    it("stays quiet when the bucket uses SSE-S3 and lets the region's ELB account write under the prefix", async () => {
      const { rules } = await fired(loggingAlb());
      assert.deepEqual(rules, []);
    });

    it("stays quiet when the policy names the ELB account by its bare id", async () => {
      const { rules } = await fired(loggingAlb({ principal: { AWS: US_EAST_1_ELB } }));
      assert.deepEqual(rules, []);
    });

    it("stays quiet when access logs are off, whatever the bucket", async () => {
      const { rules } = await fired(() => {
        const net = network();
        alb(net, { accessLogs: { bucket: "someone-elses-bucket", enabled: false } });
      });
      assert.deepEqual(rules, []);
    });

    it("fails when the bucket has no policy", async () => {
      const { rules, g } = await fired(loggingAlb({ principal: null }));
      assert.deepEqual(rules, ["alb-access-log-bucket"]);
      assert.match(
        g.rejections[0].message,
        /^Access Denied for bucket logs-[0-9a-f]{7}: its policy must allow arn:aws:iam::127311923021:root s3:PutObject on arn:aws:s3:::logs-[0-9a-f]{7}\/alb\/AWSLogs\/123456789012\/\*$/,
      );
    });

    it("fails when the policy allows another region's ELB account", async () => {
      const { rules, g } = await fired(loggingAlb({ principal: { AWS: "arn:aws:iam::033677994240:root" } }));
      assert.deepEqual(rules, ["alb-access-log-bucket"]);
      assert.match(g.rejections[0].message, /Access Denied for bucket logs-\w+: its policy must allow arn:aws:iam::127311923021:root/);
    });

    it("fails when the policy allows the log delivery service principal in a region with a legacy ELB account", async () => {
      const { rules, g } = await fired(loggingAlb({ principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" } }));
      assert.deepEqual(rules, ["alb-access-log-bucket"]);
      assert.match(g.rejections[0].message, /must allow arn:aws:iam::127311923021:root s3:PutObject/);
    });

    it("fails when the policy covers another prefix than the access logs", async () => {
      const { rules, g } = await fired(loggingAlb({ policyPrefix: "logs" }));
      assert.deepEqual(rules, ["alb-access-log-bucket"]);
      assert.match(g.rejections[0].message, /s3:PutObject on arn:aws:s3:::logs-\w+\/alb\/AWSLogs\/123456789012\/\*$/);
    });

    it("fails when the bucket encrypts with SSE-KMS", async () => {
      const { rules, g } = await fired(loggingAlb({ sseAlgorithm: "aws:kms" }));
      assert.deepEqual(rules, ["alb-access-log-bucket"]);
      assert.equal(g.rejections.length, 1);
      assert.match(g.rejections[0].message, /^bucket logs encrypts with SSE-KMS; ALB access logs support only SSE-S3 \(AES256\)$/);
    });

    it("fails when the bucket is not created by the program", async () => {
      const { rules, g } = await fired(() => {
        const net = network();
        alb(net, { accessLogs: { bucket: "someone-elses-bucket", prefix: "alb", enabled: true } });
      });
      assert.deepEqual(rules, ["alb-access-log-bucket"]);
      assert.match(g.rejections[0].message, /^access log bucket someone-elses-bucket is not created by this program/);
    });

    it("wants eu-west-1's ELB account in eu-west-1", async () => {
      const bad = await fired(loggingAlb({ region: "eu-west-1" }), "eu-west-1");
      assert.deepEqual(bad.rules, ["alb-access-log-bucket"]);
      assert.match(bad.g.rejections[0].message, /must allow arn:aws:iam::156460612806:root s3:PutObject/);
      const good = await fired(loggingAlb({ region: "eu-west-1", principal: { AWS: "arn:aws:iam::156460612806:root" } }), "eu-west-1");
      assert.deepEqual(good.rules, []);
    });

    it("fails for the aws:alb/loadBalancer alias token", async () => {
      const { rules, g } = await fired(loggingAlb({ principal: null, alias: true }));
      assert.deepEqual(rules, ["alb-access-log-bucket"]);
      assert.match(g.rejections[0].urn, /aws:alb\/loadBalancer:LoadBalancer::alb$/);
    });
  });
});

describe("AWS compute rules: edge cases", () => {
  it("stays quiet for an ALB on two subnets created outside the program", async () => {
    const { rules } = await fired(() => {
      new aws.lb.LoadBalancer("alb", { subnets: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"] });
    });
    assert.deepEqual(rules, []);
  });

  it("fails when an ALB is given no subnets", async () => {
    const { rules } = await fired(() => {
      new aws.lb.LoadBalancer("alb", { subnets: [] });
    });
    assert.deepEqual(rules, ["alb-subnets"]);
  });

  it("reads a bucket policy given as an object, with a single statement and a wildcard action", async () => {
    const { rules } = await fired(() => {
      const net = network();
      const bucket = new aws.s3.Bucket("logs");
      new aws.s3.BucketPolicy("logs", {
        bucket: bucket.id,
        policy: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${US_EAST_1_ELB}:root` },
              Action: "s3:Put*",
              Resource: pulumi.interpolate`${bucket.arn}/alb/AWSLogs/${ACCOUNT}/*`,
            },
          ],
        },
      });
      alb(net, { accessLogs: { bucket: bucket.bucket, prefix: "alb", enabled: true } });
    });
    assert.deepEqual(rules, []);
  });

  it("fails when a Deny statement takes back the log writer's Allow", async () => {
    const { rules: denied } = await fired(() => {
      const net = network();
      const bucket = new aws.s3.Bucket("logs");
      new aws.s3.BucketPolicy("logs", {
        bucket: bucket.id,
        policy: pulumi.jsonStringify({
          Statement: [
            {
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${US_EAST_1_ELB}:root` },
              Action: "s3:PutObject",
              Resource: pulumi.interpolate`${bucket.arn}/*`,
            },
            { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: pulumi.interpolate`${bucket.arn}/alb/*` },
          ],
        }),
      });
      alb(net, { accessLogs: { bucket: bucket.bucket, prefix: "alb", enabled: true } });
    });
    assert.deepEqual(denied, ["alb-access-log-bucket"]);
  });

  it("stays quiet for a launch template without an instance type, and an instance launched from a template", async () => {
    const { rules } = await fired(() => {
      const net = network();
      const lt = new aws.ec2.LaunchTemplate("lt", { imageId: ARM_AMI });
      new aws.ec2.Instance("vm", { subnetId: net.a.id, launchTemplate: { id: lt.id } });
    });
    assert.deepEqual(rules, []);
  });

  it("stays quiet for an attached instance with no subnet (default VPC)", async () => {
    const { rules } = await fired(() => {
      const tg = new aws.lb.TargetGroup("tg", { port: 80, protocol: "HTTP", vpcId: "vpc-0default00000000" });
      const vm = new aws.ec2.Instance("vm", { ami: ARM_AMI, instanceType: "t4g.micro" });
      new aws.lb.TargetGroupAttachment("a", { targetGroupArn: tg.arn, targetId: vm.id });
    });
    assert.deepEqual(rules, []);
  });

  it("fails when a lambda target group's interval is not above its 30 s default timeout", async () => {
    const { rules } = await fired(() => {
      new aws.lb.TargetGroup("fn", { targetType: "lambda", healthCheck: { interval: 20, enabled: true } });
    });
    assert.deepEqual(rules, ["target-group-health-check"]);
  });

  it("fails when a TLS listener has no certificate", async () => {
    const { g } = await fired(() => {
      const net = network();
      const nlb = new aws.lb.LoadBalancer("nlb", { loadBalancerType: "network", subnets: [net.a.id, net.b.id] });
      const tg = new aws.lb.TargetGroup("tcp", { port: 443, protocol: "TCP", vpcId: net.vpc.id });
      new aws.lb.Listener("tls", {
        loadBalancerArn: nlb.arn,
        port: 443,
        protocol: "TLS",
        defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
      });
    });
    assert.match(messages(g, "https-listener-certificate"), /A certificate must be specified for TLS listeners/);
  });

  it("fails when an inline rule has a reversed range or references a group of another VPC", async () => {
    const { g } = await fired(() => {
      const net = network();
      const other = network("other", { octet: 1 });
      const foreign = new aws.ec2.SecurityGroup("foreign", { vpcId: other.vpc.id });
      new aws.ec2.SecurityGroup("inline", {
        vpcId: net.vpc.id,
        ingress: [
          { protocol: "TCP", fromPort: 443, toPort: 80, cidrBlocks: ["10.0.0.0/16"] },
          { protocol: "tcp", fromPort: 80, toPort: 80, securityGroups: [foreign.id] },
        ],
        egress: [{ protocol: "-1", fromPort: 0, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }],
      });
    });
    assert.match(messages(g, "security-group-rule-ports"), /inline ingress\[0\]: fromPort 443 is greater than toPort 80/);
    assert.match(messages(g, "security-group-rule-ports"), /inline egress\[0\]: protocol -1 covers every port/);
    assert.match(
      messages(g, "security-group-same-network"),
      /inline ingress\[1\]: group inline .* and referenced group foreign .* belong to different networks/,
    );
  });
});
