#!/usr/bin/env bash
# The main job, end to end on the embedded default (a folder): create a registry, publish
# a few packages into it, serve it over HTTP, and install a small project from it through
# the client, verifying every byte against the signed metadata.
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

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dotnet "$work/bin/registry.dll" serve "$REGISTRY_STORE" --port "$port" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$port/metadata/timestamp.json" >/dev/null 2>&1 && break; sleep 0.2; done

echo "demo: installing a project from http://127.0.0.1:$port through the client" >&2
registry source add main "http://127.0.0.1:$port/" --root "$REGISTRY_STORE/metadata/1.root.json"
mkdir -p "$work/project"
printf '{"dependencies":{"gamma":"[0.3.0, 1.0.0)"}}\n' > "$work/project/registry.json"
registry install --project "$work/project"
cat "$work/project/packages/alpha/lib/alpha.txt" "$work/project/packages/beta/lib/beta.txt" "$work/project/packages/gamma/lib/gamma.txt"
echo "demo: done; everything is in $work" >&2
