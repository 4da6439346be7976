#!/usr/bin/env bash
# Starts a Varnish registry edge on a loopback port in front of an origin.
#   STATE_DIR=/tmp/edge ORIGIN=127.0.0.1:7480 [PORT=6081] [TIMESTAMP_MAX_AGE=60] infra/varnish/start.sh
# TIMESTAMP_MAX_AGE: the registry's --timestamp-max-age; the root probe's miss is cached that long.
# stdout: the port it listens on. Stop with infra/varnish/stop.sh (same STATE_DIR).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
: "${ORIGIN:?set ORIGIN=host:port of the origin}"
STATE_DIR=${STATE_DIR:-$(mktemp -d /tmp/varnish.XXXXXX)}
PORT=${PORT:-$(free_port)}
ADMIN_PORT=${ADMIN_PORT:-$(free_port)}
mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)
# varnishd drops privileges to its own user, which must be able to read the VCL.
chmod a+rx "$STATE_DIR" "$(dirname "$STATE_DIR")" 2>/dev/null || true
TIMESTAMP_MAX_AGE=${TIMESTAMP_MAX_AGE:-60}
[[ "$TIMESTAMP_MAX_AGE" =~ ^[0-9]+$ ]] || { echo "varnish/start: TIMESTAMP_MAX_AGE=$TIMESTAMP_MAX_AGE is not a number of seconds" >&2; exit 2; }
sed -e "s/@ORIGIN_HOST@/${ORIGIN%:*}/" -e "s/@ORIGIN_PORT@/${ORIGIN##*:}/" -e "s/@TIMESTAMP_MAX_AGE@/$TIMESTAMP_MAX_AGE/" \
  -e "/# @NUGET_SEARCH_VCL@/r $here/nuget-search.vcl" -e "/# @NUGET_SEARCH_VCL@/d" \
  "$here/registry.vcl.template" > "$STATE_DIR/registry.vcl"
varnishd -a "127.0.0.1:$PORT" -T "127.0.0.1:$ADMIN_PORT" -n "$STATE_DIR/work" -f "$STATE_DIR/registry.vcl" \
  -s malloc,128m -P "$STATE_DIR/varnishd.pid" -p default_grace=0 >"$STATE_DIR/varnishd.log" 2>&1
for _ in $(seq 100); do
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "$PORT"
    exit 0
  fi
  sleep 0.1
done
echo "varnish/start: varnishd did not answer on port $PORT; see $STATE_DIR/varnishd.log" >&2
exit 1
