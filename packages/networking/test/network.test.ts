import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { Connections, ValidationError } from "@web-infra/core";
import { registeredBefore, runProgram, RunResult } from "@web-infra/testing";
import { InterfaceEndpointService, Network, NetworkArgs, subnetCidr } from "../src";

const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE = "aws:ec2/route:Route";
const ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const NAT = "aws:ec2/natGateway:NatGateway";
const TABLE = "aws:ec2/routeTable:RouteTable";

/**
 * A network plus a log group with `dependsOn: network.privateEgress`, as a server would use it:
 * the probe's recorded dependencies are what the handle makes the engine wait for.
 */
async function privateEgressOf(args: NetworkArgs): Promise<{ g: RunResult; handle: string[] }> {
  const g = await runProgram(
    () => {
      const net = new Network("net", { flowLogs: { enabled: false }, ...args });
      new aws.cloudwatch.LogGroup("probe", { retentionInDays: 365 }, { dependsOn: net.privateEgress });
    },
    { stack: "test", config: { "aws:region": "us-east-1" } },
  );
  const probe = g.get("aws:cloudwatch/logGroup:LogGroup", "probe");
  const handle = probe.dependencies.map((urn) => {
    const r = g.byUrn(urn);
    return `${r?.type.split(":").pop() ?? urn} ${r?.name ?? ""}`;
  });
  return { g, handle: handle.sort() };
}

/** What each private subnet's egress is made of, read from the graph: its association, its table's 0.0.0.0/0 route, that route's NAT. */
function privateEgressInGraph(g: RunResult): string[] {
  const out = new Set<string>();
  for (const subnet of g.ofType(SUBNET).filter((s) => s.name.startsWith("net-private-"))) {
    const association = g.ofType(ASSOCIATION).find((a) => a.inputs["subnetId"] === subnet.id);
    assert.ok(association, `${subnet.name} has no route table association`);
    out.add(`RouteTableAssociation ${association.name}`);
    const route = g
      .ofType(ROUTE)
      .find((r) => r.inputs["routeTableId"] === association.inputs["routeTableId"] && r.inputs["destinationCidrBlock"] === "0.0.0.0/0");
    assert.ok(route, `${subnet.name}'s table has no default route`);
    out.add(`Route ${route.name}`);
    out.add(`NatGateway ${g.byId(route.inputs["natGatewayId"])?.name ?? "?"}`);
  }
  return [...out].sort();
}

function run(args: NetworkArgs = {}, region = "us-east-1", then?: (net: Network) => void): Promise<RunResult> {
  return runProgram(
    () => {
      const net = new Network("net", args);
      then?.(net);
    },
    { stack: "test", config: { "aws:region": region } },
  );
}

/** Registration errors surface as ValidationError listing every problem, with nothing but the stack registered. */
async function validationProblems(args: NetworkArgs): Promise<string[]> {
  let caught: unknown;
  try {
    await run(args);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ValidationError, `expected a ValidationError, got ${String(caught)}`);
  return caught.problems.map((p) => p.key);
}

describe("Network", () => {
  describe("defaults (2 AZs, NAT per AZ, flow logs)", () => {
    let g: RunResult;
    before(async () => {
      g = await run();
    });

    it("creates exactly the expected resources", () => {
      assert.deepEqual(g.counts(), {
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": 1,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/eip:Eip": 2,
        "aws:ec2/flowLog:FlowLog": 1,
        "aws:ec2/internetGateway:InternetGateway": 1,
        "aws:ec2/natGateway:NatGateway": 2,
        "aws:ec2/networkAcl:NetworkAcl": 1,
        "aws:ec2/route:Route": 3,
        "aws:ec2/routeTable:RouteTable": 4,
        "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
        "aws:ec2/subnet:Subnet": 6,
        "aws:ec2/vpc:Vpc": 1,
        "aws:ec2/vpcEndpoint:VpcEndpoint": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
      });
    });

    it("puts an S3 gateway endpoint on the private route tables only, and no interface endpoint", () => {
      const s3 = g.get("aws:ec2/vpcEndpoint:VpcEndpoint", "net-s3");
      assert.equal(s3.inputs["serviceName"], "com.amazonaws.us-east-1.s3");
      assert.equal(s3.inputs["vpcEndpointType"], "Gateway");
      assert.deepEqual(s3.inputs["routeTableIds"], [g.get(TABLE, "net-private-0").id, g.get(TABLE, "net-private-1").id]);
      assert.equal(g.ofType("aws:ec2/securityGroup:SecurityGroup").length, 0);
    });

    it("manages the default network ACL: remote administration from anywhere denied first, then everything else allowed", () => {
      const acl = g.get("aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", "net-default");
      assert.equal(acl.inputs["defaultNetworkAclId"], g.get("aws:ec2/vpc:Vpc", "net").state["defaultNetworkAclId"]);
      assert.deepEqual(acl.inputs["ingress"], [
        { ruleNo: 10, action: "deny", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" },
        { ruleNo: 11, action: "deny", protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlock: "0.0.0.0/0" },
        { ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" },
      ]);
      assert.deepEqual(acl.inputs["egress"], [
        { ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" },
      ]);
      assert.deepEqual(acl.options.ignoreChanges, ["subnetIds"]);
    });

    it("gives the database subnets their own ACL: the database port from the VPC in, the answers back out, nothing else", () => {
      const acl = g.get("aws:ec2/networkAcl:NetworkAcl", "net-database");
      assert.deepEqual(acl.inputs["subnetIds"], [g.get(SUBNET, "net-database-0").id, g.get(SUBNET, "net-database-1").id]);
      assert.deepEqual(acl.inputs["ingress"], [
        { ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 3306, toPort: 3306, cidrBlock: "10.0.0.0/16" },
      ]);
      assert.deepEqual(acl.inputs["egress"], [
        { ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 1024, toPort: 65535, cidrBlock: "10.0.0.0/16" },
      ]);
    });

    it("parents every child to the component", () => {
      const net = g.get("web-infra:networking:Network", "net");
      assert.equal(g.customResources.filter((r) => r.parent !== net.urn).length, 0);
    });

    it("turns on DNS support and hostnames on the VPC", () => {
      const vpc = g.get("aws:ec2/vpc:Vpc", "net");
      assert.equal(vpc.inputs["cidrBlock"], "10.0.0.0/16");
      assert.equal(vpc.inputs["enableDnsSupport"], true);
      assert.equal(vpc.inputs["enableDnsHostnames"], true);
    });

    it("lays the tiers out by quarter, one /20 per AZ slot", () => {
      const cidrs = Object.fromEntries(g.ofType(SUBNET).map((s) => [s.name, [s.inputs["cidrBlock"], s.inputs["availabilityZone"]]]));
      assert.deepEqual(cidrs, {
        "net-public-0": ["10.0.0.0/20", "us-east-1a"],
        "net-public-1": ["10.0.16.0/20", "us-east-1b"],
        "net-private-0": ["10.0.64.0/20", "us-east-1a"],
        "net-private-1": ["10.0.80.0/20", "us-east-1b"],
        "net-database-0": ["10.0.128.0/20", "us-east-1a"],
        "net-database-1": ["10.0.144.0/20", "us-east-1b"],
      });
    });

    it("never maps public IPs on launch in any subnet (EC2.15)", () => {
      assert.deepEqual(
        g.ofType(SUBNET).map((s) => s.inputs["mapPublicIpOnLaunch"]),
        [false, false, false, false, false, false],
      );
    });

    it("routes public subnets to the internet gateway, each private subnet to the NAT in its own AZ, and database subnets nowhere", () => {
      const igw = g.get("aws:ec2/internetGateway:InternetGateway", "net-igw");
      const routes = g.ofType(ROUTE).map((r) => ({
        table: g.byId(r.inputs["routeTableId"])?.name,
        dest: r.inputs["destinationCidrBlock"],
        to: g.byId(r.inputs["gatewayId"] ?? r.inputs["natGatewayId"])?.name,
      }));
      assert.deepEqual(routes, [
        { table: "net-public", dest: "0.0.0.0/0", to: igw.name },
        { table: "net-private-0", dest: "0.0.0.0/0", to: "net-nat-0" },
        { table: "net-private-1", dest: "0.0.0.0/0", to: "net-nat-1" },
      ]);
      const nat0 = g.get("aws:ec2/natGateway:NatGateway", "net-nat-0");
      assert.equal(g.byId(nat0.inputs["subnetId"])?.name, "net-public-0");
      const dbTable = g.get("aws:ec2/routeTable:RouteTable", "net-database");
      assert.equal(dbTable.inputs["routes"], undefined);
      const dbAssoc = g
        .ofType("aws:ec2/routeTableAssociation:RouteTableAssociation")
        .filter((a) => a.inputs["routeTableId"] === dbTable.id);
      assert.deepEqual(
        dbAssoc.map((a) => g.byId(a.inputs["subnetId"])?.name),
        ["net-database-0", "net-database-1"],
      );
    });

    it("starts each NAT gateway only once its public subnet routes to the internet gateway", () => {
      const igw = g.get("aws:ec2/internetGateway:InternetGateway", "net-igw");
      const route = g.get(ROUTE, "net-public-internet");
      for (const i of [0, 1]) {
        const nat = g.get(NAT, `net-nat-${i}`);
        const association = g.get(ASSOCIATION, `net-public-${i}`);
        for (const r of [igw, association, route]) assert.ok(nat.dependencies.includes(r.urn), `${nat.name} does not wait for ${r.name}`);
      }
    });

    it("manages the default security group with no rules (EC2.2)", () => {
      const sg = g.get("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "net-default");
      assert.deepEqual(sg.inputs["ingress"], []);
      assert.deepEqual(sg.inputs["egress"], []);
    });

    it("sends all traffic to a log group kept 365 days, through a role only VPC Flow Logs of this account can assume", () => {
      const group = g.get("aws:cloudwatch/logGroup:LogGroup", "net-flow-logs");
      assert.equal(group.inputs["retentionInDays"], 365);
      const flow = g.get("aws:ec2/flowLog:FlowLog", "net");
      assert.equal(flow.inputs["trafficType"], "ALL");
      assert.equal(flow.inputs["logDestination"], group.state["arn"]);
      const role = g.get("aws:iam/role:Role", "net-flow-logs");
      assert.equal(flow.inputs["iamRoleArn"], role.state["arn"]);
      assert.deepEqual(JSON.parse(String(role.inputs["assumeRolePolicy"])).Statement, [
        {
          Effect: "Allow",
          Principal: { Service: "vpc-flow-logs.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" },
          },
        },
      ]);
      const policy = JSON.parse(String(g.get("aws:iam/rolePolicy:RolePolicy", "net-flow-logs").inputs["policy"]));
      assert.deepEqual(policy.Statement, [
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          Resource: [group.state["arn"], `${String(group.state["arn"])}:*`],
        },
      ]);
    });

    it("records where each packet really came from, so egress through a NAT gateway traces back to its instance", () => {
      const format = String(g.get("aws:ec2/flowLog:FlowLog", "net").inputs["logFormat"]);
      const fields = format.split(" ").map((f) => f.replace(/^\$\{|\}$/g, ""));
      assert.deepEqual(fields.slice(0, 14), [
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
      ]);
      for (const field of ["pkt-srcaddr", "pkt-dstaddr", "instance-id", "subnet-id", "flow-direction"])
        assert.ok(fields.includes(field), field);
    });

    it("publishes the VPC id, the three tiers ordered by AZ, the AZ names and the NAT ids", () => {
      const net = g.get("web-infra:networking:Network", "net");
      const out = net.registeredOutputs ?? {};
      assert.equal(out["vpcId"], g.get("aws:ec2/vpc:Vpc", "net").id);
      assert.deepEqual(out["availabilityZones"], ["us-east-1a", "us-east-1b"]);
      for (const tier of ["public", "private", "database"]) {
        assert.deepEqual(out[`${tier}SubnetIds`], [g.get(SUBNET, `net-${tier}-0`).id, g.get(SUBNET, `net-${tier}-1`).id]);
      }
      assert.deepEqual(out["natGatewayIds"], [
        g.get("aws:ec2/natGateway:NatGateway", "net-nat-0").id,
        g.get("aws:ec2/natGateway:NatGateway", "net-nat-1").id,
      ]);
    });
  });

  describe("privateEgress: what servers in private subnets wait for before their boot script downloads anything", () => {
    it("holds each private subnet's association and default route, and the NAT gateway of each AZ (perAz)", async () => {
      const { g, handle } = await privateEgressOf({ natGateways: "perAz", azCount: 3 });
      assert.deepEqual(handle, [
        "NatGateway net-nat-0",
        "NatGateway net-nat-1",
        "NatGateway net-nat-2",
        "Route net-private-0-egress",
        "Route net-private-1-egress",
        "Route net-private-2-egress",
        "RouteTableAssociation net-private-0",
        "RouteTableAssociation net-private-1",
        "RouteTableAssociation net-private-2",
      ]);
      assert.deepEqual(handle, privateEgressInGraph(g));
    });

    it("holds every private association and default route and the one shared NAT gateway (single)", async () => {
      const { g, handle } = await privateEgressOf({ natGateways: "single" });
      assert.deepEqual(handle, [
        "NatGateway net-nat-0",
        "Route net-private-0-egress",
        "Route net-private-1-egress",
        "RouteTableAssociation net-private-0",
        "RouteTableAssociation net-private-1",
      ]);
      assert.deepEqual(handle, privateEgressInGraph(g));
    });

    it("leaves out the database tier, which has no route out", async () => {
      const { handle } = await privateEgressOf({});
      assert.deepEqual(
        handle.filter((h) => /database|public/.test(h)),
        [],
      );
    });
  });

  it("shares one NAT gateway across AZs in single mode", async () => {
    const g = await run({ natGateways: "single", flowLogs: { enabled: false } });
    assert.equal(g.ofType("aws:ec2/natGateway:NatGateway").length, 1);
    const targets = g
      .ofType(ROUTE)
      .filter((r) => r.inputs["natGatewayId"] !== undefined)
      .map((r) => g.byId(r.inputs["natGatewayId"])?.name);
    assert.deepEqual(targets, ["net-nat-0", "net-nat-0"]);
    assert.equal(g.ofType("aws:ec2/flowLog:FlowLog").length, 0);
  });

  it("adds an IPv6 /56 to the VPC, a /64 per public subnet and a ::/0 route when IPv6 is on", async () => {
    const g = await run({ enableIpv6: true });
    assert.equal(g.get("aws:ec2/vpc:Vpc", "net").inputs["assignGeneratedIpv6CidrBlock"], true);
    const v6 = ["net-public-0", "net-public-1", "net-private-0", "net-private-1", "net-database-0", "net-database-1"].map(
      (n) => g.get(SUBNET, n).inputs["ipv6CidrBlock"],
    );
    const vpcBlock = String(g.get("aws:ec2/vpc:Vpc", "net").state["ipv6CidrBlock"]);
    const prefix = vpcBlock.replace(/00::\/56$/, "");
    assert.deepEqual(v6.slice(0, 2), [`${prefix}00::/64`, `${prefix}01::/64`]);
    assert.equal(v6.filter((b) => b === undefined).length, 4);
    assert.equal(g.ofType(ROUTE).filter((r) => r.inputs["destinationIpv6CidrBlock"] === "::/0").length, 1);
  });

  it("keeps every existing subnet's block and URN when growing from 2 to 3 AZs (pulumi-awsx #1204, aws-cdk #6683)", async () => {
    const two = await run({ azCount: 2 });
    const three = await run({ azCount: 3 });
    const stateful = (g: RunResult) =>
      Object.fromEntries(
        g.resources
          .filter((r) => [SUBNET, "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/natGateway:NatGateway"].includes(r.type))
          .map((r) => [r.urn, r.inputs["cidrBlock"] ?? r.inputs["subnetId"] ?? null]),
      );
    const before = stateful(two);
    const after = stateful(three);
    for (const [urn] of Object.entries(before)) assert.ok(urn in after, `${urn} disappeared when adding an AZ`);
    const blocks = (g: RunResult) => Object.fromEntries(g.ofType(SUBNET).map((s) => [s.urn, s.inputs["cidrBlock"]]));
    const b2 = blocks(two);
    const b3 = blocks(three);
    for (const [urn, cidr] of Object.entries(b2)) assert.equal(b3[urn], cidr, `${urn} changed block`);
    assert.deepEqual(
      Object.keys(b3)
        .filter((u) => !(u in b2))
        .map((u) => b3[u]),
      ["10.0.32.0/20", "10.0.96.0/20", "10.0.160.0/20"],
    );
  });

  it("computes blocks with the CIDR library, stable per tier and slot", () => {
    assert.equal(subnetCidr("10.0.0.0/16", 4, "private", 2), "10.0.96.0/20");
    assert.equal(subnetCidr("10.0.0.0/20", 4, "database", 3), "10.0.11.0/24");
    assert.throws(() => subnetCidr("10.0.0.0/16", 4, "public", 4), /holds 4 AZs/);
  });

  it("fails when the region has fewer zones than azCount", async () => {
    await assert.rejects(run({ azCount: 4, subnetNewBits: 5 }, "eu-west-1"), /azCount is 4 but the region has only 3 zones/);
  });

  describe("validation", () => {
    it("fails when cidrBlock is not a CIDR", async () => {
      assert.deepEqual(await validationProblems({ cidrBlock: "10.0.0/16" }), ["cidrBlock"]);
    });
    it("fails when cidrBlock is larger than /16", async () => {
      assert.deepEqual(await validationProblems({ cidrBlock: "10.0.0.0/8" }), ["cidrBlock"]);
    });
    it("fails when cidrBlock has host bits set", async () => {
      assert.deepEqual(await validationProblems({ cidrBlock: "10.0.0.1/16" }), ["cidrBlock"]);
    });
    it("fails when subnetNewBits is out of range", async () => {
      assert.deepEqual(await validationProblems({ subnetNewBits: 1 }), ["subnetNewBits"]);
    });
    it("fails when subnetNewBits would make subnets smaller than /27, the least a load balancer takes", async () => {
      assert.deepEqual(await validationProblems({ cidrBlock: "10.0.0.0/22", subnetNewBits: 6 }), ["subnetNewBits"]);
    });
    it("fails when a /24 VPC with the default subnetNewBits would leave /28 public subnets, naming the smallest block that works", async () => {
      const err = await run({ cidrBlock: "10.0.0.0/24" }).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.match(
        err.message,
        /subnetNewBits must leave subnets of \/27 or larger, which a load balancer needs in each public subnet \(10\.0\.0\.0\/24 \+ 4 bits gives \/28\), got 4\. Use a \/23 or larger VPC block, or subnetNewBits 3 or less\./,
      );
      assert.equal((await run({ cidrBlock: "10.0.0.0/23" })).ofType("aws:ec2/subnet:Subnet")[0]?.inputs["cidrBlock"], "10.0.0.0/27");
      assert.equal(
        (await run({ cidrBlock: "10.0.0.0/24", subnetNewBits: 3 })).ofType("aws:ec2/subnet:Subnet")[0]?.inputs["cidrBlock"],
        "10.0.0.0/27",
      );
    });
    it("fails when cidrBlock is smaller than /24, saying the range it accepts", async () => {
      const err = await run({ cidrBlock: "10.0.0.0/25", subnetNewBits: 2 }).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /cidrBlock must be an IPv4 CIDR from \/16 to \/24 with no host bits set, got "10\.0\.0\.0\/25"/);
    });
    it("fails when azCount is below 2", async () => {
      const err = await run({ azCount: 1 }).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.match(
        err.message,
        /azCount must be an integer ≥ 2 so the load balancer and web tier survive the loss of one zone, got 1\. Set azCount to 2 or more\./,
      );
    });
    it("fails when azCount exceeds the layout's AZ slots", async () => {
      assert.deepEqual(await validationProblems({ azCount: 5 }), ["azCount"]);
    });
    it("fails when availabilityZones does not match azCount", async () => {
      assert.deepEqual(await validationProblems({ azCount: 3, availabilityZones: ["us-east-1a", "us-east-1b"] }), ["availabilityZones"]);
    });
    it("fails when availabilityZones repeats a zone", async () => {
      assert.deepEqual(await validationProblems({ availabilityZones: ["us-east-1a", "us-east-1a"] }), ["availabilityZones"]);
    });
    it("fails when availabilityZones names another region's zone", async () => {
      assert.deepEqual(await validationProblems({ availabilityZones: ["us-east-1a", "eu-west-1b"] }), ["availabilityZones"]);
    });
    it("fails when natGateways is not a known mode", async () => {
      assert.deepEqual(await validationProblems({ natGateways: "none" as never }), ["natGateways"]);
    });
    it("fails when the flow log retention is not a CloudWatch period", async () => {
      assert.deepEqual(await validationProblems({ flowLogs: { retentionInDays: 10 } }), ["flowLogs.retentionInDays"]);
    });
    it("fails when the flow log traffic type is unknown", async () => {
      assert.deepEqual(await validationProblems({ flowLogs: { trafficType: "SOME" as never } }), ["flowLogs.trafficType"]);
    });
    it("lists every problem in one error and registers nothing but the stack", async () => {
      const err = await runProgram(() => new Network("net", { cidrBlock: "nope", azCount: 1, natGateways: "x" as never }), {
        stack: "test",
      }).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["cidrBlock", "azCount", "natGateways"],
      );
      assert.match(err.message, /^web-infra:networking:Network "net" has 3 invalid inputs:/);
      assert.deepEqual(
        registeredBefore(err).map((r) => r.type),
        ["pulumi:pulumi:Stack"],
      );
    });
  });

  describe("interface endpoints", () => {
    it("puts each in every private subnet with private DNS, behind a group that admits HTTPS only from the tiers allowed", async () => {
      const g = await run({ endpoints: { interfaceServices: ["ssm", "ssmmessages", "ec2messages"] } }, "us-east-1", (net) => {
        const client = new aws.ec2.SecurityGroup("client", { vpcId: net.vpcId, description: "A tier that uses the endpoints" });
        net.endpointConnections?.allowFrom(new Connections("client", client.id, client), 443, "HTTPS to the endpoints");
      });
      const sg = g.get("aws:ec2/securityGroup:SecurityGroup", "net-endpoints");
      for (const service of ["ssm", "ssmmessages", "ec2messages"]) {
        const e = g.get("aws:ec2/vpcEndpoint:VpcEndpoint", `net-${service}`);
        assert.equal(e.inputs["serviceName"], `com.amazonaws.us-east-1.${service}`);
        assert.equal(e.inputs["vpcEndpointType"], "Interface");
        assert.equal(e.inputs["privateDnsEnabled"], true);
        assert.deepEqual(e.inputs["subnetIds"], [g.get(SUBNET, "net-private-0").id, g.get(SUBNET, "net-private-1").id]);
        assert.deepEqual(e.inputs["securityGroupIds"], [sg.id]);
      }
      const ingress = g.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      assert.deepEqual(
        ingress.map((r) => [
          r.name,
          r.inputs["securityGroupId"],
          r.inputs["referencedSecurityGroupId"],
          r.inputs["fromPort"],
          r.inputs["cidrIpv4"],
        ]),
        [["net-endpoints-from-client-443", sg.id, g.get("aws:ec2/securityGroup:SecurityGroup", "client").id, 443, undefined]],
      );
    });

    it("fails when interfaceServices names a service the network does not offer", async () => {
      assert.deepEqual(await validationProblems({ endpoints: { interfaceServices: ["ssm", "s3" as InterfaceEndpointService] } }), [
        "endpoints.interfaceServices",
      ]);
    });

    it("fails when databasePort is outside what RDS listens on", async () => {
      assert.deepEqual(await validationProblems({ databasePort: 80 }), ["databasePort"]);
    });
  });

  describe("zones that offer the instance types", () => {
    const zonesOf = (g: RunResult) =>
      g
        .ofType(SUBNET)
        .filter((s) => s.name.includes("public"))
        .map((s) => s.inputs["availabilityZone"]);

    it("skips a zone that does not offer a type: us-east-1c is use1-az3 here, which has no Graviton", async () => {
      const g = await run({ azCount: 3, instanceTypes: ["t4g.micro", "m7g.large"] });
      assert.deepEqual(zonesOf(g), ["us-east-1a", "us-east-1b", "us-east-1d"]);
      const asked = g.invokes.find((i) => i.token === "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings");
      assert.deepEqual(asked?.inputs, {
        locationType: "availability-zone",
        filters: [{ name: "instance-type", values: ["t4g.micro", "m7g.large"] }],
      });
    });

    it("keeps the first zones when every zone offers the types", async () => {
      assert.deepEqual(zonesOf(await run({ azCount: 3, instanceTypes: ["t3.micro"] })), ["us-east-1a", "us-east-1b", "us-east-1c"]);
    });

    it("fails when too few zones offer the types, naming the zones skipped and why", async () => {
      const err = await run({ azCount: 3, instanceTypes: ["t4g.micro"] }, "us-east-2").then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal(err, undefined, "us-east-2's three zones all offer t4g");
      const failed = await run({ azCount: 6, subnetNewBits: 5, instanceTypes: ["t4g.micro"] }).catch((e: unknown) => e);
      assert.match(
        String(failed),
        /azCount is 6 but the region has only 5 zones offering t4g\.micro; skipped us-east-1c \(no t4g\.micro\)\. Choose instance types every zone offers, or lower azCount\./,
      );
    });
  });

  it("uses explicit zones in the order given", async () => {
    const g = await run({ availabilityZones: ["us-east-1c", "us-east-1a"] });
    assert.deepEqual(
      g
        .ofType(SUBNET)
        .filter((s) => s.name.includes("public"))
        .map((s) => s.inputs["availabilityZone"]),
      ["us-east-1c", "us-east-1a"],
    );
  });
});
