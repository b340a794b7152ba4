#!/usr/bin/env bash
# Is `--memory` a bound? Runs J3 (join + aggregate), J4 (dedupe -> Parquet) and J7 (sort ->
# Parquet) on the standard 10M-row set at several budgets and prints, per run, the wall time, the
# process's peak RSS (/usr/bin/time: everything, including code, allocator slack and buffers the
# engine does not count), the engine's own peak (what it accounted for) and RSS against the target
# "1.25 x budget + 50 MB" stated in docs/benchmarks.md. A run that fails is reported with its
# message (a budget too small for a node's minimum working set must fail naming the node).
#
# Usage: bench/bounded_memory.sh [--jobs J3,J4,J7] [--budgets 64M,256M,1G] [--data DIR] [--threads N]
# Env:   LOGIDATA_BIN (default build/logidata)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs="J3,J4,J7"; budgets="64M,256M,1G"; data="$root/bench/data"; threads=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs=$2; shift 2 ;;
    --budgets) budgets=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --threads) threads="--threads $2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin=${LOGIDATA_BIN:-$root/build/logidata}
[ -x "$bin" ] || { echo "build first (or set LOGIDATA_BIN)" >&2; exit 2; }
[ -f "$data/orders.csv" ] || { echo "no $data/orders.csv: run ../shared/peers/gen.sh $data" >&2; exit 2; }
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
cat "$data"/*.csv > /dev/null  # page cache warm: the runs measure the engine, not the disk

mb() {  # 64M / 1G / 512K -> MiB
  local v=${1%[KMGkmg]} u=${1: -1}
  case $u in K|k) echo $((v / 1024)) ;; M|m) echo "$v" ;; G|g) echo $((v * 1024)) ;; *) echo $((v / 1048576)) ;; esac
}

echo "| job | --memory | time | peak RSS | engine peak | RSS / budget | within 1.25x + 50 MB |"
echo "|---|---|---|---|---|---|---|"
for job in ${jobs//,/ }; do
  for budget in ${budgets//,/ }; do
    log="$out/$job-$budget.log"
    if /usr/bin/time -f "%e %M" -o "$out/time.txt" "$bin" run "$root/bench/pipelines/$job.json" --json \
         --memory "$budget" $threads -p data_dir="$data" -p out_dir="$out" > "$log" 2> "$out/err.txt"; then
      read -r secs kb < "$out/time.txt"
      rss=$((kb / 1024)); limit=$(mb "$budget")
      engine=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["peak_memory_bytes"] // 1048576)' "$log" 2>/dev/null || echo "?")
      ok=$(awk -v r="$rss" -v b="$limit" 'BEGIN { print (r <= 1.25 * b + 50 ? "yes" : "NO") }')
      ratio=$(awk -v r="$rss" -v b="$limit" 'BEGIN { printf "%.2fx", r / b }')
      echo "| $job | $budget | ${secs} s | ${rss} MB | ${engine} MB | $ratio | $ok |"
    else
      echo "| $job | $budget | failed: $(tr '\n' ' ' < "$out/err.txt" | cut -c1-160) | | | | |"
    fi
    rm -f "$out"/*.parquet "$out"/*.csv
  done
done
