import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { importsPulumi, ROOT } from "./support";

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

      it("depends on its siblings by a semver range that matches their version, and on Pulumi as a peer when it uses Pulumi", () => {
        for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
          if (name.startsWith("@web-infra/")) assert.equal(range, `^${versions[name]}`, `${pkg.name} → ${name}`);
        }
        if (importsPulumi(dir)) assert.ok(pkg.peerDependencies?.["@pulumi/pulumi"], "the program brings its own @pulumi/pulumi");
        else
          assert.deepEqual(
            Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }).filter((d) => d.startsWith("@pulumi/")),
            [],
          );
      });
    });
  }

  it("publishes nothing under the GPL or AGPL, in any package's production or peer dependency tree", () => {
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<
        string,
        {
          license?: string;
          dependencies?: Record<string, string>;
          peerDependencies?: Record<string, string>;
          optionalDependencies?: Record<string, string>;
          link?: boolean;
          resolved?: string;
        }
      >;
    };
    /** Where npm put `name` as seen from the package at `from` (nested first, then each ancestor, then hoisted). */
    const locate = (from: string, name: string): string | undefined => {
      for (let dir = from; ; dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : "") {
        const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
        if (lock.packages[candidate]) return candidate;
        if (!dir) return undefined;
      }
    };
    const offenders: string[] = [];
    let seen = 0;
    for (const { pkg, dir } of pkgs) {
      const start = `packages/${dir.split("/").pop()}`;
      const queue = [start];
      const visited = new Set<string>();
      while (queue.length) {
        const at = queue.pop()!;
        if (visited.has(at)) continue;
        visited.add(at);
        const entry = lock.packages[at]!;
        const real = entry.link && entry.resolved ? entry.resolved : at;
        const e = lock.packages[real] ?? entry;
        if (at !== start && /(^|[^L])GPL/i.test(e.license ?? "")) offenders.push(`${pkg.name} → ${at} (${e.license})`);
        for (const name of Object.keys({ ...e.dependencies, ...e.optionalDependencies, ...e.peerDependencies })) {
          const found = locate(real, name);
          if (found) queue.push(found);
        }
      }
      seen += visited.size;
    }
    assert.ok(seen > 500, `walked ${seen} packages`);
    assert.deepEqual(offenders, []);
  });

  it("keeps every GPL-family package test-only, and the README's license section names each", () => {
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { license?: string; dev?: boolean }>;
    };
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Licenses"));
    assert.ok(readme.includes("## Licenses"));
    const copyleft = Object.entries(lock.packages).filter(
      ([path, p]) => path.includes("node_modules/") && /(^|[^L])GPL/i.test(p.license ?? ""),
    );
    assert.ok(copyleft.length > 0, "the test-only validator is GPL-3.0: this check must see it");
    for (const [path, p] of copyleft) {
      assert.equal(p.dev, true, `${path} (${p.license}) must be a devDependency only`);
      const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
      assert.ok(section.includes(`\`${name}\``) || section.includes(`\`${name.split("/")[0]}/*\``), `README ## Licenses names ${name}`);
    }
  });

  it("manages versions and changelogs with Changesets", async () => {
    const config = JSON.parse(readFileSync(join(ROOT, ".changeset/config.json"), "utf8")) as { access: string; baseBranch: string };
    assert.equal(config.access, "public");
    assert.equal(config.baseBranch, "main");
    const { code, out } = await status;
    assert.equal(code, 0, out);
  });
});
