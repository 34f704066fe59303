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
import { bootstrapStack, DEPLOY_SESSION_SECONDS, WEB_STACK_IAM_ACTIONS } from "../stacks/bootstrap/program";
import { AUD_KEY, checkGithubTrust, githubTrustPolicy, SUB_KEY } from "../stacks/bootstrap/trust";

const ROOT = resolve(__dirname, "..");
const PROJECT_DIR = join(ROOT, "stacks/bootstrap");
const REPO = "example-org/web-infra";
const ACCOUNT = "123456789012";
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const PREVIEW_SUBJECTS = [`repo:${REPO}:pull_request`];
const DRIFT_SUBJECTS = [`repo:${REPO}:ref:refs/heads/main`];
const DEPLOY_SUBJECTS = [`repo:${REPO}:environment:dev`, `repo:${REPO}:environment:staging`, `repo:${REPO}:environment:prod`];

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

/** The trust policy GitHub roles must have, with the given subjects. */
function expectedTrust(subjects: string[]) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "GithubActions",
        Effect: "Allow",
        Principal: { Federated: OIDC_ARN },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [AUD_KEY]: "sts.amazonaws.com", [SUB_KEY]: subjects } },
      },
    ],
  };
}

function stateStatements(bucketArn: string, keyArn: string, mode: "read" | "write") {
  const write = mode === "write";
  return [
    {
      Sid: "StateObjects",
      Effect: "Allow",
      Action: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : "s3:GetObject",
      Resource: `${bucketArn}/*`,
    },
    { Sid: "StateBucket", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucketArn },
    {
      Sid: "StateKey",
      Effect: "Allow",
      Action: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"] : ["kms:Decrypt", "kms:DescribeKey"],
      Resource: keyArn,
    },
  ];
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

  it("creates exactly the OIDC provider, the state backend and three roles", async () => {
    const g = await admin();
    assert.deepEqual(g.counts(), {
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider": 1,
      "aws:iam/role:Role": 3,
      "aws:iam/rolePolicy:RolePolicy": 5,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 3,
      "aws:kms/alias:Alias": 1,
      "aws:kms/key:Key": 1,
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
        "web-infra:bootstrap:GithubActionsRole web-infra-deploy",
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

  it("lets only this repository's pull_request runs assume the preview role", async () => {
    const g = await admin();
    const policy = String(g.get("aws:iam/role:Role", "web-infra-preview").inputs["assumeRolePolicy"]);
    assert.deepEqual(json(policy), expectedTrust(PREVIEW_SUBJECTS));
    assert.deepEqual(checkGithubTrust(policy, REPO), []);
  });

  it("lets only runs on this repository's main branch (the nightly drift check) assume the drift role", async () => {
    const g = await admin();
    const policy = String(g.get("aws:iam/role:Role", "web-infra-drift").inputs["assumeRolePolicy"]);
    assert.deepEqual(json(policy), expectedTrust(DRIFT_SUBJECTS));
    assert.deepEqual(checkGithubTrust(policy, REPO), []);
  });

  it("lets only the deploy environments of this repository assume the deploy role, never a bare run on main", async () => {
    const g = await admin();
    const policy = String(g.get("aws:iam/role:Role", "web-infra-deploy").inputs["assumeRolePolicy"]);
    assert.deepEqual(json(policy), expectedTrust(DEPLOY_SUBJECTS));
    assert.deepEqual(checkGithubTrust(policy, REPO), []);
  });

  it("keeps state in a protected, versioned, KMS-encrypted, private, TLS-only bucket that expires old versions", async () => {
    const g = await admin();
    const { bucket, bucketArn, keyArn } = stateIds(g);
    const of = (type: string) => g.get(type, "web-infra-state");
    const b = of("aws:s3/bucket:Bucket");
    assert.equal(b.inputs["forceDestroy"], false);
    assert.equal(b.options.protect, true);
    assert.ok(bucket.length <= 63, bucket);

    const versioning = of("aws:s3/bucketVersioning:BucketVersioning").inputs;
    assert.deepEqual([versioning["bucket"], versioning["versioningConfiguration"]], [bucket, { status: "Enabled" }]);
    const sse = of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs;
    assert.equal(sse["bucket"], bucket);
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
    assert.deepEqual(json(of("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"]), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucketArn, `${bucketArn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
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

  it("rotates the protected secrets key, administered by the account alone, under the configured alias", async () => {
    const g = await admin();
    const key = g.get("aws:kms/key:Key", "web-infra-state");
    assert.equal(key.inputs["enableKeyRotation"], true);
    assert.equal(key.options.protect, true);
    assert.deepEqual(json(key.inputs["policy"]), {
      Version: "2012-10-17",
      Statement: [
        { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
      ],
    });
    const alias = g.get("aws:kms/alias:Alias", "web-infra-state");
    assert.deepEqual([alias.inputs["name"], alias.inputs["targetKeyId"]], ["alias/web-infra-pulumi", key.state["keyId"]]);
  });

  it("gives the preview role ReadOnlyAccess and read-only state access, nothing more", async () => {
    const g = await admin();
    const { bucketArn, keyArn } = stateIds(g);
    const role = g.get("aws:iam/role:Role", "web-infra-preview");
    const roleName = role.state["name"];
    assert.deepEqual(
      g
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.inputs["role"] === roleName)
        .map((a) => a.inputs["policyArn"]),
      ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    );
    const inline = g.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs["role"] === roleName);
    assert.deepEqual(
      inline.map((p) => json(p.inputs["policy"])),
      [{ Version: "2012-10-17", Statement: stateStatements(bucketArn, keyArn, "read") }],
    );
    assert.equal(role.inputs["maxSessionDuration"], 3600);
  });

  it("gives the drift role ReadOnlyAccess, read-only state access and the web-infra secrets a refresh reads", async () => {
    const g = await admin();
    const { bucketArn, keyArn } = stateIds(g);
    const role = g.get("aws:iam/role:Role", "web-infra-drift");
    const roleName = role.state["name"];
    assert.deepEqual(
      g
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.inputs["role"] === roleName)
        .map((a) => a.inputs["policyArn"]),
      ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
    );
    const inline = g.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs["role"] === roleName);
    assert.deepEqual(inline.map((p) => p.name).sort(), ["web-infra-drift-secrets", "web-infra-drift-state"]);
    assert.deepEqual(json(g.get("aws:iam/rolePolicy:RolePolicy", "web-infra-drift-state").inputs["policy"]), {
      Version: "2012-10-17",
      Statement: stateStatements(bucketArn, keyArn, "read"),
    });
    assert.deepEqual(json(g.get("aws:iam/rolePolicy:RolePolicy", "web-infra-drift-secrets").inputs["policy"]), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "RefreshWebInfraSecrets",
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: "*",
          Condition: { StringEquals: { "aws:ResourceTag/Project": "web-infra" } },
        },
      ],
    });
  });

  it("gives the deploy role PowerUserAccess, the web stack's IAM actions on roles and instance profiles, and the state statements", async () => {
    const g = await admin();
    const { bucketArn, keyArn } = stateIds(g);
    const role = g.get("aws:iam/role:Role", "web-infra-deploy");
    const roleName = role.state["name"];
    assert.deepEqual(
      g
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.inputs["role"] === roleName)
        .map((a) => a.inputs["policyArn"]),
      ["arn:aws:iam::aws:policy/PowerUserAccess"],
    );
    assert.deepEqual(json(g.get("aws:iam/rolePolicy:RolePolicy", "web-infra-deploy-state").inputs["policy"]), {
      Version: "2012-10-17",
      Statement: stateStatements(bucketArn, keyArn, "write"),
    });
    const preview = g.get("aws:iam/role:Role", "web-infra-preview");
    const drift = g.get("aws:iam/role:Role", "web-infra-drift");
    assert.deepEqual(json(g.get("aws:iam/rolePolicy:RolePolicy", "web-infra-deploy-iam").inputs["policy"]), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "WebStackRoles",
          Effect: "Allow",
          Action: WEB_STACK_IAM_ACTIONS,
          Resource: [`arn:aws:iam::${ACCOUNT}:role/*`, `arn:aws:iam::${ACCOUNT}:instance-profile/*`],
        },
        {
          Sid: "KeepBootstrapRoles",
          Effect: "Deny",
          Action: "iam:*",
          Resource: [preview.state["arn"], drift.state["arn"], role.state["arn"]],
        },
      ],
    });
    for (const action of [
      "iam:CreateRole",
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:CreateInstanceProfile",
      "iam:AddRoleToInstanceProfile",
      "iam:PassRole",
    ]) {
      assert.ok(WEB_STACK_IAM_ACTIONS.includes(action), action);
    }
    assert.ok(WEB_STACK_IAM_ACTIONS.every((a) => a.startsWith("iam:") && !a.includes("*")));
    assert.equal(g.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs["role"] === roleName).length, 2);
    assert.equal(role.inputs["maxSessionDuration"], DEPLOY_SESSION_SECONDS);
  });

  it("publishes the role and backend outputs, with the exact login and secrets-provider strings", async () => {
    const g = await admin();
    const { bucket, keyArn } = stateIds(g);
    assert.deepEqual(g.outputs, {
      previewRoleArn: g.get("aws:iam/role:Role", "web-infra-preview").state["arn"],
      driftRoleArn: g.get("aws:iam/role:Role", "web-infra-drift").state["arn"],
      deployRoleArn: g.get("aws:iam/role:Role", "web-infra-deploy").state["arn"],
      stateBucket: bucket,
      secretsKeyArn: keyArn,
      oidcProviderArn: OIDC_ARN,
      loginCommand: `pulumi login "s3://${bucket}?region=us-east-1&awssdk=v2"`,
      secretsProvider: "awskms://alias/web-infra-pulumi?region=us-east-1",
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
    assert.equal(g.outputs["secretsProvider"], "awskms://alias/team/pulumi?region=eu-west-1");
    assert.match(String(g.outputs["loginCommand"]), /^pulumi login "s3:\/\/web-infra-state-[0-9a-f]{7}\?region=eu-west-1&awssdk=v2"$/);
    const trust = String(g.get("aws:iam/role:Role", "web-infra-deploy").inputs["assumeRolePolicy"]);
    assert.deepEqual(json(trust), expectedTrust([`repo:${REPO}:environment:prod`]));
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
        "aws:region",
      ],
    );
    assert.match(err.message, /^stack "admin" config has 5 invalid inputs:/);
  });

  it("fails when githubRepository is not set at all", () => {
    assert.throws(
      () => loadBootstrapSettings("admin", { "aws:region": "us-east-1" }),
      (err: unknown) =>
        err instanceof ValidationError && err.problems.length === 1 && err.problems[0].key === "web-infra-bootstrap:githubRepository",
    );
  });

  it("fills in the defaults", () => {
    assert.deepEqual(
      loadBootstrapSettings("admin", { "aws:region": "us-east-1", "web-infra-bootstrap:githubRepository": "Org-1/my.repo_2" }),
      {
        githubRepository: "Org-1/my.repo_2",
        region: "us-east-1",
        stateBucketNoncurrentDays: 90,
        secretsKeyAlias: "alias/web-infra-pulumi",
        deployEnvironments: ["dev", "staging", "prod"],
      },
    );
  });
});
