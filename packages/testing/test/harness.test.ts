import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { engineUrn, runProgram, stackConfig } from "../src";

class Box extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:box:Box", name, {}, opts);
    this.bucket = new aws.s3.Bucket(`${name}-logs`, {}, { parent: this, protect: true, ignoreChanges: ["tags"], retainOnDelete: true });
    this.registerOutputs({ bucket: this.bucket.bucket });
  }
}

describe("harness: what it records", () => {
  it("records type, logical name, engine URN and parent, excluding the root stack from the type chain", async () => {
    const g = await runProgram(() => new Box("box"), { stack: "dev", project: "demo" });
    const box = g.get("test:box:Box", "box");
    const bucket = g.get("aws:s3/bucket:Bucket", "box-logs");
    assert.equal(box.urn, "urn:pulumi:dev::demo::test:box:Box::box");
    assert.equal(bucket.urn, "urn:pulumi:dev::demo::test:box:Box$aws:s3/bucket:Bucket::box-logs");
    assert.equal(bucket.parent, box.urn);
    assert.equal(box.parent, "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev");
    assert.equal(engineUrn("s", "p", bucket.urn, "x:y:Z", "n"), "urn:pulumi:s::p::test:box:Box$aws:s3/bucket:Bucket$x:y:Z::n");
  });

  it("records protect, ignoreChanges, retainOnDelete, deleteBeforeReplace and aliases", async () => {
    const g = await runProgram(
      () => {
        new Box("box");
        new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" }, { deleteBeforeReplace: true, aliases: [{ name: "old-v" }] });
      },
      { stack: "dev", project: "demo" },
    );
    const bucket = g.get("aws:s3/bucket:Bucket", "box-logs");
    assert.equal(bucket.options.protect, true);
    assert.deepEqual(bucket.options.ignoreChanges, ["tags"]);
    assert.equal(bucket.options.retainOnDelete, true);
    const vpc = g.get("aws:ec2/vpc:Vpc", "v");
    assert.equal(vpc.options.deleteBeforeReplace, true);
    assert.equal(vpc.options.protect, false);
    assert.deepEqual(vpc.options.aliases, ["urn:pulumi:dev::demo::aws:ec2/vpc:Vpc::old-v"]);
  });

  it("unwraps secret inputs and records their paths", async () => {
    const g = await runProgram(
      () => {
        new aws.ssm.Parameter("p", { type: "SecureString", value: pulumi.secret("hunter2"), tags: { owner: "me" } });
      },
      { stack: "dev" },
    );
    const p = g.get("aws:ssm/parameter:Parameter", "p");
    assert.equal(p.inputs["value"], "hunter2");
    assert.deepEqual(p.secretPaths, ["value"]);
  });

  it("passes a resource given where a string is expected as its id, as the engine does", async () => {
    const g = await runProgram(
      () => {
        const role = new aws.iam.Role("r", {
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
          }),
        });
        new aws.iam.InstanceProfile("p", { role });
      },
      { stack: "dev" },
    );
    assert.equal(g.get("aws:iam/instanceProfile:InstanceProfile", "p").inputs["role"], g.get("aws:iam/role:Role", "r").id);
  });

  it("records which resource's outputs feed which input", async () => {
    const g = await runProgram(
      () => {
        const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
        new aws.ec2.Subnet("s", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24" });
      },
      { stack: "dev" },
    );
    const vpc = g.get("aws:ec2/vpc:Vpc", "v");
    const subnet = g.get("aws:ec2/subnet:Subnet", "s");
    assert.deepEqual(subnet.propertyDependencies["vpcId"], [vpc.urn]);
    assert.equal(subnet.propertyDependencies["cidrBlock"], undefined);
    assert.ok(subnet.dependencies.includes(vpc.urn));
  });

  it("marks additionalSecretOutputs (RandomPassword.result) secret, as the engine does", async () => {
    const g = await runProgram(
      () => {
        const pw = new random.RandomPassword("pw", { length: 20, special: false });
        return { pw: pw.result, length: pw.length };
      },
      { stack: "dev" },
    );
    assert.deepEqual(g.secretOutputs, ["pw"]);
    assert.equal(String(g.outputs["pw"]).length, 20);
    assert.match(String(g.outputs["pw"]), /^[A-Za-z0-9]{20}$/);
  });

  it("is deterministic: the same stack gives the same ids twice, another stack other ids", async () => {
    const prog = () => ({ id: new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" }).id });
    const a = await runProgram(prog, { stack: "dev" });
    const b = await runProgram(prog, { stack: "dev" });
    const c = await runProgram(prog, { stack: "prod" });
    assert.equal(a.outputs["id"], b.outputs["id"]);
    assert.notEqual(a.outputs["id"], c.outputs["id"]);
    assert.match(String(a.outputs["id"]), /^vpc-0[0-9a-f]{16}$/);
  });

  it("skips the SDK's per-resource stack capture during a run only, and restores it when the program throws", async () => {
    const callsites = () => (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites();
    assert.ok(callsites().length > 0, "outside a run the SDK captures the stack");
    let during: unknown[] | undefined;
    await runProgram(
      () => {
        during = callsites();
        new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
      },
      { stack: "dev" },
    );
    assert.deepEqual(during, []);
    assert.ok(callsites().length > 0);
    await assert.rejects(
      runProgram(
        () => {
          throw new Error("boom");
        },
        { stack: "dev" },
      ),
      /boom/,
    );
    assert.ok(callsites().length > 0, "restored after a failed run");
  });

  it("surfaces an error thrown by the program", async () => {
    await assert.rejects(
      runProgram(
        () => {
          throw new Error("config is wrong");
        },
        { stack: "dev" },
      ),
      /config is wrong/,
    );
  });
});

describe("harness: computed outputs like AWS's", () => {
  it("gives ARNs with the region and account", async () => {
    const g = await runProgram(
      () => {
        const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
        const role = new aws.iam.Role("r", {
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
          }),
        });
        return { vpc: vpc.arn, role: role.arn };
      },
      { stack: "dev", config: { "aws:region": "eu-west-1" }, accountId: "111122223333" },
    );
    assert.match(String(g.outputs["vpc"]), /^arn:aws:ec2:eu-west-1:111122223333:vpc\/vpc-0[0-9a-f]{16}$/);
    assert.match(String(g.outputs["role"]), /^arn:aws:iam::111122223333:role\/r-[0-9a-f]{7}$/);
  });

  it("gives an ALB its dnsName, zoneId and arnSuffix, and a target group its arnSuffix", async () => {
    const g = await runProgram(
      () => {
        const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
        const a = new aws.ec2.Subnet("a", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", availabilityZone: "us-east-1a" });
        const b = new aws.ec2.Subnet("b", { vpcId: vpc.id, cidrBlock: "10.0.2.0/24", availabilityZone: "us-east-1b" });
        const lb = new aws.lb.LoadBalancer("alb", { subnets: [a.id, b.id] });
        const tg = new aws.lb.TargetGroup("tg", { port: 80, protocol: "HTTP", vpcId: vpc.id });
        return {
          dns: lb.dnsName,
          zone: lb.zoneId,
          suffix: lb.arnSuffix,
          arn: lb.arn,
          tgSuffix: tg.arnSuffix,
          lbVpc: lb.vpcId,
          vpc: vpc.id,
        };
      },
      { stack: "dev" },
    );
    const o = g.outputs as Record<string, string>;
    assert.match(o["dns"], /^alb-[0-9a-f]{7}-\d{10}\.us-east-1\.elb\.amazonaws\.com$/);
    assert.equal(o["zone"], "Z35SXDOTRQ7X7K");
    assert.match(o["suffix"], /^app\/alb-[0-9a-f]{7}\/[0-9a-f]{16}$/);
    assert.equal(o["arn"], `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/${o["suffix"]}`);
    assert.match(o["tgSuffix"], /^targetgroup\/tg-[0-9a-f]{7}\/[0-9a-f]{16}$/);
    assert.equal(o["lbVpc"], o["vpc"]);
  });

  it("places an instance in its subnet's AZ with a private IP from the subnet, skipping the 4 reserved addresses", async () => {
    const g = await runProgram(
      () => {
        const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
        const s = new aws.ec2.Subnet("s", { vpcId: vpc.id, cidrBlock: "10.0.3.0/24", availabilityZone: "us-east-1c" });
        const i = new aws.ec2.Instance("i", { subnetId: s.id, ami: "ami-0a7d80731ae1b2435", instanceType: "t3.micro" });
        return { az: i.availabilityZone, ip: i.privateIp, dns: i.privateDns, publicIp: i.publicIp };
      },
      { stack: "dev" },
    );
    assert.deepEqual(g.outputs, { az: "us-east-1c", ip: "10.0.3.4", dns: "ip-10-0-3-4.ec2.internal", publicIp: "" });
  });

  it("gives an RDS instance its identifier, address, endpoint and port", async () => {
    const g = await runProgram(
      () => {
        const db = new aws.rds.Instance("Primary", {
          engine: "mysql",
          engineVersion: "8.4.7",
          instanceClass: "db.t4g.micro",
          allocatedStorage: 20,
          skipFinalSnapshot: true,
        });
        return { id: db.identifier, address: db.address, endpoint: db.endpoint, port: db.port, arn: db.arn };
      },
      { stack: "dev" },
    );
    const o = g.outputs as Record<string, string | number>;
    assert.match(String(o["id"]), /^primary-[0-9a-f]{7}$/, "auto-named identifiers are lower-cased like the provider does");
    assert.match(String(o["address"]), new RegExp(`^${String(o["id"])}\\.[0-9a-f]{12}\\.us-east-1\\.rds\\.amazonaws\\.com$`));
    assert.equal(o["endpoint"], `${String(o["address"])}:3306`);
    assert.equal(o["port"], 3306);
    assert.equal(o["arn"], `arn:aws:rds:us-east-1:123456789012:db:${String(o["id"])}`);
  });

  it("gives an ACM certificate DNS validation options for each name", async () => {
    const g = await runProgram(
      () => {
        const cert = new aws.acm.Certificate("c", {
          domainName: "www.example.com",
          subjectAlternativeNames: ["example.com"],
          validationMethod: "DNS",
        });
        return { dvo: cert.domainValidationOptions };
      },
      { stack: "dev" },
    );
    const dvo = g.outputs["dvo"] as {
      domainName: string;
      resourceRecordName: string;
      resourceRecordType: string;
      resourceRecordValue: string;
    }[];
    assert.deepEqual(
      dvo.map((d) => d.domainName),
      ["www.example.com", "example.com"],
    );
    assert.equal(dvo[0].resourceRecordType, "CNAME");
    assert.match(dvo[0].resourceRecordName, /^_[0-9a-f]{32}\.www\.example\.com\.$/);
    assert.match(dvo[0].resourceRecordValue, /\.acm-validations\.aws\.$/);
  });

  it("auto-names the way the provider does: logical name, '-', 7 random hex characters", async () => {
    const g = await runProgram(
      () => {
        new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: "vpc-1", targetType: "instance" });
        new aws.lb.TargetGroup("fixed", { name: "my-fixed-name", port: 80, protocol: "HTTP", targetType: "instance", vpcId: "vpc-1" });
      },
      { stack: "dev" },
    );
    assert.match(String(g.get("aws:lb/targetGroup:TargetGroup", "web").state["name"]), /^web-[0-9a-f]{7}$/);
    assert.equal(g.get("aws:lb/targetGroup:TargetGroup", "fixed").state["name"], "my-fixed-name");
  });

  it("gives a launch template its lt- id, ARN, name and version 1, and a group its name as id, ARN and its subnets' zones", async () => {
    const g = await runProgram(
      () => {
        const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
        const a = new aws.ec2.Subnet("a", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", availabilityZone: "eu-west-1b" });
        const b = new aws.ec2.Subnet("b", { vpcId: vpc.id, cidrBlock: "10.0.2.0/24", availabilityZone: "eu-west-1a" });
        const c = new aws.ec2.Subnet("c", { vpcId: vpc.id, cidrBlock: "10.0.3.0/24", availabilityZone: "eu-west-1b" });
        const lt = new aws.ec2.LaunchTemplate("web", { imageId: "ami-05b4ded3ceb71e470", instanceType: "t4g.micro" });
        const prefixed = new aws.ec2.LaunchTemplate("prefixed", { namePrefix: "web-" });
        const group = new aws.autoscaling.Group("servers", {
          minSize: 2,
          maxSize: 4,
          vpcZoneIdentifiers: [a.id, b.id, c.id],
          launchTemplate: { id: lt.id },
        });
        return {
          ltId: lt.id,
          ltArn: lt.arn,
          ltName: lt.name,
          latest: lt.latestVersion,
          default: lt.defaultVersion,
          prefixed: prefixed.name,
          groupId: group.id,
          groupName: group.name,
          groupArn: group.arn,
          zones: group.availabilityZones,
          desired: group.desiredCapacity,
          template: group.launchTemplate,
        };
      },
      { stack: "dev", config: { "aws:region": "eu-west-1" }, accountId: "111122223333" },
    );
    const o = g.outputs as Record<string, unknown>;
    assert.match(String(o["ltId"]), /^lt-[0-9a-f]{17}$/);
    assert.equal(o["ltArn"], `arn:aws:ec2:eu-west-1:111122223333:launch-template/${String(o["ltId"])}`);
    assert.match(String(o["ltName"]), /^web-[0-9a-f]{7}$/);
    assert.deepEqual([o["latest"], o["default"]], [1, 1]);
    assert.match(String(o["prefixed"]), /^web-\d{26}$/);
    assert.match(String(o["groupName"]), /^servers-[0-9a-f]{7}$/);
    assert.equal(o["groupId"], o["groupName"]);
    assert.match(
      String(o["groupArn"]),
      new RegExp(
        `^arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}:autoScalingGroupName/${String(o["groupName"])}$`,
      ),
    );
    assert.deepEqual(o["zones"], ["eu-west-1a", "eu-west-1b"], "one entry per zone of the subnets");
    assert.equal(o["desired"], 2, "without desiredCapacity the group starts at minSize");
    assert.deepEqual(o["template"], { id: o["ltId"], name: o["ltName"], version: "$Default" });
  });

  it("gives a scaling policy, an EventBridge rule and target, and a topic policy the ids and ARNs the provider does", async () => {
    const g = await runProgram(
      () => {
        const group = new aws.autoscaling.Group("servers", { name: "web", minSize: 1, maxSize: 2, availabilityZones: ["us-east-1a"] });
        const policy = new aws.autoscaling.Policy("cpu", {
          autoscalingGroupName: group.name,
          policyType: "TargetTrackingScaling",
          targetTrackingConfiguration: {
            targetValue: 50,
            predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
          },
        });
        const rule = new aws.cloudwatch.EventRule("refresh", { eventPattern: JSON.stringify({ source: ["aws.autoscaling"] }) });
        const custom = new aws.cloudwatch.EventRule("custom", { name: "on-bus", eventBusName: "ops", scheduleExpression: "rate(1 hour)" });
        const topic = new aws.sns.Topic("alarms", { name: "alarms" });
        const target = new aws.cloudwatch.EventTarget("to-topic", { rule: rule.name, arn: topic.arn });
        const named = new aws.cloudwatch.EventTarget("named", { rule: custom.name, eventBusName: "ops", targetId: "sns", arn: topic.arn });
        const topicPolicy = new aws.sns.TopicPolicy("alarms", { arn: topic.arn, policy: "{}" });
        return {
          policyName: policy.name,
          policyArn: policy.arn,
          ruleName: rule.name,
          ruleArn: rule.arn,
          ruleId: rule.id,
          customArn: custom.arn,
          customId: custom.id,
          targetId: target.targetId,
          targetResourceId: target.id,
          namedId: named.id,
          topicPolicyId: topicPolicy.id,
          topicPolicyOwner: topicPolicy.owner,
          topicPolicyArn: topicPolicy.arn,
        };
      },
      // Outputs only: the empty topic policy would (rightly) fail event-target-sns-policy.
      { stack: "dev", rules: [] },
    );
    const o = g.outputs as Record<string, string>;
    assert.match(o["policyName"], /^cpu-[0-9a-f]{7}$/);
    assert.match(
      o["policyArn"],
      new RegExp(
        `^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName/web:policyName/${o["policyName"]}$`,
      ),
    );
    assert.match(o["ruleName"], /^refresh-[0-9a-f]{7}$/);
    assert.equal(o["ruleArn"], `arn:aws:events:us-east-1:123456789012:rule/${o["ruleName"]}`);
    assert.equal(o["ruleId"], o["ruleName"]);
    assert.equal(o["customArn"], "arn:aws:events:us-east-1:123456789012:rule/ops/on-bus");
    assert.equal(o["customId"], "ops/on-bus");
    assert.match(o["targetId"], /^to-topic-[0-9a-f]{7}$/);
    assert.equal(o["targetResourceId"], `${o["ruleName"]}-${o["targetId"]}`);
    assert.equal(o["namedId"], "ops-on-bus-sns");
    assert.equal(o["topicPolicyId"], "arn:aws:sns:us-east-1:123456789012:alarms");
    assert.equal(o["topicPolicyArn"], o["topicPolicyId"]);
    assert.equal(o["topicPolicyOwner"], "123456789012");
    assert.equal(g.byArn("arn:aws:sns:us-east-1:123456789012:alarms")?.type, "aws:sns/topic:Topic", "the topic keeps its ARN");
  });
});

describe("harness: invokes", () => {
  it("answers AZs, region, caller identity and partition for the configured region", async () => {
    const g = await runProgram(
      async () => {
        const azs = await aws.getAvailabilityZones({ state: "available" });
        const region = await aws.getRegion();
        const me = await aws.getCallerIdentity();
        const part = await aws.getPartition();
        return { azs: azs.names, region: region.region, account: me.accountId, partition: part.partition };
      },
      { stack: "dev", config: { "aws:region": "eu-west-1" } },
    );
    assert.deepEqual(g.outputs, {
      azs: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      region: "eu-west-1",
      account: "123456789012",
      partition: "aws",
    });
    assert.deepEqual(
      g.invokes.map((i) => i.token),
      [
        "aws:index/getAvailabilityZones:getAvailabilityZones",
        "aws:index/getRegion:getRegion",
        "aws:index/getCallerIdentity:getCallerIdentity",
        "aws:index/getPartition:getPartition",
      ],
    );
  });

  it("answers an explicit provider's invokes for that provider's region", async () => {
    const g = await runProgram(
      async () => {
        const west = new aws.Provider("west", { region: "eu-west-1" });
        const azs = await aws.getAvailabilityZones({ state: "available" }, { provider: west });
        const region = await aws.getRegion({}, { provider: west });
        const home = await aws.getRegion();
        return { azs: azs.names, region: region.region, home: home.region };
      },
      { stack: "dev" },
    );
    assert.deepEqual(g.outputs, { azs: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], region: "eu-west-1", home: "us-east-1" });
  });

  it("creates a resource under an explicit provider in that provider's region: ARN, endpoints, zones", async () => {
    const g = await runProgram(
      () => {
        const west = new aws.Provider("west", { region: "eu-west-1" });
        new aws.sns.Topic("home", {});
        new aws.sns.Topic("away", {}, { provider: west });
        new aws.s3.Bucket("away", {}, { provider: west });
        const vpc = new aws.ec2.Vpc("away", { cidrBlock: "10.0.0.0/16" }, { provider: west });
        new aws.ec2.Subnet("away", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24" }, { provider: west });
      },
      { stack: "dev" },
    );
    assert.match(String(g.get("aws:sns/topic:Topic", "home").state["arn"]), /^arn:aws:sns:us-east-1:123456789012:home-/);
    assert.match(String(g.get("aws:sns/topic:Topic", "away").state["arn"]), /^arn:aws:sns:eu-west-1:123456789012:away-/);
    assert.match(String(g.get("aws:s3/bucket:Bucket", "away").state["bucketRegionalDomainName"]), /\.s3\.eu-west-1\.amazonaws\.com$/);
    assert.equal(g.get("aws:ec2/subnet:Subnet", "away").state["availabilityZone"], "eu-west-1a");
  });

  it("finds the newest Amazon Linux 2023 AMI for an architecture", async () => {
    const g = await runProgram(
      async () => {
        const ami = await aws.ec2.getAmi({
          owners: ["amazon"],
          mostRecent: true,
          filters: [
            { name: "name", values: ["al2023-ami-2023.*-kernel-6.1-arm64"] },
            { name: "architecture", values: ["arm64"] },
          ],
        });
        return { id: ami.id, arch: ami.architecture };
      },
      { stack: "dev" },
    );
    assert.deepEqual(g.outputs, { id: "ami-05b4ded3ceb71e470", arch: "arm64" });
  });

  it("finds a Route 53 zone by id and renders IAM policy documents as the provider does", async () => {
    const g = await runProgram(
      async () => {
        const zone = await aws.route53.getZone({ zoneId: "Z0123456789EXAMPLE" });
        const doc = await aws.iam.getPolicyDocument({
          statements: [
            {
              actions: ["s3:GetObject"],
              resources: ["arn:aws:s3:::b/*"],
              principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
            },
          ],
        });
        return { zone: zone.name, doc: JSON.parse(doc.json) as unknown };
      },
      { stack: "dev" },
    );
    assert.equal(g.outputs["zone"], "example.com");
    assert.deepEqual(g.outputs["doc"], {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
    });
  });

  it("fails when the program calls an invoke the harness does not answer", async () => {
    await assert.rejects(
      runProgram(
        async () => {
          await aws.ec2.getVpc({ default: true });
        },
        { stack: "dev" },
      ),
      /invoke "aws:ec2\/getVpc:getVpc" is not mocked/,
    );
  });

  it("fails when the AMI lookup matches nothing, as EC2 does", async () => {
    await assert.rejects(
      runProgram(
        async () => {
          await aws.ec2.getAmi({ owners: ["amazon"], mostRecent: true, filters: [{ name: "name", values: ["ubuntu-*"] }] });
        },
        { stack: "dev" },
      ),
      /Your query returned no results/,
    );
  });
});

describe("harness: config", () => {
  it("reads a stack file's config under the project's namespace, structured values as JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "harness-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\nconfig:\n  size:\n    default: 3\n");
    writeFileSync(join(dir, "Pulumi.qa.yaml"), "config:\n  aws:region: eu-west-1\n  demo:flags: [a, b]\n  name: x\n");
    const { project, config } = stackConfig({ stack: "qa", projectDir: dir, config: { size: 5 } });
    assert.equal(project, "demo");
    assert.deepEqual(config, { "demo:size": "5", "aws:region": "eu-west-1", "demo:flags": '["a","b"]', "demo:name": "x" });
  });

  it("reads scalars as YAML 1.2's core schema does: a date stays text, true and 0x1F are values, yes is a word", () => {
    const dir = mkdtempSync(join(tmpdir(), "harness-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
    writeFileSync(join(dir, "Pulumi.qa.yaml"), "config:\n  since: 2026-01-01\n  on: true\n  hex: 0x1F\n  word: yes\n");
    assert.deepEqual(stackConfig({ stack: "qa", projectDir: dir }).config, {
      "demo:since": "2026-01-01",
      "demo:on": "true",
      "demo:hex": "31",
      "demo:word": "yes",
    });
  });

  it("fails when a stack file repeats a key, as the CLI does", () => {
    const dir = mkdtempSync(join(tmpdir(), "harness-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
    writeFileSync(join(dir, "Pulumi.qa.yaml"), "config:\n  size: 1\n  size: 2\n");
    assert.throws(() => stackConfig({ stack: "qa", projectDir: dir }), /duplicated mapping key/);
  });

  it("fails when a stack file holds a secure value and no plaintext is supplied", () => {
    const dir = mkdtempSync(join(tmpdir(), "harness-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: demo\nruntime: nodejs\n");
    writeFileSync(join(dir, "Pulumi.qa.yaml"), "config:\n  demo:token:\n    secure: v1:abc\n");
    assert.throws(() => stackConfig({ stack: "qa", projectDir: dir }), /demo:token is a secure value/);
    assert.deepEqual(stackConfig({ stack: "qa", projectDir: dir, secrets: { "demo:token": "t" } }).secretKeys, ["demo:token"]);
  });

  it("passes the config to the program", async () => {
    const g = await runProgram(() => ({ n: new pulumi.Config().requireNumber("n") }), { stack: "dev", project: "demo", config: { n: 7 } });
    assert.equal(g.outputs["n"], 7);
  });
});
