import * as assert from "node:assert/strict";
import type { RunResult } from "@web-infra/testing";
import { stackGraph } from "../support";
import { ACCOUNT, bootstrapGraph } from "./bootstrap";
import { MANAGED } from "./managed";
import { Decision, decide, Principal, principalOf, Request } from "./simulate";

const ESCALATED = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

describe("IAM, simulated: the permissions boundary caps every web stack role", () => {
  let prod: RunResult;
  let boundary: unknown;
  before(async () => {
    prod = await stackGraph("prod");
    const g = await bootstrapGraph();
    const policy = g.get("aws:iam/policy:Policy", "web-infra-boundary");
    assert.equal(
      policy.state["arn"],
      prod.get("aws:iam/role:Role", "web-server").inputs["permissionsBoundary"],
      "the boundary the stack names",
    );
    boundary = JSON.parse(String(policy.inputs["policy"]));
  });
  const bounded = (name: string): Principal => principalOf(prod, name, boundary, MANAGED);
  const flowLogGroup = () => String(prod.get("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").state["arn"]);

  const rows: [string, string, () => Request, Decision][] = [
    [
      "web-server",
      "still reads its writer endpoint",
      () => ({ action: "ssm:GetParameter", resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/web-infra/prod/db/writer-endpoint` }),
      "Allowed",
    ],
    [
      "web-server",
      "still registers with Systems Manager",
      () => ({ action: "ssm:UpdateInstanceInformation", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0a1b2c3d4e5f60718` }),
      "Allowed",
    ],
    [
      "web-server",
      "still reads its database secret",
      () => ({
        action: "secretsmanager:GetSecretValue",
        resource: String(prod.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"]),
      }),
      "Allowed",
    ],
    [
      "network-flow-logs",
      "still writes flow records",
      () => ({ action: "logs:PutLogEvents", resource: `${flowLogGroup()}:log-stream:eni-0a1b2c3d-all` }),
      "Allowed",
    ],
    [
      "db-monitoring",
      "still writes Enhanced Monitoring metrics",
      () => ({ action: "logs:PutLogEvents", resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:RDSOSMetrics:log-stream:db-ABC` }),
      "Allowed",
    ],
  ];
  for (const [role, what, request, expected] of rows) {
    it(`${role} ${what}`, async () => assert.equal(await decide(bounded(role), request()), expected));
  }

  describe("a web server role given Allow *:* (what a hijacked deploy could write into it)", () => {
    const escalated = (): Principal => {
      const p = bounded("web-server");
      return { ...p, policies: [...p.policies, { name: "escalated", policy: ESCALATED }] };
    };
    const denied: [string, Request, Decision][] = [
      ["creates a user", { action: "iam:CreateUser", resource: `arn:aws:iam::${ACCOUNT}:user/backdoor` }, "ExplicitlyDenied"],
      [
        "attaches AdministratorAccess to itself",
        { action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${ACCOUNT}:role/web-infra/prod/web-server-x` },
        "ExplicitlyDenied",
      ],
      [
        "assumes the deploy role",
        { action: "sts:AssumeRole", resource: `arn:aws:iam::${ACCOUNT}:role/web-infra/bootstrap/web-infra-deploy-prod` },
        "ExplicitlyDenied",
      ],
      [
        "terminates instances",
        { action: "ec2:TerminateInstances", resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0ffffffffffffffff` },
        "ImplicitlyDenied",
      ],
      [
        "reads a state object",
        { action: "s3:GetObject", resource: "arn:aws:s3:::web-infra-state-0a1b2c3/.pulumi/stacks/web-infra/prod.json" },
        "ImplicitlyDenied",
      ],
      [
        "writes a parameter",
        { action: "ssm:PutParameter", resource: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/web-infra/prod/db/writer-endpoint` },
        "ImplicitlyDenied",
      ],
    ];
    for (const [what, request, expected] of denied) {
      it(`still cannot: ${what}`, async () => assert.equal(await decide(escalated(), request), expected));
    }
  });
});
