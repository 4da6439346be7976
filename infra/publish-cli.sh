#!/usr/bin/env bash
# Publishes the `registry` tool as .NET 10 RID-specific tool packages: a Native AOT package
# per runtime (one native executable, no .NET needed to run it) and a framework-dependent
# fallback (`any`, needs the .NET 10 runtime) for every other platform, under the pointer
# package Registry.Cli that `dotnet tool install` resolves.
#
#   infra/publish-cli.sh [--version V] [--output DIR] [--rids "RID;RID"] [--only WHAT] [--framework-dependent] [--smoke]
#
#   --rids   the runtimes with a Native AOT package, named in the pointer package
#            (default: this machine's, e.g. linux-x64). Native AOT compiles on the target OS
#            only (another architecture of the same OS needs its cross toolchain), so a release
#            for several platforms runs this script once per platform, on it, with the same
#            --rids and --version and --only RID, plus once with --only pointer and --only any.
#   --only   pointer | any | RID: make only that package (default: pointer, any, and every
#            --rids runtime this machine can build)
#   --framework-dependent
#            no Native AOT package: the pointer names only `any` (needs the .NET 10 runtime to
#            run, ~0.3 s more per command). Chosen automatically, with a warning, when clang is
#            missing, so a machine without clang still gets a working tool.
#   --smoke  install the tool from DIR into a temporary tool path and run infra/smoke-cli.sh on it
#
# Output (default artifacts/):
#   tool/Registry.Cli.V.nupkg, tool/Registry.Cli.any.V.nupkg, tool/Registry.Cli.RID.V.nupkg
#   bin/RID/registry        the native executable itself (for images and CI without dotnet)
#   symbols/RID/            registry.dbg (native symbols), kept out of the packages
#
# Install:  dotnet tool install --global Registry.Cli --add-source artifacts/tool
# Needs: the .NET 10 SDK; for the Native AOT packages also clang and zlib1g-dev
# (apt-get install -y clang zlib1g-dev).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
project="$repo/src/Registry.Cli/Registry.Cli.csproj"

host_rid="$(dotnet --info | sed -n 's/^ *RID: *//p' | head -1)"
version=""
output="$repo/artifacts"
rids="$host_rid"
only=""
smoke=0
framework_dependent=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --version) version=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --rids) rids=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --framework-dependent) framework_dependent=1; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "publish-cli: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$output"
output="$(cd "$output" && pwd)"
log() { echo "publish-cli: $*" >&2; }

if [[ $framework_dependent == 0 && "$only" != pointer && "$only" != any ]] && ! command -v clang >/dev/null; then
  if [[ -n "$only" ]]; then
    log "error: the Native AOT package $only needs clang and zlib1g-dev (apt-get install -y clang zlib1g-dev)"
    exit 2
  fi
  log "warning: clang not found: making the framework-dependent tool only (needs the .NET 10 runtime;"
  log "warning: for the faster Native AOT tool: apt-get install -y clang zlib1g-dev, then run this again)"
  framework_dependent=1
fi
if [[ $framework_dependent == 1 ]]; then
  [[ -n "$only" && "$only" != pointer && "$only" != any ]] && { log "error: --framework-dependent makes no $only package"; exit 2; }
  rids=""
fi

props=(-c Release -nologo -v quiet -clp:ErrorsOnly)
# Through the environment: a ';' in a -p: value would split the switch, and an escaped one
# (%3B) would make one runtime named "linux-x64;any".
export ToolPackageRuntimeIdentifiers="${rids:+$rids;}any"
[[ -n "$version" ]] && props+=("-p:Version=$version")

wanted() { [[ -z "$only" || "$only" == "$1" ]]; }
same_os() { [[ "${1%-*}" == "${host_rid%-*}" ]]; }


staging="$(mktemp -d /tmp/registry-publish-cli.XXXXXX)"
trap 'rm -rf "$staging"' EXIT

if wanted pointer; then
  log "pointer package Registry.Cli (names: ${ToolPackageRuntimeIdentifiers})"
  dotnet pack "$project" "${props[@]}" -p:PublishDir="$staging/pointer/" -o "$output/tool"
fi

if wanted any; then
  log "framework-dependent fallback package Registry.Cli.any"
  dotnet pack "$project" "${props[@]}" -r any -p:PublishDir="$staging/any/" -o "$output/tool"
fi

rid_list=()
[[ -n "$rids" ]] && IFS=';' read -r -a rid_list <<<"$rids"
for rid in "${rid_list[@]}"; do
  wanted "$rid" || continue
  if ! same_os "$rid"; then
    log "skipped $rid: Native AOT builds on its own OS; there run: infra/publish-cli.sh --rids '$rids'${version:+ --version $version} --only $rid"
    continue
  fi
  log "Native AOT package Registry.Cli.$rid (takes minutes)"
  # Publish once with symbols (for bin/ and symbols/), then pack the same native code without them.
  dotnet publish "$project" "${props[@]}" -r "$rid" -p:CopyOutputSymbolsToPublishDirectory=true -p:PublishDir="$staging/$rid/"
  mkdir -p "$output/bin/$rid" "$output/symbols/$rid"
  cp "$staging/$rid/registry" "$output/bin/$rid/"
  cp "$staging/$rid/"*.dbg "$staging/$rid/"*.pdb "$output/symbols/$rid/" 2>/dev/null || true
  dotnet pack "$project" "${props[@]}" -r "$rid" --no-build -p:PublishDir="$staging/$rid-pack/" -o "$output/tool"
done

log "made:"
ls -l "$output/tool" >&2

if [[ $smoke == 1 ]]; then
  log "installing from $output/tool into a temporary tool path"
  cat >"$staging/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="artifacts" value="$output/tool" />
  </packageSources>
</configuration>
EOF
  # An empty package cache, so that the packages just made are the ones installed.
  NUGET_PACKAGES="$staging/packages" dotnet tool install --tool-path "$staging/tools" --configfile "$staging/nuget.config" \
    ${version:+--version "$version"} Registry.Cli >&2
  installed="$(readlink -f "$staging/tools/registry")"
  log "installed: $installed ($(file -b "$installed" | cut -d, -f1-2))"
  infra/smoke-cli.sh "$staging/tools/registry"
fi
