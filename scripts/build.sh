#!/usr/bin/env bash
# Build every package to dist/ (JS + .d.ts) for publishing, in dependency order:
# each build reads the declarations of the packages it imports from their dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in core testing networking compute database monitoring policy app; do
  echo "build @web-infra/$p"
  (cd "packages/$p" && rm -rf dist && ../../node_modules/.bin/tsc -p tsconfig.build.json)
done
