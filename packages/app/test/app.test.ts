import * as assert from "node:assert/strict";
import { App, Database, DEFAULT_CA_FILE, isUnavailable, isUsable, ReaderStatus, settingsFromEnv } from "../src";

const status = (over: Partial<ReaderStatus>): ReaderStatus => ({
  endpoint: "r:3306",
  reachable: true,
  replica: true,
  lagSeconds: 0,
  ...over,
});

describe("@web-infra/app", () => {
  describe("read routing", () => {
    it("uses a replica that answers and is within the lag limit", () => {
      assert.equal(isUsable(status({ lagSeconds: 10 }), 10), true);
    });
    it("skips a replica past the lag limit", () => {
      assert.equal(isUsable(status({ lagSeconds: 11 }), 10), false);
    });
    it("skips a replica whose replication is stopped (lag unknown)", () => {
      assert.equal(isUsable(status({ lagSeconds: null }), 10), false);
    });
    it("skips a replica that does not answer", () => {
      assert.equal(isUsable(status({ reachable: false, lagSeconds: null }), 10), false);
    });
    it("treats refused, reset and timed-out connections as an unavailable endpoint, and SQL errors as the query's", () => {
      for (const code of ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "PROTOCOL_CONNECTION_LOST", "ER_OPTION_PREVENTS_STATEMENT"])
        assert.equal(isUnavailable(Object.assign(new Error(code), { code })), true, code);
      assert.equal(isUnavailable(Object.assign(new Error("bad"), { code: "ER_PARSE_ERROR" })), false);
      assert.equal(isUnavailable(new Error("no code")), false);
    });
  });

  describe("settings", () => {
    it("reads the path, port, CA bundle and lag limit, with defaults", () => {
      const s = settingsFromEnv({ WEB_INFRA_STACK: "prod", WEB_INFRA_SERVER_NAME: "i-1" });
      assert.deepEqual(s, {
        parameterPath: "/web-infra/prod/db",
        port: 8080,
        host: "0.0.0.0",
        caFile: DEFAULT_CA_FILE,
        maxReplicaLagSeconds: 10,
        serverName: "i-1",
      });
      assert.equal(settingsFromEnv({ WEB_INFRA_DB_PARAMETER_PATH: "/x/db", WEB_INFRA_STACK: "prod" }).parameterPath, "/x/db");
    });
    it("fails when neither the path nor the stack is given", () => {
      assert.throws(() => settingsFromEnv({}), /set WEB_INFRA_DB_PARAMETER_PATH \(e\.g\. \/web-infra\/prod\/db\) or WEB_INFRA_STACK/);
    });
    it("fails when the stack name does not make an SSM path", () => {
      assert.throws(
        () => settingsFromEnv({ WEB_INFRA_STACK: "my stack" }),
        /the contract path must be an SSM path such as \/web-infra\/prod\/db, got "\/web-infra\/my stack\/db"/,
      );
    });
    it("fails when the port is out of range, listing every problem", () => {
      assert.throws(
        () => settingsFromEnv({ WEB_INFRA_STACK: "dev", PORT: "0", WEB_INFRA_MAX_REPLICA_LAG_SECONDS: "x" }),
        /PORT must be an integer from 1 to 65535, got "0"; WEB_INFRA_MAX_REPLICA_LAG_SECONDS must be an integer from 0 to 86400, got "x"/,
      );
    });
  });

  describe("before the contract can be read", () => {
    let app: App;
    let base: string;
    const logged: string[] = [];
    before(async () => {
      app = new App({
        serverName: "web-a",
        loadContract: () => Promise.reject(new Error("ParameterNotFound")),
        connect: () => assert.fail("no contract, no connection") as Database,
        contractRetryMs: 60_000,
        log: (l) => logged.push(l),
      });
      base = `http://127.0.0.1:${await app.listen(0, "127.0.0.1")}`;
    });
    after(() => app.close());

    it("answers /healthz 200: the health check is shallow, so a database problem never empties the load balancer", async () => {
      const r = await fetch(`${base}/healthz`);
      assert.equal(r.status, 200);
      assert.equal(await r.text(), "ok\n");
      assert.equal(r.headers.get("x-served-by"), "web-a");
    });

    it("answers /readyz 503 with the reason", async () => {
      const r = await fetch(`${base}/readyz`);
      assert.equal(r.status, 503);
      assert.deepEqual(await r.json(), { ready: false, problem: "the database contract cannot be read: ParameterNotFound" });
      assert.deepEqual(logged, ["web-infra app: the database contract cannot be read: ParameterNotFound; retrying"]);
    });

    it("answers a write 503 with the reason, and a bad body 400", async () => {
      const w = await fetch(`${base}/items`, { method: "POST", body: JSON.stringify({ body: "x" }) });
      assert.equal(w.status, 503);
      assert.match(((await w.json()) as { error: string }).error, /contract cannot be read/);
      const bad = await fetch(`${base}/items`, { method: "POST", body: JSON.stringify({ body: "" }) });
      assert.equal(bad.status, 400);
    });

    it("answers an unknown route 404", async () => {
      assert.equal((await fetch(`${base}/nope`)).status, 404);
    });
  });
});
