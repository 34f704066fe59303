import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";

/** The names a test server certificate is valid for: its subjectAltName entries. */
export interface SubjectAltNames {
  /** IP addresses, e.g. `["127.0.0.1", "127.0.0.2"]`. */
  readonly ips?: readonly string[];
  /** DNS names, e.g. `["localhost"]`. */
  readonly dns?: readonly string[];
}

/** Tuning for {@link createTestCa}. */
export interface TestCaOptions {
  /** The server certificate's subject CN. @default "web-infra test server" */
  readonly commonName?: string;
  /** How long both certificates are valid. @default 2 */
  readonly days?: number;
}

/** A throwaway CA and one server certificate it signed, as PEM files. */
export interface TestCa {
  /** The directory holding all of the files below. */
  readonly dir: string;
  /** The CA certificate: what clients trust (`--ssl-ca`, `CURL_CA_BUNDLE`, `ca-file`). */
  readonly caFile: string;
  /** The CA's private key, to sign more certificates. */
  readonly caKeyFile: string;
  /** The server certificate alone. */
  readonly certFile: string;
  /** The server certificate's unencrypted private key. */
  readonly keyFile: string;
  /** The server certificate followed by its key in one file, the form HAProxy's `crt` takes. */
  readonly pemBundle: string;
}

/** Run openssl to completion or throw with what it printed. */
function openssl(args: readonly string[], cwd: string): void {
  const result = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (result.error) throw new Error(`openssl ${args[0]}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
}

/**
 * A fresh CA (RSA 2048, self-signed) and a server certificate it signed for `sans`,
 * written to `dir` with the `openssl` CLI. The files are regenerated on every call.
 */
export function createTestCa(dir: string, sans: SubjectAltNames, options: TestCaOptions = {}): TestCa {
  const ips = sans.ips ?? [];
  const dns = sans.dns ?? [];
  if (ips.length + dns.length === 0) throw new Error("createTestCa: a server certificate needs at least one IP or DNS name");
  for (const ip of ips) if (isIP(ip) === 0) throw new Error(`createTestCa: ${JSON.stringify(ip)} is not an IP address`);
  for (const name of dns) if (!/^[A-Za-z0-9*.-]+$/.test(name)) throw new Error(`createTestCa: ${JSON.stringify(name)} is not a DNS name`);
  const days = String(options.days ?? 2);
  const commonName = options.commonName ?? "web-infra test server";
  if (/[\n\\/=]/.test(commonName))
    throw new Error(`createTestCa: the CN ${JSON.stringify(commonName)} has a character openssl's -subj syntax reserves`);
  mkdirSync(dir, { recursive: true });
  const files = {
    dir,
    caFile: join(dir, "ca.pem"),
    caKeyFile: join(dir, "ca.key"),
    certFile: join(dir, "server.pem"),
    keyFile: join(dir, "server.key"),
    pemBundle: join(dir, "server-bundle.pem"),
  };
  // Our own config, not the system openssl.cnf: its defaults differ between distributions,
  // and a duplicate extension from -addext is an error on some versions.
  const config = join(dir, "openssl.cnf");
  writeFileSync(
    config,
    [
      "[req]",
      "distinguished_name = dn",
      "prompt = no",
      "[dn]",
      "CN = web-infra test CA",
      "[ca]",
      "basicConstraints = critical, CA:TRUE",
      "keyUsage = critical, keyCertSign, cRLSign",
      "subjectKeyIdentifier = hash",
      "[server]",
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, keyEncipherment",
      "extendedKeyUsage = serverAuth",
      // Python ≥ 3.13 and OpenSSL's strict mode reject a leaf without an authority key identifier.
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      `subjectAltName = ${[...ips.map((ip) => `IP:${ip}`), ...dns.map((name) => `DNS:${name}`)].join(", ")}`,
      "",
    ].join("\n"),
  );
  const serial = () => `0x${randomBytes(8).toString("hex")}`;
  openssl(
    [
      "req",
      "-x509",
      "-config",
      config,
      "-extensions",
      "ca",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      files.caKeyFile,
      "-out",
      files.caFile,
    ].concat(["-days", days, "-set_serial", serial()]),
    dir,
  );
  const csr = join(dir, "server.csr");
  openssl(
    [
      "req",
      "-new",
      "-config",
      config,
      "-subj",
      `/CN=${commonName}`,
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      files.keyFile,
      "-out",
      csr,
    ],
    dir,
  );
  openssl(
    ["x509", "-req", "-in", csr, "-CA", files.caFile, "-CAkey", files.caKeyFile, "-set_serial", serial(), "-days", days].concat([
      "-extfile",
      config,
      "-extensions",
      "server",
      "-out",
      files.certFile,
    ]),
    dir,
  );
  writeFileSync(files.pemBundle, readFileSync(files.certFile, "utf8") + readFileSync(files.keyFile, "utf8"), { mode: 0o600 });
  return files;
}
