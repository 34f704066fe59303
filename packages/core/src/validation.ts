/**
 * One invalid input: which argument, what was given, what is wrong, how to
 * fix it. Rendered as `<key> must be <rule>, got <value>. <fix>`.
 */
export interface Problem {
  readonly key: string;
  readonly message: string;
  readonly got?: unknown;
  readonly fix?: string;
}

export function renderValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function renderProblem(p: Problem): string {
  const got = "got" in p ? `, got ${renderValue(p.got)}` : "";
  return `${p.key} ${p.message}${got}.${p.fix ? ` ${p.fix}` : ""}`;
}

/** Every problem found in one set of inputs, thrown together so nothing is fixed one error at a time. */
export class ValidationError extends Error {
  constructor(
    /** What was being validated, e.g. `web-infra:networking:Network "net"` or `stack config`. */
    readonly subject: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `${subject} has ${problems.length} invalid input${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${renderProblem(p)}`).join("\n"),
    );
    this.name = "ValidationError";
  }
}

/** Collects problems, then throws them all at once. */
export class Problems {
  private readonly list: Problem[] = [];

  constructor(
    private readonly subject: string,
    /** Prefix for every key, e.g. `web-infra:` for stack config. */
    private readonly prefix = "",
  ) {}

  /** Record a problem; `detail.got` is shown even when it is `undefined` (a missing value). */
  add(key: string, message: string, detail: { got?: unknown; fix: string }): this {
    this.list.push({ ...detail, key: this.prefix + key, message });
    return this;
  }

  /** Record a problem with the value given unless `ok` holds. */
  check(ok: boolean, key: string, message: string, got: unknown, fix: string): boolean {
    if (!ok) this.add(key, message, { got, fix });
    return ok;
  }

  /** An integer within [min, max] when given. */
  integer(key: string, value: number | undefined, min: number, max: number, fix: string): void {
    if (value === undefined) return;
    this.check(
      Number.isInteger(value) && value >= min && value <= max,
      key,
      max === Number.MAX_SAFE_INTEGER ? `must be an integer ≥ ${min}` : `must be an integer from ${min} to ${max}`,
      value,
      fix,
    );
  }

  /** One of the allowed values when given. */
  oneOf<T>(key: string, value: T | undefined, allowed: readonly T[], fix: string): void {
    if (value === undefined) return;
    this.check(allowed.includes(value), key, `must be one of ${allowed.map((a) => renderValue(a)).join(", ")}`, value, fix);
  }

  get count(): number {
    return this.list.length;
  }

  get all(): readonly Problem[] {
    return this.list;
  }

  throwIfAny(): void {
    if (this.list.length) throw new ValidationError(this.subject, this.list);
  }
}
