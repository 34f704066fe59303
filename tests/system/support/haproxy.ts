import { readFileSync, writeFileSync } from "node:fs";
import { ClientRequest, request as httpRequest, IncomingHttpHeaders, IncomingMessage } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import { createConnection } from "node:net";
import { join } from "node:path";
import { freePort, removeDir, runCommand, Server, tempDir } from "./processes";
import { createTestCa, TestCa } from "./tls";

/** A web server the rehearsal balances over: an ALB target (instance + port). */
export interface HaProxyBackend {
  /** The HAProxy server name, also what the stats socket reports. */
  readonly name: string;
  readonly host: string;
  /** Like a target registration without a port override, it defaults to the target group's port. */
  readonly port?: number;
}

/** What the rehearsal needs besides the target group and listeners. */
export interface HaProxyConfigOptions {
  readonly backends: readonly HaProxyBackend[];
  /** The loopback port that stands in for each ALB listener port, e.g. `{ 443: 40443, 80: 40080 }`. */
  readonly listenerPorts: Readonly<Record<number, number>>;
  /** Certificate followed by its key, for the HTTPS listener's `ssl crt`. */
  readonly certPem: string;
  /** Where the admin-level runtime API listens. */
  readonly statsSocket: string;
  /** The address the frontends bind to. @default "127.0.0.1" */
  readonly bindHost?: string;
}

type Inputs = Readonly<Record<string, unknown>>;

const ALGORITHMS: Readonly<Record<string, string>> = { round_robin: "roundrobin" };

const REDIRECT_CODES: Readonly<Record<string, number>> = { HTTP_301: 301, HTTP_302: 302 };

// Security policies name their floor (…-TLS13-1-2-…, ELBSecurityPolicy-TLS-1-1-…); the cipher lists are not rehearsed.
const TLS_FLOORS: readonly [RegExp, string][] = [
  [/-1-3-/, "TLSv1.3"],
  [/-1-2-/, "TLSv1.2"],
  [/-1-1-/, "TLSv1.1"],
  [/-1-0-/, "TLSv1.0"],
];

function record(value: unknown, what: string): Inputs {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} is not an object: ${JSON.stringify(value)}`);
  return value as Inputs;
}

function positiveInt(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    throw new Error(`${what} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

function balance(tg: Inputs): string {
  const algorithm = (tg["loadBalancingAlgorithmType"] as string | undefined) ?? "round_robin";
  const haproxy = ALGORITHMS[algorithm];
  if (!haproxy) {
    throw new Error(
      `loadBalancingAlgorithmType ${JSON.stringify(algorithm)} cannot be rehearsed on HAProxy: only "round_robin" has an equivalent ` +
        `(leastconn counts connections, not the ALB's outstanding requests; weighted_random has anomaly mitigation HAProxy lacks)`,
    );
  }
  return haproxy;
}

/** The per-server check keywords and the backend lines of the target group's health check. */
function healthCheck(tg: Inputs): { backend: string[]; server: string } {
  const hc = record(tg["healthCheck"] ?? {}, "healthCheck");
  if (hc["enabled"] === false) return { backend: [], server: "" };
  const protocol = (hc["protocol"] as string | undefined) ?? "HTTP";
  if (protocol !== "HTTP" && protocol !== "HTTPS")
    throw new Error(`healthCheck.protocol ${JSON.stringify(protocol)} cannot be rehearsed: only HTTP and HTTPS`);
  const path = (hc["path"] as string | undefined) ?? "/";
  if (!/^\/\S*$/.test(path)) throw new Error(`healthCheck.path ${JSON.stringify(path)} is not an absolute path without spaces`);
  const matcher = (hc["matcher"] as string | undefined) ?? "200";
  if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(matcher))
    throw new Error(`healthCheck.matcher ${JSON.stringify(matcher)} is not a list of codes or ranges`);
  const interval = positiveInt(hc["interval"] ?? 30, "healthCheck.interval");
  const timeout = positiveInt(hc["timeout"] ?? 5, "healthCheck.timeout");
  const fall = positiveInt(hc["unhealthyThreshold"] ?? 3, "healthCheck.unhealthyThreshold");
  const rise = positiveInt(hc["healthyThreshold"] ?? 5, "healthCheck.healthyThreshold");
  const port = (hc["port"] as string | undefined) ?? "traffic-port";
  if (port !== "traffic-port" && !/^\d+$/.test(port))
    throw new Error(`healthCheck.port ${JSON.stringify(port)} is neither "traffic-port" nor a port number`);
  const server = [
    `check inter ${interval}s fall ${fall} rise ${rise}`,
    port === "traffic-port" ? "" : `port ${port}`,
    // The ALB does not validate a target's certificate, for checks or traffic.
    protocol === "HTTPS" ? "check-ssl verify none" : "",
  ];
  return {
    backend: [
      `option httpchk GET ${path}`,
      `http-check expect status ${matcher}`,
      // HAProxy adds this read timeout to a connect timeout of min(timeout connect, inter), so a
      // blackholed target takes longer to fail a check than on the ALB; a refused one fails at once on both.
      `timeout check ${timeout}s`,
      "option log-health-checks",
    ],
    server: server.filter(Boolean).join(" "),
  };
}

function stickiness(tg: Inputs): { backend: string[]; server: (name: string) => string } {
  const s = record(tg["stickiness"] ?? {}, "stickiness");
  if (s["enabled"] !== true) return { backend: [], server: () => "" };
  if (s["type"] !== "lb_cookie") throw new Error(`stickiness type ${JSON.stringify(s["type"])} cannot be rehearsed: only lb_cookie`);
  const duration = positiveInt(s["cookieDuration"] ?? 86400, "stickiness.cookieDuration");
  return { backend: [`cookie AWSALB insert indirect nocache maxlife ${duration}s`], server: (name) => `cookie ${name}` };
}

function localPort(options: HaProxyConfigOptions, albPort: number): number {
  const port = options.listenerPorts[albPort];
  if (port === undefined)
    throw new Error(`no loopback port given for the listener on :${albPort} (listenerPorts has ${JSON.stringify(options.listenerPorts)})`);
  return port;
}

function tlsFloor(policy: unknown): string {
  const name = (policy as string | undefined) ?? "ELBSecurityPolicy-2016-08";
  if (name === "ELBSecurityPolicy-2016-08") return "TLSv1.0";
  const floor = TLS_FLOORS.find(([pattern]) => pattern.test(name));
  if (!floor) throw new Error(`sslPolicy ${JSON.stringify(name)}: cannot tell its minimum TLS version`);
  return floor[1];
}

function frontend(listener: Inputs, index: number, options: HaProxyConfigOptions): string[] {
  const albPort = positiveInt(listener["port"], `listener ${index} port`);
  const protocol = listener["protocol"] as string;
  const actions = (listener["defaultActions"] as Inputs[] | undefined) ?? [];
  if (actions.length !== 1) throw new Error(`listener :${albPort} has ${actions.length} default actions; the rehearsal takes exactly one`);
  const action = record(actions[0], `listener :${albPort} default action`);
  const bind = `${options.bindHost ?? "127.0.0.1"}:${localPort(options, albPort)}`;
  const lines = [`frontend ${protocol.toLowerCase()}-${albPort}`];
  if (protocol === "HTTPS") {
    // The ALB offers HTTP/2 to clients by default and speaks HTTP/1.1 to targets.
    lines.push(`    bind ${bind} ssl crt ${options.certPem} ssl-min-ver ${tlsFloor(listener["sslPolicy"])} alpn h2,http/1.1`);
  } else if (protocol === "HTTP") {
    lines.push(`    bind ${bind}`);
  } else {
    throw new Error(`listener :${albPort} protocol ${JSON.stringify(protocol)} cannot be rehearsed: only HTTP and HTTPS`);
  }
  if (action["type"] === "forward") {
    if (action["forward"] !== undefined)
      throw new Error(`listener :${albPort}: weighted forward to several target groups cannot be rehearsed`);
    // The headers the ALB adds, carrying the listener's own port and scheme, not the loopback ones.
    lines.push(
      "    option forwardfor",
      `    http-request set-header X-Forwarded-Proto ${protocol.toLowerCase()}`,
      `    http-request set-header X-Forwarded-Port ${albPort}`,
      "    default_backend target-group",
    );
  } else if (action["type"] === "redirect") {
    const redirect = record(action["redirect"], `listener :${albPort} redirect`);
    const code = REDIRECT_CODES[redirect["statusCode"] as string];
    if (!code)
      throw new Error(`listener :${albPort} redirect statusCode ${JSON.stringify(redirect["statusCode"])} is not HTTP_301 or HTTP_302`);
    if (redirect["protocol"] !== "HTTPS")
      throw new Error(`listener :${albPort} redirects to ${JSON.stringify(redirect["protocol"])}; the rehearsal takes HTTPS only`);
    if (redirect["host"] !== undefined || redirect["path"] !== undefined || redirect["query"] !== undefined) {
      throw new Error(`listener :${albPort}: a redirect that rewrites host, path or query cannot be rehearsed`);
    }
    const target = /^\d+$/.test(String(redirect["port"])) ? Number(redirect["port"]) : albPort;
    // `redirect scheme https` would keep the Host header's port, the plain-HTTP one; the ALB sends
    // #{host} without a port to the redirect's port, which here is that listener's loopback stand-in.
    lines.push(
      `    http-request redirect location https://%[req.hdr(host),field(1,:)]:${localPort(options, target)}%[capture.req.uri] code ${code}`,
    );
  } else {
    throw new Error(`listener :${albPort} default action ${JSON.stringify(action["type"])} cannot be rehearsed: only forward and redirect`);
  }
  return lines;
}

/**
 * The haproxy.cfg that rehearses an ALB: the target group's algorithm, health check and
 * stickiness as one backend over `options.backends`, and one loopback frontend per listener.
 * Throws naming any setting that has no HAProxy equivalent.
 */
export function haproxyConfigFromTargetGroup(tg: Inputs, listeners: readonly Inputs[], options: HaProxyConfigOptions): string {
  const protocol = (tg["protocol"] as string | undefined) ?? "HTTP";
  if (protocol !== "HTTP" && protocol !== "HTTPS")
    throw new Error(`target group protocol ${JSON.stringify(protocol)} cannot be rehearsed: only HTTP and HTTPS`);
  const version = (tg["protocolVersion"] as string | undefined) ?? "HTTP1";
  if (version !== "HTTP1") throw new Error(`target group protocolVersion ${JSON.stringify(version)} cannot be rehearsed: only HTTP1`);
  if (options.backends.length === 0) throw new Error("no backends: an empty target group has nothing to rehearse");
  const port = positiveInt(tg["port"], "target group port");
  const check = healthCheck(tg);
  const sticky = stickiness(tg);
  const slowStart = (tg["slowStart"] as number | undefined) ?? 0;
  const servers = options.backends.map((b) =>
    [
      `    server ${b.name} ${b.host}:${b.port ?? port}`,
      check.server,
      protocol === "HTTPS" ? "ssl verify none" : "",
      // HAProxy ramps a server up whenever it comes back UP; the ALB only for newly registered targets.
      slowStart > 0 ? `slowstart ${slowStart}s` : "",
      sticky.server(b.name),
    ]
      .filter(Boolean)
      .join(" "),
  );
  return [
    "# Generated from the target group and listeners of the Pulumi program; an offline rehearsal of the ALB.",
    "global",
    "    log stdout format raw local0",
    `    stats socket ${options.statsSocket} mode 600 level admin`,
    "",
    "defaults",
    "    mode http",
    "    log global",
    "    option httplog",
    // Only failed requests and health-state changes reach the log.
    "    option dontlog-normal",
    // The ALB sends a request to one target and answers 502 when it refuses: no retry, no second target.
    // HAProxy's default of 3 retries (1 s apart) and `option redispatch` would hide exactly the failures
    // the failover measurement counts.
    "    retries 0",
    // The ALB's target connect timeout, and its default idle timeout on both sides.
    "    timeout connect 10s",
    "    timeout client 60s",
    "    timeout server 60s",
    "    timeout http-keep-alive 60s",
    "",
    ...listeners.flatMap((l, i) => [...frontend(record(l, `listener ${i}`), i, options), ""]),
    // deregistrationDelay has no config equivalent: draining is a runtime action (`set server … state drain`).
    "backend target-group",
    `    balance ${balance(tg)}`,
    ...check.backend.map((l) => `    ${l}`),
    ...sticky.backend.map((l) => `    ${l}`),
    ...servers,
    "",
  ].join("\n");
}

/** Run `haproxy -c` on a config file: status 0 when HAProxy accepts it. */
export function validateHaproxyConfig(path: string): ReturnType<typeof runCommand> {
  return runCommand("haproxy", ["-c", "-f", path]);
}

/** One server's line of `show stat`. */
export interface ServerState {
  readonly backend: string;
  readonly server: string;
  /** As HAProxy reports it: `UP`, `DOWN`, `UP 1/2` (failing, still in rotation), `DOWN 1/2` (passing, not yet in), `MAINT`, … */
  readonly status: string;
  /** Whether HAProxy sends it requests: UP (also while failing checks, until `fall` of them) or unchecked. */
  readonly inRotation: boolean;
  /** The last check's result, e.g. `L7OK`, `L4CON` (refused). */
  readonly checkStatus: string;
}

/** Parse `show stat` CSV into the server rows (not the FRONTEND/BACKEND aggregates). */
export function parseShowStat(csv: string): ServerState[] {
  const lines = csv.split("\n").filter((l) => l.trim() !== "");
  const header = lines[0]?.replace(/^# /, "").split(",") ?? [];
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`show stat has no ${name} column:\n${csv}`);
    return i;
  };
  const [px, sv, status, check] = [col("pxname"), col("svname"), col("status"), col("check_status")];
  return lines
    .slice(1)
    .map((l) => l.split(","))
    .filter((f) => f[sv] !== "FRONTEND" && f[sv] !== "BACKEND")
    .map((f) => ({
      backend: f[px]!,
      server: f[sv]!,
      status: f[status]!,
      inRotation: f[status]!.startsWith("UP") || f[status] === "no check",
      checkStatus: f[check]!,
    }));
}

/** A command's answer from HAProxy's runtime API, which closes the connection after one command. */
export function runtimeCommand(socket: string, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const conn = createConnection(socket, () => conn.end(`${command}\n`));
    conn.setTimeout(timeoutMs, () => conn.destroy(new Error(`${command}: no answer from ${socket} in ${timeoutMs} ms`)));
    conn.on("data", (c: Buffer) => chunks.push(c));
    conn.once("error", reject);
    conn.once("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/** An HTTP answer, read whole. */
export interface HaProxyResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How to start a {@link HaProxy}. */
export interface HaProxyOptions {
  /** The target group's inputs, e.g. `graph.ofType("aws:lb/targetGroup:TargetGroup")[0].inputs`. */
  readonly targetGroup: Inputs;
  /** The listeners' inputs; one HTTPS and one HTTP listener. */
  readonly listeners: readonly Inputs[];
  readonly backends: readonly HaProxyBackend[];
}

/** HAProxy rehearsing the ALB on loopback: HTTPS with a generated certificate, the HTTP redirect, the runtime API. */
export class HaProxy {
  private readonly agent: Agent;

  private constructor(
    /** The directory holding the config, certificate, socket and log. */
    readonly dir: string,
    readonly configPath: string,
    readonly config: string,
    /** The loopback port of the HTTPS listener. */
    readonly httpsPort: number,
    /** The loopback port of the HTTP listener. */
    readonly httpPort: number,
    readonly statsSocket: string,
    readonly cert: TestCa,
    private readonly server: Server,
  ) {
    this.agent = new Agent({ keepAlive: true, ca: readFileSync(cert.caFile) });
  }

  /** Write the config, fail with `haproxy -c`'s output if it rejects it, start it and wait for both listeners. */
  static async start(options: HaProxyOptions): Promise<HaProxy> {
    const protocols = new Map(options.listeners.map((l) => [l["protocol"], positiveInt(l["port"], "listener port")]));
    const httpsAlb = protocols.get("HTTPS");
    const httpAlb = protocols.get("HTTP");
    if (httpsAlb === undefined || httpAlb === undefined || options.listeners.length !== 2) {
      throw new Error(
        `HaProxy takes one HTTPS and one HTTP listener, got ${options.listeners.map((l) => `${l["protocol"]}:${l["port"]}`).join(", ")}`,
      );
    }
    const dir = tempDir("haproxy");
    try {
      const [httpsPort, httpPort] = [await freePort(), await freePort()];
      const cert = createTestCa(dir, { ips: ["127.0.0.1"], dns: ["localhost"] });
      const statsSocket = join(dir, "admin.sock");
      const config = haproxyConfigFromTargetGroup(options.targetGroup, options.listeners, {
        backends: options.backends,
        listenerPorts: { [httpsAlb]: httpsPort, [httpAlb]: httpPort },
        certPem: cert.pemBundle,
        statsSocket,
      });
      const configPath = join(dir, "haproxy.cfg");
      writeFileSync(configPath, config);
      const check = await validateHaproxyConfig(configPath);
      if (check.status !== 0)
        throw new Error(`haproxy -c rejected ${configPath} (exit ${check.status}):\n${check.stdout}${check.stderr}\n${config}`);
      // -W -db: master-worker in the foreground, so stopping the Server stops the workers too.
      const server = new Server("haproxy", "haproxy", ["-W", "-db", "-f", configPath], { logDir: dir });
      const haproxy = new HaProxy(dir, configPath, config, httpsPort, httpPort, statsSocket, cert, server);
      try {
        await server.listening("127.0.0.1", httpsPort);
        await server.listening("127.0.0.1", httpPort);
      } catch (err) {
        await haproxy.stop();
        throw err;
      }
      return haproxy;
    } catch (err) {
      removeDir(dir);
      throw err;
    }
  }

  /** The tail of HAProxy's log (health-state changes, failed requests), for assertion messages. */
  tail(lines = 30): string {
    return this.server.tail(lines);
  }

  /** Every server's state, from `show stat` on the runtime API. */
  async serverStates(): Promise<ServerState[]> {
    return parseShowStat(await runtimeCommand(this.statsSocket, "show stat"));
  }

  /** One server's state, or fail naming the servers there are. */
  async serverState(name: string): Promise<ServerState> {
    const states = await this.serverStates();
    const found = states.find((s) => s.server === name);
    if (!found) throw new Error(`HAProxy has no server ${name}: ${states.map((s) => s.server).join(", ")}`);
    return found;
  }

  /** A GET through the HTTPS listener, trusting the generated certificate, over a kept-alive connection. */
  https(path = "/", timeoutMs = 5000): Promise<HaProxyResponse> {
    return send((cb) => httpsRequest({ host: "127.0.0.1", port: this.httpsPort, path, agent: this.agent, timeout: timeoutMs }, cb));
  }

  /** A GET to the plain-HTTP listener; redirects are not followed. */
  http(path = "/", timeoutMs = 5000): Promise<HaProxyResponse> {
    return send((cb) => httpRequest({ host: "127.0.0.1", port: this.httpPort, path, agent: false, timeout: timeoutMs }, cb));
  }

  /** Stop HAProxy and remove its directory. */
  async stop(): Promise<void> {
    this.agent.destroy();
    await this.server.stop();
    removeDir(this.dir);
  }
}

function send(start: (cb: (res: IncomingMessage) => void) => ClientRequest): Promise<HaProxyResponse> {
  return new Promise((resolve, reject) => {
    const req = start((res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.once("error", reject);
      res.once("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.once("timeout", () => req.destroy(new Error("timed out")));
    req.once("error", reject);
    req.end();
  });
}
