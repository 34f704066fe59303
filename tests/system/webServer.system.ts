import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  HEALTH_CHECK_PATH,
  renderInstallFunctions,
  renderNginxSite,
  renderPageScript,
  renderUserData,
  WEB_SERVER_PATHS,
} from "@web-infra/compute";
import type { StackGraph } from "@web-infra/testing";
import { runWeb, stackGraph } from "../support";
import { ImdsStandIn } from "./support/imds";
import { Moto } from "./support/moto";
import { freePort, removeDir, runCommand, Server, tempDir } from "./support/processes";

/** The files a boot script writes with `cat > path <<'TAG' … TAG`, by path: the exact text an instance gets. */
function bootScriptFiles(script: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of script.matchAll(/^cat > (\S+) <<'(\w+)'\n([\s\S]*?)^\2$/gm)) files.set(m[1]!, m[3]!);
  return files;
}

/** The boot script the stack's servers get: an instance's `userData`, or (Auto Scaling) its launch template's, base64. */
function serverBootScript(g: StackGraph): string {
  const instance = g.ofType("aws:ec2/instance:Instance")[0];
  if (instance) return instance.inputs["userData"] as string;
  const template = g.ofType("aws:ec2/launchTemplate:LaunchTemplate")[0];
  assert.ok(template, "the stack registers neither an instance nor a launch template");
  return Buffer.from(template.inputs["userData"] as string, "base64").toString("utf8");
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

  describe("the boot script's package install, run for real with bash, timeout and a stand-in dnf", () => {
    const dir = tempDir("boot-retry");
    const bin = join(dir, "bin");
    let functions: string;

    before(async () => {
      functions = renderInstallFunctions();
      const boot = serverBootScript(await stackGraph("dev"));
      assert.ok(boot.includes(`\n${functions}\ninstall_packages nginx\n`), "the dev stack's boot script installs through these functions");
      mkdirSync(bin);
      // Stand-ins that record their calls: dnf fails until its FAILS-th call (or hangs with HANG), sleep and logger return at once.
      tool(
        "dnf",
        `n=$(( $(cat "$STATE/dnf-count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$STATE/dnf-count"; echo "$*" >> "$STATE/dnf-calls"
if [ -n "\${HANG:-}" ]; then exec /bin/sleep 30; fi
if (( n <= FAILS )); then echo "Curl error (7): Couldn't connect to server for https://cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list" >&2; exit 1; fi
echo "Installed: $*"`,
      );
      tool("sleep", `echo "$1" >> "$STATE/sleeps"`);
      tool("logger", `echo "$*" >> "$STATE/journal"`);
    });

    after(() => removeDir(dir));

    function tool(name: string, body: string): void {
      writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }

    /** `install_packages nginx` under the boot script's shell options; `shims` are the stand-ins put first on PATH. */
    async function install(
      state: string,
      env: Record<string, string>,
      shims: string[],
    ): Promise<{ status: number | null; stderr: string; stdout: string; read: (f: string) => string[] }> {
      mkdirSync(join(dir, state));
      const shimDir = join(dir, state, "bin");
      mkdirSync(shimDir);
      for (const s of shims) writeFileSync(join(shimDir, s), readFileSync(join(bin, s)), { mode: 0o755 });
      const script = `set -euo pipefail\n${functions}\ninstall_packages nginx\necho "boot continues"\n`;
      const r = await runCommand("bash", ["-c", script], { PATH: `${shimDir}:${process.env["PATH"]}`, STATE: join(dir, state), ...env });
      const read = (f: string) => {
        try {
          return readFileSync(join(dir, state, f), "utf8")
            .trimEnd()
            .split("\n");
        } catch {
          return [];
        }
      };
      return { ...r, read };
    }

    it("retries a failing dnf with a 5 s then 10 s pause, logs each attempt, and lets the boot go on once it succeeds", async () => {
      const r = await install("flaky", { FAILS: "2" }, ["dnf", "sleep", "logger"]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, "Installed: install -y nginx\nboot continues\n");
      assert.deepEqual(r.read("dnf-calls"), ["install -y nginx", "install -y nginx", "install -y nginx"]);
      assert.deepEqual(r.read("sleeps"), ["5", "10"]);
      assert.deepEqual(r.read("journal"), [
        "-t web-infra-boot -- attempt 1: dnf install -y nginx",
        "-t web-infra-boot -- attempt 1 failed with exit status 1; retrying in 5s: dnf install -y nginx",
        "-t web-infra-boot -- attempt 2: dnf install -y nginx",
        "-t web-infra-boot -- attempt 2 failed with exit status 1; retrying in 10s: dnf install -y nginx",
        "-t web-infra-boot -- attempt 3: dnf install -y nginx",
        "-t web-infra-boot -- attempt 3 succeeded: dnf install -y nginx",
      ]);
      const logged = r.stderr.split("\n").filter((l) => l.includes("web-infra-boot:"));
      assert.equal(logged.length, 6, r.stderr);
      for (const l of logged) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ web-infra-boot: attempt \d/);
    });

    it("gives up at the deadline with dnf's exit status and a message naming what to check, stopping the boot", async () => {
      const started = Date.now();
      const r = await install("offline", { FAILS: "1000", WEB_INFRA_RETRY_SECONDS: "3" }, ["dnf", "logger"]);
      const seconds = (Date.now() - started) / 1000;
      assert.equal(r.status, 1, r.stderr);
      assert.doesNotMatch(r.stdout, /boot continues/);
      assert.ok(seconds >= 2.5 && seconds < 10, `took ${seconds}s for a 3 s deadline`);
      const attempts = r.read("dnf-calls").length;
      assert.ok(attempts >= 2, `only ${attempts} attempt(s) in 3 s`);
      assert.match(
        r.stderr,
        new RegExp(
          `web-infra-boot: giving up after ${attempts} attempt\\(s\\) in \\d+s \\(deadline 3s\\), last exit status 1: dnf install -y nginx\\. ` +
            "Check the subnet's route to the internet \\(route table association, NAT gateway\\) and the security group's egress rules\\.\\n$",
        ),
      );
    });

    it("cuts off an attempt that hangs at the deadline (exit status 124 from timeout)", async () => {
      const started = Date.now();
      const r = await install("hanging", { FAILS: "0", HANG: "1", WEB_INFRA_RETRY_SECONDS: "2" }, ["dnf", "logger"]);
      const seconds = (Date.now() - started) / 1000;
      assert.equal(r.status, 124, r.stderr);
      assert.ok(seconds < 8, `took ${seconds}s for a 2 s deadline with a 30 s hang`);
      assert.deepEqual(r.read("dnf-calls"), ["install -y nginx"]);
      assert.match(r.stderr, /giving up after 1 attempt\(s\) in \d+s \(deadline 2s\), last exit status 124: dnf install -y nginx\./);
    });
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
      files = bootScriptFiles(serverBootScript(g));
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

    it("during an appPort change, nginx answers the health check on both ports: the old target group's and the new one's", async () => {
      const during = await runWeb({ stack: "dev", config: { appPort: "8443", previousAppPort: "8080" } });
      const site = bootScriptFiles(serverBootScript(during)).get(WEB_SERVER_PATHS.nginxSite)!;
      const [oldPort, newPort] = [await freePort(), await freePort()];
      const prefix = join(dir, "port-change");
      mkdirSync(prefix);
      writeNginxConf(
        relocate(
          relocate(relocate(site, "listen 8080 ", `listen 127.0.0.1:${oldPort} `, 1), "listen 8443 ", `listen 127.0.0.1:${newPort} `, 1),
          WEB_SERVER_PATHS.documentRoot,
          html,
          1,
        ),
        prefix,
      );
      const server = new Server(
        "nginx",
        "nginx",
        ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "error.log"), "-g", "daemon off;"],
        {
          logDir: prefix,
        },
      );
      try {
        await server.listening("127.0.0.1", oldPort);
        for (const p of [oldPort, newPort]) {
          const health = await fetch(`http://127.0.0.1:${p}${HEALTH_CHECK_PATH}`);
          assert.equal(health.status, 200, `port ${p}`);
          assert.equal(await health.text(), "ok\n");
        }
      } finally {
        await server.stop();
      }
    });

    /** The site as the instance gets it (port and document root relocated) inside a minimal nginx.conf under `prefix`. */
    function writeNginxConf(
      site = relocate(
        relocate(files.get(WEB_SERVER_PATHS.nginxSite)!, `listen ${appPort} `, `listen 127.0.0.1:${port} `, 1),
        WEB_SERVER_PATHS.documentRoot,
        html,
        1,
      ),
      root = dir,
    ): void {
      mkdirSync(join(root, "conf.d"), { recursive: true });
      writeFileSync(join(root, "conf.d", "web-infra.conf"), site);
      writeFileSync(
        join(root, "nginx.conf"),
        `pid ${root}/nginx.pid;
error_log ${root}/error.log;
events {}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${root}/access.log;
  client_body_temp_path ${root}/body;
  proxy_temp_path ${root}/proxy;
  fastcgi_temp_path ${root}/fastcgi;
  uwsgi_temp_path ${root}/uwsgi;
  scgi_temp_path ${root}/scgi;
  include ${root}/conf.d/*.conf;
}
`,
      );
    }
  });
});
