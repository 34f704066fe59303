import { ChildProcess, execFile, spawn, SpawnOptions } from "node:child_process";
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** A port nobody listens on right now, on that loopback address. */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections at host:port. */
export function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.connect(port, host);
  });
}

/** Poll until `check` returns a value other than undefined, or fail naming `what`. */
export async function waitFor<T>(
  /** What is awaited, for the timeout's message; a function is read at the timeout (e.g. to quote the last answer). */
  what: string | (() => string),
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const text = typeof what === "function" ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${text}${last ? `: ${String(last)}` : ""}`);
    }
    await sleep(everyMs);
  }
}

/** A directory under the system's temp dir, readable by the unprivileged workers servers drop to. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `web-infra-${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** A server the tests started: its output goes to a log file that failures quote. */
export class Server {
  readonly child: ChildProcess;
  readonly log: string;
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions & { logDir: string },
  ) {
    this.log = join(options.logDir, `${name}.log`);
    const out = createWriteStream(this.log, { flags: "a" });
    this.child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    // Two pipes into one log: neither may end it (a server can write to one after closing the other).
    this.child.stdout?.pipe(out, { end: false });
    this.child.stderr?.pipe(out, { end: false });
    this.child.once("close", () => out.end());
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.once("error", (err) => out.write(`spawn error: ${err.message}\n`));
    RUNNING.add(this);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The tail of its log, for assertion messages. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.log, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /** Wait until it accepts connections at host:port, or fail quoting its log. */
  async listening(host: string, port: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${this.name} on ${host}:${port}`,
      async () => {
        if (!this.running) throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.tail()}`);
        return (await isListening(host, port)) || undefined;
      },
      timeoutMs,
    );
  }

  /** Stop it (SIGTERM, then SIGKILL after `graceMs`) and wait for the exit. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
    RUNNING.delete(this);
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

const RUNNING = new Set<Server>();

// Kill whatever a failed test left running when the run ends.
process.once("exit", () => {
  for (const s of RUNNING) s.child.kill("SIGKILL");
});

/** Remove a directory the tests made. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What a command printed and how it ended. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run a command to its end without blocking the event loop: the stand-ins it talks
 * to (the metadata service) live in this process, so `spawnSync` would deadlock.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { env, encoding: "utf8", timeout: timeoutMs }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ status, stdout, stderr: err && status === null ? `${stderr}\n${err.message}` : stderr });
    });
  });
}
