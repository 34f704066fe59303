import * as assert from "node:assert/strict";
import { stackConfig } from "@web-infra/testing";
import { loadSettings, Settings } from "../stacks/web/config";
import { ROOT, STACKS, stackGraph } from "./support";

const DB = "aws:rds/instance:Instance";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

for (const stack of STACKS) {
  describe(`whole stack, database: ${stack}`, () => {
    let s: Settings;
    before(() => {
      s = loadSettings(stack, stackConfig({ stack, projectDir: ROOT }).config);
    });

    it("runs the preset's primary exactly", async () => {
      const g = await stackGraph(stack);
      const p = g.get(DB, "db-primary");
      const expected: Record<string, unknown> = {
        engine: "mysql",
        engineVersion: s.dbEngineVersion,
        instanceClass: s.dbInstanceClass,
        storageType: "gp3",
        allocatedStorage: s.dbAllocatedStorageGiB,
        maxAllocatedStorage: s.dbMaxAllocatedStorageGiB,
        storageEncrypted: true,
        publiclyAccessible: false,
        multiAz: s.dbMultiAz,
        backupRetentionPeriod: s.dbBackupRetentionDays,
        deletionProtection: s.dbDeletionProtection,
        skipFinalSnapshot: s.dbSkipFinalSnapshot,
        iamDatabaseAuthenticationEnabled: true,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"],
        monitoringInterval: s.dbMonitoringInterval,
        port: s.dbPort,
        dbName: s.dbName,
      };
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(p.inputs[k], v, k);
      assert.ok(s.dbBackupRetentionDays >= 1);
      if (s.dbSkipFinalSnapshot) assert.equal(p.inputs["finalSnapshotIdentifier"], undefined);
      else assert.match(String(p.inputs["finalSnapshotIdentifier"]), /^db-primary-[0-9a-f]{6}-final$/);
      assert.equal(p.options.protect, s.protectStatefulResources);
    });

    it("runs dbReplicaCount replicas whose source is the primary, in another AZ than a single-AZ primary", async () => {
      const g = await stackGraph(stack);
      const primary = g.get(DB, "db-primary");
      const replicas = g.ofType(DB).filter((d) => d.name.startsWith("db-replica-"));
      assert.equal(replicas.length, s.dbReplicaCount);
      for (const r of replicas) {
        assert.equal(r.inputs["replicateSourceDb"], primary.state["arn"]);
        assert.equal(r.inputs["instanceClass"], s.dbReplicaInstanceClass);
        assert.equal(r.inputs["password"], undefined);
        assert.equal(r.inputs["username"], undefined);
        assert.equal(r.inputs["deletionProtection"], s.dbDeletionProtection);
        assert.equal(r.options.protect, s.protectStatefulResources);
        assert.equal(r.inputs["multiAz"], s.dbReplicaMultiAz);
        if (!s.dbMultiAz) assert.notEqual(r.state["availabilityZone"], primary.state["availabilityZone"]);
      }
    });

    it("opens the chain internet → ALB → web → database (and web → the VPC endpoints where there are some), and nothing else", async () => {
      const g = await stackGraph(stack);
      const group = (id: unknown) => g.byId(id)?.name;
      const peer = (r: (typeof g.resources)[number]) =>
        group(r.inputs["referencedSecurityGroupId"]) ?? r.inputs["cidrIpv4"] ?? r.inputs["cidrIpv6"];
      const ingress = g
        .ofType(INGRESS)
        .map((r) => `${String(peer(r))} → ${String(group(r.inputs["securityGroupId"]))}:${String(r.inputs["fromPort"])}`);
      assert.deepEqual(ingress.sort(), [
        "0.0.0.0/0 → web-alb:443",
        "0.0.0.0/0 → web-alb:80",
        `web-alb → web-servers:${s.appPort}`,
        `web-servers → db-mysql:${s.dbPort}`,
        ...(s.interfaceEndpoints.length ? ["web-servers → network-endpoints:443"] : []),
      ]);
      const egress = g
        .ofType(EGRESS)
        .map((r) => `${String(group(r.inputs["securityGroupId"]))} → ${String(peer(r))}:${String(r.inputs["fromPort"])}`);
      assert.deepEqual(egress.sort(), [
        `web-alb → web-servers:${s.appPort}`,
        "web-servers → 0.0.0.0/0:443",
        `web-servers → db-mysql:${s.dbPort}`,
        ...(s.interfaceEndpoints.length ? ["web-servers → network-endpoints:443"] : []),
      ]);
      assert.equal(g.ofType("aws:ec2/securityGroup:SecurityGroup").length, s.interfaceEndpoints.length ? 4 : 3);
    });

    it("publishes the app contract under /web-infra/<stack>/db/ and grants the web servers exactly it", async () => {
      const g = await stackGraph(stack);
      const params = g.ofType("aws:ssm/parameter:Parameter");
      const keys = ["writer-endpoint", "reader-endpoints", "port", "database-name", "secret-arn"];
      assert.deepEqual(params.map((p) => p.inputs["name"]).sort(), keys.map((k) => `/web-infra/${stack}/db/${k}`).sort());
      const byName = Object.fromEntries(params.map((p) => [String(p.inputs["name"]).split("/").pop(), p.inputs["value"]]));
      assert.equal(byName["writer-endpoint"], g.get(DB, "db-primary").state["address"]);
      assert.equal(byName["secret-arn"], g.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"]);
      assert.ok(params.every((p) => p.inputs["type"] === "String" || p.inputs["type"] === "StringList"));

      const role = g.get("aws:iam/role:Role", "web-server");
      const policies = g.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs["role"] === role.state["name"]);
      // The other is the Session Manager agent's (ssm:UpdateInstanceInformation, ssmmessages, ec2messages): no parameter, no secret.
      assert.deepEqual(policies.map((p) => p.name).sort(), ["db-read-web-servers", "web-server-session-manager"]);
      const doc = JSON.parse(String(policies.find((p) => p.name === "db-read-web-servers")!.inputs["policy"])) as {
        Statement: { Action: string[]; Resource: string | string[] }[];
      };
      assert.deepEqual(
        doc.Statement.map((st) => [st.Action, [st.Resource].flat().sort()]),
        [
          [
            ["ssm:GetParameter", "ssm:GetParameters"],
            keys.map((k) => `arn:aws:ssm:us-east-1:123456789012:parameter/web-infra/${stack}/db/${k}`).sort(),
          ],
          [
            ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            [g.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"]],
          ],
        ],
      );
      const attachments = g
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.inputs["role"] === role.state["name"]);
      assert.deepEqual(attachments, [], "no managed policy: AmazonSSMManagedInstanceCore would allow ssm:GetParameter on every parameter");
    });

    it("shows on the page which endpoint a server writes to and which it reads from", async () => {
      const g = await stackGraph(stack);
      const template = g.get("aws:ec2/launchTemplate:LaunchTemplate", "web-server");
      const userData = Buffer.from(String(template.inputs["userData"]), "base64").toString("utf8");
      assert.match(userData, new RegExp(`'Writes to' .*--name '/web-infra/${stack}/db/writer-endpoint'`));
      assert.match(userData, new RegExp(`'Reads from' .*--name '/web-infra/${stack}/db/reader-endpoints'`));
    });

    it("outputs the endpoints, the secret's ARN and the VPC", async () => {
      const g = await stackGraph(stack);
      assert.equal(g.outputs["dbWriterEndpoint"], g.get(DB, "db-primary").state["address"]);
      assert.deepEqual(
        g.outputs["dbReaderEndpoints"],
        g
          .ofType(DB)
          .filter((d) => d.name.startsWith("db-replica-"))
          .map((d) => d.state["address"]),
      );
      assert.equal(g.outputs["dbSecretArn"], g.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"]);
      assert.equal(g.outputs["vpcId"], g.get("aws:ec2/vpc:Vpc", "network").id);
      assert.deepEqual(g.secretOutputs, []);
    });
  });
}
