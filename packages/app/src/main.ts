#!/usr/bin/env node
/**
 * web-infra-app: the reference app as a process, configured by the environment
 * (see settingsFromEnv). On EC2 the AWS SDK finds the region and the instance
 * role's credentials through IMDSv2; the app's role needs exactly what
 * MysqlDatabase.grantRead gives.
 */
import { readFileSync } from "node:fs";
import { readDatabaseContract } from "./contract";
import { Database } from "./database";
import { App } from "./server";
import { settingsFromEnv } from "./settings";

async function main(): Promise<void> {
  const settings = settingsFromEnv(process.env);
  // Read once at start: a missing bundle is a packaging mistake, better seen before the first request.
  const ca = readFileSync(settings.caFile);
  const app = new App({
    serverName: settings.serverName,
    loadContract: () => readDatabaseContract({ parameterPath: settings.parameterPath }),
    connect: (contract) => new Database({ contract, ca, maxReplicaLagSeconds: settings.maxReplicaLagSeconds }),
  });
  const port = await app.listen(settings.port, settings.host);
  process.stdout.write(`web-infra app ${settings.serverName} listening on ${settings.host}:${port}, contract ${settings.parameterPath}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
