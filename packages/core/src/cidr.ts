/**
 * IPv4 and IPv6 CIDR blocks as plain bigint arithmetic: parse, contain, overlap, subdivide and
 * print in the form AWS returns (RFC 5952 for IPv6, so a stored block never shows a diff).
 *
 * Its own module, outside the package index, so that the offline harness can use it without
 * loading the components; a library of its own cost more to load than the whole rule set runs.
 */

const BITS = { 4: 32, 6: 128 } as const;
export type IpVersion = keyof typeof BITS;

const OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!OCTET.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseV6(text: string): bigint | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = halves.map((h) => (h === "" ? [] : h.split(":")));
  const given = groups.reduce((n, g) => n + g.length, 0);
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const all = halves.length === 1 ? groups[0] : [...groups[0], ...Array<string>(8 - given).fill("0"), ...groups[1]];
  let n = 0n;
  for (const g of all) {
    if (!HEXTET.test(g)) return undefined;
    n = (n << 16n) | BigInt(`0x${g}`);
  }
  return n;
}

/** An address in the form AWS prints it: dotted decimal, or RFC 5952 (lower case, the longest run of two or more zero groups as `::`). */
export function formatAddress(version: IpVersion, n: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join(".");
  const groups = [...Array(8).keys()].map((i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

/** A block such as 10.0.0.0/16 or 2600:1f18::/56; `address` keeps any host bits as written. */
export class Cidr {
  private constructor(
    readonly version: IpVersion,
    readonly address: bigint,
    readonly prefix: number,
  ) {}

  /** The block, or undefined when `text` is not `<address>/<prefix>` of that version (host bits are allowed). */
  static parse(text: unknown, version: IpVersion): Cidr | undefined {
    if (typeof text !== "string") return undefined;
    const slash = text.indexOf("/");
    if (slash < 0) return undefined;
    const bits = text.slice(slash + 1);
    if (!PREFIX.test(bits) || Number(bits) > BITS[version]) return undefined;
    const address = version === 4 ? parseV4(text.slice(0, slash)) : parseV6(text.slice(0, slash));
    return address === undefined ? undefined : new Cidr(version, address, Number(bits));
  }

  /** Like parse, but throws with the text and the version expected. */
  static of(text: string, version: IpVersion): Cidr {
    const block = Cidr.parse(text, version);
    if (!block)
      throw new Error(
        `${JSON.stringify(text)} is not an IPv${version} CIDR block such as ${version === 4 ? "10.0.0.0/16" : "2600:1f18::/56"}`,
      );
    return block;
  }

  private get hostBits(): bigint {
    return BigInt(BITS[this.version] - this.prefix);
  }

  /** The network address (host bits cleared). */
  get first(): bigint {
    return (this.address >> this.hostBits) << this.hostBits;
  }

  get last(): bigint {
    return this.first + (1n << this.hostBits) - 1n;
  }

  /** True when no host bits are set. */
  get isNetwork(): boolean {
    return this.address === this.first;
  }

  /** `other` lies inside this block (or is it). */
  contains(other: Cidr): boolean {
    return other.version === this.version && other.first >= this.first && other.last <= this.last;
  }

  overlaps(other: Cidr): boolean {
    return other.version === this.version && other.first <= this.last && this.first <= other.last;
  }

  /** How many blocks of `prefix` this block holds. */
  count(prefix: number): number {
    return prefix < this.prefix || prefix > BITS[this.version] ? 0 : 2 ** (prefix - this.prefix);
  }

  /** The index-th block of `prefix` inside this one, counting from its start. */
  subnet(prefix: number, index: number): Cidr {
    const count = this.count(prefix);
    if (!Number.isInteger(index) || index < 0 || index >= count)
      throw new Error(`${this.toString()} holds ${count} /${prefix} blocks; block ${index} does not exist`);
    return new Cidr(this.version, this.first + (BigInt(index) << BigInt(BITS[this.version] - prefix)), prefix);
  }

  /** The index-th address of the block, as text. */
  host(index: number): string {
    const n = this.first + BigInt(index);
    if (index < 0 || n > this.last) throw new Error(`${this.toString()} has no address ${index}`);
    return formatAddress(this.version, n);
  }

  /** The canonical form: the network address and the prefix. */
  toString(): string {
    return `${formatAddress(this.version, this.first)}/${this.prefix}`;
  }
}
