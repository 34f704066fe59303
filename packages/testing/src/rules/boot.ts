import { gunzipSync } from "node:zlib";
import type { CapturedResource, Rejection, StackGraph } from "../graph";
import { securityGroupRules, SG_RULES } from "./compute";
import { AwsRule, bag, list } from "./rule";

const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const GROUP = "aws:autoscaling/group:Group";
const NETWORK_INTERFACE = "aws:ec2/networkInterface:NetworkInterface";
const ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation";
const MAIN_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation";
const ROUTE = "aws:ec2/route:Route";
const ROUTE_TABLES = ["aws:ec2/routeTable:RouteTable", "aws:ec2/defaultRouteTable:DefaultRouteTable"];
const ANYWHERE = ["0.0.0.0/0", "::/0"];

/**
 * Boot script commands that fetch from the internet, by what they are called in a message.
 * Addresses on the instance itself (IMDS at 169.254.169.254 or fd00:ec2::254, localhost) do not count.
 */
const DOWNLOADS: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  {
    what: "a package install",
    pattern:
      /\b(?:dnf|yum|microdnf|apt-get|apt|zypper|apk|amazon-linux-extras|snap)\s+(?:-\S+\s+)*(?:install|update|upgrade|add|makecache)\b/,
  },
  { what: "a language package install", pattern: /\b(?:pip3?|pipx|npm|yarn|gem|cargo|go)\s+(?:-\S+\s+)*(?:install|ci|add|get)\b/ },
  {
    what: "a download",
    pattern: /\b(?:curl|wget)\b[^\n]*?\b(?:https?|ftp):\/\/(?!169\.254\.|\[fd00:ec2::254\]|localhost\b|127\.)/,
  },
  { what: "a git clone", pattern: /\bgit\s+clone\b/ },
  { what: "cloud-init packages", pattern: /^(?:packages:|package_update:\s*true|package_upgrade:\s*true)/m },
];

/**
 * The commands of a boot script that need the internet, one line each (comment lines skipped),
 * e.g. `dnf install -y nginx`: what `boot-script-needs-internet` looks for.
 */
export function bootScriptDownloads(script: string): string[] {
  return script
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => !line.startsWith("#") && DOWNLOADS.some((d) => d.pattern.test(line)));
}

/** Launch template (and `userDataBase64`) user data: base64, possibly gzipped. Text that is not base64 is read as is. */
function decodeUserData(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  if (!/^[A-Za-z0-9+/=\s]+$/.test(value)) return value;
  const bytes = Buffer.from(value, "base64");
  try {
    return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString("utf8");
  } catch {
    return undefined;
  }
}

/** Every URN a resource waits for on `pulumi up`: its dependencies (dependsOn and property dependencies), transitively. */
function transitiveDependencies(graph: StackGraph, r: CapturedResource): Set<string> {
  const seen = new Set<string>();
  const todo = [...r.dependencies];
  for (let urn = todo.pop(); urn !== undefined; urn = todo.pop()) {
    if (seen.has(urn)) continue;
    seen.add(urn);
    todo.push(...(graph.byUrn(urn)?.dependencies ?? []));
  }
  return seen;
}

/** A launch template a group or instance names by id or name. */
function templateOf(graph: StackGraph, spec: unknown): CapturedResource | undefined {
  const s = bag(spec);
  const id = s["id"] ?? s["launchTemplateId"];
  const name = s["name"] ?? s["launchTemplateName"];
  const byId = graph.byId(id);
  if (byId?.type === LAUNCH_TEMPLATE) return byId;
  return name === undefined ? undefined : graph.ofType(LAUNCH_TEMPLATE).find((t) => t.state["name"] === name || t.inputs["name"] === name);
}

/** The launch template an Auto Scaling group launches from, directly or through its mixed instances policy. */
export function groupTemplate(graph: StackGraph, g: CapturedResource): CapturedResource | undefined {
  const spec = g.inputs["launchTemplate"] ?? bag(bag(g.inputs["mixedInstancesPolicy"])["launchTemplate"])["launchTemplateSpecification"];
  return templateOf(graph, spec);
}

/** The boot script an Auto Scaling group's servers run (its launch template's user data, decoded): "" for none, undefined when the template is not in the graph. */
export function groupBootScript(graph: StackGraph, g: CapturedResource): string | undefined {
  const template = groupTemplate(graph, g);
  return template && (decodeUserData(template.inputs["userData"]) ?? "");
}

/** What a launch template gives its servers: the boot script, the subnets and security groups of its interfaces. */
function templateView(t: CapturedResource | undefined): { script?: string; subnets: unknown[]; groups: unknown[] } {
  if (!t) return { subnets: [], groups: [] };
  const interfaces = list(t.inputs["networkInterfaces"]).map(bag);
  return {
    script: decodeUserData(t.inputs["userData"]),
    subnets: interfaces.map((i) => i["subnetId"]).filter((x) => x !== undefined),
    groups: [...list(t.inputs["vpcSecurityGroupIds"]), ...interfaces.flatMap((i) => list(i["securityGroups"]))],
  };
}

/** A server launcher the rule judges: an instance, or an Auto Scaling group through its launch template. */
interface Launcher {
  readonly resource: CapturedResource;
  /** How the message names it, e.g. `instance web-0` or `Auto Scaling group web (launch template web-server)`. */
  readonly label: string;
  readonly script?: string;
  readonly subnetIds: readonly unknown[];
  readonly securityGroupIds: readonly unknown[];
}

function launchers(graph: StackGraph): Launcher[] {
  const out: Launcher[] = [];
  for (const i of graph.ofType(INSTANCE)) {
    const t = templateOf(graph, i.inputs["launchTemplate"]);
    const fromTemplate = templateView(t);
    const enis = list(i.inputs["networkInterfaces"]).map((n) => graph.byId(bag(n)["networkInterfaceId"]));
    const own = typeof i.inputs["userData"] === "string" ? i.inputs["userData"] : decodeUserData(i.inputs["userDataBase64"]);
    const subnets = [i.inputs["subnetId"], ...enis.map((e) => e?.inputs["subnetId"])].filter((x) => x !== undefined);
    out.push({
      resource: i,
      label: `instance ${i.name}${t ? ` (launch template ${t.name})` : ""}`,
      script: own ?? fromTemplate.script,
      subnetIds: subnets.length > 0 ? subnets : fromTemplate.subnets,
      securityGroupIds: [
        ...list(i.inputs["vpcSecurityGroupIds"]),
        ...enis.flatMap((e) => (e?.type === NETWORK_INTERFACE ? list(e.inputs["securityGroups"]) : [])),
        ...fromTemplate.groups,
      ],
    });
  }
  for (const g of graph.ofType(GROUP)) {
    const t = groupTemplate(graph, g);
    if (!t) continue;
    const fromTemplate = templateView(t);
    const zones = list(g.inputs["vpcZoneIdentifiers"]);
    out.push({
      resource: g,
      label: `Auto Scaling group ${g.name} (launch template ${t.name})`,
      script: fromTemplate.script,
      subnetIds: zones.length > 0 ? zones : fromTemplate.subnets,
      securityGroupIds: fromTemplate.groups,
    });
  }
  return out;
}

/**
 * What gives a subnet its route to the internet: the association that picks its route table
 * (none for the VPC's main table) and that table's `0.0.0.0/0` route, standalone or inline.
 * Empty when the subnet is not in the graph or its table has no default route (an isolated
 * subnet: reaching the internet is then impossible, not a race, and VPC endpoints may serve it).
 */
function internetPath(graph: StackGraph, subnetId: unknown): CapturedResource[] {
  const subnet = graph.byId(subnetId);
  if (!subnet) return [];
  const via: CapturedResource[] = [];
  let tableId: unknown;
  const association = graph.ofType(ASSOCIATION).find((a) => a.inputs["subnetId"] === subnet.id);
  if (association) {
    via.push(association);
    tableId = association.inputs["routeTableId"];
  } else {
    const vpc = graph.byId(subnet.inputs["vpcId"]);
    const main = graph.ofType(MAIN_ASSOCIATION).find((m) => m.inputs["vpcId"] === subnet.inputs["vpcId"]);
    if (main) via.push(main);
    tableId = main ? main.inputs["routeTableId"] : (vpc?.state["mainRouteTableId"] ?? vpc?.state["defaultRouteTableId"]);
  }
  if (tableId === undefined) return [];
  const routes = graph
    .ofType(ROUTE)
    .filter((r) => r.inputs["routeTableId"] === tableId && r.inputs["destinationCidrBlock"] === "0.0.0.0/0");
  const inline = graph
    .ofType(...ROUTE_TABLES)
    .filter(
      (t) =>
        (t.id === tableId || t.inputs["defaultRouteTableId"] === tableId) &&
        list(t.inputs["routes"]).some((r) => bag(r)["cidrBlock"] === "0.0.0.0/0"),
    );
  return routes.length + inline.length === 0 ? [] : [...via, ...routes, ...inline];
}

/** Standalone egress rules of the groups that open the internet on HTTP(S) or all traffic: created after the group, with no dependency of the server on them. */
function internetEgressRules(graph: StackGraph, groupIds: readonly unknown[]): CapturedResource[] {
  const web = (from?: number, to?: number) => from === undefined || to === undefined || [80, 443].some((p) => from <= p && p <= to);
  return securityGroupRules(graph)
    .filter(
      (r) =>
        r.direction === "egress" &&
        // Inline egress is part of the group, which the server already waits for.
        SG_RULES.includes(r.resource.type) &&
        groupIds.includes(r.groupId) &&
        r.cidrs.some((c) => ANYWHERE.includes(c)) &&
        (["-1", "all"].includes(r.protocol) || (["tcp", "6"].includes(r.protocol) && web(r.fromPort, r.toPort))),
    )
    .map((r) => r.resource);
}

const names = (rs: readonly CapturedResource[]) => rs.map((r) => `${r.type.split(":").pop() ?? r.type} ${r.name}`).join(", ");

export const bootScriptNeedsInternet: AwsRule = {
  id: "boot-script-needs-internet",
  description:
    "A server whose boot script downloads (dnf/yum/apt-get/pip install, curl, git clone…) must wait for its subnet's route to the internet " +
    "(route table association and 0.0.0.0/0 route) and its security groups' egress rules: a server depends only on its subnet, " +
    "so on a first pulumi up it can boot before them, the install fails and it never passes a health check " +
    "(terraform-aws-modules/terraform-aws-autoscaling#255)",
  check: (graph) => {
    const out: Rejection[] = [];
    for (const l of launchers(graph)) {
      const [download] = l.script === undefined ? [] : bootScriptDownloads(l.script);
      if (download === undefined) continue;
      const waits = transitiveDependencies(graph, l.resource);
      const missing = (rs: CapturedResource[]) => [...new Set(rs)].filter((r) => !waits.has(r.urn));
      const reject = (message: string) => out.push({ rule: "boot-script-needs-internet", urn: l.resource.urn, message });
      const subnets = [...new Set(l.subnetIds)].map((id) => ({ id, path: internetPath(graph, id) })).filter((s) => s.path.length > 0);
      const routes = missing(subnets.flatMap((s) => s.path));
      if (routes.length > 0) {
        const where = subnets.map((s) => graph.byId(s.id)?.name ?? String(s.id)).join(", ");
        reject(
          `${l.label} runs \`${download}\` at boot but does not wait for its subnet's route to the internet (${names(routes)}; subnets ${where}): ` +
            "on a first pulumi up it can boot before they exist, the command fails and the server never becomes healthy. " +
            "Add them to its dependsOn (with a web-infra Network: network.privateEgress).",
        );
      }
      const egress = missing(internetEgressRules(graph, l.securityGroupIds));
      if (egress.length > 0) {
        reject(
          `${l.label} runs \`${download}\` at boot but does not wait for the egress rules that let it out (${names(egress)}): ` +
            "its security group has no egress until they exist, so on a first pulumi up the command can fail. " +
            "Add them to its dependsOn (Connections.allowToInternet returns the rule).",
        );
      }
    }
    return out;
  },
};

/** Rules about what a server's boot script needs (part of `AWS_RULES`). */
export const BOOT_RULES: readonly AwsRule[] = [bootScriptNeedsInternet];
