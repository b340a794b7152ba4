#!/usr/bin/env bash
# RabbitMQ connector benchmark beside a plain AMQP loop on the same client library, on one
# throw-away broker (scripts/servers/rabbitmq.sh, rabbitmq-server 3.10, persistent messages):
#   load:    CSV -> queue through `logidata run` (extract.csv -> load.rabbitmq, one CSV record per
#            message, spooled, published with confirms every 1000)
#            vs bench/peers_rabbitmq/amqp_loop.c publishing each line of the same file as one
#            message with the same confirms (compiled here with cc -lrabbitmq; no rows, no parsing)
#   extract: queue -> rows through `logidata run` (extract.rabbitmq parsing CSV bodies, dedupe by
#            message id on, acknowledged after the load -> aggregate count -> load.csv)
#            vs amqp_loop consuming the same number of messages through the same sliding prefetch
#            window and acknowledging them at the end
# Every measurement comes from the same run; the load average is printed beside them because the
# machine may be shared.
# Usage: bench/connectors_rabbitmq.sh [CSV] [BUILD_DIR] [ROWS]
#   (default: /work/bench-data/orders.csv, build, 200000 rows: the first ROWS rows of CSV)
set -euo pipefail
csv=${1:-/work/bench-data/orders.csv}
build=${2:-$(dirname "$0")/../build}
limit=${3:-200000}
root=$(cd "$(dirname "$0")/.." && pwd)
logidata=$(cd "$build" && pwd)/logidata
work=$(mktemp -d /tmp/ld-bench-mq-XXXXXX)
port=$((58000 + RANDOM % 1000))
cleanup() { "$root/scripts/servers/rabbitmq.sh" stop "$work/mq" || true; rm -rf "$work"; }
trap cleanup EXIT
"$root/scripts/servers/rabbitmq.sh" start "$work/mq" "$port" >/dev/null
cc -O2 -o "$work/amqp_loop" "$root/bench/peers_rabbitmq/amqp_loop.c" -lrabbitmq
head -n $((limit + 1)) "$csv" >"$work/orders.csv"
rows=$(($(wc -l <"$work/orders.csv") - 1))
"$work/amqp_loop" consume "$port" ours 0 >/dev/null
"$work/amqp_loop" consume "$port" peer 0 >/dev/null
cat >"$work/connections.json" <<JSON
{"connections": {"mq": {"type": "rabbitmq", "host": "127.0.0.1", "port": $port, "user": "logidata", "secret_env": "MQ_BENCH_PASSWORD"}}}
JSON
export MQ_BENCH_PASSWORD=logidata-test
now() { date +%s.%N; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f msgs/s (%.2f s)", r / s, s }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }

# 1. Load: ours, then the plain loop.
cat >"$work/load.json" <<JSON
{"id": "bench-mq-load", "name": "bench load", "nodes": [
  {"id": "src", "type": "extract", "module": "csv", "config": {"path": "$work/orders.csv"}},
  {"id": "pub", "type": "load", "module": "rabbitmq", "config": {"connection": "mq", "routing_key": "ours", "format": "csv", "csv": {"header": false}}}],
 "edges": [{"source": "src", "target": "pub"}]}
JSON
t0=$(now); "$logidata" run -q "$work/load.json" --connections "$work/connections.json"; t1=$(now)
ours_load=$(secs "$t0" "$t1")
t0=$(now); peer_published=$("$work/amqp_loop" publish "$port" peer "$work/orders.csv"); t1=$(now)
peer_load=$(secs "$t0" "$t1")

# 2. Extract: ours (stops at max_rows = every message, so no idle wait is timed), then the loop.
cat >"$work/extract.json" <<JSON
{"id": "bench-mq-extract", "name": "bench extract", "nodes": [
  {"id": "src", "type": "extract", "module": "rabbitmq", "config": {"connection": "mq", "queue": "ours", "format": "csv",
     "csv": {"header": false}, "max_rows": $rows, "idle_timeout_ms": 5000}},
  {"id": "agg", "type": "transform", "module": "aggregate", "config": {"group_by": [], "aggregates": [{"function": "count", "as": "n"}]}},
  {"id": "dst", "type": "load", "module": "csv", "config": {"path": "$work/out.csv"}}],
 "edges": [{"source": "src", "target": "agg"}, {"source": "agg", "target": "dst"}]}
JSON
t0=$(now); /usr/bin/time -f '%M' -o "$work/rss" "$logidata" run -q "$work/extract.json" --connections "$work/connections.json"; t1=$(now)
ours_extract=$(secs "$t0" "$t1")
out_rows=$(tail -n 1 "$work/out.csv")
t0=$(now); peer_consumed=$("$work/amqp_loop" consume "$port" peer "$rows"); t1=$(now)
peer_extract=$(secs "$t0" "$t1")

echo "messages: $rows (plain loop published $peer_published, consumed $peer_consumed; ours extracted $out_rows rows)   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load    logidata (CSV rows -> messages, confirms): $(rate "$rows" "$ours_load")"
echo "load    plain rabbitmq-c loop (lines, confirms):   $(rate "$rows" "$peer_load")"
echo "extract logidata (parsed, deduped, acked after load): $(rate "$rows" "$ours_extract"), peak RSS $(( $(cat "$work/rss") / 1024 )) MiB"
echo "extract plain rabbitmq-c loop (acked at the end):     $(rate "$rows" "$peer_extract")"
