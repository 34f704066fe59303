import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { runProgram } from "../src";
import { mysqlInstance } from "./support";

const rules = async (program: () => void) => (await runProgram(program, { stack: "dev", enforce: false })).rejections.map((r) => r.rule);

const listener = (protocol: string, port: number, redirect: Record<string, string>) => () => {
  const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
  const subnets = ["a", "b"].map(
    (az, i) => new aws.ec2.Subnet(az, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `us-east-1${az}` }),
  );
  const lb = new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: subnets.map((s) => s.id) });
  new aws.lb.Listener("l", {
    loadBalancerArn: lb.arn,
    port,
    protocol,
    defaultActions: [{ type: "redirect", redirect: { statusCode: "HTTP_301", ...redirect } }],
  });
};

const acl = (rules: { name: string; priority: number }[]) => () => {
  new aws.wafv2.WebAcl("waf", {
    scope: "REGIONAL",
    defaultAction: { allow: {} },
    visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "waf", sampledRequestsEnabled: true },
    rules: rules.map((r) => ({
      ...r,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" } },
      visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: r.name, sampledRequestsEnabled: true },
    })),
  });
};

const mysql = (args: Partial<aws.rds.InstanceArgs>) => () => {
  mysqlInstance("db", { dbName: "app", ...args });
};

describe("rules from the service APIs' stated limits", () => {
  it("fails when a certificate's domain name is over 64 characters", async () => {
    assert.deepEqual(
      await rules(() => {
        new aws.acm.Certificate("c", { domainName: `${"a".repeat(60)}.example.com`, validationMethod: "DNS" });
      }),
      ["acm-domain-length"],
    );
  });
  it("passes a certificate with a 64-character domain name", async () => {
    assert.deepEqual(
      await rules(() => {
        new aws.acm.Certificate("c", { domainName: `${"a".repeat(52)}.example.com`, validationMethod: "DNS" });
      }),
      [],
    );
  });

  const record = (extra: Partial<aws.route53.RecordArgs>) => () => {
    new aws.route53.Record("r", {
      zoneId: "Z0123456789EXAMPLE",
      name: "www.example.com",
      type: "A",
      aliases: [{ name: "alb.us-east-1.elb.amazonaws.com", zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true }],
      ...extra,
    });
  };
  it("fails when an alias record also sets a ttl", async () => {
    assert.deepEqual(await rules(record({ ttl: 300 })), ["route53-alias-exclusive"]);
  });
  it("passes an alias record without ttl or records", async () => {
    assert.deepEqual(await rules(record({})), []);
  });

  it("fails when a listener redirects to itself", async () => {
    assert.deepEqual(await rules(listener("HTTP", 80, { protocol: "HTTP", port: "80" })), ["listener-redirect-loop"]);
  });
  it("passes a listener that redirects HTTP to HTTPS", async () => {
    assert.deepEqual(await rules(listener("HTTP", 80, { protocol: "HTTPS", port: "443" })), []);
  });

  it("fails when two web ACL rules share a name and a priority", async () => {
    assert.deepEqual(
      await rules(
        acl([
          { name: "common", priority: 10 },
          { name: "common", priority: 10 },
        ]),
      ),
      ["wafv2-rules-unique", "wafv2-rules-unique"],
    );
  });
  it("passes web ACL rules with distinct names and priorities", async () => {
    assert.deepEqual(
      await rules(
        acl([
          { name: "common", priority: 10 },
          { name: "bad-inputs", priority: 20 },
        ]),
      ),
      [],
    );
  });

  it("fails when a MySQL master username is over 16 characters", async () => {
    assert.deepEqual(await rules(mysql({ username: "web_infra_administrator" })), ["rds-mysql-names"]);
  });
  it("fails when a MySQL database name is a reserved word", async () => {
    assert.deepEqual(await rules(mysql({ dbName: "mysql" })), ["rds-mysql-names"]);
  });
  it("passes a MySQL instance with a short username and an ordinary database name", async () => {
    assert.deepEqual(await rules(mysql({})), []);
  });
});
