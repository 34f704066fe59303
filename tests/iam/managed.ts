/*
 * AWS managed policies the bootstrap roles attach, as documents the simulator can read.
 *
 * POWER_USER_ACCESS is the policy as AWS publishes it (arn:aws:iam::aws:policy/PowerUserAccess,
 * AWS Managed Policy Reference). READ_ONLY_ACCESS stands for arn:aws:iam::aws:policy/ReadOnlyAccess,
 * whose thousands of actions are not reproduced: it holds the read actions of the services the
 * rows below touch, in the same wildcard form AWS uses (s3:Get*, kms:Describe*, …), and, like the
 * real policy, neither secretsmanager:GetSecretValue nor kms:Decrypt. A row that passes only
 * because of an action the real policy lacks would be a false "Allowed"; every denial row holds
 * whatever ReadOnlyAccess contains, since no read action writes.
 */

export const POWER_USER_ACCESS = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
    {
      Effect: "Allow",
      Action: [
        "account:GetAccountInformation",
        "account:GetPrimaryEmail",
        "account:ListRegions",
        "iam:CreateServiceLinkedRole",
        "iam:DeleteServiceLinkedRole",
        "iam:ListRoles",
        "organizations:DescribeOrganization",
      ],
      Resource: "*",
    },
  ],
};

export const READ_ONLY_ACCESS = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: [
        "s3:Get*",
        "s3:List*",
        "kms:Describe*",
        "kms:Get*",
        "kms:List*",
        "ssm:Describe*",
        "ssm:Get*",
        "ssm:List*",
        "secretsmanager:DescribeSecret",
        "secretsmanager:ListSecrets",
        "ec2:Describe*",
        "rds:Describe*",
        "iam:Get*",
        "iam:List*",
        "elasticloadbalancing:Describe*",
        "autoscaling:Describe*",
      ],
      Resource: "*",
    },
  ],
};

/** arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole, as AWS publishes it. */
export const RDS_ENHANCED_MONITORING = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "EnableCreationAndManagementOfRDSCloudwatchLogGroups",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
      Resource: ["arn:aws:logs:*:*:log-group:RDS*"],
    },
    {
      Sid: "EnableCreationAndManagementOfRDSCloudwatchLogStreams",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"],
      Resource: ["arn:aws:logs:*:*:log-group:RDS*:log-stream:*"],
    },
  ],
};

/** The documents by managed policy ARN. */
export const MANAGED: Readonly<Record<string, unknown>> = {
  "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole": RDS_ENHANCED_MONITORING,
  "arn:aws:iam::aws:policy/PowerUserAccess": POWER_USER_ACCESS,
  "arn:aws:iam::aws:policy/ReadOnlyAccess": READ_ONLY_ACCESS,
};
