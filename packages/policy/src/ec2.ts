import { gunzipSync } from "node:zlib";
import type { PolicyResource } from "@pulumi/policy";
import {
  arr,
  BaselinePolicy,
  byRef,
  Finding,
  launchTemplateOf,
  launchTemplateRefs,
  nonEmpty,
  obj,
  ofType,
  Props,
  resourcePolicy,
  routeTableOf,
  routesOf,
  stackPolicy,
} from "./policy";
import { allProtocols, coversPort, isWorld, SgRule, stackRules } from "./securityGroups";
import { ANY_IPV4, T } from "./types";

/** Launch template booleans are strings ("true"/"false") in @pulumi/aws v7. */
const isTrue = (v: unknown) => v === true || v === "true";
const isFalse = (v: unknown) => v === false || v === "false";
const shown = (v: unknown) => (typeof v === "string" ? `"${v}"` : String(v));
const isInstance = (type: string) => (T.INSTANCE as readonly string[]).includes(type);

/** The ports EC2.19 (and EC2.13/14/53/54, CKV_AWS_24/25/277) must never open to the internet. */
export const RISKY_PORTS: readonly number[] = [
  20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300,
];

/** The interface endpoints the SSM agent needs when an instance has no route to the internet. */
export const SSM_ENDPOINT_SERVICES: readonly string[] = ["ssm", "ec2messages", "ssmmessages"];

const SSM_CORE_POLICY = ":policy/AmazonSSMManagedInstanceCore";

/** What the SSM agent must be allowed for Session Manager: registering the instance and opening session channels. */
export const SSM_AGENT_ACTIONS: readonly string[] = [
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
];

/** The actions an inline policy document allows by name (Allow statements' `Action`, lower-cased; no wildcard expansion). */
function allowedActions(policy: unknown): Set<string> {
  let doc: unknown = policy;
  try {
    if (typeof doc === "string") doc = JSON.parse(doc);
  } catch {
    return new Set();
  }
  const statements = [obj(doc)["Statement"]].flat() as unknown[];
  return new Set(
    statements
      .map(obj)
      .filter((st) => st["Effect"] === "Allow")
      .flatMap((st) => [st["Action"]].flat())
      .filter(nonEmpty)
      .map((a) => a.toLowerCase()),
  );
}

/** The provider's description for a security group that sets none. */
const DEFAULT_SG_DESCRIPTION = "Managed by Pulumi";

const isTcp = (rule: SgRule) => rule.protocol === "tcp" || rule.protocol === "6";

/** `tcp 22`, `tcp 0-65535`, `all protocols`: what a rule admits, for messages. */
function portsOf(rule: SgRule): string {
  if (allProtocols(rule)) return "all protocols";
  const from = rule.fromPort === undefined ? "?" : String(rule.fromPort);
  const to = rule.toPort === undefined ? "?" : String(rule.toPort);
  return `${rule.protocol} ${from === to ? from : `${from}-${to}`}`;
}

export const imdsv2Required = resourcePolicy(
  {
    name: "ec2-imdsv2-required",
    row: 12,
    securityHub: ["EC2.8", "EC2.170"],
    checkov: ["CKV_AWS_79", "CKV_AWS_341"],
    description:
      'An instance or launch template sets metadataOptions.httpTokens to "required" (unset fails: launch templates default to optional), and metadataOptions.httpPutResponseHopLimit, if set, is 1',
  },
  [...T.INSTANCE, ...T.LAUNCH_TEMPLATE],
  (p) => {
    const meta = obj(p["metadataOptions"]);
    const out: string[] = [];
    const tokens = meta["httpTokens"];
    if (tokens !== "required") out.push(`metadataOptions.httpTokens is ${tokens === undefined ? "unset" : String(tokens)}, not "required"`);
    const hops = meta["httpPutResponseHopLimit"];
    if (hops !== undefined && hops !== null && Number(hops) !== 1)
      out.push(`metadataOptions.httpPutResponseHopLimit is ${String(hops)}, not 1`);
    return out;
  },
);

export const noPublicIp = stackPolicy(
  {
    name: "ec2-no-public-ip",
    row: 13,
    securityHub: ["EC2.9", "EC2.25"],
    checkov: ["CKV_AWS_88"],
    description:
      'An instance does not set associatePublicIpAddress to true, nor sits in a subnet with mapPublicIpOnLaunch true unless it sets associatePublicIpAddress to false; no launch template network interface sets associatePublicIpAddress "true"; an Auto Scaling group with a vpcZoneIdentifiers subnet that maps public IPs on launch uses launch templates of this stack whose first network interface sets associatePublicIpAddress "false"',
  },
  (resources) => {
    const out: Finding[] = [];
    for (const vm of ofType(resources, T.INSTANCE)) {
      const assoc = vm.props["associatePublicIpAddress"];
      if (assoc === true) {
        out.push({ urn: vm.urn, message: "associatePublicIpAddress is true" });
        continue;
      }
      const subnet = byRef(resources, vm.props["subnetId"]);
      if (subnet?.props["mapPublicIpOnLaunch"] === true && assoc !== false) {
        out.push({
          urn: vm.urn,
          message: `subnet ${subnet.name} maps public IPs on launch and associatePublicIpAddress is not set to false`,
        });
      }
    }
    for (const lt of ofType(resources, T.LAUNCH_TEMPLATE)) {
      arr(lt.props["networkInterfaces"]).forEach((ni, i) => {
        const assoc = obj(ni)["associatePublicIpAddress"];
        if (isTrue(assoc)) out.push({ urn: lt.urn, message: `networkInterfaces[${i}].associatePublicIpAddress is ${shown(assoc)}` });
      });
    }
    // A group's instances take its subnets' mapPublicIpOnLaunch unless the template's interface opts out.
    for (const group of ofType(resources, T.AUTOSCALING_GROUP)) {
      const mapping = arr(group.props["vpcZoneIdentifiers"])
        .map((ref) => byRef(resources, ref))
        .filter((subnet): subnet is PolicyResource => subnet?.props["mapPublicIpOnLaunch"] === true);
      if (mapping.length === 0) continue;
      const where = `subnet ${mapping.map((subnet) => subnet.name).join(", ")} maps public IPs on launch`;
      for (const ref of launchTemplateRefs(group.props)) {
        const lt = launchTemplateOf(resources, ref);
        const named = String(nonEmpty(ref.id) ? ref.id : ref.name);
        if (!lt)
          out.push({
            urn: group.urn,
            message: `${where}, and launch template ${named} is not in this stack, so its opt-out cannot be checked`,
          });
        else if (!isFalse(obj(arr(lt.props["networkInterfaces"])[0])["associatePublicIpAddress"])) {
          out.push({
            urn: group.urn,
            message: `${where}, and launch template ${lt.name} does not set networkInterfaces[0].associatePublicIpAddress to "false"`,
          });
        }
      }
    }
    return out;
  },
);

export const subnetNoAutoPublicIp = resourcePolicy(
  {
    name: "ec2-subnet-no-auto-public-ip",
    row: 14,
    securityHub: ["EC2.15"],
    checkov: ["CKV_AWS_130"],
    description: "A subnet does not set mapPublicIpOnLaunch to true (load balancers and NAT gateways do not need it)",
  },
  T.SUBNET,
  (p) => (p["mapPublicIpOnLaunch"] === true ? "mapPublicIpOnLaunch is true" : undefined),
);

export const ebsEncrypted = resourcePolicy(
  {
    name: "ec2-ebs-encrypted",
    row: 15,
    securityHub: ["EC2.3", "EC2.181"],
    checkov: ["CKV_AWS_8"],
    description:
      'An instance sets rootBlockDevice.encrypted and every ebsBlockDevices[*].encrypted to true (unset is false); a launch template lists blockDeviceMappings and every EBS mapping sets ebs.encrypted "true"',
  },
  [...T.INSTANCE, ...T.LAUNCH_TEMPLATE],
  (p, args) => {
    const out: string[] = [];
    if ((T.INSTANCE as readonly string[]).includes(args.type)) {
      const root = obj(p["rootBlockDevice"])["encrypted"];
      if (root !== true)
        out.push(`rootBlockDevice.encrypted is ${root === undefined ? "unset (it defaults to false)" : String(root)}, not true`);
      arr(p["ebsBlockDevices"]).forEach((d, i) => {
        const dev = obj(d);
        if (dev["encrypted"] !== true) out.push(`ebsBlockDevices[${i}] (${String(dev["deviceName"])}) is not encrypted`);
      });
      return out;
    }
    const mappings = arr(p["blockDeviceMappings"]).map(obj);
    if (!mappings.some((m) => m["ebs"] !== undefined && m["ebs"] !== null)) {
      return "no blockDeviceMappings with ebs: volumes take the AMI's defaults, which are unencrypted";
    }
    mappings.forEach((m, i) => {
      if (m["ebs"] === undefined || m["ebs"] === null) return;
      const encrypted = obj(m["ebs"])["encrypted"];
      if (!isTrue(encrypted)) {
        out.push(
          `blockDeviceMappings[${i}] (${String(m["deviceName"])}) ebs.encrypted is ${encrypted === undefined ? "unset" : shown(encrypted)}, not "true"`,
        );
      }
    });
    return out;
  },
);

export const detailedMonitoring = resourcePolicy(
  {
    name: "ec2-detailed-monitoring-ebs-optimized",
    row: 16,
    securityHub: [],
    checkov: ["CKV_AWS_126", "CKV_AWS_135"],
    description:
      'An instance sets monitoring (detailed monitoring) and ebsOptimized to true; a launch template sets monitoring.enabled to true and ebsOptimized to "true"',
  },
  [...T.INSTANCE, ...T.LAUNCH_TEMPLATE],
  (p, args) =>
    isInstance(args.type)
      ? [
          p["monitoring"] === true ? undefined : "monitoring is not true (detailed monitoring is off)",
          p["ebsOptimized"] === true ? undefined : "ebsOptimized is not true",
        ]
      : [
          obj(p["monitoring"])["enabled"] === true ? undefined : "monitoring.enabled is not true (detailed monitoring is off)",
          isTrue(p["ebsOptimized"]) ? undefined : 'ebsOptimized is not "true"',
        ],
);

/** Secrets that must never be in user data (readable by anyone with ec2:DescribeInstanceAttribute). */
const USER_DATA_SECRETS: readonly { pattern: RegExp; what: (m: RegExpExecArray) => string }[] = [
  { pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, what: () => "an AWS access key id" },
  { pattern: /aws_secret_access_key['"]?\s*[=:]\s*['"]?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/i, what: () => "an AWS secret access key" },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: () => "a private key" },
  {
    // DB_PASSWORD=..., password: ..., "token": "...": a literal value, not a $VARIABLE or $(command).
    pattern: /\b((?:[A-Za-z0-9]+_)*(?:pass(?:word)?|secret|token))['"]?\s*[=:]\s*['"]?[^\s'"$]{6,}/i,
    what: (m) => `a literal value for ${m[1]}`,
  },
];

/**
 * Base64 text decoded, and gunzipped when it is gzip (cloud-init reads gzipped user data);
 * undefined when the text is not base64.
 */
export function decodeUserData(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, "base64");
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.toString("utf8");
  try {
    return gunzipSync(bytes).toString("utf8");
  } catch {
    return undefined;
  }
}

/**
 * The user data a resource passes, as text: an instance's `userData` is plain text and its
 * `userDataBase64` base64; a launch template's `userData` is base64 (scanned as given if it is not).
 */
function userDataOf(props: Props, type: string): string {
  const text = (v: unknown, base64: boolean) => (typeof v !== "string" ? "" : base64 ? (decodeUserData(v) ?? v) : v);
  if (!isInstance(type)) return text(props["userData"], true);
  return [text(props["userData"], false), text(props["userDataBase64"], true)].filter(Boolean).join("\n");
}

export const ssmManagedInstance = stackPolicy(
  {
    name: "ec2-ssm-managed",
    row: 17,
    securityHub: ["SSM.1"],
    checkov: ["CKV2_AWS_41"],
    description:
      "An instance names an iamInstanceProfile (a launch template iamInstanceProfile.name or .arn) of this stack whose role has a RolePolicyAttachment of AmazonSSMManagedInstanceCore, or an inline policy (RolePolicy) that allows the SSM agent's Session Manager actions by name",
  },
  (resources) => {
    const out: Finding[] = [];
    for (const vm of ofType(resources, [...T.INSTANCE, ...T.LAUNCH_TEMPLATE])) {
      const report = (message: string) => out.push({ urn: vm.urn, message });
      const given = vm.props["iamInstanceProfile"];
      const ref = isInstance(vm.type) ? given : [obj(given)["name"], obj(given)["arn"]].find(nonEmpty);
      if (!nonEmpty(ref)) {
        report("iamInstanceProfile is unset");
        continue;
      }
      const profile = ofType(resources, T.IAM_INSTANCE_PROFILE).find((ip) =>
        [ip.props["name"], ip.props["id"], ip.props["arn"]].includes(ref),
      );
      const role = profile?.props["role"];
      if (!profile) report(`instance profile ${ref} is not defined in this stack, so its SSM permissions cannot be checked`);
      else if (!nonEmpty(role)) report(`instance profile ${profile.name} has no role`);
      else if (
        !ofType(resources, T.IAM_ROLE_POLICY_ATTACHMENT).some(
          (a) => a.props["role"] === role && typeof a.props["policyArn"] === "string" && a.props["policyArn"].endsWith(SSM_CORE_POLICY),
        ) &&
        !ofType(resources, T.IAM_ROLE_POLICY).some(
          (rp) => rp.props["role"] === role && SSM_AGENT_ACTIONS.every((a) => allowedActions(rp.props["policy"]).has(a.toLowerCase())),
        )
      ) {
        report(
          `role ${role} of instance profile ${profile.name} has neither an AmazonSSMManagedInstanceCore attachment nor an inline policy allowing ${SSM_AGENT_ACTIONS.join(", ")}`,
        );
      }
    }
    return out;
  },
);

/**
 * The user data scan reads inputs: the AWS provider keeps only a SHA-1 of
 * `userData` in state, so a stack policy (which sees outputs) would find nothing.
 */
export const noSecretsInUserData = resourcePolicy(
  {
    name: "ec2-no-secrets-in-user-data",
    row: 17,
    securityHub: [],
    checkov: ["CKV_AWS_46"],
    description:
      "An instance's userData or userDataBase64, or a launch template's userData (base64, gzip or not), holds no AWS access key id, secret access key, private key, or literal password/secret/token assignment",
  },
  [...T.INSTANCE, ...T.LAUNCH_TEMPLATE],
  (props, args) => {
    const userData = userDataOf(props, args.type);
    if (!userData) return undefined;
    return USER_DATA_SECRETS.map(({ pattern, what }) => {
      const m = pattern.exec(userData);
      return m ? `userData contains ${what(m)}` : undefined;
    });
  },
);

export const singleEni = stackPolicy(
  {
    name: "ec2-single-eni-source-dest-check",
    row: 18,
    securityHub: ["EC2.17", "EC2.180"],
    checkov: [],
    description:
      "An instance keeps sourceDestCheck (not false), lists at most one networkInterfaces entry and no secondaryNetworkInterfaces; a launch template lists at most one networkInterfaces entry; and no NetworkInterfaceAttachment attaches another interface to an instance",
  },
  (resources) => {
    const out: Finding[] = [];
    for (const vm of ofType(resources, T.INSTANCE)) {
      if (vm.props["sourceDestCheck"] === false) out.push({ urn: vm.urn, message: "sourceDestCheck is false" });
      const enis = arr(vm.props["networkInterfaces"]).length;
      if (enis > 1) out.push({ urn: vm.urn, message: `networkInterfaces lists ${enis} interfaces, not 1` });
      const secondary = arr(vm.props["secondaryNetworkInterfaces"]).length;
      if (secondary > 0) out.push({ urn: vm.urn, message: `secondaryNetworkInterfaces attaches ${secondary} more interface(s)` });
    }
    for (const lt of ofType(resources, T.LAUNCH_TEMPLATE)) {
      const enis = arr(lt.props["networkInterfaces"]).length;
      if (enis > 1) out.push({ urn: lt.urn, message: `networkInterfaces lists ${enis} interfaces, not 1` });
    }
    for (const a of ofType(resources, T.NETWORK_INTERFACE_ATTACHMENT)) {
      const vm = byRef(resources, a.props["instanceId"]);
      out.push({ urn: a.urn, message: `attaches a secondary network interface to instance ${vm?.name ?? String(a.props["instanceId"])}` });
    }
    return out;
  },
);

export const defaultSecurityGroupClosed = stackPolicy(
  {
    name: "ec2-default-security-group-closed",
    row: 19,
    securityHub: ["EC2.2"],
    checkov: ["CKV2_AWS_12"],
    description: "Every VPC's default security group is managed by a DefaultSecurityGroup whose ingress and egress are both empty lists",
  },
  (resources) => {
    const out: Finding[] = [];
    const groups = ofType(resources, T.DEFAULT_SECURITY_GROUP);
    for (const vpc of ofType(resources, T.VPC)) {
      if (!groups.some((g) => g.props["vpcId"] === vpc.props["id"])) {
        out.push({
          urn: vpc.urn,
          message: "no DefaultSecurityGroup manages this VPC's default security group, so AWS's default rules stay",
        });
      }
    }
    for (const g of groups) {
      for (const direction of ["ingress", "egress"] as const) {
        const rules = g.props[direction];
        if (!Array.isArray(rules)) out.push({ urn: g.urn, message: `${direction} is unset, not an empty list` });
        else if (rules.length > 0) out.push({ urn: g.urn, message: `${direction} has ${rules.length} rule(s), not none` });
      }
    }
    return out;
  },
);

const worldIngress = (resources: readonly PolicyResource[]) =>
  stackRules(resources).filter((rule) => rule.direction === "ingress" && isWorld(rule));

export const worldIngressOnlyWeb = stackPolicy(
  {
    name: "ec2-world-ingress-only-http-https",
    row: 20,
    securityHub: ["EC2.18"],
    checkov: [],
    description:
      "A security group rule (inline or standalone) that admits 0.0.0.0/0 or ::/0 is tcp with fromPort equal to toPort, 80 or 443",
  },
  (resources) =>
    worldIngress(resources)
      .filter((rule) => !(isTcp(rule) && rule.fromPort === rule.toPort && (rule.fromPort === 80 || rule.fromPort === 443)))
      .map((rule) => ({
        urn: rule.resource.urn,
        message: `${rule.where} admits the internet on ${portsOf(rule)}, not only tcp 80 or 443`,
      })),
);

export const noWorldRiskyPorts = stackPolicy(
  {
    name: "ec2-no-world-risky-ports",
    row: 21,
    securityHub: ["EC2.19", "EC2.13", "EC2.14", "EC2.53", "EC2.54"],
    checkov: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"],
    description: `No security group rule (inline or standalone) admits 0.0.0.0/0 or ::/0 with protocol -1, or on a port range covering any of ${RISKY_PORTS.join(", ")}`,
  },
  (resources) =>
    worldIngress(resources).flatMap((rule): Finding[] => {
      if (allProtocols(rule)) return [{ urn: rule.resource.urn, message: `${rule.where} admits the internet on all protocols and ports` }];
      const risky = RISKY_PORTS.filter((port) => coversPort(rule, port));
      return risky.length
        ? [{ urn: rule.resource.urn, message: `${rule.where} admits the internet on ${portsOf(rule)}, which covers ${risky.join(", ")}` }]
        : [];
    }),
);

export const securityGroupHygiene = stackPolicy(
  {
    name: "ec2-security-group-hygiene",
    row: 22,
    securityHub: [],
    checkov: ["CKV_AWS_23", "CKV_AWS_382", "CKV2_AWS_5"],
    description: `A security group has a description other than the provider default "${DEFAULT_SG_DESCRIPTION}"; every rule (inline or standalone) has a description; no egress rule with protocol -1 goes to 0.0.0.0/0 or ::/0; every security group is attached to an instance, launch template, load balancer, RDS instance or VPC endpoint; and no group has both inline rules and standalone rule resources`,
  },
  (resources) => {
    const out: Finding[] = [];
    const attached = new Set<unknown>([
      ...ofType(resources, T.INSTANCE).flatMap((r) => arr(r.props["vpcSecurityGroupIds"])),
      ...ofType(resources, T.LAUNCH_TEMPLATE).flatMap((r) => [
        ...arr(r.props["vpcSecurityGroupIds"]),
        ...arr(r.props["networkInterfaces"]).flatMap((ni) => arr(obj(ni)["securityGroups"])),
      ]),
      ...ofType(resources, T.LB).flatMap((r) => arr(r.props["securityGroups"])),
      ...ofType(resources, T.DB_INSTANCE).flatMap((r) => arr(r.props["vpcSecurityGroupIds"])),
      ...ofType(resources, T.VPC_ENDPOINT).flatMap((r) => arr(r.props["securityGroupIds"])),
    ]);
    const rules = stackRules(resources);
    for (const sg of ofType(resources, T.SECURITY_GROUP)) {
      const description = sg.props["description"];
      if (!nonEmpty(description) || description === DEFAULT_SG_DESCRIPTION) {
        out.push({ urn: sg.urn, message: `description is unset or the provider default "${DEFAULT_SG_DESCRIPTION}"` });
      }
      if (!attached.has(sg.props["id"])) {
        out.push({ urn: sg.urn, message: "not attached to any instance, launch template, load balancer, RDS instance or VPC endpoint" });
      }
      const inline = rules.filter((rule) => rule.inline && rule.groupId === sg.props["id"]).length;
      const standalone = rules.filter((rule) => !rule.inline && rule.groupId === sg.props["id"]);
      if (inline > 0 && standalone.length > 0) {
        out.push({
          urn: sg.urn,
          message: `inline rules are mixed with standalone rule resources (${standalone.map((rule) => rule.where).join(", ")})`,
        });
      }
    }
    for (const rule of rules) {
      if (!nonEmpty(rule.description)) out.push({ urn: rule.resource.urn, message: `${rule.where} has no description` });
      if (rule.direction === "egress" && allProtocols(rule) && isWorld(rule)) {
        out.push({ urn: rule.resource.urn, message: `${rule.where} allows all egress (protocol -1) to the internet` });
      }
    }
    return out;
  },
);

export const vpcFlowLogs = stackPolicy(
  {
    name: "ec2-vpc-flow-logs",
    row: 23,
    securityHub: ["EC2.6"],
    checkov: ["CKV2_AWS_11"],
    description: 'Every VPC has a FlowLog (vpcId = the VPC) whose trafficType is "REJECT" or "ALL"',
  },
  (resources) =>
    ofType(resources, T.VPC).flatMap((vpc): Finding[] => {
      const logs = ofType(resources, T.FLOW_LOG).filter((l) => l.props["vpcId"] === vpc.props["id"]);
      if (logs.length === 0) return [{ urn: vpc.urn, message: "no flow log records this VPC's traffic" }];
      if (logs.some((l) => l.props["trafficType"] === "REJECT" || l.props["trafficType"] === "ALL")) return [];
      const types = logs.map((l) => String(l.props["trafficType"] ?? "unset")).join(", ");
      return [{ urn: vpc.urn, message: `flow logs record only ${types} traffic, not REJECT or ALL` }];
    }),
);

/** Whether a route table sends 0.0.0.0/0 to a NAT gateway or a gateway (standalone Route or inline routes). */
function hasDefaultRoute(resources: readonly PolicyResource[], routeTableId: unknown): boolean {
  return routesOf(resources, routeTableId).some((r) => r.cidrBlock === ANY_IPV4 && (nonEmpty(r.natGatewayId) || nonEmpty(r.gatewayId)));
}

export const ssmEndpointsWithoutNat = stackPolicy(
  {
    name: "ec2-vpc-endpoints-without-nat",
    row: 24,
    securityHub: ["EC2.57"],
    checkov: [],
    description: `An instance's subnet (each vpcZoneIdentifiers subnet of an Auto Scaling group) has a 0.0.0.0/0 route (standalone Route or inline routes of its route table) to a NAT gateway or gateway, or its VPC has Interface VpcEndpoints whose serviceName ends with ${SSM_ENDPOINT_SERVICES.map((s) => `.${s}`).join(", ")}`,
  },
  (resources) => {
    /** Why instances in this subnet cannot reach SSM, if they cannot. */
    const unreachable = (subnetRef: unknown): string | undefined => {
      const subnet = byRef(resources, subnetRef);
      if (!subnet || hasDefaultRoute(resources, routeTableOf(resources, subnet))) return undefined;
      const vpcId = subnet.props["vpcId"];
      const endpoints = ofType(resources, T.VPC_ENDPOINT).filter(
        (e) => e.props["vpcId"] === vpcId && e.props["vpcEndpointType"] === "Interface",
      );
      const missing = SSM_ENDPOINT_SERVICES.filter((s) => !endpoints.some((e) => String(e.props["serviceName"] ?? "").endsWith(`.${s}`)));
      if (missing.length === 0) return undefined;
      const vpc = byRef(resources, vpcId)?.name ?? String(vpcId);
      return `subnet ${subnet.name} has no default route to a NAT gateway or gateway, and VPC ${vpc} has no interface endpoint for ${missing.join(", ")}`;
    };
    const out: Finding[] = [];
    for (const vm of ofType(resources, T.INSTANCE)) {
      const message = unreachable(vm.props["subnetId"]);
      if (message) out.push({ urn: vm.urn, message });
    }
    for (const group of ofType(resources, T.AUTOSCALING_GROUP)) {
      for (const ref of new Set(arr(group.props["vpcZoneIdentifiers"]))) {
        const message = unreachable(ref);
        if (message) out.push({ urn: group.urn, message });
      }
    }
    return out;
  },
);

export const EC2_POLICIES: readonly BaselinePolicy[] = [
  imdsv2Required,
  noPublicIp,
  subnetNoAutoPublicIp,
  ebsEncrypted,
  detailedMonitoring,
  ssmManagedInstance,
  noSecretsInUserData,
  singleEni,
  defaultSecurityGroupClosed,
  worldIngressOnlyWeb,
  noWorldRiskyPorts,
  securityGroupHygiene,
  vpcFlowLogs,
  ssmEndpointsWithoutNat,
];
