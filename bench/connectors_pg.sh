#!/usr/bin/env bash
# PostgreSQL connector benchmark beside its physical limit, on one throw-away server:
#   load:    CSV -> PostgreSQL through `logidata run` (extract.csv -> load.postgres, binary COPY)
#            vs server-side `COPY orders FROM 'orders.csv' CSV HEADER` into the same kind of table
#   extract: PostgreSQL -> Parquet through `logidata run` (extract.postgres -> load.parquet), with
#            the default parallel page-range read and with one COPY stream (connections: 1)
#            vs server-side `COPY orders TO 'out.csv' CSV` (best of two alternating runs each);
#            the Parquet row count is checked
# Every measurement comes from the same run; the load average is printed with them because the
# machine may be shared.
# Usage: bench/connectors_pg.sh [CSV] [BUILD_DIR]   (default: /work/bench-data/orders.csv, build)
set -euo pipefail
csv=${1:-/work/bench-data/orders.csv}
build=${2:-$(dirname "$0")/../build}
root=$(cd "$(dirname "$0")/.." && pwd)
logidata=$(cd "$build" && pwd)/logidata
work=$(mktemp -d /tmp/ld-bench-pg-XXXXXX)
chmod 755 "$work"
port=$((56000 + RANDOM % 1000))
cleanup() { "$root/scripts/servers/postgres.sh" stop "$work/pg" || true; rm -rf "$work"; }
trap cleanup EXIT
url=$("$root/scripts/servers/postgres.sh" start "$work/pg" "$port")
psql() { command psql "$url" -v ON_ERROR_STOP=1 -qtA "$@"; }
rows=$(($(wc -l <"$csv") - 1))
cat >"$work/connections.json" <<JSON
{"connections": {"bench": {"type": "postgres", "host": "127.0.0.1", "port": $port, "database": "logidata", "user": "postgres"}}}
JSON
now() { date +%s.%N; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f rows/s (%.2f s)", r / s, s }'; }

# 1. Our load: the pipeline creates the table from the CSV's inferred schema.
cat >"$work/load.json" <<JSON
{"id": "bench-load", "name": "bench load", "nodes": [
  {"id": "src", "type": "extract", "module": "csv", "config": {"path": "$csv"}},
  {"id": "dst", "type": "load", "module": "postgres", "config": {"connection": "bench", "table": "orders", "mode": "truncate"}}],
 "edges": [{"source": "src", "target": "dst"}]}
JSON
psql -c "CHECKPOINT"
t0=$(now); "$logidata" run -q "$work/load.json" --connections "$work/connections.json"; t1=$(now)
ours_load=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
[ "$(psql -c 'SELECT count(*) FROM orders')" = "$rows" ] || { echo "row count mismatch" >&2; exit 1; }

# 2. Baseline: server-side COPY of the same file into a table of the same shape.
psql -c "CREATE TABLE orders_baseline (LIKE orders); CHECKPOINT"
cp "$csv" "$work/orders.csv"; chmod 644 "$work/orders.csv"
t0=$(now); psql -c "COPY orders_baseline FROM '$work/orders.csv' CSV HEADER"; t1=$(now)
base_load=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
rm -f "$work/orders.csv"

# 3. Our extract to Parquet vs COPY TO a CSV file.
extract() {  # $1 = connections, $2 = output file
  cat >"$work/extract.json" <<JSON
{"id": "bench-extract", "name": "bench extract", "nodes": [
  {"id": "src", "type": "extract", "module": "postgres", "config": {"connection": "bench", "table": "orders", "connections": $1}},
  {"id": "dst", "type": "load", "module": "parquet", "config": {"path": "$2"}}],
 "edges": [{"source": "src", "target": "dst"}]}
JSON
  "$logidata" run -q "$work/extract.json" --connections "$work/connections.json"
}
parquet_rows() {  # counts the rows of a Parquet file through a pipeline of ours
  cat >"$work/count.json" <<JSON
{"id": "bench-count", "name": "bench count", "nodes": [
  {"id": "src", "type": "extract", "module": "parquet", "config": {"path": "$1"}},
  {"id": "agg", "type": "transform", "module": "aggregate", "config": {"group_by": [], "aggregates": [{"function": "count", "as": "n"}]}},
  {"id": "dst", "type": "load", "module": "csv", "config": {"path": "$work/count.csv"}}],
 "edges": [{"source": "src", "target": "agg"}, {"source": "agg", "target": "dst"}]}
JSON
  "$logidata" run -q "$work/count.json" && tail -n 1 "$work/count.csv"
}
psql -c "VACUUM ANALYZE orders"
chown postgres "$work"
# Best of two alternating runs each, so a burst of load from other processes hits both sides.
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
base_extract=""; ours_extract=""
for round in 1 2; do
  t0=$(now); psql -c "COPY orders TO '$work/copy_out.csv' CSV"; t1=$(now)
  base_extract=$(best "$base_extract" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  rm -f "$work/copy_out.csv"
  t0=$(now); extract 4 "$work/out.parquet"; t1=$(now)
  ours_extract=$(best "$ours_extract" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  [ "$(parquet_rows "$work/out.parquet")" = "$rows" ] || { echo "parquet row count mismatch" >&2; exit 1; }
  rm -f "$work/out.parquet"
done
t0=$(now); extract 1 "$work/out1.parquet"; t1=$(now)
ours_extract1=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
[ "$(parquet_rows "$work/out1.parquet")" = "$rows" ] || { echo "parquet row count mismatch (1 connection)" >&2; exit 1; }

echo "rows: $rows   cores: $(nproc)   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load    logidata csv->postgres:   $(rate "$rows" "$ours_load")"
echo "load    COPY FROM csv (server):   $(rate "$rows" "$base_load")"
awk -v a="$base_load" -v b="$ours_load" 'BEGIN { printf "load    ratio: %.2fx server-side COPY FROM\n", a / b }'
echo "extract logidata postgres->parquet (4 connections): $(rate "$rows" "$ours_extract")"
echo "extract logidata postgres->parquet (1 connection):  $(rate "$rows" "$ours_extract1")"
echo "extract COPY TO csv (server):                       $(rate "$rows" "$base_extract")"
awk -v a="$base_extract" -v b="$ours_extract" -v c="$ours_extract1" \
  'BEGIN { printf "extract ratio: %.2fx server-side COPY TO (1 connection: %.2fx)\n", a / b, a / c }'
