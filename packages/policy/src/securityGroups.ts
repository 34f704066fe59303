import type { PolicyResource } from "@pulumi/policy";
import { ANY_IPV4, ANY_IPV6, T } from "./types";

/** One rule, standalone resource or inline entry of a group, in one shape. */
export interface SgRule {
  readonly resource: PolicyResource | { urn: string; name: string };
  /** Where: the rule's name, or `<group> ingress[i]` for inline rules. */
  readonly where: string;
  readonly direction: "ingress" | "egress";
  readonly groupId: unknown;
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrs: readonly string[];
  readonly referencedGroups: readonly unknown[];
  readonly description?: unknown;
  readonly inline: boolean;
}

const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Rules of one resource: a standalone rule resource, or the inline `ingress`/`egress` of a group. */
export function rulesOf(r: { type: string; props: Record<string, unknown>; urn: string; name: string }): SgRule[] {
  const p = r.props;
  if (
    (T.SG_INGRESS as readonly string[]).includes(r.type) ||
    (T.SG_EGRESS as readonly string[]).includes(r.type) ||
    (T.SG_RULE as readonly string[]).includes(r.type)
  ) {
    const classic = (T.SG_RULE as readonly string[]).includes(r.type);
    return [
      {
        resource: r,
        where: r.name,
        direction: classic
          ? p["type"] === "egress"
            ? "egress"
            : "ingress"
          : (T.SG_EGRESS as readonly string[]).includes(r.type)
            ? "egress"
            : "ingress",
        groupId: p["securityGroupId"],
        protocol: String(p["ipProtocol"] ?? p["protocol"] ?? "").toLowerCase(),
        fromPort: num(p["fromPort"]),
        toPort: num(p["toPort"]),
        cidrs: [p["cidrIpv4"], p["cidrIpv6"], ...list(p["cidrBlocks"]), ...list(p["ipv6CidrBlocks"])]
          .filter((c) => c !== undefined && c !== null)
          .map(String),
        referencedGroups: [p["referencedSecurityGroupId"] ?? p["sourceSecurityGroupId"]].filter((x) => x !== undefined),
        description: p["description"],
        inline: false,
      },
    ];
  }
  if ((T.SECURITY_GROUP as readonly string[]).includes(r.type) || (T.DEFAULT_SECURITY_GROUP as readonly string[]).includes(r.type)) {
    return (["ingress", "egress"] as const).flatMap((direction) =>
      list(p[direction]).map((entry, i) => {
        const e = (entry ?? {}) as Record<string, unknown>;
        return {
          resource: r,
          where: `${r.name} ${direction}[${i}]`,
          direction,
          groupId: p["id"],
          protocol: String(e["protocol"] ?? "").toLowerCase(),
          fromPort: num(e["fromPort"]),
          toPort: num(e["toPort"]),
          cidrs: [...list(e["cidrBlocks"]), ...list(e["ipv6CidrBlocks"])].map(String),
          referencedGroups: [...list(e["securityGroups"]), ...(e["self"] ? [p["id"]] : [])],
          description: e["description"],
          inline: true,
        };
      }),
    );
  }
  return [];
}

export function isWorld(rule: SgRule): boolean {
  return rule.cidrs.some((c) => c === ANY_IPV4 || c === ANY_IPV6);
}

export function allProtocols(rule: SgRule): boolean {
  return rule.protocol === "-1" || rule.protocol === "all";
}

/** Whether the rule's port range includes `port` (every port for protocol -1). */
export function coversPort(rule: SgRule, port: number): boolean {
  if (allProtocols(rule)) return true;
  if (rule.fromPort === undefined || rule.toPort === undefined) return false;
  return rule.fromPort <= port && port <= rule.toPort;
}

const STANDALONE: readonly string[] = [...T.SG_INGRESS, ...T.SG_EGRESS, ...T.SG_RULE];

/** Whether an inline entry only repeats a standalone rule of the same group. */
function mirrors(standalone: SgRule, inline: SgRule): boolean {
  return (
    standalone.groupId === inline.groupId &&
    standalone.direction === inline.direction &&
    standalone.protocol === inline.protocol &&
    standalone.fromPort === inline.fromPort &&
    standalone.toPort === inline.toPort &&
    (standalone.cidrs.some((c) => inline.cidrs.includes(c)) || standalone.referencedGroups.some((g) => inline.referencedGroups.includes(g)))
  );
}

/**
 * Every rule of a stack, read from its outputs: the standalone rule resources,
 * and each group's inline rules except those that only mirror a standalone
 * rule. After a refresh, the provider lists a group's standalone rules inside
 * its `ingress`/`egress` too; counting those twice would report each rule twice
 * and every group as mixing inline and standalone rules.
 */
export function stackRules(resources: readonly { type: string; props: Record<string, unknown>; urn: string; name: string }[]): SgRule[] {
  const standalone = resources.filter((r) => STANDALONE.includes(r.type)).flatMap((r) => rulesOf(r));
  const inline = resources
    .filter((r) => !STANDALONE.includes(r.type))
    .flatMap((r) => rulesOf(r))
    .filter((rule) => !standalone.some((s) => mirrors(s, rule)));
  return [...standalone, ...inline];
}
