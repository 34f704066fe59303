import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { fired, messages, subjects } from "./support";

const MONITORING_ROLE = "arn:aws:iam::123456789012:role/rds-monitoring";

/** A VPC with two non-overlapping subnets in two zones of us-east-1. */
function network(name = "vpc", octet = 0, zones: [string, string] = ["us-east-1a", "us-east-1b"]) {
  const vpc = new aws.ec2.Vpc(name, { cidrBlock: `10.${octet}.0.0/16` });
  const a = new aws.ec2.Subnet(`${name}-a`, { vpcId: vpc.id, cidrBlock: `10.${octet}.0.0/24`, availabilityZone: zones[0] });
  const b = new aws.ec2.Subnet(`${name}-b`, { vpcId: vpc.id, cidrBlock: `10.${octet}.1.0/24`, availabilityZone: zones[1] });
  return { vpc, a, b };
}

/** The good primary: MySQL 8.4 on gp3 with backups and non-overlapping windows. */
function primaryArgs(subnetGroup: aws.rds.SubnetGroup, parameterGroup: aws.rds.ParameterGroup): aws.rds.InstanceArgs {
  return {
    engine: "mysql",
    engineVersion: "8.4",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    maxAllocatedStorage: 100,
    storageType: "gp3",
    username: "webinfra",
    password: "Str0ng!Passw0rd",
    dbSubnetGroupName: subnetGroup.name,
    parameterGroupName: parameterGroup.name,
    backupRetentionPeriod: 1,
    backupWindow: "03:00-03:30",
    maintenanceWindow: "sun:04:00-sun:05:00",
    skipFinalSnapshot: true,
    identifier: "db-primary",
  };
}

interface DatabaseOptions {
  /** Overrides on the primary's arguments (an `undefined` value removes the argument). */
  primary?: Partial<aws.rds.InstanceArgs>;
  /** Overrides on the replica's arguments; `null` leaves the replica out. */
  replica?: Partial<aws.rds.InstanceArgs> | null;
  /** How the replica names its source. @default "arn" */
  sourceBy?: "arn" | "identifier";
  /** Family of the parameter group the primary uses. @default "mysql8.4" */
  family?: string;
  /** When set, the replica gets its own parameter group of this family. */
  replicaFamily?: string;
}

/** The good baseline (network, subnet group, parameter group, primary, replica) with the given changes. */
function database(opts: DatabaseOptions = {}) {
  return () => {
    const net = network();
    const subnetGroup = new aws.rds.SubnetGroup("db", { subnetIds: [net.a.id, net.b.id] });
    const parameterGroup = new aws.rds.ParameterGroup("mysql", { family: opts.family ?? "mysql8.4" });
    const primary = new aws.rds.Instance("primary", { ...primaryArgs(subnetGroup, parameterGroup), ...opts.primary });
    if (opts.replica === null) return;
    const replicaGroup =
      opts.replicaFamily === undefined ? undefined : new aws.rds.ParameterGroup("replica", { family: opts.replicaFamily });
    new aws.rds.Instance("replica", {
      replicateSourceDb: opts.sourceBy === "identifier" ? primary.identifier : primary.arn,
      instanceClass: "db.t4g.micro",
      skipFinalSnapshot: true,
      identifier: "db-replica",
      ...(replicaGroup ? { parameterGroupName: replicaGroup.name } : {}),
      ...opts.replica,
    });
  };
}

/** A subnet group over the given subnets, and a primary in it. */
function subnetGroupOver(subnets: (net: { a: aws.ec2.Subnet; b: aws.ec2.Subnet }) => aws.ec2.Subnet[], zones?: [string, string]) {
  return () => {
    const net = network("vpc", 0, zones);
    const subnetGroup = new aws.rds.SubnetGroup("db", { subnetIds: subnets(net).map((s) => s.id) });
    const parameterGroup = new aws.rds.ParameterGroup("mysql", { family: "mysql8.4" });
    new aws.rds.Instance("primary", primaryArgs(subnetGroup, parameterGroup));
  };
}

describe("AWS database rules", () => {
  it("stays quiet on the baseline: subnet group, parameter group, primary and a replica by ARN", async () => {
    const { rules, g } = await fired(database());
    assert.deepEqual(rules, []);
    assert.equal(g.ofType("aws:rds/instance:Instance").length, 2);
  });

  it("stays quiet on the baseline with the replica naming its source by identifier", async () => {
    const { rules } = await fired(database({ sourceBy: "identifier" }));
    assert.deepEqual(rules, []);
  });

  describe("rds-replica-source-backups", () => {
    it("fails when the source has backupRetentionPeriod 0", async () => {
      const { rules, g } = await fired(database({ primary: { backupRetentionPeriod: 0 } }));
      assert.deepEqual(rules, ["rds-replica-source-backups"]);
      assert.deepEqual(subjects(g, "rds-replica-source-backups"), ["replica"]);
      assert.match(
        messages(g, "rds-replica-source-backups"),
        /^source primary has backupRetentionPeriod 0; a replica needs automated backups on its source \(set ≥ 1\)$/,
      );
    });

    it("fails when the source, named by identifier, has backupRetentionPeriod 0", async () => {
      const { rules, g } = await fired(database({ sourceBy: "identifier", primary: { backupRetentionPeriod: 0 } }));
      assert.deepEqual(rules, ["rds-replica-source-backups"]);
      assert.match(messages(g, "rds-replica-source-backups"), /source primary has backupRetentionPeriod 0/);
    });

    it("fails when replicateSourceDb is not a DB instance of the program", async () => {
      const { rules, g } = await fired(database({ replica: { replicateSourceDb: "db-elsewhere" } }));
      assert.deepEqual(rules, ["rds-replica-source-backups"]);
      assert.match(messages(g, "rds-replica-source-backups"), /^replicateSourceDb db-elsewhere is not a DB instance of this program$/);
    });

    it("stays quiet when the source leaves backupRetentionPeriod to the API default", async () => {
      const { rules } = await fired(database({ primary: { backupRetentionPeriod: undefined } }));
      assert.deepEqual(rules, []);
    });

    it("stays quiet when a primary without a replica has backupRetentionPeriod 0", async () => {
      const { rules } = await fired(database({ primary: { backupRetentionPeriod: 0 }, replica: null }));
      assert.deepEqual(rules, []);
    });
  });

  describe("rds-replica-credentials", () => {
    it("fails when the replica sets username", async () => {
      const { rules, g } = await fired(database({ replica: { username: "webinfra" } }));
      assert.deepEqual(rules, ["rds-replica-credentials"]);
      assert.match(messages(g, "rds-replica-credentials"), /^a replica may not set username: it shares the source's users$/);
    });

    it("fails when the replica sets password", async () => {
      const { rules, g } = await fired(database({ replica: { password: "Str0ng!Passw0rd" } }));
      assert.deepEqual(rules, ["rds-replica-credentials"]);
      assert.match(messages(g, "rds-replica-credentials"), /^a replica may not set password: it shares the source's users$/);
    });

    it("fails when the replica sets manageMasterUserPassword", async () => {
      const { rules, g } = await fired(database({ replica: { manageMasterUserPassword: true } }));
      assert.deepEqual(rules, ["rds-replica-credentials"]);
      assert.match(
        messages(g, "rds-replica-credentials"),
        /^a replica may not set manageMasterUserPassword: it shares the source's users$/,
      );
    });

    it("fails when the MySQL source has manageMasterUserPassword enabled", async () => {
      const { rules, g } = await fired(database({ primary: { password: undefined, manageMasterUserPassword: true } }));
      assert.deepEqual(rules, ["rds-replica-credentials"]);
      assert.deepEqual(subjects(g, "rds-replica-credentials"), ["replica"]);
      assert.match(
        messages(g, "rds-replica-credentials"),
        /^Creating read replicas for source instance with engine mysql where ManageMasterUserPassword is enabled is not supported \(source primary\); generate the password instead$/,
      );
    });

    it("stays quiet when the replica sets manageMasterUserPassword false", async () => {
      const { rules } = await fired(database({ replica: { manageMasterUserPassword: false } }));
      assert.deepEqual(rules, []);
    });

    it("stays quiet on a primary with manageMasterUserPassword and no replica", async () => {
      const { rules } = await fired(database({ primary: { password: undefined, manageMasterUserPassword: true }, replica: null }));
      assert.deepEqual(rules, []);
    });
  });

  describe("rds-master-password", () => {
    it("fails when the password is shorter than 8 characters", async () => {
      const { rules, g } = await fired(database({ primary: { password: "Sh0rt!x" } }));
      assert.deepEqual(rules, ["rds-master-password"]);
      assert.match(messages(g, "rds-master-password"), /^the master password is 7 characters; RDS for MySQL accepts 8–41$/);
    });

    it("fails when the password is longer than 41 characters", async () => {
      const { rules, g } = await fired(database({ primary: { password: "A1!" + "x".repeat(39) } }));
      assert.deepEqual(rules, ["rds-master-password"]);
      assert.match(messages(g, "rds-master-password"), /^the master password is 42 characters; RDS for MySQL accepts 8–41$/);
    });

    for (const [label, char] of [
      ["a slash", "/"],
      ["a double quote", '"'],
      ["an at sign", "@"],
      ["a space", " "],
    ]) {
      it(`fails when the password contains ${label}`, async () => {
        const { rules, g } = await fired(database({ primary: { password: `Str0ng${char}Passw0rd` } }));
        assert.deepEqual(rules, ["rds-master-password"]);
        const quoted = JSON.stringify(char).replace(/[\\"]/g, "\\$&");
        assert.match(messages(g, "rds-master-password"), new RegExp(`^the master password contains characters RDS refuses: ${quoted}$`));
      });
    }

    it("stays quiet on passwords of exactly 8 and 41 printable characters", async () => {
      for (const password of ["Abcdef1!", "A1!" + "x".repeat(38)]) {
        const { rules } = await fired(database({ primary: { password } }));
        assert.deepEqual(rules, [], password);
      }
    });
  });

  describe("rds-identifier", () => {
    it("fails when the identifier is over 63 characters, through physical-name-limits alone", async () => {
      const identifier = "db-" + "a".repeat(61);
      const { rules, g } = await fired(database({ primary: { identifier }, replica: null }));
      assert.deepEqual(rules, ["physical-name-limits"]);
      assert.match(
        messages(g, "physical-name-limits"),
        new RegExp(
          `^DB instance identifier "${identifier}" \\(given\\) is 64 characters; the limit is 63\\. Shorten the identifier to at most 63 characters$`,
        ),
      );
    });

    it("fails when the identifier has upper case, which the provider refuses", async () => {
      const { rules, g } = await fired(database({ primary: { identifier: "DB-Primary" }, replica: null }));
      assert.deepEqual(rules, ["rds-identifier"]);
      assert.match(messages(g, "rds-identifier"), /^identifier "DB-Primary" may hold only lowercase letters, digits and hyphens$/);
    });

    it("fails when the identifier does not start with a letter", async () => {
      const { rules, g } = await fired(database({ primary: { identifier: "1db-primary" }, replica: null }));
      assert.deepEqual(rules, ["rds-identifier"]);
      assert.match(messages(g, "rds-identifier"), /^identifier "1db-primary" must start with a letter$/);
    });

    it("fails when the identifier has two consecutive hyphens", async () => {
      const { rules, g } = await fired(database({ primary: { identifier: "db--primary" }, replica: null }));
      assert.deepEqual(rules, ["rds-identifier"]);
      assert.match(messages(g, "rds-identifier"), /^identifier "db--primary" may not contain two consecutive hyphens or end with one$/);
    });

    it("fails when the identifier ends with a hyphen", async () => {
      const { rules, g } = await fired(database({ primary: { identifier: "db-primary-" }, replica: null }));
      assert.deepEqual(rules, ["rds-identifier"]);
      assert.match(messages(g, "rds-identifier"), /^identifier "db-primary-" may not contain two consecutive hyphens or end with one$/);
    });

    it("fails when the identifier has an underscore", async () => {
      const { rules, g } = await fired(database({ primary: { identifier: "db_primary" }, replica: null }));
      assert.deepEqual(rules, ["rds-identifier"]);
      assert.match(messages(g, "rds-identifier"), /^identifier "db_primary" may hold only lowercase letters, digits and hyphens$/);
    });

    it("fails on the replica's identifier too", async () => {
      const { rules, g } = await fired(database({ replica: { identifier: "db_replica" } }));
      assert.deepEqual(rules, ["rds-identifier"]);
      assert.deepEqual(subjects(g, "rds-identifier"), ["replica"]);
    });

    it("stays quiet on a 63-character identifier and on an auto-named one", async () => {
      const { rules } = await fired(database({ primary: { identifier: "db-" + "a".repeat(60) }, replica: null }));
      assert.deepEqual(rules, []);
      const auto = await fired(database({ primary: { identifier: undefined }, replica: null }));
      assert.deepEqual(auto.rules, []);
      assert.match(String(auto.g.get("aws:rds/instance:Instance", "primary").state["identifier"]), /^primary-[0-9a-f]{7}$/);
    });
  });

  describe("rds-parameter-group-family", () => {
    it("fails when a mysql8.0 parameter group meets engineVersion 8.4", async () => {
      const { rules, g } = await fired(database({ family: "mysql8.0", replica: null }));
      assert.deepEqual(rules, ["rds-parameter-group-family"]);
      assert.match(
        messages(g, "rds-parameter-group-family"),
        /^parameter group mysql is family mysql8\.0 but engine version 8\.4 needs mysql8\.4$/,
      );
    });

    it("fails when a replica inheriting 8.4 from its source uses a mysql8.0 group", async () => {
      const { rules, g } = await fired(database({ replicaFamily: "mysql8.0" }));
      assert.deepEqual(rules, ["rds-parameter-group-family"]);
      assert.deepEqual(subjects(g, "rds-parameter-group-family"), ["replica"]);
      assert.match(
        messages(g, "rds-parameter-group-family"),
        /^parameter group replica is family mysql8\.0 but engine version 8\.4 needs mysql8\.4$/,
      );
    });

    it("stays quiet on a mysql8.4 group for a patch version and a replica group of the source's family", async () => {
      const { rules } = await fired(database({ primary: { engineVersion: "8.4.5" }, replicaFamily: "mysql8.4" }));
      assert.deepEqual(rules, []);
    });

    it("stays quiet on a mysql8.0 group for engineVersion 8.0.40", async () => {
      const { rules } = await fired(database({ family: "mysql8.0", primary: { engineVersion: "8.0.40" } }));
      assert.deepEqual(rules, []);
    });
  });

  describe("rds-storage", () => {
    it("fails when gp3 allocatedStorage is 10 GiB", async () => {
      const { rules, g } = await fired(database({ primary: { allocatedStorage: 10 } }));
      assert.deepEqual(rules, ["rds-storage"]);
      assert.match(messages(g, "rds-storage"), /^allocatedStorage 10 GiB is outside gp3's 20–65536 GiB for MySQL$/);
    });

    it("fails when maxAllocatedStorage equals allocatedStorage", async () => {
      const { rules, g } = await fired(database({ primary: { maxAllocatedStorage: 20 } }));
      assert.deepEqual(rules, ["rds-storage"]);
      assert.match(
        messages(g, "rds-storage"),
        /^maxAllocatedStorage 20 must be greater than allocatedStorage 20 \(InvalidParameterCombination\)$/,
      );
    });

    it("fails when maxAllocatedStorage is less than 10% above allocatedStorage (21 for 20)", async () => {
      const { rules, g } = await fired(database({ primary: { maxAllocatedStorage: 21 } }));
      assert.deepEqual(rules, ["rds-storage"]);
      assert.match(
        messages(g, "rds-storage"),
        /^maxAllocatedStorage 21 must be at least 10% above allocatedStorage 20, i\.e\. ≥ 22 \(InvalidParameterCombination: The maximum allocated storage must be increased by at least 10 percent\)$/,
      );
    });

    it("fails when maxAllocatedStorage 105 is less than 10% above allocatedStorage 100", async () => {
      const { rules, g } = await fired(database({ primary: { allocatedStorage: 100, maxAllocatedStorage: 105 } }));
      assert.deepEqual(rules, ["rds-storage"]);
      assert.match(messages(g, "rds-storage"), /^maxAllocatedStorage 105 must be at least 10% above allocatedStorage 100, i\.e\. ≥ 110 /);
    });

    it("stays quiet on maxAllocatedStorage exactly 10% above allocatedStorage (22 for 20)", async () => {
      const { rules } = await fired(database({ primary: { maxAllocatedStorage: 22 } }));
      assert.deepEqual(rules, []);
    });

    it("fails when a primary has no allocatedStorage", async () => {
      const { rules, g } = await fired(database({ primary: { allocatedStorage: undefined, maxAllocatedStorage: undefined } }));
      assert.deepEqual(rules, ["rds-storage"]);
      assert.match(messages(g, "rds-storage"), /^allocatedStorage must be set on a primary$/);
    });

    it("stays quiet on 20 GiB gp3 without autoscaling, and on a replica without storage settings", async () => {
      const { rules } = await fired(database({ primary: { maxAllocatedStorage: undefined } }));
      assert.deepEqual(rules, []);
    });
  });

  describe("rds-multi-az-az", () => {
    it("fails when a Multi-AZ instance names an availability zone", async () => {
      const { rules, g } = await fired(database({ primary: { multiAz: true, availabilityZone: "us-east-1a" } }));
      assert.deepEqual(rules, ["rds-multi-az-az"]);
      assert.match(
        messages(g, "rds-multi-az-az"),
        /^multiAz with availabilityZone us-east-1a: requesting a specific availability zone is not valid for Multi-AZ instances$/,
      );
    });

    it("stays quiet on Multi-AZ without a zone, and on a zone without Multi-AZ", async () => {
      assert.deepEqual((await fired(database({ primary: { multiAz: true } }))).rules, []);
      assert.deepEqual((await fired(database({ primary: { availabilityZone: "us-east-1a" } }))).rules, []);
    });
  });

  describe("rds-subnet-group-azs", () => {
    it("fails when both subnets are in one AZ", async () => {
      const { rules, g } = await fired(subnetGroupOver((n) => [n.a, n.b], ["us-east-1a", "us-east-1a"]));
      assert.deepEqual(rules, ["rds-subnet-group-azs"]);
      assert.match(
        messages(g, "rds-subnet-group-azs"),
        /^DBSubnetGroupDoesNotCoverEnoughAZs: the subnets cover 1 AZ; at least 2 are needed$/,
      );
    });

    it("fails when the group has a single subnet", async () => {
      const { rules, g } = await fired(subnetGroupOver((n) => [n.a]));
      assert.deepEqual(rules, ["rds-subnet-group-azs"]);
      assert.match(messages(g, "rds-subnet-group-azs"), /the subnets cover 1 AZ; at least 2 are needed/);
    });

    it("fails when the subnets belong to two VPCs", async () => {
      const { rules, g } = await fired(() => {
        const one = network("one", 0);
        const two = network("two", 1);
        const subnetGroup = new aws.rds.SubnetGroup("db", { subnetIds: [one.a.id, two.b.id] });
        const parameterGroup = new aws.rds.ParameterGroup("mysql", { family: "mysql8.4" });
        new aws.rds.Instance("primary", primaryArgs(subnetGroup, parameterGroup));
      });
      assert.deepEqual(rules, ["rds-subnet-group-azs"]);
      assert.match(messages(g, "rds-subnet-group-azs"), /^the subnets belong to 2 VPCs; a DB subnet group lives in one$/);
    });

    it("stays quiet on two subnets of one VPC in two AZs", async () => {
      const { rules } = await fired(subnetGroupOver((n) => [n.a, n.b]));
      assert.deepEqual(rules, []);
    });
  });

  describe("rds-windows", () => {
    it("fails when the backup window is malformed", async () => {
      const { rules, g } = await fired(database({ primary: { backupWindow: "3:00-03:30" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(messages(g, "rds-windows"), /^backupWindow "3:00-03:30" must be hh:mm-hh:mm in UTC$/);
    });

    it("fails when the backup window has a third part (03:00-03:30-09:00)", async () => {
      const { rules, g } = await fired(database({ primary: { backupWindow: "03:00-03:30-09:00" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(messages(g, "rds-windows"), /^backupWindow "03:00-03:30-09:00" must be hh:mm-hh:mm in UTC$/);
    });

    it("fails when the maintenance window has a third part", async () => {
      const { rules, g } = await fired(database({ primary: { maintenanceWindow: "sun:04:00-sun:05:00-mon:00:00" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(messages(g, "rds-windows"), /^maintenanceWindow "sun:04:00-sun:05:00-mon:00:00" must be ddd:hh:mm-ddd:hh:mm in UTC$/);
    });

    it("fails when the backup window is shorter than 30 minutes", async () => {
      const { rules, g } = await fired(database({ primary: { backupWindow: "03:00-03:29" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(messages(g, "rds-windows"), /^backupWindow "03:00-03:29" must last at least 30 minutes$/);
    });

    it("fails when the maintenance window is malformed", async () => {
      const { rules, g } = await fired(database({ primary: { maintenanceWindow: "sunday:04:00-sunday:05:00" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(messages(g, "rds-windows"), /^maintenanceWindow "sunday:04:00-sunday:05:00" must be ddd:hh:mm-ddd:hh:mm in UTC$/);
    });

    it("fails when the maintenance window is shorter than 30 minutes", async () => {
      const { rules, g } = await fired(database({ primary: { maintenanceWindow: "sun:04:00-sun:04:20" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(messages(g, "rds-windows"), /^maintenanceWindow "sun:04:00-sun:04:20" must last at least 30 minutes$/);
    });

    it("fails when the daily backup window 03:00-04:00 overlaps maintenance mon:03:30-mon:04:30", async () => {
      const { rules, g } = await fired(database({ primary: { backupWindow: "03:00-04:00", maintenanceWindow: "mon:03:30-mon:04:30" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(
        messages(g, "rds-windows"),
        /^The backup window 03:00-04:00 and maintenance window mon:03:30-mon:04:30 must not overlap$/,
      );
    });

    it("fails when a backup window across midnight overlaps maintenance early on Monday", async () => {
      const { rules, g } = await fired(database({ primary: { backupWindow: "23:45-00:15", maintenanceWindow: "mon:00:00-mon:00:30" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(messages(g, "rds-windows"), /The backup window 23:45-00:15 and maintenance window mon:00:00-mon:00:30 must not overlap/);
    });

    it("fails when maintenance sun:23:30-mon:00:30 wraps the week end into backup 00:00-00:45", async () => {
      const { rules, g } = await fired(database({ primary: { backupWindow: "00:00-00:45", maintenanceWindow: "sun:23:30-mon:00:30" } }));
      assert.deepEqual(rules, ["rds-windows"]);
      assert.match(messages(g, "rds-windows"), /The backup window 00:00-00:45 and maintenance window sun:23:30-mon:00:30 must not overlap/);
    });

    it("stays quiet when backup 03:00-04:00 and maintenance mon:04:30-mon:05:30 do not overlap", async () => {
      const { rules } = await fired(database({ primary: { backupWindow: "03:00-04:00", maintenanceWindow: "mon:04:30-mon:05:30" } }));
      assert.deepEqual(rules, []);
    });

    it("stays quiet on capitalised day names, which the provider lower-cases", async () => {
      const { rules } = await fired(database({ primary: { maintenanceWindow: "Sun:04:00-SUN:05:00" } }));
      assert.deepEqual(rules, []);
    });

    it("stays quiet when maintenance sun:23:30-mon:00:30 wraps the week end clear of backup 01:00-01:30", async () => {
      const { rules } = await fired(database({ primary: { backupWindow: "01:00-01:30", maintenanceWindow: "sun:23:30-mon:00:30" } }));
      assert.deepEqual(rules, []);
    });
  });

  describe("rds-instance-options", () => {
    it("fails when the engine version is unknown (8.5)", async () => {
      // A version RDS does not offer; the parameter group's family follows it so only this rule speaks.
      const { rules, g } = await fired(database({ family: "mysql8.5", primary: { engineVersion: "8.5" } }));
      assert.deepEqual(rules, ["rds-instance-options"]);
      assert.deepEqual(subjects(g, "rds-instance-options"), ["primary"]);
      assert.match(messages(g, "rds-instance-options"), /^Cannot find version 8\.5 for mysql \(InvalidParameterCombination\)$/);
    });

    it("fails when the instance class is unknown (db.x9.huge)", async () => {
      const { rules, g } = await fired(database({ primary: { instanceClass: "db.x9.huge" } }));
      assert.deepEqual(rules, ["rds-instance-options"]);
      assert.match(messages(g, "rds-instance-options"), /^instance class db\.x9\.huge is not offered for RDS for MySQL$/);
    });

    it("fails when a replica's instance class is unknown", async () => {
      const { rules, g } = await fired(database({ replica: { instanceClass: "db.x9.huge" } }));
      assert.deepEqual(rules, ["rds-instance-options"]);
      assert.deepEqual(subjects(g, "rds-instance-options"), ["replica"]);
      assert.match(messages(g, "rds-instance-options"), /^instance class db\.x9\.huge is not offered for RDS for MySQL$/);
    });

    it("fails when the class is bigger than a Graviton family goes (db.r6g.24xlarge)", async () => {
      const { rules, g } = await fired(database({ primary: { instanceClass: "db.r6g.24xlarge" } }));
      assert.deepEqual(rules, ["rds-instance-options"]);
      assert.match(messages(g, "rds-instance-options"), /^instance class db\.r6g\.24xlarge is not offered for RDS for MySQL$/);
    });

    it("stays quiet on db.r6g.12xlarge, db.r6g.16xlarge and db.m7i.24xlarge", async () => {
      for (const instanceClass of ["db.r6g.12xlarge", "db.r6g.16xlarge", "db.m7i.24xlarge"]) {
        const { rules } = await fired(database({ primary: { instanceClass } }));
        assert.deepEqual(rules, [], instanceClass);
      }
    });

    it("stays quiet on a replica of a non-MySQL source, as on the source itself", async () => {
      const { rules } = await fired(
        database({ primary: { engine: "postgres", instanceClass: "db.x9.huge" }, replica: { instanceClass: "db.x9.huge" } }),
      );
      assert.deepEqual(rules, []);
    });

    it("fails when caCertIdentifier is rds-ca-2019", async () => {
      const { rules, g } = await fired(database({ primary: { caCertIdentifier: "rds-ca-2019" } }));
      assert.deepEqual(rules, ["rds-instance-options"]);
      assert.match(messages(g, "rds-instance-options"), /^caCertIdentifier rds-ca-2019 is not a current RDS CA$/);
    });

    it("fails when monitoringInterval is 7", async () => {
      const { rules, g } = await fired(database({ primary: { monitoringInterval: 7, monitoringRoleArn: MONITORING_ROLE } }));
      assert.deepEqual(rules, ["rds-instance-options"]);
      assert.match(messages(g, "rds-instance-options"), /^monitoringInterval 7 must be 0, 1, 5, 10, 15, 30 or 60$/);
    });

    it("fails when monitoringInterval 60 has no monitoringRoleArn", async () => {
      const { rules, g } = await fired(database({ primary: { monitoringInterval: 60 } }));
      assert.deepEqual(rules, ["rds-instance-options"]);
      assert.match(messages(g, "rds-instance-options"), /^monitoringInterval > 0 needs monitoringRoleArn \(InvalidParameterCombination\)$/);
    });

    it("fails when Performance Insights is enabled on db.t4g.micro", async () => {
      const { rules, g } = await fired(database({ primary: { performanceInsightsEnabled: true } }));
      assert.deepEqual(rules, ["rds-instance-options"]);
      assert.match(
        messages(g, "rds-instance-options"),
        /^Performance Insights is not supported for db\.t4g\.micro \(InvalidParameterCombination\)$/,
      );
    });

    it("stays quiet on Performance Insights on db.m7g.large", async () => {
      const { rules } = await fired(database({ primary: { instanceClass: "db.m7g.large", performanceInsightsEnabled: true } }));
      assert.deepEqual(rules, []);
    });

    it("stays quiet on a current CA, a patch version and monitoringInterval 60 with its role", async () => {
      const { rules } = await fired(
        database({
          primary: {
            engineVersion: "8.4.5",
            caCertIdentifier: "rds-ca-rsa2048-g1",
            monitoringInterval: 60,
            monitoringRoleArn: MONITORING_ROLE,
          },
        }),
      );
      assert.deepEqual(rules, []);
    });
  });
});
