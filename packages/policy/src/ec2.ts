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
import { ANY_IPV4, ANY_IPV6, T } from "./types";

/** Launch template booleans are strings ("true"/"false") in @pulumi/aws v7. */
const isTrue = (v: unknown) => v === true || v === "true";
const isFalse = (v: unknown) => v === false || v === "false";
const shown = (v: unknown) => (typeof v === "string" ? `"${v}"` : String(v));
const isInstance = (type: string) => (T.INSTANCE as readonly string[]).includes(type);

/** The ports EC2.19 calls high risk; of them, EC2.13 and CKV_AWS_24 check 22, EC2.14 and CKV_AWS_25 3389, EC2.53 and EC2.54 both. */
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

/** The subnet of the stack a reference names, if it is one. */
const subnetOf = (resources: readonly PolicyResource[], ref: unknown): PolicyResource | undefined =>
  ofType(resources, T.SUBNET).find((s) => s === byRef(resources, ref));

/*
 * A subnet that is not in the stack (or none: the default VPC, whose subnets map public IPs on
 * launch) may give instances a public IP, so only an explicit associatePublicIpAddress false keeps
 * them private there. An existing interface at device 0 never gets one at launch: EC2 assigns a
 * public IP only to an interface it creates. Elastic IPs give one whatever the subnet says.
 */
export const noPublicIp = stackPolicy(
  {
    name: "ec2-no-public-ip",
    row: 13,
    securityHub: ["EC2.9", "EC2.25"],
    checkov: ["CKV_AWS_88"],
    description:
      'An instance never sets associatePublicIpAddress to true, and sets it to false unless its subnet (subnetId, else its launch template\'s networkInterfaces[0].subnetId) is a subnet of this stack that does not map public IPs on launch (unset means the default VPC); no launch template network interface sets associatePublicIpAddress "true", and a template whose networkInterfaces[0].subnetId maps public IPs, is not in this stack, or is unset while no Auto Scaling group or instance of this stack launches it sets it "false"; an Auto Scaling group whose vpcZoneIdentifiers are unset, not in this stack, or map public IPs on launch uses launch templates of this stack whose networkInterfaces[0] sets associatePublicIpAddress "false"; no Elastic IP is associated with an instance (Eip instance or networkInterface, or an EipAssociation instanceId or networkInterfaceId); a NAT gateway\'s Elastic IP is fine',
  },
  (resources) => {
    const out: Finding[] = [];
    const templatesOf = (r: PolicyResource) =>
      launchTemplateRefs(r.props)
        .map((ref) => launchTemplateOf(resources, ref))
        .filter((lt): lt is PolicyResource => lt !== undefined);
    const launched = new Set(ofType(resources, [...T.INSTANCE, ...T.AUTOSCALING_GROUP]).flatMap(templatesOf));

    for (const vm of ofType(resources, T.INSTANCE)) {
      const own = vm.props["associatePublicIpAddress"];
      if (own === true) {
        out.push({ urn: vm.urn, message: "associatePublicIpAddress is true" });
        continue;
      }
      // What the instance leaves unset, its launch template's first interface decides.
      const nic = obj(arr(templatesOf(vm)[0]?.props["networkInterfaces"])[0]);
      const optOut = own === false || ((own === undefined || own === null) && isFalse(nic["associatePublicIpAddress"]));
      if (optOut || arr(vm.props["networkInterfaces"]).length > 0) continue;
      const ref = nonEmpty(vm.props["subnetId"]) ? vm.props["subnetId"] : nic["subnetId"];
      const subnet = subnetOf(resources, ref);
      const message = subnet
        ? subnet.props["mapPublicIpOnLaunch"] === true
          ? `subnet ${subnet.name} maps public IPs on launch and associatePublicIpAddress is not set to false`
          : undefined
        : nonEmpty(ref)
          ? `subnet ${ref} is not in this stack, so it may map public IPs on launch, and associatePublicIpAddress is not set to false; set it to false, or use a subnet of this stack`
          : "subnetId is unset, so the instance launches into the default VPC, whose subnets map public IPs on launch, and associatePublicIpAddress is not set to false; set subnetId to a private subnet of this stack, or associatePublicIpAddress to false";
      if (message) out.push({ urn: vm.urn, message });
    }

    for (const lt of ofType(resources, T.LAUNCH_TEMPLATE)) {
      const nics = arr(lt.props["networkInterfaces"]).map(obj);
      const asked = nics.flatMap((ni, i) =>
        isTrue(ni["associatePublicIpAddress"])
          ? [`networkInterfaces[${i}].associatePublicIpAddress is ${shown(ni["associatePublicIpAddress"])}`]
          : [],
      );
      for (const message of asked) out.push({ urn: lt.urn, message });
      const first = nics[0] ?? {};
      if (asked.length || isFalse(first["associatePublicIpAddress"])) continue;
      const ref = first["subnetId"];
      const subnet = subnetOf(resources, ref);
      const fix = 'set networkInterfaces[0].associatePublicIpAddress to "false"';
      // Without a subnet of its own, a template launched by a group or instance of the stack is checked there.
      const message = subnet
        ? subnet.props["mapPublicIpOnLaunch"] === true
          ? `networkInterfaces[0].subnetId ${subnet.name} maps public IPs on launch; ${fix}`
          : undefined
        : nonEmpty(ref)
          ? `networkInterfaces[0].subnetId ${ref} is not in this stack, so it may map public IPs on launch; ${fix}`
          : launched.has(lt)
            ? undefined
            : `networkInterfaces[0] names no subnet and no Auto Scaling group or instance of this stack launches this template, so its instances may land in a subnet that maps public IPs on launch; ${fix}`;
      if (message) out.push({ urn: lt.urn, message });
    }

    // A group's instances take its subnets' mapPublicIpOnLaunch unless the template's interface opts out.
    for (const group of ofType(resources, T.AUTOSCALING_GROUP)) {
      const refs = arr(group.props["vpcZoneIdentifiers"]).filter(nonEmpty);
      const mapping = refs.map((ref) => subnetOf(resources, ref)).filter((subnet) => subnet?.props["mapPublicIpOnLaunch"] === true);
      const unknown = refs.filter((ref) => !subnetOf(resources, ref));
      const reasons = [
        ...(mapping.length ? [`subnet ${mapping.map((subnet) => subnet?.name).join(", ")} maps public IPs on launch`] : []),
        ...(unknown.length ? [`subnet ${unknown.join(", ")} is not in this stack, so it may map public IPs on launch`] : []),
        ...(refs.length
          ? []
          : ["vpcZoneIdentifiers is unset, so instances launch into the default VPC, whose subnets map public IPs on launch"]),
      ];
      if (reasons.length === 0) continue;
      const where = reasons.join("; ");
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

    const instanceName = (id: unknown) => byRef(resources, id)?.name ?? String(id);
    /** The instance a network interface belongs to (its primary, listed or attached interface), if any. */
    const instanceOfInterface = (eni: unknown): string | undefined => {
      if (!nonEmpty(eni)) return undefined;
      const vm = ofType(resources, T.INSTANCE).find(
        (v) =>
          v.props["primaryNetworkInterfaceId"] === eni ||
          arr(v.props["networkInterfaces"]).some((ni) => obj(ni)["networkInterfaceId"] === eni),
      );
      const attachment = ofType(resources, T.NETWORK_INTERFACE_ATTACHMENT).find((a) => a.props["networkInterfaceId"] === eni);
      return vm?.name ?? (attachment ? instanceName(attachment.props["instanceId"]) : undefined);
    };
    const target = (instance: unknown, eni: unknown) => (nonEmpty(instance) ? instanceName(instance) : instanceOfInterface(eni));
    const eipFix = "release it, and reach the instance through the load balancer or Session Manager";
    const eips = ofType(resources, T.EIP);
    const natAllocations = ofType(resources, T.NAT_GATEWAY).map((n) => n.props["allocationId"]);
    const associations = ofType(resources, T.EIP_ASSOCIATION);
    const addressOf = (a: PolicyResource) =>
      eips.find(
        (e) =>
          (nonEmpty(a.props["allocationId"]) && [e.props["id"], e.props["allocationId"]].includes(a.props["allocationId"])) ||
          (nonEmpty(a.props["publicIp"]) && e.props["publicIp"] === a.props["publicIp"]),
      );
    for (const eip of eips) {
      if (natAllocations.some((id) => nonEmpty(id) && (id === eip.props["id"] || id === eip.props["allocationId"]))) continue;
      const direct = target(eip.props["instance"], eip.props["networkInterface"]);
      const via = associations
        .filter((a) => addressOf(a) === eip)
        .map((a) => ({ name: a.name, vm: target(a.props["instanceId"], a.props["networkInterfaceId"]) }))
        .filter((v) => v.vm !== undefined);
      // Once deployed, an address an EipAssociation attaches reads back that instance too: report it once, by the association.
      const found = via.length ? via : direct ? [{ name: undefined, vm: direct }] : [];
      for (const { name, vm } of found)
        out.push({
          urn: eip.urn,
          message: `associated with instance ${vm}${name ? ` by EipAssociation ${name}` : ""}, which gives the instance a public IPv4 address; ${eipFix}`,
        });
    }
    for (const a of associations.filter((a) => !addressOf(a))) {
      const vm = target(a.props["instanceId"], a.props["networkInterfaceId"]);
      if (vm)
        out.push({
          urn: a.urn,
          message: `associates Elastic IP ${String(a.props["allocationId"] ?? a.props["publicIp"])} (not in this stack) with instance ${vm}, which gives the instance a public IPv4 address; ${eipFix}`,
        });
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

/** The interface endpoint for `service` in a VPC, if any: `com.amazonaws.<region>.<service>`. */
function interfaceEndpoint(resources: readonly PolicyResource[], vpcId: unknown, service: string): PolicyResource | undefined {
  return ofType(resources, T.VPC_ENDPOINT).find(
    (e) =>
      e.props["vpcId"] === vpcId &&
      e.props["vpcEndpointType"] === "Interface" &&
      new RegExp(`^com\\.amazonaws\\.[a-z0-9-]+\\.${service}$`).test(String(e.props["serviceName"] ?? "")),
  );
}

/** A rule that every VPC has an interface endpoint for one service, with private DNS so clients use it unchanged. */
function vpcEndpointRule(name: string, row: number, control: string, service: string, why: string) {
  return stackPolicy(
    {
      name,
      row,
      securityHub: [control],
      checkov: [],
      description: `Every VPC has an Interface VpcEndpoint whose serviceName is com.amazonaws.<region>.${service}, with privateDnsEnabled`,
      remediation: why,
    },
    (resources) =>
      ofType(resources, T.VPC).flatMap((vpc): Finding[] => {
        const endpoint = interfaceEndpoint(resources, vpc.props["id"], service);
        if (!endpoint) return [{ urn: vpc.urn, message: `no interface endpoint for ${service}: ${why}` }];
        return endpoint.props["privateDnsEnabled"] === true
          ? []
          : [{ urn: endpoint.urn, message: `the ${service} endpoint has private DNS off: clients keep resolving the public endpoint` }];
      }),
  );
}

export const vpcSsmEndpoint = vpcEndpointRule(
  "ec2-vpc-ssm-endpoint",
  24,
  "EC2.57",
  "ssm",
  "Session Manager (with ssmmessages and ec2messages) should reach Systems Manager inside the VPC, not through the NAT gateways",
);

export const vpcEc2Endpoint = vpcEndpointRule(
  "ec2-vpc-ec2-endpoint",
  49,
  "EC2.10",
  "ec2",
  "calls to the EC2 API from the VPC should stay inside it",
);

/** Whether a NACL entry's port range and protocol take `port` over TCP. */
function entryCovers(entry: Props, port: number): boolean {
  const protocol = String(entry["protocol"] ?? "");
  if (protocol === "-1" || protocol === "all") return true;
  if (protocol !== "tcp" && protocol !== "6") return false;
  const from = Number(entry["fromPort"] ?? entry["from_port"]);
  const to = Number(entry["toPort"] ?? entry["to_port"]);
  return from <= port && port <= to;
}

/** A NACL's ingress entries, inline or standalone (NetworkAclRule), in evaluation order. */
function ingressEntries(resources: readonly PolicyResource[], acl: PolicyResource): Props[] {
  const inline = arr(acl.props["ingress"])
    .map(obj)
    .map((e) => ({ ...e, action: e["action"], ruleNo: Number(e["ruleNo"]) }));
  const standalone = ofType(resources, T.NETWORK_ACL_RULE)
    .filter((r) => r.props["networkAclId"] === acl.props["id"] && r.props["egress"] !== true)
    .map((r) => ({ ...r.props, action: r.props["ruleAction"], ruleNo: Number(r.props["ruleNumber"]) }));
  return [...inline, ...standalone].sort((a, b) => a.ruleNo - b.ruleNo);
}

export const naclAdminPorts = stackPolicy(
  {
    name: "ec2-nacl-no-admin-ports-from-world",
    row: 50,
    securityHub: ["EC2.21"],
    checkov: [],
    description:
      "No network ACL's first ingress entry that matches 0.0.0.0/0 or ::/0 on TCP 22 or 3389 allows it; a VPC whose default network ACL is not managed (AWS creates it allowing everything) fails",
    remediation: "Deny 22 and 3389 from 0.0.0.0/0 and ::/0 before any allow rule (the network component's default ACL does).",
  },
  (resources) => {
    const out: Finding[] = [];
    const managedDefaults = new Set(ofType(resources, T.DEFAULT_NETWORK_ACL).map((a) => a.props["defaultNetworkAclId"] ?? a.props["id"]));
    for (const vpc of ofType(resources, T.VPC)) {
      const id = vpc.props["defaultNetworkAclId"];
      if (!managedDefaults.has(id))
        out.push({
          urn: vpc.urn,
          message: "the default network ACL is unmanaged: AWS creates it admitting all traffic, 22 and 3389 from anywhere included",
        });
    }
    for (const acl of ofType(resources, [...T.NETWORK_ACL, ...T.DEFAULT_NETWORK_ACL])) {
      const entries = ingressEntries(resources, acl);
      for (const world of [ANY_IPV4, ANY_IPV6]) {
        for (const port of [22, 3389]) {
          const first = entries.find((e) => (e["cidrBlock"] === world || e["ipv6CidrBlock"] === world) && entryCovers(e, port));
          if (first?.["action"] === "allow")
            out.push({ urn: acl.urn, message: `ingress rule ${String(first["ruleNo"])} admits TCP ${port} from ${world}` });
        }
      }
    }
    return out;
  },
);

export const ssmEndpointsWithoutNat = stackPolicy(
  {
    name: "ec2-vpc-endpoints-without-nat",
    row: 51,
    securityHub: [],
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
  vpcSsmEndpoint,
  vpcEc2Endpoint,
  naclAdminPorts,
  ssmEndpointsWithoutNat,
];
