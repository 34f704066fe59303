import * as pulumi from "@pulumi/pulumi";

/** Tags merged onto a resource: the caller's, then a `Name` for the console. */
export function withName(
  tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
  name: pulumi.Input<string>,
): pulumi.Output<Record<string, string>> {
  return pulumi.all([pulumi.output(tags ?? {}), pulumi.output(name)]).apply(([t, n]): Record<string, string> => ({ ...t, Name: n }));
}
