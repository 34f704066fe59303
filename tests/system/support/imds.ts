import { randomBytes } from "node:crypto";
import { createServer, IncomingMessage, Server as HttpServer } from "node:http";

/** What the stand-in answers about "its" instance. */
export interface InstanceIdentity {
  readonly instanceId: string;
  readonly availabilityZone: string;
  /** The instance profile's role; its credentials are served like EC2 serves them. */
  readonly roleName: string;
}

/** One request the stand-in saw. */
export interface ImdsRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

/**
 * A stand-in for the EC2 instance metadata service that answers IMDSv2 only,
 * as an instance launched with `httpTokens: required` does: `PUT /latest/api/token`
 * with a TTL header returns a token, and every GET without a valid token gets
 * 401 (the AWS docs, "Use IMDSv2": the service returns 401 Unauthorized when
 * IMDSv1 is off). It is reached as an HTTP proxy (curl's `http_proxy`, so the
 * script's own `http://169.254.169.254/…` URLs stay as they are) or directly
 * (botocore's `AWS_EC2_METADATA_SERVICE_ENDPOINT`).
 */
export class ImdsStandIn {
  readonly requests: ImdsRequest[] = [];
  private readonly tokens = new Map<string, number>();
  private server?: HttpServer;
  port = 0;

  constructor(readonly identity: InstanceIdentity) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const { status, body, headers } = this.answer(req);
      this.requests.push({ method: req.method ?? "", path: new URL(req.url ?? "/", "http://169.254.169.254").pathname, status });
      res.writeHead(status, { "content-type": "text/plain", ...headers });
      res.end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(req: IncomingMessage): { status: number; body: string; headers?: Record<string, string> } {
    // As a proxy the request line carries the absolute URL; only the link-local address is ours.
    const url = new URL(req.url ?? "/", "http://169.254.169.254");
    if (req.url?.startsWith("http://") && url.host !== "169.254.169.254")
      return { status: 502, body: `not the metadata service: ${url.host}` };
    if (url.pathname === "/latest/api/token") {
      if (req.method !== "PUT") return { status: 405, body: "" };
      const ttl = Number(req.headers["x-aws-ec2-metadata-token-ttl-seconds"]);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return { status: 400, body: "" };
      const token = randomBytes(24).toString("base64");
      this.tokens.set(token, Date.now() + ttl * 1000);
      return { status: 200, body: token, headers: { "x-aws-ec2-metadata-token-ttl-seconds": String(ttl) } };
    }
    if (req.method !== "GET") return { status: 405, body: "" };
    const token = req.headers["x-aws-ec2-metadata-token"];
    const expires = typeof token === "string" ? this.tokens.get(token) : undefined;
    if (expires === undefined || expires < Date.now()) return { status: 401, body: "" };
    const { instanceId, availabilityZone, roleName } = this.identity;
    const credentialsPath = "/latest/meta-data/iam/security-credentials/";
    const answers: Record<string, string> = {
      "/latest/meta-data/instance-id": instanceId,
      "/latest/meta-data/placement/availability-zone": availabilityZone,
      "/latest/meta-data/placement/region": availabilityZone.slice(0, -1),
      [credentialsPath]: roleName,
      [`${credentialsPath}${roleName}`]: JSON.stringify({
        Code: "Success",
        LastUpdated: new Date().toISOString(),
        Type: "AWS-HMAC",
        AccessKeyId: "ASIAIMDSSTANDIN00001",
        SecretAccessKey: "standin-secret-access-key",
        Token: "standin-session-token",
        Expiration: new Date(Date.now() + 6 * 3600_000).toISOString(),
      }),
    };
    const body = answers[url.pathname];
    return body === undefined ? { status: 404, body: "" } : { status: 200, body };
  }
}
