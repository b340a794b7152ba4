#!/usr/bin/env bash
# Starts or stops azurite's Blob service (the Azure Storage emulator, npm, installed on first use
# into ~/.cache/logidata-azurite — outside the repository; pinned version) on 127.0.0.1. It checks
# Shared Key signatures and SAS tokens like Azure does. Containers are created by the tests.
# Usage: scripts/servers/azurite.sh start DIR PORT  -> prints the endpoint
#                                                      "http://127.0.0.1:PORT/devstoreaccount1"
#        scripts/servers/azurite.sh stop DIR
# Account devstoreaccount1 with azurite's well-known key (see docs/connectors.md).
# Fails (non-zero, with the reason on stderr) when npm or the server cannot start.
set -euo pipefail
cmd=${1:?usage: azurite.sh start|stop DIR [PORT]}
dir=${2:?DIR required}
cache=${LOGIDATA_AZURITE_CACHE:-$HOME/.cache/logidata-azurite}
package=azurite@3.37.0
case "$cmd" in
  start)
    port=${3:-10000}
    mkdir -p "$dir/data"
    if [ ! -x "$cache/node_modules/.bin/azurite-blob" ]; then
      mkdir -p "$cache"
      if ! (cd "$cache" && npm install --no-audit --no-fund "$package" >"$dir/npm.log" 2>&1); then
        echo "azurite.sh: npm install $package failed:" >&2; tail -20 "$dir/npm.log" >&2; exit 1
      fi
    fi
    "$cache/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" --location "$dir/data" \
      --skipApiVersionCheck --loose --disableTelemetry >"$dir/azurite.log" 2>&1 &
    echo $! >"$dir/azurite.pid"
    for _ in $(seq 1 300); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "http://127.0.0.1:$port/devstoreaccount1"; exit 0; }
      kill -0 "$(cat "$dir/azurite.pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "azurite.sh: azurite-blob did not start on 127.0.0.1:$port:" >&2; tail -20 "$dir/azurite.log" >&2; exit 1
    ;;
  stop)
    [ -f "$dir/azurite.pid" ] && kill "$(cat "$dir/azurite.pid")" 2>/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
