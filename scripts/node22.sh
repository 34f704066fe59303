#!/usr/bin/env bash
# Run a command under the Node version pinned in .nvmrc, fetching it from the
# npm registry (package node-linux-<arch>) when the machine's node is older.
#
#   scripts/node22.sh npm test          # run one command under Node 22
#   source scripts/node22.sh            # put Node 22 first on PATH in this shell
#   scripts/node22.sh                   # fetch it if needed and say which node runs
#                                       # (npm ci runs this as the root postinstall)
#
# A command it runs also gets `--conditions=@web-infra/source` in NODE_OPTIONS, so the
# workspace packages resolve to their TypeScript sources (no build step); a shell that
# sources it gets only PATH.
#
# The binary is cached in ${WEB_INFRA_NODE_CACHE:-~/.cache/web-infra}; npm pack
# checks the tarball against the registry's integrity hash.
set -euo pipefail
_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_want=$(tr -d ' \r\n' <"$_root/.nvmrc")
_major=${_want%%.*}

_have=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
if [ "${_have%%.*}" -lt "$_major" ]; then
  case $(uname -m) in
    x86_64) _arch=x64 ;;
    aarch64 | arm64) _arch=arm64 ;;
    *) echo "node22.sh: no node-linux package for $(uname -m); install Node $_want yourself" >&2; exit 1 ;;
  esac
  _dir=${WEB_INFRA_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/web-infra}/node-$_want-linux-$_arch
  if [ ! -x "$_dir/bin/node" ]; then
    _tmp=$(mktemp -d)
    echo "node22.sh: fetching node-linux-$_arch@$_want from the npm registry into $_dir" >&2
    (cd "$_tmp" && npm pack --silent "node-linux-$_arch@$_want" >/dev/null)
    tar -xzf "$_tmp"/node-linux-"$_arch"-*.tgz -C "$_tmp"
    "$_tmp/package/bin/node" --version >/dev/null
    mkdir -p "$(dirname "$_dir")"
    rm -rf "$_dir"
    mv "$_tmp/package" "$_dir"
    rm -rf "$_tmp"
  fi
  export PATH="$_dir/bin:$PATH"
fi

# Sourced: leave PATH set for the caller's shell, and nothing else. The source condition below
# must not reach a shell that may also run programs built on the published packages (whose
# tarballs carry no src/); `pulumi up` here gets it from Pulumi.yaml's nodeargs.
if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  set +euo pipefail
  return 0
fi

# Executed: this repository's own command, whose workspace packages export their TypeScript
# sources under this condition (see each package.json "exports").
case " ${NODE_OPTIONS:-} " in
  *" --conditions=@web-infra/source "*) ;;
  *) export NODE_OPTIONS="--conditions=@web-infra/source${NODE_OPTIONS:+ $NODE_OPTIONS}" ;;
esac
if [ $# -eq 0 ]; then
  echo "web-infra: npm scripts run on Node $(node -p process.versions.node) ($(command -v node))"
  exit 0
fi
exec "$@"
