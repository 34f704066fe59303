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
 * Stack traces point at TypeScript lines. Each compiled file's source map is
 * cached beside it, and read only when a printed trace passes through that
 * file (Error.prepareStackTrace below). Node's own switch (`--enable-source-maps`
 * or module.setSourceMapsSupport) decodes every map as its module loads: that
 * cost a cold offline plan about 50 ms, most of them for traces never printed.
 * Set WEB_INFRA_SOURCE_MAPS=0 to turn the mapping off.
 */
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");
const os = require("node:os");
const crypto = require("node:crypto");

if (typeof Module.enableCompileCache === "function") Module.enableCompileCache();

const sourceMaps = process.env.WEB_INFRA_SOURCE_MAPS !== "0" && typeof Module.SourceMap === "function";

const cacheDir =
  process.env.WEB_INFRA_TS_CACHE ||
  path.join(os.tmpdir(), `web-infra-ts-${typeof process.getuid === "function" ? process.getuid() : "user"}`);
let esbuild;
let version;

/** Compiled file → the path of its cached source map; parsed on the first trace through it. */
const mapFiles = new Map();
const parsedMaps = new Map();

function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function compile(source, filename) {
  esbuild ??= { version: require("esbuild/package.json").version };
  version ??= `${esbuild.version}|${sourceMaps}|external-map`;
  const key = crypto.createHash("sha256").update(version).update("\0").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  if (sourceMaps) mapFiles.set(filename, `${cached}.map`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  if (!esbuild.transformSync) {
    esbuild = require("esbuild");
    prune();
  }
  const { code, map } = esbuild.transformSync(source, {
    loader: "ts",
    format: "cjs",
    target: "node22",
    sourcefile: filename,
    sourcemap: sourceMaps ? "external" : false,
    // Stack traces need the mappings only; the sources are on disk.
    sourcesContent: false,
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  // The map first: a cached file is always complete once its code exists.
  if (sourceMaps) writeAtomic(`${cached}.map`, map);
  writeAtomic(cached, code);
  return code;
}

/**
 * Every edit leaves a compiled copy behind: on the first compile of a process, delete entries
 * not written for 30 days (one still in use is compiled again, once). A warm run never lists the
 * directory.
 */
function prune() {
  const cutoff = Date.now() - 30 * 24 * 3600 * 1000;
  let names = [];
  try {
    names = fs.readdirSync(cacheDir);
  } catch {
    return; // no cache yet
  }
  // The maps of files this process has loaded are read lazily: keep them.
  const inUse = new Set(mapFiles.values());
  for (const name of names) {
    const file = path.join(cacheDir, name);
    if (inUse.has(file)) continue;
    try {
      if (fs.statSync(file).mtimeMs < cutoff) fs.unlinkSync(file);
    } catch {
      // another process pruned it first
    }
  }
}

function sourceMapOf(file) {
  if (!parsedMaps.has(file)) {
    let map;
    try {
      map = new Module.SourceMap(JSON.parse(fs.readFileSync(mapFiles.get(file), "utf8")));
    } catch {
      map = undefined; // a trace without this file's mapping beats no trace
    }
    parsedMaps.set(file, map);
  }
  return parsedMaps.get(file);
}

/** A frame as V8 prints it, its position moved to the TypeScript source when the file is ours. */
function frameText(frame) {
  const text = String(frame);
  const file = frame.getFileName();
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (!file || !line || !column || !mapFiles.has(file)) return text;
  const entry = sourceMapOf(file)?.findEntry(line - 1, column - 1);
  if (entry?.originalLine === undefined) return text;
  const at = `${file}:${line}:${column}`;
  const i = text.lastIndexOf(at);
  return i < 0 ? text : `${text.slice(0, i)}${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}${text.slice(i + at.length)}`;
}

if (sourceMaps) {
  // Node 22's default (ErrorPrepareStackTrace) writes the header, e.g. "TypeError [ERR_X]: …" for
  // its own errors, and maps nothing unless its switch is on; the frames follow as V8 lays them out.
  const nodeDefault = typeof Error.prepareStackTrace === "function" ? Error.prepareStackTrace : undefined;
  const header = (error) => {
    try {
      return nodeDefault ? nodeDefault(error, []) : Error.prototype.toString.call(error);
    } catch {
      return "Error";
    }
  };
  Error.prepareStackTrace = function prepareStackTrace(error, frames) {
    return [header(error), ...frames.map((f) => `    at ${frameText(f)}`)].join("\n");
  };
}

require.extensions[".ts"] = function loadTs(module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
