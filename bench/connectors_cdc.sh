#!/usr/bin/env bash
# PostgreSQL CDC throughput beside the server's own decoding, on one throw-away server:
#   ours: `logidata run` of extract.postgres (mode cdc) -> load.postgres (upsert, op_column _op)
#         applying N inserts, N/2 updates and N/4 deletes (one transaction each kind) to a replica,
#         slot confirmed at the end — changes per second, end to end
#   peer: `SELECT count(*) FROM pg_logical_slot_peek_changes(…)` on the same slot: the server
#         decoding the same WAL with test_decoding and nothing else (the floor for any reader of
#         the SQL interface), measured before our run
# The replica is checked against the source. The load average is printed because the machine
# may be shared. Usage: bench/connectors_cdc.sh [N] [BUILD_DIR]   (default N = 100000)
set -euo pipefail
n=${1:-100000}
build=${2:-$(dirname "$0")/../build}
root=$(cd "$(dirname "$0")/.." && pwd)
logidata=$(cd "$build" && pwd)/logidata
work=$(mktemp -d /tmp/ld-bench-cdc-XXXXXX)
chmod 755 "$work"  # the postgres user must reach its data directory inside
port=$((57000 + RANDOM % 1000))
cleanup() { "$root/scripts/servers/postgres.sh" stop "$work/pg" || true; rm -rf "$work"; }
trap cleanup EXIT
url=$("$root/scripts/servers/postgres.sh" start "$work/pg" "$port")
psql() { command psql "$url" -v ON_ERROR_STOP=1 -qtA "$@"; }
now() { date +%s.%N; }
cat >"$work/connections.json" <<JSON
{"connections": {"bench": {"type": "postgres", "host": "127.0.0.1", "port": $port, "database": "logidata", "user": "postgres"}}}
JSON
cat >"$work/cdc.json" <<JSON
{"id": "bench-cdc", "name": "bench cdc", "nodes": [
  {"id": "changes", "type": "extract", "module": "postgres", "config": {"connection": "bench", "table": "orders",
   "mode": "cdc", "slot": "ld_bench", "max_changes": 100000000}},
  {"id": "replica", "type": "load", "module": "postgres", "config": {"connection": "bench", "table": "orders_replica",
   "mode": "upsert", "keys": ["id"], "op_column": "_op"}}],
 "edges": [{"source": "changes", "target": "replica"}]}
JSON
run() { "$logidata" run -q "$work/cdc.json" --connections "$work/connections.json" --state "$work/cdc.state.json"; }

psql -c "CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(12,2), ordered_at timestamptz)"
run  # creates the slot and takes the (empty) snapshot
psql -c "INSERT INTO orders SELECT g, 'customer ' || (g % 977), (g % 10000) / 100.0, '2024-01-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, $n) g"
psql -c "UPDATE orders SET amount = amount + 1 WHERE id % 2 = 0"
psql -c "DELETE FROM orders WHERE id % 4 = 1"
changes=$((n + n / 2 + n / 4))

t0=$(now); decoded=$(psql -c "SELECT count(*) FROM pg_logical_slot_peek_changes('ld_bench', NULL, NULL, 'include-xids', '0', 'skip-empty-xacts', '1')"); t1=$(now)
peer=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now); run; t1=$(now)
ours=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

src=$(psql -c "SELECT count(*), sum(amount) FROM orders")
dst=$(psql -c "SELECT count(*), sum(amount) FROM orders_replica")
[ "$src" = "$dst" ] || { echo "replica differs: source $src, replica $dst" >&2; exit 1; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f changes/s (%.2f s)", r / s, s }'; }
echo "changes: $changes row changes ($n inserts, $((n / 2)) updates, $((n / 4)) deletes; $decoded decoded lines)"
echo "peer  server decoding only (peek, count): $(rate "$changes" "$peer")"
echo "ours  extract cdc -> load upsert+delete, confirmed: $(rate "$changes" "$ours")"
echo "replica equals source: $src"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
