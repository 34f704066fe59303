import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import type { PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";
import { DatabaseContract } from "./contract";
import { Database, DatabaseUnavailableError, ServedBy } from "./database";

/** How the app gets to its database. */
export interface AppOptions {
  /** Name of this server in every response (`x-served-by`), e.g. the instance id. */
  readonly serverName: string;
  /** Reads the contract; retried until it succeeds (a new stack publishes it minutes after the servers boot). */
  readonly loadContract: () => Promise<DatabaseContract>;
  /** Builds the database client from the contract. */
  readonly connect: (contract: DatabaseContract) => Database;
  /**
   * Wait between two attempts to read the contract.
   *
   * @default 5000
   */
  readonly contractRetryMs?: number;
  /**
   * Called with what goes wrong in the background (contract reads) and with failed requests.
   *
   * @default - written to stderr
   */
  readonly log?: (line: string) => void;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS items (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  body VARCHAR(1000) NOT NULL,
  created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB`;

/** An item as the app returns it. */
export interface Item {
  readonly id: number;
  readonly body: string;
  readonly createdAt: string;
}

const toItem = (r: RowDataPacket): Item => ({
  id: Number(r["id"]),
  body: String(r["body"]),
  createdAt: new Date(r["created_at"] as Date).toISOString(),
});

/** Schema not created yet: the first write creates it. */
const noTable = (err: unknown) => (err as { code?: string }).code === "ER_NO_SUCH_TABLE";

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The reference app: `POST /items` writes through the writer, `GET /items/:id` and
 * `GET /items` read through a replica (or the writer, see {@link Database}), and every
 * response says which endpoint served it (`database` in the body, `x-database-endpoint`).
 * `/healthz` is shallow, so a database outage does not take every server out of the load
 * balancer at once; `/readyz` reports whether the database answers.
 */
export class App {
  readonly server: Server;
  private db?: Database;
  private contractProblem = "the database contract has not been read yet";
  private schema?: Promise<void>;
  private retry?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: AppOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // The detail goes to the log, not to the client (it may name hosts and users).
        this.log(`web-infra app: ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        if (res.headersSent) res.destroy();
        else send(res, 500, { server: options.serverName, error: "internal error" }, options.serverName);
      });
    });
  }

  /** Start listening and start reading the contract. */
  async listen(port: number, host = "0.0.0.0"): Promise<number> {
    void this.loadContract();
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return (this.server.address() as { port: number }).port;
  }

  /**
   * Stop accepting requests, let those in flight finish (the load balancer drains a server for
   * 30 s; `graceMs` is cut below that), then close the database pools.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const force = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(force);
    await this.db?.close();
  }

  private log(line: string): void {
    (this.options.log ?? ((l) => process.stderr.write(`${l}\n`)))(line);
  }

  private async loadContract(): Promise<void> {
    try {
      const contract = await this.options.loadContract();
      if (this.closed) return;
      this.db = this.options.connect(contract);
    } catch (err) {
      this.contractProblem = `the database contract cannot be read: ${err instanceof Error ? err.message : String(err)}`;
      this.log(`web-infra app: ${this.contractProblem}; retrying`);
      if (!this.closed) this.retry = setTimeout(() => void this.loadContract(), this.options.contractRetryMs ?? 5000);
    }
  }

  private database(): Database {
    if (!this.db) throw new HttpError(503, this.contractProblem);
    return this.db;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = this.options.serverName;
    const url = new URL(req.url ?? "/", "http://app");
    const route = `${req.method} ${url.pathname}`;
    try {
      if (route === "GET /healthz") {
        res.writeHead(200, { "content-type": "text/plain", "x-served-by": name });
        res.end("ok\n");
        return;
      }
      if (route === "GET /") return send(res, 200, { server: name }, name);
      if (route === "GET /readyz") {
        if (!this.db) return send(res, 503, { ready: false, problem: this.contractProblem }, name);
        const [writer, readers] = await Promise.all([this.db.writerStatus(), this.db.readerStatus()]);
        return send(res, writer.reachable ? 200 : 503, { ready: writer.reachable, writer, readers }, name);
      }
      if (route === "POST /items") {
        const body = (await readJson(req)) as { body?: unknown };
        if (typeof body.body !== "string" || body.body.length === 0 || body.body.length > 1000)
          throw new HttpError(400, 'send {"body": "<1–1000 characters>"}');
        const text = body.body;
        const db = this.database();
        await this.ensureSchema(db);
        const { result, servedBy } = await db.write(
          async (c) => (await c.execute<ResultSetHeader>("INSERT INTO items (body) VALUES (?)", [text]))[0].insertId,
        );
        return send(res, 201, { server: name, database: servedBy, id: result }, name, servedBy);
      }
      const one = /^\/items\/(\d{1,18})$/.exec(url.pathname);
      if (req.method === "GET" && one) {
        const { result, servedBy } = await this.database().read((c) =>
          select(c, "SELECT id, body, created_at FROM items WHERE id = ?", [one[1]!]),
        );
        const item = result[0];
        return send(res, item ? 200 : 404, { server: name, database: servedBy, item: item ?? null }, name, servedBy);
      }
      if (route === "GET /items") {
        const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? 20) || 20, 1), 100);
        const { result, servedBy } = await this.database().read((c) =>
          select(c, "SELECT id, body, created_at FROM items ORDER BY id DESC LIMIT ?", [limit]),
        );
        return send(res, 200, { server: name, database: servedBy, items: result }, name, servedBy);
      }
      throw new HttpError(404, `no route ${route}`);
    } catch (err) {
      if (err instanceof HttpError) return send(res, err.status, { server: name, error: err.message }, name);
      if (err instanceof DatabaseUnavailableError) return send(res, 503, { server: name, error: err.message }, name);
      throw err;
    }
  }

  private ensureSchema(db: Database): Promise<void> {
    this.schema ??= db
      .write((c) => c.query(SCHEMA))
      .then(() => undefined)
      .catch((err: unknown) => {
        this.schema = undefined;
        throw err;
      });
    return this.schema;
  }
}

async function select(c: PoolConnection, sql: string, params: (string | number)[]): Promise<Item[]> {
  try {
    // query(): placeholders escaped by the client, which LIMIT needs (a prepared LIMIT ? wants an integer type).
    return (await c.query<RowDataPacket[]>(sql, params))[0].map(toItem);
  } catch (err) {
    if (noTable(err)) return [];
    throw err;
  }
}

function send(res: ServerResponse, status: number, body: object, serverName: string, servedBy?: ServedBy): void {
  const headers: Record<string, string> = { "content-type": "application/json", "x-served-by": serverName };
  if (servedBy) headers["x-database-endpoint"] = `${servedBy.role} ${servedBy.endpoint}`;
  res.writeHead(status, headers);
  res.end(`${JSON.stringify(body)}\n`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16_384) throw new HttpError(413, "the body is over 16 KiB");
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, "the body is not JSON");
  }
}
