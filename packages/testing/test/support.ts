import * as aws from "@pulumi/aws";
import { runProgram, RunResult } from "../src";

/** Run with rules reported, not thrown, and return the ids of the rules that fired. */
export async function fired(program: () => unknown, region = "us-east-1"): Promise<{ rules: string[]; g: RunResult }> {
  const g = await runProgram(program, { stack: "test", config: { "aws:region": region }, enforce: false });
  return { rules: [...new Set(g.rejections.map((r) => r.rule))].sort(), g };
}

/** Every message one rule produced, one per line. */
export function messages(g: RunResult, rule: string): string {
  return g.rejections
    .filter((r) => r.rule === rule)
    .map((r) => r.message)
    .join("\n");
}

/** The logical names of the resources one rule fired on. */
export function subjects(g: RunResult, rule: string): string[] {
  return g.rejections.filter((r) => r.rule === rule).map((r) => r.urn.split("::").pop() ?? "");
}

/** A MySQL instance AWS accepts, so each test changes only what it is about. */
export function mysqlInstance(name: string, args: Partial<aws.rds.InstanceArgs> = {}): aws.rds.Instance {
  return new aws.rds.Instance(name, {
    engine: "mysql",
    engineVersion: "8.4",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    storageType: "gp3",
    username: "webinfra",
    password: "correct-horse-battery-staple",
    backupRetentionPeriod: 1,
    skipFinalSnapshot: true,
    ...args,
  });
}
