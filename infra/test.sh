#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (apt packages,
# tuf-js), starts a throwaway Ceph radosgw (real S3) and a Varnish edge on loopback ports,
# runs every test project, and stops the servers again, whatever happens.
#
#   infra/test.sh                 # everything
#   infra/test.sh --filter NAME   # extra arguments go to 'dotnet test'
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
state=$(mktemp -d /tmp/registry-test.XXXXXX)

cleanup() {
  [ -x infra/varnish/stop.sh ] && STATE_DIR="$state/varnish" infra/varnish/stop.sh >/dev/null 2>&1 || true
  [ -x infra/radosgw/stop.sh ] && STATE_DIR="$state/radosgw" infra/radosgw/stop.sh >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT

echo "test: installing test dependencies" >&2
infra/install-test-deps.sh

echo "test: building" >&2
dotnet build Registry.sln -nologo -v quiet -clp:ErrorsOnly

if [ -x infra/radosgw/start.sh ]; then
  echo "test: starting radosgw" >&2
  eval "$(STATE_DIR="$state/radosgw" PORT="${REGISTRY_TEST_S3_PORT:-17480}" infra/radosgw/start.sh)"
  export REGISTRY_TEST_S3_ENDPOINT="${AWS_ENDPOINT_URL}"
fi

if [ -x infra/varnish/start.sh ] && [ -n "${REGISTRY_TEST_S3_ENDPOINT:-}" ]; then
  echo "test: starting varnish in front of radosgw" >&2
  origin=${REGISTRY_TEST_S3_ENDPOINT#http://}
  edge_port=$(STATE_DIR="$state/varnish" ORIGIN="$origin" PORT="${REGISTRY_TEST_EDGE_PORT:-17481}" infra/varnish/start.sh)
  export REGISTRY_TEST_EDGE_URL="http://127.0.0.1:${edge_port}"
fi

export REGISTRY_TUFJS_DIR="$repo/tests/tuf-js"
echo "test: running the tests" >&2
dotnet test Registry.sln --no-build -nologo "$@"
