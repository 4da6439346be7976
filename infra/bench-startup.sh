#!/usr/bin/env bash
# Start-up cost of `registry` builds, side by side in one run, medians:
#   help      registry --help
#   verify    registry verify --store (a registry of 2 packages)
#   publish   registry publish of one package into a registry of 20 (store copied afresh each run)
#   serve     registry serve: from spawn to the first 200 answer, run from a folder holding
#             FOLDERS subfolders (the content-root file watcher case), then from an empty folder
#
#   infra/bench-startup.sh [--runs N] [--rounds R] [--folders N] [--no-serve] NAME=PATH/TO/registry...
#   e.g. infra/bench-startup.sh jit=src/Registry.Cli/bin/Release/net10.0/registry \
#          r2r=/tmp/r2r/registry aot=artifacts/bin/linux-x64/registry
#
# CLI commands are timed with hyperfine (apt-get install -y hyperfine), serve with a small
# python3 loop. These machines are shared and noisy: each command is measured in R rounds
# (default 5) of N/R runs per build, the builds taking turns, so load drifting during the run
# hits every build alike; the table shows the median wall time over all runs and the mean CPU
# time (user+sys). A variant's environment can be set with NAME=PATH@VAR=VALUE (one variable),
# e.g. r2r-nopgo=/tmp/r2r/registry@DOTNET_TieredPGO=0.
set -euo pipefail

runs=15
rounds=5
folders=50000
serve=1
variants=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --folders) folders=$2; shift 2 ;;
    --no-serve) serve=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *=*) variants+=("$1"); shift ;;
    *) echo "bench-startup: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ ${#variants[@]} -gt 0 ]] || { echo "bench-startup: give at least one NAME=PATH/TO/registry" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "bench-startup: hyperfine not found (apt-get install -y hyperfine)" >&2; exit 2; }
per_round=$(( (runs + rounds - 1) / rounds ))

work="$(mktemp -d /tmp/registry-bench-startup.XXXXXX)"
trap 'rm -rf "$work"' EXIT
log() { echo "bench-startup: $*" >&2; }

names=() bins=() envs=()
for v in "${variants[@]}"; do
  name="${v%%=*}" rest="${v#*=}"
  bin="${rest%%@*}" env=""
  [[ "$rest" == *@* ]] && env="${rest#*@}"
  [[ -x "$bin" ]] || { echo "bench-startup: $bin is not an executable" >&2; exit 2; }
  names+=("$name") bins+=("$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")") envs+=("$env")
done

package() { # package NAME VERSION -> path of a .tgz
  local dir="$work/src/$1-$2"
  mkdir -p "$dir/lib"
  printf '{"name":"%s","version":"%s","description":"bench","dependencies":{}}' "$1" "$2" >"$dir/registry.json"
  echo "$1 $2" >"$dir/lib/$1.txt"
  tar czf "$work/$1-$2.tgz" -C "$dir" registry.json "lib/$1.txt"
  echo "$work/$1-$2.tgz"
}

log "fixtures in $work"
first="${bins[0]}"
"$first" init --store "$work/tiny" --keys "$work/keys" --bins 16 >/dev/null 2>&1
"$first" publish --store "$work/tiny" --keys "$work/keys" "$(package alpha 1.0.0)" "$(package beta 1.0.0)" >/dev/null 2>&1
"$first" init --store "$work/small" --keys "$work/keys" --bins 16 >/dev/null 2>&1
small=()
for i in $(seq 1 20); do small+=("$(package "pkg$i" 1.0.0)"); done
"$first" publish --store "$work/small" --keys "$work/keys" "${small[@]}" >/dev/null 2>&1
new="$(package newcomer 1.0.0)"

# hyperfine_cmd I ARGS: the command line of variant I (with its environment variable, if any).
hyperfine_cmd() {
  local i=$1; shift
  if [[ -n "${envs[$i]}" ]]; then echo "env ${envs[$i]} ${bins[$i]} $*"; else echo "${bins[$i]} $*"; fi
}

bench() { # bench KEY PREPARE ARGS...
  local key=$1 prepare=$2; shift 2
  local round i cmds
  for round in $(seq 1 "$rounds"); do
    for i in "${!names[@]}"; do
      cmds=(--command-name "${names[$i]}" "$(hyperfine_cmd "$i" "$@")")
      if [[ -n "$prepare" ]]; then
        hyperfine -N --style none --warmup 1 --runs "$per_round" --prepare "$prepare" --export-json "$work/$key.$round.$i.json" "${cmds[@]}" >/dev/null 2>&1
      else
        hyperfine -N --style none --warmup 1 --runs "$per_round" --export-json "$work/$key.$round.$i.json" "${cmds[@]}" >/dev/null 2>&1
      fi
    done
  done
}

log "help";    bench help "" --help
log "verify";  bench verify "" verify --store "$work/tiny"
log "publish"; bench publish "sh -c 'rm -rf $work/pub && cp -a $work/small $work/pub'" publish --store "$work/pub" --keys "$work/keys" "$new"

if [[ $serve == 1 ]]; then
  log "serve: creating $folders subfolders"
  python3 - "$work/many" "$folders" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    os.makedirs(os.path.join(root, f"d{i // 250}", f"{i % 250}"), exist_ok=True)
EOF
  mkdir -p "$work/empty"
  log "serve: timing start-up ($runs runs per build and folder)"
  for i in "${!names[@]}"; do echo "${names[$i]}	${bins[$i]}	${envs[$i]}"; done >"$work/variants.tsv"
  python3 - "$work" "$runs" "$work/tiny" <<'EOF'
import json, os, signal, subprocess, sys, time, urllib.request
work, runs, store = sys.argv[1], int(sys.argv[2]), sys.argv[3]
variants = [line.rstrip("\n").split("\t") for line in open(os.path.join(work, "variants.tsv"))]
results = {}
for r in range(runs):
    for cwd in ("many", "empty"):
        for name, binary, env in variants:
            environment = dict(os.environ, NO_COLOR="1")
            if env:
                k, v = env.split("=", 1)
                environment[k] = v
            t0 = time.monotonic()
            p = subprocess.Popen([binary, "serve", store, "--port", "0"], cwd=os.path.join(work, cwd),
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment, text=True)
            line = p.stdout.readline()
            url = line.strip().rsplit(" at ", 1)[1]
            with urllib.request.urlopen(url + "metadata/timestamp.json") as response:
                assert response.status == 200
            ready = time.monotonic() - t0
            t1 = time.monotonic()
            p.send_signal(signal.SIGTERM)
            code = p.wait()
            stop = time.monotonic() - t1
            assert code == 0, f"{name}: exit {code} after SIGTERM"
            results.setdefault(f"{cwd}|{name}", []).append((ready, stop))
json.dump(results, open(os.path.join(work, "serve.json"), "w"))
EOF
fi

python3 - "$work" "$rounds" "$serve" "$folders" "${names[@]}" <<'EOF'
import json, os, statistics, sys
work, rounds, serve, folders, names = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4]), sys.argv[5:]
def ms(s): return f"{s * 1000:.0f} ms"
rows = {}
for key, title in (("help", "`registry --help`"), ("verify", "`registry verify` (2 packages)"), ("publish", "`registry publish` 1 package into 20")):
    row = []
    for i, _ in enumerate(names):
        times, cpu = [], []
        for r in range(1, rounds + 1):
            result = json.load(open(os.path.join(work, f"{key}.{r}.{i}.json")))["results"][0]
            assert all(c == 0 for c in result["exit_codes"]), f"{key}: a run failed"
            times += result["times"]
            cpu.append(result["user"] + result["system"])
        row.append((statistics.median(times), statistics.mean(cpu)))
    rows[title] = row
out = {"cli": {t: {n: {"wall_median_s": w, "cpu_mean_s": c} for n, (w, c) in zip(names, row)} for t, row in rows.items()}}
print("| command | " + " | ".join(names) + " |")
print("| --- |" + " --- |" * len(names))
for title, row in rows.items():
    print(f"| {title} wall (median) | " + " | ".join(ms(w) for w, _ in row) + " |")
    print(f"| {title} CPU user+sys (mean) | " + " | ".join(ms(c) for _, c in row) + " |")
if serve:
    data = json.load(open(os.path.join(work, "serve.json")))
    out["serve"] = {}
    for cwd, label in (("many", f"cwd holds {folders} folders"), ("empty", "cwd empty")):
        ready = [statistics.median(x[0] for x in data[f"{cwd}|{n}"]) for n in names]
        stop = [statistics.median(x[1] for x in data[f"{cwd}|{n}"]) for n in names]
        print(f"| `registry serve` ready, {label} (median) | " + " | ".join(ms(x) for x in ready) + " |")
        print(f"| `registry serve` stop on SIGTERM, {label} (median) | " + " | ".join(ms(x) for x in stop) + " |")
        out["serve"][cwd] = {n: {"ready_median_s": a, "stop_median_s": b} for n, a, b in zip(names, ready, stop)}
print()
print(json.dumps(out))
EOF
