import * as assert from "node:assert/strict";
import { ACCOUNT, BOUNDARY_ARN, bootstrapGraph, Row, table } from "./bootstrap";

const role = (path: string, name: string) => `arn:aws:iam::${ACCOUNT}:role${path}${name}`;
const own = role("/web-infra/prod/", "web-server-0a1b2c3");
const bounded = { "iam:PermissionsBoundary": BOUNDARY_ARN };
const managed = (name: string) => `arn:aws:iam::aws:policy/${name}`;

const ROWS: readonly Row[] = [
  ["creates a role under prod's path with the boundary", () => ({ action: "iam:CreateRole", resource: own, context: bounded }), "Allowed"],
  ["writes an inline policy on such a role", () => ({ action: "iam:PutRolePolicy", resource: own, context: bounded }), "Allowed"],
  [
    "attaches the Enhanced Monitoring managed policy to a bounded role",
    () => ({
      action: "iam:AttachRolePolicy",
      resource: role("/web-infra/prod/", "db-monitoring-0a1b2c3"),
      context: { ...bounded, "iam:PolicyARN": managed("service-role/AmazonRDSEnhancedMonitoringRole") },
    }),
    "Allowed",
  ],
  [
    "passes its server role to EC2",
    () => ({ action: "iam:PassRole", resource: own, context: { "iam:PassedToService": "ec2.amazonaws.com" } }),
    "Allowed",
  ],
  [
    "rewrites the trust of its own stack's role",
    () => ({ action: "iam:UpdateAssumeRolePolicy", resource: own, context: bounded }),
    "Allowed",
  ],
  ["writes prod's checkpoint", (t) => ({ action: "s3:PutObject", resource: t.state("prod"), resourcePolicy: t.bucketPolicy }), "Allowed"],
  [
    "encrypts with prod's secrets key",
    (t) => ({ action: "kms:Encrypt", resource: t.secretsKey("prod").arn, resourcePolicy: t.secretsKey("prod").policy }),
    "Allowed",
  ],
  [
    "launches instances (PowerUserAccess)",
    () => ({ action: "ec2:RunInstances", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*` }),
    "Allowed",
  ],

  ["creates a role without a boundary", () => ({ action: "iam:CreateRole", resource: own }), "ImplicitlyDenied"],
  [
    "creates a role with another boundary",
    () => ({ action: "iam:CreateRole", resource: own, context: { "iam:PermissionsBoundary": managed("AdministratorAccess") } }),
    "ImplicitlyDenied",
  ],
  [
    "creates a role under dev's path",
    () => ({ action: "iam:CreateRole", resource: role("/web-infra/dev/", "web-server-x"), context: bounded }),
    "ImplicitlyDenied",
  ],
  [
    "attaches AdministratorAccess to a bounded role",
    () => ({ action: "iam:AttachRolePolicy", resource: own, context: { ...bounded, "iam:PolicyARN": managed("AdministratorAccess") } }),
    "ExplicitlyDenied",
  ],
  [
    "removes the boundary from a role",
    () => ({ action: "iam:DeleteRolePermissionsBoundary", resource: own, context: bounded }),
    "ImplicitlyDenied",
  ],
  ["edits the boundary policy", () => ({ action: "iam:CreatePolicyVersion", resource: BOUNDARY_ARN }), "ExplicitlyDenied"],
  [
    "rewrites its own trust",
    () => ({ action: "iam:UpdateAssumeRolePolicy", resource: role("/web-infra/bootstrap/", "web-infra-deploy-prod") }),
    "ExplicitlyDenied",
  ],
  [
    "adds a policy to itself",
    () => ({ action: "iam:PutRolePolicy", resource: role("/web-infra/bootstrap/", "web-infra-deploy-prod"), context: bounded }),
    "ExplicitlyDenied",
  ],
  [
    "rewrites the drift role's trust",
    () => ({ action: "iam:UpdateAssumeRolePolicy", resource: role("/web-infra/bootstrap/", "web-infra-drift") }),
    "ExplicitlyDenied",
  ],
  [
    "rewrites the trust of a role outside its path",
    () => ({ action: "iam:UpdateAssumeRolePolicy", resource: role("/", "other-team-admin") }),
    "ImplicitlyDenied",
  ],
  [
    "passes its server role to Lambda",
    () => ({ action: "iam:PassRole", resource: own, context: { "iam:PassedToService": "lambda.amazonaws.com" } }),
    "ImplicitlyDenied",
  ],
  [
    "passes a role outside its path to EC2",
    () => ({ action: "iam:PassRole", resource: role("/", "Admin"), context: { "iam:PassedToService": "ec2.amazonaws.com" } }),
    "ImplicitlyDenied",
  ],
  ["creates a user", () => ({ action: "iam:CreateUser", resource: `arn:aws:iam::${ACCOUNT}:user/backdoor` }), "ExplicitlyDenied"],
  [
    "creates an access key",
    () => ({ action: "iam:CreateAccessKey", resource: `arn:aws:iam::${ACCOUNT}:user/backdoor` }),
    "ExplicitlyDenied",
  ],
  ["leaves the organization", () => ({ action: "organizations:LeaveOrganization", resource: "*" }), "ImplicitlyDenied"],
  [
    "writes dev's checkpoint",
    (t) => ({ action: "s3:PutObject", resource: t.state("dev"), resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "reads staging's checkpoint",
    (t) => ({ action: "s3:GetObject", resource: t.state("staging"), resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "deletes a version of its own checkpoint",
    (t) => ({ action: "s3:DeleteObjectVersion", resource: t.state("prod"), resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "rewrites the state bucket's policy",
    (t) => ({ action: "s3:PutBucketPolicy", resource: t.bucketArn, resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "rewrites the state bucket's lifecycle",
    (t) => ({ action: "s3:PutLifecycleConfiguration", resource: t.bucketArn, resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "deletes the state bucket",
    (t) => ({ action: "s3:DeleteBucket", resource: t.bucketArn, resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "decrypts dev's secrets",
    (t) => ({ action: "kms:Decrypt", resource: t.secretsKey("dev").arn, resourcePolicy: t.secretsKey("dev").policy }),
    "ExplicitlyDenied",
  ],
  [
    "schedules the state key's deletion",
    (t) => ({ action: "kms:ScheduleKeyDeletion", resource: t.stateKey.arn, resourcePolicy: t.stateKey.policy }),
    "ExplicitlyDenied",
  ],
  [
    "disables prod's secrets key",
    (t) => ({ action: "kms:DisableKey", resource: t.secretsKey("prod").arn, resourcePolicy: t.secretsKey("prod").policy }),
    "ExplicitlyDenied",
  ],
];

describe("IAM, simulated: the prod deploy role (PowerUserAccess, its stack's roles only with the boundary)", () => {
  it("is one of three deploy roles, one per environment", async () => {
    const g = await bootstrapGraph();
    assert.deepEqual(
      g
        .ofType("aws:iam/role:Role")
        .filter((r) => r.name.startsWith("web-infra-deploy-"))
        .map((r) => r.name),
      ["web-infra-deploy-dev", "web-infra-deploy-staging", "web-infra-deploy-prod"],
    );
  });
  table("web-infra-deploy-prod", ROWS);
});
