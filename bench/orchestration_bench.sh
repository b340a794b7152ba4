#!/usr/bin/env bash
# Orchestration overhead with real processes: a throw-away PostgreSQL (scripts/servers/postgres.sh),
# one `logidata server` (no run slots) and one `logidata worker` on 127.0.0.1, running a no-op
# pipeline (a one-row CSV extract) so that only the orchestration is measured.
#   1. queued -> running latency (runs.started_at - runs.created_at; the worker is idle and woken
#      by LISTEN/NOTIFY), p50/p99 over N runs queued one at a time. Target p50 < 10 ms.
#   2. the scheduling overhead of a run: end to end (finished_at - created_at) minus the engine's
#      own time (node_metrics.wall_seconds), p50/p99, same runs.
#   3. no-op runs per second per worker: M runs queued while the worker is stopped, then the worker
#      started; first claim to last finish.
# Usage: bench/orchestration_bench.sh [BUILD_DIR] [N_LATENCY_RUNS] [M_THROUGHPUT_RUNS] [SLOTS]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
n=${2:-200}
m=${3:-500}
slots=${4:-2}
bin=$root/$build/logidata
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/ld-orch-bench-XXXXXX)
chmod 755 "$dir"
pgport=$((57000 + RANDOM % 2000))
server_pid=""
worker_pid=""
cleanup() {
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  "$root/scripts/servers/postgres.sh" stop "$dir/pg" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
url=$("$root/scripts/servers/postgres.sh" start "$dir/pg" "$pgport")
psql() { runuser -u postgres -- "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d logidata -tAX "$@"; }

export LOGIDATA_MASTER_KEY=8f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0
export LOGIDATA_PWHASH_FAST=1
"$bin" server --host 127.0.0.1 --port 0 --port-file "$dir/port" --data-dir "$dir/data" --threads 2 \
  --database-url "$url" --run-slots 0 --allow-registration --rate-limit off --access-log off \
  --files-root "bench=$dir:rw" >"$dir/server.out" 2>&1 &
server_pid=$!
for _ in $(seq 1 400); do [ -s "$dir/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$dir/port")
token=$(curl -sf "$base/api/v1/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"Bench-Passw0rd-1!","name":"bench"}' |
  sed -E 's/.*"access_token":"([^"]+)".*/\1/')
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
printf 'id,v\n1,x\n' >"$dir/one.csv"
pipeline=$(curl -sf "$base/api/v1/pipelines" "${auth[@]}" \
  -d "{\"name\":\"noop\",\"concurrency\":{\"limit\":10000},\"nodes\":[{\"id\":\"src\",\"type\":\"extract\",\"module\":\"csv\",\"config\":{\"path\":\"$dir/one.csv\"}}],\"edges\":[]}" |
  grep -oE '"id":"[0-9a-f]{32}","metadata"' | cut -d'"' -f4)
queue() { curl -sf -o /dev/null "$base/api/v1/pipelines/$pipeline/runs" "${auth[@]}" -d '{}'; }
start_worker() {
  "$bin" worker --database-url "$url" --data-dir "$dir/worker" --files-root "bench=$dir:rw" --slots "$slots" \
    --metrics-listen 127.0.0.1:0 --port-file "$dir/worker.port" >>"$dir/worker.out" 2>&1 &
  worker_pid=$!
  rm -f "$dir/worker.port.seen"
  for _ in $(seq 1 400); do [ -s "$dir/worker.port" ] && break; sleep 0.05; done
  sleep 0.5  # its LISTEN connection is up
}
wait_done() {  # all runs final
  for _ in $(seq 1 2400); do
    left=$(psql -c "SELECT count(*) FROM runs WHERE status IN ('queued', 'running', 'retrying')")
    [ "$left" = 0 ] && return 0
    sleep 0.05
  done
  echo "runs did not finish" >&2
  exit 1
}
ms() { echo "extract(epoch FROM ($1)::timestamptz - ($2)::timestamptz) * 1000"; }

start_worker
# 1+2: one run at a time, the worker idle when it is queued.
for _ in $(seq 1 "$n"); do
  queue
  sleep 0.1
done
wait_done
echo "== $n runs queued one at a time (worker idle, woken by LISTEN/NOTIFY; $slots slots)"
psql -c "WITH r AS (SELECT $(ms started_at created_at) AS wait_ms, $(ms finished_at created_at) AS total_ms,
                          (SELECT max(wall_seconds) * 1000 FROM node_metrics n WHERE n.run_id = runs.id) AS engine_ms
                   FROM runs WHERE status = 'succeeded')
         SELECT 'queued->running ms   p50 ' || round(percentile_cont(0.5) WITHIN GROUP (ORDER BY wait_ms)::numeric, 2) ||
                '  p99 ' || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY wait_ms)::numeric, 2) ||
                '  max ' || round(max(wait_ms)::numeric, 2) || E'\n' ||
                'end-to-end ms        p50 ' || round(percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms)::numeric, 2) ||
                '  p99 ' || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY total_ms)::numeric, 2) || E'\n' ||
                'engine ms            p50 ' || round(percentile_cont(0.5) WITHIN GROUP (ORDER BY engine_ms)::numeric, 2) ||
                '  p99 ' || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY engine_ms)::numeric, 2) || E'\n' ||
                'overhead ms (e2e - engine) p50 ' ||
                round(percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms - engine_ms)::numeric, 2) ||
                '  p99 ' || round(percentile_cont(0.99) WITHIN GROUP (ORDER BY total_ms - engine_ms)::numeric, 2) ||
                '  (' || count(*) || ' runs)' FROM r"
before=$(psql -c "SELECT count(*) FROM runs")

# 3: a backlog of m runs, then the worker.
kill "$worker_pid"
wait "$worker_pid" 2>/dev/null || true
worker_pid=""
for _ in $(seq 1 "$m"); do queue; done
start_worker
wait_done
echo "== $m no-op runs queued, then one worker with $slots slots"
psql -c "WITH r AS (SELECT * FROM runs ORDER BY created_at OFFSET $before)
         SELECT count(*) FILTER (WHERE status = 'succeeded') || ' succeeded; ' ||
                round((count(*) / ($(ms 'max(finished_at)' 'min(started_at)') / 1000))::numeric, 1) ||
                ' runs/s per worker (first claim to last finish)' FROM r"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
