// Entry point for `pulumi up` in stacks/bootstrap: the host calls the exported
// function and publishes what it returns as the stack outputs.
import { bootstrapStack } from "./program";

export = bootstrapStack;
