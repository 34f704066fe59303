import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { analyzeAzLoss, analyzeEveryAz, RDS_FAILOVER, renderAzLoss, runProgram, RunResult, zonesUsed } from "../src";

const ARM_AMI = "ami-05b4ded3ceb71e470";
const A = "us-east-1a";
const B = "us-east-1b";
const DB = "aws:rds/instance:Instance";

/** Run a program that AWS would accept (the harness throws otherwise). */
function run(program: () => void): Promise<RunResult> {
  return runProgram(program, { stack: "test", config: { "aws:region": "us-east-1" } });
}

type Zone = "a" | "b";
const ZONES: readonly Zone[] = ["a", "b"];

interface Network {
  vpc: aws.ec2.Vpc;
  public: Record<Zone, aws.ec2.Subnet>;
  private: Record<Zone, aws.ec2.Subnet>;
  /** The private subnets' associations and default routes: what a server that downloads at boot waits for. */
  privateEgress: pulumi.Resource[];
}

/**
 * A VPC over us-east-1a and us-east-1b: public subnets routing 0.0.0.0/0 to an
 * internet gateway, NAT gateways in the public subnets (one in us-east-1a, or
 * one per AZ), and private subnets each routing 0.0.0.0/0 to their NAT.
 */
function network(nats: "one" | "per-az"): Network {
  const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true });
  const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
  const publicTable = new aws.ec2.RouteTable("public", { vpcId: vpc.id });
  new aws.ec2.Route("public-default", { routeTableId: publicTable.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
  const pub = {} as Record<Zone, aws.ec2.Subnet>;
  const priv = {} as Record<Zone, aws.ec2.Subnet>;
  const gateways = {} as Record<Zone, aws.ec2.NatGateway>;
  const privateEgress: pulumi.Resource[] = [];
  ZONES.forEach((z, i) => {
    pub[z] = new aws.ec2.Subnet(`public-${z}`, {
      vpcId: vpc.id,
      cidrBlock: `10.0.${i}.0/24`,
      availabilityZone: `us-east-1${z}`,
      mapPublicIpOnLaunch: true,
    });
    new aws.ec2.RouteTableAssociation(`public-${z}`, { subnetId: pub[z].id, routeTableId: publicTable.id });
  });
  for (const z of nats === "one" ? (["a"] as const) : ZONES) {
    const eip = new aws.ec2.Eip(`nat-${z}`, { domain: "vpc" });
    gateways[z] = new aws.ec2.NatGateway(`nat-${z}`, { allocationId: eip.id, subnetId: pub[z].id });
  }
  ZONES.forEach((z, i) => {
    priv[z] = new aws.ec2.Subnet(`private-${z}`, { vpcId: vpc.id, cidrBlock: `10.0.${10 + i}.0/24`, availabilityZone: `us-east-1${z}` });
    const table = new aws.ec2.RouteTable(`private-${z}`, { vpcId: vpc.id });
    const nat = gateways[z] ?? gateways.a;
    privateEgress.push(
      new aws.ec2.Route(`private-${z}-default`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }),
      new aws.ec2.RouteTableAssociation(`private-${z}`, { subnetId: priv[z].id, routeTableId: table.id }),
    );
  });
  return { vpc, public: pub, private: priv, privateEgress };
}

/** An internet-facing ALB on the public subnets and its target group. */
function alb(net: Network): aws.lb.TargetGroup {
  new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: [net.public.a.id, net.public.b.id] });
  return new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: net.vpc.id });
}

/** Servers in the given private subnets, each attached to the target group. */
function servers(net: Network, tg: aws.lb.TargetGroup, zones: readonly Zone[]): void {
  zones.forEach((z, i) => {
    const vm = new aws.ec2.Instance(`web-${i}`, { ami: ARM_AMI, instanceType: "t4g.micro", subnetId: net.private[z].id });
    new aws.lb.TargetGroupAttachment(`web-${i}`, { targetGroupArn: tg.arn, targetId: vm.id, port: 80 });
  });
}

interface DatabaseOptions {
  /** The primary: Multi-AZ, or single-AZ in the given zone. */
  primary: { multiAz: true } | { multiAz: false; zone: string };
  /** Zones of read replicas, one each. */
  replicas?: readonly string[];
}

/** A MySQL primary in the private subnets, with read replicas of it by ARN. */
function database(net: Network, opts: DatabaseOptions): void {
  const subnets = new aws.rds.SubnetGroup("db", { subnetIds: [net.private.a.id, net.private.b.id] });
  const primary = new aws.rds.Instance("primary", {
    engine: "mysql",
    engineVersion: "8.4",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    identifier: "db-primary",
    username: "webinfra",
    password: "Str0ng!Passw0rd",
    dbSubnetGroupName: subnets.name,
    backupRetentionPeriod: 1,
    skipFinalSnapshot: true,
    multiAz: opts.primary.multiAz,
    availabilityZone: opts.primary.multiAz ? undefined : opts.primary.zone,
  });
  (opts.replicas ?? []).forEach(
    (zone, i) =>
      new aws.rds.Instance(`replica-${i}`, {
        replicateSourceDb: primary.arn,
        instanceClass: "db.t4g.micro",
        identifier: `db-replica-${i}`,
        availabilityZone: zone,
        skipFinalSnapshot: true,
      }),
  );
}

/** A boot script that installs packages, as launch templates take it (base64). */
const INSTALLS = Buffer.from("#!/bin/bash\ndnf install -y nginx\n", "utf8").toString("base64");

/** A launch template and an Auto Scaling group of `capacity` servers over the given private subnets. */
function autoScaling(
  net: Network,
  tg: aws.lb.TargetGroup,
  zones: readonly Zone[],
  capacity = 2,
  userData: string | undefined = INSTALLS,
): void {
  const template = new aws.ec2.LaunchTemplate("web", { imageId: ARM_AMI, instanceType: "t4g.micro", userData });
  new aws.autoscaling.Group(
    "web",
    {
      vpcZoneIdentifiers: zones.map((z) => net.private[z].id),
      minSize: capacity,
      maxSize: capacity * 2,
      desiredCapacity: capacity,
      launchTemplate: { id: template.id, version: "$Latest" },
      targetGroupArns: [tg.arn],
      healthCheckType: "ELB",
    },
    { dependsOn: net.privateEgress },
  );
}

describe("AZ loss analysis", () => {
  describe("zonesUsed and analyzeEveryAz", () => {
    it("lists the AZs of the graph's subnets, sorted and once each", async () => {
      const g = await run(() => {
        const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
        new aws.ec2.Subnet("c", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1c" });
        new aws.ec2.Subnet("a", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", availabilityZone: A });
        new aws.ec2.Subnet("a2", { vpcId: vpc.id, cidrBlock: "10.0.2.0/24", availabilityZone: A });
      });
      assert.deepEqual(zonesUsed(g), [A, "us-east-1c"]);
      assert.deepEqual(
        analyzeEveryAz(g).map((r) => r.az),
        [A, "us-east-1c"],
      );
    });

    it("analyzes one AZ per zone used, with nothing to lose in an empty VPC", async () => {
      const g = await run(() => void network("per-az"));
      const results = analyzeEveryAz(g);
      assert.deepEqual(
        results.map((r) => r.az),
        [A, B],
      );
      for (const r of results) {
        assert.deepEqual(r.web, { total: 0, inRotation: 0, afterRelaunch: 0, up: true });
        assert.deepEqual(r.alb, { subnets: 0, remaining: 0, up: true });
        assert.deepEqual(r.writes, { status: "none", detail: "no database" });
        assert.deepEqual(r.reads, { status: "none", via: [] });
        assert.deepEqual(r.spofs, []);
      }
    });
  });

  describe("egress", () => {
    it("a single NAT: losing its AZ cuts the other AZ's private subnet off the internet", async () => {
      const g = await run(() => void network("one"));
      const lost = analyzeAzLoss(g, A);
      assert.deepEqual(lost.egress, [{ subnet: "private-b", az: B, nat: "nat-a", natAz: A, up: false }]);
      assert.deepEqual(lost.spofs, ["egress: private-b (us-east-1b) reaches the internet only through nat-a in us-east-1a"]);
    });

    it("a single NAT: losing the other AZ leaves the NAT's own private subnet its egress", async () => {
      const g = await run(() => void network("one"));
      const lost = analyzeAzLoss(g, B);
      assert.deepEqual(lost.egress, [{ subnet: "private-a", az: A, nat: "nat-a", natAz: A, up: true }]);
      assert.deepEqual(lost.spofs, []);
    });

    it("a NAT per AZ: losing either AZ leaves the other private subnet its own NAT", async () => {
      const g = await run(() => void network("per-az"));
      assert.deepEqual(analyzeAzLoss(g, A).egress, [{ subnet: "private-b", az: B, nat: "nat-b", natAz: B, up: true }]);
      assert.deepEqual(analyzeAzLoss(g, B).egress, [{ subnet: "private-a", az: A, nat: "nat-a", natAz: A, up: true }]);
      for (const r of analyzeEveryAz(g)) assert.deepEqual(r.spofs, [], r.az);
    });

    it("follows a NAT route written inline in the route table", async () => {
      const inline = await run(() => {
        const net = network("one");
        const c = new aws.ec2.Subnet("private-c", { vpcId: net.vpc.id, cidrBlock: "10.0.12.0/24", availabilityZone: "us-east-1c" });
        const nat = new aws.ec2.NatGateway("nat-b", {
          allocationId: new aws.ec2.Eip("nat-b", { domain: "vpc" }).id,
          subnetId: net.public.b.id,
        });
        const table = new aws.ec2.RouteTable("private-c", {
          vpcId: net.vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
        });
        new aws.ec2.RouteTableAssociation("private-c", { subnetId: c.id, routeTableId: table.id });
      });
      const lost = analyzeAzLoss(inline, B);
      assert.deepEqual(lost.egress, [
        { subnet: "private-a", az: A, nat: "nat-a", natAz: A, up: true },
        { subnet: "private-c", az: "us-east-1c", nat: "nat-b", natAz: B, up: false },
      ]);
      assert.deepEqual(lost.spofs, ["egress: private-c (us-east-1c) reaches the internet only through nat-b in us-east-1b"]);
    });
  });

  describe("database", () => {
    it("a single-AZ primary in the lost AZ: writes are down, a single point of failure", async () => {
      const g = await run(() => database(network("per-az"), { primary: { multiAz: false, zone: A }, replicas: [B] }));
      const lost = analyzeAzLoss(g, A);
      assert.deepEqual(lost.writes, { status: "down", primary: "primary", detail: "primary is single-AZ in us-east-1a" });
      assert.deepEqual(lost.spofs, ["writes: primary is a single-AZ primary in us-east-1a"]);
    });

    it("a single-AZ primary outside the lost AZ keeps writing", async () => {
      const g = await run(() => database(network("per-az"), { primary: { multiAz: false, zone: A }, replicas: [B] }));
      const lost = analyzeAzLoss(g, B);
      assert.deepEqual(lost.writes, { status: "up", primary: "primary", detail: "primary is in us-east-1a" });
      assert.deepEqual(lost.spofs, []);
    });

    it("a Multi-AZ primary in the lost AZ fails over to its standby", async () => {
      const g = await run(() => database(network("per-az"), { primary: { multiAz: true } }));
      const az = String(g.get(DB, "primary").state["availabilityZone"]);
      assert.ok([A, B].includes(az), az);
      const lost = analyzeAzLoss(g, az);
      assert.deepEqual(lost.writes, {
        status: "failover",
        primary: "primary",
        detail: `primary fails over to its standby in another AZ (${RDS_FAILOVER})`,
      });
      assert.deepEqual(lost.spofs, []);
    });

    it("a replica outside the lost AZ keeps reads up through it, even with the writer down", async () => {
      const g = await run(() => database(network("per-az"), { primary: { multiAz: false, zone: A }, replicas: [B] }));
      const lost = analyzeAzLoss(g, A);
      assert.equal(lost.writes.status, "down");
      assert.deepEqual(lost.reads, { status: "up", via: ["replica-0"] });
    });

    it("reads go only through the replicas that survive", async () => {
      const g = await run(() => database(network("per-az"), { primary: { multiAz: true }, replicas: [A, B] }));
      assert.deepEqual(analyzeAzLoss(g, A).reads, { status: "up", via: ["replica-1"] });
      assert.deepEqual(analyzeAzLoss(g, B).reads, { status: "up", via: ["replica-0"] });
    });

    it("no replica and the writer up: reads fall back to the writer only", async () => {
      const g = await run(() => database(network("per-az"), { primary: { multiAz: false, zone: A } }));
      const lost = analyzeAzLoss(g, B);
      assert.equal(lost.writes.status, "up");
      assert.deepEqual(lost.reads, { status: "writer-only", via: ["primary"] });
      assert.deepEqual(lost.spofs, []);
    });

    it("a replica in the lost AZ and the writer up: reads fall back to the writer only", async () => {
      const g = await run(() => database(network("per-az"), { primary: { multiAz: false, zone: A }, replicas: [B] }));
      assert.deepEqual(analyzeAzLoss(g, B).reads, { status: "writer-only", via: ["primary"] });
    });

    it("no replica and the writer down: reads are down too, a second single point of failure", async () => {
      const g = await run(() => database(network("per-az"), { primary: { multiAz: false, zone: A } }));
      const lost = analyzeAzLoss(g, A);
      assert.deepEqual(lost.reads, { status: "down", via: [] });
      assert.deepEqual(lost.spofs, [
        "writes: primary is a single-AZ primary in us-east-1a",
        "reads: no replica outside us-east-1a and the writer is down",
      ]);
    });
  });

  describe("web tier", () => {
    it("all servers in one AZ: losing it takes every server out of rotation", async () => {
      const g = await run(() => {
        const net = network("per-az");
        servers(net, alb(net), ["a", "a"]);
      });
      const lost = analyzeAzLoss(g, A);
      assert.deepEqual(lost.web, { total: 2, inRotation: 0, afterRelaunch: 0, up: false });
      assert.deepEqual(lost.spofs, ["web: every server behind the load balancer is in us-east-1a"]);
      assert.deepEqual(analyzeAzLoss(g, B).web, { total: 2, inRotation: 2, afterRelaunch: 2, up: true });
      assert.deepEqual(analyzeAzLoss(g, B).spofs, []);
    });

    it("servers spread over two AZs: losing one AZ leaves the other's in rotation", async () => {
      const g = await run(() => {
        const net = network("per-az");
        servers(net, alb(net), ["a", "b", "b"]);
      });
      assert.deepEqual(analyzeAzLoss(g, A).web, { total: 3, inRotation: 2, afterRelaunch: 2, up: true });
      assert.deepEqual(analyzeAzLoss(g, B).web, { total: 3, inRotation: 1, afterRelaunch: 1, up: true });
      for (const r of analyzeEveryAz(g)) assert.deepEqual(r.spofs, [], r.az);
    });

    it("counts a server attached to two target groups once", async () => {
      const g = await run(() => {
        const net = network("per-az");
        const tg = alb(net);
        const other = new aws.lb.TargetGroup("api", { port: 8080, protocol: "HTTP", vpcId: net.vpc.id });
        const vm = new aws.ec2.Instance("web-0", { ami: ARM_AMI, instanceType: "t4g.micro", subnetId: net.private.a.id });
        new aws.lb.TargetGroupAttachment("web", { targetGroupArn: tg.arn, targetId: vm.id, port: 80 });
        new aws.lb.TargetGroupAttachment("api", { targetGroupArn: other.arn, targetId: vm.id, port: 8080 });
      });
      assert.deepEqual(analyzeAzLoss(g, B).web, { total: 1, inRotation: 1, afterRelaunch: 1, up: true });
    });

    it("leaves servers that no target group serves out of the web count", async () => {
      const g = await run(() => {
        const net = network("per-az");
        alb(net);
        new aws.ec2.Instance("bastion", { ami: ARM_AMI, instanceType: "t4g.micro", subnetId: net.public.a.id });
      });
      assert.deepEqual(analyzeAzLoss(g, A).web, { total: 0, inRotation: 0, afterRelaunch: 0, up: true });
    });

    it("an Auto Scaling group over two AZs loses that AZ's share at once and relaunches it in the other", async () => {
      const g = await run(() => {
        const net = network("per-az");
        autoScaling(net, alb(net), ["a", "b"]);
      });
      for (const r of analyzeEveryAz(g)) {
        assert.deepEqual(r.web, { total: 2, inRotation: 1, afterRelaunch: 2, up: true }, r.az);
        assert.deepEqual(r.spofs, [], r.az);
      }
    });

    it("counts the larger share as lost when the servers do not divide evenly over the AZs", async () => {
      const g = await run(() => {
        const net = network("per-az");
        autoScaling(net, alb(net), ["a", "b"], 3);
      });
      assert.deepEqual(analyzeAzLoss(g, A).web, { total: 3, inRotation: 1, afterRelaunch: 3, up: true });
    });

    it("relaunches nothing where a new server's boot script cannot reach the internet: the only NAT was in the lost AZ", async () => {
      const g = await run(() => {
        const net = network("one");
        autoScaling(net, alb(net), ["a", "b"]);
      });
      assert.deepEqual(analyzeAzLoss(g, A).web, { total: 2, inRotation: 1, afterRelaunch: 1, up: true });
      assert.deepEqual(analyzeAzLoss(g, B).web, { total: 2, inRotation: 1, afterRelaunch: 2, up: true });
    });

    it("relaunches in a subnet without a way out when the boot script downloads nothing (an image with everything baked in)", async () => {
      const g = await run(() => {
        const net = network("one");
        autoScaling(net, alb(net), ["a", "b"], 2, Buffer.from("#!/bin/bash\nsystemctl enable --now app\n").toString("base64"));
      });
      assert.deepEqual(analyzeAzLoss(g, A).web, { total: 2, inRotation: 1, afterRelaunch: 2, up: true });
    });

    it("an Auto Scaling group in one AZ has nothing to refill into when that AZ is lost", async () => {
      const g = await run(() => {
        const net = network("per-az");
        autoScaling(net, alb(net), ["a"], 3);
      });
      const lost = analyzeAzLoss(g, A);
      assert.deepEqual(lost.web, { total: 3, inRotation: 0, afterRelaunch: 0, up: false });
      assert.deepEqual(lost.spofs, ["web: every server behind the load balancer is in us-east-1a"]);
      assert.deepEqual(analyzeAzLoss(g, B).web, { total: 3, inRotation: 3, afterRelaunch: 3, up: true });
    });

    it("adds Auto Scaling capacity to attached servers", async () => {
      const g = await run(() => {
        const net = network("per-az");
        const tg = alb(net);
        autoScaling(net, tg, ["b"], 2);
        servers(net, tg, ["a"]);
      });
      assert.deepEqual(analyzeAzLoss(g, A).web, { total: 3, inRotation: 2, afterRelaunch: 2, up: true });
      // The group is only in B: nothing to relaunch into.
      assert.deepEqual(analyzeAzLoss(g, B).web, { total: 3, inRotation: 1, afterRelaunch: 1, up: true });
    });
  });

  describe("load balancer", () => {
    it("an ALB on both public subnets keeps one subnet when either AZ is lost", async () => {
      const g = await run(() => void alb(network("per-az")));
      for (const r of analyzeEveryAz(g)) assert.deepEqual(r.alb, { subnets: 2, remaining: 1, up: true }, r.az);
    });

    it("an ALB whose subnets are all in the lost AZ goes down", async () => {
      const g = await runProgram(
        () => {
          const net = network("per-az");
          const extra = new aws.ec2.Subnet("public-a2", {
            vpcId: net.vpc.id,
            cidrBlock: "10.0.2.0/24",
            availabilityZone: A,
            mapPublicIpOnLaunch: true,
          });
          new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: [net.public.a.id, extra.id] });
        },
        { stack: "test", config: { "aws:region": "us-east-1" }, enforce: false },
      );
      // The setup is deliberately one AWS refuses: an ALB needs two AZs.
      assert.deepEqual([...new Set(g.rejections.map((r) => r.rule))], ["alb-subnets"]);
      const lost = analyzeAzLoss(g, A);
      assert.deepEqual(lost.alb, { subnets: 2, remaining: 0, up: false });
      assert.deepEqual(lost.spofs, ["load balancer: all its subnets are in us-east-1a"]);
      assert.deepEqual(analyzeAzLoss(g, B).alb, { subnets: 2, remaining: 2, up: true });
    });

    it("leaves internal load balancers out", async () => {
      const g = await run(() => {
        const net = network("per-az");
        new aws.lb.LoadBalancer("internal", {
          loadBalancerType: "application",
          internal: true,
          subnets: [net.private.a.id, net.private.b.id],
        });
      });
      assert.deepEqual(analyzeAzLoss(g, A).alb, { subnets: 0, remaining: 0, up: true });
    });
  });

  describe("renderAzLoss", () => {
    it("prints one row per AZ and says no AZ is a single point of failure", async () => {
      const g = await run(() => {
        const net = network("per-az");
        const tg = alb(net);
        autoScaling(net, tg, ["a", "b"]);
        database(net, { primary: { multiAz: true }, replicas: [A, B] });
      });
      const text = renderAzLoss(analyzeEveryAz(g));
      const lines = text.split("\n");
      assert.equal(lines.length, 5, text);
      assert.match(lines[0], /^AZ lost\s+web at once\s+web after relaunch\s+ALB subnets\s+private egress\s+writes\s+reads$/);
      assert.match(lines[1], /^us-east-1a\s+1\/2\s+2\/2\s+1\/2\s+1\/1\s+(up|fails over \(60–120 s\))\s+up \(replica-1\)$/);
      assert.match(lines[2], /^us-east-1b\s+1\/2\s+2\/2\s+1\/2\s+1\/1\s+(up|fails over \(60–120 s\))\s+up \(replica-0\)$/);
      assert.equal(lines[3], "");
      assert.equal(lines[4], "No single AZ is a single point of failure.");
    });

    it("aligns the columns under the header", async () => {
      const g = await run(() => void network("one"));
      const [header, ...rows] = renderAzLoss(analyzeEveryAz(g)).split("\n");
      const egressColumn = header.indexOf("private egress");
      assert.equal(rows[0].slice(egressColumn, egressColumn + 3), "0/1");
      assert.equal(rows[1].slice(egressColumn, egressColumn + 3), "1/1");
    });

    it("lists each AZ's single points of failure after the table", async () => {
      const g = await run(() => {
        const net = network("one");
        servers(net, alb(net), ["a"]);
        database(net, { primary: { multiAz: false, zone: A } });
      });
      const lines = renderAzLoss(analyzeEveryAz(g)).split("\n");
      assert.deepEqual(
        lines.slice(1, 3).map((l) => l.split(/\s{2,}/)),
        [
          ["us-east-1a", "0/1", "0/1", "1/2", "0/1", "DOWN", "DOWN"],
          ["us-east-1b", "1/1", "1/1", "1/2", "1/1", "up", "writer only"],
        ],
      );
      assert.deepEqual(lines.slice(3), [
        "",
        "Single points of failure:",
        "  ✗ losing us-east-1a: web: every server behind the load balancer is in us-east-1a",
        "  ✗ losing us-east-1a: egress: private-b (us-east-1b) reaches the internet only through nat-a in us-east-1a",
        "  ✗ losing us-east-1a: writes: primary is a single-AZ primary in us-east-1a",
        "  ✗ losing us-east-1a: reads: no replica outside us-east-1a and the writer is down",
      ]);
    });
  });
});
