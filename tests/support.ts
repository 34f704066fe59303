import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runProgram, RunOptions, RunResult, stackNames } from "@web-infra/testing";
import { webStack } from "../stacks/web/program";

export const ROOT = resolve(__dirname, "..");

/** Every stack with a `Pulumi.<stack>.yaml` at the root: the whole-stack tests run on each. */
export const STACKS = stackNames(ROOT);

const cache = new Map<string, Promise<RunResult>>();

/** The program's graph for a stack file, run once per suite and shared by every test that reads it. */
export function stackGraph(stack: string): Promise<RunResult> {
  let found = cache.get(stack);
  if (!found) {
    found = runWeb({ stack });
    cache.set(stack, found);
  }
  return found;
}

/** Run the web program for a stack with extra config on top of its stack file. */
export function runWeb(options: Omit<RunOptions, "projectDir">): Promise<RunResult> {
  return runProgram(webStack, { ...options, projectDir: ROOT });
}

/** Whether a package's sources import Pulumi: a library of components (the app is a plain Node service). */
export function importsPulumi(packageDir: string): boolean {
  const src = join(packageDir, "src");
  return readdirSync(src, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .some((f) => /from "@pulumi\//.test(readFileSync(join(src, f), "utf8")));
}
