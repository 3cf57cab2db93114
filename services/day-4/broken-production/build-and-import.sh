#!/usr/bin/env bash
# Builds the CloudMart images (the gateway, the five services and the lab's customers) as <service>:latest and imports them into a k3d cluster, so the
# manifests in k8s/day-4/ find them without a registry (they use imagePullPolicy: IfNotPresent).
#
#   build-and-import.sh [CLUSTER]     build and import into the k3d cluster CLUSTER (default: day4)
#   build-and-import.sh --no-import   build only (CI, or a class that pushes to a registry); needs no k3d
#   build-and-import.sh --list-images print the images this script produces, one a line, and exit
#
# Every image is built with the repository root as its build context, because the .NET builds
# need global.json, Directory.Build.props, Directory.Packages.props and the shared libraries that
# sit outside each service's folder (a Dockerfile.dockerignore beside each .NET Dockerfile keeps
# its context to those and the service). The Dockerfile of each image is
# services/day-4/broken-production/<service>/Dockerfile. The images are built for the machine's
# own architecture (amd64 or arm64).
#
# The .NET Dockerfiles need BuildKit (a NuGet cache shared by the six .NET builds, per-Dockerfile
# ignore files). Docker Desktop and Docker Engine 23+ with the buildx plugin use it by default; an
# engine older than 23 has it built in, and DOCKER_BUILDKIT=1 below turns it on there.
#
# The script only ever produces the :latest tags. The manifests of the broken lab ask for
# notification-service:v2.0 on purpose; that image must not exist in the cluster.
#
# It calls no program but docker and k3d (the tests run it with stand-ins for both). It checks
# everything it needs before it builds anything, and names each thing that is missing.
# It stops at the first failure: a later image is not built or imported after an earlier one failed.
set -euo pipefail

readonly SERVICES=(gateway api-service auth-service order-service database-service notification-service customers)
readonly DEFAULT_CLUSTER=day4

script_path=${BASH_SOURCE[0]}
[[ $script_path == */* ]] || script_path=./$script_path
script_dir=$(cd "${script_path%/*}" && pwd)
repo_root=$(cd "$script_dir/../../.." && pwd)
readonly script_dir repo_root

usage() {
    local me=${BASH_SOURCE[0]##*/}
    printf '%s\n' \
        "Usage: $me [CLUSTER]" \
        "       $me --no-import" \
        "       $me --list-images" \
        "" \
        "Builds the images ${SERVICES[*]/%/:latest}" \
        "with docker (build context: the repository root) and imports each into the k3d cluster" \
        "CLUSTER (default: $DEFAULT_CLUSTER). With --no-import (or --build-only) it only builds them."
}

fail() {
    printf 'build-and-import: %s\n' "$@" >&2
    exit 1
}

list_images() {
    local service
    for service in "${SERVICES[@]}"; do
        printf '%s:latest\n' "$service"
    done
}

# Programs first (no call to either until both are there), so one run names everything missing.
require_programs() {
    local need_k3d=$1 missing=()
    command -v docker >/dev/null 2>&1 \
        || missing+=("docker is not installed (or not on PATH)." \
                     "  Install Docker Engine or Docker Desktop: https://docs.docker.com/get-docker/")
    if [[ $need_k3d == true ]] && ! command -v k3d >/dev/null 2>&1; then
        missing+=("k3d is not installed (or not on PATH)." \
                  "  Install it from https://k3d.io/ (for example: curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash)" \
                  "  To build the images without importing them, run: ${BASH_SOURCE[0]##*/} --no-import")
    fi
    ((${#missing[@]} == 0)) || fail "${missing[@]}"
}

require_engine() {
    docker info >/dev/null 2>&1 \
        || fail "docker is installed but its engine does not answer (docker info failed)." \
                "Start Docker (Docker Desktop, or: sudo systemctl start docker) and check that your user may use it."
}

# BuildKit comes with the buildx plugin (Docker Desktop, docker-ce's docker-buildx-plugin) or, in
# an engine older than 23, is built in behind DOCKER_BUILDKIT=1. A client of 23 or later without
# buildx falls back to the legacy builder, which cannot build the .NET images.
require_buildkit() {
    docker buildx version >/dev/null 2>&1 && return 0
    local client
    client=$(docker version --format '{{.Client.Version}}' 2>/dev/null) || client=unknown
    [[ $client =~ ^([0-9]+)\. ]] && ((BASH_REMATCH[1] < 23)) && return 0
    fail "docker's BuildKit builder is missing: docker $client has no buildx plugin (docker buildx version failed)." \
         "Install the buildx plugin (Docker Desktop has it; on Linux the package docker-buildx-plugin" \
         "from Docker's repository, or docker-buildx on Debian 13 / Ubuntu 24.04), then run this again."
}

# k3d prints one line per cluster: NAME SERVERS AGENTS LOADBALANCER, SERVERS as running/total.
require_running_cluster() {
    local cluster=$1 listing name servers
    if ! listing=$(k3d cluster list "$cluster" --no-headers 2>/dev/null) || [[ -z $listing ]]; then
        fail "there is no k3d cluster called '$cluster'." \
             "Create it with: k3d cluster create $cluster -p \"8080:80@loadbalancer\"" \
             "(k3d cluster list shows the clusters that exist)."
    fi
    read -r name servers _ <<<"$listing"
    if [[ $name != "$cluster" || ${servers%%/*} == 0 ]]; then
        fail "the k3d cluster '$cluster' exists but is not running (servers running/total: ${servers:-unknown})." \
             "Start it with: k3d cluster start $cluster"
    fi
}

build_image() {
    local service=$1
    local dockerfile="$repo_root/services/day-4/broken-production/$service/Dockerfile"
    [[ -f $dockerfile ]] || fail "missing $dockerfile"
    printf '==> building %s:latest from %s\n' "$service" "${dockerfile#"$repo_root"/}"
    docker build --tag "$service:latest" --file "$dockerfile" "$repo_root" \
        || fail "docker build of $service:latest failed; nothing after it was built or imported."
}

import_image() {
    local service=$1 cluster=$2
    printf '==> importing %s:latest into k3d cluster %s\n' "$service" "$cluster"
    k3d image import "$service:latest" -c "$cluster" \
        || fail "k3d image import of $service:latest into '$cluster' failed."
}

main() {
    local import=true
    case ${1:-} in
        --list-images) list_images; return 0 ;;
        -h | --help) usage; return 0 ;;
        --no-import | --build-only) import=false; shift ;;
        -*) usage >&2; return 2 ;;
    esac
    if [[ $import == false ]]; then
        [[ $# -eq 0 ]] || { usage >&2; return 2; }
    else
        [[ $# -le 1 ]] || { usage >&2; return 2; }
    fi
    local cluster=${1:-$DEFAULT_CLUSTER} service

    require_programs "$import"
    require_engine
    require_buildkit
    [[ $import == false ]] || require_running_cluster "$cluster"

    export DOCKER_BUILDKIT=1
    for service in "${SERVICES[@]}"; do
        build_image "$service"
    done
    if [[ $import == false ]]; then
        printf '==> done: %s built (not imported)\n' "${SERVICES[*]/%/:latest}"
        return 0
    fi
    for service in "${SERVICES[@]}"; do
        import_image "$service" "$cluster"
    done
    printf '==> done: %s imported into k3d cluster %s\n' "${SERVICES[*]/%/:latest}" "$cluster"
}

main "$@"
