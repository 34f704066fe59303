import * as assert from "node:assert/strict";
import { CONTRACT_PARAMETERS, parseContract, stackParameterPath } from "@web-infra/app";
import { STACKS, stackGraph } from "./support";

describe("the reference app reads the contract every stack writes", () => {
  for (const stack of STACKS) {
    it(`${stack}: the five parameters under ${stackParameterPath(stack)} and the credentials secret parse, and name the primary and replicas`, async () => {
      const g = await stackGraph(stack);
      const path = stackParameterPath(stack);
      const values: Record<string, string> = {};
      for (const p of g.ofType("aws:ssm/parameter:Parameter")) {
        const name = p.inputs["name"] as string;
        if (name.startsWith(`${path}/`)) values[name.slice(path.length + 1)] = p.inputs["value"] as string;
      }
      assert.deepEqual(Object.keys(values).sort(), Object.values(CONTRACT_PARAMETERS).sort());
      const secret = g.ofType("aws:secretsmanager/secretVersion:SecretVersion");
      assert.equal(secret.length, 1);
      const c = parseContract(path, values, secret[0]!.inputs["secretString"] as string);
      const rds = g.ofType("aws:rds/instance:Instance");
      const primary = rds.find((r) => r.inputs["replicateSourceDb"] === undefined)!;
      const replicas = rds.filter((r) => r.inputs["replicateSourceDb"] !== undefined);
      assert.deepEqual(c.writer, { host: primary.state["address"], port: primary.inputs["port"] });
      const readers = replicas.length ? replicas.map((r) => r.state["address"]) : [primary.state["address"]];
      assert.deepEqual(
        c.readers.map((r) => r.host),
        readers,
      );
      assert.equal(c.credentials.username, primary.inputs["username"]);
      assert.equal(c.databaseName, primary.inputs["dbName"]);
    });
  }
});
