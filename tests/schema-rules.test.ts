import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import {
  API_FACTS,
  API_RULES,
  apiRuleId,
  AwsRejectionError,
  AWS_RULES,
  inputsRead,
  COVERED_BY,
  formatAsPreview,
  runProgram,
  RunResult,
  SCHEMA_FACTS,
  SCHEMA_RULES,
  schemaRuleId,
  valuesAt,
} from "@web-infra/testing";
import type { ApiFact, AwsRule, CapturedResource, SchemaFact, StackGraph } from "@web-infra/testing";
import { STACKS, stackGraph } from "./support";
import { join } from "node:path";
import { bootstrapStack } from "../stacks/bootstrap/program";

/** The value at a path with `[]` steps set to `value` in every element (a deep copy). */
function setAt(inputs: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(inputs);
  const steps = path.split(".");
  const visit = (node: unknown, i: number): void => {
    if (node === null || typeof node !== "object") return;
    const step = steps[i]!;
    const array = step.endsWith("[]");
    const key = array ? step.slice(0, -2) : step;
    const obj = node as Record<string, unknown>;
    if (i === steps.length - 1) {
      if (array) (obj[key] as unknown[] | undefined)?.forEach((_, j, a) => (a[j] = value));
      else obj[key] = value;
      return;
    }
    if (array) (obj[key] as unknown[] | undefined)?.forEach((x) => visit(x, i + 1));
    else visit(obj[key], i + 1);
  };
  visit(copy, 0);
  return copy;
}

/** A value the fact's constraints refuse, made from a value they accept. */
function breaking(f: SchemaFact | ApiFact, good: unknown): unknown {
  const c = f.constraints;
  if (c.enum) return typeof c.enum[0] === "number" ? -987654 : "NOT-A-LISTED-VALUE";
  if (c.maximum !== undefined) return c.maximum + 1;
  if (c.minimum !== undefined) return c.minimum - 1;
  if (c.maxLength !== undefined) return "a".repeat(c.maxLength + 1);
  if (c.pattern !== undefined) {
    const re = new RegExp(c.pattern, "u");
    return [`${String(good)}'`, `${String(good)}\u00e9`, `${String(good)}*`, "", " "].find((v) => !re.test(v));
  }
  if (c.minLength !== undefined) return "";
  return undefined;
}

const only = (r: CapturedResource) => ({ ofType: (...types: string[]) => (types.includes(r.type) ? [r] : []) }) as unknown as StackGraph;

describe("rules from AWS's resource schemas", () => {
  let graphs: RunResult[];
  before(async () => {
    graphs = [
      ...(await Promise.all(STACKS.map((s) => stackGraph(s)))),
      await runProgram(bootstrapStack, { stack: "admin", projectDir: join(__dirname, "../stacks/bootstrap") }),
    ];
  });

  it("has one rule per constrained fact that no hand-written rule already decides, each with a unique id", () => {
    const constrained = SCHEMA_FACTS.filter((f) => Object.keys(f.constraints).length > 0);
    const own = constrained.filter((f) => !(`${f.type} ${f.input}` in COVERED_BY));
    assert.deepEqual(
      SCHEMA_RULES.map((r) => r.id),
      own.map(schemaRuleId),
    );
    assert.equal(new Set(SCHEMA_RULES.map((r) => r.id)).size, SCHEMA_RULES.length);
    assert.ok(SCHEMA_RULES.length >= 55, `${SCHEMA_RULES.length} rules`);
  });

  /**
   * For each rule whose fact the graphs exercise: the graph's own value passes, a value the fact refuses
   * is rejected with a message naming the input, the value and `cited(fact)`. Returns how many were exercised.
   */
  function breakEach<F extends SchemaFact | ApiFact>(
    rules: readonly AwsRule[],
    factOf: (id: string) => F,
    cited: (f: F) => string,
  ): number {
    let exercised = 0;
    for (const rule of rules) {
      const fact = factOf(rule.id);
      const resource = graphs.flatMap((g) => g.ofType(fact.type)).find((r) => valuesAt(r.inputs, fact.input).length > 0);
      if (!resource) continue;
      exercised++;
      const good = valuesAt(resource.inputs, fact.input)[0];
      assert.deepEqual(rule.check(only(resource)), [], `${rule.id}: ${JSON.stringify(good)} passes`);
      const bad = breaking(fact, good);
      assert.notEqual(bad, undefined, `${rule.id}: a breaking value`);
      const found = rule.check(only({ ...resource, inputs: setAt(resource.inputs, fact.input, bad) }));
      assert.equal(found.length > 0, true, `${rule.id}: ${JSON.stringify(bad)} is rejected`);
      assert.ok(found[0]!.message.startsWith(`${fact.input} ${JSON.stringify(bad)} `), found[0]!.message);
      assert.ok(found[0]!.message.includes(cited(fact)), rule.id);
    }
    return exercised;
  }

  it("rejects, for every rule the graphs exercise, a value the schema refuses, and passes the graph's own value (its corrected twin)", () => {
    const exercised = breakEach(
      SCHEMA_RULES,
      (id) => SCHEMA_FACTS.find((f) => schemaRuleId(f) === id)!,
      (f) => `${f.cfnType} ${f.property}`,
    );
    assert.ok(exercised >= 50, `${exercised} rules exercised by the graphs`);
  });

  it("rejects, for every API or provider fact the graphs exercise, a value the fact refuses, and passes the graph's own value", () => {
    assert.deepEqual(
      API_RULES.map((r) => r.id),
      API_FACTS.map(apiRuleId),
    );
    assert.equal(new Set(API_RULES.map((r) => r.id)).size, API_RULES.length);
    const exercised = breakEach(
      API_RULES,
      (id) => API_FACTS.find((f) => apiRuleId(f) === id)!,
      (f) => f.source,
    );
    assert.ok(exercised >= 35, `${exercised} of ${API_RULES.length} API rules exercised by the graphs`);
  });

  it("fails when a web ACL's description has an apostrophe, which CreateWebACL refuses and the provider lets through", async () => {
    const acl = (description: string) => () => {
      new aws.wafv2.WebAcl("waf", {
        description,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: "waf", sampledRequestsEnabled: true },
      });
    };
    const err = await runProgram(acl("Managed protections in front of web's load balancer"), { stack: "dev" }).catch((e: unknown) => e);
    assert.ok(err instanceof AwsRejectionError, String(err));
    assert.match(
      err.message,
      /\[schema-wafv2-webacl-description\] .*waf: description "Managed protections in front of web's load balancer" does not match/,
    );
    const fixed = await runProgram(acl("Managed protections in front of the load balancer of web"), { stack: "dev" });
    assert.deepEqual(fixed.rejections, []);
  });

  it("passes the dev, staging, prod and bootstrap graphs", () => {
    for (const g of graphs)
      assert.deepEqual(
        g.rejections.filter((r) => r.rule.startsWith("schema-")),
        [],
      );
  });
});

describe("the inputs a rule reads, traced from its code", () => {
  let graphs: RunResult[];
  before(async () => {
    graphs = await Promise.all(STACKS.map((s) => stackGraph(s)));
  });

  it("records each path a rule reads, dropping the paths it only passes through", () => {
    const reads = inputsRead(
      AWS_RULES.find((r) => r.id === "target-group-health-check")!,
      graphs,
    );
    assert.deepEqual([...(reads.get("aws:lb/targetGroup:TargetGroup") ?? [])].sort(), [
      "healthCheck.healthyThreshold",
      "healthCheck.interval",
      "healthCheck.matcher",
      "healthCheck.path",
      "healthCheck.timeout",
      "healthCheck.unhealthyThreshold",
      "protocolVersion",
      "targetType",
    ]);
    assert.deepEqual([...reads.keys()], ["aws:lb/targetGroup:TargetGroup"]);
  });

  it("follows a cross-resource rule into the resources it references", () => {
    const reads = inputsRead(
      AWS_RULES.find((r) => r.id === "rds-security-groups-vpc")!,
      graphs,
    );
    assert.deepEqual([...reads.keys()].sort(), [
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:ec2/subnet:Subnet",
      "aws:rds/instance:Instance",
      "aws:rds/subnetGroup:SubnetGroup",
    ]);
    assert.deepEqual([...(reads.get("aws:ec2/securityGroup:SecurityGroup") ?? [])], ["vpcId"]);
  });

  it("finds every hand-written rule reading some input of the graphs, the URN check aside", async () => {
    const all = [...graphs, await runProgram(bootstrapStack, { stack: "admin", projectDir: join(__dirname, "../stacks/bootstrap") })];
    const silent = AWS_RULES.filter((r) => !r.id.startsWith("schema-") && !r.id.startsWith("api-") && inputsRead(r, all).size === 0).map(
      (r) => r.id,
    );
    assert.deepEqual(silent, ["unique-urn", "target-group-attachment-vpc"]);
  });
});

describe("rejections printed as pulumi preview prints a provider error", () => {
  it("groups them per resource under Diagnostics, with the type as the CLI shows it", () => {
    const urn = "urn:pulumi:prod::web-infra::web-infra:compute:WebTier$aws:wafv2/webAcl:WebAcl::web-waf";
    assert.equal(
      formatAsPreview([
        { rule: "schema-wafv2-webacl-description", urn, message: 'description "a\'b" does not match …' },
        { rule: "schema-wafv2-webacl-scope", urn, message: 'scope "GLOBAL" is not one of …' },
      ]),
      [
        "Diagnostics:",
        "  aws:wafv2:WebAcl (web-waf):",
        "    error: 2 errors occurred:",
        '    \t* [schema-wafv2-webacl-description] description "a\'b" does not match …',
        '    \t* [schema-wafv2-webacl-scope] scope "GLOBAL" is not one of …',
      ].join("\n"),
    );
  });
});
