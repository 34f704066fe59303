// The floor: a cold node process that loads @pulumi/pulumi and @pulumi/aws and
// registers one mocked resource. Nothing the harness does can be cheaper.
"use strict";
const pulumi = require("@pulumi/pulumi");
const aws = require("@pulumi/aws");

pulumi.runtime
  .setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "floor", "floor", false)
  .then(() => {
    const vpc = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
    return new Promise((resolve) => vpc.id.apply(resolve));
  })
  .then(() => pulumi.runtime.disconnect());
