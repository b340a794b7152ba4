#!/usr/bin/env bash
# Container test: builds the runtime image (Dockerfile target `prebuilt`) around the binary and web
# UI this checkout has built, then runs a server and a worker from it with podman against a real
# PostgreSQL on 127.0.0.1, checks /health and the image's HEALTHCHECK, creates a user, an
# organization, files and a pipeline through the API, runs the pipeline with `logidata trigger`
# from the image (the command of the Kubernetes CronJob) and checks that the worker executed it.
# Prints the image size and fails above LOGIDATA_IMAGE_MAX_MB (150).
#
# Skipped, with a loud SKIPPED line, only when podman cannot run containers on this machine.
# Env: LOGIDATA_BUILD_DIR (build): base image cache in it/container; LOGIDATA_BIN (its logidata);
#      LOGIDATA_WEB_DIST (web/dist); LOGIDATA_IMAGE_MAX_MB (150).
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$(pwd)
build_dir=${LOGIDATA_BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir=$root/$build_dir ;; esac
binary=${LOGIDATA_BIN:-$build_dir/logidata}
web_dist=${LOGIDATA_WEB_DIST:-web/dist}
max_mb=${LOGIDATA_IMAGE_MAX_MB:-150}
t_start=$(date +%s)

skip() {
  echo "################################################################################"
  echo "### SKIPPED: container test — $*"
  echo "################################################################################"
  exit 0
}
fail() { echo "container test FAILED: $*" >&2; exit 1; }

# runc and cgroupfs: crun fails on hybrid cgroup hosts (like this CI), runc works on both.
# A missing package is a set-up failure, not a machine that cannot run podman: fail in CI.
missing() { if [ -n "${CI:-}" ]; then fail "$*"; else skip "$*"; fi; }
command -v podman >/dev/null || missing "podman is not installed (scripts/setup installs it)"
[ -x /usr/sbin/runc ] || missing "runc is not installed (scripts/setup installs it)"
podman=(podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs)
run_flags=(--network=host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
"${podman[@]}" info >/dev/null 2>&1 || skip "'podman info' fails here: $("${podman[@]}" info 2>&1 | tail -1)"
[ -x "$binary" ] || fail "$binary missing: run scripts/setup first"
[ -f "$web_dist/index.html" ] || fail "$web_dist/index.html missing: run scripts/setup first"

# 1. Base image: debian:bookworm-slim's equivalent, made locally (no registry is reachable in CI).
base=localhost/debian-base:bookworm-slim
mkdir -p "$build_dir/container"
PODMAN="${podman[*]}" test/integration/deploy/make_base_image.sh "$build_dir/container" "$base"
# A container that cannot start here means podman cannot run on this machine (e.g. no user
# namespaces or cgroups in a nested sandbox): the only reason to skip.
if ! out=$("${podman[@]}" run --rm "${run_flags[@]}" "$base" true 2>&1); then
  skip "podman cannot run a container on this machine: $(echo "$out" | tail -1)"
fi

# 2. The runtime image around build/logidata and web/dist.
image=localhost/logidata:test-$$
t0=$(date +%s)
CONTAINER_ENGINE=podman LOGIDATA_BASE_IMAGE=$base \
  scripts/build-image --prebuilt "$binary" "$web_dist" --tag "$image" >"$build_dir/container/build-image.log" 2>&1 ||
  { tail -30 "$build_dir/container/build-image.log"; fail "image build"; }
echo "image built in $(( $(date +%s) - t0 )) s"

work=$(mktemp -d /tmp/logidata-container.XXXXXX)
chmod 755 "$work"  # PostgreSQL (user postgres) keeps its cluster below it
server=ld-server-$$; worker=ld-worker-$$
cleanup() {
  "${podman[@]}" rm -f -t 5 "$server" "$worker" >/dev/null 2>&1 || true
  "${podman[@]}" rmi "$image" >/dev/null 2>&1 || true
  scripts/servers/postgres.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
on_error() {
  echo "container test FAILED at line $1" >&2
  for c in "$server" "$worker"; do
    echo "--- $c log" >&2; "${podman[@]}" logs "$c" 2>&1 | tail -30 >&2 || true
  done
}
trap 'on_error $LINENO' ERR

# Every shared library the binary needs is in the image (Debian packages or the copied libthrift).
missing=$("${podman[@]}" run --rm "${run_flags[@]}" --entrypoint /bin/sh "$image" -c 'ldd /usr/local/bin/logidata' |
  grep "not found" || true)
[ -z "$missing" ] || fail "libraries missing from the image: $missing"
[ "$("${podman[@]}" image inspect --format '{{.Config.User}}' "$image")" = "10001:10001" ] || fail "image does not run as 10001"

bytes=$("${podman[@]}" image inspect --format '{{.Size}}' "$image")
size_mb=$((bytes / 1000000))

# 3. PostgreSQL on 127.0.0.1, free ports, a data folder and a master key file owned by the image's user.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
db_url=$(scripts/servers/postgres.sh start "$work/pg" "$pg_port")
port=$(free_port); metrics_port=$(free_port)
mkdir -p "$work/data"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/master.key"
chown -R 10001:10001 "$work/data" "$work/master.key"
chmod 0400 "$work/master.key"
# As locked down as the Kubernetes manifests: read-only root (tmpfs /tmp), no capabilities.
common=("${run_flags[@]}" --read-only --cap-drop=ALL --security-opt=no-new-privileges
        -v "$work/data:/var/lib/logidata" -v "$work/master.key:/run/secrets/logidata_master_key:ro"
        -e LOGIDATA_MASTER_KEY_FILE=/run/secrets/logidata_master_key -e "LOGIDATA_DATABASE_URL=$db_url")

# 4. Server (API + UI, no runs of its own) and a worker (executes every run), as in deploy/compose.yaml.
# (Without systemd, podman cannot schedule the HEALTHCHECK and says so on stderr; `podman
# healthcheck run` below runs it by hand.)
"${podman[@]}" run -d --name "$server" "${common[@]}" -e LOGIDATA_ALLOW_REGISTRATION=1 \
  -e "LOGIDATA_HEALTH_URL=http://127.0.0.1:$port/health" "$image" \
  server --host 127.0.0.1 --port "$port" --data-dir /var/lib/logidata --web-root /usr/share/logidata/web \
  --run-slots 0 >/dev/null 2>"$work/podman-run.log" || { cat "$work/podman-run.log"; fail "podman run (server)"; }
"${podman[@]}" run -d --name "$worker" "${common[@]}" \
  -e "LOGIDATA_HEALTH_URL=http://127.0.0.1:$metrics_port/health" "$image" \
  worker --data-dir /var/lib/logidata --slots 2 --metrics-listen "127.0.0.1:$metrics_port" >/dev/null \
  2>"$work/podman-run.log" || { cat "$work/podman-run.log"; fail "podman run (worker)"; }

wait_http() {  # wait_http URL NAME CONTAINER
  for _ in $(seq 1 150); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    [ "$("${podman[@]}" inspect --format '{{.State.Running}}' "$3" 2>/dev/null)" = true ] ||
      { "${podman[@]}" logs "$3" 2>&1 | tail -20; fail "$2 container exited"; }
    sleep 0.2
  done
  "${podman[@]}" logs "$3" 2>&1 | tail -20; fail "$2 did not answer $1"
}
wait_http "http://127.0.0.1:$port/health/ready" server "$server"
wait_http "http://127.0.0.1:$metrics_port/health" worker "$worker"
health=$(curl -fsS "http://127.0.0.1:$port/health")
echo "server /health: $health"
echo "$health" | grep -q '"database":"ok"' || fail "/health does not report the database ok"
echo "worker /health: $(curl -fsS "http://127.0.0.1:$metrics_port/health")"
curl -fsS "http://127.0.0.1:$port/" | grep -qi "<div id=\"root\"" || fail "the web UI is not served from the image"
# The image's own HEALTHCHECK instruction, run by podman inside each container.
"${podman[@]}" healthcheck run "$server" || fail "HEALTHCHECK of the server container"
"${podman[@]}" healthcheck run "$worker" || fail "HEALTHCHECK of the worker container"

# 5. A user and their organization, the input file and a pipeline, through the API.
api=http://127.0.0.1:$port/api/v1
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
token=$(curl -fsS -H 'Content-Type: application/json' \
  -d '{"email":"ops@example.com","password":"Container-test-pw-1","name":"Ops"}' "$api/auth/register" |
  json 'd["access_token"]')
auth=(-H "Authorization: Bearer $token")
org=$(curl -fsS "${auth[@]}" "$api/me" | json 'd["organizations"][0]["id"]')
curl -fsS -o /dev/null "${auth[@]}" -X PUT --data-binary @examples/data/orders.csv \
  "$api/files/content?path=data/orders.csv"
pipeline=$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' --data-binary @examples/orders_by_country.json \
  "$api/pipelines/import" | json 'd["id"]')
api_key=$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' -d '{"name":"cron","role":"developer"}' \
  "$api/api-keys" | json 'd["key"]')
echo "organization $org, pipeline $pipeline"

# 6. The run, started as the CronJob does, by name; the server has no run slots, so a worker runs it.
out=$("${podman[@]}" run --rm "${run_flags[@]}" --read-only --cap-drop=ALL -e "LOGIDATA_SERVER=http://127.0.0.1:$port" \
  -e "LOGIDATA_API_KEY=$api_key" "$image" trigger "Shipped revenue by country" --wait --timeout 120) ||
  fail "logidata trigger exited $?: $out"
echo "trigger: $out"
run_id=$(echo "$out" | awk '/^run / {print $2; exit}')
[ -n "$run_id" ] || fail "no run id in: $out"
run=$(curl -fsS "${auth[@]}" "$api/runs/$run_id")
status=$(echo "$run" | json 'd["status"]'); by=$(echo "$run" | json 'd.get("worker") or ""')
echo "run $run_id: $status, executed by $by"
[ "$status" = succeeded ] || fail "run $run_id is $status"
# In a container the worker is pid 1, so it names itself after its host name (the container's).
worker_host=$("${podman[@]}" exec "$worker" cat /proc/sys/kernel/hostname)
[ "$by" = "worker-$worker_host" ] || fail "run $run_id was executed by '$by', not by the worker (worker-$worker_host)"
report=$work/data/files/$org/out/orders_by_country.csv
[ -f "$report" ] || fail "the worker did not write $report into the shared volume"
rows=$(($(wc -l <"$report") - 1))
[ "$rows" -gt 0 ] || fail "$report is empty"
head -1 "$report" | grep -q "country" || fail "unexpected header in $report: $(head -1 "$report")"
echo "report written by the worker: $rows rows"

echo "image size: $size_mb MB (limit $max_mb MB)"
[ "$size_mb" -le "$max_mb" ] || fail "image is $size_mb MB, over $max_mb MB"
echo "container test passed in $(( $(date +%s) - t_start )) s"
