import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";
import { renderValue, ValidationError } from "@web-infra/core";
import { registeredBefore, RunOptions, runProgram, RunResult } from "@web-infra/testing";
import { DEFAULTS, loadBootstrapSettings } from "../stacks/bootstrap/config";
import { bootstrapStack } from "../stacks/bootstrap/program";
import { AUD_KEY, checkGithubTrust, githubTrustPolicy, SUB_KEY } from "../stacks/bootstrap/trust";

const ROOT = resolve(__dirname, "..");
const PROJECT_DIR = join(ROOT, "stacks/bootstrap");
const REPO = "example-org/web-infra";
const ACCOUNT = "123456789012";
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const PREVIEW_SUBJECTS = [`repo:${REPO}:pull_request`];
const DRIFT_SUBJECTS = [`repo:${REPO}:ref:refs/heads/main`];

const project = parse(readFileSync(join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
  name: string;
  main: string;
  runtime: { name: string; options: { typescript: boolean; packagemanager: string; nodeargs?: string } };
};

function runBootstrap(config?: RunOptions["config"]): Promise<RunResult> {
  return runProgram(bootstrapStack, { stack: "admin", projectDir: PROJECT_DIR, config });
}

let adminRun: Promise<RunResult> | undefined;
/** The admin stack file's graph, run once and shared. */
const admin = () => (adminRun ??= runBootstrap());

/** The trust policy GitHub roles must have, with the given subjects (and workflow file, where bound). */
function expectedTrust(subjects: string[], workflow?: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GithubActions",
        Effect: "Allow",
        Principal: { Federated: OIDC_ARN },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [AUD_KEY]: "sts.amazonaws.com",
            [SUB_KEY]: subjects,
            ...(workflow === undefined ? {} : { "token.actions.githubusercontent.com:job_workflow_ref": workflow }),
          },
        },
      },
    ],
  };
}

const json = (v: unknown) => JSON.parse(String(v)) as unknown;

/** The bucket name, bucket ARN and key ARN the run produced. */
function stateIds(g: RunResult) {
  const bucket = String(g.get("aws:s3/bucket:Bucket", "web-infra-state").state["bucket"]);
  return { bucket, bucketArn: `arn:aws:s3:::${bucket}`, keyArn: String(g.get("aws:kms/key:Key", "web-infra-state").state["arn"]) };
}

/**
 * Loads the program the way Pulumi's nodejs language host does in stacks/bootstrap
 * (cwd = the project, its own tsconfig.json read without `extends`, ts-node with the
 * host's forced defaults, Pulumi.yaml's `main` and `nodeargs`), with the harness's
 * mocks instead of an engine. Started at load so it runs while the other tests do.
 */
const HOST_SCRIPT = `
const path = require("node:path");
const fs = require("node:fs");
const [dir, root] = process.argv.slice(1);
process.chdir(dir);
const tsutils = require("@pulumi/pulumi/tsutils");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
require(tsnodeRequire).register({
  compiler: typescriptRequire,
  transpileOnly: compilerOptions.noCheck,
  project: "tsconfig.json",
  skipProject: !fs.existsSync("tsconfig.json"),
  compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
});
const main = require(path.resolve(require("yaml").parse(fs.readFileSync("Pulumi.yaml", "utf8")).main));
require(path.join(root, "packages/testing/src")).runProgram(main, { stack: "admin", projectDir: dir }).then(
  (g) => process.stdout.write(JSON.stringify({
    resources: g.customResources.length,
    outputs: Object.keys(g.outputs).sort(),
    core: Object.keys(require.cache).filter((f) => f.includes(path.join("packages", "core"))),
  })),
  (err) => { process.stderr.write(String(err && err.stack ? err.stack : err)); process.exit(1); },
);`;
const hostRun = new Promise<string>((resolvePromise, reject) => {
  execFile(
    process.execPath,
    [...(project.runtime.options.nodeargs ?? "").split(" ").filter(Boolean), "-e", HOST_SCRIPT, PROJECT_DIR, ROOT],
    // NODE_OPTIONS cleared: only what Pulumi.yaml passes reaches node, as under the real host.
    {
      cwd: PROJECT_DIR,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "", NODE_COMPILE_CACHE: join(tmpdir(), "node-compile-cache") },
    },
    (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolvePromise(stdout)),
  );
});
hostRun.catch(() => undefined);

describe("bootstrap project: what `pulumi up` in stacks/bootstrap needs", () => {
  it("has a Pulumi.yaml that Pulumi's project schema accepts, with its own name and main", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "fixtures/pulumi-project.schema.json"), "utf8")) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    assert.ok(validate(project), JSON.stringify(validate.errors));
    assert.equal(project.name, "web-infra-bootstrap");
    assert.equal(project.main, "index.ts");
    assert.deepEqual(
      [project.runtime.name, project.runtime.options.typescript, project.runtime.options.packagemanager],
      ["nodejs", true, "npm"],
    );
  });

  it("has a self-contained CommonJS tsconfig.json of its own (the host ignores `extends`)", () => {
    const tsconfig = JSON.parse(readFileSync(join(PROJECT_DIR, "tsconfig.json"), "utf8")) as {
      extends?: string;
      include: string[];
      compilerOptions: Record<string, unknown>;
    };
    assert.equal(tsconfig.extends, undefined);
    assert.deepEqual(
      ["module", "moduleResolution", "strict", "noCheck", "types"].map((k) => tsconfig.compilerOptions[k]),
      ["commonjs", "node10", true, true, ["node"]],
    );
    assert.deepEqual(tsconfig.include, ["*.ts"]);
  });

  it("runs when loaded exactly as the nodejs language host loads it from stacks/bootstrap", async () => {
    const result = JSON.parse(await hostRun) as { resources: number; outputs: string[]; core: string[] };
    const g = await admin();
    assert.equal(result.resources, g.customResources.length);
    assert.deepEqual(result.outputs, Object.keys(g.outputs).sort());
    assert.ok(
      result.core.length > 0 && result.core.every((f) => f.endsWith(".ts")),
      `@web-infra/core from its sources: ${result.core.join(", ")}`,
    );
  });
});

describe("bootstrap stack: admin", () => {
  it("is accepted by every AWS rule of the harness", async () => {
    const g = await admin();
    assert.deepEqual(g.rejections, []);
  });

  it("creates the OIDC provider, the state backend with a key per environment, the boundary and a role per workflow and environment", async () => {
    const g = await admin();
    assert.deepEqual(g.counts(), {
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
      "aws:iam/policy:Policy": 1,
      "aws:iam/role:Role": 5,
      "aws:iam/rolePolicy:RolePolicy": 9,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 5,
      "aws:kms/alias:Alias": 4,
      "aws:kms/key:Key": 4,
      "aws:s3/bucket:Bucket": 1,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
      "aws:s3/bucketPolicy:BucketPolicy": 1,
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
      "aws:s3/bucketVersioning:BucketVersioning": 1,
    });
    assert.deepEqual(
      g.resources.filter((r) => !r.custom).map((r) => `${r.type} ${r.name}`),
      [
        "pulumi:pulumi:Stack web-infra-bootstrap-admin",
        "web-infra:bootstrap:StateBackend web-infra-state",
        "web-infra:bootstrap:GithubActionsRole web-infra-preview",
        "web-infra:bootstrap:GithubActionsRole web-infra-drift",
        "web-infra:bootstrap:GithubActionsRole web-infra-deploy-dev",
        "web-infra:bootstrap:GithubActionsRole web-infra-deploy-staging",
        "web-infra:bootstrap:GithubActionsRole web-infra-deploy-prod",
      ],
    );
  });

  it("registers GitHub's OIDC provider for the sts.amazonaws.com audience", async () => {
    const g = await admin();
    const provider = g.get("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "github");
    assert.equal(provider.inputs["url"], "https://token.actions.githubusercontent.com");
    assert.deepEqual(provider.inputs["clientIdLists"], ["sts.amazonaws.com"]);
    assert.equal(provider.state["arn"], OIDC_ARN);
  });

  it("names its roles under /web-infra/bootstrap/, so the bucket and key policies can name them", async () => {
    const g = await admin();
    assert.deepEqual(
      g.ofType("aws:iam/role:Role").map((r) => [r.inputs["name"], r.inputs["path"], r.state["arn"]]),
      ["web-infra-preview", "web-infra-drift", "web-infra-deploy-dev", "web-infra-deploy-staging", "web-infra-deploy-prod"].map((n) => [
        n,
        "/web-infra/bootstrap/",
        `arn:aws:iam::${ACCOUNT}:role/web-infra/bootstrap/${n}`,
      ]),
    );
  });

  it("lets only this repository's pull_request runs assume the preview role", async () => {
    const g = await admin();
    const policy = String(g.get("aws:iam/role:Role", "web-infra-preview").inputs["assumeRolePolicy"]);
    assert.deepEqual(json(policy), expectedTrust(PREVIEW_SUBJECTS));
    assert.deepEqual(checkGithubTrust(policy, REPO), []);
  });

  it("lets only drift.yml on this repository's main branch assume the drift role", async () => {
    const g = await admin();
    const policy = String(g.get("aws:iam/role:Role", "web-infra-drift").inputs["assumeRolePolicy"]);
    assert.deepEqual(json(policy), expectedTrust(DRIFT_SUBJECTS, `${REPO}/.github/workflows/drift.yml@refs/heads/main`));
    assert.deepEqual(checkGithubTrust(policy, REPO), []);
  });

  it("lets only deploy.yml on main, in the environment of the same name, assume each deploy role", async () => {
    const g = await admin();
    for (const env of ["dev", "staging", "prod"]) {
      const policy = String(g.get("aws:iam/role:Role", `web-infra-deploy-${env}`).inputs["assumeRolePolicy"]);
      assert.deepEqual(
        json(policy),
        expectedTrust([`repo:${REPO}:environment:${env}`], `${REPO}/.github/workflows/deploy.yml@refs/heads/main`),
      );
      assert.deepEqual(checkGithubTrust(policy, REPO), []);
    }
  });

  it("keeps sessions as long as each job needs: 3 h for a deploy's first pulumi up, the default hour otherwise", async () => {
    const g = await admin();
    assert.deepEqual(
      g.ofType("aws:iam/role:Role").map((r) => [r.name, r.inputs["maxSessionDuration"]]),
      [
        ["web-infra-preview", 3600],
        ["web-infra-drift", 3600],
        ["web-infra-deploy-dev", 10800],
        ["web-infra-deploy-staging", 10800],
        ["web-infra-deploy-prod", 10800],
      ],
    );
  });

  it("attaches ReadOnlyAccess to the preview and drift roles and PowerUserAccess to the deploy roles, nothing else", async () => {
    const g = await admin();
    const attached = (role: string) =>
      g
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.inputs["role"] === g.get("aws:iam/role:Role", role).state["name"])
        .map((a) => a.inputs["policyArn"]);
    assert.deepEqual(attached("web-infra-preview"), ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    assert.deepEqual(attached("web-infra-drift"), ["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    for (const env of ["dev", "staging", "prod"])
      assert.deepEqual(attached(`web-infra-deploy-${env}`), ["arn:aws:iam::aws:policy/PowerUserAccess"]);
  });

  it("keeps state in a protected, versioned, KMS-encrypted, private bucket that expires old versions", async () => {
    const g = await admin();
    const { bucket, keyArn } = stateIds(g);
    const of = (type: string) => g.get(type, "web-infra-state");
    const b = of("aws:s3/bucket:Bucket");
    assert.equal(b.inputs["forceDestroy"], false);
    assert.equal(b.options.protect, true);
    assert.ok(bucket.length <= 63, bucket);
    const versioning = of("aws:s3/bucketVersioning:BucketVersioning").inputs;
    assert.deepEqual([versioning["bucket"], versioning["versioningConfiguration"]], [bucket, { status: "Enabled" }]);
    const sse = of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
    assert.deepEqual(sse["rules"], [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
    ]);
    assert.deepEqual(of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs, {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    assert.deepEqual(of("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs["rule"], {
      objectOwnership: "BucketOwnerEnforced",
    });
    assert.deepEqual(of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs["rules"], [
      {
        id: "expire-old-state",
        status: "Enabled",
        filter: { prefix: "" },
        noncurrentVersionExpiration: { noncurrentDays: DEFAULTS.stateBucketNoncurrentDays },
        expiration: { expiredObjectDeleteMarker: true },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ]);
  });

  it("guards the bucket by its own policy: TLS only, this account only, only the admin rewrites it or deletes versions, each stack's objects to its roles", async () => {
    const g = await admin();
    const { bucketArn } = stateIds(g);
    const doc = json(g.get("aws:s3/bucketPolicy:BucketPolicy", "web-infra-state").inputs["policy"]) as { Statement: { Sid: string }[] };
    assert.deepEqual(
      doc.Statement.map((st) => st.Sid),
      [
        "DenyInsecureTransport",
        "DenyOtherAccounts",
        "OnlyTheAdminRewritesTheBucket",
        "OnlyItsDeployRoleWritesdev",
        "OnlyItsRolesReaddev",
        "OnlyItsDeployRoleWritesstaging",
        "OnlyItsRolesReadstaging",
        "OnlyItsDeployRoleWritesprod",
        "OnlyItsRolesReadprod",
        "OnlyTheAdminDeletesVersions",
      ],
    );
    assert.deepEqual(doc.Statement[0], {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const role = (n: string) => `arn:aws:iam::${ACCOUNT}:role/web-infra/bootstrap/${n}`;
    assert.deepEqual(doc.Statement[8], {
      Sid: "OnlyItsRolesReadprod",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: [
        `${bucketArn}/.pulumi/stacks/web-infra/prod.json*`,
        `${bucketArn}/.pulumi/backups/web-infra/prod/*`,
        `${bucketArn}/.pulumi/history/web-infra/prod/*`,
        `${bucketArn}/.pulumi/locks/organization/web-infra/prod/*`,
      ],
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [ADMIN, role("web-infra-deploy-prod"), role("web-infra-drift")] } },
    });
  });

  it("keeps one rotated, protected secrets key per environment under <alias>-<env>, usable only by that stack's roles", async () => {
    const g = await admin();
    const role = (n: string) => `arn:aws:iam::${ACCOUNT}:role/web-infra/bootstrap/${n}`;
    for (const [env, users] of [
      ["dev", [role("web-infra-deploy-dev"), role("web-infra-drift"), role("web-infra-preview")]],
      ["staging", [role("web-infra-deploy-staging"), role("web-infra-drift")]],
      ["prod", [role("web-infra-deploy-prod"), role("web-infra-drift")]],
    ] as const) {
      const key = g.get("aws:kms/key:Key", `web-infra-secrets-${env}`);
      assert.equal(key.inputs["enableKeyRotation"], true);
      assert.equal(key.options.protect, true);
      const alias = g.get("aws:kms/alias:Alias", `web-infra-secrets-${env}`);
      assert.deepEqual([alias.inputs["name"], alias.inputs["targetKeyId"]], [`alias/web-infra-pulumi-${env}`, key.state["keyId"]]);
      const statements = (json(key.inputs["policy"]) as { Statement: { Sid: string; Condition?: unknown }[] }).Statement;
      assert.deepEqual(
        statements.map((st) => st.Sid),
        ["AccountAdministers", "OnlyTheAdminDestroys", "OnlyTheNamedRolesUse"],
      );
      assert.deepEqual(statements[2]!.Condition, { ArnNotEquals: { "aws:PrincipalArn": [ADMIN, ...users] } });
    }
    const stateKey = json(g.get("aws:kms/key:Key", "web-infra-state").inputs["policy"]) as { Statement: { Sid: string }[] };
    assert.deepEqual(
      stateKey.Statement.map((st) => st.Sid),
      ["AccountAdministers", "OnlyTheAdminDestroys"],
    );
  });

  it("creates the permissions boundary at the ARN the web stacks name", async () => {
    const g = await admin();
    const boundary = g.get("aws:iam/policy:Policy", "web-infra-boundary");
    assert.equal(boundary.state["arn"], `arn:aws:iam::${ACCOUNT}:policy/web-infra/web-infra-boundary`);
    assert.equal(g.outputs["permissionsBoundaryArn"], boundary.state["arn"]);
  });

  it("publishes the role and backend outputs, with the exact login and secrets-provider strings", async () => {
    const g = await admin();
    const { bucket, keyArn } = stateIds(g);
    const arn = (type: string, name: string) => g.get(type, name).state["arn"];
    assert.deepEqual(g.outputs, {
      previewRoleArn: arn("aws:iam/role:Role", "web-infra-preview"),
      driftRoleArn: arn("aws:iam/role:Role", "web-infra-drift"),
      deployRoleArns: Object.fromEntries(["dev", "staging", "prod"].map((e) => [e, arn("aws:iam/role:Role", `web-infra-deploy-${e}`)])),
      permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/web-infra/web-infra-boundary`,
      stateBucket: bucket,
      stateKeyArn: keyArn,
      secretsKeyArns: Object.fromEntries(["dev", "staging", "prod"].map((e) => [e, arn("aws:kms/key:Key", `web-infra-secrets-${e}`)])),
      oidcProviderArn: OIDC_ARN,
      loginCommand: `pulumi login "s3://${bucket}?region=us-east-1&awssdk=v2"`,
      secretsProviders: {
        dev: "awskms://alias/web-infra-pulumi-dev?region=us-east-1",
        staging: "awskms://alias/web-infra-pulumi-staging?region=us-east-1",
        prod: "awskms://alias/web-infra-pulumi-prod?region=us-east-1",
      },
      environmentSetup: ["dev", "staging", "prod"]
        .flatMap((e) => [
          `gh api -X PUT repos/${REPO}/environments/${e} -F "deployment_branch_policy[protected_branches]=false" -F "deployment_branch_policy[custom_branch_policies]=true"`,
          `gh api -X POST repos/${REPO}/environments/${e}/deployment-branch-policies -f name=main -f type=branch`,
        ])
        .join("\n"),
    });
    assert.match(bucket, /^web-infra-state-[0-9a-f]{7}$/);
  });

  it("follows the config: noncurrent days, key alias and deploy environments", async () => {
    const g = await runBootstrap({
      stateBucketNoncurrentDays: "30",
      secretsKeyAlias: "alias/team/pulumi",
      deployEnvironments: ["prod"],
      "aws:region": "eu-west-1",
    });
    const rules = g.get("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "web-infra-state").inputs["rules"] as {
      noncurrentVersionExpiration: unknown;
    }[];
    assert.deepEqual(rules[0].noncurrentVersionExpiration, { noncurrentDays: 30 });
    assert.deepEqual(g.outputs["secretsProviders"], { prod: "awskms://alias/team/pulumi-prod?region=eu-west-1" });
    assert.match(String(g.outputs["loginCommand"]), /^pulumi login "s3:\/\/web-infra-state-[0-9a-f]{7}\?region=eu-west-1&awssdk=v2"$/);
    assert.deepEqual(
      g.ofType("aws:iam/role:Role").map((r) => r.name),
      ["web-infra-preview", "web-infra-drift", "web-infra-deploy-prod"],
    );
  });
});

describe("bootstrap trust check", () => {
  const statement = (condition: Record<string, Record<string, unknown>>) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Federated: OIDC_ARN }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
    });
  const AUD_AT = `Statement[0].Condition["${AUD_KEY}"]`;
  const SUB_AT = `Statement[0].Condition["${SUB_KEY}"]`;
  /** Problems as [key, got] pairs, and every message and fix non-empty. */
  const check = (policy: string) => {
    const problems = checkGithubTrust(policy, REPO);
    for (const p of problems) assert.ok(p.message.length > 10 && (p.fix ?? "").length > 5, JSON.stringify(p));
    return problems;
  };

  it("accepts the hand-made policy the failing cases start from", () => {
    assert.deepEqual(check(statement({ StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: PREVIEW_SUBJECTS } })), []);
  });

  it("fails when the trust has no aud condition", () => {
    const problems = check(statement({ StringEquals: { [SUB_KEY]: PREVIEW_SUBJECTS } }));
    assert.deepEqual(
      problems.map((p) => [p.key, p.got]),
      [[AUD_AT, undefined]],
    );
    assert.match(problems[0].message, /must be set/);
  });

  it("fails when aud is a wildcard", () => {
    const problems = check(statement({ StringEquals: { [SUB_KEY]: PREVIEW_SUBJECTS }, StringLike: { [AUD_KEY]: "*" } }));
    assert.deepEqual(
      problems.map((p) => [p.key, p.got]),
      [[AUD_AT, { StringLike: "*" }]],
    );
  });

  it("fails when aud is another audience", () => {
    const problems = check(statement({ StringEquals: { [AUD_KEY]: ["sts.amazonaws.com", "sigstore"], [SUB_KEY]: PREVIEW_SUBJECTS } }));
    assert.deepEqual(
      problems.map((p) => [p.key, p.got]),
      [[AUD_AT, { StringEquals: ["sts.amazonaws.com", "sigstore"] }]],
    );
    assert.match(problems[0].message, /exactly "sts\.amazonaws\.com"/);
  });

  it("fails when the trust has no sub condition", () => {
    const problems = check(statement({ StringEquals: { [AUD_KEY]: "sts.amazonaws.com" } }));
    assert.deepEqual(
      problems.map((p) => [p.key, p.got]),
      [[SUB_AT, undefined]],
    );
    assert.match(problems[0].message, /every repository on GitHub/);
  });

  it("fails when a sub contains a wildcard", () => {
    const problems = check(
      statement({
        StringEquals: { [AUD_KEY]: "sts.amazonaws.com" },
        StringLike: { [SUB_KEY]: [`repo:${REPO}:*`, `repo:${REPO}:environment:pro?`] },
      }),
    );
    assert.deepEqual(
      problems.map((p) => [p.key, p.got]),
      [
        [SUB_AT, `repo:${REPO}:*`],
        [SUB_AT, `repo:${REPO}:environment:pro?`],
      ],
    );
    assert.ok(problems.every((p) => /wildcard/.test(p.message)));
  });

  it("fails when a sub names another repository", () => {
    const others = ["repo:other-org/web-infra:pull_request", `repo:${REPO}-fork:pull_request`];
    const problems = check(statement({ StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: [...PREVIEW_SUBJECTS, ...others] } }));
    assert.deepEqual(
      problems.map((p) => [p.key, p.got]),
      others.map((o) => [SUB_AT, o]),
    );
    assert.ok(problems.every((p) => /another repository/.test(p.message)));
  });

  it("fails when a statement trusts a principal besides the GitHub provider", () => {
    const policy = JSON.parse(statement({ StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: PREVIEW_SUBJECTS } })) as {
      Statement: object[];
    };
    policy.Statement.push({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" });
    const problems = check(JSON.stringify(policy));
    assert.deepEqual(
      problems.map((p) => p.key),
      ["Statement[1].Principal", "Statement[1].Action", `Statement[1].Condition["${AUD_KEY}"]`, `Statement[1].Condition["${SUB_KEY}"]`],
    );
  });

  it("refuses to build a trust policy with a wildcard or another repository's subject", () => {
    assert.throws(
      () => githubTrustPolicy(OIDC_ARN, REPO, [`repo:${REPO}:*`, "repo:other-org/x:pull_request"]),
      (err: unknown) => err instanceof ValidationError && err.problems.map((p) => p.key).join() === "subjects[0],subjects[1]",
    );
  });
});

interface BadConfig {
  what: string;
  config: Record<string, string | undefined>;
  key: string;
  got: unknown;
  says: RegExp;
}

const BAD_CONFIG: BadConfig[] = [
  {
    what: "adminRoleArn is not a role ARN",
    config: { adminRoleArn: "arn:aws:iam::123456789012:user/admin" },
    key: "web-infra-bootstrap:adminRoleArn",
    got: "arn:aws:iam::123456789012:user/admin",
    says: /must be an IAM role ARN, e\.g\. arn:aws:iam::123456789012:role\/Admin/,
  },
  {
    what: "githubRepository is a wildcard",
    config: { githubRepository: "*" },
    key: "web-infra-bootstrap:githubRepository",
    got: "*",
    says: /a wildcard would let other repositories assume them/,
  },
  {
    what: "githubRepository wildcards the repository name",
    config: { githubRepository: "example-org/*" },
    key: "web-infra-bootstrap:githubRepository",
    got: "example-org/*",
    says: /a wildcard would let other repositories assume them/,
  },
  {
    what: "githubRepository has no repository name",
    config: { githubRepository: "example-org" },
    key: "web-infra-bootstrap:githubRepository",
    got: "example-org",
    says: /must be owner\/name: both the owner and the repository name are needed/,
  },
  {
    what: "githubRepository has characters GitHub refuses",
    config: { githubRepository: "bad owner/x" },
    key: "web-infra-bootstrap:githubRepository",
    got: "bad owner/x",
    says: /GitHub's characters only/,
  },
  {
    what: "a web-infra-bootstrap key is unknown",
    config: { githubRepo: "example-org/web-infra" },
    key: "web-infra-bootstrap:githubRepo",
    got: "example-org/web-infra",
    says: /is not a known setting.*Did you mean "web-infra-bootstrap:githubRepository"\?/,
  },
  {
    what: "aws:region is missing",
    config: { "aws:region": undefined },
    key: "aws:region",
    got: undefined,
    says: /aws:region must be set/,
  },
  {
    what: "a deploy environment is a wildcard",
    config: { deployEnvironments: '["prod", "*"]' },
    key: "web-infra-bootstrap:deployEnvironments",
    got: '["prod", "*"]',
    says: /without `\*` or `\?`/,
  },
];

describe("bootstrap config", () => {
  for (const c of BAD_CONFIG) {
    it(`fails when ${c.what}`, async () => {
      const err = await runBootstrap(c.config).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
      assert.deepEqual(
        err.problems.map((p) => [p.key, p.got]),
        [[c.key, c.got]],
      );
      const [p] = err.problems;
      assert.ok(err.message.includes(`${c.key} `), "names the key");
      assert.ok(err.message.includes(`got ${renderValue(c.got)}`), "shows the value given");
      assert.ok(typeof p.fix === "string" && p.fix.length > 5 && err.message.includes(p.fix), "says how to fix it");
      assert.match(err.message, c.says);
      assert.deepEqual(
        registeredBefore(err).map((r) => r.type),
        ["pulumi:pulumi:Stack"],
        "nothing was registered",
      );
    });
  }

  it("lists every problem at once", () => {
    const err = (() => {
      try {
        loadBootstrapSettings("admin", {
          "web-infra-bootstrap:githubRepository": "*",
          "web-infra-bootstrap:stateBucketNoncurrentDays": "0",
          "web-infra-bootstrap:secretsKeyAlias": "alias/aws/s3",
          "web-infra:preset": "dev",
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof ValidationError);
    assert.deepEqual(
      err.problems.map((p) => p.key),
      [
        "web-infra-bootstrap:githubRepository",
        "web-infra-bootstrap:stateBucketNoncurrentDays",
        "web-infra-bootstrap:secretsKeyAlias",
        "web-infra:preset",
        "web-infra-bootstrap:adminRoleArn",
        "aws:region",
      ],
    );
    assert.match(err.message, /^stack "admin" config has 6 invalid inputs:/);
  });

  it("fails when adminRoleArn is not set at all", () => {
    assert.throws(
      () => loadBootstrapSettings("admin", { "aws:region": "us-east-1", "web-infra-bootstrap:githubRepository": "org/repo" }),
      (err: unknown) =>
        err instanceof ValidationError &&
        err.problems.length === 1 &&
        err.problems[0].key === "web-infra-bootstrap:adminRoleArn" &&
        /the state bucket's and the keys' policies let only this role destroy them/.test(err.message),
    );
  });

  it("fails when githubRepository is not set at all", () => {
    assert.throws(
      () => loadBootstrapSettings("admin", { "aws:region": "us-east-1", "web-infra-bootstrap:adminRoleArn": ADMIN }),
      (err: unknown) =>
        err instanceof ValidationError && err.problems.length === 1 && err.problems[0].key === "web-infra-bootstrap:githubRepository",
    );
  });

  it("fills in the defaults", () => {
    assert.deepEqual(
      loadBootstrapSettings("admin", {
        "aws:region": "us-east-1",
        "web-infra-bootstrap:githubRepository": "Org-1/my.repo_2",
        "web-infra-bootstrap:adminRoleArn": ADMIN,
      }),
      {
        githubRepository: "Org-1/my.repo_2",
        adminRoleArn: ADMIN,
        region: "us-east-1",
        stateBucketNoncurrentDays: 90,
        secretsKeyAlias: "alias/web-infra-pulumi",
        deployEnvironments: ["dev", "staging", "prod"],
      },
    );
  });
});
