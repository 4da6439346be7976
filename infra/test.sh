#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (apt packages,
# tuf-js), starts a throwaway Ceph radosgw (real S3) and a Varnish edge on free loopback
# ports, runs every test project, and stops the servers again, whatever happens.
#
#   infra/test.sh                 # everything
#   infra/test.sh --filter NAME   # extra arguments go to 'dotnet test'
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
state=$(mktemp -d /tmp/registry-test.XXXXXX)
chmod 755 "$state" # daemons that drop privileges (varnishd) read their configuration here

cleanup() {
  STATE_DIR="$state/varnish" infra/varnish/stop.sh >/dev/null 2>&1 || true
  STATE_DIR="$state/radosgw" infra/radosgw/stop.sh --clean >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

echo "test: installing test dependencies" >&2
infra/install-test-deps.sh

echo "test: building" >&2
dotnet build Registry.sln -nologo -v quiet -clp:ErrorsOnly

echo "test: starting radosgw" >&2
eval "$(STATE_DIR="$state/radosgw" infra/radosgw/start.sh)"
export REGISTRY_TEST_S3_ENDPOINT="$AWS_ENDPOINT_URL"

echo "test: starting varnish in front of radosgw" >&2
edge_port=$(STATE_DIR="$state/varnish" ORIGIN="${AWS_ENDPOINT_URL#http://}" infra/varnish/start.sh)
export REGISTRY_TEST_EDGE_URL="http://127.0.0.1:${edge_port}"

echo "test: running the tests" >&2
status=0
dotnet test Registry.sln --no-build -nologo "$@" 2>&1 | tee "$state/test.log" || status=$?
passed=$(grep -oE 'Passed: +[0-9]+' "$state/test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$state/test.log" | awk '{s+=$2} END {print s+0}')
echo "$passed passed, $failed failed"
exit "$status"
