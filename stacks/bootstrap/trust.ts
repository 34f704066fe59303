import * as pulumi from "@pulumi/pulumi";
import { Problem, Problems } from "@web-infra/core";
import { repositoryProblem } from "./config";

/** GitHub Actions' OIDC issuer; IAM names its provider after this host. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
/** The audience `aws-actions/configure-aws-credentials` requests: the only one the roles accept. */
export const GITHUB_AUDIENCE = "sts.amazonaws.com";
export const AUD_KEY = `${GITHUB_OIDC_HOST}:aud`;
export const SUB_KEY = `${GITHUB_OIDC_HOST}:sub`;
/**
 * The workflow file and ref a job runs from. A condition key of sts:AssumeRoleWithWebIdentity in
 * AWS's service authorization reference: binding a role to it means a job in another workflow
 * file (one a pull request could add or edit) is refused, whatever its environment.
 */
export const WORKFLOW_KEY = `${GITHUB_OIDC_HOST}:job_workflow_ref`;

/** `job_workflow_ref` of a job in `.github/workflows/<file>` of `repository`, run from `branch`. */
export const jobWorkflowRef = (repository: string, file: string, branch: string) =>
  `${repository}/.github/workflows/${file}@refs/heads/${branch}`;
const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
const WILDCARD = /[*?]/;

/** The `sub` claims GitHub puts in a job's token (default claim format). */
export const subjects = {
  /** A workflow run for a pull_request event. */
  pullRequest: (repository: string) => `repo:${repository}:pull_request`,
  /** A job on a push to (or dispatch on) a branch, without a GitHub environment. */
  branch: (repository: string, branch: string) => `repo:${repository}:ref:refs/heads/${branch}`,
  /** A job that names a GitHub environment: GitHub replaces the ref with the environment. */
  environment: (repository: string, environment: string) => `repo:${repository}:environment:${environment}`,
};

/** Why a subject is refused for a role of `repository`, or undefined. */
function subjectProblem(subject: unknown, repository: string): string | undefined {
  if (typeof subject !== "string") return "must be a string";
  if (WILDCARD.test(subject))
    return "must not contain `*` or `?`: a wildcard subject lets other repositories, branches or events assume the role";
  if (!subject.startsWith(`repo:${repository}:`)) return `must start with "repo:${repository}:": it names another repository`;
  return undefined;
}

/**
 * The assume-role policy for a role GitHub Actions jobs of one repository
 * assume: the account's GitHub OIDC provider as the federated principal, the
 * `sts.amazonaws.com` audience, exactly the given subjects and, when given, the
 * one workflow file and ref (`job_workflow_ref`), all compared with
 * StringEquals. Refuses (before anything is registered) a subject or workflow
 * with a wildcard or of another repository.
 */
export function githubTrustPolicy(
  providerArn: pulumi.Input<string>,
  repository: string,
  subjectList: readonly string[],
  workflowRef?: string,
): pulumi.Output<string> {
  const p = new Problems(`GitHub trust policy for "${repository}"`);
  const repoProblem = repositoryProblem(repository);
  if (repoProblem) p.add("repository", repoProblem, { got: repository, fix: "Name one repository as owner/name." });
  p.check(subjectList.length > 0, "subjects", "must list at least one subject", subjectList, "Name the events the role is for.");
  subjectList.forEach((s, i) => {
    const problem = subjectProblem(s, repository);
    if (problem)
      p.add(`subjects[${i}]`, problem, {
        got: s,
        fix: `Use one of the exact subjects GitHub issues, e.g. "${subjects.pullRequest(repository)}".`,
      });
  });
  if (workflowRef !== undefined) {
    p.check(
      !WILDCARD.test(workflowRef) && workflowRef.startsWith(`${repository}/.github/workflows/`),
      "workflowRef",
      `must name one workflow file of ${repository}, without \`*\` or \`?\``,
      workflowRef,
      `Use jobWorkflowRef("${repository}", "<file>.yml", "main").`,
    );
  }
  p.throwIfAny();
  const workflow = workflowRef === undefined ? {} : { [WORKFLOW_KEY]: workflowRef };
  return pulumi.output(providerArn).apply((arn) =>
    JSON.stringify(
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "GithubActions",
            Effect: "Allow",
            Principal: { Federated: arn },
            Action: WEB_IDENTITY,
            Condition: { StringEquals: { [AUD_KEY]: GITHUB_AUDIENCE, [SUB_KEY]: [...subjectList], ...workflow } },
          },
        ],
      },
      null,
      2,
    ),
  );
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The condition entries for a key (IAM compares condition keys case-insensitively), by operator. */
function conditionsOn(condition: Record<string, unknown>, key: string): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (typeof block !== "object" || block === null) continue;
    for (const [k, v] of Object.entries(block)) if (k.toLowerCase() === key.toLowerCase()) out.push([operator, v]);
  }
  return out;
}

/**
 * Problems with a trust policy for GitHub Actions of `repository`: every
 * Allow statement must let only the GitHub OIDC provider assume the role with
 * a web identity, test `aud` with StringEquals to exactly sts.amazonaws.com,
 * and test `sub` against exact subjects (no `*` or `?`) of this repository.
 * An empty list means the policy trusts this repository's named jobs only.
 */
export function checkGithubTrust(policyJson: string, repository: string): Problem[] {
  const p = new Problems("GitHub trust policy");
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(policyJson) as { Statement?: unknown };
  } catch {
    p.add("policy", "must be a JSON policy document", { got: policyJson, fix: "Build it with githubTrustPolicy()." });
    return [...p.all];
  }
  const statements = list(doc.Statement) as Record<string, unknown>[];
  const allows = statements.map((s, i) => [s, i] as const).filter(([s]) => s?.["Effect"] === "Allow");
  p.check(
    allows.length > 0,
    "Statement",
    "must allow GitHub's OIDC provider to assume the role",
    doc.Statement,
    "Build it with githubTrustPolicy().",
  );

  for (const [s, i] of allows) {
    const at = `Statement[${i}]`;
    const principal = s["Principal"] as Record<string, unknown> | string | undefined;
    const federated = typeof principal === "object" && principal !== null ? list(principal["Federated"]) : [];
    const others = typeof principal === "object" && principal !== null ? Object.keys(principal).filter((k) => k !== "Federated") : [];
    p.check(
      others.length === 0 &&
        federated.length === 1 &&
        typeof federated[0] === "string" &&
        federated[0].endsWith(`:oidc-provider/${GITHUB_OIDC_HOST}`),
      `${at}.Principal`,
      "must be the account's GitHub OIDC provider alone",
      principal,
      `Use { Federated: <arn of the ${GITHUB_OIDC_HOST} provider> }.`,
    );
    p.check(
      list(s["Action"]).length === 1 && list(s["Action"])[0] === WEB_IDENTITY && s["NotAction"] === undefined,
      `${at}.Action`,
      `must be ${WEB_IDENTITY} alone`,
      s["Action"],
      `Allow only ${WEB_IDENTITY}.`,
    );

    const condition = (typeof s["Condition"] === "object" && s["Condition"] !== null ? s["Condition"] : {}) as Record<string, unknown>;
    const aud = conditionsOn(condition, AUD_KEY);
    const audKey = `${at}.Condition["${AUD_KEY}"]`;
    if (aud.length === 0) {
      p.add(audKey, "must be set: without an audience condition, tokens minted for other clients are accepted", {
        got: undefined,
        fix: `Add StringEquals { "${AUD_KEY}": "${GITHUB_AUDIENCE}" }.`,
      });
    }
    for (const [operator, value] of aud) {
      const values = list(value);
      p.check(
        operator === "StringEquals" && values.length === 1 && values[0] === GITHUB_AUDIENCE,
        audKey,
        `must be tested with StringEquals to exactly "${GITHUB_AUDIENCE}"`,
        { [operator]: value },
        `Use StringEquals { "${AUD_KEY}": "${GITHUB_AUDIENCE}" }.`,
      );
    }

    const sub = conditionsOn(condition, SUB_KEY);
    const subKey = `${at}.Condition["${SUB_KEY}"]`;
    const tested = sub.filter(([operator]) => operator === "StringEquals" || operator === "StringLike");
    if (tested.length === 0) {
      p.add(subKey, "must be set with StringEquals: without a subject condition, every repository on GitHub can assume the role", {
        got: sub.length ? Object.fromEntries(sub) : undefined,
        fix: `Add StringEquals { "${SUB_KEY}": ["repo:${repository}:…"] } with the exact subjects.`,
      });
    }
    for (const [operator, value] of sub.filter((e) => !tested.includes(e))) {
      p.add(subKey, "must be tested with StringEquals (or StringLike): other operators do not restrict who assumes the role", {
        got: { [operator]: value },
        fix: "Use StringEquals with the exact subjects.",
      });
    }
    for (const [, value] of tested) {
      for (const subject of list(value)) {
        const problem = subjectProblem(subject, repository);
        if (problem)
          p.add(subKey, problem, {
            got: subject,
            fix: `List the exact subjects of ${repository}, e.g. "${subjects.pullRequest(repository)}".`,
          });
      }
    }
  }
  return [...p.all];
}
