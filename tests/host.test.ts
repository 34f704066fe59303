import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { ROOT, stackGraph } from "./support";

const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as {
  name: string;
  main: string;
  runtime: { name: string; options: { typescript: boolean; nodeargs: string } };
};

/**
 * Started when the file loads so the child (a second node process) runs on the
 * other core while the rest of the suite does; the test only awaits it.
 */
const hostRun = new Promise<string>((resolve, reject) => {
  execFile(
    process.execPath,
    [...project.runtime.options.nodeargs.split(" "), join(__dirname, "fixtures/language-host.js"), ROOT, "dev"],
    // The compile cache only skips re-parsing the SDK's JavaScript; module resolution and ts-node are the host's.
    { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", NODE_COMPILE_CACHE: join(tmpdir(), "node-compile-cache") } },
    (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
  );
});
// Filtered runs (--grep) may never await it.
hostRun.catch(() => undefined);

describe("what `pulumi preview` needs on a real account", () => {
  it("has a Pulumi.yaml that Pulumi's own project schema accepts", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "fixtures/pulumi-project.schema.json"), "utf8")) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    assert.ok(validate(project), JSON.stringify(validate.errors));
    assert.equal(project.name, "web-infra");
    assert.equal(project.runtime.name, "nodejs");
    assert.match(project.main, /^stacks\//);
  });

  it("keeps the host's tsconfig.json self-contained (the host ignores `extends`), CommonJS via nodenext, resolving the packages' sources", () => {
    const tsconfig = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as {
      extends?: string;
      compilerOptions: Record<string, unknown>;
    };
    assert.equal(tsconfig.extends, undefined);
    // nodenext emits CommonJS for .ts files of a package without "type": "module".
    assert.equal(tsconfig.compilerOptions["module"], "nodenext");
    assert.equal(tsconfig.compilerOptions["moduleResolution"], "nodenext");
    assert.deepEqual(tsconfig.compilerOptions["customConditions"], ["@web-infra/source"]);
    assert.equal(tsconfig.compilerOptions["strict"], true);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { type?: string };
    assert.equal(pkg.type, undefined, "the program is CommonJS");
    // Without the condition, node would look for the packages' dist/, which a clone does not have.
    assert.match(project.runtime.options.nodeargs, /--conditions=@web-infra\/source/);
  });

  it("runs the program loaded exactly as the nodejs language host loads it (ts-node, root tsconfig, Pulumi.yaml main and nodeargs)", async () => {
    const result = JSON.parse(await hostRun) as { typescript: string; tsnode: string; resources: number; outputs: string[] };
    assert.match(result.typescript, /^5\.9\./, "the host must find the project's TypeScript 5.9, not its vendored 3.8");
    const g = await stackGraph("dev");
    assert.equal(result.resources, g.customResources.length);
    assert.deepEqual(result.outputs, Object.keys(g.outputs).sort());
  });
});
