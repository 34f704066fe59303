import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CORE_SCHEMA, load } from "js-yaml";

/**
 * A project or stack file as YAML 1.2's core schema reads it (a date stays a string, as the CLI
 * keeps it). js-yaml is the reader @pulumi/pulumi's LocalWorkspace uses for these files, so it is
 * loaded already; a second YAML library cost a cold plan 45 ms to load and warm up.
 */
function parse(text: string): unknown {
  return load(text, { schema: CORE_SCHEMA });
}

/** A Pulumi project directory: its name and the config of each `Pulumi.<stack>.yaml`. */
export interface ProjectFiles {
  name: string;
  dir: string;
  /** Project-level config defaults from `Pulumi.yaml` (`config:` with `default`s or plain values). */
  defaults: Record<string, unknown>;
}

export function readProject(dir: string): ProjectFiles {
  const file = join(dir, "Pulumi.yaml");
  if (!existsSync(file)) throw new Error(`@web-infra/testing: no Pulumi.yaml in ${dir}`);
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { name?: string; config?: Record<string, unknown> };
  if (typeof doc.name !== "string") throw new Error(`@web-infra/testing: ${file} has no project name`);
  const defaults: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(doc.config ?? {})) {
    const value = typeof v === "object" && v !== null && !Array.isArray(v) ? (v as { default?: unknown }).default : v;
    if (value !== undefined) defaults[qualify(key, doc.name)] = value;
  }
  return { name: doc.name, dir, defaults };
}

/** Config of one stack file, keys qualified with their namespace. */
export function readStackConfig(project: ProjectFiles, stack: string): Record<string, unknown> {
  const file = join(project.dir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new Error(`@web-infra/testing: no stack file ${file}`);
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) out[qualify(key, project.name)] = value;
  return out;
}

/** The stack names that have a `Pulumi.<stack>.yaml` in the project directory, sorted. */
export function stackNames(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function qualify(key: string, project: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}
