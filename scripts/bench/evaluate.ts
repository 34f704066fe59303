// A cold evaluation of one environment: load the harness and the program, run
// the stack once under the mocks with its Pulumi.<stack>.yaml, and exit.
import { resolve } from "node:path";
import { runProgram } from "@web-infra/testing";
import { webStack } from "../../stacks/web/program";

const stack = process.argv[2] ?? "dev";
runProgram(webStack, { stack, projectDir: resolve(__dirname, "../..") }).then(
  (g) => process.stdout.write(`${g.customResources.length}\n`),
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
