#!/bin/sh
# registry-alert.sh UNIT: called when a registry job fails (systemd OnFailure=, cron, CI).
# Sends the failed unit's name and `registry status --json` to
#   REGISTRY_ALERT_COMMAND  a command that reads the message on stdin (e.g. "mail -s registry ops@example.org"), or
#   REGISTRY_ALERT_WEBHOOK  a URL that takes a JSON POST (Slack/Teams/Alertmanager-style webhook).
# Without either, it writes to stderr (the journal) and exits 1 so the failure stays visible.
set -u
unit="${1:-registry}"
status_json="$(/usr/local/bin/registry status --json 2>&1)"
status_exit=$?
message="registry alert: ${unit} failed on $(hostname) (registry status exit ${status_exit}: 0 ok, 1 expired or keys to re-sign, 3 expiring soon)"
if [ -n "${REGISTRY_ALERT_COMMAND:-}" ]; then
    printf '%s\n\n%s\n' "$message" "$status_json" | sh -c "$REGISTRY_ALERT_COMMAND"
elif [ -n "${REGISTRY_ALERT_WEBHOOK:-}" ]; then
    escaped=$(printf '%s' "$message" | sed 's/\\/\\\\/g; s/"/\\"/g')
    curl -fsS -m 30 -H 'Content-Type: application/json' \
        -d "{\"text\":\"${escaped}\",\"status\":${status_json:-null}}" "$REGISTRY_ALERT_WEBHOOK"
else
    printf '%s\n%s\n' "$message" "$status_json" >&2
    exit 1
fi
