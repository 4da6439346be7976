#!/usr/bin/env bash
# Starts an nginx registry edge on a loopback port in front of an origin.
#   STATE_DIR=/tmp/edge ORIGIN=127.0.0.1:7480 [PORT=8081] infra/nginx/start.sh
# stdout: the port it listens on. Stop with infra/nginx/stop.sh (same STATE_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
: "${ORIGIN:?set ORIGIN=host:port of the origin}"
STATE_DIR=${STATE_DIR:-$(mktemp -d /tmp/nginx.XXXXXX)}
PORT=${PORT:-$(free_port)}
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)
sed -e "s#@STATE_DIR@#$STATE_DIR#g" -e "s#@PORT@#$PORT#g" -e "s#@ORIGIN@#$ORIGIN#g" "$here/registry.conf.template" > "$STATE_DIR/nginx.conf"
nginx -p "$STATE_DIR" -c "$STATE_DIR/nginx.conf" -e "$STATE_DIR/error.log" >"$STATE_DIR/nginx.out" 2>&1 &
for _ in $(seq 100); do
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "$PORT"
    exit 0
  fi
  sleep 0.1
done
echo "nginx/start: nginx did not answer on port $PORT; see $STATE_DIR/error.log" >&2
exit 1
