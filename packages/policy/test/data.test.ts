import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  acmCertificate,
  alarmsAct,
  DATA_POLICIES,
  kmsKeys,
  logGroups,
  rdsAutoMinorVersionUpgrade,
  rdsBackups,
  rdsCopyTagsToSnapshot,
  rdsDeletionProtection,
  rdsEncrypted,
  rdsIamAuthentication,
  rdsInPrivateSubnets,
  rdsLogExports,
  rdsModernCa,
  rdsMonitoring,
  rdsMultiAz,
  rdsNonDefaultPortAndAdmin,
  rdsNotPublic,
  rdsRequiresTls,
  ssmSecrets,
} from "../src";
import { twoAzNetwork, violations } from "./support";

const MONITORING_ROLE = "arn:aws:iam::123456789012:role/rds-monitoring";

/** What every instance, primary or replica, sets to pass rows 25-38. */
const EVERY_INSTANCE = {
  instanceClass: "db.m7g.large",
  multiAz: true,
  monitoringInterval: 60,
  monitoringRoleArn: MONITORING_ROLE,
  performanceInsightsEnabled: true,
  deletionProtection: true,
  enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"],
  iamDatabaseAuthenticationEnabled: true,
  autoMinorVersionUpgrade: true,
  copyTagsToSnapshot: true,
  caCertIdentifier: "rds-ca-rsa2048-g1",
  publiclyAccessible: false,
  skipFinalSnapshot: true,
} satisfies Partial<aws.rds.InstanceArgs>;

type Network = ReturnType<typeof twoAzNetwork>;

interface DatabaseOptions {
  /** Changes to the primary "db" (an `undefined` value removes the argument). */
  primary?: Partial<aws.rds.InstanceArgs>;
  /** Changes to the read replica "replica"; `null` leaves it out. */
  replica?: Partial<aws.rds.InstanceArgs> | null;
  /** Parameters of the mysql8.4 parameter group "mysql". */
  parameters?: aws.types.input.rds.ParameterGroupParameter[];
  /** Extra resources (routes, gateways, groups) beside the database, on the network its subnet group "db" (subnets "a" and "b") stands on. */
  extra?: (net: Network) => void;
}

/** The good baseline: private subnets, a TLS-only parameter group, a primary MySQL 8.4 and its replica. */
function database(opts: DatabaseOptions = {}) {
  return () => {
    const net = twoAzNetwork();
    opts.extra?.(net);
    const subnets = new aws.rds.SubnetGroup("db", { subnetIds: [net.a.id, net.b.id] });
    const pg = new aws.rds.ParameterGroup("mysql", {
      family: "mysql8.4",
      parameters: opts.parameters ?? [{ name: "require_secure_transport", value: "1" }],
    });
    const db = new aws.rds.Instance("db", {
      engine: "mysql",
      engineVersion: "8.4",
      allocatedStorage: 20,
      username: "webinfra",
      password: "Str0ng!Passw0rd",
      port: 3406,
      storageEncrypted: true,
      backupRetentionPeriod: 7,
      dbSubnetGroupName: subnets.name,
      parameterGroupName: pg.name,
      ...EVERY_INSTANCE,
      ...opts.primary,
    });
    if (opts.replica !== null) {
      new aws.rds.Instance("replica", { replicateSourceDb: db.arn, parameterGroupName: pg.name, ...EVERY_INSTANCE, ...opts.replica });
    }
  };
}

/** An internet gateway of the network's VPC. */
const igw = (net: Network) => new aws.ec2.InternetGateway("igw", { vpcId: net.vpc.id });

describe("data policies (rows 25-43)", () => {
  it("lists one policy per row 25-43, in row order, with kebab-case names", () => {
    assert.deepEqual(
      DATA_POLICIES.map((p) => p.baseline.row),
      Array.from({ length: 19 }, (_, i) => 25 + i),
    );
    for (const p of DATA_POLICIES) assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.equal(new Set(DATA_POLICIES.map((p) => p.name)).size, DATA_POLICIES.length);
  });

  describe("the good primary and replica", () => {
    for (const policy of DATA_POLICIES.filter((p) => p.baseline.row <= 38)) {
      it(`stays quiet under ${policy.name} (row ${policy.baseline.row})`, async () => {
        assert.deepEqual(await violations(policy, database()), []);
      });
    }
  });

  describe("rds-not-public (row 25)", () => {
    it("fails when the primary is publicly accessible", async () => {
      assert.deepEqual(await violations(rdsNotPublic, database({ primary: { publiclyAccessible: true } })), [
        "db: publiclyAccessible is true: the instance gets a public endpoint",
      ]);
    });
    it("fails when the replica is publicly accessible", async () => {
      assert.deepEqual(await violations(rdsNotPublic, database({ replica: { publiclyAccessible: true } })), [
        "replica: publiclyAccessible is true: the instance gets a public endpoint",
      ]);
    });
  });

  describe("rds-in-private-subnets (row 26)", () => {
    it("stays quiet when the subnets route to the internet through a NAT gateway only", async () => {
      const found = await violations(
        rdsInPrivateSubnets,
        database({
          extra: (net) => {
            igw(net);
            const rt = new aws.ec2.RouteTable("private", {
              vpcId: net.vpc.id,
              routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0123456789abcdef0" }],
            });
            new aws.ec2.RouteTableAssociation("a", { subnetId: net.a.id, routeTableId: rt.id });
            new aws.ec2.RouteTableAssociation("b", { subnetId: net.b.id, routeTableId: rt.id });
          },
        }),
      );
      assert.deepEqual(found, []);
    });
    it("stays quiet when an internet route is in a route table the DB subnets don't use", async () => {
      const found = await violations(
        rdsInPrivateSubnets,
        database({
          extra: (net) => {
            const pub = new aws.ec2.Subnet("public", { vpcId: net.vpc.id, cidrBlock: "10.0.9.0/24", availabilityZone: "us-east-1a" });
            const rt = new aws.ec2.RouteTable("public", { vpcId: net.vpc.id });
            new aws.ec2.Route("internet", { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw(net).id });
            new aws.ec2.RouteTableAssociation("public", { subnetId: pub.id, routeTableId: rt.id });
          },
        }),
      );
      assert.deepEqual(found, []);
    });
    it("fails when a DB subnet's route table has a standalone 0.0.0.0/0 route to an internet gateway, for the replica in its source's group too", async () => {
      const found = await violations(
        rdsInPrivateSubnets,
        database({
          extra: (net) => {
            const rt = new aws.ec2.RouteTable("public", { vpcId: net.vpc.id });
            new aws.ec2.Route("internet", { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw(net).id });
            new aws.ec2.RouteTableAssociation("a", { subnetId: net.a.id, routeTableId: rt.id });
          },
        }),
      );
      assert.deepEqual(found, [
        "db: subnet a of DB subnet group db routes 0.0.0.0/0 to internet gateway igw",
        "replica: subnet a of DB subnet group db routes 0.0.0.0/0 to internet gateway igw",
      ]);
    });
    it("fails when a DB subnet's route table has an inline ::/0 route to an internet gateway", async () => {
      const found = await violations(
        rdsInPrivateSubnets,
        database({
          replica: null,
          extra: (net) => {
            const rt = new aws.ec2.RouteTable("public", { vpcId: net.vpc.id, routes: [{ ipv6CidrBlock: "::/0", gatewayId: igw(net).id }] });
            new aws.ec2.RouteTableAssociation("b", { subnetId: net.b.id, routeTableId: rt.id });
          },
        }),
      );
      assert.deepEqual(found, ["db: subnet b of DB subnet group db routes ::/0 to internet gateway igw"]);
    });
    it("fails when a DB subnet has no association and the VPC's main route table goes to an internet gateway", async () => {
      const found = await violations(
        rdsInPrivateSubnets,
        database({
          replica: null,
          extra: (net) => {
            new aws.ec2.Route("internet", {
              routeTableId: net.vpc.mainRouteTableId,
              destinationCidrBlock: "0.0.0.0/0",
              gatewayId: igw(net).id,
            });
          },
        }),
      );
      assert.deepEqual(found, [
        "db: subnet a of DB subnet group db routes 0.0.0.0/0 to internet gateway igw",
        "db: subnet b of DB subnet group db routes 0.0.0.0/0 to internet gateway igw",
      ]);
    });
    it("fails when the VPC's default route table, managed inline, goes to an internet gateway", async () => {
      const found = await violations(
        rdsInPrivateSubnets,
        database({
          replica: null,
          extra: (net) => {
            new aws.ec2.DefaultRouteTable("main", {
              defaultRouteTableId: net.vpc.defaultRouteTableId,
              routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw(net).id }],
            });
          },
        }),
      );
      assert.deepEqual(found, [
        "db: subnet a of DB subnet group db routes 0.0.0.0/0 to internet gateway igw",
        "db: subnet b of DB subnet group db routes 0.0.0.0/0 to internet gateway igw",
      ]);
    });
    it("stays quiet when a private table replaces the VPC's main route table that goes to an internet gateway", async () => {
      const found = await violations(
        rdsInPrivateSubnets,
        database({
          extra: (net) => {
            new aws.ec2.Route("internet", {
              routeTableId: net.vpc.mainRouteTableId,
              destinationCidrBlock: "0.0.0.0/0",
              gatewayId: igw(net).id,
            });
            const rt = new aws.ec2.RouteTable("private", { vpcId: net.vpc.id });
            new aws.ec2.MainRouteTableAssociation("main", { vpcId: net.vpc.id, routeTableId: rt.id });
          },
        }),
      );
      assert.deepEqual(found, []);
    });
    it("fails when a primary names no DB subnet group (its replica, in the same default group, is not reported twice)", async () => {
      assert.deepEqual(await violations(rdsInPrivateSubnets, database({ primary: { dbSubnetGroupName: undefined } })), [
        "db: dbSubnetGroupName is not set: the default DB subnet group uses the default VPC's public subnets",
      ]);
    });
  });

  describe("rds-storage-encrypted (row 27)", () => {
    it("stays quiet on a replica that leaves storageEncrypted to its source", async () => {
      assert.deepEqual(await violations(rdsEncrypted, database({ replica: { storageEncrypted: undefined } })), []);
    });
    it("fails when the primary leaves storageEncrypted unset", async () => {
      assert.deepEqual(await violations(rdsEncrypted, database({ primary: { storageEncrypted: undefined } })), [
        "db: storageEncrypted is not true (it defaults to false)",
      ]);
    });
  });

  describe("rds-multi-az (row 28)", () => {
    it("fails when the primary or the replica is single-AZ", async () => {
      assert.deepEqual(await violations(rdsMultiAz, database({ primary: { multiAz: false }, replica: { multiAz: undefined } })), [
        "db: multiAz is not true: the instance runs in one AZ",
        "replica: multiAz is not true: the instance runs in one AZ",
      ]);
    });
  });

  describe("rds-enhanced-monitoring (row 29)", () => {
    it("stays quiet without Performance Insights on a micro or small burstable class", async () => {
      const found = await violations(
        rdsMonitoring,
        database({
          primary: { instanceClass: "db.t4g.micro", performanceInsightsEnabled: false },
          replica: { instanceClass: "db.t3.small", performanceInsightsEnabled: undefined },
        }),
      );
      assert.deepEqual(found, []);
    });
    it("fails when enhanced monitoring is off", async () => {
      assert.deepEqual(await violations(rdsMonitoring, database({ replica: null, primary: { monitoringInterval: undefined } })), [
        "db: monitoringInterval is unset (0: enhanced monitoring off); use one of 1, 5, 10, 15, 30, 60",
      ]);
    });
    it("fails when the interval is not one RDS accepts", async () => {
      assert.deepEqual(await violations(rdsMonitoring, database({ replica: null, primary: { monitoringInterval: 45 } })), [
        "db: monitoringInterval is 45; use one of 1, 5, 10, 15, 30, 60",
      ]);
    });
    it("fails when the monitoring role is missing", async () => {
      assert.deepEqual(await violations(rdsMonitoring, database({ replica: null, primary: { monitoringRoleArn: undefined } })), [
        "db: monitoringRoleArn is not set: enhanced monitoring needs a role to publish with",
      ]);
    });
    it("fails when Performance Insights is off on a class that offers it", async () => {
      assert.deepEqual(
        await violations(rdsMonitoring, database({ primary: { instanceClass: "db.t4g.medium", performanceInsightsEnabled: undefined } })),
        ["db: performanceInsightsEnabled is not true (db.t4g.medium offers Performance Insights)"],
      );
    });
  });

  describe("rds-deletion-protection (row 30)", () => {
    it("fails when deletion protection is off", async () => {
      assert.deepEqual(await violations(rdsDeletionProtection, database({ replica: { deletionProtection: false } })), [
        "replica: deletionProtection is not true (it defaults to false)",
      ]);
    });
  });

  describe("rds-log-exports (row 31)", () => {
    it("stays quiet on postgres exporting postgresql and upgrade", async () => {
      const found = await violations(
        rdsLogExports,
        database({
          replica: null,
          primary: {
            engine: "postgres",
            engineVersion: "17",
            port: 5532,
            parameterGroupName: undefined,
            enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
          },
        }),
      );
      assert.deepEqual(found, []);
    });
    it("fails when MySQL logs are missing from the exports", async () => {
      assert.deepEqual(
        await violations(
          rdsLogExports,
          database({ primary: { enabledCloudwatchLogsExports: ["error", "audit"] }, replica: { enabledCloudwatchLogsExports: undefined } }),
        ),
        [
          "db: enabledCloudwatchLogsExports lacks general, slowquery",
          "replica: enabledCloudwatchLogsExports lacks audit, error, general, slowquery",
        ],
      );
    });
    it("fails when postgres leaves out the upgrade log", async () => {
      const found = await violations(
        rdsLogExports,
        database({
          replica: null,
          primary: {
            engine: "postgres",
            engineVersion: "17",
            port: 5532,
            parameterGroupName: undefined,
            enabledCloudwatchLogsExports: ["postgresql"],
          },
        }),
      );
      assert.deepEqual(found, ["db: enabledCloudwatchLogsExports lacks upgrade"]);
    });
  });

  describe("rds-iam-authentication (row 32)", () => {
    it("fails when IAM database authentication is off", async () => {
      assert.deepEqual(await violations(rdsIamAuthentication, database({ primary: { iamDatabaseAuthenticationEnabled: undefined } })), [
        "db: iamDatabaseAuthenticationEnabled is not true",
      ]);
    });
  });

  describe("rds-backup-retention (row 33)", () => {
    it("stays quiet on a replica without its own backup retention", async () => {
      assert.deepEqual(
        await violations(rdsBackups, database({ primary: { backupRetentionPeriod: 35 }, replica: { backupRetentionPeriod: undefined } })),
        [],
      );
    });
    it("fails when the retention is shorter than 7 days", async () => {
      assert.deepEqual(await violations(rdsBackups, database({ primary: { backupRetentionPeriod: 1 } })), [
        "db: backupRetentionPeriod is 1; keep at least 7 days",
      ]);
    });
    it("fails when the retention is left to the default", async () => {
      assert.deepEqual(await violations(rdsBackups, database({ primary: { backupRetentionPeriod: undefined } })), [
        "db: backupRetentionPeriod is not set (defaults differ); keep at least 7 days",
      ]);
    });
  });

  describe("rds-auto-minor-version-upgrade (row 34)", () => {
    it("fails when auto minor version upgrade is left implicit", async () => {
      assert.deepEqual(await violations(rdsAutoMinorVersionUpgrade, database({ primary: { autoMinorVersionUpgrade: undefined } })), [
        "db: autoMinorVersionUpgrade is not set explicitly to true",
      ]);
    });
    it("fails when auto minor version upgrade is off", async () => {
      assert.deepEqual(await violations(rdsAutoMinorVersionUpgrade, database({ replica: { autoMinorVersionUpgrade: false } })), [
        "replica: autoMinorVersionUpgrade is false",
      ]);
    });
  });

  describe("rds-copy-tags-to-snapshot (row 35)", () => {
    it("fails when tags are not copied to snapshots", async () => {
      assert.deepEqual(await violations(rdsCopyTagsToSnapshot, database({ primary: { copyTagsToSnapshot: false } })), [
        "db: copyTagsToSnapshot is not true (it defaults to false)",
      ]);
    });
  });

  describe("rds-non-default-port-and-admin (row 36)", () => {
    it("stays quiet on postgres on a port other than 5432, and on a replica without a port or username", async () => {
      const found = await violations(
        rdsNonDefaultPortAndAdmin,
        database({ primary: { engine: "postgres", engineVersion: "17", port: 3306 } }),
      );
      assert.deepEqual(found, []);
    });
    it("fails when the primary leaves the port to the engine's default", async () => {
      assert.deepEqual(await violations(rdsNonDefaultPortAndAdmin, database({ primary: { port: undefined } })), [
        "db: port is not set: the engine's default 3306 is used",
      ]);
    });
    it("fails when an instance uses MySQL's port 3306", async () => {
      assert.deepEqual(await violations(rdsNonDefaultPortAndAdmin, database({ replica: { port: 3306 } })), [
        "replica: port is 3306, the engine's default",
      ]);
    });
    it("fails when postgres uses 5432", async () => {
      assert.deepEqual(
        await violations(
          rdsNonDefaultPortAndAdmin,
          database({ replica: null, primary: { engine: "postgres", engineVersion: "17", port: 5432 } }),
        ),
        ["db: port is 5432, the engine's default"],
      );
    });
    it("fails when the master user is admin", async () => {
      assert.deepEqual(await violations(rdsNonDefaultPortAndAdmin, database({ primary: { username: "admin" } })), [
        'db: username is "admin", the default administrator name',
      ]);
    });
  });

  describe("rds-requires-tls (row 37)", () => {
    it("stays quiet on a MySQL instance that names a TLS parameter group of the stack by its literal name", async () => {
      const found = await violations(
        rdsRequiresTls,
        database({
          replica: null,
          primary: { parameterGroupName: "web-mysql84" },
          extra: () =>
            new aws.rds.ParameterGroup("named", {
              name: "web-mysql84",
              family: "mysql8.4",
              parameters: [{ name: "require_secure_transport", value: "1" }],
            }),
        }),
      );
      assert.deepEqual(found, []);
    });
    it('stays quiet on "ON", and on a postgres parameter group without the parameter', async () => {
      const found = await violations(
        rdsRequiresTls,
        database({
          parameters: [{ name: "require_secure_transport", value: "ON" }],
          extra: () => new aws.rds.ParameterGroup("pg", { family: "postgres17", parameters: [{ name: "rds.force_ssl", value: "1" }] }),
        }),
      );
      assert.deepEqual(found, []);
    });
    it("fails when a mysql parameter group does not set require_secure_transport", async () => {
      assert.deepEqual(await violations(rdsRequiresTls, database({ parameters: [{ name: "max_connections", value: "200" }] })), [
        "mysql: parameter group of family mysql8.4 does not set require_secure_transport",
      ]);
    });
    it("fails when require_secure_transport is 0", async () => {
      assert.deepEqual(await violations(rdsRequiresTls, database({ parameters: [{ name: "require_secure_transport", value: "0" }] })), [
        "mysql: require_secure_transport is 0; set it to 1",
      ]);
    });
    it("fails when a MySQL primary or its replica uses the default parameter group", async () => {
      assert.deepEqual(
        await violations(
          rdsRequiresTls,
          database({ primary: { parameterGroupName: undefined }, replica: { parameterGroupName: undefined } }),
        ),
        [
          "db: parameterGroupName is not set: the default MySQL parameter group does not require TLS",
          "replica: parameterGroupName is not set: the default MySQL parameter group does not require TLS",
        ],
      );
    });
    it("fails when a MySQL instance names AWS's default parameter group", async () => {
      assert.deepEqual(await violations(rdsRequiresTls, database({ primary: { parameterGroupName: "default.mysql8.4" } })), [
        "db: parameterGroupName is default.mysql8.4: a default parameter group does not require TLS",
      ]);
    });
    it("fails when a MySQL instance names a parameter group that is not in the stack", async () => {
      assert.deepEqual(await violations(rdsRequiresTls, database({ replica: { parameterGroupName: "shared-mysql84" } })), [
        "replica: parameter group shared-mysql84 is not defined in this stack, so require_secure_transport cannot be checked",
      ]);
    });
  });

  describe("rds-modern-ca (row 38)", () => {
    it("fails when the CA is left to the region's default", async () => {
      assert.deepEqual(await violations(rdsModernCa, database({ replica: { caCertIdentifier: undefined } })), [
        "replica: caCertIdentifier is unset (AWS picks the region's default); use one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1",
      ]);
    });
    it("fails when the CA is rds-ca-2019", async () => {
      assert.deepEqual(await violations(rdsModernCa, database({ primary: { caCertIdentifier: "rds-ca-2019" } })), [
        "db: caCertIdentifier rds-ca-2019 is not one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1",
      ]);
    });
  });

  describe("acm-certificate (row 39)", () => {
    /** A certificate for www.example.com (with changes), served by an HTTPS listener unless `use` says otherwise. */
    function served(
      args: Partial<aws.acm.CertificateArgs> = {},
      use: "listener" | "validation" | "listener-certificate" | "alias" | "none" = "listener",
    ) {
      return () => {
        const { a, b } = twoAzNetwork();
        const cert = new aws.acm.Certificate("cert", { domainName: "www.example.com", validationMethod: "DNS", ...args });
        if (use === "none") return;
        const lb = new aws.lb.LoadBalancer("alb", { subnets: [a.id, b.id] });
        const listen = (certificateArn: pulumi.Input<string>) => {
          const listenerArgs: aws.lb.ListenerArgs = {
            loadBalancerArn: lb.arn,
            port: 443,
            protocol: "HTTPS",
            certificateArn,
            defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
          };
          return use === "alias" ? new aws.alb.Listener("https", listenerArgs) : new aws.lb.Listener("https", listenerArgs);
        };
        if (use === "validation") {
          const validation = new aws.acm.CertificateValidation("cert", { certificateArn: cert.arn });
          listen(validation.certificateArn);
        } else if (use === "listener-certificate") {
          const other = new aws.acm.Certificate("other", { domainName: "api.example.com", validationMethod: "DNS" });
          const listener = listen(other.arn);
          new aws.lb.ListenerCertificate("extra", { listenerArn: listener.arn, certificateArn: cert.arn });
        } else listen(cert.arn);
      };
    }

    it("stays quiet on a DNS-validated certificate a listener serves, directly, through its validation, or on the aws:alb alias", async () => {
      assert.deepEqual(await violations(acmCertificate, served()), []);
      assert.deepEqual(await violations(acmCertificate, served({}, "validation")), []);
      assert.deepEqual(await violations(acmCertificate, served({}, "alias")), []);
    });
    it("stays quiet on a certificate attached as a listener certificate", async () => {
      assert.deepEqual(await violations(acmCertificate, served({}, "listener-certificate")), []);
    });
    it("fails when the certificate is validated by email", async () => {
      assert.deepEqual(await violations(acmCertificate, served({ validationMethod: "EMAIL" })), [
        "cert: validationMethod is EMAIL; use DNS so ACM renews the certificate automatically",
      ]);
    });
    it("fails when the key is RSA_1024", async () => {
      assert.deepEqual(await violations(acmCertificate, served({ keyAlgorithm: "RSA_1024" })), [
        "cert: keyAlgorithm is RSA_1024; use RSA_2048 or stronger",
      ]);
    });
    it("fails when certificate transparency logging is disabled", async () => {
      assert.deepEqual(await violations(acmCertificate, served({ options: { certificateTransparencyLoggingPreference: "DISABLED" } })), [
        "cert: options.certificateTransparencyLoggingPreference is DISABLED",
      ]);
    });
    it("fails when the certificate names a wildcard", async () => {
      assert.deepEqual(
        await violations(acmCertificate, served({ domainName: "example.com", subjectAlternativeNames: ["*.example.com"] })),
        ["cert: wildcard names: *.example.com"],
      );
    });
    it("fails when no listener uses the certificate", async () => {
      assert.deepEqual(await violations(acmCertificate, served({}, "none")), ["cert: no listener uses this certificate"]);
    });
  });

  describe("cloudwatch-alarms-act (row 40)", () => {
    const alarm = (args: Partial<aws.cloudwatch.MetricAlarmArgs>) => () =>
      new aws.cloudwatch.MetricAlarm("cpu", {
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 2,
        metricName: "CPUUtilization",
        namespace: "AWS/RDS",
        period: 300,
        statistic: "Average",
        threshold: 80,
        alarmActions: ["arn:aws:sns:us-east-1:123456789012:alerts"],
        ...args,
      });
    it("stays quiet on an alarm that notifies a topic", async () => {
      assert.deepEqual(await violations(alarmsAct, alarm({ actionsEnabled: true })), []);
    });
    it("fails when the alarm has no actions", async () => {
      assert.deepEqual(await violations(alarmsAct, alarm({ alarmActions: [] })), ["cpu: alarmActions is empty: the alarm notifies no one"]);
    });
    it("fails when actions are disabled", async () => {
      assert.deepEqual(await violations(alarmsAct, alarm({ actionsEnabled: false })), ["cpu: actionsEnabled is false"]);
    });
  });

  describe("cloudwatch-log-group-retention-and-kms (row 41)", () => {
    const KEY = "arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
    const group = (args: aws.cloudwatch.LogGroupArgs) => () => new aws.cloudwatch.LogGroup("app", args);
    it("stays quiet on a group with retention and a KMS key", async () => {
      assert.deepEqual(await violations(logGroups, group({ retentionInDays: 365, kmsKeyId: KEY })), []);
    });
    it("fails when retention is unset", async () => {
      assert.deepEqual(await violations(logGroups, group({ kmsKeyId: KEY })), [
        "app: retentionInDays is unset: the logs are kept forever; set at least 365 days (CKV_AWS_66, CKV_AWS_338)",
      ]);
    });
    it("fails when retention is 0 (never expire)", async () => {
      assert.deepEqual(await violations(logGroups, group({ retentionInDays: 0, kmsKeyId: KEY })), [
        "app: retentionInDays is 0: the logs are kept forever; set at least 365 days",
      ]);
    });
    it("fails when retention is shorter than 365 days", async () => {
      assert.deepEqual(await violations(logGroups, group({ retentionInDays: 90, kmsKeyId: KEY })), [
        "app: retentionInDays is 90; keep at least 365 days (CloudWatch.16, CKV_AWS_338)",
      ]);
    });
    it("fails when no KMS key encrypts the group, naming Checkov's CKV_AWS_158, not CloudWatch.16 (retention only)", async () => {
      assert.deepEqual(await violations(logGroups, group({ retentionInDays: 365 })), [
        "app: kmsKeyId is not set: the logs are not encrypted with a customer key (CKV_AWS_158)",
      ]);
    });
  });

  describe("kms-key-rotation-and-policy (row 42)", () => {
    const root = { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" };
    const key = (args: aws.kms.KeyArgs) => () => new aws.kms.Key("key", args);
    it("stays quiet on a rotating key whose * statement is pinned to an organization (aws:PrincipalOrgID)", async () => {
      const policy = {
        Version: "2012-10-17",
        Statement: [
          root,
          {
            Sid: "Org",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
          },
        ],
      };
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy: JSON.stringify(policy) })), []);
    });
    it("stays quiet on Principal * pinned to an account, a source ARN or a caller account through a service", async () => {
      const policy = {
        Version: "2012-10-17",
        Statement: [
          root,
          {
            Sid: "Logs",
            Effect: "Allow",
            Principal: "*",
            Action: ["kms:Encrypt", "kms:Decrypt"],
            Resource: "*",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:log-group:*" } },
          },
          {
            Sid: "Ebs",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "kms:CreateGrant",
            Resource: "*",
            Condition: {
              StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "ec2.us-east-1.amazonaws.com" },
            },
          },
          {
            Sid: "Service",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { Bool: { "aws:SecureTransport": "true" }, StringEquals: { "aws:SourceAccount": ["123456789012"] } },
          },
        ],
      };
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy: JSON.stringify(policy) })), []);
    });
    const anyone = (Condition: unknown) =>
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [root, { Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*", Condition }],
      });
    const FIX =
      "add StringEquals on aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount or kms:CallerAccount, or ArnLike on aws:SourceArn or aws:PrincipalArn, with a concrete organization, account or ARN";
    it("fails when the only Condition on Principal * is aws:SecureTransport, which every HTTPS caller meets", async () => {
      const policy = anyone({ Bool: { "aws:SecureTransport": "true" } });
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy })), [
        `key: policy statement Anyone allows Principal * under a Condition that names no caller (Bool aws:SecureTransport "true"): ${FIX}`,
      ]);
    });
    it('fails when the Condition matches aws:SourceAccount with StringLike "*"', async () => {
      const policy = anyone({ StringLike: { "aws:SourceAccount": "*" } });
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy })), [
        `key: policy statement Anyone allows Principal * under a Condition that names no caller (StringLike aws:SourceAccount "*"): ${FIX}`,
      ]);
    });
    it("fails when an ARN condition leaves the account a wildcard", async () => {
      const policy = anyone({ ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:*:log-group:*" } });
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy })), [
        `key: policy statement Anyone allows Principal * under a Condition that names no caller (ArnLike aws:SourceArn "arn:aws:logs:us-east-1:*:log-group:*"): ${FIX}`,
      ]);
    });
    it("fails when the operator is ...IfExists, which holds when the key is absent (a direct call has no aws:SourceAccount)", async () => {
      const policy = anyone({ StringEqualsIfExists: { "aws:SourceAccount": "123456789012" } });
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy })), [
        `key: policy statement Anyone allows Principal * under a Condition that names no caller (StringEqualsIfExists aws:SourceAccount "123456789012"): ${FIX}`,
      ]);
    });
    it("fails when the operator is negated, which admits every other caller", async () => {
      const policy = anyone({ StringNotEquals: { "aws:PrincipalAccount": "111122223333" } });
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy })), [
        `key: policy statement Anyone allows Principal * under a Condition that names no caller (StringNotEquals aws:PrincipalAccount "111122223333"): ${FIX}`,
      ]);
    });
    it("fails when kms:ViaService is the only condition: any account's principals reach the key through the service", async () => {
      const policy = anyone({ StringEquals: { "kms:ViaService": "ec2.us-east-1.amazonaws.com" } });
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy })), [
        `key: policy statement Anyone allows Principal * under a Condition that names no caller (StringEquals kms:ViaService "ec2.us-east-1.amazonaws.com"): ${FIX}`,
      ]);
    });
    it("stays quiet on an asymmetric key, which cannot rotate", async () => {
      assert.deepEqual(await violations(kmsKeys, key({ keyUsage: "SIGN_VERIFY", customerMasterKeySpec: "ECC_NIST_P256" })), []);
    });
    it("fails when rotation is off", async () => {
      assert.deepEqual(await violations(kmsKeys, key({})), ["key: enableKeyRotation is not true (it defaults to false)"]);
    });
    it("fails when a statement allows Principal * without a Condition", async () => {
      const policy = {
        Version: "2012-10-17",
        Statement: [root, { Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" }],
      };
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy: JSON.stringify(policy) })), [
        "key: policy statement Anyone allows Principal * without a Condition",
      ]);
    });
    it('fails when a statement allows {AWS: ["*"]} without a Condition', async () => {
      const policy = {
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:root", "*"] }, Action: "kms:*", Resource: "*" },
      };
      assert.deepEqual(await violations(kmsKeys, key({ enableKeyRotation: true, policy: JSON.stringify(policy) })), [
        "key: policy statement 0 allows Principal * without a Condition",
      ]);
    });
  });

  describe("ssm-secrets-are-secure-strings (row 43)", () => {
    it("stays quiet on a SecureString secret, an ARN under a secret's name, and plain settings", async () => {
      const found = await violations(ssmSecrets, () => {
        const pw = new random.RandomPassword("dbpw", { length: 24 });
        new aws.ssm.Parameter("pw", { name: "/app/db/password", type: "SecureString", value: pw.result });
        new aws.ssm.Parameter("arn", {
          name: "/app/db/secret-key",
          type: "String",
          value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
        });
        new aws.ssm.Parameter("host", { name: "/app/db/host", type: "String", value: "db.internal" });
      });
      assert.deepEqual(found, []);
    });
    it("fails when a String parameter holds a generated password", async () => {
      const found = await violations(ssmSecrets, () => {
        const pw = new random.RandomPassword("dbpw", { length: 24 });
        new aws.ssm.Parameter("dsn", {
          name: "/app/db/dsn",
          type: "String",
          value: pulumi.interpolate`mysql://webinfra:${pw.result}@db.internal:3406/app`,
        });
      });
      assert.deepEqual(found, ["dsn: value holds the result of dbpw but type is String; use SecureString"]);
    });
    it("fails when a StringList parameter holds a generated random string", async () => {
      const found = await violations(ssmSecrets, () => {
        const token = new random.RandomString("api", { length: 32, special: false });
        new aws.ssm.Parameter("keys", { name: "/app/api/keys", type: "StringList", value: pulumi.interpolate`old,${token.result}` });
      });
      assert.deepEqual(found, ["keys: value holds the result of api but type is StringList; use SecureString"]);
    });
    it("fails when a String parameter's name says it holds a secret", async () => {
      const found = await violations(ssmSecrets, () => {
        new aws.ssm.Parameter("token", { name: "/app/github/Token", type: "String", value: "typed-in-by-hand" });
      });
      assert.deepEqual(found, ["token: name /app/github/Token names a secret but type is String; use SecureString"]);
    });
  });
});
