import * as assert from "node:assert/strict";
import { BlockList, isIPv4, isIPv6 } from "node:net";
import { Cidr, formatAddress } from "../src/cidr";

// Node's own address code is the oracle: net.isIP* (inet_pton), BlockList for containment and the
// WHATWG URL parser, whose IPv6 serializer is RFC 5952's (the form AWS returns).

/** A deterministic stream of numbers, so a failure names the same inputs on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const V4 = [
  "10.0.0.0",
  "0.0.0.0",
  "255.255.255.255",
  "192.168.1.7",
  "010.0.0.0",
  "10.0.0",
  "10.0.0.0.0",
  "256.0.0.0",
  "1.2.3.-4",
  "",
  "a.b.c.d",
  " 10.0.0.0",
];
const V6 = [
  "2600:1f18::",
  "2600:1F18:0:0:0:0:0:0",
  "::",
  "::1",
  "1::",
  "2600:1f18:::",
  "2600:01f18::",
  "1:2:3:4:5:6:7:8",
  "1:2:3:4:5:6:7:8:9",
  "1:2:3:4:5:6:7",
  "1::2::3",
  ":1::",
  "1::8:",
  "g::",
  "",
];

describe("Cidr", () => {
  it("accepts exactly the addresses inet_pton accepts (no embedded IPv4)", () => {
    for (const a of V4) assert.equal(Cidr.parse(`${a}/24`, 4) !== undefined, isIPv4(a), a);
    for (const a of V6) assert.equal(Cidr.parse(`${a}/64`, 6) !== undefined, isIPv6(a), a);
  });

  it("fails when the prefix is missing, too long for the version, or not plain decimal", () => {
    for (const bad of ["10.0.0.0", "10.0.0.0/33", "10.0.0.0/016", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/1/2", "2600::/129"])
      assert.equal(Cidr.parse(bad, bad.includes(":") ? 6 : 4), undefined, bad);
    assert.equal(Cidr.parse("10.0.0.0/16", 6), undefined);
    assert.equal(Cidr.parse(16, 4), undefined);
    assert.throws(() => Cidr.of("10.0.0.0/33", 4), /"10\.0\.0\.0\/33" is not an IPv4 CIDR block such as 10\.0\.0\.0\/16/);
  });

  it("keeps host bits apart from the network", () => {
    const c = Cidr.of("10.0.0.1/16", 4);
    assert.equal(c.isNetwork, false);
    assert.equal(c.toString(), "10.0.0.0/16");
    assert.equal(Cidr.of("10.0.0.0/16", 4).isNetwork, true);
    assert.equal(Cidr.of("0.0.0.0/0", 4).toString(), "0.0.0.0/0");
  });

  it("prints IPv6 as the URL parser does (RFC 5952), over zero runs of every shape", () => {
    const next = lcg(7);
    for (let i = 0; i < 2000; i++) {
      let n = 0n;
      for (let g = 0; g < 8; g++) n = (n << 16n) | BigInt(next() < 0.5 ? 0 : Math.floor(next() * 0x10000));
      const expected = new URL(`http://[${formatAddress(6, n)}]/`).hostname.slice(1, -1);
      assert.equal(formatAddress(6, n), expected);
      assert.equal(Cidr.of(`${expected}/128`, 6).first, n);
    }
  });

  it("contains and overlaps as BlockList decides, both versions", () => {
    const next = lcg(11);
    for (const [version, bits, type] of [
      [4, 32, "ipv4"],
      [6, 128, "ipv6"],
    ] as const) {
      for (let i = 0; i < 500; i++) {
        // Blocks near each other, so that containment and overlap both happen often.
        const base = version === 4 ? 0x0a000000n : 0x26001f18n << 96n;
        const pick = () => {
          const prefix = bits - 12 + Math.floor(next() * 10);
          const offset = BigInt(Math.floor(next() * 4096)) << BigInt(bits - prefix - 2 > 0 ? bits - prefix - 2 : 0);
          return Cidr.of(`${formatAddress(version, base + offset)}/${prefix}`, version);
        };
        const a = pick();
        const b = pick();
        const list = new BlockList();
        list.addSubnet(formatAddress(version, a.first), a.prefix, type);
        const firstIn = list.check(formatAddress(version, b.first), type);
        const lastIn = list.check(formatAddress(version, b.last), type);
        assert.equal(a.contains(b), firstIn && lastIn, `${a.toString()} ⊇ ${b.toString()}`);
        const other = new BlockList();
        other.addSubnet(formatAddress(version, b.first), b.prefix, type);
        const overlap = firstIn || lastIn || other.check(formatAddress(version, a.first), type);
        assert.equal(a.overlaps(b), overlap, `${a.toString()} ∩ ${b.toString()}`);
      }
    }
    assert.equal(Cidr.of("10.0.0.0/8", 4).contains(Cidr.of("::/0", 6)), false);
  });

  it("subdivides in order and names the block a split does not hold", () => {
    const vpc = Cidr.of("10.0.0.0/16", 4);
    assert.equal(vpc.count(20), 16);
    assert.equal(vpc.subnet(18, 2).toString(), "10.0.128.0/18");
    assert.equal(vpc.subnet(18, 2).subnet(20, 1).toString(), "10.0.144.0/20");
    assert.equal(Cidr.of("2600:1f18:abc:de00::/56", 6).subnet(64, 255).toString(), "2600:1f18:abc:deff::/64");
    assert.throws(() => vpc.subnet(18, 4), /10\.0\.0\.0\/16 holds 4 \/18 blocks; block 4 does not exist/);
    assert.equal(vpc.count(8), 0);
  });

  it("names addresses by their index and refuses one past the end", () => {
    const subnet = Cidr.of("10.0.64.0/20", 4);
    assert.equal(subnet.host(4), "10.0.64.4");
    assert.equal(subnet.host(4095), "10.0.79.255");
    assert.throws(() => subnet.host(4096), /10\.0\.64\.0\/20 has no address 4096/);
  });
});
