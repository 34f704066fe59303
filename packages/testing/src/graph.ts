import type { AmiRecord } from "./aws/catalog";

/** One resource as the program registered it, with what the mock answered. */
export interface CapturedResource {
  /** Type token, e.g. `aws:ec2/subnet:Subnet`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** URN as the Pulumi engine computes it (root stack type excluded from the type chain). */
  readonly urn: string;
  /** URN of the parent resource, if any. */
  readonly parent?: string;
  /** True for provider resources, false for components and the stack. */
  readonly custom: boolean;
  /** Provider-assigned id (custom resources only). */
  readonly id?: string;
  /** Inputs with secrets unwrapped to plain values. */
  readonly inputs: Record<string, unknown>;
  /** Dotted paths into `inputs` whose values arrived as Pulumi secrets, e.g. `password` or `tags.token`. */
  readonly secretPaths: readonly string[];
  /** Inputs merged with the computed outputs the mock returned (what the program sees). */
  readonly state: Record<string, unknown>;
  /** Resource options as sent to the engine. */
  readonly options: ResourceOptionsRecord;
  /** Input property → URNs of the resources whose outputs fed it. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** Every resource this one depends on (dependsOn plus property dependencies). */
  readonly dependencies: readonly string[];
  /** Outputs passed to `registerOutputs` (components and the stack). */
  registeredOutputs?: Record<string, unknown>;
  /** Dotted paths into `registeredOutputs` that were secrets. */
  registeredSecretPaths?: readonly string[];
}

export interface ResourceOptionsRecord {
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  readonly deleteBeforeReplace: boolean;
  /** Alias URNs, resolved from alias specs against this resource's own type, name and parent. */
  readonly aliases: readonly string[];
  readonly retainOnDelete: boolean;
  readonly replaceOnChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly provider?: string;
  readonly deletedWith?: string;
  readonly customTimeouts?: { create?: string; update?: string; delete?: string };
}

/** One invoke (data source call) the program made. */
export interface CapturedInvoke {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

/** Something AWS or the provider would refuse at `pulumi up`. */
export interface Rejection {
  /** Rule id, e.g. `subnet-cidr-in-vpc`. */
  readonly rule: string;
  /** URN of the offending resource. */
  readonly urn: string;
  /** What AWS would say, and how to fix it. */
  readonly message: string;
}

/** Everything one program run registered. */
export class StackGraph {
  readonly resources: readonly CapturedResource[];
  private readonly byUrnMap = new Map<string, CapturedResource>();
  private readonly byIdMap = new Map<string, CapturedResource>();
  /** Resources by type, in registration order: every rule asks for its types, so none filters the whole graph. */
  private readonly byTypeMap = new Map<string, CapturedResource[]>();

  /** Stack outputs, secrets unwrapped. */
  readonly outputs: Record<string, unknown>;
  /** Names of stack outputs that are secrets. */
  readonly secretOutputs: readonly string[];
  readonly invokes: readonly CapturedInvoke[];
  readonly stack: string;
  readonly project: string;
  readonly region: string;
  readonly accountId: string;
  /** The AMIs that exist in this pretend account (what the AMI lookup searched). */
  readonly amis: readonly AmiRecord[];

  constructor(
    resources: readonly CapturedResource[],
    run: {
      outputs: Record<string, unknown>;
      secretOutputs: readonly string[];
      invokes: readonly CapturedInvoke[];
      stack: string;
      project: string;
      region: string;
      accountId: string;
      amis: readonly AmiRecord[];
    },
  ) {
    this.resources = resources;
    this.outputs = run.outputs;
    this.secretOutputs = run.secretOutputs;
    this.invokes = run.invokes;
    this.stack = run.stack;
    this.project = run.project;
    this.region = run.region;
    this.accountId = run.accountId;
    this.amis = run.amis;
    for (const r of resources) {
      if (!this.byUrnMap.has(r.urn)) this.byUrnMap.set(r.urn, r);
      if (r.id !== undefined && r.id !== "") this.byIdMap.set(r.id, r);
      const ofType = this.byTypeMap.get(r.type);
      if (ofType) ofType.push(r);
      else this.byTypeMap.set(r.type, [r]);
    }
  }

  /** Custom resources (what the provider would create), excluding components and the stack. */
  get customResources(): CapturedResource[] {
    return this.resources.filter((r) => r.custom);
  }

  /** Every resource of a type; several tokens may be given (e.g. `aws:lb/*` and their `aws:alb/*` aliases). */
  ofType(...types: string[]): CapturedResource[] {
    if (types.length === 1) return [...(this.byTypeMap.get(types[0] as string) ?? [])];
    return this.resources.filter((r) => types.includes(r.type));
  }

  /** The single resource of a type with a logical name; throws when absent. */
  get(type: string, name: string): CapturedResource {
    const found = this.resources.find((r) => r.type === type && r.name === name);
    if (!found) {
      const names = this.ofType(type).map((r) => r.name);
      throw new Error(`no ${type} named "${name}" was registered; names of that type: ${names.join(", ") || "none"}`);
    }
    return found;
  }

  byUrn(urn: string): CapturedResource | undefined {
    return this.byUrnMap.get(urn);
  }

  /** The resource with a provider id (e.g. `subnet-0abc…`), the way rules follow `vpcId`-style references. */
  byId(id: unknown): CapturedResource | undefined {
    return typeof id === "string" ? this.byIdMap.get(id) : undefined;
  }

  /** The resource whose `arn` output equals the given value. */
  byArn(arn: unknown): CapturedResource | undefined {
    if (typeof arn !== "string") return undefined;
    return this.resources.find((r) => r.state["arn"] === arn);
  }

  children(urn: string): CapturedResource[] {
    return this.resources.filter((r) => r.parent === urn);
  }

  /** All descendants of a component, depth first. */
  descendants(urn: string): CapturedResource[] {
    const out: CapturedResource[] = [];
    for (const c of this.children(urn)) out.push(c, ...this.descendants(c.urn));
    return out;
  }

  /** Count of custom resources by type. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.customResources) out[r.type] = (out[r.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
  }
}
