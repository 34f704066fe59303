/**
 * Example: the web tier behind an ACM certificate you already have.
 *
 * `WebTier` with `tls: { certificateArn }` terminates HTTPS at the load balancer with that
 * certificate (TLS 1.3 policy, port 80 redirected to 443) and creates no ACM certificate and
 * no Route 53 record: point your own DNS at the `albDnsName` output. Three t3.small (x86_64)
 * web servers, one per zone of a 3-AZ `Network`, sit in the private subnets behind a
 * round-robin target group; the newest Amazon Linux 2023 image for x86_64 is looked up.
 *
 * The certificate must be in the stack's region (here us-east-1): an ALB only uses
 * certificates of its own region. Replace the ARN with one from your account.
 *
 * Run it for real (Pulumi CLI, Node 22, AWS credentials): in a Pulumi TypeScript project that
 * depends on @web-infra/compute, @web-infra/networking, @pulumi/aws and @pulumi/pulumi, save
 * this file as `existing-certificate.ts` and make the project's entry point (`main` in
 * Pulumi.yaml, `index.ts` by default) hand the function to the Pulumi host:
 *
 *     import { program } from "./existing-certificate";
 *     export = program; // the host calls it; what it returns becomes the stack outputs
 *
 * then `pulumi config set aws:region us-east-1` and `pulumi up`. The ALB has deletion
 * protection and its access-log bucket keeps its logs: `pulumi destroy` needs
 * `deletionProtection: false` and `accessLogs: { forceDestroy: true }` applied first.
 *
 * Offline, tests/examples.test.ts runs `program` under @web-infra/testing's harness.
 */
import * as pulumi from "@pulumi/pulumi";
import { WebTier } from "@web-infra/compute";
import { Network } from "@web-infra/networking";

/** An ACM certificate in us-east-1; replace it with yours. */
export const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

export function program() {
  const tags = { Project: pulumi.getProject(), Stack: pulumi.getStack() };

  const network = new Network("network", { cidrBlock: "10.50.0.0/16", azCount: 3, tags });

  const web = new WebTier("web", {
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnets.map((s) => s.id),
    privateSubnetIds: network.privateSubnets.map((s) => s.id),
    serversDependOn: network.privateEgress,
    tls: { certificateArn: CERTIFICATE_ARN },
    webServerCount: 3,
    // t3 is an x86_64 family: the AMI lookup follows the instance type.
    instanceType: "t3.small",
    tags,
  });

  return {
    url: web.url,
    albDnsName: web.albDnsName,
    albZoneId: web.albZoneId,
    autoScalingGroupName: web.autoScalingGroupName,
  };
}
