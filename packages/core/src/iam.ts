import type * as pulumi from "@pulumi/pulumi";
import type { Problems } from "./validation";

/** An IAM managed policy ARN, as a permissions boundary must be (any partition). */
export const POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/;
/** IAM's role path: `/`, or `/…/` of printable ASCII, at most 512 characters (CreateRole API reference). */
export const ROLE_PATH = /^(\/|\/[\x21-\x7e]{1,510}\/)$/;

/** What a component's roles carry: a permissions boundary and a path. */
export interface RoleSettings {
  readonly permissionsBoundary?: pulumi.Input<string>;
  readonly rolePath?: string;
}

/**
 * Check a component's role settings: a boundary given as a string must be a policy ARN (an
 * Output is checked by IAM at `pulumi up`), and the path must be one IAM accepts.
 */
export function checkRoleSettings(p: Problems, args: RoleSettings): void {
  const boundary = args.permissionsBoundary;
  if (typeof boundary === "string") {
    p.check(
      POLICY_ARN.test(boundary),
      "permissionsBoundary",
      "must be an IAM policy ARN",
      boundary,
      "Use the bootstrap stack's permissionsBoundaryArn output, e.g. arn:aws:iam::123456789012:policy/web-infra/web-infra-boundary.",
    );
  }
  if (args.rolePath !== undefined) {
    p.check(
      ROLE_PATH.test(args.rolePath),
      "rolePath",
      "must be / or start and end with / (printable ASCII, at most 512 characters)",
      args.rolePath,
      'Use e.g. "/web-infra/prod/".',
    );
  }
}

/** The inputs every role a component creates takes from its role settings. */
export function roleInputs(args: RoleSettings): { permissionsBoundary?: pulumi.Input<string>; path?: string } {
  return { permissionsBoundary: args.permissionsBoundary, path: args.rolePath };
}
