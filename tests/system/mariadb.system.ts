import * as assert from "node:assert/strict";
import { MariaDbPair, sqlString } from "./support/mariadb";
import { runCommand, waitFor } from "./support/processes";

describe("the MariaDB primary and read replica fixture (real mariadbd)", () => {
  // The characters RDS allows in a master password that need care in SQL and shells.
  const app = { database: "web_infra", username: "webapp", password: ",^)H>=-!?(+%\\x" };
  let db: MariaDbPair;

  before(async () => {
    db = new MariaDbPair();
    await db.start(app);
  });

  after(async () => {
    await db?.stop();
  });

  /** Count the rows of table t as the app user on that role. */
  async function count(role: "primary" | "replica"): Promise<number> {
    return Number(await db.appSql(role, "SELECT COUNT(*) FROM t"));
  }

  it("serves the primary on 127.0.0.1 and the read-only replica on 127.0.0.2, one port, over verified TLS", async () => {
    const who = "SELECT @@server_id, @@read_only, @@bind_address, @@port, @@require_secure_transport";
    assert.equal(await db.appSql("primary", who), `1\t0\t127.0.0.1\t${db.port}\t1`);
    assert.equal(await db.appSql("replica", who), `2\t1\t127.0.0.2\t${db.port}\t1`);
    assert.match(await db.appSql("replica", "SHOW SESSION STATUS LIKE 'Ssl_version'"), /^Ssl_version\tTLSv1\.[23]$/);
  });

  it("replicates a row inserted on the primary to the replica", async () => {
    const value = "it's \\ 'quoted'\ttabbed";
    await db.appSql("primary", `CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(50)); INSERT INTO t VALUES (1, ${sqlString(value)})`);
    await db.waitForReplication();
    const rows = await db.query("replica", "SELECT id, v FROM web_infra.t");
    assert.deepEqual(rows, [{ id: "1", v: value }]);
  });

  it("refuses plaintext TCP logins and accepts the same ones over TLS", async () => {
    await assert.rejects(db.appSql("primary", "SELECT 1", { tls: false }), /ERROR 1045 .*Access denied for user 'webapp'/);
    // A user without REQUIRE SSL shows require_secure_transport itself at work. MariaDB 10.11 reports it
    // as a plain 1045 Access denied, not MySQL's 3159 "Connections using insecure transport are prohibited".
    await db.sql("primary", "CREATE USER plain@'%' IDENTIFIED BY 'plain-pw'");
    try {
      const login = (tls: string[]) =>
        runCommand(
          "mariadb",
          ["--no-defaults", "--protocol=tcp", "-h", db.replicaHost, "-P", String(db.port), "-u", "plain", ...tls, "-e", "SELECT 1"],
          {
            ...process.env,
            MYSQL_PWD: "plain-pw",
          },
        );
      await db.waitForReplication();
      const plaintext = await login(["--skip-ssl"]);
      assert.equal(plaintext.status, 1, plaintext.stdout);
      assert.match(plaintext.stderr, /ERROR 1045 .*Access denied for user 'plain'/);
      const tls = await login(["--ssl", `--ssl-ca=${db.caFile}`, "--ssl-verify-server-cert"]);
      assert.equal(tls.status, 0, tls.stderr);
    } finally {
      await db.sql("primary", "DROP USER plain@'%'");
    }
  });

  it("keeps the replica read-only for the app user, who can still read SHOW REPLICA STATUS", async () => {
    await assert.rejects(db.appSql("replica", "INSERT INTO t VALUES (99, 'no')"), /ERROR 1290 .*--read-only/);
    const status = await db.appSql("replica", "SHOW REPLICA STATUS");
    assert.match(status, /\tYes\tYes\t/);
  });

  it("resumes replication after the replica crashes and restarts", async () => {
    await db.stopReplica();
    await db.appSql("primary", "INSERT INTO t VALUES (2, 'while the replica was down')");
    await db.startReplica();
    await db.waitForReplication();
    assert.equal(await count("replica"), 2);
    const status = await db.replicaStatus();
    assert.deepEqual([status?.["Slave_IO_Running"], status?.["Slave_SQL_Running"]], ["Yes", "Yes"]);
  });

  it("keeps serving reads from the replica while the primary is down, and catches up when it returns", async () => {
    await db.stopPrimary();
    const status = await waitFor("the replica to notice", async () => {
      const s = await db.replicaStatus();
      return s?.["Slave_IO_Running"] === "Connecting" ? s : undefined;
    });
    assert.equal(status["Slave_SQL_Running"], "Yes");
    assert.equal(status["Seconds_Behind_Master"], null);
    assert.equal(await count("replica"), 2);
    await db.startPrimary();
    await db.appSql("primary", "INSERT INTO t VALUES (3, 'after the primary came back')");
    await db.waitForReplication();
    assert.equal(await count("replica"), 3);
  });
});
