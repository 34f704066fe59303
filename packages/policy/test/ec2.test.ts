import * as assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  decodeUserData,
  defaultSecurityGroupClosed,
  detailedMonitoring,
  EC2_POLICIES,
  ebsEncrypted,
  imdsv2Required,
  noPublicIp,
  noWorldRiskyPorts,
  securityGroupHygiene,
  singleEni,
  SSM_AGENT_ACTIONS,
  ssmEndpointsWithoutNat,
  noSecretsInUserData,
  ssmManagedInstance,
  subnetNoAutoPublicIp,
  naclAdminPorts,
  vpcEc2Endpoint,
  vpcFlowLogs,
  vpcSsmEndpoint,
  worldIngressOnlyWeb,
} from "../src";
import { violations } from "./support";

const AMI = "ami-05b4ded3ceb71e470";
const INSTANCE_TYPE = "t4g.micro";
const REGION = "us-east-1";

/** Settings every other row asks of an instance, so each test changes only what it is about. */
const HARDENED: aws.ec2.InstanceArgs = {
  ami: AMI,
  instanceType: INSTANCE_TYPE,
  metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
  rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 20 },
  monitoring: true,
  ebsOptimized: true,
};

function instance(name: string, args: Partial<aws.ec2.InstanceArgs> = {}) {
  return new aws.ec2.Instance(name, { ...HARDENED, ...args });
}

/** The same for a launch template (whose booleans are strings, and whose user data is base64). */
const HARDENED_TEMPLATE: aws.ec2.LaunchTemplateArgs = {
  imageId: AMI,
  instanceType: INSTANCE_TYPE,
  metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
  networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }],
  blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true" } }],
  monitoring: { enabled: true },
  ebsOptimized: "true",
};

function template(name: string, args: Partial<aws.ec2.LaunchTemplateArgs> = {}) {
  return new aws.ec2.LaunchTemplate(name, { ...HARDENED_TEMPLATE, ...args });
}

/** An Auto Scaling group launching a template (by id) into the given subnets. */
function autoScalingGroup(name: string, lt: aws.ec2.LaunchTemplate, subnets: pulumi.Input<string>[]) {
  return new aws.autoscaling.Group(name, { minSize: 2, maxSize: 4, vpcZoneIdentifiers: subnets, launchTemplate: { id: lt.id } });
}

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** A VPC with one private subnet (no public IPs on launch). */
function network() {
  const vpc = new aws.ec2.Vpc("vpc", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, enableDnsSupport: true });
  const subnet = new aws.ec2.Subnet("private", { vpcId: vpc.id, cidrBlock: "10.0.10.0/24", availabilityZone: "us-east-1a" });
  return { vpc, subnet };
}

function group(name: string, args: Partial<aws.ec2.SecurityGroupArgs> = {}) {
  return new aws.ec2.SecurityGroup(name, { vpcId: "vpc-0a1b2c3d4e5f60718", description: `${name} traffic`, ...args });
}

const ASSUME_EC2 = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});

/** A role with the given managed policies and an instance profile for it. */
function profileWith(policyArns: string[]) {
  const role = new aws.iam.Role("web", { name: "web-instance", assumeRolePolicy: ASSUME_EC2 });
  policyArns.forEach((policyArn, i) => new aws.iam.RolePolicyAttachment(`web-${i}`, { role: role.name, policyArn }));
  return new aws.iam.InstanceProfile("web", { role: role.name });
}

const SAFE_USER_DATA = [
  "#!/bin/bash",
  "dnf install -y nginx",
  "DB_PASSWORD=$(aws ssm get-parameter --name /web/db/password --with-decryption --query Parameter.Value --output text)",
  'echo "db_password_file: /run/web/db" >> /etc/web.yaml',
].join("\n");

describe("EC2 policies", () => {
  it("lists the policies of rows 12-24 and 49-51 in row order, row 17 split in two (outputs hold only a hash of userData)", () => {
    assert.deepEqual(
      EC2_POLICIES.map((p) => p.baseline.row),
      [12, 13, 14, 15, 16, 17, 17, 18, 19, 20, 21, 22, 23, 24, 49, 50, 51],
    );
    assert.ok(EC2_POLICIES.every((p) => p.name.startsWith("ec2-")));
  });

  describe("ec2-imdsv2-required (row 12)", () => {
    it("stays quiet on an instance and a launch template requiring tokens with hop limit 1", async () => {
      const found = await violations(imdsv2Required, () => {
        instance("vm");
        new aws.ec2.LaunchTemplate("lt", {
          imageId: AMI,
          instanceType: INSTANCE_TYPE,
          metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
        });
      });
      assert.deepEqual(found, []);
    });
    it("fails when an instance leaves metadataOptions unset", async () => {
      assert.deepEqual(await violations(imdsv2Required, () => instance("vm", { metadataOptions: undefined })), [
        'vm: metadataOptions.httpTokens is unset, not "required"',
      ]);
    });
    it("fails when a launch template allows optional tokens", async () => {
      const found = await violations(imdsv2Required, () => {
        new aws.ec2.LaunchTemplate("lt", {
          imageId: AMI,
          instanceType: INSTANCE_TYPE,
          metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 },
        });
      });
      assert.deepEqual(found, ['lt: metadataOptions.httpTokens is optional, not "required"']);
    });
    it("fails when the hop limit is above 1", async () => {
      assert.deepEqual(
        await violations(imdsv2Required, () => instance("vm", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })),
        ["vm: metadataOptions.httpPutResponseHopLimit is 2, not 1"],
      );
    });
    it("fails when a launch template leaves metadataOptions unset (a template's tokens default to optional)", async () => {
      assert.deepEqual(await violations(imdsv2Required, () => template("lt", { metadataOptions: undefined })), [
        'lt: metadataOptions.httpTokens is unset, not "required"',
      ]);
    });
    it("fails when a launch template's hop limit is above 1 (containers on the host could reach the credentials)", async () => {
      assert.deepEqual(
        await violations(imdsv2Required, () => template("lt", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } })),
        ["lt: metadataOptions.httpPutResponseHopLimit is 2, not 1"],
      );
    });
  });

  describe("ec2-no-public-ip (row 13)", () => {
    it("stays quiet in a private subnet, and in a public one when the instance opts out", async () => {
      const found = await violations(noPublicIp, () => {
        const { vpc, subnet } = network();
        const pub = new aws.ec2.Subnet("public", {
          vpcId: vpc.id,
          cidrBlock: "10.0.0.0/24",
          availabilityZone: "us-east-1a",
          mapPublicIpOnLaunch: true,
        });
        instance("vm", { subnetId: subnet.id });
        instance("bastion", { subnetId: pub.id, associatePublicIpAddress: false });
        new aws.ec2.LaunchTemplate("lt", {
          imageId: AMI,
          instanceType: INSTANCE_TYPE,
          networkInterfaces: [{ deviceIndex: 0, subnetId: subnet.id, associatePublicIpAddress: "false" }],
        });
      });
      assert.deepEqual(found, []);
    });
    it("fails when an instance sets associatePublicIpAddress", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        instance("vm", { subnetId: subnet.id, associatePublicIpAddress: true });
      });
      assert.deepEqual(found, ["vm: associatePublicIpAddress is true"]);
    });
    it("fails when an instance sits in a subnet that maps public IPs and does not opt out", async () => {
      const found = await violations(noPublicIp, () => {
        const { vpc } = network();
        const pub = new aws.ec2.Subnet("public", {
          vpcId: vpc.id,
          cidrBlock: "10.0.0.0/24",
          availabilityZone: "us-east-1a",
          mapPublicIpOnLaunch: true,
        });
        instance("vm", { subnetId: pub.id });
      });
      assert.deepEqual(found, ["vm: subnet public maps public IPs on launch and associatePublicIpAddress is not set to false"]);
    });
    it("fails when a launch template's network interface asks for a public IP", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        new aws.ec2.LaunchTemplate("lt", {
          imageId: AMI,
          instanceType: INSTANCE_TYPE,
          networkInterfaces: [{ deviceIndex: 0, subnetId: subnet.id, associatePublicIpAddress: "true" }],
        });
      });
      assert.deepEqual(found, ['lt: networkInterfaces[0].associatePublicIpAddress is "true"']);
    });
    const publicSubnet = (vpc: aws.ec2.Vpc) =>
      new aws.ec2.Subnet("public", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1b", mapPublicIpOnLaunch: true });
    it("stays quiet on an Auto Scaling group in a subnet that maps public IPs when its template's interface opts out", async () => {
      const found = await violations(noPublicIp, () => {
        const { vpc, subnet } = network();
        autoScalingGroup("asg", template("lt"), [subnet.id, publicSubnet(vpc).id]);
      });
      assert.deepEqual(found, []);
    });
    it("fails when an Auto Scaling group's subnet maps public IPs and its launch template does not opt out", async () => {
      const found = await violations(noPublicIp, () => {
        const { vpc, subnet } = network();
        autoScalingGroup("asg", template("lt", { networkInterfaces: undefined }), [subnet.id, publicSubnet(vpc).id]);
      });
      assert.deepEqual(found, [
        'asg: subnet public maps public IPs on launch, and launch template lt does not set networkInterfaces[0].associatePublicIpAddress to "false"',
      ]);
    });
    it("fails when an Auto Scaling group in a subnet that maps public IPs uses a launch template from outside the stack", async () => {
      const found = await violations(noPublicIp, () => {
        const { vpc } = network();
        new aws.autoscaling.Group("asg", {
          minSize: 2,
          maxSize: 4,
          vpcZoneIdentifiers: [publicSubnet(vpc).id],
          launchTemplate: { name: "legacy-web" },
        });
      });
      assert.deepEqual(found, [
        "asg: subnet public maps public IPs on launch, and launch template legacy-web is not in this stack, so its opt-out cannot be checked",
      ]);
    });
    const OUTSIDE = "subnet-0f1e2d3c4b5a69788";
    it("stays quiet on instances and templates whose subnet is unknown when they opt out of a public IP", async () => {
      const found = await violations(noPublicIp, () => {
        instance("default-vpc", { associatePublicIpAddress: false });
        instance("outside", { subnetId: OUTSIDE, associatePublicIpAddress: false });
        template("lt");
        template("lt-outside", { networkInterfaces: [{ deviceIndex: 0, subnetId: OUTSIDE, associatePublicIpAddress: "false" }] });
        new aws.autoscaling.Group("asg", {
          minSize: 2,
          maxSize: 4,
          vpcZoneIdentifiers: [OUTSIDE],
          launchTemplate: { id: template("lt-asg").id },
        });
      });
      assert.deepEqual(found, []);
    });
    it("stays quiet on an instance that takes a private subnet and the opt-out from its launch template, and on one on an existing interface", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        const lt = template("lt", { networkInterfaces: [{ deviceIndex: 0, subnetId: subnet.id, associatePublicIpAddress: "false" }] });
        new aws.ec2.Instance("vm", { launchTemplate: { id: lt.id } });
        const eni = new aws.ec2.NetworkInterface("eni", { subnetId: OUTSIDE });
        instance("on-eni", { networkInterfaces: [{ deviceIndex: 0, networkInterfaceId: eni.id }] });
      });
      assert.deepEqual(found, []);
    });
    it("fails when an instance has no subnet (the default VPC maps public IPs) and does not opt out", async () => {
      assert.deepEqual(await violations(noPublicIp, () => instance("vm")), [
        "vm: subnetId is unset, so the instance launches into the default VPC, whose subnets map public IPs on launch, and associatePublicIpAddress is not set to false; set subnetId to a private subnet of this stack, or associatePublicIpAddress to false",
      ]);
    });
    it("fails when an instance's subnet is not in this stack and it does not opt out", async () => {
      assert.deepEqual(await violations(noPublicIp, () => instance("vm", { subnetId: OUTSIDE })), [
        `vm: subnet ${OUTSIDE} is not in this stack, so it may map public IPs on launch, and associatePublicIpAddress is not set to false; set it to false, or use a subnet of this stack`,
      ]);
    });
    it("fails when a launch template nothing in the stack launches names no subnet and does not opt out", async () => {
      assert.deepEqual(await violations(noPublicIp, () => template("lt", { networkInterfaces: undefined })), [
        'lt: networkInterfaces[0] names no subnet and no Auto Scaling group or instance of this stack launches this template, so its instances may land in a subnet that maps public IPs on launch; set networkInterfaces[0].associatePublicIpAddress to "false"',
      ]);
    });
    it("fails when a launch template's interface names a subnet outside the stack and does not opt out", async () => {
      const found = await violations(noPublicIp, () => template("lt", { networkInterfaces: [{ deviceIndex: 0, subnetId: OUTSIDE }] }));
      assert.deepEqual(found, [
        `lt: networkInterfaces[0].subnetId ${OUTSIDE} is not in this stack, so it may map public IPs on launch; set networkInterfaces[0].associatePublicIpAddress to "false"`,
      ]);
    });
    it("fails when a launch template's interface names a subnet that maps public IPs and does not opt out", async () => {
      const found = await violations(noPublicIp, () => {
        const { vpc } = network();
        template("lt", { networkInterfaces: [{ deviceIndex: 0, subnetId: publicSubnet(vpc).id }] });
      });
      assert.deepEqual(found, [
        'lt: networkInterfaces[0].subnetId public maps public IPs on launch; set networkInterfaces[0].associatePublicIpAddress to "false"',
      ]);
    });
    it("fails when an Auto Scaling group's subnet is not in this stack and its launch template does not opt out", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        autoScalingGroup("asg", template("lt", { networkInterfaces: undefined }), [subnet.id, OUTSIDE]);
      });
      assert.deepEqual(found, [
        `asg: subnet ${OUTSIDE} is not in this stack, so it may map public IPs on launch, and launch template lt does not set networkInterfaces[0].associatePublicIpAddress to "false"`,
      ]);
    });
    it("fails when an Auto Scaling group has no vpcZoneIdentifiers (the default VPC) and its launch template does not opt out", async () => {
      const found = await violations(noPublicIp, () => {
        const lt = template("lt", { networkInterfaces: undefined });
        new aws.autoscaling.Group("asg", {
          minSize: 2,
          maxSize: 4,
          availabilityZones: ["us-east-1a", "us-east-1b"],
          launchTemplate: { id: lt.id },
        });
      });
      assert.deepEqual(found, [
        'asg: vpcZoneIdentifiers is unset, so instances launch into the default VPC, whose subnets map public IPs on launch, and launch template lt does not set networkInterfaces[0].associatePublicIpAddress to "false"',
      ]);
    });
    const EIP_FIX =
      "which gives the instance a public IPv4 address; release it, and reach the instance through the load balancer or Session Manager";
    it("stays quiet on a NAT gateway's Elastic IP and on an address associated with nothing", async () => {
      const found = await violations(noPublicIp, () => {
        const { vpc } = network();
        const eip = new aws.ec2.Eip("nat", { domain: "vpc" });
        new aws.ec2.NatGateway("nat", { allocationId: eip.id, subnetId: publicSubnet(vpc).id });
        new aws.ec2.Eip("spare", { domain: "vpc" });
      });
      assert.deepEqual(found, []);
    });
    it("fails when an Elastic IP names an instance", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        const vm = instance("vm", { subnetId: subnet.id });
        new aws.ec2.Eip("vm", { domain: "vpc", instance: vm.id });
      });
      assert.deepEqual(found, [`vm: associated with instance vm, ${EIP_FIX}`]);
    });
    it("fails when an EipAssociation attaches an Elastic IP to an instance", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        const vm = instance("vm", { subnetId: subnet.id });
        const eip = new aws.ec2.Eip("address", { domain: "vpc" });
        new aws.ec2.EipAssociation("address-vm", { allocationId: eip.id, instanceId: vm.id });
      });
      assert.deepEqual(found, [`address: associated with instance vm by EipAssociation address-vm, ${EIP_FIX}`]);
    });
    it("fails once when both the address's instance and an EipAssociation name the instance, as a deployed Eip reads back", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        const vm = instance("vm", { subnetId: subnet.id });
        const eip = new aws.ec2.Eip("address", { domain: "vpc", instance: vm.id });
        new aws.ec2.EipAssociation("address-vm", { allocationId: eip.id, instanceId: vm.id });
      });
      assert.deepEqual(found, [`address: associated with instance vm by EipAssociation address-vm, ${EIP_FIX}`]);
    });
    it("fails when an EipAssociation attaches an Elastic IP to an instance's network interface", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        const vm = instance("vm", { subnetId: subnet.id });
        const eip = new aws.ec2.Eip("address", { domain: "vpc" });
        new aws.ec2.EipAssociation("address-vm", { allocationId: eip.id, networkInterfaceId: vm.primaryNetworkInterfaceId });
      });
      assert.deepEqual(found, [`address: associated with instance vm by EipAssociation address-vm, ${EIP_FIX}`]);
    });
    it("fails when an EipAssociation attaches an address from outside the stack to an instance", async () => {
      const found = await violations(noPublicIp, () => {
        const { subnet } = network();
        const vm = instance("vm", { subnetId: subnet.id });
        new aws.ec2.EipAssociation("address-vm", { allocationId: "eipalloc-0123456789abcdef0", instanceId: vm.id });
      });
      assert.deepEqual(found, [
        `address-vm: associates Elastic IP eipalloc-0123456789abcdef0 (not in this stack) with instance vm, ${EIP_FIX}`,
      ]);
    });
  });

  describe("ec2-subnet-no-auto-public-ip (row 14)", () => {
    it("stays quiet on a subnet that leaves mapPublicIpOnLaunch unset or false", async () => {
      const found = await violations(subnetNoAutoPublicIp, () => {
        const { vpc } = network();
        new aws.ec2.Subnet("public", {
          vpcId: vpc.id,
          cidrBlock: "10.0.0.0/24",
          availabilityZone: "us-east-1a",
          mapPublicIpOnLaunch: false,
        });
      });
      assert.deepEqual(found, []);
    });
    it("fails when a subnet maps public IPs on launch", async () => {
      const found = await violations(subnetNoAutoPublicIp, () => {
        const { vpc } = network();
        new aws.ec2.Subnet("public", {
          vpcId: vpc.id,
          cidrBlock: "10.0.0.0/24",
          availabilityZone: "us-east-1a",
          mapPublicIpOnLaunch: true,
        });
      });
      assert.deepEqual(found, ["public: mapPublicIpOnLaunch is true"]);
    });
  });

  describe("ec2-ebs-encrypted (row 15)", () => {
    const mapping = (encrypted?: string) => ({
      deviceName: "/dev/xvda",
      ebs: { volumeSize: 20, volumeType: "gp3", ...(encrypted === undefined ? {} : { encrypted }) },
    });
    it("stays quiet on encrypted root and data volumes, and an encrypted launch template", async () => {
      const found = await violations(ebsEncrypted, () => {
        instance("vm", { ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 50, encrypted: true }] });
        new aws.ec2.LaunchTemplate("lt", { imageId: AMI, instanceType: INSTANCE_TYPE, blockDeviceMappings: [mapping("true")] });
      });
      assert.deepEqual(found, []);
    });
    it("fails when the root volume's encryption is left to the default", async () => {
      assert.deepEqual(await violations(ebsEncrypted, () => instance("vm", { rootBlockDevice: { volumeType: "gp3" } })), [
        "vm: rootBlockDevice.encrypted is unset (it defaults to false), not true",
      ]);
    });
    it("fails when a data volume is not encrypted", async () => {
      assert.deepEqual(
        await violations(ebsEncrypted, () => instance("vm", { ebsBlockDevices: [{ deviceName: "/dev/sdf", volumeSize: 50 }] })),
        ["vm: ebsBlockDevices[0] (/dev/sdf) is not encrypted"],
      );
    });
    it("fails when a launch template mapping is not encrypted", async () => {
      const found = await violations(ebsEncrypted, () => {
        new aws.ec2.LaunchTemplate("lt", {
          imageId: AMI,
          instanceType: INSTANCE_TYPE,
          blockDeviceMappings: [mapping("false"), { ...mapping(), deviceName: "/dev/sdf" }],
        });
      });
      assert.deepEqual(found, [
        'lt: blockDeviceMappings[0] (/dev/xvda) ebs.encrypted is "false", not "true"',
        'lt: blockDeviceMappings[1] (/dev/sdf) ebs.encrypted is unset, not "true"',
      ]);
    });
    it("fails when a launch template has no block device mappings", async () => {
      assert.deepEqual(
        await violations(ebsEncrypted, () => new aws.ec2.LaunchTemplate("lt", { imageId: AMI, instanceType: INSTANCE_TYPE })),
        ["lt: no blockDeviceMappings with ebs: volumes take the AMI's defaults, which are unencrypted"],
      );
    });
  });

  describe("ec2-detailed-monitoring-ebs-optimized (row 16)", () => {
    it("stays quiet with detailed monitoring and EBS optimisation on", async () => {
      assert.deepEqual(await violations(detailedMonitoring, () => instance("vm")), []);
    });
    it("fails when monitoring is left unset", async () => {
      assert.deepEqual(await violations(detailedMonitoring, () => instance("vm", { monitoring: undefined })), [
        "vm: monitoring is not true (detailed monitoring is off)",
      ]);
    });
    it("fails when ebsOptimized is false", async () => {
      assert.deepEqual(await violations(detailedMonitoring, () => instance("vm", { ebsOptimized: false })), [
        "vm: ebsOptimized is not true",
      ]);
    });
    it('stays quiet on a launch template with monitoring.enabled and ebsOptimized "true"', async () => {
      assert.deepEqual(await violations(detailedMonitoring, () => template("lt")), []);
    });
    it('fails when a launch template leaves monitoring unset and sets ebsOptimized "false"', async () => {
      assert.deepEqual(await violations(detailedMonitoring, () => template("lt", { monitoring: undefined, ebsOptimized: "false" })), [
        "lt: monitoring.enabled is not true (detailed monitoring is off)",
        'lt: ebsOptimized is not "true"',
      ]);
    });
    it("fails when a launch template turns detailed monitoring off", async () => {
      assert.deepEqual(await violations(detailedMonitoring, () => template("lt", { monitoring: { enabled: false } })), [
        "lt: monitoring.enabled is not true (detailed monitoring is off)",
      ]);
    });
  });

  describe("ec2-ssm-managed and ec2-no-secrets-in-user-data (row 17)", () => {
    const managed = (userData: pulumi.Input<string>) => {
      const profile = profileWith([aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore]);
      instance("vm", { iamInstanceProfile: profile.name, userData });
    };
    it("stays quiet on an SSM-managed instance whose user data fetches its secrets at boot", async () => {
      assert.deepEqual(await violations(ssmManagedInstance, () => managed(SAFE_USER_DATA)), []);
      assert.deepEqual(await violations(noSecretsInUserData, () => managed(SAFE_USER_DATA)), []);
    });
    it("fails when the instance has no instance profile", async () => {
      assert.deepEqual(await violations(ssmManagedInstance, () => instance("vm")), ["vm: iamInstanceProfile is unset"]);
    });
    it("fails when the instance profile is not in the stack", async () => {
      assert.deepEqual(await violations(ssmManagedInstance, () => instance("vm", { iamInstanceProfile: "legacy-web" })), [
        "vm: instance profile legacy-web is not defined in this stack, so its SSM permissions cannot be checked",
      ]);
    });
    it("fails when the instance profile has no role", async () => {
      const found = await violations(ssmManagedInstance, () => {
        const profile = new aws.iam.InstanceProfile("web", {});
        instance("vm", { iamInstanceProfile: profile.name });
      });
      assert.deepEqual(found, ["vm: instance profile web has no role"]);
    });
    const inline = (actions: string[]) => () => {
      const role = new aws.iam.Role("web", { name: "web-instance", assumeRolePolicy: ASSUME_EC2 });
      new aws.iam.RolePolicy("web-session-manager", {
        role: role.name,
        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }] }),
      });
      instance("vm", { iamInstanceProfile: new aws.iam.InstanceProfile("web", { role: role.name }).name });
    };
    it("stays quiet on a role whose inline policy allows the Session Manager agent's actions by name", async () => {
      assert.deepEqual(await violations(ssmManagedInstance, inline([...SSM_AGENT_ACTIONS])), []);
    });
    it("fails when the inline policy leaves out one of the agent's actions", async () => {
      const found = await violations(ssmManagedInstance, inline(SSM_AGENT_ACTIONS.filter((a) => a !== "ssmmessages:OpenDataChannel")));
      assert.equal(found.length, 1);
      assert.match(found[0]!, /^vm: role web-instance of instance profile web has neither/);
    });
    it("fails when the role lacks AmazonSSMManagedInstanceCore", async () => {
      const found = await violations(ssmManagedInstance, () => {
        const profile = profileWith([aws.iam.ManagedPolicy.CloudWatchAgentServerPolicy]);
        instance("vm", { iamInstanceProfile: profile.name });
      });
      assert.deepEqual(found, [
        "vm: role web-instance of instance profile web has neither an AmazonSSMManagedInstanceCore attachment nor an inline policy allowing ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel",
      ]);
    });
    for (const [what, line, message] of [
      ["an access key id", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "an AWS access key id"],
      ["a secret access key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "an AWS secret access key"],
      [
        "a private key",
        "cat > /root/.ssh/id_ed25519 <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----\nEOF",
        "a private key",
      ],
      ["a literal password", "DB_PASSWORD='hunter2hunter2'", "a literal value for DB_PASSWORD"],
      ["a literal token in YAML", "github_token: ghp_16C7e42F292c6912E7710c838347Ae178B4a", "a literal value for github_token"],
    ]) {
      it(`fails when user data holds ${what}`, async () => {
        assert.deepEqual(await violations(noSecretsInUserData, () => managed(`#!/bin/bash\n${line}\n`)), [
          `vm: userData contains ${message}`,
        ]);
      });
    }
    it("fails when base64 user data holds a secret", async () => {
      const found = await violations(noSecretsInUserData, () => {
        const profile = profileWith([aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore]);
        instance("vm", {
          iamInstanceProfile: profile.name,
          userDataBase64: Buffer.from("#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n").toString("base64"),
        });
      });
      assert.deepEqual(found, ["vm: userData contains an AWS access key id"]);
    });

    const managedTemplate = (userData: string | undefined, profileRef: "name" | "arn" = "arn") => {
      const profile = profileWith([aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore]);
      template("lt", { iamInstanceProfile: profileRef === "arn" ? { arn: profile.arn } : { name: profile.name }, userData });
    };
    it("stays quiet on an SSM-managed launch template (profile by ARN or name) whose base64 user data fetches its secrets at boot", async () => {
      for (const ref of ["arn", "name"] as const) {
        assert.deepEqual(await violations(ssmManagedInstance, () => managedTemplate(base64(SAFE_USER_DATA), ref)), [], ref);
      }
      assert.deepEqual(await violations(noSecretsInUserData, () => managedTemplate(base64(SAFE_USER_DATA))), []);
    });
    it("fails when a launch template has no instance profile", async () => {
      assert.deepEqual(await violations(ssmManagedInstance, () => template("lt")), ["lt: iamInstanceProfile is unset"]);
    });
    it("fails when a launch template's instance profile role lacks AmazonSSMManagedInstanceCore", async () => {
      const found = await violations(ssmManagedInstance, () => {
        const profile = profileWith([aws.iam.ManagedPolicy.CloudWatchAgentServerPolicy]);
        template("lt", { iamInstanceProfile: { name: profile.name } });
      });
      assert.deepEqual(found, [
        "lt: role web-instance of instance profile web has neither an AmazonSSMManagedInstanceCore attachment nor an inline policy allowing ssm:UpdateInstanceInformation, ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, ssmmessages:OpenDataChannel",
      ]);
    });
    it("fails when a launch template's base64 user data holds a secret (it is decoded before the scan)", async () => {
      const script = "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nDB_PASSWORD='hunter2hunter2'\n";
      assert.deepEqual(await violations(noSecretsInUserData, () => managedTemplate(base64(script))), [
        "lt: userData contains an AWS access key id",
        "lt: userData contains a literal value for DB_PASSWORD",
      ]);
    });
    it("fails when a launch template's gzipped base64 user data holds a secret", async () => {
      const gzipped = gzipSync(Buffer.from("#!/bin/bash\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n")).toString("base64");
      assert.deepEqual(await violations(noSecretsInUserData, () => managedTemplate(gzipped)), ["lt: userData contains a private key"]);
    });
    it("decodes base64 (and gzip) user data, and leaves text that is not base64 alone", () => {
      assert.equal(decodeUserData(base64("#!/bin/bash\necho hi\n")), "#!/bin/bash\necho hi\n");
      assert.equal(decodeUserData(gzipSync(Buffer.from("echo gz")).toString("base64")), "echo gz");
      assert.equal(decodeUserData("#!/bin/bash\necho hi\n"), undefined);
    });
  });

  describe("ec2-single-eni-source-dest-check (row 18)", () => {
    it("stays quiet on an instance with its primary interface only", async () => {
      const found = await violations(singleEni, () => {
        const { subnet } = network();
        instance("vm", { subnetId: subnet.id, sourceDestCheck: true });
      });
      assert.deepEqual(found, []);
    });
    it("fails when sourceDestCheck is off", async () => {
      const found = await violations(singleEni, () => {
        const { subnet } = network();
        instance("vm", { subnetId: subnet.id, sourceDestCheck: false });
      });
      assert.deepEqual(found, ["vm: sourceDestCheck is false"]);
    });
    it("fails when the instance lists two network interfaces", async () => {
      const found = await violations(singleEni, () => {
        const { subnet } = network();
        const enis = [0, 1].map((i) => new aws.ec2.NetworkInterface(`eni${i}`, { subnetId: subnet.id }));
        instance("vm", { networkInterfaces: enis.map((eni, deviceIndex) => ({ networkInterfaceId: eni.id, deviceIndex })) });
      });
      assert.deepEqual(found, ["vm: networkInterfaces lists 2 interfaces, not 1"]);
    });
    it("fails when the instance has a secondary network interface", async () => {
      const found = await violations(singleEni, () => {
        const { subnet } = network();
        instance("vm", {
          subnetId: subnet.id,
          secondaryNetworkInterfaces: [{ networkCardIndex: 1, secondarySubnetId: "ss-0a1b2c3d4e5f60718" }],
        });
      });
      assert.deepEqual(found, ["vm: secondaryNetworkInterfaces attaches 1 more interface(s)"]);
    });
    it("fails when a NetworkInterfaceAttachment adds an interface to an instance", async () => {
      const found = await violations(singleEni, () => {
        const { subnet } = network();
        const vm = instance("vm", { subnetId: subnet.id });
        const eni = new aws.ec2.NetworkInterface("eni", { subnetId: subnet.id });
        new aws.ec2.NetworkInterfaceAttachment("second", { instanceId: vm.id, networkInterfaceId: eni.id, deviceIndex: 1 });
      });
      assert.deepEqual(found, ["second: attaches a secondary network interface to instance vm"]);
    });
    it("stays quiet on a launch template with one network interface, and fails on one with two", async () => {
      assert.deepEqual(await violations(singleEni, () => template("lt")), []);
      const found = await violations(singleEni, () =>
        template("lt", {
          networkInterfaces: [
            { deviceIndex: 0, associatePublicIpAddress: "false" },
            { deviceIndex: 1, associatePublicIpAddress: "false" },
          ],
        }),
      );
      assert.deepEqual(found, ["lt: networkInterfaces lists 2 interfaces, not 1"]);
    });
  });

  describe("ec2-default-security-group-closed (row 19)", () => {
    it("stays quiet when the VPC's default group has no rules", async () => {
      const found = await violations(defaultSecurityGroupClosed, () => {
        const { vpc } = network();
        new aws.ec2.DefaultSecurityGroup("default", { vpcId: vpc.id, ingress: [], egress: [] });
      });
      assert.deepEqual(found, []);
    });
    it("fails when no DefaultSecurityGroup manages the VPC's default group", async () => {
      assert.deepEqual(await violations(defaultSecurityGroupClosed, () => network()), [
        "vpc: no DefaultSecurityGroup manages this VPC's default security group, so AWS's default rules stay",
      ]);
    });
    it("fails when the default group keeps AWS's self-referencing ingress", async () => {
      const found = await violations(defaultSecurityGroupClosed, () => {
        const { vpc } = network();
        new aws.ec2.DefaultSecurityGroup("default", {
          vpcId: vpc.id,
          ingress: [{ protocol: "-1", self: true, fromPort: 0, toPort: 0 }],
          egress: [],
        });
      });
      assert.deepEqual(found, ["default: ingress has 1 rule(s), not none"]);
    });
    it("fails when the default group allows egress", async () => {
      const found = await violations(defaultSecurityGroupClosed, () => {
        const { vpc } = network();
        new aws.ec2.DefaultSecurityGroup("default", {
          vpcId: vpc.id,
          ingress: [],
          egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        });
      });
      assert.deepEqual(found, ["default: egress has 1 rule(s), not none"]);
    });
  });

  describe("ec2-world-ingress-only-http-https (row 20)", () => {
    it("stays quiet on world 80 and 443 (inline and standalone) and SSH from the VPC", async () => {
      const found = await violations(worldIngressOnlyWeb, () => {
        const sg = group("alb", {
          ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" }],
        });
        new aws.vpc.SecurityGroupIngressRule("http6", {
          securityGroupId: sg.id,
          cidrIpv6: "::/0",
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 80,
          description: "redirect",
        });
        new aws.vpc.SecurityGroupIngressRule("ssh", {
          securityGroupId: sg.id,
          cidrIpv4: "10.0.0.0/16",
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          description: "SSH",
        });
      });
      assert.deepEqual(found, []);
    });
    it("fails when an inline rule opens another port to the world", async () => {
      const found = await violations(worldIngressOnlyWeb, () => {
        group("web", { ingress: [{ protocol: "tcp", fromPort: 8443, toPort: 8443, cidrBlocks: ["0.0.0.0/0"] }] });
      });
      assert.deepEqual(found, ["web: web ingress[0] admits the internet on tcp 8443, not only tcp 80 or 443"]);
    });
    it("fails when a standalone rule opens the range 80-443", async () => {
      const found = await violations(worldIngressOnlyWeb, () => {
        new aws.vpc.SecurityGroupIngressRule("range", {
          securityGroupId: "sg-0a1b2c3d4e5f60718",
          cidrIpv4: "0.0.0.0/0",
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 443,
        });
      });
      assert.deepEqual(found, ["range: range admits the internet on tcp 80-443, not only tcp 80 or 443"]);
    });
    it("fails when a standalone rule opens udp 443 (QUIC) to ::/0", async () => {
      const found = await violations(worldIngressOnlyWeb, () => {
        new aws.vpc.SecurityGroupIngressRule("quic", {
          securityGroupId: "sg-0a1b2c3d4e5f60718",
          cidrIpv6: "::/0",
          ipProtocol: "udp",
          fromPort: 443,
          toPort: 443,
        });
      });
      assert.deepEqual(found, ["quic: quic admits the internet on udp 443, not only tcp 80 or 443"]);
    });
    it("fails when a classic SecurityGroupRule admits all protocols", async () => {
      const found = await violations(worldIngressOnlyWeb, () => {
        new aws.ec2.SecurityGroupRule("all", {
          type: "ingress",
          securityGroupId: "sg-0a1b2c3d4e5f60718",
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
        });
      });
      assert.deepEqual(found, ["all: all admits the internet on all protocols, not only tcp 80 or 443"]);
    });
  });

  describe("ec2-no-world-risky-ports (row 21)", () => {
    it("stays quiet on world 443 and risky ports from private ranges only", async () => {
      const found = await violations(noWorldRiskyPorts, () => {
        const sg = group("db", {
          ingress: [{ protocol: "tcp", fromPort: 3306, toPort: 3306, cidrBlocks: ["10.0.0.0/16"], description: "MySQL" }],
        });
        new aws.vpc.SecurityGroupIngressRule("https", {
          securityGroupId: sg.id,
          cidrIpv4: "0.0.0.0/0",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
        });
        new aws.vpc.SecurityGroupIngressRule("rdp", {
          securityGroupId: sg.id,
          cidrIpv4: "192.168.0.0/24",
          ipProtocol: "tcp",
          fromPort: 3389,
          toPort: 3389,
        });
      });
      assert.deepEqual(found, []);
    });
    it("fails when an inline rule opens SSH to the world", async () => {
      const found = await violations(noWorldRiskyPorts, () => {
        group("bastion", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], description: "SSH" }] });
      });
      assert.deepEqual(found, ["bastion: bastion ingress[0] admits the internet on tcp 22, which covers 22"]);
    });
    it("fails when a standalone rule's range covers several risky ports from ::/0", async () => {
      const found = await violations(noWorldRiskyPorts, () => {
        new aws.vpc.SecurityGroupIngressRule("range", {
          securityGroupId: "sg-0a1b2c3d4e5f60718",
          cidrIpv6: "::/0",
          ipProtocol: "tcp",
          fromPort: 3000,
          toPort: 3400,
        });
      });
      assert.deepEqual(found, ["range: range admits the internet on tcp 3000-3400, which covers 3000, 3306, 3389"]);
    });
    it("fails when a standalone rule admits protocol -1 from the world", async () => {
      const found = await violations(noWorldRiskyPorts, () => {
        new aws.vpc.SecurityGroupIngressRule("any", { securityGroupId: "sg-0a1b2c3d4e5f60718", cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" });
      });
      assert.deepEqual(found, ["any: any admits the internet on all protocols and ports"]);
    });
    it("fails when a classic SecurityGroupRule opens PostgreSQL to the world", async () => {
      const found = await violations(noWorldRiskyPorts, () => {
        new aws.ec2.SecurityGroupRule("pg", {
          type: "ingress",
          securityGroupId: "sg-0a1b2c3d4e5f60718",
          protocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrBlocks: ["0.0.0.0/0"],
        });
      });
      assert.deepEqual(found, ["pg: pg admits the internet on tcp 5432, which covers 5432"]);
    });
  });

  describe("ec2-security-group-hygiene (row 22)", () => {
    it("stays quiet on described, attached groups with described, narrow rules", async () => {
      const found = await violations(securityGroupHygiene, () => {
        const { vpc, subnet } = network();
        const web = new aws.ec2.SecurityGroup("web", { vpcId: vpc.id, description: "web instances" });
        new aws.vpc.SecurityGroupIngressRule("web-http", {
          securityGroupId: web.id,
          cidrIpv4: "10.0.0.0/16",
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 80,
          description: "HTTP from the VPC",
        });
        new aws.vpc.SecurityGroupEgressRule("web-https", {
          securityGroupId: web.id,
          cidrIpv4: "0.0.0.0/0",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "HTTPS out",
        });
        instance("vm", { subnetId: subnet.id, vpcSecurityGroupIds: [web.id] });
        const alb = new aws.ec2.SecurityGroup("alb", {
          vpcId: vpc.id,
          description: "load balancer",
          ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" }],
          egress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/16"], description: "to targets" }],
        });
        new aws.lb.LoadBalancer("alb", { subnets: [subnet.id], securityGroups: [alb.id] });
        const lt = new aws.ec2.SecurityGroup("lt", { vpcId: vpc.id, description: "launch template instances" });
        new aws.ec2.LaunchTemplate("lt", { imageId: AMI, instanceType: INSTANCE_TYPE, vpcSecurityGroupIds: [lt.id] });
        const db = new aws.ec2.SecurityGroup("db", { vpcId: vpc.id, description: "database" });
        new aws.rds.Instance("db", {
          engine: "mysql",
          instanceClass: "db.t4g.micro",
          allocatedStorage: 20,
          username: "app",
          manageMasterUserPassword: true,
          vpcSecurityGroupIds: [db.id],
        });
        const vpce = new aws.ec2.SecurityGroup("vpce", { vpcId: vpc.id, description: "interface endpoints" });
        new aws.ec2.VpcEndpoint("ssm", {
          vpcId: vpc.id,
          serviceName: `com.amazonaws.${REGION}.ssm`,
          vpcEndpointType: "Interface",
          securityGroupIds: [vpce.id],
        });
        new aws.ec2.DefaultSecurityGroup("default", { vpcId: vpc.id, ingress: [], egress: [] });
      });
      assert.deepEqual(found, []);
    });
    const attached = (sg: aws.ec2.SecurityGroup) => instance("vm", { vpcSecurityGroupIds: [sg.id] });
    it("fails when a group has no description of its own", async () => {
      assert.deepEqual(await violations(securityGroupHygiene, () => attached(group("web", { description: undefined }))), [
        'web: description is unset or the provider default "Managed by Pulumi"',
      ]);
    });
    it("fails when an inline rule has no description", async () => {
      const found = await violations(securityGroupHygiene, () =>
        attached(group("web", { ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/16"] }] })),
      );
      assert.deepEqual(found, ["web: web ingress[0] has no description"]);
    });
    it("fails when a standalone rule has no description", async () => {
      const found = await violations(securityGroupHygiene, () => {
        const sg = group("web");
        attached(sg);
        new aws.vpc.SecurityGroupIngressRule("http", {
          securityGroupId: sg.id,
          cidrIpv4: "10.0.0.0/16",
          ipProtocol: "tcp",
          fromPort: 80,
          toPort: 80,
        });
      });
      assert.deepEqual(found, ["http: http has no description"]);
    });
    it("fails when an inline egress rule allows everything to the world", async () => {
      const found = await violations(securityGroupHygiene, () =>
        attached(group("web", { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "all out" }] })),
      );
      assert.deepEqual(found, ["web: web egress[0] allows all egress (protocol -1) to the internet"]);
    });
    it("fails when a standalone egress rule allows everything to ::/0", async () => {
      const found = await violations(securityGroupHygiene, () => {
        const sg = group("web");
        attached(sg);
        new aws.vpc.SecurityGroupEgressRule("all6", { securityGroupId: sg.id, cidrIpv6: "::/0", ipProtocol: "-1", description: "all out" });
      });
      assert.deepEqual(found, ["all6: all6 allows all egress (protocol -1) to the internet"]);
    });
    it("fails when a group is attached to nothing", async () => {
      assert.deepEqual(await violations(securityGroupHygiene, () => group("orphan")), [
        "orphan: not attached to any instance, launch template, load balancer, RDS instance or VPC endpoint",
      ]);
    });
    it("fails when a group mixes inline rules with standalone rule resources", async () => {
      const found = await violations(securityGroupHygiene, () => {
        const sg = group("web", {
          ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["10.0.0.0/16"], description: "HTTP" }],
        });
        attached(sg);
        new aws.vpc.SecurityGroupIngressRule("https", {
          securityGroupId: sg.id,
          cidrIpv4: "10.0.0.0/16",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "HTTPS",
        });
        new aws.ec2.SecurityGroupRule("ssh", {
          type: "ingress",
          securityGroupId: sg.id,
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: ["10.0.0.0/16"],
          description: "SSH",
        });
      });
      assert.deepEqual(found, ["web: inline rules are mixed with standalone rule resources (https, ssh)"]);
    });
  });

  describe("ec2-vpc-flow-logs (row 23)", () => {
    const flowLog = (vpc: aws.ec2.Vpc, trafficType: string) => {
      const logs = new aws.cloudwatch.LogGroup("flow", { name: "/vpc/flow", retentionInDays: 365 });
      const role = new aws.iam.Role("flow", {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      });
      new aws.ec2.FlowLog("flow", { vpcId: vpc.id, trafficType, logDestination: logs.arn, iamRoleArn: role.arn });
    };
    it("stays quiet when the VPC logs ALL traffic", async () => {
      assert.deepEqual(await violations(vpcFlowLogs, () => flowLog(network().vpc, "ALL")), []);
    });
    it("fails when a VPC has no flow log", async () => {
      assert.deepEqual(await violations(vpcFlowLogs, () => network()), ["vpc: no flow log records this VPC's traffic"]);
    });
    it("fails when the flow log records only accepted traffic", async () => {
      assert.deepEqual(await violations(vpcFlowLogs, () => flowLog(network().vpc, "ACCEPT")), [
        "vpc: flow logs record only ACCEPT traffic, not REJECT or ALL",
      ]);
    });
  });

  describe("ec2-vpc-ssm-endpoint (row 24, EC2.57) and ec2-vpc-ec2-endpoint (row 49, EC2.10): what the controls check, per VPC", () => {
    const vpcWith =
      (services: string[], privateDnsEnabled = true) =>
      () => {
        const { vpc, subnet } = network();
        // A NAT route does not satisfy the controls: they ask for the endpoint itself.
        new aws.ec2.RouteTable("private", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0a1b2c3d4e5f60718" }] });
        for (const service of services)
          new aws.ec2.VpcEndpoint(service, {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${REGION}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled,
            subnetIds: [subnet.id],
          });
      };
    it("fails when a VPC with a NAT route has no ssm interface endpoint", async () => {
      assert.deepEqual(await violations(vpcSsmEndpoint, vpcWith(["ssmmessages", "ec2messages"])), [
        "vpc: no interface endpoint for ssm: Session Manager (with ssmmessages and ec2messages) should reach Systems Manager inside the VPC, not through the NAT gateways",
      ]);
    });
    it("fails when the ssm endpoint has private DNS off", async () => {
      assert.deepEqual(await violations(vpcSsmEndpoint, vpcWith(["ssm"], false)), [
        "ssm: the ssm endpoint has private DNS off: clients keep resolving the public endpoint",
      ]);
    });
    it("passes a VPC with the ssm endpoint, private DNS on", async () => {
      assert.deepEqual(await violations(vpcSsmEndpoint, vpcWith(["ssm", "ssmmessages", "ec2messages"])), []);
    });
    it("fails when a VPC has no ec2 interface endpoint, and passes with one", async () => {
      assert.deepEqual(await violations(vpcEc2Endpoint, vpcWith(["ssm"])), [
        "vpc: no interface endpoint for ec2: calls to the EC2 API from the VPC should stay inside it",
      ]);
      assert.deepEqual(await violations(vpcEc2Endpoint, vpcWith(["ec2"])), []);
    });
  });

  describe("ec2-nacl-no-admin-ports-from-world (row 50, EC2.21)", () => {
    const deny = (ruleNo: number, port: number, world: Record<string, string>) => ({
      ruleNo,
      action: "deny",
      protocol: "tcp",
      fromPort: port,
      toPort: port,
      ...world,
    });
    const allowAll = (ruleNo: number, world: Record<string, string>) => ({
      ruleNo,
      action: "allow",
      protocol: "-1",
      fromPort: 0,
      toPort: 0,
      ...world,
    });
    const v4 = { cidrBlock: "0.0.0.0/0" };
    const v6 = { ipv6CidrBlock: "::/0" };
    const withDefault = (ingress: aws.types.input.ec2.DefaultNetworkAclIngress[]) => () => {
      const { vpc } = network();
      new aws.ec2.DefaultNetworkAcl("default", { defaultNetworkAclId: vpc.defaultNetworkAclId, ingress, egress: [allowAll(100, v4)] });
    };
    it("fails when a VPC's default network ACL is left as AWS creates it", async () => {
      assert.deepEqual(
        await violations(naclAdminPorts, () => {
          network();
        }),
        ["vpc: the default network ACL is unmanaged: AWS creates it admitting all traffic, 22 and 3389 from anywhere included"],
      );
    });
    it("fails when an allow-all entry comes before the denies", async () => {
      assert.deepEqual(await violations(naclAdminPorts, withDefault([allowAll(5, v4), deny(10, 22, v4), deny(11, 3389, v4)])), [
        "default: ingress rule 5 admits TCP 22 from 0.0.0.0/0",
        "default: ingress rule 5 admits TCP 3389 from 0.0.0.0/0",
      ]);
    });
    it("fails when IPv6 is allowed to 22 and 3389 though IPv4 is denied", async () => {
      assert.deepEqual(
        await violations(naclAdminPorts, withDefault([deny(10, 22, v4), deny(11, 3389, v4), allowAll(100, v4), allowAll(101, v6)])),
        ["default: ingress rule 101 admits TCP 22 from ::/0", "default: ingress rule 101 admits TCP 3389 from ::/0"],
      );
    });
    it("fails when a standalone NetworkAclRule admits SSH from anywhere", async () => {
      assert.deepEqual(
        await violations(naclAdminPorts, () => {
          const { vpc } = network();
          new aws.ec2.DefaultNetworkAcl("default", {
            defaultNetworkAclId: vpc.defaultNetworkAclId,
            ingress: [deny(10, 22, v4), deny(11, 3389, v4)],
          });
          const acl = new aws.ec2.NetworkAcl("db", { vpcId: vpc.id });
          new aws.ec2.NetworkAclRule("ssh", {
            networkAclId: acl.id,
            ruleNumber: 100,
            egress: false,
            protocol: "tcp",
            ruleAction: "allow",
            cidrBlock: "0.0.0.0/0",
            fromPort: 20,
            toPort: 25,
          });
        }),
        ["db: ingress rule 100 admits TCP 22 from 0.0.0.0/0"],
      );
    });
    it("passes denies of 22 and 3389 from both worlds before allow-all, as the network component writes them", async () => {
      assert.deepEqual(
        await violations(
          naclAdminPorts,
          withDefault([deny(10, 22, v4), deny(11, 3389, v4), deny(20, 22, v6), deny(21, 3389, v6), allowAll(100, v4), allowAll(101, v6)]),
        ),
        [],
      );
    });
  });

  describe("ec2-vpc-endpoints-without-nat (row 51)", () => {
    const endpoints = (vpc: aws.ec2.Vpc, subnet: aws.ec2.Subnet, services: string[], vpcEndpointType = "Interface") =>
      services.map(
        (s) =>
          new aws.ec2.VpcEndpoint(s, {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${REGION}.${s}`,
            vpcEndpointType,
            privateDnsEnabled: true,
            subnetIds: [subnet.id],
          }),
      );
    const isolated = (extra: (n: ReturnType<typeof network>) => void) => () => {
      const n = network();
      const rt = new aws.ec2.RouteTable("private", { vpcId: n.vpc.id });
      new aws.ec2.RouteTableAssociation("private", { subnetId: n.subnet.id, routeTableId: rt.id });
      instance("vm", { subnetId: n.subnet.id });
      extra(n);
    };
    it("stays quiet when the subnet's route table sends 0.0.0.0/0 to a NAT gateway", async () => {
      const found = await violations(ssmEndpointsWithoutNat, () => {
        const { vpc, subnet } = network();
        const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
        const pub = new aws.ec2.Subnet("public", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24", availabilityZone: "us-east-1a" });
        const pubRt = new aws.ec2.RouteTable("public", { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }] });
        new aws.ec2.RouteTableAssociation("public", { subnetId: pub.id, routeTableId: pubRt.id });
        const eip = new aws.ec2.Eip("nat", { domain: "vpc" });
        const nat = new aws.ec2.NatGateway("nat", { subnetId: pub.id, allocationId: eip.id });
        const rt = new aws.ec2.RouteTable("private", { vpcId: vpc.id });
        new aws.ec2.Route("default", { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
        new aws.ec2.RouteTableAssociation("private", { subnetId: subnet.id, routeTableId: rt.id });
        instance("vm", { subnetId: subnet.id });
      });
      assert.deepEqual(found, []);
    });
    it("stays quiet when the subnet's route table lists an inline default route to a NAT gateway", async () => {
      const found = await violations(ssmEndpointsWithoutNat, () => {
        const { vpc, subnet } = network();
        const rt = new aws.ec2.RouteTable("private", {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0a1b2c3d4e5f60718" }],
        });
        new aws.ec2.RouteTableAssociation("private", { subnetId: subnet.id, routeTableId: rt.id });
        instance("vm", { subnetId: subnet.id });
      });
      assert.deepEqual(found, []);
    });
    it("stays quiet when the VPC's main route table has a default route and the subnet has no association", async () => {
      const found = await violations(ssmEndpointsWithoutNat, () => {
        const { vpc, subnet } = network();
        const igw = new aws.ec2.InternetGateway("igw", { vpcId: vpc.id });
        new aws.ec2.Route("default", { routeTableId: vpc.mainRouteTableId, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
        instance("vm", { subnetId: subnet.id });
      });
      assert.deepEqual(found, []);
    });
    it("stays quiet in an isolated subnet with interface endpoints for ssm, ec2messages and ssmmessages", async () => {
      assert.deepEqual(
        await violations(
          ssmEndpointsWithoutNat,
          isolated(({ vpc, subnet }) => endpoints(vpc, subnet, ["ssm", "ec2messages", "ssmmessages"])),
        ),
        [],
      );
    });
    it("fails when an isolated subnet has no route and no endpoints", async () => {
      assert.deepEqual(
        await violations(
          ssmEndpointsWithoutNat,
          isolated(() => undefined),
        ),
        [
          "vm: subnet private has no default route to a NAT gateway or gateway, and VPC vpc has no interface endpoint for ssm, ec2messages, ssmmessages",
        ],
      );
    });
    it("fails when only some of the SSM endpoints exist", async () => {
      assert.deepEqual(
        await violations(
          ssmEndpointsWithoutNat,
          isolated(({ vpc, subnet }) => endpoints(vpc, subnet, ["ssm", "ssmmessages"])),
        ),
        ["vm: subnet private has no default route to a NAT gateway or gateway, and VPC vpc has no interface endpoint for ec2messages"],
      );
    });
    it("fails when the endpoints are not of type Interface", async () => {
      assert.deepEqual(
        await violations(
          ssmEndpointsWithoutNat,
          isolated(({ vpc, subnet }) => endpoints(vpc, subnet, ["ssm", "ec2messages", "ssmmessages"], "Gateway")),
        ),
        [
          "vm: subnet private has no default route to a NAT gateway or gateway, and VPC vpc has no interface endpoint for ssm, ec2messages, ssmmessages",
        ],
      );
    });
    /** An Auto Scaling group over the isolated subnet, and no instance. */
    const isolatedGroup = (extra: (n: ReturnType<typeof network>) => void) => () => {
      const n = network();
      const rt = new aws.ec2.RouteTable("private", { vpcId: n.vpc.id });
      new aws.ec2.RouteTableAssociation("private", { subnetId: n.subnet.id, routeTableId: rt.id });
      autoScalingGroup("asg", template("lt"), [n.subnet.id]);
      extra(n);
    };
    it("stays quiet on an Auto Scaling group in an isolated subnet whose VPC has the SSM interface endpoints", async () => {
      assert.deepEqual(
        await violations(
          ssmEndpointsWithoutNat,
          isolatedGroup(({ vpc, subnet }) => endpoints(vpc, subnet, ["ssm", "ec2messages", "ssmmessages"])),
        ),
        [],
      );
    });
    it("fails when an Auto Scaling group's subnet has no route and its VPC no SSM endpoints", async () => {
      assert.deepEqual(
        await violations(
          ssmEndpointsWithoutNat,
          isolatedGroup(({ vpc, subnet }) => endpoints(vpc, subnet, ["ssm"])),
        ),
        [
          "asg: subnet private has no default route to a NAT gateway or gateway, and VPC vpc has no interface endpoint for ec2messages, ssmmessages",
        ],
      );
    });
  });
});
