import { AUTONAME } from "../aws/naming";
import { AwsRule, resourceRule } from "./rule";

export const uniqueUrn: AwsRule = {
  id: "unique-urn",
  description: "Two resources of the same type may not share a logical name under the same parent type (engine: Duplicate resource URN)",
  check: (graph) => {
    const seen = new Set<string>();
    const out = [];
    for (const r of graph.resources) {
      if (seen.has(r.urn)) {
        out.push({
          rule: "unique-urn",
          urn: r.urn,
          message: `Duplicate resource URN '${r.urn}'; try giving it a unique name`,
        });
      }
      seen.add(r.urn);
    }
    return out;
  },
};

export const nameLength: AwsRule = resourceRule(
  "physical-name-limits",
  "A physical name, given or auto-named (logical name + '-' + 7 random characters), must fit the service's length and character rules",
  Object.keys(AUTONAME),
  (r) => {
    const spec = AUTONAME[r.type];
    const name = r.state[spec.prop];
    if (typeof name !== "string") return undefined;
    const given = typeof r.inputs[spec.prop] === "string" && r.inputs[spec.prop] !== "";
    const how = given ? "given" : `auto-named from logical name "${r.name}"`;
    if (name.length > spec.max) {
      return `${spec.label} "${name}" (${how}) is ${name.length} characters; the limit is ${spec.max}. Shorten the ${given ? spec.prop : "logical name"} to at most ${given ? spec.max : spec.max - 8} characters`;
    }
    if (spec.pattern && !spec.pattern.test(name)) {
      return `${spec.label} "${name}" (${how}) has characters the service refuses (${spec.pattern.source})`;
    }
    return undefined;
  },
);

export const NAMING_RULES: readonly AwsRule[] = [uniqueUrn, nameLength];
