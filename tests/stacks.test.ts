import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadSettings, PRESETS, Settings } from "../stacks/web/config";
import { stackConfig } from "@web-infra/testing";
import { ROOT, STACKS, stackGraph } from "./support";

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

    it("publishes the network outputs", async () => {
      const g = await stackGraph(stack);
      assert.deepEqual(Object.keys(g.outputs).sort(), [
        "availabilityZones",
        "databaseSubnetIds",
        "natGatewayIds",
        "privateSubnetIds",
        "publicSubnetIds",
        "vpcId",
      ]);
      assert.equal((g.outputs["privateSubnetIds"] as string[]).length, s.azCount);
    });
  });
}
