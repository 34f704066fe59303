// The offline plan: run the program under @web-infra/testing's mocked AWS, with Pulumi.dev.yaml's
// config, and print what `pulumi up` would create and anything AWS would refuse. No AWS account.
import { formatAsPreview, runProgram } from "@web-infra/testing";
import { shop } from "./shop";

runProgram(shop, { stack: "dev", projectDir: `${__dirname}/..`, enforce: false }).then((g) => {
  for (const [type, count] of Object.entries(g.counts()).sort()) console.log(`${String(count).padStart(3)}  ${type}`);
  if (g.rejections.length) {
    console.log(formatAsPreview(g.rejections));
    process.exitCode = 1;
  } else console.log(`${g.customResources.length} resources; nothing AWS would refuse.`);
});
