#!/usr/bin/env bash
# The Hex-scale benchmark in one line (see docs/performance.md): builds the benchmark in
# Release, runs it with the reprepro peer, keeps the generated registry for the next run, and
# writes NAME.md (the table), NAME.json (every figure) and NAME.log (progress) next to it.
#
#   infra/bench/hex.sh /work/bench-after [--packages 10000 --versions 60000 --samples 5 ...]
#
# The registry is kept in NAME/ and reused by the next run with the same NAME and parameters;
# the benchmark refuses to reuse it once src/Registry.Core has changed (the protocol may
# differ), so measure a protocol change with a new NAME.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=${1:?usage: infra/bench/hex.sh OUTPUT-PREFIX [benchmark options]}
shift
mkdir -p "$(dirname "$name")"
dotnet build tests/Registry.Benchmarks -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet run --project tests/Registry.Benchmarks -c Release --no-build -- hex \
  --keep "$name" --peer reprepro --json "$name.json" "$@" > "$name.md" 2> >(tee "$name.log" >&2)
cat "$name.md"
