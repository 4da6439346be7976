#!/usr/bin/env bash
# The main job, end to end on the embedded default (a folder): create a registry, publish
# a few packages into it, serve it over HTTP, and install a small project from it through
# the client, verifying every byte against the signed metadata. Needs only the .NET SDK
# (and bash, tar, gzip, as every Debian has).
#
#   infra/demo.sh [WORKDIR]       # default: a new temporary folder, kept for inspection
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d /tmp/registry-demo.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)

echo "demo: building the registry CLI" >&2
dotnet build src/Registry.Cli -nologo -v quiet -clp:ErrorsOnly -o "$work/bin"
registry() { dotnet "$work/bin/registry.dll" "$@"; }

export REGISTRY_STORE="$work/site" REGISTRY_KEYS="$work/keys" REGISTRY_HOME="$work/home"

pack() { # name version dependencies-json
  local dir="$work/src/$1-$2"
  mkdir -p "$dir/lib"
  printf '{"name":"%s","version":"%s","description":"demo package %s","license":"MIT","dependencies":%s}\n' "$1" "$2" "$1" "$3" > "$dir/registry.json"
  printf 'hello from %s %s\n' "$1" "$2" > "$dir/lib/$1.txt"
  tar -C "$dir" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -czf "$work/$1-$2.tgz" registry.json lib
}

echo "demo: init + publish into $REGISTRY_STORE" >&2
registry init --bins 16
pack alpha 1.0.0 '{}'
pack alpha 1.1.0 '{}'
pack beta 2.0.0 '{"alpha":"[1.0.0, 2.0.0)"}'
pack gamma 0.3.0 '{"beta":"2.0.0","alpha":"1.1.0"}'
registry publish "$work"/alpha-1.0.0.tgz "$work"/alpha-1.1.0.tgz
registry publish "$work"/beta-2.0.0.tgz "$work"/gamma-0.3.0.tgz
registry verify

# Port 0: the server takes a free port and prints "serving FOLDER at URL" once it listens;
# waiting for that line needs nothing but bash (no python3 for a port, no curl to poll).
dotnet "$work/bin/registry.dll" serve "$REGISTRY_STORE" --port 0 > "$work/serve.out" 2> "$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
url=""
for _ in $(seq 300); do
  while IFS= read -r line; do
    [[ $line =~ (http://[^[:space:]]+) ]] && url=${BASH_REMATCH[1]} && break
  done < "$work/serve.out"
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; echo "demo: registry serve stopped" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$work/serve.log" >&2; echo "demo: registry serve did not start within 30 s" >&2; exit 1; }

echo "demo: installing a project from $url through the client" >&2
registry source add main "$url" --root "$REGISTRY_STORE/metadata/1.root.json"
mkdir -p "$work/project"
printf '{"dependencies":{"gamma":"[0.3.0, 1.0.0)"}}\n' > "$work/project/registry.json"
registry install --project "$work/project"
cat "$work/project/packages/alpha/lib/alpha.txt" "$work/project/packages/beta/lib/beta.txt" "$work/project/packages/gamma/lib/gamma.txt"
echo "demo: done; everything is in $work" >&2
