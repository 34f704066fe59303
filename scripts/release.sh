#!/usr/bin/env bash
# The release workflow's publish step (changesets/action runs `npm run release` once the
# Version Packages pull request is merged): pack every package the way the tests install them,
# then publish the versions npm does not have yet.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir="${RUNNER_TEMP:-$(mktemp -d)}/web-infra-tarballs"
rm -rf "$dir"
"$here/pack.sh" "$dir" >/dev/null
"$here/publish-tarballs.sh" "$dir"
