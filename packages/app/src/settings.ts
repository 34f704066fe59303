import { hostname } from "node:os";
import { SSM_PATH, stackParameterPath } from "./contract";

/** The app's settings, from the environment a systemd unit (or a test) gives it. */
export interface AppSettings {
  /** `WEB_INFRA_DB_PARAMETER_PATH`, or `/web-infra/<WEB_INFRA_STACK>/db`. */
  readonly parameterPath: string;
  /** `PORT`: the target group's port. @default 8080 */
  readonly port: number;
  /** `HOST`. @default "0.0.0.0" */
  readonly host: string;
  /** `WEB_INFRA_DB_CA_FILE`: the CA bundle that signs the database's certificate. @default "/etc/web-infra/rds-global-bundle.pem" */
  readonly caFile: string;
  /** `WEB_INFRA_MAX_REPLICA_LAG_SECONDS`. @default 10 */
  readonly maxReplicaLagSeconds: number;
  /** `WEB_INFRA_SERVER_NAME`. @default - the host name */
  readonly serverName: string;
}

/** Where the image keeps the RDS certificate bundle (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem). */
export const DEFAULT_CA_FILE = "/etc/web-infra/rds-global-bundle.pem";

/** Read and check the settings; every problem in one error. */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): AppSettings {
  const problems: string[] = [];
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      problems.push(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return n;
  };
  let parameterPath = env["WEB_INFRA_DB_PARAMETER_PATH"] ?? "";
  if (parameterPath === "" && env["WEB_INFRA_STACK"]) parameterPath = stackParameterPath(env["WEB_INFRA_STACK"]);
  if (parameterPath === "") problems.push("set WEB_INFRA_DB_PARAMETER_PATH (e.g. /web-infra/prod/db) or WEB_INFRA_STACK (e.g. prod)");
  // Caught here, at start: the contract reader would refuse it on every retry.
  else if (!SSM_PATH.test(parameterPath.replace(/\/+$/, "")))
    problems.push(`the contract path must be an SSM path such as /web-infra/prod/db, got ${JSON.stringify(parameterPath)}`);
  const settings: AppSettings = {
    parameterPath,
    port: integer("PORT", 8080, 1, 65535),
    host: env["HOST"] || "0.0.0.0",
    caFile: env["WEB_INFRA_DB_CA_FILE"] || DEFAULT_CA_FILE,
    maxReplicaLagSeconds: integer("WEB_INFRA_MAX_REPLICA_LAG_SECONDS", 10, 0, 86_400),
    serverName: env["WEB_INFRA_SERVER_NAME"] || hostname(),
  };
  if (problems.length) throw new Error(`web-infra app: ${problems.join("; ")}`);
  return settings;
}
