import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withName } from "@web-infra/core";
import type { WebTierArgs } from "./args";

/** A regional web ACL with AWS's managed common and known-bad-inputs rule sets, on the load balancer. */
export function firewall(
  scope: pulumi.Resource,
  loadBalancer: aws.lb.LoadBalancer,
  name: string,
  tags: WebTierArgs["tags"],
): aws.wafv2.WebAcl {
  const parent = { parent: scope };
  const metrics = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
  const managed = (ruleSet: string, priority: number) => ({
    name: ruleSet,
    priority,
    // Keep the rule group's own block/count actions.
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name: ruleSet } },
    visibilityConfig: metrics(`${name}-${ruleSet}`),
  });
  const acl = new aws.wafv2.WebAcl(
    `${name}-waf`,
    {
      // CreateWebACL refuses an apostrophe in Description (the API's pattern), although the provider checks
      // only its length: harness rule schema-wafv2-webacl-description.
      description: `Managed protections in front of the load balancer of ${name}`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      rules: [managed("AWSManagedRulesCommonRuleSet", 10), managed("AWSManagedRulesKnownBadInputsRuleSet", 20)],
      visibilityConfig: metrics(`${name}-waf`),
      tags: withName(tags, `${name}-waf`),
    },
    parent,
  );
  new aws.wafv2.WebAclAssociation(`${name}-waf`, { resourceArn: loadBalancer.arn, webAclArn: acl.arn }, parent);
  return acl;
}
