#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL 15 server on 127.0.0.1 for tests and benchmarks.
# Usage: scripts/servers/postgres.sh start DIR PORT   -> prints a libpq URL on stdout
#        scripts/servers/postgres.sh stop DIR
# The server trusts local connections as user "postgres"; database "logidata" is created.
# wal_level=logical: extract.postgres in mode cdc reads logical replication slots.
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop DIR [PORT]}
dir=${2:?DIR required}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
case "$cmd" in
  start)
    port=${3:-55432}
    mkdir -p "$dir"
    chown postgres:postgres "$dir" 2>/dev/null || true
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
    fi
    runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c wal_level=logical" start >/dev/null
    runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='logidata'" | grep -q 1 ||
      runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE logidata"
    echo "postgresql://postgres@127.0.0.1:$port/logidata"
    ;;
  stop)
    [ -f "$dir/data/postmaster.pid" ] && runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
