export interface UserDataArgs {
  /** Port nginx listens on; the target group's port. */
  readonly appPort: number;
  /** Extra facts to show on the page, read at boot from SSM parameters: label → parameter name. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Region of those parameters. */
  readonly region?: string;
}

const SAFE = /^[A-Za-z0-9 ._/:-]+$/;

/**
 * The boot script: nginx serving a page that names the instance and its AZ
 * (read through IMDSv2, so round-robin is visible from a browser) and
 * `/healthz` for the load balancer. It holds no secret: anything sensitive is
 * read at boot with the instance role, and only names of parameters appear here.
 */
export function renderUserData(args: UserDataArgs): string {
  for (const [label, name] of Object.entries(args.parameters ?? {})) {
    if (!SAFE.test(label) || !SAFE.test(name))
      throw new Error(`user data: parameter ${JSON.stringify(label)} → ${JSON.stringify(name)} has unsafe characters`);
  }
  const params = Object.entries(args.parameters ?? {});
  const paramLines = params
    .map(
      ([label, name]) =>
        `  printf '<dt>%s</dt><dd>%s</dd>\\n' '${label}' "$(aws ssm get-parameter --region '${args.region ?? ""}' --name '${name}' --query Parameter.Value --output text 2>/dev/null || echo unavailable)"`,
    )
    .join("\n");
  return `#!/bin/bash
# web-infra web server bootstrap (Amazon Linux 2023).
set -euo pipefail

dnf install -y nginx

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
${paramLines || "  :"}
  printf '</dl>\\n'
} > /usr/share/nginx/html/index.html

cat > /etc/nginx/conf.d/web-infra.conf <<'NGINX'
server {
  listen ${args.appPort} default_server;
  location = /healthz { access_log off; default_type text/plain; return 200 "ok\\n"; }
  location / { root /usr/share/nginx/html; index index.html; }
}
NGINX

systemctl enable --now nginx
`;
}
