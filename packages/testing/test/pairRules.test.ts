import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { fired, messages, mysqlInstance } from "./support";

const ACCOUNT = "123456789012";
const ARM_AMI = "ami-05b4ded3ceb71e470";

/** A VPC with two subnets in two zones. */
function network(name = "vpc", octet = 0) {
  const vpc = new aws.ec2.Vpc(name, { cidrBlock: `10.${octet}.0.0/16`, assignGeneratedIpv6CidrBlock: true });
  const a = new aws.ec2.Subnet(`${name}-a`, { vpcId: vpc.id, cidrBlock: `10.${octet}.0.0/24`, availabilityZone: "us-east-1a" });
  const b = new aws.ec2.Subnet(`${name}-b`, { vpcId: vpc.id, cidrBlock: `10.${octet}.1.0/24`, availabilityZone: "us-east-1b" });
  return { vpc, a, b };
}

/**
 * The rule's bad program is rejected by that rule alone, with a message matching `says`, and its
 * corrected twin passes every rule.
 */
async function twin(rule: string, bad: () => void, good: () => void, says: RegExp): Promise<void> {
  const rejected = await fired(bad);
  assert.deepEqual(rejected.rules, [rule]);
  assert.match(messages(rejected.g, rule), says);
  assert.deepEqual((await fired(good)).rules, []);
}

describe("cross-resource and cross-field rules", () => {
  it("fails when a listener forwards to a target group of another VPC", async () => {
    const program = (sameVpc: boolean) => () => {
      const one = network("one", 0);
      const two = network("two", 1);
      const lb = new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: [one.a.id, one.b.id] });
      const tg = new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: (sameVpc ? one : two).vpc.id });
      new aws.lb.Listener("http", {
        loadBalancerArn: lb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
      });
    };
    await twin("listener-target-group", program(false), program(true), /target group web is in VPC vpc-\S+ and load balancer alb in vpc-/);
  });

  it("fails when an Application Load Balancer forwards to a TCP target group", async () => {
    const program = (protocol: string) => () => {
      const net = network();
      const lb = new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: [net.a.id, net.b.id] });
      const tg = new aws.lb.TargetGroup("web", { port: 80, protocol, vpcId: net.vpc.id });
      new aws.lb.Listener("http", {
        loadBalancerArn: lb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
      });
    };
    await twin("listener-target-group", program("TCP"), program("HTTP"), /IncompatibleProtocols: target group web uses TCP/);
  });

  it("fails when a certificate validation lists a record that is not the certificate's", async () => {
    const program = (own: boolean) => () => {
      const cert = new aws.acm.Certificate("cert", { domainName: "www.example.com", validationMethod: "DNS" });
      const option = cert.domainValidationOptions[0]!;
      const record = new aws.route53.Record("cert-validation", {
        zoneId: "Z0123456789EXAMPLE",
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: 60,
      });
      new aws.acm.CertificateValidation("cert", {
        certificateArn: cert.arn,
        validationRecordFqdns: [own ? record.fqdn : "_x.other.example.com"],
      });
    };
    await twin("acm-validation-records", program(false), program(true), /missing cert DNS validation record: _\w+\.www\.example\.com/);
  });

  it("fails when a lifecycle expiration sets expiredObjectDeleteMarker with days", async () => {
    const program = (split: boolean) => () => {
      const bucket = new aws.s3.Bucket("logs", {});
      new aws.s3.BucketLifecycleConfiguration("logs", {
        bucket: bucket.id,
        rules: split
          ? [
              { id: "expire", status: "Enabled", filter: {}, expiration: { days: 30 } },
              { id: "markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
            ]
          : [{ id: "expire", status: "Enabled", filter: {}, expiration: { days: 30, expiredObjectDeleteMarker: true } }],
      });
    };
    await twin(
      "s3-lifecycle-expiration",
      program(false),
      program(true),
      /rule expire: expiration.expiredObjectDeleteMarker cannot be set with days/,
    );
  });

  it("fails when default encryption names a KMS key with AES256", async () => {
    const program = (algorithm: string) => () => {
      const bucket = new aws.s3.Bucket("data", {});
      new aws.s3.BucketServerSideEncryptionConfiguration("data", {
        bucket: bucket.id,
        rules: [
          { applyServerSideEncryptionByDefault: { sseAlgorithm: algorithm, kmsMasterKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234` } },
        ],
      });
    };
    await twin("s3-sse-kms-key", program("AES256"), program("aws:kms"), /kmsMasterKeyId is not applicable with sseAlgorithm "AES256"/);
  });

  it("fails when an email subscription's endpoint is not an email address", async () => {
    const program = (endpoint: string) => () => {
      const topic = new aws.sns.Topic("alarms", {});
      new aws.sns.TopicSubscription("oncall", { topic: topic.arn, protocol: "email", endpoint });
    };
    await twin(
      "sns-subscription-endpoint",
      program("oncall"),
      program("oncall@example.net"),
      /endpoint "oncall" is not a valid email endpoint/,
    );
  });

  it("fails when a random password is shorter than its minimum counts", async () => {
    const program = (length: number) => () => {
      new random.RandomPassword("pw", { length, minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2 });
    };
    await twin("random-password-length", program(6), program(8), /length 6 is below minUpper \+ minLower \+ minNumeric \+ minSpecial = 8/);
  });

  it("fails when an asymmetric key turns on rotation", async () => {
    const program = (customerMasterKeySpec: string) => () => {
      new aws.kms.Key("signing", {
        customerMasterKeySpec,
        keyUsage: customerMasterKeySpec === "RSA_2048" ? "SIGN_VERIFY" : "ENCRYPT_DECRYPT",
        enableKeyRotation: true,
      });
    };
    await twin(
      "kms-key-rotation",
      program("RSA_2048"),
      program("SYMMETRIC_DEFAULT"),
      /enableKeyRotation is not supported for a RSA_2048 key/,
    );
  });

  it("fails when a subnet's IPv6 block lies outside its VPC's", async () => {
    const program = (inside: boolean) => () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", assignGeneratedIpv6CidrBlock: true });
      new aws.ec2.Subnet("public", {
        vpcId: vpc.id,
        cidrBlock: "10.0.0.0/24",
        availabilityZone: "us-east-1a",
        ipv6CidrBlock: inside ? vpc.ipv6CidrBlock.apply((b) => b.replace(/\/56$/, "/64")) : "2001:db8::/64",
        assignIpv6AddressOnCreation: true,
      });
    };
    await twin("subnet-ipv6-block", program(false), program(true), /ipv6CidrBlock 2001:db8::\/64 is outside the VPC's IPv6 block/);
  });

  it("fails when an instance's option group is for another major version", async () => {
    const program = (major: string) => () => {
      const group = new aws.rds.OptionGroup("audit", { engineName: "mysql", majorEngineVersion: major, optionGroupDescription: "Audit" });
      mysqlInstance("db", { optionGroupName: group.name });
    };
    await twin("rds-option-group-engine", program("8.0"), program("8.4"), /option group audit is for mysql 8\.0, the instance runs 8\.4/);
  });

  it("fails when an instance's security group is in another VPC than its subnet group", async () => {
    const program = (sameVpc: boolean) => () => {
      const one = network("one", 0);
      const two = network("two", 1);
      const subnets = new aws.rds.SubnetGroup("db", { subnetIds: [one.a.id, one.b.id], description: "Database subnets" });
      const sg = new aws.ec2.SecurityGroup("db", { vpcId: (sameVpc ? one : two).vpc.id, description: "Database" });
      mysqlInstance("db", { dbSubnetGroupName: subnets.name, vpcSecurityGroupIds: [sg.id] });
    };
    await twin("rds-security-groups-vpc", program(false), program(true), /the DB instance and EC2 security group are in different VPCs/);
  });

  it("fails when a MySQL instance exports a PostgreSQL log", async () => {
    const program = (log: string) => () => {
      mysqlInstance("db", { enabledCloudwatchLogsExports: [log] });
    };
    await twin(
      "rds-log-exports",
      program("postgresql"),
      program("slowquery"),
      /"postgresql" is not a mysql log; mysql publishes audit, error/,
    );
  });

  it("fails when minElbCapacity exceeds the instances the group launches", async () => {
    const program = (minElbCapacity: number) => () => {
      const net = network();
      const tg = new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: net.vpc.id });
      const lt = new aws.ec2.LaunchTemplate("web", {
        imageId: ARM_AMI,
        instanceType: "t4g.micro",
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
      });
      new aws.autoscaling.Group("web", {
        minSize: 2,
        maxSize: 4,
        desiredCapacity: 2,
        minElbCapacity,
        vpcZoneIdentifiers: [net.a.id, net.b.id],
        targetGroupArns: [tg.arn],
        healthCheckType: "ELB",
        launchTemplate: { id: lt.id, version: "$Latest" },
      });
    };
    await twin("asg-min-elb-capacity", program(3), program(2), /minElbCapacity 3 exceeds the 2 instances the group launches/);
  });

  it("fails when a gp3 volume is larger than 16 TiB", async () => {
    const program = (volumeSize: number) => () => {
      new aws.ec2.LaunchTemplate("web", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize, volumeType: "gp3" } }] });
    };
    await twin("ebs-volume-size", program(20000), program(20), /volumeSize 20000 GiB is outside 1-16384 for gp3/);
  });

  it("fails when a dashboard widget is wider than the 24-column grid", async () => {
    const program = (width: number) => () => {
      new aws.cloudwatch.Dashboard("ops", {
        dashboardName: "ops",
        dashboardBody: JSON.stringify({ widgets: [{ type: "text", x: 0, y: 0, width, height: 3, properties: { markdown: "ops" } }] }),
      });
    };
    await twin("cloudwatch-dashboard-body", program(30), program(24), /widgets\[0\]\.width 30 is outside 1-24/);
  });

  it("fails when a web ACL is associated with a Network Load Balancer", async () => {
    const program = (loadBalancerType: string) => () => {
      const net = network();
      const lb = new aws.lb.LoadBalancer("lb", { loadBalancerType, subnets: [net.a.id, net.b.id] });
      const acl = new aws.wafv2.WebAcl("waf", {
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "waf", sampledRequestsEnabled: true },
      });
      new aws.wafv2.WebAclAssociation("waf", { resourceArn: lb.arn, webAclArn: acl.arn });
    };
    await twin(
      "wafv2-association-target",
      program("network"),
      program("application"),
      /lb is a network load balancer; WAF protects Application Load Balancers only/,
    );
  });

  it("fails when a flow log to CloudWatch Logs has no role", async () => {
    const program = (withRole: boolean) => () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      const logs = new aws.cloudwatch.LogGroup("flow", { retentionInDays: 365 });
      const role = new aws.iam.Role("flow", {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      });
      new aws.ec2.FlowLog("vpc", {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestination: logs.arn,
        ...(withRole ? { iamRoleArn: role.arn } : {}),
      });
    };
    await twin("flow-log-destination", program(false), program(true), /a flow log to cloud-watch-logs needs iamRoleArn/);
  });

  it("fails when a log group's KMS key does not let CloudWatch Logs use it", async () => {
    const program = (forLogs: boolean) => () => {
      const statements: Record<string, unknown>[] = [
        { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" },
      ];
      if (forLogs)
        statements.push({
          Sid: "CloudWatchLogsUses",
          Effect: "Allow",
          Principal: { Service: "logs.us-east-1.amazonaws.com" },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:*` } },
        });
      const key = new aws.kms.Key("logs", {
        enableKeyRotation: true,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
      });
      new aws.cloudwatch.LogGroup("app", { retentionInDays: 365, kmsKeyId: key.arn });
    };
    await twin(
      "log-group-kms-key",
      program(false),
      program(true),
      /key logs's policy does not let logs\.us-east-1\.amazonaws\.com call kms:Encrypt/,
    );
  });

  it("fails when a generated master password may draw characters RDS refuses", async () => {
    const program = (overrideSpecial?: string) => () => {
      const pw = new random.RandomPassword("db", { length: 32, special: true, ...(overrideSpecial ? { overrideSpecial } : {}) });
      mysqlInstance("db", { password: pw.result });
    };
    const rejected = await fired(program());
    assert.ok(rejected.rules.includes("rds-password-charset"), rejected.rules.join());
    assert.match(messages(rejected.g, "rds-password-charset"), /db may put "@" in the master password, which RDS refuses/);
    assert.deepEqual((await fired(program("!#$%&*()-_=+"))).rules, []);
  });

  it("fails when a target group's success codes are outside 200-499", async () => {
    const program = (matcher: string) => () => {
      const net = network();
      new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: net.vpc.id, healthCheck: { matcher } });
    };
    await twin(
      "target-group-health-check",
      program("200,600"),
      program("200-299"),
      /healthCheck\.matcher "200,600" must be HTTP codes 200–499/,
    );
  });
});

const doc = (statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const TRUST_EC2 = { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" };

describe("policy documents and the second batch of cross-resource rules", () => {
  it("fails when an identity policy names a Principal", async () => {
    const program = (withPrincipal: boolean) => () => {
      const role = new aws.iam.Role("app", { assumeRolePolicy: doc([TRUST_EC2]) });
      new aws.iam.RolePolicy("app", {
        role: role.name,
        policy: doc([
          {
            Sid: "ReadParameters",
            Effect: "Allow",
            Action: "ssm:GetParameter",
            Resource: "*",
            ...(withPrincipal ? { Principal: "*" } : {}),
          },
        ]),
      });
    };
    await twin(
      "iam-policy-grammar",
      program(true),
      program(false),
      /policy Statement\[0\] \(ReadParameters\): an identity policy may not name a Principal/,
    );
  });

  it("fails when a trust policy has a Resource", async () => {
    const program = (withResource: boolean) => () => {
      new aws.iam.Role("app", { assumeRolePolicy: doc([{ ...TRUST_EC2, ...(withResource ? { Resource: "*" } : {}) }]) });
    };
    await twin("iam-policy-grammar", program(true), program(false), /assumeRolePolicy Statement\[0\]: a trust policy has no Resource/);
  });

  it("fails when a key policy leaves no principal able to change it", async () => {
    const program = (admin: boolean) => () => {
      new aws.kms.Key("data", {
        enableKeyRotation: true,
        policy: doc([
          {
            Sid: "Use",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
            Action: admin ? "kms:*" : ["kms:Encrypt", "kms:Decrypt"],
            Resource: "*",
          },
        ]),
      });
    };
    await twin("kms-key-policy-lockout", program(false), program(true), /policy lets no IAM principal call kms:PutKeyPolicy/);
  });

  it("fails when the Enhanced Monitoring role does not trust RDS monitoring", async () => {
    const program = (service: string) => () => {
      const role = new aws.iam.Role("monitoring", { assumeRolePolicy: doc([{ ...TRUST_EC2, Principal: { Service: service } }]) });
      mysqlInstance("db", { monitoringInterval: 60, monitoringRoleArn: role.arn });
    };
    await twin(
      "rds-monitoring-role-trust",
      program("ec2.amazonaws.com"),
      program("monitoring.rds.amazonaws.com"),
      /names role monitoring, whose trust policy does not let monitoring\.rds\.amazonaws\.com/,
    );
  });

  it("fails when two records of a zone share a name and type", async () => {
    const program = (twice: boolean) => () => {
      for (const name of twice ? ["apex", "wildcard"] : ["apex"])
        new aws.route53.Record(name, {
          zoneId: "Z0123456789EXAMPLE",
          name: "_abc.example.com",
          type: "CNAME",
          ttl: 60,
          records: ["_x.acm-validations.aws."],
        });
    };
    await twin("route53-record-unique", program(true), program(false), /record _abc\.example\.com CNAME is also created by apex/);
  });

  it("fails when a FIFO topic's name does not end in .fifo", async () => {
    const program = (name: string) => () => {
      new aws.sns.Topic("events", { name, fifoTopic: true });
    };
    await twin("sns-fifo-name", program("events"), program("events.fifo"), /name "events" must end in \.fifo for a FIFO topic/);
  });

  it("fails when an instance keeps a final snapshot without naming it", async () => {
    const program = (named: boolean) => () => {
      mysqlInstance("db", { skipFinalSnapshot: false, ...(named ? { finalSnapshotIdentifier: "db-final" } : {}) });
    };
    await twin("rds-final-snapshot", program(false), program(true), /skipFinalSnapshot is false and finalSnapshotIdentifier is unset/);
  });

  it("fails when a launch template sets instance security groups beside network interfaces", async () => {
    const program = (onInterface: boolean) => () => {
      const net = network();
      const sg = new aws.ec2.SecurityGroup("web", { vpcId: net.vpc.id, description: "Web servers" });
      new aws.ec2.LaunchTemplate("web", {
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false", ...(onInterface ? { securityGroups: [sg.id] } : {}) }],
        ...(onInterface ? {} : { vpcSecurityGroupIds: [sg.id] }),
      });
    };
    await twin(
      "launch-template-network-interfaces",
      program(false),
      program(true),
      /networkInterfaces and vpcSecurityGroupIds\/securityGroupNames are both set/,
    );
  });

  it("fails when a listener's certificate is in another region", async () => {
    const program = (region: string) => () => {
      const net = network();
      const lb = new aws.lb.LoadBalancer("alb", { loadBalancerType: "application", subnets: [net.a.id, net.b.id] });
      const tg = new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", vpcId: net.vpc.id });
      new aws.lb.Listener("https", {
        loadBalancerArn: lb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        certificateArn: `arn:aws:acm:${region}:${ACCOUNT}:certificate/0d3c7c2e-1111-2222-3333-444455556666`,
        defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
      });
    };
    await twin(
      "listener-certificate-region",
      program("eu-west-1"),
      program("us-east-1"),
      /is in eu-west-1, the load balancer in us-east-1: CertificateNotFound/,
    );
  });

  it("fails when an instance target group has no VPC", async () => {
    const program = (withVpc: boolean) => () => {
      const net = network();
      new aws.lb.TargetGroup("web", { port: 80, protocol: "HTTP", ...(withVpc ? { vpcId: net.vpc.id } : {}) });
    };
    await twin("target-group-required-fields", program(false), program(true), /vpcId must be set for target type instance/);
  });

  it("fails when a flow log's format names a field AWS does not know", async () => {
    const program = (field: string) => () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      const bucket = new aws.s3.Bucket("flow", {});
      new aws.ec2.FlowLog("vpc", {
        vpcId: vpc.id,
        trafficType: "ALL",
        logDestinationType: "s3",
        logDestination: bucket.arn,
        logFormat: `\${srcaddr} \${dstaddr} \${${field}}`,
      });
    };
    await twin(
      "flow-log-format",
      program("pkt-source-address"),
      program("pkt-srcaddr"),
      /logFormat names unknown fields pkt-source-address/,
    );
  });

  it("fails when an interface endpoint has two subnets in one zone", async () => {
    const program = (spread: boolean) => () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", enableDnsSupport: true, enableDnsHostnames: true });
      const subnets = ["a", spread ? "b" : "a"].map(
        (az, i) => new aws.ec2.Subnet(`private-${i}`, { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: `us-east-1${az}` }),
      );
      new aws.ec2.VpcEndpoint("ssm", {
        vpcId: vpc.id,
        serviceName: "com.amazonaws.us-east-1.ssm",
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: subnets.map((x) => x.id),
      });
    };
    await twin("vpc-endpoint-shape", program(false), program(true), /DuplicateSubnetsInSameZone/);
  });

  it("fails when a gateway endpoint is asked of a service that has none", async () => {
    const program = (service: string) => () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      const table = new aws.ec2.RouteTable("private", { vpcId: vpc.id });
      new aws.ec2.VpcEndpoint("gw", {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.us-east-1.${service}`,
        vpcEndpointType: "Gateway",
        routeTableIds: [table.id],
      });
    };
    await twin("vpc-endpoint-shape", program("ssm"), program("s3"), /ssm has no gateway endpoint: use vpcEndpointType "Interface"/);
  });

  it("fails when a network ACL repeats a rule number in one direction", async () => {
    const program = (second: number) => () => {
      const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.NetworkAcl("db", {
        vpcId: vpc.id,
        ingress: [
          { ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 3306, toPort: 3306, cidrBlock: "10.0.0.0/16" },
          { ruleNo: second, action: "deny", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" },
        ],
      });
    };
    await twin("network-acl-entries", program(100), program(110), /ingress rule 100: NetworkAclEntryAlreadyExists/);
  });
});
