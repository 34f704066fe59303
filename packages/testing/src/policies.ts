import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { CapturedResource, StackGraph } from "./graph";

/** One policy violation found offline. */
export interface PolicyViolation {
  readonly policy: string;
  readonly urn?: string;
  readonly message: string;
  readonly enforcementLevel: string;
}

class NotApplicable extends Error {}

function options(r: CapturedResource) {
  const seconds = (v?: string) => (v ? Number.parseFloat(v) * ({ s: 1, m: 60, h: 3600 }[v.slice(-1)] ?? 1) : 0);
  return {
    protect: r.options.protect,
    ignoreChanges: [...r.options.ignoreChanges],
    deleteBeforeReplace: r.options.deleteBeforeReplace,
    aliases: [...r.options.aliases],
    customTimeouts: {
      createSeconds: seconds(r.options.customTimeouts?.create),
      updateSeconds: seconds(r.options.customTimeouts?.update),
      deleteSeconds: seconds(r.options.customTimeouts?.delete),
    },
    additionalSecretOutputs: [...r.options.additionalSecretOutputs],
    parent: r.parent,
  };
}

const isType = (r: CapturedResource) => (cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === r.type;
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/**
 * Run Pulumi policies over a captured graph, as `pulumi preview --policy-pack`
 * would: `validateResource` sees each resource's inputs, `validateStack` every
 * resource's outputs (with `id`, as provider state has it). No PolicyPack is
 * constructed: it would start a gRPC server.
 */
export async function runPolicies(graph: StackGraph, policies: Policies, config: Record<string, unknown> = {}): Promise<PolicyViolation[]> {
  const out: PolicyViolation[] = [];
  const resources = graph.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  const stackTags = new Map<string, string>();

  const stackResources = new Map<string, PolicyResource>();
  for (const r of resources) {
    stackResources.set(r.urn, {
      type: r.type,
      props: { ...r.state, ...(r.id ? { id: r.id } : {}) },
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: isType(r),
      asType: ((cls: unknown) => (isType(r)(cls) ? r.state : undefined)) as PolicyResource["asType"],
    });
  }
  for (const r of resources) {
    const pr = stackResources.get(r.urn) as PolicyResource;
    pr.parent = r.parent ? stackResources.get(r.parent) : undefined;
    pr.dependencies = r.dependencies.map((u) => stackResources.get(u)).filter((x): x is PolicyResource => x !== undefined);
    pr.propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([k, urns]) => [
        k,
        urns.map((u) => stackResources.get(u)).filter((x): x is PolicyResource => x !== undefined),
      ]),
    );
  }

  for (const policy of policies) {
    // Like the policy SDK: a config entry's enforcementLevel overrides the policy's, and getConfig returns the rest.
    const { enforcementLevel: configured, ...policyConfig } = (config[policy.name] ?? {}) as { enforcementLevel?: EnforcementLevel };
    const level = configured ?? policy.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    const report = (urn?: string) => (message: string, reportedUrn?: string) =>
      out.push({ policy: policy.name, urn: reportedUrn ?? urn, message, enforcementLevel: level });
    const resourcePolicy = policy as ResourceValidationPolicy;
    const validations = [resourcePolicy.validateResource ?? []].flat();
    for (const validate of validations) {
      for (const r of resources) {
        const args: ResourceValidationArgs = {
          type: r.type,
          props: r.inputs,
          urn: r.urn,
          name: r.name,
          opts: options(r),
          stackTags,
          isType: isType(r),
          asType: ((cls: unknown) => (isType(r)(cls) ? r.inputs : undefined)) as ResourceValidationArgs["asType"],
          getConfig: <T extends object>() => policyConfig as T,
          notApplicable,
        };
        try {
          await validate(args, report(r.urn));
        } catch (err) {
          if (!(err instanceof NotApplicable)) throw err;
        }
      }
    }
    const stackPolicy = policy as StackValidationPolicy;
    if (stackPolicy.validateStack) {
      const args: StackValidationArgs = {
        resources: [...stackResources.values()],
        stackTags,
        getConfig: <T extends object>() => policyConfig as T,
        notApplicable,
      };
      try {
        await stackPolicy.validateStack(args, report());
      } catch (err) {
        if (!(err instanceof NotApplicable)) throw err;
      }
    }
  }
  return out;
}
