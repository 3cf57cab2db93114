#!/usr/bin/env bash
# Makes local stand-ins for the three base images the lab's Dockerfiles start from, under their
# real names, so that the six images build and run on a machine that reaches no container registry
# (this project's CI). They are made from Debian 12 packages and the host's .NET SDK:
#
#   mcr.microsoft.com/dotnet/sdk:10.0-noble-aot               Debian minbase + clang, llvm, zlib1g-dev,
#                                                            the host's .NET SDK and CA certificates
#   mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled FROM scratch: the files of the chisel
#                                                            slices' packages, user app (1654)
#   nginx:alpine                                             Debian's nginx-light, user nginx (101)
#
# docs/images.md lists every way they differ from the real images. The script is idempotent: each
# image carries a label with a hash of its inputs (this script, the host's SDK, the host's CA
# certificates); when all three exist with the current hash it does nothing, so docker's build cache
# of the service images stays valid between runs on one machine.
#
# Needs root, debootstrap and a running docker engine. Usage: make-stand-ins.sh [--force]
set -euo pipefail

readonly SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble-aot
readonly RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
readonly NGINX_IMAGE=nginx:alpine
readonly LABEL=org.cloudmart.stand-in
readonly MIRROR=${CLOUDMART_DEBIAN_MIRROR:-http://deb.debian.org/debian}
readonly CACHE_DIR=${CLOUDMART_STAND_IN_CACHE:-/var/cache/cloudmart-stand-ins}
readonly APP_UID=1654 NGINX_UID=101
# What the chisel slices of runtime-deps:noble-chiseled carry (ICU is left out: the services run
# with InvariantGlobalization).
readonly RUNTIME_PACKAGES=(base-files libc6 libgcc-s1 libstdc++6 libssl3 zlib1g ca-certificates tzdata)

say() { printf '==> stand-ins: %s\n' "$*"; }
fail() { printf 'make-stand-ins: %s\n' "$*" >&2; exit 1; }

dotnet_root() {
    local dotnet
    dotnet=$(command -v dotnet) || fail "dotnet is not on PATH; the SDK stand-in copies the host's .NET SDK"
    dotnet=$(readlink -f "$dotnet")
    printf '%s\n' "${dotnet%/*}"
}

inputs_hash() {
    local sdk_root=$1
    {
        cat "${BASH_SOURCE[0]}"
        ls -l "$sdk_root/sdk" "$sdk_root/shared/Microsoft.NETCore.App" "$sdk_root/packs"
        cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true
    } | sha256sum | cut -c1-16
}

current() {
    local hash=$1 image
    for image in "$SDK_IMAGE" "$RUNTIME_IMAGE" "$NGINX_IMAGE"; do
        [[ $(docker image inspect --format "{{index .Config.Labels \"$LABEL\"}}" "$image" 2>/dev/null) == "$hash" ]] || return 1
    done
}

# chroot with /proc and /dev/null, for apt and the maintainer scripts it runs.
in_root() {
    local root=$1
    shift
    mount -t proc proc "$root/proc"
    local status=0
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@" || status=$?
    umount "$root/proc"
    return "$status"
}

apt_install() {
    local root=$1
    shift
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    in_root "$root" apt-get install -y -q --no-install-recommends "$@" >/dev/null
    in_root "$root" apt-get clean
    rm -rf "$root"/var/lib/apt/lists/*
}

import_dir() {
    local root=$1 image=$2 hash=$3
    shift 3
    local changes=(--change "LABEL $LABEL=$hash")
    local change
    for change in "$@"; do
        changes+=(--change "$change")
    done
    tar --numeric-owner -C "$root" -c . | docker import "${changes[@]}" - "$image" >/dev/null
    say "$image: $(docker image inspect --format '{{.Size}}' "$image" | numfmt --to=si)B"
}

# The debootstrapped base is kept as a tarball in CACHE_DIR, so that a change to this script does
# not download and unpack Debian again.
make_base() {
    local root=$1 packages=ca-certificates,libssl3,tzdata
    local tarball
    tarball="$CACHE_DIR/bookworm-minbase-$(printf '%s %s' "$MIRROR" "$packages" | sha256sum | cut -c1-12).tar"
    mkdir -p "$root"
    if [[ -f $tarball ]]; then
        say "Debian bookworm (minbase) from $tarball"
        tar --numeric-owner -C "$root" -xf "$tarball"
    else
        say "debootstrap bookworm (minbase) from $MIRROR"
        debootstrap --variant=minbase --include="$packages" bookworm "$root" "$MIRROR" >"$root.log" 2>&1 \
            || fail "debootstrap failed, see $root.log"
        mkdir -p "$CACHE_DIR"
        tar --numeric-owner -C "$root" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
    fi
    # The downloaded packages are not part of any image.
    rm -f "$root"/var/cache/apt/archives/*.deb
    # The host's own certificate authorities (for example an egress proxy's) must be trusted inside
    # the builds too, or NuGet restore fails there.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
        in_root "$root" update-ca-certificates >/dev/null 2>&1
    fi
}

make_sdk() {
    local base=$1 root=$2 hash=$3 sdk_root=$4
    say "$SDK_IMAGE: clang, llvm, zlib1g-dev and the host's SDK ($sdk_root)"
    cp -a "$base" "$root"
    in_root "$root" apt-get update -q >/dev/null
    apt_install "$root" clang llvm zlib1g-dev
    mkdir -p "$root/usr/share/dotnet"
    cp -a "$sdk_root/." "$root/usr/share/dotnet/"
    ln -sf /usr/share/dotnet/dotnet "$root/usr/bin/dotnet"
    import_dir "$root" "$SDK_IMAGE" "$hash" \
        "ENV APP_UID=$APP_UID" "ENV ASPNETCORE_HTTP_PORTS=8080" "ENV DOTNET_RUNNING_IN_CONTAINER=true" \
        "ENV DOTNET_USE_POLLING_FILE_WATCHER=true" "ENV NUGET_XMLDOC_MODE=skip" "ENV DOTNET_NOLOGO=true" \
        "ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false" "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        "CMD [\"/bin/bash\"]"
}

# The files dpkg lists for a package, as paths relative to the root (directories left out: tar
# makes the ones it needs, and the merged-/usr symlinks are copied separately).
package_files() {
    local root=$1 package=$2 list
    for list in "$root/var/lib/dpkg/info/$package.list" "$root/var/lib/dpkg/info/$package:amd64.list" "$root/var/lib/dpkg/info/$package:arm64.list"; do
        [[ -f $list ]] || continue
        while IFS= read -r path; do
            [[ -e $root$path || -L $root$path ]] && [[ ! -d $root$path || -L $root$path ]] && printf '%s\n' ".$path"
        done <"$list"
        return 0
    done
    fail "package $package is not installed in $root"
}

make_runtime_deps() {
    local base=$1 root=$2 hash=$3 package
    say "$RUNTIME_IMAGE: ${RUNTIME_PACKAGES[*]} from scratch, user app ($APP_UID)"
    # Merged /usr as in the base: /lib, /bin and so on are links into /usr, made before the files
    # that dpkg lists under them.
    mkdir -p "$root/usr/bin" "$root/usr/lib" "$root/usr/lib64" "$root/usr/sbin"
    local link
    for link in bin lib lib64 sbin; do
        [[ -L $base/$link ]] && cp -a "$base/$link" "$root/$link"
    done
    {
        for package in "${RUNTIME_PACKAGES[@]}"; do
            package_files "$base" "$package"
        done
        # Made by update-ca-certificates, not listed by dpkg; the chisel slice ships the bundle.
        printf '%s\n' ./etc/ssl/certs/ca-certificates.crt
    } | sort -u | tar -C "$base" -c --no-recursion -T - | tar -C "$root" -x
    mkdir -p "$root/tmp" "$root/home/app"
    chmod 1777 "$root/tmp"
    chown "$APP_UID:$APP_UID" "$root/home/app"
    printf 'root:x:0:0:root:/root:/noshell\napp:x:%s:%s::/home/app:/noshell\n' "$APP_UID" "$APP_UID" >"$root/etc/passwd"
    printf 'root:x:0:\napp:x:%s:\n' "$APP_UID" >"$root/etc/group"
    import_dir "$root" "$RUNTIME_IMAGE" "$hash" \
        "ENV APP_UID=$APP_UID" "ENV ASPNETCORE_HTTP_PORTS=8080" "ENV DOTNET_RUNNING_IN_CONTAINER=true" \
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "USER $APP_UID"
}

make_nginx() {
    local base=$1 root=$2 hash=$3
    say "$NGINX_IMAGE: Debian's nginx-light, user nginx ($NGINX_UID)"
    cp -a "$base" "$root"
    in_root "$root" apt-get update -q >/dev/null
    apt_install "$root" nginx-light
    in_root "$root" groupadd --system --gid "$NGINX_UID" nginx
    in_root "$root" useradd --system --uid "$NGINX_UID" --gid "$NGINX_UID" --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nginx
    # As in nginx:alpine: the default logs go to the container's output, the default page is in
    # /usr/share/nginx/html.
    ln -sf /dev/stdout "$root/var/log/nginx/access.log"
    ln -sf /dev/stderr "$root/var/log/nginx/error.log"
    mkdir -p "$root/usr/share/nginx/html"
    [[ -f $root/usr/share/nginx/html/index.html ]] || cp "$root/var/www/html/"index*.html "$root/usr/share/nginx/html/index.html" 2>/dev/null || true
    import_dir "$root" "$NGINX_IMAGE" "$hash" \
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "EXPOSE 80" \
        "CMD [\"nginx\", \"-g\", \"daemon off;\"]"
}

main() {
    local force=false
    case ${1:-} in
        --force) force=true ;;
        '') ;;
        *) fail "unknown argument '$1' (usage: make-stand-ins.sh [--force])" ;;
    esac
    [[ $(id -u) -eq 0 ]] || fail "run as root (debootstrap and chroot need it)"
    command -v debootstrap >/dev/null 2>&1 || fail "debootstrap is missing (apt-get install debootstrap)"
    docker info >/dev/null 2>&1 || fail "the docker engine does not answer (docker info failed); start dockerd first"

    local sdk_root hash
    sdk_root=$(dotnet_root)
    hash=$(inputs_hash "$sdk_root")
    if [[ $force == false ]] && current "$hash"; then
        say "current (hash $hash), nothing to do"
        return 0
    fi

    local work
    work=$(mktemp -d "${TMPDIR:-/var/tmp}/cloudmart-stand-ins.XXXXXX")
    # shellcheck disable=SC2064 # expand now: work is local to main
    # errexit holds inside the trap too, hence the || true.
    trap "umount '$work'/*/proc 2>/dev/null || true; rm -rf --one-file-system '$work'" EXIT
    make_base "$work/base"
    make_runtime_deps "$work/base" "$work/runtime-deps" "$hash"
    make_nginx "$work/base" "$work/nginx" "$hash"
    make_sdk "$work/base" "$work/sdk" "$hash" "$sdk_root"
    say "done (hash $hash)"
}

main "$@"
