import type { CapturedResource, StackGraph } from "./graph";
import { groupTemplate } from "./rules/boot";
import { LB, LISTENER, securityGroupRules, TARGET_GROUP } from "./rules/compute";
import { hasInternetRoute, routesOf, routeTableOf } from "./rules/network";
import { list } from "./rules/rule";

const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const NAT = "aws:ec2/natGateway:NatGateway";
const ASG = "aws:autoscaling/group:Group";
const DB = "aws:rds/instance:Instance";
const DB_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/** Rows of an AZ column, top to bottom: the order traffic goes in. */
const TIERS = ["public", "private", "database", "isolated"] as const;
type Tier = (typeof TIERS)[number];

type NodeKind = "internet" | "cidr" | "alb" | "nat" | "web" | "db" | "endpoints" | "anchor";
type EdgeKind = "sg" | "route" | "replication" | "placement" | "order";

interface DiagramNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** Lines of the label, unescaped. */
  readonly lines: readonly string[];
}

interface DiagramSubnet {
  readonly id: string;
  readonly resource: CapturedResource;
  readonly tier: Tier;
  readonly cidr: string;
  readonly nodes: DiagramNode[];
}

interface DiagramZone {
  readonly id: string;
  readonly az: string;
  readonly subnets: DiagramSubnet[];
}

interface DiagramVpc {
  readonly id: string;
  readonly resource: CapturedResource;
  readonly zones: DiagramZone[];
  /** What lives in the VPC but in no one subnet: load balancers, endpoints, a database whose AZ is unknown. */
  readonly nodes: DiagramNode[];
}

interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
  /** Subnet cluster the edge ends at instead of its head node (placement edges). */
  readonly headSubnet?: string;
}

interface Architecture {
  readonly title: string;
  readonly outside: DiagramNode[];
  readonly vpcs: DiagramVpc[];
  readonly edges: DiagramEdge[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const azOf = (r: CapturedResource | undefined): string | undefined => str(r?.state["availabilityZone"] ?? r?.inputs["availabilityZone"]);

/** Ports of a rule as people write them: `443`, `1024-65535`, `all`, with the protocol unless TCP. */
function portLabel(protocol: string, from: number | undefined, to: number | undefined): string {
  if (protocol === "-1" || protocol === "all") return "all";
  const ports = from === undefined ? "" : to === undefined || to === from ? String(from) : `${from}-${to}`;
  const proto = protocol === "tcp" || protocol === "6" ? "" : protocol;
  return [proto, ports].filter((x) => x !== "").join(" ") || "all";
}

/**
 * The architecture as boxes and arrows, taken from the graph alone; both notations draw this
 * one model so that the SVG and the job-summary Mermaid cannot disagree.
 */
function architecture(graph: StackGraph): Architecture {
  const ids = new Set<string>();
  // Ids are readable (they show in the DOT and Mermaid source) and safe in both notations.
  const newId = (kind: string, name: string): string => {
    const base = `${kind}_${name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")}`;
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}_${n}`;
    ids.add(id);
    return id;
  };

  const dbSubnetIds = new Set(graph.ofType(DB_SUBNET_GROUP).flatMap((g) => list(g.inputs["subnetIds"])));
  // Tiers follow routing, not names: what a subnet can reach is what makes it public or private.
  const tierOf = (s: CapturedResource): Tier => {
    if (hasInternetRoute(s, graph)) return "public";
    const table = routeTableOf(s, graph);
    const hasDefault = table !== undefined && routesOf(table, graph).some((r) => r.destination === "0.0.0.0/0");
    if (hasDefault) return "private";
    return dbSubnetIds.has(s.id) ? "database" : "isolated";
  };

  const vpcs: DiagramVpc[] = [];
  const subnetsById = new Map<string, { vpc: DiagramVpc; subnet: DiagramSubnet }>();
  for (const v of graph.ofType(VPC)) {
    const vpc: DiagramVpc = { id: newId("vpc", v.name), resource: v, zones: [], nodes: [] };
    const subnets = graph.ofType(SUBNET).filter((s) => s.inputs["vpcId"] === v.id);
    const zones = [...new Set(subnets.map((s) => azOf(s) ?? "AZ unknown"))].sort();
    for (const az of zones) {
      const inZone = subnets
        .filter((s) => (azOf(s) ?? "AZ unknown") === az)
        .map((s) => ({ s, tier: tierOf(s) }))
        .sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier));
      const zone: DiagramZone = { id: newId("az", az), az, subnets: [] };
      for (const { s, tier } of inZone) {
        const subnet: DiagramSubnet = { id: newId("sn", s.name), resource: s, tier, cidr: String(s.inputs["cidrBlock"] ?? "?"), nodes: [] };
        zone.subnets.push(subnet);
        if (s.id) subnetsById.set(s.id, { vpc, subnet });
      }
      vpc.zones.push(zone);
    }
    vpcs.push(vpc);
  }

  const outside: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  // Who wears each security group, so that group-to-group rules become node-to-node arrows.
  const wearers = new Map<string, DiagramNode[]>();
  const wear = (groups: unknown[], node: DiagramNode) => {
    for (const g of groups) if (typeof g === "string") wearers.set(g, [...(wearers.get(g) ?? []), node]);
  };
  const place = (subnetId: unknown, node: DiagramNode, fallback?: DiagramVpc): void => {
    const at = typeof subnetId === "string" ? subnetsById.get(subnetId) : undefined;
    if (at) at.subnet.nodes.push(node);
    else if (fallback) fallback.nodes.push(node);
    else outside.push(node);
  };

  const natNodes = new Map<unknown, DiagramNode>();
  for (const nat of graph.ofType(NAT)) {
    const node: DiagramNode = { id: newId("nat", nat.name), kind: "nat", lines: ["NAT gateway", nat.name] };
    place(nat.inputs["subnetId"], node);
    natNodes.set(nat.id, node);
  }

  const listeners = graph.ofType(...LISTENER);
  for (const lb of graph.ofType(...LB)) {
    const subnetIds = [
      ...list(lb.inputs["subnets"]),
      ...list(lb.inputs["subnetMappings"]).map((m) => (m as Record<string, unknown> | undefined)?.["subnetId"]),
    ];
    const vpc = subnetIds.map((id) => (typeof id === "string" ? subnetsById.get(id)?.vpc : undefined)).find((v) => v !== undefined);
    const ports = listeners
      .filter((l) => l.inputs["loadBalancerArn"] === lb.state["arn"])
      .map((l) => {
        const action = list(l.inputs["defaultActions"])[0] as Record<string, unknown> | undefined;
        const redirect = action?.["redirect"] as Record<string, unknown> | undefined;
        const target = graph.byArn(action?.["targetGroupArn"]);
        const does = redirect
          ? `→ redirect ${[redirect["protocol"], redirect["port"]].filter((x) => x !== undefined).join(" ")}`
          : target && TARGET_GROUP.includes(target.type)
            ? `→ ${target.name}`
            : "";
        return [l.inputs["protocol"], l.inputs["port"], does].filter((x) => x !== undefined && x !== "").join(" ");
      });
    const kind = lb.inputs["loadBalancerType"] === "network" ? "NLB" : "ALB";
    const node: DiagramNode = {
      id: newId("lb", lb.name),
      kind: "alb",
      lines: [`${kind} ${lb.name}`, lb.inputs["internal"] === true ? "internal" : "internet-facing", ...ports],
    };
    if (vpc) vpc.nodes.push(node);
    else outside.push(node);
    wear(list(lb.inputs["securityGroups"]), node);
    // A load balancer has a node in each of its subnets; the dashed lines say which.
    for (const id of subnetIds) {
      const at = typeof id === "string" ? subnetsById.get(id) : undefined;
      if (at) edges.push({ from: node.id, to: "", kind: "placement", headSubnet: at.subnet.id });
    }
  }

  for (const g of graph.ofType(ASG)) {
    const template = groupTemplate(graph, g);
    const groups = [
      ...list(template?.inputs["vpcSecurityGroupIds"]),
      ...list(template?.inputs["networkInterfaces"]).flatMap((i) => list((i as Record<string, unknown> | undefined)?.["securityGroups"])),
    ];
    const capacity = ["minSize", "desiredCapacity", "maxSize"]
      .map((k) => (g.inputs[k] === undefined ? "–" : String(g.inputs[k])))
      .join(" / ");
    const type = str(template?.inputs["instanceType"]);
    const lines = ["web servers", `ASG ${g.name}`, `min / desired / max ${capacity}`, ...(type ? [type] : [])];
    // One node per subnet the group launches into: Auto Scaling spreads the servers over these columns.
    const subnetIds = list(g.inputs["vpcZoneIdentifiers"]);
    for (const id of subnetIds.length ? subnetIds : [undefined]) {
      const node: DiagramNode = { id: newId("web", `${g.name}_${azOf(graph.byId(id)) ?? ""}`), kind: "web", lines };
      place(id, node);
      wear(groups, node);
    }
  }

  const endpoints = graph.ofType(ENDPOINT);
  for (const vpc of vpcs) {
    const mine = endpoints.filter((e) => e.inputs["vpcId"] === vpc.resource.id);
    if (!mine.length) continue;
    const service = (e: CapturedResource) =>
      String(e.inputs["serviceName"] ?? "?")
        .split(".")
        .pop();
    const byType = (t: string) => mine.filter((e) => String(e.inputs["vpcEndpointType"] ?? "Gateway") === t).map(service);
    const interfaces = byType("Interface");
    const gateways = byType("Gateway");
    const node: DiagramNode = {
      id: newId("endpoints", vpc.resource.name),
      kind: "endpoints",
      lines: [
        "VPC endpoints",
        ...(interfaces.length ? [`interface: ${interfaces.join(", ")}`] : []),
        ...(gateways.length ? [`gateway: ${gateways.join(", ")}`] : []),
      ],
    };
    vpc.nodes.push(node);
    for (const e of mine) wear(list(e.inputs["securityGroupIds"]), node);
  }

  const dbs = graph.ofType(DB);
  const dbNodes = new Map<CapturedResource, DiagramNode>();
  for (const d of dbs) {
    const replica = d.inputs["replicateSourceDb"] !== undefined;
    const az = azOf(d);
    const engine = [
      d.inputs["engine"] ?? d.state["engine"],
      d.inputs["engineVersion"] ?? d.state["engineVersion"],
      d.inputs["instanceClass"],
    ]
      .filter((x) => x !== undefined)
      .join(" ");
    const lines = [
      `RDS ${replica ? "read replica" : "primary"}`,
      d.name,
      ...(engine ? [engine] : []),
      ...(d.inputs["multiAz"] === true ? ["Multi-AZ: standby in another AZ"] : []),
      // Without an AZ in its inputs, RDS picks one; the captured state says which.
      ...(d.inputs["availabilityZone"] === undefined && az ? [`AZ picked by RDS: ${az}`] : []),
    ];
    const node: DiagramNode = { id: newId("db", d.name), kind: "db", lines };
    dbNodes.set(d, node);
    const subnetGroup = graph
      .ofType(DB_SUBNET_GROUP)
      .find((g) => g.id === d.inputs["dbSubnetGroupName"] || g.state["name"] === d.inputs["dbSubnetGroupName"]);
    const candidates = list(subnetGroup?.inputs["subnetIds"]);
    const home = candidates.find((id) => azOf(graph.byId(id)) === az);
    const vpc = candidates.map((id) => (typeof id === "string" ? subnetsById.get(id)?.vpc : undefined)).find((v) => v !== undefined);
    place(home, node, vpc);
    wear(list(d.inputs["vpcSecurityGroupIds"]), node);
  }
  for (const d of dbs) {
    const source = d.inputs["replicateSourceDb"];
    if (source === undefined) continue;
    const primary =
      graph.byArn(source) ?? dbs.find((p) => p !== d && (p.state["identifier"] === source || p.inputs["identifier"] === source));
    const from = primary && dbNodes.get(primary);
    const to = dbNodes.get(d);
    if (from && to) edges.push({ from: from.id, to: to.id, kind: "replication", label: "replication" });
  }

  // Private subnets' default routes: which NAT gateway each column leaves through (and whether it crosses AZs).
  // Subnets with nothing in them still need a node for Graphviz to draw their box and keep their row.
  for (const vpc of vpcs) {
    for (const z of vpc.zones) {
      for (const s of z.subnets) {
        if (!s.nodes.length) s.nodes.push({ id: newId("anchor", s.resource.name), kind: "anchor", lines: [] });
      }
      for (let i = 1; i < z.subnets.length; i++) {
        const above = z.subnets[i - 1] as DiagramSubnet;
        const below = z.subnets[i] as DiagramSubnet;
        edges.push({ from: (above.nodes[0] as DiagramNode).id, to: (below.nodes[0] as DiagramNode).id, kind: "order" });
      }
      // What belongs to the VPC but no AZ goes under the columns: Graphviz, left to place it between
      // them, breaks the clusters apart once an arrow (replication) also runs across the columns.
      const bottom = z.subnets[z.subnets.length - 1]?.nodes[0];
      for (const n of vpc.nodes) if (bottom && n.kind !== "alb") edges.push({ from: bottom.id, to: n.id, kind: "order" });
      for (const s of z.subnets) {
        const table = routeTableOf(s.resource, graph);
        const route = table && routesOf(table, graph).find((r) => r.destination === "0.0.0.0/0" && r.kind === NAT);
        const nat = route && natNodes.get(route.target);
        if (nat) edges.push({ from: (s.nodes[0] as DiagramNode).id, to: nat.id, kind: "route", label: "0.0.0.0/0" });
      }
    }
  }

  // Security group paths, from ingress rules: each says who may open connections to whom on which ports.
  const sgEdges = new Map<string, { from: string; to: string; ports: string[] }>();
  const sourceNode = (cidr: string): DiagramNode => {
    const internet = cidr === "0.0.0.0/0" || cidr === "::/0";
    const id = internet ? "internet" : `cidr_${cidr.replace(/[^A-Za-z0-9]+/g, "_")}`;
    let node = outside.find((n) => n.id === id);
    if (!node) {
      node = { id, kind: internet ? "internet" : "cidr", lines: internet ? ["internet"] : [cidr] };
      ids.add(id);
      outside.unshift(node);
    }
    return node;
  };
  for (const rule of securityGroupRules(graph)) {
    if (rule.direction !== "ingress" || typeof rule.groupId !== "string") continue;
    const targets = wearers.get(rule.groupId) ?? [];
    const sources = [
      ...rule.referencedGroupIds.flatMap((g) =>
        typeof g === "string" ? (wearers.get(g) ?? []).map((node) => ({ node, self: g === rule.groupId })) : [],
      ),
      ...rule.cidrs.map((c) => ({ node: sourceNode(c), self: false })),
    ];
    const ports = portLabel(rule.protocol, rule.fromPort, rule.toPort);
    for (const { node: from, self } of sources) {
      for (const to of targets) {
        // A group that admits itself: one loop per member, not an arrow between every pair of them.
        if (self && from !== to) continue;
        const key = `${from.id}\0${to.id}`;
        const edge = sgEdges.get(key) ?? { from: from.id, to: to.id, ports: [] };
        if (!edge.ports.includes(ports)) edge.ports.push(ports);
        sgEdges.set(key, edge);
      }
    }
  }
  for (const e of sgEdges.values()) edges.push({ from: e.from, to: e.to, kind: "sg", label: e.ports.join("/") });

  // An internet source stays in the picture only when a rule lets it in.
  const used = new Set(edges.flatMap((e) => [e.from, e.to]));
  const keptOutside = outside.filter((n) => (n.kind !== "internet" && n.kind !== "cidr") || used.has(n.id));
  return { title: `${graph.project} / ${graph.stack} (${graph.region})`, outside: keptOutside, vpcs, edges };
}

/** A DOT double-quoted string: backslashes and quotes escaped, line breaks as DOT's centred `\n`. */
function dotQuote(lines: string | readonly string[]): string {
  const escape = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, "\\n");
  return `"${(typeof lines === "string" ? [lines] : lines).map(escape).join("\\n")}"`;
}

const TIER_FILL: Record<Tier, string> = { public: "#e3f2e1", private: "#e1ecf7", database: "#f7ecd9", isolated: "#eeeeee" };
const NODE_STYLE: Record<NodeKind, string> = {
  internet: 'shape=ellipse, style=filled, fillcolor="#ffffff"',
  cidr: 'shape=ellipse, style=filled, fillcolor="#ffffff"',
  alb: 'shape=box, style="rounded,filled", fillcolor="#c9e4ff"',
  nat: 'shape=box, style="rounded,filled", fillcolor="#ffffff"',
  web: 'shape=box3d, style=filled, fillcolor="#ffffff"',
  db: 'shape=cylinder, style=filled, fillcolor="#ffffff"',
  endpoints: 'shape=box, style="rounded,filled", fillcolor="#ffffff"',
  anchor: "shape=point, style=invis, width=0.3",
};
const EDGE_STYLE: Record<EdgeKind, string> = {
  sg: 'color="#1f5fbf", fontcolor="#1f5fbf", penwidth=1.4',
  route: 'style=dashed, color="#2e7d32", fontcolor="#2e7d32", dir=back, arrowtail=normal',
  replication: 'style=dashed, color="#b35900", fontcolor="#b35900", constraint=false',
  placement: 'style=dotted, color="#555555", arrowhead=none',
  order: "style=invis",
};

/**
 * The stack's architecture as a Graphviz DOT document, read from the captured resource graph:
 * a cluster per VPC (labelled with its CIDR), inside it one column per availability zone, and in
 * each column the subnets as boxes in tier rows (public, private, database) with their CIDRs. NAT
 * gateways sit in their subnets, the Auto Scaling group appears in every subnet it launches into
 * with its min/desired/max, and each RDS instance sits in the database subnet of its AZ.
 *
 * Arrows: security group paths from ingress rules (source CIDR or group → group, labelled with the
 * ports), primary → replica replication, and the private subnets' default routes to their NAT
 * gateways. Graphviz does all the placing; nothing here carries coordinates.
 */
export function architectureDot(graph: StackGraph): string {
  const a = architecture(graph);
  const out: string[] = [
    "digraph architecture {",
    `  graph [label=${dotQuote(a.title)}, labelloc=t, fontname="Helvetica", fontsize=14, rankdir=TB, compound=true, nodesep=0.35, ranksep=0.45];`,
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const node = (n: DiagramNode, indent: string) => out.push(`${indent}${n.id} [label=${dotQuote(n.lines)}, ${NODE_STYLE[n.kind]}];`);
  for (const n of a.outside) node(n, "  ");
  for (const vpc of a.vpcs) {
    out.push(`  subgraph cluster_${vpc.id} {`);
    out.push(`    label=${dotQuote(`VPC ${vpc.resource.name} ${String(vpc.resource.inputs["cidrBlock"] ?? "")}`.trim())};`);
    out.push('    style=rounded; color="#555555"; labeljust=l;');
    for (const n of vpc.nodes) node(n, "    ");
    for (const z of vpc.zones) {
      out.push(`    subgraph cluster_${z.id} {`);
      out.push(`      label=${dotQuote(z.az)}; style=dashed; color="#888888";`);
      for (const s of z.subnets) {
        out.push(`      subgraph cluster_${s.id} {`);
        out.push(`        label=${dotQuote(`${s.tier} ${s.cidr}`)}; tooltip=${dotQuote(s.resource.name)};`);
        out.push(`        style="rounded,filled"; fillcolor="${TIER_FILL[s.tier]}"; color="#999999";`);
        for (const n of s.nodes) node(n, "        ");
        out.push("      }");
      }
      out.push("    }");
    }
    out.push("  }");
  }
  const firstNode = new Map(a.vpcs.flatMap((v) => v.zones.flatMap((z) => z.subnets.map((s) => [s.id, s.nodes[0] as DiagramNode]))));
  for (const e of a.edges) {
    const to = e.headSubnet ? (firstNode.get(e.headSubnet) as DiagramNode).id : e.to;
    const attrs = [EDGE_STYLE[e.kind], e.label ? `label=${dotQuote(e.label)}` : "", e.headSubnet ? `lhead=cluster_${e.headSubnet}` : ""];
    // A route goes up, to the public row: written head first, drawn back, so that it does not pull the NAT below the servers.
    const [tail, head] = e.kind === "route" ? [to, e.from] : [e.from, to];
    out.push(`  ${tail} -> ${head} [${attrs.filter((x) => x !== "").join(", ")}];`);
  }
  out.push("}");
  return `${out.join("\n")}\n`;
}

/**
 * Lays out a DOT document with Graphviz (compiled to WebAssembly) and returns the SVG text.
 * The package is ESM-only, so it is imported dynamically; its first use compiles the WASM
 * (a few hundred milliseconds), later ones reuse it.
 */
export async function renderSvg(dot: string): Promise<string> {
  // eslint-disable-next-line no-restricted-syntax -- an ESM-only JavaScript package, which Node's ESM loader resolves; the rule is about our .ts files.
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  // load() caches the instance itself and drops it after a failed layout, so it is asked every time.
  const graphviz = await Graphviz.load();
  const svg = graphviz.layout(dot, "svg", "dot");
  // Graphviz prefixes an XML declaration and doctype; the <svg> element alone embeds anywhere.
  return svg.slice(svg.indexOf("<svg"));
}

/** Mermaid label text: Mermaid's entity codes for what would end the string or read as HTML, `<br>` for line breaks. */
function mermaidQuote(lines: string | readonly string[]): string {
  const escape = (s: string) =>
    s
      .replace(/#/g, "#35;")
      .replace(/"/g, "#quot;")
      .replace(/&/g, "#amp;")
      .replace(/</g, "#lt;")
      .replace(/>/g, "#gt;")
      .replace(/`/g, "#96;")
      .replace(/\r?\n/g, "<br>");
  return `"${(typeof lines === "string" ? [lines] : lines).map(escape).join("<br>")}"`;
}

const MERMAID_SHAPE: Record<NodeKind, [string, string]> = {
  internet: ["((", "))"],
  cidr: ["((", "))"],
  alb: ["[", "]"],
  nat: ["[", "]"],
  web: ["[", "]"],
  db: ["[(", ")]"],
  endpoints: ["[", "]"],
  anchor: ["[", "]"],
};

/**
 * The same architecture as {@link architectureDot}, as a Mermaid `flowchart` (subgraphs for the
 * VPC, each AZ and each subnet; the same labelled arrows), for Markdown that GitHub renders, such
 * as a job summary inside a ```` ```mermaid ```` block. Mermaid does its own layout, so the AZ
 * columns are a request Mermaid may not honour once arrows cross them.
 */
export function architectureMermaid(graph: StackGraph): string {
  const a = architecture(graph);
  const out: string[] = ["flowchart TB"];
  const node = (n: DiagramNode, indent: string) => {
    // Mermaid draws an empty subgraph, so a subnet with nothing in it needs no placeholder.
    if (n.kind === "anchor") return;
    const [open, close] = MERMAID_SHAPE[n.kind];
    out.push(`${indent}${n.id}${open}${mermaidQuote(n.lines)}${close}`);
  };
  for (const n of a.outside) node(n, "  ");
  const styles: string[] = [];
  for (const vpc of a.vpcs) {
    out.push(`  subgraph ${vpc.id} [${mermaidQuote(`VPC ${vpc.resource.name} ${String(vpc.resource.inputs["cidrBlock"] ?? "")}`.trim())}]`);
    out.push("    direction LR");
    for (const n of vpc.nodes) node(n, "    ");
    for (const z of vpc.zones) {
      out.push(`    subgraph ${z.id} [${mermaidQuote(z.az)}]`);
      out.push("      direction TB");
      for (const s of z.subnets) {
        out.push(`      subgraph ${s.id} [${mermaidQuote(`${s.tier} ${s.cidr}`)}]`);
        for (const n of s.nodes) node(n, "        ");
        out.push("      end");
        styles.push(`  style ${s.id} fill:${TIER_FILL[s.tier]}`);
      }
      out.push("    end");
    }
    out.push("  end");
  }
  // Mermaid cannot aim an arrow at a subnet's box through a node inside it, but it can aim at the box.
  const anchorSubnet = new Map(
    a.vpcs.flatMap((v) =>
      v.zones.flatMap((z) => z.subnets.flatMap((s) => s.nodes.filter((n) => n.kind === "anchor").map((n) => [n.id, s.id]))),
    ),
  );
  const end = (id: string) => anchorSubnet.get(id) ?? id;
  for (const e of a.edges) {
    const label = e.label ? `|${mermaidQuote(e.label)}|` : "";
    if (e.kind === "order") continue;
    if (e.kind === "placement") out.push(`  ${e.from} -.- ${e.headSubnet}`);
    else if (e.kind === "sg") out.push(`  ${end(e.from)} -->${label} ${end(e.to)}`);
    else out.push(`  ${end(e.from)} -.->${label} ${end(e.to)}`);
  }
  out.push(...styles);
  return `${out.join("\n")}\n`;
}
