import * as assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BOOT_RULES, bootScriptDownloads, runProgram, RunResult } from "../src";
import { messages, subjects } from "./support";

const RULE = "boot-script-needs-internet";
const ARM_AMI = "ami-05b4ded3ceb71e470";
const INSTALLS = "#!/bin/bash\nset -euo pipefail\ndnf install -y nginx\nsystemctl enable --now nginx\n";

/** Run with only the boot rules, reported rather than thrown. */
function check(program: () => unknown): Promise<RunResult> {
  return runProgram(program, { stack: "test", config: { "aws:region": "us-east-1" }, enforce: false, rules: BOOT_RULES });
}

/**
 * A VPC laid out like the Network component: public subnet to the internet gateway, two private
 * subnets to a NAT gateway through one table, an isolated subnet with no route out, and the
 * servers' group with its HTTPS egress as a standalone rule.
 */
function network(parent?: pulumi.Resource) {
  const o = { parent };
  const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" }, o);
  const subnet = (name: string, octet: number, az = "us-east-1a") =>
    new aws.ec2.Subnet(name, { vpcId: vpc.id, cidrBlock: `10.0.${octet}.0/24`, availabilityZone: az }, o);
  const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id }, o);
  const publicSubnet = subnet("public", 0);
  const privateA = subnet("private-a", 1);
  const privateB = subnet("private-b", 2, "us-east-1b");
  const isolated = subnet("isolated", 3);

  const publicTable = new aws.ec2.RouteTable("public", { vpcId: vpc.id }, o);
  const publicRoute = new aws.ec2.Route(
    "public-internet",
    {
      routeTableId: publicTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    },
    o,
  );
  const publicAssociation = new aws.ec2.RouteTableAssociation("public", { subnetId: publicSubnet.id, routeTableId: publicTable.id }, o);
  const eip = new aws.ec2.Eip("nat", { domain: "vpc" }, o);
  const nat = new aws.ec2.NatGateway("nat", { allocationId: eip.id, subnetId: publicSubnet.id }, { ...o, dependsOn: [publicRoute] });

  const privateTable = new aws.ec2.RouteTable("private", { vpcId: vpc.id }, o);
  const privateRoute = new aws.ec2.Route(
    "private-egress",
    {
      routeTableId: privateTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: nat.id,
    },
    o,
  );
  const associationA = new aws.ec2.RouteTableAssociation("private-a", { subnetId: privateA.id, routeTableId: privateTable.id }, o);
  const associationB = new aws.ec2.RouteTableAssociation("private-b", { subnetId: privateB.id, routeTableId: privateTable.id }, o);

  const isolatedTable = new aws.ec2.RouteTable("isolated", { vpcId: vpc.id }, o);
  new aws.ec2.RouteTableAssociation("isolated", { subnetId: isolated.id, routeTableId: isolatedTable.id }, o);

  const group = new aws.ec2.SecurityGroup("web", { vpcId: vpc.id }, o);
  const egress = new aws.vpc.SecurityGroupEgressRule(
    "web-to-internet-443",
    {
      securityGroupId: group.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    },
    o,
  );
  return {
    vpc,
    publicSubnet,
    privateA,
    privateB,
    isolated,
    group,
    egress,
    publicWay: [publicAssociation, publicRoute],
    privateEgress: [associationA, associationB, privateRoute, nat],
  };
}

type Net = ReturnType<typeof network>;

function server(net: Net, subnet: aws.ec2.Subnet, userData: string, opts: pulumi.CustomResourceOptions = {}) {
  return new aws.ec2.Instance(
    "web",
    { ami: ARM_AMI, instanceType: "t4g.micro", subnetId: subnet.id, vpcSecurityGroupIds: [net.group.id], userData },
    opts,
  );
}

/** A launch template with the script base64-encoded and the group on its interface, as the web tier builds it. */
function template(net: Net, script: string, opts: pulumi.CustomResourceOptions = {}) {
  return new aws.ec2.LaunchTemplate(
    "web-server",
    {
      imageId: ARM_AMI,
      instanceType: "t4g.micro",
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", securityGroups: [net.group.id] }],
      userData: Buffer.from(script, "utf8").toString("base64"),
    },
    opts,
  );
}

function group(net: Net, lt: aws.ec2.LaunchTemplate, opts: pulumi.CustomResourceOptions = {}) {
  return new aws.autoscaling.Group(
    "web-servers",
    {
      vpcZoneIdentifiers: [net.privateA.id, net.privateB.id],
      minSize: 2,
      maxSize: 4,
      launchTemplate: { id: lt.id, version: pulumi.interpolate`${lt.latestVersion}` },
    },
    opts,
  );
}

const NO_ROUTE_YET =
  "runs `dnf install -y nginx` at boot but does not wait for its subnet's route to the internet (RouteTableAssociation private-a, Route private-egress; subnets private-a): " +
  "on a first pulumi up it can boot before they exist, the command fails and the server never becomes healthy. " +
  "Add them to its dependsOn (with a web-infra Network: network.privateEgress).";
const NO_EGRESS_YET =
  "runs `dnf install -y nginx` at boot but does not wait for the egress rules that let it out (SecurityGroupEgressRule web-to-internet-443): " +
  "its security group has no egress until they exist, so on a first pulumi up the command can fail. " +
  "Add them to its dependsOn (Connections.allowToInternet returns the rule).";

describe("boot-script-needs-internet (BOOT_RULES, part of AWS_RULES)", () => {
  describe("an instance", () => {
    it("fires when a private instance that installs packages waits only for its subnet and group", async () => {
      const g = await check(() => {
        const net = network();
        server(net, net.privateA, INSTALLS);
      });
      assert.deepEqual(subjects(g, RULE), ["web", "web"]);
      assert.equal(messages(g, RULE), `instance web ${NO_ROUTE_YET}\ninstance web ${NO_EGRESS_YET}`);
    });

    it("stays quiet when it depends on the network's private egress and the egress rule", async () => {
      const g = await check(() => {
        const net = network();
        server(net, net.privateA, INSTALLS, { dependsOn: [...net.privateEgress, net.egress] });
      });
      assert.deepEqual(g.rejections, []);
    });

    it("names only the egress rule when the routes are waited for", async () => {
      const g = await check(() => {
        const net = network();
        server(net, net.privateA, INSTALLS, { dependsOn: net.privateEgress });
      });
      assert.equal(messages(g, RULE), `instance web ${NO_EGRESS_YET}`);
    });

    it("follows dependencies transitively: waiting for something that waits for the route is enough", async () => {
      const g = await check(() => {
        const net = network();
        const gate = new aws.ssm.Parameter(
          "egress-ready",
          { type: "String", value: "ready" },
          { dependsOn: [...net.privateEgress, net.egress] },
        );
        server(net, net.privateA, INSTALLS, { dependsOn: [gate] });
      });
      assert.deepEqual(g.rejections, []);
    });

    it("counts dependsOn a component as waiting for everything in it", async () => {
      const g = await check(() => {
        const component = new pulumi.ComponentResource("test:index:Network", "net");
        const net = network(component);
        server(net, net.privateA, INSTALLS, { dependsOn: [component] });
      });
      assert.deepEqual(g.rejections, []);
    });

    it("asks a public instance for the public association and the route to the internet gateway", async () => {
      const g = await check(() => {
        const net = network();
        server(net, net.publicSubnet, INSTALLS, { dependsOn: [net.egress] });
      });
      assert.match(
        messages(g, RULE),
        /^instance web runs `dnf install -y nginx` at boot but does not wait for its subnet's route to the internet \(RouteTableAssociation public, Route public-internet; subnets public\)/,
      );
    });

    it("follows a subnet without an association to the VPC's main route table", async () => {
      const g = await check(() => {
        const net = network();
        const loose = new aws.ec2.Subnet("loose", { vpcId: net.vpc.id, cidrBlock: "10.0.9.0/24", availabilityZone: "us-east-1a" });
        new aws.ec2.Route("main-internet", {
          routeTableId: net.vpc.mainRouteTableId,
          destinationCidrBlock: "0.0.0.0/0",
          gatewayId: "igw-0123456789abcdef0",
        });
        server(net, loose, INSTALLS, { dependsOn: [net.egress] });
      });
      assert.match(messages(g, RULE), /does not wait for its subnet's route to the internet \(Route main-internet; subnets loose\)/);
    });

    it("stays quiet in an isolated subnet: there is no route to wait for", async () => {
      const g = await check(() => {
        const net = network();
        server(net, net.isolated, INSTALLS, { dependsOn: [net.egress] });
      });
      assert.deepEqual(g.rejections, []);
    });

    it("stays quiet when the boot script downloads nothing (metadata reads are not the internet)", async () => {
      const g = await check(() => {
        const net = network();
        server(
          net,
          net.privateA,
          "#!/bin/bash\n# dnf install -y nginx was baked into the image\ncurl -sS http://169.254.169.254/latest/meta-data/instance-id\nsystemctl start web\n",
        );
      });
      assert.deepEqual(g.rejections, []);
    });
  });

  describe("an Auto Scaling group and its launch template", () => {
    it("fires on the group when neither it nor its template waits for the private routes of its subnets", async () => {
      const g = await check(() => {
        const net = network();
        group(net, template(net, INSTALLS));
      });
      assert.deepEqual(subjects(g, RULE), ["web-servers", "web-servers"]);
      assert.equal(
        messages(g, RULE),
        "Auto Scaling group web-servers (launch template web-server) runs `dnf install -y nginx` at boot but does not wait for its subnet's route to the internet " +
          "(RouteTableAssociation private-a, Route private-egress, RouteTableAssociation private-b; subnets private-a, private-b): " +
          "on a first pulumi up it can boot before they exist, the command fails and the server never becomes healthy. " +
          "Add them to its dependsOn (with a web-infra Network: network.privateEgress).\n" +
          `Auto Scaling group web-servers (launch template web-server) ${NO_EGRESS_YET}`,
      );
    });

    it("stays quiet when the group depends on the private egress and the egress rule", async () => {
      const g = await check(() => {
        const net = network();
        group(net, template(net, INSTALLS), { dependsOn: [...net.privateEgress, net.egress] });
      });
      assert.deepEqual(g.rejections, []);
    });

    it("stays quiet when the launch template carries the dependsOn (the group waits for its template)", async () => {
      const g = await check(() => {
        const net = network();
        group(net, template(net, INSTALLS, { dependsOn: [...net.privateEgress, net.egress] }));
      });
      assert.deepEqual(g.rejections, []);
    });

    it("reads a gzipped script and a template named through a mixed instances policy", async () => {
      const g = await check(() => {
        const net = network();
        const lt = new aws.ec2.LaunchTemplate("web-server", {
          name: "web-server",
          imageId: ARM_AMI,
          vpcSecurityGroupIds: [net.group.id],
          userData: gzipSync("#cloud-config\npackages:\n  - nginx\n").toString("base64"),
        });
        new aws.autoscaling.Group(
          "web-servers",
          {
            vpcZoneIdentifiers: [net.privateA.id],
            minSize: 1,
            maxSize: 1,
            mixedInstancesPolicy: {
              launchTemplate: {
                launchTemplateSpecification: { launchTemplateName: "web-server" },
                overrides: [{ instanceType: "t4g.micro" }],
              },
            },
          },
          { dependsOn: [lt, net.egress] },
        );
      });
      assert.equal(
        messages(g, RULE),
        `Auto Scaling group web-servers (launch template web-server) ${NO_ROUTE_YET.replace("`dnf install -y nginx`", "`packages:`")}`,
      );
    });

    it("stays quiet when the template's script downloads nothing", async () => {
      const g = await check(() => {
        const net = network();
        group(net, template(net, "#!/bin/bash\nsystemctl enable --now web\n"));
      });
      assert.deepEqual(g.rejections, []);
    });
  });

  it("finds the commands of a boot script that need the internet", () => {
    const script = [
      "#!/bin/bash",
      "# dnf install -y nothing: a comment",
      "dnf install -y nginx",
      "yum -y install httpd",
      "apt-get update",
      'retry dnf install -y "$@"',
      "pip3 install --user requests",
      "npm ci",
      "curl -fsSL https://example.com/install.sh -o /tmp/install.sh",
      'curl -sS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"',
      "curl -sS http://localhost:8080/healthz",
      "wget -q https://example.com/app.tar.gz",
      "git clone https://github.com/example/app.git",
      "systemctl enable --now nginx",
      "aws ssm get-parameter --name /x",
    ].join("\n");
    assert.deepEqual(bootScriptDownloads(script), [
      "dnf install -y nginx",
      "yum -y install httpd",
      "apt-get update",
      'retry dnf install -y "$@"',
      "pip3 install --user requests",
      "npm ci",
      "curl -fsSL https://example.com/install.sh -o /tmp/install.sh",
      "wget -q https://example.com/app.tar.gz",
      "git clone https://github.com/example/app.git",
    ]);
  });
});
