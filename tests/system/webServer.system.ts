import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HEALTH_CHECK_PATH, renderNginxSite, renderPageScript, renderUserData, WEB_SERVER_PATHS } from "@web-infra/compute";
import { stackGraph } from "../support";
import { ImdsStandIn } from "./support/imds";
import { Moto } from "./support/moto";
import { freePort, removeDir, runCommand, Server, tempDir } from "./support/processes";

/** The files a boot script writes with `cat > path <<'TAG' … TAG`, by path: the exact text an instance gets. */
export function bootScriptFiles(script: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of script.matchAll(/^cat > (\S+) <<'(\w+)'\n([\s\S]*?)^\2$/gm)) files.set(m[1]!, m[3]!);
  return files;
}

/** Replace `from` with `to` where it occurs exactly `times` times, or fail: a relocation must not miss or over-match. */
function relocate(text: string, from: string, to: string, times: number): string {
  assert.equal(text.split(from).length - 1, times, `${JSON.stringify(from)} occurs ${times}× in:\n${text}`);
  return text.replaceAll(from, to);
}

describe("web server software (real tools)", () => {
  it("the boot script and the page script pass shellcheck", () => {
    const page = renderPageScript({
      appPort: 8080,
      parameters: { "Reads from": "/web-infra/dev/db/reader-endpoints" },
      region: "us-east-1",
    });
    const boot = renderUserData({ appPort: 8080, parameters: { "Writes to": "/web-infra/dev/db/writer-endpoint" }, region: "us-east-1" });
    for (const s of [boot, renderUserData({ appPort: 80 }), page]) {
      const result = spawnSync("shellcheck", ["--shell=bash", "--severity=style", "-"], { input: s, encoding: "utf8" });
      assert.equal(result.status, 0, result.stdout);
    }
  });

  describe("the dev stack's boot script, run for real: nginx, the page script, an IMDSv2-only metadata service and moto", () => {
    const dir = tempDir("web-server");
    const html = join(dir, "html");
    const imds = new ImdsStandIn({ instanceId: "i-0a1b2c3d4e5f60718", availabilityZone: "us-east-1b", roleName: "web-server-role" });
    const moto = new Moto();
    let files: Map<string, string>;
    let parameters: { name: string; type: string; value: string }[];
    let appPort: number;
    let port: number;
    let nginx: Server | undefined;

    before(async () => {
      const g = await stackGraph("dev");
      const instance = g.ofType("aws:ec2/instance:Instance")[0]!;
      files = bootScriptFiles(instance.inputs["userData"] as string);
      appPort = g.ofType("aws:lb/targetGroup:TargetGroup")[0]!.inputs["port"] as number;
      parameters = g.ofType("aws:ssm/parameter:Parameter").map((p) => ({
        name: p.inputs["name"] as string,
        type: p.inputs["type"] as string,
        value: p.inputs["value"] as string,
      }));
      mkdirSync(html, { mode: 0o755 });
      port = await freePort();
      await Promise.all([imds.start(), moto.start()]);
    });

    after(async () => {
      await nginx?.stop();
      await Promise.all([imds.close(), moto.stop()]);
      removeDir(dir);
    });

    /** The page script as the instance gets it, writing into the test's document root. */
    function pageScript(): string {
      const script = join(dir, "web-infra-page");
      writeFileSync(script, relocate(files.get(WEB_SERVER_PATHS.pageScript)!, WEB_SERVER_PATHS.documentRoot, html, 3));
      chmodSync(script, 0o755);
      return script;
    }

    /** What the script sees on EC2: IMDS at 169.254.169.254 (here through curl's proxy setting), the instance role's credentials from IMDS, no AWS config. */
    function instanceEnv(): NodeJS.ProcessEnv {
      return {
        PATH: process.env["PATH"],
        HOME: dir,
        http_proxy: imds.url,
        no_proxy: "127.0.0.1,localhost",
        AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      };
    }

    it("writes the site, the page script and the timer the extracted renderers produce, byte for byte", () => {
      assert.deepEqual([...files.keys()].sort(), [
        "/etc/nginx/conf.d/web-infra.conf",
        "/etc/systemd/system/web-infra-page.service",
        "/etc/systemd/system/web-infra-page.timer",
        "/usr/local/bin/web-infra-page",
      ]);
      assert.equal(files.get(WEB_SERVER_PATHS.nginxSite), renderNginxSite({ appPort }));
      assert.equal(
        files.get(WEB_SERVER_PATHS.pageScript),
        renderPageScript({
          appPort,
          region: "us-east-1",
          parameters: { "Writes to": "/web-infra/dev/db/writer-endpoint", "Reads from": "/web-infra/dev/db/reader-endpoints" },
        }),
      );
    });

    it("the stand-in answers IMDSv2 only: a GET without a token gets 401, as on EC2 with httpTokens required", async () => {
      const plain = await fetch(`${imds.url}/latest/meta-data/instance-id`);
      assert.equal(plain.status, 401);
      const token = await (
        await fetch(`${imds.url}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } })
      ).text();
      const withToken = await fetch(`${imds.url}/latest/meta-data/instance-id`, { headers: { "x-aws-ec2-metadata-token": token } });
      assert.equal(withToken.status, 200);
      assert.equal(await withToken.text(), "i-0a1b2c3d4e5f60718");
      const stale = await fetch(`${imds.url}/latest/meta-data/instance-id`, { headers: { "x-aws-ec2-metadata-token": "made-up" } });
      assert.equal(stale.status, 401);
    });

    it("the page script writes 'unavailable' rather than failing while the database has not published its parameters", async () => {
      const r = await runCommand(pageScript(), [], instanceEnv());
      assert.equal(r.status, 0, r.stderr);
      const page = readFileSync(join(html, "index.html"), "utf8");
      assert.match(page, /<h1>Served by i-0a1b2c3d4e5f60718 in us-east-1b<\/h1>/);
      assert.match(page, /<dt>Writes to<\/dt><dd>unavailable<\/dd>/);
    });

    it("the page script reads the instance id and AZ over IMDSv2 and the parameters the stack publishes, with the instance role", async () => {
      // Seed moto with the SSM parameters exactly as the dev stack's graph holds them.
      for (const p of parameters) {
        const r = await runCommand(
          "aws",
          ["ssm", "put-parameter", "--region", "us-east-1", "--name", p.name, "--type", p.type, "--value", p.value],
          {
            ...instanceEnv(),
            AWS_ACCESS_KEY_ID: "seed",
            AWS_SECRET_ACCESS_KEY: "seed",
          },
        );
        assert.equal(r.status, 0, r.stderr);
      }
      imds.requests.length = 0;
      const r = await runCommand(pageScript(), [], instanceEnv());
      assert.equal(r.status, 0, r.stderr);
      const page = readFileSync(join(html, "index.html"), "utf8");
      const value = (name: string) => parameters.find((p) => p.name === name)!.value;
      assert.equal(
        page,
        "<!doctype html><title>web-infra</title>\n" +
          "<h1>Served by i-0a1b2c3d4e5f60718 in us-east-1b</h1>\n" +
          "<dl>\n" +
          `<dt>Writes to</dt><dd>${value("/web-infra/dev/db/writer-endpoint")}</dd>\n` +
          `<dt>Reads from</dt><dd>${value("/web-infra/dev/db/reader-endpoints")}</dd>\n` +
          "</dl>\n",
      );
      // Every metadata read had a token; the CLI fetched the role's credentials the same way.
      assert.ok(
        imds.requests.every((q) => q.status === 200),
        JSON.stringify(imds.requests),
      );
      assert.ok(imds.requests.some((q) => q.path === "/latest/meta-data/iam/security-credentials/web-server-role"));
      assert.ok(imds.requests.some((q) => q.method === "PUT" && q.path === "/latest/api/token"));
    });

    it("nginx -t accepts the site inside an http block, as Amazon Linux's nginx.conf includes it", async () => {
      writeNginxConf();
      const r = await runCommand("nginx", ["-t", "-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /syntax is ok/);
      assert.match(r.stderr, /test is successful/);
    });

    it("nginx answers the health check with 200 and serves the page with the values it was given", async () => {
      writeNginxConf();
      nginx = new Server("nginx", "nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log"), "-g", "daemon off;"], {
        logDir: dir,
      });
      await nginx.listening("127.0.0.1", port);
      const health = await fetch(`http://127.0.0.1:${port}${HEALTH_CHECK_PATH}`);
      assert.equal(health.status, 200);
      assert.equal(await health.text(), "ok\n");
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
      const body = await page.text();
      assert.match(body, /Served by i-0a1b2c3d4e5f60718 in us-east-1b/);
      assert.match(body, /<dt>Writes to<\/dt><dd>db-primary-[a-z0-9]+\.[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com<\/dd>/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/missing`)).status, 404);
    });

    /** The site as the instance gets it (port and document root relocated) inside a minimal nginx.conf. */
    function writeNginxConf(): void {
      const site = relocate(
        relocate(files.get(WEB_SERVER_PATHS.nginxSite)!, `listen ${appPort} `, `listen 127.0.0.1:${port} `, 1),
        WEB_SERVER_PATHS.documentRoot,
        html,
        1,
      );
      mkdirSync(join(dir, "conf.d"), { recursive: true });
      writeFileSync(join(dir, "conf.d", "web-infra.conf"), site);
      writeFileSync(
        join(dir, "nginx.conf"),
        `pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/conf.d/*.conf;
}
`,
      );
    }
  });
});
