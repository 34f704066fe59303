import type { Waiver } from "@web-infra/policy";
import type { PresetName } from "./config";

/*
 * The baseline rules each environment does not meet, on purpose, and why: beside
 * the presets, never in the rules. A waiver that names an unknown rule, or
 * matches nothing, fails the policy check, so waivers cannot outlive their reason.
 */

/** Design conflicts every environment has: the redirect listener and TLS ending at the load balancer. */
const DESIGN: readonly Waiver[] = [
  {
    policy: "elb-listener-uses-secure-protocol",
    resources: ["web-http"],
    reason: "ELB.18 flags every non-HTTPS listener; this one only answers 301 → HTTPS:443, which ELB.1 requires.",
  },
  {
    policy: "sg-no-world-ingress-on-port-80",
    resources: ["web-alb-from-internet-80"],
    reason:
      "CKV_AWS_260: the 80→443 redirect listener must be reachable from the internet on port 80 (over IPv6 too when the load balancer is dual-stack); it serves nothing else.",
  },
  {
    policy: "elb-target-group-https-health-check",
    resources: ["web-app-*"],
    reason: "ELB.21: TLS ends at the ALB; servers speak HTTP inside the VPC, from the ALB's group only, so health checks do too.",
  },
  {
    policy: "elb-target-group-encrypted-protocol",
    resources: ["web-app-*"],
    reason: "ELB.22: TLS ends at the ALB (ACM certificate, TLS 1.3 policy); the ALB→server hop stays inside the VPC, group to group.",
  },
];

/**
 * The KMS keys' administrator statement. A key policy must let the account administer the key, or
 * nobody can (AWS's default key policy); `kms:*` to the account root delegates that to IAM, and an
 * action list would lock administrators out of every action KMS adds later.
 */
const KEY_ADMINISTRATION = (keys: readonly string[]): Waiver => ({
  policy: "iam-policy-actions-known",
  resources: keys,
  reason:
    "The keys' AccountAdministers statement gives the account root kms:*, AWS's default key policy: IAM decides who administers; a list would lock out actions KMS adds later.",
});

/** Staging's log groups: the VPC flow logs and the primary's and replica's MySQL log exports. */
const STAGING_LOG_GROUPS: readonly string[] = [
  "network-flow-logs",
  ...["db-primary", "db-replica-0"].flatMap((db) => ["audit", "error", "general", "slowquery"].map((log) => `${db}-${log}`)),
];

/** EC2.10: nothing in the VPC calls the EC2 API (the SSM agent uses ec2messages, which prod has). */
const NO_EC2_ENDPOINT: Waiver = {
  policy: "ec2-vpc-ec2-endpoint",
  resources: ["network"],
  reason:
    "EC2.10: nothing in the VPC calls the EC2 API; the servers' agent talks to ec2messages, which prod has. An ec2 endpoint would cost about $22/month (3 zones) for no traffic.",
};

/** EC2.57 in the environments that go without interface endpoints, and EC2.10 with them. */
const NO_INTERFACE_ENDPOINTS = (zones: number): readonly Waiver[] => [
  {
    policy: "ec2-vpc-ssm-endpoint",
    resources: ["network"],
    reason: `Cost: Session Manager's three interface endpoints would cost about $${(3 * zones * 7.3).toFixed(0)}/month in ${zones} zones; the servers reach Systems Manager through the NAT gateway instead (web-infra:interfaceEndpoints turns them on). prod has them.`,
  },
  { ...NO_EC2_ENDPOINT, reason: "EC2.10: nothing in the VPC calls the EC2 API, and without interface endpoints no ec2 one either (cost)." },
];

export const WAIVERS: Readonly<Record<PresetName, readonly Waiver[]>> = {
  prod: [...DESIGN, KEY_ADMINISTRATION(["logs", "monitoring-alarms"]), NO_EC2_ENDPOINT],
  staging: [
    ...DESIGN,
    KEY_ADMINISTRATION(["logs", "monitoring-alarms"]),
    ...NO_INTERFACE_ENDPOINTS(2),
    {
      policy: "elb-waf-on-public-alb",
      reason:
        "Accepted risk: staging's ALB is internet-facing (443, and 80 for the redirect) with no web ACL; it carries no production data and serves no users. The ACL with its two managed rule groups would cost $7/month plus $0.60 per million requests.",
    },
    {
      policy: "rds-multi-az",
      resources: ["db-replica-0"],
      reason: "Cost: the staging replica runs single-AZ (the primary is Multi-AZ); a lost replica only slows reads.",
    },
    {
      policy: "cloudwatch-log-group-retention-and-kms",
      resources: STAGING_LOG_GROUPS,
      reason:
        "Cost: staging keeps flow and database logs 90 days, not the 365 CloudWatch.16 asks; they are still KMS-encrypted, and prod keeps 365.",
    },
  ],
  dev: [
    ...DESIGN,
    KEY_ADMINISTRATION(["monitoring-alarms"]),
    ...NO_INTERFACE_ENDPOINTS(2),
    {
      policy: "iam-role-permissions-boundary",
      reason:
        "Reuse: dev may run in a sandbox account without the bootstrap stack; staging and prod config requires web-infra:permissionsBoundaryArn. Deployed by the bootstrap's deploy-dev role, dev must set it too: that role creates roles only with the boundary.",
    },
    { policy: "elb-waf-on-public-alb", reason: "Cost: a web ACL is $5/month plus requests for a throwaway stack." },
    { policy: "elb-access-logs", reason: "Cost and teardown: no log bucket to empty before `pulumi destroy`." },
    { policy: "elb-deletion-protection", reason: "Teardown: dev stacks are destroyed often; protection would block `pulumi destroy`." },
    { policy: "rds-deletion-protection", reason: "Teardown: dev stacks are destroyed often; protection would block `pulumi destroy`." },
    { policy: "rds-multi-az", reason: "Cost: a single-AZ primary and replica halve the database bill; dev tolerates an AZ outage." },
    {
      policy: "rds-enhanced-monitoring",
      reason: "Cost: Enhanced Monitoring and Performance Insights are off; db.t4g.micro has no PI anyway.",
    },
    { policy: "rds-backup-retention", reason: "Cost: 1 day of backups, the minimum a replica's source needs; dev data is disposable." },
    {
      policy: "cloudwatch-log-group-retention-and-kms",
      reason: "Cost: 7-day log retention (not 365) and no customer KMS key ($1/month) for a throwaway stack's logs.",
    },
    {
      policy: "ec2-detailed-monitoring-ebs-optimized",
      resources: ["web-server"],
      reason: "Cost: one-minute EC2 metrics are billed per instance.",
    },
    { policy: "ec2-vpc-flow-logs", reason: "Cost: flow log ingestion for a throwaway stack." },
  ],
};

/** The port-80 waiver's rule: a dual-stack load balancer has an IPv6 twin of the IPv4 listener rule. */
const PORT_80 = "sg-no-world-ingress-on-port-80";

/**
 * A stack's waivers: its preset's, with the IPv6 redirect rule named beside the IPv4 one when the
 * load balancer is dual-stack (a waiver naming a rule that does not exist fails the check, so it
 * cannot be listed unconditionally).
 */
export function stackWaivers(preset: PresetName, enableIpv6: boolean): readonly Waiver[] {
  if (!enableIpv6) return WAIVERS[preset];
  return WAIVERS[preset].map((w) =>
    w.policy === PORT_80 ? { ...w, resources: [...(w.resources ?? []), "web-alb-from-internet-ipv6-80"] } : w,
  );
}
