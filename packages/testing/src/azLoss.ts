import type { CapturedResource, StackGraph } from "./graph";
import { bootScriptDownloads, groupBootScript } from "./rules/boot";
import { ATTACHMENT, LB } from "./rules/compute";
import { routesOf, routeTableOf } from "./rules/network";

const INSTANCE = "aws:ec2/instance:Instance";
const ASG = "aws:autoscaling/group:Group";
const SUBNET = "aws:ec2/subnet:Subnet";
const NAT = "aws:ec2/natGateway:NatGateway";
const DB = "aws:rds/instance:Instance";

/** Multi-AZ RDS failover time (RDS user guide). */
export const RDS_FAILOVER = "60–120 s";

export interface AzLossResult {
  /** The AZ lost. */
  readonly az: string;
  /**
   * Web capacity behind load balancers: instances attached to target groups, plus Auto Scaling
   * groups' desired capacity. `inRotation` is what is left at once (a group loses the share it
   * keeps in that AZ, balanced as Auto Scaling balances); `afterRelaunch` is what the groups
   * bring back in their surviving subnets, which they can only do where a new server's boot
   * script reaches the internet (its subnet's NAT survives).
   */
  readonly web: { readonly total: number; readonly inRotation: number; readonly afterRelaunch: number; readonly up: boolean };
  /** Internet-facing load balancer nodes: subnets left outside the lost AZ. */
  readonly alb: { readonly subnets: number; readonly remaining: number; readonly up: boolean };
  /** Each surviving private subnet (default route to a NAT gateway) and whether its NAT survives. */
  readonly egress: readonly {
    readonly subnet: string;
    readonly az: string;
    readonly nat: string;
    readonly natAz: string;
    readonly up: boolean;
  }[];
  /** The database writer: up, failing over to its standby, or down. */
  readonly writes: { readonly status: "up" | "failover" | "down" | "none"; readonly primary?: string; readonly detail: string };
  /** Reads: served by a surviving replica, only by the writer, or not at all. */
  readonly reads: { readonly status: "up" | "writer-only" | "down" | "none"; readonly via: readonly string[] };
  /** What breaks, one line each: the single points of failure this AZ is. */
  readonly spofs: readonly string[];
}

const azOf = (r: CapturedResource | undefined) => (r?.state["availabilityZone"] as string | undefined) ?? undefined;

/** Every AZ the graph's subnets are in, sorted. */
export function zonesUsed(graph: StackGraph): string[] {
  return [
    ...new Set(
      graph
        .ofType(SUBNET)
        .map((s) => azOf(s))
        .filter((z): z is string => z !== undefined),
    ),
  ].sort();
}

/**
 * What survives the loss of one availability zone, computed from the resources
 * themselves: placement of instances, load balancer subnets, the NAT gateway
 * each private subnet routes through, and the database's Multi-AZ setting and
 * replicas.
 */
export function analyzeAzLoss(graph: StackGraph, az: string): AzLossResult {
  const spofs: string[] = [];
  // A subnet's way out: its default route, and through which NAT gateway (and AZ) when it is private.
  const wayOut = (subnet: CapturedResource | undefined) => {
    const table = subnet && routeTableOf(subnet, graph);
    const route = table && routesOf(table, graph).find((r) => r.destination === "0.0.0.0/0");
    if (!route) return undefined;
    if (route.kind !== NAT) return { nat: undefined, up: true };
    const nat = graph.byId(route.target) as CapturedResource;
    const natAz = azOf(graph.byId(nat.inputs["subnetId"])) ?? "?";
    return { nat, natAz, up: natAz !== az };
  };

  // Web: instances registered with a target group, and Auto Scaling capacity (which refills in the other AZs).
  const attached = [
    ...new Set(
      graph
        .ofType(...ATTACHMENT)
        .map((a) => graph.byId(a.inputs["targetId"]))
        .filter((i): i is CapturedResource => i?.type === INSTANCE),
    ),
  ];
  const asgs = graph.ofType(ASG);
  const groups = asgs.map((g) => {
    // A group is placed by subnets (vpcZoneIdentifiers) or, in the default VPC, by availabilityZones.
    const subnets = ((g.inputs["vpcZoneIdentifiers"] as unknown[] | undefined) ?? []).map((id) => graph.byId(id));
    const zones = [
      ...new Set([...subnets.map((sn) => azOf(sn)), ...((g.inputs["availabilityZones"] as string[] | undefined) ?? [])]),
    ].filter((z): z is string => z !== undefined);
    const capacity = Number(g.inputs["desiredCapacity"] ?? g.inputs["minSize"] ?? 0);
    if (!zones.includes(az)) return { capacity, now: capacity, after: capacity };
    // Auto Scaling balances across its zones; at worst the lost zone held the larger share.
    const now = capacity - Math.ceil(capacity / zones.length);
    // A server whose boot script downloads can only come up where its subnet still reaches the internet.
    // A template outside the graph is assumed to download, as the web tier's does.
    const script = groupBootScript(graph, g);
    const downloads = script === undefined || bootScriptDownloads(script).length > 0;
    const survivors = subnets.filter((sn) => azOf(sn) !== az);
    const relaunchable = subnets.length ? survivors.some((sn) => !downloads || wayOut(sn)?.up === true) : zones.some((z) => z !== az);
    return { capacity, now, after: relaunchable ? capacity : now };
  });
  const attachedLeft = attached.filter((i) => azOf(i) !== az).length;
  const total = attached.length + groups.reduce((n, g) => n + g.capacity, 0);
  const inRotation = attachedLeft + groups.reduce((n, g) => n + g.now, 0);
  const afterRelaunch = attachedLeft + groups.reduce((n, g) => n + g.after, 0);
  if (total > 0 && inRotation === 0) spofs.push(`web: every server behind the load balancer is in ${az}`);

  // Load balancers: nodes live in each subnet's AZ; the rest keep serving.
  const lbs = graph.ofType(...LB).filter((lb) => lb.inputs["internal"] !== true);
  const lbSubnets = lbs.flatMap((lb) =>
    [
      ...((lb.inputs["subnets"] as unknown[] | undefined) ?? []),
      ...((lb.inputs["subnetMappings"] as { subnetId?: unknown }[] | undefined) ?? []).map((m) => m.subnetId),
    ].map((id) => graph.byId(id)),
  );
  const remaining = lbSubnets.filter((s) => azOf(s) !== az).length;
  if (lbs.length && remaining === 0) spofs.push(`load balancer: all its subnets are in ${az}`);

  // Egress: each private subnet outside the lost AZ, through its default route's NAT gateway.
  const egress = graph
    .ofType(SUBNET)
    .filter((s) => azOf(s) !== az)
    .flatMap((s) => {
      const out = wayOut(s);
      return out?.nat ? [{ subnet: s.name, az: azOf(s) ?? "?", nat: out.nat.name, natAz: out.natAz ?? "?", up: out.up }] : [];
    });
  for (const e of egress.filter((x) => !x.up))
    spofs.push(`egress: ${e.subnet} (${e.az}) reaches the internet only through ${e.nat} in ${az}`);

  // Database: the writer and the readers.
  const primaries = graph.ofType(DB).filter((d) => d.inputs["replicateSourceDb"] === undefined);
  const replicas = graph.ofType(DB).filter((d) => d.inputs["replicateSourceDb"] !== undefined);
  const primary = primaries[0];
  let writes: AzLossResult["writes"];
  if (!primary) writes = { status: "none", detail: "no database" };
  else if (azOf(primary) !== az) writes = { status: "up", primary: primary.name, detail: `${primary.name} is in ${azOf(primary)}` };
  else if (primary.inputs["multiAz"] === true) {
    writes = {
      status: "failover",
      primary: primary.name,
      detail: `${primary.name} fails over to its standby in another AZ (${RDS_FAILOVER})`,
    };
  } else {
    writes = { status: "down", primary: primary.name, detail: `${primary.name} is single-AZ in ${az}` };
    spofs.push(`writes: ${primary.name} is a single-AZ primary in ${az}`);
  }
  const readers = replicas.filter((r) => azOf(r) !== az || r.inputs["multiAz"] === true).map((r) => r.name);
  const reads: AzLossResult["reads"] = !primary
    ? { status: "none", via: [] }
    : readers.length
      ? { status: "up", via: readers }
      : writes.status === "down"
        ? { status: "down", via: [] }
        : { status: "writer-only", via: [primary.name] };
  if (primary && reads.status === "down") spofs.push(`reads: no replica outside ${az} and the writer is down`);

  return {
    az,
    web: { total, inRotation, afterRelaunch, up: total === 0 || inRotation > 0 },
    alb: { subnets: lbSubnets.length, remaining, up: lbs.length === 0 || remaining > 0 },
    egress,
    writes,
    reads,
    spofs,
  };
}

/** The analysis for each AZ the graph uses. */
export function analyzeEveryAz(graph: StackGraph): AzLossResult[] {
  return zonesUsed(graph).map((az) => analyzeAzLoss(graph, az));
}

/** A fixed-width table of `analyzeEveryAz`, one row per lost AZ, then the SPOFs. */
export function renderAzLoss(results: readonly AzLossResult[]): string {
  const rows = results.map((r) => [
    r.az,
    `${r.web.inRotation}/${r.web.total}`,
    `${r.web.afterRelaunch}/${r.web.total}`,
    `${r.alb.remaining}/${r.alb.subnets}`,
    r.egress.length ? `${r.egress.filter((e) => e.up).length}/${r.egress.length}` : "-",
    { up: "up", failover: `fails over (${RDS_FAILOVER})`, down: "DOWN", none: "-" }[r.writes.status],
    { up: `up (${r.reads.via.join(", ")})`, "writer-only": "writer only", down: "DOWN", none: "-" }[r.reads.status],
  ]);
  const header = ["AZ lost", "web at once", "web after relaunch", "ALB subnets", "private egress", "writes", "reads"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const spofs = results.flatMap((r) => r.spofs.map((s) => `  ✗ losing ${r.az}: ${s}`));
  return [
    line(header),
    ...rows.map(line),
    ...(spofs.length ? ["", "Single points of failure:", ...spofs] : ["", "No single AZ is a single point of failure."]),
  ].join("\n");
}
