#!/usr/bin/env bash
# Stops the cluster that infra/radosgw/start.sh started in STATE_DIR: kills the daemons
# from their pid files and waits until they have exited (the OSD takes a few seconds).
# Usage: STATE_DIR=/tmp/rgw infra/radosgw/stop.sh [--clean]   (--clean also removes STATE_DIR)
set -uo pipefail

log() { echo "radosgw/stop: $*" >&2; }
STATE_DIR="${STATE_DIR:-${RADOSGW_STATE_DIR:-}}"
[[ -n "$STATE_DIR" && -d "$STATE_DIR/run" ]] || { log "error: set STATE_DIR to the folder start.sh used"; exit 2; }

pids=()
# radosgw first (it talks to the cluster), then the OSD, then the monitor.
for file in "$STATE_DIR"/run/client.*.pid "$STATE_DIR"/run/osd.*.pid "$STATE_DIR"/run/mon.*.pid; do
  [[ -f "$file" ]] || continue
  pid="$(cat "$file")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
  fi
done

for pid in "${pids[@]}"; do
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still running after 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null
  fi
done
log "stopped ${#pids[@]} daemon(s)"

if [[ "${1:-}" == "--clean" ]]; then
  rm -rf "$STATE_DIR"
fi
