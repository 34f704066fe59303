import { StackGraph } from "../graph";
import type { AwsRule } from "./rule";

/** Input paths (`a.b[].c`, as RULES.md writes them) by resource type. */
export type InputsByType = Map<string, Set<string>>;

/**
 * A read-only view of an input bag that records every path read through it. Array elements are
 * one path (`list[]`); array methods (`map`, `length`) go through the view, so elements they visit count.
 */
function traced(value: unknown, path: string, record: (path: string) => void): unknown {
  if (value === null || typeof value !== "object") return value;
  const isArray = Array.isArray(value);
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const found: unknown = Reflect.get(target, key, receiver);
      if (typeof key === "symbol" || (isArray && !/^\d+$/.test(key))) return found;
      const next = isArray ? `${path}[]` : path ? `${path}.${key}` : key;
      record(next);
      return traced(found, next, record);
    },
  });
}

/**
 * The inputs a rule reads, by resource type: the rule runs over copies of the graphs whose inputs
 * record each read, so the list comes from the rule's code, never from a list kept beside it.
 * A path read only on the way to a deeper one (`healthCheck` before `healthCheck.interval`) is dropped.
 * Reads depend on the values present: a rule that stops at its first check reads no further.
 */
export function inputsRead(rule: AwsRule, graphs: readonly StackGraph[]): InputsByType {
  const reads: InputsByType = new Map();
  for (const g of graphs) {
    const resources = g.resources.map((r) => {
      const record = (path: string) => {
        const set = reads.get(r.type) ?? new Set<string>();
        reads.set(r.type, set.add(path));
      };
      // A rule may read an input from `state` (inputs plus what the provider computed, such as an autoname).
      const view = (bag: Record<string, unknown>) => traced(bag, "", record) as Record<string, unknown>;
      return { ...r, inputs: view(r.inputs), state: view(r.state) };
    });
    rule.check(new StackGraph(resources, g));
  }
  for (const [type, paths] of reads) {
    const all = [...paths];
    reads.set(type, new Set(all.filter((p) => !all.some((q) => q.startsWith(`${p}.`) || q.startsWith(`${p}[]`)))));
  }
  return reads;
}
