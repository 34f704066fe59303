import { azsOf, BaselinePolicy, ofType, resourcePolicy, stackPolicy } from "./policy";
import { coversPort, isWorld, stackRules } from "./securityGroups";
import { T } from "./types";

/** The ELB.17 list: TLS 1.3 policies (with 1.2 restricted), all accepted by CKV_AWS_103 and CKV2_AWS_74. */
export const STRONG_TLS_POLICIES: readonly string[] = [
  "TLS13-1-3-2021-06",
  "TLS13-1-3-FIPS-2023-04",
  "TLS13-1-2-Res-2021-06",
  "TLS13-1-2-Res-FIPS-2023-04",
  "TLS13-1-2-Res-PQ-2025-09",
  "TLS13-1-3-PQ-2025-09",
  "TLS13-1-2-Res-FIPS-PQ-2025-09",
  "TLS13-1-3-FIPS-PQ-2025-09",
].map((p) => `ELBSecurityPolicy-${p}`);

type Action = { type?: string; redirect?: { protocol?: string; port?: string } };
const actions = (props: Record<string, unknown>) => (props["defaultActions"] as Action[] | undefined) ?? [];
const isApplication = (props: Record<string, unknown>) => (props["loadBalancerType"] ?? "application") === "application";

export const httpRedirectsToHttps = resourcePolicy(
  {
    name: "elb-http-listener-redirects-to-https",
    row: 1,
    securityHub: ["ELB.1"],
    checkov: ["CKV_AWS_2", "CKV2_AWS_20"],
    description: "An HTTP listener's default action redirects to HTTPS, protocol set explicitly, port 80 to 443",
  },
  T.LISTENER,
  (p) => {
    if (p["protocol"] !== "HTTP") return undefined;
    const first = actions(p)[0];
    if (first?.type !== "redirect") return `HTTP listener on port ${String(p["port"])} forwards instead of redirecting to HTTPS`;
    const out: string[] = [];
    if (first.redirect?.protocol !== "HTTPS")
      out.push(`the redirect's protocol is ${String(first.redirect?.protocol ?? "unset")}, not an explicit HTTPS`);
    if (p["port"] === 80 && first.redirect?.port !== "443")
      out.push(`the port-80 redirect goes to port ${String(first.redirect?.port ?? "unset")}, not 443`);
    return out;
  },
);

export const secureListenerProtocol = resourcePolicy(
  {
    name: "elb-listener-uses-secure-protocol",
    row: 2,
    securityHub: ["ELB.18"],
    checkov: ["CKV_AWS_2"],
    description: "Every listener uses HTTPS (or TLS)",
  },
  T.LISTENER,
  (p) =>
    p["protocol"] === "HTTPS" || p["protocol"] === "TLS"
      ? undefined
      : `listener on port ${String(p["port"])} uses ${String(p["protocol"] ?? "HTTP")}`,
);

export const strongTlsPolicy = resourcePolicy(
  {
    name: "elb-listener-strong-tls-policy",
    row: 3,
    securityHub: ["ELB.17"],
    checkov: ["CKV_AWS_103", "CKV2_AWS_74"],
    description: `HTTPS/TLS listeners name one of the ELB.17 TLS 1.3 policies (${STRONG_TLS_POLICIES.join(", ")}); unset means ELBSecurityPolicy-2016-08`,
  },
  T.LISTENER,
  (p) => {
    if (p["protocol"] !== "HTTPS" && p["protocol"] !== "TLS") return undefined;
    const policy = p["sslPolicy"];
    return typeof policy === "string" && STRONG_TLS_POLICIES.includes(policy)
      ? undefined
      : `sslPolicy ${policy === undefined ? "is unset (AWS uses ELBSecurityPolicy-2016-08)" : String(policy)} is not a TLS 1.3 policy of ELB.17`;
  },
);

export const dropInvalidHeaders = resourcePolicy(
  {
    name: "elb-drops-invalid-headers",
    row: 4,
    securityHub: ["ELB.4"],
    checkov: ["CKV_AWS_131"],
    description: "An ALB drops invalid HTTP header fields",
  },
  T.LB,
  (p) =>
    !isApplication(p) || p["dropInvalidHeaderFields"] === true ? undefined : "dropInvalidHeaderFields is not true (it defaults to false)",
);

export const desyncMitigation = resourcePolicy(
  {
    name: "elb-desync-mitigation",
    row: 5,
    securityHub: ["ELB.12"],
    checkov: ["CKV_AWS_328"],
    description: "An ALB's desync mitigation mode is defensive or strictest",
  },
  T.LB,
  (p) =>
    !isApplication(p) || p["desyncMitigationMode"] === undefined || ["defensive", "strictest"].includes(String(p["desyncMitigationMode"]))
      ? undefined
      : `desyncMitigationMode is ${String(p["desyncMitigationMode"])}`,
);

export const accessLogs = resourcePolicy(
  {
    name: "elb-access-logs",
    row: 6,
    securityHub: ["ELB.5"],
    checkov: ["CKV_AWS_91"],
    description: "A load balancer writes access logs to a bucket",
  },
  T.LB,
  (p) => {
    const logs = p["accessLogs"] as { enabled?: boolean; bucket?: string } | undefined;
    return logs?.enabled === true && typeof logs.bucket === "string" && logs.bucket !== ""
      ? undefined
      : "accessLogs is not enabled with a bucket";
  },
);

export const lbDeletionProtection = resourcePolicy(
  {
    name: "elb-deletion-protection",
    row: 7,
    securityHub: ["ELB.6"],
    checkov: ["CKV_AWS_150"],
    description: "A load balancer has deletion protection",
  },
  T.LB,
  (p) => (p["enableDeletionProtection"] === true ? undefined : "enableDeletionProtection is not true"),
);

export const multiAzLoadBalancer = stackPolicy(
  {
    name: "elb-spans-two-azs",
    row: 8,
    securityHub: ["ELB.13"],
    checkov: [],
    description:
      "A load balancer's subnets span at least 2 AZs, and each target group's registered instances do too; when some are not in the stack (their AZ unknown), at least 2 distinct ones are listed",
  },
  (resources) => {
    const out: { urn?: string; message: string }[] = [];
    /**
     * Fewer than 2 AZs, as a message: counted by AZ when every reference resolves to a resource of
     * the stack; else (some AZ unknown) by distinct reference, which only one reference fails.
     */
    const tooFew = (refs: readonly unknown[], plural: string, listing: string, one: string): string | undefined => {
      const azs = azsOf(resources, refs);
      if (azs) {
        const count = new Set(azs).size;
        return count < 2 ? `${plural} cover ${count} AZ` : undefined;
      }
      return new Set(refs).size < 2 ? `${listing} only ${one} ${String(refs[0])}, not in this stack (AZ unknown)` : undefined;
    };
    for (const lb of ofType(resources, T.LB)) {
      const ids = [
        ...((lb.props["subnets"] as unknown[] | undefined) ?? []),
        ...((lb.props["subnetMappings"] as { subnetId?: unknown }[] | undefined) ?? []).map((m) => m.subnetId),
      ];
      const message = tooFew(ids, "subnets", "lists", "subnet");
      if (message) out.push({ urn: lb.urn, message });
    }
    for (const tg of ofType(resources, T.TARGET_GROUP)) {
      const targets = ofType(resources, T.ATTACHMENT).filter((a) => a.props["targetGroupArn"] === tg.props["arn"]);
      if (targets.length === 0) continue;
      const message = tooFew(
        targets.map((a) => a.props["targetId"]),
        "registered targets",
        "registers",
        "target",
      );
      if (message) out.push({ urn: tg.urn, message });
    }
    return out;
  },
);

export const wafOnPublicAlb = stackPolicy(
  {
    name: "elb-waf-on-public-alb",
    row: 9,
    securityHub: ["ELB.16"],
    checkov: ["CKV2_AWS_28"],
    description: "An internet-facing ALB is associated with a WAFv2 web ACL",
  },
  (resources) =>
    ofType(resources, T.LB)
      .filter((lb) => isApplication(lb.props) && lb.props["internal"] !== true)
      .filter((lb) => !ofType(resources, T.WAF_ASSOCIATION).some((a) => a.props["resourceArn"] === lb.props["arn"]))
      .map((lb) => ({ urn: lb.urn, message: "no WAFv2 web ACL is associated with this internet-facing ALB" })),
);

export const targetGroupHealthCheck = resourcePolicy(
  {
    name: "elb-target-group-https-health-check",
    row: 10,
    securityHub: ["ELB.21"],
    checkov: ["CKV_AWS_261"],
    description: "A target group's health check names a path and probes over HTTPS",
  },
  T.TARGET_GROUP,
  (p) => {
    const hc = (p["healthCheck"] ?? {}) as Record<string, unknown>;
    const out: string[] = [];
    if (typeof hc["path"] !== "string" || hc["path"] === "") out.push("healthCheck.path is not set");
    if (hc["protocol"] !== "HTTPS") out.push(`healthCheck.protocol is ${String(hc["protocol"] ?? "HTTP")}, not HTTPS`);
    return out;
  },
);

export const encryptedTargetProtocol = resourcePolicy(
  {
    name: "elb-target-group-encrypted-protocol",
    row: 11,
    securityHub: ["ELB.22"],
    checkov: ["CKV_AWS_378"],
    description: "A target group forwards over HTTPS",
  },
  T.TARGET_GROUP,
  (p) => (p["targetType"] === "lambda" || p["protocol"] === "HTTPS" ? undefined : `protocol is ${String(p["protocol"])}, not HTTPS`),
);

export const noWorldHttpIngress = stackPolicy(
  {
    name: "sg-no-world-ingress-on-port-80",
    row: 2,
    securityHub: [],
    checkov: ["CKV_AWS_260"],
    description: "No security group rule (inline or standalone) admits 0.0.0.0/0 or ::/0 on port 80",
  },
  (resources) =>
    stackRules(resources)
      .filter((rule) => rule.direction === "ingress" && isWorld(rule) && coversPort(rule, 80))
      .map((rule) => ({ urn: rule.resource.urn, message: `${rule.where} admits the internet on port 80` })),
);

export const ELB_POLICIES: readonly BaselinePolicy[] = [
  httpRedirectsToHttps,
  secureListenerProtocol,
  strongTlsPolicy,
  dropInvalidHeaders,
  desyncMitigation,
  accessLogs,
  lbDeletionProtection,
  multiAzLoadBalancer,
  wafOnPublicAlb,
  targetGroupHealthCheck,
  encryptedTargetProtocol,
  noWorldHttpIngress,
];
