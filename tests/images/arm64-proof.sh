#!/usr/bin/env bash
# Proves on an x64 Debian machine, as far as one can without arm64 hardware or an arm64 image,
# that the five services build and start for linux-arm64: it cross-publishes each with native AOT
# (the host's clang and lld against an arm64 Debian sysroot made by debootstrap) and runs each
# binary under qemu-user (qemu-aarch64-static) until it answers GET /health.
#
# It is not part of .ci/run: five more native AOT compiles would take the suite past its time
# budget. docs/deploying.md ("arm64") gives the figures of a run and what this does not prove.
#
# Needs root (debootstrap, apt-get for the host's clang, lld, llvm and qemu-user-static).
# Usage: tests/images/arm64-proof.sh [SERVICE...]   (default: the five .NET services)
set -euo pipefail

readonly MIRROR=${CLOUDMART_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly CACHE_DIR=${CLOUDMART_STAND_IN_CACHE:-/var/cache/cloudmart-stand-ins}
readonly SYSROOT="$CACHE_DIR/sysroot-bookworm-arm64"
# What the native AOT link and the running binaries need from the target system.
readonly SYSROOT_PACKAGES=libc6-dev,libgcc-12-dev,libstdc++-12-dev,zlib1g-dev,libssl3

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly root

say() { printf '==> arm64: %s\n' "$*"; }
fail() { printf 'arm64-proof: %s\n' "$*" >&2; exit 1; }

host_tools() {
    local missing=()
    command -v clang >/dev/null 2>&1 || missing+=(clang)
    command -v ld.lld >/dev/null 2>&1 || missing+=(lld)
    command -v llvm-objcopy >/dev/null 2>&1 || missing+=(llvm)
    command -v qemu-aarch64-static >/dev/null 2>&1 || missing+=(qemu-user-static)
    command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    command -v python3 >/dev/null 2>&1 || missing+=(python3-minimal)
    ((${#missing[@]} == 0)) && return 0
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# A --foreign debootstrap only unpacks (it runs nothing of arm64); the packages asked for with
# --include are then unpacked by hand, which is all a sysroot needs: headers, crt files, libraries.
make_sysroot() {
    [[ -f $SYSROOT/.complete ]] && { say "sysroot $SYSROOT"; return 0; }
    say "debootstrap --arch arm64 --foreign bookworm ($SYSROOT_PACKAGES)"
    rm -rf "$SYSROOT"
    mkdir -p "$SYSROOT"
    debootstrap --arch arm64 --foreign --variant=minbase --include="$SYSROOT_PACKAGES" bookworm "$SYSROOT" "$MIRROR" >"$SYSROOT.log" 2>&1 \
        || fail "debootstrap failed, see $SYSROOT.log"
    local deb
    for deb in "$SYSROOT"/var/cache/apt/archives/*.deb; do
        dpkg-deb -x "$deb" "$SYSROOT"
    done
    touch "$SYSROOT/.complete"
}

# The healthy settings each service needs to start (the catalog's, with local addresses: /health
# does not call the dependencies).
service_env() {
    case $1 in
        api-service) echo AUTH_SERVICE_URL=http://127.0.0.1:9 ORDER_SERVICE_URL=http://127.0.0.1:9 ;;
        order-service) echo DATABASE_URL=http://127.0.0.1:9 NOTIFICATION_URL=http://127.0.0.1:9 ;;
        database-service) echo "DB_NAME=cloudmart-db DATA_DIR=$work/data CHAOS_FAILURE_RATE=0" ;;
        *) echo ;;
    esac
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

prove() {
    local service=$1 port=$2 started elapsed
    local out="$work/out/$service"
    say "$service: dotnet publish -r linux-arm64 (native AOT, cross)"
    started=$SECONDS
    dotnet publish "$work/src/services/day-4/broken-production/$service" -c Release -r linux-arm64 -o "$out" \
        -p:SysRoot="$SYSROOT" -p:LinkerFlavor=lld -p:ObjCopyName=llvm-objcopy -nologo -v q >"$work/$service.publish.log" 2>&1 \
        || { tail -n 30 "$work/$service.publish.log" >&2; fail "publishing $service for linux-arm64 failed"; }
    elapsed=$((SECONDS - started))
    local binary="$out/$service"
    # e_machine of the ELF header: 0xb7 is EM_AARCH64.
    [[ $(od -An -tx1 -j18 -N2 "$binary" | tr -d ' ') == b700 ]] || fail "$binary is not an arm64 ELF binary"

    local -a env_vars
    read -r -a env_vars <<<"PORT=$port $(service_env "$service")"
    mkdir -p "$work/data"
    env -i "${env_vars[@]}" DOTNET_EnableDiagnostics=0 qemu-aarch64-static -L "$SYSROOT" "$binary" >"$work/$service.run.log" 2>&1 &
    local pid=$! body="" waited
    for waited in $(seq 1 120); do
        body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null) && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ -n $body ]] || { tail -n 20 "$work/$service.run.log" >&2; fail "$service did not answer /health under qemu"; }
    printf '%-22s publish %4d s  binary %s  /health after %d polls (0.5 s apart) under qemu: %s\n' \
        "$service" "$elapsed" "$(du -h "$binary" | cut -f1)" "$waited" "$body"
}

main() {
    [[ $(id -u) -eq 0 ]] || fail "run as root (debootstrap and apt-get need it)"
    local services=("$@")
    ((${#services[@]} > 0)) || services=(api-service auth-service order-service database-service notification-service)
    host_tools
    make_sysroot

    work=$(mktemp -d "${TMPDIR:-/var/tmp}/cloudmart-arm64.XXXXXX")
    # shellcheck disable=SC2064 # expand now
    trap "rm -rf '$work'" EXIT
    # A copy of what the image builds see, so this publish does not touch the checkout's obj/ folders.
    mkdir -p "$work/src/services/day-4/broken-production"
    cp "$root"/global.json "$root"/Directory.Build.props "$root"/Directory.Packages.props "$work/src/"
    local dir
    for dir in "$root"/services/day-4/broken-production/*/; do
        [[ -n $(compgen -G "$dir*.csproj") ]] || continue
        mkdir -p "$work/src/services/day-4/broken-production/$(basename "$dir")"
        tar -C "$dir" --exclude=./bin --exclude=./obj -c . | tar -C "$work/src/services/day-4/broken-production/$(basename "$dir")" -x
    done

    local service
    for service in "${services[@]}"; do
        prove "$service" "$(free_port)"
    done
    say "all of ${services[*]} built for linux-arm64 and answered /health under qemu"
}

main "$@"
