/**
 * Example: alarms and a dashboard over the whole web architecture.
 *
 * A 2-AZ `Network`, a `WebTier` serving www.example.com (an ACM certificate validated through
 * the Route 53 zone, an alias record to the load balancer), a `MysqlDatabase` on port 3406
 * open to the web servers only, and `Monitoring` over all of them: alarms on the load balancer,
 * on the web servers' Auto Scaling group (in-service servers, CPU; failed refreshes through
 * EventBridge) and on the primary
 * and its replica, all notifying one KMS-encrypted SNS topic with an email subscription, an alarm
 * on that topic's own failed deliveries, and a CloudWatch dashboard with a row per tier. The database connection alarm is lowered to 60:
 * the default (200) is above what a db.t4g.micro accepts (about 85).
 *
 * The subscribed address receives nothing until the subscription is confirmed: confirm it with
 * `aws sns confirm-subscription … --authenticate-on-unsubscribe true` (the package README) so the
 * unsubscribe link in every alarm mail needs AWS credentials.
 *
 * Run it for real (Pulumi CLI, Node 22, AWS credentials): in a Pulumi TypeScript project that
 * depends on @web-infra/monitoring, @web-infra/compute, @web-infra/database,
 * @web-infra/networking, @pulumi/aws, @pulumi/random and @pulumi/pulumi, save this file as
 * `alarms.ts`, put your domain, public hosted zone id and address in the constants below, and
 * make the project's entry point (`main` in Pulumi.yaml, `index.ts` by default) hand the
 * function to the Pulumi host:
 *
 *     import { program } from "./alarms";
 *     export = program; // the host calls it; what it returns becomes the stack outputs
 *
 * then `pulumi config set aws:region us-east-1` and `pulumi up`; open the `dashboardUrl` output.
 *
 * Offline, tests/examples.test.ts runs `program` under @web-infra/testing's harness.
 */
import * as pulumi from "@pulumi/pulumi";
import { WebTier } from "@web-infra/compute";
import { MysqlDatabase } from "@web-infra/database";
import { Monitoring } from "@web-infra/monitoring";
import { Network } from "@web-infra/networking";

export const DOMAIN_NAME = "www.example.com";
/** A public Route 53 zone holding DOMAIN_NAME. */
export const HOSTED_ZONE_ID = "Z0123456789EXAMPLE";
export const ALARM_EMAIL = "ops@example.com";
/** A non-default MySQL port (Security Hub RDS.23). */
export const DATABASE_PORT = 3406;

export function program() {
  const tags = { Project: pulumi.getProject(), Stack: pulumi.getStack() };

  const network = new Network("network", { cidrBlock: "10.70.0.0/16", azCount: 2, tags });

  const web = new WebTier("web", {
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnets.map((s) => s.id),
    privateSubnetIds: network.privateSubnets.map((s) => s.id),
    serversDependOn: network.privateEgress,
    tls: { domainName: DOMAIN_NAME, hostedZoneId: HOSTED_ZONE_ID },
    tags,
  });

  const db = new MysqlDatabase("db", {
    vpcId: network.vpcId,
    subnetIds: network.databaseSubnets.map((s) => s.id),
    availabilityZones: network.databaseSubnets.map((s) => s.availabilityZone),
    clients: [web.connections],
    port: DATABASE_PORT,
    tags,
  });
  db.grantRead(web.serverRole, "web-servers");

  const monitoring = new Monitoring("monitoring", {
    loadBalancerArnSuffix: web.albArnSuffix,
    targetGroupArnSuffix: web.targetGroupArnSuffix,
    autoScalingGroupName: web.autoScalingGroupName,
    // The group's minimum: the healthy-hosts and in-service alarms fire below it.
    minServers: 2,
    primaryIdentifier: db.primary.identifier,
    replicaIdentifiers: db.replicas.map((r) => r.identifier),
    emails: [ALARM_EMAIL],
    // Only the overridden threshold changes; every other alarm keeps its documented default.
    thresholds: { rdsConnections: 60 },
    tags,
  });

  return {
    url: web.url,
    alarmTopicArn: monitoring.topicArn,
    dashboardUrl: monitoring.dashboardUrl,
  };
}
