import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { kmsKeys, logGroups, policies, vpcFlowLogs, defaultSecurityGroupClosed } from "@web-infra/policy";
import { runPolicies, runProgram, RunResult } from "@web-infra/testing";
import * as existingCertificate from "../packages/compute/examples/existing-certificate";
import * as alarms from "../packages/monitoring/examples/alarms";
import * as offlineCheck from "../packages/policy/examples/offline-check";
import * as componentTest from "../packages/testing/examples/component-test";
import { EXAMPLE_PROGRAMS } from "./examplePrograms";
import { importsPulumi } from "./support";

const ROOT = resolve(__dirname, "..");

/** The workspace packages: every directory of packages/ with a package.json. */
const PACKAGES = readdirSync(join(ROOT, "packages"))
  .filter((dir) => existsSync(join(ROOT, "packages", dir, "package.json")))
  .sort();

/** `<package>/<scenario>` for every packages/<package>/examples/<scenario>/index.ts. */
const EXAMPLES = PACKAGES.flatMap((pkg) => {
  const dir = join(ROOT, "packages", pkg, "examples");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((scenario) => existsSync(join(dir, scenario, "index.ts")))
    .map((scenario) => `${pkg}/${scenario}`);
}).sort();

const sourceOf = (example: string) => {
  const [pkg, scenario] = example.split("/");
  return readFileSync(join(ROOT, "packages", pkg, "examples", scenario, "index.ts"), "utf8");
};

const graphs = new Map<string, Promise<RunResult>>();

/** Each example run once under the harness, the way the brief's consumers would: it throws if AWS would reject anything. */
function graphOf(example: string): Promise<RunResult> {
  let found = graphs.get(example);
  if (!found) {
    const program = EXAMPLE_PROGRAMS[example];
    assert.ok(program, `no program registered for ${example}`);
    found = runProgram(program, { stack: "example", project: "example" });
    graphs.set(example, found);
  }
  return found;
}

const ids = (g: RunResult, type: string, names: string[]) => names.map((n) => g.get(type, n).id);
const azOf = (g: RunResult, subnetId: unknown) => g.byId(subnetId)?.state["availabilityZone"];
const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];

const SUBNET = "aws:ec2/subnet:Subnet";
const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const GROUP = "aws:autoscaling/group:Group";
const LISTENER = "aws:lb/listener:Listener";
const DB = "aws:rds/instance:Instance";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

describe("examples", () => {
  describe("discovery", () => {
    it("finds the workspace packages", () => {
      for (const pkg of ["compute", "core", "database", "monitoring", "networking", "policy", "testing"])
        assert.ok(PACKAGES.includes(pkg), pkg);
    });

    it("has at least one example program in every package of Pulumi components", () => {
      // @web-infra/app is a Node service, not Pulumi components: its README shows its use.
      const without = PACKAGES.filter(
        (pkg) => importsPulumi(join(ROOT, "packages", pkg)) && !EXAMPLES.some((e) => e.startsWith(`${pkg}/`)),
      );
      assert.deepEqual(without, [], `add packages/<pkg>/examples/<scenario>/index.ts for: ${without.join(", ")}`);
    });

    it("runs every example on disk, and nothing that is not on disk", () => {
      assert.deepEqual(
        EXAMPLES,
        Object.keys(EXAMPLE_PROGRAMS).sort(),
        "register each example's program in tests/examplePrograms.ts and its assertions here",
      );
    });

    for (const example of EXAMPLES) {
      it(`${example}: opens with a header saying what it shows and how to deploy it, and imports packages by name`, () => {
        const source = sourceOf(example);
        assert.match(source, /^\/\*\*\n \* Example: /, "a header comment first");
        assert.match(source, /`pulumi (up|preview)/, "how to run it for real");
        assert.match(source, /export = program;/, "the entry point that hands `program` to the host");
        assert.match(source, /^export function program\(\)/m);
        const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
        assert.ok(imports.length > 0);
        assert.deepEqual(
          imports.filter((i) => i.startsWith(".") || i.includes("/src")),
          [],
          "import @web-infra packages by name, never by path",
        );
      });
    }
  });

  describe("core/log-key", () => {
    let g: RunResult;
    before(async () => {
      g = await graphOf("core/log-key");
    });

    it("creates a KMS key, its alias and one encrypted log group, with nothing rejected", () => {
      assert.deepEqual(g.counts(), { "aws:cloudwatch/logGroup:LogGroup": 1, "aws:kms/alias:Alias": 1, "aws:kms/key:Key": 1 });
      assert.deepEqual(g.rejections, []);
    });

    it("encrypts the log group with the key and keeps it a year", () => {
      const key = g.get("aws:kms/key:Key", "app-logs");
      const group = g.get("aws:cloudwatch/logGroup:LogGroup", "app");
      assert.equal(group.inputs["kmsKeyId"], key.state["arn"]);
      assert.equal(group.inputs["retentionInDays"], 365);
      assert.equal(group.inputs["name"], "/example/example/app");
      assert.equal(key.inputs["enableKeyRotation"], true);
      assert.equal(g.get("aws:kms/alias:Alias", "app-logs").inputs["name"], "alias/example-example-app-logs");
    });

    it("names its alias with only characters KMS accepts when the stack name holds a dot", async () => {
      const dotted = await runProgram(EXAMPLE_PROGRAMS["core/log-key"], { stack: "feature.x", project: "example" });
      assert.deepEqual(dotted.rejections, []);
      assert.equal(dotted.get("aws:kms/alias:Alias", "app-logs").inputs["name"], "alias/example-feature-x-app-logs");
    });

    it("passes the baseline's log group and KMS key rules (CloudWatch.16, CKV_AWS_158, KMS.4, KMS.5)", async () => {
      assert.deepEqual(await runPolicies(g, [logGroups, kmsKeys]), []);
    });

    it("outputs the key ARN and the log group's name and ARN", () => {
      const group = g.get("aws:cloudwatch/logGroup:LogGroup", "app");
      assert.deepEqual(g.outputs, {
        keyArn: g.get("aws:kms/key:Key", "app-logs").state["arn"],
        logGroupName: "/example/example/app",
        logGroupArn: group.state["arn"],
      });
    });
  });

  describe("networking/three-azs", () => {
    let g: RunResult;
    before(async () => {
      g = await graphOf("networking/three-azs");
    });

    it("creates 9 subnets, a NAT per AZ, flow logs, IPv6 routing, the network ACLs and the S3 endpoint, with nothing rejected", () => {
      assert.deepEqual(g.counts(), {
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": 1,
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:ec2/eip:Eip": 3,
        "aws:ec2/flowLog:FlowLog": 1,
        "aws:ec2/internetGateway:InternetGateway": 1,
        "aws:ec2/natGateway:NatGateway": 3,
        "aws:ec2/networkAcl:NetworkAcl": 1,
        "aws:ec2/route:Route": 5,
        "aws:ec2/routeTable:RouteTable": 5,
        "aws:ec2/routeTableAssociation:RouteTableAssociation": 9,
        "aws:ec2/subnet:Subnet": 9,
        "aws:ec2/vpc:Vpc": 1,
        "aws:ec2/vpcEndpoint:VpcEndpoint": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
      });
      assert.deepEqual(g.rejections, []);
    });

    it("spreads each tier over 3 AZs, and routes each private subnet through the NAT of its own AZ", () => {
      for (const tier of ["public", "private", "database"]) {
        assert.deepEqual(
          [0, 1, 2].map((i) => g.get(SUBNET, `network-${tier}-${i}`).state["availabilityZone"]),
          ZONES,
          tier,
        );
      }
      for (const i of [0, 1, 2]) {
        const route = g.get("aws:ec2/route:Route", `network-private-${i}-egress`);
        const nat = g.byId(route.inputs["natGatewayId"]);
        assert.equal(nat?.name, `network-nat-${i}`);
        assert.equal(azOf(g, nat?.inputs["subnetId"]), ZONES[i]);
      }
    });

    it("gives the VPC an IPv6 block, each public subnet a /64 and the public route table ::/0", () => {
      assert.equal(g.get("aws:ec2/vpc:Vpc", "network").inputs["assignGeneratedIpv6CidrBlock"], true);
      for (const i of [0, 1, 2]) assert.match(String(g.get(SUBNET, `network-public-${i}`).inputs["ipv6CidrBlock"]), /::\/64$/);
      assert.equal(g.get("aws:ec2/route:Route", "network-public-internet-ipv6").inputs["destinationIpv6CidrBlock"], "::/0");
    });

    it("records all traffic in flow logs kept a year, and passes the baseline's flow log and default group rules", async () => {
      const flowLog = g.get("aws:ec2/flowLog:FlowLog", "network");
      assert.equal(flowLog.inputs["trafficType"], "ALL");
      assert.equal(flowLog.inputs["logDestination"], g.get("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").state["arn"]);
      assert.equal(g.get("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").inputs["retentionInDays"], 365);
      assert.deepEqual(await runPolicies(g, [vpcFlowLogs, defaultSecurityGroupClosed]), []);
    });

    it("outputs the subnet ids of each tier in AZ order, the VPC, the zones and the NATs", () => {
      const names = (tier: string) => [0, 1, 2].map((i) => `network-${tier}-${i}`);
      assert.deepEqual(g.outputs, {
        vpcId: g.get("aws:ec2/vpc:Vpc", "network").id,
        availabilityZones: ZONES,
        publicSubnetIds: ids(g, SUBNET, names("public")),
        privateSubnetIds: ids(g, SUBNET, names("private")),
        databaseSubnetIds: ids(g, SUBNET, names("database")),
        natGatewayIds: ids(g, "aws:ec2/natGateway:NatGateway", names("nat")),
      });
    });
  });

  describe("compute/existing-certificate", () => {
    let g: RunResult;
    before(async () => {
      g = await graphOf("compute/existing-certificate");
    });

    it("creates the ALB, 2 listeners, a group of at least 3 servers and no ACM certificate or DNS record, with nothing rejected", () => {
      const counts = g.counts();
      assert.equal(counts["aws:lb/loadBalancer:LoadBalancer"], 1);
      assert.equal(counts[LISTENER], 2);
      assert.equal(counts["aws:lb/targetGroup:TargetGroup"], 1);
      assert.equal(counts[GROUP], 1);
      assert.equal(counts[TEMPLATE], 1);
      assert.equal(counts["aws:ec2/instance:Instance"], undefined);
      assert.equal(counts["aws:acm/certificate:Certificate"], undefined);
      assert.equal(counts["aws:acm/certificateValidation:CertificateValidation"], undefined);
      assert.equal(counts["aws:route53/record:Record"], undefined);
      assert.deepEqual(g.rejections, []);
    });

    it("serves HTTPS with the given certificate and redirects HTTP", () => {
      const https = g.get(LISTENER, "web-https");
      assert.equal(https.inputs["certificateArn"], existingCertificate.CERTIFICATE_ARN);
      assert.equal(
        existingCertificate.CERTIFICATE_ARN,
        "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
      );
      assert.equal(https.inputs["port"], 443);
      assert.equal(https.inputs["sslPolicy"], "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
      assert.deepEqual(g.get(LISTENER, "web-http").inputs["defaultActions"], [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ]);
    });

    it("runs at least 3 t3.small servers on an x86_64 image over the 3 AZs' private subnets", () => {
      const template = g.get(TEMPLATE, "web-server");
      assert.equal(template.inputs["instanceType"], "t3.small");
      assert.equal(g.amis.find((a) => a.id === template.inputs["imageId"])?.architecture, "x86_64");
      const group = g.get(GROUP, "web-servers");
      assert.deepEqual([group.inputs["minSize"], group.inputs["maxSize"]], [3, 6]);
      assert.deepEqual(
        (group.inputs["vpcZoneIdentifiers"] as string[]).map((id) => g.byId(id)?.name),
        ["network-private-0", "network-private-1", "network-private-2"],
      );
      assert.deepEqual(group.state["availabilityZones"], ZONES);
    });

    it("outputs the ALB's name as the url, its zone and the servers' group", () => {
      const lb = g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb");
      assert.deepEqual(g.outputs, {
        url: `https://${String(lb.state["dnsName"])}`,
        albDnsName: lb.state["dnsName"],
        albZoneId: "Z35SXDOTRQ7X7K",
        autoScalingGroupName: g.get(GROUP, "web-servers").state["name"],
      });
    });
  });

  describe("database/primary-and-replicas", () => {
    let g: RunResult;
    before(async () => {
      g = await graphOf("database/primary-and-replicas");
    });

    it("creates a primary, 2 replicas, the secret and the 5 contract parameters, with nothing rejected", () => {
      const counts = g.counts();
      assert.equal(counts[DB], 3);
      assert.equal(counts["aws:secretsmanager/secret:Secret"], 1);
      assert.equal(counts["aws:ssm/parameter:Parameter"], 5);
      assert.equal(counts["aws:rds/subnetGroup:SubnetGroup"], 1);
      assert.equal(counts["aws:cloudwatch/logGroup:LogGroup"], 1 + 4 * 3, "flow logs, and 4 log exports per instance");
      assert.deepEqual(g.rejections, []);
    });

    it("makes the primary Multi-AZ and puts each replica of it in one of the other two AZs", () => {
      const primary = g.get(DB, "db-primary");
      assert.equal(primary.inputs["multiAz"], true);
      assert.equal(primary.inputs["availabilityZone"], undefined);
      const replicas = [0, 1].map((i) => g.get(DB, `db-replica-${i}`));
      for (const r of replicas) assert.equal(r.inputs["replicateSourceDb"], primary.state["arn"]);
      assert.deepEqual(
        replicas.map((r) => r.inputs["availabilityZone"]),
        ["us-east-1b", "us-east-1c"],
      );
      const subnetGroup = g.get("aws:rds/subnetGroup:SubnetGroup", "db-subnets");
      assert.deepEqual(subnetGroup.inputs["subnetIds"], ids(g, SUBNET, ["network-database-0", "network-database-1", "network-database-2"]));
    });

    it("opens 3306 only from the app's group: ingress on the database's, egress on the app's", () => {
      const app = g.get("aws:ec2/securityGroup:SecurityGroup", "app");
      const db = g.get("aws:ec2/securityGroup:SecurityGroup", "db-mysql");
      const view = (r: RunResult["resources"][number]) => [
        r.name,
        g.byId(r.inputs["securityGroupId"])?.name,
        g.byId(r.inputs["referencedSecurityGroupId"])?.name,
        r.inputs["fromPort"],
        r.inputs["toPort"],
      ];
      assert.deepEqual(g.ofType(INGRESS).map(view), [["db-mysql-from-app-3306", db.name, app.name, 3306, 3306]]);
      assert.deepEqual(g.ofType(EGRESS).map(view), [["app-to-db-mysql-3306", app.name, db.name, 3306, 3306]]);
    });

    it("lets the app's role read exactly the contract parameters and the secret", () => {
      const grant = g.get("aws:iam/rolePolicy:RolePolicy", "db-read-app");
      assert.equal(grant.inputs["role"], g.get("aws:iam/role:Role", "app").state["name"]);
      const doc = JSON.parse(String(grant.inputs["policy"])) as { Statement: { Sid: string; Resource: unknown }[] };
      const params = ["writer-endpoint", "reader-endpoints", "port", "database-name", "secret-arn"].map(
        (p) => g.get("aws:ssm/parameter:Parameter", `db-${p}`).state["arn"],
      );
      assert.deepEqual(
        doc.Statement.map((s) => [s.Sid, s.Resource]),
        [
          ["ReadDatabaseContract", params],
          ["ReadDatabaseCredentials", g.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"]],
        ],
      );
    });

    it("outputs the writer and both reader endpoints, the port, the secret and the app's group and role", () => {
      assert.deepEqual(g.outputs, {
        writerEndpoint: g.get(DB, "db-primary").state["address"],
        readerEndpoints: [0, 1].map((i) => g.get(DB, `db-replica-${i}`).state["address"]),
        port: 3306,
        secretArn: g.get("aws:secretsmanager/secret:Secret", "db-credentials").state["arn"],
        parameterPath: "/example/example/db",
        appSecurityGroupId: g.get("aws:ec2/securityGroup:SecurityGroup", "app").id,
        appRoleArn: g.get("aws:iam/role:Role", "app").state["arn"],
      });
      assert.deepEqual(g.secretOutputs, []);
    });
  });

  describe("monitoring/alarms", () => {
    let g: RunResult;
    before(async () => {
      g = await graphOf("monitoring/alarms");
    });

    it("creates 19 alarms, one encrypted topic, one email subscription, a refresh event rule and a dashboard, with nothing rejected", () => {
      const counts = g.counts();
      // 6 on the ALB, 2 on the servers' group, 4 per database instance (primary + 1 replica), 2 per replica, 1 on the topic.
      assert.equal(counts[ALARM], 6 + 2 + 4 * 2 + 2 * 1 + 1);
      assert.equal(counts["aws:cloudwatch/eventRule:EventRule"], 1);
      assert.equal(counts["aws:sns/topic:Topic"], 1);
      assert.equal(counts["aws:sns/topicSubscription:TopicSubscription"], 1);
      assert.equal(counts["aws:cloudwatch/dashboard:Dashboard"], 1);
      assert.equal(counts[GROUP], 1);
      assert.equal(counts[DB], 2);
      assert.deepEqual(g.rejections, []);
      const topic = g.get("aws:sns/topic:Topic", "monitoring-alarms");
      assert.equal(topic.inputs["kmsMasterKeyId"], g.get("aws:kms/key:Key", "monitoring-alarms").state["arn"]);
    });

    it("subscribes the one address by email", () => {
      const sub = g.get("aws:sns/topicSubscription:TopicSubscription", "monitoring-email-0");
      assert.deepEqual(sub.inputs, {
        topic: g.get("aws:sns/topic:Topic", "monitoring-alarms").state["arn"],
        protocol: "email",
        endpoint: alarms.ALARM_EMAIL,
      });
    });

    it("applies the connections override on every database instance and keeps the other defaults", () => {
      const threshold = (name: string) => g.get(ALARM, name).inputs["threshold"];
      assert.equal(threshold("monitoring-db-primary-connections"), 60);
      assert.equal(threshold("monitoring-db-replica-0-connections"), 60);
      assert.equal(threshold("monitoring-db-primary-cpu"), 80);
      assert.equal(threshold("monitoring-alb-elb-5xx"), 5);
      assert.equal(threshold("monitoring-db-replica-0-replica-lag"), 60);
    });

    it("runs MySQL on port 3406, open to the web servers only", () => {
      for (const name of ["db-primary", "db-replica-0"]) assert.equal(g.get(DB, name).inputs["port"], alarms.DATABASE_PORT);
      assert.equal(alarms.DATABASE_PORT, 3406);
      const ingress = g.ofType(INGRESS).filter((r) => g.byId(r.inputs["securityGroupId"])?.name === "db-mysql");
      assert.deepEqual(
        ingress.map((r) => [g.byId(r.inputs["referencedSecurityGroupId"])?.name, r.inputs["fromPort"], r.inputs["toPort"]]),
        [["web-servers", 3406, 3406]],
      );
    });

    it("serves www.example.com with a DNS-validated certificate in zone Z0123456789EXAMPLE", () => {
      assert.equal(g.get("aws:acm/certificate:Certificate", "web-cert").inputs["domainName"], "www.example.com");
      const alias = g.get("aws:route53/record:Record", "web-alias");
      assert.equal(alias.inputs["zoneId"], "Z0123456789EXAMPLE");
      assert.equal(alias.inputs["name"], "www.example.com");
    });

    it("outputs the site, the alarm topic and the dashboard URL", () => {
      assert.deepEqual(g.outputs, {
        url: "https://www.example.com",
        alarmTopicArn: g.get("aws:sns/topic:Topic", "monitoring-alarms").state["arn"],
        dashboardUrl:
          "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=example-example-monitoring",
      });
    });
  });

  describe("policy/offline-check", () => {
    it("builds the non-compliant load balancer, which AWS would still accept", async () => {
      const g = await graphOf("policy/offline-check");
      assert.deepEqual(g.counts(), {
        "aws:ec2/internetGateway:InternetGateway": 1,
        "aws:ec2/routeTable:RouteTable": 1,
        "aws:ec2/routeTableAssociation:RouteTableAssociation": 2,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:ec2/subnet:Subnet": 2,
        "aws:ec2/vpc:Vpc": 1,
        "aws:lb/listener:Listener": 1,
        "aws:lb/loadBalancer:LoadBalancer": 1,
        "aws:lb/targetGroup:TargetGroup": 1,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
      });
      assert.deepEqual(g.rejections, []);
      assert.deepEqual(g.outputs, { albDnsName: g.get("aws:lb/loadBalancer:LoadBalancer", "tools-alb").state["dnsName"] });
    });

    it("check() reports every unwaived violation by rule, and the waived one apart", async () => {
      const result = await offlineCheck.check();
      assert.deepEqual(result.violations, {
        "elb-http-listener-redirects-to-https": ["tools-http: HTTP listener on port 80 forwards instead of redirecting to HTTPS"],
        "elb-listener-uses-secure-protocol": ["tools-http: listener on port 80 uses HTTP"],
        "elb-drops-invalid-headers": ["tools-alb: dropInvalidHeaderFields is not true (it defaults to false)"],
        "elb-access-logs": ["tools-alb: accessLogs is not enabled with a bucket"],
        "elb-waf-on-public-alb": ["tools-alb: no WAFv2 web ACL is associated with this internet-facing ALB"],
        "elb-target-group-https-health-check": ["tools: healthCheck.protocol is HTTP, not HTTPS"],
        "elb-target-group-encrypted-protocol": ["tools: protocol is HTTP, not HTTPS"],
        "sg-no-world-ingress-on-port-80": ["tools-alb-http: tools-alb-http admits the internet on port 80"],
        "ec2-default-security-group-closed": [
          "tools: no DefaultSecurityGroup manages this VPC's default security group, so AWS's default rules stay",
        ],
        "ec2-vpc-flow-logs": ["tools: no flow log records this VPC's traffic"],
        "ec2-nacl-no-admin-ports-from-world": [
          "tools: the default network ACL is unmanaged: AWS creates it admitting all traffic, 22 and 3389 from anywhere included",
        ],
        "ec2-vpc-ssm-endpoint": [
          "tools: no interface endpoint for ssm: Session Manager (with ssmmessages and ec2messages) should reach Systems Manager inside the VPC, not through the NAT gateways",
        ],
        "ec2-vpc-ec2-endpoint": ["tools: no interface endpoint for ec2: calls to the EC2 API from the VPC should stay inside it"],
      });
      assert.deepEqual(result.waived, { "elb-deletion-protection": ["tools-alb: enableDeletionProtection is not true"] });
      assert.deepEqual(result.problems, []);
      assert.equal(result.passed.length, policies.length - 14);
      assert.ok(!result.passed.includes("elb-deletion-protection"));
    });

    it("check() reports a waiver that matches nothing, and leaves the violation it no longer covers", async () => {
      const result = await offlineCheck.check([
        { policy: "elb-deletion-protection", resources: ["old-alb"], reason: "The load balancer this was written for is gone." },
      ]);
      assert.deepEqual(result.problems, ['waiver for "elb-deletion-protection" names old-alb, which has no such violation']);
      assert.deepEqual(result.violations["elb-deletion-protection"], ["tools-alb: enableDeletionProtection is not true"]);
      assert.deepEqual(result.waived, {});
    });
  });

  describe("testing/component-test", () => {
    it("builds the private bucket, with nothing rejected", async () => {
      const g = await graphOf("testing/component-test");
      assert.deepEqual(g.counts(), {
        "aws:s3/bucket:Bucket": 1,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
      });
      assert.deepEqual(g.rejections, []);
      assert.deepEqual(g.outputs, { bucketName: g.get("aws:s3/bucket:Bucket", "assets").state["bucket"] });
    });

    it("test() passes its own assertions and returns the name-length rejection it shows", async () => {
      const result = await componentTest.test();
      assert.deepEqual(result.counts, { "aws:s3/bucket:Bucket": 1, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1 });
      assert.match(result.bucketName, /^assets-[0-9a-f]{7}$/);
      assert.deepEqual(
        result.rejections.map((r) => [r.rule, r.urn]),
        [
          [
            "physical-name-limits",
            `urn:pulumi:test::storefront::acme:storage:PrivateBucket$aws:s3/bucket:Bucket::${componentTest.TOO_LONG}`,
          ],
        ],
      );
    });
  });
});
