import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GithubActionsRole, StateBackend } from "./components";
import { BootstrapSettings, loadBootstrapSettings } from "./config";
import { GITHUB_AUDIENCE, GITHUB_OIDC_URL, subjects } from "./trust";

/** IAM actions the web stack needs on its own roles and instance profiles, which PowerUserAccess leaves out. */
export const WEB_STACK_IAM_ACTIONS = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:GetRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:ListRoleTags",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:PutRolePolicy",
  "iam:GetRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:CreateInstanceProfile",
  "iam:DeleteInstanceProfile",
  "iam:GetInstanceProfile",
  "iam:AddRoleToInstanceProfile",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:TagInstanceProfile",
  "iam:UntagInstanceProfile",
  "iam:ListInstanceProfileTags",
  "iam:PassRole",
];

/** Deploys create an RDS primary and replica in one update, which can outlast the default hour of a session. */
export const DEPLOY_SESSION_SECONDS = 3 * 3600;

/**
 * The bootstrap program, run once per account by an admin: the state backend
 * and secrets key the web-infra stacks use, GitHub's OIDC provider, and three
 * roles for the repository's workflows — preview (pull requests, read-only),
 * drift (the nightly refresh on main, read-only plus the stacks' secrets) and
 * deploy (the deploy environments).
 * Config is read and checked once, before any resource is registered.
 */
export function bootstrapStack(settings?: BootstrapSettings) {
  const s = settings ?? loadBootstrapSettings(pulumi.getStack(), pulumi.runtime.allConfig());
  const repo = s.githubRepository;
  const tags = { Project: "web-infra", Stack: pulumi.getStack(), Purpose: "bootstrap", ManagedBy: "pulumi" };

  // An account holds one provider per URL: to reuse an existing one, `pulumi import` it under this name first.
  const github = new aws.iam.OpenIdConnectProvider("github", { url: GITHUB_OIDC_URL, clientIdLists: [GITHUB_AUDIENCE], tags });

  const state = new StateBackend("web-infra-state", { keyAlias: s.secretsKeyAlias, noncurrentDays: s.stateBucketNoncurrentDays, tags });

  const preview = new GithubActionsRole("web-infra-preview", {
    providerArn: github.arn,
    repository: repo,
    subjects: [subjects.pullRequest(repo)],
    managedPolicy: "ReadOnlyAccess",
    description: `pulumi preview from pull requests of ${repo}`,
    tags,
  });
  preview.allow("state", state.accessStatements("read"));

  // Its own role, because a refresh reads the database's secret value (SecretVersion), which
  // ReadOnlyAccess leaves out on purpose and pull-request code must never get.
  const drift = new GithubActionsRole("web-infra-drift", {
    providerArn: github.arn,
    repository: repo,
    subjects: [subjects.branch(repo, "main")],
    managedPolicy: "ReadOnlyAccess",
    description: `nightly pulumi preview --refresh (drift check) on main of ${repo}`,
    tags,
  });
  drift.allow("state", state.accessStatements("read"));
  drift.allow("secrets", [
    {
      sid: "RefreshWebInfraSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:ResourceTag/Project", values: ["web-infra"] }],
    },
  ]);

  const deploy = new GithubActionsRole("web-infra-deploy", {
    providerArn: github.arn,
    repository: repo,
    // Only jobs that name a deploy environment: their token's subject is the environment, so
    // the environment's protection rules (prod's required reviewers) gate every assumption.
    subjects: s.deployEnvironments.map((env) => subjects.environment(repo, env)),
    managedPolicy: "PowerUserAccess",
    description: `pulumi up from the deploy environments of ${repo}`,
    maxSessionDuration: DEPLOY_SESSION_SECONDS,
    tags,
  });
  deploy.allow("state", state.accessStatements("write"));
  const account = aws.getCallerIdentityOutput().accountId;
  const partition = aws.getPartitionOutput().partition;
  deploy.allow("iam", [
    {
      sid: "WebStackRoles",
      actions: WEB_STACK_IAM_ACTIONS,
      resources: [
        pulumi.interpolate`arn:${partition}:iam::${account}:role/*`,
        pulumi.interpolate`arn:${partition}:iam::${account}:instance-profile/*`,
      ],
    },
    {
      // role/* covers these: without the deny, a deploy could rewrite its own trust or permissions.
      sid: "KeepBootstrapRoles",
      effect: "Deny",
      actions: ["iam:*"],
      resources: [preview.arn, drift.arn, deploy.arn],
    },
  ]);

  const bucket = state.bucket.bucket;
  return {
    previewRoleArn: preview.arn,
    driftRoleArn: drift.arn,
    deployRoleArn: deploy.arn,
    stateBucket: bucket,
    secretsKeyArn: state.key.arn,
    oidcProviderArn: github.arn,
    loginCommand: pulumi.interpolate`pulumi login "s3://${bucket}?region=${s.region}&awssdk=v2"`,
    secretsProvider: pulumi.interpolate`awskms://${state.alias.name}?region=${s.region}`,
  };
}
