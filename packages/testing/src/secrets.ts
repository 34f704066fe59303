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
