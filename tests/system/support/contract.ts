import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { stackParameterPath } from "@web-infra/app";
import { stackGraph } from "../../support";
import { Moto } from "./moto";

/** Where the database really is on this machine. */
export interface LocalDatabase {
  readonly writerHost: string;
  readonly readerHosts: readonly string[];
  readonly port: number;
}

/** What was seeded: the graph's own names and credentials, with places relocated to loopback. */
export interface SeededContract {
  readonly parameterPath: string;
  /** SSM name → value as seeded. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The graph's value of each parameter that names a place, before relocation. */
  readonly relocated: Readonly<Record<string, string>>;
  readonly secretArn: string;
  readonly credentials: { readonly username: string; readonly password: string; readonly dbname: string };
}

/** The credentials the stack's graph holds for its database (what the MariaDB users get). */
export async function stackCredentials(stack: string): Promise<SeededContract["credentials"]> {
  const secret = stackSecret(await stackGraph(stack));
  return { username: String(secret["username"]), password: String(secret["password"]), dbname: String(secret["dbname"]) };
}

/** The credentials secret's JSON as the stack's graph holds it. */
function stackSecret(g: Awaited<ReturnType<typeof stackGraph>>): Record<string, unknown> {
  return JSON.parse(g.ofType("aws:secretsmanager/secretVersion:SecretVersion")[0]!.inputs["secretString"] as string) as Record<
    string,
    unknown
  >;
}

/**
 * Seed moto with the app contract exactly as a harness run of the stack writes it: every
 * SSM parameter under the stack's path (name, type, description) and the credentials secret
 * (its name and JSON keys, the generated user and password). Only what names a place is
 * relocated to the local servers: the endpoints, the port, and the secret's ARN (moto makes
 * its own) and host/port.
 */
export async function seedStackContract(moto: Moto, stack: string, local: LocalDatabase): Promise<SeededContract> {
  const g = await stackGraph(stack);
  const path = stackParameterPath(stack);
  const secretResource = g.ofType("aws:secretsmanager/secret:Secret")[0]!;
  const secret = stackSecret(g);
  const secrets = new SecretsManagerClient(moto.clientConfig());
  const created = await secrets.send(
    new CreateSecretCommand({
      Name: secretResource.state["name"] as string,
      Description: secretResource.inputs["description"] as string,
      SecretString: JSON.stringify({ ...secret, host: local.writerHost, port: local.port }),
    }),
  );
  secrets.destroy();
  const place: Record<string, string> = {
    [`${path}/writer-endpoint`]: local.writerHost,
    [`${path}/reader-endpoints`]: local.readerHosts.join(","),
    [`${path}/port`]: String(local.port),
    [`${path}/secret-arn`]: created.ARN!,
  };
  const ssm = new SSMClient(moto.clientConfig());
  const parameters: Record<string, string> = {};
  const relocated: Record<string, string> = {};
  for (const p of g.ofType("aws:ssm/parameter:Parameter")) {
    const name = p.inputs["name"] as string;
    if (!name.startsWith(`${path}/`)) continue;
    const value = place[name] ?? (p.inputs["value"] as string);
    if (place[name] !== undefined) relocated[name] = p.inputs["value"] as string;
    await ssm.send(
      new PutParameterCommand({
        Name: name,
        Type: p.inputs["type"] as "String" | "StringList",
        Value: value,
        Description: p.inputs["description"] as string,
      }),
    );
    parameters[name] = value;
  }
  ssm.destroy();
  if (Object.keys(relocated).length !== Object.keys(place).length)
    throw new Error(`the ${stack} graph lacks some of ${Object.keys(place).join(", ")}: found ${Object.keys(parameters).join(", ")}`);
  return {
    parameterPath: path,
    parameters,
    relocated,
    secretArn: created.ARN!,
    credentials: { username: String(secret["username"]), password: String(secret["password"]), dbname: String(secret["dbname"]) },
  };
}
