/**
 * The graph of the web program as another commit wrote it, for `npm run plan -- --compare <ref>`:
 * run from the repository's loader with a worktree of that commit, whose own packages and stack
 * files it uses, and print the captured resources as JSON.
 *
 *   node --conditions=@web-infra/source -r ./packages/testing/register.js scripts/graph-json.ts <worktree> <stack>
 */
import { createRequire } from "node:module";
import { join } from "node:path";

interface Runner {
  runProgram: (
    program: () => unknown,
    options: Record<string, unknown>,
  ) => Promise<{ resources: unknown[]; stack: string; project: string; region: string; accountId: string }>;
}

async function main(): Promise<void> {
  const [dir, stack] = process.argv.slice(2);
  if (!dir || !stack) throw new Error("usage: graph-json.ts <worktree> <stack>");
  const load = createRequire(__filename);
  const { runProgram } = load(join(dir, "packages/testing/src")) as Runner;
  const { webStack } = load(join(dir, "stacks/web/program")) as { webStack: () => unknown };
  const g = await runProgram(webStack, { stack, projectDir: dir, enforce: false });
  process.stdout.write(
    JSON.stringify({ resources: g.resources, stack: g.stack, project: g.project, region: g.region, accountId: g.accountId }),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
