/**
 * Regenerate the stack's presets and config-key tables in README.md
 * (`--check`: fail instead when they are stale).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { BEGIN, END, renderConfigDocs } from "../stacks/web/configDocs";

export async function configDocsBlock(readme: string): Promise<string> {
  const options = (await resolveConfig(readme)) ?? {};
  return (await format(renderConfigDocs(), { ...options, parser: "markdown" })).trim();
}

export function replaceBlock(text: string, block: string): string {
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README.md has no ${BEGIN} … ${END} markers`);
  return text.slice(0, start) + block + text.slice(end + END.length);
}

async function main(): Promise<number> {
  const file = join(__dirname, "..", "README.md");
  const text = readFileSync(file, "utf8");
  const next = replaceBlock(text, await configDocsBlock(file));
  if (next === text) return 0;
  if (process.argv.includes("--check")) {
    process.stderr.write("README.md: the config tables are stale; run `npm run docs`\n");
    return 1;
  }
  writeFileSync(file, next);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(2);
    },
  );
}
