import type { CapturedResource, StackGraph } from "./graph";

type Describer = (r: CapturedResource, g: StackGraph) => string;

const nameOf = (g: StackGraph, id: unknown) => g.byId(id)?.name ?? g.byArn(id)?.name ?? (id === undefined ? "?" : String(id));
const ports = (from: unknown, to: unknown) => (from === to ? String(from) : `${String(from)}-${String(to)}`);

/** The settings worth seeing per type, one line each. Types not listed show nothing extra. */
export const DESCRIBERS: Record<string, Describer> = {
  "aws:ec2/vpc:Vpc": (r) => `cidr ${String(r.inputs["cidrBlock"])}${r.inputs["assignGeneratedIpv6CidrBlock"] ? " +ipv6" : ""}`,
  "aws:ec2/subnet:Subnet": (r) => `${String(r.inputs["cidrBlock"])} in ${String(r.state["availabilityZone"])}`,
  "aws:ec2/natGateway:NatGateway": (r, g) =>
    `in ${nameOf(g, r.inputs["subnetId"])} (${String(g.byId(r.inputs["subnetId"])?.state["availabilityZone"])})`,
  "aws:ec2/route:Route": (r, g) =>
    `${String(r.inputs["destinationCidrBlock"] ?? r.inputs["destinationIpv6CidrBlock"])} → ${nameOf(g, r.inputs["gatewayId"] ?? r.inputs["natGatewayId"])}`,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": (r, g) =>
    `${nameOf(g, r.inputs["subnetId"])} → ${nameOf(g, r.inputs["routeTableId"])}`,
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": (r) =>
    `${(r.inputs["ingress"] as unknown[] | undefined)?.length ?? 0} ingress, ${(r.inputs["egress"] as unknown[] | undefined)?.length ?? 0} egress rules`,
  "aws:ec2/flowLog:FlowLog": (r) => `${String(r.inputs["trafficType"])} → ${String(r.inputs["logDestinationType"])}`,
  "aws:cloudwatch/logGroup:LogGroup": (r) => `retention ${String(r.inputs["retentionInDays"] ?? "never expires")} days`,
  "aws:ec2/securityGroup:SecurityGroup": (r) => String(r.inputs["description"] ?? ""),
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (r, g) =>
    `${String(r.inputs["ipProtocol"])}/${ports(r.inputs["fromPort"], r.inputs["toPort"])} from ${
      r.inputs["referencedSecurityGroupId"]
        ? nameOf(g, r.inputs["referencedSecurityGroupId"])
        : String(r.inputs["cidrIpv4"] ?? r.inputs["cidrIpv6"])
    } into ${nameOf(g, r.inputs["securityGroupId"])}`,
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (r, g) =>
    `${String(r.inputs["ipProtocol"])}/${ports(r.inputs["fromPort"], r.inputs["toPort"])} to ${
      r.inputs["referencedSecurityGroupId"]
        ? nameOf(g, r.inputs["referencedSecurityGroupId"])
        : String(r.inputs["cidrIpv4"] ?? r.inputs["cidrIpv6"])
    } from ${nameOf(g, r.inputs["securityGroupId"])}`,
};

Object.assign(DESCRIBERS, {
  "aws:lb/loadBalancer:LoadBalancer": (r, g) =>
    `${r.inputs["internal"] ? "internal" : "internet-facing"} ${String(r.inputs["ipAddressType"] ?? "ipv4")}, subnets in ${[
      ...new Set(((r.inputs["subnets"] as unknown[] | undefined) ?? []).map((s) => g.byId(s)?.state["availabilityZone"])),
    ].join("+")}, dropInvalidHeaders ${String(r.inputs["dropInvalidHeaderFields"] ?? false)}, desync ${String(
      r.inputs["desyncMitigationMode"] ?? "defensive",
    )}, idle ${String(r.inputs["idleTimeout"] ?? 60)} s, deletionProtection ${String(r.inputs["enableDeletionProtection"] ?? false)}, accessLogs ${
      (r.inputs["accessLogs"] as { enabled?: boolean } | undefined)?.enabled ? "on" : "off"
    }`,
  "aws:lb/targetGroup:TargetGroup": (r) => {
    const hc = (r.inputs["healthCheck"] ?? {}) as Record<string, unknown>;
    return `${String(r.inputs["protocol"])}:${String(r.inputs["port"])} ${String(r.inputs["loadBalancingAlgorithmType"] ?? "round_robin")}, health ${String(
      hc["path"],
    )} every ${String(hc["interval"])} s (timeout ${String(hc["timeout"])}, ${String(hc["healthyThreshold"])}/${String(
      hc["unhealthyThreshold"],
    )}), deregistration ${String(r.inputs["deregistrationDelay"] ?? 300)} s, stickiness ${
      (r.inputs["stickiness"] as { enabled?: boolean } | undefined)?.enabled ? "on" : "off"
    }`;
  },
  "aws:lb/listener:Listener": (r) => {
    const action = ((r.inputs["defaultActions"] as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
    const redirect = action["redirect"] as Record<string, unknown> | undefined;
    const to = redirect
      ? `redirect ${String(redirect["statusCode"])} → ${String(redirect["protocol"])}:${String(redirect["port"])}`
      : String(action["type"]);
    return `${String(r.inputs["protocol"])}:${String(r.inputs["port"])} ${to}${r.inputs["sslPolicy"] ? `, ${String(r.inputs["sslPolicy"])}` : ""}`;
  },
  "aws:ec2/instance:Instance": (r, g) => {
    const md = (r.inputs["metadataOptions"] ?? {}) as Record<string, unknown>;
    const root = (r.inputs["rootBlockDevice"] ?? {}) as Record<string, unknown>;
    return `${String(r.inputs["instanceType"])} ${String(r.inputs["ami"])} in ${String(g.byId(r.inputs["subnetId"])?.state["availabilityZone"])} ${String(
      r.state["privateIp"],
    )}, IMDS ${String(md["httpTokens"] ?? "optional")}, root ${String(root["volumeType"])} ${String(root["volumeSize"])} GiB ${
      root["encrypted"] ? "encrypted" : "UNENCRYPTED"
    }${r.inputs["associatePublicIpAddress"] ? ", PUBLIC IP" : ""}`;
  },
  "aws:ec2/launchTemplate:LaunchTemplate": (r) => {
    const md = (r.inputs["metadataOptions"] ?? {}) as Record<string, unknown>;
    const ebs = ((r.inputs["blockDeviceMappings"] as { ebs?: Record<string, unknown> }[] | undefined) ?? []).map((b) => b.ebs ?? {});
    const publicIp = ((r.inputs["networkInterfaces"] as Record<string, unknown>[] | undefined) ?? []).some(
      (n) => String(n["associatePublicIpAddress"]) === "true",
    );
    return `${String(r.inputs["instanceType"])} ${String(r.inputs["imageId"])}, IMDS ${String(md["httpTokens"] ?? "optional")} hop ${String(
      md["httpPutResponseHopLimit"] ?? "-",
    )}, ${ebs.map((e) => `${String(e["volumeType"])} ${String(e["volumeSize"])} GiB ${String(e["encrypted"]) === "true" ? "encrypted" : "UNENCRYPTED"}`).join(", ")}, monitoring ${
      (r.inputs["monitoring"] as { enabled?: boolean } | undefined)?.enabled ? "detailed" : "basic"
    }${publicIp ? ", PUBLIC IP" : ""}`;
  },
  "aws:autoscaling/group:Group": (r) => {
    const i = r.inputs;
    const refresh = i["instanceRefresh"] as { preferences?: Record<string, unknown> } | undefined;
    const p = refresh?.preferences ?? {};
    const alarms = (p["alarmSpecification"] as { alarms?: unknown[] } | undefined)?.alarms ?? [];
    return `min ${String(i["minSize"])} / desired ${String(i["desiredCapacity"] ?? i["minSize"])} / max ${String(i["maxSize"])} over ${String(
      (r.state["availabilityZones"] as unknown[] | undefined)?.join("+") ?? "?",
    )}, health ${String(i["healthCheckType"] ?? "EC2")} (grace ${String(i["healthCheckGracePeriod"] ?? 300)} s), template v${String(
      (i["launchTemplate"] as { version?: unknown } | undefined)?.version,
    )}${
      refresh
        ? `, refresh ${String(p["minHealthyPercentage"] ?? 90)}–${String(p["maxHealthyPercentage"] ?? 100)} % healthy${p["skipMatching"] ? ", skip matching" : ""}${
            alarms.length ? `, stopped by ${alarms.length} alarms` : ""
          }${p["autoRollback"] ? ", auto rollback" : ""}`
        : ""
    }`;
  },
  "aws:autoscaling/policy:Policy": (r) => {
    const t = r.inputs["targetTrackingConfiguration"] as
      { predefinedMetricSpecification?: { predefinedMetricType?: unknown }; targetValue?: unknown } | undefined;
    return t
      ? `target tracking ${String(t.predefinedMetricSpecification?.predefinedMetricType)} at ${String(t.targetValue)}`
      : String(r.inputs["policyType"] ?? "SimpleScaling");
  },
  "aws:cloudwatch/eventRule:EventRule": (r) => {
    let pattern: { "detail-type"?: string[] } = {};
    try {
      pattern = JSON.parse(String(r.inputs["eventPattern"])) as typeof pattern;
    } catch {
      // not JSON: shown as is below
    }
    return pattern["detail-type"] ? pattern["detail-type"].join(", ") : String(r.inputs["eventPattern"] ?? r.inputs["scheduleExpression"]);
  },
  "aws:acm/certificate:Certificate": (r) => `${String(r.inputs["domainName"])} validated by ${String(r.inputs["validationMethod"])}`,
  "aws:route53/record:Record": (r) =>
    `${String(r.inputs["type"])} ${String(r.inputs["name"])}${(r.inputs["aliases"] as unknown[] | undefined)?.length ? " → load balancer (alias)" : ""}`,
  "aws:s3/bucket:Bucket": (r) => String(r.state["bucket"]),
  "aws:lb/targetGroupAttachment:TargetGroupAttachment": (r, g) => `${nameOf(g, r.inputs["targetId"])} → port ${String(r.inputs["port"])}`,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (r) => String(r.inputs["policyArn"]),
  "aws:rds/instance:Instance": (r, g) => {
    const i = r.inputs;
    const replica = i["replicateSourceDb"] !== undefined;
    const head = replica
      ? `replica of ${g.byArn(i["replicateSourceDb"])?.name ?? String(i["replicateSourceDb"])} ${String(i["instanceClass"])}`
      : `mysql ${String(i["engineVersion"])} ${String(i["instanceClass"])} ${String(i["storageType"])} ${String(i["allocatedStorage"])}→${String(i["maxAllocatedStorage"])} GiB, backups ${String(i["backupRetentionPeriod"])} d`;
    return `${head}, ${i["multiAz"] ? "Multi-AZ" : `in ${String(r.state["availabilityZone"])}`}, ${i["storageEncrypted"] ? "encrypted" : "UNENCRYPTED"}, ${
      i["publiclyAccessible"] ? "PUBLIC" : "private"
    }, deletionProtection ${String(i["deletionProtection"] ?? false)}, monitoring ${String(i["monitoringInterval"] ?? 0)} s${
      i["performanceInsightsEnabled"] ? ", PI" : ""
    }`;
  },
  "aws:rds/parameterGroup:ParameterGroup": (r) =>
    `${String(r.inputs["family"])}: ${((r.inputs["parameters"] as { name: string; value: string }[] | undefined) ?? []).map((p) => `${p.name}=${p.value}`).join(" ")}`,
  "aws:ssm/parameter:Parameter": (r) => `${String(r.inputs["name"])} (${String(r.inputs["type"])})`,
  "aws:iam/rolePolicy:RolePolicy": (r) => `inline policy on ${String(r.inputs["role"])}`,
  "aws:cloudwatch/metricAlarm:MetricAlarm": (r) => {
    const i = r.inputs;
    const ops: Record<string, string> = {
      GreaterThanOrEqualToThreshold: "≥",
      GreaterThanThreshold: ">",
      LessThanThreshold: "<",
      LessThanOrEqualToThreshold: "≤",
    };
    const dims = Object.values((i["dimensions"] ?? {}) as Record<string, unknown>)
      .map(String)
      .join(",");
    const actions = ((i["alarmActions"] as string[] | undefined) ?? [])
      .map((a) => (a.includes(":automate:") ? "recover" : a.split(":")[2]))
      .join("+");
    return `${String(i["metricName"])}[${dims}] ${String(i["extendedStatistic"] ?? i["statistic"])} ${ops[String(i["comparisonOperator"])] ?? String(i["comparisonOperator"])} ${String(
      i["threshold"],
    )} over ${String(i["evaluationPeriods"])}×${String(i["period"])} s, missing=${String(i["treatMissingData"])} → ${actions}`;
  },
  "aws:sns/topicSubscription:TopicSubscription": (r) => `${String(r.inputs["protocol"])} ${String(r.inputs["endpoint"])}`,
} satisfies Record<string, Describer>);

export function describe(r: CapturedResource, g: StackGraph): string {
  const d = DESCRIBERS[r.type];
  return d ? d(r, g) : "";
}

/** Short type for display: `aws:ec2/subnet:Subnet` → `ec2.Subnet`. */
export function shortType(type: string): string {
  const m = /^([\w-]+):([\w-]+)\/[\w-]+:(\w+)$/.exec(type);
  if (m) return `${m[2] === "index" ? m[1] : m[2]}.${m[3]}`;
  return type;
}

/** The resource tree by component, one line per resource with its key settings. */
export function renderTree(g: StackGraph): string {
  const lines: string[] = [];
  const walk = (r: CapturedResource, depth: number) => {
    const detail = describe(r, g);
    const flags = [
      r.options.protect ? "protect" : "",
      r.options.ignoreChanges.length ? `ignoreChanges ${r.options.ignoreChanges.join(",")}` : "",
    ]
      .filter(Boolean)
      .join(", ");
    lines.push(
      `${"  ".repeat(depth)}${r.custom ? "" : "▸ "}${shortType(r.type)} ${r.name}${detail ? `  ${detail}` : ""}${flags ? `  [${flags}]` : ""}`,
    );
    for (const c of g.children(r.urn)) walk(c, depth + 1);
  };
  for (const root of g.resources.filter((r) => r.parent === undefined)) walk(root, 0);
  return lines.join("\n");
}

export function renderCounts(g: StackGraph): string {
  const counts = g.counts();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const width = Math.max(...Object.keys(counts).map((t) => shortType(t).length), 5);
  return [
    ...Object.entries(counts).map(([t, n]) => `${shortType(t).padEnd(width)}  ${String(n).padStart(3)}`),
    `${"total".padEnd(width)}  ${String(total).padStart(3)}`,
  ].join("\n");
}

export function renderOutputs(g: StackGraph): string {
  return Object.entries(g.outputs)
    .map(([k, v]) => `${k}: ${g.secretOutputs.includes(k) ? "[secret]" : typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("\n");
}
