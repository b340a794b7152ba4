#!/usr/bin/env bash
# Starts or stops the GraphQL test server on 127.0.0.1: scripts/servers/graphql_test_server.cjs on
# Apollo Server and graphql-js, installed from npm on first use into ~/.cache/logidata-graphql
# (outside the repository; pinned versions).
# Usage: scripts/servers/graphql.sh start DIR PORT [TOKEN]  -> prints "http://127.0.0.1:PORT"
#        scripts/servers/graphql.sh stop DIR
# Fails (non-zero, with the reason on stderr) when npm or the server cannot start.
set -euo pipefail
cmd=${1:?usage: graphql.sh start|stop DIR [PORT] [TOKEN]}
dir=${2:?DIR required}
here=$(cd "$(dirname "$0")" && pwd)
cache=${LOGIDATA_GRAPHQL_CACHE:-$HOME/.cache/logidata-graphql}
packages=(@apollo/server@5.5.1 graphql@16.11.0)
case "$cmd" in
  start)
    port=${3:-4000}
    token=${4:-gql-secret}
    mkdir -p "$dir"
    if [ ! -f "$cache/node_modules/@apollo/server/package.json" ] || [ ! -f "$cache/node_modules/graphql/package.json" ]; then
      mkdir -p "$cache"
      if ! (cd "$cache" && npm install --no-audit --no-fund "${packages[@]}" >"$dir/npm.log" 2>&1); then
        echo "graphql.sh: npm install ${packages[*]} failed:" >&2; tail -20 "$dir/npm.log" >&2; exit 1
      fi
    fi
    NODE_PATH="$cache/node_modules" node "$here/graphql_test_server.cjs" "$port" "$token" >"$dir/server.log" 2>&1 &
    echo $! >"$dir/server.pid"
    for _ in $(seq 1 200); do
      grep -q '^ready' "$dir/server.log" 2>/dev/null && { echo "http://127.0.0.1:$port"; exit 0; }
      kill -0 "$(cat "$dir/server.pid")" 2>/dev/null || break
      sleep 0.1
    done
    echo "graphql.sh: the GraphQL server did not start:" >&2; cat "$dir/server.log" >&2
    exit 1
    ;;
  stop)
    [ -f "$dir/server.pid" ] && kill "$(cat "$dir/server.pid")" 2>/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
