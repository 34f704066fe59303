import { resolve } from "node:path";
import { runProgram } from "@web-infra/testing";
import { webStack } from "../../stacks/web/program";
(async () => {
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    await runProgram(webStack, { stack: "prod", projectDir: resolve(__dirname, "../..") });
    process.stdout.write(`${(performance.now() - t).toFixed(0)} `);
  }
  console.log();
})();
