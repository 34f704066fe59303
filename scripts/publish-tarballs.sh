#!/usr/bin/env bash
# Publish every tarball in <dir> (written by `npm run pack`) whose version npm does not have yet,
# with provenance when NPM_CONFIG_PROVENANCE=true (the release workflow sets it). Private
# packages are skipped. For each package published it prints Changesets' "New tag:" line, from
# which changesets/action creates the git tag and GitHub release.
#
#   scripts/publish-tarballs.sh <dir>
set -euo pipefail
dir=${1:?usage: publish-tarballs.sh <directory of tarballs>}
published=0
for tarball in "$dir"/*.tgz; do
  [ -e "$tarball" ] || { echo "publish-tarballs: no tarball in $dir" >&2; exit 1; }
  manifest=$(tar -xOzf "$tarball" package/package.json)
  read -r name version private < <(node -e '
    const p = JSON.parse(process.argv[1]);
    console.log(p.name, p.version, p.private === true);
  ' "$manifest")
  if [ "$private" = true ]; then
    echo "publish-tarballs: $name is private, not published"
    continue
  fi
  if [ -n "$(npm view "$name@$version" version 2>/dev/null)" ]; then
    echo "publish-tarballs: $name@$version is already on the registry"
    continue
  fi
  npm publish "$tarball" --access public
  published=$((published + 1))
  echo "🦋  New tag: $name@$version"
done
echo "publish-tarballs: $published package(s) published"
