export interface UserDataArgs {
  /** Port nginx listens on; the target group's port. */
  readonly appPort: number;
  /**
   * A second port nginx also listens on, while `appPort` changes (see WebTierArgs `previousAppPort`).
   *
   * @default - appPort only
   */
  readonly previousAppPort?: number;
  /**
   * Extra facts to show on the page, read at boot from SSM parameters: label → parameter name.
   *
   * @default - the instance id and AZ only
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Region of those parameters.
   *
   * @default - the AWS CLI's default region on the instance
   */
  readonly region?: string;
}

const SAFE = /^[A-Za-z0-9 ._/:-]+$/;

/** The path nginx answers for the load balancer's health check: 200 from nginx itself, no disk, no database. */
export const HEALTH_CHECK_PATH = "/healthz";

/**
 * Where each piece of the web server's software lives on the instance (Amazon Linux 2023's
 * nginx package: its `nginx.conf` includes `conf.d/*.conf` inside `http {}` and serves
 * `/usr/share/nginx/html`). The boot script writes these files; the system tests run them.
 */
export const WEB_SERVER_PATHS = {
  documentRoot: "/usr/share/nginx/html",
  nginxSite: "/etc/nginx/conf.d/web-infra.conf",
  pageScript: "/usr/local/bin/web-infra-page",
} as const;

/**
 * Labels of the page parameters that cannot go into the boot script: each label and
 * parameter name is pasted between single quotes, so only letters, digits, spaces and
 * `. _ / : -` are allowed. Pure, so components can reject them before creating anything.
 */
export function unsafePageParameters(parameters: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries(parameters)
    .filter(([label, name]) => !SAFE.test(label) || !SAFE.test(name))
    .map(([label]) => label);
}

/**
 * The script that writes the page: the instance id and AZ (read through
 * IMDSv2, so round-robin is visible from a browser) and, per parameter, its
 * current value. Parameters are read by name with the instance role.
 */
export function renderPageScript(args: UserDataArgs): string {
  // Callers validate first; this keeps a direct caller from writing shell it did not mean to.
  const unsafe = unsafePageParameters(args.parameters);
  if (unsafe.length > 0) {
    const shown = unsafe.map((label) => `${JSON.stringify(label)} → ${JSON.stringify(args.parameters?.[label])}`).join(", ");
    throw new Error(`user data: parameters ${shown} have unsafe characters`);
  }
  if (args.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(args.region))
    throw new Error(`user data: region ${JSON.stringify(args.region)} is not a region name such as us-east-1`);
  // Without a region the CLI takes the instance's own (AWS_REGION, its config, or IMDS); `--region ''` would fail every read.
  const region = args.region === undefined ? "" : ` --region '${args.region}'`;
  const lines = Object.entries(args.parameters ?? {}).map(
    ([label, name]) =>
      `  printf '<dt>%s</dt><dd>%s</dd>\\n' '${label}' "$(aws ssm get-parameter${region} --name '${name}' --query Parameter.Value --output text 2>/dev/null || echo unavailable)"`,
  );
  return `#!/bin/bash
set -euo pipefail
imds() {
  local token
  token=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 60')
  curl -sS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}
instance_id=$(imds instance-id)
zone=$(imds placement/availability-zone)
{
  printf '<!doctype html><title>web-infra</title>\\n'
  printf '<h1>Served by %s in %s</h1>\\n' "$instance_id" "$zone"
  printf '<dl>\\n'
${lines.join("\n") || "  :"}
  printf '</dl>\\n'
} > ${WEB_SERVER_PATHS.documentRoot}/index.html.tmp
mv ${WEB_SERVER_PATHS.documentRoot}/index.html.tmp ${WEB_SERVER_PATHS.documentRoot}/index.html
`;
}

/**
 * The nginx site: the app port, {@link HEALTH_CHECK_PATH} answered by nginx
 * itself, and the page. It goes into `conf.d/`, inside the distribution's `http {}`.
 */
export function renderNginxSite(args: Pick<UserDataArgs, "appPort" | "previousAppPort">): string {
  const ports = args.previousAppPort === undefined ? [args.appPort] : [args.appPort, args.previousAppPort];
  return `server {
${ports.map((port) => `  listen ${port} default_server;\n`).join("")}  location = ${HEALTH_CHECK_PATH} { access_log off; default_type text/plain; return 200 "ok\\n"; }
  location / { root ${WEB_SERVER_PATHS.documentRoot}; index index.html; }
}
`;
}

/**
 * How long the boot script keeps retrying a package install, in seconds, and the longest pause
 * between attempts. The web tier's servers wait for their route out (`serversDependOn`), so this
 * covers what ordering cannot: a repository or NAT gateway that fails for a moment, and a program
 * that reuses the boot script without that dependency.
 */
export const PACKAGE_INSTALL_RETRY = { deadlineSeconds: 600, firstPauseSeconds: 5, maxPauseSeconds: 60 } as const;

/**
 * The boot script's shell functions that run the package install: `retry CMD...` runs a command
 * until it succeeds, pausing 5, 10, 20… seconds (at most 60) between attempts, until
 * {@link PACKAGE_INSTALL_RETRY} `deadlineSeconds` after the first (`WEB_INFRA_RETRY_SECONDS`
 * overrides it), each attempt cut off at that deadline; then it fails with the command's status
 * and a message naming what to check. Every attempt is logged with a UTC timestamp to stderr
 * (cloud-init's output log) and to the journal (`journalctl -t web-infra-boot`).
 * `install_packages PKG...` is `retry dnf install -y PKG...`.
 */
export function renderInstallFunctions(): string {
  const r = PACKAGE_INSTALL_RETRY;
  return `# Package installs retry until a deadline: a repository or the NAT gateway may fail for a moment,
# and a server started without waiting for its route out may boot before that route exists.
boot_log() {
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) web-infra-boot: $*" >&2
  logger -t web-infra-boot -- "$*" 2>/dev/null || true
}
retry() {
  local start deadline remaining status pause=${r.firstPauseSeconds} attempt=1
  start=$(date +%s)
  deadline=$((start + \${WEB_INFRA_RETRY_SECONDS:-${r.deadlineSeconds}}))
  while true; do
    remaining=$((deadline - $(date +%s)))
    if ((remaining < 1)); then remaining=1; fi
    boot_log "attempt $attempt: $*"
    if timeout --kill-after=10 "$remaining" "$@"; then
      boot_log "attempt $attempt succeeded: $*"
      return 0
    else
      status=$?
    fi
    remaining=$((deadline - $(date +%s)))
    if ((remaining <= 0)); then
      boot_log "giving up after $attempt attempt(s) in $(($(date +%s) - start))s (deadline \${WEB_INFRA_RETRY_SECONDS:-${r.deadlineSeconds}}s), last exit status $status: $*. Check the subnet's route to the internet (route table association, NAT gateway) and the security group's egress rules."
      return "$status"
    fi
    if ((pause > remaining)); then pause=$remaining; fi
    boot_log "attempt $attempt failed with exit status $status; retrying in \${pause}s: $*"
    sleep "$pause"
    pause=$((pause * 2 > ${r.maxPauseSeconds} ? ${r.maxPauseSeconds} : pause * 2))
    attempt=$((attempt + 1))
  done
}
install_packages() {
  retry dnf install -y "$@"
}
`;
}

/**
 * The boot script: nginx serving the page and `/healthz` for the load
 * balancer. It holds no secret: only names of parameters appear here.
 * The install retries (see {@link renderInstallFunctions}) while the
 * subnet's way out is still being created.
 */
export function renderUserData(args: UserDataArgs): string {
  const hasParameters = Object.keys(args.parameters ?? {}).length > 0;
  // The parameters may be published after the servers boot (a database takes minutes), so the page is rebuilt every minute.
  const refresh = hasParameters
    ? `
cat > /etc/systemd/system/web-infra-page.service <<'UNIT'
[Unit]
Description=Rebuild the web-infra page
[Service]
Type=oneshot
ExecStart=${WEB_SERVER_PATHS.pageScript}
UNIT
cat > /etc/systemd/system/web-infra-page.timer <<'UNIT'
[Unit]
Description=Rebuild the web-infra page every minute
[Timer]
OnBootSec=1min
OnUnitActiveSec=1min
[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now web-infra-page.timer
`
    : "";
  return `#!/bin/bash
# web-infra web server bootstrap (Amazon Linux 2023).
set -euo pipefail

${renderInstallFunctions()}
install_packages nginx

cat > ${WEB_SERVER_PATHS.pageScript} <<'PAGE'
${renderPageScript(args)}PAGE
chmod 755 ${WEB_SERVER_PATHS.pageScript}
${WEB_SERVER_PATHS.pageScript}

cat > ${WEB_SERVER_PATHS.nginxSite} <<'NGINX'
${renderNginxSite(args)}NGINX

systemctl enable --now nginx
${refresh}`;
}
