import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Database, readDatabaseContract, ServedBy } from "@web-infra/app";
import { SSMClient } from "@aws-sdk/client-ssm";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createConnection } from "mysql2/promise";
import { startApp } from "./support/app";
import { SeededContract, seedStackContract, stackCredentials } from "./support/contract";
import { MariaDbPair } from "./support/mariadb";
import { Moto } from "./support/moto";
import { freePort, removeDir, Server, tempDir, waitFor } from "./support/processes";
import { createTestCa } from "./support/tls";

/** The lag limit the app runs with here: small, so a delayed replica crosses it in seconds. */
const MAX_LAG = 2;

interface Answer {
  status: number;
  body: {
    id?: number;
    item?: { id: number; body: string } | null;
    database?: ServedBy;
    error?: string;
    ready?: boolean;
    [k: string]: unknown;
  };
  endpointHeader: string | null;
}

describe("the reference app on a real MariaDB primary and replica, its contract in moto", () => {
  const dir = tempDir("app");
  const pair = new MariaDbPair();
  const moto = new Moto();
  let seeded: SeededContract;
  let app: Server | undefined;
  let base: string;
  let writer: string;
  let replica: string;

  /** The contract as the app reads it, from moto through the SDK. */
  async function readContract() {
    const ssm = new SSMClient(moto.clientConfig());
    const secretsManager = new SecretsManagerClient(moto.clientConfig());
    try {
      return await readDatabaseContract({ parameterPath: seeded.parameterPath, ssm, secretsManager });
    } finally {
      ssm.destroy();
      secretsManager.destroy();
    }
  }

  async function call(method: "GET" | "POST", path: string, body?: unknown): Promise<Answer> {
    const r = await fetch(`${base}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Answer["body"], endpointHeader: r.headers.get("x-database-endpoint") };
  }

  /** Poll a read until `accept` holds, returning that answer. */
  function readUntil(path: string, what: string, accept: (a: Answer) => boolean, timeoutMs = 15_000): Promise<Answer> {
    let last: Answer | undefined;
    return waitFor(
      () => `${what} (last answer: ${JSON.stringify(last)})`,
      async () => {
        last = await call("GET", path);
        return accept(last) ? last : undefined;
      },
      timeoutMs,
      200,
    );
  }

  before(async () => {
    const credentials = await stackCredentials("dev");
    await Promise.all([
      pair.start({ database: credentials.dbname, username: credentials.username, password: credentials.password }),
      moto.start(),
    ]);
    seeded = await seedStackContract(moto, "dev", { writerHost: pair.primaryHost, readerHosts: [pair.replicaHost], port: pair.port });
    writer = `${pair.primaryHost}:${pair.port}`;
    replica = `${pair.replicaHost}:${pair.port}`;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await startApp({
      name: "web-a",
      port,
      logDir: dir,
      env: { ...moto.env(), WEB_INFRA_STACK: "dev", WEB_INFRA_DB_CA_FILE: pair.caFile, WEB_INFRA_MAX_REPLICA_LAG_SECONDS: String(MAX_LAG) },
    });
    await waitFor(
      "the app to read its contract and reach the writer",
      async () => ((await call("GET", "/readyz")).status === 200 ? true : undefined),
      30_000,
      200,
    );
  });

  after(async () => {
    await app?.stop();
    await Promise.all([pair.stop(), moto.stop()]);
    removeDir(dir);
  });

  it("reads the contract the dev stack writes, from moto's SSM and Secrets Manager, through the SDK's real calls", async () => {
    assert.deepEqual(Object.keys(seeded.parameters).sort(), [
      "/web-infra/dev/db/database-name",
      "/web-infra/dev/db/port",
      "/web-infra/dev/db/reader-endpoints",
      "/web-infra/dev/db/secret-arn",
      "/web-infra/dev/db/writer-endpoint",
    ]);
    assert.match(
      seeded.relocated["/web-infra/dev/db/writer-endpoint"]!,
      /^db-primary-[a-z0-9]+\.[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com$/,
    );
    const contract = await readContract();
    assert.deepEqual(contract.writer, { host: pair.primaryHost, port: pair.port });
    assert.deepEqual(contract.readers, [{ host: pair.replicaHost, port: pair.port }]);
    assert.equal(contract.secretArn, seeded.secretArn);
    assert.deepEqual(contract.credentials, { username: seeded.credentials.username, password: seeded.credentials.password });
    const ready = await call("GET", "/readyz");
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body["writer"], { endpoint: writer, reachable: true });
    assert.deepEqual(ready.body["readers"], [{ endpoint: replica, reachable: true, replica: true, lagSeconds: 0 }]);
  });

  it("writes a row through the writer and reads it back through the replica once replication catches up", async () => {
    const written = await call("POST", "/items", { body: "hello from web-a" });
    assert.equal(written.status, 201, JSON.stringify(written.body));
    assert.deepEqual(written.body.database, { role: "writer", endpoint: writer });
    assert.equal(written.endpointHeader, `writer ${writer}`);
    const read = await readUntil(
      `/items/${written.body.id}`,
      "the row on the replica",
      (a) => a.status === 200 && a.body.database?.role === "replica",
    );
    assert.deepEqual(read.body.database, { role: "replica", endpoint: replica });
    assert.equal(read.body.item?.body, "hello from web-a");
    assert.equal(read.endpointHeader, `replica ${replica}`);
    // The row really is on the replica's own disk, not proxied.
    assert.equal(
      (await pair.sql("replica", `SELECT body FROM ${seeded.credentials.dbname}.items WHERE id = ${written.body.id}`)).trim(),
      "hello from web-a",
    );
  });

  it("is refused on a plaintext connection, by the primary and by the replica", async () => {
    for (const host of [pair.primaryHost, pair.replicaHost]) {
      await assert.rejects(
        createConnection({
          host,
          port: pair.port,
          user: seeded.credentials.username,
          password: seeded.credentials.password,
          database: seeded.credentials.dbname,
        }),
        // MariaDB answers a plaintext login under require_secure_transport with 1045, not MySQL's 3159.
        (err: { code?: string }) => err.code === "ER_ACCESS_DENIED_ERROR",
        host,
      );
      const tls = await createConnection({
        host,
        port: pair.port,
        user: seeded.credentials.username,
        password: seeded.credentials.password,
        ssl: { ca: readFileSync(pair.caFile), rejectUnauthorized: true },
      });
      const [rows] = await tls.query("SHOW STATUS LIKE 'Ssl_version'");
      await tls.end();
      assert.match(JSON.stringify(rows), /TLSv1\.[23]/);
    }
  });

  it("verifies the server's certificate: with another CA it does not connect at all", async () => {
    const other = createTestCa(join(dir, "other-ca"), { ips: ["127.0.0.1", "127.0.0.2"] });
    const contract = await readContract();
    const db = new Database({ contract, ca: readFileSync(other.caFile) });
    try {
      const status = await db.writerStatus();
      assert.equal(status.reachable, false);
      assert.match(status.problem ?? "", /self[- ]signed certificate in certificate chain|unable to verify|certificate/i);
    } finally {
      await db.close();
    }
  });

  it("reads from the writer, and says why, when the user may not read the replica's lag", async () => {
    // Created on the primary, it reaches the replica by replication, without REPLICATION CLIENT.
    await pair.sql(
      "primary",
      `CREATE USER 'nolag'@'%' IDENTIFIED BY 'nolag-pw' REQUIRE SSL; GRANT ALL ON ${seeded.credentials.dbname}.* TO 'nolag'@'%'`,
    );
    await pair.waitForReplication();
    const contract = await readContract();
    const db = new Database({
      contract: { ...contract, credentials: { username: "nolag", password: "nolag-pw" } },
      ca: readFileSync(pair.caFile),
    });
    try {
      const [status] = await db.readerStatus();
      assert.equal(status?.reachable, true);
      assert.equal(status?.lagSeconds, null);
      assert.match(status?.problem ?? "", /its lag cannot be read \(.*denied.*\): grant REPLICATION CLIENT/i);
      const { servedBy } = await db.read((c) => c.query("SELECT 1"));
      assert.equal(servedBy.role, "writer");
      assert.match(servedBy.reason ?? "", /grant REPLICATION CLIENT/);
    } finally {
      await db.close();
    }
  });

  it("reads from the writer while the replica is further behind than the limit, and says why", async () => {
    // Delayed replication holds every event 30 s: the replica's lag grows past the limit while it answers.
    await pair.sql("replica", "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 30; START SLAVE");
    try {
      const written = await call("POST", "/items", { body: "not yet on the replica" });
      assert.equal(written.status, 201);
      const read = await readUntil(`/items/${written.body.id}`, "a read sent to the writer for lag", (a) =>
        /behind, over the 2 s limit/.test(a.body.database?.reason ?? ""),
      );
      assert.equal(read.status, 200);
      assert.equal(read.body.database?.role, "writer");
      assert.equal(read.body.database?.endpoint, writer);
      assert.equal(read.body.item?.body, "not yet on the replica");
    } finally {
      await pair.sql("replica", "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY = 0; START SLAVE");
      await pair.waitForReplication();
    }
    await readUntil("/items?limit=1", "reads back on the replica", (a) => a.body.database?.role === "replica");
  });

  it("sends reads to the writer while the replica is down, and back to the replica when it returns", async () => {
    const written = await call("POST", "/items", { body: "survives a replica crash" });
    await pair.waitForReplication();
    await pair.stopReplica();
    const during = await readUntil(`/items/${written.body.id}`, "a read on the writer", (a) => a.status === 200);
    assert.equal(during.body.database?.role, "writer");
    assert.equal(during.body.database?.endpoint, writer);
    assert.match(during.body.database?.reason ?? "", new RegExp(`no replica is usable: .*${replica.replace(/\./g, "\\.")}`));
    assert.equal(during.body.item?.body, "survives a replica crash");
    assert.equal((await call("GET", "/readyz")).status, 200, "the writer still answers: ready");
    await pair.startReplica();
    const after = await readUntil(`/items/${written.body.id}`, "reads back on the replica", (a) => a.body.database?.role === "replica");
    assert.equal(after.body.item?.body, "survives a replica crash");
  });

  it("fails writes with a clear error while the primary is down, and keeps serving reads from the replica", async () => {
    const written = await call("POST", "/items", { body: "written before the outage" });
    await pair.waitForReplication();
    await pair.stopPrimary();
    try {
      const refused = await call("POST", "/items", { body: "during the outage" });
      assert.equal(refused.status, 503);
      assert.match(
        refused.body.error ?? "",
        new RegExp(
          `^writes are unavailable: the writer ${writer.replace(/\./g, "\\.")} cannot be reached \\(.*\\); reads are still served by the replicas\\.`,
        ),
      );
      // Every read succeeds, from the replica: first while it still reports itself current, then,
      // once it notices its source is gone and reports no lag, marked as possibly stale.
      const wrong: Answer[] = [];
      const read = await readUntil(`/items/${written.body.id}`, "a read marked stale", (a) => {
        if (a.status !== 200 || a.body.item?.body !== "written before the outage" || a.body.database?.role !== "replica") wrong.push(a);
        return a.body.database?.stale === true;
      });
      assert.deepEqual(wrong, [], "every read during the outage is answered by the replica");
      assert.equal(read.body.database?.endpoint, replica);
      assert.match(read.body.database?.reason ?? "", /cannot be reached .*replication is not running \(IO Connecting, SQL Yes\)/);
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 200, "the load balancer keeps the server: /healthz is shallow");
      assert.equal((await call("GET", "/readyz")).status, 503);
    } finally {
      await pair.startPrimary();
    }
    const again = await waitFor(
      "writes to resume",
      async () => {
        const a = await call("POST", "/items", { body: "after the outage" });
        return a.status === 201 ? a : undefined;
      },
      15_000,
      200,
    );
    assert.deepEqual(again.body.database, { role: "writer", endpoint: writer });
  });
});
