#!/usr/bin/env bash
# Proves on an x64 Debian machine, as far as one can without arm64 hardware or an arm64 image,
# that the five services build and run for linux-arm64: it publishes each for linux-arm64, runs it
# under qemu-user (qemu-aarch64-static, with an arm64 Debian sysroot made by debootstrap) until it
# answers GET /health, and has the database-service store an order and read it back.
#
# Two ways to publish:
#   --aot SERVICE  native AOT, cross-compiled (the host's clang and lld link against the sysroot),
#                  as the Dockerfiles build the images. Several minutes per service.
#   --jit SERVICE  self-contained, JIT (the arm64 runtime pack, nothing linked here). Seconds.
# Without arguments (the suite's run): the five services with --jit, and the database-service,
# the one with a native library of its own (SQLite), once more with --aot.
# --aot-all: the five with native AOT (the full proof, by hand; about ten minutes per service on a
# loaded 2-core machine). docs/deploying.md ("arm64") gives the figures and the SQLite finding.
#
# Each run ends with one result line, all its checks passed: `arm64: PASS SERVICE MODE health`,
# then `order-stored` (the database-service stored and read back an order) and, with native AOT,
# `libm-needed` (libm.so.6 is NEEDED) and `sqlite-beside` (the arm64 libe_sqlite3.so beside it).
#
# Publish cache: each service's published output is kept in
# $CLOUDMART_STAND_IN_CACHE/arm64-publish/MODE-SERVICE-KEY/ (default /var/cache/cloudmart-stand-ins),
# and a later run with the same KEY takes it instead of publishing again (every check and the run
# under qemu still happen, on the cached files). KEY is a hash of what the publish reads and how it
# is made: the content and path of every file of the service's folder and of the projects it
# references (transitively, bin/ and obj/ left out), global.json, Directory.Build.props and
# Directory.Packages.props, the dotnet SDK version, the mode, the publish function's text (its
# command line), the sysroot's package list and the versions of the .deb files it was made from,
# and for AOT the host's clang and lld versions. Writing an entry removes the older ones of the
# same MODE-SERVICE. CLOUDMART_ARM64_NO_CACHE=1 publishes without reading or writing the cache.
#
# Needs root (debootstrap, apt-get for the host's clang, lld, llvm and qemu-user-static).
# Usage: tests/images/arm64-proof.sh [--aot-all | {--aot|--jit} SERVICE ...]
set -euo pipefail

readonly MIRROR=${CLOUDMART_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly CACHE_DIR=${CLOUDMART_STAND_IN_CACHE:-/var/cache/cloudmart-stand-ins}
readonly SYSROOT="$CACHE_DIR/sysroot-bookworm-arm64"
# What the native AOT link and the running binaries need from the target system.
readonly SYSROOT_PACKAGES=libc6-dev,libgcc-12-dev,libstdc++-12-dev,zlib1g-dev,libssl3
readonly PUBLISH_CACHE="$CACHE_DIR/arm64-publish"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly root

say() { printf '==> arm64: %s\n' "$*"; }
fail() { printf 'arm64-proof: %s\n' "$*" >&2; exit 1; }
bad_usage() { printf 'arm64-proof: %s\n' "$*" >&2; exit 2; }

host_tools() {
    local missing=()
    command -v clang >/dev/null 2>&1 || missing+=(clang)
    command -v ld.lld >/dev/null 2>&1 || missing+=(lld)
    command -v llvm-objcopy >/dev/null 2>&1 && command -v llvm-readelf >/dev/null 2>&1 || missing+=(llvm)
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

# The -dev packages link a library's unversioned name with an absolute symlink (libm.so ->
# /lib/aarch64-linux-gnu/libm.so.6). Outside a chroot that points into the host, where no such file
# is, so the linker passes over the dangling libm.so, takes libm.a instead, and the binary no longer
# loads libm.so.6 at run time. libe_sqlite3.so, which leaves trunc, sin, pow... to the process,
# then fails to load ("undefined symbol: trunc"). Point each such link into the sysroot instead
# (every run, so a sysroot cached by an older version of this script is mended too).
relative_links() {
    local link target
    while IFS= read -r -d '' link; do
        target=$(readlink "$link")
        ln -sfn "$(realpath -m -s --relative-to="$(dirname "$link")" "$SYSROOT$target")" "$link"
    done < <(find "$SYSROOT/usr/lib" "$SYSROOT/lib" -type l -lname '/*' -print0)
}

# A second's check of the above, before any long compile: -lm against the sysroot gives libm.so.6.
check_sysroot_libm() {
    local probe="$work/libm-probe"
    printf 'int main(void) { return 0; }\n' >"$probe.c"
    clang --target=aarch64-linux-gnu --sysroot="$SYSROOT" -fuse-ld=lld "$probe.c" -o "$probe" -Wl,--no-as-needed -lm \
        || fail "linking a probe against $SYSROOT failed"
    llvm-readelf -d "$probe" | grep -q 'Shared library: \[libm\.so\.6\]' \
        || fail "-lm against $SYSROOT does not give libm.so.6 (is usr/lib/aarch64-linux-gnu/libm.so a dangling link?)"
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

# The ELF header's e_machine: 0xb7 is EM_AARCH64.
is_arm64_elf() {
    [[ $(od -An -tx1 -j18 -N2 "$1" | tr -d ' ') == b700 ]]
}

publish() {
    local service=$1 mode=$2 out=$3
    local -a how
    if [[ $mode == aot ]]; then
        how=(-p:SysRoot="$SYSROOT" -p:LinkerFlavor=lld -p:ObjCopyName=llvm-objcopy)
    else
        how=(-p:PublishAot=false --self-contained)
    fi
    dotnet publish "$work/src/services/day-4/broken-production/$service" -c Release -r linux-arm64 -o "$out" \
        "${how[@]}" -nologo -v q >"$work/$service.$mode.publish.log" 2>&1 \
        || { tail -n 30 "$work/$service.$mode.publish.log" >&2; fail "publishing $service for linux-arm64 ($mode) failed"; }
}

# A project folder (under $work/src) and, transitively, the folders of the projects it references.
project_dirs() {
    local dir=$1 ref
    printf '%s\n' "$dir"
    while IFS= read -r ref; do
        project_dirs "$(cd "$dir/$(dirname "$ref")" && pwd)"
    done < <(grep -ho 'ProjectReference Include="[^"]*"' "$dir"/*.csproj | sed 's/.*Include="\(.*\)"/\1/')
}

# The publish cache's key for a service and mode (see the header for what it covers).
publish_key() {
    local service=$1 mode=$2
    {
        printf 'mode %s\nsysroot %s\n' "$mode" "$SYSROOT_PACKAGES"
        (cd "$work/src" && dotnet --version)
        declare -f publish
        (cd "$SYSROOT/var/cache/apt/archives" && ls -1 -- *.deb)
        if [[ $mode == aot ]]; then
            clang --version | head -n 1
            ld.lld --version
        fi
        local dir
        (
            cd "$work/src"
            printf '%s\0' global.json Directory.Build.props Directory.Packages.props
            while IFS= read -r dir; do
                dir=${dir#"$work/src/"}
                find "$dir" \( -path "$dir/bin" -o -path "$dir/obj" \) -prune -o -type f -print0
            done < <(project_dirs "$work/src/services/day-4/broken-production/$service" | sort -u)
        ) | sort -z | (cd "$work/src" && xargs -0 sha256sum)
    } | sha256sum | cut -c1-16
}

# Keeps a fresh publish in the cache, in place of the older entries of the same mode and service.
cache_publish() {
    local service=$1 mode=$2 key=$3 out=$4
    local entry="$PUBLISH_CACHE/$mode-$service-$key" new
    mkdir -p "$PUBLISH_CACHE"
    new=$(mktemp -d "$PUBLISH_CACHE/.new-$mode-$service.XXXXXX")
    cp -a "$out/." "$new/"
    # The older entries, and what an interrupted run left half copied.
    find "$PUBLISH_CACHE" -mindepth 1 -maxdepth 1 \( -name "$mode-$service-*" -o -name ".new-$mode-$service.*" \) ! -path "$new" -exec rm -rf {} +
    chmod 755 "$new"
    mv "$new" "$entry"
}

# What the native AOT binary must bring: libm.so.6 among its needed libraries (the SQLite library
# relies on it, see relative_links), and the SQLite library itself beside it, for AArch64.
check_aot_binary() {
    local service=$1 out=$2
    llvm-readelf -d "$out/$service" | grep -q 'Shared library: \[libm\.so\.6\]' \
        || fail "$service (native AOT) does not load libm.so.6; its needed libraries: $(llvm-readelf -d "$out/$service" | grep -o '\[lib[^]]*\]' | tr '\n' ' ')"
    if [[ $service == database-service ]]; then
        if [[ ! -f $out/libe_sqlite3.so ]] || ! is_arm64_elf "$out/libe_sqlite3.so"; then
            fail "$out/libe_sqlite3.so (SQLite for linux-arm64) is missing from the published output"
        fi
    fi
}

# The database-service stores an order and reads it back (SQLite under qemu, not only /health).
store_an_order() {
    local port=$1 id="arm64-proof-$$" stored read_back
    stored=$(curl -fsS --max-time 30 -H 'Content-Type: application/json' \
        -d "{\"id\":\"$id\",\"item\":\"arm64-check\",\"quantity\":2,\"timestamp\":\"2026-01-02T03:04:05+00:00\"}" \
        "http://127.0.0.1:$port/store") || fail "database-service: POST /store failed under qemu"
    [[ $stored == *'"created":true'* ]] || fail "database-service: POST /store answered $stored"
    read_back=$(curl -fsS --max-time 30 "http://127.0.0.1:$port/orders/$id") || fail "database-service: GET /orders/$id failed under qemu"
    [[ $read_back == *"\"id\":\"$id\""*'"item":"arm64-check"'*'"quantity":2'* ]] || fail "database-service: GET /orders/$id answered $read_back"
    printf 'stored and read back order %s' "$id"
}

prove() {
    local service=$1 mode=$2 port=$3 started elapsed key publish_note
    local out="$work/out/$service-$mode" checks=health
    key=$(publish_key "$service" "$mode")
    if [[ ${CLOUDMART_ARM64_NO_CACHE:-} != 1 && -d $PUBLISH_CACHE/$mode-$service-$key ]]; then
        out="$PUBLISH_CACHE/$mode-$service-$key"
        say "$service: published output for linux-arm64 ($mode) from the cache, $out"
        publish_note="publish cached"
    else
        say "$service: dotnet publish -r linux-arm64 ($mode)"
        started=$SECONDS
        publish "$service" "$mode" "$out"
        elapsed=$((SECONDS - started))
        publish_note=$(printf 'publish %4d s' "$elapsed")
        [[ ${CLOUDMART_ARM64_NO_CACHE:-} == 1 ]] || cache_publish "$service" "$mode" "$key" "$out"
    fi
    local binary="$out/$service"
    is_arm64_elf "$binary" || fail "$binary is not an arm64 ELF binary"
    if [[ $mode == aot ]]; then
        check_aot_binary "$service" "$out"
        checks+=" libm-needed"
        [[ $service == database-service ]] && checks+=" sqlite-beside"
    fi

    local -a env_vars
    read -r -a env_vars <<<"PORT=$port $(service_env "$service")"
    rm -rf "$work/data"
    mkdir -p "$work/data"
    started=$SECONDS
    # No drain after SIGTERM (the services' default keeps serving 10 s more, unready).
    env -i "${env_vars[@]}" SHUTDOWN_DRAIN_SECONDS=0 DOTNET_EnableDiagnostics=0 qemu-aarch64-static -L "$SYSROOT" "$binary" >"$work/$service.$mode.run.log" 2>&1 &
    local pid=$! body="" extra=""
    for _ in $(seq 1 240); do
        body=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/health" 2>/dev/null) && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    local up=$((SECONDS - started))
    if [[ -n $body && $service == database-service ]]; then
        extra=$(store_an_order "$port") || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; tail -n 20 "$work/$service.$mode.run.log" >&2; exit 1; }
        checks+=" order-stored"
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ -n $body ]] || { tail -n 20 "$work/$service.$mode.run.log" >&2; fail "$service ($mode) did not answer /health under qemu"; }
    printf '%-22s %s  %s  %s %s  /health after %d s under qemu: %s %s\n' \
        "$service" "$mode" "$publish_note" "$(du -sh "$out" | cut -f1)" output "$up" "$body" "$extra"
    printf 'arm64: PASS %s %s %s\n' "$service" "$mode" "$checks"
}

main() {
    local all=(api-service auth-service order-service database-service notification-service)
    local -a runs=()
    local service
    if (($# == 0)); then
        for service in "${all[@]}"; do runs+=("$service jit"); done
        runs+=("database-service aot")
    elif [[ $1 == --aot-all ]] && (($# == 1)); then
        for service in "${all[@]}"; do runs+=("$service aot"); done
    else
        while (($# > 0)); do
            if [[ $1 != --aot && $1 != --jit ]] || (($# < 2)); then
                bad_usage "usage: arm64-proof.sh [--aot-all | {--aot|--jit} SERVICE ...] (got '$1')"
            fi
            [[ " ${all[*]} " == *" $2 "* ]] || bad_usage "unknown service '$2' (one of ${all[*]})"
            runs+=("$2 ${1#--}")
            shift 2
        done
    fi
    [[ $(id -u) -eq 0 ]] || fail "run as root (debootstrap and apt-get need it)"
    host_tools
    make_sysroot
    relative_links

    work=$(mktemp -d "${TMPDIR:-/var/tmp}/cloudmart-arm64.XXXXXX")
    # shellcheck disable=SC2064 # expand now
    trap "rm -rf '$work'" EXIT
    check_sysroot_libm
    # A copy of what the image builds see, so this publish does not touch the checkout's obj/ folders.
    mkdir -p "$work/src/services/day-4/broken-production"
    cp "$root"/global.json "$root"/Directory.Build.props "$root"/Directory.Packages.props "$work/src/"
    # The services' projects and the catalog they build with (src/CloudMart.Catalog), as the
    # Dockerfiles copy them.
    local dir
    for dir in "$root"/services/day-4/broken-production/*/ "$root"/src/CloudMart.Catalog/; do
        [[ -n $(compgen -G "$dir*.csproj") ]] || continue
        local rel=${dir#"$root"/}
        mkdir -p "$work/src/$rel"
        tar -C "$dir" --exclude=./bin --exclude=./obj -c . | tar -C "$work/src/$rel" -x
    done

    local run started=$SECONDS
    for run in "${runs[@]}"; do
        # shellcheck disable=SC2086 # "service mode"
        prove $run "$(free_port)"
    done
    say "${#runs[@]} runs for linux-arm64 answered under qemu (${runs[*]}) in $((SECONDS - started)) s"
}

main "$@"
