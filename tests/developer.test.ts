import * as assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeMissing, missingPrerequisites, PREREQUISITES } from "./system/support/prerequisites";
import { ROOT } from "./support";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

/** A directory holding a stub for each named command (the lookup only needs them to exist). */
function fakeBin(commands: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "web-infra-bin-"));
  for (const c of commands) {
    writeFileSync(join(dir, c), "#!/bin/sh\nexit 0\n");
    chmodSync(join(dir, c), 0o755);
  }
  return dir;
}

describe("the developer loop", () => {
  it("points a failing test's stack trace at the TypeScript line, by default", async () => {
    const out = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [
          join(ROOT, "node_modules/mocha/bin/mocha.js"),
          "--no-config",
          "--require",
          join(ROOT, "packages/testing/register.js"),
          "--reporter",
          "dot",
          join(__dirname, "fixtures/failing.spec.ts"),
        ],
        // The default: no WEB_INFRA_SOURCE_MAPS in the environment.
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, WEB_INFRA_SOURCE_MAPS: undefined } },
        (_err, stdout, stderr) => resolve(stdout + stderr),
      );
    });
    assert.match(out, /1 failing/);
    assert.match(out, /tests\/fixtures\/failing\.spec\.ts:13:\d+/, out);
  });

  it("leaves a trace through no TypeScript file exactly as Node prints it", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, [...args, join(__dirname, "fixtures/traces.js")], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, NODE_OPTIONS: "" },
      });
    const plain = run([]);
    const loaded = run(["--require", join(ROOT, "packages/testing/register.js")]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.match(plain.stdout, /TypeError \[ERR_INVALID_ARG_TYPE\]: /);
    assert.match(plain.stdout, /at async /);
    assert.equal(loaded.stdout, plain.stdout);
  });

  it("prunes compiled copies not written for 30 days when it compiles, and keeps the rest", () => {
    const cache = mkdtempSync(join(tmpdir(), "web-infra-ts-cache-"));
    const old = join(cache, "old.js");
    const recent = join(cache, "recent.js");
    writeFileSync(old, "");
    writeFileSync(recent, "");
    const longAgo = (Date.now() - 31 * 24 * 3600 * 1000) / 1000;
    utimesSync(old, longAgo, longAgo);
    const r = spawnSync(process.execPath, ["--require", join(ROOT, "packages/testing/register.js"), join(__dirname, "fixtures/hello.ts")], {
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "", WEB_INFRA_TS_CACHE: cache },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "compiled\n");
    const left = readdirSync(cache);
    assert.equal(left.includes("old.js"), false);
    assert.equal(left.includes("recent.js"), true);
    assert.equal(left.filter((f) => f.endsWith(".js.map")).length, 1, "the compiled copy's map sits beside it");
  });

  it("covers every dependency with an install script in allowScripts, so npm ci prints no review notice", () => {
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { hasInstallScript?: boolean; link?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => p.hasInstallScript && path.includes("node_modules/"))
      .map(([path]) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
    assert.ok(withScripts.length > 0);
    for (const name of withScripts) assert.ok(name in (pkg.allowScripts ?? {}), `${name} has an install script: approve or deny it`);
  });

  it("scopes the source condition to this repository's own commands: a shell that sources node22.sh gets Node 22 and nothing else", () => {
    const env = { ...process.env, NODE_OPTIONS: "" };
    const sourced = spawnSync(
      "bash",
      ["-c", 'source scripts/node22.sh && node -p "process.versions.node + \\" \\" + (process.env.NODE_OPTIONS ?? \\"\\")"'],
      {
        cwd: ROOT,
        env,
        encoding: "utf8",
      },
    );
    assert.equal(sourced.status, 0, sourced.stderr);
    assert.match(sourced.stdout.trim(), /^22\.\d+\.\d+ ?$/, "Node 22 first on PATH, NODE_OPTIONS untouched");
    const executed = spawnSync("scripts/node22.sh", ["node", "-p", "process.env.NODE_OPTIONS"], { cwd: ROOT, env, encoding: "utf8" });
    assert.equal(executed.stdout.trim(), "--conditions=@web-infra/source");
  });

  it("fetches Node 22 during npm ci, so the first test run does not", () => {
    assert.equal(pkg.scripts["postinstall"], "scripts/node22.sh");
    const npmrc = readFileSync(join(ROOT, ".npmrc"), "utf8");
    assert.match(npmrc, /^loglevel=error$/m, "npm on an older node warns about every package's engines");
  });

  describe("test:system prerequisites", () => {
    it("finds every prerequisite when each command is on the path", () => {
      const dir = fakeBin(PREREQUISITES.map((p) => p.command));
      assert.deepEqual(missingPrerequisites({ path: dir }), []);
    });

    it("names the missing package and the command that installs it, in one line", () => {
      const dir = fakeBin(PREREQUISITES.map((p) => p.command).filter((c) => c !== "haproxy"));
      const line = describeMissing("npm run test:system", missingPrerequisites({ path: dir }));
      assert.equal(line, "npm run test:system needs haproxy (Debian package haproxy): apt-get update && apt-get install -y haproxy");
    });

    it("lists Debian and pip packages once each when several are missing", () => {
      const line = describeMissing("npm run test:system", missingPrerequisites({ path: fakeBin([]) }));
      assert.match(
        line,
        /apt-get install -y shellcheck nginx mariadb-server haproxy openssl curl && pip install awscli "moto\[server\]" cfn-lint$/,
      );
      assert.equal(line.split("\n").length, 1);
    });

    it("fails the run with that line and exit status 1, before any test", () => {
      const dir = fakeBin(PREREQUISITES.map((p) => p.command).filter((c) => c !== "nginx"));
      const r = spawnSync(
        process.execPath,
        [
          "--require",
          join(ROOT, "packages/testing/register.js"),
          "-e",
          `require(${JSON.stringify(join(__dirname, "system/support/prerequisites.ts"))}).requirePrerequisites("npm run test:system", { path: ${JSON.stringify(dir)} })`,
        ],
        { encoding: "utf8" },
      );
      assert.equal(r.status, 1);
      assert.equal(r.stderr, "npm run test:system needs nginx (Debian package nginx): apt-get update && apt-get install -y nginx\n");
    });

    it("are what .ci/run installs: every Debian package they name", () => {
      const ci = readFileSync(join(ROOT, ".ci/run"), "utf8");
      const installed = /^APT_PACKAGES=\(([^)]*)\)$/m.exec(ci)?.[1]?.split(" ") ?? [];
      const apt = [...new Set(PREREQUISITES.filter((p) => p.via === "apt").map((p) => p.pkg))];
      assert.deepEqual([...installed].sort(), apt.sort());
      assert.match(ci, /pip install -q awscli "moto\[server\]"/);
    });

    it("is what .mocharc.system.json loads before the specs", () => {
      const config = JSON.parse(readFileSync(join(ROOT, ".mocharc.system.json"), "utf8")) as { require: string[]; spec: string[] };
      assert.deepEqual(config.require, ["./packages/testing/register.js", "./tests/system/support/check.ts"]);
      assert.match(readFileSync(join(__dirname, "system/support/check.ts"), "utf8"), /^requirePrerequisites\("npm run test:system"\);$/m);
      assert.equal(pkg.scripts["test:system"], "scripts/node22.sh mocha --config .mocharc.system.json");
    });
  });
});
