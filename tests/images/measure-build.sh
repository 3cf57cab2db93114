#!/usr/bin/env bash
# Measures one build of the six images with build-and-import.sh --no-import: wall time, the peak
# memory of the build steps, the bytes of NuGet packages in the shared cache, and the image sizes.
# The figures in docs/deploying.md ("What a build costs") come from it.
#
#   measure-build.sh --cold   empties docker's build cache (the NuGet cache too) and removes the six
#                             images first; the base images (or their stand-ins) stay
#   measure-build.sh          builds with whatever the cache holds (a warm build when nothing changed)
#
# Peak memory is read from the memory cgroup docker 20.10's BuildKit runs its steps in
# (cgroup v1: memory/docker/buildkit); where that cgroup does not exist it is reported as unknown.
# Needs root and a running docker engine with BuildKit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly root
readonly BUILDKIT_CGROUP=/sys/fs/cgroup/memory/docker/buildkit
mapfile -t images < <("$root/services/day-4/broken-production/build-and-import.sh" --list-images)

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

nuget_bytes() {
    local total=0 dir size
    while IFS= read -r dir; do
        size=$(find "${dir%/*}" -name '*.nupkg' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
        total=$((total + size))
    # The cache mount's own directory is the packages folder.
    done < <(find /var/lib/docker/overlay2 -mindepth 3 -maxdepth 3 -type d -name 'microsoft.dotnet.ilcompiler' -path '*/diff/*' 2>/dev/null || true)
    echo "$total"
}

if [[ ${1:-} == --cold ]]; then
    docker image rm --force "${images[@]}" >/dev/null 2>&1 || true
    docker builder prune --all --force >/dev/null
    echo "cold: build cache emptied, ${images[*]} removed"
fi

peak=0
sample_peak() {
    while sleep 1; do
        [[ -r $BUILDKIT_CGROUP/memory.max_usage_in_bytes ]] && cat "$BUILDKIT_CGROUP/memory.max_usage_in_bytes"
    done
}
[[ -w $BUILDKIT_CGROUP/memory.max_usage_in_bytes ]] && echo 0 >"$BUILDKIT_CGROUP/memory.max_usage_in_bytes"
samples=$(mktemp)
sample_peak >"$samples" &
sampler=$!
started=$SECONDS
"$root/services/day-4/broken-production/build-and-import.sh" --no-import
elapsed=$((SECONDS - started))
kill "$sampler"
wait "$sampler" 2>/dev/null || true
peak=$(sort -n "$samples" | tail -n 1)
rm -f "$samples"

printf '\nbuild time: %d s\n' "$elapsed"
printf 'peak memory of the build steps: %s\n' "$([[ -n $peak ]] && mib "$peak" || echo unknown)"
printf 'NuGet packages in the shared cache: %s\n' "$(mib "$(nuget_bytes)")"
for image in "${images[@]}"; do
    printf '%-28s %s\n' "$image" "$(mib "$(docker image inspect --format '{{.Size}}' "$image")")"
done
