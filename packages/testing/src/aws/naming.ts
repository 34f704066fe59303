import { createHash } from "node:crypto";

/**
 * How the AWS provider auto-names a resource whose name property is left
 * unset: logical name + "-" + 7 random hex characters, checked against the
 * service's length limit (pulumi-aws `AutoNameWithCustomOptions`).
 */
export interface AutoNameSpec {
  /** The input property that holds the physical name. */
  prop: string;
  /** The service's maximum length for that name. */
  max: number;
  /** The provider lower-cases the generated name (RDS, S3). */
  lower?: boolean;
  /** The property that, when set, replaces auto-naming with prefix + random suffix. */
  prefixProp?: string;
  /** The name property is required: the provider never generates one, so neither does the mock. */
  required?: boolean;
  /** Characters the service accepts in the name, for the naming rule. */
  pattern?: RegExp;
  /** What the service calls the name, for messages. */
  label: string;
}

export const AUTONAME: Readonly<Record<string, AutoNameSpec>> = {
  "aws:lb/loadBalancer:LoadBalancer": {
    prop: "name",
    max: 32,
    prefixProp: "namePrefix",
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    label: "load balancer name",
  },
  "aws:lb/targetGroup:TargetGroup": {
    prop: "name",
    max: 32,
    prefixProp: "namePrefix",
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
    label: "target group name",
  },
  "aws:ec2/securityGroup:SecurityGroup": { prop: "name", max: 255, prefixProp: "namePrefix", label: "security group name" },
  "aws:iam/role:Role": { prop: "name", max: 64, prefixProp: "namePrefix", pattern: /^[\w+=,.@-]+$/, label: "IAM role name" },
  "aws:iam/policy:Policy": { prop: "name", max: 128, prefixProp: "namePrefix", pattern: /^[\w+=,.@-]+$/, label: "IAM policy name" },
  "aws:iam/instanceProfile:InstanceProfile": {
    prop: "name",
    max: 128,
    prefixProp: "namePrefix",
    pattern: /^[\w+=,.@-]+$/,
    label: "instance profile name",
  },
  "aws:iam/rolePolicy:RolePolicy": { prop: "name", max: 128, prefixProp: "namePrefix", label: "inline policy name" },
  "aws:rds/instance:Instance": {
    prop: "identifier",
    max: 63,
    lower: true,
    prefixProp: "identifierPrefix",
    label: "DB instance identifier",
  },
  "aws:rds/subnetGroup:SubnetGroup": {
    prop: "name",
    max: 255,
    lower: true,
    prefixProp: "namePrefix",
    pattern: /^[a-z0-9 ._-]+$/,
    label: "DB subnet group name",
  },
  "aws:rds/parameterGroup:ParameterGroup": {
    prop: "name",
    max: 255,
    lower: true,
    prefixProp: "namePrefix",
    pattern: /^[a-z][a-z0-9-]*$/,
    label: "DB parameter group name",
  },
  "aws:rds/optionGroup:OptionGroup": {
    prop: "name",
    max: 255,
    lower: true,
    prefixProp: "namePrefix",
    pattern: /^[a-z][a-z0-9-]*$/,
    label: "DB option group name",
  },
  "aws:s3/bucket:Bucket": {
    prop: "bucket",
    max: 63,
    lower: true,
    prefixProp: "bucketPrefix",
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    label: "S3 bucket name",
  },
  "aws:cloudwatch/logGroup:LogGroup": { prop: "name", max: 512, prefixProp: "namePrefix", label: "log group name" },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { prop: "name", max: 255, label: "alarm name" },
  // PutDashboard DashboardName: up to 255 of A-Z, a-z, 0-9, "-" and "_".
  "aws:cloudwatch/dashboard:Dashboard": {
    prop: "dashboardName",
    max: 255,
    required: true,
    pattern: /^[A-Za-z0-9_-]+$/,
    label: "dashboard name",
  },
  "aws:sns/topic:Topic": {
    prop: "name",
    max: 256,
    prefixProp: "namePrefix",
    pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/,
    label: "SNS topic name",
  },
  "aws:secretsmanager/secret:Secret": { prop: "name", max: 512, prefixProp: "namePrefix", label: "secret name" },
  "aws:ssm/parameter:Parameter": { prop: "name", max: 2048, label: "SSM parameter name" },
  "aws:wafv2/webAcl:WebAcl": { prop: "name", max: 128, prefixProp: "namePrefix", label: "web ACL name" },
  // EC2 API CreateLaunchTemplate LaunchTemplateName: 3–128 of [a-zA-Z0-9().-/_]; the provider's ValidLaunchTemplateName
  // stops `name` at 125 (and `namePrefix` at 99, to leave room for its suffix). The naming rule reads only a maximum,
  // so the minimum of 3 lives in the pattern.
  "aws:ec2/launchTemplate:LaunchTemplate": {
    prop: "name",
    max: 125,
    prefixProp: "namePrefix",
    pattern: /^[a-zA-Z0-9().\-/_]{3,}$/,
    label: "launch template name",
  },
  // Auto Scaling API CreateAutoScalingGroup AutoScalingGroupName: 1–255 characters (XmlStringMaxLen255).
  "aws:autoscaling/group:Group": { prop: "name", max: 255, prefixProp: "namePrefix", label: "Auto Scaling group name" },
  // Auto Scaling API PutScalingPolicy PolicyName: 1–255 characters. The provider requires it; pulumi-aws auto-names it.
  "aws:autoscaling/policy:Policy": { prop: "name", max: 255, label: "scaling policy name" },
  // EventBridge API PutRule Name: 1–64 of [.-_A-Za-z0-9] (pulumi-aws AutoName("name", 64)).
  "aws:cloudwatch/eventRule:EventRule": {
    prop: "name",
    max: 64,
    prefixProp: "namePrefix",
    pattern: /^[.\-_A-Za-z0-9]+$/,
    label: "EventBridge rule name",
  },
  // EventBridge API PutTargets Target.Id: 1–64 of [.-_A-Za-z0-9] (the provider's validateTargetID); pulumi-aws
  // auto-names targetId from the logical name when it is not given.
  "aws:cloudwatch/eventTarget:EventTarget": {
    prop: "targetId",
    max: 64,
    pattern: /^[.\-_A-Za-z0-9]+$/,
    label: "EventBridge target id",
  },
  // CreateAlias: "alias/" then letters, digits, /, _ and -; the alias/aws/ prefix is reserved for AWS managed keys.
  "aws:kms/alias:Alias": {
    prop: "name",
    max: 256,
    prefixProp: "namePrefix",
    pattern: /^alias\/(?!aws\/)[A-Za-z0-9/_-]+$/,
    label: "KMS alias name",
  },
};

/** Deterministic pseudo-random text for one run: the same seed always gives the same value. */
export function stableHex(seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
  }
  return out.slice(0, length);
}

export function stableDigits(seed: string, length: number): string {
  return stableHex(seed, length * 2)
    .split("")
    .map((c) => (parseInt(c, 16) % 10).toString())
    .join("")
    .slice(0, length);
}

export function stableUpper(seed: string, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const hex = stableHex(seed, length * 2);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return out;
}

export function stableUuid(seed: string): string {
  const h = stableHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The physical name the provider would give: the explicit one, prefix + 26 random, or logical + "-" + 7 random (none when the name is required). */
export function physicalName(type: string, logicalName: string, inputs: Record<string, unknown>, seed: string): string | undefined {
  const spec = AUTONAME[type];
  if (!spec) return undefined;
  const explicit = inputs[spec.prop];
  if (typeof explicit === "string" && explicit !== "") return explicit;
  if (spec.required) return undefined;
  const prefix = spec.prefixProp ? inputs[spec.prefixProp] : undefined;
  const generated = typeof prefix === "string" ? `${prefix}${stableDigits(seed, 26)}` : `${logicalName}-${stableHex(seed, 7)}`;
  return spec.lower ? generated.toLowerCase() : generated;
}
