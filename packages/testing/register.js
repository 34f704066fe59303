"use strict";
/**
 * A lean TypeScript loader for tests and the offline plan:
 * `node --require @web-infra/testing/register`, or mocha's `require`.
 *
 * Only `.ts` files go through it (esbuild, cached on disk by content hash),
 * so the thousands of `.js` files of @pulumi/pulumi and @pulumi/aws load at
 * native speed; general-purpose hooks that inspect every `.js` file doubled
 * the SDK's load time here. Node's compile cache is turned on for everything.
 *
 * Stack traces point at TypeScript lines: the compiled code carries an inline
 * source map, and Node reads source maps for our files only. Node's global
 * switch (`--enable-source-maps`) would also parse the `.js.map` of each of
 * the SDKs' thousands of files. Set WEB_INFRA_SOURCE_MAPS=0 to turn it off.
 */
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const os = require("node:os");
const crypto = require("node:crypto");

if (typeof Module.enableCompileCache === "function") Module.enableCompileCache();

const sourceMaps = process.env.WEB_INFRA_SOURCE_MAPS !== "0";
if (sourceMaps) {
  // Node ≥ 22.14; older 22.x fall back to the global switch.
  if (typeof Module.setSourceMapsSupport === "function") Module.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });
  else process.setSourceMapsEnabled(true);
}

const cacheDir =
  process.env.WEB_INFRA_TS_CACHE ||
  path.join(os.tmpdir(), `web-infra-ts-${typeof process.getuid === "function" ? process.getuid() : "user"}`);
let esbuild;
let version;

function compile(source, filename) {
  esbuild ??= { version: require("esbuild/package.json").version };
  version ??= `${esbuild.version}|${sourceMaps}|no-sources`;
  const key = crypto.createHash("sha256").update(version).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  if (!esbuild.transformSync) esbuild = require("esbuild");
  const { code } = esbuild.transformSync(source, {
    loader: "ts",
    format: "cjs",
    target: "node22",
    sourcefile: filename,
    sourcemap: sourceMaps ? "inline" : false,
    // Stack traces need the mappings only; the sources are on disk, so the inline map stays small.
    sourcesContent: false,
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, cached);
  return code;
}

require.extensions[".ts"] = function loadTs(module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
