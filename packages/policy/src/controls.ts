import type { BaselineRow } from "./policy";

/*
 * What each control the pack cites is called where it is defined, so a rule cannot cite a
 * control for something the control does not check (CloudWatch.16 is log retention only: a
 * log group's KMS key is Checkov's CKV_AWS_158), nor a misspelt or unknown ID.
 */

/** Where the titles below were read, and when. */
export const CONTROL_TITLES_SOURCE = {
  read: "2026-12-06",
  fsbp: 'AWS Security Hub CSPM User Guide, "AWS Foundational Security Best Practices standard in Security Hub CSPM", list "Controls that apply to the standard" (v1.0.0): https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html',
  others:
    "Controls FSBP does not include, from the same guide's control reference: elb-controls, cloudwatch-controls and rds-controls pages, and the PCI DSS standard's control list (pci-standard) for EC2.13, EC2.14, EC2.53, EC2.54 and KMS.4",
  checkov:
    "shared/reference/security-baseline.md (gathered 2026-11-26; it lists IDs, not titles), plus CKV2_AWS_15 and CKV_AWS_315 for rows 44-46, which extend that table (bridgecrewio/checkov check sources)",
} as const;

/** A Security Hub control as AWS lists it, and what a rule citing it must be about. */
export interface SecurityHubControl {
  /** The control's title, exactly as AWS lists it (line breaks joined with a space). */
  readonly title: string;
  /** Whether the AWS Foundational Security Best Practices standard (v1.0.0) includes it; other controls belong to other Security Hub standards. */
  readonly fsbp: boolean;
  /** What the title asks, in the properties the pack reads: a rule citing the control must say it in its description. */
  readonly subject: RegExp;
}

const fsbp = (title: string, subject: RegExp): SecurityHubControl => ({ title, fsbp: true, subject });
const other = (title: string, subject: RegExp): SecurityHubControl => ({ title, fsbp: false, subject });

/** Every Security Hub control a rule of the pack cites, by ID. */
export const SECURITY_HUB_CONTROLS: Readonly<Record<string, SecurityHubControl>> = {
  "ACM.1": fsbp("Imported and ACM-issued certificates should be renewed after a specified time period", /validationMethod DNS/),
  "ACM.2": fsbp("RSA certificates managed by ACM should use a key length of at least 2,048 bits", /RSA_1024/),
  "AutoScaling.1": fsbp("Amazon EC2 Auto Scaling groups associated with a load balancer should use ELB health checks", /healthCheckType/),
  "AutoScaling.2": fsbp("Amazon EC2 Auto Scaling group should cover multiple Availability Zones", /at least 2 AZs/),
  "AutoScaling.9": fsbp("Amazon EC2 Auto Scaling groups should use Amazon EC2 launch templates", /launchTemplate/),
  "CloudWatch.15": other("CloudWatch alarms should have specified actions configured", /alarmActions/),
  "CloudWatch.16": other("CloudWatch log groups should be retained for a specified time period", /retentionInDays/),
  "CloudWatch.17": other("CloudWatch alarm actions should be activated", /actionsEnabled/),
  "EC2.2": fsbp("VPC default security groups should not allow inbound or outbound traffic", /default security group/),
  "EC2.3": fsbp("Attached Amazon EBS volumes should be encrypted at-rest", /rootBlockDevice\.encrypted/),
  "EC2.6": fsbp("VPC flow logging should be enabled in all VPCs", /FlowLog/),
  "EC2.8": fsbp("EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", /instance.*httpTokens/),
  "EC2.9": fsbp("Amazon EC2 instances should not have a public IPv4 address", /instance.*associatePublicIpAddress.*Elastic IP/),
  "EC2.13": other("Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22", /0\.0\.0\.0\/0 or ::\/0.*\b22\b/),
  "EC2.14": other("Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389", /0\.0\.0\.0\/0 or ::\/0.*\b3389\b/),
  "EC2.15": fsbp("Amazon EC2 subnets should not automatically assign public IP addresses", /subnet.*mapPublicIpOnLaunch/),
  "EC2.17": fsbp("Amazon EC2 instances should not use multiple ENIs", /at most one networkInterfaces/),
  "EC2.18": fsbp("Security groups should only allow unrestricted incoming traffic for authorized ports", /0\.0\.0\.0\/0.*80 or 443/),
  "EC2.19": fsbp("Security groups should not allow unrestricted access to ports with high risk", /0\.0\.0\.0\/0.*port range covering/),
  "EC2.25": fsbp(
    "Amazon EC2 launch templates should not assign public IPs to network interfaces",
    /launch template.*associatePublicIpAddress/,
  ),
  "EC2.53": other(
    "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports",
    /0\.0\.0\.0\/0.*\b22\b.*\b3389\b/,
  ),
  "EC2.54": other(
    "EC2 security groups should not allow ingress from ::/0 to remote server administration ports",
    /::\/0.*\b22\b.*\b3389\b/,
  ),
  "EC2.57": fsbp("VPCs should be configured with an interface endpoint for Systems Manager", /Interface VpcEndpoint.*\.ssm\b/),
  "EC2.10": fsbp(
    "Amazon EC2 should be configured to use VPC endpoints that are created for the Amazon EC2 service",
    /Interface VpcEndpoint.*\.ec2\b/,
  ),
  "EC2.21": fsbp("Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389", /network ACL.*22 or 3389/),
  "EC2.170": fsbp("EC2 launch templates should use Instance Metadata Service Version 2 (IMDSv2)", /launch template.*httpTokens/),
  "EC2.180": fsbp("EC2 network interfaces should have source/destination checking enabled", /sourceDestCheck/),
  "EC2.181": fsbp("EC2 launch templates should enable encryption for attached EBS volumes", /launch template.*ebs\.encrypted/),
  "ELB.1": fsbp("Application Load Balancer should be configured to redirect all HTTP requests to HTTPS", /redirects to HTTPS/),
  "ELB.4": fsbp("Application Load Balancer should be configured to drop invalid http headers", /drops invalid HTTP header/),
  "ELB.5": fsbp("Application and Classic Load Balancers logging should be enabled", /access logs/),
  "ELB.6": fsbp("Application, Gateway, and Network Load Balancers should have deletion protection enabled", /deletion protection/),
  "ELB.12": fsbp("Application Load Balancer should be configured with defensive or strictest desync mitigation mode", /desync mitigation/),
  "ELB.13": fsbp("Application, Network and Gateway Load Balancers should span multiple Availability Zones", /at least 2 AZs/),
  "ELB.16": other("Application Load Balancers should be associated with an AWS WAF web ACL", /WAFv2 web ACL/),
  "ELB.17": fsbp("Application and Network Load Balancers with listeners should use recommended security policies", /TLS 1\.3 policies/),
  "ELB.18": fsbp("Application and Network Load Balancer listeners should use secure protocols to encrypt data in transit", /uses HTTPS/),
  "ELB.21": other("Application and Network Load Balancer target groups should use encrypted health check protocols", /health check.*HTTPS/),
  "ELB.22": other("ELB target groups should use encrypted transport protocols", /target group forwards over HTTPS/),
  "KMS.4": other("AWS KMS key rotation should be enabled", /enableKeyRotation/),
  "KMS.5": fsbp("KMS keys should not be publicly accessible", /Principal is "\*"/),
  "RDS.2": fsbp(
    "RDS DB Instances should prohibit public access, as determined by the PubliclyAccessible configuration",
    /publiclyAccessible/,
  ),
  "RDS.3": fsbp("RDS DB instances should have encryption at-rest enabled", /storageEncrypted/),
  "RDS.5": fsbp("RDS DB instances should be configured with multiple Availability Zones", /multiAz/),
  "RDS.6": fsbp("Enhanced monitoring should be configured for RDS DB instances", /monitoringInterval/),
  "RDS.8": fsbp("RDS DB instances should have deletion protection enabled", /deletionProtection/),
  "RDS.9": fsbp("RDS DB instances should publish logs to CloudWatch Logs", /enabledCloudwatchLogsExports/),
  "RDS.10": fsbp("IAM authentication should be configured for RDS instances", /iamDatabaseAuthenticationEnabled/),
  "RDS.11": fsbp("RDS instances should have automatic backups enabled", /backupRetentionPeriod/),
  "RDS.13": fsbp("RDS automatic minor version upgrades should be enabled", /autoMinorVersionUpgrade/),
  "RDS.17": fsbp("RDS DB instances should be configured to copy tags to snapshots", /copyTagsToSnapshot/),
  "RDS.23": fsbp("RDS instances should not use a database engine default port", /default port/),
  "RDS.25": fsbp("RDS database instances should use a custom administrator username", /username is not admin/),
  "RDS.39": other("RDS for MySQL DB instances should be encrypted in transit", /require_secure_transport/),
  "RDS.46": fsbp("RDS DB instances should not be deployed in public subnets with routes to internet gateways", /internet gateway/),
  "SSM.1": fsbp("Amazon EC2 instances should be managed by AWS Systems Manager", /AmazonSSMManagedInstanceCore/),
};

/** The Checkov IDs the pack may cite: those the baseline reference names, and the two of the Auto Scaling rows. */
export const CHECKOV_IDS: readonly string[] = [
  ...["CKV_AWS_2", "CKV2_AWS_20", "CKV_AWS_103", "CKV2_AWS_74", "CKV_AWS_131", "CKV_AWS_328", "CKV_AWS_91", "CKV_AWS_150"],
  ...["CKV2_AWS_28", "CKV_AWS_261", "CKV_AWS_378", "CKV_AWS_260", "CKV_AWS_79", "CKV_AWS_341", "CKV_AWS_88", "CKV_AWS_130"],
  ...["CKV_AWS_8", "CKV_AWS_126", "CKV_AWS_135", "CKV2_AWS_41", "CKV_AWS_46", "CKV2_AWS_12", "CKV_AWS_24", "CKV_AWS_25"],
  ...["CKV_AWS_277", "CKV_AWS_23", "CKV_AWS_382", "CKV2_AWS_5", "CKV2_AWS_11", "CKV_AWS_148", "CKV_AWS_17", "CKV_AWS_16"],
  ...["CKV_AWS_157", "CKV_AWS_118", "CKV_AWS_353", "CKV_AWS_293", "CKV_AWS_129", "CKV_AWS_161", "CKV_AWS_133", "CKV_AWS_226"],
  ...["CKV2_AWS_60", "CKV2_AWS_69", "CKV_AWS_211", "CKV_AWS_234", "CKV2_AWS_71", "CKV_AWS_319", "CKV_AWS_66", "CKV_AWS_338"],
  ...["CKV_AWS_158", "CKV_AWS_7", "CKV_AWS_33", "CKV2_AWS_34", "CKV_AWS_337"],
  ...["CKV2_AWS_15", "CKV_AWS_315"],
];

/**
 * Why a rule's labels are wrong, if they are: a Security Hub control or Checkov ID that is not
 * in the tables above (misspelt, or never read), or a control whose title's subject the rule's
 * description does not mention (it cites the control for something else).
 */
export function controlProblems(rule: { readonly name: string; readonly description: string; readonly baseline: BaselineRow }): string[] {
  const out: string[] = [];
  for (const id of rule.baseline.securityHub) {
    const control = SECURITY_HUB_CONTROLS[id];
    if (!control)
      out.push(`${rule.name} cites Security Hub ${id}, which SECURITY_HUB_CONTROLS does not list: check the ID, then add its title`);
    else if (!control.subject.test(rule.description))
      out.push(
        `${rule.name} cites ${id} ("${control.title}"), but its description does not match ${String(control.subject)}: cite the control that checks what the rule checks`,
      );
  }
  for (const id of rule.baseline.checkov) {
    if (!CHECKOV_IDS.includes(id))
      out.push(`${rule.name} cites Checkov ${id}, which CHECKOV_IDS does not list: check the ID against the baseline reference`);
  }
  return out;
}
