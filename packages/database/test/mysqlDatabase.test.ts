import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { Connections, ValidationError } from "@web-infra/core";
import { registeredBefore, runProgram, RunResult } from "@web-infra/testing";
import {
  dailyWindow,
  FORBIDDEN_PASSWORD_CHARACTERS,
  majorVersion,
  MysqlDatabase,
  MysqlDatabaseArgs,
  overlaps,
  parameterFamily,
  PASSWORD_SPECIALS,
  weeklyWindow,
} from "../src";

const DB = "aws:rds/instance:Instance";

type Extra = Partial<MysqlDatabaseArgs>;

/** A network, a client group and the database under test, plus a role the database grants access to. */
function run(extra: Extra = {}, name = "db"): Promise<RunResult> {
  return runProgram(
    () => {
      // The smallest network the harness accepts: a VPC and one isolated subnet per AZ.
      const vpc = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" });
      const subnets = ["us-east-1a", "us-east-1b"].map(
        (az, i) => new aws.ec2.Subnet(`net-database-${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${128 + i}.0/24`, availabilityZone: az }),
      );
      const clientSg = new aws.ec2.SecurityGroup("client", { vpcId: vpc.id, description: "a client" });
      const client = new Connections("client", clientSg.id, clientSg);
      const db = new MysqlDatabase(name, {
        vpcId: vpc.id,
        subnetIds: subnets.map((s) => s.id),
        availabilityZones: subnets.map((s) => s.availabilityZone),
        clients: [client],
        ...extra,
      });
      const role = new aws.iam.Role("app", {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      });
      db.grantRead(role, "app");
      return { writer: db.writerEndpoint, readers: db.readerEndpoints, secret: db.secret.arn, identifiers: db.identifiers };
    },
    { stack: "test", project: "web-infra" },
  );
}

async function problemKeys(extra: Extra, name?: string): Promise<string[]> {
  const err = await run(extra, name).catch((e: unknown) => e);
  assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
  assert.deepEqual(
    registeredBefore(err).filter((r) => r.type.startsWith("aws:rds")),
    [],
  );
  return err.problems.map((p) => p.key);
}

describe("MysqlDatabase", () => {
  describe("defaults", () => {
    let g: RunResult;
    before(async () => {
      g = await run();
    });

    it("creates exactly the expected resources", () => {
      const db = g.get("web-infra:database:MysqlDatabase", "db");
      const counts: Record<string, number> = {};
      for (const r of g.descendants(db.urn)) counts[r.type] = (counts[r.type] ?? 0) + 1;
      assert.deepEqual(counts, {
        "aws:cloudwatch/logGroup:LogGroup": 8,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
        "aws:rds/instance:Instance": 2,
        "aws:rds/optionGroup:OptionGroup": 1,
        "aws:rds/parameterGroup:ParameterGroup": 1,
        "aws:rds/subnetGroup:SubnetGroup": 1,
        "aws:secretsmanager/secret:Secret": 1,
        "aws:secretsmanager/secretVersion:SecretVersion": 1,
        "aws:ssm/parameter:Parameter": 5,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
        "random:index/randomId:RandomId": 1,
        "random:index/randomPassword:RandomPassword": 1,
      });
    });

    it("configures the primary exactly: MySQL 8.4, gp3 autoscaling, encrypted, private, Multi-AZ, backups, hardened", () => {
      const p = g.get(DB, "db-primary");
      const suffix = String(g.get("random:index/randomId:RandomId", "db-suffix").state["hex"]);
      const expected: Record<string, unknown> = {
        engine: "mysql",
        engineVersion: "8.4",
        instanceClass: "db.t4g.micro",
        storageType: "gp3",
        allocatedStorage: 20,
        maxAllocatedStorage: 100,
        storageEncrypted: true,
        publiclyAccessible: false,
        multiAz: true,
        backupRetentionPeriod: 7,
        backupWindow: "03:00-03:30",
        maintenanceWindow: "sun:04:00-sun:05:00",
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `db-primary-${suffix}-final`,
        identifier: `db-primary-${suffix}`,
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
        enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"],
        monitoringInterval: 60,
        monitoringRoleArn: g.get("aws:iam/role:Role", "db-monitoring").state["arn"],
        iamDatabaseAuthenticationEnabled: true,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        port: 3306,
        dbName: "app",
        username: "webinfra",
        applyImmediately: false,
      };
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(p.inputs[k], v, k);
      assert.equal(p.inputs["availabilityZone"], undefined, "RDS places a Multi-AZ primary");
      assert.equal(p.inputs["manageMasterUserPassword"], undefined);
      assert.equal(p.inputs["performanceInsightsEnabled"], undefined, "not offered on db.t4g.micro");
    });

    it("keeps the master password a secret, drawn only from characters RDS accepts", () => {
      const p = g.get(DB, "db-primary");
      assert.ok(p.secretPaths.includes("password"));
      const pw = String(p.inputs["password"]);
      assert.equal(pw.length, 32);
      const forbidden = (text: string) => FORBIDDEN_PASSWORD_CHARACTERS.filter((c) => text.includes(c));
      assert.deepEqual(forbidden(pw), []);
      assert.deepEqual(forbidden(PASSWORD_SPECIALS), []);
      const generator = g.get("random:index/randomPassword:RandomPassword", "db-master");
      assert.equal(generator.inputs["overrideSpecial"], PASSWORD_SPECIALS);
    });

    it("makes the replica follow the primary, in another AZ, with the same hardening and no credentials or snapshot", () => {
      const p = g.get(DB, "db-primary");
      const r = g.get(DB, "db-replica-0");
      assert.equal(r.inputs["replicateSourceDb"], p.state["arn"]);
      for (const key of ["username", "password", "manageMasterUserPassword", "engineVersion", "dbName", "allocatedStorage"]) {
        assert.equal(r.inputs[key], undefined, key);
      }
      assert.equal(r.inputs["skipFinalSnapshot"], true);
      assert.equal(r.inputs["availabilityZone"], "us-east-1b");
      for (const key of [
        "storageEncrypted",
        "publiclyAccessible",
        "deletionProtection",
        "caCertIdentifier",
        "iamDatabaseAuthenticationEnabled",
        "monitoringInterval",
        "monitoringRoleArn",
        "enabledCloudwatchLogsExports",
        "parameterGroupName",
        "vpcSecurityGroupIds",
        "dbSubnetGroupName",
        "autoMinorVersionUpgrade",
        "copyTagsToSnapshot",
      ]) {
        assert.deepEqual(r.inputs[key], p.inputs[key], key);
      }
    });

    it("lets only the client group in on 3306 and lets nothing out", () => {
      const sg = g.get("aws:ec2/securityGroup:SecurityGroup", "db-mysql");
      const ingress = g
        .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .filter((r) => r.inputs["securityGroupId"] === sg.id);
      assert.deepEqual(
        ingress.map((r) => [
          g.byId(r.inputs["referencedSecurityGroupId"])?.name,
          r.inputs["ipProtocol"],
          r.inputs["fromPort"],
          r.inputs["toPort"],
          r.inputs["cidrIpv4"],
        ]),
        [["client", "tcp", 3306, 3306, undefined]],
      );
      assert.equal(
        g.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs["securityGroupId"] === sg.id).length,
        0,
      );
      assert.deepEqual(g.get(DB, "db-primary").inputs["vpcSecurityGroupIds"], [sg.id]);
    });

    it("uses a mysql8.4 parameter group that refuses unencrypted connections and logs slow queries to files", () => {
      const pg = g.get("aws:rds/parameterGroup:ParameterGroup", "db-mysql");
      assert.equal(pg.inputs["family"], "mysql8.4");
      assert.deepEqual(pg.inputs["parameters"], [
        { name: "require_secure_transport", value: "1" },
        { name: "slow_query_log", value: "1" },
        { name: "long_query_time", value: "1" },
        { name: "general_log", value: "0" },
        { name: "log_output", value: "FILE" },
      ]);
    });

    it("records logins and schema and privilege changes with the audit plugin option, on every instance", () => {
      const og = g.get("aws:rds/optionGroup:OptionGroup", "db-mysql");
      assert.equal(og.inputs["engineName"], "mysql");
      assert.equal(og.inputs["majorEngineVersion"], "8.4");
      assert.deepEqual(og.inputs["options"], [
        { optionName: "MARIADB_AUDIT_PLUGIN", optionSettings: [{ name: "SERVER_AUDIT_EVENTS", value: "CONNECT,QUERY_DDL,QUERY_DCL" }] },
      ]);
      assert.ok(g.ofType(DB).every((d) => d.inputs["optionGroupName"] === og.state["name"]));
    });

    it("spans the isolated subnets of 2 AZs with its subnet group", () => {
      const group = g.get("aws:rds/subnetGroup:SubnetGroup", "db-subnets");
      assert.deepEqual(
        (group.inputs["subnetIds"] as string[]).map((id) => g.byId(id)?.name),
        ["net-database-0", "net-database-1"],
      );
    });

    it("creates the log groups RDS writes to, with a retention, before the instances", () => {
      const p = g.get(DB, "db-primary");
      const groups = g.ofType("aws:cloudwatch/logGroup:LogGroup").filter((l) => l.name.startsWith("db-primary-"));
      assert.deepEqual(
        groups.map((l) => l.inputs["name"]),
        ["audit", "error", "general", "slowquery"].map((t) => `/aws/rds/instance/${String(p.state["identifier"])}/${t}`),
      );
      assert.ok(groups.every((l) => l.inputs["retentionInDays"] === 365 && p.dependencies.includes(l.urn)));
    });

    it("keeps the credentials in a Secrets Manager secret, as a Pulumi secret", () => {
      const version = g.get("aws:secretsmanager/secretVersion:SecretVersion", "db-credentials");
      assert.deepEqual(version.secretPaths, ["secretString"]);
      const doc = JSON.parse(String(version.inputs["secretString"])) as Record<string, unknown>;
      assert.deepEqual(Object.keys(doc).sort(), ["dbname", "engine", "host", "password", "port", "username"]);
      assert.equal(doc["password"], g.get(DB, "db-primary").inputs["password"]);
      assert.equal(version.inputs["secretId"], g.get("aws:secretsmanager/secret:Secret", "db-credentials").id);
    });

    it("publishes the app contract as plain SSM parameters: writer, readers, port, database and the secret's ARN", () => {
      const params = Object.fromEntries(
        g.ofType("aws:ssm/parameter:Parameter").map((p) => [p.inputs["name"], [p.inputs["type"], p.inputs["value"]]]),
      );
      const writer = String(g.get(DB, "db-primary").state["address"]);
      const reader = String(g.get(DB, "db-replica-0").state["address"]);
      assert.deepEqual(params, {
        "/web-infra/test/db/writer-endpoint": ["String", writer],
        "/web-infra/test/db/reader-endpoints": ["StringList", reader],
        "/web-infra/test/db/port": ["String", "3306"],
        "/web-infra/test/db/database-name": ["String", "app"],
        "/web-infra/test/db/secret-arn": ["String", g.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"]],
      });
      // The AWS SDK marks every parameter value secret in Pulumi state; what matters is that none holds the password.
      const password = String(g.get(DB, "db-primary").inputs["password"]);
      assert.ok(g.ofType("aws:ssm/parameter:Parameter").every((p) => !String(p.inputs["value"]).includes(password)));
    });

    it("grants a role exactly those parameters and that secret, by ARN", () => {
      const policy = g.get("aws:iam/rolePolicy:RolePolicy", "db-read-app");
      assert.equal(policy.inputs["role"], g.get("aws:iam/role:Role", "app").state["name"]);
      const doc = JSON.parse(String(policy.inputs["policy"])) as { Statement: Record<string, unknown>[] };
      assert.deepEqual(doc.Statement, [
        {
          Sid: "ReadDatabaseContract",
          Effect: "Allow",
          Action: ["ssm:GetParameter", "ssm:GetParameters"],
          Resource: ["writer-endpoint", "reader-endpoints", "port", "database-name", "secret-arn"].map(
            (key) => `arn:aws:ssm:us-east-1:123456789012:parameter/web-infra/test/db/${key}`,
          ),
        },
        {
          Sid: "ReadDatabaseCredentials",
          Effect: "Allow",
          Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
          Resource: g.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"],
        },
      ]);
    });

    it("protects the instances, the password and the secret by default", () => {
      for (const [type, name] of [
        [DB, "db-primary"],
        [DB, "db-replica-0"],
        ["random:index/randomPassword:RandomPassword", "db-master"],
        ["aws:secretsmanager/secret:Secret", "db-credentials"],
      ]) {
        assert.equal(g.get(type, name).options.protect, true, name);
      }
    });

    it("exposes the instances' identifiers the way Monitoring takes them", () => {
      assert.deepEqual(g.outputs["identifiers"], {
        primary: g.get(DB, "db-primary").state["identifier"],
        replicas: [g.get(DB, "db-replica-0").state["identifier"]],
      });
    });

    it("outputs endpoints, never the password", () => {
      assert.equal(g.outputs["writer"], g.get(DB, "db-primary").state["address"]);
      assert.deepEqual(g.outputs["readers"], [g.get(DB, "db-replica-0").state["address"]]);
      const password = String(g.get(DB, "db-primary").inputs["password"]);
      assert.doesNotMatch(JSON.stringify(g.outputs), new RegExp(password.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    });
  });

  describe("options", () => {
    it("places a single-AZ primary in the first AZ and every replica in another", async () => {
      const g = await run({ multiAz: false, replicaCount: 2 });
      assert.equal(g.get(DB, "db-primary").inputs["availabilityZone"], "us-east-1a");
      assert.deepEqual(
        [g.get(DB, "db-replica-0").inputs["availabilityZone"], g.get(DB, "db-replica-1").inputs["availabilityZone"]],
        ["us-east-1b", "us-east-1b"],
      );
    });

    it("turns on Performance Insights where the class offers it", async () => {
      const g = await run({ instanceClass: "db.m7g.large" });
      assert.equal(g.get(DB, "db-primary").inputs["performanceInsightsEnabled"], true);
      assert.equal(g.get(DB, "db-replica-0").inputs["performanceInsightsEnabled"], true);
    });

    it("skips the final snapshot, monitoring and protection when asked (dev)", async () => {
      const g = await run({ skipFinalSnapshot: true, monitoringInterval: 0, protect: false, deletionProtection: false, replicaCount: 0 });
      const p = g.get(DB, "db-primary");
      assert.equal(p.inputs["skipFinalSnapshot"], true);
      assert.equal(p.inputs["finalSnapshotIdentifier"], undefined);
      assert.equal(p.inputs["monitoringRoleArn"], undefined);
      assert.equal(p.options.protect, false);
      assert.equal(g.ofType("aws:iam/role:Role").filter((r) => r.name === "db-monitoring").length, 0);
      const readers = g.ofType("aws:ssm/parameter:Parameter").find((x) => String(x.inputs["name"]).endsWith("reader-endpoints"));
      assert.equal(readers?.inputs["value"], p.state["address"], "with no replica, reads go to the primary");
      // As the property's JSDoc says: the output lists replicas only, the contract falls back to the writer.
      assert.deepEqual(g.get("web-infra:database:MysqlDatabase", "db").registeredOutputs?.["readerEndpoints"], []);
    });

    it("keeps every database URN when the class, storage and minor version change", async () => {
      const a = await run({ instanceClass: "db.t4g.micro", allocatedStorageGiB: 20 });
      const b = await run({
        instanceClass: "db.m7g.large",
        allocatedStorageGiB: 50,
        engineVersion: "8.4.7",
        autoMinorVersionUpgrade: false,
      });
      const urns = (g: RunResult) =>
        g.resources
          .filter((r) => r.urn.includes("MysqlDatabase"))
          .map((r) => r.urn)
          .sort();
      assert.deepEqual(urns(a), urns(b));
    });

    it("names the option group's major version, not the pinned minor release", async () => {
      const g = await run({ engineVersion: "8.4.7", autoMinorVersionUpgrade: false });
      assert.equal(g.get("aws:rds/optionGroup:OptionGroup", "db-mysql").inputs["majorEngineVersion"], "8.4");
      assert.equal(g.get("aws:rds/parameterGroup:ParameterGroup", "db-mysql").inputs["family"], "mysql8.4");
    });

    it("accepts the largest classes RDS for MySQL offers: 16xlarge on Graviton, 24xlarge on Intel", async () => {
      await assert.doesNotReject(run({ instanceClass: "db.r6g.12xlarge" }));
      await assert.doesNotReject(run({ instanceClass: "db.r6g.16xlarge", replicaInstanceClass: "db.m7i.24xlarge" }));
    });

    it("accepts an autoscaling ceiling exactly 10% above the allocation (22 for 20)", async () => {
      const g = await run({ allocatedStorageGiB: 20, maxAllocatedStorageGiB: 22 });
      assert.equal(g.get(DB, "db-primary").inputs["maxAllocatedStorage"], 22);
    });

    it("accepts a maintenance window with capitalised day names, as the provider does", async () => {
      await assert.doesNotReject(run({ maintenanceWindow: "Sun:04:00-Sun:05:00" }));
    });

    it("accepts the longest names whose identifiers and role name still fit", async () => {
      // 46 + "-replica-9-" + 6 hex = 63; the monitoring role would be 65, so it is off here.
      await assert.doesNotReject(run({ replicaCount: 10, monitoringInterval: 0 }, "d".repeat(46)));
      // 45 + "-monitoring-" + 7 random = 64.
      await assert.doesNotReject(run({}, "d".repeat(45)));
    });
  });

  describe("windows", () => {
    it("finds overlaps of the daily backup and weekly maintenance windows, across the week's end", () => {
      const maintenance = weeklyWindow("sun:23:30-mon:00:30");
      assert.ok(maintenance);
      assert.ok(dailyWindow("00:00-00:45")?.some((b) => overlaps(b, maintenance)));
      assert.ok(!dailyWindow("03:00-03:30")?.some((b) => overlaps(b, maintenance)));
      assert.equal(parameterFamily("8.4.7"), "mysql8.4");
    });

    it("reads whole windows only, with day names in any case", () => {
      assert.equal(dailyWindow("03:00-03:30-09:00"), undefined);
      assert.equal(weeklyWindow("sun:04:00-sun:05:00-mon:00:00"), undefined);
      assert.deepEqual(weeklyWindow("Sun:04:00-SUN:05:00"), weeklyWindow("sun:04:00-sun:05:00"));
      assert.equal(majorVersion("8.4.7"), "8.4");
      assert.equal(majorVersion("8.0"), "8.0");
    });
  });

  describe("validation", () => {
    it("fails when the engine version is unknown", async () => {
      assert.deepEqual(await problemKeys({ engineVersion: "8.5" }), ["engineVersion"]);
    });
    it("fails when a minor version is pinned while RDS applies minor upgrades", async () => {
      const err = await run({ engineVersion: "8.4.7" }).catch((e: unknown) => e);
      assert.match(String(err), /engineVersion must name a major line \(8\.4\) while autoMinorVersionUpgrade is on/);
    });
    it("fails when the instance class is unknown", async () => {
      assert.deepEqual(await problemKeys({ instanceClass: "db.x9.huge" }), ["instanceClass", "replicaInstanceClass"]);
    });
    it("fails when the replica class is unknown", async () => {
      assert.deepEqual(await problemKeys({ replicaInstanceClass: "db.t4g.mega" }), ["replicaInstanceClass"]);
    });
    it("fails when storage is below the gp3 minimum", async () => {
      assert.deepEqual(await problemKeys({ allocatedStorageGiB: 10 }), ["allocatedStorageGiB"]);
    });
    it("fails when the autoscaling ceiling is not above the allocation", async () => {
      assert.deepEqual(await problemKeys({ allocatedStorageGiB: 100, maxAllocatedStorageGiB: 100 }), ["maxAllocatedStorageGiB"]);
    });
    it("fails when the autoscaling ceiling is less than 10% above the allocation, which RDS refuses", async () => {
      assert.deepEqual(await problemKeys({ allocatedStorageGiB: 20, maxAllocatedStorageGiB: 21 }), ["maxAllocatedStorageGiB"]);
      const err = await run({ allocatedStorageGiB: 100, maxAllocatedStorageGiB: 105 }).catch((e: unknown) => e);
      assert.match(
        String(err),
        /maxAllocatedStorageGiB must be an integer from 110 to 65536, got 105\. RDS refuses an autoscaling ceiling/,
      );
    });
    it("fails when the instance class is larger than its family offers (db.r6g.24xlarge)", async () => {
      assert.deepEqual(await problemKeys({ instanceClass: "db.r6g.24xlarge" }), ["instanceClass", "replicaInstanceClass"]);
    });
    it("fails when there are more than 15 replicas", async () => {
      assert.deepEqual(await problemKeys({ replicaCount: 16 }), ["replicaCount"]);
    });
    it("fails when backups are off (a replica source needs them)", async () => {
      const err = await run({ backupRetentionDays: 0 }).catch((e: unknown) => e);
      assert.match(
        String(err),
        /backupRetentionDays must be an integer from 1 to 35, got 0\. A read replica's source needs automated backups/,
      );
    });
    it("fails when the backup window is malformed", async () => {
      assert.deepEqual(await problemKeys({ backupWindow: "3am-4am" }), ["backupWindow"]);
    });
    it("fails when the backup window has a third part (03:00-03:30-09:00)", async () => {
      assert.deepEqual(await problemKeys({ backupWindow: "03:00-03:30-09:00" }), ["backupWindow"]);
    });
    it("fails when the maintenance window has a third part", async () => {
      assert.deepEqual(await problemKeys({ maintenanceWindow: "sun:04:00-sun:05:00-mon:00:00" }), ["maintenanceWindow"]);
    });
    it("fails when the backup window is shorter than 30 minutes", async () => {
      assert.deepEqual(await problemKeys({ backupWindow: "03:00-03:15" }), ["backupWindow"]);
    });
    it("fails when the maintenance window is malformed", async () => {
      assert.deepEqual(await problemKeys({ maintenanceWindow: "sunday 4am" }), ["maintenanceWindow"]);
    });
    it("fails when the backup and maintenance windows overlap", async () => {
      const err = await run({ backupWindow: "03:00-04:00", maintenanceWindow: "mon:03:30-mon:04:30" }).catch((e: unknown) => e);
      assert.match(String(err), /maintenanceWindow must not overlap the backup window 03:00-04:00/);
    });
    it("fails when the monitoring interval is not one RDS accepts", async () => {
      assert.deepEqual(await problemKeys({ monitoringInterval: 7 }), ["monitoringInterval"]);
    });
    it("fails when the log retention is not positive", async () => {
      assert.deepEqual(await problemKeys({ logRetentionDays: 0 }), ["logRetentionDays"]);
    });
    it("fails when the log retention is not a period CloudWatch accepts (100)", async () => {
      const err = await run({ logRetentionDays: 100 }).catch((e: unknown) => e);
      assert.match(String(err), /logRetentionDays must be one of 1, 3, 5, .*, 3653, got 100\. CloudWatch Logs accepts only these periods/);
    });
    it("fails when the port is outside what RDS for MySQL accepts", async () => {
      assert.deepEqual(await problemKeys({ port: 80 }), ["port"]);
    });
    it("fails when the database name is not a MySQL identifier", async () => {
      assert.deepEqual(await problemKeys({ databaseName: "my-app" }), ["databaseName"]);
    });
    it("fails when the user name is reserved", async () => {
      assert.deepEqual(await problemKeys({ username: "admin" }), ["username"]);
    });
    it("fails when the user name is longer than 16 characters", async () => {
      assert.deepEqual(await problemKeys({ username: "a".repeat(17) }), ["username"]);
    });
    it("fails when fewer than 2 subnets are given", async () => {
      const err = await runProgram(
        () => {
          new MysqlDatabase("db", { vpcId: "vpc-1", subnetIds: ["subnet-1"], availabilityZones: ["us-east-1a"] });
        },
        { stack: "test" },
      ).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["subnetIds"],
      );
    });
    it("fails when the AZ list does not match the subnets", async () => {
      const err = await runProgram(
        () => {
          new MysqlDatabase("db", { vpcId: "vpc-1", subnetIds: ["subnet-1", "subnet-2"], availabilityZones: ["us-east-1a"] });
        },
        { stack: "test" },
      ).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["availabilityZones"],
      );
    });
    it("fails when the secret recovery window is out of range", async () => {
      assert.deepEqual(await problemKeys({ secretRecoveryWindowDays: 31 }), ["secretRecoveryWindowDays"]);
    });
    it("fails when the secret recovery window is 1–6 days, which Secrets Manager refuses", async () => {
      assert.deepEqual(await problemKeys({ secretRecoveryWindowDays: 3 }), ["secretRecoveryWindowDays"]);
      await assert.doesNotReject(run({ secretRecoveryWindowDays: 0 }));
      await assert.doesNotReject(run({ secretRecoveryWindowDays: 7 }));
    });
    it("fails when the parameter path is not an SSM path", async () => {
      assert.deepEqual(await problemKeys({ parameterPath: "web-infra/db" }), ["parameterPath"]);
    });
    it("fails when the name has upper case, which RDS identifiers may not", async () => {
      const err = await run({}, "Db").catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["name"],
      );
      assert.match(err.message, /name must start with a lowercase letter and hold only lowercase letters, digits and single hyphens/);
    });
    for (const name of ["1db", "db-", "db--main", "db_main"]) {
      it(`fails when the name would make an identifier the provider refuses (${name})`, async () => {
        assert.deepEqual(await problemKeys({}, name), ["name"]);
      });
    }
    it("fails when the name leaves no room in the identifier for the replica index and the suffix", async () => {
      // 46 + "-replica-10-" + 6 hex = 64.
      const err = await run({ replicaCount: 11, monitoringInterval: 0 }, "d".repeat(46)).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["name"],
      );
      assert.match(
        err.message,
        /the DB instance identifier "d{46}-replica-10-x{6}" \(x = random\) would be 64 characters, over the limit of 63, got "d{46}"\. Shorten the component name by 1 character\./,
      );
    });
    it("fails when the name is too long for the monitoring role the provider auto-names", async () => {
      const err = await run({}, "d".repeat(46)).catch((e: unknown) => e);
      assert.match(
        String(err),
        /the IAM role name "d{46}-monitoring-x{7}" \(x = random\) would be 65 characters, over the limit of 64, got "d{46}"\. Shorten the component name by 1 character\./,
      );
    });
  });
});
