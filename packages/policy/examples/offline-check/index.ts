/**
 * Example: check a program against the security baseline before anything is deployed.
 *
 * `program` is a deliberately non-compliant, hand-rolled internal-tool load balancer: plain
 * HTTP on port 80 open to the world, forwarding to an HTTP target group, no access logs, no
 * deletion protection, no WAF, invalid headers passed through, a VPC without flow logs and
 * with its default security group left open. `check` runs it offline under
 * @web-infra/testing's harness (no AWS account), runs every rule of @web-infra/policy over
 * the captured resources as `pulumi preview --policy-pack` would, applies one waiver with
 * `applyWaivers`, and returns what is left, grouped by rule. A waiver names a rule, the
 * resources it covers and why; one that matches nothing is reported in `problems`, so waivers
 * cannot outlive their reason.
 *
 * Call `check()` from a test (tests/examples.test.ts does) or a script run with
 * `node --require @web-infra/testing/register.js`.
 *
 * Run the same rules for real (Pulumi CLI, Node 22, AWS credentials): in a Pulumi TypeScript
 * project that depends on @web-infra/policy, @pulumi/aws and @pulumi/pulumi, save this file as
 * `offline-check.ts` and make the project's entry point (`main` in Pulumi.yaml, `index.ts` by
 * default) hand `program` to the Pulumi host:
 *
 *     import { program } from "./offline-check";
 *     export = program; // the host calls it; what it returns becomes the stack outputs
 *
 * then `pulumi config set aws:region us-east-1` and
 * `pulumi preview --policy-pack node_modules/@web-infra/policy`: the preview fails on these
 * violations (the pack is mandatory and knows nothing of this file's waiver).
 */
import * as aws from "@pulumi/aws";
import { applyWaivers, nameOfUrn, policies, type Waiver } from "@web-infra/policy";
import { runPolicies, runProgram } from "@web-infra/testing";

/** Gaps this stack accepts on purpose, each with its reason. */
export const WAIVERS: readonly Waiver[] = [
  {
    policy: "elb-deletion-protection",
    resources: ["tools-alb"],
    reason: "A preview environment destroyed every night: deletion protection would block `pulumi destroy`.",
  },
];

export function program() {
  const zones = aws.getAvailabilityZonesOutput({ state: "available" }).names;

  const vpc = new aws.ec2.Vpc("tools", { cidrBlock: "10.80.0.0/16", enableDnsSupport: true, enableDnsHostnames: true });
  const subnets = [0, 1].map(
    (i) =>
      new aws.ec2.Subnet(`tools-public-${i}`, {
        vpcId: vpc.id,
        cidrBlock: `10.80.${i}.0/24`,
        availabilityZone: zones.apply((names) => names[i]),
        mapPublicIpOnLaunch: false,
      }),
  );
  const igw = new aws.ec2.InternetGateway("tools", { vpcId: vpc.id });
  const routes = new aws.ec2.RouteTable("tools-public", {
    vpcId: vpc.id,
    routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
  });
  subnets.forEach((s, i) => new aws.ec2.RouteTableAssociation(`tools-public-${i}`, { subnetId: s.id, routeTableId: routes.id }));

  const group = new aws.ec2.SecurityGroup("tools-alb", { vpcId: vpc.id, description: "The tools load balancer" });
  // Non-compliant: plain HTTP from anywhere.
  new aws.vpc.SecurityGroupIngressRule("tools-alb-http", {
    securityGroupId: group.id,
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: 80,
    toPort: 80,
    description: "HTTP from anywhere",
  });

  // Non-compliant: no access logs, no deletion protection, invalid headers passed through, no WAF.
  const lb = new aws.lb.LoadBalancer("tools-alb", {
    loadBalancerType: "application",
    internal: false,
    subnets: subnets.map((s) => s.id),
    securityGroups: [group.id],
  });
  // Non-compliant: HTTP to the servers, with an HTTP health check.
  const targets = new aws.lb.TargetGroup("tools", {
    vpcId: vpc.id,
    targetType: "instance",
    protocol: "HTTP",
    port: 8080,
    healthCheck: { path: "/healthz", protocol: "HTTP", interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
  });
  // Non-compliant: an HTTP listener that forwards instead of redirecting to HTTPS.
  new aws.lb.Listener("tools-http", {
    loadBalancerArn: lb.arn,
    port: 80,
    protocol: "HTTP",
    defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
  });

  return { albDnsName: lb.dnsName };
}

/** What the baseline says about `program`, by rule: `<resource>: <message>`, or `stack: <message>` for a stack-wide finding. */
export interface CheckResult {
  /** Violations no waiver covers: these would fail `pulumi preview --policy-pack`. */
  readonly violations: Readonly<Record<string, readonly string[]>>;
  /** Violations the waivers cover. */
  readonly waived: Readonly<Record<string, readonly string[]>>;
  /** Waivers that name an unknown rule, give no reason or match nothing: failures too. */
  readonly problems: readonly string[];
  /** Rules with no violation at all. */
  readonly passed: readonly string[];
}

export async function check(waivers: readonly Waiver[] = WAIVERS): Promise<CheckResult> {
  const graph = await runProgram(program, { stack: "offline-check", project: "example" });
  const found = await runPolicies(graph, [...policies]);
  const rules = policies.map((p) => p.name);
  const result = applyWaivers(found, waivers, rules);

  const byRule = (list: readonly { policy: string; urn?: string; message: string }[]) => {
    const out: Record<string, string[]> = {};
    for (const v of list) (out[v.policy] ??= []).push(`${nameOfUrn(v.urn) ?? "stack"}: ${v.message}`);
    return out;
  };
  return {
    violations: byRule(result.unwaived),
    waived: byRule(result.waived.flatMap((w) => w.violations)),
    problems: result.problems,
    passed: rules.filter((r) => !found.some((v) => v.policy === r)),
  };
}
