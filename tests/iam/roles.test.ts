import * as assert from "node:assert/strict";
import { STACKS, stackGraph } from "../support";

const BOUNDARY = "arn:aws:iam::123456789012:policy/web-infra/web-infra-boundary";

describe("IAM: every role the web stack creates", () => {
  for (const stack of STACKS) {
    it(`${stack}: sits under /web-infra/${stack}/ and carries the boundary where the stack file sets one`, async () => {
      const g = await stackGraph(stack);
      const roles = g.ofType("aws:iam/role:Role");
      assert.deepEqual(
        roles.map((r) => r.name).sort(),
        stack === "dev" ? ["web-server"] : ["db-monitoring", "network-flow-logs", "web-server"],
      );
      for (const role of roles) {
        assert.equal(role.inputs["path"], `/web-infra/${stack}/`, role.name);
        assert.equal(role.inputs["permissionsBoundary"], stack === "dev" ? undefined : BOUNDARY, role.name);
      }
    });
  }
});
