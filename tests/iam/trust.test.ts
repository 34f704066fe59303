import * as assert from "node:assert/strict";
import type { RunResult } from "@web-infra/testing";
import { ACCOUNT, bootstrapGraph, REPO } from "./bootstrap";
import { assumeWithWebIdentity, Decision } from "./simulate";

const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const workflow = (file: string, ref = "refs/heads/main", repo = REPO) => `${repo}/.github/workflows/${file}@${ref}`;

/** A GitHub Actions token's claims: the sub, the audience the AWS action requests, and the workflow file and ref. */
const token = (sub: string, jobWorkflowRef: string, aud = "sts.amazonaws.com") => ({ sub, aud, job_workflow_ref: jobWorkflowRef });

type Row = readonly [what: string, claims: Record<string, string>, expected: Decision];

const TABLES: Readonly<Record<string, readonly Row[]>> = {
  "web-infra-preview": [
    ["a pull request of this repository", token(`repo:${REPO}:pull_request`, workflow("pull-request.yml", "refs/pull/7/merge")), "Allowed"],
    [
      "a pull request of another repository",
      token("repo:other-org/web-infra:pull_request", workflow("pull-request.yml", "refs/pull/7/merge", "other-org/web-infra")),
      "ImplicitlyDenied",
    ],
    [
      "a fork's pull request named like this repository",
      token("repo:example-org-fork/web-infra:pull_request", workflow("pull-request.yml", "refs/pull/7/merge")),
      "ImplicitlyDenied",
    ],
    [
      "a push to a branch of this repository",
      token(`repo:${REPO}:ref:refs/heads/feature`, workflow("pull-request.yml", "refs/heads/feature")),
      "ImplicitlyDenied",
    ],
    [
      "a subject that looks like a wildcard",
      token("repo:example-org/*", workflow("pull-request.yml", "refs/pull/7/merge")),
      "ImplicitlyDenied",
    ],
    [
      "a token for another audience",
      token(`repo:${REPO}:pull_request`, workflow("pull-request.yml", "refs/pull/7/merge"), "api://other"),
      "ImplicitlyDenied",
    ],
  ],
  "web-infra-drift": [
    ["drift.yml on main", token(`repo:${REPO}:ref:refs/heads/main`, workflow("drift.yml")), "Allowed"],
    ["another workflow on main", token(`repo:${REPO}:ref:refs/heads/main`, workflow("deploy.yml")), "ImplicitlyDenied"],
    [
      "drift.yml on another branch",
      token(`repo:${REPO}:ref:refs/heads/feature`, workflow("drift.yml", "refs/heads/feature")),
      "ImplicitlyDenied",
    ],
    ["a pull request", token(`repo:${REPO}:pull_request`, workflow("drift.yml", "refs/pull/7/merge")), "ImplicitlyDenied"],
    [
      "another repository's drift.yml on main",
      token("repo:other-org/web-infra:ref:refs/heads/main", workflow("drift.yml", "refs/heads/main", "other-org/web-infra")),
      "ImplicitlyDenied",
    ],
    ["a subject that looks like a wildcard", token("repo:example-org/*", workflow("drift.yml")), "ImplicitlyDenied"],
  ],
  "web-infra-deploy-prod": [
    ["deploy.yml on main in the prod environment", token(`repo:${REPO}:environment:prod`, workflow("deploy.yml")), "Allowed"],
    ["deploy.yml on main in the dev environment", token(`repo:${REPO}:environment:dev`, workflow("deploy.yml")), "ImplicitlyDenied"],
    [
      "a pull request's new workflow in the prod environment",
      token(`repo:${REPO}:environment:prod`, workflow("exfiltrate.yml", "refs/pull/7/merge")),
      "ImplicitlyDenied",
    ],
    [
      "deploy.yml of a pull request branch in the prod environment",
      token(`repo:${REPO}:environment:prod`, workflow("deploy.yml", "refs/heads/feature")),
      "ImplicitlyDenied",
    ],
    ["a bare run on main, without an environment", token(`repo:${REPO}:ref:refs/heads/main`, workflow("deploy.yml")), "ImplicitlyDenied"],
    [
      "another repository's prod environment",
      token("repo:other-org/web-infra:environment:prod", workflow("deploy.yml", "refs/heads/main", "other-org/web-infra")),
      "ImplicitlyDenied",
    ],
    ["a subject that looks like a wildcard", token("repo:example-org/*", workflow("deploy.yml")), "ImplicitlyDenied"],
  ],
};

describe("IAM, simulated: who may assume each workflow role (sts:AssumeRoleWithWebIdentity with GitHub's token claims)", () => {
  let g: RunResult;
  before(async () => {
    g = await bootstrapGraph();
  });
  for (const [roleName, rows] of Object.entries(TABLES)) {
    describe(roleName, () => {
      for (const [what, claims, expected] of rows) {
        it(`${expected === "Allowed" ? "admits" : "refuses"} ${what}`, async () => {
          const role = g.get("aws:iam/role:Role", roleName);
          assert.equal(await assumeWithWebIdentity(role.inputs["assumeRolePolicy"], String(role.state["arn"]), PROVIDER, claims), expected);
        });
      }
    });
  }

  it("fails, rather than answer, on a claim IAM does not evaluate for this action", async () => {
    const role = g.get("aws:iam/role:Role", "web-infra-preview");
    await assert.rejects(
      assumeWithWebIdentity(role.inputs["assumeRolePolicy"], String(role.state["arn"]), PROVIDER, {
        ...token(`repo:${REPO}:pull_request`, workflow("pull-request.yml", "refs/pull/7/merge")),
        runner_environment: "github-hosted",
      }),
      /token\.actions\.githubusercontent\.com:runner_environment is no condition key IAM evaluates/,
    );
  });
});
