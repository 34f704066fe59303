import * as assert from "node:assert/strict";
import { applyWaivers, nameOfUrn, policyPackConfig, stackRules } from "../src";

const URN = (type: string, name: string) => `urn:pulumi:dev::web-infra::${type}::${name}`;

describe("security group rules read from outputs", () => {
  const group = (ingress: unknown[]) => ({
    type: "aws:ec2/securityGroup:SecurityGroup",
    name: "web",
    urn: URN("aws:ec2/securityGroup:SecurityGroup", "web"),
    props: { id: "sg-1", ingress, egress: [] },
  });
  const standalone = {
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    name: "web-from-alb",
    urn: URN("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "web-from-alb"),
    props: {
      securityGroupId: "sg-1",
      ipProtocol: "tcp",
      fromPort: 8080,
      toPort: 8080,
      referencedSecurityGroupId: "sg-2",
      description: "app",
    },
  };

  it("drops a group's inline entry that only mirrors a standalone rule, as the provider lists them after a refresh", () => {
    const mirror = { protocol: "tcp", fromPort: 8080, toPort: 8080, securityGroups: ["sg-2"], cidrBlocks: [], description: "app" };
    assert.deepEqual(
      stackRules([group([mirror]), standalone]).map((r) => [r.where, r.inline]),
      [["web-from-alb", false]],
    );
  });

  it("keeps an inline entry that is not a standalone rule", () => {
    const other = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
    assert.deepEqual(
      stackRules([group([other]), standalone]).map((r) => [r.where, r.inline]),
      [
        ["web-from-alb", false],
        ["web ingress[0]", true],
      ],
    );
  });
});

describe("waivers", () => {
  const v = (policy: string, name: string) => ({ policy, urn: URN("aws:lb/listener:Listener", name), message: "m" });
  const known = ["a", "b"];

  it("waives the named rule on the named resources only, and keeps the reason", () => {
    const result = applyWaivers(
      [v("a", "web-http"), v("a", "web-https")],
      [{ policy: "a", resources: ["web-http"], reason: "the redirect" }],
      known,
    );
    assert.deepEqual(
      result.unwaived.map((x) => nameOfUrn(x.urn)),
      ["web-https"],
    );
    assert.equal(result.waived[0].violations.length, 1);
    assert.deepEqual(result.problems, []);
  });

  it("covers every name with the prefix of a name ending in *, and no other", () => {
    const result = applyWaivers(
      [v("a", "web-app-8080"), v("a", "web-app-9090"), v("a", "web-apps"), v("a", "db-app-8080")],
      [{ policy: "a", resources: ["web-app-*"], reason: "TLS ends at the load balancer" }],
      known,
    );
    assert.deepEqual(
      result.unwaived.map((x) => nameOfUrn(x.urn)),
      ["web-apps", "db-app-8080"],
    );
    assert.deepEqual(result.problems, []);
    assert.deepEqual(applyWaivers([v("a", "web-apps")], [{ policy: "a", resources: ["web-app-*"], reason: "stale" }], known).problems, [
      'waiver for "a" names web-app-*, which has no such violation',
    ]);
  });

  it("fails when a waiver names an unknown rule", () => {
    assert.deepEqual(applyWaivers([], [{ policy: "zzz", reason: "why not" }], known).problems, [
      'waiver for "zzz" names no rule of the pack',
    ]);
  });

  it("fails when a waiver matches nothing", () => {
    assert.deepEqual(applyWaivers([v("b", "x")], [{ policy: "a", reason: "stale" }], known).problems, [
      'waiver for "a" matches no violation: remove it',
    ]);
  });

  it("fails when a waiver names a resource without that violation", () => {
    const result = applyWaivers([v("a", "x")], [{ policy: "a", resources: ["x", "y"], reason: "two of them" }], known);
    assert.deepEqual(result.problems, ['waiver for "a" names y, which has no such violation']);
  });

  it("reports a stale resource-scoped waiver once, by the resource it names", () => {
    const result = applyWaivers([v("a", "x")], [{ policy: "a", resources: ["y"], reason: "gone" }], known);
    assert.deepEqual(result.problems, ['waiver for "a" names y, which has no such violation']);
  });

  it("fails when a waiver gives no reason", () => {
    assert.deepEqual(applyWaivers([v("a", "x")], [{ policy: "a", reason: " " }], known).problems, ['waiver for "a" gives no reason']);
  });
});

describe("policy pack config from waivers", () => {
  it("lists resource-scoped waivers under waived, merged per rule, and makes whole-rule waivers advisory", () => {
    assert.deepEqual(
      policyPackConfig([
        { policy: "elb-listener-uses-secure-protocol", resources: ["web-http"], reason: "redirect" },
        { policy: "rds-multi-az", resources: ["db-replica-0"], reason: "cost" },
        { policy: "rds-multi-az", resources: ["db-replica-1"], reason: "cost" },
        { policy: "elb-waf-on-public-alb", reason: "cost" },
      ]),
      {
        "elb-listener-uses-secure-protocol": { waived: ["web-http"] },
        "rds-multi-az": { waived: ["db-replica-0", "db-replica-1"] },
        "elb-waf-on-public-alb": { enforcementLevel: "advisory" },
      },
    );
  });
});
