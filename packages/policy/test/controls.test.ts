import * as assert from "node:assert/strict";
import { CONTROL_TITLES_SOURCE, controlProblems, policies, SECURITY_HUB_CONTROLS } from "../src";

describe("control labels", () => {
  it("cites only Security Hub controls and Checkov IDs of the tables, each rule's description about what the control's title asks", () => {
    assert.deepEqual(policies.flatMap(controlProblems), []);
  });

  it("lists every Security Hub control the pack cites, and no other, each with its title and the date it was read", () => {
    const cited = [...new Set(policies.flatMap((p) => p.baseline.securityHub))].sort();
    assert.deepEqual(Object.keys(SECURITY_HUB_CONTROLS).sort(), cited);
    assert.ok(Object.values(SECURITY_HUB_CONTROLS).every((c) => / should /.test(c.title)));
    assert.equal(CONTROL_TITLES_SOURCE.read, "2026-12-06");
  });

  it("gives CloudWatch.16 its title: log group retention, not encryption", () => {
    assert.equal(SECURITY_HUB_CONTROLS["CloudWatch.16"]?.title, "CloudWatch log groups should be retained for a specified time period");
  });

  it("marks the controls the FSBP standard does not include", () => {
    assert.deepEqual(
      Object.entries(SECURITY_HUB_CONTROLS)
        .filter(([, c]) => !c.fsbp)
        .map(([id]) => id)
        .sort(),
      [
        "CloudWatch.15",
        "CloudWatch.16",
        "CloudWatch.17",
        "EC2.13",
        "EC2.14",
        "EC2.53",
        "EC2.54",
        "ELB.16",
        "ELB.21",
        "ELB.22",
        "KMS.4",
        "RDS.39",
      ],
    );
  });

  const rule = (description: string, securityHub: string[], checkov: string[] = []) => ({
    name: "log-group-encrypted",
    description,
    baseline: { row: 41, securityHub, checkov },
  });

  it("fails when a rule cites CloudWatch.16 for a log group's KMS key (that is CKV_AWS_158)", () => {
    assert.deepEqual(controlProblems(rule("A log group sets a kmsKeyId", ["CloudWatch.16"], ["CKV_AWS_158"])), [
      'log-group-encrypted cites CloudWatch.16 ("CloudWatch log groups should be retained for a specified time period"), but its description does not match /retentionInDays/: cite the control that checks what the rule checks',
    ]);
    assert.deepEqual(controlProblems(rule("A log group sets a kmsKeyId", [], ["CKV_AWS_158"])), []);
  });

  it("fails when a rule cites a Security Hub control the table does not list (a misspelt ID)", () => {
    assert.deepEqual(controlProblems(rule("A log group sets retentionInDays", ["Cloudwatch.16"])), [
      "log-group-encrypted cites Security Hub Cloudwatch.16, which SECURITY_HUB_CONTROLS does not list: check the ID, then add its title",
    ]);
  });

  it("fails when a rule cites a Checkov ID the baseline reference does not name", () => {
    assert.deepEqual(controlProblems(rule("A log group sets retentionInDays", ["CloudWatch.16"], ["CKV_AWS_185"])), [
      "log-group-encrypted cites Checkov CKV_AWS_185, which CHECKOV_IDS does not list: check the ID against the baseline reference",
    ]);
  });
});
