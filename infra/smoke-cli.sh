#!/usr/bin/env bash
# Runs every command of a built `registry` executable once, end to end, and checks exit
# codes and output: init, publish, yank (and --undo), refresh, verify (folder and HTTP, --json),
# gc, serve (ETag, 304, range, HEAD, hidden files, SIGTERM), mirror, source add/list/remove,
# info, fetch, install (and --locked, --offline), and the S3 store. Made for the Native AOT
# binary, whose trimmed code paths the test suite (which runs the JIT build) does not exercise.
#
#   infra/smoke-cli.sh PATH/TO/registry
#   REGISTRY_SMOKE_S3_ENDPOINT=http://127.0.0.1:PORT infra/smoke-cli.sh ...   # also a real S3
#     (radosgw: eval "$(infra/radosgw/start.sh)" sets AWS_* and AWS_ENDPOINT_URL; the bucket
#      named by REGISTRY_SMOKE_S3_BUCKET, default registry-smoke, is created with curl if absent)
#
# Without a real S3 server, the S3 code path is still run against a closed port and must end
# with one clean line and exit 2. Exit status: 0 when every check passed.
set -uo pipefail

bin="${1:?usage: infra/smoke-cli.sh PATH/TO/registry}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
work="$(mktemp -d /tmp/registry-smoke.XXXXXX)"
serve_pid=""
cleanup() {
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work" || exit 2

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# run EXPECTED_EXIT NAME ARGS...: runs the CLI, keeps stdout in $work/out, stderr in $work/err.
run() {
  local expected=$1 name=$2
  shift 2
  "$bin" "$@" >"$work/out" 2>"$work/err"
  local code=$?
  if [[ $code == "$expected" ]]; then ok "$name (exit $code)"; else bad "$name: exit $code, expected $expected"; sed 's/^/     | /' "$work/err" | head -20; fi
}
# expect NAME PATTERN FILE: the file matches the extended regex.
expect() {
  if grep -Eq -- "$2" "$3"; then ok "$1"; else bad "$1: no match for /$2/ in $(basename "$3")"; sed 's/^/     | /' "$3" | head -10; fi
}

package() { # package NAME VERSION DEPENDENCIES_JSON
  local dir="$work/src/$1-$2"
  mkdir -p "$dir/lib"
  printf '{"name":"%s","version":"%s","description":"smoke","dependencies":%s}' "$1" "$2" "$3" >"$dir/registry.json"
  echo "$1 $2" >"$dir/lib/$1.txt"
  tar czf "$work/$1-$2.tgz" -C "$dir" registry.json lib/$1.txt
  echo "$work/$1-$2.tgz"
}

store="$work/site"
keys="$work/keys"
export REGISTRY_HOME="$work/home"
export NO_COLOR=1

echo "== maintainer commands (folder store)"
run 0 "--help" --help
expect "help lists the commands" "install" "$work/out"
run 0 "--version" --version
run 2 "unknown option is a usage error" publish --no-such-option
run 0 "init" init --store "$store" --keys "$keys" --bins 16
expect "init prints the root hash" "[0-9a-f]{64}" "$work/out"
run 0 "publish two packages" publish --store "$store" --keys "$keys" "$(package alpha 1.0.0 '{}')" "$(package beta 1.0.0 '{"alpha":"1.0.0"}')"
expect "publish output" "^published beta 1.0.0 sha256:" "$work/out"
run 0 "publish the same bytes again" publish --store "$store" --keys "$keys" "$work/alpha-1.0.0.tgz"
expect "republish is unchanged" "^unchanged alpha 1.0.0" "$work/out"
run 1 "publish a refused package" publish --store "$store" --keys "$keys" "$(package gamma 1.0.0 '{"nothere":"1.0.0"}')"
expect "refusal names its rule" "rule: dependency-unknown" "$work/err"
run 0 "publish alpha 1.1.0" publish --store "$store" --keys "$keys" "$(package alpha 1.1.0 '{}')"
run 0 "yank" yank --store "$store" --keys "$keys" alpha 1.1.0 --reason "smoke test"
expect "yank output" "^yanked alpha 1.1.0" "$work/out"
run 0 "yank --undo" yank --store "$store" --keys "$keys" alpha 1.1.0 --undo
run 0 "yank again" yank --store "$store" --keys "$keys" alpha 1.1.0
run 0 "refresh" refresh --store "$store" --keys "$keys"
run 0 "verify (folder)" verify --store "$store"
run 0 "verify --json" verify --store "$store" --json
expect "verify --json is a report" '^\{' "$work/out"
run 0 "gc --dry-run" gc --store "$store" --dry-run
run 0 "gc --grace-days 0" gc --store "$store" --grace-days 0
run 0 "verify after gc" verify --store "$store"
run 2 "missing store is an environment error" verify --store "$work/nothing-here"

echo "== serve"
"$bin" serve "$store" --port 0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 1 200); do grep -q '^serving' "$work/serve.out" && break; sleep 0.05; done
url="$(sed -n 's/^serving .* at //p' "$work/serve.out")"
if [[ -n "$url" ]]; then ok "serve started at $url"; else bad "serve did not start"; cat "$work/serve.err"; fi
curl -sS -D "$work/h1" -o /dev/null "${url}metadata/timestamp.json"
expect "serve: 200 with a strong ETag" '^[Ee][Tt]ag: "[0-9a-f]{64}"' "$work/h1"
expect "serve: timestamp max-age" "^[Cc]ache-[Cc]ontrol: public, max-age=60" "$work/h1"
etag="$(sed -n 's/^[Ee][Tt]ag: //p' "$work/h1" | tr -d '\r')"
code="$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "${url}metadata/timestamp.json")"
[[ $code == 304 ]] && ok "serve: 304 on If-None-Match" || bad "serve: If-None-Match gave $code"
code="$(curl -s -o "$work/part" -w '%{http_code}' -H 'Range: bytes=0-9' "${url}metadata/1.root.json")"
[[ $code == 206 && $(stat -c %s "$work/part") == 10 ]] && ok "serve: 206 range" || bad "serve: range gave $code"
curl -sS -I -o "$work/h2" "${url}metadata/1.root.json"
expect "serve: HEAD, immutable" "^[Cc]ache-[Cc]ontrol: public, max-age=31536000, immutable" "$work/h2"
code="$(curl -s -o /dev/null -w '%{http_code}' "${url}registry-config.json")"
[[ $code == 404 ]] && ok "serve: settings hidden" || bad "serve: registry-config.json gave $code"

echo "== verify over HTTP, mirror"
run 0 "verify (http)" verify --store "$url"
run 0 "mirror" mirror "$url" --to "$work/mirror" --root "$store/metadata/1.root.json"
expect "mirror output" "^mirrored timestamp" "$work/out"
run 0 "mirror again" mirror "$url" --to "$work/mirror" --root "$store/metadata/1.root.json"
expect "mirror unchanged" "^up to date" "$work/out"
run 0 "verify the mirror" verify --store "$work/mirror"

echo "== client commands"
run 0 "source add --root" source add main "$url" --root "$store/metadata/1.root.json"
run 0 "source list" source list
expect "source list names it" "main" "$work/out"
run 0 "info" info alpha --source main
expect "info shows versions" "1\.0\.0" "$work/out"
run 0 "info --json" info alpha --json --source main
run 0 "fetch" fetch "beta@1.0.0" -o "$work/fetched" --source main
[[ -f "$work/fetched/beta-1.0.0.tgz" ]] && ok "fetch wrote the package" || bad "fetch wrote nothing"
mkdir -p "$work/project"
echo '{"dependencies":{"beta":"1.0.0"}}' >"$work/project/registry.json"
run 0 "install" install --project "$work/project"
[[ -f "$work/project/packages/alpha/lib/alpha.txt" && -f "$work/project/registry.lock" ]] && ok "install extracted and locked" || bad "install: files missing"
run 0 "install --locked" install --project "$work/project" --locked
run 1 "fetch an unknown package" fetch nothere
run 0 "source add --root-sha256" source add second "$url" --root-sha256 "$(sha256sum "$store/metadata/1.root.json" | cut -d' ' -f1)"
run 0 "source remove" source remove second

kill -TERM "$serve_pid"
wait "$serve_pid"
code=$?
serve_pid=""
[[ $code == 0 ]] && ok "serve stops on SIGTERM (exit 0)" || bad "serve exit $code after SIGTERM"
run 0 "install --offline (server gone)" install --project "$work/project" --offline

echo "== web site and search (Markdig and the views under Native AOT)"
vstore="$work/views"
run 0 "init a registry for the views" init --store "$vstore" --keys "$work/vkeys" --bins 16
run 0 "settings --site on --search on" settings --store "$vstore" --site on --search on
vdir="$work/src/docs-1.0.0"
mkdir -p "$vdir"
printf '{"name":"docs","version":"1.0.0","description":"Привет documentation tool","dependencies":{}}' >"$vdir/registry.json"
printf '# Docs\n\nUse **docs** <script>alert(1)</script> [site](https://example.org/).\n' >"$vdir/README.md"
tar czf "$work/docs-1.0.0.tgz" -C "$vdir" registry.json README.md
run 0 "publish with the site and search on" publish --store "$vstore" --keys "$work/vkeys" "$work/docs-1.0.0.tgz"
expect "the README is rendered by Markdig" "<strong>docs</strong>" "$vstore/packages/docs/index.html"
expect "the README's raw HTML is text" "&lt;script&gt;alert\(1\)&lt;/script&gt;" "$vstore/packages/docs/index.html"
if grep -q "<script>alert" "$vstore/packages/docs/index.html"; then bad "the README's script reached the page"; else ok "no README script on the page"; fi
expect "the home page lists the publish" "packages/docs/" "$vstore/index.html"
run 0 "search by a non-ASCII description word" search привет --store "$vstore"
expect "search finds it" "^docs 1.0.0" "$work/out"
run 0 "verify audits the views" verify --store "$vstore"

echo "== S3 store"
closed_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y run 2 "s3 store, closed port: clean error" verify --store s3://bucket/prefix --s3-endpoint "http://127.0.0.1:$closed_port"
[[ $(wc -l <"$work/err") == 1 ]] && ok "s3 error is one line" || bad "s3 error is $(wc -l <"$work/err") lines"
sed 's/^/     | /' "$work/err"
mkdir -p "$work/awshome/.aws"
printf '[default]\naws_access_key_id = x\naws_secret_access_key = y\n' >"$work/awshome/.aws/credentials"
HOME="$work/awshome" AWS_EC2_METADATA_DISABLED=true run 2 "s3 store, credentials from ~/.aws, closed port" verify --store s3://bucket/prefix --s3-endpoint "http://127.0.0.1:$closed_port"
expect "s3 profile credentials were read (the error is the connection)" "Connection refused" "$work/err"
AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y run 2 "s3 init, closed port" init --store s3://bucket/prefix --keys "$work/s3keys" --s3-endpoint "http://127.0.0.1:$closed_port"

if [[ -n "${REGISTRY_SMOKE_S3_ENDPOINT:-}" ]]; then
  bucket="${REGISTRY_SMOKE_S3_BUCKET:-registry-smoke}"
  s3="s3://$bucket/smoke-$$-$RANDOM"
  # The CLI never creates buckets: create it with a signed request (curl's SigV4).
  curl -s -o /dev/null --aws-sigv4 "aws:amz:${AWS_REGION:-us-east-1}:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: $(printf "" | sha256sum | cut -d" " -f1)" -X PUT "$REGISTRY_SMOKE_S3_ENDPOINT/$bucket"
  e=(--s3-endpoint "$REGISTRY_SMOKE_S3_ENDPOINT")
  run 0 "s3 init" init --store "$s3" --keys "$work/s3keys" --bins 16 "${e[@]}"
  run 0 "s3 publish" publish --store "$s3" --keys "$work/s3keys" "${e[@]}" "$work/alpha-1.0.0.tgz" "$work/beta-1.0.0.tgz"
  run 0 "s3 yank" yank --store "$s3" --keys "$work/s3keys" "${e[@]}" alpha 1.0.0
  run 0 "s3 refresh" refresh --store "$s3" --keys "$work/s3keys" "${e[@]}"
  run 0 "s3 verify" verify --store "$s3" "${e[@]}"
  run 0 "s3 gc" gc --store "$s3" --grace-days 0 "${e[@]}"
  "$bin" serve "$store" --port 0 >"$work/serve.out" 2>&1 &
  serve_pid=$!
  for _ in $(seq 1 200); do grep -q '^serving' "$work/serve.out" && break; sleep 0.05; done
  url="$(sed -n 's/^serving .* at //p' "$work/serve.out")"
  run 0 "s3 mirror" mirror "$url" --to "$s3-mirror" --root "$store/metadata/1.root.json" "${e[@]}"
  run 0 "s3 verify the mirror" verify --store "$s3-mirror" "${e[@]}"
  kill -TERM "$serve_pid"; wait "$serve_pid"; serve_pid=""
fi

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
