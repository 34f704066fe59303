import * as aws from "@pulumi/aws";
import { runPolicies, runProgram } from "@web-infra/testing";
import type { BaselinePolicy } from "../src";

/** Run a program offline and one policy over it; return the violations as `name: message` lines. */
export async function violations(policy: BaselinePolicy, program: () => unknown): Promise<string[]> {
  // The builders return what they made; as a program's return value it would become stack outputs.
  const g = await runProgram(
    () => {
      program();
    },
    { stack: "test", enforce: false },
  );
  const found = await runPolicies(g, [policy]);
  return found.map((v) => `${g.byUrn(v.urn ?? "")?.name ?? "stack"}: ${v.message}`);
}

/** A VPC with two public subnets in two AZs: what most load balancer tests stand on. */
export function twoAzNetwork() {
  const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
  const a = new aws.ec2.Subnet("a", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1a" });
  const b = new aws.ec2.Subnet("b", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", availabilityZone: "us-east-1b" });
  return { vpc, a, b };
}
