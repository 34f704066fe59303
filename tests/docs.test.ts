import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BEGIN, checkDocs, END, isStale, renderApi, spliceReadme } from "../scripts/docs";

const ROOT = resolve(__dirname, "..");

/**
 * `npm run docs:check`, started when the file loads so the child (a second node process)
 * runs on the other core while the rest of the suite does; the test only awaits it.
 */
const docsCheck = new Promise<{ code: number; output: string }>((done) => {
  execFile(
    process.execPath,
    ["--require", "./packages/testing/register.js", "scripts/docs.ts", "--check"],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "--conditions=@web-infra/source" } },
    (err, stdout, stderr) => done({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, output: `${stdout}${stderr}` }),
  );
});

describe("package READMEs: the API section generated from the JSDoc (scripts/docs.ts)", () => {
  it("is up to date in every package, and every documented property follows the JSDoc rule", async () => {
    const { code, output } = await docsCheck;
    assert.equal(
      code,
      0,
      `scripts/docs.ts --check failed. Fix the JSDoc it names in src/, then run \`npm run docs\` and commit the READMEs:\n${output}`,
    );
  });

  it("reports a README whose generated block was edited by hand as stale, and regenerating restores it", async () => {
    const dir = join(ROOT, "packages/networking");
    const generated = await renderApi(dir);
    assert.ok(generated.startsWith(BEGIN) && generated.endsWith(END), "the generated block carries both markers");
    assert.match(generated, /\| `cidrBlock` +\| `string` +\| optional +\| `"10\.0\.0\.0\/16"` +\|/);
    assert.match(generated, /Type token `web-infra:networking:Network`/);

    const readme = readFileSync(join(dir, "README.md"), "utf8");
    const begin = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    assert.ok(begin !== -1 && end > begin, "packages/networking/README.md has the generated block");
    const block = readme.slice(begin, end);
    const edited = block.replace("| optional |", "| required |");
    assert.notEqual(edited, block, "the block has an optional property to edit");
    const altered = readme.slice(0, begin) + edited + readme.slice(end);

    assert.equal(isStale(altered, generated), true, "an edited generated block must be stale");
    assert.equal(spliceReadme(altered, generated), spliceReadme(readme, generated), "regenerating replaces the edit");
    // A README without the block is stale too: the generator appends it.
    const without = readme.slice(0, begin) + readme.slice(end + END.length);
    assert.equal(isStale(without, generated), true);
    assert.ok(spliceReadme(without, generated).trimEnd().endsWith(END));
  });

  it("reports an optional property without @default (and the other breaches of the rule) with file, line, interface and property", () => {
    const source = [
      "export interface CacheArgs {", //                                   1
      "  /** Entries kept. @default 100 */", //                            2
      "  readonly size?: number;", //                                      3
      "  /** Seconds an entry lives. */", //                               4
      "  readonly ttl?: number;", //                                       5
      "  readonly name: string;", //                                       6
      "  /**", //                                                          7
      "   * Key prefix.", //                                               8
      "   *", //                                                           9
      "   * @default undefined", //                                        10
      "   */", //                                                          11
      "  readonly prefix?: string;", //                                    12
      "  /** @default false */", //                                        13
      "  readonly shared?: boolean;", //                                   14
      "}", //                                                              15
      "/** Not documented: neither exported nor named *Args. */", //       16
      "interface LocalArgs { readonly x?: number }", //                    17
      "export interface Settings { readonly y?: number }", //              18
    ].join("\n");
    const found = checkDocs(source, "src/cache.ts").map((v) => `${v.file}:${v.line} ${v.iface}.${v.property}: ${v.problem}`);
    assert.deepEqual(found, [
      "src/cache.ts:5 CacheArgs.ttl: is optional but has no @default tag",
      "src/cache.ts:6 CacheArgs.name: has no JSDoc comment",
      "src/cache.ts:12 CacheArgs.prefix: is optional but its @default is `undefined`",
      "src/cache.ts:14 CacheArgs.shared: has a JSDoc comment without a description",
    ]);
  });
});
