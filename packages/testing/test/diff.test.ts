import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AmiRecord, DEFAULT_AMIS, diffRuns, REPLACE_ON_CHANGE, ResourceChange, runProgram, RunResult, servingGaps } from "../src";

const ARM_AMI = "ami-05b4ded3ceb71e470";
const INSTANCE = "aws:ec2/instance:Instance";
const SUBNET = "aws:ec2/subnet:Subnet";

/** A newer Amazon Linux 2023 arm64 image, as if Amazon published one after the first run. */
const NEWER_ARM_AMI: AmiRecord = {
  id: "ami-0ffffffffffffffff",
  name: "al2023-ami-2023.9.20261201.0-kernel-6.1-arm64",
  architecture: "arm64",
  ownerId: "137112412989",
  creationDate: "2026-12-01T00:00:00.000Z",
};

/** Both images are present in both runs of the AMI tests, so only the program's choice differs. */
const AMIS: readonly AmiRecord[] = [...DEFAULT_AMIS, NEWER_ARM_AMI];

interface ServerOptions {
  instance?: Partial<aws.ec2.InstanceArgs>;
  instanceOptions?: pulumi.CustomResourceOptions;
  /** CIDR of the server's subnet. @default 10.0.1.0/24 */
  subnetCidr?: string;
  /** Add a security group "extra". */
  extra?: boolean;
}

/** A VPC, two subnets, a security group and one server in the second subnet. */
function server(opts: ServerOptions = {}): () => void {
  return () => {
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
    new aws.ec2.Subnet("a", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1a" });
    const b = new aws.ec2.Subnet("b", { vpcId: vpc.id, cidrBlock: opts.subnetCidr ?? "10.0.1.0/24", availabilityZone: "us-east-1b" });
    const sg = new aws.ec2.SecurityGroup("web", { vpcId: vpc.id, description: "web servers" });
    if (opts.extra) new aws.ec2.SecurityGroup("extra", { vpcId: vpc.id, description: "extra" });
    new aws.ec2.Instance(
      "vm",
      { ami: ARM_AMI, instanceType: "t4g.micro", subnetId: b.id, vpcSecurityGroupIds: [sg.id], ...opts.instance },
      opts.instanceOptions,
    );
  };
}

/** Run two programs as two updates of one stack (ids are deterministic per stack and URN). */
async function twice(
  before: () => void,
  after: () => void,
  amis?: readonly AmiRecord[],
): Promise<{ changes: ResourceChange[]; before: RunResult; after: RunResult }> {
  const first = await runProgram(before, { stack: "dev", amis });
  const second = await runProgram(after, { stack: "dev", amis });
  return { changes: diffRuns(first, second), before: first, after: second };
}

/** The change of the resource with this logical name and type. */
function changeOf(changes: readonly ResourceChange[], type: string, name: string): ResourceChange {
  const found = changes.filter((c) => c.type === type && c.urn.endsWith(`::${name}`));
  assert.equal(found.length, 1, `one change for ${type} ${name}: ${JSON.stringify(changes)}`);
  return found[0];
}

/** `change name` for every resource that is not "same". */
function notSame(changes: readonly ResourceChange[]): string[] {
  return changes.filter((c) => c.change !== "same").map((c) => `${c.change} ${c.urn.slice(c.urn.lastIndexOf("::") + 2)}`);
}

describe("diffRuns", () => {
  it("keeps every id of an unchanged program, so each resource is the same", async () => {
    const { changes, before, after } = await twice(server(), server());
    assert.deepEqual(
      before.customResources.map((r) => r.id),
      after.customResources.map((r) => r.id),
    );
    assert.equal(changes.length, before.customResources.length);
    assert.ok(changes.length >= 5);
    for (const c of changes) assert.deepEqual({ change: c.change, changed: c.changed }, { change: "same", changed: [] }, c.urn);
  });

  it("reports one ResourceChange per custom resource, with its URN and type", async () => {
    const { changes, after } = await twice(server(), server());
    assert.deepEqual(
      changes.map((c) => [c.urn, c.type]),
      after.customResources.map((r) => [r.urn, r.type]),
    );
  });

  it("updates an instance in place when its instanceType changes", async () => {
    const { changes } = await twice(server(), server({ instance: { instanceType: "t4g.small" } }));
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "update");
    assert.deepEqual(vm.changed, ["instanceType"]);
    assert.deepEqual(notSame(changes), ["update vm"]);
  });

  it("replaces an instance when its ami changes", async () => {
    const { changes } = await twice(server(), server({ instance: { ami: NEWER_ARM_AMI.id } }), AMIS);
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "replace");
    assert.deepEqual(vm.changed, ["ami"]);
    assert.deepEqual(notSame(changes), ["replace vm"]);
  });

  it("lists every changed input of a replaced instance, sorted", async () => {
    const { changes } = await twice(server(), server({ instance: { ami: NEWER_ARM_AMI.id, instanceType: "t4g.small" } }), AMIS);
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "replace");
    assert.deepEqual(vm.changed, ["ami", "instanceType"]);
  });

  it("keeps an instance the same when its changed ami is in ignoreChanges", async () => {
    const ignore = { ignoreChanges: ["ami"] };
    const { changes } = await twice(
      server({ instanceOptions: ignore }),
      server({ instance: { ami: NEWER_ARM_AMI.id }, instanceOptions: ignore }),
      AMIS,
    );
    assert.deepEqual(changeOf(changes, INSTANCE, "vm"), {
      urn: "urn:pulumi:dev::project::aws:ec2/instance:Instance::vm",
      type: INSTANCE,
      change: "same",
      changed: [],
    });
  });

  it("still updates the other inputs of an instance that ignores its ami", async () => {
    const ignore = { ignoreChanges: ["ami"] };
    const { changes } = await twice(
      server({ instanceOptions: ignore }),
      server({ instance: { ami: NEWER_ARM_AMI.id, instanceType: "t4g.small" }, instanceOptions: ignore }),
      AMIS,
    );
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "update");
    assert.deepEqual(vm.changed, ["instanceType"]);
  });

  it("updates an instance in place when its userData changes without userDataReplaceOnChange", async () => {
    const { changes } = await twice(
      server({ instance: { userData: "#!/bin/bash\necho v1\n" } }),
      server({ instance: { userData: "#!/bin/bash\necho v2\n" } }),
    );
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "update");
    assert.deepEqual(vm.changed, ["userData"]);
  });

  it("replaces an instance when its userData changes with userDataReplaceOnChange", async () => {
    const { changes } = await twice(
      server({ instance: { userData: "#!/bin/bash\necho v1\n", userDataReplaceOnChange: true } }),
      server({ instance: { userData: "#!/bin/bash\necho v2\n", userDataReplaceOnChange: true } }),
    );
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "replace");
    assert.deepEqual(vm.changed, ["userData"]);
  });

  it("replaces an instance when its userDataBase64 changes with userDataReplaceOnChange", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const { changes } = await twice(
      server({ instance: { userDataBase64: b64("echo v1"), userDataReplaceOnChange: true } }),
      server({ instance: { userDataBase64: b64("echo v2"), userDataReplaceOnChange: true } }),
    );
    assert.equal(changeOf(changes, INSTANCE, "vm").change, "replace");
  });

  it("creates a resource only in the second run", async () => {
    const { changes } = await twice(server(), server({ extra: true }));
    assert.deepEqual(changeOf(changes, "aws:ec2/securityGroup:SecurityGroup", "extra"), {
      urn: "urn:pulumi:dev::project::aws:ec2/securityGroup:SecurityGroup::extra",
      type: "aws:ec2/securityGroup:SecurityGroup",
      change: "create",
      changed: [],
    });
    assert.deepEqual(notSame(changes), ["create extra"]);
  });

  it("deletes a resource only in the first run", async () => {
    const { changes } = await twice(server({ extra: true }), server());
    assert.deepEqual(changeOf(changes, "aws:ec2/securityGroup:SecurityGroup", "extra"), {
      urn: "urn:pulumi:dev::project::aws:ec2/securityGroup:SecurityGroup::extra",
      type: "aws:ec2/securityGroup:SecurityGroup",
      change: "delete",
      changed: [],
    });
    assert.deepEqual(notSame(changes), ["delete extra"]);
  });

  it("lists deletions after the second run's resources", async () => {
    const { changes } = await twice(server({ extra: true }), server());
    assert.equal(changes[changes.length - 1].change, "delete");
  });

  it("replaces a subnet when its cidrBlock changes", async () => {
    const { changes } = await twice(server(), server({ subnetCidr: "10.0.2.0/24" }));
    const subnet = changeOf(changes, SUBNET, "b");
    assert.equal(subnet.change, "replace");
    assert.deepEqual(subnet.changed, ["cidrBlock"]);
    assert.equal(changeOf(changes, SUBNET, "a").change, "same");
  });

  it("replaces a resource when an input named in its replaceOnChanges changes", async () => {
    const { changes } = await twice(
      server({ instanceOptions: { replaceOnChanges: ["instanceType"] } }),
      server({ instance: { instanceType: "t4g.small" }, instanceOptions: { replaceOnChanges: ["instanceType"] } }),
    );
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "replace");
    assert.deepEqual(vm.changed, ["instanceType"]);
  });

  it("still updates in place an input that replaceOnChanges does not name", async () => {
    const { changes } = await twice(
      server({ instanceOptions: { replaceOnChanges: ["userData"] } }),
      server({ instance: { instanceType: "t4g.small" }, instanceOptions: { replaceOnChanges: ["userData"] } }),
    );
    assert.equal(changeOf(changes, INSTANCE, "vm").change, "update");
  });

  it("replaces on a changed input of a type the schema table does not know, through replaceOnChanges", async () => {
    const type = "aws:ec2/internetGateway:InternetGateway";
    assert.equal(REPLACE_ON_CHANGE[type], undefined);
    const group = (tier: string, replaceOnChanges: string[]) => () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.InternetGateway("web", { vpcId: vpc.id, tags: { Tier: tier } }, { replaceOnChanges });
    };
    const plain = await twice(group("v1", []), group("v2", []));
    assert.equal(changeOf(plain.changes, type, "web").change, "update");
    const forced = await twice(group("v1", ["tags"]), group("v2", ["tags"]));
    assert.equal(changeOf(forced.changes, type, "web").change, "replace");
    assert.deepEqual(changeOf(forced.changes, type, "web").changed, ["tags"]);
  });

  it("replaces a security group whose description changes (ForceNew in the provider)", async () => {
    const group = (description: string) => () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.SecurityGroup("web", { vpcId: vpc.id, description });
    };
    const { changes } = await twice(group("web servers"), group("the web servers"));
    assert.equal(changeOf(changes, "aws:ec2/securityGroup:SecurityGroup", "web").change, "replace");
  });

  it("replaces what depends on a replaced resource, transitively (the new subnet id forces a new instance)", async () => {
    const { changes } = await twice(server(), server({ subnetCidr: "10.0.2.0/24" }));
    assert.equal(changeOf(changes, SUBNET, "b").change, "replace");
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "replace");
    assert.ok(vm.changed.includes("subnetId"));
  });

  it("follows aliases: a renamed resource with an alias to its old name is the same resource", async () => {
    const before = () => {
      new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
    };
    const after = () => {
      new aws.ec2.Vpc("network", { cidrBlock: "10.0.0.0/16" }, { aliases: [{ name: "vpc" }] });
    };
    const { changes } = await twice(before, after);
    assert.deepEqual(
      changes.map((c) => c.change),
      ["same"],
    );
  });

  it("understands nested ignoreChanges paths", async () => {
    const vpc = (b: string) => () => {
      new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", tags: { a: "1", b } }, { ignoreChanges: ["tags.b"] });
    };
    const { changes } = await twice(vpc("2"), vpc("3"));
    assert.deepEqual(
      changes.map((c) => c.change),
      ["same"],
    );
  });

  it("treats a removed input as changed", async () => {
    const { changes } = await twice(server({ instance: { monitoring: true } }), server());
    const vm = changeOf(changes, INSTANCE, "vm");
    assert.equal(vm.change, "update");
    assert.deepEqual(vm.changed, ["monitoring"]);
  });
});

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const GROUP = "aws:autoscaling/group:Group";
const POLICY = "aws:autoscaling/policy:Policy";

interface FleetOptions {
  template?: Partial<aws.ec2.LaunchTemplateArgs>;
  group?: Partial<aws.autoscaling.GroupArgs>;
  /** The group's launch template version: the template's latestVersion (default) or a fixed string. */
  version?: string;
  ruleName?: string;
}

/** Web servers as an Auto Scaling group on a launch template, a CPU policy, and an EventBridge rule with a target. */
function fleet(opts: FleetOptions = {}): () => void {
  return () => {
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
    const a = new aws.ec2.Subnet("a", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1a" });
    const lt = new aws.ec2.LaunchTemplate("web", {
      imageId: ARM_AMI,
      instanceType: "t4g.micro",
      userData: Buffer.from("#!/bin/bash\necho v1\n").toString("base64"),
      ...opts.template,
    });
    const group = new aws.autoscaling.Group("web", {
      minSize: 1,
      maxSize: 2,
      vpcZoneIdentifiers: [a.id],
      launchTemplate: { id: lt.id, version: opts.version ?? lt.latestVersion.apply(String) },
      instanceRefresh: { strategy: "Rolling" },
      ...opts.group,
    });
    new aws.autoscaling.Policy("cpu", {
      autoscalingGroupName: group.name,
      policyType: "TargetTrackingScaling",
      targetTrackingConfiguration: { targetValue: 50, predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" } },
    });
    const rule = new aws.cloudwatch.EventRule("refresh", {
      name: opts.ruleName,
      eventPattern: JSON.stringify({ source: ["aws.autoscaling"] }),
    });
    new aws.cloudwatch.EventTarget("refresh", { rule: rule.name, arn: "arn:aws:sns:us-east-1:123456789012:elsewhere" });
  };
}

describe("diffRuns: launch templates and Auto Scaling groups", () => {
  it("updates the template in place for new user data, and the group pinned to its latestVersion with it (the refresh)", async () => {
    const { changes } = await twice(fleet(), fleet({ template: { userData: Buffer.from("#!/bin/bash\necho v2\n").toString("base64") } }));
    assert.deepEqual(notSame(changes), ["update web", "update web"]);
    assert.deepEqual(changeOf(changes, LAUNCH_TEMPLATE, "web").changed, ["userData"]);
    assert.deepEqual(changeOf(changes, GROUP, "web").changed, ["launchTemplate"]);
    assert.equal(changeOf(changes, POLICY, "cpu").change, "same");
  });

  // Why asg-instance-refresh-version rejects $Latest next to an instanceRefresh (here without one, so the run passes).
  it("keeps a group on $Latest the same when the template gets a new version: nothing would start a refresh", async () => {
    const v2 = { userData: Buffer.from("#!/bin/bash\necho v2\n").toString("base64") };
    const latest = { version: "$Latest", group: { instanceRefresh: undefined } };
    const { changes } = await twice(fleet(latest), fleet({ ...latest, template: v2 }));
    assert.deepEqual(notSame(changes), ["update web"]);
    assert.equal(changeOf(changes, LAUNCH_TEMPLATE, "web").change, "update");
    assert.equal(changeOf(changes, GROUP, "web").change, "same");
  });

  it("makes no new version for a tags or defaultVersion change, so the group stays the same", async () => {
    const { changes } = await twice(fleet(), fleet({ template: { tags: { team: "web" }, defaultVersion: 1 } }));
    assert.equal(changeOf(changes, LAUNCH_TEMPLATE, "web").change, "update");
    assert.equal(changeOf(changes, GROUP, "web").change, "same");
  });

  it("replaces a renamed template, and updates the group that takes the new template's id", async () => {
    const { changes } = await twice(fleet({ template: { name: "web-a" } }), fleet({ template: { name: "web-b" } }));
    assert.equal(changeOf(changes, LAUNCH_TEMPLATE, "web").change, "replace");
    assert.equal(changeOf(changes, GROUP, "web").change, "update");
    assert.equal(changeOf(changes, POLICY, "cpu").change, "same");
  });

  it("replaces a renamed group and, through its name, its scaling policy; a size change is an update", async () => {
    let { changes } = await twice(fleet({ group: { name: "web-a" } }), fleet({ group: { name: "web-b" } }));
    assert.deepEqual(notSame(changes), ["replace web", "replace cpu"]);
    ({ changes } = await twice(fleet(), fleet({ group: { maxSize: 4 } })));
    assert.deepEqual(notSame(changes), ["update web"]);
    assert.deepEqual(changeOf(changes, GROUP, "web").changed, ["maxSize"]);
  });

  it("replaces a renamed EventBridge rule and its target, whose rule is ForceNew", async () => {
    const { changes } = await twice(fleet({ ruleName: "refresh-a" }), fleet({ ruleName: "refresh-b" }));
    assert.deepEqual(notSame(changes), ["replace refresh", "replace refresh"]);
    assert.deepEqual(
      changes.filter((c) => c.change === "replace").map((c) => c.type),
      ["aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget"],
    );
  });
});

describe("harness amis option", () => {
  /** A server on the most recent Amazon Linux 2023 arm64 image, found by lookup. */
  const latest = () => {
    const image = aws.ec2.getAmiOutput({
      owners: ["amazon"],
      mostRecent: true,
      filters: [{ name: "name", values: ["al2023-ami-2023.*-kernel-6.1-arm64"] }],
    });
    const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
    const subnet = new aws.ec2.Subnet("a", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1a" });
    new aws.ec2.Instance("vm", { ami: image.id, instanceType: "t4g.micro", subnetId: subnet.id });
  };

  it("finds the default arm64 image without the option", async () => {
    const g = await runProgram(latest, { stack: "dev" });
    assert.equal(g.get(INSTANCE, "vm").inputs["ami"], ARM_AMI);
    assert.deepEqual(g.amis, DEFAULT_AMIS);
  });

  it("finds a newer image passed in amis, and the lookup's inputs are recorded", async () => {
    const g = await runProgram(latest, { stack: "dev", amis: AMIS });
    assert.equal(g.get(INSTANCE, "vm").inputs["ami"], "ami-0ffffffffffffffff");
    assert.deepEqual(g.amis, AMIS);
    const lookups = g.invokes.filter((i) => i.token === "aws:ec2/getAmi:getAmi");
    assert.equal(lookups.length, 1);
    assert.deepEqual(lookups[0].inputs["owners"], ["amazon"]);
    assert.equal(lookups[0].inputs["mostRecent"], true);
  });

  it("a newer image published between two runs replaces the server that looks it up", async () => {
    const before = await runProgram(latest, { stack: "dev" });
    const after = await runProgram(latest, { stack: "dev", amis: AMIS });
    const changes = diffRuns(before, after);
    assert.deepEqual(notSame(changes), ["replace vm"]);
    assert.deepEqual(changeOf(changes, INSTANCE, "vm").changed, ["ami"]);
  });

  it("keeps the default images findable next to the newer one", async () => {
    const g = await runProgram(
      () => {
        const x86 = aws.ec2.getAmiOutput({
          owners: ["amazon"],
          mostRecent: true,
          filters: [{ name: "name", values: ["al2023-ami-2023.*-kernel-6.1-x86_64"] }],
        });
        new aws.ec2.Instance("x86", { ami: x86.id, instanceType: "t3.micro" });
      },
      { stack: "dev", amis: AMIS },
    );
    assert.equal(g.get(INSTANCE, "x86").inputs["ami"], "ami-0a7d80731ae1b2435");
  });
});

describe("servingGaps", () => {
  interface Site {
    /** Target group name → listener weight; a single group at weight 1 is the plain `targetGroupArn` form. */
    readonly forward: Readonly<Record<string, number>>;
    /** Target groups the Auto Scaling group registers its servers with. */
    readonly registered: readonly string[];
    /** Target groups that exist. @default ["blue", "green"] */
    readonly groups?: readonly string[];
    /** Whether the listener exists. @default true */
    readonly listener?: boolean;
    /** Whether the servers exist. @default true */
    readonly servers?: boolean;
    /** Ports of target groups. @default 8080 for the first group, 8081 for the second */
    readonly ports?: Readonly<Record<string, number>>;
  }

  /** An ALB over two AZs, target groups on their own ports, a listener forwarding by weight and a group of servers. */
  function site(o: Site): () => void {
    return () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      const subnets = ["a", "b"].map(
        (az, i) => new aws.ec2.Subnet(az, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `us-east-1${az}` }),
      );
      const lb = new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: subnets.map((s) => s.id) });
      const tgs = new Map(
        (o.groups ?? ["blue", "green"]).map((n, i) => [
          n,
          new aws.lb.TargetGroup(n, { vpcId: vpc.id, port: o.ports?.[n] ?? 8080 + i, protocol: "HTTP", targetType: "instance" }),
        ]),
      );
      const arn = (n: string) => (tgs.get(n) as aws.lb.TargetGroup).arn;
      const weights = Object.entries(o.forward);
      if (o.listener ?? true) {
        new aws.lb.Listener("http", {
          loadBalancerArn: lb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [
            weights.length === 1 && weights[0][1] === 1
              ? { type: "forward", targetGroupArn: arn(weights[0][0]) }
              : { type: "forward", forward: { targetGroups: weights.map(([n, weight]) => ({ arn: arn(n), weight })) } },
          ],
        });
      }
      if (!(o.servers ?? true)) return;
      const template = new aws.ec2.LaunchTemplate("server", { imageId: ARM_AMI, instanceType: "t4g.micro" });
      new aws.autoscaling.Group("servers", {
        vpcZoneIdentifiers: subnets.map((s) => s.id),
        minSize: 2,
        maxSize: 4,
        launchTemplate: { id: template.id, version: pulumi.interpolate`${template.latestVersion}` },
        targetGroupArns: o.registered.map(arn),
        healthCheckType: "ELB",
      });
    };
  }

  const gaps = async (before: Site, after: Site) => {
    const { before: b, after: a } = await twice(site(before), site(after));
    return servingGaps(b, a);
  };

  it("finds none when the listener moves to a target group it health-checked at weight 0, with the servers registered", async () => {
    assert.deepEqual(
      await gaps({ forward: { blue: 1, green: 0 }, registered: ["blue", "green"] }, { forward: { green: 1 }, registered: ["green"] }),
      [],
    );
  });

  it("finds none when nothing moves", async () => {
    const same: Site = { forward: { blue: 1 }, registered: ["blue"] };
    assert.deepEqual(await gaps(same, same), []);
  });

  it("finds none on the first deploy: a new listener serves nothing yet", async () => {
    assert.deepEqual(
      await gaps(
        { forward: {}, registered: [], groups: [], listener: false, servers: false },
        { forward: { blue: 1 }, registered: ["blue"] },
      ),
      [],
    );
  });

  it("fails when the listener moves to a target group the same update creates", async () => {
    assert.deepEqual(
      await gaps({ forward: { blue: 1 }, registered: ["blue"], groups: ["blue"] }, { forward: { green: 1 }, registered: ["green"] }),
      ["http forwards to green, which this update creates: no target is healthy yet"],
    );
  });

  it("fails when the listener stays on a target group the same update replaces", async () => {
    const blue: Site = { forward: { blue: 1 }, registered: ["blue"], groups: ["blue"] };
    assert.deepEqual(await gaps(blue, { ...blue, ports: { blue: 9090 } }), [
      "http forwards to blue, which this update replaces: no target is healthy yet",
    ]);
  });

  it("fails when the listener moves to a target group no server was registered with before", async () => {
    assert.deepEqual(
      await gaps({ forward: { blue: 1, green: 0 }, registered: ["blue"] }, { forward: { green: 1 }, registered: ["green"] }),
      ["http forwards to green, which had no registered targets before this update"],
    );
  });

  it("fails when the listener moves to a target group no listener health-checked before", async () => {
    assert.deepEqual(
      await gaps({ forward: { blue: 1 }, registered: ["blue", "green"] }, { forward: { green: 1 }, registered: ["green"] }),
      ["http forwards to green, which no listener health-checked before this update"],
    );
  });

  it("ignores a target group at weight 0: it receives no request", async () => {
    assert.deepEqual(
      await gaps({ forward: { blue: 1 }, registered: ["blue"] }, { forward: { blue: 1, green: 0 }, registered: ["blue", "green"] }),
      [],
    );
  });
});
