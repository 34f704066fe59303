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

  /** What the AWS CLI and SDK need to call it: the endpoint, a region, and any credentials. */
  env(): Record<string, string> {
    // AWS CLI v1 reads AWS_DEFAULT_REGION; the SDKs read AWS_REGION.
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "moto",
      AWS_SECRET_ACCESS_KEY: "moto",
    };
  }

  /** SDK client settings for the same. */
  clientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { endpoint: this.endpoint, region: "us-east-1", credentials: { accessKeyId: "moto", secretAccessKey: "moto" } };
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
