import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SESSION_MANAGER_ACTIONS } from "@web-infra/compute";
import { GithubActionsRole, StateBackend } from "./components";
import { BootstrapSettings, loadBootstrapSettings } from "./config";
import { GITHUB_AUDIENCE, GITHUB_OIDC_URL, jobWorkflowRef, subjects } from "./trust";

/** Where the bootstrap's own roles live: fixed names under this path, so resource policies can name them before they exist. */
export const BOOTSTRAP_ROLE_PATH = "/web-infra/bootstrap/";
/** The permissions boundary every web stack role carries: path and name fix its ARN (`web-infra:permissionsBoundaryArn`). */
export const BOUNDARY = { path: "/web-infra/", name: "web-infra-boundary" } as const;

/**
 * Deploys create an RDS primary and replica in one update (15–25 minutes), and a first `pulumi up`
 * in prod, with a DNS-validated certificate and Multi-AZ databases, can take over an hour: three
 * hours, so credentials never expire mid-update with the stack locked. deploy.yml asks for the same.
 */
export const DEPLOY_SESSION_SECONDS = 10_800;

/**
 * The most any web stack role may do, whatever policy a deploy gives it: what the web servers
 * (Session Manager agent, the database contract), VPC Flow Logs and RDS Enhanced Monitoring do,
 * and never IAM, Organizations, account settings or assuming another role. The deploy roles may
 * create roles only with this boundary, so a role they create cannot exceed it.
 */
export const BOUNDARY_ACTIONS = [
  ...SESSION_MANAGER_ACTIONS.register,
  ...SESSION_MANAGER_ACTIONS.channels,
  ...SESSION_MANAGER_ACTIONS.messages,
  "ssm:GetParameter",
  "ssm:GetParameters",
  "secretsmanager:GetSecretValue",
  "secretsmanager:DescribeSecret",
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "logs:PutRetentionPolicy",
  "logs:DescribeLogGroups",
  "logs:DescribeLogStreams",
  "logs:GetLogEvents",
] as const;

/** The services a deploy role may pass web stack roles to: EC2 (the launch template's instance profile), RDS Enhanced Monitoring, VPC Flow Logs. */
export const PASSED_TO_SERVICES = ["ec2.amazonaws.com", "monitoring.rds.amazonaws.com", "vpc-flow-logs.amazonaws.com"] as const;

/** The only managed policies a deploy role may attach to a web stack role. */
export const ATTACHABLE_MANAGED_POLICIES = ["service-role/AmazonRDSEnhancedMonitoringRole"] as const;

/** IAM actions that create a role, give it permissions or set its boundary: allowed only with the boundary. */
export const BOUNDED_ROLE_ACTIONS = [
  "iam:CreateRole",
  "iam:PutRolePolicy",
  "iam:AttachRolePolicy",
  "iam:PutRolePermissionsBoundary",
] as const;

/**
 * What else a deploy role does to the web stack's roles (under its environment's path only) and
 * instance profiles. Not iam:DeleteRolePermissionsBoundary: a role stripped of its boundary keeps
 * the inline policies written under it, unbounded.
 */
export const WEB_STACK_ROLE_ACTIONS = [
  "iam:GetRole",
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:ListRoleTags",
  "iam:ListRolePolicies",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:GetRolePolicy",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
] as const;

export const INSTANCE_PROFILE_ACTIONS = [
  "iam:CreateInstanceProfile",
  "iam:DeleteInstanceProfile",
  "iam:GetInstanceProfile",
  "iam:AddRoleToInstanceProfile",
  "iam:RemoveRoleFromInstanceProfile",
  "iam:TagInstanceProfile",
  "iam:UntagInstanceProfile",
  "iam:ListInstanceProfileTags",
] as const;

/**
 * The bootstrap program, run once per account by an admin: the state backend (bucket and state
 * key) and one secrets key per environment, GitHub's OIDC provider, the permissions boundary of
 * the web stacks' roles, and the workflows' roles: preview (pull requests; read-only, dev's state
 * and secrets only), drift (the nightly refresh on main) and one deploy role per environment
 * (deploy.yml on main, in that GitHub environment; only that stack's state, secrets and roles).
 * Config is read and checked once, before any resource is registered.
 */
export function bootstrapStack(settings?: BootstrapSettings) {
  const s = settings ?? loadBootstrapSettings(pulumi.getStack(), pulumi.runtime.allConfig());
  const repo = s.githubRepository;
  const tags = { Project: "web-infra", Stack: pulumi.getStack(), Purpose: "bootstrap", ManagedBy: "pulumi" };
  const account = aws.getCallerIdentityOutput().accountId;
  const partition = aws.getPartitionOutput().partition;
  const iamArn = (kind: "role" | "policy", path: string, name: string) =>
    pulumi.interpolate`arn:${partition}:iam::${account}:${kind}${path}${name}`;
  const roleArn = (name: string) => iamArn("role", BOOTSTRAP_ROLE_PATH, name);
  const names = {
    preview: "web-infra-preview",
    drift: "web-infra-drift",
    deploy: (env: string) => `web-infra-deploy-${env}`,
  };

  // An account holds one provider per URL: to reuse an existing one, `pulumi import` it under this name first.
  const github = new aws.iam.OpenIdConnectProvider("github", { url: GITHUB_OIDC_URL, clientIdLists: [GITHUB_AUDIENCE], tags });

  const state = new StateBackend("web-infra-state", {
    keyAlias: s.secretsKeyAlias,
    noncurrentDays: s.stateBucketNoncurrentDays,
    adminRoleArn: s.adminRoleArn,
    environments: s.deployEnvironments,
    environmentRoles: Object.fromEntries(
      s.deployEnvironments.map((env) => [
        env,
        { deploy: roleArn(names.deploy(env)), readers: [roleArn(names.drift), ...(env === PREVIEWED ? [roleArn(names.preview)] : [])] },
      ]),
    ),
    tags,
  });

  const boundary = new aws.iam.Policy("web-infra-boundary", {
    name: BOUNDARY.name,
    path: BOUNDARY.path,
    description: "Permissions boundary of every role a web-infra stack creates",
    policy: aws.iam.getPolicyDocumentOutput({
      statements: [
        { sid: "WebStackRoles", actions: [...BOUNDARY_ACTIONS], resources: ["*"] },
        {
          sid: "NeverIdentityOrAccount",
          effect: "Deny",
          actions: ["iam:*", "organizations:*", "account:*", "sts:AssumeRole"],
          resources: ["*"],
        },
      ],
    }).json,
    tags,
  });

  const preview = new GithubActionsRole(names.preview, {
    providerArn: github.arn,
    repository: repo,
    subjects: [subjects.pullRequest(repo)],
    path: BOOTSTRAP_ROLE_PATH,
    managedPolicy: "ReadOnlyAccess",
    description: `pulumi preview of the ${PREVIEWED} stack from pull requests of ${repo}`,
    tags,
  });
  preview.allow("state", [
    ...state.accessStatements("read", [PREVIEWED]),
    ...(state.secretsKeys[PREVIEWED]
      ? [{ sid: "SecretsKey", actions: ["kms:Decrypt"], resources: [state.secretsKeys[PREVIEWED].arn] }]
      : []),
  ]);

  // Its own role, because a refresh reads the database's secret value (SecretVersion), which
  // ReadOnlyAccess leaves out on purpose and pull-request code must never get.
  const drift = new GithubActionsRole(names.drift, {
    providerArn: github.arn,
    repository: repo,
    subjects: [subjects.branch(repo, "main")],
    workflowRef: jobWorkflowRef(repo, "drift.yml", "main"),
    path: BOOTSTRAP_ROLE_PATH,
    managedPolicy: "ReadOnlyAccess",
    description: `nightly pulumi preview --refresh (drift check) of drift.yml on main of ${repo}`,
    tags,
  });
  drift.allow("state", [
    ...state.accessStatements("read", s.deployEnvironments),
    { sid: "SecretsKeys", actions: ["kms:Decrypt"], resources: Object.values(state.secretsKeys).map((k) => k.arn) },
  ]);
  drift.allow("secrets", [
    {
      sid: "RefreshWebInfraSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: ["*"],
      conditions: [{ test: "StringEquals", variable: "aws:ResourceTag/Project", values: ["web-infra"] }],
    },
  ]);

  const bootstrapRoles = [preview.arn, drift.arn, ...s.deployEnvironments.map((env) => roleArn(names.deploy(env)))];
  const deploys = Object.fromEntries(
    s.deployEnvironments.map((env) => {
      const deploy = new GithubActionsRole(names.deploy(env), {
        providerArn: github.arn,
        repository: repo,
        // Only deploy.yml on main, in this GitHub environment: its protection rules (prod's
        // reviewers) gate every assumption, and a job a pull request adds elsewhere is refused.
        subjects: [subjects.environment(repo, env)],
        workflowRef: jobWorkflowRef(repo, "deploy.yml", "main"),
        path: BOOTSTRAP_ROLE_PATH,
        managedPolicy: "PowerUserAccess",
        description: `pulumi up of the ${env} stack from deploy.yml on main of ${repo}, in its ${env} environment`,
        maxSessionDuration: DEPLOY_SESSION_SECONDS,
        tags,
      });
      const roles = iamArn("role", `/web-infra/${env}/`, "*");
      deploy.allow("state", [
        ...state.accessStatements("write", [env]),
        {
          sid: "SecretsKey",
          actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
          resources: [state.secretsKeys[env]!.arn],
        },
      ]);
      deploy.allow("iam", [
        {
          sid: "RolesOnlyWithTheBoundary",
          actions: [...BOUNDED_ROLE_ACTIONS],
          resources: [roles],
          conditions: [{ test: "StringEquals", variable: "iam:PermissionsBoundary", values: [boundary.arn] }],
        },
        {
          // A second statement for the same action: attaching needs the boundary and a listed policy.
          sid: "AttachOnlyListedPolicies",
          effect: "Deny",
          actions: ["iam:AttachRolePolicy"],
          resources: ["*"],
          conditions: [
            {
              test: "ArnNotEquals",
              variable: "iam:PolicyARN",
              values: ATTACHABLE_MANAGED_POLICIES.map((p) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${p}`),
            },
          ],
        },
        { sid: "ManageItsRoles", actions: [...WEB_STACK_ROLE_ACTIONS], resources: [roles] },
        {
          sid: "PassItsRolesToTheirServices",
          actions: ["iam:PassRole"],
          resources: [roles],
          conditions: [{ test: "StringEquals", variable: "iam:PassedToService", values: [...PASSED_TO_SERVICES] }],
        },
        {
          sid: "InstanceProfiles",
          actions: [...INSTANCE_PROFILE_ACTIONS],
          resources: [pulumi.interpolate`arn:${partition}:iam::${account}:instance-profile/*`],
        },
        {
          // role/* of another path and the boundary itself: without the deny, a deploy could rewrite them.
          sid: "KeepBootstrapRolesAndBoundary",
          effect: "Deny",
          actions: ["iam:*"],
          resources: [...bootstrapRoles, boundary.arn],
        },
        {
          sid: "NoUsersOrKeys",
          effect: "Deny",
          actions: ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"],
          resources: ["*"],
        },
      ]);
      return [env, deploy] as const;
    }),
  );

  const bucket = state.bucket.bucket;
  return {
    previewRoleArn: preview.arn,
    driftRoleArn: drift.arn,
    deployRoleArns: Object.fromEntries(Object.entries(deploys).map(([env, d]) => [env, d.arn])),
    permissionsBoundaryArn: boundary.arn,
    stateBucket: bucket,
    stateKeyArn: state.key.arn,
    secretsKeyArns: Object.fromEntries(Object.entries(state.secretsKeys).map(([env, k]) => [env, k.arn])),
    oidcProviderArn: github.arn,
    loginCommand: pulumi.interpolate`pulumi login "s3://${bucket}?region=${s.region}&awssdk=v2"`,
    secretsProviders: Object.fromEntries(
      Object.entries(state.secretsAliases).map(([env, alias]) => [env, pulumi.interpolate`awskms://${alias.name}?region=${s.region}`]),
    ),
    environmentSetup: s.deployEnvironments.map((env) => environmentCommands(repo, env)).join("\n"),
  };
}

/** The one stack whose state and secrets pull-request previews may read. */
export const PREVIEWED = "dev";

/**
 * The GitHub CLI calls that restrict an environment to main: GitHub's default lets any branch's
 * run (a pull request's too) use an environment. The deploy roles' trust also names deploy.yml on
 * main, so this is the second lock, not the only one.
 */
export function environmentCommands(repository: string, env: string): string {
  return [
    `gh api -X PUT repos/${repository}/environments/${env} -F "deployment_branch_policy[protected_branches]=false" -F "deployment_branch_policy[custom_branch_policies]=true"`,
    `gh api -X POST repos/${repository}/environments/${env}/deployment-branch-policies -f name=main -f type=branch`,
  ].join("\n");
}
