/**
 * Example: a MySQL primary with two read replicas, reachable only from your app's group.
 *
 * `MysqlDatabase` on the isolated database subnets of a 3-AZ `Network`: a Multi-AZ primary
 * takes the writes, two replicas (one in each of the other two zones) take the reads. The
 * only way in is port 3306 from the app's security group, wrapped in `Connections` so the
 * database adds the ingress rule on its group and the matching egress rule on the app's.
 * `grantRead` gives the app's role exactly what it needs to connect: the SSM parameters of the
 * app contract (writer and reader endpoints, port, database name, secret ARN) and the
 * credentials secret, by ARN. Attach the role to whatever runs the app (an instance profile,
 * an ECS task role).
 *
 * Run it for real (Pulumi CLI, Node 22, AWS credentials): in a Pulumi TypeScript project that
 * depends on @web-infra/database, @web-infra/networking, @web-infra/core, @pulumi/aws,
 * @pulumi/random and @pulumi/pulumi, save this file as `primary-and-replicas.ts` and make the
 * project's entry point (`main` in Pulumi.yaml, `index.ts` by default) hand the function to
 * the Pulumi host:
 *
 *     import { program } from "./primary-and-replicas";
 *     export = program; // the host calls it; what it returns becomes the stack outputs
 *
 * then `pulumi config set aws:region us-east-1` and `pulumi up`. The instances, password and
 * secret are `protect`ed and the instances have deletion protection: to tear down, set
 * `protect: false` and `deletionProtection: false`, `pulumi up`, then `pulumi destroy`.
 *
 * Offline, tests/examples.test.ts runs `program` under @web-infra/testing's harness.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Connections } from "@web-infra/core";
import { MysqlDatabase } from "@web-infra/database";
import { Network } from "@web-infra/networking";

export function program() {
  const tags = { Project: pulumi.getProject(), Stack: pulumi.getStack() };

  // The database needs no NAT (its subnets have no route out); one keeps the app subnets' egress cheap.
  const network = new Network("network", { cidrBlock: "10.60.0.0/16", azCount: 3, natGateways: "single", tags });

  // The app's security group, as Connections: the database opens its port to it, group to group.
  const appGroup = new aws.ec2.SecurityGroup("app", {
    vpcId: network.vpcId,
    description: "Servers of the app: clients of the database",
    tags: { ...tags, Name: "app" },
  });
  const app = new Connections("app", appGroup.id, appGroup);

  const appRole = new aws.iam.Role("app", {
    description: "Runs the app: reads the database's endpoints and credentials",
    assumeRolePolicy: aws.iam.getPolicyDocumentOutput({
      statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }],
    }).json,
    tags,
  });

  const db = new MysqlDatabase("db", {
    vpcId: network.vpcId,
    subnetIds: network.databaseSubnets.map((s) => s.id),
    availabilityZones: network.databaseSubnets.map((s) => s.availabilityZone),
    clients: [app],
    multiAz: true,
    replicaCount: 2,
    tags,
  });
  db.grantRead(appRole, "app");

  return {
    writerEndpoint: db.writerEndpoint,
    readerEndpoints: db.readerEndpoints,
    port: db.port,
    secretArn: db.secret.arn,
    parameterPath: db.parameterPath,
    appSecurityGroupId: appGroup.id,
    appRoleArn: appRole.arn,
  };
}
