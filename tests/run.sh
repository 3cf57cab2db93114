#!/usr/bin/env bash
# The test command, `./cloudmart test`: installs what the tests need when run as root on Debian or
# Ubuntu (or, when not root, says in one message what is missing), lints the scripts, builds the
# image stand-ins and the lab's images, brings up the test cluster, restores, builds, runs each test
# project and ends with one line "N passed, N failed". `./cloudmart test --help` has the options.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
results=$root/artifacts/test-results
cluster_harness=tests/cluster/cluster.sh
images_project=CloudMart.Images.Tests
cluster_project=CloudMart.Cluster.Tests

usage() {
    cat <<'USAGE'
Usage: ./cloudmart test [--project NAME]... [--no-images] [--no-cluster] [--filter EXPR]

Runs every test project under tests/, one after another, and ends with "N passed, N failed".
As root on Debian or Ubuntu it first installs what the selected tests need: the apt packages
(nginx-light, chromium, npm, shellcheck, wrk, prometheus, curl, jq, docker.io, debootstrap), the
storefront tests' npm packages, the image stand-ins and the lab's seven images, and the
Kubernetes harness (tests/cluster/cluster.sh install; its first build takes about 16 minutes).
It starts dockerd when none answers and brings the test cluster up, and stops at exit only what
it started. Not as root, it says in one message what to install, and exits 3.

Options:
  --project NAME   run this test project only (repeatable): CloudMart.Cli.Tests, or Cli
  --no-images      skip building the images, the image tests (CloudMart.Images.Tests) and the
                   cluster tests, which run those images
  --no-cluster     skip the cluster harness and the cluster tests (CloudMart.Cluster.Tests)
  --filter EXPR    passed to each project's dotnet test --filter
  -h, --help       this text

Results: artifacts/test-results/PROJECT.trx, one file per project.

Examples:
  ./cloudmart test
  ./cloudmart test --no-images --no-cluster
  ./cloudmart test --project Services --filter 'FullyQualifiedName~Token'

Exit codes:
    0  every test passed
    1  a test failed, or a step before the tests did (the message says which)
    2  a bad command line (the message names the value)
    3  something the tests need is missing and could not be installed (the message lists it)
USAGE
}

bad() {
    printf 'cloudmart test: %s (see ./cloudmart test --help)\n' "$*" >&2
    exit 2
}

say() { printf '\n== %s\n' "$*"; }

# The solution's test projects, in its order: tests/NAME/NAME.csproj with NAME ending in .Tests.
all_projects=()
while IFS= read -r line; do
    if [[ $line =~ Project\ Path=\"tests/([^/\"]+)/([^/\"]+)\.csproj\" && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" && ${BASH_REMATCH[1]} == *.Tests ]]; then
        all_projects+=("${BASH_REMATCH[1]}")
    fi
done <CloudMart.slnx

asked=()
images=true
cluster=true
filter=()
while (($# > 0)); do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --no-images) images=false; cluster=false ;;
        --no-cluster) cluster=false ;;
        --project | --filter)
            if (($# < 2)) || [[ -z $2 || $2 == --* ]]; then bad "$1 needs a value"; fi
            if [[ $1 == --project ]]; then asked+=("$2"); else filter=(--filter "$2"); fi
            shift ;;
        --project=* | --filter=*) bad "write '${1%%=*} ${1#*=}', with a space" ;;
        *) bad "unknown argument '$1'" ;;
    esac
    shift
done

selected=()
if ((${#asked[@]} == 0)); then
    for project in "${all_projects[@]}"; do
        [[ $project == "$images_project" && $images == false ]] && continue
        [[ $project == "$cluster_project" && $cluster == false ]] && continue
        selected+=("$project")
    done
else
    for name in "${asked[@]}"; do
        match=""
        for project in "${all_projects[@]}"; do
            [[ $name == "$project" || "CloudMart.$name.Tests" == "$project" ]] && match=$project
        done
        [[ -n $match ]] || bad "no test project '$name'; there are: ${all_projects[*]}"
        [[ $match == "$images_project" && $images == false ]] && bad "--project '$name' is the image tests, which --no-images skips"
        [[ $match == "$cluster_project" && $images == false ]] && bad "--project '$name' is the cluster tests, which run the images --no-images skips"
        [[ $match == "$cluster_project" && $cluster == false ]] && bad "--project '$name' is the cluster tests, which --no-cluster skips"
        [[ " ${selected[*]} " == *" $match "* ]] || selected+=("$match")
    done
fi
has() { [[ " ${selected[*]} " == *" $1 "* ]]; }
# The image tests and the cluster tests (whose pods run them) need the images; only the cluster
# tests need the cluster.
has "$images_project" || has "$cluster_project" || images=false
has "$cluster_project" || cluster=false

# What the selected tests need. Nearly every project starts real nginx processes of its own (on
# loopback ports they pick, never the system's nginx service), and the scripts' lint runs always.
# The storefront's browser tests drive Debian's chromium (Playwright cannot download a browser
# here) and inject axe-core, which npm installs from test-support/package-lock.json; the
# observability tests run Prometheus (and promtool) and take screenshots with chromium too; the
# benchmark's tests run wrk; docker and debootstrap make and run the lab's images.
packages=()
need() { [[ " ${packages[*]} " == *" $1 "* ]] || packages+=("$1"); }
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need nginx-light
command -v shellcheck >/dev/null 2>&1 || need shellcheck
if has CloudMart.Storefront.Tests || has CloudMart.Observability.Tests; then
    [[ -x /usr/bin/chromium ]] || need chromium
fi
if has CloudMart.Storefront.Tests; then
    command -v npm >/dev/null 2>&1 || need npm
fi
if has CloudMart.Observability.Tests; then
    if ! command -v promtool >/dev/null 2>&1 || ! { command -v prometheus >/dev/null 2>&1 || [[ -x /usr/bin/prometheus ]]; }; then
        need prometheus
    fi
fi
if has CloudMart.EndToEnd.Tests; then
    # The README's gateway blocks, which the end-to-end tests run, use curl and jq.
    command -v curl >/dev/null 2>&1 || need curl
    command -v jq >/dev/null 2>&1 || need jq
fi
if has CloudMart.Benchmark.Tests; then
    command -v wrk >/dev/null 2>&1 || need wrk
fi
if [[ $images == true || $cluster == true ]]; then
    command -v dockerd >/dev/null 2>&1 || need docker.io
fi
if [[ $cluster == true ]]; then
    # The harness and the cluster tests drive the kubectl on PATH (Debian's is 1.20, as the cluster).
    command -v kubectl >/dev/null 2>&1 || need kubernetes-client
fi
if [[ $images == true ]]; then
    command -v debootstrap >/dev/null 2>&1 || need debootstrap
fi

if [[ $EUID -ne 0 ]]; then
    # Not root: nothing can be installed. One message with everything that is missing.
    missing=()
    command -v dotnet >/dev/null 2>&1 || missing+=("the .NET 10 SDK (https://learn.microsoft.com/dotnet/core/install/linux)")
    ((${#packages[@]} == 0)) || missing+=("sudo apt-get install -y --no-install-recommends ${packages[*]}")
    [[ $images == false ]] || missing+=("the image stand-ins, which need root to make (run as root, or pass --no-images)")
    [[ $cluster == false ]] || missing+=("the test cluster, which needs root to install and start (run as root, or pass --no-cluster)")
    if ((${#missing[@]} > 0)); then
        message="cloudmart test: not root, so it cannot install what the tests need; install:"
        for item in "${missing[@]}"; do
            message+=$'\n'"  - $item"
        done
        printf '%s\n' "$message" >&2
        exit 3
    fi
fi
if ! command -v dotnet >/dev/null 2>&1; then
    echo "cloudmart test: the .NET 10 SDK is missing (https://learn.microsoft.com/dotnet/core/install/linux)" >&2
    exit 3
fi
if ((${#packages[@]} > 0)); then
    say "Installing ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${packages[@]}" || {
        echo "cloudmart test: apt-get could not install ${packages[*]}" >&2
        exit 3
    }
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# What this run started, stopped at exit (and only that).
dockerd_pid=""
cluster_started=false
cleanup() {
    if [[ $cluster_started == true ]]; then
        say "Stopping the test cluster"
        "$cluster_harness" down || true
    fi
    if [[ -n $dockerd_pid ]]; then
        kill "$dockerd_pid" 2>/dev/null || true
        wait "$dockerd_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "shellcheck"
shopt -s globstar nullglob
shellcheck cloudmart .ci/run tests/**/*.sh

# The images and the cluster harness (whose node runs its pods with docker) need a docker engine.
if [[ $images == true || $cluster == true ]]; then
    if ! docker info >/dev/null 2>&1; then
        say "Starting dockerd (log: artifacts/dockerd.log)"
        mkdir -p artifacts
        dockerd >artifacts/dockerd.log 2>&1 &
        dockerd_pid=$!
        for _ in $(seq 60); do
            docker info >/dev/null 2>&1 && break
            sleep 1
        done
        docker info >/dev/null 2>&1 || { echo "dockerd did not answer within 60 s (see artifacts/dockerd.log)" >&2; exit 1; }
    fi
    # A docker client of 23 or later builds with BuildKit only through its buildx plugin; Debian 12's
    # docker.io (20.10) has BuildKit built in. Prefer that one when the first docker on PATH lacks buildx.
    if ! docker buildx version >/dev/null 2>&1 && [[ $(command -v docker) != /usr/bin/docker && -x /usr/bin/docker ]]; then
        mkdir -p artifacts/ci-bin
        ln -sf /usr/bin/docker artifacts/ci-bin/docker
        export PATH="$root/artifacts/ci-bin:$PATH"
    fi
fi

if [[ $images == true ]]; then
    say "Images: stand-in base images, then the images with the lab's build script"
    images_start=$SECONDS
    tests/images/make-stand-ins.sh
    # Stand-ins replaced by a newer set leave untagged images behind.
    docker image prune --force --filter label=org.cloudmart.stand-in >/dev/null
    services/day-4/broken-production/build-and-import.sh --no-import
    echo "images ready in $((SECONDS - images_start)) s"
fi

if [[ $cluster == true ]]; then
    say "Cluster: the harness (the first install builds Kubernetes, about 16 minutes), then up"
    "$cluster_harness" install
    # A cluster that was up before this run stays up after it.
    before=$("$cluster_harness" status)
    [[ $before =~ (^|$'\n')kube-apiserver\ +running ]] || cluster_started=true
    # up prints the kubeconfig's path as its last line on stdout.
    kubeconfig=$("$cluster_harness" up | tail -n 1)
    [[ -f $kubeconfig ]] || { echo "$cluster_harness up printed no kubeconfig path (got '$kubeconfig')" >&2; exit 1; }
    export CLOUDMART_KUBECONFIG=$kubeconfig
    echo "CLOUDMART_KUBECONFIG=$kubeconfig"
fi

# One project: restore and build only it (and what it references); else the whole solution.
if ((${#asked[@]} > 0)); then
    targets=()
    for project in "${selected[@]}"; do
        targets+=("tests/$project/$project.csproj")
    done
else
    targets=(CloudMart.slnx)
fi
say "Restore"
for target in "${targets[@]}"; do
    dotnet restore "$target"
done
if has CloudMart.Storefront.Tests; then
    npm ci --prefix tests/CloudMart.Storefront.Tests/test-support --no-audit --no-fund
fi

say "Build"
for target in "${targets[@]}"; do
    dotnet build "$target" --no-restore -nologo -tl:off
done

say "Test: ${selected[*]}"
rm -rf "$results"
status=0
# One project at a time: they start real processes (services, nginx) and time them, so they do not
# compete with each other for the machine's cores.
for project in "${selected[@]}"; do
    say "$project"
    dotnet test "tests/$project/$project.csproj" --no-build -nologo -tl:off "${filter[@]}" \
        --logger "trx;LogFileName=$project.trx" --results-directory "$results" || status=$?
done

tests/totals.sh "$results" "$status" "${selected[@]}"
