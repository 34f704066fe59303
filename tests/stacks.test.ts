import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadSettings, PRESETS, Settings } from "../stacks/web/config";
import { stackConfig } from "@web-infra/testing";
import { ROOT, runWeb, STACKS, stackGraph } from "./support";
const GROUP = "aws:autoscaling/group:Group";

function settingsOf(stack: string): Settings {
  return loadSettings(stack, stackConfig({ stack, projectDir: ROOT }).config);
}

describe("stack files", () => {
  it("has a stack file for dev, staging and prod", () => {
    assert.deepEqual(STACKS, ["dev", "prod", "staging"]);
  });

  for (const stack of STACKS) {
    it(`${stack}: sets aws:region and only overrides the preset`, () => {
      const doc = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
      assert.equal(typeof doc.config["aws:region"], "string");
      const s = settingsOf(stack);
      assert.equal(s.preset, stack);
    });
  }
});

for (const stack of STACKS) {
  describe(`whole stack: ${stack}`, () => {
    let s: Settings;
    before(() => {
      s = settingsOf(stack);
    });

    it("is accepted by every AWS rule of the harness", async () => {
      const g = await stackGraph(stack);
      assert.deepEqual(g.rejections, []);
    });

    it("creates the preset's network: 3 tiers × azCount subnets, NAT gateways by mode, flow logs by preset", async () => {
      const g = await stackGraph(stack);
      const counts = g.counts();
      const nats = s.natGateways === "perAz" ? s.azCount : 1;
      assert.equal(counts["aws:ec2/vpc:Vpc"], 1);
      assert.equal(counts["aws:ec2/subnet:Subnet"], 3 * s.azCount);
      assert.equal(counts["aws:ec2/natGateway:NatGateway"], nats);
      assert.equal(counts["aws:ec2/eip:Eip"], nats);
      assert.equal(counts["aws:ec2/routeTable:RouteTable"], 2 + s.azCount);
      assert.equal(counts["aws:ec2/routeTableAssociation:RouteTableAssociation"], 3 * s.azCount);
      assert.equal(counts["aws:ec2/route:Route"], 1 + s.azCount);
      assert.equal(counts["aws:ec2/flowLog:FlowLog"] ?? 0, s.flowLogs ? 1 : 0);
      assert.equal(g.get("aws:ec2/vpc:Vpc", "network").inputs["cidrBlock"], PRESETS[s.preset].vpcCidr);
    });

    it("spreads each tier over distinct AZs of the region", async () => {
      const g = await stackGraph(stack);
      for (const tier of ["public", "private", "database"]) {
        const azs = g
          .ofType("aws:ec2/subnet:Subnet")
          .filter((r) => r.name.startsWith(`network-${tier}-`))
          .map((r) => r.state["availabilityZone"]);
        assert.equal(new Set(azs).size, s.azCount, `${tier} subnets share an AZ: ${azs.join(", ")}`);
      }
    });

    it("gives no subnet a public IP on launch and the database subnets no route out", async () => {
      const g = await stackGraph(stack);
      assert.ok(g.ofType("aws:ec2/subnet:Subnet").every((r) => r.inputs["mapPublicIpOnLaunch"] === false));
      const dbTable = g.get("aws:ec2/routeTable:RouteTable", "network-database");
      assert.equal(g.ofType("aws:ec2/route:Route").filter((r) => r.inputs["routeTableId"] === dbTable.id).length, 0);
    });

    it("routes each private subnet through a NAT gateway in its own AZ when NAT is per AZ", async () => {
      const g = await stackGraph(stack);
      for (let i = 0; i < s.azCount; i++) {
        const subnet = g.get("aws:ec2/subnet:Subnet", `network-private-${i}`);
        const table = g.get("aws:ec2/routeTable:RouteTable", `network-private-${i}`);
        const route = g.ofType("aws:ec2/route:Route").find((r) => r.inputs["routeTableId"] === table.id);
        const nat = g.byId(route?.inputs["natGatewayId"]);
        const natAz = g.byId(nat?.inputs["subnetId"])?.state["availabilityZone"];
        if (s.natGateways === "perAz") assert.equal(natAz, subnet.state["availabilityZone"]);
        else assert.equal(nat?.name, "network-nat-0");
      }
    });

    it("uses web-infra:<package>:<Type> tokens and parents every AWS resource under a component", async () => {
      const g = await stackGraph(stack);
      const components = g.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack");
      assert.ok(components.every((c) => /^web-infra:[a-z]+:[A-Z]\w+$/.test(c.type)));
      const componentUrns = new Set(components.map((c) => c.urn));
      assert.deepEqual(
        g.customResources.filter((r) => !componentUrns.has(r.parent ?? "")).map((r) => r.urn),
        [],
      );
    });

    it("publishes the stack outputs", async () => {
      const g = await stackGraph(stack);
      assert.deepEqual(Object.keys(g.outputs).sort(), [
        "alarmTopicArn",
        "albDnsName",
        "albSecurityGroupId",
        "albZoneId",
        "autoScalingGroupName",
        "availabilityZones",
        "dashboardUrl",
        "databaseSubnetIds",
        "dbParameterPath",
        "dbPort",
        "dbReaderEndpoints",
        "dbSecretArn",
        "dbWriterEndpoint",
        "natGatewayIds",
        "privateSubnetIds",
        "publicSubnetIds",
        "targetGroupArn",
        "url",
        "vpcId",
        "webSecurityGroupId",
      ]);
      assert.equal((g.outputs["privateSubnetIds"] as string[]).length, s.azCount);
      assert.equal(g.outputs["url"], `https://${String(s.domainName)}`);
    });

    it("runs the ALB with the preset's protection and logging, hardened the same way everywhere", async () => {
      const g = await stackGraph(stack);
      const lb = g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb");
      assert.equal(lb.inputs["internal"], false);
      assert.equal(lb.inputs["dropInvalidHeaderFields"], true);
      assert.equal(lb.inputs["desyncMitigationMode"], "defensive");
      assert.equal(lb.inputs["idleTimeout"], s.idleTimeout);
      assert.equal(lb.inputs["enableDeletionProtection"], s.albDeletionProtection);
      assert.equal((lb.inputs["accessLogs"] as { enabled?: boolean } | undefined)?.enabled ?? false, s.albAccessLogs);
      assert.equal(new Set((lb.inputs["subnets"] as string[]).map((id) => g.byId(id)?.state["availabilityZone"])).size, s.azCount);
    });

    it("listens on 443 with the PQ TLS policy and redirects 80 with a 301", async () => {
      const g = await stackGraph(stack);
      const https = g.get("aws:lb/listener:Listener", "web-https");
      assert.deepEqual(
        [https.inputs["port"], https.inputs["protocol"], https.inputs["sslPolicy"]],
        [443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"],
      );
      const http = g.get("aws:lb/listener:Listener", "web-http");
      assert.deepEqual(http.inputs["defaultActions"], [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ]);
      assert.equal(g.ofType("aws:lb/listener:Listener").length, 2);
    });

    it("balances round-robin with the 10-second health check and a 30-second drain", async () => {
      const g = await stackGraph(stack);
      const tg = g.get("aws:lb/targetGroup:TargetGroup", "web-app-8080");
      const hc = tg.inputs["healthCheck"] as Record<string, number | string>;
      assert.equal(tg.inputs["loadBalancingAlgorithmType"], "round_robin");
      assert.deepEqual(
        [hc["path"], hc["matcher"], hc["interval"], hc["timeout"], hc["healthyThreshold"], hc["unhealthyThreshold"]],
        ["/healthz", "200", 5, 4, 2, 2],
      );
      assert.ok(Number(hc["interval"]) * Number(hc["unhealthyThreshold"]) <= 10);
      assert.equal(tg.inputs["deregistrationDelay"], 30);
    });

    it("runs webServerCount to maxWebServers servers as one group over every AZ's private subnet, behind the target group", async () => {
      const g = await stackGraph(stack);
      assert.equal(g.ofType("aws:ec2/instance:Instance").length, 0);
      const group = g.get(GROUP, "web-servers");
      assert.deepEqual(
        [group.inputs["minSize"], group.inputs["desiredCapacity"], group.inputs["maxSize"]],
        [s.webServerCount, s.webServerCount, s.maxWebServers ?? 2 * s.webServerCount],
      );
      assert.deepEqual(group.inputs["vpcZoneIdentifiers"], g.outputs["privateSubnetIds"]);
      assert.equal((group.state["availabilityZones"] as string[]).length, s.azCount);
      assert.deepEqual(group.inputs["targetGroupArns"], [g.outputs["targetGroupArn"]]);
      assert.equal(group.inputs["healthCheckType"], "ELB");
      assert.equal(g.outputs["autoScalingGroupName"], group.state["name"]);
    });

    it("boots no server before its subnet can reach the internet: the private routes, the NAT and the egress rule exist first", async () => {
      const g = await stackGraph(stack);
      const deps = new Set(g.get(GROUP, "web-servers").dependencies);
      const needed = [
        ...g.ofType("aws:ec2/route:Route").filter((r) => r.name.startsWith("network-private")),
        ...g.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((r) => r.name.startsWith("network-private")),
        ...g.ofType("aws:ec2/natGateway:NatGateway"),
        g.get("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "web-servers-to-internet-443"),
      ];
      assert.ok(needed.length >= 4);
      for (const r of needed) assert.ok(deps.has(r.urn), `${r.name} is not among the group's dependencies`);
    });

    it("opens the world only on the ALB's 80 and 443, and the servers only to the ALB group", async () => {
      const g = await stackGraph(stack);
      const ingress = g.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      const world = ingress.filter((r) => r.inputs["cidrIpv4"] === "0.0.0.0/0" || r.inputs["cidrIpv6"] === "::/0");
      assert.deepEqual(world.map((r) => [g.byId(r.inputs["securityGroupId"])?.name, r.inputs["fromPort"], r.inputs["toPort"]]).sort(), [
        ["web-alb", 443, 443],
        ["web-alb", 80, 80],
      ]);
      const toServers = ingress.filter((r) => g.byId(r.inputs["securityGroupId"])?.name === "web-servers");
      assert.deepEqual(
        toServers.map((r) => [g.byId(r.inputs["referencedSecurityGroupId"])?.name, r.inputs["fromPort"]]),
        [["web-alb", s.appPort]],
      );
      assert.ok(ingress.every((r) => typeof r.inputs["description"] === "string"));
    });

    it("hardens every server: IMDSv2, encrypted root, no public IP, no key pair", async () => {
      const g = await stackGraph(stack);
      const lt = g.get("aws:ec2/launchTemplate:LaunchTemplate", "web-server");
      assert.equal((lt.inputs["metadataOptions"] as Record<string, unknown>)["httpTokens"], "required");
      assert.equal((lt.inputs["metadataOptions"] as Record<string, unknown>)["httpPutResponseHopLimit"], 1);
      assert.deepEqual(
        (lt.inputs["blockDeviceMappings"] as { ebs: Record<string, unknown> }[]).map((b) => b.ebs["encrypted"]),
        ["true"],
      );
      assert.deepEqual(
        (lt.inputs["networkInterfaces"] as Record<string, unknown>[]).map((n) => n["associatePublicIpAddress"]),
        ["false"],
      );
      assert.equal(lt.inputs["keyName"], undefined);
      assert.equal(lt.inputs["instanceType"], s.instanceType);
      assert.deepEqual(lt.inputs["monitoring"], { enabled: s.detailedMonitoring });
    });

    it("can use an existing certificate instead of the domain", async () => {
      const cert = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
      const g = await runWeb({ stack, config: { domainName: undefined, hostedZoneId: undefined, certificateArn: cert } });
      assert.equal(g.get("aws:lb/listener:Listener", "web-https").inputs["certificateArn"], cert);
      assert.equal(g.ofType("aws:acm/certificate:Certificate").length, 0);
      assert.match(String(g.outputs["url"]), /^https:\/\/web-alb-[0-9a-f]{7}-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    });

    it("fails when HTTPS is not configured, naming both options", async () => {
      const err = await runWeb({ stack, config: { domainName: undefined, hostedZoneId: undefined } }).catch((e: unknown) => e);
      assert.match(
        String(err),
        /web-infra:domainName or certificateArn must be set: HTTPS is not optional, got nothing\. Set web-infra:domainName and web-infra:hostedZoneId .* or web-infra:certificateArn\./,
      );
    });
  });
}
