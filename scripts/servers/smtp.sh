#!/usr/bin/env bash
# Starts or stops an SMTP sink on 127.0.0.1 for the notification tests: aiosmtpd (Debian's
# python3-aiosmtpd, installed by scripts/setup) delivering every message into the Maildir
# DIR/maildir (one file per message under DIR/maildir/new).
# Usage: scripts/servers/smtp.sh start DIR PORT   -> prints the URL "smtp://127.0.0.1:PORT"
#        scripts/servers/smtp.sh stop DIR
set -euo pipefail
cmd=${1:?usage: smtp.sh start|stop DIR [PORT]}
dir=${2:?DIR required}
case "$cmd" in
  start)
    port=${3:-8025}
    mkdir -p "$dir"
    if ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
      echo "python3-aiosmtpd is missing: run scripts/setup (or apt-get install -y python3-aiosmtpd)" >&2
      exit 1
    fi
    # The Debian interpreter: the python3 first on PATH may not see Debian's packages.
    /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$dir/maildir" \
      >"$dir/smtp.log" 2>&1 &
    echo $! >"$dir/smtp.pid"
    for _ in $(seq 1 200); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
      sleep 0.1
    done
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "SMTP sink did not start" >&2; cat "$dir/smtp.log" >&2; exit 1; }
    echo "smtp://127.0.0.1:$port"
    ;;
  stop)
    [ -f "$dir/smtp.pid" ] && kill "$(cat "$dir/smtp.pid")" 2>/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
