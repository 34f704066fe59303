import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "@web-infra/testing";
import { awsContext } from "../src";

class Part extends pulumi.ComponentResource {
  readonly where: pulumi.Output<string>;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:context:Part", name, {}, opts);
    const c = awsContext(this);
    this.where = pulumi.interpolate`${c.partition}:${c.region}:${c.accountId}`;
    this.registerOutputs({});
  }
}

const TOKENS = ["aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition", "aws:index/getRegion:getRegion"];

describe("awsContext", () => {
  it("looks up account, partition and region once per provider and run, however many components ask", async () => {
    const g = await runProgram(
      () => {
        const west = new aws.Provider("west", { region: "eu-west-1" });
        const parts = [new Part("a"), new Part("b"), new Part("c", { providers: [west] }), new Part("d", { providers: [west] })];
        return { where: pulumi.all(parts.map((p) => p.where)) };
      },
      { stack: "dev" },
    );
    for (const token of TOKENS)
      assert.equal(g.invokes.filter((i) => i.token === token).length, 2, `${token}: once for the default provider, once for west`);
    assert.deepEqual(g.outputs["where"], [
      "aws:us-east-1:123456789012",
      "aws:us-east-1:123456789012",
      "aws:eu-west-1:123456789012",
      "aws:eu-west-1:123456789012",
    ]);
  });

  it("looks up again in the next run: a run's answers never leak into another", async () => {
    const program = () => ({ where: new Part("a").where });
    const east = await runProgram(program, { stack: "dev" });
    const west = await runProgram(program, { stack: "dev", config: { "aws:region": "eu-west-1" } });
    assert.equal(east.outputs["where"], "aws:us-east-1:123456789012");
    assert.equal(west.outputs["where"], "aws:eu-west-1:123456789012");
    assert.equal(west.invokes.length, 3);
  });
});
