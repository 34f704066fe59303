import { Problems } from "@web-infra/core";
import { z } from "zod";

export const PROJECT = "web-infra-bootstrap";

/** What the bootstrap program needs, after defaults. */
export interface BootstrapSettings {
  /** `owner/name` of the one GitHub repository whose workflows may assume the roles. */
  readonly githubRepository: string;
  /** `aws:region`: where the bucket and the key live. */
  readonly region: string;
  /** Days S3 keeps a replaced or deleted state file before expiring it. */
  readonly stateBucketNoncurrentDays: number;
  /** Alias of the KMS key Pulumi encrypts stack secrets with (`--secrets-provider awskms://<alias>`). */
  readonly secretsKeyAlias: string;
  /** GitHub environments, one deploy role and one secrets key each; each is also the name of a web-infra stack. */
  readonly deployEnvironments: readonly string[];
  /** ARN of the role that administers the state bucket and the keys: the only principal their resource policies let rewrite or destroy them. */
  readonly adminRoleArn: string;
}

type Optional = "stateBucketNoncurrentDays" | "secretsKeyAlias" | "deployEnvironments";

export const DEFAULTS: Readonly<Pick<BootstrapSettings, Optional>> = {
  stateBucketNoncurrentDays: 90,
  secretsKeyAlias: "alias/web-infra-pulumi",
  deployEnvironments: ["dev", "staging", "prod"],
};

/** GitHub's rules: an owner is 1–39 letters, digits or hyphens, not starting with a hyphen; a repository name 1–100 of [A-Za-z0-9._-]. */
const OWNER = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})";
const REPO = "[A-Za-z0-9._-]{1,100}";
/** An IAM role ARN (any partition, any path). */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
export const GITHUB_REPOSITORY = new RegExp(`^${OWNER}/${REPO}$`);
/** A GitHub environment name as it appears in the OIDC subject (`…:environment:<name>`). */
const ENVIRONMENT = /^[A-Za-z0-9._-]{1,255}$/;
const WILDCARD = /[*?]/;

/** The outcome of reading one config value: the typed value, or why it is wrong and how to fix it. */
type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; fix: string };

interface Setting {
  readonly parse: (raw: string) => Parsed<unknown>;
  /** One line for documentation. */
  readonly doc: string;
}

const REPOSITORY_FIX = `Set ${PROJECT}:githubRepository to the one repository that runs the workflows, exactly as GitHub spells it, e.g. "example-org/web-infra".`;

/** Why a `githubRepository` value is refused, or undefined when it names exactly one repository. */
export function repositoryProblem(value: string): string | undefined {
  if (WILDCARD.test(value)) {
    return "must name one repository, without `*` or `?`: the roles trust the subject `repo:<owner>/<name>:…` and a wildcard would let other repositories assume them";
  }
  const parts = value.split("/");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    return "must be owner/name: both the owner and the repository name are needed to name one repository";
  }
  if (!GITHUB_REPOSITORY.test(value) || parts[1] === "." || parts[1] === "..") {
    return "must be owner/name with GitHub's characters only: the owner 1–39 letters, digits or hyphens starting with a letter or digit, the name 1–100 letters, digits, '.', '_' or '-'";
  }
  return undefined;
}

const fromZod =
  <T>(schema: z.ZodType<T>, message: string, fix: string) =>
  (raw: unknown): Parsed<T> => {
    const parsed = schema.safeParse(raw);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message, fix };
  };

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}

/** Every `web-infra-bootstrap:` key the stack file may set. */
export const SETTINGS: Readonly<Record<keyof Omit<BootstrapSettings, "region">, Setting>> = {
  githubRepository: {
    parse: (raw) => {
      const message = repositoryProblem(raw);
      return message === undefined ? { ok: true, value: raw } : { ok: false, message, fix: REPOSITORY_FIX };
    },
    doc: "Required. owner/name of the repository whose workflows assume the preview and deploy roles.",
  },
  stateBucketNoncurrentDays: {
    parse: (raw) =>
      fromZod(
        z.number().int().min(1).max(3650),
        "must be an integer from 1 to 3650",
        "Use e.g. 90: a replaced state file can be restored for that many days.",
      )(raw.trim() === "" ? raw : Number(raw)),
    doc: `Days a replaced or deleted state file is kept. Default ${DEFAULTS.stateBucketNoncurrentDays}.`,
  },
  secretsKeyAlias: {
    parse: fromZod(
      z.string().regex(/^alias\/(?!aws\/)[A-Za-z0-9/_-]{1,250}$/),
      "must be a KMS alias name: alias/ then letters, digits, '/', '_' or '-', not under the reserved alias/aws/",
      `Use e.g. "${DEFAULTS.secretsKeyAlias}".`,
    ),
    doc: `Alias of the KMS key for Pulumi secrets. Default ${DEFAULTS.secretsKeyAlias}.`,
  },
  adminRoleArn: {
    parse: fromZod(
      z.string().regex(ROLE_ARN),
      "must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/Admin",
      "Use the role you run the bootstrap with: `aws sts get-caller-identity` shows its assumed-role ARN; give the role's own ARN (arn:aws:iam::<account>:role/<path><name>).",
    ),
    doc: "Required. ARN of the role that administers the state bucket and the keys: their resource policies deny every other principal deleting state versions, rewriting the bucket policy or lifecycle, and disabling or deleting a key.",
  },
  deployEnvironments: {
    parse: (raw) => {
      const list = parseJson(raw);
      const fix = `List GitHub environment names, e.g. ${JSON.stringify(DEFAULTS.deployEnvironments)}.`;
      if (!Array.isArray(list) || !list.every((e): e is string => typeof e === "string")) {
        return { ok: false, message: "must be a JSON list of GitHub environment names", fix };
      }
      if (list.some((e) => WILDCARD.test(e))) {
        return {
          ok: false,
          message:
            "must name each environment, without `*` or `?`: a wildcard subject would let jobs of any environment assume the deploy role",
          fix,
        };
      }
      if (!list.every((e) => ENVIRONMENT.test(e)) || new Set(list).size !== list.length) {
        return { ok: false, message: "must list distinct environment names of 1–255 letters, digits, '.', '_' or '-'", fix };
      }
      return { ok: true, value: list };
    },
    doc: `GitHub environments (one web-infra stack each): each gets its own deploy role, which only deploy.yml on main in that environment may assume, and its own secrets key. Default ${JSON.stringify(DEFAULTS.deployEnvironments)}.`,
  },
};

/** Namespaces the stack file may use besides the project's: provider and engine config. */
const OTHER_NAMESPACES = ["aws", "pulumi"];

/**
 * Read the stack's config (as Pulumi hands it over: `namespace:key` → string)
 * into typed settings. Every problem is reported at once, each naming the key,
 * the value given and the fix.
 */
export function loadBootstrapSettings(stack: string, config: Readonly<Record<string, string>>): BootstrapSettings {
  const p = new Problems(`stack "${stack}" config`);
  const known = Object.keys(SETTINGS);
  const values: Record<string, unknown> = {};

  for (const [fullKey, raw] of Object.entries(config)) {
    const colon = fullKey.indexOf(":");
    const [ns, key] = colon >= 0 ? [fullKey.slice(0, colon), fullKey.slice(colon + 1)] : ["", fullKey];
    if (ns !== PROJECT) {
      if (!OTHER_NAMESPACES.includes(ns)) {
        p.add(fullKey, `is in namespace "${ns}", which the bootstrap program does not read`, {
          got: raw,
          fix: `Use "${PROJECT}:${key}" (known settings: ${known.join(", ")}).`,
        });
      }
      continue;
    }
    const setting = (SETTINGS as Readonly<Record<string, Setting>>)[key];
    if (!setting) {
      const lower = key.toLowerCase();
      const guess = lower === "" ? undefined : known.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
      p.add(fullKey, "is not a known setting", {
        got: raw,
        fix: guess ? `Did you mean "${PROJECT}:${guess}"?` : `Known settings: ${known.join(", ")}.`,
      });
      continue;
    }
    const parsed = setting.parse(raw);
    if (parsed.ok) values[key] = parsed.value;
    else p.add(fullKey, parsed.message, { got: raw, fix: parsed.fix });
  }

  if (!(`${PROJECT}:githubRepository` in config)) {
    p.add(`${PROJECT}:githubRepository`, "must be set: the roles trust exactly one repository", { got: undefined, fix: REPOSITORY_FIX });
  }
  if (!(`${PROJECT}:adminRoleArn` in config)) {
    p.add(`${PROJECT}:adminRoleArn`, "must be set: the state bucket's and the keys' policies let only this role destroy them", {
      got: undefined,
      fix: `Run \`pulumi config set ${PROJECT}:adminRoleArn arn:aws:iam::<account>:role/<your admin role>\`.`,
    });
  }
  const region = config["aws:region"];
  if (region === undefined || region === "") {
    p.add("aws:region", "must be set: the AWS provider has no default region, and the login and secrets-provider URLs name it", {
      got: region,
      fix: "Run `pulumi config set aws:region us-east-1`.",
    });
  }
  p.throwIfAny();

  return { ...DEFAULTS, ...values, region } as BootstrapSettings;
}
