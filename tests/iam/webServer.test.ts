import * as assert from "node:assert/strict";
import type { RunResult } from "@web-infra/testing";
import { stackGraph } from "../support";
import { Decision, decide, Principal, principalOf } from "./simulate";

const ACCOUNT = "123456789012";
const param = (stack: string, key: string) => `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/web-infra/${stack}/db/${key}`;

describe("IAM, simulated: the web server role reads exactly its own stack's contract", () => {
  let g: RunResult;
  let server: Principal;
  let secret: string;
  before(async () => {
    g = await stackGraph("prod");
    server = principalOf(g, "web-server");
    secret = String(g.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"]);
  });

  it("sits under its environment's path, with the stack's permissions boundary", () => {
    const role = g.get("aws:iam/role:Role", "web-server");
    assert.equal(role.inputs["path"], "/web-infra/prod/");
    assert.equal(role.inputs["permissionsBoundary"], `arn:aws:iam::${ACCOUNT}:policy/web-infra/web-infra-boundary`);
  });

  const rows: [string, () => { action: string; resource: string }, Decision][] = [
    ...["writer-endpoint", "reader-endpoints", "port", "database-name", "secret-arn"].map(
      (key): [string, () => { action: string; resource: string }, Decision] => [
        `reads its parameter ${key}`,
        () => ({ action: "ssm:GetParameter", resource: param("prod", key) }),
        "Allowed",
      ],
    ),
    ["reads its database secret", () => ({ action: "secretsmanager:GetSecretValue", resource: secret }), "Allowed"],
    [
      "registers with Systems Manager",
      () => ({ action: "ssm:UpdateInstanceInformation", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0a1b2c3d4e5f60718` }),
      "Allowed",
    ],
    ["opens a Session Manager data channel", () => ({ action: "ssmmessages:OpenDataChannel", resource: "*" }), "Allowed"],
    [
      "reads staging's writer endpoint",
      () => ({ action: "ssm:GetParameter", resource: param("staging", "writer-endpoint") }),
      "ImplicitlyDenied",
    ],
    [
      "reads another prod parameter",
      () => ({ action: "ssm:GetParameter", resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/web-infra/prod/other` }),
      "ImplicitlyDenied",
    ],
    [
      "lists the parameters by path",
      () => ({ action: "ssm:GetParametersByPath", resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/web-infra/prod/db` }),
      "ImplicitlyDenied",
    ],
    ["writes its own parameter", () => ({ action: "ssm:PutParameter", resource: param("prod", "writer-endpoint") }), "ImplicitlyDenied"],
    [
      "reads another secret",
      () => ({ action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:other-AbCdEf` }),
      "ImplicitlyDenied",
    ],
    ["writes its secret", () => ({ action: "secretsmanager:PutSecretValue", resource: secret }), "ImplicitlyDenied"],
    [
      "decrypts with a KMS key",
      () => ({ action: "kms:Decrypt", resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e` }),
      "ImplicitlyDenied",
    ],
    [
      "sends a command to another instance",
      () => ({ action: "ssm:SendCommand", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0ffffffffffffffff` }),
      "ImplicitlyDenied",
    ],
  ];
  for (const [what, request, expected] of rows) {
    it(`${expected === "Allowed" ? "allows" : "denies"}: ${what}`, async () => {
      assert.equal(await decide(server, request()), expected);
    });
  }
});
