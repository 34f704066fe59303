#!/usr/bin/env bash
# Write an installable tarball of every @web-infra package to <dir>, without touching the
# checkout: the packages are copied to a temporary folder, compiled there to dist/ (JavaScript
# and declarations, in dependency order), stripped of what only this repository uses (the
# "@web-infra/source" export condition and src/), and packed with `npm pack`.
#
#   npm run pack -- <dir>        (scripts/pack.sh <dir>)
#
# The release workflow publishes these same tarballs. Prints one tarball path per line.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:?usage: npm run pack -- <directory for the tarballs>}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
# Dependency order: each package compiles against the declarations of those it imports.
packages=(core testing networking compute database monitoring policy app)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/tsconfig.json" "$work/"
mkdir -p "$work/packages" "$work/node_modules/@web-infra"
# The installed dependencies, but the workspace packages resolve to the copies being built.
for entry in "$root"/node_modules/* "$root"/node_modules/.bin; do
  [ "$(basename "$entry")" = "@web-infra" ] || ln -s "$entry" "$work/node_modules/$(basename "$entry")"
done
for p in "${packages[@]}"; do
  mkdir -p "$work/packages/$p"
  (cd "$root/packages/$p" && tar --exclude=./dist --exclude=./node_modules -cf - .) | tar -xf - -C "$work/packages/$p"
  ln -s "$work/packages/$p" "$work/node_modules/@web-infra/$p"
done

for p in "${packages[@]}"; do
  dir="$work/packages/$p"
  (cd "$dir" && "$root/node_modules/.bin/tsc" -p tsconfig.build.json)
  # A consumer must never resolve src/: drop the condition that points there, and the sources.
  node -e '
    const fs = require("node:fs");
    const file = process.argv[1];
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const entry of Object.values(pkg.exports ?? {})) if (entry && typeof entry === "object") delete entry["@web-infra/source"];
    pkg.files = (pkg.files ?? []).filter((f) => f !== "src");
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  ' "$dir/package.json"
  (cd "$dir" && npm pack --silent --pack-destination "$dest" | sed "s|^|$dest/|")
done
