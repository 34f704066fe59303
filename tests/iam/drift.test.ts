import { ACCOUNT, Row, table } from "./bootstrap";

const secret = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-credentials-AbCdEf`;

/* A refresh reads every stack's state, decrypts its secrets and reads the database secret's value (SecretVersion); it writes nothing. */
const ROWS: readonly Row[] = [
  ["reads prod's checkpoint", (t) => ({ action: "s3:GetObject", resource: t.state("prod"), resourcePolicy: t.bucketPolicy }), "Allowed"],
  ["reads dev's checkpoint", (t) => ({ action: "s3:GetObject", resource: t.state("dev"), resourcePolicy: t.bucketPolicy }), "Allowed"],
  [
    "decrypts prod's secrets",
    (t) => ({ action: "kms:Decrypt", resource: t.secretsKey("prod").arn, resourcePolicy: t.secretsKey("prod").policy }),
    "Allowed",
  ],
  [
    "reads a web-infra secret's value",
    () => ({ action: "secretsmanager:GetSecretValue", resource: secret, context: { "aws:ResourceTag/Project": "web-infra" } }),
    "Allowed",
  ],
  [
    "describes the database (ReadOnlyAccess)",
    () => ({ action: "rds:DescribeDBInstances", resource: `arn:aws:rds:us-east-1:${ACCOUNT}:db:db-primary` }),
    "Allowed",
  ],

  [
    "writes prod's checkpoint",
    (t) => ({ action: "s3:PutObject", resource: t.state("prod"), resourcePolicy: t.bucketPolicy }),
    "ExplicitlyDenied",
  ],
  [
    "encrypts with prod's secrets key",
    (t) => ({ action: "kms:Encrypt", resource: t.secretsKey("prod").arn, resourcePolicy: t.secretsKey("prod").policy }),
    "ImplicitlyDenied",
  ],
  [
    "reads another team's secret",
    () => ({ action: "secretsmanager:GetSecretValue", resource: secret, context: { "aws:ResourceTag/Project": "payroll" } }),
    "ImplicitlyDenied",
  ],
  [
    "terminates a web server",
    () => ({ action: "ec2:TerminateInstances", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0a1b2c3d4e5f60718` }),
    "ImplicitlyDenied",
  ],
  [
    "writes a secret",
    () => ({ action: "secretsmanager:PutSecretValue", resource: secret, context: { "aws:ResourceTag/Project": "web-infra" } }),
    "ImplicitlyDenied",
  ],
];

describe("IAM, simulated: the drift role (what a refresh needs, nothing it could change)", () => {
  table("web-infra-drift", ROWS);
});
