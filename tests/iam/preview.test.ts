import { ACCOUNT, Row, table } from "./bootstrap";

/*
 * The pull-request role runs code from any branch of the repository (GitHub gives fork pull
 * requests no OIDC token at all). By design it reads dev alone: dev's checkpoint and dev's
 * secrets key, so a pull request can preview dev end to end. staging and prod state and secrets
 * are denied to it by the bucket's and the keys' own policies; their previews run in deploy
 * jobs, inside their protected GitHub environments.
 */
const ROWS: readonly Row[] = [
  ["reads dev's checkpoint", (t) => ({ action: "s3:GetObject", resource: t.state("dev"), resourcePolicy: t.bucketPolicy }), "Allowed"],
  [
    "decrypts dev's secrets",
    (t) => ({ action: "kms:Decrypt", resource: t.secretsKey("dev").arn, resourcePolicy: t.secretsKey("dev").policy }),
    "Allowed",
  ],
  [
    "decrypts state objects (SSE-KMS)",
    (t) => ({ action: "kms:Decrypt", resource: t.stateKey.arn, resourcePolicy: t.stateKey.policy }),
    "Allowed",
  ],
  ["describes instances (ReadOnlyAccess)", () => ({ action: "ec2:DescribeInstances", resource: "*" }), "Allowed"],

  [
    "writes dev's checkpoint",
    (t) => ({ action: "s3:PutObject", resource: t.state("dev"), resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "deletes dev's checkpoint",
    (t) => ({ action: "s3:DeleteObject", resource: t.state("dev"), resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "reads prod's checkpoint",
    (t) => ({ action: "s3:GetObject", resource: t.state("prod"), resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "reads staging's checkpoint",
    (t) => ({ action: "s3:GetObject", resource: t.state("staging"), resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "decrypts prod's secrets",
    (t) => ({ action: "kms:Decrypt", resource: t.secretsKey("prod").arn, resourcePolicy: t.secretsKey("prod").policy }),
    "ExplicitlyDenied",
  ],
  [
    "decrypts staging's secrets",
    (t) => ({ action: "kms:Decrypt", resource: t.secretsKey("staging").arn, resourcePolicy: t.secretsKey("staging").policy }),
    "ExplicitlyDenied",
  ],
  [
    "reads the database password",
    () => ({
      action: "secretsmanager:GetSecretValue",
      resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-credentials-AbCdEf`,
    }),
    "ImplicitlyDenied",
  ],
  [
    "terminates a web server",
    () => ({ action: "ec2:TerminateInstances", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0a1b2c3d4e5f60718` }),
    "ImplicitlyDenied",
  ],
  [
    "deletes the database",
    () => ({ action: "rds:DeleteDBInstance", resource: `arn:aws:rds:us-east-1:${ACCOUNT}:db:db-primary` }),
    "ImplicitlyDenied",
  ],
  [
    "changes a security group",
    () => ({ action: "ec2:AuthorizeSecurityGroupIngress", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:security-group/sg-0a1b2c3d` }),
    "ImplicitlyDenied",
  ],
  [
    "writes a parameter",
    () => ({ action: "ssm:PutParameter", resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/web-infra/prod/db/writer-endpoint` }),
    "ImplicitlyDenied",
  ],
];

describe("IAM, simulated: the pull-request preview role (read-only, dev's state and secrets only)", () => {
  table("web-infra-preview", ROWS);
});
