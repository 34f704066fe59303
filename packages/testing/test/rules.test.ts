import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { AwsRejectionError, runProgram } from "../src";
import { fired } from "./support";

/** A VPC with a public subnet routed to an internet gateway: the good baseline each rule is tested against. */
function publicNetwork(opts: { subnetCidr?: string; az?: string; secondSubnet?: string } = {}) {
  const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
  const subnet = new aws.ec2.Subnet("public", {
    vpcId: vpc.id,
    cidrBlock: opts.subnetCidr ?? "10.0.0.0/24",
    availabilityZone: opts.az ?? "us-east-1a",
  });
  if (opts.secondSubnet) new aws.ec2.Subnet("other", { vpcId: vpc.id, cidrBlock: opts.secondSubnet, availabilityZone: "us-east-1b" });
  const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
  const table = new aws.ec2.RouteTable("public", { vpcId: vpc.id });
  new aws.ec2.Route("internet", { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
  new aws.ec2.RouteTableAssociation("public", { subnetId: subnet.id, routeTableId: table.id });
  return { vpc, subnet, igw, table };
}

describe("AWS rules", () => {
  it("stays quiet on a well-formed public network with a NAT gateway", async () => {
    const { rules } = await fired(() => {
      const { subnet } = publicNetwork({ secondSubnet: "10.0.1.0/24" });
      const eip = new aws.ec2.Eip("nat", { domain: "vpc" });
      new aws.ec2.NatGateway("nat", { subnetId: subnet.id, allocationId: eip.id });
    });
    assert.deepEqual(rules, []);
  });

  it("throws every rejection at once when enforcing (the default)", async () => {
    await assert.rejects(
      runProgram(() => publicNetwork({ subnetCidr: "10.1.0.0/24", az: "us-east-1z" }), { stack: "test" }),
      (err: unknown) => {
        assert.ok(err instanceof AwsRejectionError);
        assert.deepEqual(err.rejections.map((r) => r.rule).sort(), ["subnet-az-in-region", "subnet-cidr-in-vpc"]);
        return true;
      },
    );
  });

  describe("subnet-cidr-in-vpc", () => {
    it("fails when a subnet block is outside its VPC", async () => {
      const { rules, g } = await fired(() => publicNetwork({ subnetCidr: "10.1.0.0/24" }));
      assert.deepEqual(rules, ["subnet-cidr-in-vpc"]);
      assert.match(g.rejections[0].message, /InvalidSubnet\.Range: subnet 10\.1\.0\.0\/24 is outside VPC vpc \(10\.0\.0\.0\/16\)/);
    });

    it("fails when two subnets of a VPC overlap", async () => {
      const { rules, g } = await fired(() => publicNetwork({ subnetCidr: "10.0.0.0/23", secondSubnet: "10.0.1.0/24" }));
      assert.deepEqual(rules, ["subnet-cidr-in-vpc"]);
      assert.match(g.rejections[0].message, /InvalidSubnet\.Conflict: subnet 10\.0\.1\.0\/24 overlaps public \(10\.0\.0\.0\/23\)/);
    });

    it("accepts a subnet equal to the whole VPC block", async () => {
      const { rules } = await fired(() => publicNetwork({ subnetCidr: "10.0.0.0/16" }));
      assert.deepEqual(rules, []);
    });
  });

  describe("cidr-block-size", () => {
    it("fails when a block is larger than /16, smaller than /28 or has host bits set", async () => {
      const { g } = await fired(() => {
        const vpc = new aws.ec2.Vpc("big", { cidrBlock: "10.0.0.0/8" });
        new aws.ec2.Subnet("tiny", { vpcId: vpc.id, cidrBlock: "10.0.0.0/29", availabilityZone: "us-east-1a" });
        new aws.ec2.Vpc("hosty", { cidrBlock: "10.0.0.1/16" });
      });
      const msgs = g.rejections.filter((r) => r.rule === "cidr-block-size").map((r) => r.message);
      assert.equal(msgs.length, 3);
      assert.match(msgs.join("\n"), /10\.0\.0\.0\/8 has a \/8 netmask/);
      assert.match(msgs.join("\n"), /10\.0\.0\.0\/29 has a \/29 netmask/);
      assert.match(msgs.join("\n"), /10\.0\.0\.1\/16 has host bits set; AWS expects 10\.0\.0\.0\/16/);
    });
  });

  describe("subnet-az-in-region", () => {
    it("fails when a subnet names a zone outside the provider's region", async () => {
      const { rules, g } = await fired(() => publicNetwork({ az: "eu-west-1a" }));
      assert.deepEqual(rules, ["subnet-az-in-region"]);
      assert.match(g.rejections[0].message, /availabilityZone eu-west-1a is not in region us-east-1/);
    });

    it("stays quiet for a zone of the configured region", async () => {
      const { rules } = await fired(() => publicNetwork({ az: "eu-west-1c" }), "eu-west-1");
      assert.deepEqual(rules, []);
    });
  });

  describe("route-table-association-same-vpc", () => {
    it("fails when the subnet and the route table are in different VPCs", async () => {
      const { rules, g } = await fired(() => {
        const { subnet } = publicNetwork();
        const other = new aws.ec2.Vpc("other", { cidrBlock: "10.1.0.0/16" });
        const table = new aws.ec2.RouteTable("foreign", { vpcId: other.id });
        new aws.ec2.RouteTableAssociation("cross", { subnetId: subnet.id, routeTableId: table.id });
      });
      assert.deepEqual(rules, ["route-table-association-same-vpc"]);
      assert.match(g.rejections[0].message, /belong to different networks/);
    });
  });

  describe("nat-gateway-in-public-subnet", () => {
    it("fails when the NAT gateway's subnet has no route to an internet gateway", async () => {
      const { rules, g } = await fired(() => {
        const { vpc } = publicNetwork();
        const isolated = new aws.ec2.Subnet("isolated", { vpcId: vpc.id, cidrBlock: "10.0.9.0/24", availabilityZone: "us-east-1a" });
        const eip = new aws.ec2.Eip("nat", { domain: "vpc" });
        new aws.ec2.NatGateway("nat", { subnetId: isolated.id, allocationId: eip.id });
      });
      assert.deepEqual(rules, ["nat-gateway-in-public-subnet"]);
      assert.match(g.rejections[0].message, /subnet isolated has no 0\.0\.0\.0\/0 route to an internet gateway/);
    });

    it("stays quiet when the subnet has no association and the VPC's main route table reaches the internet gateway", async () => {
      const { rules } = await fired(() => {
        const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
        const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
        const main = new aws.ec2.RouteTable("main", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
        new aws.ec2.MainRouteTableAssociation("main", { vpcId: vpc.id, routeTableId: main.id });
        const subnet = new aws.ec2.Subnet("s", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1a" });
        const eip = new aws.ec2.Eip("nat", { domain: "vpc" });
        new aws.ec2.NatGateway("nat", { subnetId: subnet.id, allocationId: eip.id });
      });
      assert.deepEqual(rules, []);
    });

    it("fails when the route goes to an internet gateway of another VPC", async () => {
      const { rules } = await fired(() => {
        const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
        const other = new aws.ec2.Vpc("other", { cidrBlock: "10.1.0.0/16" });
        const subnet = new aws.ec2.Subnet("s", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1a" });
        const igw = new aws.ec2.InternetGateway("igw", { vpcId: other.id });
        const table = new aws.ec2.RouteTable("t", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
        new aws.ec2.RouteTableAssociation("a", { subnetId: subnet.id, routeTableId: table.id });
        const eip = new aws.ec2.Eip("nat", { domain: "vpc" });
        new aws.ec2.NatGateway("nat", { subnetId: subnet.id, allocationId: eip.id });
      });
      assert.deepEqual(rules, ["nat-gateway-in-public-subnet"]);
    });
  });

  describe("unique-urn", () => {
    it("fails when two resources of one type share a logical name under the same parent", async () => {
      const { rules, g } = await fired(() => {
        new aws.ec2.Vpc("same", { cidrBlock: "10.0.0.0/16" });
        new aws.ec2.Vpc("same", { cidrBlock: "10.1.0.0/16" });
      });
      assert.deepEqual(rules, ["unique-urn"]);
      assert.match(g.rejections[0].message, /Duplicate resource URN 'urn:pulumi:test::project::aws:ec2\/vpc:Vpc::same'/);
    });

    it("stays quiet when the same name is used for different types", async () => {
      const { rules } = await fired(() => {
        const vpc = new aws.ec2.Vpc("same", { cidrBlock: "10.0.0.0/16" });
        new aws.ec2.InternetGateway("same", { vpcId: vpc.id });
      });
      assert.deepEqual(rules, []);
    });
  });

  describe("physical-name-limits", () => {
    it("fails when auto-naming takes an ALB name past 32 characters", async () => {
      const { rules, g } = await fired(() => {
        const { subnet } = publicNetwork({ secondSubnet: "10.0.1.0/24" });
        new aws.lb.LoadBalancer("a-load-balancer-named-at-length", { subnets: [subnet.id, "subnet-0123456789abcdef0"] });
      });
      assert.deepEqual(rules, ["physical-name-limits"]);
      assert.match(g.rejections[0].message, /is 39 characters; the limit is 32\. Shorten the logical name to at most 24 characters/);
    });

    it("fails when a target group's given name is too long or has an underscore", async () => {
      const { g } = await fired(() => {
        new aws.lb.TargetGroup("a", { name: "x".repeat(33), port: 80, protocol: "HTTP", vpcId: "vpc-1" });
        new aws.lb.TargetGroup("b", { name: "web_tg", port: 80, protocol: "HTTP", vpcId: "vpc-1" });
      });
      assert.deepEqual(
        g.rejections.map((r) => r.rule),
        ["physical-name-limits", "physical-name-limits"],
      );
    });

    it("fails when a dashboard name has a space or runs past 255 characters", async () => {
      const { rules, g } = await fired(() => {
        new aws.cloudwatch.Dashboard("spaced", { dashboardName: "web tier", dashboardBody: JSON.stringify({ widgets: [] }) });
        new aws.cloudwatch.Dashboard("long", { dashboardName: "d".repeat(256), dashboardBody: JSON.stringify({ widgets: [] }) });
      });
      assert.deepEqual(rules, ["physical-name-limits"]);
      assert.deepEqual(
        g.rejections.map((r) => r.message),
        [
          'dashboard name "web tier" (given) has characters the service refuses (^[A-Za-z0-9_-]+$)',
          `dashboard name "${"d".repeat(256)}" (given) is 256 characters; the limit is 255. Shorten the dashboardName to at most 255 characters`,
        ],
      );
    });

    it("fails when a KMS alias has a character KMS refuses or takes the reserved alias/aws/ prefix", async () => {
      const { rules, g } = await fired(() => {
        new aws.kms.Alias("dotted", { name: "alias/web-infra-feature.x-logs", targetKeyId: "k" });
        new aws.kms.Alias("reserved", { name: "alias/aws/logs", targetKeyId: "k" });
        new aws.kms.Alias("fine", { name: "alias/team/web-infra_logs", targetKeyId: "k" });
      });
      assert.deepEqual(rules, ["physical-name-limits"]);
      assert.deepEqual(
        g.rejections.map((r) => r.message),
        [
          'KMS alias name "alias/web-infra-feature.x-logs" (given) has characters the service refuses (^alias\\/(?!aws\\/)[A-Za-z0-9/_-]+$)',
          'KMS alias name "alias/aws/logs" (given) has characters the service refuses (^alias\\/(?!aws\\/)[A-Za-z0-9/_-]+$)',
        ],
      );
    });

    it("stays quiet for a 255-character dashboard name of letters, digits, dashes and underscores, and keeps it as given", async () => {
      const name = `web-tier_prod-2-${"d".repeat(239)}`;
      const { rules, g } = await fired(() => {
        new aws.cloudwatch.Dashboard("web", { dashboardName: name, dashboardBody: JSON.stringify({ widgets: [] }) });
      });
      assert.deepEqual(rules, []);
      assert.equal(g.get("aws:cloudwatch/dashboard:Dashboard", "web").state["dashboardName"], name);
    });

    it("stays quiet at exactly 24 characters of logical name (24 + 8 = 32)", async () => {
      const { rules } = await fired(() => {
        const { subnet } = publicNetwork({ secondSubnet: "10.0.1.0/24" });
        new aws.lb.LoadBalancer("x".repeat(24), { subnets: [subnet.id, "subnet-0123456789abcdef0"] });
      });
      assert.deepEqual(rules, []);
    });
  });
});
