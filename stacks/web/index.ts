// Entry point for `pulumi up`: the host calls the exported function and
// publishes what it returns as the stack outputs.
import { webStack } from "./program";

export = webStack;
