import * as assert from "node:assert/strict";
import { ValidationError } from "@web-infra/core";
import * as aws from "@pulumi/aws";
import { AmiRecord, DEFAULT_AMIS, diffRuns, registeredBefore, runProgram, RunResult } from "@web-infra/testing";
import { renderPageScript, renderUserData, SSL_POLICY, unsafePageParameters, WebTier, WebTierArgs } from "../src";

const DOMAIN_TLS = { domainName: "www.example.com", hostedZoneId: "Z0123456789EXAMPLE" };
const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const INSTANCE = "aws:ec2/instance:Instance";
const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const GROUP = "aws:autoscaling/group:Group";
const POLICY = "aws:autoscaling/policy:Policy";

/** The boot script a launch template carries (base64 there). */
const bootScriptOf = (lt: { inputs: Record<string, unknown> }) => Buffer.from(String(lt.inputs["userData"]), "base64").toString("utf8");

type Extra = Partial<WebTierArgs>;

/**
 * The web tier on the smallest network the harness accepts: a VPC and one public
 * and one private subnet per AZ (the Network component has its own tests).
 */
function run(
  extra: Extra = {},
  net: { azCount?: number; enableIpv6?: boolean } = {},
  amis: readonly AmiRecord[] = DEFAULT_AMIS,
): Promise<RunResult> {
  return runProgram(
    () => {
      const vpc = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16", assignGeneratedIpv6CidrBlock: net.enableIpv6 || undefined });
      const zones = ["us-east-1a", "us-east-1b", "us-east-1c"].slice(0, net.azCount ?? 2);
      const subnets = (tier: string, octet: number) =>
        zones.map(
          (az, i) =>
            new aws.ec2.Subnet(`net-${tier}-${i}`, {
              vpcId: vpc.id,
              cidrBlock: `10.0.${octet + i}.0/24`,
              availabilityZone: az,
              mapPublicIpOnLaunch: false,
            }),
        );
      const publicSubnets = subnets("public", 0);
      const privateSubnets = subnets("private", 64);
      const web = new WebTier("web", {
        vpcId: vpc.id,
        publicSubnetIds: publicSubnets.map((s) => s.id),
        privateSubnetIds: privateSubnets.map((s) => s.id),
        tls: DOMAIN_TLS,
        ...extra,
      });
      return { url: web.url, dns: web.albDnsName, targetGroup: web.targetGroupArn };
    },
    { stack: "test", amis },
  );
}

/** Bad arguments fail before anything is registered, so no network is needed to prove it. */
function runInvalid(extra: Extra): Promise<unknown> {
  return runProgram(
    () => {
      new WebTier("web", {
        vpcId: "vpc-0123456789abcdef0",
        publicSubnetIds: ["subnet-0a", "subnet-0b"],
        privateSubnetIds: ["subnet-0c", "subnet-0d"],
        tls: DOMAIN_TLS,
        ...extra,
      });
    },
    { stack: "test" },
  ).catch((e: unknown) => e);
}

async function problemKeys(extra: Extra): Promise<string[]> {
  const err = await runInvalid(extra);
  assert.ok(err instanceof ValidationError, `expected a ValidationError, got ${String(err)}`);
  assert.deepEqual(
    registeredBefore(err).filter((r) => r.type.startsWith("aws:lb") || r.type === TEMPLATE || r.type === GROUP),
    [],
    "nothing of the web tier may be registered",
  );
  return err.problems.map((p) => p.key);
}

const rulesOf = (g: RunResult, type: string, groupName: string) =>
  g.ofType(type).filter((r) => g.byId(r.inputs["securityGroupId"])?.name === groupName);

const ruleView = (g: RunResult, r: RunResult["resources"][number]) => ({
  port: r.inputs["fromPort"],
  toPort: r.inputs["toPort"],
  protocol: r.inputs["ipProtocol"],
  peer: r.inputs["referencedSecurityGroupId"]
    ? g.byId(r.inputs["referencedSecurityGroupId"])?.name
    : (r.inputs["cidrIpv4"] ?? r.inputs["cidrIpv6"]),
  described: typeof r.inputs["description"] === "string" && (r.inputs["description"] as string).length > 0,
});

describe("WebTier", () => {
  describe("defaults with a domain", () => {
    let g: RunResult;
    before(async () => {
      g = await run();
    });

    it("creates exactly the expected resources", () => {
      const web = g.get("web-infra:compute:WebTier", "web");
      const counts: Record<string, number> = {};
      for (const r of g.descendants(web.urn)) counts[r.type] = (counts[r.type] ?? 0) + 1;
      assert.deepEqual(counts, {
        "aws:acm/certificate:Certificate": 1,
        "aws:acm/certificateValidation:CertificateValidation": 1,
        "aws:autoscaling/group:Group": 1,
        "aws:autoscaling/policy:Policy": 1,
        "aws:ec2/launchTemplate:LaunchTemplate": 1,
        "aws:ec2/securityGroup:SecurityGroup": 2,
        "aws:iam/instanceProfile:InstanceProfile": 1,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:lb/listener:Listener": 2,
        "aws:lb/loadBalancer:LoadBalancer": 1,
        "aws:lb/targetGroup:TargetGroup": 1,
        "aws:route53/record:Record": 2,
        "aws:s3/bucket:Bucket": 1,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": 1,
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
        "aws:s3/bucketPolicy:BucketPolicy": 1,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
        "aws:wafv2/webAcl:WebAcl": 1,
        "aws:wafv2/webAclAssociation:WebAclAssociation": 1,
        [EGRESS]: 2,
        [INGRESS]: 3,
      });
    });

    it("puts an internet-facing, hardened ALB in the public subnets of 2 AZs", () => {
      const lb = g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb");
      const i = lb.inputs;
      assert.equal(i["loadBalancerType"], "application");
      assert.equal(i["internal"], false);
      assert.equal(i["dropInvalidHeaderFields"], true);
      assert.equal(i["desyncMitigationMode"], "defensive");
      assert.equal(i["idleTimeout"], 60);
      assert.equal(i["enableDeletionProtection"], true);
      assert.deepEqual(
        (i["subnets"] as string[]).map((s) => g.byId(s)?.name),
        ["net-public-0", "net-public-1"],
      );
      assert.deepEqual(i["securityGroups"], [g.get("aws:ec2/securityGroup:SecurityGroup", "web-alb").id]);
    });

    it("forwards HTTP on the app port round-robin, with a health check that drops a dead server in 10 s", () => {
      const tg = g.get("aws:lb/targetGroup:TargetGroup", "web-app-8080");
      assert.equal(tg.inputs["protocol"], "HTTP");
      assert.equal(tg.inputs["port"], 8080);
      assert.equal(tg.inputs["targetType"], "instance");
      assert.equal(tg.inputs["loadBalancingAlgorithmType"], "round_robin");
      assert.equal(tg.inputs["deregistrationDelay"], 30);
      assert.deepEqual(tg.inputs["stickiness"], { enabled: false, type: "lb_cookie" });
      assert.deepEqual(tg.inputs["healthCheck"], {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: "/healthz",
        matcher: "200",
        interval: 5,
        timeout: 4,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      });
    });

    it("terminates TLS on 443 with the PQ TLS 1.3 policy and a certificate the listener waits to be validated", () => {
      const https = g.get("aws:lb/listener:Listener", "web-https");
      const validation = g.get("aws:acm/certificateValidation:CertificateValidation", "web-cert");
      const cert = g.get("aws:acm/certificate:Certificate", "web-cert");
      assert.equal(https.inputs["port"], 443);
      assert.equal(https.inputs["protocol"], "HTTPS");
      assert.equal(https.inputs["sslPolicy"], SSL_POLICY);
      assert.equal(SSL_POLICY, "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
      assert.equal(https.inputs["certificateArn"], cert.state["arn"]);
      assert.deepEqual(https.propertyDependencies["certificateArn"], [validation.urn], "the listener must wait on the validation");
      assert.deepEqual(https.inputs["defaultActions"], [
        { type: "forward", targetGroupArn: g.get("aws:lb/targetGroup:TargetGroup", "web-app-8080").state["arn"] },
      ]);
    });

    it("redirects port 80 to HTTPS 443 with a 301, protocol and port explicit", () => {
      const http = g.get("aws:lb/listener:Listener", "web-http");
      assert.equal(http.inputs["port"], 80);
      assert.equal(http.inputs["protocol"], "HTTP");
      assert.deepEqual(http.inputs["defaultActions"], [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ]);
    });

    it("validates the certificate by DNS in the zone and aliases the domain to the ALB", () => {
      const cert = g.get("aws:acm/certificate:Certificate", "web-cert");
      assert.equal(cert.inputs["domainName"], "www.example.com");
      assert.equal(cert.inputs["validationMethod"], "DNS");
      const [dvo] = cert.state["domainValidationOptions"] as { resourceRecordName: string; resourceRecordValue: string }[];
      const record = g.get("aws:route53/record:Record", "web-cert-validation");
      assert.equal(record.inputs["zoneId"], "Z0123456789EXAMPLE");
      assert.equal(record.inputs["name"], dvo.resourceRecordName);
      assert.deepEqual(record.inputs["records"], [dvo.resourceRecordValue]);
      const validation = g.get("aws:acm/certificateValidation:CertificateValidation", "web-cert");
      assert.deepEqual(validation.inputs["validationRecordFqdns"], [record.state["fqdn"]]);
      const alias = g.get("aws:route53/record:Record", "web-alias");
      const lb = g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb");
      assert.equal(alias.inputs["type"], "A");
      assert.equal(alias.inputs["name"], "www.example.com");
      assert.deepEqual(alias.inputs["aliases"], [{ name: lb.state["dnsName"], zoneId: lb.state["zoneId"], evaluateTargetHealth: true }]);
      assert.equal(g.ofType("aws:route53/record:Record").filter((r) => r.inputs["type"] === "AAAA").length, 0);
    });

    it("opens the world only to the ALB on 443 and 80, and the ALB only to the servers on the app port", () => {
      assert.deepEqual(
        rulesOf(g, INGRESS, "web-alb").map((r) => ruleView(g, r)),
        [
          { port: 443, toPort: 443, protocol: "tcp", peer: "0.0.0.0/0", described: true },
          { port: 80, toPort: 80, protocol: "tcp", peer: "0.0.0.0/0", described: true },
        ],
      );
      assert.deepEqual(
        rulesOf(g, EGRESS, "web-alb").map((r) => ruleView(g, r)),
        [{ port: 8080, toPort: 8080, protocol: "tcp", peer: "web-servers", described: true }],
      );
    });

    it("lets the servers in only from the ALB group, and out only on 443", () => {
      assert.deepEqual(
        rulesOf(g, INGRESS, "web-servers").map((r) => ruleView(g, r)),
        [{ port: 8080, toPort: 8080, protocol: "tcp", peer: "web-alb", described: true }],
      );
      assert.deepEqual(
        rulesOf(g, EGRESS, "web-servers").map((r) => ruleView(g, r)),
        [{ port: 443, toPort: 443, protocol: "tcp", peer: "0.0.0.0/0", described: true }],
      );
    });

    it("opens no port 22 and no CIDR except the public listener's", () => {
      const all = [...g.ofType(INGRESS), ...g.ofType(EGRESS)];
      assert.equal(all.filter((r) => Number(r.inputs["fromPort"]) <= 22 && Number(r.inputs["toPort"]) >= 22).length, 0);
      const cidrIngress = g.ofType(INGRESS).filter((r) => r.inputs["cidrIpv4"] ?? r.inputs["cidrIpv6"]);
      assert.deepEqual(
        cidrIngress.map((r) => g.byId(r.inputs["securityGroupId"])?.name),
        ["web-alb", "web-alb"],
      );
      for (const sg of g.ofType("aws:ec2/securityGroup:SecurityGroup")) {
        assert.equal(sg.inputs["ingress"], undefined, "no inline rules");
        assert.equal(sg.inputs["egress"], undefined, "no inline rules");
        assert.ok(String(sg.inputs["description"]).length > 10);
      }
    });

    it("runs the servers as an Auto Scaling group over every private subnet, behind the target group, with ELB health checks", () => {
      const group = g.get(GROUP, "web-servers");
      const lt = g.get(TEMPLATE, "web-server");
      const tg = g.get("aws:lb/targetGroup:TargetGroup", "web-app-8080");
      assert.deepEqual(
        (group.inputs["vpcZoneIdentifiers"] as string[]).map((id) => g.byId(id)?.name),
        ["net-private-0", "net-private-1"],
      );
      assert.deepEqual(group.state["availabilityZones"], ["us-east-1a", "us-east-1b"]);
      assert.deepEqual([group.inputs["minSize"], group.inputs["desiredCapacity"], group.inputs["maxSize"]], [2, 2, 4]);
      assert.deepEqual(group.inputs["targetGroupArns"], [tg.state["arn"]]);
      assert.equal(group.inputs["healthCheckType"], "ELB");
      assert.equal(group.inputs["healthCheckGracePeriod"], 300);
      assert.equal(group.inputs["defaultInstanceWarmup"], 120);
      assert.equal(group.inputs["capacityRebalance"], true);
      // An unhealthy server's successor launches before it goes, as in a refresh.
      assert.deepEqual(group.inputs["instanceMaintenancePolicy"], { minHealthyPercentage: 100, maxHealthyPercentage: 200 });
      // The in-service alarm and the dashboard read these.
      assert.deepEqual(group.inputs["enabledMetrics"], [
        "GroupMinSize",
        "GroupMaxSize",
        "GroupDesiredCapacity",
        "GroupInServiceInstances",
        "GroupPendingInstances",
        "GroupStandbyInstances",
        "GroupTerminatingInstances",
        "GroupTotalInstances",
      ]);
      assert.equal(group.inputs["metricsGranularity"], "1Minute");
      // `pulumi up` waits until that many servers pass the ALB's health check.
      assert.equal(group.inputs["minElbCapacity"], 2);
      assert.equal(group.inputs["waitForCapacityTimeout"], "15m");
      // The template's version number, never $Latest: only a number starts an instance refresh.
      assert.deepEqual(group.inputs["launchTemplate"], { id: lt.id, version: String(lt.state["latestVersion"]) });
      assert.deepEqual(group.options.ignoreChanges, ["desiredCapacity"]);
      assert.equal(g.ofType(INSTANCE).length, 0);
    });

    it("boots no server before its egress rule exists", () => {
      const group = g.get(GROUP, "web-servers");
      assert.ok(group.dependencies.includes(g.get(EGRESS, "web-servers-to-internet-443").urn));
    });

    it("registers servers only once the HTTPS listener forwards: a target group no listener uses is never health-checked", () => {
      assert.ok(g.get(GROUP, "web-servers").dependencies.includes(g.get("aws:lb/listener:Listener", "web-https").urn));
    });

    it("names the target group after its port and keeps the URN of the one stacks had before, web-app, as an alias", () => {
      const tg = g.get("aws:lb/targetGroup:TargetGroup", "web-app-8080");
      assert.ok(tg.options.aliases.includes(tg.urn.replace(/::web-app-8080$/, "::web-app")), tg.options.aliases.join(", "));
      assert.equal(g.ofType("aws:lb/targetGroup:TargetGroup").length, 1);
    });

    it("rolls every launch template change through an instance refresh: new servers first, matching ones kept, no self-defeating rollback", () => {
      assert.deepEqual(g.get(GROUP, "web-servers").inputs["instanceRefresh"], {
        strategy: "Rolling",
        preferences: {
          minHealthyPercentage: 100,
          maxHealthyPercentage: 200,
          skipMatching: true,
          // The provider moves the group to the new version first: AWS's rollback would relaunch it (#34189).
          autoRollback: false,
          instanceWarmup: "120",
        },
      });
    });

    it("scales out on requests per server, never below webServerCount", () => {
      const policy = g.get(POLICY, "web-requests-per-server");
      const alb = g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb");
      const tg = g.get("aws:lb/targetGroup:TargetGroup", "web-app-8080");
      assert.equal(policy.inputs["autoscalingGroupName"], g.get(GROUP, "web-servers").state["name"]);
      assert.equal(policy.inputs["policyType"], "TargetTrackingScaling");
      assert.deepEqual(policy.inputs["targetTrackingConfiguration"], {
        predefinedMetricSpecification: {
          predefinedMetricType: "ALBRequestCountPerTarget",
          resourceLabel: `${String(alb.state["arnSuffix"])}/${String(tg.state["arnSuffix"])}`,
        },
        targetValue: 1000,
      });
    });

    it("hardens every server through the launch template: IMDSv2 with hop limit 1, encrypted gp3 root, no public IP, no key pair, detailed monitoring, tags", () => {
      const lt = g.get(TEMPLATE, "web-server");
      assert.deepEqual(lt.inputs["metadataOptions"], {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      });
      assert.deepEqual(lt.inputs["blockDeviceMappings"], [
        { deviceName: "/dev/xvda", ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true", deleteOnTermination: "true" } },
      ]);
      assert.deepEqual(lt.inputs["networkInterfaces"], [
        {
          deviceIndex: 0,
          associatePublicIpAddress: "false",
          securityGroups: [g.get("aws:ec2/securityGroup:SecurityGroup", "web-servers").id],
          deleteOnTermination: "true",
        },
      ]);
      assert.equal(lt.inputs["vpcSecurityGroupIds"], undefined);
      assert.equal(lt.inputs["keyName"], undefined);
      assert.deepEqual(lt.inputs["monitoring"], { enabled: true });
      assert.deepEqual(
        (lt.inputs["tagSpecifications"] as { resourceType: string; tags: Record<string, string> }[]).map((t) => [
          t.resourceType,
          t.tags["Name"],
        ]),
        [
          ["instance", "web-server"],
          ["volume", "web-server"],
        ],
      );
    });

    it("gives the servers a role with only the Session Manager agent's actions, written out, and no managed policy", () => {
      const role = g.get("aws:iam/role:Role", "web-server");
      assert.deepEqual(JSON.parse(String(role.inputs["assumeRolePolicy"])).Statement, [
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      assert.deepEqual(
        g.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs["role"] === role.state["name"]),
        [],
      );
      const policies = g.ofType("aws:iam/rolePolicy:RolePolicy");
      assert.deepEqual(
        policies.map((p) => p.name),
        ["web-server-session-manager"],
      );
      assert.deepEqual(JSON.parse(String(policies[0]!.inputs["policy"])).Statement, [
        {
          Sid: "RegisterWithSystemsManager",
          Effect: "Allow",
          Action: "ssm:UpdateInstanceInformation",
          Resource: "arn:aws:ec2:us-east-1:123456789012:instance/*",
        },
        {
          Sid: "SessionChannels",
          Effect: "Allow",
          Action: [
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
          ],
          Resource: "*",
        },
        {
          Sid: "AgentMessages",
          Effect: "Allow",
          Action: [
            "ec2messages:AcknowledgeMessage",
            "ec2messages:DeleteMessage",
            "ec2messages:FailMessage",
            "ec2messages:GetEndpoint",
            "ec2messages:GetMessages",
            "ec2messages:SendReply",
          ],
          Resource: "*",
        },
      ]);
      const profile = g.get("aws:iam/instanceProfile:InstanceProfile", "web-server");
      assert.equal(profile.inputs["role"], role.state["name"]);
      assert.deepEqual(g.get(TEMPLATE, "web-server").inputs["iamInstanceProfile"], { arn: profile.state["arn"] });
    });

    it("looks up the newest Amazon Linux 2023 image for arm64 (t4g)", () => {
      const lookup = g.invokes.find((i) => i.token === "aws:ec2/getAmi:getAmi");
      assert.deepEqual(lookup?.inputs["filters"], [
        { name: "name", values: ["al2023-ami-2023.*-kernel-6.1-arm64"] },
        { name: "architecture", values: ["arm64"] },
        { name: "virtualization-type", values: ["hvm"] },
      ]);
      assert.deepEqual(lookup?.inputs["owners"], ["amazon"]);
      const lt = g.get(TEMPLATE, "web-server");
      assert.deepEqual([lt.inputs["imageId"], lt.inputs["instanceType"]], ["ami-05b4ded3ceb71e470", "t4g.micro"]);
    });

    it("carries the nginx boot script, base64-encoded as launch templates take it", () => {
      assert.match(bootScriptOf(g.get(TEMPLATE, "web-server")), /^#!\/bin\/bash\n# web-infra web server bootstrap/);
    });

    it("keeps access logs in a private, SSE-S3, expiring bucket the region's ELB account can write to", () => {
      const lb = g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb");
      const bucket = g.get("aws:s3/bucket:Bucket", "web-alb-logs");
      assert.deepEqual(lb.inputs["accessLogs"], { bucket: bucket.state["bucket"], prefix: "alb", enabled: true });
      assert.deepEqual(g.get("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "web-alb-logs").inputs, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      assert.deepEqual(
        g.get("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "web-alb-logs").inputs["rules"],
        [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      );
      const lifecycle = g.get("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "web-alb-logs").inputs["rules"] as Record<
        string,
        unknown
      >[];
      assert.deepEqual(lifecycle[0]["expiration"], { days: 90 });
      const policy = JSON.parse(String(g.get("aws:s3/bucketPolicy:BucketPolicy", "web-alb-logs").inputs["policy"])) as {
        Statement: unknown[];
      };
      assert.deepEqual(policy.Statement, [
        {
          Sid: "AlbLogDelivery",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::127311923021:root" },
          Action: "s3:PutObject",
          Resource: `${String(bucket.state["arn"])}/alb/AWSLogs/123456789012/*`,
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucket.state["arn"], `${String(bucket.state["arn"])}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
      assert.ok(
        lb.dependencies.includes(g.get("aws:s3/bucketPolicy:BucketPolicy", "web-alb-logs").urn),
        "the ALB waits for the bucket policy",
      );
    });

    it("puts a WAFv2 web ACL with the AWS common and known-bad-inputs rule sets in front of the ALB", () => {
      const acl = g.get("aws:wafv2/webAcl:WebAcl", "web-waf");
      assert.equal(acl.inputs["scope"], "REGIONAL");
      assert.deepEqual(acl.inputs["defaultAction"], { allow: {} });
      const rules = acl.inputs["rules"] as {
        name: string;
        priority: number;
        overrideAction: unknown;
        statement: { managedRuleGroupStatement: unknown };
      }[];
      assert.deepEqual(
        rules.map((r) => [r.priority, r.statement.managedRuleGroupStatement, r.overrideAction]),
        [
          [10, { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet" }, { none: {} }],
          [20, { vendorName: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" }, { none: {} }],
        ],
      );
      const association = g.get("aws:wafv2/webAclAssociation:WebAclAssociation", "web-waf");
      assert.equal(association.inputs["resourceArn"], g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb").state["arn"]);
      assert.equal(association.inputs["webAclArn"], acl.state["arn"]);
    });

    it("publishes url, ALB name and zone, target group, instances and groups", () => {
      const out = g.get("web-infra:compute:WebTier", "web").registeredOutputs ?? {};
      assert.equal(out["url"], "https://www.example.com");
      assert.deepEqual(Object.keys(out).sort(), [
        "albDnsName",
        "albSecurityGroupId",
        "albZoneId",
        "autoScalingGroupName",
        "targetGroupArn",
        "url",
        "webSecurityGroupId",
      ]);
      assert.equal(out["autoScalingGroupName"], g.get(GROUP, "web-servers").state["name"]);
    });
  });

  describe("options", () => {
    it("gives its role the permissions boundary and path it is given", async () => {
      const boundary = "arn:aws:iam::123456789012:policy/web-infra/web-infra-boundary";
      const g = await run({ permissionsBoundary: boundary, rolePath: "/web-infra/prod/" });
      const role = g.get("aws:iam/role:Role", "web-server");
      assert.deepEqual([role.inputs["permissionsBoundary"], role.inputs["path"]], [boundary, "/web-infra/prod/"]);
    });

    it("during an appPort change, opens both ports from the load balancer only and has nginx listen on both", async () => {
      const g = await run({ appPort: 8443, previousAppPort: 8080 });
      assert.deepEqual(
        rulesOf(g, INGRESS, "web-servers").map((r) => [
          r.inputs["fromPort"],
          r.inputs["toPort"],
          g.byId(r.inputs["referencedSecurityGroupId"])?.name,
        ]),
        [
          [8443, 8443, "web-alb"],
          [8080, 8080, "web-alb"],
        ],
      );
      assert.deepEqual(
        g
          .ofType("aws:lb/targetGroup:TargetGroup")
          .map((tg) => [tg.name, tg.inputs["port"], tg.options.aliases.some((a) => a.endsWith("::web-app"))]),
        [
          ["web-app-8443", 8443, false],
          ["web-app-8080", 8080, true],
        ],
      );
      const boot = bootScriptOf(g.get("aws:ec2/launchTemplate:LaunchTemplate", "web-server"));
      assert.match(boot, /^  listen 8443 default_server;\n  listen 8080 default_server;$/m);
      // Alarms and scaling follow the target group that serves.
      const serving = g.get("aws:lb/targetGroup:TargetGroup", "web-app-8080");
      assert.equal(g.outputs["targetGroup"], serving.state["arn"]);
      const label = g.get("aws:autoscaling/policy:Policy", "web-requests-per-server").inputs["targetTrackingConfiguration"] as {
        predefinedMetricSpecification: { resourceLabel: string };
      };
      assert.match(label.predefinedMetricSpecification.resourceLabel, new RegExp(`/${String(serving.state["arnSuffix"])}$`));
    });

    it("uses an existing certificate instead, with no ACM or DNS resources, and the ALB name as url", async () => {
      const g = await run({ tls: { certificateArn: CERT_ARN } });
      assert.equal(g.get("aws:lb/listener:Listener", "web-https").inputs["certificateArn"], CERT_ARN);
      assert.equal(g.ofType("aws:acm/certificate:Certificate").length, 0);
      assert.equal(g.ofType("aws:route53/record:Record").length, 0);
      assert.equal(g.outputs["url"], `https://${String(g.outputs["dns"])}`);
    });

    it("serves IPv6 too when asked: dualstack ALB, ::/0 on 443 and 80, an AAAA alias", async () => {
      const g = await run({ enableIpv6: true }, { enableIpv6: true });
      assert.equal(g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb").inputs["ipAddressType"], "dualstack");
      assert.deepEqual(
        rulesOf(g, INGRESS, "web-alb").map((r) => [r.inputs["fromPort"], r.inputs["cidrIpv4"] ?? r.inputs["cidrIpv6"]]),
        [
          [443, "0.0.0.0/0"],
          [443, "::/0"],
          [80, "0.0.0.0/0"],
          [80, "::/0"],
        ],
      );
      assert.equal(g.get("aws:route53/record:Record", "web-alias-ipv6").inputs["type"], "AAAA");
    });

    it("looks up x86_64 for t3, and spreads 3 to 5 servers over 3 AZs", async () => {
      const g = await run({ instanceType: "t3.small", webServerCount: 3, maxWebServers: 5 }, { azCount: 3 });
      assert.equal(g.get(TEMPLATE, "web-server").inputs["imageId"], "ami-0a7d80731ae1b2435");
      const group = g.get(GROUP, "web-servers");
      assert.deepEqual(group.state["availabilityZones"], ["us-east-1a", "us-east-1b", "us-east-1c"]);
      assert.deepEqual([group.inputs["minSize"], group.inputs["maxSize"], group.inputs["minElbCapacity"]], [3, 5, 3]);
    });

    it("uses a pinned image after checking its architecture", async () => {
      const g = await run({ amiId: "ami-05b4ded3ceb71e470" });
      assert.equal(g.get(TEMPLATE, "web-server").inputs["imageId"], "ami-05b4ded3ceb71e470");
      const lookup = g.invokes.find((i) => i.token === "aws:ec2/getAmi:getAmi");
      assert.deepEqual(lookup?.inputs["filters"], [{ name: "image-id", values: ["ami-05b4ded3ceb71e470"] }]);
    });

    it("sizes and encrypts the pinned image's own root device, whatever it is called", async () => {
      const image: AmiRecord = {
        id: "ami-0123456789abcdef0",
        name: "team-app-2026.12.05",
        architecture: "arm64",
        ownerId: "123456789012",
        creationDate: "2026-12-05T00:00:00.000Z",
        rootDeviceName: "/dev/sda1",
      };
      const g = await run({ amiId: image.id }, {}, [...DEFAULT_AMIS, image]);
      const mappings = g.get(TEMPLATE, "web-server").inputs["blockDeviceMappings"] as { deviceName: string; ebs: { encrypted: string } }[];
      assert.deepEqual(
        mappings.map((m) => [m.deviceName, m.ebs.encrypted]),
        [["/dev/sda1", "true"]],
      );
    });

    it("fails when a pinned image's architecture does not match the instance type", async () => {
      await assert.rejects(
        run({ amiId: "ami-0a7d80731ae1b2435", instanceType: "t4g.small" }),
        /amiId ami-0a7d80731ae1b2435 is x86_64 but instanceType t4g\.small is arm64/,
      );
    });

    it("rolls a new boot script as a new launch template version: the group is updated in place, the target group stays", async () => {
      const before = await run({ pageParameters: { "Writes to": "/app/v1/writer" } });
      const after = await run({ pageParameters: { "Writes to": "/app/v2/writer" } });
      assert.notEqual(bootScriptOf(before.get(TEMPLATE, "web-server")), bootScriptOf(after.get(TEMPLATE, "web-server")));
      const changes = Object.fromEntries(
        diffRuns(before, after)
          .filter((c) => [TEMPLATE, GROUP, "aws:lb/targetGroup:TargetGroup"].includes(c.type))
          .map((c) => [c.type, c.change]),
      );
      // A new template version, which the group points at: an in-place update that starts an instance refresh.
      assert.deepEqual(changes, { [TEMPLATE]: "update", [GROUP]: "update", "aws:lb/targetGroup:TargetGroup": "same" });
      assert.deepEqual(diffRuns(before, after).find((c) => c.type === GROUP)?.changed, ["launchTemplate"]);
    });

    it("takes the alarms that stop an instance refresh by name", async () => {
      const g = await run({ refreshAlarmNames: ["web-unhealthy", "web-5xx"] });
      const preferences = (g.get(GROUP, "web-servers").inputs["instanceRefresh"] as { preferences: Record<string, unknown> }).preferences;
      assert.deepEqual(preferences["alarmSpecification"], { alarms: ["web-unhealthy", "web-5xx"] });
    });

    it("creates no log bucket when access logs are off, and passes no accessLogs block", async () => {
      const g = await run({ accessLogs: { enabled: false }, deletionProtection: false, detailedMonitoring: false, waf: false });
      assert.equal(g.ofType("aws:s3/bucket:Bucket").length, 0);
      assert.equal(g.ofType("aws:wafv2/webAcl:WebAcl").length, 0);
      const lb = g.get("aws:lb/loadBalancer:LoadBalancer", "web-alb");
      assert.equal(lb.inputs["accessLogs"], undefined);
      assert.equal(lb.inputs["enableDeletionProtection"], false);
      assert.deepEqual(g.get(TEMPLATE, "web-server").inputs["monitoring"], { enabled: false });
    });

    it("fails when the domain is not in the hosted zone", async () => {
      await assert.rejects(
        run({ tls: { domainName: "www.other.org", hostedZoneId: "Z0123456789EXAMPLE" } }),
        /www\.other\.org is not in hosted zone Z0123456789EXAMPLE \(example\.com\)/,
      );
    });
  });

  describe("user data", () => {
    const script = renderUserData({ appPort: 8080, parameters: { "Writes to": "/web-infra/dev/db/writer-endpoint" }, region: "us-east-1" });

    it("serves a page naming the instance and AZ read through IMDSv2, and /healthz on the app port", () => {
      assert.match(script, /^#!\/bin\/bash\n/);
      assert.match(script, /^install_packages nginx$/m);
      assert.match(script, /curl -sS -X PUT http:\/\/169\.254\.169\.254\/latest\/api\/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60'/);
      assert.match(script, /imds instance-id/);
      assert.match(script, /imds placement\/availability-zone/);
      assert.match(script, /listen 8080 default_server;/);
      assert.match(script, /location = \/healthz \{[^}]*return 200/);
      assert.match(script, /aws ssm get-parameter --region 'us-east-1' --name '\/web-infra\/dev\/db\/writer-endpoint'/);
      assert.match(script, /systemctl enable --now web-infra-page\.timer/, "the page is rebuilt once the database publishes its endpoints");
    });

    it("installs packages through a retry bounded by a 10-minute deadline, with a capped backoff", () => {
      for (const s of [script, renderUserData({ appPort: 80 })]) {
        // The only install goes through install_packages, which retries dnf; nothing downloads before the functions exist.
        assert.deepEqual(s.match(/^.*\bdnf\b.*$/gm), ['  retry dnf install -y "$@"']);
        assert.ok(s.indexOf("\nretry() {") < s.indexOf("\ninstall_packages nginx\n"), "retry is defined before the install");
        assert.ok(s.indexOf("\ninstall_packages nginx\n") < s.indexOf("systemctl enable --now nginx"));
        assert.match(s, /^ {2}deadline=\$\(\(start \+ \$\{WEB_INFRA_RETRY_SECONDS:-600\}\)\)$/m, "600 s unless overridden");
        assert.match(s, /^ {4}if timeout --kill-after=10 "\$remaining" "\$@"; then$/m, "an attempt cannot outlive the deadline");
        assert.match(s, /local start deadline remaining status pause=5 attempt=1/);
        assert.match(s, /^ {4}pause=\$\(\(pause \* 2 > 60 \? 60 : pause \* 2\)\)$/m, "the pause doubles up to 60 s");
        assert.match(s, /^ {4}if \(\(pause > remaining\)\); then pause=\$remaining; fi$/m, "the last pause ends at the deadline");
        assert.match(s, /^ {4}if \(\(remaining <= 0\)\); then\n.*giving up.*\n {6}return "\$status"$/m, "past the deadline it fails");
      }
    });

    it("logs every attempt, its outcome and the final failure with a timestamp to stderr and the journal", () => {
      assert.match(script, /^boot_log\(\) \{\n {2}echo "\$\(date -u \+%Y-%m-%dT%H:%M:%SZ\) web-infra-boot: \$\*" >&2\n/m);
      assert.match(script, /^ {2}logger -t web-infra-boot -- "\$\*" 2>\/dev\/null \|\| true$/m, "a missing journal never fails the boot");
      assert.match(script, /boot_log "attempt \$attempt: \$\*"\n {4}if timeout/, "logged before each attempt");
      assert.match(script, /boot_log "attempt \$attempt succeeded: \$\*"/);
      assert.match(script, /boot_log "attempt \$attempt failed with exit status \$status; retrying in \$\{pause\}s: \$\*"/);
      assert.match(
        script,
        /boot_log "giving up after \$attempt attempt\(s\) in .*last exit status \$status: \$\*\. Check the subnet's route to the internet \(route table association, NAT gateway\) and the security group's egress rules\."/,
      );
    });

    it("runs a given boot script instead of the page, on every server", async () => {
      const boot = "#!/bin/bash\nsystemctl enable --now web-infra-app\n";
      const g = await run({ userData: boot, amiId: "ami-05b4ded3ceb71e470", instanceType: "m7g.large" });
      assert.equal(bootScriptOf(g.get(TEMPLATE, "web-server")), boot);
    });

    it("fails when userData is over EC2's 16 KiB", async () => {
      const err = await runInvalid({ userData: `#!/bin/bash\n${"#".repeat(16_384)}` });
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /userData must be 1 byte to 16 KiB \(EC2's limit\), got 16396/);
    });

    it("fails when userData and pageParameters are both given", async () => {
      assert.deepEqual(await problemKeys({ userData: "#!/bin/bash\n", pageParameters: { a: "/a" } }), ["pageParameters"]);
    });

    it("leaves the region to the instance when none is given, rather than passing an empty one", () => {
      const page = renderPageScript({ appPort: 8080, parameters: { x: "/a/b" } });
      assert.match(page, /"\$\(aws ssm get-parameter --name '\/a\/b' --query/);
      assert.doesNotMatch(page, /--region/);
    });

    it("fails when the region could inject shell", () => {
      assert.throws(
        () => renderPageScript({ appPort: 8080, region: "us-east-1' ; id #" }),
        /region "us-east-1' ; id #" is not a region name such as us-east-1/,
      );
    });

    it("fails when a page parameter could inject shell", () => {
      assert.throws(() => renderUserData({ appPort: 8080, parameters: { x: "'; rm -rf / #" } }), /unsafe characters/);
    });

    it("names the labels whose label or parameter name could inject shell", () => {
      assert.deepEqual(unsafePageParameters({ ok: "/a/b", "it's": "/a/b", name: "/a/$(id)" }), ["it's", "name"]);
      assert.deepEqual(unsafePageParameters(undefined), []);
    });
  });

  describe("public subnets' zones, when the caller gives them", () => {
    const tier = (zones: string[]) => () => {
      const vpc = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" });
      const subnet = (tier: string, i: number, az: string) =>
        new aws.ec2.Subnet(`net-${tier}-${i}`, {
          vpcId: vpc.id,
          cidrBlock: `10.0.${tier === "public" ? i : 64 + i}.0/24`,
          availabilityZone: az,
        });
      const publicSubnets = zones.map((az, i) => subnet("public", i, az));
      new WebTier("web", {
        vpcId: vpc.id,
        publicSubnetIds: publicSubnets.map((s) => s.id),
        publicSubnetAzs: publicSubnets.map((s) => s.availabilityZone),
        privateSubnetIds: ["us-east-1a", "us-east-1b"].map((az, i) => subnet("private", i, az).id),
        tls: DOMAIN_TLS,
      });
    };

    it("fails when the load balancer's subnets share one zone, before the load balancer is created", async () => {
      const err = await runProgram(tier(["us-east-1a", "us-east-1a"]), { stack: "test", enforce: false }).catch((e: unknown) => e);
      assert.ok(err instanceof ValidationError, String(err));
      assert.deepEqual(
        err.problems.map((p) => p.key),
        ["publicSubnetIds"],
      );
      assert.match(
        err.message,
        /publicSubnetIds must be in at least 2 distinct availability zones, which an Application Load Balancer requires/,
      );
      assert.match(err.message, /got \["subnet-\w+ \(us-east-1a\)","subnet-\w+ \(us-east-1a\)"\]/);
      assert.deepEqual(
        registeredBefore(err).filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer"),
        [],
      );
    });

    it("creates the load balancer on subnets of two zones", async () => {
      const g = await runProgram(tier(["us-east-1a", "us-east-1b"]), { stack: "test" });
      assert.equal(g.ofType("aws:lb/loadBalancer:LoadBalancer").length, 1);
    });
  });

  describe("validation", () => {
    it("fails when webServerCount is below 2", async () => {
      const err = await runInvalid({ webServerCount: 1 });
      assert.ok(err instanceof ValidationError);
      assert.match(
        err.message,
        /webServerCount must be an integer from 2 to 20: at least 2 for active-active, got 1\. Set webServerCount to 2 or more\./,
      );
    });
    it("fails when the instance type is unknown", async () => {
      assert.deepEqual(await problemKeys({ instanceType: "x9.huge" }), ["instanceType"]);
    });
    it("fails when amiId is malformed", async () => {
      assert.deepEqual(await problemKeys({ amiId: "ubuntu" }), ["amiId"]);
    });
    it("fails when fewer than 2 public subnets are given", async () => {
      assert.deepEqual(await problemKeys({ publicSubnetIds: ["subnet-0a"] }), ["publicSubnetIds"]);
    });
    it("fails when fewer than 2 private subnets are given", async () => {
      assert.deepEqual(await problemKeys({ privateSubnetIds: ["subnet-0c"] }), ["privateSubnetIds"]);
    });
    it("fails when appPort is out of range", async () => {
      assert.deepEqual(await problemKeys({ appPort: 70000 }), ["appPort"]);
    });
    it("fails when appPort is 443", async () => {
      assert.deepEqual(await problemKeys({ appPort: 443 }), ["appPort"]);
    });
    it("fails when permissionsBoundary is not an IAM policy ARN", async () => {
      assert.deepEqual(await problemKeys({ permissionsBoundary: "arn:aws:iam::123456789012:role/boundary" }), ["permissionsBoundary"]);
    });
    it("fails when rolePath does not start and end with /", async () => {
      assert.deepEqual(await problemKeys({ rolePath: "web-infra/prod" }), ["rolePath"]);
    });
    it("fails when previousAppPort is out of range", async () => {
      assert.deepEqual(await problemKeys({ appPort: 8443, previousAppPort: 0 }), ["previousAppPort"]);
    });
    it("fails when previousAppPort is 443", async () => {
      assert.deepEqual(await problemKeys({ appPort: 8443, previousAppPort: 443 }), ["previousAppPort"]);
    });
    it("fails when previousAppPort equals appPort, saying to remove it", async () => {
      const err = await runInvalid({ appPort: 8080, previousAppPort: 8080 });
      assert.ok(err instanceof ValidationError);
      assert.match(
        err.message,
        /previousAppPort equals appPort \(8080\), so no port change is in progress, got 8080\. Remove previousAppPort once the listener has moved/,
      );
    });
    it("fails when idleTimeout is out of range", async () => {
      assert.deepEqual(await problemKeys({ idleTimeout: 0 }), ["idleTimeout"]);
    });
    it("fails when the root volume is smaller than the image", async () => {
      assert.deepEqual(await problemKeys({ rootVolumeSizeGiB: 4 }), ["rootVolumeSizeGiB"]);
    });
    it("fails when the access log retention is out of range", async () => {
      assert.deepEqual(await problemKeys({ accessLogs: { retentionInDays: 0 } }), ["accessLogs.retentionInDays"]);
    });
    it("fails when the desync mode is not defensive or strictest", async () => {
      assert.deepEqual(await problemKeys({ desyncMitigationMode: "monitor" as never }), ["desyncMitigationMode"]);
    });
    it("fails when rollServers is set, saying what replaced it", async () => {
      const err = await runInvalid({ rollServers: [0] });
      assert.ok(err instanceof ValidationError);
      assert.match(
        err.message,
        /rollServers was removed: the servers are an Auto Scaling group, and a new image or boot script rolls through an instance refresh/,
      );
      assert.match(err.message, /Remove rollServers\./);
    });
    it("fails when maxWebServers is below webServerCount", async () => {
      const err = await runInvalid({ webServerCount: 3, maxWebServers: 2 });
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /maxWebServers must be at least webServerCount \(3\).*got 2\. Set maxWebServers to 3 or more, e\.g\. 6\./);
    });
    it("fails when requestsPerTarget is not above 0", async () => {
      assert.deepEqual(await problemKeys({ requestsPerTarget: 0 }), ["requestsPerTarget"]);
    });
    it("fails when TLS has neither a domain nor a certificate, naming both options", async () => {
      const err = await runInvalid({ tls: {} });
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /tls must set domainName \+ hostedZoneId or certificateArn: HTTPS is not optional/);
    });
    it("fails when TLS has both a domain and a certificate", async () => {
      const err = await runInvalid({ tls: { ...DOMAIN_TLS, certificateArn: CERT_ARN } });
      assert.ok(err instanceof ValidationError);
      assert.match(err.message, /tls must set either domainName \+ hostedZoneId or certificateArn, not both/);
    });
    it("fails when the certificate ARN is malformed", async () => {
      assert.deepEqual(await problemKeys({ tls: { certificateArn: "arn:aws:iam::1:cert" } }), ["tls.certificateArn"]);
    });
    it("fails when the certificate is in another region", async () => {
      assert.deepEqual(await problemKeys({ tls: { certificateArn: CERT_ARN.replace("us-east-1", "eu-west-1") } }), ["tls.certificateArn"]);
    });
    it("checks the certificate's region only against the default provider's, not an explicit provider's", async () => {
      const g = await runProgram(
        () => {
          const provider = new aws.Provider("eu", { region: "eu-west-1" });
          new WebTier(
            "web",
            {
              vpcId: "vpc-0123456789abcdef0",
              publicSubnetIds: ["subnet-0a", "subnet-0b"],
              privateSubnetIds: ["subnet-0c", "subnet-0d"],
              tls: { certificateArn: CERT_ARN.replace("us-east-1", "eu-west-1") },
            },
            { provider },
          );
        },
        { stack: "test" },
      );
      assert.equal(g.ofType("aws:lb/loadBalancer:LoadBalancer").length, 1);
      // The log bucket admits eu-west-1's ELB log writer, which the provider's own region lookup names.
      assert.match(String(g.ofType("aws:s3/bucketPolicy:BucketPolicy")[0]?.inputs["policy"]), /arn:aws:iam::156460612806:root/);
    });
    it("fails when a page parameter is unsafe for the boot script, before anything is registered", async () => {
      assert.deepEqual(await problemKeys({ pageParameters: { "Writes to": "/app/writer'; reboot #" } }), ["pageParameters"]);
    });
    it("fails with every problem when an unsafe page parameter comes with too few servers", async () => {
      assert.deepEqual(await problemKeys({ webServerCount: 1, pageParameters: { "it's": "/app/writer" } }), [
        "webServerCount",
        "pageParameters",
      ]);
    });
    it("fails when the domain name is not a DNS name", async () => {
      assert.deepEqual(await problemKeys({ tls: { domainName: "WWW.Example.com", hostedZoneId: "Z0123456789EXAMPLE" } }), [
        "tls.domainName",
      ]);
    });
    it("fails when the hosted zone id is malformed", async () => {
      assert.deepEqual(await problemKeys({ tls: { domainName: "www.example.com", hostedZoneId: "example.com" } }), ["tls.hostedZoneId"]);
    });
  });
});
