#!/usr/bin/env bash
# Stops the nginx edge started by start.sh with the same STATE_DIR.
set -euo pipefail
: "${STATE_DIR:?set STATE_DIR to the folder given to start.sh}"
pidfile="$STATE_DIR/nginx.pid"
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile")
kill "$pid" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.1; done
kill -9 "$pid" 2>/dev/null || true
