import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { runPolicies, runProgram } from "@web-infra/testing";
import {
  applyWaivers,
  asgElbHealthCheck,
  asgSpansTwoAzs,
  asgUsesLaunchTemplate,
  AUTOSCALING_POLICIES,
  healthCheckTypes,
  nameOfUrn,
  policies,
  policyPackConfig,
} from "../src";
import { twoAzNetwork, violations } from "./support";

const AMI = "ami-05b4ded3ceb71e470";

function template(name = "lt") {
  return new aws.ec2.LaunchTemplate(name, {
    imageId: AMI,
    instanceType: "t4g.micro",
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
  });
}

/** A group named after its logical name (standalone attachments name it), launching `template()` unless told otherwise. */
function group(name: string, args: Partial<aws.autoscaling.GroupArgs> = {}) {
  return new aws.autoscaling.Group(name, { name, minSize: 2, maxSize: 4, launchTemplate: { id: template().id }, ...args });
}

/** Two subnets in two AZs, a target group in their VPC, and what the group needs to be attached to it. */
function behindTargetGroup() {
  const { vpc, a, b } = twoAzNetwork();
  const tg = new aws.lb.TargetGroup("app", { port: 8080, protocol: "HTTP", vpcId: vpc.id });
  return { subnets: [a.id, b.id], tg };
}

describe("Auto Scaling policies", () => {
  it("lists rows 44-46, each naming its Security Hub and Checkov IDs, mandatory, with remediation steps, and in the pack", () => {
    assert.deepEqual(
      AUTOSCALING_POLICIES.map((p) => [p.name, p.baseline.row, p.baseline.securityHub, p.baseline.checkov]),
      [
        ["autoscaling-elb-health-check", 44, ["AutoScaling.1"], ["CKV2_AWS_15"]],
        ["autoscaling-spans-two-azs", 45, ["AutoScaling.2"], []],
        ["autoscaling-uses-launch-template", 46, ["AutoScaling.9"], ["CKV_AWS_315"]],
      ],
    );
    for (const p of AUTOSCALING_POLICIES) {
      assert.match(p.description, /\[baseline row \d+; Security Hub AutoScaling\.\d/, p.name);
      assert.equal(p.enforcementLevel, "mandatory");
      assert.ok(p.remediationSteps && p.remediationSteps.length > 40, p.name);
      assert.ok(
        policies.some((q) => q.name === p.name),
        `${p.name} is in the pack`,
      );
    }
  });

  describe("autoscaling-elb-health-check (row 44)", () => {
    it("stays quiet on a group behind a target group with ELB health checks, and on one behind no load balancer", async () => {
      const found = await violations(asgElbHealthCheck, () => {
        const { subnets, tg } = behindTargetGroup();
        group("web", { vpcZoneIdentifiers: subnets, targetGroupArns: [tg.arn], healthCheckType: "ELB", healthCheckGracePeriod: 300 });
        group("workers", { vpcZoneIdentifiers: subnets });
      });
      assert.deepEqual(found, []);
    });
    it('accepts "ELB" among several health check types', async () => {
      assert.deepEqual(healthCheckTypes({ healthCheckType: "EBS,ELB" }), ["EBS", "ELB"]);
      assert.deepEqual(healthCheckTypes({}), ["EC2"]);
      const found = await violations(asgElbHealthCheck, () => {
        const { subnets, tg } = behindTargetGroup();
        group("web", { vpcZoneIdentifiers: subnets, targetGroupArns: [tg.arn], healthCheckType: "EBS,ELB" });
      });
      assert.deepEqual(found, []);
    });
    it("fails when a group behind a target group leaves healthCheckType unset", async () => {
      const found = await violations(asgElbHealthCheck, () => {
        const { subnets, tg } = behindTargetGroup();
        group("web", { vpcZoneIdentifiers: subnets, targetGroupArns: [tg.arn] });
      });
      assert.deepEqual(found, ['web: attached to target group app, but healthCheckType is "EC2", not "ELB"']);
    });
    it("fails when a group behind a Classic Load Balancer uses EC2 health checks", async () => {
      const found = await violations(asgElbHealthCheck, () => {
        const { subnets } = behindTargetGroup();
        group("web", { vpcZoneIdentifiers: subnets, loadBalancers: ["legacy-elb"], healthCheckType: "EC2" });
      });
      assert.deepEqual(found, ['web: attached to Classic Load Balancer legacy-elb, but healthCheckType is "EC2", not "ELB"']);
    });
    it("fails when a standalone Attachment or TrafficSourceAttachment puts the group behind a load balancer", async () => {
      const found = await violations(asgElbHealthCheck, () => {
        const { subnets, tg } = behindTargetGroup();
        const web = group("web", { vpcZoneIdentifiers: subnets });
        new aws.autoscaling.Attachment("web-app", { autoscalingGroupName: web.name, lbTargetGroupArn: tg.arn });
        const api = group("api", { vpcZoneIdentifiers: subnets, healthCheckType: "EC2" });
        new aws.autoscaling.TrafficSourceAttachment("api-app", {
          autoscalingGroupName: api.name,
          trafficSource: { identifier: tg.arn, type: "elbv2" },
        });
      });
      assert.deepEqual(found, [
        'web: attached to target group app, but healthCheckType is "EC2", not "ELB"',
        'api: attached to target group app, but healthCheckType is "EC2", not "ELB"',
      ]);
    });
    it("fails when a trafficSources entry is a target group, and ignores a VPC Lattice one", async () => {
      const found = await violations(asgElbHealthCheck, () => {
        const { subnets, tg } = behindTargetGroup();
        group("web", { vpcZoneIdentifiers: subnets, trafficSources: [{ identifier: tg.arn, type: "elbv2" }] });
        group("mesh", {
          vpcZoneIdentifiers: subnets,
          trafficSources: [
            { identifier: "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0a1b2c3d4e5f60718", type: "vpc-lattice" },
          ],
        });
      });
      assert.deepEqual(found, ['web: attached to target group app, but healthCheckType is "EC2", not "ELB"']);
    });
    it("skips a group its waiver names, offline and in the pack config", async () => {
      const g = await runProgram(
        () => {
          const { subnets, tg } = behindTargetGroup();
          group("web", { vpcZoneIdentifiers: subnets, targetGroupArns: [tg.arn] });
        },
        { stack: "test", enforce: false },
      );
      const waiver = { policy: "autoscaling-elb-health-check", resources: ["web"], reason: "a test of the waiver mechanism for this rule" };
      const found = await runPolicies(g, [asgElbHealthCheck]);
      const result = applyWaivers(
        found,
        [waiver],
        AUTOSCALING_POLICIES.map((p) => p.name),
      );
      assert.deepEqual([result.unwaived, result.problems, result.waived[0].violations.map((v) => nameOfUrn(v.urn))], [[], [], ["web"]]);
      assert.deepEqual(await runPolicies(g, [asgElbHealthCheck], policyPackConfig([waiver])), []);
    });
  });

  describe("autoscaling-spans-two-azs (row 45)", () => {
    it("stays quiet on a group over subnets in two AZs", async () => {
      const found = await violations(asgSpansTwoAzs, () => {
        const { a, b } = twoAzNetwork();
        group("web", { vpcZoneIdentifiers: [a.id, b.id] });
      });
      assert.deepEqual(found, []);
    });
    it("fails when the group's subnets are all in one AZ", async () => {
      const found = await violations(asgSpansTwoAzs, () => {
        const { vpc, a } = twoAzNetwork();
        const a2 = new aws.ec2.Subnet("a2", { vpcId: vpc.id, cidrBlock: "10.0.2.0/24", availabilityZone: "us-east-1a" });
        group("web", { vpcZoneIdentifiers: [a.id, a2.id] });
      });
      assert.deepEqual(found, ["web: vpcZoneIdentifiers subnets cover 1 AZ (us-east-1a)"]);
    });
    it("counts subnets from outside the stack by distinct id: one fails, two pass", async () => {
      const found = await violations(asgSpansTwoAzs, () => {
        group("one", { vpcZoneIdentifiers: ["subnet-0a1b2c3d4e5f60718"] });
        group("two", { vpcZoneIdentifiers: ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"] });
      });
      assert.deepEqual(found, ["one: vpcZoneIdentifiers lists only subnet subnet-0a1b2c3d4e5f60718, not in this stack (AZ unknown)"]);
    });
    it("reads the group's availabilityZones output (AWS fills it from the subnets) when its subnets are not in the stack", async () => {
      const found: string[] = [];
      const groupOf = (name: string, zones: string[]) =>
        ({
          type: "aws:autoscaling/group:Group",
          name,
          urn: `urn:pulumi:test::web-infra::aws:autoscaling/group:Group::${name}`,
          props: { id: name, name, vpcZoneIdentifiers: ["subnet-0a1b2c3d4e5f60718"], availabilityZones: zones },
        }) as unknown as PolicyResource;
      const validate = (asgSpansTwoAzs as StackValidationPolicy).validateStack;
      await validate(
        {
          resources: [groupOf("one", ["us-east-1a"]), groupOf("two", ["us-east-1a", "us-east-1b"])],
          stackTags: new Map(),
          getConfig: <T extends object>() => ({}) as T,
          notApplicable: () => {
            throw new Error("not applicable");
          },
        },
        (message, urn) => found.push(`${nameOfUrn(urn) ?? ""}: ${message}`),
      );
      assert.deepEqual(found, ["one: availabilityZones lists 1 AZ (us-east-1a)"]);
    });
    it("reads availabilityZones when the group sets no subnets (the default VPC)", async () => {
      const found = await violations(asgSpansTwoAzs, () => {
        group("one", { availabilityZones: ["us-east-1a"] });
        group("two", { availabilityZones: ["us-east-1a", "us-east-1b"] });
      });
      assert.deepEqual(found, ["one: vpcZoneIdentifiers is unset and availabilityZones lists 1 AZ"]);
    });
  });

  describe("autoscaling-uses-launch-template (row 46)", () => {
    it("stays quiet on a group that names a launch template by id, by name, or in its mixed instances policy", async () => {
      const found = await violations(asgUsesLaunchTemplate, () => {
        const lt = template();
        group("by-id", { availabilityZones: ["us-east-1a", "us-east-1b"], launchTemplate: { id: lt.id, version: "$Latest" } });
        group("by-name", { availabilityZones: ["us-east-1a", "us-east-1b"], launchTemplate: { name: "web-server" } });
        group("mixed", {
          availabilityZones: ["us-east-1a", "us-east-1b"],
          launchTemplate: undefined,
          mixedInstancesPolicy: {
            launchTemplate: {
              launchTemplateSpecification: { launchTemplateId: lt.id },
              overrides: [{ instanceType: "t4g.micro" }, { instanceType: "t4g.small" }],
            },
          },
        });
      });
      assert.deepEqual(found, []);
    });
    it("fails when a group uses a launch configuration", async () => {
      const found = await violations(asgUsesLaunchTemplate, () => {
        const lc = new aws.ec2.LaunchConfiguration("legacy", { name: "legacy-web", imageId: AMI, instanceType: "t4g.micro" });
        group("web", { availabilityZones: ["us-east-1a", "us-east-1b"], launchTemplate: undefined, launchConfiguration: lc.name });
      });
      assert.deepEqual(found, ["web: launchConfiguration is legacy-web: use a launch template instead"]);
    });
    it("fails when a group names no launch template", async () => {
      const found = await violations(asgUsesLaunchTemplate, () => {
        group("web", { availabilityZones: ["us-east-1a", "us-east-1b"], launchTemplate: undefined });
      });
      assert.deepEqual(found, [
        "web: names no launch template: neither launchTemplate nor mixedInstancesPolicy.launchTemplate.launchTemplateSpecification gives an id or name",
      ]);
    });
  });
});
