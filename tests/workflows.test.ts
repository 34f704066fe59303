import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { PREREQUISITES } from "./system/support/prerequisites";
import { diffRuns, RunResult } from "@web-infra/testing";
import { runWeb, stackGraph } from "./support";

const ROOT = resolve(__dirname, "..");

/** A `uses:` line pinned to a full commit SHA with its release in a comment. */
const PINNED_USES = /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/;

/** Every action the workflows use, pinned to a full commit SHA (its release in a comment beside it in the file). */
const PINNED = {
  checkout: "actions/checkout@11d5960a326750d5838078e36cf38b85af677262",
  setupNode: "actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020",
  awsCredentials: "aws-actions/configure-aws-credentials@7474bc4690e29a8392af63c5b98e7449536d5c3a",
  pulumi: "pulumi/actions@8582a9e8cc630786854029b4e09281acd6794b58",
  changesets: "changesets/action@8488615a623b1b9c987934bb89eae8af6a946ac1",
  uploadArtifact: "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02",
} as const;
const WORKFLOW_DIR = join(ROOT, ".github/workflows");
const FILES = ["pull-request.yml", "deploy.yml", "drift.yml", "release.yml"] as const;
type File = (typeof FILES)[number];

// Plain ESM so it runs before `npm ci`; Node 22 loads it with require() (this file is compiled to CommonJS).
const { listStacks } = createRequire(__filename)("../scripts/list-stacks.mjs") as { listStacks: (dir: string) => string[] };

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "continue-on-error"?: boolean;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: unknown;
  environment?: unknown;
  concurrency?: unknown;
  outputs?: Record<string, string>;
  strategy?: { matrix?: unknown; "fail-fast"?: boolean; "max-parallel"?: number };
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  jobs: Record<string, Job>;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Resolves with the exit code instead of rejecting, so a failure's output reaches the assertion message. */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile(command, args, { encoding: "utf8", cwd: options.cwd ?? ROOT, env: options.env ?? process.env }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolvePromise({ code, stdout, stderr: err && code === -1 ? `${err.message}\n${stderr}` : stderr });
    });
  });
}

/**
 * Started when the file loads so the validators (one node process each) and the CLI run in
 * parallel with the rest of the suite; the tests only await them.
 */
const validations = new Map<File, Promise<Run>>(
  FILES.map((f) => [f, run(process.execPath, [join(ROOT, "node_modules/.bin/action-validator"), join(WORKFLOW_DIR, f)])]),
);
// From another directory: the script finds the stack files next to itself.
const listStacksCli = run(process.execPath, [join(ROOT, "scripts/list-stacks.mjs")], { cwd: tmpdir() });

const workflows = Object.fromEntries(FILES.map((f) => [f, parse(readFileSync(join(WORKFLOW_DIR, f), "utf8")) as Workflow])) as Record<
  File,
  Workflow
>;
const pr = workflows["pull-request.yml"];
const deploy = workflows["deploy.yml"];
const drift = workflows["drift.yml"];

const MATRIX = { stack: "${{ fromJSON(needs.stacks.outputs.matrix) }}" };
const STACK_CONCURRENCY = { group: "pulumi-${{ matrix.stack }}", "cancel-in-progress": false };
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
const PREVIEW_ROLE = "${{ vars.AWS_PREVIEW_ROLE_ARN }}";
const DEPLOY_ROLE = "${{ vars.AWS_DEPLOY_ROLE_ARN }}";
const DRIFT_ROLE = "${{ vars.AWS_DRIFT_ROLE_ARN }}";

function job(wf: Workflow, id: string): Job {
  const found = wf.jobs[id];
  assert.ok(found, `no job "${id}"`);
  return found;
}

function steps(j: Job): Step[] {
  assert.ok(Array.isArray(j.steps) && j.steps.length > 0, "job without steps");
  return j.steps;
}

function stepUsing(j: Job, action: string): Step {
  const found = steps(j).filter((s) => s.uses?.split("@")[0] === action);
  assert.equal(found.length, 1, `expected one ${action} step`);
  return found[0]!;
}

function stepRunning(j: Job, command: string): Step {
  const found = steps(j).filter((s) => s.run?.includes(command));
  assert.equal(found.length, 1, `expected one step running ${command}`);
  return found[0]!;
}

function allJobs(): [string, Job][] {
  return FILES.flatMap((f) => Object.entries(workflows[f].jobs).map(([id, j]): [string, Job] => [`${f} ${id}`, j]));
}

function allSteps(): [string, Step][] {
  return allJobs().flatMap(([where, j]) => (j.steps ?? []).map((s, i): [string, Step] => [`${where} step ${i}`, s]));
}

/** Every key/value pair anywhere in a parsed document, with its path. */
function* walk(value: unknown, path: string): Generator<[string, string, unknown]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* walk(v, `${path}[${i}]`);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      yield [path, k, v];
      yield* walk(v, `${path}.${k}`);
    }
  }
}

/** Runs a step's script as GitHub's default Linux shell does (`bash -e`), with the given environment. */
async function runStep(script: string, env: Record<string, string>, cwd = ROOT): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "workflow-step-"));
  try {
    const file = join(dir, "step.sh");
    writeFileSync(file, script);
    return await run("bash", ["--noprofile", "--norc", "-e", file], { cwd, env: { PATH: process.env["PATH"] ?? "", ...env } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("CI workflows (.github/workflows)", () => {
  for (const f of FILES) {
    it(`${f} passes action-validator (GitHub's workflow schema)`, async () => {
      const result = await validations.get(f)!;
      assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
    });
  }

  it("checks every workflow file there is", () => {
    assert.deepEqual(readdirSync(WORKFLOW_DIR).sort(), [...FILES].sort());
  });

  describe("release.yml: Changesets versions, then publishes the packed tarballs to npm with provenance", () => {
    const release = workflows["release.yml"];
    it("runs on main only, with the permissions a release needs and no more", () => {
      assert.deepEqual(release.on, { push: { branches: ["main"] } });
      assert.deepEqual(release.permissions, { contents: "read" });
      assert.deepEqual(job(release, "release").permissions, { contents: "write", "pull-requests": "write", "id-token": "write" });
      assert.deepEqual(job(release, "release").concurrency, { group: "release", "cancel-in-progress": false });
    });
    it("tests before it publishes, and publishes through npm run release with provenance", () => {
      const all = steps(job(release, "release"));
      const test = all.findIndex((x) => x.run === "npm test");
      const publish = all.findIndex((x) => x.uses?.startsWith("changesets/action@"));
      assert.ok(test !== -1 && test < publish, `${test} ${publish}`);
      assert.equal(all[publish]!.with?.["publish-script"], "npm run release");
      assert.equal(all[publish]!.with?.["version-script"], "npm run version-packages");
      assert.equal(all[publish]!.env?.["NPM_CONFIG_PROVENANCE"], "true");
      assert.equal(all.find((x) => x.uses?.startsWith("actions/setup-node@"))?.with?.["registry-url"], "https://registry.npmjs.org");
      const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
      assert.equal(pkg.scripts["release"], "scripts/node22.sh scripts/release.sh");
    });

    describe("scripts/publish-tarballs.sh", () => {
      /** Tarballs of the given manifests, and a stand-in `npm` that knows `onRegistry` and logs every call. */
      const publish = async (manifests: { name: string; version: string; private?: boolean }[], onRegistry: string[]) => {
        const dir = mkdtempSync(join(tmpdir(), "publish-"));
        const tarballs = join(dir, "tarballs");
        mkdirSync(tarballs);
        for (const m of manifests) {
          const pkg = join(dir, m.name.replace(/\W/g, "-"), "package");
          mkdirSync(pkg, { recursive: true });
          writeFileSync(join(pkg, "package.json"), JSON.stringify(m));
          await run("tar", ["-czf", join(tarballs, `${m.name.replace(/\W/g, "-")}.tgz`), "-C", join(pkg, ".."), "package"]);
        }
        const log = join(dir, "npm.log");
        writeFileSync(
          join(dir, "npm"),
          `#!/usr/bin/env bash\necho "$*" >> "${log}"\nif [ "$1" = view ]; then case " ${onRegistry.join(" ")} " in *" $2 "*) echo "\${2##*@}";; esac; fi\nexit 0\n`,
        );
        chmodSync(join(dir, "npm"), 0o755);
        const r = await run("bash", [join(ROOT, "scripts/publish-tarballs.sh"), tarballs], {
          env: { ...process.env, PATH: `${dir}:${process.env["PATH"] ?? ""}` },
        });
        return { ...r, calls: readFileSync(log, "utf8") };
      };

      it("publishes only the versions npm lacks, skips private packages, and prints the tag Changesets reads", async () => {
        const r = await publish(
          [
            { name: "@web-infra/core", version: "0.1.0" },
            { name: "@web-infra/compute", version: "0.2.0" },
            { name: "@web-infra/secret", version: "1.0.0", private: true },
          ],
          ["@web-infra/core@0.1.0"],
        );
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /@web-infra\/core@0\.1\.0 is already on the registry/);
        assert.match(r.stdout, /^🦋 {2}New tag: @web-infra\/compute@0\.2\.0$/m);
        assert.match(r.stdout, /@web-infra\/secret is private, not published/);
        const published = r.calls.split("\n").filter((l) => l.startsWith("publish "));
        assert.equal(published.length, 1);
        assert.match(published[0]!, /^publish \S+web-infra-compute\.tgz --access public$/);
      });
    });
  });

  describe("scripts/check-subscriptions.sh: the deploy job fails while an alarm subscription is pending", () => {
    /** A stand-in `aws`: list-subscriptions-by-topic prints `list`, get-subscription-attributes prints `authenticated`. */
    const check = (list: string, authenticated = "true") => {
      const dir = mkdtempSync(join(tmpdir(), "fake-aws-"));
      const log = join(dir, "calls.log");
      writeFileSync(join(dir, "list"), list);
      writeFileSync(
        join(dir, "aws"),
        `#!/usr/bin/env bash\necho "$*" >> "${log}"\ncase "$2" in list-subscriptions-by-topic) cat "${dir}/list";; *) echo ${authenticated};; esac\n`,
      );
      chmodSync(join(dir, "aws"), 0o755);
      return run("bash", [join(ROOT, "scripts/check-subscriptions.sh"), TOPIC], {
        env: { PATH: `${dir}:${process.env["PATH"] ?? ""}` },
      }).then((r) => ({ ...r, calls: readFileSync(log, "utf8") }));
    };
    const TOPIC = "arn:aws:sns:us-east-1:123456789012:monitoring-alarms";
    const CONFIRMED = `${TOPIC}:0d6a5c1e-1111-2222-3333-444455556666\temail\toncall@corp.example.net\n`;

    it("runs after the refresh wait in the deploy job, on the topic the stack outputs", () => {
      const all = steps(job(deploy, "deploy"));
      const waitStep = all.findIndex((x) => x.run === 'scripts/wait-for-refresh.sh "$GROUP"');
      const checkStep = all.findIndex((x) => x.run === 'scripts/check-subscriptions.sh "$TOPIC"');
      assert.ok(checkStep === waitStep + 1, `${waitStep} ${checkStep}`);
      assert.deepEqual(all[checkStep]!.env, { TOPIC: "${{ steps.up.outputs.alarmTopicArn }}" });
    });

    it("fails when a subscription is pending confirmation, naming it", async () => {
      const r = await check(`PendingConfirmation\temail\toncall@corp.example.net\n${CONFIRMED}`);
      assert.equal(r.code, 1, r.stdout);
      assert.match(
        r.stdout,
        /::error::the email subscription of oncall@corp\.example\.net to arn:aws:sns:us-east-1:123456789012:monitoring-alarms is pending confirmation/,
      );
      assert.match(r.stdout, /1 of 2 subscription\(s\) to .* pending$/m);
    });

    it("passes when every subscription is confirmed, and warns about one confirmed without authentication", async () => {
      const ok = await check(CONFIRMED);
      assert.equal(ok.code, 0, ok.stdout);
      assert.match(ok.calls, /^sns list-subscriptions-by-topic --topic-arn arn:aws:sns:us-east-1:123456789012:monitoring-alarms /);
      assert.match(ok.calls, /sns get-subscription-attributes --subscription-arn arn:aws:sns:\S+:0d6a5c1e-1111-2222-3333-444455556666 /);
      assert.doesNotMatch(ok.stdout, /::warning::/);
      const unauthenticated = await check(CONFIRMED, "false");
      assert.equal(unauthenticated.code, 0);
      assert.match(
        unauthenticated.stdout,
        /::warning::the email subscription of oncall@corp\.example\.net was confirmed without authentication/,
      );
    });
  });

  describe("scripts/wait-for-refresh.sh: the deploy job waits for the instance refresh", () => {
    /** A stand-in `aws` that answers describe-instance-refreshes with the next line of `answers`, and logs its arguments. */
    function fakeAws(answers: readonly string[]): { dir: string; log: string } {
      const dir = mkdtempSync(join(tmpdir(), "fake-aws-"));
      const log = join(dir, "calls.log");
      writeFileSync(join(dir, "answers"), answers.join("\n") + "\n");
      writeFileSync(
        join(dir, "aws"),
        // An answer of FAIL stands for a failed call (throttling, expired credentials).
        `#!/usr/bin/env bash\necho "$*" >> "${log}"\nanswer=$(head -n1 "${dir}/answers")\nsed -i 1d "${dir}/answers"\n[ "$answer" = FAIL ] && exit 255\necho "$answer"\n`,
      );
      chmodSync(join(dir, "aws"), 0o755);
      return { dir, log };
    }
    /** The deploy began at 12:00; each answer is id, status, percent, start time and reason, tab-separated, as `--output text` prints them. */
    const SINCE = "2026-12-05T12:00:00Z";
    const wait = (answers: readonly string[], timeout = "60") => {
      const fake = fakeAws(answers);
      return run("bash", [join(ROOT, "scripts/wait-for-refresh.sh"), "web-servers-abc", timeout], {
        env: { PATH: `${fake.dir}:${process.env["PATH"] ?? ""}`, WAIT_FOR_REFRESH_INTERVAL: "0", SINCE },
      }).then((r) => ({ ...r, calls: readFileSync(fake.log, "utf8") }));
    };

    it("runs after pulumi up in the deploy job, on the group the stack outputs", () => {
      const names = steps(job(deploy, "deploy")).map((s) => s.name ?? s.uses ?? s.run);
      const up = steps(job(deploy, "deploy")).findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
      const waitStep = steps(job(deploy, "deploy")).findIndex((s) => s.run === 'scripts/wait-for-refresh.sh "$GROUP"');
      assert.ok(up !== -1 && waitStep === up + 1, JSON.stringify(names));
      assert.equal(steps(job(deploy, "deploy"))[up]!.id, "up");
      assert.deepEqual(steps(job(deploy, "deploy"))[waitStep]!.env, {
        GROUP: "${{ steps.up.outputs.autoScalingGroupName }}",
        SINCE: "${{ steps.started.outputs.at }}",
      });
      const started = steps(job(deploy, "deploy")).findIndex((s) => s.id === "started");
      assert.ok(started !== -1 && started < up, "the start time is taken before pulumi up");
    });

    it("waits while the refresh runs and succeeds when it does", async () => {
      const r = await wait([
        "r-1\tInProgress\t0\t2026-12-05T12:01:00Z\tNone",
        "r-1\tInProgress\t50\t2026-12-05T12:01:00Z\tNone",
        "r-1\tSuccessful\t100\t2026-12-05T12:01:00Z\tNone",
      ]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /refresh r-1 of web-servers-abc is InProgress \(50 % done\)/);
      assert.match(r.stdout, /refresh r-1 of web-servers-abc succeeded$/m);
      assert.equal(r.calls.trim().split("\n").length, 3);
      assert.match(r.calls, /^autoscaling describe-instance-refreshes --auto-scaling-group-name web-servers-abc --max-records 1 /);
    });

    it("fails the job when the refresh rolled back, saying why", async () => {
      const r = await wait([
        "r-2\tRollbackInProgress\t40\t2026-12-05T12:01:00Z\tAlarm web-5xx fired",
        "r-2\tRollbackSuccessful\t100\t2026-12-05T12:01:00Z\tAlarm web-5xx fired",
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /::error::instance refresh r-2 of web-servers-abc ended RollbackSuccessful: Alarm web-5xx fired\./);
    });

    it("fails the job when the refresh failed or was cancelled, and says None as no reason", async () => {
      const cancelled = await wait(["r-4\tCancelled\t20\t2026-12-05T12:01:00Z\tNone"]);
      assert.equal(cancelled.code, 1);
      assert.match(cancelled.stdout, /ended Cancelled: no reason given\./);
      assert.equal((await wait(["r-3\tFailed\t20\t2026-12-05T12:01:00Z\tInstances failed to launch"])).code, 1);
      assert.equal((await wait(["r-4\tCancelled\t20\t2026-12-05T12:01:00Z\tNone"])).code, 1);
    });

    it("succeeds when the group has no refresh at all (the first deploy): the CLI prints a bare None", async () => {
      const r = await wait(["None"]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /has no instance refresh from this deploy/);
    });

    it("ignores a refresh that failed before this deploy began", async () => {
      const r = await wait(["r-0\tFailed\t40\t2026-12-05T11:30:00Z\tInstances failed to launch"]);
      assert.equal(r.code, 0, r.stdout);
      assert.match(r.stdout, /has no instance refresh from this deploy/);
    });

    it("retries a failed describe call, and gives up after five in a row", async () => {
      const flaky = await wait(["FAIL", "FAIL", "r-1\tSuccessful\t100\t2026-12-05T12:01:00Z\tNone"]);
      assert.equal(flaky.code, 0, flaky.stdout);
      assert.equal(flaky.calls.trim().split("\n").length, 3);
      const down = await wait(["FAIL", "FAIL", "FAIL", "FAIL", "FAIL", "r-1\tSuccessful\t100\t2026-12-05T12:01:00Z\tNone"]);
      assert.equal(down.code, 1);
      assert.match(down.stdout, /::error::describe-instance-refreshes for web-servers-abc failed 5 times in a row/);
    });

    it("fails the job when the refresh is still running at the timeout", async () => {
      const r = await wait(["r-5\tInProgress\t10\t2026-12-05T12:01:00Z\tNone", "r-5\tInProgress\t20\t2026-12-05T12:01:00Z\tNone"], "0");
      assert.equal(r.code, 1);
      assert.match(r.stdout, /::error::instance refresh r-5 of web-servers-abc is still InProgress after 0 s/);
    });
  });

  describe("scripts/list-stacks.mjs", () => {
    it("lists every root Pulumi.<stack>.yaml, in promotion order", () => {
      const files = readdirSync(ROOT)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined);
      const stacks = listStacks(ROOT);
      assert.deepEqual(stacks, ["dev", "staging", "prod"]);
      assert.deepEqual([...stacks].sort(), files.sort());
    });

    it("puts dev, staging, prod first (those that exist), the others alphabetically, and refuses unsafe names", () => {
      const dir = mkdtempSync(join(tmpdir(), "list-stacks-"));
      try {
        for (const f of [
          "Pulumi.yaml",
          "Pulumi.qa.yaml",
          "Pulumi.prod.yaml",
          "Pulumi.alpha.yaml",
          "Pulumi.dev.yaml",
          "Pulumi.x.yml",
          "README.md",
        ]) {
          writeFileSync(join(dir, f), "");
        }
        mkdirSync(join(dir, "stacks"));
        assert.deepEqual(listStacks(dir), ["dev", "prod", "alpha", "qa"]);
        writeFileSync(join(dir, "Pulumi.$(id).yaml"), "");
        assert.throws(() => listStacks(dir), /not a valid stack name/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("prints the stacks as a JSON array for the matrix, from any directory", async () => {
      const result = await listStacksCli;
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${JSON.stringify(listStacks(ROOT))}\n`);
    });
  });

  it("takes every stack matrix from the stacks job, which runs node scripts/list-stacks.mjs", async () => {
    const matrixJobs: [File, string][] = [
      ["pull-request.yml", "offline-plan"],
      ["deploy.yml", "deploy"],
      ["drift.yml", "drift"],
    ];
    for (const [f, id] of matrixJobs) {
      const j = job(workflows[f], id);
      assert.deepEqual(j.strategy?.matrix, MATRIX, `${f} ${id}`);
      assert.ok([j.needs ?? []].flat().includes("stacks"), `${f} ${id} needs stacks`);
    }
    for (const f of FILES.filter((x) => x !== "release.yml")) {
      const stacks = job(workflows[f], "stacks");
      assert.deepEqual(stacks.outputs, { matrix: "${{ steps.list.outputs.matrix }}" }, f);
      const list = stepRunning(stacks, "node scripts/list-stacks.mjs");
      assert.equal(list.id, "list", f);
      const dir = mkdtempSync(join(tmpdir(), "github-output-"));
      try {
        const output = join(dir, "output");
        const result = await runStep(list.run!, { GITHUB_OUTPUT: output });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(readFileSync(output, "utf8"), `matrix=${JSON.stringify(listStacks(ROOT))}\n`, f);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("grants only OIDC (and PR comments on pull requests): no write-all, no other write", () => {
    assert.deepEqual(pr.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    assert.deepEqual(deploy.permissions, { contents: "read", "id-token": "write" });
    assert.deepEqual(drift.permissions, { contents: "read", "id-token": "write" });
    const allowedWrites: Record<File, string[]> = {
      "pull-request.yml": ["id-token", "pull-requests"],
      "deploy.yml": ["id-token"],
      "drift.yml": ["id-token"],
      // The Version Packages commit and pull request, release tags, and npm provenance.
      "release.yml": ["contents", "pull-requests", "id-token"],
    };
    for (const f of FILES) {
      const wf = workflows[f];
      const blocks: [string, unknown][] = [
        [`${f} (workflow)`, wf.permissions],
        ...Object.entries(wf.jobs)
          .filter(([, j]) => j.permissions !== undefined)
          .map(([id, j]): [string, unknown] => [`${f} ${id}`, j.permissions]),
      ];
      for (const [where, perms] of blocks) {
        assert.ok(
          perms !== null && typeof perms === "object" && !Array.isArray(perms),
          `${where}: permissions must be a map, not ${String(perms)}`,
        );
        for (const [scope, level] of Object.entries(perms)) {
          assert.ok(["read", "write", "none"].includes(String(level)), `${where}: ${scope}: ${String(level)}`);
          if (level === "write") assert.ok(allowedWrites[f].includes(scope), `${where}: ${scope}: write`);
        }
      }
    }
  });

  it("pins every action to a full commit SHA with its release in a comment, so a moved tag cannot change what runs", () => {
    const lines = FILES.flatMap((f) =>
      readFileSync(join(WORKFLOW_DIR, f), "utf8")
        .split("\n")
        .map((line, i) => [`${f}:${i + 1}`, line] as const)
        .filter(([, line]) => /^\s*(-\s+)?uses:/.test(line)),
    );
    assert.equal(lines.length, 25);
    for (const [where, line] of lines) {
      assert.match(line, PINNED_USES, where);
      assert.ok(
        Object.values(PINNED).some((pin) => line.includes(`uses: ${pin} `)),
        `${where}: ${line.trim()} is one of the reviewed pins`,
      );
    }
  });

  it("fails when a uses: names a tag or a branch instead of a commit", () => {
    // The same pattern the check above holds every workflow line to.
    for (const bad of ["- uses: actions/checkout@v4", "- uses: actions/checkout@main", "- uses: actions/checkout@11d5960a # v4.4.0"]) {
      assert.doesNotMatch(bad, PINNED_USES, bad);
    }
    assert.match(`- uses: ${PINNED.checkout} # v4.4.0`, PINNED_USES);
  });

  it("keeps the pins current with Dependabot, for actions and npm", () => {
    const config = parse(readFileSync(join(ROOT, ".github/dependabot.yml"), "utf8")) as {
      version: number;
      updates: { "package-ecosystem": string; directory: string; schedule: { interval: string } }[];
    };
    assert.equal(config.version, 2);
    assert.deepEqual(
      config.updates.map((u) => [u["package-ecosystem"], u.directory, u.schedule.interval]),
      [
        ["github-actions", "/", "weekly"],
        ["npm", "/", "weekly"],
      ],
    );
  });

  it("asks for a 3-hour deploy session, the deploy roles' maximum, and the default hour elsewhere", () => {
    assert.equal(stepUsing(job(deploy, "deploy"), "aws-actions/configure-aws-credentials").with?.["role-duration-seconds"], 10800);
    assert.equal(stepUsing(job(pr, "preview"), "aws-actions/configure-aws-credentials").with?.["role-duration-seconds"], undefined);
    assert.equal(stepUsing(job(drift, "drift"), "aws-actions/configure-aws-credentials").with?.["role-duration-seconds"], undefined);
  });

  it("never uses long-lived AWS keys: no key inputs or env anywhere", () => {
    const forbidden = ["aws-access-key-id", "aws-secret-access-key", "aws_access_key_id", "aws_secret_access_key"];
    for (const f of FILES) {
      for (const [path, key, value] of walk(workflows[f], f)) {
        assert.ok(!forbidden.includes(key.toLowerCase()), `${path}.${key}`);
        if (typeof value === "string") assert.doesNotMatch(value, /AWS_(SECRET_)?ACCESS_KEY(_ID)?/i, `${path}.${key}`);
      }
    }
  });

  it("assumes an AWS role over OIDC in every configure-aws-credentials step: preview role for previews, drift role for drift checks, deploy role for deploys", () => {
    const aws = allSteps().filter(([, s]) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    assert.deepEqual(
      aws.map(([where]) => where.replace(/ step \d+$/, "")),
      ["pull-request.yml preview", "deploy.yml deploy", "drift.yml drift"],
    );
    for (const [where, s] of aws) {
      assert.equal(s.uses, PINNED.awsCredentials, where);
      assert.equal(typeof s.with?.["role-to-assume"], "string", where);
      assert.equal(s.with?.["aws-region"], "${{ vars.AWS_REGION }}", where);
    }
    assert.equal(stepUsing(job(pr, "preview"), "aws-actions/configure-aws-credentials").with?.["role-to-assume"], PREVIEW_ROLE);
    assert.equal(stepUsing(job(deploy, "deploy"), "aws-actions/configure-aws-credentials").with?.["role-to-assume"], DEPLOY_ROLE);
    assert.equal(stepUsing(job(drift, "drift"), "aws-actions/configure-aws-credentials").with?.["role-to-assume"], DRIFT_ROLE);
    // The credentials come before Pulumi needs them.
    for (const j of [job(pr, "preview"), job(deploy, "deploy"), job(drift, "drift")]) {
      const s = steps(j);
      assert.ok(s.indexOf(stepUsing(j, "aws-actions/configure-aws-credentials")) < s.indexOf(stepUsing(j, "pulumi/actions")));
    }
  });

  it("previews dev alone on the PR, the one stack whose state and secrets the preview role reads, with the policy pack, commenting the diff", () => {
    assert.deepEqual(job(pr, "preview").strategy?.matrix, { stack: ["dev"] });
    assert.deepEqual(stepUsing(job(pr, "preview"), "pulumi/actions"), {
      uses: PINNED.pulumi,
      with: {
        command: "preview",
        "stack-name": "${{ matrix.stack }}",
        "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
        policyPacks: "packages/policy",
        policyPackConfigs: "${{ runner.temp }}/policy-config.json",
        "comment-on-pr": true,
        "comment-on-summary": true,
        "github-token": "${{ secrets.GITHUB_TOKEN }}",
        diff: true,
      },
    });
    const preview = job(pr, "preview");
    const config = stepRunning(preview, "npm run plan -- --stack");
    assert.equal(config.run, 'npm run plan -- --stack "$STACK" --policy-config "$RUNNER_TEMP/policy-config.json" > /dev/null');
    assert.deepEqual(config.env, { STACK: "${{ matrix.stack }}" });
    assert.ok(
      steps(preview).indexOf(config) < steps(preview).indexOf(stepUsing(preview, "pulumi/actions")),
      "the config exists before the preview",
    );
    assert.deepEqual([preview.needs].flat().sort(), ["checks"]);
    assert.deepEqual(preview.concurrency, {
      group: "preview-${{ matrix.stack }}-${{ github.event.pull_request.number }}",
      "cancel-in-progress": true,
    });
  });

  it("previews only PRs from this repository, and says so on fork PRs", () => {
    assert.deepEqual(Object.keys(pr.on), ["pull_request"]);
    assert.equal(job(pr, "preview").if, SAME_REPO);
    const skipped = job(pr, "preview-skipped");
    assert.equal(skipped.if, SAME_REPO.replace("==", "!="));
    assert.ok(!skipped.steps?.some((s) => s.uses !== undefined), "the skipped job checks out and runs nothing");
    const script = steps(skipped)
      .map((s) => s.run ?? "")
      .join("\n");
    assert.match(script, /^echo "::notice title=Cloud preview skipped::/m);
    assert.match(script, /forks get no AWS credentials, so only the offline plan was posted.*>> "\$GITHUB_STEP_SUMMARY"/);
  });

  it("deploys one stack at a time in promotion order, prod behind its environment, never cancelled midway", () => {
    assert.deepEqual(deploy.on, { push: { branches: ["main"] }, workflow_dispatch: null });
    const d = job(deploy, "deploy");
    assert.equal(d.environment, "${{ matrix.stack }}");
    assert.equal(d.strategy?.["max-parallel"], 1);
    assert.equal(d.strategy?.["fail-fast"], true);
    assert.deepEqual(d.concurrency, STACK_CONCURRENCY);
    assert.equal(d.if, "github.ref == 'refs/heads/main'");
    const s = steps(d);
    const gate = stepRunning(d, "npm run plan -- --stack");
    assert.equal(gate.run, 'npm run plan -- --stack "$STACK" --policy-config "$RUNNER_TEMP/policy-config.json"');
    assert.deepEqual(gate.env, { STACK: "${{ matrix.stack }}" });
    assert.ok(
      s.indexOf(gate) < s.indexOf(stepUsing(d, "aws-actions/configure-aws-credentials")),
      "the offline gate runs before any AWS access",
    );
    assert.deepEqual(stepUsing(d, "pulumi/actions"), {
      id: "up",
      uses: PINNED.pulumi,
      with: {
        command: "up",
        "stack-name": "${{ matrix.stack }}",
        "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
        policyPacks: "packages/policy",
        policyPackConfigs: "${{ runner.temp }}/policy-config.json",
        "comment-on-summary": true,
      },
    });
  });

  it("checks drift nightly with a refreshed preview that expects no changes, in its own group so it never displaces a queued deploy", () => {
    assert.deepEqual(drift.on, { schedule: [{ cron: "17 3 * * *" }], workflow_dispatch: null });
    const d = job(drift, "drift");
    assert.equal(d.strategy?.["fail-fast"], false);
    assert.deepEqual(d.concurrency, { group: "drift-${{ matrix.stack }}", "cancel-in-progress": false });
    assert.deepEqual(stepUsing(d, "pulumi/actions"), {
      id: "preview",
      uses: PINNED.pulumi,
      "continue-on-error": true,
      with: {
        command: "preview",
        "stack-name": "${{ matrix.stack }}",
        "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
        refresh: true,
        "expect-no-changes": true,
      },
    });
  });

  it("reports drift in the summary from the environment, never from the script text, and fails the job", async () => {
    const report = steps(job(drift, "drift")).find((s) => s.name === "report drift");
    assert.equal(report?.if, "steps.preview.outcome == 'failure' && steps.sort.outputs.drift != 'false'");
    assert.ok(report?.run, "a report step runs when the preview fails");
    assert.deepEqual(report.env, { STACK: "${{ matrix.stack }}", PREVIEW_OUTPUT: "${{ steps.preview.outputs.output }}" });
    const dir = mkdtempSync(join(tmpdir(), "drift-report-"));
    try {
      const summary = join(dir, "summary.md");
      const hostile = "~ aws:ec2/instance:Instance web-server-0 update [diff: ~tags]\n$(touch pwned) `touch pwned` ${HOME}";
      const result = await runStep(report.run, { STACK: "prod", PREVIEW_OUTPUT: hostile, GITHUB_STEP_SUMMARY: summary }, dir);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, /^::error title=Drift detected in prod::/m);
      const text = readFileSync(summary, "utf8");
      assert.match(text, /^## Drift detected in prod$/m);
      assert.ok(text.includes(`\n\`\`\`\`text\n${hostile}\n\`\`\`\`\n`), text);
      assert.ok(!existsSync(join(dir, "pwned")), "the preview output was executed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("drift: pending RDS modifications (applyImmediately off) are reported apart from drift", () => {
    type Preview = { steps: { op: string; urn: string; diffReasons?: string[]; oldState?: { outputs: Record<string, unknown> } }[] };
    const { classify, report: render } = createRequire(__filename)("../scripts/drift-report.mjs") as {
      classify: (p: Preview, r: unknown) => { pending: { identifier: string; values: string[] }[]; drift: { name: string }[] };
      report: (stack: string, r: unknown) => string;
    };
    /** What `pulumi preview --refresh --json` would list for the code of `after` against resources as `before` left them. */
    const preview = (before: RunResult, after: RunResult): Preview => ({
      steps: diffRuns(before, after).map((c) => ({
        op: c.change,
        urn: c.urn,
        diffReasons: [...c.changed],
        oldState: { outputs: before.byUrn(c.urn)?.state ?? {} },
      })),
    });
    const rdsOf = (g: RunResult, pending: Record<string, unknown>) => ({
      DBInstances: g.ofType("aws:rds/instance:Instance").map((d) => ({
        DBInstanceIdentifier: d.state["identifier"],
        PreferredMaintenanceWindow: d.inputs["maintenanceWindow"],
        PendingModifiedValues: pending,
      })),
    });

    it("applies immediately in dev and waits for the window in staging and prod", async () => {
      for (const [stack, immediately] of [
        ["dev", true],
        ["staging", false],
        ["prod", false],
      ] as const) {
        const g = await stackGraph(stack);
        for (const db of g.ofType("aws:rds/instance:Instance"))
          assert.equal(db.inputs["applyImmediately"], immediately, `${stack} ${db.name}`);
      }
    });

    it("calls a class change RDS holds as pending not drift, and names what waits and when", async () => {
      const deployed = await stackGraph("prod");
      const code = await runWeb({ stack: "prod", config: { dbInstanceClass: "db.m7g.xlarge", dbReplicaInstanceClass: "db.m7g.xlarge" } });
      const result = classify(preview(deployed, code), rdsOf(deployed, { DBInstanceClass: "db.m7g.xlarge" }));
      assert.deepEqual(result.drift, []);
      assert.deepEqual(
        result.pending.map((p) => p.values),
        [["instanceClass → db.m7g.xlarge"], ["instanceClass → db.m7g.xlarge"]],
      );
      assert.match(render("prod", result), /^## Pending RDS modifications in prod, not drift$/m);
      assert.match(render("prod", result), /in the window sun:04:00-sun:05:00$/m);
    });

    it("fails when the same difference has nothing pending behind it (changed in the console), or anything else differs", async () => {
      const deployed = await stackGraph("prod");
      const classChanged = await runWeb({
        stack: "prod",
        config: { dbInstanceClass: "db.m7g.xlarge", dbReplicaInstanceClass: "db.m7g.xlarge" },
      });
      assert.deepEqual(
        classify(preview(deployed, classChanged), rdsOf(deployed, {})).drift.map((d) => d.name),
        ["db-primary", "db-replica-0"],
      );
      const serversChanged = await runWeb({ stack: "prod", config: { instanceType: "m7g.xlarge" } });
      const mixed = classify(preview(deployed, serversChanged), rdsOf(deployed, { DBInstanceClass: "db.m7g.xlarge" }));
      assert.ok(
        mixed.drift.some((d) => d.name === "web-servers"),
        JSON.stringify(mixed.drift),
      );
      assert.match(render("prod", mixed), /^## Drift detected in prod$/m);
    });

    it("runs after a failed preview, and only a drift result fails the job", async () => {
      const sort = steps(job(drift, "drift")).find((s) => s.id === "sort");
      assert.equal(sort?.if, "steps.preview.outcome == 'failure'");
      assert.match(sort!.run!, /pulumi preview --refresh --json --stack "\$STACK"/);
      assert.match(sort!.run!, /aws rds describe-db-instances --output json/);
      const notice = steps(job(drift, "drift")).find((s) => s.name === "report pending RDS modifications");
      assert.equal(notice?.if, "steps.sort.outputs.drift == 'false'");
    });
  });

  it("puts each stack's offline plan in the run summary and still fails when the plan fails", async () => {
    const offline = job(pr, "offline-plan");
    assert.equal(offline.strategy?.["fail-fast"], false);
    const plan = stepRunning(offline, "npm run plan -- --stack");
    assert.deepEqual(plan.env, { STACK: "${{ matrix.stack }}", BASE: "origin/${{ github.base_ref }}" });
    assert.match(plan.run!, /^set -o pipefail$/m);
    assert.match(
      plan.run!,
      /npm run plan -- --stack "\$STACK" --compare "\$BASE" --diagram "\$RUNNER_TEMP\/architecture-\$STACK\.svg" --mermaid "\$RUNNER_TEMP\/architecture-\$STACK\.mmd" 2>&1 \| tee -a "\$GITHUB_STEP_SUMMARY"/,
    );
    // The comparison needs the base branch's commits: a full clone.
    assert.equal(steps(offline).find((x) => x.uses?.startsWith("actions/checkout@"))?.with?.["fetch-depth"], 0);
    const dir = mkdtempSync(join(tmpdir(), "offline-plan-"));
    try {
      // A stand-in npm: prints a plan and exits with $FAKE_EXIT.
      const bin = join(dir, "bin");
      mkdirSync(bin);
      writeFileSync(join(bin, "npm"), '#!/usr/bin/env bash\necho "plan for $*"\necho "== Policy =="\nexit "$FAKE_EXIT"\n');
      chmodSync(join(bin, "npm"), 0o755);
      const path = `${bin}:${process.env["PATH"] ?? ""}`;
      for (const exit of [0, 1]) {
        const summary = join(dir, `summary-${exit}.md`);
        const result = await runStep(
          plan.run!,
          { PATH: path, FAKE_EXIT: String(exit), STACK: "staging", BASE: "origin/main", RUNNER_TEMP: "/t", GITHUB_STEP_SUMMARY: summary },
          dir,
        );
        assert.equal(result.code, exit, `${result.stdout}${result.stderr}`);
        assert.equal(
          result.stdout,
          "plan for run plan -- --stack staging --compare origin/main --diagram /t/architecture-staging.svg --mermaid /t/architecture-staging.mmd\n== Policy ==\n",
        );
        assert.equal(
          readFileSync(summary, "utf8"),
          "## Offline plan: `staging`\n\n````text\nplan for run plan -- --stack staging --compare origin/main --diagram /t/architecture-staging.svg --mermaid /t/architecture-staging.mmd\n== Policy ==\n````\n",
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uploads each stack's architecture SVG and links it from the summary beside the Mermaid version", async () => {
    const all = steps(job(pr, "offline-plan"));
    const upload = all.find((x) => x.id === "diagram");
    assert.equal(upload?.uses, `${PINNED.uploadArtifact}`);
    assert.deepEqual(upload?.with, {
      name: "architecture-${{ matrix.stack }}",
      path: "${{ runner.temp }}/architecture-${{ matrix.stack }}.svg",
      "if-no-files-found": "error",
    });
    const summary = all.find((x) => x.name === "architecture in the summary");
    assert.deepEqual(summary?.env, { STACK: "${{ matrix.stack }}", URL: "${{ steps.diagram.outputs.artifact-url }}" });
    const dir = mkdtempSync(join(tmpdir(), "architecture-"));
    try {
      writeFileSync(join(dir, "architecture-prod.mmd"), "flowchart TB\n  a --> b\n");
      const out = join(dir, "summary.md");
      const r = await runStep(
        summary!.run!,
        { STACK: "prod", URL: "https://example.invalid/a/1", RUNNER_TEMP: dir, GITHUB_STEP_SUMMARY: out },
        dir,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        readFileSync(out, "utf8"),
        "### Architecture: `prod` ([SVG](https://example.invalid/a/1))\n\n```mermaid\nflowchart TB\n  a --> b\n```\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sets up Node from .nvmrc in every job that runs npm", () => {
    let count = 0;
    for (const [where, j] of allJobs()) {
      const s = j.steps ?? [];
      const setup = s.filter((x) => x.uses?.startsWith("actions/setup-node@"));
      for (const x of setup) {
        // The release job also points npm at the registry it publishes to.
        const registry = where === "release.yml release" ? { "registry-url": "https://registry.npmjs.org" } : {};
        assert.deepEqual(x, { uses: PINNED.setupNode, with: { "node-version-file": ".nvmrc", cache: "npm", ...registry } }, where);
      }
      count += setup.length;
      const firstNpm = s.findIndex((x) => /^npm /m.test(x.run ?? ""));
      if (firstNpm !== -1) {
        assert.equal(setup.length, 1, `${where} runs npm without setup-node`);
        assert.ok(s.indexOf(setup[0]!) < firstNpm, where);
      }
    }
    assert.equal(count, 7);
  });

  it("runs npm ci, lint, typecheck and the tests on every PR, with no system package", () => {
    const runs = steps(job(pr, "checks")).map((s) => s.run);
    const order = ["npm ci", "npm run lint", "npm run typecheck", "npm test"].map((cmd) => runs.indexOf(cmd));
    assert.ok(
      order.every((i) => i !== -1),
      JSON.stringify(runs),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.ok(!runs.some((r) => r?.includes("apt-get")), "npm test needs nothing but npm ci");
  });

  it("runs the system tests on every PR, after installing what they check for", () => {
    const runs = steps(job(pr, "system")).map((s) => s.run ?? "");
    const install = runs.findIndex((r) => r.includes("apt-get install"));
    const system = runs.indexOf("npm run test:system");
    assert.ok(install !== -1 && system > install, JSON.stringify(runs));
    const apt = /apt-get install -y -qq ([^\n]+)/.exec(runs[install]!)![1]!.split(" ");
    const pip = /pip install ([^\n]+)/
      .exec(runs[install]!)![1]!
      .split(" ")
      .map((p) => p.replace(/"/g, ""));
    for (const p of PREREQUISITES) assert.ok((p.via === "apt" ? apt : pip).includes(p.pkg), `${p.pkg} is installed`);
  });

  it("never splices expressions (let alone github.event text) into run scripts", () => {
    const scripts = allSteps().filter(([, s]) => s.run !== undefined);
    assert.ok(scripts.length >= 10);
    for (const [where, s] of scripts) {
      assert.ok(!s.run!.includes("${{ github.event."), `${where}: ${s.run}`);
      assert.doesNotMatch(s.run!, /\$\{\{/, `${where}: pass expressions through env:`);
    }
  });
});
