import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import {
  accessLogs,
  desyncMitigation,
  dropInvalidHeaders,
  encryptedTargetProtocol,
  httpRedirectsToHttps,
  lbDeletionProtection,
  multiAzLoadBalancer,
  noWorldHttpIngress,
  secureListenerProtocol,
  strongTlsPolicy,
  targetGroupHealthCheck,
  wafOnPublicAlb,
} from "../src";
import { twoAzNetwork, violations } from "./support";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

function alb(args: Partial<aws.lb.LoadBalancerArgs> = {}, alias = false) {
  const { a, b } = twoAzNetwork();
  const all: aws.lb.LoadBalancerArgs = { subnets: [a.id, b.id], ...args };
  return alias ? new aws.alb.LoadBalancer("alb", all as aws.alb.LoadBalancerArgs) : new aws.lb.LoadBalancer("alb", all);
}

function listener(args: Partial<aws.lb.ListenerArgs>, alias = false) {
  const lb = alb();
  const all: aws.lb.ListenerArgs = {
    loadBalancerArn: lb.arn,
    port: 443,
    protocol: "HTTPS",
    defaultActions: [
      { type: "forward", targetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef" },
    ],
    ...args,
  };
  return alias ? new aws.alb.Listener("l", all) : new aws.lb.Listener("l", all);
}

const REDIRECT = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];

describe("ELB policies", () => {
  describe("elb-http-listener-redirects-to-https (row 1)", () => {
    it("stays quiet on an 80→443 HTTPS redirect", async () => {
      assert.deepEqual(
        await violations(httpRedirectsToHttps, () => listener({ port: 80, protocol: "HTTP", defaultActions: REDIRECT })),
        [],
      );
    });
    it("fails when an HTTP listener forwards", async () => {
      assert.deepEqual(
        await violations(httpRedirectsToHttps, () =>
          listener({ port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "arn" }] }),
        ),
        ["l: HTTP listener on port 80 forwards instead of redirecting to HTTPS"],
      );
    });
    it("fails when the redirect leaves the protocol or port implicit", async () => {
      assert.deepEqual(
        await violations(httpRedirectsToHttps, () =>
          listener({ port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { statusCode: "HTTP_301" } }] }),
        ),
        ["l: the redirect's protocol is unset, not an explicit HTTPS", "l: the port-80 redirect goes to port unset, not 443"],
      );
    });
    it("matches the aws:alb/listener alias", async () => {
      assert.equal(
        (
          await violations(httpRedirectsToHttps, () =>
            listener({ port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "arn" }] }, true),
          )
        ).length,
        1,
      );
    });
  });

  describe("elb-listener-uses-secure-protocol (row 2)", () => {
    it("stays quiet on HTTPS", async () => {
      assert.deepEqual(await violations(secureListenerProtocol, () => listener({ certificateArn: CERT })), []);
    });
    it("fails when a listener speaks HTTP, even to redirect", async () => {
      assert.deepEqual(await violations(secureListenerProtocol, () => listener({ port: 80, protocol: "HTTP", defaultActions: REDIRECT })), [
        "l: listener on port 80 uses HTTP",
      ]);
    });
  });

  describe("elb-listener-strong-tls-policy (row 3)", () => {
    it("stays quiet on ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", async () => {
      assert.deepEqual(
        await violations(strongTlsPolicy, () =>
          listener({ certificateArn: CERT, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" }),
        ),
        [],
      );
    });
    it("fails when the policy is TLS13-1-2-2021-06, which ELB.17 rejects", async () => {
      assert.deepEqual(
        await violations(strongTlsPolicy, () => listener({ certificateArn: CERT, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" })),
        ["l: sslPolicy ELBSecurityPolicy-TLS13-1-2-2021-06 is not a TLS 1.3 policy of ELB.17"],
      );
    });
    it("fails when the policy is left to AWS's default", async () => {
      assert.deepEqual(await violations(strongTlsPolicy, () => listener({ certificateArn: CERT })), [
        "l: sslPolicy is unset (AWS uses ELBSecurityPolicy-2016-08) is not a TLS 1.3 policy of ELB.17",
      ]);
    });
  });

  describe("load balancer settings (rows 4-7)", () => {
    const good = {
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      enableDeletionProtection: true,
      accessLogs: { bucket: "logs", enabled: true },
    };
    for (const [policy, bad, message] of [
      [dropInvalidHeaders, { dropInvalidHeaderFields: false }, "dropInvalidHeaderFields is not true (it defaults to false)"],
      [desyncMitigation, { desyncMitigationMode: "monitor" }, "desyncMitigationMode is monitor"],
      [accessLogs, { accessLogs: { bucket: "logs", enabled: false } }, "accessLogs is not enabled with a bucket"],
      [lbDeletionProtection, { enableDeletionProtection: false }, "enableDeletionProtection is not true"],
    ] as const) {
      it(`stays quiet when ${policy.name} is met`, async () => {
        assert.deepEqual(await violations(policy, () => alb(good)), []);
      });
      it(`fails ${policy.name} with ${JSON.stringify(bad)}`, async () => {
        assert.deepEqual(await violations(policy, () => alb({ ...good, ...bad })), [`alb: ${message}`]);
      });
      it(`fails ${policy.name} on the aws:alb/loadBalancer alias`, async () => {
        assert.deepEqual(await violations(policy, () => alb({ ...good, ...bad }, true)), [`alb: ${message}`]);
      });
    }
  });

  describe("elb-spans-two-azs (row 8)", () => {
    it("stays quiet on subnets and targets in two AZs", async () => {
      const found = await violations(multiAzLoadBalancer, () => {
        const { vpc, a, b } = twoAzNetwork();
        new aws.lb.LoadBalancer("alb", { subnets: [a.id, b.id] });
        const tg = new aws.lb.TargetGroup("tg", { port: 80, protocol: "HTTP", vpcId: vpc.id });
        for (const [i, s] of [a, b].entries()) {
          const vm = new aws.ec2.Instance(`vm${i}`, { ami: "ami-05b4ded3ceb71e470", instanceType: "t4g.micro", subnetId: s.id });
          new aws.lb.TargetGroupAttachment(`t${i}`, { targetGroupArn: tg.arn, targetId: vm.id });
        }
      });
      assert.deepEqual(found, []);
    });
    it("fails when every target is in one AZ", async () => {
      const found = await violations(multiAzLoadBalancer, () => {
        const { vpc, a } = twoAzNetwork();
        const tg = new aws.lb.TargetGroup("tg", { port: 80, protocol: "HTTP", vpcId: vpc.id });
        for (const i of [0, 1]) {
          const vm = new aws.ec2.Instance(`vm${i}`, { ami: "ami-05b4ded3ceb71e470", instanceType: "t4g.micro", subnetId: a.id });
          new aws.lb.TargetGroupAttachment(`t${i}`, { targetGroupArn: tg.arn, targetId: vm.id });
        }
      });
      assert.deepEqual(found, ["tg: registered targets cover 1 AZ"]);
    });
    it("fails when the load balancer's subnets are in one AZ", async () => {
      const found = await violations(multiAzLoadBalancer, () => {
        const { a } = twoAzNetwork();
        new aws.lb.LoadBalancer("alb", { subnets: [a.id] });
      });
      assert.deepEqual(found, ["alb: subnets cover 1 AZ"]);
    });
    it("stays quiet on two subnets and two targets outside the stack, whose AZs it cannot know", async () => {
      const found = await violations(multiAzLoadBalancer, () => {
        const { a } = twoAzNetwork();
        new aws.lb.LoadBalancer("alb", { subnets: [a.id, "subnet-0b1c2d3e4f5a6b7c8"] });
        new aws.lb.LoadBalancer("nlb", { loadBalancerType: "network", subnets: ["subnet-0a1b2c3d4e5f6a7b8", "subnet-0b1c2d3e4f5a6b7c8"] });
        const tg = new aws.lb.TargetGroup("tg", { port: 80, protocol: "HTTP", vpcId: "vpc-0a1b2c3d4e5f60718" });
        for (const [i, id] of ["i-0a1b2c3d4e5f6a7b8", "i-0b1c2d3e4f5a6b7c8"].entries())
          new aws.lb.TargetGroupAttachment(`t${i}`, { targetGroupArn: tg.arn, targetId: id });
      });
      assert.deepEqual(found, []);
    });
    it("fails when the load balancer lists a single subnet outside the stack", async () => {
      const found = await violations(multiAzLoadBalancer, () => {
        new aws.lb.LoadBalancer("nlb", { loadBalancerType: "network", subnets: ["subnet-0a1b2c3d4e5f6a7b8"] });
      });
      assert.deepEqual(found, ["nlb: lists only subnet subnet-0a1b2c3d4e5f6a7b8, not in this stack (AZ unknown)"]);
    });
  });

  describe("elb-waf-on-public-alb (row 9)", () => {
    it("stays quiet when a web ACL is associated, and for an internal ALB", async () => {
      const found = await violations(wafOnPublicAlb, () => {
        const lb = alb();
        const acl = new aws.wafv2.WebAcl("acl", {
          scope: "REGIONAL",
          defaultAction: { allow: {} },
          visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "acl", sampledRequestsEnabled: true },
        });
        new aws.wafv2.WebAclAssociation("acl", { resourceArn: lb.arn, webAclArn: acl.arn });
      });
      assert.deepEqual(found, []);
      assert.deepEqual(await violations(wafOnPublicAlb, () => alb({ internal: true })), []);
    });
    it("fails when an internet-facing ALB has no web ACL", async () => {
      assert.deepEqual(await violations(wafOnPublicAlb, () => alb()), [
        "alb: no WAFv2 web ACL is associated with this internet-facing ALB",
      ]);
    });
  });

  describe("target group encryption (rows 10-11)", () => {
    it("stays quiet on an HTTPS target group with an HTTPS health check", async () => {
      const tg = () =>
        new aws.lb.TargetGroup("tg", {
          port: 443,
          protocol: "HTTPS",
          vpcId: "vpc-1",
          healthCheck: { path: "/healthz", protocol: "HTTPS" },
        });
      assert.deepEqual(await violations(targetGroupHealthCheck, tg), []);
      assert.deepEqual(await violations(encryptedTargetProtocol, tg), []);
    });
    it("fails when the health check has no path or probes over HTTP", async () => {
      assert.deepEqual(
        await violations(targetGroupHealthCheck, () => new aws.lb.TargetGroup("tg", { port: 80, protocol: "HTTP", vpcId: "vpc-1" })),
        ["tg: healthCheck.path is not set", "tg: healthCheck.protocol is HTTP, not HTTPS"],
      );
    });
    it("fails when the target group forwards over HTTP, on the aws:alb alias too", async () => {
      assert.deepEqual(
        await violations(encryptedTargetProtocol, () => new aws.alb.TargetGroup("tg", { port: 80, protocol: "HTTP", vpcId: "vpc-1" })),
        ["tg: protocol is HTTP, not HTTPS"],
      );
    });
  });

  describe("sg-no-world-ingress-on-port-80 (CKV_AWS_260)", () => {
    it("stays quiet on world 443 and on port 80 from a group", async () => {
      const found = await violations(noWorldHttpIngress, () => {
        const { vpc } = twoAzNetwork();
        const sg = new aws.ec2.SecurityGroup("sg", { vpcId: vpc.id, description: "d" });
        new aws.vpc.SecurityGroupIngressRule("https", {
          securityGroupId: sg.id,
          cidrIpv4: "0.0.0.0/0",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
        });
        new aws.vpc.SecurityGroupIngressRule("peer", {
          securityGroupId: sg.id,
          referencedSecurityGroupId: sg.id,
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 80,
        });
      });
      assert.deepEqual(found, []);
    });
    it("fails on a standalone rule opening 80 to ::/0", async () => {
      const found = await violations(noWorldHttpIngress, () => {
        new aws.vpc.SecurityGroupIngressRule("http6", {
          securityGroupId: "sg-1",
          cidrIpv6: "::/0",
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 80,
        });
      });
      assert.deepEqual(found, ["http6: http6 admits the internet on port 80"]);
    });
    it("fails on an inline rule whose range covers 80", async () => {
      const found = await violations(noWorldHttpIngress, () => {
        new aws.ec2.SecurityGroup("sg", {
          vpcId: "vpc-1",
          ingress: [{ protocol: "tcp", fromPort: 1, toPort: 1024, cidrBlocks: ["0.0.0.0/0"] }],
        });
      });
      assert.deepEqual(found, ["sg: sg ingress[0] admits the internet on port 80"]);
    });
  });
});
