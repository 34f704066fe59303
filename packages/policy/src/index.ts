import { AUTOSCALING_POLICIES } from "./autoscaling";
import { DATA_POLICIES } from "./data";
import { EC2_POLICIES } from "./ec2";
import { ELB_POLICIES } from "./elb";
import { IAM_POLICIES } from "./iam";
import type { BaselinePolicy } from "./policy";

export * from "./policy";
export * from "./securityGroups";
export * from "./types";
export * from "./elb";
export * from "./ec2";
export * from "./data";
export * from "./autoscaling";
export * from "./iam";
export * from "./iamCatalogue";
export * from "./controls";
export * from "./waivers";

/** The pack's name in `pulumi preview --policy-pack` output. */
export const POLICY_PACK_NAME = "web-infra-baseline";

/**
 * Every baseline rule, one per applicable row (plus CKV_AWS_260, which the table names as a conflict,
 * the Auto Scaling rows 44–46 and the IAM rows 47–48).
 */
export const policies: readonly BaselinePolicy[] = [
  ...ELB_POLICIES,
  ...EC2_POLICIES,
  ...DATA_POLICIES,
  ...AUTOSCALING_POLICIES,
  ...IAM_POLICIES,
];
