#!/usr/bin/env bash
# Installs what the test suite needs, idempotently, and starts nothing:
#   Debian packages: Ceph radosgw (a real S3 server), Varnish and nginx (real edge caches),
#   curl, python3, faketime (libfaketime: the date-shifted run), chromium and chromium-driver (the web
#   site's browser tests, tests/Registry.Site.Tests), and nodejs/npm when there is no npm yet;
#   npm: tuf-js (a real TUF client) in tests/tuf-js.
# Fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# curl and python3: the radosgw and varnish start scripts (free ports, readiness); npm (with
# nodejs) for tuf-js, unless a node toolchain is already on PATH.
packages=(radosgw ceph-mon ceph-osd varnish nginx-light libnginx-mod-http-js curl python3 ca-certificates faketime)
# The site's and the search page's browser tests run in a real headless Chromium (tests/Registry.Site.Tests, tests/Registry.Search.Tests).
packages+=(chromium chromium-driver)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
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
