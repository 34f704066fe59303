import * as pulumi from "@pulumi/pulumi";
import { WebTier } from "@web-infra/compute";
import { MysqlDatabase } from "@web-infra/database";
import { Monitoring } from "@web-infra/monitoring";
import { Network } from "@web-infra/networking";

/**
 * The shop's stack: three web servers on port 8080 behind an HTTPS load balancer with the
 * team's existing certificate, a MySQL primary with `shop:replicas` read replicas, and alarms
 * that email one address. Config: `shop:certificateArn`, `shop:alarmEmail`, `shop:replicas`.
 */
export function shop() {
  const config = new pulumi.Config("shop");
  const network = new Network("net", { azCount: 3 });
  const web = new WebTier("web", {
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnets.map((s) => s.id),
    privateSubnetIds: network.privateSubnets.map((s) => s.id),
    serversDependOn: network.privateEgress,
    tls: { certificateArn: config.require("certificateArn") },
    webServerCount: 3,
    appPort: 8080,
  });
  const db = new MysqlDatabase("db", {
    vpcId: network.vpcId,
    subnetIds: network.databaseSubnets.map((s) => s.id),
    availabilityZones: network.databaseSubnets.map((s) => s.availabilityZone),
    clients: [web.connections],
    replicaCount: config.getNumber("replicas") ?? 0,
  });
  db.grantRead(web.serverRole, "web-servers");
  const monitoring = new Monitoring("mon", {
    loadBalancerArnSuffix: web.albArnSuffix,
    targetGroupArnSuffix: web.targetGroupArnSuffix,
    autoScalingGroupName: web.autoScalingGroupName,
    minServers: 3,
    primaryIdentifier: db.identifiers.primary,
    replicaIdentifiers: db.identifiers.replicas,
    emails: [config.require("alarmEmail")],
  });
  return { url: web.url, writer: db.writerEndpoint, readers: db.readerEndpoints, dashboard: monitoring.dashboardUrl };
}
