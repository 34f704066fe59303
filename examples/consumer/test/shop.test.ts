// One offline test: the program under @web-infra/testing's mocked AWS (no account, no CLI).
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { runProgram } from "@web-infra/testing";
import { shop } from "../shop";

const config = (replicas: number) => ({
  "shop:certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0d3c7c2e-1111-2222-3333-444455556666",
  "shop:alarmEmail": "oncall@example.com",
  "shop:replicas": String(replicas),
});

test("three servers on 8080 behind HTTPS, a primary and two replicas, alarms to one address, nothing AWS would refuse", async () => {
  const g = await runProgram(shop, { stack: "test", config: config(2) });
  assert.deepEqual(g.rejections, []);
  const group = g.ofType("aws:autoscaling/group:Group")[0]!;
  assert.equal(group.inputs["desiredCapacity"], 3);
  assert.equal(g.ofType("aws:lb/targetGroup:TargetGroup")[0]!.inputs["port"], 8080);
  const https = g.ofType("aws:lb/listener:Listener").find((l) => l.inputs["port"] === 443)!;
  assert.equal(https.inputs["certificateArn"], config(2)["shop:certificateArn"]);
  assert.equal(g.ofType("aws:rds/instance:Instance").length, 3);
  assert.deepEqual(
    g.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs["endpoint"]),
    ["oncall@example.com"],
  );
});

test("runs without replicas first: one database instance", async () => {
  const g = await runProgram(shop, { stack: "test", config: config(0) });
  assert.deepEqual(g.rejections, []);
  assert.equal(g.ofType("aws:rds/instance:Instance").length, 1);
});
