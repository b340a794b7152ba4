#!/usr/bin/env bash
# Starts or stops a throw-away nginx on 127.0.0.1 running deploy/nginx/logidata.conf as shipped,
# with a fresh self-signed certificate, in front of a `logidata server` on UPSTREAM_PORT.
# Usage: scripts/servers/nginx.sh start DIR HTTPS_PORT HTTP_PORT UPSTREAM_PORT -> prints the https URL
#        scripts/servers/nginx.sh stop DIR
# Only the listen addresses, the certificate paths, the redirect's port and the upstream address
# are substituted; each substitution must match exactly once, so a change to the shipped file
# that the test would no longer cover fails here.
set -euo pipefail
cmd=${1:?usage: nginx.sh start|stop DIR [HTTPS_PORT HTTP_PORT UPSTREAM_PORT]}
dir=${2:?DIR required}
root=$(cd "$(dirname "$0")/../.." && pwd)
nginx=${NGINX:-/usr/sbin/nginx}
case "$cmd" in
  start)
    https_port=${3:?HTTPS_PORT required}; http_port=${4:?HTTP_PORT required}; upstream=${5:?UPSTREAM_PORT required}
    mkdir -p "$dir/tmp" "$dir/tls"
    [ -x "$nginx" ] || { echo "nginx.sh: $nginx is not installed (apt-get install nginx-light)" >&2; exit 3; }
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$dir/tls/logidata.key" -out "$dir/tls/logidata.crt" >/dev/null 2>&1
    python3 - "$root/deploy/nginx/logidata.conf" "$dir/logidata.conf" "$dir" "$https_port" "$http_port" "$upstream" <<'PY'
import sys
src, dst, d, https, http, upstream = sys.argv[1:]
text = open(src).read()
subs = [
    ("server 127.0.0.1:8080;", f"server 127.0.0.1:{upstream};"),
    ("    listen 80;\n", f"    listen 127.0.0.1:{http};\n"),
    ("    listen [::]:80;\n", ""),
    ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https} ssl http2;\n"),
    ("    listen [::]:443 ssl http2;\n", ""),
    ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https}$request_uri;"),
    ("/etc/nginx/tls/logidata.crt", f"{d}/tls/logidata.crt"),
    ("/etc/nginx/tls/logidata.key", f"{d}/tls/logidata.key"),
]
for old, new in subs:
    n = text.count(old)
    if n != 1:
        sys.exit(f"nginx.sh: expected '{old.strip()}' once in {src}, found it {n} times")
    text = text.replace(old, new)
open(dst, "w").write(text)
PY
    user_line=""; [ "$(id -u)" -eq 0 ] && user_line="user root;"
    cat > "$dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $dir/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/logidata.conf;
}
CONF
    "$nginx" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
    "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
    for _ in $(seq 1 100); do
      if curl -sk -o /dev/null "https://127.0.0.1:$https_port/health/live"; then
        echo "https://127.0.0.1:$https_port"; exit 0
      fi
      sleep 0.1
    done
    echo "nginx.sh: nginx did not answer on $https_port; see $dir/error.log" >&2; exit 1
    ;;
  stop)
    if [ -f "$dir/nginx.pid" ]; then
      kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
      for _ in $(seq 1 50); do [ -f "$dir/nginx.pid" ] || break; sleep 0.1; done
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
