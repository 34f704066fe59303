import type { FactConstraints } from "../rules/schema";

/**
 * Constraints AWS's CloudFormation schemas leave out but the service API reference or the
 * Terraform AWS provider (which @pulumi/aws bridges) states: one per (Pulumi type, input), each
 * with where it was read. Read 2026-12-06 from docs.aws.amazon.com API references and
 * hashicorp/terraform-provider-aws `internal/service/<service>/`.
 */
export interface ApiFact {
  readonly type: string;
  readonly input: string;
  /** The API reference page and field, or the provider file and attribute. */
  readonly source: string;
  readonly constraints: FactConstraints;
}

export const API_FACTS_READ = "2026-12-06";

const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** strconv.ParseBool's spellings plus "" (unset): the provider's string booleans. */
const STRING_BOOLEAN = "^(|[01tTfF]|true|false|TRUE|FALSE|True|False)$";
const LT_BOOLEAN = "terraform-provider-aws internal/service/ec2/ec2_launch_template.go (verify.ValidTypeStringNullableBoolean)";

export const API_FACTS: readonly ApiFact[] = [
  {
    type: "aws:acm/certificate:Certificate",
    input: "keyAlgorithm",
    source: "ACM API RequestCertificate KeyAlgorithm: a certificate request supports RSA_2048, EC_prime256v1 and EC_secp384r1",
    constraints: { enum: ["RSA_2048", "EC_prime256v1", "EC_secp384r1"] },
  },
  {
    type: "aws:acm/certificate:Certificate",
    input: "validationMethod",
    source: "ACM API RequestCertificate ValidationMethod, valid values",
    constraints: { enum: ["EMAIL", "DNS", "HTTP"] },
  },
  {
    type: "aws:autoscaling/group:Group",
    input: "metricsGranularity",
    source: "Auto Scaling API EnableMetricsCollection Granularity: the only valid value is 1Minute",
    constraints: { enum: ["1Minute"] },
  },
  {
    type: "aws:autoscaling/group:Group",
    input: "enabledMetrics[]",
    source: "Auto Scaling API EnableMetricsCollection Metrics, the metrics it names",
    constraints: {
      enum: [
        "GroupMinSize",
        "GroupMaxSize",
        "GroupDesiredCapacity",
        "GroupInServiceInstances",
        "GroupPendingInstances",
        "GroupStandbyInstances",
        "GroupTerminatingInstances",
        "GroupTotalInstances",
        "GroupInServiceCapacity",
        "GroupPendingCapacity",
        "GroupStandbyCapacity",
        "GroupTerminatingCapacity",
        "GroupTotalCapacity",
        "WarmPoolDesiredCapacity",
        "WarmPoolWarmedCapacity",
        "WarmPoolPendingCapacity",
        "WarmPoolTerminatingCapacity",
        "WarmPoolTotalCapacity",
        "GroupAndWarmPoolDesiredCapacity",
        "GroupAndWarmPoolTotalCapacity",
      ],
    },
  },
  {
    type: "aws:autoscaling/group:Group",
    input: "waitForCapacityTimeout",
    source: "terraform-provider-aws internal/service/autoscaling/group.go wait_for_capacity_timeout (a Go duration)",
    constraints: { pattern: "^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$" },
  },
  {
    type: "aws:autoscaling/group:Group",
    input: "tags[].key",
    source: "Auto Scaling API Tag Key: length 1-128",
    constraints: { minLength: 1, maxLength: 128 },
  },
  {
    type: "aws:autoscaling/group:Group",
    input: "tags[].value",
    source: "Auto Scaling API Tag Value: length 0-256",
    constraints: { maxLength: 256 },
  },
  {
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    input: "evaluateLowSampleCountPercentiles",
    source: "CloudWatch API PutMetricAlarm EvaluateLowSampleCountPercentile, valid values",
    constraints: { enum: ["evaluate", "ignore"] },
  },
  {
    type: "aws:cloudwatch/eventRule:EventRule",
    input: "eventPattern",
    source: "EventBridge API PutRule EventPattern: maximum length 4096",
    constraints: { maxLength: 4096 },
  },
  {
    type: "aws:ec2/eip:Eip",
    input: "domain",
    source: "EC2 API AllocateAddress Domain, valid values",
    constraints: { enum: ["vpc", "standard"] },
  },
  {
    type: "aws:ec2/flowLog:FlowLog",
    input: "maxAggregationInterval",
    source: "EC2 API CreateFlowLogs MaxAggregationInterval: 60 or 600 seconds",
    constraints: { enum: [60, 600] },
  },
  ...[
    "blockDeviceMappings[].ebs.deleteOnTermination",
    "blockDeviceMappings[].ebs.encrypted",
    "ebsOptimized",
    "networkInterfaces[].associatePublicIpAddress",
    "networkInterfaces[].deleteOnTermination",
  ].map((input) => ({
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    input,
    source: LT_BOOLEAN,
    constraints: { pattern: STRING_BOOLEAN },
  })),
  {
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    input: "networkInterfaces[].deviceIndex",
    source: "EC2 API LaunchTemplateInstanceNetworkInterfaceSpecificationRequest DeviceIndex (0 is the primary interface)",
    constraints: { minimum: 0 },
  },
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    input: "idleTimeout",
    source: "ELBv2 API LoadBalancerAttribute idle_timeout.timeout_seconds: 1-4000 seconds",
    constraints: { minimum: 1, maximum: 4000 },
  },
  {
    type: "aws:lb/loadBalancer:LoadBalancer",
    input: "desyncMitigationMode",
    source: "ELBv2 API LoadBalancerAttribute routing.http.desync_mitigation_mode, valid values",
    constraints: { enum: ["monitor", "defensive", "strictest"] },
  },
  {
    type: "aws:lb/targetGroup:TargetGroup",
    input: "healthCheck.port",
    source: "ELBv2 API CreateTargetGroup HealthCheckPort: traffic-port or 1-65535",
    constraints: { pattern: "^(traffic-port|[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$" },
  },
  {
    type: "aws:lb/targetGroup:TargetGroup",
    input: "stickiness.type",
    source: "ELBv2 API TargetGroupAttribute stickiness.type, valid values",
    constraints: { enum: ["lb_cookie", "app_cookie", "source_ip", "source_ip_dest_ip", "source_ip_dest_ip_proto"] },
  },
  {
    type: "aws:rds/instance:Instance",
    input: "port",
    source: "RDS API CreateDBInstance Port: valid values 1150-65535",
    constraints: { minimum: 1150, maximum: 65535 },
  },
  {
    type: "aws:rds/instance:Instance",
    input: "finalSnapshotIdentifier",
    source:
      "terraform-provider-aws internal/service/rds/validate.go validFinalSnapshotIdentifier: letters, digits and hyphens, a letter first, no two hyphens in a row, no hyphen last, at most 255",
    constraints: { pattern: "^(?!.*--)(?!.*-$)[A-Za-z][0-9A-Za-z-]*$", maxLength: 255 },
  },
  {
    type: "aws:route53/record:Record",
    input: "name",
    source: "Route 53 API ResourceRecordSet Name: maximum length 1024",
    constraints: { maxLength: 1024 },
  },
  {
    type: "aws:route53/record:Record",
    input: "type",
    source: "Route 53 API ResourceRecordSet Type, valid values",
    constraints: {
      enum: ["SOA", "A", "TXT", "NS", "CNAME", "MX", "NAPTR", "PTR", "SRV", "SPF", "AAAA", "CAA", "DS", "TLSA", "SSHFP", "SVCB", "HTTPS"],
    },
  },
  {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    input: "rules[].expiration.days",
    source: "S3 API LifecycleExpiration Days: a non-zero positive integer",
    constraints: { minimum: 1 },
  },
  {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    input: "rules[].noncurrentVersionExpiration.noncurrentDays",
    source: "S3 API NoncurrentVersionExpiration NoncurrentDays: a non-zero positive integer",
    constraints: { minimum: 1 },
  },
  {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    input: "rules[].abortIncompleteMultipartUpload.daysAfterInitiation",
    source: "S3 API AbortIncompleteMultipartUpload DaysAfterInitiation: a non-zero positive integer",
    constraints: { minimum: 1 },
  },
  {
    type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    input: "rules[].filter.prefix",
    source: "S3 API LifecycleRuleFilter Prefix: an object key prefix, and a key is at most 1024 bytes",
    constraints: { maxLength: 1024 },
  },
  {
    type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    input: "rule.objectOwnership",
    source: "S3 API OwnershipControlsRule ObjectOwnership, valid values",
    constraints: { enum: ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"] },
  },
  {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    input: "rules[].applyServerSideEncryptionByDefault.sseAlgorithm",
    source: "S3 API ServerSideEncryptionByDefault SSEAlgorithm, valid values",
    constraints: { enum: ["AES256", "aws:kms", "aws:kms:dsse"] },
  },
  {
    type: "aws:s3/bucketVersioning:BucketVersioning",
    input: "versioningConfiguration.status",
    source: "terraform-provider-aws internal/service/s3/bucket_versioning.go status (Disabled only for a bucket never versioned)",
    constraints: { enum: ["Enabled", "Suspended", "Disabled"] },
  },
  {
    type: "aws:secretsmanager/secret:Secret",
    input: "recoveryWindowInDays",
    source: "terraform-provider-aws internal/service/secretsmanager/secret.go recovery_window_in_days: 0 or 7-30",
    constraints: { enum: [0, ...days(7, 30)] },
  },
  {
    type: "aws:secretsmanager/secretVersion:SecretVersion",
    input: "secretString",
    source: "Secrets Manager API PutSecretValue SecretString: length 0-65536",
    constraints: { maxLength: 65536 },
  },
  {
    type: "aws:sns/topic:Topic",
    input: "displayName",
    source: "SNS API SetTopicAttributes DisplayName: at most 100 characters",
    constraints: { maxLength: 100 },
  },
  {
    type: "aws:ssm/parameter:Parameter",
    input: "type",
    source: "SSM API PutParameter Type, valid values",
    constraints: { enum: ["String", "StringList", "SecureString"] },
  },
  {
    type: "random:index/randomId:RandomId",
    input: "byteLength",
    source: "terraform-provider-random internal/provider/resource_id.go byte_length: at least 1",
    constraints: { minimum: 1 },
  },
  {
    type: "random:index/randomPassword:RandomPassword",
    input: "length",
    source: "terraform-provider-random internal/provider/resource_password.go length: at least 1",
    constraints: { minimum: 1 },
  },
];
