import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { analyzeAzLoss, analyzeEveryAz, DEFAULT_AMIS, diffRuns, RunResult, servingGaps, zonesUsed } from "@web-infra/testing";
import { runWeb, STACKS, stackGraph } from "./support";

/** The types whose rename would replace stored state: pinned per environment in fixtures/stateful-urns.json. */
const STATEFUL = [
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:lb/targetGroup:TargetGroup",
  "aws:rds/instance:Instance",
  "aws:rds/subnetGroup:SubnetGroup",
  "aws:secretsmanager/secret:Secret",
  "random:index/randomPassword:RandomPassword",
  "random:index/randomId:RandomId",
  "aws:s3/bucket:Bucket",
];

/** A newer Amazon Linux 2023 arm64 image, as if Amazon published one after the last `pulumi up`. */
const NEWER_ARM_AMI = {
  id: "ami-0ffffffffffffffff",
  name: "al2023-ami-2023.9.20261201.0-kernel-6.1-arm64",
  architecture: "arm64" as const,
  ownerId: "137112412989",
  creationDate: "2026-12-01T00:00:00.000Z",
};

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const replaced = (before: RunResult, after: RunResult) =>
  diffRuns(before, after)
    .filter((c) => c.change === "replace" || c.change === "delete" || c.change === "create")
    .map((c) => `${c.change} ${c.type.split(":").pop()} ${nameOf(c.urn)}`);

describe("no single point of failure", () => {
  it("prod keeps serving, reading and writing after the loss of every single AZ", async () => {
    const g = await stackGraph("prod");
    // us-east-1c is use1-az3 in the harness's account, which offers no Graviton (m7g) type: the network skips it.
    assert.deepEqual(zonesUsed(g), ["us-east-1a", "us-east-1b", "us-east-1d"]);
    for (const r of analyzeEveryAz(g)) {
      assert.ok(r.web.up && r.web.inRotation >= 2, `${r.az}: web ${r.web.inRotation}/${r.web.total}`);
      assert.equal(r.web.afterRelaunch, r.web.total, `${r.az}: the group relaunches the lost AZ's servers in the others`);
      assert.ok(r.alb.up && r.alb.remaining >= 2, `${r.az}: ALB subnets ${r.alb.remaining}/${r.alb.subnets}`);
      assert.ok(
        r.egress.every((e) => e.up),
        `${r.az}: egress ${JSON.stringify(r.egress)}`,
      );
      assert.ok(["up", "failover"].includes(r.writes.status), `${r.az}: writes ${r.writes.detail}`);
      assert.equal(r.reads.status, "up", `${r.az}: reads`);
      assert.deepEqual(r.spofs, []);
    }
  });

  it("staging survives every single AZ loss too (reads may fall back to the writer)", async () => {
    for (const r of analyzeEveryAz(await stackGraph("staging"))) {
      assert.deepEqual(r.spofs, [], r.az);
      assert.ok(["up", "failover"].includes(r.writes.status));
      assert.ok(["up", "writer-only"].includes(r.reads.status));
    }
  });

  it("names dev's single points of failure: the one NAT and the single-AZ primary share an AZ", async () => {
    const g = await stackGraph("dev");
    const natAz = g.byId(g.get("aws:ec2/natGateway:NatGateway", "network-nat-0").inputs["subnetId"])?.state["availabilityZone"];
    const primaryAz = g.get("aws:rds/instance:Instance", "db-primary").state["availabilityZone"];
    assert.equal(natAz, "us-east-1a");
    assert.equal(primaryAz, "us-east-1a");
    const lost = analyzeAzLoss(g, "us-east-1a");
    assert.deepEqual(lost.spofs, [
      "egress: network-private-1 (us-east-1b) reaches the internet only through network-nat-0 in us-east-1a",
      "writes: db-primary is a single-AZ primary in us-east-1a",
    ]);
    assert.equal(lost.writes.status, "down");
    assert.deepEqual(lost.reads, { status: "up", via: ["db-replica-0"] });
    assert.equal(lost.web.inRotation, 1);
    // The surviving private subnet's only way out was the lost NAT: a relaunched server could not install nginx.
    assert.equal(lost.web.afterRelaunch, 1);
    assert.equal(analyzeAzLoss(g, "us-east-1b").web.afterRelaunch, 2);
    const other = analyzeAzLoss(g, "us-east-1b");
    assert.deepEqual(other.spofs, []);
    assert.equal(other.reads.status, "writer-only");
  });
});

describe("rollouts that never take the site down", () => {
  const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
  const GROUP = "aws:autoscaling/group:Group";
  /** How the launch template, the group and the target group change between two runs. */
  const serverChanges = (before: RunResult, after: RunResult) =>
    Object.fromEntries(
      diffRuns(before, after)
        .filter((c) => [TEMPLATE, GROUP, "aws:lb/targetGroup:TargetGroup"].includes(c.type))
        .map((c) => [c.type.split(":").pop(), `${c.change}${c.changed.length ? ` ${c.changed.join(",")}` : ""}`]),
    );

  it("a newly published Amazon Linux image rolls through on the next pulumi up: a new template version, the group updated in place, nothing replaced", async () => {
    const before = await stackGraph("prod");
    const after = await runWeb({ stack: "prod", amis: [...DEFAULT_AMIS, NEWER_ARM_AMI] });
    assert.equal(after.get(TEMPLATE, "web-server").inputs["imageId"], NEWER_ARM_AMI.id, "the lookup found the new image");
    assert.deepEqual(replaced(before, after), []);
    assert.deepEqual(serverChanges(before, after), {
      LaunchTemplate: "update imageId",
      Group: "update launchTemplate",
      TargetGroup: "same",
    });
  });

  it("a pinned amiId keeps a newly published image out", async () => {
    const pinned = { amiId: "ami-05b4ded3ceb71e470" };
    const before = await runWeb({ stack: "prod", config: pinned });
    const after = await runWeb({ stack: "prod", amis: [...DEFAULT_AMIS, NEWER_ARM_AMI], config: pinned });
    assert.deepEqual(serverChanges(before, after), { LaunchTemplate: "same", Group: "same", TargetGroup: "same" });
  });

  it("an instance type change rolls through a refresh too: no server stops until its replacement serves", async () => {
    const before = await stackGraph("prod");
    const after = await runWeb({ stack: "prod", config: { instanceType: "m7g.xlarge" } });
    assert.deepEqual(replaced(before, after), []);
    assert.deepEqual(serverChanges(before, after), {
      LaunchTemplate: "update instanceType",
      Group: "update launchTemplate",
      TargetGroup: "same",
    });
    const preferences = (after.get(GROUP, "web-servers").inputs["instanceRefresh"] as { preferences: Record<string, unknown> }).preferences;
    assert.equal(preferences["minHealthyPercentage"], 100, "capacity never drops below the desired count");
  });

  it("rolls every setting that reaches the servers through a refresh, with the listener always on healthy targets", async () => {
    const before = await stackGraph("prod");
    const cases: [Record<string, string>, string][] = [
      [{ instanceType: "m7g.xlarge" }, "update instanceType"],
      [{ amiId: NEWER_ARM_AMI.id }, "update imageId"],
      [{ detailedMonitoring: "false" }, "update monitoring"],
      [{ appPort: "8443", previousAppPort: "8080" }, "update userData"],
    ];
    for (const [config, templateChange] of cases) {
      const after = await runWeb({ stack: "prod", config, amis: config.amiId ? [...DEFAULT_AMIS, NEWER_ARM_AMI] : undefined });
      const label = JSON.stringify(config);
      assert.equal(serverChanges(before, after)["LaunchTemplate"], templateChange, label);
      assert.match(serverChanges(before, after)["Group"] ?? "", /^update (.*,)?launchTemplate/, label);
      assert.deepEqual(
        replaced(before, after).filter((r) => !r.startsWith("create ")),
        [],
        `${label}: nothing is replaced or deleted`,
      );
      assert.deepEqual(servingGaps(before, after), [], label);
    }
  });

  it("keeps a dead server's exit from rotation at ≤ 10 s and draining at ≤ 30 s in every environment", async () => {
    for (const stack of STACKS) {
      const tg = (await stackGraph(stack)).get("aws:lb/targetGroup:TargetGroup", "web-app-8080");
      const hc = tg.inputs["healthCheck"] as { interval: number; unhealthyThreshold: number };
      assert.ok(hc.interval * hc.unhealthyThreshold <= 10, stack);
      assert.ok(Number(tg.inputs["deregistrationDelay"]) <= 30, stack);
    }
  });

  it("changing the instance class, storage and minor version updates the databases in place, keeping URNs and protect in prod", async () => {
    const before = await stackGraph("prod");
    const after = await runWeb({
      stack: "prod",
      config: {
        dbInstanceClass: "db.r7g.xlarge",
        dbReplicaInstanceClass: "db.r7g.xlarge",
        dbAllocatedStorageGiB: "200",
        dbMaxAllocatedStorageGiB: "1000",
        dbEngineVersion: "8.4.8",
        dbAutoMinorVersionUpgrade: "false",
      },
    });
    const dbUrns = (g: RunResult) =>
      g.resources
        .filter((r) => r.urn.includes("web-infra:database:MysqlDatabase"))
        .map((r) => r.urn)
        .sort();
    assert.deepEqual(dbUrns(after), dbUrns(before));
    const changes = diffRuns(before, after).filter((c) => c.type === "aws:rds/instance:Instance");
    assert.deepEqual(
      changes.map((c) => [nameOf(c.urn), c.change]),
      [
        ["db-primary", "update"],
        ["db-replica-0", "update"],
      ],
    );
    assert.ok(after.ofType("aws:rds/instance:Instance").every((d) => d.options.protect));
  });
});

describe("an appPort change keeps serving", () => {
  const LISTENER = "aws:lb/listener:Listener";
  const forwards = (g: RunResult) => {
    const [action] = g.get(LISTENER, "web-https").inputs["defaultActions"] as {
      targetGroupArn?: string;
      forward?: { targetGroups: { arn: string; weight: number }[] };
    }[];
    const nameOfArn = (arn: unknown) => g.byArn(arn)?.name;
    return action.forward
      ? action.forward.targetGroups.map((t) => `${nameOfArn(t.arn)}:${t.weight}`)
      : [`${nameOfArn(action.targetGroupArn)}`];
  };
  const registeredWith = (g: RunResult) =>
    ((g.get("aws:autoscaling/group:Group", "web-servers").inputs["targetGroupArns"] as string[]) ?? []).map((arn) => g.byArn(arn)?.name);
  const nginxPorts = (g: RunResult) =>
    [
      ...Buffer.from(String(g.get("aws:ec2/launchTemplate:LaunchTemplate", "web-server").inputs["userData"]), "base64")
        .toString("utf8")
        .matchAll(/^  listen (\d+) default_server;$/gm),
    ].map((m) => Number(m[1]));

  it("fails when appPort changes alone: the listener would move to a target group with no healthy target", async () => {
    const before = await stackGraph("prod");
    const after = await runWeb({ stack: "prod", config: { appPort: "8443" } });
    assert.deepEqual(servingGaps(before, after), [
      "web-https forwards to web-app-8443, which this update creates: no target is healthy yet",
    ]);
  });

  it("step 1, previousAppPort set: servers take both ports, the old target group serves, the new one is health-checked at weight 0", async () => {
    const before = await stackGraph("prod");
    const during = await runWeb({ stack: "prod", config: { appPort: "8443", previousAppPort: "8080" } });
    assert.deepEqual(servingGaps(before, during), []);
    assert.deepEqual(forwards(before), ["web-app-8080"]);
    assert.deepEqual(forwards(during), ["web-app-8080:1", "web-app-8443:0"]);
    assert.deepEqual(registeredWith(during), ["web-app-8443", "web-app-8080"]);
    assert.deepEqual(nginxPorts(before), [8080]);
    assert.deepEqual(nginxPorts(during), [8443, 8080]);
    assert.deepEqual(replaced(before, during).sort(), [
      "create SecurityGroupEgressRule web-alb-to-web-servers-8443",
      "create SecurityGroupIngressRule web-servers-from-web-alb-8443",
      "create TargetGroup web-app-8443",
    ]);
  });

  it("step 2, previousAppPort removed: the listener moves to the new target group, already healthy, and the old one goes", async () => {
    const during = await runWeb({ stack: "prod", config: { appPort: "8443", previousAppPort: "8080" } });
    const after = await runWeb({ stack: "prod", config: { appPort: "8443" } });
    assert.deepEqual(servingGaps(during, after), []);
    assert.deepEqual(forwards(after), ["web-app-8443"]);
    assert.deepEqual(registeredWith(after), ["web-app-8443"]);
    assert.deepEqual(nginxPorts(after), [8443]);
    assert.deepEqual(replaced(during, after).sort(), [
      "delete SecurityGroupEgressRule web-alb-to-web-servers-8080",
      "delete SecurityGroupIngressRule web-servers-from-web-alb-8080",
      "delete TargetGroup web-app-8080",
    ]);
    // The group leaves the old target group only after the listener has left it.
    const group = after.get("aws:autoscaling/group:Group", "web-servers");
    assert.ok(group.dependencies.includes(after.get(LISTENER, "web-https").urn));
  });
});

describe("names are a contract", () => {
  const pinned = JSON.parse(readFileSync(join(__dirname, "fixtures/stateful-urns.json"), "utf8")) as Record<string, string[]>;

  it("pins the stateful URNs of every environment", () => {
    assert.deepEqual(Object.keys(pinned).sort(), [...STACKS].sort());
  });

  for (const stack of STACKS) {
    it(`${stack}: keeps the URN of every subnet, target group, database and secret (rename only with aliases)`, async () => {
      const g = await stackGraph(stack);
      // A renamed resource keeps its pinned URN through an alias (the target group, since its port is in its name).
      const urns = g.resources
        .filter((r) => STATEFUL.includes(r.type))
        .map((r) => r.options.aliases.find((a) => pinned[stack]?.includes(a)) ?? r.urn)
        .sort();
      assert.deepEqual(urns, pinned[stack]);
    });
  }
});
