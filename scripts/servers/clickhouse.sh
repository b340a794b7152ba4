#!/usr/bin/env bash
# Starts or stops a throw-away ClickHouse server (Debian's clickhouse-server, 18.16) on 127.0.0.1
# for tests and benchmarks, from a small config file written into DIR.
# Usage: scripts/servers/clickhouse.sh start DIR PORT   -> prints the HTTP URL on stdout
#        scripts/servers/clickhouse.sh stop DIR
# Only the HTTP interface is used (on PORT, 127.0.0.1); the server insists on a native TCP port
# too, which this script picks free on 127.0.0.1 (PORT+1 could be taken: tests pick PORT free, not
# its neighbour). User "logidata", password "logidata-test",
# database "logidata". The server runs as the calling user with its data in DIR.
set -euo pipefail
cmd=${1:?usage: clickhouse.sh start|stop DIR [PORT]}
dir=${2:?DIR required}
bin=/usr/sbin/clickhouse-server
case "$cmd" in
  start)
    port=${3:-58123}
    tcp_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    [ -x "$bin" ] || { echo "clickhouse.sh: $bin is missing (apt-get install clickhouse-server)" >&2; exit 1; }
    mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
    dir=$(cd "$dir" && pwd)
    cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/server.log</log><errorlog>$dir/server.err.log</errorlog><size>10M</size><count>1</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$port</http_port>
  <tcp_port>$tcp_port</tcp_port>
  <max_connections>256</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>64</max_concurrent_queries>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
</yandex>
XML
    cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <logidata>
      <password>logidata-test</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </logidata>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
    url="http://127.0.0.1:$port"
    if ! curl -sf "$url/ping" >/dev/null 2>&1; then
      setsid "$bin" --config-file="$dir/config.xml" --pidfile="$dir/server.pid" >"$dir/stdout.log" 2>&1 < /dev/null &
      for _ in $(seq 1 300); do
        curl -sf "$url/ping" >/dev/null 2>&1 && break
        if [ -f "$dir/server.pid" ] && ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then break; fi
        sleep 0.1
      done
      if ! curl -sf "$url/ping" >/dev/null 2>&1; then
        echo "clickhouse.sh: the server did not answer on $url" >&2
        tail -n 20 "$dir/server.err.log" "$dir/stdout.log" >&2 2>/dev/null || true
        exit 1
      fi
    fi
    curl -sf -u logidata:logidata-test "$url/" --data-binary "CREATE DATABASE IF NOT EXISTS logidata" >/dev/null
    echo "$url"
    ;;
  stop)
    if [ -f "$dir/server.pid" ]; then
      pid=$(cat "$dir/server.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$dir/server.pid"
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
