import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support";

describe("the project's own shell scripts", () => {
  it("pass shellcheck: .ci/run and scripts/*.sh", () => {
    const files = [
      ".ci/run",
      ...readdirSync(join(ROOT, "scripts"))
        .filter((f) => f.endsWith(".sh"))
        .map((f) => `scripts/${f}`),
    ];
    assert.ok(files.length >= 4, files.join(" "));
    const result = spawnSync("shellcheck", ["--shell=bash", "--severity=style", ...files], { cwd: ROOT, encoding: "utf8" });
    assert.equal(result.status, 0, result.stdout);
  });
});
