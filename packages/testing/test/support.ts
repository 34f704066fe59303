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
