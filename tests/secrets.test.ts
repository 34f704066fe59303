import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { unsecret } from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { findSecretLeaks, runProgram } from "@web-infra/testing";
import { STACKS, stackGraph } from "./support";

for (const stack of STACKS) {
  describe(`secret hygiene: ${stack}`, () => {
    it("has a generated master password, kept as a Pulumi secret wherever it is an input", async () => {
      const g = await stackGraph(stack);
      const password = String(g.get("random:index/randomPassword:RandomPassword", "db-master").state["result"]);
      assert.ok(password.length >= 8);
      const users = g.resources.filter((r) => JSON.stringify(r.inputs).includes(password)).map((r) => `${r.type} ${r.name}`);
      assert.deepEqual(users.sort(), [
        "aws:rds/instance:Instance db-primary",
        "aws:secretsmanager/secretVersion:SecretVersion db-credentials",
      ]);
    });

    it("never shows a secret in plain text: no input, output, tag or user data outside a Pulumi secret", async () => {
      const g = await stackGraph(stack);
      assert.deepEqual(findSecretLeaks(g), []);
    });
  });
}

describe("secret hygiene: the check itself", () => {
  it("fails when a password reaches a tag or an output in plain text", async () => {
    const g = await runProgram(
      () => {
        const pw = new random.RandomPassword("pw", { length: 16, special: false });
        const unsafe = pw.result.apply((v) => v);
        new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16", tags: { leak: unsafe } });
        return { leaked: unsafe };
      },
      { stack: "dev" },
    );
    // apply() keeps secretness, so only an explicit unsecret leaks; the harness must see through nothing else.
    assert.deepEqual(findSecretLeaks(g), []);
    const h = await runProgram(
      () => {
        const pw = new random.RandomPassword("pw", { length: 16, special: false });
        new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16", tags: { leak: unsecret(pw.result) } });
        return { leaked: unsecret(pw.result) };
      },
      { stack: "dev" },
    );
    assert.deepEqual(
      findSecretLeaks(h)
        .map((l) => l.where)
        .sort(),
      ["inputs.tags.leak", "outputs.leaked"],
    );
  });
});
