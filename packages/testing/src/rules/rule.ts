import type { CapturedResource, Rejection, StackGraph } from "../graph";

/**
 * One thing AWS or the provider refuses at `pulumi up`. A rule reads the
 * captured graph and returns a message per offending resource.
 */
export interface AwsRule {
  /** Stable id, e.g. `subnet-cidr-in-vpc`. */
  readonly id: string;
  /** What AWS enforces, with the source (API error, user guide page). */
  readonly description: string;
  /**
   * The resource types whose resources it rejects, when it names them (a rule across the graph may not).
   *
   * @default - not stated
   */
  readonly types?: readonly string[];
  readonly check: (graph: StackGraph) => Rejection[];
}

/**
 * A rule over every resource of some types: `test` returns the problems of
 * one resource (empty when AWS would accept it).
 */
export function resourceRule(
  id: string,
  description: string,
  types: readonly string[],
  test: (r: CapturedResource, graph: StackGraph) => (string | undefined)[] | string | undefined,
): AwsRule {
  return {
    id,
    description,
    types,
    check: (graph) =>
      graph.ofType(...types).flatMap((r) => {
        const found = test(r, graph);
        const list = Array.isArray(found) ? found : [found];
        return list.filter((m): m is string => typeof m === "string").map((message) => ({ rule: id, urn: r.urn, message }));
      }),
  };
}

/** Thrown when a run registers something AWS would refuse; lists every refusal at once. */
export class AwsRejectionError extends Error {
  constructor(readonly rejections: readonly Rejection[]) {
    super(
      `AWS would reject ${rejections.length} resource${rejections.length === 1 ? "" : "s"} at pulumi up:\n` +
        rejections.map((r) => `  - [${r.rule}] ${r.urn}: ${r.message}`).join("\n"),
    );
    this.name = "AwsRejectionError";
  }
}

/**
 * Rejections as `pulumi preview` prints a provider's errors: a Diagnostics section, one block
 * per resource (`aws:<module>:<Type> (<name>):`), each error under it.
 */
export function formatAsPreview(rejections: readonly Rejection[]): string {
  const byUrn = new Map<string, Rejection[]>();
  for (const r of rejections) byUrn.set(r.urn, [...(byUrn.get(r.urn) ?? []), r]);
  const blocks = [...byUrn].map(([urn, found]) => {
    const type = urn.slice(urn.lastIndexOf("$") + 1, urn.lastIndexOf("::")).replace(/^([^:]+):([^/]+)\/[^:]+:/, "$1:$2:");
    const name = urn.slice(urn.lastIndexOf("::") + 2);
    const count = `${found.length} error${found.length === 1 ? "" : "s"} occurred`;
    return [`  ${type} (${name}):`, `    error: ${count}:`, ...found.map((r) => `    \t* [${r.rule}] ${r.message}`)].join("\n");
  });
  return ["Diagnostics:", ...blocks].join("\n");
}

/** A resource's region: its explicit provider's, else the stack's. */
export function regionOf(r: CapturedResource | undefined, graph: StackGraph): string {
  const ref = r?.options.provider;
  const provider = ref === undefined ? undefined : graph.byUrn(ref.slice(0, ref.lastIndexOf("::")));
  const region = provider?.inputs["region"];
  return typeof region === "string" ? region : graph.region;
}

export function checkRules(graph: StackGraph, rules: readonly AwsRule[]): Rejection[] {
  return rules.flatMap((rule) => rule.check(graph));
}

/** `a.b[0].c` style lookup into a captured property bag. */
/** A numeric input as AWS reads it: the provider passes numbers, configuration may pass numeric strings. */
/** An input that should be an object, or an empty one. */
export type Bag = Record<string, unknown>;
export const bag = (v: unknown): Bag => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Bag) : {});
/** An input that should be a list, or an empty one. */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const num = (v: unknown): number | undefined =>
  typeof v === "number" ? v : typeof v === "string" && v !== "" ? Number(v) : undefined;

/** True when an optional integer input is unset or within [lo, hi]. */
export const inRange = (v: number | undefined, lo: number, hi: number): boolean =>
  v === undefined || (Number.isInteger(v) && v >= lo && v <= hi);

export function prop(bag: Record<string, unknown>, path: string): unknown {
  let cur: unknown = bag;
  for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
