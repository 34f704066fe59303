import { freePort, Server, tempDir } from "./processes";

/**
 * moto's server: a real AWS API emulator (SSM, Secrets Manager, …) on loopback.
 * The AWS CLI and the SDK reach it through the standard `AWS_ENDPOINT_URL`
 * setting; it accepts any credentials.
 */
export class Moto {
  private server?: Server;
  port = 0;

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = new Server("moto", "moto_server", ["-H", "127.0.0.1", "-p", String(this.port)], { logDir: tempDir("moto") });
    await this.server.listening("127.0.0.1", this.port, 60_000);
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}
