import facts from "../aws/schemaFacts.json";
import { API_FACTS, API_FACTS_READ, type ApiFact } from "../aws/apiFacts";
import type { CapturedResource } from "../graph";
import { type AwsRule, resourceRule } from "./rule";

/*
 * Rules from AWS's CloudFormation resource schemas: the same service constraints the APIs
 * enforce, in machine-readable form. scripts/cfn-facts.py copies the facts for the inputs the
 * packages set (input → CloudFormation property → pattern, length, range, enum) from the
 * schemas cfn-lint bundles; these rules read only that file. The provider validates some of
 * them at `pulumi preview`; many (a WAF description's pattern) only AWS checks, at `pulumi up`.
 */

/** One schema fact: a Pulumi input, the CloudFormation property it becomes, and what the schema allows. */
export interface SchemaFact {
  readonly type: string;
  readonly input: string;
  readonly cfnType: string;
  readonly property: string;
  readonly constraints: FactConstraints;
}

/** What a fact allows, in JSON Schema's words. */
export interface FactConstraints {
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly (string | number)[];
}

export const SCHEMA_FACTS: readonly SchemaFact[] = facts.facts as SchemaFact[];
/** Where the facts come from, and when they were read. */
export const SCHEMA_SOURCE = `${facts.source}, read ${facts.read}`;

/** The values at an input path (`rules[].name`: every rule's name), skipping what is unset. */
export function valuesAt(inputs: Record<string, unknown>, path: string): unknown[] {
  let current: unknown[] = [inputs];
  for (const step of path.split(".")) {
    const array = step.endsWith("[]");
    const key = array ? step.slice(0, -2) : step;
    current = current
      .map((v) => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined))
      .flatMap((v) => (array ? (Array.isArray(v) ? v : []) : [v]))
      .filter((v) => v !== undefined && v !== null);
  }
  return current;
}

/** The rule id of a fact: `schema-<service>-<type>-<property>`, lower case. */
export function schemaRuleId(f: SchemaFact): string {
  const [, service, type] = f.cfnType.toLowerCase().split("::");
  return `schema-${service}-${type}-${f.property.toLowerCase().replace(/\[\]/g, "").replace(/\./g, "-")}`;
}

/** The pattern as a JavaScript regular expression, or undefined when it uses syntax JavaScript lacks. */
function compile(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}

/** Why a value breaks the fact's constraints, or undefined. */
function problem(c: FactConstraints, value: unknown, pattern: RegExp | undefined): string | undefined {
  if (typeof value === "string") {
    const length = [...value].length;
    if (c.minLength !== undefined && length < c.minLength) return `is ${length} characters, under the minimum of ${c.minLength}`;
    if (c.maxLength !== undefined && length > c.maxLength) return `is ${length} characters, over the maximum of ${c.maxLength}`;
    if (pattern && !pattern.test(value)) return `does not match ${c.pattern}`;
  }
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))
        ? Number(value)
        : undefined;
  if (number !== undefined && (c.minimum !== undefined || c.maximum !== undefined)) {
    if (c.minimum !== undefined && number < c.minimum) return `is below the minimum of ${c.minimum}`;
    if (c.maximum !== undefined && number > c.maximum) return `is above the maximum of ${c.maximum}`;
  }
  if (c.enum && (typeof value === "string" || typeof value === "number") && !c.enum.includes(value)) {
    return `is not one of ${c.enum.map((e) => JSON.stringify(e)).join(", ")}`;
  }
  return undefined;
}

/** A rule that holds every value at one input of one type to a fact's constraints; `cited` ends each message. */
function factRule(id: string, type: string, input: string, constraints: FactConstraints, description: string, cited: string): AwsRule {
  const pattern = compile(constraints.pattern);
  return resourceRule(id, description, [type], (r: CapturedResource) =>
    valuesAt(r.inputs, input).map((value) => {
      const why = problem(constraints, value, pattern);
      return why === undefined ? undefined : `${input} ${JSON.stringify(value)} ${why} (${cited}); change the value to fit`;
    }),
  );
}

/** One rule per fact that constrains something: the input's values, against the schema. */
export function schemaRule(f: SchemaFact): AwsRule {
  return factRule(
    schemaRuleId(f),
    f.type,
    f.input,
    f.constraints,
    `${f.input} of ${f.type} within ${f.cfnType} ${f.property} (${JSON.stringify(f.constraints)}; ${SCHEMA_SOURCE})`,
    `${f.cfnType} ${f.property}, AWS's resource schema: AWS refuses it at pulumi up although the provider may accept it`,
  );
}

/** The rule id of an API fact: `api-<module>-<resource>-<input>`, lower case. */
export function apiRuleId(f: ApiFact): string {
  const [, module = "", resource = ""] = /^[^:]+:([^/]+)\/([^:]+):/.exec(f.type) ?? [];
  return `api-${module}-${resource}-${f.input.replace(/\[\]/g, "").replace(/\./g, "-")}`.toLowerCase();
}

/** One rule per API or provider fact. */
export function apiRule(f: ApiFact): AwsRule {
  return factRule(
    apiRuleId(f),
    f.type,
    f.input,
    f.constraints,
    `${f.input} of ${f.type}: ${JSON.stringify(f.constraints)} (${f.source}, read ${API_FACTS_READ})`,
    f.source,
  );
}

/** The facts whose pattern JavaScript cannot compile: they keep their length, range and enum checks. */
export const UNCOMPILED_PATTERNS: readonly (SchemaFact | ApiFact)[] = [...SCHEMA_FACTS, ...API_FACTS].filter(
  (f) => f.constraints.pattern !== undefined && compile(f.constraints.pattern) === undefined,
);

/**
 * Facts a hand-written rule already decides, with that rule's id: it says more (the cross-field
 * part, the provider's wording), so the schema rule would only report the same fault twice.
 */
export const COVERED_BY: Readonly<Record<string, string>> = {
  "aws:rds/instance:Instance identifier": "rds-identifier",
  "aws:lb/targetGroup:TargetGroup healthCheck.interval": "target-group-health-check",
  "aws:lb/targetGroup:TargetGroup healthCheck.timeout": "target-group-health-check",
  "aws:lb/targetGroup:TargetGroup healthCheck.healthyThreshold": "target-group-health-check",
  "aws:lb/targetGroup:TargetGroup healthCheck.unhealthyThreshold": "target-group-health-check",
  "aws:ec2/launchTemplate:LaunchTemplate metadataOptions.httpTokens": "launch-template-metadata-options",
  "aws:ec2/launchTemplate:LaunchTemplate metadataOptions.httpEndpoint": "launch-template-metadata-options",
  "aws:autoscaling/group:Group healthCheckType": "asg-health-check-type",
  "aws:cloudwatch/metricAlarm:MetricAlarm comparisonOperator": "cloudwatch-alarm-operator-statistic",
  "aws:cloudwatch/metricAlarm:MetricAlarm statistic": "cloudwatch-alarm-operator-statistic",
  "aws:cloudwatch/metricAlarm:MetricAlarm treatMissingData": "cloudwatch-alarm-operator-statistic",
  "aws:cloudwatch/metricAlarm:MetricAlarm evaluationPeriods": "cloudwatch-alarm-period",
  "aws:cloudwatch/metricAlarm:MetricAlarm period": "cloudwatch-alarm-period",
  "aws:kms/alias:Alias name": "physical-name-limits",
};

const key = (f: SchemaFact) => `${f.type} ${f.input}`;

export const SCHEMA_RULES: readonly AwsRule[] = SCHEMA_FACTS.filter(
  (f) => Object.keys(f.constraints).length > 0 && !(key(f) in COVERED_BY),
).map(schemaRule);

export const API_RULES: readonly AwsRule[] = API_FACTS.map(apiRule);
