#!/usr/bin/env bash
# ClickHouse connector benchmark beside the server's own bulk path, on one throw-away server
# (scripts/servers/clickhouse.sh, clickhouse-server 18.16, HTTP interface):
#   load:    CSV -> ClickHouse through `logidata run` (extract.csv -> load.clickhouse, RowBinary
#            INSERTs into a staging table, then ATTACH PARTITION)
#            vs `curl --data-binary @orders.csv '…INSERT INTO orders_baseline FORMAT CSVWithNames'`
#            into a table of the same shape (the server parses the CSV itself; no clickhouse-client
#            in Debian 12's clickhouse-server package, and curl speaks the same HTTP interface)
#   extract: ClickHouse -> batches through `logidata run` (extract.clickhouse -> aggregate count
#            -> load.csv of one row), with its peak RSS, vs `curl '…SELECT * FROM orders FORMAT TSV'
#            > /dev/null` (the same bytes, not parsed)
# Every measurement comes from the same run; the load average is printed with them because the
# machine may be shared.
# Usage: bench/connectors_clickhouse.sh [CSV] [BUILD_DIR] [ROWS]
#   (default: /work/bench-data/orders.csv, build, all rows; ROWS takes the first ROWS rows)
set -euo pipefail
csv=${1:-/work/bench-data/orders.csv}
build=${2:-$(dirname "$0")/../build}
limit=${3:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
logidata=$(cd "$build" && pwd)/logidata
work=$(mktemp -d /tmp/ld-bench-ch-XXXXXX)
port=$((57000 + RANDOM % 1000))
cleanup() { "$root/scripts/servers/clickhouse.sh" stop "$work/ch" || true; rm -rf "$work"; }
trap cleanup EXIT
url=$("$root/scripts/servers/clickhouse.sh" start "$work/ch" "$port")
if [ "$limit" != 0 ]; then
  head -n $((limit + 1)) "$csv" >"$work/orders.csv"
  csv=$work/orders.csv
fi
rows=$(($(wc -l <"$csv") - 1))
ch() { curl -sSf -u logidata:logidata-test "$url/?database=logidata" --data-binary "$1"; }
cat >"$work/connections.json" <<JSON
{"connections": {"bench": {"type": "clickhouse", "host": "$url", "database": "logidata", "user": "logidata", "secret_env": "CH_BENCH_PASSWORD"}}}
JSON
export CH_BENCH_PASSWORD=logidata-test
now() { date +%s.%N; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f rows/s (%.2f s)", r / s, s }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }

# 1. Our load: the pipeline creates the table from the CSV's inferred schema.
cat >"$work/load.json" <<JSON
{"id": "bench-load", "name": "bench load", "nodes": [
  {"id": "src", "type": "extract", "module": "csv", "config": {"path": "$csv"}},
  {"id": "dst", "type": "load", "module": "clickhouse", "config": {"connection": "bench", "table": "orders", "mode": "replace"}}],
 "edges": [{"source": "src", "target": "dst"}]}
JSON
t0=$(now); "$logidata" run -q "$work/load.json" --connections "$work/connections.json"; t1=$(now)
ours_load=$(secs "$t0" "$t1")
[ "$(ch 'SELECT count() FROM orders')" = "$rows" ] || { echo "row count mismatch" >&2; exit 1; }

# 2. Baseline: the server parses the same file into a table of the same shape.
ch "CREATE TABLE orders_baseline AS orders"
t0=$(now)
curl -sSf -u logidata:logidata-test "$url/?database=logidata&query=INSERT%20INTO%20orders_baseline%20FORMAT%20CSVWithNames" \
  --data-binary @"$csv" -H 'Content-Type: text/csv' >/dev/null || echo "baseline CSV insert failed (see above)" >&2
t1=$(now)
base_load=$(secs "$t0" "$t1")
base_rows=$(ch 'SELECT count() FROM orders_baseline')

# 3. Extract: our pipeline to a CSV file vs the server's TSV over curl.
cat >"$work/extract.json" <<JSON
{"id": "bench-extract", "name": "bench extract", "nodes": [
  {"id": "src", "type": "extract", "module": "clickhouse", "config": {"connection": "bench", "table": "orders"}},
  {"id": "agg", "type": "transform", "module": "aggregate", "config": {"group_by": [], "aggregates": [{"function": "count", "as": "n"}]}},
  {"id": "dst", "type": "load", "module": "csv", "config": {"path": "$work/out.csv"}}],
 "edges": [{"source": "src", "target": "agg"}, {"source": "agg", "target": "dst"}]}
JSON
t0=$(now); curl -sSf -u logidata:logidata-test "$url/?database=logidata" --data-binary 'SELECT * FROM orders FORMAT TSV' >/dev/null; t1=$(now)
base_extract=$(secs "$t0" "$t1")
t0=$(now); /usr/bin/time -f '%M' -o "$work/rss" "$logidata" run -q "$work/extract.json" --connections "$work/connections.json"; t1=$(now)
ours_extract=$(secs "$t0" "$t1")
out_rows=$(tail -n 1 "$work/out.csv")
rm -f "$work/out.csv"

echo "rows: $rows (baseline table: $base_rows, extracted: $out_rows)   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load    logidata (RowBinary): $(rate "$rows" "$ours_load")"
echo "load    curl CSV INSERT:      $(rate "$rows" "$base_load")"
echo "extract logidata (parsed into batches, counted): $(rate "$rows" "$ours_extract"), peak RSS $(( $(cat "$work/rss") / 1024 )) MiB"
echo "extract curl TSV > /dev/null: $(rate "$rows" "$base_extract")"
