#!/usr/bin/env bash
# Starts an nginx registry edge on a loopback port in front of an origin.
#   STATE_DIR=/tmp/edge ORIGIN=127.0.0.1:7480 [PORT=8081] [TIMESTAMP_MAX_AGE=60] infra/nginx/start.sh
#   TOKEN_CONFIG=/path/edge.json (from 'registry token edge-config'): a private registry edge
#   (private.conf.template: infra/edge/token-verifier.js checks a read token on every request).
# TIMESTAMP_MAX_AGE: the registry's --timestamp-max-age; the root probe's miss is cached that long.
# stdout: the port it listens on. Stop with infra/nginx/stop.sh (same STATE_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
: "${ORIGIN:?set ORIGIN=host:port of the origin}"
STATE_DIR=${STATE_DIR:-$(mktemp -d /tmp/nginx.XXXXXX)}
PORT=${PORT:-$(free_port)}
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)
TIMESTAMP_MAX_AGE=${TIMESTAMP_MAX_AGE:-60}
[[ "$TIMESTAMP_MAX_AGE" =~ ^[0-9]+$ ]] || { echo "nginx/start: TIMESTAMP_MAX_AGE=$TIMESTAMP_MAX_AGE is not a number of seconds" >&2; exit 2; }
template="$here/registry.conf.template"
if [ -n "${TOKEN_CONFIG:-}" ]; then
  template="$here/private.conf.template"
  TOKEN_CONFIG=$(cd "$(dirname "$TOKEN_CONFIG")" && pwd)/$(basename "$TOKEN_CONFIG")
fi
sed -e "s#@STATE_DIR@#$STATE_DIR#g" -e "s#@PORT@#$PORT#g" -e "s#@ORIGIN@#$ORIGIN#g" -e "s#@TIMESTAMP_MAX_AGE@#$TIMESTAMP_MAX_AGE#g" \
    -e "s#@USER@#$(id -un)#g" -e "s#@EDGE_DIR@#$(cd "$here/../edge" && pwd)#g" -e "s#@TOKEN_CONFIG@#${TOKEN_CONFIG:-}#g" "$template" > "$STATE_DIR/nginx.conf"
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
