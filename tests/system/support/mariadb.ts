import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { systemPath } from "./prerequisites";
import { freePort, removeDir, runCommand, Server, tempDir, waitFor } from "./processes";
import { createTestCa, TestCa } from "./tls";

/** One of the two servers of a {@link MariaDbPair}. */
export type MariaDbRole = "primary" | "replica";

/** The application's database and login, as the RDS instance's `dbName`, `username` and `password`. */
export interface MariaDbPairOptions {
  /** Created on the primary (and so on the replica). */
  readonly database: string;
  /** Gets ALL on the database from any host, over TLS only. */
  readonly username: string;
  /** Any characters; quoted for SQL here. */
  readonly password: string;
}

/** How {@link MariaDbPair.stopPrimary} and {@link MariaDbPair.stopReplica} end a server. */
export interface MariaDbStopOptions {
  /** A clean shutdown (SIGTERM) instead of a crash (SIGKILL). @default false */
  readonly graceful?: boolean;
}

/** How {@link MariaDbPair.appSql} connects. */
export interface AppSqlOptions {
  /** TLS verified against the test CA; false sends `--skip-ssl`, a plaintext login. @default true */
  readonly tls?: boolean;
}

/** A row of a result set by column name; SQL NULL is null. */
export type SqlRow = Record<string, string | null>;

/** A MariaDB string literal. The servers run without NO_BACKSLASH_ESCAPES, so backslashes are escaped too. */
export function sqlString(value: string): string {
  const escapes: Record<string, string> = { "\0": "\\0", "\n": "\\n", "\r": "\\r", "\x1a": "\\Z", "\\": "\\\\", "'": "\\'" };
  return `'${value.replace(/[\0\n\r\x1a\\']/g, (c) => escapes[c]!)}'`;
}

/** A MariaDB quoted identifier (database, table, column). */
export function sqlIdentifier(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

interface Instance {
  readonly role: MariaDbRole;
  readonly host: string;
  readonly serverId: number;
  readonly datadir: string;
  readonly socket: string;
  readonly pidFile: string;
  readonly tmpdir: string;
  server?: Server;
}

const REPLICATION_USER = "repl";
/** Longest unix socket path Linux accepts (sun_path is 108 bytes with the NUL). */
const MAX_SOCKET_PATH = 107;

/** Whether a listener can bind host:port right now; a clear error where the address is not local. */
function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EADDRNOTAVAIL") reject(new Error(`${host} is not a local address here; the MariaDB replica needs it on loopback`));
      else resolve(false);
    });
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Undo the escaping of `mariadb --batch`: \\, \t, \n and \0 in values. */
function unescapeBatch(value: string): string {
  return value.replace(/\\([\\tn0])/g, (_, c: string) => ({ "\\": "\\", t: "\t", n: "\n", "0": "\0" })[c]!);
}

/**
 * A real MariaDB primary and a GTID read replica on loopback, standing in for
 * Amazon RDS for MySQL with a read replica: both at the same port (127.0.0.1 and
 * 127.0.0.2, as RDS endpoints share one port), TLS from a test CA with
 * `require_secure_transport=ON` (the RDS parameter group's setting), the replica
 * `read_only`, replication itself over verified TLS.
 */
export class MariaDbPair {
  /** The writer endpoint's address. */
  readonly primaryHost = "127.0.0.1";
  /** The reader endpoint's address: Linux routes all of 127.0.0.0/8 to lo, so it binds without setup. */
  readonly replicaHost = "127.0.0.2";
  /** The one TCP port both servers listen on; 0 until {@link start}. */
  port = 0;
  /** The temp directory holding data, sockets, logs and certificates; removed by {@link stop}. */
  readonly dir: string;
  private tlsFiles?: TestCa;
  private appOptions?: MariaDbPairOptions;
  private readonly replicationPassword = randomBytes(12).toString("hex");
  private readonly instances: Record<MariaDbRole, Instance>;
  /** The data directory's initialisation; stop() lets it finish before removing the directory. */
  private installing: Promise<unknown> = Promise.resolve();

  constructor() {
    this.dir = tempDir("mariadb");
    const instance = (role: MariaDbRole, host: string, serverId: number): Instance => ({
      role,
      host,
      serverId,
      datadir: join(this.dir, role),
      socket: join(this.dir, `${role}.sock`),
      pidFile: join(this.dir, `${role}.pid`),
      tmpdir: join(this.dir, `${role}-tmp`),
    });
    this.instances = { primary: instance("primary", this.primaryHost, 1), replica: instance("replica", this.replicaHost, 2) };
    if (this.instances.replica.socket.length > MAX_SOCKET_PATH) {
      throw new Error(
        `MariaDbPair: the socket path ${this.instances.replica.socket} is too long for a unix socket; set TMPDIR to a shorter path`,
      );
    }
  }

  /** The test CA and the servers' certificate (SANs 127.0.0.1, 127.0.0.2, localhost); set by {@link start}. */
  get tls(): TestCa {
    if (!this.tlsFiles) throw new Error("MariaDbPair: not started");
    return this.tlsFiles;
  }

  /** The CA certificate clients verify both servers against, like the RDS CA bundle. */
  get caFile(): string {
    return this.tls.caFile;
  }

  /** The application login and database given to {@link start}. */
  get app(): MariaDbPairOptions {
    if (!this.appOptions) throw new Error("MariaDbPair: not started");
    return this.appOptions;
  }

  /** The address a role listens on. */
  host(role: MariaDbRole): string {
    return this.instances[role].host;
  }

  /** Initialise both data directories, start both servers, create the users and start replication. */
  async start(options: MariaDbPairOptions): Promise<this> {
    if (this.appOptions) throw new Error("MariaDbPair: already started");
    this.appOptions = options;
    this.port = await this.pickPort();
    const { primary, replica } = this.instances;
    const install = this.install(primary);
    this.installing = install.catch(() => undefined);
    this.tlsFiles = createTestCa(join(this.dir, "tls"), { ips: [this.primaryHost, this.replicaHost], dns: ["localhost"] });
    await install;
    // A copy of the cleanly shut down, never started datadir, as RDS builds a replica from a snapshot: half
    // the CPU of a second install (3 s of the startup on a busy 2-core machine). MariaDB keeps no server
    // UUID in the datadir, so the clone needs nothing changed.
    cpSync(primary.datadir, replica.datadir, { recursive: true });
    mkdirSync(replica.tmpdir, { recursive: true });
    await Promise.all([this.launch(primary), this.launch(replica)]);
    await this.createUsers();
    await this.startReplication();
    await this.waitForReplication();
    return this;
  }

  /** Crash the primary (SIGKILL), or shut it down cleanly. */
  async stopPrimary(options: MariaDbStopOptions = {}): Promise<void> {
    await this.halt(this.instances.primary, options);
  }

  /** Start the primary again on its data directory, address and port; waits for a running replica to reconnect. */
  async startPrimary(): Promise<void> {
    await this.launch(this.instances.primary);
    if (this.running("replica")) await this.waitForReplicaThreads();
  }

  /** Crash the replica (SIGKILL), or shut it down cleanly. */
  async stopReplica(options: MariaDbStopOptions = {}): Promise<void> {
    await this.halt(this.instances.replica, options);
  }

  /**
   * Start the replica again; it resumes replicating from its recorded GTID position on its own
   * (no START SLAVE). Waits for it to connect when the primary is up.
   */
  async startReplica(): Promise<void> {
    await this.launch(this.instances.replica);
    if (this.running("primary")) await this.waitForReplicaThreads();
  }

  /** Whether that role's server process is up. */
  running(role: MariaDbRole): boolean {
    return this.instances[role].server?.running ?? false;
  }

  /** Kill both servers and remove every file the pair made. */
  async stop(): Promise<void> {
    await Promise.all([this.installing, ...Object.values(this.instances).map((i) => i.server?.stop("SIGKILL"))]);
    removeDir(this.dir);
  }

  /**
   * Run SQL as root over the role's unix socket (root has no TCP login); resolves
   * to the output of `mariadb --batch --skip-column-names`, tab-separated rows
   * without the trailing newline, and rejects with the client's error.
   */
  async sql(role: MariaDbRole, statement: string): Promise<string> {
    return (
      await this.client(role, ["--protocol=socket", `--socket=${this.instances[role].socket}`, "--user=root"], statement, false)
    ).replace(/\n+$/, "");
  }

  /** The result set of one statement, run as root, as rows by column name. */
  async query(role: MariaDbRole, statement: string): Promise<SqlRow[]> {
    const out = await this.client(role, ["--protocol=socket", `--socket=${this.instances[role].socket}`, "--user=root"], statement, true);
    if (out === "") return [];
    const lines = out.replace(/\n$/, "").split("\n");
    const columns = lines.shift()!.split("\t");
    return lines.map((line) => {
      const values = line.split("\t");
      return Object.fromEntries(columns.map((c, i) => [c, values[i] === "NULL" ? null : unescapeBatch(values[i] ?? "")]));
    });
  }

  /**
   * Run SQL as the application user over TCP to the role's address, as the app
   * reaches an RDS endpoint: TLS verified against the test CA (server identity
   * included) unless `tls: false`. Output as {@link sql}.
   */
  async appSql(role: MariaDbRole, statement: string, options: AppSqlOptions = {}): Promise<string> {
    const { database, username, password } = this.app;
    const tls = (options.tls ?? true) ? ["--ssl", `--ssl-ca=${this.caFile}`, "--ssl-verify-server-cert"] : ["--skip-ssl"];
    const args = [
      "--protocol=tcp",
      `--host=${this.host(role)}`,
      `--port=${this.port}`,
      `--user=${username}`,
      `--database=${database}`,
      ...tls,
    ];
    return (await this.client(role, args, statement, false, password)).replace(/\n+$/, "");
  }

  /** `SHOW REPLICA STATUS` on the replica; undefined when replication is not configured. */
  async replicaStatus(): Promise<SqlRow | undefined> {
    return (await this.query("replica", "SHOW REPLICA STATUS"))[0];
  }

  /**
   * Wait until the replica has applied everything the primary has binlogged: its
   * gtid_slave_pos reaches the primary's gtid_binlog_pos. Both must be up.
   */
  async waitForReplication(timeoutMs = 30_000): Promise<void> {
    let seen = "";
    try {
      await waitFor(
        "the replica to catch up",
        async () => {
          const [target, applied] = await Promise.all([
            this.sql("primary", "SELECT @@gtid_binlog_pos"),
            this.sql("replica", "SELECT @@gtid_slave_pos"),
          ]);
          seen = `primary gtid_binlog_pos ${JSON.stringify(target)}, replica gtid_slave_pos ${JSON.stringify(applied)}`;
          return target === applied || undefined;
        },
        timeoutMs,
      );
    } catch (err) {
      const status = await this.replicaStatus().catch(() => undefined);
      const errors = status && `; IO: ${status["Last_IO_Error"]}; SQL: ${status["Last_SQL_Error"]}`;
      throw new Error(`${(err as Error).message} (${seen}${errors ?? ""})`);
    }
  }

  /**
   * Wait until the replica's IO thread is connected to the primary and its SQL thread runs
   * (`Slave_IO_Running` and `Slave_SQL_Running` both Yes); fail at once when either stopped on an error.
   */
  async waitForReplicaThreads(timeoutMs = 30_000): Promise<void> {
    const stopped = (s: SqlRow, thread: "IO" | "SQL") => s[`Slave_${thread}_Running`] === "No" && s[`Last_${thread}_Errno`] !== "0";
    const status = await waitFor(
      "the replica's IO and SQL threads",
      async () => {
        const s = await this.replicaStatus();
        if (s && (stopped(s, "IO") || stopped(s, "SQL"))) return s;
        return s?.["Slave_IO_Running"] === "Yes" && s["Slave_SQL_Running"] === "Yes" ? s : undefined;
      },
      timeoutMs,
    );
    if (status["Slave_IO_Running"] !== "Yes" || status["Slave_SQL_Running"] !== "Yes") {
      throw new Error(`replication stopped: IO: ${status["Last_IO_Error"]}; SQL: ${status["Last_SQL_Error"]}`);
    }
  }

  /** A port free on both loopback addresses: each server binds only its own. */
  private async pickPort(): Promise<number> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await freePort(this.primaryHost);
      if (await canListen(this.replicaHost, port)) return port;
    }
    throw new Error(`MariaDbPair: no port free on both ${this.primaryHost} and ${this.replicaHost}`);
  }

  private async install(i: Instance): Promise<void> {
    mkdirSync(i.tmpdir, { recursive: true });
    const result = await runCommand(
      "mariadb-install-db",
      [
        "--no-defaults",
        `--datadir=${i.datadir}`,
        // Root gets an empty password, not unix_socket auth, which would tie it to the OS user running the tests.
        "--auth-root-authentication-method=normal",
        `--user=${userInfo().username}`,
        "--skip-test-db",
        // Passed through to the bootstrap server, which shares the servers' reasons for them.
        ...this.serverOptions(i),
      ],
      this.env(),
    );
    if (result.status !== 0)
      throw new Error(`mariadb-install-db for the ${i.role} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }

  /** Options the bootstrap during mariadb-install-db needs as much as the server. */
  private serverOptions(i: Instance): string[] {
    return [
      // Every mariadbd deletes all #sql* files in its tmpdir at startup: with the shared /tmp, starting
      // one instance (or another test's) destroys the other's temporary tables mid-statement.
      `--tmpdir=${i.tmpdir}`,
      // The defaults, a 128 MiB buffer pool and a 96 MiB redo log written in full, cost startup time.
      "--innodb-buffer-pool-size=32M",
      "--innodb-log-file-size=8M",
    ];
  }

  private serverName(i: Instance): string {
    return `mariadb-${i.role}`;
  }

  /** Where Server logs the process's output: `${logDir}/${name}.log`. */
  private logFile(i: Instance): string {
    return join(this.dir, `${this.serverName(i)}.log`);
  }

  private serverArgs(i: Instance): string[] {
    return [
      "--no-defaults",
      `--datadir=${i.datadir}`,
      `--socket=${i.socket}`,
      `--pid-file=${i.pidFile}`,
      `--bind-address=${i.host}`,
      `--port=${this.port}`,
      // mariadbd refuses to run as root unless told which user to run as.
      `--user=${userInfo().username}`,
      // The file Server logs to, so that its tail() quotes the error log.
      `--log-error=${this.logFile(i)}`,
      `--server-id=${i.serverId}`,
      // Fixed basenames: the defaults are derived from the hostname.
      "--log-bin=binlog",
      "--relay-log=relay-bin",
      "--binlog-format=ROW",
      "--gtid-strict-mode=ON",
      "--log-slave-updates",
      "--skip-name-resolve",
      `--ssl-ca=${this.tls.caFile}`,
      `--ssl-cert=${this.tls.certFile}`,
      `--ssl-key=${this.tls.keyFile}`,
      "--require-secure-transport=ON",
      ...this.serverOptions(i),
      ...(i.role === "replica" ? ["--read-only=ON"] : []),
    ];
  }

  /** Start a role's server and wait until root can run SQL on it. */
  private async launch(i: Instance): Promise<void> {
    if (i.server?.running) return;
    const name = this.serverName(i);
    const server = new Server(name, "mariadbd", this.serverArgs(i), { logDir: this.dir, env: this.env() });
    i.server = server;
    const exited = await waitFor(`${name} to accept connections on ${i.socket}`, async () => {
      if (!server.running) return true;
      await this.sql(i.role, "SELECT 1");
      return false;
    });
    if (exited) throw new Error(`${name} exited (${server.child.exitCode ?? server.child.signalCode}):\n${server.tail()}`);
  }

  private async halt(i: Instance, options: MariaDbStopOptions): Promise<void> {
    await i.server?.stop(options.graceful ? "SIGTERM" : "SIGKILL", 30_000);
  }

  /**
   * Users and database go to the primary's binlog before the replica connects, so
   * the replica gets them by replication (from the primary's first GTID) exactly as
   * an RDS read replica inherits the source's users, and its binlog holds no GTID
   * of its own that gtid_strict_mode would later trip over.
   */
  private async createUsers(): Promise<void> {
    const { database, username, password } = this.app;
    const app = `${sqlString(username)}@'%'`;
    const repl = `${sqlString(REPLICATION_USER)}@'%'`;
    // mariadb-install-db also creates root@127.0.0.1, root@::1 and root@<hostname> with empty passwords;
    // as on RDS, the only TCP logins are the ones made here.
    const strays = await this.sql(
      "primary",
      "SELECT CONCAT(QUOTE(User), '@', QUOTE(Host)) FROM mysql.user WHERE User = 'root' AND Host <> 'localhost'",
    );
    await this.sql(
      "primary",
      [
        ...(strays ? [`DROP USER ${strays.split("\n").join(", ")}`] : []),
        `CREATE DATABASE ${sqlIdentifier(database)}`,
        `CREATE USER ${app} IDENTIFIED BY ${sqlString(password)} REQUIRE SSL`,
        // In GRANT, _ and % in a database name are wildcards: web_infra would also cover webXinfra.
        `GRANT ALL PRIVILEGES ON ${sqlIdentifier(database.replace(/[_%]/g, "\\$&"))}.* TO ${app}`,
        // RDS's master user has REPLICATION CLIENT; MariaDB ≥ 10.5.9 moved SHOW REPLICA STATUS to its own privilege.
        `GRANT REPLICATION CLIENT, SLAVE MONITOR ON *.* TO ${app}`,
        `CREATE USER ${repl} IDENTIFIED BY ${sqlString(this.replicationPassword)} REQUIRE SSL`,
        `GRANT REPLICATION SLAVE ON *.* TO ${repl}`,
      ].join(";\n"),
    );
  }

  private async startReplication(): Promise<void> {
    await this.sql(
      "replica",
      [
        `CHANGE MASTER TO MASTER_HOST=${sqlString(this.primaryHost)}, MASTER_PORT=${this.port}`,
        `MASTER_USER=${sqlString(REPLICATION_USER)}, MASTER_PASSWORD=${sqlString(this.replicationPassword)}`,
        `MASTER_USE_GTID=slave_pos, MASTER_SSL=1, MASTER_SSL_CA=${sqlString(this.tls.caFile)}, MASTER_SSL_VERIFY_SERVER_CERT=1`,
        // The default retry is every 60 s: after startPrimary() the replica would sit in "Connecting" for up to a minute.
        "MASTER_CONNECT_RETRY=1; START SLAVE",
      ].join(", "),
    );
    await this.waitForReplicaThreads();
  }

  private env(password?: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: systemPath() };
    // The client reads MYSQL_PWD; an inherited one would break root's empty-password login.
    delete env["MYSQL_PWD"];
    if (password !== undefined) env["MYSQL_PWD"] = password;
    return env;
  }

  private async client(
    role: MariaDbRole,
    connect: readonly string[],
    statement: string,
    columnNames: boolean,
    password?: string,
  ): Promise<string> {
    const args = [
      "--no-defaults",
      ...connect,
      "--batch",
      ...(columnNames ? [] : ["--skip-column-names"]),
      "--connect-timeout=5",
      "--execute",
      statement,
    ];
    const result = await runCommand("mariadb", args, this.env(password), 30_000);
    if (result.status !== 0) throw new Error(`${role} (${this.host(role)}): ${result.stderr.trim() || `mariadb exited ${result.status}`}`);
    return result.stdout;
  }
}
