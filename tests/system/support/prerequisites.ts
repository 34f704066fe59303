import { spawnSync } from "node:child_process";

/** A program `npm run test:system` (or the failover benchmark) runs, and where it comes from. */
export interface Prerequisite {
  /** The command looked up on PATH. */
  readonly command: string;
  /** The package that provides it. */
  readonly pkg: string;
  /** How that package is installed. */
  readonly via: "apt" | "pip";
}

/** Everything the system tests start or call, each from Debian's packages or pip. */
export const PREREQUISITES: readonly Prerequisite[] = [
  { command: "shellcheck", pkg: "shellcheck", via: "apt" },
  { command: "nginx", pkg: "nginx", via: "apt" },
  { command: "mariadbd", pkg: "mariadb-server", via: "apt" },
  { command: "mariadb-install-db", pkg: "mariadb-server", via: "apt" },
  // The client comes with the server package; the fixture runs admin SQL through it.
  { command: "mariadb", pkg: "mariadb-server", via: "apt" },
  { command: "haproxy", pkg: "haproxy", via: "apt" },
  { command: "openssl", pkg: "openssl", via: "apt" },
  { command: "curl", pkg: "curl", via: "apt" },
  // The page script calls the AWS CLI; the app's SDK calls go to moto's server.
  { command: "aws", pkg: "awscli", via: "pip" },
  { command: "moto_server", pkg: "moto[server]", via: "pip" },
  // AWS's linter over the CloudFormation schemas: the second opinion on every stack's graph.
  { command: "cfn-lint", pkg: "cfn-lint", via: "pip" },
];

/** Debian keeps nginx and mariadbd in sbin, which a non-root user's PATH often lacks. */
const SBIN = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** PATH with the sbin directories added, for finding and spawning the servers. */
export function systemPath(path = process.env["PATH"] ?? ""): string {
  const parts = path.split(":").filter(Boolean);
  return [...parts, ...SBIN.filter((d) => !parts.includes(d))].join(":");
}

/** Which prerequisites to look for, and where. */
export interface LookupOptions {
  /** Only these commands. @default - all of {@link PREREQUISITES} */
  readonly only?: readonly string[];
  /** The search path. @default - systemPath() */
  readonly path?: string;
}

function found(command: string, path: string): boolean {
  return spawnSync("/bin/sh", ["-c", 'command -v "$1"', "sh", command], { env: { ...process.env, PATH: path } }).status === 0;
}

/** The prerequisites that are not installed. */
export function missingPrerequisites(options: LookupOptions = {}): Prerequisite[] {
  const path = options.path ?? systemPath();
  return PREREQUISITES.filter((p) => (options.only === undefined || options.only.includes(p.command)) && !found(p.command, path));
}

/**
 * One line naming what is missing and the command that installs it, e.g.
 * `test:system needs haproxy (Debian package haproxy): apt-get install -y haproxy`.
 */
export function describeMissing(what: string, missing: readonly Prerequisite[]): string {
  const names = missing.map((p) => `${p.command} (${p.via === "apt" ? "Debian package" : "pip package"} ${p.pkg})`).join(", ");
  const unique = (via: Prerequisite["via"]) => [...new Set(missing.filter((p) => p.via === via).map((p) => p.pkg))];
  const apt = unique("apt");
  const pip = unique("pip");
  const commands = [
    apt.length ? `apt-get update && apt-get install -y ${apt.join(" ")}` : "",
    pip.length ? `pip install ${pip.map((p) => (p.includes("[") ? `"${p}"` : p)).join(" ")}` : "",
  ].filter(Boolean);
  return `${what} needs ${names}: ${commands.join(" && ")}`;
}

/**
 * Exit with that one line when anything is missing; never skip. When all is there, put the
 * sbin directories on this process's PATH, where the lookup found the servers.
 */
export function requirePrerequisites(what: string, options: LookupOptions = {}): void {
  const missing = missingPrerequisites(options);
  if (missing.length === 0) {
    process.env["PATH"] = systemPath();
    return;
  }
  process.stderr.write(`${describeMissing(what, missing)}\n`);
  process.exit(1);
}
