#!/usr/bin/env bash
# Starts or stops a throw-away MariaDB server on 127.0.0.1 for tests and benchmarks.
# Usage: scripts/servers/mariadb.sh start DIR PORT   -> prints "mysql://logidata:logidata@127.0.0.1:PORT/logidata"
#        scripts/servers/mariadb.sh stop DIR
# User "logidata" (password "logidata") owns database "logidata"; root has no password over the socket.
set -euo pipefail
cmd=${1:?usage: mariadb.sh start|stop DIR [PORT]}
dir=${2:?DIR required}
case "$cmd" in
  start)
    port=${3:-53306}
    mkdir -p "$dir"
    chmod 755 "$dir"
    chown mysql:mysql "$dir" 2>/dev/null || true
    if [ ! -d "$dir/data/mysql" ]; then
      runuser -u mysql -- mariadb-install-db --no-defaults --datadir="$dir/data" \
        --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1
    fi
    runuser -u mysql -- mariadbd --no-defaults --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
      --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" --skip-name-resolve \
      --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --max-allowed-packet=64M \
      >/dev/null 2>&1 &
    for _ in $(seq 1 100); do
      [ -S "$dir/mysqld.sock" ] && mariadb --no-defaults -S "$dir/mysqld.sock" -uroot -e "SELECT 1" >/dev/null 2>&1 && break
      sleep 0.1
    done
    mariadb --no-defaults -S "$dir/mysqld.sock" -uroot -e "
      CREATE DATABASE IF NOT EXISTS logidata CHARACTER SET utf8mb4;
      CREATE USER IF NOT EXISTS 'logidata'@'%' IDENTIFIED BY 'logidata';
      GRANT ALL ON logidata.* TO 'logidata'@'%';" >/dev/null
    echo "mysql://logidata:logidata@127.0.0.1:$port/logidata"
    ;;
  stop)
    if [ -f "$dir/mysqld.pid" ]; then
      pid=$(cat "$dir/mysqld.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
