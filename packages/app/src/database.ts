import { createPool, Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { DatabaseContract, Endpoint } from "./contract";

/** Which kind of endpoint served a request. */
export type Role = "writer" | "replica";

/** Said in every response: which endpoint answered, and why when it was not the usual one. */
export interface ServedBy {
  /** `writer` (the primary) or `replica`. */
  readonly role: Role;
  /** `host:port`. */
  readonly endpoint: string;
  /** Why a read did not go to a replica, or why it went to one that is behind. */
  readonly reason?: string;
  /** True when a read came from a replica known to be behind or cut off from its source. */
  readonly stale?: boolean;
}

/** What a reader endpoint reports about itself. */
export interface ReaderStatus {
  /** `host:port`. */
  readonly endpoint: string;
  /** It answered a query. */
  readonly reachable: boolean;
  /** It is a replica (false: the contract lists the writer itself as reader, as it does without replicas). */
  readonly replica: boolean;
  /** Seconds behind its source; null while replication is stopped or cut off. */
  readonly lagSeconds: number | null;
  /** Why it is not usable, when it is not. */
  readonly problem?: string;
}

/** A reader endpoint is usable for reads when it answers and is at most this far behind. */
export function isUsable(status: ReaderStatus, maxLagSeconds: number): boolean {
  return status.reachable && status.lagSeconds !== null && status.lagSeconds <= maxLagSeconds;
}

/** Neither the writer nor (for reads) any replica could serve the request. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatabaseUnavailableError";
  }
}

/** Errors that mean "this endpoint is unreachable", as opposed to a bad query. */
const CONNECTION_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
  "ER_SERVER_SHUTDOWN",
  // A Multi-AZ failover or a replica promotion leaves a read-only server behind the writer's name for a moment.
  "ER_OPTION_PREVENTS_STATEMENT",
]);

/** Whether an error from mysql2 means the endpoint cannot serve at all. */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === "string" && CONNECTION_ERRORS.has(code);
}

/** How the app talks to MySQL. */
export interface DatabaseOptions {
  /** The contract read from SSM and Secrets Manager. */
  readonly contract: DatabaseContract;
  /** PEM of the CA that signs the servers' certificates (for RDS: the region's or the global bundle). */
  readonly ca: string | Buffer;
  /**
   * Reads go to the writer when every replica is further behind than this.
   *
   * @default 10
   */
  readonly maxReplicaLagSeconds?: number;
  /**
   * How long a replica's status is trusted before it is asked again.
   *
   * @default 1000
   */
  readonly replicaCheckIntervalMs?: number;
  /**
   * Connection timeout per endpoint.
   *
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Connections per endpoint.
   *
   * @default 10
   */
  readonly connectionLimit?: number;
}

const describe = (e: Endpoint) => `${e.host}:${e.port}`;
const why = (err: unknown) => (err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err));

/**
 * The primary for writes, the replicas for reads: every connection over TLS with the
 * server's certificate verified (the parameter group sets `require_secure_transport=1`).
 * A read goes to a replica that answers and is at most `maxReplicaLagSeconds` behind
 * (round-robin among them), else to the writer; when the writer is down too, a replica
 * that answers serves it, marked stale.
 */
export class Database {
  readonly writer: Endpoint;
  readonly readers: readonly Endpoint[];
  readonly maxReplicaLagSeconds: number;
  private readonly writerPool: Pool;
  private readonly readerPools: Pool[];
  private readonly checkIntervalMs: number;
  /** Per reader: its last answer and when it came, and the check under way. */
  private readonly checked = new Map<number, { last?: { at: number; status: ReaderStatus }; pending?: Promise<ReaderStatus> }>();
  private next = 0;

  constructor(options: DatabaseOptions) {
    const { contract } = options;
    this.writer = contract.writer;
    this.readers = contract.readers;
    this.maxReplicaLagSeconds = options.maxReplicaLagSeconds ?? 10;
    this.checkIntervalMs = options.replicaCheckIntervalMs ?? 1000;
    const pool = (e: Endpoint) =>
      createPool({
        host: e.host,
        port: e.port,
        user: contract.credentials.username,
        password: contract.credentials.password,
        database: contract.databaseName,
        ssl: { ca: options.ca, rejectUnauthorized: true, minVersion: "TLSv1.2" },
        connectTimeout: options.connectTimeoutMs ?? 2000,
        connectionLimit: options.connectionLimit ?? 10,
        maxIdle: 2,
        enableKeepAlive: true,
        charset: "utf8mb4",
        timezone: "Z",
      });
    this.writerPool = pool(this.writer);
    this.readerPools = this.readers.map(pool);
  }

  /** Run `work` on the writer. Fails with a {@link DatabaseUnavailableError} that says so when the writer cannot be reached. */
  async write<T>(work: (c: PoolConnection) => Promise<T>): Promise<{ result: T; servedBy: ServedBy }> {
    try {
      return { result: await this.on(this.writerPool, work), servedBy: { role: "writer", endpoint: describe(this.writer) } };
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      throw new DatabaseUnavailableError(
        `writes are unavailable: the writer ${describe(this.writer)} cannot be reached (${why(err)}); ` +
          "reads are still served by the replicas. Writes resume when the primary, or its Multi-AZ standby, is back under the same endpoint.",
        { cause: err },
      );
    }
  }

  /** Run `work` where reads belong (see the class comment) and say where it ran. */
  async read<T>(work: (c: PoolConnection) => Promise<T>): Promise<{ result: T; servedBy: ServedBy }> {
    const statuses = await this.readerStatus();
    const usable = statuses.map((s, i) => ({ s, i })).filter(({ s }) => isUsable(s, this.maxReplicaLagSeconds));
    const problems: string[] = [];
    const failed = new Set<number>();
    for (let k = 0; k < usable.length; k++) {
      const { s, i } = usable[(this.next + k) % usable.length]!;
      try {
        const result = await this.on(this.readerPools[i]!, work);
        this.next = (this.next + k + 1) % usable.length;
        return {
          result,
          servedBy: s.replica
            ? { role: "replica", endpoint: s.endpoint }
            : { role: "writer", endpoint: s.endpoint, reason: "the contract lists no replica" },
        };
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        const problem = `unreachable (${why(err)})`;
        this.checked.set(i, { last: { at: Date.now(), status: { ...s, reachable: false, lagSeconds: null, problem } } });
        failed.add(i);
        problems.push(`${s.endpoint} failed (${why(err)})`);
      }
    }
    problems.push(...statuses.filter((s) => !isUsable(s, this.maxReplicaLagSeconds)).map((s) => `${s.endpoint}: ${s.problem}`));
    const reason = problems.length ? `no replica is usable: ${problems.join("; ")}` : "the contract lists no replica";
    try {
      return { result: await this.on(this.writerPool, work), servedBy: { role: "writer", endpoint: describe(this.writer), reason } };
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      // Stale data beats no data for a read: a replica that answers but is behind, or cut off from its source.
      for (const [i, s] of statuses.entries()) {
        // Only replicas that answer and were not just tried: the writer listed as reader is down too.
        if (!s.reachable || !s.replica || failed.has(i)) continue;
        try {
          const result = await this.on(this.readerPools[i]!, work);
          return {
            result,
            servedBy: {
              role: "replica",
              endpoint: s.endpoint,
              stale: true,
              reason: `the writer ${describe(this.writer)} cannot be reached (${why(err)})${s.problem ? `; ${s.problem}` : ""}`,
            },
          };
        } catch (inner) {
          if (!isUnavailable(inner)) throw inner;
        }
      }
      throw new DatabaseUnavailableError(
        `reads are unavailable: ${reason}, and the writer ${describe(this.writer)} cannot be reached (${why(err)})`,
        { cause: err },
      );
    }
  }

  /**
   * Each reader's status, asked at most once per `replicaCheckIntervalMs`. While a new check
   * runs, the last answer stands: checking a host that does not answer takes the whole connect
   * timeout, which must not hold every read up.
   */
  readerStatus(): Promise<ReaderStatus[]> {
    const now = Date.now();
    return Promise.all(
      this.readers.map((_, i) => {
        const entry = this.checked.get(i) ?? {};
        this.checked.set(i, entry);
        if (entry.last && now - entry.last.at < this.checkIntervalMs) return entry.last.status;
        entry.pending ??= this.askReader(i).then((status) => {
          entry.last = { at: Date.now(), status };
          entry.pending = undefined;
          return status;
        });
        return entry.last?.status ?? entry.pending;
      }),
    );
  }

  /** Whether the writer answers, for readiness. */
  async writerStatus(): Promise<{ endpoint: string; reachable: boolean; problem?: string }> {
    try {
      await this.on(this.writerPool, (c) => c.query("SELECT 1"));
      return { endpoint: describe(this.writer), reachable: true };
    } catch (err) {
      return { endpoint: describe(this.writer), reachable: false, problem: why(err) };
    }
  }

  /** Close every pool. */
  async close(): Promise<void> {
    await Promise.all([this.writerPool, ...this.readerPools].map((p) => p.end().catch(() => undefined)));
  }

  private async askReader(i: number): Promise<ReaderStatus> {
    const endpoint = describe(this.readers[i]!);
    try {
      const rows = await this.on(
        this.readerPools[i]!,
        async (c) => (await c.query<RowDataPacket[]>({ sql: "SHOW REPLICA STATUS", timeout: 2000 }))[0],
      );
      const row = rows[0];
      if (row === undefined) return { endpoint, reachable: true, replica: false, lagSeconds: 0 };
      // MySQL 8.0.22+ names the columns *_Source / Replica_*; MariaDB keeps *_Master / Slave_*.
      const lag = (row["Seconds_Behind_Source"] ?? row["Seconds_Behind_Master"]) as number | null;
      const io = (row["Replica_IO_Running"] ?? row["Slave_IO_Running"]) as string;
      const sql = (row["Replica_SQL_Running"] ?? row["Slave_SQL_Running"]) as string;
      if (lag === null || lag === undefined)
        return {
          endpoint,
          reachable: true,
          replica: true,
          lagSeconds: null,
          problem: `replication is not running (IO ${io}, SQL ${sql}): its data may be behind by an unknown amount`,
        };
      return {
        endpoint,
        reachable: true,
        replica: true,
        lagSeconds: Number(lag),
        problem: Number(lag) > this.maxReplicaLagSeconds ? `${lag} s behind, over the ${this.maxReplicaLagSeconds} s limit` : undefined,
      };
    } catch (err) {
      if ((err as { code?: string }).code === "ER_SPECIFIC_ACCESS_DENIED_ERROR")
        // It answers but will not say how far behind it is: an app user without REPLICATION CLIENT (RDS's master user has it).
        return {
          endpoint,
          reachable: true,
          replica: true,
          lagSeconds: null,
          problem: `its lag cannot be read (${why(err)}): grant REPLICATION CLIENT`,
        };
      return { endpoint, reachable: false, replica: true, lagSeconds: null, problem: `unreachable (${why(err)})` };
    }
  }

  private async on<T>(pool: Pool, work: (c: PoolConnection) => Promise<T>): Promise<T> {
    const c = await pool.getConnection();
    try {
      const result = await work(c);
      c.release();
      return result;
    } catch (err) {
      // A connection that failed this way is dead: never hand it out again.
      if (isUnavailable(err) || (err as { fatal?: boolean }).fatal) c.destroy();
      else c.release();
      throw err;
    }
  }
}
