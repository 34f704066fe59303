/**
 * The packed-tarball consumer test (npm run test:consumer): `npm run pack` builds
 * every package in a temporary folder and packs it, the tarballs are installed
 * into programs outside the workspace (a fixture, and the examples/consumer
 * starter), type-checked against the published .d.ts and run with plain node
 * under the published harness. It proves the shape other teams get, not the
 * workspace symlinks, and that packing leaves the checkout alone.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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

  const tarball = (p: string) => `file:${join(tarballs, readdirSync(tarballs).find((f) => f.startsWith(`web-infra-${p}-`)) as string)}`;
  let packed: string[];
  let statusBefore: string;
  let statusAfter: string;

  before(() => {
    // What a build would write: dist/ folders (ignored by git) and their newest file.
    const builds = () =>
      run(
        "bash",
        ["-c", "ls -d packages/*/dist 2>/dev/null; find packages/*/dist -type f -newer package.json 2>/dev/null | head -1 || true"],
        ROOT,
      );
    statusBefore = builds();
    packed = run("bash", ["scripts/pack.sh", tarballs], ROOT).trim().split("\n");
    statusAfter = builds();
    cpSync(join(__dirname, "fixture"), app, { recursive: true });
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

  it("packs every package with its compiled JavaScript and declarations, and neither sources nor the source condition", () => {
    assert.deepEqual(
      packed.map((f) => f.replace(/^.*\//, "")),
      PACKAGES.map((p) => `web-infra-${p}-0.1.0.tgz`),
    );
    for (const p of PACKAGES) {
      const file = readdirSync(tarballs).find((f) => f.startsWith(`web-infra-${p}-`)) as string;
      const listing = execFileSync("tar", ["-tzf", join(tarballs, file)], { encoding: "utf8" });
      assert.match(listing, /package\/dist\/index\.js/, p);
      assert.match(listing, /package\/dist\/index\.d\.ts/, p);
      assert.match(listing, /package\/README\.md/, p);
      assert.doesNotMatch(listing, /package\/src\//, p);
      const manifest = execFileSync("tar", ["-xOzf", join(tarballs, file), "package/package.json"], { encoding: "utf8" });
      assert.doesNotMatch(manifest, /@web-infra\/source/, p);
    }
  });

  it("packs without touching the checkout: no dist/ written into packages/", () => {
    assert.equal(statusAfter, statusBefore);
  });

  it("installs the examples/consumer starter from the tarballs and passes its own offline test", () => {
    const starter = join(work, "starter");
    cpSync(join(ROOT, "examples/consumer"), starter, { recursive: true, filter: (f) => !/\/(node_modules|out)$/.test(f) });
    const pkg = JSON.parse(readFileSync(join(starter, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const name of Object.keys(deps)) {
        if (name.startsWith("@web-infra/")) deps[name] = tarball(name.slice("@web-infra/".length));
        // The starter pins what the repository tests with.
        else assert.equal(deps[name], version(name), name);
      }
    }
    // Every component package depends on core: npm must find it among the tarballs too.
    pkg.dependencies["@web-infra/core"] = tarball("core");
    writeFileSync(join(starter, "package.json"), JSON.stringify(pkg, null, 2));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], starter);
    const out = run("npm", ["test"], starter);
    assert.match(out, /# pass 2\n# fail 0/);
    const plan = run("npm", ["run", "plan"], starter);
    assert.match(plan, /resources; nothing AWS would refuse\./);
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
    assert.equal(result.policies, 53);
  });

  it("gets the components' secure defaults: beyond the documented design conflicts, only the two opt-ins a team chooses", () => {
    assert.deepEqual(result.violated, [
      // Opt-in: a customer KMS key for log groups (pass kmsKeyArn / logKmsKeyArn).
      "cloudwatch-log-group-retention-and-kms",
      // Design conflicts the baseline names: the 80→443 redirect, TLS ending at the ALB.
      // Opt-in: interface endpoints for Session Manager and EC2 (Network endpoints.interfaceServices), billed per zone-hour.
      "ec2-vpc-ec2-endpoint",
      "ec2-vpc-ssm-endpoint",
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
