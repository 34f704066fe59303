import * as assert from "node:assert/strict";
import { join } from "node:path";
import { webStack } from "../../../stacks/web/program";
import { CapturedResource, runProgram, securityGroupRules, StackGraph, zonesUsed } from "../src";
import { architectureDot, architectureMermaid, renderSvg } from "../src/diagram";

const SUBNET = "aws:ec2/subnet:Subnet";
const NAT = "aws:ec2/natGateway:NatGateway";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const LISTENER = "aws:lb/listener:Listener";
const ASG = "aws:autoscaling/group:Group";
const DB = "aws:rds/instance:Instance";
const DB_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup";

/** What Graphviz itself made of a DOT document: clusters with their boxes, nodes with their places, edges. */
interface Layout {
  clusters: Map<string, { label: string; bb: Box; nodes: string[]; parent?: string }>;
  nodes: Map<string, { label: string; x: number; y: number; cluster?: string }>;
  edges: { tail: string; head: string; label: string; style: string; lhead?: string }[];
}
type Box = { x0: number; y0: number; x1: number; y1: number };

/** Graphviz's JSON output of the document: the test reads what Graphviz parsed and placed, not the DOT text. */
async function layout(dot: string): Promise<Layout> {
  // eslint-disable-next-line no-restricted-syntax -- ESM-only JavaScript (see renderSvg), not one of our .ts files.
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const json = JSON.parse((await Graphviz.load()).layout(dot, "json", "dot")) as {
    objects: { _gvid: number; name: string; label?: string; bb?: string; pos?: string; nodes?: number[]; subgraphs?: number[] }[];
    edges?: { tail: number; head: number; label?: string; style?: string; lhead?: string }[];
  };
  const out: Layout = { clusters: new Map(), nodes: new Map(), edges: [] };
  const byGvid = new Map(json.objects.map((o) => [o._gvid, o]));
  const parentOf = new Map<number, number>();
  for (const o of json.objects) for (const s of o.subgraphs ?? []) parentOf.set(s, o._gvid);
  // A node belongs to the innermost cluster that lists it.
  const depth = (gvid: number): number => (parentOf.has(gvid) ? 1 + depth(parentOf.get(gvid) as number) : 0);
  const innermost = new Map<number, number>();
  for (const o of json.objects) {
    if (!o.bb) continue;
    const [x0, y0, x1, y1] = o.bb.split(",").map(Number) as [number, number, number, number];
    const parent = parentOf.get(o._gvid);
    out.clusters.set(o.name, {
      label: o.label ?? "",
      bb: { x0, y0, x1, y1 },
      nodes: (o.nodes ?? []).map((n) => (byGvid.get(n) as { name: string }).name),
      parent: parent === undefined ? undefined : byGvid.get(parent)?.name,
    });
    for (const n of o.nodes ?? []) if (depth(o._gvid) >= depth(innermost.get(n) ?? o._gvid)) innermost.set(n, o._gvid);
  }
  for (const o of json.objects) {
    if (!o.pos) continue;
    const [x, y] = o.pos.split(",").map(Number) as [number, number];
    const cluster = innermost.get(o._gvid);
    out.nodes.set(o.name, { label: o.label ?? "", x, y, cluster: cluster === undefined ? undefined : byGvid.get(cluster)?.name });
  }
  for (const e of json.edges ?? []) {
    out.edges.push({
      tail: (byGvid.get(e.tail) as { name: string }).name,
      head: (byGvid.get(e.head) as { name: string }).name,
      label: e.label ?? "",
      style: e.style ?? "",
      lhead: e.lhead,
    });
  }
  return out;
}

/** Lines of a DOT label as written (`\n` separates them). */
const lines = (label: string) => label.split("\\n");
const nodeWith = (l: Layout, line: string) => [...l.nodes].filter(([, n]) => lines(n.label).includes(line)).map(([id]) => id);
const onlyNodeWith = (l: Layout, line: string): string => {
  const found = nodeWith(l, line);
  assert.equal(found.length, 1, `exactly one node labelled "${line}", got ${found.join(", ") || "none"}`);
  return found[0] as string;
};
/** The cluster drawn for a subnet: its label ends with the subnet's CIDR. */
const subnetCluster = (l: Layout, s: CapturedResource) => {
  const found = [...l.clusters].filter(([, c]) => c.label.endsWith(` ${String(s.inputs["cidrBlock"])}`)).map(([name]) => name);
  assert.equal(found.length, 1, `one cluster for subnet ${s.name}`);
  return found[0] as string;
};
const azClusters = (l: Layout) => [...l.clusters].filter(([name]) => name.startsWith("cluster_az_"));
const azClusterOf = (l: Layout, cluster: string | undefined): string | undefined => {
  for (let c = cluster; c !== undefined; c = l.clusters.get(c)?.parent) if (c.startsWith("cluster_az_")) return l.clusters.get(c)?.label;
  return undefined;
};
/** The drawn arrows (invisible ordering edges and ALB placement lines left out), tail → head as the traffic goes. */
const arrows = (l: Layout) =>
  l.edges
    .filter((e) => e.style !== "invis" && e.style !== "dotted")
    // Routes are written NAT first so Graphviz keeps the NAT in the row above; the traffic goes the other way.
    .map((e) => (e.label === "0.0.0.0/0" ? { ...e, tail: e.head, head: e.tail } : e));
const arrow = (l: Layout, tail: string, head: string) => {
  const found = arrows(l).filter((e) => e.tail === tail && e.head === head);
  assert.equal(found.length, 1, `one arrow ${tail} → ${head}, got ${found.length}`);
  return found[0] as Layout["edges"][number];
};
/** The texts an SVG shows, its XML character references decoded (Graphviz writes `-` as `&#45;`). */
const svgTexts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    (m[1] as string)
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&"),
  );
const inside = (b: Box, x: number, y: number) => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;

/** A copy of a graph with some resources changed or left out, as another program run would have captured it. */
function variant(g: StackGraph, change: (r: CapturedResource) => CapturedResource | undefined): StackGraph {
  return new StackGraph(
    g.resources.map(change).filter((r): r is CapturedResource => r !== undefined),
    g,
  );
}

describe("architecture diagram", function () {
  this.timeout(120_000);
  const graphs: Record<"dev" | "prod", StackGraph> = {} as never;
  const layouts: Record<"dev" | "prod", Layout> = {} as never;

  before(async () => {
    for (const stack of ["dev", "prod"] as const) {
      graphs[stack] = await runProgram(webStack, { stack, projectDir: join(__dirname, "../../..") });
      layouts[stack] = await layout(architectureDot(graphs[stack]));
    }
  });

  for (const stack of ["dev", "prod"] as const) {
    describe(`the ${stack} stack`, () => {
      it("has one column per AZ the subnets use, holding each subnet with its CIDR", () => {
        const g = graphs[stack];
        const l = layouts[stack];
        const zones = zonesUsed(g);
        assert.deepEqual(
          azClusters(l).map(([, c]) => c.label),
          zones,
        );
        const subnets = g.ofType(SUBNET);
        const subnetClusters = [...l.clusters.keys()].filter((n) => n.startsWith("cluster_sn_"));
        assert.equal(subnetClusters.length, subnets.length);
        for (const s of subnets) assert.equal(azClusterOf(l, subnetCluster(l, s)), s.state["availabilityZone"], s.name);
      });

      it("names each subnet's tier by what uses it: load balancer, Auto Scaling group, database subnet group", () => {
        const g = graphs[stack];
        const l = layouts[stack];
        const lb = g.ofType(LB)[0] as CapturedResource;
        const tiers = {
          public: lb.inputs["subnets"] as string[],
          private: (g.ofType(ASG)[0] as CapturedResource).inputs["vpcZoneIdentifiers"] as string[],
          database: (g.ofType(DB_SUBNET_GROUP)[0] as CapturedResource).inputs["subnetIds"] as string[],
        };
        for (const [tier, ids] of Object.entries(tiers)) {
          assert.equal(ids.length, zonesUsed(g).length, `a ${tier} subnet in each AZ`);
          for (const id of ids) {
            const s = g.byId(id) as CapturedResource;
            assert.equal(l.clusters.get(subnetCluster(l, s))?.label, `${tier} ${String(s.inputs["cidrBlock"])}`);
          }
        }
      });

      it("puts each NAT gateway in its subnet, and each private subnet's default route on the NAT it names", () => {
        const g = graphs[stack];
        const l = layouts[stack];
        const nats = g.ofType(NAT);
        assert.equal(nodeWith(l, "NAT gateway").length, nats.length);
        for (const nat of nats) {
          const node = onlyNodeWith(l, nat.name);
          assert.equal(l.nodes.get(node)?.cluster, subnetCluster(l, g.byId(nat.inputs["subnetId"]) as CapturedResource));
        }
        const routes = arrows(l).filter((e) => e.label === "0.0.0.0/0");
        const privateSubnets = (g.ofType(ASG)[0] as CapturedResource).inputs["vpcZoneIdentifiers"] as string[];
        assert.equal(routes.length, privateSubnets.length);
        for (const id of privateSubnets) {
          const s = g.byId(id) as CapturedResource;
          const table = g.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.inputs["subnetId"] === id);
          const route = g
            .ofType("aws:ec2/route:Route")
            .find((r) => r.inputs["routeTableId"] === table?.inputs["routeTableId"] && r.inputs["destinationCidrBlock"] === "0.0.0.0/0");
          const nat = g.byId(route?.inputs["natGatewayId"]) as CapturedResource;
          const from = routes.filter((e) => l.nodes.get(e.tail)?.cluster === subnetCluster(l, s));
          assert.deepEqual(
            from.map((e) => e.head),
            [onlyNodeWith(l, nat.name)],
          );
        }
      });

      it("draws the load balancer above the columns, tied to each of its subnets", () => {
        const g = graphs[stack];
        const l = layouts[stack];
        const lb = g.ofType(LB)[0] as CapturedResource;
        const node = onlyNodeWith(l, `ALB ${lb.name}`);
        const placed = l.edges.filter((e) => e.tail === node && e.style === "dotted").map((e) => e.lhead);
        const subnets = (lb.inputs["subnets"] as string[]).map((id) => subnetCluster(l, g.byId(id) as CapturedResource));
        assert.deepEqual(placed.sort(), subnets.sort());
        const top = Math.max(...azClusters(l).map(([, c]) => c.bb.y1));
        assert.ok((l.nodes.get(node)?.y as number) > top, "the ALB sits above the AZ columns");
        for (const listener of g.ofType(LISTENER).filter((x) => x.inputs["loadBalancerArn"] === lb.state["arn"])) {
          const line = lines(l.nodes.get(node)?.label ?? "").find((x) => x.startsWith(`${String(listener.inputs["protocol"])} `));
          assert.ok(line?.startsWith(`${String(listener.inputs["protocol"])} ${String(listener.inputs["port"])} →`), line);
        }
      });

      it("shows the Auto Scaling group in each subnet it launches into, with its min/desired/max", () => {
        const g = graphs[stack];
        const l = layouts[stack];
        const asg = g.ofType(ASG)[0] as CapturedResource;
        const capacity = `min / desired / max ${String(asg.inputs["minSize"])} / ${String(asg.inputs["desiredCapacity"])} / ${String(asg.inputs["maxSize"])}`;
        const web = nodeWith(l, `ASG ${asg.name}`);
        assert.deepEqual(
          web.map((id) => l.nodes.get(id)?.cluster).sort(),
          (asg.inputs["vpcZoneIdentifiers"] as string[]).map((id) => subnetCluster(l, g.byId(id) as CapturedResource)).sort(),
        );
        for (const id of web) assert.ok(lines(l.nodes.get(id)?.label ?? "").includes(capacity), `${id}: ${capacity}`);
      });

      it("puts the primary and each replica in the database subnet of their AZ, different AZs, with replication between", () => {
        const g = graphs[stack];
        const l = layouts[stack];
        const primary = g.get(DB, "db-primary");
        const replicas = g.ofType(DB).filter((d) => d.inputs["replicateSourceDb"] !== undefined);
        assert.ok(replicas.length > 0);
        const subnetsOfGroup = (g.ofType(DB_SUBNET_GROUP)[0] as CapturedResource).inputs["subnetIds"] as string[];
        for (const d of [primary, ...replicas]) {
          const home = subnetsOfGroup
            .map((id) => g.byId(id) as CapturedResource)
            .find((s) => s.state["availabilityZone"] === d.state["availabilityZone"]);
          assert.ok(home, `${d.name} has a subnet in ${String(d.state["availabilityZone"])}`);
          const node = onlyNodeWith(l, d.name);
          assert.equal(l.nodes.get(node)?.cluster, subnetCluster(l, home));
          assert.equal(lines(l.nodes.get(node)?.label ?? "")[0], d === primary ? "RDS primary" : "RDS read replica");
        }
        const p = onlyNodeWith(l, primary.name);
        for (const r of replicas) {
          const node = onlyNodeWith(l, r.name);
          assert.notEqual(azClusterOf(l, l.nodes.get(node)?.cluster), azClusterOf(l, l.nodes.get(p)?.cluster));
          assert.equal(arrow(l, p, node).label, "replication");
        }
      });

      it("draws the security group paths with the ports of the rules, target group and database", () => {
        const g = graphs[stack];
        const l = layouts[stack];
        const lb = g.ofType(LB)[0] as CapturedResource;
        const alb = onlyNodeWith(l, `ALB ${lb.name}`);
        // The internet's ports: the ALB group's ingress rules from 0.0.0.0/0, which must cover every listener.
        const albGroup = (lb.inputs["securityGroups"] as string[])[0];
        const open = securityGroupRules(g)
          .filter((r) => r.direction === "ingress" && r.groupId === albGroup && r.cidrs.includes("0.0.0.0/0"))
          .map((r) => String(r.fromPort));
        const listenerPorts = g.ofType(LISTENER).map((x) => String(x.inputs["port"]));
        assert.deepEqual([...open].sort(), [...listenerPorts].sort());
        assert.deepEqual(arrow(l, "internet", alb).label.split("/"), open);

        const asg = g.ofType(ASG)[0] as CapturedResource;
        const appPort = String((g.ofType(TARGET_GROUP)[0] as CapturedResource).inputs["port"]);
        const dbPort = String(g.get(DB, "db-primary").inputs["port"]);
        const web = nodeWith(l, `ASG ${asg.name}`);
        const dbs = g.ofType(DB).map((d) => onlyNodeWith(l, d.name));
        for (const w of web) {
          assert.equal(arrow(l, alb, w).label, appPort);
          for (const d of dbs) assert.equal(arrow(l, w, d).label, dbPort);
        }
        // Nothing else reaches the database: its only inbound arrows are the servers' and replication.
        for (const d of dbs) {
          const into = arrows(l).filter((e) => e.head === d && e.label !== "replication");
          assert.deepEqual(into.map((e) => e.tail).sort(), [...web].sort());
        }
      });

      it("lets Graphviz lay it out as columns: every node inside its subnet's box, AZ boxes side by side, tiers top to bottom", () => {
        const l = layouts[stack];
        for (const [id, n] of l.nodes) {
          if (n.cluster === undefined) continue;
          assert.ok(inside((l.clusters.get(n.cluster) as { bb: Box }).bb, n.x, n.y), `${id} is drawn inside ${n.cluster}`);
        }
        const boxes = azClusters(l)
          .map(([, c]) => c.bb)
          .sort((a, b) => a.x0 - b.x0);
        for (let i = 1; i < boxes.length; i++) assert.ok((boxes[i] as Box).x0 > (boxes[i - 1] as Box).x1, "AZ columns do not overlap");
        for (const [az] of azClusters(l)) {
          const rows = [...l.clusters]
            .filter(([, c]) => c.parent === az)
            .map(([, c]) => c)
            .sort((a, b) => b.bb.y0 - a.bb.y0)
            .map((c) => c.label.split(" ")[0]);
          assert.deepEqual(rows, ["public", "private", "database"]);
        }
      });
    });
  }

  it("counts what the graph has: prod's three AZs, nine subnets and NAT per AZ against dev's two AZs and one NAT", () => {
    const count = (stack: "dev" | "prod") => ({
      zones: azClusters(layouts[stack]).length,
      subnets: [...layouts[stack].clusters.keys()].filter((n) => n.startsWith("cluster_sn_")).length,
      nats: nodeWith(layouts[stack], "NAT gateway").length,
    });
    assert.deepEqual(count("prod"), { zones: 3, subnets: 9, nats: 3 });
    assert.deepEqual(count("dev"), { zones: 2, subnets: 6, nats: 1 });
    assert.equal(count("prod").nats, graphs.prod.ofType(NAT).length);
    assert.equal(count("dev").nats, graphs.dev.ofType(NAT).length);
  });

  it("follows the graph when it changes: no replica, no replica node or replication arrow; a new max, a new label", async () => {
    const g = graphs.prod;
    const changed = variant(g, (r) => {
      if (r.type === DB && r.inputs["replicateSourceDb"] !== undefined) return undefined;
      if (r.type === ASG) return { ...r, inputs: { ...r.inputs, maxSize: 12 } };
      return r;
    });
    const before = architectureDot(g);
    const after = architectureDot(changed);
    assert.notEqual(after, before);
    const l = await layout(after);
    assert.equal(nodeWith(l, "RDS read replica").length, 0);
    assert.equal(arrows(l).filter((e) => e.label === "replication").length, 0);
    const asg = g.ofType(ASG)[0] as CapturedResource;
    const capacity = `min / desired / max ${String(asg.inputs["minSize"])} / ${String(asg.inputs["desiredCapacity"])} / 12`;
    assert.equal(nodeWith(l, capacity).length, zonesUsed(g).length);
  });

  it("escapes names for DOT and Mermaid", async () => {
    const weird = 'web "alb" \\ <b> #1';
    const g = variant(graphs.dev, (r) => (r.type === LB ? { ...r, name: weird } : r));
    const dot = architectureDot(g);
    const l = await layout(dot);
    // Graphviz parsed the quoted label in one piece: the quote is unescaped, the backslash still escaped for the renderer.
    assert.equal(nodeWith(l, `ALB ${weird.replace(/\\/g, "\\\\")}`).length, 1);
    const svg = await renderSvg(dot);
    assert.ok(svgTexts(svg).includes(`ALB ${weird}`), "the SVG shows the name as it is");
    const mermaid = architectureMermaid(g);
    assert.ok(mermaid.includes('["ALB web #quot;alb#quot; \\ #lt;b#gt; #35;1<br>'), mermaid);
  });

  it("renders SVG showing the zones, tiers and resources", async () => {
    const g = graphs.prod;
    const svg = await renderSvg(architectureDot(g));
    assert.ok(svg.startsWith("<svg"), svg.slice(0, 80));
    assert.ok(svg.trimEnd().endsWith("</svg>"));
    const texts = svgTexts(svg);
    for (const az of zonesUsed(g)) assert.ok(texts.includes(az), az);
    for (const s of g.ofType(SUBNET))
      assert.ok(
        texts.some((t) => t?.endsWith(String(s.inputs["cidrBlock"]))),
        s.name,
      );
    for (const d of g.ofType(DB)) assert.ok(texts.includes(d.name), d.name);
  });

  for (const stack of ["dev", "prod"] as const) {
    it(`gives ${stack}'s Mermaid flowchart the same boxes and arrows`, () => {
      const g = graphs[stack];
      const l = layouts[stack];
      const mermaid = architectureMermaid(g);
      assert.ok(mermaid.startsWith("flowchart TB\n"));
      for (const az of zonesUsed(g)) assert.match(mermaid, new RegExp(`subgraph \\w+ \\["${az}"\\]`));
      for (const s of g.ofType(SUBNET)) assert.ok(mermaid.includes(` ${String(s.inputs["cidrBlock"])}"]`), s.name);
      const drawn = [...mermaid.matchAll(/^ {2}(\w+) (?:-->|-\.->)\|"([^"]*)"\| (\w+)$/gm)].map(
        ([, from, label, to]) => `${from} ${label} ${to}`,
      );
      // Mermaid aims at a subnet's own box where Graphviz needs a hidden node in it; no such arrow here.
      const dotArrows = arrows(l).map((e) => `${e.tail} ${e.label} ${e.head}`);
      assert.deepEqual([...drawn].sort(), [...dotArrows].sort());
      assert.ok(drawn.length >= 4);
    });
  }
});
