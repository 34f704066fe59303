import type { CapturedResource, StackGraph } from "../graph";
import { architectureOfInstanceType, ELB_SSL_POLICIES } from "../aws/catalog";
import { ELB_LOG_ACCOUNTS } from "../aws/world";
import { AwsRule, inRange, num, regionOf, resourceRule } from "./rule";

/** The `aws:alb/*` tokens are aliases of `aws:lb/*`: every LB rule matches both. */
export const LB = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
export const TARGET_GROUP = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"];
export const LISTENER = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
export const ATTACHMENT = ["aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/targetGroupAttachment:TargetGroupAttachment"];
const INSTANCE = "aws:ec2/instance:Instance";
const SG = "aws:ec2/securityGroup:SecurityGroup";
export const SG_RULES = [
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/securityGroupRule:SecurityGroupRule",
];

/** The VPC a resource lives in, following subnet or group references. */
function vpcOf(graph: StackGraph, id: unknown): unknown {
  const r = graph.byId(id);
  if (!r) return undefined;
  if (r.type === "aws:ec2/subnet:Subnet" || r.type === SG) return r.inputs["vpcId"];
  if (r.type === INSTANCE) return vpcOf(graph, r.inputs["subnetId"]);
  return undefined;
}

export const healthCheckRanges: AwsRule = resourceRule(
  "target-group-health-check",
  "Health check interval 5–300 s, timeout 2–120 s and below the interval, thresholds 2–10, path from /, success codes 200–499 (gRPC 0–99) (ELB ModifyTargetGroup ValidationError)",
  TARGET_GROUP,
  (tg) => {
    const hc = (tg.inputs["healthCheck"] ?? {}) as Record<string, unknown>;
    const interval = num(hc["interval"]);
    const timeout = num(hc["timeout"]);
    // Defaults when unset (ELB target group health checks): lambda targets 35/30 s, HTTP(S) 30/5 s.
    const lambda = tg.inputs["targetType"] === "lambda";
    const out: string[] = [];
    if (!inRange(interval, 5, 300)) out.push(`healthCheck.interval ${String(interval)} is outside 5–300 seconds`);
    if (!inRange(timeout, 2, 120)) out.push(`healthCheck.timeout ${String(timeout)} is outside 2–120 seconds`);
    const effectiveTimeout = timeout ?? (lambda ? 30 : 5);
    const effectiveInterval = interval ?? (lambda ? 35 : 30);
    if (effectiveTimeout >= effectiveInterval) {
      out.push(`healthCheck.timeout ${effectiveTimeout} must be smaller than the interval ${effectiveInterval}`);
    }
    for (const key of ["healthyThreshold", "unhealthyThreshold"]) {
      if (!inRange(num(hc[key]), 2, 10)) out.push(`healthCheck.${key} ${String(hc[key])} is outside 2–10`);
    }
    const matcher = hc["matcher"];
    // HTTP(S) health checks succeed on codes 200-499, gRPC ones on 0-99 (ELB Matcher HttpCode / GrpcCode).
    const grpc = tg.inputs["protocolVersion"] === "GRPC";
    const code = grpc ? "([0-9]|[1-9][0-9])" : "[2-4][0-9]{2}";
    if (matcher !== undefined && tg.inputs["targetType"] !== "lambda" && !new RegExp(`^${code}([,-]${code})*$`).test(String(matcher)))
      out.push(
        `healthCheck.matcher ${JSON.stringify(matcher)} must be ${grpc ? "gRPC codes 0–99" : "HTTP codes 200–499"}, as "200", "200,302" or "200-299"`,
      );
    const path = hc["path"];
    if (path !== undefined && (typeof path !== "string" || !path.startsWith("/") || path.length > 1024)) {
      out.push(`healthCheck.path ${JSON.stringify(path)} must start with "/" and be at most 1024 characters`);
    }
    return out;
  },
);

export const deregistrationDelay: AwsRule = resourceRule(
  "target-group-deregistration-delay",
  "deregistration_delay.timeout_seconds must be 0–3600 (ELB ModifyTargetGroupAttributes)",
  TARGET_GROUP,
  (tg) => {
    const delay = num(tg.inputs["deregistrationDelay"]);
    return inRange(delay, 0, 3600) ? undefined : `deregistrationDelay ${String(delay)} is outside 0–3600 seconds`;
  },
);

const ALGORITHMS = ["round_robin", "least_outstanding_requests", "weighted_random"];
/** Algorithms that have no slow start mode (ALB user guide, "Slow start mode"). */
const NO_SLOW_START = ["least_outstanding_requests", "weighted_random"];
export const targetGroupAlgorithm: AwsRule = resourceRule(
  "target-group-algorithm",
  "load_balancing.algorithm.type is round_robin, least_outstanding_requests or weighted_random; slowStart is 0 or 30–900 seconds, and only round_robin supports slow start",
  TARGET_GROUP,
  (tg) => {
    const algo = tg.inputs["loadBalancingAlgorithmType"];
    if (algo !== undefined && !ALGORITHMS.includes(String(algo))) {
      return `loadBalancingAlgorithmType ${JSON.stringify(algo)} is not one of ${ALGORITHMS.join(", ")}`;
    }
    const slowStart = num(tg.inputs["slowStart"]);
    // Provider validation: Any(IntBetween(0, 0), IntBetween(30, 900)).
    if (slowStart !== undefined && slowStart !== 0 && !inRange(slowStart, 30, 900)) {
      return `slowStart ${slowStart} must be 0 (off) or 30–900 seconds`;
    }
    if (NO_SLOW_START.includes(String(algo)) && (slowStart ?? 0) > 0) {
      return `slowStart cannot be combined with ${String(algo)}`;
    }
    return undefined;
  },
);

export const httpsListener: AwsRule = resourceRule(
  "https-listener-certificate",
  "An HTTPS listener needs a certificate (CertificateNotFound: A certificate must be specified for HTTPS listeners) and a real ELB security policy name",
  LISTENER,
  (l) => {
    const out: string[] = [];
    const policy = l.inputs["sslPolicy"];
    const protocol = String(l.inputs["protocol"] ?? "");
    if (protocol === "HTTPS" || protocol === "TLS") {
      if (typeof l.inputs["certificateArn"] !== "string" || l.inputs["certificateArn"] === "") {
        out.push(`A certificate must be specified for ${protocol} listeners: set certificateArn`);
      }
    }
    if (policy !== undefined && !ELB_SSL_POLICIES.has(String(policy))) {
      out.push(
        `sslPolicy ${JSON.stringify(policy)} is not an ELB security policy (SSLPolicyNotFound); use e.g. ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`,
      );
    }
    return out;
  },
);

export const listenerPortUnique: AwsRule = {
  id: "listener-port-unique",
  description: "A load balancer has one listener per port (DuplicateListener)",
  check: (graph) => {
    const seen = new Map<string, string>();
    const out = [];
    for (const l of graph.ofType(...LISTENER)) {
      const key = `${String(l.inputs["loadBalancerArn"])}:${String(l.inputs["port"])}`;
      const first = seen.get(key);
      if (first)
        out.push({
          rule: "listener-port-unique",
          urn: l.urn,
          message: `DuplicateListener: port ${String(l.inputs["port"])} already has listener ${first}`,
        });
      else seen.set(key, l.name);
    }
    return out;
  },
};

export const albSubnets: AwsRule = resourceRule(
  "alb-subnets",
  "An Application Load Balancer needs subnets in at least 2 AZs, all in one VPC, each a /27 or larger (8 free addresses), and security groups of that VPC (ELB CreateLoadBalancer: InvalidSubnet, ValidationError)",
  LB,
  (lb, graph) => {
    if ((lb.inputs["loadBalancerType"] ?? "application") !== "application") return undefined;
    const ids = [
      ...((lb.inputs["subnets"] as unknown[] | undefined) ?? []),
      ...((lb.inputs["subnetMappings"] as { subnetId?: unknown }[] | undefined) ?? []).map((m) => m.subnetId),
    ];
    const out: string[] = [];
    if (new Set(ids).size < 2)
      return `At least two subnets in two different Availability Zones must be specified; got ${new Set(ids).size}`;
    const subnets = ids.map((id) => graph.byId(id)).filter((s): s is CapturedResource => s !== undefined);
    // Subnets created elsewhere cannot be placed; judge only when every subnet is known.
    if (subnets.length < ids.length) return undefined;
    const azs = new Set(subnets.map((s) => s.state["availabilityZone"]));
    if (azs.size < 2)
      out.push(`At least two subnets in two different Availability Zones must be specified; got ${azs.size} AZ (${[...azs].join(", ")})`);
    for (const s of subnets) {
      const bits = /\/(\d+)$/.exec(String(s.inputs["cidrBlock"] ?? ""))?.[1];
      if (bits !== undefined && Number(bits) > 27)
        out.push(
          `InvalidSubnet: subnet ${s.name} is a /${bits}; a load balancer needs a /27 or larger with at least 8 free IP addresses in each subnet: give the public subnets a larger block`,
        );
    }
    const vpcs = new Set(subnets.map((s) => s.inputs["vpcId"]));
    if (vpcs.size > 1) out.push(`subnets belong to ${vpcs.size} different VPCs; an ALB lives in one VPC`);
    const [vpc] = vpcs;
    for (const sg of (lb.inputs["securityGroups"] as unknown[] | undefined) ?? []) {
      const groupVpc = vpcOf(graph, sg);
      if (groupVpc !== undefined && vpc !== undefined && groupVpc !== vpc)
        out.push(`security group ${graph.byId(sg)?.name} is in another VPC than the subnets`);
    }
    return out;
  },
);

export const attachmentVpc: AwsRule = resourceRule(
  "target-group-attachment-vpc",
  "An instance target must be in the target group's VPC (ValidationError: The following targets are not in the target group VPC)",
  ATTACHMENT,
  (a, graph) => {
    const tg = graph.byArn(a.inputs["targetGroupArn"]);
    const target = graph.byId(a.inputs["targetId"]);
    if (!tg || !target || target.type !== INSTANCE) return undefined;
    const instanceVpc = vpcOf(graph, target.id);
    // An instance without a subnet lands in the default VPC, which this program did not create.
    if (instanceVpc === undefined) return undefined;
    return instanceVpc === tg.inputs["vpcId"]
      ? undefined
      : `instance ${target.name} is in VPC ${String(instanceVpc)}, target group ${tg.name} in ${String(tg.inputs["vpcId"])}: The following targets are not in the target group VPC`;
  },
);

export const instanceImage: AwsRule = resourceRule(
  "instance-ami-architecture",
  "The AMI must exist and match the instance type's architecture (InvalidAMIID.NotFound / Unsupported: The requested configuration is currently not supported)",
  [INSTANCE, "aws:ec2/launchTemplate:LaunchTemplate"],
  (i, graph) => {
    const ami = i.inputs[i.type === INSTANCE ? "ami" : "imageId"];
    const type = i.inputs["instanceType"];
    // Either may come from a launch template or an Auto Scaling group instead.
    const arch = type === undefined ? undefined : architectureOfInstanceType(String(type));
    const image = ami === undefined ? undefined : graph.amis.find((a) => a.id === ami);
    const out: string[] = [];
    if (type !== undefined && arch === undefined)
      out.push(`InvalidParameterValue: instance type ${JSON.stringify(type)} does not exist (or is not in the harness catalogue)`);
    if (ami !== undefined && !image) out.push(`InvalidAMIID.NotFound: the image id '[${String(ami)}]' does not exist in ${graph.region}`);
    if (arch && image && image.architecture !== arch) {
      out.push(
        `The architecture '${arch}' of the specified instance type does not match the architecture '${image.architecture}' of the specified AMI ${image.id}`,
      );
    }
    return out;
  },
);

/** One security group rule, whether a standalone resource or an entry of a group's inline `ingress`/`egress`. */
export interface SgRuleView {
  readonly resource: CapturedResource;
  readonly where: string;
  readonly groupId: unknown;
  readonly direction: "ingress" | "egress";
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly referencedGroupIds: readonly unknown[];
  readonly cidrs: readonly string[];
  readonly description?: unknown;
}

/** Every rule of the graph, standalone and inline, in one shape. */
export function securityGroupRules(graph: StackGraph): SgRuleView[] {
  const out: SgRuleView[] = [];
  for (const r of graph.ofType(...SG_RULES)) {
    const i = r.inputs;
    const direction =
      r.type === "aws:ec2/securityGroupRule:SecurityGroupRule"
        ? i["type"] === "egress"
          ? "egress"
          : "ingress"
        : r.type.includes("Egress")
          ? "egress"
          : "ingress";
    out.push({
      resource: r,
      where: r.name,
      groupId: i["securityGroupId"],
      direction,
      protocol: String(i["ipProtocol"] ?? i["protocol"] ?? "").toLowerCase(),
      fromPort: num(i["fromPort"]),
      toPort: num(i["toPort"]),
      referencedGroupIds: [i["referencedSecurityGroupId"] ?? i["sourceSecurityGroupId"]].filter((x) => x !== undefined),
      cidrs: [
        i["cidrIpv4"],
        i["cidrIpv6"],
        ...((i["cidrBlocks"] as unknown[] | undefined) ?? []),
        ...((i["ipv6CidrBlocks"] as unknown[] | undefined) ?? []),
      ]
        .filter((x) => x !== undefined)
        .map(String),
      description: i["description"],
    });
  }
  for (const sg of graph.ofType(SG, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")) {
    for (const direction of ["ingress", "egress"] as const) {
      ((sg.inputs[direction] as Record<string, unknown>[] | undefined) ?? []).forEach((e, n) => {
        out.push({
          resource: sg,
          where: `${sg.name} ${direction}[${n}]`,
          groupId: sg.id,
          direction,
          protocol: String(e["protocol"] ?? "").toLowerCase(),
          fromPort: num(e["fromPort"]),
          toPort: num(e["toPort"]),
          referencedGroupIds: [...((e["securityGroups"] as unknown[] | undefined) ?? []), ...(e["self"] ? [sg.id] : [])],
          cidrs: [...((e["cidrBlocks"] as unknown[] | undefined) ?? []), ...((e["ipv6CidrBlocks"] as unknown[] | undefined) ?? [])].map(
            String,
          ),
          description: e["description"],
        });
      });
    }
  }
  return out;
}

export const securityGroupNetwork: AwsRule = {
  id: "security-group-same-network",
  description:
    "Security groups, the rules that reference them and the instances that use them must share a VPC (InvalidParameter: ... belong to different networks)",
  check: (graph) => {
    const out: { rule: string; urn: string; message: string }[] = [];
    const push = (r: CapturedResource, message: string) => out.push({ rule: "security-group-same-network", urn: r.urn, message });
    for (const rule of securityGroupRules(graph)) {
      const own = vpcOf(graph, rule.groupId);
      for (const ref of rule.referencedGroupIds) {
        const other = vpcOf(graph, ref);
        if (own !== undefined && other !== undefined && own !== other) {
          push(
            rule.resource,
            `${rule.where}: group ${graph.byId(rule.groupId)?.name} (${String(own)}) and referenced group ${graph.byId(ref)?.name} (${String(other)}) belong to different networks`,
          );
        }
      }
    }
    for (const i of graph.ofType(INSTANCE)) {
      const subnetVpc = vpcOf(graph, i.inputs["subnetId"]);
      for (const sg of (i.inputs["vpcSecurityGroupIds"] as unknown[] | undefined) ?? []) {
        const groupVpc = vpcOf(graph, sg);
        if (groupVpc !== undefined && subnetVpc !== undefined && groupVpc !== subnetVpc) {
          push(
            i,
            `Security group ${graph.byId(sg)?.name} and subnet ${graph.byId(i.inputs["subnetId"])?.name} belong to different networks`,
          );
        }
      }
    }
    return out;
  },
};

export const securityGroupRulePorts: AwsRule = {
  id: "security-group-rule-ports",
  description: "A rule's port range must run from low to high within 0–65535; protocol -1 takes no ports (InvalidParameterValue)",
  check: (graph) =>
    securityGroupRules(graph).flatMap((r) => {
      const problem = portProblem(r);
      return problem ? [{ rule: "security-group-rule-ports", urn: r.resource.urn, message: `${r.where}: ${problem}` }] : [];
    }),
};

function portProblem(r: SgRuleView): string | undefined {
  const { protocol, fromPort: from, toPort: to } = r;
  if (protocol === "-1" || protocol === "all") {
    const ported = [from, to].filter((p) => p !== undefined && p !== -1 && p !== 0);
    return ported.length ? `protocol -1 covers every port; fromPort/toPort must be unset (got ${String(from)}-${String(to)})` : undefined;
  }
  if (["tcp", "udp", "6", "17"].includes(protocol)) {
    if (from === undefined || to === undefined) return `${protocol} rules need fromPort and toPort`;
    if (from > to) return `fromPort ${from} is greater than toPort ${to}`;
    if (!inRange(from, 0, 65535) || !inRange(to, 0, 65535)) return `ports ${from}-${to} are outside 0–65535`;
  }
  return undefined;
}

/** The principal that must be allowed to write ALB logs in a region. */
function logWriter(region: string): { type: string; id: string } {
  const account = ELB_LOG_ACCOUNTS[region];
  return account
    ? { type: "AWS", id: `arn:aws:iam::${account}:root` }
    : { type: "Service", id: "logdelivery.elasticloadbalancing.amazonaws.com" };
}

/** IAM wildcards: `*` matches any run of characters, `?` any one character. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (const c of glob) re += c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^$(){}|[\]\\]/g, "\\$&");
  return new RegExp("^" + re + "$", "s");
}

type Statement = Record<string, unknown>;

/** A policy document's statements, whether the policy is a JSON string or an object, with one statement or many. */
export function policyStatements(policy: unknown): Statement[] {
  let doc: unknown = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return [];
    }
  }
  const statements = (doc as { Statement?: unknown } | undefined)?.Statement;
  return [statements].flat().filter((s) => typeof s === "object" && s !== null) as Statement[];
}

export function matchesAny(patterns: unknown, value: string, caseInsensitive = false): boolean {
  return [patterns]
    .flat()
    .filter((p): p is string => typeof p === "string")
    .some((p) => (caseInsensitive ? globToRegExp(p.toLowerCase()).test(value.toLowerCase()) : globToRegExp(p).test(value)));
}

export function principalMatches(statement: Statement, principal: { type: string; id: string }): boolean {
  const p = statement["Principal"];
  if (p === "*") return true;
  if (typeof p !== "object" || p === null) return false;
  const ids = [(p as Record<string, unknown>)[principal.type]].flat().map(String);
  const bareAccount = principal.type === "AWS" ? /::(\d{12}):root$/.exec(principal.id)?.[1] : undefined;
  return ids.some((id) => id === principal.id || id === "*" || (bareAccount !== undefined && id === bareAccount));
}

/**
 * Whether the policy lets `principal` call `action` on `resource`: an Allow
 * matches and no Deny does. Statements with conditions are taken as not
 * granting (the writer cannot be assumed to meet them), and a Deny on
 * `aws:SecureTransport = false` never blocks a TLS writer.
 */
export function policyAllows(policy: unknown, principal: { type: string; id: string }, action: string, resource: string): boolean {
  const applies = (s: Statement) =>
    principalMatches(s, principal) && matchesAny(s["Action"], action, true) && matchesAny(s["Resource"], resource);
  const statements = policyStatements(policy);
  const denied = statements.some((s) => {
    if (s["Effect"] !== "Deny" || !applies(s)) return false;
    const cond = s["Condition"] as Record<string, Record<string, unknown>> | undefined;
    return !(cond && String(cond["Bool"]?.["aws:SecureTransport"]) === "false");
  });
  const allowed = statements.some((s) => (s["Effect"] ?? "Allow") === "Allow" && s["Condition"] === undefined && applies(s));
  return allowed && !denied;
}

export const albLogBucket: AwsRule = resourceRule(
  "alb-access-log-bucket",
  "With access logs on, the bucket must exist, use SSE-S3 and let the region's ELB log writer put objects under <prefix>/AWSLogs/<account>/ (InvalidConfigurationRequest: Access Denied for bucket)",
  LB,
  (lb, graph) => {
    const logs = lb.inputs["accessLogs"] as { bucket?: string; prefix?: string; enabled?: boolean } | undefined;
    if (!logs?.enabled) return undefined;
    const bucket = graph.ofType("aws:s3/bucket:Bucket").find((b) => b.state["bucket"] === logs.bucket);
    if (!bucket) return `access log bucket ${String(logs.bucket)} is not created by this program, so its policy cannot be checked`;
    const out: string[] = [];
    const sse = graph
      .ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
      .find((c) => c.inputs["bucket"] === bucket.id);
    const rules = (sse?.inputs["rules"] as { applyServerSideEncryptionByDefault?: { sseAlgorithm?: string } }[] | undefined) ?? [];
    if (rules.some((r) => String(r.applyServerSideEncryptionByDefault?.sseAlgorithm ?? "").startsWith("aws:kms"))) {
      out.push(`bucket ${bucket.name} encrypts with SSE-KMS; ALB access logs support only SSE-S3 (AES256)`);
    }
    const policy = graph.ofType("aws:s3/bucketPolicy:BucketPolicy").find((p) => p.inputs["bucket"] === bucket.id);
    const objectArn = `arn:aws:s3:::${String(bucket.state["bucket"])}/${logs.prefix ? `${logs.prefix}/` : ""}AWSLogs/${graph.accountId}/elasticloadbalancing/x.log.gz`;
    const writer = logWriter(regionOf(lb, graph));
    if (!policyAllows(policy?.inputs["policy"], writer, "s3:PutObject", objectArn)) {
      out.push(
        `Access Denied for bucket ${String(bucket.state["bucket"])}: its policy must allow ${writer.id} s3:PutObject on ${objectArn.replace(/elasticloadbalancing\/x\.log\.gz$/, "*")}`,
      );
    }
    return out;
  },
);

export const COMPUTE_RULES: readonly AwsRule[] = [
  healthCheckRanges,
  deregistrationDelay,
  targetGroupAlgorithm,
  httpsListener,
  listenerPortUnique,
  albSubnets,
  attachmentVpc,
  instanceImage,
  securityGroupNetwork,
  securityGroupRulePorts,
  albLogBucket,
];
