#!/usr/bin/env bash
# Starts or stops an S3-compatible test server on 127.0.0.1: s3rver (npm, installed on first use
# into ~/.cache/logidata-s3rver) behind scripts/servers/sigv4_verifier.py, which rejects requests
# whose AWS Signature V4 is wrong (s3rver itself does not check). Buckets "test-bucket" and
# "data-lake" (the bucket of the design documents' reference pipeline) exist.
# Usage: scripts/servers/s3.sh start DIR PORT   -> prints the endpoint "http://127.0.0.1:PORT"
#        scripts/servers/s3.sh stop DIR
# Keys: access key S3RVER, secret key S3RVER, region us-east-1, path-style addressing.
set -euo pipefail
cmd=${1:?usage: s3.sh start|stop DIR [PORT]}
dir=${2:?DIR required}
here=$(cd "$(dirname "$0")" && pwd)
cache=${LOGIDATA_S3RVER_CACHE:-$HOME/.cache/logidata-s3rver}
case "$cmd" in
  start)
    port=${3:-4568}
    mkdir -p "$dir/data"
    if [ ! -x "$cache/node_modules/.bin/s3rver" ]; then
      mkdir -p "$cache"
      (cd "$cache" && npm install --no-audit --no-fund s3rver@3.7.1 >"$dir/npm.log" 2>&1)
    fi
    inner=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    # s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) keeps in
    # its legacy provider: without it every truncated listing (max-keys reached) is an HTTP 500.
    NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--openssl-legacy-provider" \
      "$cache/node_modules/.bin/s3rver" -d "$dir/data" -a 127.0.0.1 -p "$inner" --no-vhost-buckets \
      --configure-bucket test-bucket --configure-bucket data-lake >"$dir/s3rver.log" 2>&1 &
    echo $! >"$dir/s3rver.pid"
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$inner") 2>/dev/null && break
      sleep 0.1
    done
    /usr/bin/python3 "$here/sigv4_verifier.py" "$port" "$inner" S3RVER S3RVER >"$dir/verifier.log" 2>&1 &
    echo $! >"$dir/verifier.pid"
    for _ in $(seq 1 100); do
      grep -q ready "$dir/verifier.log" 2>/dev/null && break
      sleep 0.1
    done
    echo "http://127.0.0.1:$port"
    ;;
  stop)
    for f in verifier s3rver; do
      [ -f "$dir/$f.pid" ] && kill "$(cat "$dir/$f.pid")" 2>/dev/null || true
    done
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
