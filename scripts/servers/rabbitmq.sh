#!/usr/bin/env bash
# Starts or stops a throw-away RabbitMQ broker (Debian's rabbitmq-server 3.10) on 127.0.0.1 for
# tests and benchmarks, as the calling user, with everything it writes (database, logs, Erlang
# cookie) inside DIR. No plugins (no management UI).
# Usage: scripts/servers/rabbitmq.sh start DIR PORT   -> prints "amqp://127.0.0.1:PORT" on stdout
#        scripts/servers/rabbitmq.sh stop DIR
# Ports: AMQP on PORT; Erlang distribution and a private epmd on two free ports picked at start
# (kept in DIR/ports); all on 127.0.0.1, so several brokers (and a system one) can run side by
# side. User "logidata",
# password "logidata-test", full rights on vhost "/"; the "guest" user is deleted.
# Erlang boots in a few seconds: start returns once the AMQP port accepts connections.
set -euo pipefail
cmd=${1:?usage: rabbitmq.sh start|stop DIR [PORT]}
dir=${2:?DIR required}
bin=/usr/lib/rabbitmq/bin
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The environment of the node and of rabbitmqctl: both must agree on name, cookie and epmd.
# Arguments: AMQP port, distribution port, epmd port.
broker_env() {
  local port=$1
  export HOME="$dir"  # the Erlang cookie goes to $HOME/.erlang.cookie
  export ERL_CRASH_DUMP="$dir/erl_crash.dump"
  export RABBITMQ_NODENAME="logidata-test-$port@localhost"
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT=$2
  export ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=$3
  export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/broker.pid"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
}

case "$cmd" in
  start)
    port=${3:-55672}
    [ -x "$bin/rabbitmq-server" ] || { echo "rabbitmq.sh: $bin/rabbitmq-server is missing (apt-get install rabbitmq-server)" >&2; exit 1; }
    if [ ! -f "$dir/ports" ] || [ "$(cut -d' ' -f1 "$dir/ports")" != "$port" ]; then
      dist=$(free_port); epmd_port=$(free_port)
      while [ "$epmd_port" = "$dist" ] || [ "$epmd_port" = "$port" ]; do epmd_port=$(free_port); done
      echo "$port $dist $epmd_port" >"$dir/ports"
    fi
    # shellcheck disable=SC2046
    broker_env $(cat "$dir/ports")
    mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
    echo "[]." >"$RABBITMQ_ENABLED_PLUGINS_FILE"
    : >"$RABBITMQ_CONF_ENV_FILE"
    echo "[]." >"$RABBITMQ_ADVANCED_CONFIG_FILE"
    # Small disk/memory thresholds: a test machine with little free disk must not block publishers.
    cat >"$RABBITMQ_CONFIG_FILE.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
disk_free_limit.absolute = 50MB
vm_memory_high_watermark.relative = 0.6
log.file.level = warning
log.console = false
CONF
    url="amqp://127.0.0.1:$port"
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      setsid "$bin/rabbitmq-server" >"$dir/stdout.log" 2>&1 </dev/null &
      echo $! >"$dir/server.pid"
      # await_startup fails at once while the node has not registered with epmd yet: retry.
      started=no
      for _ in $(seq 1 120); do
        if timeout 30 "$bin/rabbitmqctl" -q await_startup --timeout 30 >"$dir/await.log" 2>&1; then started=yes; break; fi
        kill -0 "$(cat "$dir/server.pid")" 2>/dev/null || break
        sleep 0.5
      done
      if [ "$started" != yes ]; then
        echo "rabbitmq.sh: the broker did not start" >&2
        tail -n 20 "$dir/stdout.log" "$dir/await.log" >&2 2>/dev/null || true
        exit 1
      fi
      "$bin/rabbitmqctl" -q add_user logidata logidata-test >/dev/null 2>&1 || true
      "$bin/rabbitmqctl" -q set_permissions -p / logidata '.*' '.*' '.*' >/dev/null
      "$bin/rabbitmqctl" -q delete_user guest >/dev/null 2>&1 || true
      for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
      done
    fi
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "rabbitmq.sh: nothing listens on $url" >&2; exit 1; }
    echo "$url"
    ;;
  stop)
    [ -f "$dir/ports" ] || exit 0
    # shellcheck disable=SC2046
    broker_env $(cat "$dir/ports")
    if [ -f "$dir/server.pid" ]; then
      # setsid made the server the leader of its own group. SIGTERM stops the Erlang VM cleanly.
      pid=$(cat "$dir/server.pid")
      kill -- "-$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 -- "-$pid" 2>/dev/null || true
      rm -f "$dir/server.pid"
    fi
    # The private epmd daemonized itself out of the group: ask it to exit.
    for _ in $(seq 1 20); do
      epmd -port "$ERL_EPMD_PORT" -names >/dev/null 2>&1 || break
      epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || true
      sleep 0.1
    done
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
