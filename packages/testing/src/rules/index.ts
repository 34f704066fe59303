import { AUTOSCALING_RULES } from "./autoscaling";
import { BOOT_RULES } from "./boot";
import { COMPUTE_RULES } from "./compute";
import { DATABASE_RULES } from "./database";
import { DOCUMENT_RULES } from "./documents";
import { IAM_RULES } from "./iam";
import { MONITORING_RULES } from "./monitoring";
import { NAMING_RULES } from "./naming";
import { NETWORK_RULES } from "./network";
import { PAIR_RULES } from "./pairs";
import { API_RULES, SCHEMA_RULES } from "./schema";
import { SERVICE_RULES } from "./services";
import type { AwsRule } from "./rule";

export * from "./rule";
export * from "./compute";
export * from "./autoscaling";
export * from "./boot";
export * from "./database";
export * from "./documents";
export * from "./iam";
export * from "./monitoring";
export * from "./naming";
export * from "./network";
export * from "./pairs";
export * from "./schema";
export * from "./services";

/** Every rule the harness enforces by default. */
export const AWS_RULES: readonly AwsRule[] = [
  ...NAMING_RULES,
  ...NETWORK_RULES,
  ...COMPUTE_RULES,
  ...AUTOSCALING_RULES,
  ...BOOT_RULES,
  ...DATABASE_RULES,
  ...MONITORING_RULES,
  ...IAM_RULES,
  ...SERVICE_RULES,
  ...PAIR_RULES,
  ...DOCUMENT_RULES,
  ...SCHEMA_RULES,
  ...API_RULES,
];
export * from "./trace";
export * from "./unruled";
