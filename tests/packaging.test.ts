import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./support";

interface Pkg {
  name: string;
  version: string;
  private?: boolean;
  main: string;
  types: string;
  exports: Record<string, unknown>;
  files: string[];
  engines: { node: string };
  license: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  publishConfig?: { access: string };
  scripts?: Record<string, string>;
}

const dirs = readdirSync(join(ROOT, "packages")).sort();
const pkgs = dirs.map((d) => ({
  dir: join(ROOT, "packages", d),
  pkg: JSON.parse(readFileSync(join(ROOT, "packages", d, "package.json"), "utf8")) as Pkg,
}));
const versions = Object.fromEntries(pkgs.map(({ pkg }) => [pkg.name, pkg.version]));

/** `changeset status` reads the pending changesets against git: started at load, awaited below. */
const status = new Promise<{ code: number; out: string }>((resolve) => {
  execFile(join(ROOT, "node_modules/.bin/changeset"), ["status"], { cwd: ROOT, encoding: "utf8" }, (err, stdout, stderr) =>
    resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
  );
});

describe("packages other teams can reuse", () => {
  for (const { dir, pkg } of pkgs) {
    describe(pkg.name, () => {
      it("publishes compiled JavaScript and declarations, and resolves its TypeScript sources inside the monorepo", () => {
        const root = pkg.exports["."] as Record<string, string>;
        assert.deepEqual(Object.keys(root), ["@web-infra/source", "types", "default"], "the source condition must come first");
        assert.equal(root["@web-infra/source"], "./src/index.ts");
        assert.ok(existsSync(join(dir, root["@web-infra/source"])));
        assert.equal(root["types"], "./dist/index.d.ts");
        assert.equal(root["default"], "./dist/index.js");
        assert.equal(pkg.types, "./dist/index.d.ts");
        assert.ok(pkg.files.includes("dist") && pkg.files.includes("README.md"));
        assert.equal(pkg.scripts?.["build"], "tsc -p tsconfig.build.json");
        assert.ok(existsSync(join(dir, "tsconfig.build.json")));
      });

      it("is publishable: public access, a license, Node ≥ 22, a README", () => {
        assert.match(pkg.name, /^@web-infra\/[a-z]+$/);
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
        assert.notEqual(pkg.private, true);
        assert.equal(pkg.publishConfig?.access, "public");
        assert.equal(pkg.license, "Apache-2.0");
        assert.equal(pkg.engines.node, ">=22");
        assert.ok(readFileSync(join(dir, "README.md"), "utf8").length > 200);
      });

      it("depends on its siblings by a semver range that matches their version, and on Pulumi as a peer", () => {
        for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
          if (name.startsWith("@web-infra/")) assert.equal(range, `^${versions[name]}`, `${pkg.name} → ${name}`);
        }
        assert.ok(pkg.peerDependencies?.["@pulumi/pulumi"], "the program brings its own @pulumi/pulumi");
      });
    });
  }

  it("manages versions and changelogs with Changesets", async () => {
    const config = JSON.parse(readFileSync(join(ROOT, ".changeset/config.json"), "utf8")) as { access: string; baseBranch: string };
    assert.equal(config.access, "public");
    assert.equal(config.baseBranch, "main");
    const { code, out } = await status;
    assert.equal(code, 0, out);
  });
});
