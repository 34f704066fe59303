import { Cidr } from "@web-infra/core/cidr";
import type { CapturedResource, StackGraph } from "../graph";
import { globToRegExp, LB, LISTENER, matchesAny, policyStatements, principalMatches, TARGET_GROUP } from "./compute";
import { type AwsRule, bag, list, num, regionOf, resourceRule } from "./rule";

/*
 * Constraints between two inputs of one resource, or between a resource and one it references,
 * that the API refuses at create time: read from the API references (their "Errors" and the
 * words under each field) and the provider's checks.
 */

const RDS = "aws:rds/instance:Instance";
const strip = (name: unknown) => String(name).replace(/\.$/, "").toLowerCase();

/** The VPC of a load balancer: the one its subnets are in. */
function lbVpc(lb: CapturedResource, graph: StackGraph): unknown {
  const ids = [...list(lb.inputs["subnets"]), ...list(lb.inputs["subnetMappings"]).map((m) => bag(m)["subnetId"])];
  return ids.map((id) => graph.byId(id)?.inputs["vpcId"]).find((v) => v !== undefined);
}

/** An RDS instance's engine, a replica's from its source. */
function engineOf(db: CapturedResource, graph: StackGraph): string | undefined {
  const own = db.inputs["engine"];
  if (own !== undefined) return String(own);
  const source = db.inputs["replicateSourceDb"];
  const primary = graph.ofType(RDS).find((p) => p !== db && (p.state["identifier"] === source || p.state["arn"] === source));
  return primary === undefined ? undefined : engineOf(primary, graph);
}

export const listenerTargetGroup: AwsRule = resourceRule(
  "listener-target-group",
  "A listener forwards to at most 5 target groups, each in its load balancer's VPC and, behind an ALB, speaking HTTP or HTTPS (ELB CreateListener: ValidationError, IncompatibleProtocols, TooManyTargetGroups)",
  LISTENER,
  (l, graph) => {
    const lb = graph.byArn(l.inputs["loadBalancerArn"]);
    const out: string[] = [];
    for (const action of list(l.inputs["defaultActions"]).map(bag)) {
      const weighted = list(bag(action["forward"])["targetGroups"]).map((t) => bag(t)["arn"]);
      if (weighted.length > 5) out.push(`a forward action lists ${weighted.length} target groups; ELB allows at most 5`);
      for (const arn of [action["targetGroupArn"], ...weighted].filter((a) => a !== undefined)) {
        const tg = graph.byArn(arn);
        if (!tg || !lb) continue;
        const vpc = lbVpc(lb, graph);
        if (vpc !== undefined && tg.inputs["vpcId"] !== undefined && tg.inputs["vpcId"] !== vpc)
          out.push(
            `target group ${tg.name} is in VPC ${String(tg.inputs["vpcId"])} and load balancer ${lb.name} in ${String(vpc)}: a listener forwards only to target groups of its load balancer's VPC; create the group in ${String(vpc)}`,
          );
        const application = (lb.inputs["loadBalancerType"] ?? "application") === "application";
        const protocol = tg.inputs["protocol"];
        if (application && tg.inputs["targetType"] !== "lambda" && protocol !== undefined && !["HTTP", "HTTPS"].includes(String(protocol)))
          out.push(
            `IncompatibleProtocols: target group ${tg.name} uses ${String(protocol)}; an Application Load Balancer forwards to HTTP or HTTPS target groups`,
          );
      }
    }
    return out;
  },
);

export const acmValidationRecords: AwsRule = resourceRule(
  "acm-validation-records",
  "A certificate validation's validationRecordFqdns are exactly the certificate's DNS validation records, and only a DNS-validated certificate takes them (terraform-provider-aws internal/service/acm/certificate_validation.go)",
  ["aws:acm/certificateValidation:CertificateValidation"],
  (v, graph) => {
    const cert = graph.byArn(v.inputs["certificateArn"]);
    const fqdns = list(v.inputs["validationRecordFqdns"]).map(strip);
    if (!cert || fqdns.length === 0) return undefined;
    if ((cert.inputs["validationMethod"] ?? "DNS") !== "DNS")
      return `validationRecordFqdns is not valid for ${String(cert.inputs["validationMethod"])} validation of ${cert.name}: remove it`;
    const wanted = list(cert.state["domainValidationOptions"]).map((o) => strip(bag(o)["resourceRecordName"]));
    const out: string[] = [];
    const unknown = fqdns.filter((f) => !wanted.includes(f));
    if (unknown.length)
      out.push(`validationRecordFqdns ${unknown.join(", ")} are not validation records of ${cert.name} (${wanted.join(", ")})`);
    const missing = wanted.filter((w) => !fqdns.includes(w));
    if (missing.length)
      out.push(`missing ${cert.name} DNS validation record: ${missing.join(", ")}; add a record for each and list its fqdn`);
    return out;
  },
);

export const s3LifecycleExpiration: AwsRule = resourceRule(
  "s3-lifecycle-expiration",
  'A lifecycle expiration sets expiredObjectDeleteMarker or days/date, never both (S3 API LifecycleExpiration: "cannot be specified with Days or Date"; MalformedXML)',
  ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"],
  (c) =>
    list(c.inputs["rules"]).map((rule) => {
      const e = bag(bag(rule)["expiration"]);
      return e["expiredObjectDeleteMarker"] === true && (e["days"] !== undefined || e["date"] !== undefined)
        ? `rule ${String(bag(rule)["id"])}: expiration.expiredObjectDeleteMarker cannot be set with days or date; split them into two rules`
        : undefined;
    }),
);

export const s3SseKmsKey: AwsRule = resourceRule(
  "s3-sse-kms-key",
  "A default encryption rule names a KMS key only with aws:kms or aws:kms:dsse (S3 PutBucketEncryption: InvalidArgument, KMSMasterKeyID is not applicable)",
  ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"],
  (c) =>
    list(c.inputs["rules"]).map((rule) => {
      const d = bag(bag(rule)["applyServerSideEncryptionByDefault"]);
      return d["kmsMasterKeyId"] !== undefined && !String(d["sseAlgorithm"]).startsWith("aws:kms")
        ? `kmsMasterKeyId is not applicable with sseAlgorithm ${JSON.stringify(d["sseAlgorithm"])}: use aws:kms or drop the key`
        : undefined;
    }),
);

const ENDPOINTS: Readonly<Record<string, RegExp>> = {
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  "email-json": /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  http: /^http:\/\//,
  https: /^https:\/\//,
  sqs: /^arn:aws[a-z-]*:sqs:/,
  lambda: /^arn:aws[a-z-]*:lambda:/,
  firehose: /^arn:aws[a-z-]*:firehose:/,
  application: /^arn:aws[a-z-]*:sns:/,
  sms: /^\+?[0-9]{5,15}$/,
};

export const snsSubscriptionEndpoint: AwsRule = resourceRule(
  "sns-subscription-endpoint",
  "A subscription's endpoint has its protocol's form: an email address, an http(s) URL, an SQS, Lambda or Firehose ARN, a phone number (SNS Subscribe Endpoint; InvalidParameter)",
  ["aws:sns/topicSubscription:TopicSubscription"],
  (s) => {
    const form = ENDPOINTS[String(s.inputs["protocol"])];
    const endpoint = s.inputs["endpoint"];
    return form && typeof endpoint === "string" && !form.test(endpoint)
      ? `endpoint ${JSON.stringify(endpoint)} is not a valid ${String(s.inputs["protocol"])} endpoint (InvalidParameter: Invalid parameter: Endpoint)`
      : undefined;
  },
);

export const randomPasswordLength: AwsRule = resourceRule(
  "random-password-length",
  "A random password's length covers its minimum counts (terraform-provider-random resource_password.go: length at least the sum of min_upper, min_lower, min_numeric and min_special)",
  ["random:index/randomPassword:RandomPassword", "random:index/randomString:RandomString"],
  (p) => {
    const mins = ["minUpper", "minLower", "minNumeric", "minSpecial"].map((k) => num(p.inputs[k]) ?? 0);
    const sum = mins.reduce((a, b) => a + b, 0);
    const length = num(p.inputs["length"]);
    return length !== undefined && length < sum
      ? `length ${length} is below minUpper + minLower + minNumeric + minSpecial = ${sum}; raise length to at least ${sum}`
      : undefined;
  },
);

export const kmsKeyRotation: AwsRule = resourceRule(
  "kms-key-rotation",
  "Automatic rotation is for symmetric encryption keys only, every 90-2560 days (KMS EnableKeyRotation: UnsupportedOperationException)",
  ["aws:kms/key:Key"],
  (k) => {
    const spec = k.inputs["customerMasterKeySpec"] ?? "SYMMETRIC_DEFAULT";
    const period = num(k.inputs["rotationPeriodInDays"]);
    return [
      k.inputs["enableKeyRotation"] === true && spec !== "SYMMETRIC_DEFAULT"
        ? `enableKeyRotation is not supported for a ${String(spec)} key: rotate only SYMMETRIC_DEFAULT keys`
        : undefined,
      period !== undefined && (period < 90 || period > 2560) ? `rotationPeriodInDays ${period} is outside 90-2560` : undefined,
    ];
  },
);

export const subnetIpv6Block: AwsRule = resourceRule(
  "subnet-ipv6-block",
  "A subnet's IPv6 block is a /64 inside its VPC's IPv6 block, and assigning IPv6 addresses on launch needs one (EC2 CreateSubnet / ModifySubnetAttribute: InvalidSubnet.Range, InvalidParameterValue)",
  ["aws:ec2/subnet:Subnet"],
  (s, graph) => {
    const block = s.inputs["ipv6CidrBlock"];
    if (block === undefined)
      return s.inputs["assignIpv6AddressOnCreation"] === true && s.inputs["ipv6Native"] !== true
        ? "assignIpv6AddressOnCreation needs an ipv6CidrBlock: give the subnet a /64 of its VPC's IPv6 block"
        : undefined;
    const range = Cidr.parse(block, 6);
    if (!range) return `ipv6CidrBlock ${JSON.stringify(block)} is not a valid IPv6 CIDR`;
    if (range.prefix !== 64) return `ipv6CidrBlock ${String(block)} must be a /64`;
    const vpcBlock = graph.byId(s.inputs["vpcId"])?.state["ipv6CidrBlock"];
    const vpcRange = Cidr.parse(vpcBlock, 6);
    if (!vpcRange) return undefined;
    return vpcRange.contains(range) ? undefined : `ipv6CidrBlock ${block} is outside the VPC's IPv6 block ${vpcBlock}: take a /64 of it`;
  },
);

export const rdsOptionGroupEngine: AwsRule = resourceRule(
  "rds-option-group-engine",
  "An instance's option group is for its engine and major version (RDS CreateDBInstance: InvalidParameterCombination)",
  [RDS],
  (db, graph) => {
    const group = graph.ofType("aws:rds/optionGroup:OptionGroup").find((g) => g.state["name"] === db.inputs["optionGroupName"]);
    const engine = engineOf(db, graph);
    if (!group || engine === undefined) return undefined;
    const out: string[] = [];
    if (group.inputs["engineName"] !== engine)
      out.push(`option group ${group.name} is for ${String(group.inputs["engineName"])}, the instance runs ${engine}`);
    const version = db.inputs["engineVersion"];
    const major = String(group.inputs["majorEngineVersion"]);
    if (version !== undefined && String(version) !== major && !String(version).startsWith(`${major}.`))
      out.push(
        `option group ${group.name} is for ${engine} ${major}, the instance runs ${String(version)}: use a group of major version ${String(version).split(".").slice(0, 2).join(".")}`,
      );
    return out;
  },
);

export const rdsSecurityGroupsVpc: AwsRule = resourceRule(
  "rds-security-groups-vpc",
  "An instance's security groups are in the VPC of its subnet group (RDS CreateDBInstance: InvalidParameterCombination, the DB instance and EC2 security group are in different VPCs)",
  [RDS],
  (db, graph) => {
    const group = graph.ofType("aws:rds/subnetGroup:SubnetGroup").find((g) => g.state["name"] === db.inputs["dbSubnetGroupName"]);
    const vpc = list(group?.inputs["subnetIds"])
      .map((id) => graph.byId(id)?.inputs["vpcId"])
      .find((v) => v !== undefined);
    if (vpc === undefined) return undefined;
    return list(db.inputs["vpcSecurityGroupIds"]).map((id) => {
      const sg = graph.byId(id);
      return sg && sg.inputs["vpcId"] !== undefined && sg.inputs["vpcId"] !== vpc
        ? `security group ${sg.name} is in VPC ${String(sg.inputs["vpcId"])}, the subnet group ${group?.name} in ${String(vpc)}: the DB instance and EC2 security group are in different VPCs`
        : undefined;
    });
  },
);

const LOG_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  mysql: ["audit", "error", "general", "slowquery", "iam-db-auth-error"],
  mariadb: ["audit", "error", "general", "slowquery", "iam-db-auth-error"],
  postgres: ["postgresql", "upgrade", "iam-db-auth-error"],
};

export const rdsLogExports: AwsRule = resourceRule(
  "rds-log-exports",
  "enabledCloudwatchLogsExports names logs the engine publishes (RDS CreateDBInstance EnableCloudwatchLogsExports; RDS User Guide, Publishing database logs to CloudWatch Logs: InvalidParameterCombination)",
  [RDS],
  (db, graph) => {
    const engine = engineOf(db, graph);
    const allowed = engine === undefined ? undefined : LOG_EXPORTS[engine];
    if (!allowed) return undefined;
    return list(db.inputs["enabledCloudwatchLogsExports"]).map((log) =>
      allowed.includes(String(log))
        ? undefined
        : `enabledCloudwatchLogsExports ${JSON.stringify(log)} is not a ${engine} log; ${engine} publishes ${allowed.join(", ")}`,
    );
  },
);

export const asgMinElbCapacity: AwsRule = resourceRule(
  "asg-min-elb-capacity",
  "minElbCapacity is reachable: at most the group's desired capacity (terraform-provider-aws internal/service/autoscaling/wait.go: the create waits for that many healthy targets and times out otherwise)",
  ["aws:autoscaling/group:Group"],
  (g) => {
    const want = num(g.inputs["minElbCapacity"]);
    const desired = num(g.inputs["desiredCapacity"]) ?? num(g.inputs["minSize"]);
    return want !== undefined && desired !== undefined && want > desired
      ? `minElbCapacity ${want} exceeds the ${desired} instances the group launches: pulumi up waits waitForCapacityTimeout for healthy targets that never come, then fails; set it to at most ${desired}`
      : undefined;
  },
);

/** Size GiB by volume type (EBS User Guide, Amazon EBS volume types); gp3 IOPS and throughput ranges. */
const EBS_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  gp2: [1, 16384],
  gp3: [1, 16384],
  io1: [4, 16384],
  io2: [4, 65536],
  st1: [125, 16384],
  sc1: [125, 16384],
  standard: [1, 1024],
};

export const ebsVolumeSize: AwsRule = resourceRule(
  "ebs-volume-size",
  "An EBS volume's size fits its type (gp2/gp3 1-16384 GiB, io1 4-16384, io2 4-65536, st1/sc1 125-16384, standard 1-1024) and gp3's IOPS 3000-16000 and throughput 125-1000 MiB/s (EC2 CreateVolume / RunInstances: InvalidParameterValue)",
  ["aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/instance:Instance"],
  (t) =>
    [
      ...list(t.inputs["blockDeviceMappings"]).map((m) => bag(bag(m)["ebs"])),
      bag(t.inputs["rootBlockDevice"]),
      ...list(t.inputs["ebsBlockDevices"]).map(bag),
    ].flatMap((ebs) => {
      const type = String(ebs["volumeType"] ?? "gp3");
      const size = num(ebs["volumeSize"]);
      const range = EBS_SIZES[type];
      const out: (string | undefined)[] = [];
      if (range && size !== undefined && (size < range[0] || size > range[1]))
        out.push(`volumeSize ${size} GiB is outside ${range[0]}-${range[1]} for ${type}`);
      const iops = num(ebs["iops"]);
      const throughput = num(ebs["throughput"]);
      if (type === "gp3" && iops !== undefined && (iops < 3000 || iops > 16000)) out.push(`iops ${iops} is outside 3000-16000 for gp3`);
      if (type === "gp3" && throughput !== undefined && (throughput < 125 || throughput > 1000))
        out.push(`throughput ${throughput} MiB/s is outside 125-1000 for gp3`);
      return out;
    }),
);

const WIDGET_TYPES = ["metric", "text", "log", "alarm", "explorer", "custom"];

export const dashboardBody: AwsRule = resourceRule(
  "cloudwatch-dashboard-body",
  "A dashboard body is JSON with a widgets list; each widget has a known type, x 0-23, y ≥ 0, width 1-24 and height 1-1000 (CloudWatch API, Dashboard Body Structure and Syntax; PutDashboard: InvalidParameterInput)",
  ["aws:cloudwatch/dashboard:Dashboard"],
  (d) => {
    let body: unknown;
    try {
      body = JSON.parse(String(d.inputs["dashboardBody"]));
    } catch {
      return "dashboardBody is not valid JSON";
    }
    const widgets = bag(body)["widgets"];
    if (!Array.isArray(widgets)) return "dashboardBody has no widgets list";
    return widgets.flatMap((w, i) => {
      const widget = bag(w);
      const at = (key: string, lo: number, hi: number) => {
        const v = widget[key];
        return v === undefined || (Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi)
          ? undefined
          : `widgets[${i}].${key} ${JSON.stringify(v)} is outside ${lo}-${hi}`;
      };
      return [
        WIDGET_TYPES.includes(String(widget["type"]))
          ? undefined
          : `widgets[${i}].type ${JSON.stringify(widget["type"])} is not one of ${WIDGET_TYPES.join(", ")}`,
        at("x", 0, 23),
        at("y", 0, Number.MAX_SAFE_INTEGER),
        at("width", 1, 24),
        at("height", 1, 1000),
      ];
    });
  },
);

export const wafAssociationTarget: AwsRule = resourceRule(
  "wafv2-association-target",
  "A regional web ACL associates with an Application Load Balancer (or an API Gateway stage, AppSync API, Cognito user pool, App Runner or Verified Access resource), never a Network Load Balancer, and a CLOUDFRONT-scope ACL with none of them (WAFV2 AssociateWebACL: WAFInvalidParameterException)",
  ["aws:wafv2/webAclAssociation:WebAclAssociation"],
  (a, graph) => {
    const acl = graph.byArn(a.inputs["webAclArn"]);
    const target = graph.byArn(a.inputs["resourceArn"]);
    return [
      acl && acl.inputs["scope"] === "CLOUDFRONT"
        ? `web ACL ${acl.name} has CLOUDFRONT scope; associate it through the distribution, or use a REGIONAL ACL`
        : undefined,
      target && LB.includes(target.type) && (target.inputs["loadBalancerType"] ?? "application") !== "application"
        ? `${target.name} is a ${String(target.inputs["loadBalancerType"])} load balancer; WAF protects Application Load Balancers only`
        : undefined,
    ];
  },
);

export const flowLogDestination: AwsRule = resourceRule(
  "flow-log-destination",
  "A flow log to CloudWatch Logs needs an IAM role (deliverLogsPermissionArn) and a log group; to S3 or Firehose it takes no role (EC2 CreateFlowLogs DeliverLogsPermissionArn: required for cloud-watch-logs, unsupported otherwise)",
  ["aws:ec2/flowLog:FlowLog"],
  (f) => {
    const type = String(f.inputs["logDestinationType"] ?? "cloud-watch-logs");
    const destination = f.inputs["logDestination"] ?? f.inputs["logGroupName"];
    if (type === "cloud-watch-logs")
      return [
        f.inputs["iamRoleArn"] === undefined
          ? "a flow log to cloud-watch-logs needs iamRoleArn, a role vpc-flow-logs.amazonaws.com can assume"
          : undefined,
        destination === undefined ? "a flow log to cloud-watch-logs needs logDestination (a log group ARN)" : undefined,
        typeof f.inputs["logDestination"] === "string" && !/:logs:/.test(f.inputs["logDestination"])
          ? `logDestination ${f.inputs["logDestination"]} is not a log group ARN`
          : undefined,
      ];
    return f.inputs["iamRoleArn"] !== undefined ? `iamRoleArn is unsupported for a flow log to ${type}: remove it` : undefined;
  },
);

/** The fields a flow log record may hold, versions 2 to 8 (VPC User Guide, "Flow log records", available fields). */
const FLOW_LOG_FIELDS = new Set([
  "version",
  "account-id",
  "interface-id",
  "srcaddr",
  "dstaddr",
  "srcport",
  "dstport",
  "protocol",
  "packets",
  "bytes",
  "start",
  "end",
  "action",
  "log-status",
  "vpc-id",
  "subnet-id",
  "instance-id",
  "tcp-flags",
  "type",
  "pkt-srcaddr",
  "pkt-dstaddr",
  "region",
  "az-id",
  "sublocation-type",
  "sublocation-id",
  "pkt-src-aws-service",
  "pkt-dst-aws-service",
  "flow-direction",
  "traffic-path",
  "ecs-cluster-arn",
  "ecs-cluster-name",
  "ecs-container-instance-arn",
  "ecs-container-instance-id",
  "ecs-container-id",
  "ecs-second-container-id",
  "ecs-service-name",
  "ecs-task-definition-arn",
  "ecs-task-arn",
  "ecs-task-id",
  "reject-reason",
]);

export const flowLogFormat: AwsRule = resourceRule(
  "flow-log-format",
  "A custom flow log format is space-separated ${field} names AWS knows (EC2 CreateFlowLogs LogFormat: InvalidParameter, Unknown fields)",
  ["aws:ec2/flowLog:FlowLog"],
  (f) => {
    const format = f.inputs["logFormat"];
    if (typeof format !== "string" || format === "") return undefined;
    const tokens = format.split(/\s+/).filter((t) => t !== "");
    const malformed = tokens.filter((t) => !/^\$\{[a-z0-9-]+\}$/.test(t));
    const unknown = tokens
      .map((t) => /^\$\{([a-z0-9-]+)\}$/.exec(t)?.[1])
      .filter((n): n is string => n !== undefined && !FLOW_LOG_FIELDS.has(n));
    return [
      malformed.length
        ? `logFormat has ${malformed.map((t) => JSON.stringify(t)).join(", ")}: write each field as \${name}, separated by spaces`
        : undefined,
      unknown.length
        ? `logFormat names unknown fields ${unknown.join(", ")}: use the fields of the VPC User Guide's flow log record list`
        : undefined,
    ];
  },
);

export const logGroupKmsKey: AwsRule = resourceRule(
  "log-group-kms-key",
  "A log group's KMS key lets the region's CloudWatch Logs service encrypt with it, for this log group's ARN (CloudWatch Logs CreateLogGroup: AccessDeniedException, the specified KMS key is not allowed to be used)",
  ["aws:cloudwatch/logGroup:LogGroup"],
  (g, graph) => {
    const key = graph.byArn(g.inputs["kmsKeyId"]);
    if (!key) return undefined;
    const service = { type: "Service", id: `logs.${graph.region}.amazonaws.com` };
    const arn = String(g.state["arn"]);
    const grants = policyStatements(key.inputs["policy"]).some((s) => {
      if ((s["Effect"] ?? "Allow") !== "Allow" || !principalMatches(s, service)) return false;
      if (!matchesAny(s["Action"], "kms:GenerateDataKey", true) || !matchesAny(s["Action"], "kms:Encrypt", true)) return false;
      const context = Object.values(bag(s["Condition"]))
        .map((c) => bag(c)["kms:EncryptionContext:aws:logs:arn"])
        .filter((v) => v !== undefined);
      return context.every((patterns) => [patterns].flat().some((p) => globToRegExp(String(p)).test(arn)));
    });
    return grants
      ? undefined
      : `key ${key.name}'s policy does not let ${service.id} call kms:Encrypt and kms:GenerateDataKey* for ${arn}: add a statement for that service principal with kms:EncryptionContext:aws:logs:arn matching the log group`;
  },
);

/** terraform-provider-random's special characters when overrideSpecial is unset. */
const RANDOM_SPECIALS = "!@#$%&*()-_=+[]{}<>:?";

export const rdsPasswordCharset: AwsRule = resourceRule(
  "rds-password-charset",
  "A generated RDS master password draws only from characters RDS accepts: every value the RandomPassword may produce, not the one the mock drew (RDS CreateDBInstance MasterUserPassword: no '/', '\"', '@' or space)",
  [RDS],
  (db, graph) => {
    const source = graph
      .ofType("random:index/randomPassword:RandomPassword", "random:index/randomString:RandomString")
      .find((p) => p.state["result"] !== undefined && p.state["result"] === db.inputs["password"]);
    if (!source || source.inputs["special"] === false) return undefined;
    const specials = typeof source.inputs["overrideSpecial"] === "string" ? source.inputs["overrideSpecial"] : RANDOM_SPECIALS;
    const bad = [...new Set([...specials].filter((c) => '/"@ '.includes(c)))];
    return bad.length
      ? `${source.name} may put ${bad.map((c) => JSON.stringify(c)).join(", ")} in the master password, which RDS refuses: set overrideSpecial to special characters without them`
      : undefined;
  },
);

export const route53RecordUnique: AwsRule = {
  id: "route53-record-unique",
  description:
    "Two records of a zone may not share a name and type without routing policies: the second create fails (ChangeResourceRecordSets: InvalidChangeBatch, Tried to create resource record set but it already exists), as with the validation records of a certificate for example.com and *.example.com",
  types: ["aws:route53/record:Record"],
  check: (graph) => {
    const seen = new Map<string, CapturedResource>();
    const out = [];
    for (const r of graph.ofType("aws:route53/record:Record")) {
      if (r.inputs["setIdentifier"] !== undefined) continue;
      const key = `${String(r.inputs["zoneId"])} ${strip(r.inputs["name"])} ${String(r.inputs["type"])}`;
      const first = seen.get(key);
      if (first && !(first.inputs["allowOverwrite"] === true && r.inputs["allowOverwrite"] === true))
        out.push({
          rule: "route53-record-unique",
          urn: r.urn,
          message: `record ${strip(r.inputs["name"])} ${String(r.inputs["type"])} is also created by ${first.name}: create it once (for certificate validation, one record per distinct resourceRecordName)`,
        });
      else if (!first) seen.set(key, r);
    }
    return out;
  },
};

export const snsFifoName: AwsRule = resourceRule(
  "sns-fifo-name",
  "A FIFO topic's name ends in .fifo and a standard topic's does not (terraform-provider-aws internal/service/sns/topic.go, CustomizeDiff; SNS CreateTopic: InvalidParameter)",
  ["aws:sns/topic:Topic"],
  (t) => {
    const name = t.inputs["name"];
    if (typeof name !== "string") return undefined;
    const fifo = t.inputs["fifoTopic"] === true;
    if (fifo && !name.endsWith(".fifo")) return `name ${JSON.stringify(name)} must end in .fifo for a FIFO topic`;
    if (!fifo && name.endsWith(".fifo")) return `name ${JSON.stringify(name)} ends in .fifo, which only a FIFO topic (fifoTopic: true) may`;
    return undefined;
  },
);

export const rdsFinalSnapshot: AwsRule = resourceRule(
  "rds-final-snapshot",
  "An instance that keeps a final snapshot names it: without finalSnapshotIdentifier, deleting or replacing it fails (terraform-provider-aws internal/service/rds/instance.go: final_snapshot_identifier is required when skip_final_snapshot is false)",
  [RDS],
  (db) =>
    db.inputs["replicateSourceDb"] === undefined &&
    db.inputs["skipFinalSnapshot"] !== true &&
    db.inputs["finalSnapshotIdentifier"] === undefined
      ? "skipFinalSnapshot is false and finalSnapshotIdentifier is unset: a replacement or pulumi destroy fails; name the final snapshot, or skip it deliberately"
      : undefined,
);

export const launchTemplateInterfaces: AwsRule = resourceRule(
  "launch-template-network-interfaces",
  "A launch template with network interfaces puts its security groups on the interfaces, not on the instance (EC2 RunInstances: InvalidParameterCombination, Network interfaces and an instance-level security groups may not be specified on the same request)",
  ["aws:ec2/launchTemplate:LaunchTemplate"],
  (t) =>
    list(t.inputs["networkInterfaces"]).length > 0 &&
    (list(t.inputs["vpcSecurityGroupIds"]).length > 0 || list(t.inputs["securityGroupNames"]).length > 0)
      ? "networkInterfaces and vpcSecurityGroupIds/securityGroupNames are both set: every launch fails; move the groups to networkInterfaces[].securityGroups"
      : undefined,
);

const regionOfArn = (arn: unknown) => (typeof arn === "string" ? arn.split(":")[3] : undefined);

export const listenerCertificateRegion: AwsRule = resourceRule(
  "listener-certificate-region",
  "A listener's certificate is an ACM or IAM certificate of the load balancer's region (ELB CreateListener: CertificateNotFound)",
  [...LISTENER, "aws:lb/listenerCertificate:ListenerCertificate", "aws:alb/listenerCertificate:ListenerCertificate"],
  (l, graph) => {
    const cert = l.inputs["certificateArn"];
    const lbRegion = regionOf(l, graph);
    const certRegion = regionOfArn(cert);
    return typeof cert === "string" && cert.startsWith("arn:aws:acm:") && certRegion !== lbRegion
      ? `certificate ${cert} is in ${String(certRegion)}, the load balancer in ${lbRegion}: CertificateNotFound; request the certificate in ${lbRegion} (only CloudFront takes us-east-1 certificates for every region)`
      : undefined;
  },
);

export const targetGroupRequired: AwsRule = resourceRule(
  "target-group-required-fields",
  "A target group of instances, IPs or an ALB has a port, a protocol and a VPC; a Lambda one has none (terraform-provider-aws internal/service/elbv2/target_group.go, CustomizeDiff)",
  TARGET_GROUP,
  (tg) => {
    const lambda = tg.inputs["targetType"] === "lambda";
    const missing = ["port", "protocol", "vpcId"].filter((k) => tg.inputs[k] === undefined);
    if (!lambda && missing.length)
      return `${missing.join(", ")} must be set for target type ${String(tg.inputs["targetType"] ?? "instance")}`;
    const present = ["port", "protocol", "vpcId"].filter((k) => tg.inputs[k] !== undefined);
    return lambda && present.length ? `${present.join(", ")} must not be set for target type lambda` : undefined;
  },
);

/** Services with a gateway endpoint; every other service takes an interface endpoint (VPC PrivateLink guide, "Gateway endpoints"). */
const GATEWAY_SERVICES = ["s3", "dynamodb"];

export const vpcEndpointShape: AwsRule = resourceRule(
  "vpc-endpoint-shape",
  "A gateway endpoint (S3, DynamoDB) takes route tables, an interface endpoint subnets (one per zone) and security groups; the service is of the VPC's region; private DNS needs the VPC's DNS support and hostnames (EC2 CreateVpcEndpoint: InvalidParameter, DuplicateSubnetsInSameZone, InvalidServiceName)",
  ["aws:ec2/vpcEndpoint:VpcEndpoint"],
  (e, graph) => {
    const type = String(e.inputs["vpcEndpointType"] ?? "Gateway");
    const [, region, service] = /^com\.amazonaws\.([a-z0-9-]+)\.(.+)$/.exec(String(e.inputs["serviceName"])) ?? [];
    const out: (string | undefined)[] = [];
    if (region !== undefined && region !== regionOf(e, graph))
      out.push(`serviceName ${String(e.inputs["serviceName"])} is a service of ${region}; the VPC is in ${regionOf(e, graph)}`);
    if (type === "Gateway") {
      if (service !== undefined && !GATEWAY_SERVICES.includes(service))
        out.push(`${service} has no gateway endpoint: use vpcEndpointType "Interface"`);
      if (list(e.inputs["subnetIds"]).length || list(e.inputs["securityGroupIds"]).length)
        out.push("a gateway endpoint takes routeTableIds, not subnetIds or securityGroupIds");
    }
    if (type === "Interface") {
      if (list(e.inputs["routeTableIds"]).length) out.push("an interface endpoint takes subnetIds, not routeTableIds");
      const zones = list(e.inputs["subnetIds"])
        .map((id) => graph.byId(id)?.state["availabilityZone"])
        .filter((z) => z !== undefined);
      if (new Set(zones).size < zones.length)
        out.push("DuplicateSubnetsInSameZone: give the endpoint at most one subnet per availability zone");
      const vpc = graph.byId(e.inputs["vpcId"]);
      if (
        e.inputs["privateDnsEnabled"] === true &&
        vpc &&
        (vpc.inputs["enableDnsSupport"] === false || vpc.inputs["enableDnsHostnames"] !== true)
      )
        out.push(`privateDnsEnabled needs VPC ${vpc.name} to have enableDnsSupport and enableDnsHostnames true`);
    }
    return out;
  },
);

type AclEntry = Record<string, unknown>;

export const networkAclEntries: AwsRule = resourceRule(
  "network-acl-entries",
  "A network ACL entry has a rule number 1-32766 unique in its direction, allow or deny, one of cidrBlock and ipv6CidrBlock, and ports 0-65535 from low to high for TCP and UDP (EC2 CreateNetworkAclEntry: NetworkAclEntryAlreadyExists, InvalidParameterValue)",
  ["aws:ec2/networkAcl:NetworkAcl", "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl"],
  (acl) =>
    (["ingress", "egress"] as const).flatMap((direction) => {
      const entries = list(acl.inputs[direction]).map((x) => bag(x) as AclEntry);
      const numbers = entries.map((x) => num(x["ruleNo"]));
      return entries.flatMap((x, i) => {
        const n = numbers[i];
        const at = `${direction} rule ${String(n)}`;
        const protocol = String(x["protocol"]);
        const from = num(x["fromPort"]);
        const to = num(x["toPort"]);
        return [
          n === undefined || !Number.isInteger(n) || n < 1 || n > 32766 ? `${at}: ruleNo must be 1-32766` : undefined,
          numbers.indexOf(n) !== i ? `${at}: NetworkAclEntryAlreadyExists, rule numbers are unique per direction` : undefined,
          x["action"] !== "allow" && x["action"] !== "deny"
            ? `${at}: action must be allow or deny, got ${JSON.stringify(x["action"])}`
            : undefined,
          (x["cidrBlock"] === undefined) === (x["ipv6CidrBlock"] === undefined)
            ? `${at}: give exactly one of cidrBlock and ipv6CidrBlock`
            : undefined,
          ["tcp", "udp", "6", "17"].includes(protocol) && (from === undefined || to === undefined || from < 0 || to > 65535 || from > to)
            ? `${at}: ${protocol} needs fromPort ≤ toPort within 0-65535, got ${String(from)}-${String(to)}`
            : undefined,
        ];
      });
    }),
);

export const PAIR_RULES: readonly AwsRule[] = [
  vpcEndpointShape,
  networkAclEntries,
  flowLogFormat,
  route53RecordUnique,
  snsFifoName,
  rdsFinalSnapshot,
  launchTemplateInterfaces,
  listenerCertificateRegion,
  targetGroupRequired,
  rdsPasswordCharset,
  listenerTargetGroup,
  acmValidationRecords,
  s3LifecycleExpiration,
  s3SseKmsKey,
  snsSubscriptionEndpoint,
  randomPasswordLength,
  kmsKeyRotation,
  subnetIpv6Block,
  rdsOptionGroupEngine,
  rdsSecurityGroupsVpc,
  rdsLogExports,
  asgMinElbCapacity,
  ebsVolumeSize,
  dashboardBody,
  wafAssociationTarget,
  flowLogDestination,
  logGroupKmsKey,
];
