import * as assert from "node:assert/strict";
import { ContractError, parseContract, readDatabaseContract, stackParameterPath } from "../src";

const PATH = "/web-infra/dev/db";
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-credentials-abc";
const VALUES = {
  "writer-endpoint": "db-primary.abc.us-east-1.rds.amazonaws.com",
  "reader-endpoints": "db-replica-0.abc.us-east-1.rds.amazonaws.com,db-replica-1.abc.us-east-1.rds.amazonaws.com",
  port: "3306",
  "database-name": "app",
  "secret-arn": SECRET_ARN,
};
const SECRET = JSON.stringify({
  engine: "mysql",
  host: VALUES["writer-endpoint"],
  port: 3306,
  dbname: "app",
  username: "webinfra",
  password: "p,^)H>=-!?(+%",
});

function problemsOf(values: Record<string, string | undefined>, secret: string | undefined | null = SECRET): string {
  try {
    parseContract(PATH, values, secret);
  } catch (err) {
    assert.ok(err instanceof ContractError);
    return err.message;
  }
  assert.fail("expected a ContractError");
}

describe("@web-infra/app contract", () => {
  it("reads the stack's path as /web-infra/<stack>/db", () => {
    assert.equal(stackParameterPath("prod"), "/web-infra/prod/db");
  });

  it("assembles the writer, every reader on the shared port, the database and the credentials", () => {
    const c = parseContract(PATH, VALUES, SECRET);
    assert.deepEqual(c, {
      parameterPath: PATH,
      writer: { host: VALUES["writer-endpoint"], port: 3306 },
      readers: [
        { host: "db-replica-0.abc.us-east-1.rds.amazonaws.com", port: 3306 },
        { host: "db-replica-1.abc.us-east-1.rds.amazonaws.com", port: 3306 },
      ],
      databaseName: "app",
      secretArn: SECRET_ARN,
      credentials: { username: "webinfra", password: "p,^)H>=-!?(+%" },
    });
  });

  it("fails when a parameter is missing, naming each", () => {
    const message = problemsOf({ ...VALUES, port: undefined, "database-name": "" });
    assert.match(message, /\/web-infra\/dev\/db\/port is missing; \/web-infra\/dev\/db\/database-name is missing/);
    assert.match(message, /written by MysqlDatabase/);
  });

  it("fails when the port is not a port", () => {
    assert.match(problemsOf({ ...VALUES, port: "70000" }), /\/web-infra\/dev\/db\/port holds "70000", not a port \(1–65535\)/);
  });

  it("fails when an endpoint is not a host name", () => {
    assert.match(problemsOf({ ...VALUES, "reader-endpoints": "a.b, c.d" }), /reader-endpoints holds " c\.d", not a host name/);
  });

  it("fails when the secret ARN is not a Secrets Manager ARN", () => {
    assert.match(
      problemsOf({ ...VALUES, "secret-arn": "arn:aws:ssm:us-east-1:1:parameter/x" }),
      /secret-arn holds .*, not a Secrets Manager ARN/,
    );
  });

  it("fails when the secret is not JSON, without echoing it", () => {
    const message = problemsOf(VALUES, "password=hunter2");
    assert.match(message, /is not JSON/);
    assert.doesNotMatch(message, /hunter2/);
  });

  it("fails when the secret is JSON but not an object", () => {
    assert.match(problemsOf(VALUES, "null"), /is not a JSON object/);
    assert.match(problemsOf(VALUES, '"just a string"'), /is not a JSON object/);
  });

  it("fails when the secret lacks the username or the password", () => {
    assert.match(problemsOf(VALUES, JSON.stringify({ engine: "mysql", username: "u" })), /has no "password"/);
    assert.match(problemsOf(VALUES, JSON.stringify({ password: "p" })), /has no "username"/);
  });

  it("fails when the secret is for another engine", () => {
    assert.match(problemsOf(VALUES, JSON.stringify({ engine: "postgres", username: "u", password: "p" })), /engine "postgres", not mysql/);
  });

  it("reports a missing secret ARN once, without inventing secret problems", () => {
    const message = problemsOf({ ...VALUES, "secret-arn": undefined }, null);
    assert.match(message, /secret-arn is missing\. It is written/);
  });

  it("fails before any AWS call when the path is not an SSM path", async () => {
    await assert.rejects(
      readDatabaseContract({ parameterPath: "web-infra/dev" }),
      /parameterPath must be an SSM path such as \/web-infra\/prod\/db, got "web-infra\/dev"/,
    );
  });
});
