#!/usr/bin/env node
// The stacks of this project, from the root `Pulumi.<stack>.yaml` files, in promotion order:
// dev, staging, prod first (those that exist), then any others alphabetically.
//
//   node scripts/list-stacks.mjs [dir]   # prints a JSON array, e.g. ["dev","staging","prod"]
//
// CI feeds the output to `strategy.matrix` (fromJSON), so deploys go dev → staging → prod.
// Plain Node ESM without dependencies: it runs on any Node ≥ 18 right after checkout,
// before `npm ci` or setup-node.
import { readdirSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Stacks promoted in this order; any other stack follows them, alphabetically. */
export const PROMOTION_ORDER = ["dev", "staging", "prod"];

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;
// Pulumi's own rule for stack names; it also keeps the names safe in workflow expressions and shell.
const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * The stack names that have a `Pulumi.<stack>.yaml` in `dir`, in promotion order.
 * @param {string} dir
 * @returns {string[]}
 */
export function listStacks(dir) {
  const names = [];
  for (const file of readdirSync(dir)) {
    const match = STACK_FILE.exec(file);
    if (!match) continue;
    const name = match[1];
    if (!STACK_NAME.test(name)) {
      throw new Error(`${file}: "${name}" is not a valid stack name (letters, digits, "-", "_" and "." only)`);
    }
    names.push(name);
  }
  const rank = (name) => {
    const i = PROMOTION_ORDER.indexOf(name);
    return i === -1 ? PROMOTION_ORDER.length : i;
  };
  return names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

const self = fileURLToPath(import.meta.url);
const invoked = process.argv[1] ? realpathOrSelf(process.argv[1]) : undefined;

function realpathOrSelf(path) {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

if (invoked === realpathSync(self)) {
  const dir = process.argv[2] ?? join(dirname(self), "..");
  try {
    const stacks = listStacks(dir);
    if (stacks.length === 0) throw new Error(`no Pulumi.<stack>.yaml in ${dir}`);
    process.stdout.write(`${JSON.stringify(stacks)}\n`);
  } catch (err) {
    process.stderr.write(`list-stacks: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
