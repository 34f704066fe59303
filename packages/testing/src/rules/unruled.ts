/**
 * Why an input the packages set is read by no rule, keyed `<type> <input>`: no constraint exists,
 * or it cannot be decided from the program. Switches (true/false) and references to another
 * resource of the graph need no entry; RULES.md names them as such. `npm run docs` fails on an
 * input that has neither a rule nor a reason, so a new input cannot go unexamined.
 */
export const NO_RULE: Readonly<Record<string, string>> = {
  "aws:autoscaling/policy:Policy estimatedInstanceWarmup": "no constraint exists: PutScalingPolicy takes any number of seconds",
  "aws:cloudwatch/metricAlarm:MetricAlarm threshold": "no constraint exists: PutMetricAlarm takes any double",
  "aws:ec2/launchTemplate:LaunchTemplate blockDeviceMappings[].deviceName":
    "cannot be decided offline: the device names an instance accepts depend on the AMI's virtualization and root device and on the instance type (EC2 User Guide, Device names)",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment policyArn":
    "cannot be decided offline: whether a managed policy exists is IAM GetPolicy's answer (iam-policy-actions-known checks the actions of the policies the program writes)",
  "aws:route53/record:Record zoneId": "cannot be decided offline: the hosted zone is looked up or created outside the program",
  "aws:rds/optionGroup:OptionGroup options[].optionName":
    "cannot be decided offline: the options an engine version offers come from RDS DescribeOptionGroupOptions in the account's region",
  "aws:rds/optionGroup:OptionGroup options[].optionSettings[].name":
    "cannot be decided offline: an option's settings come from RDS DescribeOptionGroupOptions",
  "aws:rds/optionGroup:OptionGroup options[].optionSettings[].value":
    "cannot be decided offline: an option setting's allowed values come from RDS DescribeOptionGroupOptions",
  "aws:rds/parameterGroup:ParameterGroup parameters[].name":
    "cannot be decided offline: a family's parameters come from RDS DescribeEngineDefaultParameters",
  "aws:rds/parameterGroup:ParameterGroup parameters[].value":
    "cannot be decided offline: a parameter's allowed values come from RDS DescribeEngineDefaultParameters",
};
