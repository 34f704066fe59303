import * as assert from "node:assert/strict";
import { measureFailover } from "./support/failover";
import { haproxyConfigFromTargetGroup, validateHaproxyConfig } from "./support/haproxy";
import { Rehearsal } from "./support/rehearsal";

const HOST = "127.0.0.1";

describe("the ALB rehearsed on HAProxy: the dev stack's target group and listeners, over two reference-app servers", () => {
  const rig = new Rehearsal();
  const names = rig.names;
  let targetGroup: Record<string, unknown>;
  let listeners: Record<string, unknown>[];
  const proxy = () => rig.haproxy ?? assert.fail("HAProxy did not start");
  const ports = rig.ports;

  before(async () => {
    await rig.start("dev");
    targetGroup = rig.targetGroup;
    listeners = rig.listeners;
  });

  after(() => rig.stop());

  it("haproxy -c accepts the config derived from the target group and listeners", async () => {
    const result = await validateHaproxyConfig(proxy().configPath);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}\n${proxy().config}`);
  });

  it("the config carries the target group's algorithm, health check and thresholds, without stickiness or retries", () => {
    const config = proxy().config;
    assert.match(config, /^ {4}balance roundrobin$/m);
    assert.match(config, /^ {4}option httpchk GET \/healthz$/m);
    assert.match(config, /^ {4}http-check expect status 200$/m);
    assert.match(config, /^ {4}timeout check 4s$/m);
    for (const name of names)
      assert.match(config, new RegExp(`^ {4}server ${name} ${HOST}:${ports.get(name)} check inter 5s fall 2 rise 2$`, "m"));
    assert.doesNotMatch(config, /cookie|redispatch/);
    assert.match(config, /^ {4}retries 0$/m);
  });

  it("refuses, by name, what HAProxy cannot rehearse", () => {
    const options = { backends: [{ name: "a", host: HOST }], listenerPorts: { 443: 1, 80: 2 }, certPem: "x.pem", statsSocket: "x.sock" };
    for (const algorithm of ["least_outstanding_requests", "weighted_random"]) {
      assert.throws(
        () => haproxyConfigFromTargetGroup({ ...targetGroup, loadBalancingAlgorithmType: algorithm }, listeners, options),
        new RegExp(`loadBalancingAlgorithmType "${algorithm}" cannot be rehearsed`),
      );
    }
    assert.throws(
      () => haproxyConfigFromTargetGroup({ ...targetGroup, stickiness: { enabled: true, type: "app_cookie" } }, listeners, options),
      /stickiness type "app_cookie"/,
    );
    assert.throws(() => haproxyConfigFromTargetGroup(targetGroup, listeners, { ...options, listenerPorts: { 80: 2 } }), /listener on :443/);
  });

  it("the HTTP listener answers 301 to the HTTPS listener, keeping path and query", async () => {
    const redirect = await proxy().http("/some/page?q=1");
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.location, `https://${HOST}:${proxy().httpsPort}/some/page?q=1`);
    const followed = await proxy().https("/?q=1");
    assert.equal(followed.status, 200);
    assert.match(String(followed.headers["x-served-by"]), /^web-[ab]$/);
  });

  it("round robin, active-active: 10 consecutive HTTPS requests alternate strictly between the two targets", async () => {
    await rig.healthy();
    const served: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await proxy().https("/");
      assert.equal(res.status, 200);
      const by = res.headers["x-served-by"] as string;
      assert.deepEqual(JSON.parse(res.body), { server: by });
      served.push(by);
    }
    assert.deepEqual(new Set(served), new Set(names), served.join(","));
    for (let i = 1; i < served.length; i++) assert.notEqual(served[i], served[i - 1], served.join(","));
  });

  it("keeps both servers in rotation while their database is unreachable: the health check is shallow", async () => {
    for (const name of names) {
      const ready = await fetch(`http://${HOST}:${ports.get(name)}/readyz`);
      assert.equal(ready.status, 503, `${name} has no database to reach`);
    }
    const states = await proxy().serverStates();
    assert.deepEqual(
      states.map((s) => [s.server, s.status]),
      names.map((n) => [n, "UP"]),
    );
  });

  it("a killed target leaves rotation, and comes back, within the health check's thresholds", async () => {
    const victim = names[1];
    const m = await measureFailover({
      haproxy: proxy(),
      victim,
      kill: () => rig.kill(victim),
      restart: () => rig.restart(victim),
    });
    const { interval, unhealthyThreshold, healthyThreshold } = rig.healthCheck;
    const figures = Object.entries(m).filter(([key]) => key !== "samples");
    console.log(`      ${figures.map(([key, value]) => `${key} ${Math.round(value as number)}`).join(", ")}`);
    const outBound = (interval * unhealthyThreshold + interval + 2) * 1000;
    const backBound = (interval * healthyThreshold + interval + 2) * 1000;
    // No retry on another target: the requests routed to the dead target before it left rotation fail visibly.
    assert.ok(m.failedRequests > 0, "no request failed: something retried them");
    // Two consecutive failed checks `interval` apart, so never before one full interval.
    assert.ok(
      m.detectedDownMs >= interval * (unhealthyThreshold - 1) * 1000 - 500,
      `DOWN after ${m.detectedDownMs} ms: too early for the threshold`,
    );
    assert.ok(m.detectedDownMs <= outBound, `DOWN after ${m.detectedDownMs} ms > ${outBound}`);
    assert.ok(m.outOfRotationMs <= outBound, `out of rotation after ${m.outOfRotationMs} ms > ${outBound}`);
    assert.ok(m.requestsWhileDown >= 10, `only ${m.requestsWhileDown} requests while DOWN`);
    assert.equal(m.failedAfterDown, 0, "requests failed or reached the dead target after it was DOWN");
    assert.ok(
      m.backInRotationMs >= interval * (healthyThreshold - 1) * 1000 - 500,
      `back after ${m.backInRotationMs} ms: too early for the threshold`,
    );
    assert.ok(m.backInRotationMs <= backBound, `back in rotation after ${m.backInRotationMs} ms > ${backBound}`);
    assert.ok(m.detectedUpMs <= backBound, `UP after ${m.detectedUpMs} ms > ${backBound}`);
  });
});
