#!/usr/bin/env bash
# Installs what the test suite needs, idempotently, and starts nothing:
#   Debian packages: Ceph radosgw (a real S3 server), Varnish and nginx (real edge caches);
#   npm: tuf-js (a real TUF client) in tests/tuf-js.
# Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(radosgw ceph-mon ceph-osd varnish nginx-light)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d tests/tuf-js/node_modules/tuf-js ]; then
  echo "install-test-deps: installing tuf-js (npm ci)" >&2
  (cd tests/tuf-js && npm ci --no-audit --no-fund --silent)
fi
