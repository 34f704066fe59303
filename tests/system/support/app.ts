import { join } from "node:path";
import { ROOT } from "../../support";
import { Server } from "./processes";

/** How to run one reference-app server. */
export interface AppProcessOptions {
  /** `WEB_INFRA_SERVER_NAME`: what `x-served-by` says. */
  readonly name: string;
  readonly port: number;
  /** The rest of its environment: the contract's path or stack, the CA bundle, the AWS endpoint. */
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
}

/** The reference app's entry point, run from source as `web-infra-app` would run from dist/. */
export const APP_MAIN = join(ROOT, "packages/app/src/main.ts");

/** Start `web-infra-app` as its own process on 127.0.0.1 (so a kill is a real SIGKILL) and wait until it listens. */
export async function startApp(options: AppProcessOptions): Promise<Server> {
  const server = new Server(options.name, process.execPath, ["--require", join(ROOT, "packages/testing/register.js"), APP_MAIN], {
    logDir: options.logDir,
    env: {
      PATH: process.env["PATH"],
      HOME: options.logDir,
      ...options.env,
      HOST: "127.0.0.1",
      PORT: String(options.port),
      WEB_INFRA_SERVER_NAME: options.name,
    },
  });
  await server.listening("127.0.0.1", options.port);
  return server;
}
