#!/usr/bin/env bash
# Azure Blob connector benchmark beside a plain upload of the same bytes, on one throw-away
# azurite (scripts/servers/azurite.sh; azurite keeps blobs on local disk, so this measures our
# path and the emulator, not Azure's network):
#   load:    CSV -> a CSV blob through `logidata run` (extract.csv -> load.azure_blob: the file is
#            parsed into batches, written back as CSV and staged in 8 MiB Put Blocks, committed by
#            one Put Block List) vs `curl -T orders.csv` as one Put Blob of the unparsed file
#   extract: the blob -> batches through `logidata run` (extract.azure_blob, ranged reads parsed in
#            parallel -> aggregate count -> one-row CSV), with its peak RSS, vs
#            `curl …/orders.csv > /dev/null` (the same bytes, not parsed)
# Every measurement comes from the same run; the load average is printed with them because the
# machine may be shared. Requests use an account SAS made here from azurite's well-known key.
# Usage: bench/connectors_azure_blob.sh [CSV] [BUILD_DIR] [ROWS]
#   (default: /work/bench-data/orders.csv, build, all rows; ROWS takes the first ROWS rows)
set -euo pipefail
csv=${1:-/work/bench-data/orders.csv}
build=${2:-$(dirname "$0")/../build}
limit=${3:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
logidata=$(cd "$build" && pwd)/logidata
work=$(mktemp -d /tmp/ld-bench-az-XXXXXX)
port=$((58000 + RANDOM % 1000))
cleanup() { "$root/scripts/servers/azurite.sh" stop "$work/az" || true; rm -rf "$work"; }
trap cleanup EXIT
endpoint=$("$root/scripts/servers/azurite.sh" start "$work/az" "$port")
if [ "$limit" != 0 ]; then
  head -n $((limit + 1)) "$csv" >"$work/orders.csv"
  csv=$work/orders.csv
fi
rows=$(($(wc -l <"$csv") - 1))
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
sas=$(/usr/bin/python3 - "$key" <<'PY'
import base64, hashlib, hmac, sys, urllib.parse
sv, sp, ss, srt, se = "2021-08-06", "rwdlac", "b", "sco", "2099-01-01T00:00:00Z"
to_sign = "\n".join(["devstoreaccount1", sp, ss, srt, "", se, "", "", sv, ""]) + "\n"
sig = base64.b64encode(hmac.new(base64.b64decode(sys.argv[1]), to_sign.encode(), hashlib.sha256).digest()).decode()
print(urllib.parse.urlencode({"sv": sv, "ss": ss, "srt": srt, "sp": sp, "se": se, "sig": sig}))
PY
)
curl -sSf -X PUT -H 'Content-Length: 0' "$endpoint/bench?restype=container&$sas" >/dev/null
cat >"$work/connections.json" <<JSON
{"connections": {"bench": {"type": "azure_blob", "user": "devstoreaccount1", "secret_env": "AZ_BENCH_KEY",
  "options": {"endpoint": "$endpoint", "container": "bench"}}}}
JSON
export AZ_BENCH_KEY=$key
now() { date +%s.%N; }
rate() { awk -v r="$1" -v s="$2" 'BEGIN { printf "%.0f rows/s (%.2f s)", r / s, s }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }

# 1. Our load.
cat >"$work/load.json" <<JSON
{"id": "bench-load", "name": "bench load", "nodes": [
  {"id": "src", "type": "extract", "module": "csv", "config": {"path": "$csv"}},
  {"id": "dst", "type": "load", "module": "azure_blob", "config": {"connection": "bench", "path": "az://bench/orders.csv"}}],
 "edges": [{"source": "src", "target": "dst"}]}
JSON
t0=$(now); "$logidata" run -q "$work/load.json" --connections "$work/connections.json"; t1=$(now)
ours_load=$(secs "$t0" "$t1")

# 2. Baseline: the same file as one Put Blob.
t0=$(now)
curl -sSf -T "$csv" -H 'x-ms-blob-type: BlockBlob' "$endpoint/bench/baseline.csv?$sas" >/dev/null
t1=$(now)
base_load=$(secs "$t0" "$t1")

# 3. Extract: our pipeline (counted) vs the blob's bytes over curl.
cat >"$work/extract.json" <<JSON
{"id": "bench-extract", "name": "bench extract", "nodes": [
  {"id": "src", "type": "extract", "module": "azure_blob", "config": {"connection": "bench", "path": "az://bench/orders.csv"}},
  {"id": "agg", "type": "transform", "module": "aggregate", "config": {"group_by": [], "aggregates": [{"function": "count", "as": "n"}]}},
  {"id": "dst", "type": "load", "module": "csv", "config": {"path": "$work/out.csv"}}],
 "edges": [{"source": "src", "target": "agg"}, {"source": "agg", "target": "dst"}]}
JSON
t0=$(now); curl -sSf "$endpoint/bench/orders.csv?$sas" >/dev/null; t1=$(now)
base_extract=$(secs "$t0" "$t1")
t0=$(now); /usr/bin/time -f '%M' -o "$work/rss" "$logidata" run -q "$work/extract.json" --connections "$work/connections.json"; t1=$(now)
ours_extract=$(secs "$t0" "$t1")
out_rows=$(tail -n 1 "$work/out.csv")
[ "$out_rows" = "$rows" ] || { echo "row count mismatch: $out_rows extracted of $rows" >&2; exit 1; }

echo "rows: $rows (extracted: $out_rows, file $(($(stat -c %s "$csv") / 1048576)) MiB)   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load    logidata (parse, write CSV, Put Block x N + Put Block List): $(rate "$rows" "$ours_load")"
echo "load    curl one Put Blob of the file:                             $(rate "$rows" "$base_load")"
echo "extract logidata (ranged reads parsed into batches, counted): $(rate "$rows" "$ours_extract"), peak RSS $(( $(cat "$work/rss") / 1024 )) MiB"
echo "extract curl GET > /dev/null: $(rate "$rows" "$base_extract")"
