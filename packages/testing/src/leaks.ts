import type { StackGraph } from "./graph";

/** A secret value found somewhere it is not marked secret. */
export interface SecretLeak {
  readonly urn: string;
  /** `inputs.<path>`, `outputs.<name>`, … */
  readonly where: string;
  /** Which secret leaked (its source), never the value. */
  readonly secret: string;
}

const GENERATORS = ["random:index/randomPassword:RandomPassword", "random:index/randomString:RandomString"];

/** Every string leaf of a value, with its dotted path. */
function leaves(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (typeof value === "string") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}[${i}]`, out));
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  return out;
}

const covered = (secretPaths: readonly string[], path: string) =>
  secretPaths.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));

/**
 * Where a generated secret (a RandomPassword or RandomString result, or a
 * secret config value) appears in plain text: an input not marked secret,
 * a stack output not marked secret, a component's registered outputs. User
 * data and tags are inputs, so they are covered.
 */
export function findSecretLeaks(graph: StackGraph, extraSecrets: Readonly<Record<string, string>> = {}): SecretLeak[] {
  const secrets: [string, string][] = [
    ...graph.ofType(...GENERATORS).map((r): [string, string] => [r.urn, String(r.state["result"] ?? "")]),
    ...Object.entries(extraSecrets),
  ].filter(([, v]) => v.length >= 6);
  const leaks: SecretLeak[] = [];
  const scan = (urn: string, where: string, bag: unknown, secretPaths: readonly string[]) => {
    for (const [path, text] of leaves(bag, "")) {
      if (covered(secretPaths, path)) continue;
      for (const [source, value] of secrets) {
        if (text.includes(value)) leaks.push({ urn, where: `${where}.${path}`, secret: source });
      }
    }
  };
  for (const r of graph.resources) {
    if (GENERATORS.includes(r.type)) continue;
    scan(r.urn, "inputs", r.inputs, r.secretPaths);
    if (r.registeredOutputs) scan(r.urn, "outputs", r.registeredOutputs, r.registeredSecretPaths ?? []);
  }
  return leaks;
}
