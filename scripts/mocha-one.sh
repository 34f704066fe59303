#!/usr/bin/env bash
# Run mocha on the given spec files only (the root .mocharc.json lists every spec).
exec "$(dirname "$0")/node22.sh" npx mocha --no-config --require ./packages/testing/register.js --timeout 60000 "$@"
