/**
 * The packed-tarball consumer test (npm run test:consumer): builds every
 * package, packs each with `npm pack`, installs the tarballs into a program
 * outside the workspace, type-checks it against the published .d.ts and runs
 * it with plain node under the published harness. It proves the shape other
 * teams get, not the workspace symlinks.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const PACKAGES = ["core", "testing", "networking", "compute", "database", "monitoring", "policy", "app"];
const rootPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const version = (name: string) => rootPkg.dependencies[name] ?? rootPkg.devDependencies[name];

/** Run a command with no inherited export condition: a consumer resolves dist/. */
function run(cmd: string, args: string[], cwd: string): string {
  const env = { ...process.env, NODE_OPTIONS: "" };
  return execFileSync(cmd, args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
}

describe("another team consuming the published packages", function () {
  this.timeout(15 * 60 * 1000);
  const work = mkdtempSync(join(tmpdir(), "web-infra-consumer-"));
  const tarballs = join(work, "tarballs");
  const app = join(work, "app");
  let result: { resources: number; rejections: number; outputs: string[]; policies: number; violated: string[]; spofs: string[] };

  before(() => {
    run("bash", ["scripts/build.sh"], ROOT);
    mkdirSync(tarballs, { recursive: true });
    for (const p of PACKAGES) run("npm", ["pack", "--silent", "--pack-destination", tarballs, "--workspace", `packages/${p}`], ROOT);
    cpSync(join(__dirname, "fixture"), app, { recursive: true });
    const files = readdirSync(tarballs);
    const tarball = (p: string) => `file:${join(tarballs, files.find((f) => f.startsWith(`web-infra-${p}-`)) as string)}`;
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify(
        {
          name: "consumer",
          version: "1.0.0",
          private: true,
          dependencies: {
            ...Object.fromEntries(PACKAGES.map((p) => [`@web-infra/${p}`, tarball(p)])),
            "@pulumi/pulumi": version("@pulumi/pulumi"),
            "@pulumi/aws": version("@pulumi/aws"),
            "@pulumi/random": version("@pulumi/random"),
            "@pulumi/policy": version("@pulumi/policy"),
            typescript: version("typescript"),
            "@types/node": version("@types/node"),
          },
        },
        null,
        2,
      ),
    );
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], app);
    run(join(app, "node_modules/.bin/tsc"), ["-p", "tsconfig.json"], app);
    result = JSON.parse(run(process.execPath, ["out/index.js"], app)) as typeof result;
  });

  it("packs every package with its compiled JavaScript and declarations, not only sources", () => {
    for (const p of PACKAGES) {
      const file = readdirSync(tarballs).find((f) => f.startsWith(`web-infra-${p}-`)) as string;
      const listing = execFileSync("tar", ["-tzf", join(tarballs, file)], { encoding: "utf8" });
      assert.match(listing, /package\/dist\/index\.js/, p);
      assert.match(listing, /package\/dist\/index\.d\.ts/, p);
      assert.match(listing, /package\/README\.md/, p);
    }
  });

  it("installs the reference app's command, which runs from dist/ and says what it needs", () => {
    const bin = join(app, "node_modules/.bin/web-infra-app");
    let failure: { status?: number; stderr?: string } = {};
    try {
      run(bin, [], app);
    } catch (err) {
      failure = err as typeof failure;
    }
    assert.equal(failure.status, 1);
    assert.match(
      String(failure.stderr),
      /^web-infra app: set WEB_INFRA_DB_PARAMETER_PATH \(e\.g\. \/web-infra\/prod\/db\) or WEB_INFRA_STACK/,
    );
  });

  it("type-checks a program against the published declarations and runs it from dist/ under the published harness", () => {
    assert.ok(result.resources > 80, `resources: ${result.resources}`);
    assert.equal(result.rejections, 0);
    assert.deepEqual(result.outputs, ["dashboard", "stack", "url", "writer"]);
    assert.equal(result.policies, 50);
  });

  it("gets the components' secure defaults: beyond the documented design conflicts, only the two opt-ins a team chooses", () => {
    assert.deepEqual(result.violated, [
      // Opt-in: a customer KMS key for log groups (pass kmsKeyArn / logKmsKeyArn).
      "cloudwatch-log-group-retention-and-kms",
      // Design conflicts the baseline names: the 80→443 redirect, TLS ending at the ALB.
      "elb-listener-uses-secure-protocol",
      "elb-target-group-encrypted-protocol",
      "elb-target-group-https-health-check",
      // Design: the KMS keys' administrator statement gives the account root kms:* (AWS's default key policy).
      "iam-policy-actions-known",
      // Opt-in: a permissions boundary on the components' roles (permissionsBoundary), from a bootstrap stack.
      "iam-role-permissions-boundary",
      // Opt-in: Multi-AZ read replicas (replicaMultiAz), which double their cost.
      "rds-multi-az",
      "sg-no-world-ingress-on-port-80",
    ]);
    assert.deepEqual(result.spofs, []);
  });
});
