import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { renderPageScript, renderUserData } from "@web-infra/compute";

describe("web server software (real tools)", () => {
  it("the boot script and the page script pass shellcheck", () => {
    const page = renderPageScript({
      appPort: 8080,
      parameters: { "Reads from": "/web-infra/dev/db/reader-endpoints" },
      region: "us-east-1",
    });
    const boot = renderUserData({ appPort: 8080, parameters: { "Writes to": "/web-infra/dev/db/writer-endpoint" }, region: "us-east-1" });
    for (const s of [boot, renderUserData({ appPort: 80 }), page]) {
      const result = spawnSync("shellcheck", ["--shell=bash", "--severity=style", "-"], { input: s, encoding: "utf8" });
      assert.equal(result.status, 0, result.stdout);
    }
  });
});
