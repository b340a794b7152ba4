#!/usr/bin/env bash
# Runs the standard benchmark jobs with Logidata and, in the same run, with DuckDB, Polars and
# pandas (../shared/peers), and prints wall time (min of N runs, process start included) and peak
# memory (max RSS) per tool, plus our ratios to the faster peer.
#
# Usage: bench/run_jobs.sh [--runs N] [--jobs J1z,J1s,J2,J3,J4,J5,J6,J7,J8] [--data DIR] [--tools logidata,duckdb,polars,pandas]
#                          [--json FILE]
# Data: the standard set (10M orders, 1M customers) from ../shared/peers/gen.sh, generated into
# --data when missing. Our jobs are the pipeline files in bench/pipelines/ run by `logidata run`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
peers=$(cd "$root/../shared/peers" && pwd)
runs=3; jobs="J1z,J1s,J2,J3,J4,J5,J6,J7,J8"; data="$root/bench/data"; tools="logidata,duckdb,polars,pandas"; json_out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --tools) tools=$2; shift 2 ;;
    --json) json_out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$data/orders.csv" ] || { echo "generating the standard data set into $data"; "$peers/gen.sh" "$data"; }
out="$root/bench/out"; mkdir -p "$out"/{logidata,duckdb,polars,pandas}
bin=${LOGIDATA_BIN:-$root/build/logidata}  # LOGIDATA_BIN: measure another build
[ -x "$bin" ] || { echo "build first: ./scripts/setup" >&2; exit 2; }

# Our own peer scripts (bench/peer_jobs) run beside the shared ones, where the peers' packages are.
peers_home=${PEERS_HOME:-$HOME/.cache/logidata-peers}
"$peers/peer" jobs/common.mjs >/dev/null  # installs the peers on first use and mirrors their jobs
mkdir -p "$peers_home/bench_jobs" && cp -r "$root/bench/peer_jobs/." "$peers_home/bench_jobs/"
if [[ ",$jobs," == *",J6,"* ]] && [ ! -f "$data/orders.ndjson" ]; then
  echo "making $data/orders.ndjson for J6"
  "$bin" run "$root/bench/pipelines/orders_to_ndjson.json" -q -p data_dir="$data"
fi

# Warm the page cache so every tool reads from memory.
cat "$data"/*.csv > /dev/null
[[ ",$jobs," == *",J6,"* ]] && cat "$data/orders.ndjson" > /dev/null

command_for() {  # tool job -> command line (empty when the tool has no such job)
  local tool=$1 job=$2 arg=""
  case "$job" in J1z) job=J1; arg=zstd ;; J1s) job=J1; arg=snappy ;; J5) arg="$out/duckdb/J1_orders_zstd.parquet" ;; esac
  case "$tool" in
    logidata)
      local p="$root/bench/pipelines/$2.json"
      local extra=""
      [ "$2" = J5 ] && extra="-p parquet=$out/duckdb/J1_orders_zstd.parquet"  # the same input the peers read
      [ -f "$p" ] && echo "$bin run $p -q -p data_dir=$data -p out_dir=$out/logidata $extra" ;;
    duckdb|polars)
      if [ -f "$peers/jobs/$tool/$job.mjs" ]; then
        echo "env DATA_DIR=$data OUT_DIR=$out $peers/peer jobs/$tool/$job.mjs $arg"
      elif [ -f "$root/bench/peer_jobs/$tool/$job.mjs" ]; then  # our own jobs for the peers (J6)
        echo "env DATA_DIR=$data OUT_DIR=$out node $peers_home/bench_jobs/$tool/$job.mjs"
      fi ;;
    pandas)
      [ -f "$peers/jobs/pandas/$job.py" ] && echo "env DATA_DIR=$data OUT_DIR=$out $peers/peer jobs/pandas/$job.py $arg" ;;
  esac
  return 0
}

results="[]"
for job in ${jobs//,/ }; do
  for tool in ${tools//,/ }; do
    cmd=$(command_for "$tool" "$job")
    [ -n "$cmd" ] || continue
    best=""; peak=0; ok=1
    for ((i = 0; i < runs; i++)); do
      if ! /usr/bin/time -f "%e %M" -o "$out/time.txt" bash -c "$cmd" > "$out/$tool-$job.log" 2>&1; then
        ok=0; echo "$tool $job failed:"; tail -5 "$out/$tool-$job.log"; break
      fi
      read -r secs kb < "$out/time.txt"
      best=$(awk -v a="${best:-1e9}" -v b="$secs" 'BEGIN { print (b < a ? b : a) }')
      [ "$kb" -gt "$peak" ] && peak=$kb
    done
    [ "$ok" = 1 ] || continue
    printf '%-4s %-9s %8.2f s %8.0f MB\n' "$job" "$tool" "$best" "$((peak / 1024))"
    results=$(echo "$results" | python3 -c "import json,sys; r=json.load(sys.stdin); r.append({'job':'$job','tool':'$tool','seconds':$best,'peak_mb':$((peak / 1024))}); print(json.dumps(r))")
  done
done
[ -n "$json_out" ] && echo "$results" > "$json_out"
# Ratios: ours / the faster of DuckDB and Polars (time), ours / DuckDB (memory).
echo "$results" | python3 -c '
import json, sys
r = json.load(sys.stdin)
by = {(x["job"], x["tool"]): x for x in r}
print()
print("| job | Logidata | DuckDB | Polars | pandas | time vs faster peer | memory vs DuckDB |")
print("|---|---|---|---|---|---|---|")
for job in sorted({x["job"] for x in r}):
    cell = lambda t: ("%.2f s / %d MB" % (by[(job, t)]["seconds"], by[(job, t)]["peak_mb"])) if (job, t) in by else "–"
    ours = by.get((job, "logidata"))
    peers = [by[(job, t)] for t in ("duckdb", "polars") if (job, t) in by]
    ratio = "%.2f×" % (ours["seconds"] / min(p["seconds"] for p in peers)) if ours and peers else "–"
    mem = "%.2f×" % (ours["peak_mb"] / by[(job, "duckdb")]["peak_mb"]) if ours and (job, "duckdb") in by else "–"
    print("| %s | %s | %s | %s | %s | %s | %s |" % (job, cell("logidata"), cell("duckdb"), cell("polars"), cell("pandas"), ratio, mem))
'
