import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProgram, RunResult } from "@web-infra/testing";
import { bootstrapStack } from "../../stacks/bootstrap/program";
import { EXAMPLE_PROGRAMS } from "../examplePrograms";
import { STACKS, stackGraph } from "../support";
import { CFN_TYPES, FOLDED, toTemplate } from "./support/cfnExport";
import { removeDir, runCommand, tempDir } from "./support/processes";

interface Finding {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Location: { readonly Path: readonly (string | number)[] };
}

/**
 * What cfn-lint reports that is no fault of the stack, each with its reason. Any other finding
 * fails the run.
 */
const LIMITS: Readonly<Record<string, string>> = {
  E3003:
    "A required property is missing: the export carries the inputs it maps (the schema facts and the cross-resource ones), not every property CloudFormation requires.",
  E3691: 'EngineVersion "8.4": RDS takes a major version and picks its newest minor; cfn-lint lists only full versions.',
  W3010: "Availability zones by name: the network puts one subnet per zone of the region it looked up, by design.",
};

async function lint(template: Record<string, unknown>, region: string): Promise<Finding[]> {
  const dir = tempDir("cfn-lint");
  try {
    const file = join(dir, "template.json");
    writeFileSync(file, JSON.stringify(template));
    const r = await runCommand("cfn-lint", ["--regions", region, "--format", "json", file], process.env, 120_000);
    // cfn-lint exits non-zero when it finds anything; its JSON on stdout is the answer.
    assert.ok(r.stdout.trim().startsWith("["), `cfn-lint ran: ${r.stderr}`);
    return JSON.parse(r.stdout) as Finding[];
  } finally {
    removeDir(dir);
  }
}

const unexpected = (findings: readonly Finding[]) =>
  findings
    .filter((f) => LIMITS[f.Rule.Id] === undefined)
    .map((f) => `${f.Rule.Id} ${f.Location.Path.slice(0, 4).join("/")}: ${f.Message.slice(0, 200)}`);

describe("cfn-lint, AWS's linter over its resource schemas, on every stack's graph exported as a CloudFormation template", () => {
  for (const stack of STACKS) {
    it(`${stack}: no finding beyond the documented limits; every resource type exported or folded`, async () => {
      const g = await stackGraph(stack);
      const { template, exported, unmapped } = toTemplate(g);
      assert.deepEqual(unmapped, [], "every type maps to a CloudFormation counterpart or is folded into one");
      assert.ok(exported >= 70, `${exported} resources exported`);
      assert.deepEqual(unexpected(await lint(template, "us-east-1")), []);
    });
  }

  it("bootstrap: no finding beyond the documented limits", async () => {
    const g = await runProgram(bootstrapStack, { stack: "admin", projectDir: join(__dirname, "../../stacks/bootstrap") });
    const { template, unmapped } = toTemplate(g);
    assert.deepEqual(unmapped, []);
    assert.deepEqual(unexpected(await lint(template, "us-east-1")), []);
  });

  for (const [example, program] of Object.entries(EXAMPLE_PROGRAMS)) {
    it(`example ${example}: no finding beyond the documented limits`, async () => {
      const g = await runProgram(program, { stack: "example", project: "example" });
      const { template, unmapped } = toTemplate(g);
      assert.deepEqual(unmapped, []);
      assert.deepEqual(unexpected(await lint(template, "us-east-1")), []);
    });
  }

  it("lists the types with no counterpart of their own and where they fold", () => {
    for (const [type, into] of Object.entries(FOLDED)) {
      assert.equal(CFN_TYPES[type], undefined, type);
      assert.ok(into.length > 5, type);
    }
  });

  describe("a deliberately broken copy of dev", () => {
    let dev: RunResult;
    before(async () => {
      dev = await stackGraph("dev");
    });
    /** dev with one resource's inputs changed. */
    const broken = (type: string, name: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>) => {
      const graph = Object.create(dev) as RunResult;
      const resources = dev.customResources.map((r) =>
        r.type === type && r.name === name ? { ...r, inputs: change(structuredClone(r.inputs)) } : r,
      );
      Object.defineProperty(graph, "customResources", { get: () => resources });
      return graph;
    };
    const ids = async (graph: RunResult) => (await lint(toTemplate(graph).template, "us-east-1")).map((f) => f.Rule.Id);

    it("fails when a health check interval is out of range (E3034)", async () => {
      const graph = broken("aws:lb/targetGroup:TargetGroup", "web-app-8080", (i) => ({
        ...i,
        healthCheck: { ...(i["healthCheck"] as object), interval: 400 },
      }));
      assert.ok((await ids(graph)).includes("E3034"));
    });
    it("fails when a subnet lies outside its VPC (E3059)", async () => {
      const graph = broken("aws:ec2/subnet:Subnet", "network-public-0", (i) => ({ ...i, cidrBlock: "10.99.0.0/24" }));
      assert.ok((await ids(graph)).includes("E3059"));
    });
    it("fails when an instance class does not exist (E3025)", async () => {
      const graph = broken("aws:rds/instance:Instance", "db-primary", (i) => ({ ...i, instanceClass: "db.x9.huge" }));
      assert.ok((await ids(graph)).includes("E3025"));
    });
    it("passes the unbroken dev graph through the same path", async () => {
      assert.deepEqual(unexpected(await lint(toTemplate(dev).template, "us-east-1")), []);
    });
  });
});
