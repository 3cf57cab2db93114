#!/usr/bin/env bash
# Builds the Kubernetes control plane and node binaries (1.20, Debian 12's own source package)
# that tests/cluster/cluster.sh runs, once per machine: the binaries are cached under
# $CLOUDMART_CACHE/kubernetes/<source version>-<patches hash>/bin and reused while the source
# version and this folder's patches stay the same. Prints the bin folder on stdout.
# Needs root on Debian 12 (it adds a deb-src entry and installs golang-go and dpkg-dev).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${CLOUDMART_CACHE:-/var/cache/cloudmart}/kubernetes
binaries=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy)
say() { printf 'build-kubernetes: %s\n' "$*" >&2; }

patches_hash=$(cat "$here"/*.patch | sha256sum | cut -c1-12)
version_file=$cache/source-version
mkdir -p "$cache/src"

if [[ ! -s $version_file ]] || ! ls "$cache"/src/kubernetes_*.orig.tar.gz >/dev/null 2>&1; then
    if [[ ! -f /etc/apt/sources.list.d/cloudmart-deb-src.sources ]]; then
        say "adding a deb-src entry for bookworm (Kubernetes' source package)"
        cat >/etc/apt/sources.list.d/cloudmart-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
        apt-get update -q >&2
    fi
    (cd "$cache/src" && apt-get source --download-only kubernetes >&2)
    find "$cache/src" -maxdepth 1 -name 'kubernetes_*.dsc' -printf '%f\n' | sed 's/^kubernetes_\(.*\)\.dsc$/\1/' | sort | tail -n 1 >"$version_file"
fi
version=$(cat "$version_file")
bin=$cache/$version-$patches_hash/bin

have_all() { for b in "${binaries[@]}"; do [[ -x $bin/$b ]] || return 1; done; }
if have_all; then
    echo "$bin"
    exit 0
fi

command -v go >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q --no-install-recommends golang-go >&2; }
command -v dpkg-source >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q --no-install-recommends dpkg-dev >&2; }
# Kubernetes' build places each binary with rsync (hack/lib/golang.sh).
command -v rsync >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q --no-install-recommends rsync >&2; }

work=$cache/build
rm -rf "$work"
mkdir -p "$work"
say "unpacking kubernetes $version with Debian's patches"
(cd "$work" && dpkg-source -x "$cache"/src/kubernetes_"$version".dsc tree >&2)
tree=$work/tree
for p in "$here"/*.patch; do
    say "applying $(basename "$p")"
    patch -d "$tree" -p1 --forward <"$p" >&2
done

say "building ${binaries[*]} (about 16 minutes on two cores)"
started=$SECONDS
mkdir -p "$tree/.go/src/k8s.io"
ln -sfn ../../.. "$tree/.go/src/k8s.io/kubernetes"
(
    cd "$tree"
    export GOPATH=$tree/.go GO111MODULE=off CGO_ENABLED=0 KUBE_GIT_VERSION=v1.20.2 HOME=$work
    export GOFLAGS=
    make WHAT="$(printf 'cmd/%s ' "${binaries[@]}")" >&2
)
mkdir -p "$bin"
for b in "${binaries[@]}"; do
    cp "$tree/_output/bin/$b" "$bin/$b"
done
say "built in $((SECONDS - started)) s"
rm -rf "$work"
echo "$bin"
