#!/usr/bin/env bash
# Builds the six CloudMart images as <service>:latest and imports them into a k3d cluster, so the
# manifests in k8s/day-4/ find them without a registry (they use imagePullPolicy: IfNotPresent).
#
#   build-and-import.sh [CLUSTER]    build and import into the k3d cluster CLUSTER (default: day4)
#   build-and-import.sh --list-images print the images this script produces, one a line, and exit
#
# Every image is built with the repository root as its build context, because the .NET builds
# need global.json, Directory.Build.props, Directory.Packages.props and the service-defaults
# library that sit outside each service's folder (.dockerignore at the root keeps the context
# small). The Dockerfile of each image is services/day-4/broken-production/<service>/Dockerfile.
#
# The script only ever produces the :latest tags. The manifests of the broken lab ask for
# notification-service:v2.0 on purpose; that image must not exist in the cluster.
#
# It calls no program but docker and k3d (the tests run it with stand-ins for both).
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
        "       $me --list-images" \
        "" \
        "Builds the images ${SERVICES[*]/%/:latest}" \
        "with docker (build context: the repository root) and imports each into the k3d cluster" \
        "CLUSTER (default: $DEFAULT_CLUSTER)."
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

require_tools() {
    command -v docker >/dev/null 2>&1 \
        || fail "docker is not installed (or not on PATH)." \
                "Install Docker Engine or Docker Desktop: https://docs.docker.com/get-docker/"
    command -v k3d >/dev/null 2>&1 \
        || fail "k3d is not installed (or not on PATH)." \
                "Install it from https://k3d.io/ (for example: curl -s https://raw.githubusercontent.com/k3d-io/k3d/main/install.sh | bash)"
    docker info >/dev/null 2>&1 \
        || fail "docker is installed but its engine does not answer (docker info failed)." \
                "Start Docker (Docker Desktop, or: sudo systemctl start docker) and check that your user may use it."
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
    case ${1:-} in
        --list-images) list_images; return 0 ;;
        -h | --help) usage; return 0 ;;
        -*) usage >&2; return 2 ;;
    esac
    [[ $# -le 1 ]] || { usage >&2; return 2; }
    local cluster=${1:-$DEFAULT_CLUSTER} service

    require_tools
    require_running_cluster "$cluster"

    for service in "${SERVICES[@]}"; do
        build_image "$service"
    done
    for service in "${SERVICES[@]}"; do
        import_image "$service" "$cluster"
    done
    printf '==> done: %s imported into k3d cluster %s\n' "${SERVICES[*]/%/:latest}" "$cluster"
}

main "$@"
