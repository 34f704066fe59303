#!/usr/bin/env python3
"""Copy into the repository the constraints AWS's CloudFormation resource schemas put on the
inputs web-infra sets: one fact per (Pulumi type, input path), with the CloudFormation type and
property it comes from. Run by hand when cfn-lint is upgraded (python3 scripts/cfn-facts.py);
the tests read only the JSON it writes, never cfn-lint.

Input paths use `[]` for "every element". Constraints kept: pattern, minLength, maxLength,
minimum, maximum, enum.
"""
import json
import sys
from datetime import date

from importlib.metadata import version
from cfnlint.schema.manager import PROVIDER_SCHEMA_MANAGER as manager

REGION = "us-east-1"
OUT = "packages/testing/src/aws/schemaFacts.json"

# Pulumi type -> (CloudFormation type, [(Pulumi input path, CloudFormation property path)])
MAP = {
    "aws:wafv2/webAcl:WebAcl": ("AWS::WAFv2::WebACL", [
        ("description", "Description"),
        ("scope", "Scope"),
        ("rules[].name", "Rules[].Name"),
        ("rules[].priority", "Rules[].Priority"),
        ("rules[].statement.managedRuleGroupStatement.name", "Rules[].Statement.ManagedRuleGroupStatement.Name"),
        ("rules[].statement.managedRuleGroupStatement.vendorName", "Rules[].Statement.ManagedRuleGroupStatement.VendorName"),
        ("rules[].visibilityConfig.metricName", "Rules[].VisibilityConfig.MetricName"),
        ("visibilityConfig.metricName", "VisibilityConfig.MetricName"),
    ]),
    "aws:lb/targetGroup:TargetGroup": ("AWS::ElasticLoadBalancingV2::TargetGroup", [
        ("port", "Port"),
        ("protocol", "Protocol"),
        ("targetType", "TargetType"),
        ("healthCheck.interval", "HealthCheckIntervalSeconds"),
        ("healthCheck.timeout", "HealthCheckTimeoutSeconds"),
        ("healthCheck.healthyThreshold", "HealthyThresholdCount"),
        ("healthCheck.unhealthyThreshold", "UnhealthyThresholdCount"),
        ("healthCheck.path", "HealthCheckPath"),
        ("healthCheck.protocol", "HealthCheckProtocol"),
        ("healthCheck.matcher", "Matcher.HttpCode"),
    ]),
    "aws:lb/loadBalancer:LoadBalancer": ("AWS::ElasticLoadBalancingV2::LoadBalancer", [
        ("loadBalancerType", "Type"),
        ("ipAddressType", "IpAddressType"),
    ]),
    "aws:lb/listener:Listener": ("AWS::ElasticLoadBalancingV2::Listener", [
        ("port", "Port"),
        ("protocol", "Protocol"),
        ("sslPolicy", "SslPolicy"),
        ("defaultActions[].type", "DefaultActions[].Type"),
        ("defaultActions[].redirect.statusCode", "DefaultActions[].RedirectConfig.StatusCode"),
        ("defaultActions[].redirect.port", "DefaultActions[].RedirectConfig.Port"),
        ("defaultActions[].forward.targetGroups[].weight", "DefaultActions[].ForwardConfig.TargetGroups[].Weight"),
    ]),
    "aws:ec2/securityGroup:SecurityGroup": ("AWS::EC2::SecurityGroup", [("description", "GroupDescription")]),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("AWS::EC2::SecurityGroupIngress", [
        ("description", "Description"), ("fromPort", "FromPort"), ("toPort", "ToPort"), ("ipProtocol", "IpProtocol"),
    ]),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ("AWS::EC2::SecurityGroupEgress", [
        ("description", "Description"), ("fromPort", "FromPort"), ("toPort", "ToPort"), ("ipProtocol", "IpProtocol"),
    ]),
    "aws:ec2/launchTemplate:LaunchTemplate": ("AWS::EC2::LaunchTemplate", [
        ("description", "VersionDescription"),
        ("metadataOptions.httpTokens", "LaunchTemplateData.MetadataOptions.HttpTokens"),
        ("metadataOptions.httpEndpoint", "LaunchTemplateData.MetadataOptions.HttpEndpoint"),
        ("metadataOptions.httpPutResponseHopLimit", "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit"),
        ("blockDeviceMappings[].ebs.volumeType", "LaunchTemplateData.BlockDeviceMappings[].Ebs.VolumeType"),
        ("tagSpecifications[].resourceType", "LaunchTemplateData.TagSpecifications[].ResourceType"),
    ]),
    "aws:autoscaling/group:Group": ("AWS::AutoScaling::AutoScalingGroup", [
        ("healthCheckType", "HealthCheckType"),
        ("healthCheckGracePeriod", "HealthCheckGracePeriod"),
        ("defaultInstanceWarmup", "DefaultInstanceWarmup"),
        ("instanceMaintenancePolicy.minHealthyPercentage", "InstanceMaintenancePolicy.MinHealthyPercentage"),
        ("instanceMaintenancePolicy.maxHealthyPercentage", "InstanceMaintenancePolicy.MaxHealthyPercentage"),
        ("metricsGranularity", "MetricsCollection[].Granularity"),
    ]),
    "aws:autoscaling/policy:Policy": ("AWS::AutoScaling::ScalingPolicy", [
        ("policyType", "PolicyType"),
        ("targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType", "TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType"),
        ("targetTrackingConfiguration.predefinedMetricSpecification.resourceLabel", "TargetTrackingConfiguration.PredefinedMetricSpecification.ResourceLabel"),
    ]),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("AWS::CloudWatch::Alarm", [
        ("alarmDescription", "AlarmDescription"),
        ("comparisonOperator", "ComparisonOperator"),
        ("evaluationPeriods", "EvaluationPeriods"),
        ("datapointsToAlarm", "DatapointsToAlarm"),
        ("period", "Period"),
        ("statistic", "Statistic"),
        ("extendedStatistic", "ExtendedStatistic"),
        ("treatMissingData", "TreatMissingData"),
        ("namespace", "Namespace"),
        ("metricName", "MetricName"),
    ]),
    "aws:cloudwatch/dashboard:Dashboard": ("AWS::CloudWatch::Dashboard", [("dashboardName", "DashboardName")]),
    "aws:cloudwatch/eventRule:EventRule": ("AWS::Events::Rule", [("description", "Description")]),
    "aws:cloudwatch/logGroup:LogGroup": ("AWS::Logs::LogGroup", [("name", "LogGroupName"), ("retentionInDays", "RetentionInDays")]),
    "aws:iam/role:Role": ("AWS::IAM::Role", [
        ("name", "RoleName"), ("description", "Description"), ("maxSessionDuration", "MaxSessionDuration"), ("path", "Path"), ("permissionsBoundary", "PermissionsBoundary"),
    ]),
    "aws:iam/policy:Policy": ("AWS::IAM::ManagedPolicy", [("name", "ManagedPolicyName"), ("description", "Description"), ("path", "Path")]),
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ("AWS::IAM::OIDCProvider", [("url", "Url"), ("clientIdLists[]", "ClientIdList[]")]),
    "aws:kms/key:Key": ("AWS::KMS::Key", [("description", "Description"), ("deletionWindowInDays", "PendingWindowInDays")]),
    "aws:kms/alias:Alias": ("AWS::KMS::Alias", [("name", "AliasName")]),
    # Not Type: CloudFormation cannot create a SecureString parameter, but the SSM API (PutParameter) can.
    "aws:ssm/parameter:Parameter": ("AWS::SSM::Parameter", [("name", "Name"), ("description", "Description")]),
    "aws:secretsmanager/secret:Secret": ("AWS::SecretsManager::Secret", [("description", "Description")]),
    "aws:sns/topic:Topic": ("AWS::SNS::Topic", [("displayName", "DisplayName")]),
    "aws:sns/topicSubscription:TopicSubscription": ("AWS::SNS::Subscription", [("protocol", "Protocol")]),
    "aws:rds/instance:Instance": ("AWS::RDS::DBInstance", [
        ("identifier", "DBInstanceIdentifier"),
        ("dbName", "DBName"),
        ("username", "MasterUsername"),
        ("storageType", "StorageType"),
        ("backupRetentionPeriod", "BackupRetentionPeriod"),
        ("monitoringInterval", "MonitoringInterval"),
        ("performanceInsightsRetentionPeriod", "PerformanceInsightsRetentionPeriod"),
        ("maxAllocatedStorage", "MaxAllocatedStorage"),
        ("backupWindow", "PreferredBackupWindow"),
        ("maintenanceWindow", "PreferredMaintenanceWindow"),
    ]),
    "aws:rds/parameterGroup:ParameterGroup": ("AWS::RDS::DBParameterGroup", [("description", "Description"), ("family", "Family")]),
    "aws:rds/optionGroup:OptionGroup": ("AWS::RDS::OptionGroup", [("optionGroupDescription", "OptionGroupDescription"), ("engineName", "EngineName")]),
    "aws:rds/subnetGroup:SubnetGroup": ("AWS::RDS::DBSubnetGroup", [("description", "DBSubnetGroupDescription")]),
    "aws:route53/record:Record": ("AWS::Route53::RecordSet", [("type", "Type"), ("name", "Name")]),
    "aws:acm/certificate:Certificate": ("AWS::CertificateManager::Certificate", [
        ("domainName", "DomainName"), ("validationMethod", "ValidationMethod"), ("keyAlgorithm", "KeyAlgorithm"),
    ]),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ("AWS::S3::Bucket", [
        ("rules[].id", "LifecycleConfiguration.Rules[].Id"), ("rules[].status", "LifecycleConfiguration.Rules[].Status"),
    ]),
    "aws:ec2/flowLog:FlowLog": ("AWS::EC2::FlowLog", [
        ("trafficType", "TrafficType"), ("maxAggregationInterval", "MaxAggregationInterval"), ("logDestinationType", "LogDestinationType"),
    ]),
    "aws:ec2/natGateway:NatGateway": ("AWS::EC2::NatGateway", [("connectivityType", "ConnectivityType")]),
    "aws:ec2/eip:Eip": ("AWS::EC2::EIP", [("domain", "Domain")]),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("AWS::EC2::VPCEndpoint", [
        ("vpcEndpointType", "VpcEndpointType"), ("serviceName", "ServiceName"), ("privateDnsEnabled", "PrivateDnsEnabled"),
        ("vpcId", "VpcId"), ("subnetIds[]", "SubnetIds[]"), ("securityGroupIds[]", "SecurityGroupIds[]"), ("routeTableIds[]", "RouteTableIds[]"),
    ]),
    "aws:ec2/networkAcl:NetworkAcl": ("AWS::EC2::NetworkAcl", [("vpcId", "VpcId")]),
}

KEYS = ("pattern", "minLength", "maxLength", "minimum", "maximum", "enum")


def resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = schema
        for part in ref[2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def prop(schema, path):
    node = {"properties": schema["properties"]}
    for step in path.split("."):
        array = step.endswith("[]")
        name = step[:-2] if array else step
        node = resolve(schema, resolve(schema, node).get("properties", {}).get(name))
        if node is None:
            raise KeyError(path)
        if array:
            node = resolve(schema, node.get("items", {}))
    return resolve(schema, node)


facts = []
for pulumi_type, (cfn_type, inputs) in MAP.items():
    schema = manager.get_resource_schema(REGION, cfn_type).schema
    for input_path, cfn_path in inputs:
        node = prop(schema, cfn_path)
        constraints = {k: node[k] for k in KEYS if k in node}
        facts.append({"type": pulumi_type, "input": input_path, "cfnType": cfn_type, "property": cfn_path, "constraints": constraints})

json.dump(
    {
        "source": f"AWS CloudFormation resource schemas as bundled with cfn-lint {version('cfn-lint')} ({REGION})",
        "read": date.today().isoformat(),
        "facts": facts,
    },
    open(OUT, "w"),
    indent=1,
)
print(f"wrote {len(facts)} facts to {OUT}; run npx prettier --write {OUT}", file=sys.stderr)
