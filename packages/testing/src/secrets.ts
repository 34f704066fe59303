import * as pulumi from "@pulumi/pulumi";

const SIG = pulumi.runtime.specialSigKey;
const SECRET = pulumi.runtime.specialSecretSig;

function isSecretEnvelope(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG] === SECRET;
}

/**
 * Replace every secret envelope in a deserialized property bag by its value,
 * returning the plain bag and the dotted paths that were secret.
 */
export function unwrapSecrets(value: unknown, path = "", paths: string[] = []): { value: unknown; paths: string[] } {
  if (isSecretEnvelope(value)) {
    paths.push(path);
    return { value: unwrapSecrets(value.value, path, []).value, paths };
  }
  if (Array.isArray(value)) {
    return { value: value.map((v, i) => unwrapSecrets(v, path ? `${path}[${i}]` : `[${i}]`, paths).value), paths };
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = unwrapSecrets(v, path ? `${path}.${k}` : k, paths).value;
    return { value: out, paths };
  }
  return { value, paths };
}

/** Wrap the top-level properties named in `props` as secrets, the way the engine marks them. */
export function wrapSecretProps(state: Record<string, unknown>, props: Iterable<string>): Record<string, unknown> {
  const out = { ...state };
  for (const p of props) {
    if (p in out && out[p] !== undefined) out[p] = { [SIG]: SECRET, value: out[p] };
  }
  return out;
}

/** A copy of `bag` with the values at the given secret paths replaced by "[secret]". */
export function redactSecrets(bag: Record<string, unknown>, paths: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(bag);
  for (const path of paths) {
    const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "");
    let cur: Record<string, unknown> = copy;
    for (const part of parts.slice(0, -1)) cur = (cur?.[part] ?? {}) as Record<string, unknown>;
    const last = parts[parts.length - 1];
    if (cur && last !== undefined && last in cur) cur[last] = "[secret]";
  }
  return copy;
}

const RESOURCE = pulumi.runtime.specialResourceSig;

/**
 * A registration's inputs as the provider receives them, from the request's
 * wire form: secrets unwrapped (paths recorded) and resource references
 * reduced to the referenced resource's id (its URN for a component), the way
 * the engine hands them to a provider that takes strings.
 */
export function fromWire(value: unknown, path = "", paths: string[] = []): { value: unknown; paths: string[] } {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (v[SIG] === SECRET) {
      paths.push(path);
      return { value: fromWire(v["value"], path, []).value, paths };
    }
    if (v[SIG] === RESOURCE) return { value: typeof v["id"] === "string" && v["id"] !== "" ? v["id"] : v["urn"], paths };
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = fromWire(x, path ? `${path}.${k}` : k, paths).value;
    return { value: out, paths };
  }
  if (Array.isArray(value)) return { value: value.map((x, i) => fromWire(x, path ? `${path}[${i}]` : `[${i}]`, paths).value), paths };
  return { value, paths };
}
