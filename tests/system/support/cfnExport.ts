import { SCHEMA_FACTS } from "@web-infra/testing";
import type { CapturedResource, StackGraph } from "@web-infra/testing";

/*
 * A captured graph as a CloudFormation template, for cfn-lint: AWS's own linter over the same
 * service schemas, updated as services change, and with checks of its own across properties
 * and resources (a subnet inside its VPC's block, the instance classes a Region offers). Each
 * mapped resource becomes its CloudFormation counterpart carrying the inputs of the schema
 * facts plus those below; an input holding another exported resource's id becomes a Ref to it.
 */

/** Inputs exported beyond the schema facts: the ones cfn-lint relates across resources or checks against Region data. */
const EXTRA: Readonly<Record<string, { cfnType: string; inputs: readonly (readonly [string, string])[] }>> = {
  "aws:ec2/vpc:Vpc": {
    cfnType: "AWS::EC2::VPC",
    inputs: [
      ["cidrBlock", "CidrBlock"],
      ["enableDnsHostnames", "EnableDnsHostnames"],
      ["enableDnsSupport", "EnableDnsSupport"],
    ],
  },
  "aws:ec2/subnet:Subnet": {
    cfnType: "AWS::EC2::Subnet",
    inputs: [
      ["vpcId", "VpcId"],
      ["cidrBlock", "CidrBlock"],
      ["availabilityZone", "AvailabilityZone"],
      ["mapPublicIpOnLaunch", "MapPublicIpOnLaunch"],
    ],
  },
  "aws:ec2/routeTable:RouteTable": { cfnType: "AWS::EC2::RouteTable", inputs: [["vpcId", "VpcId"]] },
  "aws:ec2/route:Route": {
    cfnType: "AWS::EC2::Route",
    inputs: [
      ["routeTableId", "RouteTableId"],
      ["destinationCidrBlock", "DestinationCidrBlock"],
      ["natGatewayId", "NatGatewayId"],
      ["gatewayId", "GatewayId"],
    ],
  },
  "aws:ec2/natGateway:NatGateway": { cfnType: "AWS::EC2::NatGateway", inputs: [["subnetId", "SubnetId"]] },
  "aws:ec2/securityGroup:SecurityGroup": { cfnType: "AWS::EC2::SecurityGroup", inputs: [["vpcId", "VpcId"]] },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    cfnType: "AWS::EC2::SecurityGroupIngress",
    inputs: [
      ["securityGroupId", "GroupId"],
      ["cidrIpv4", "CidrIp"],
      ["cidrIpv6", "CidrIpv6"],
      ["referencedSecurityGroupId", "SourceSecurityGroupId"],
    ],
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    cfnType: "AWS::EC2::SecurityGroupEgress",
    inputs: [
      ["securityGroupId", "GroupId"],
      ["cidrIpv4", "CidrIp"],
      ["cidrIpv6", "CidrIpv6"],
      ["referencedSecurityGroupId", "DestinationSecurityGroupId"],
    ],
  },
  "aws:route53/record:Record": {
    cfnType: "AWS::Route53::RecordSet",
    inputs: [
      ["zoneId", "HostedZoneId"],
      ["ttl", "TTL"],
      ["records[]", "ResourceRecords[]"],
    ],
  },
  "aws:lb/listener:Listener": {
    cfnType: "AWS::ElasticLoadBalancingV2::Listener",
    inputs: [
      ["loadBalancerArn", "LoadBalancerArn"],
      ["certificateArn", "Certificates[].CertificateArn"],
      ["defaultActions[].targetGroupArn", "DefaultActions[].TargetGroupArn"],
    ],
  },
  "aws:autoscaling/group:Group": {
    cfnType: "AWS::AutoScaling::AutoScalingGroup",
    inputs: [
      ["launchTemplate.id", "LaunchTemplate.LaunchTemplateId"],
      ["launchTemplate.version", "LaunchTemplate.Version"],
      ["vpcZoneIdentifiers[]", "VPCZoneIdentifier[]"],
      ["targetGroupArns[]", "TargetGroupARNs[]"],
    ],
  },
  "aws:cloudwatch/eventRule:EventRule": { cfnType: "AWS::Events::Rule", inputs: [["eventPattern", "EventPattern"]] },
  "aws:lb/targetGroup:TargetGroup": { cfnType: "AWS::ElasticLoadBalancingV2::TargetGroup", inputs: [["vpcId", "VpcId"]] },
  "aws:lb/loadBalancer:LoadBalancer": {
    cfnType: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    inputs: [
      ["subnets[]", "Subnets[]"],
      ["securityGroups[]", "SecurityGroups[]"],
    ],
  },
  "aws:rds/instance:Instance": {
    cfnType: "AWS::RDS::DBInstance",
    inputs: [
      ["instanceClass", "DBInstanceClass"],
      ["engine", "Engine"],
      ["engineVersion", "EngineVersion"],
      ["multiAz", "MultiAZ"],
      ["storageEncrypted", "StorageEncrypted"],
    ],
  },
  "aws:ec2/launchTemplate:LaunchTemplate": {
    cfnType: "AWS::EC2::LaunchTemplate",
    inputs: [
      ["instanceType", "LaunchTemplateData.InstanceType"],
      ["imageId", "LaunchTemplateData.ImageId"],
    ],
  },
};

/** The CloudFormation type of each Pulumi type the export maps. */
export const CFN_TYPES: Readonly<Record<string, string>> = Object.fromEntries([
  ...SCHEMA_FACTS.map((f) => [f.type, f.cfnType] as const),
  ...Object.entries(EXTRA).map(([type, e]) => [type, e.cfnType] as const),
]);

/**
 * Types with no counterpart of their own, and where they fold: CloudFormation sets them as a
 * property of another resource, or has no such resource. They are not exported.
 */
export const FOLDED: Readonly<Record<string, string>> = {
  "aws:s3/bucket:Bucket": "AWS::S3::Bucket (lifecycle exported with it; the rest are its properties)",
  "aws:s3/bucketVersioning:BucketVersioning": "AWS::S3::Bucket VersioningConfiguration",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "AWS::S3::Bucket PublicAccessBlockConfiguration",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "AWS::S3::Bucket OwnershipControls",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "AWS::S3::Bucket BucketEncryption",
  "aws:iam/rolePolicy:RolePolicy": "AWS::IAM::Role Policies (or AWS::IAM::RolePolicy)",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "AWS::IAM::Role ManagedPolicyArns",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "AWS::EC2::SubnetRouteTableAssociation",
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "none: CloudFormation cannot manage the default group",
  "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "none: CloudFormation cannot manage the default network ACL",
  "aws:acm/certificateValidation:CertificateValidation": "AWS::CertificateManager::Certificate DomainValidationOptions",
  "aws:cloudwatch/eventTarget:EventTarget": "AWS::Events::Rule Targets",
  "aws:sns/topicPolicy:TopicPolicy": "AWS::SNS::TopicPolicy",
  "aws:s3/bucketPolicy:BucketPolicy": "AWS::S3::BucketPolicy",
  "aws:secretsmanager/secretVersion:SecretVersion": "AWS::SecretsManager::Secret SecretString",
  "aws:wafv2/webAclAssociation:WebAclAssociation": "AWS::WAFv2::WebACLAssociation",
  "aws:iam/instanceProfile:InstanceProfile": "AWS::IAM::InstanceProfile",
  "aws:ec2/internetGateway:InternetGateway": "AWS::EC2::InternetGateway with AWS::EC2::VPCGatewayAttachment",
  "random:index/randomPassword:RandomPassword": "none: not an AWS resource",
  "random:index/randomId:RandomId": "none: not an AWS resource",
};

/** Logical ids: the resource's name in letters and digits, unique in the template. */
function logicalIds(resources: readonly CapturedResource[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const r of resources) {
    const base = r.name.replace(/[^A-Za-z0-9]/g, "") || "Resource";
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}${i}`;
    used.add(id);
    ids.set(r.urn, id);
  }
  return ids;
}

/** Each value at `inputPath` with the indices of its `[]` steps. */
function indexed(inputs: unknown, path: string): { at: number[]; value: unknown }[] {
  let current: { at: number[]; value: unknown }[] = [{ at: [], value: inputs }];
  for (const step of path.split(".")) {
    const array = step.endsWith("[]");
    const key = array ? step.slice(0, -2) : step;
    current = current.flatMap(({ at, value }) => {
      const v = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
      if (v === undefined || v === null) return [];
      return array ? (Array.isArray(v) ? v.map((x, i) => ({ at: [...at, i], value: x })) : []) : [{ at, value: v }];
    });
  }
  return current;
}

/** Set `value` at a property path, taking `[]` steps at the given indices (0 where the input had none). */
function assign(target: Record<string, unknown>, path: string, at: readonly number[], value: unknown): void {
  const steps = path.split(".");
  let node: Record<string, unknown> = target;
  let k = 0;
  steps.forEach((step, i) => {
    const array = step.endsWith("[]");
    const key = array ? step.slice(0, -2) : step;
    const last = i === steps.length - 1;
    if (!array) {
      if (last) node[key] = value;
      else node = (node[key] ??= {}) as Record<string, unknown>;
      return;
    }
    const list = (node[key] ??= []) as unknown[];
    const index = at[k++] ?? 0;
    if (last) list[index] = value;
    else node = (list[index] ??= {}) as Record<string, unknown>;
  });
}

/** The template of a graph: every mapped resource with its mapped inputs. */
export function toTemplate(graph: StackGraph): { template: Record<string, unknown>; exported: number; unmapped: string[] } {
  const resources = graph.customResources.filter((r) => CFN_TYPES[r.type] !== undefined);
  const ids = logicalIds(resources);
  const byId = new Map(
    resources.filter((r) => typeof r.id === "string" && r.id !== "").map((r) => [r.id as string, ids.get(r.urn) as string]),
  );
  const out: Record<string, unknown> = {};
  for (const r of resources) {
    const properties: Record<string, unknown> = {};
    const mappings = [
      ...SCHEMA_FACTS.filter((f) => f.type === r.type).map((f) => [f.input, f.property] as const),
      ...(EXTRA[r.type]?.inputs ?? []),
    ];
    for (const [input, property] of mappings) {
      for (const { at, value } of indexed(r.inputs, input)) {
        const ref = typeof value === "string" ? byId.get(value) : undefined;
        // CloudFormation takes an event pattern as JSON, not as the string the provider takes.
        const exported = property === "EventPattern" && typeof value === "string" ? (JSON.parse(value) as unknown) : value;
        assign(properties, property, at, ref !== undefined && ref !== ids.get(r.urn) ? { Ref: ref } : exported);
      }
    }
    out[ids.get(r.urn) as string] = { Type: CFN_TYPES[r.type], Properties: properties };
  }
  const unmapped = [
    ...new Set(graph.customResources.map((r) => r.type).filter((t) => CFN_TYPES[t] === undefined && FOLDED[t] === undefined)),
  ].sort();
  return { template: { AWSTemplateFormatVersion: "2010-09-09", Resources: out }, exported: resources.length, unmapped };
}
