#!/usr/bin/env bash
# Load test of the platform server: authenticated GET /api/v1/pipelines listing 100 pipelines.
# Starts `logidata server` (SQLite, temp data folder, 2 network threads), creates 100 pipelines,
# then runs wrk with 64 connections. Target: >= 20,000 requests/s with p99 < 10 ms.
# The benchmark is one user, so the server's default rate limit (50/s per principal) is raised
# far above what wrk reaches: the limiter still runs on every request, it just never refuses.
# Usage: bench/http_pipelines.sh [BUILD_DIR] [DURATION_SECONDS] [ACCESS_LOG: file|off]
set -euo pipefail
build=${1:-build}
duration=${2:-15}
access=${3:-file}
bin=$(cd "$(dirname "$0")/.." && pwd)/$build/logidata
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }
dir=$(mktemp -d /tmp/ld-bench-XXXXXX)
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
log=$dir/access.log
[ "$access" = off ] && log=off
LOGIDATA_ADMIN_EMAIL=bench@example.com LOGIDATA_ADMIN_PASSWORD=bench-password-1 \
  "$bin" server --host 127.0.0.1 --port 0 --port-file "$dir/port" --data-dir "$dir/data" --threads 2 \
  --access-log "$log" --web-root "$dir/none" --rate-limit 1000000/s >"$dir/server.out" 2>&1 &
pid=$!
for _ in $(seq 1 200); do [ -s "$dir/port" ] && break; sleep 0.05; done
port=$(cat "$dir/port")
base=http://127.0.0.1:$port
token=$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password-1"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
for i in $(seq 1 100); do
  curl -sf "$base/api/v1/pipelines" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"name\":\"pipeline $i\",\"nodes\":[{\"id\":\"src\",\"type\":\"extract\",\"module\":\"csv\",\"config\":{\"path\":\"/data/in_$i.csv\"}},{\"id\":\"out\",\"type\":\"load\",\"module\":\"csv\",\"config\":{\"path\":\"/data/out_$i.csv\"}}],\"edges\":[{\"source\":\"src\",\"target\":\"out\"}]}" >/dev/null
done
url="$base/api/v1/pipelines?page_size=100"
count=$(curl -sf "$url" -H "Authorization: Bearer $token" | grep -o '"id":"' | wc -l)
bytes=$(curl -sf "$url" -H "Authorization: Bearer $token" | wc -c)
echo "server pid $pid on port $port; listing returns $count pipelines ($bytes bytes); access log: $access"
# Server CPU time (user+system ticks of the server process) shows the cost per request even when
# the machine is shared and wall-clock throughput is noisy.
ticks() { awk '{print $14 + $15}' /proc/$pid/stat; }
before=$(ticks)
wrk -t2 -c64 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$url" | tee "$dir/wrk.txt"
after=$(ticks)
hz=$(getconf CLK_TCK)
total=$(grep -oE '^ +[0-9]+ requests' "$dir/wrk.txt" | grep -oE '[0-9]+')
awk -v t=$((after - before)) -v hz="$hz" -v n="$total" 'BEGIN {
  cpu = t / hz; printf "server CPU: %.2f s for %d requests = %.1f us/request -> %.0f requests/s per fully available core\n",
  cpu, n, cpu * 1e6 / n, n / cpu }'
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
