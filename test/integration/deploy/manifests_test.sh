#!/usr/bin/env bash
# Installs the checker's npm packages (kubernetes-models, yaml) when its lock file changed, then
# checks deploy/kubernetes and deploy/compose.yaml (manifests_test.mjs) against BINARY's options.
# Usage: manifests_test.sh [BINARY]   (default: $LOGIDATA_BUILD_DIR/logidata, build/logidata)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-$here/../../../${LOGIDATA_BUILD_DIR:-build}/logidata}
binary=$(realpath -m "$binary")
[ -x "$binary" ] || { echo "manifests test: $binary missing: run scripts/setup first" >&2; exit 1; }
cd "$here"
stamp=node_modules/.logidata-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error --engine-strict=false
  echo "$want" >"$stamp"
fi
node manifests_test.mjs "$binary"
