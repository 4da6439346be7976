#!/bin/sh
# Checks the shipped schedules without running them:
#   - systemd units with `systemd-analyze verify` (when present), the registry binary path
#     replaced by one that exists here, the alert template instantiated;
#   - the crontab: every job line has 5 time fields, a user, and refers to an existing kind of job;
#   - the GitHub workflow: parsed by PyYAML when available, and a structural check either way
#     (schedule cron with 5 fields, the secrets it needs, status failing the job), and what it
#     runs with the key is pinned: actions by commit SHA, the CLI by one exact version from the
#     one source of github/nuget.config (<clear/>, package source mapping for Registry.Cli*);
#   - registry-alert.sh with `sh -n`.
# Usage: infra/schedules/check.sh   (exit 0 when everything passes)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fail=0
say() { printf 'check: %s\n' "$*"; }
bad() { printf 'check: FAIL %s\n' "$*" >&2; fail=1; }

if command -v systemd-analyze >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for unit in "$here"/systemd/*; do
        name=$(basename "$unit")
        [ "$name" = "registry-alert@.service" ] && name="registry-alert@registry-status.service.service"
        sed -e "s|/usr/local/bin/registry|/bin/true|g" -e "s|/usr/local/lib/registry/registry-alert.sh|/bin/true|g" \
            -e "s|^EnvironmentFile=.*|EnvironmentFile=-/etc/registry/registry.env|" "$unit" > "$tmp/$name"
    done
    # User=registry need not exist here; everything else must be clean.
    if out=$(cd "$tmp" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no ./*.service ./*.timer 2>&1); then :; fi
    filtered=$(printf '%s\n' "$out" | grep -v -e '^$' -e 'Failed to resolve user' -e 'Failed to look up' -e "User.*registry" || true)
    if [ -n "$filtered" ]; then bad "systemd-analyze verify:"; printf '%s\n' "$filtered" >&2; else say "systemd units verify"; fi
else
    say "systemd-analyze not installed: units not verified"
fi

set -f
if grep -v -e '^#' -e '^$' -e '^[A-Z_]*=' "$here/crontab" | while IFS= read -r line; do
    set -- $line
    if [ $# -lt 7 ]; then bad "crontab: too few fields: $line"; exit 1; fi
    for field in "$1" "$2" "$3" "$4" "$5"; do
        printf '%s' "$field" | grep -Eq '^[0-9*,/-]+$' || { bad "crontab: bad time field '$field' in: $line"; exit 1; }
    done
    [ "$6" = registry ] || { bad "crontab: jobs run as user registry: $line"; exit 1; }
done; then say "crontab lines are well-formed"; else fail=1; fi
set +f

sh -n "$here/registry-alert.sh" && say "registry-alert.sh parses" || bad "registry-alert.sh does not parse"

workflow="$here/github/registry-refresh.yml"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$workflow" <<'PY' || fail=1
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
problems = []
if "\t" in text:
    problems.append("tabs in YAML")
try:
    import yaml  # optional
    doc = yaml.safe_load(text)
    on = doc.get("on", doc.get(True))  # PyYAML reads a bare `on` key as True
    crons = [s["cron"] for s in on["schedule"]]
    steps = doc["jobs"]["refresh"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
except ImportError:
    crons = re.findall(r'^\s*-\s*cron:\s*"([^"]+)"', text, re.M)
    runs = text
    if not re.search(r"^on:\s*$", text, re.M) or not re.search(r"^jobs:\s*$", text, re.M):
        problems.append("no top-level on:/jobs:")
if not crons:
    problems.append("no schedule cron")
for cron in crons:
    if len(cron.split()) != 5:
        problems.append(f"cron '{cron}' does not have 5 fields")
for needle in ("registry refresh --keys", "registry status", 'exit "$code"', "secrets.REGISTRY_TIMESTAMP_KEY"):
    if needle not in (runs if needle.startswith("registry") or needle.startswith("exit") else text):
        problems.append(f"missing: {needle}")
# Everything that runs in the job holding the timestamp key is pinned.
for action in re.findall(r"^\s*-?\s*uses:\s*(\S+)", text, re.M):
    if not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action):
        problems.append(f"action '{action}' is not pinned to a commit SHA")
installs = re.findall(r"dotnet tool install(?:[^\n]*\\\n)*[^\n]*", text)
if len(installs) != 1:
    problems.append("expected one 'dotnet tool install'")
for line in installs:
    if '--version "$REGISTRY_CLI_VERSION"' not in line or "--configfile .github/registry-refresh/nuget.config" not in line:
        problems.append("the CLI install must take --version \"$REGISTRY_CLI_VERSION\" and --configfile .github/registry-refresh/nuget.config")
    if "--add-source" in line or "--source" in line:
        problems.append("the CLI install must not add sources beside nuget.config")
version = re.search(r'^\s*REGISTRY_CLI_VERSION:\s*"([^"]*)"', text, re.M)
if not version or not re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", version.group(1)):
    problems.append("REGISTRY_CLI_VERSION must be one exact version")
import os
import xml.etree.ElementTree as ET
config_path = os.path.join(os.path.dirname(path), "nuget.config")
try:
    config = ET.parse(config_path).getroot()
    sources = config.find("packageSources")
    children = list(sources) if sources is not None else []
    if not children or children[0].tag != "clear":
        problems.append("nuget.config: packageSources must start with <clear />")
    keys = [c.get("key") for c in children if c.tag == "add"]
    if len(keys) != 1:
        problems.append("nuget.config: exactly one package source")
    mapped = {(s.get("key"), p.get("pattern")) for s in config.iterfind("packageSourceMapping/packageSource") for p in s.iterfind("package")}
    if keys and mapped != {(keys[0], "Registry.Cli"), (keys[0], "Registry.Cli.*")}:
        problems.append("nuget.config: map exactly Registry.Cli and Registry.Cli.* to the one source")
    if keys and f"NuGetPackageSourceCredentials_{keys[0]}" not in text:
        problems.append(f"the install step's credentials must name the source key '{keys[0]}'")
except (OSError, ET.ParseError) as e:
    problems.append(f"nuget.config: {e}")
for p in problems:
    print(f"check: FAIL {path}: {p}", file=sys.stderr)
if not problems:
    print("check: GitHub workflow is well-formed; actions, CLI version and its source are pinned")
sys.exit(1 if problems else 0)
PY
else
    grep -q 'cron: "' "$workflow" && grep -q 'registry status' "$workflow" && say "GitHub workflow has a schedule and a status step" || bad "GitHub workflow"
fi

exit $fail
