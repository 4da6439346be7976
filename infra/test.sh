#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (apt packages,
# tuf-js), starts a throwaway Ceph radosgw (real S3) and a Varnish edge on free loopback
# ports, runs every test project, and stops the servers again, whatever happens.
#
#   infra/test.sh                 # everything
#   infra/test.sh --filter NAME   # extra arguments go to each 'dotnet test'
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

# Every test project runs at once (as 'dotnet test Registry.sln' would), each into its own log;
# the logs are printed whole, one project after another in a fixed order, so their lines never
# interleave, and the totals add up every project's summary line. A project that ends without
# a summary (a crashed test host) counts as failed.
echo "test: running the tests" >&2
projects=(tests/*.Tests/*.Tests.csproj)
pids=()
for project in "${projects[@]}"; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" --no-build -nologo "$@" > "$state/$name.log" 2>&1 &
  pids+=($!)
done

count() { [[ $2 =~ $1:\ +([0-9]+) ]] && echo "${BASH_REMATCH[1]}" || echo 0; } # count Passed "Passed! - Failed: 0, Passed: 41, ..."
status=0 passed=0 failed=0 skipped=0 summary=()
for i in "${!projects[@]}"; do
  name=$(basename "${projects[$i]}" .csproj)
  code=0
  wait "${pids[$i]}" || code=$?
  echo "=== $name (exit $code)"
  cat "$state/$name.log"
  line=$(grep -E '^(Passed|Failed)! +- ' "$state/$name.log" | tail -n 1 || true)
  p=$(count Passed "$line") f=$(count Failed "$line") s=$(count Skipped "$line") note=""
  # A project without a summary ran nothing (not built, or its host crashed): a failure, even at exit 0.
  if [ "$code" -ne 0 ] || [ -z "$line" ]; then
    status=1 note="  (exit $code)"
    [ -n "$line" ] || f=$((f + 1)) note="  (exit $code, no test summary: not built, or the test host crashed?)"
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  summary+=("$(printf '%-28s %5d passed %5d failed %5d skipped%s' "$name" "$p" "$f" "$s" "$note")")
done

# The same unit and CLI tests again with the clock 400 days ahead (libfaketime), so that a test
# that mixes a fixed date with the real clock (a date bomb) fails the day it is written, not the
# week its signatures expire. xunit's in-process runner runs them: vstest's and xunit's process
# launchers time out under a shifted clock. File times are left alone (NO_FAKE_STAT): the kernel
# stamps new files with the real time, which no preload can shift, so the tests that compare file
# times with the process clock (gc's grace period, trait Clock=file-times) are left out of this run;
# the fixed-clock gc tests set file times from their own clock and run. The S3 and edge tests stay
# on the real clock: S3 request signing needs it. Tests with the trait Category=slow (a Release
# pack of the tool, SelfHostedToolTests) or Category=browser (Chromium, which does not run under the
# preload) or Category=signals (SIGTERM to a serve under the preload sometimes ends it with 143)
# run once: none of them reads our clock.
shift_days=400
faketime_lib=$(dpkg -L libfaketime 2>/dev/null | grep '/libfaketimeMT.so.1$' | head -n 1)
if [ -z "$faketime_lib" ]; then
  echo "test: libfaketime is missing (Debian package faketime); the date-shifted run cannot start" >&2
  status=1 summary+=("date-shifted run                 not run: libfaketime missing")
else
  echo "test: running the unit and CLI tests with the clock ${shift_days} days ahead" >&2
  shifted=(tests/Registry.Core.Tests tests/Registry.Cli.Tests tests/Registry.Client.Tests tests/Registry.Search.Tests)
  # xunit's filter syntax differs from vstest's: the shifted run ignores test.sh's extra arguments.
  for folder in "${shifted[@]}"; do
    name=$(basename "$folder")
    code=0
    FAKETIME="+${shift_days}d" FAKETIME_DONT_FAKE_MONOTONIC=1 NO_FAKE_STAT=1 LD_PRELOAD="$faketime_lib" \
      dotnet "$folder/bin/Debug/net10.0/$name.dll" -noColor -trait- "Clock=file-times" -trait- "Category=slow" -trait- "Category=browser" -trait- "Category=signals" > "$state/$name.shifted.log" 2>&1 || code=$?
    echo "=== $name, clock +${shift_days} days (exit $code)"
    grep -vE '^(Ok, passed [0-9]+ tests\.)$' "$state/$name.shifted.log"
    line=$(grep -E "^ +$name +Total: " "$state/$name.shifted.log" | tail -n 1 || true)
    xcount() { [[ $2 =~ $1:\ ([0-9]+) ]] && echo "${BASH_REMATCH[1]}" || echo 0; }
    p=$(( $(xcount Total "$line") - $(xcount Failed "$line") - $(xcount Skipped "$line") - $(xcount Errors "$line") - $(xcount 'Not Run' "$line") ))
    f=$(( $(xcount Failed "$line") + $(xcount Errors "$line") )) s=$(xcount Skipped "$line") note=""
    if [ "$code" -ne 0 ] || [ -z "$line" ]; then
      status=1 note="  (exit $code)"
      [ -n "$line" ] || f=$((f + 1)) note="  (exit $code, no test summary: the test host crashed?)"
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    summary+=("$(printf '%-28s %5d passed %5d failed %5d skipped%s' "$name +${shift_days}d" "$p" "$f" "$s" "$note")")
  done
fi

# A read token (docs/protocol.md, "Read tokens": rgt1~...~64 hex digits of HMAC) must never reach
# any output: the whole run's logs, every project's and the date-shifted ones, are searched for one.
token_pattern='rgt1~[0-9a-f]{16}~[0-9a-f]{16}~[0-9]+~[a-z0-9._-]*~[0-9a-f]{8}~[0-9a-f]{64}'
leaks=$(grep -lE "$token_pattern" "$state"/*.log 2>/dev/null || true)
if [ -n "$leaks" ]; then
  status=1 failed=$((failed + 1))
  summary+=("read tokens in the output      FAILED: a token appears in $(echo "$leaks" | xargs -n1 basename | tr '\n' ' ')")
else
  summary+=("read tokens in the output      none (searched every log for $token_pattern)")
fi

echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "total: $passed passed, $failed failed, $skipped skipped"
exit "$status"
