// The entry point `pulumi up` runs: the Pulumi host calls the function; what it returns becomes the stack outputs.
import { shop } from "./shop";

export = shop;
