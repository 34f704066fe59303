import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";

/** A MySQL host and port. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** The master credentials `MysqlDatabase` keeps in Secrets Manager. */
export interface DatabaseCredentials {
  readonly username: string;
  readonly password: string;
}

/**
 * What the database tier publishes for the app (`MysqlDatabase`, `@web-infra/database`):
 * five SSM parameters under one path and one Secrets Manager secret.
 */
export interface DatabaseContract {
  /** The SSM path it was read from, e.g. `/web-infra/prod/db`. */
  readonly parameterPath: string;
  /** Where writes go: the primary. */
  readonly writer: Endpoint;
  /** Where reads go: the replicas, or the primary alone when there are none. */
  readonly readers: readonly Endpoint[];
  /** The database the app uses. */
  readonly databaseName: string;
  /** ARN of the credentials secret. */
  readonly secretArn: string;
  /** From the secret. */
  readonly credentials: DatabaseCredentials;
}

/** The parameter names under the path, as `MysqlDatabase` writes them. */
export const CONTRACT_PARAMETERS = {
  writerEndpoint: "writer-endpoint",
  readerEndpoints: "reader-endpoints",
  port: "port",
  databaseName: "database-name",
  secretArn: "secret-arn",
} as const;

/** The SSM path of a stack of the web-infra program: `/web-infra/<stack>/db`. */
export function stackParameterPath(stack: string): string {
  return `/web-infra/${stack}/db`;
}

/** An SSM parameter path such as `/web-infra/prod/db` (what `MysqlDatabase` accepts as `parameterPath`). */
export const SSM_PATH = /^(\/[A-Za-z0-9_.-]+)+$/;

/** The contract cannot be read or does not have the shape `MysqlDatabase` writes. */
export class ContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContractError";
  }
}

const HOST = /^[A-Za-z0-9.-]+$/;

/**
 * Check and assemble the contract from the parameter values (name under the path → value)
 * and the secret's JSON. Pure: every problem is listed, each with what was found.
 */
export function parseContract(
  parameterPath: string,
  values: Readonly<Record<string, string | undefined>>,
  /** The secret's SecretString; null when it could not be looked up (no ARN). */
  secretString: string | undefined | null,
): DatabaseContract {
  const problems: string[] = [];
  const get = (key: string): string => {
    const value = values[key];
    if (value === undefined || value === "") problems.push(`${parameterPath}/${key} is missing`);
    return value ?? "";
  };
  const host = (key: string, value: string) => {
    if (value !== "" && !HOST.test(value)) problems.push(`${parameterPath}/${key} holds ${JSON.stringify(value)}, not a host name`);
    return value;
  };
  const portText = get(CONTRACT_PARAMETERS.port);
  const port = Number(portText);
  if (portText !== "" && !(Number.isInteger(port) && port >= 1 && port <= 65535))
    problems.push(`${parameterPath}/${CONTRACT_PARAMETERS.port} holds ${JSON.stringify(portText)}, not a port (1–65535)`);
  const writer = host(CONTRACT_PARAMETERS.writerEndpoint, get(CONTRACT_PARAMETERS.writerEndpoint));
  // A StringList parameter: comma-separated, no spaces (SSM's own format).
  const readers = get(CONTRACT_PARAMETERS.readerEndpoints)
    .split(",")
    .filter((h) => h !== "")
    .map((h) => host(CONTRACT_PARAMETERS.readerEndpoints, h));
  const databaseName = get(CONTRACT_PARAMETERS.databaseName);
  const secretArn = get(CONTRACT_PARAMETERS.secretArn);
  if (secretArn !== "" && !/^arn:aws[a-z-]*:secretsmanager:/.test(secretArn))
    problems.push(`${parameterPath}/${CONTRACT_PARAMETERS.secretArn} holds ${JSON.stringify(secretArn)}, not a Secrets Manager ARN`);

  let credentials: DatabaseCredentials = { username: "", password: "" };
  if (secretString === null) {
    // No ARN to read: already reported above.
  } else if (secretString === undefined) problems.push(`the secret ${secretArn || "(unknown)"} has no SecretString`);
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(secretString);
    } catch {
      // Never echo the secret: it holds the password.
      problems.push(`the secret ${secretArn} is not JSON`);
    }
    if (parsed !== undefined && (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))) {
      problems.push(`the secret ${secretArn} is not a JSON object`);
    } else if (parsed !== undefined) {
      const s = parsed as Record<string, unknown>;
      if (typeof s["username"] !== "string" || s["username"] === "") problems.push(`the secret ${secretArn} has no "username"`);
      if (typeof s["password"] !== "string" || s["password"] === "") problems.push(`the secret ${secretArn} has no "password"`);
      if (s["engine"] !== undefined && s["engine"] !== "mysql")
        problems.push(`the secret ${secretArn} is for engine ${JSON.stringify(s["engine"])}, not mysql`);
      credentials = { username: String(s["username"] ?? ""), password: String(s["password"] ?? "") };
    }
  }
  if (problems.length > 0)
    throw new ContractError(
      `web-infra app: the database contract under ${parameterPath} is not usable: ${problems.join("; ")}. ` +
        "It is written by MysqlDatabase (@web-infra/database); check that the stack is deployed and that the path is the stack's.",
    );
  return {
    parameterPath,
    writer: { host: writer, port },
    readers: readers.map((h) => ({ host: h, port })),
    databaseName,
    secretArn,
    credentials,
  };
}

/** Where to read the contract from. */
export interface ReadContractOptions {
  /** The SSM path, e.g. `/web-infra/prod/db` (see {@link stackParameterPath}). */
  readonly parameterPath: string;
  /**
   * The SSM client.
   *
   * @default - a client for the SDK's default region and credentials (the instance role on EC2)
   */
  readonly ssm?: SSMClient;
  /**
   * The Secrets Manager client.
   *
   * @default - a client for the SDK's default region and credentials
   */
  readonly secretsManager?: SecretsManagerClient;
}

/**
 * Read the contract as an instance does: `ssm:GetParameters` on the five names, then
 * `secretsmanager:GetSecretValue` on the ARN found there. Exactly what
 * `MysqlDatabase.grantRead` allows: no `GetParametersByPath`, no `DescribeParameters`.
 */
export async function readDatabaseContract(options: ReadContractOptions): Promise<DatabaseContract> {
  const path = options.parameterPath.replace(/\/+$/, "");
  if (!SSM_PATH.test(path))
    throw new ContractError(
      `web-infra app: parameterPath must be an SSM path such as /web-infra/prod/db, got ${JSON.stringify(options.parameterPath)}`,
    );
  const ssm = options.ssm ?? new SSMClient({});
  const names = Object.values(CONTRACT_PARAMETERS).map((key) => `${path}/${key}`);
  const found = await ssm.send(new GetParametersCommand({ Names: names }));
  const values: Record<string, string | undefined> = {};
  for (const p of found.Parameters ?? []) values[p.Name!.slice(path.length + 1)] = p.Value;
  const secretArn = values[CONTRACT_PARAMETERS.secretArn];
  let secretString: string | undefined | null = null;
  if (secretArn) {
    const secrets = options.secretsManager ?? new SecretsManagerClient({});
    secretString = (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  }
  return parseContract(path, values, secretString);
}
