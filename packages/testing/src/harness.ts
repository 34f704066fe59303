import * as pulumi from "@pulumi/pulumi";
import type { AmiRecord, HostedZoneRecord } from "./aws/catalog";
import { answerInvoke } from "./aws/invokes";
import { AwsWorld } from "./aws/world";
import { CapturedInvoke, CapturedResource, ResourceOptionsRecord, StackGraph } from "./graph";
import { qualify, readProject, readStackConfig } from "./project";
import { AWS_RULES, AwsRejectionError, AwsRule, checkRules } from "./rules";
import { fromWire, unwrapSecrets, wrapSecretProps } from "./secrets";

const ROOT_STACK = "pulumi:pulumi:Stack";

export interface RunOptions {
  /** Stack name; with `projectDir`, its `Pulumi.<stack>.yaml` supplies the config. */
  stack: string;
  /**
   * Directory holding `Pulumi.yaml` and the stack files, which supply the project name and config.
   *
   * @default - no files: only `config` is used, and `aws:region` defaults to us-east-1
   */
  projectDir?: string;
  /** Project name when there is no `projectDir`. @default "project" */
  project?: string;
  /**
   * Config overrides on top of the stack file; keys without a namespace belong to the project,
   * and `undefined` removes a key.
   *
   * @default - none
   */
  config?: Record<string, unknown>;
  /**
   * Plaintext for config values stored as `secure:` in a stack file (the harness cannot decrypt).
   *
   * @default - none: a secure value fails the run
   */
  secrets?: Record<string, string>;
  /**
   * Account id the pretend AWS answers with (in ARNs, caller identity, policies).
   *
   * @default "123456789012"
   */
  accountId?: string;
  /** AMIs the lookup can find. @default Amazon Linux 2023 x86_64 and arm64 */
  amis?: readonly AmiRecord[];
  /** Hosted zones `route53.getZone` can find. @default example.com */
  hostedZones?: readonly HostedZoneRecord[];
  /** Rules checked after the run. @default AWS_RULES */
  rules?: readonly AwsRule[];
  /** Throw an AwsRejectionError when a rule fires. When false, read `graph.rejections`. @default true */
  enforce?: boolean;
}

/** The result of a run: the graph, plus what AWS would refuse. */
export class RunResult extends StackGraph {
  rejections: readonly import("./graph").Rejection[] = [];
}

interface MonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, cb: (err: Error | null, resp?: { getUrn(): string; getId(): string }) => void): Promise<void>;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): unknown }, cb: (err: Error | null, resp?: unknown) => void): void;
  readResource(req: { getType(): string; getName(): string; getId(): string }, cb: (err: Error | null) => void): Promise<void>;
}

interface RegisterRequest {
  getObject(): { toJavaScript(): unknown } | undefined;
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean | undefined;
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getProvider(): string;
  getDeletedwith(): string;
  getDependenciesList(): string[];
  getAliasurnsList(): string[];
  getAliasesList(): {
    getUrn(): string;
    hasSpec(): boolean;
    getSpec():
      | { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean }
      | undefined;
  }[];
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}

/** The URN the engine gives: the parent's type chain, except the root stack's, joined with `$`. */
export function engineUrn(stack: string, project: string, parent: string | undefined, type: string, name: string): string {
  let qualified = type;
  if (parent) {
    const parentType = parent.split("::")[2];
    if (parentType !== ROOT_STACK) qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Config values reach the program as strings; structured values as JSON (what the CLI does). */
function configString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The SDK wraps every promise it creates in `debuggablePromise`, which stamps
 * `new Error().stack` on it only to print leak reports at exit
 * (runtime/debuggable.js). Capturing and formatting those stacks was half the
 * time of a mocked run. Modules call it through the exports object, so during a
 * run it is swapped for a pass-through; error stacks elsewhere are untouched.
 */
function withoutPromiseStacks<T>(run: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <P>(p: Promise<P>, ctx: unknown) => Promise<P> };
  const original = debuggable.debuggablePromise;
  if (typeof original !== "function")
    throw new Error("@web-infra/testing: @pulumi/pulumi/runtime/debuggable.debuggablePromise moved; update the harness");
  debuggable.debuggablePromise = (p) => p;
  return run().finally(() => {
    debuggable.debuggablePromise = original;
  });
}

let queue: Promise<unknown> = Promise.resolve();
const failedRuns = new WeakMap<object, readonly CapturedResource[]>();

/**
 * What a failed run had registered when it failed, so a test can prove bad
 * input stopped the program before anything was created.
 */
export function registeredBefore(error: unknown): readonly CapturedResource[] {
  const found = typeof error === "object" && error !== null ? failedRuns.get(error) : undefined;
  if (!found) throw new Error("@web-infra/testing: registeredBefore() takes an error thrown by runProgram");
  return found;
}

/**
 * Run a Pulumi program (or any function that registers resources) under
 * mocks that answer like AWS, and return every resource it registered.
 *
 * Runs are serialised: the Pulumi runtime is process-global.
 */
export function runProgram(program: () => unknown, options: RunOptions): Promise<RunResult> {
  const next = queue.then(() => withoutPromiseStacks(() => runOnce(program, options)));
  queue = next.catch(() => undefined);
  return next;
}

/** Build the config map a stack would see. */
export function stackConfig(options: RunOptions): { project: string; config: Record<string, string>; secretKeys: string[] } {
  const files = options.projectDir ? readProject(options.projectDir) : undefined;
  const project = files?.name ?? options.project ?? "project";
  const raw: Record<string, unknown> = files ? { ...files.defaults, ...readStackConfig(files, options.stack) } : {};
  for (const [k, v] of Object.entries(options.config ?? {})) raw[qualify(k, project)] = v;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (typeof value === "object" && value !== null && "secure" in value) {
      const plain = options.secrets?.[key];
      if (plain === undefined) {
        throw new Error(`@web-infra/testing: config ${key} is a secure value; pass its plaintext in RunOptions.secrets["${key}"]`);
      }
      config[key] = plain;
      secretKeys.push(key);
      continue;
    }
    config[key] = configString(value);
  }
  return { project, config, secretKeys };
}

async function runOnce(program: () => unknown, options: RunOptions): Promise<RunResult> {
  const { project, config, secretKeys } = stackConfig(options);
  const stack = options.stack;
  // Component tests rarely name a region: give them the pretend account's. A stack's files are taken as they
  // are, so a stack without aws:region fails as it would with the real provider.
  if (!options.projectDir) config["aws:region"] ??= "us-east-1";
  const region = config["aws:region"] ?? "us-east-1";
  const accountId = options.accountId ?? "123456789012";
  const world = new AwsWorld({ region, accountId, amis: options.amis, hostedZones: options.hostedZones, seed: stack });

  const records: CapturedResource[] = [];
  // Program order: registrations are answered out of order, so each keeps the position of its request.
  const order: string[] = [];
  const position = new Map<CapturedResource, number>();
  const created = new Map<string, { id: string; inputs: Record<string, unknown>; secretPaths: string[]; state: Record<string, unknown> }>();
  const invokes: CapturedInvoke[] = [];
  let current: { type: string; name: string; urn: string; provider: string; additionalSecretOutputs: string[]; wire: unknown } | undefined;
  // What a resource or invoke under an explicit provider sees: that provider's region (a reference is "<urn>::<id>").
  const worldOf = (providerRef: string | undefined) => {
    const ref = providerRef ?? "";
    const region = created.get(ref.slice(0, ref.lastIndexOf("::")))?.inputs["region"];
    return typeof region === "string" ? world.inRegion(region) : world;
  };

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const pending = current;
      if (!pending || pending.type !== args.type || pending.name !== args.name) {
        throw new Error(`@web-infra/testing: registration of ${args.type} ${args.name} was not captured`);
      }
      if (!args.custom) return { id: undefined, state: {} };
      const { value, paths } = fromWire(pending.wire);
      if (args.type.startsWith("pulumi:providers:")) {
        // Kept so that rules can read an explicit provider's settings (its region).
        const id = `${args.name}-provider`;
        created.set(pending.urn, { id, inputs: value as Record<string, unknown>, secretPaths: paths, state: args.inputs });
        return { id, state: args.inputs };
      }
      const inputs = value as Record<string, unknown>;
      const made = worldOf(pending.provider).create(args.type, args.name, pending.urn, inputs);
      created.set(pending.urn, { id: made.id, inputs, secretPaths: paths, state: made.state });
      const secretTop = new Set([...paths.map((p) => p.split(/[.[]/)[0]), ...pending.additionalSecretOutputs]);
      return { id: made.id, state: wrapSecretProps(made.state, secretTop) };
    },
    call(args) {
      const { value } = unwrapSecrets(args.inputs);
      invokes.push({ token: args.token, inputs: value as Record<string, unknown> });
      try {
        return answerInvoke(args.token, value as Record<string, unknown>, worldOf(args.provider));
      } catch (err) {
        // The SDK rebuilds invoke errors from the gRPC `details` field only.
        throw Object.assign(err as Error, { details: `${args.token}: ${(err as Error).message}` });
      }
    },
  };

  await pulumi.runtime.setMocks(mocks, project, stack, false);
  pulumi.runtime.setAllConfig(config, secretKeys);
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;

  monitor.newUrn = (parent, type, name) => engineUrn(stack, project, parent || undefined, type, name);

  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const type = req.getType();
    const name = req.getName();
    const parent = req.getParent() || undefined;
    const urn = engineUrn(stack, project, parent, type, name);
    const options = captureOptions(req, { stack, project, type, name, parent });
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v, k) => {
      if (v.getUrnsList().length) propertyDependencies[k] = v.getUrnsList();
    });
    const seq = order.length;
    order.push(urn);
    current = {
      type,
      name,
      urn,
      provider: req.getProvider(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      wire: req.getObject()?.toJavaScript() ?? {},
    };
    const done = register(req, (err, resp) => {
      if (!err && resp) {
        const made = created.get(urn);
        const rec: CapturedResource = {
          type,
          name,
          urn: resp.getUrn(),
          parent,
          custom: req.getCustom(),
          id: resp.getId() || undefined,
          inputs: made?.inputs ?? {},
          secretPaths: made?.secretPaths ?? [],
          state: made?.state ?? {},
          options,
          propertyDependencies,
          dependencies: [...new Set([...req.getDependenciesList(), ...Object.values(propertyDependencies).flat()])],
        };
        records.push(rec);
        position.set(rec, seq);
      }
      cb(err, resp);
    });
    current = undefined;
    return done;
  };

  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const rec = records.find((r) => r.urn === req.getUrn());
    if (rec) {
      const raw = pulumi.runtime.deserializeProperties(req.getOutputs() as never) as Record<string, unknown>;
      const { value, paths } = unwrapSecrets(raw);
      rec.registeredOutputs = value as Record<string, unknown>;
      rec.registeredSecretPaths = paths;
    }
    registerOutputs(req, cb);
  };

  monitor.readResource = async (req, cb) => {
    cb(
      new Error(
        `@web-infra/testing: ${req.getType()}.get("${req.getName()}", "${req.getId()}") reads an existing resource; the harness has no account to read from. Pass the values in as inputs instead.`,
      ),
    );
  };

  let failure: unknown;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on("unhandledRejection", onUnhandled);
  // Every resource's constructor captures an unlimited stack trace, maps it through source maps
  // and marshals each frame into its request (Resource.callsites in @pulumi/pulumi resource.ts);
  // the mock monitor throws the source position away. Skipping it saved about 50 ms of the prod
  // stack's 500 ms run here.
  const resource = pulumi.Resource as unknown as { callsites?: () => unknown[] };
  const callsites = resource.callsites;
  if (typeof callsites === "function") resource.callsites = () => [];
  try {
    await pulumi.runtime.runInPulumiStack(async () => program());
  } catch (err) {
    failure = err;
  } finally {
    if (typeof callsites === "function") resource.callsites = callsites;
  }
  try {
    await pulumi.runtime.disconnect();
  } catch (err) {
    failure ??= err;
  }
  // Let rejected registrations surface before deciding the run succeeded.
  await new Promise((r) => setImmediate(r));
  process.off("unhandledRejection", onUnhandled);
  failure ??= unhandled[0];
  if (failure !== undefined) {
    if (typeof failure === "object" && failure !== null) failedRuns.set(failure, records);
    throw failure;
  }

  records.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
  const root = records.find((r) => r.type === ROOT_STACK);
  const outputs = root?.registeredOutputs ?? {};
  const secretOutputs = [...new Set((root?.registeredSecretPaths ?? []).map((p) => p.split(/[.[]/)[0]))];
  const result = new RunResult(records, { outputs, secretOutputs, invokes, stack, project, region, accountId, amis: world.amis });
  result.rejections = checkRules(result, options.rules ?? AWS_RULES);
  if ((options.enforce ?? true) && result.rejections.length) throw new AwsRejectionError(result.rejections);
  return result;
}

function captureOptions(
  req: RegisterRequest,
  self: { stack: string; project: string; type: string; name: string; parent?: string },
): ResourceOptionsRecord {
  const aliases = [
    ...req.getAliasurnsList(),
    ...req.getAliasesList().map((a) => {
      const spec = a.getSpec();
      if (!a.hasSpec() || !spec) return a.getUrn();
      const parent = spec.getNoparent() ? undefined : spec.getParenturn() || self.parent;
      return engineUrn(
        spec.getStack() || self.stack,
        spec.getProject() || self.project,
        parent,
        spec.getType() || self.type,
        spec.getName() || self.name,
      );
    }),
  ];
  const timeouts = req.getCustomtimeouts();
  return {
    protect: req.getProtect() === true,
    ignoreChanges: req.getIgnorechangesList(),
    deleteBeforeReplace: req.getDeletebeforereplace(),
    aliases,
    retainOnDelete: req.getRetainondelete() === true,
    replaceOnChanges: req.getReplaceonchangesList(),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    provider: req.getProvider() || undefined,
    deletedWith: req.getDeletedwith() || undefined,
    customTimeouts: timeouts
      ? { create: timeouts.getCreate() || undefined, update: timeouts.getUpdate() || undefined, delete: timeouts.getDelete() || undefined }
      : undefined,
  };
}
