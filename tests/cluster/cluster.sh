#!/usr/bin/env bash
# A real single-node Kubernetes 1.20 on this Debian 12 machine, for the project's cluster tests and
# for trying the lab without k3d. As root:
#   tests/cluster/cluster.sh install   # the Debian packages, the Kubernetes binaries (built once), the pause image
#   tests/cluster/cluster.sh up        # start it (idempotent); prints the kubeconfig's path when the node is Ready
#   tests/cluster/cluster.sh status    # what runs, and the node
#   tests/cluster/cluster.sh down      # stop it and remove its pods, iptables rules and /etc/hosts lines
# Everything it keeps (certificates, etcd, kubelet, logs, pid files, the kubeconfig) is under
# $CLOUDMART_CLUSTER_STATE (default /var/lib/cloudmart-cluster); the binaries stay cached under
# $CLOUDMART_CACHE (default /var/cache/cloudmart) across `down`. docs/deploying.md says how this
# cluster differs from k3d.
#
# Network: every server binds to 127.0.0.1; pods live in the network namespaces the kubelet makes
# on its own bridge cbr0 (10.244.0.0/24), Services on 10.96.0.0/24; the pods' DNS is a dnsmasq on
# cbr0 that knows the Services and nothing else (it forwards no query anywhere).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
state=${CLOUDMART_CLUSTER_STATE:-/var/lib/cloudmart-cluster}
cache=${CLOUDMART_CACHE:-/var/cache/cloudmart}
kubeconfig=$state/kubeconfig
node=cloudmart-node
cluster_cidr=10.244.0.0/16
# The controller-manager gives the one node the first /24 of cluster_cidr; kubenet puts its bridge's
# address first in it, which is where the pods' DNS listens.
bridge_ip=10.244.0.1
service_cidr=10.96.0.0/24
apiserver_port=16443
etcd_port=23790
etcd_peer_port=23800
pause_image=k8s.gcr.io/pause:3.2
marker=cloudmart-cluster
# Components in start order; `down` stops them in reverse.
components=(etcd kube-apiserver kube-controller-manager kube-scheduler dnsmasq kubelet kube-proxy cluster-agent)
packages=(etcd-server containernetworking-plugins socat conntrack dnsmasq-base iptables openssl gcc libc6-dev util-linux docker.io)

say() { printf 'cluster: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

need_root() { [[ $(id -u) -eq 0 ]] || die "run as root (it starts a kubelet, changes iptables and /etc/hosts)"; }

pid_of() { [[ -s $state/pids/$1.pid ]] && cat "$state/pids/$1.pid"; }
# Running: its recorded pid is alive and is still the program launch started. A machine that was
# stopped with the cluster up keeps the pid files, and a new boot hands the same pids to other
# programs, which must not pass for the cluster's components (a DNS server taken for running,
# and never started, leaves every pod without names).
running() {
    local pid program cmdline
    pid=$(pid_of "$1") && kill -0 "$pid" 2>/dev/null || return 1
    program=$(cat "$state/pids/$1.program" 2>/dev/null) || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ " $cmdline" == *" $program "* ]]
}

# The kubectl on PATH with this cluster's kubeconfig.
kc() { kubectl --kubeconfig "$kubeconfig" --request-timeout=10s "$@"; }

# The bin folder of the cached Kubernetes build; builds it when there is none (about 16 minutes).
kube_bin() { "$here/build-kubernetes.sh"; }

install_packages() {
    local missing=() p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]} > 0)); then
        say "installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; }
    fi
    command -v kubectl >/dev/null 2>&1 || die "kubectl is not installed (the tests and this script use the kubectl on PATH)"
}

# The pause image every pod's sandbox runs, built from pause.c of the same source package (a static
# binary in a FROM scratch image). The source is kept beside the binaries, because the build
# script deletes its tree.
pause_image() {
    docker image inspect "$pause_image" >/dev/null 2>&1 && return 0
    local bin dir
    bin=$(kube_bin)
    dir=$(dirname "$bin")/pause
    mkdir -p "$dir"
    if [[ ! -s $dir/pause.c ]]; then
        tar -xzf "$cache"/kubernetes/src/kubernetes_*.orig.tar.gz -O --wildcards '*/build/pause/linux/pause.c' >"$dir/pause.c"
    fi
    [[ -s $dir/pause.c ]] || die "no build/pause/linux/pause.c in the Kubernetes source package"
    gcc -Os -static -DVERSION=v3.2-cloudmart -o "$dir/pause" "$dir/pause.c"
    strip "$dir/pause"
    printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$dir/Dockerfile"
    say "building the pause image $pause_image"
    docker build -q -t "$pause_image" "$dir" >&2
}

cmd_install() {
    need_root
    install_packages
    kube_bin >/dev/null
    docker info >/dev/null 2>&1 || die "no docker engine answers; start dockerd first"
    pause_image
    say "installed: binaries in $(kube_bin)"
}

# Certificates: one CA, the API server's serving certificate, and one client certificate in
# system:masters that the components and the kubeconfig share (a throwaway test cluster).
make_certificates() {
    local pki=$state/pki
    [[ -s $pki/admin.crt ]] && return 0
    mkdir -p "$pki"
    (
        cd "$pki"
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=cloudmart-cluster-ca" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,IP:%s,DNS:localhost,DNS:%s,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth\n' \
            "$bridge_ip" "$node" >apiserver.ext
        openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 3650 -extfile apiserver.ext 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=cloudmart-admin" 2>/dev/null
        printf 'extendedKeyUsage=clientAuth\n' >admin.ext
        openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 3650 -extfile admin.ext 2>/dev/null
        openssl genrsa -out sa.key 2048 2>/dev/null
        openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
        chmod 600 ./*.key
    )
    cat >"$kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: $marker
    cluster:
      server: https://127.0.0.1:$apiserver_port
      certificate-authority: $pki/ca.crt
users:
  - name: cloudmart-admin
    user:
      client-certificate: $pki/admin.crt
      client-key: $pki/admin.key
contexts:
  - name: $marker
    context:
      cluster: $marker
      user: cloudmart-admin
current-context: $marker
EOF
}

# Starts one component in the background, its output in logs/NAME.log and its pid in pids/NAME.pid.
launch() {
    local name=$1
    shift
    if running "$name"; then
        return 0
    fi
    say "starting $name"
    setsid "$@" >>"$state/logs/$name.log" 2>&1 </dev/null &
    echo $! >"$state/pids/$name.pid"
    printf '%s\n' "$1" >"$state/pids/$name.program"
}

# Every component still running once the node is Ready; one that died at start (a port in use,
# a bad flag) stops `up` with the end of its log.
check_components() {
    local name
    for name in "${components[@]}"; do
        if ! running "$name"; then
            say "$name is not running; the end of $state/logs/$name.log:"
            tail -n 20 "$state/logs/$name.log" >&2 || true
            exit 1
        fi
    done
}

# Waits up to $2 seconds for the command after it to succeed; names $1 and the log to read when it does not.
wait_for() {
    local what=$1 seconds=$2 log=$3
    shift 3
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            say "$what did not happen within $seconds s; the end of $log:"
            tail -n 20 "$log" >&2 || true
            exit 1
        fi
        sleep 1
    done
}

add_hosts_entry() {
    grep -q "# $marker\$" /etc/hosts && return 0
    # The API server reaches the kubelet by the node's name. The image of fault 2 is looked for on
    # Docker Hub; naming it here keeps that attempt on this machine (it fails at once, as it must).
    # /etc/hosts is often a bind mount: rewrite it in place, never replace the file.
    printf '127.0.0.1 %s registry-1.docker.io index.docker.io # %s\n' "$node" "$marker" >>/etc/hosts
}

remove_hosts_entry() {
    local kept
    grep -q "# $marker\$" /etc/hosts || return 0
    kept=$(grep -v "# $marker\$" /etc/hosts)
    printf '%s\n' "$kept" >/etc/hosts
}

# Docker sets the FORWARD policy to DROP; traffic between pods on cbr0 (a Service's DNAT sends it
# back out the bridge) is accepted, nothing from the pods to another interface.
add_forward_rule() {
    iptables -C FORWARD -i cbr0 -o cbr0 -m comment --comment "$marker" -j ACCEPT 2>/dev/null \
        || iptables -I FORWARD 1 -i cbr0 -o cbr0 -m comment --comment "$marker" -j ACCEPT
}

# What the kubelet (kubenet, hostports) and kube-proxy added, for IPv4 and IPv6: the rules of the
# built-in chains that jump to a KUBE-* chain, then the KUBE-* chains themselves; and our FORWARD rule.
remove_iptables() {
    local tool table chain
    while iptables -C FORWARD -i cbr0 -o cbr0 -m comment --comment "$marker" -j ACCEPT 2>/dev/null; do
        iptables -D FORWARD -i cbr0 -o cbr0 -m comment --comment "$marker" -j ACCEPT
    done
    for tool in iptables ip6tables; do
        command -v "$tool" >/dev/null 2>&1 || continue
        for table in filter nat mangle; do
            "$tool" -t "$table" -S >/dev/null 2>&1 || continue
            # xargs keeps the quoted words of a rule (its comment) together.
            "$tool" -t "$table" -S | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j KUBE-' \
                | sed 's/^-A /-D /' | xargs -r -L1 "$tool" -t "$table" 2>/dev/null || true
            for chain in $("$tool" -t "$table" -S | awk '/^-N KUBE-/ {print $2}'); do
                "$tool" -t "$table" -F "$chain" 2>/dev/null || true
            done
            for chain in $("$tool" -t "$table" -S | awk '/^-N KUBE-/ {print $2}'); do
                "$tool" -t "$table" -X "$chain" 2>/dev/null || true
            done
        done
    done
}

start_components() {
    local bin=$1 pki=$state/pki
    launch etcd etcd --name "$marker" --data-dir "$state/etcd" \
        --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
        --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
        --initial-cluster "$marker=http://127.0.0.1:$etcd_peer_port" --listen-metrics-urls "http://127.0.0.1:$((etcd_port + 2))"
    wait_for "etcd answering" 60 "$state/logs/etcd.log" curl -sf "http://127.0.0.1:$etcd_port/health"

    # The advertised address only fills the kubernetes Service's endpoints, which no lab pod uses.
    launch kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
        --bind-address 127.0.0.1 --secure-port "$apiserver_port" --advertise-address "$bridge_ip" \
        --service-cluster-ip-range "$service_cidr" --service-node-port-range 30000-32767 \
        --client-ca-file "$pki/ca.crt" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
        --kubelet-client-certificate "$pki/admin.crt" --kubelet-client-key "$pki/admin.key" \
        --kubelet-preferred-address-types Hostname,InternalIP \
        --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
        --service-account-issuer "https://kubernetes.default.svc.cluster.local" \
        --authorization-mode Node,RBAC --allow-privileged=true --profiling=false
    wait_for "the API server answering" 90 "$state/logs/kube-apiserver.log" kc get --raw /readyz

    launch kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$kubeconfig" \
        --bind-address 127.0.0.1 --port 0 --leader-elect=false \
        --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
        --allocate-node-cidrs --cluster-cidr "$cluster_cidr" --node-cidr-mask-size 24 \
        --service-cluster-ip-range "$service_cidr" --profiling=false
    launch kube-scheduler "$bin/kube-scheduler" --kubeconfig "$kubeconfig" \
        --bind-address 127.0.0.1 --port 0 --leader-elect=false --profiling=false

    # The pods' DNS: the Services' names from a hosts file that cluster-agent keeps, NXDOMAIN for
    # every other name, nothing forwarded. It binds to cbr0's address once kubenet makes the bridge.
    # dnsmasq rereads the hosts folder by itself (inotify) when the agent replaces the file: no
    # SIGHUP, which kills a dnsmasq that has not set up its handlers yet (on a loaded machine the
    # agent's first update came that early, and the pods were left without DNS).
    mkdir -p "$state/dns/hosts"
    launch dnsmasq dnsmasq --keep-in-foreground --log-facility=- --no-resolv --no-hosts --no-poll \
        --interface cbr0 --bind-dynamic --hostsdir "$state/dns/hosts" --address '/#/' \
        --local-ttl 1 --neg-ttl 1 --pid-file="$state/dnsmasq.pid" --user=root

    printf '' >"$state/resolv.conf"
    mkdir -p "$state/kubelet"
    # dockershim and kubenet as the 1.20 kubelet has them built in; pod-level cgroups off so that an
    # OOM kill reads OOMKilled on cgroup v1 (docker watches the container's cgroup, not the pod's);
    # no negative oom_score_adj anywhere (see kubelet-oom-score-adj.patch); image garbage
    # collection off, since the lab's images cannot be pulled again.
    launch kubelet "$bin/kubelet" --kubeconfig "$kubeconfig" --hostname-override "$node" \
        --root-dir "$state/kubelet" --cert-dir "$state/kubelet/pki" \
        --address 127.0.0.1 --healthz-bind-address 127.0.0.1 --read-only-port 0 \
        --anonymous-auth=false --client-ca-file "$pki/ca.crt" --authorization-mode AlwaysAllow \
        --container-runtime docker --pod-infra-container-image "$pause_image" \
        --network-plugin kubenet --cni-bin-dir /usr/lib/cni --non-masquerade-cidr "$cluster_cidr" \
        --cluster-dns "$bridge_ip" --cluster-domain cluster.local --resolv-conf "$state/resolv.conf" \
        --cgroups-per-qos=false --enforce-node-allocatable="" --cgroup-driver cgroupfs --oom-score-adj 0 \
        --fail-swap-on=false --image-gc-high-threshold 100 --image-gc-low-threshold 99 \
        --eviction-hard 'memory.available<100Mi,nodefs.available<2%,imagefs.available<2%' \
        --max-pods 60 --serialize-image-pulls=false
    launch kube-proxy "$bin/kube-proxy" --kubeconfig "$kubeconfig" --hostname-override "$node" \
        --proxy-mode iptables --cluster-cidr "$cluster_cidr" --oom-score-adj 0 --conntrack-max-per-core 0 \
        --healthz-bind-address 127.0.0.1:10256 --metrics-bind-address 127.0.0.1:10249 \
        --profiling=false
    launch cluster-agent "$here/cluster.sh" agent
}

# What the cluster needs once its API answers: the database's volume.
apply_basics() {
    local volume=$state/volumes/database-data
    mkdir -p "$volume"
    chown 1654:1654 "$volume"
    kc apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolume
metadata:
  name: database-data
  labels:
    app.kubernetes.io/managed-by: $marker
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath:
    path: $volume
    type: Directory
EOF
}

node_ready() { [[ $(kc get node "$node" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]; }

cmd_up() {
    need_root
    local started=$SECONDS bin
    install_packages
    bin=$(kube_bin)
    docker info >/dev/null 2>&1 || die "no docker engine answers; start dockerd first"
    pause_image
    mkdir -p "$state/logs" "$state/pids"
    make_certificates
    add_hosts_entry
    modprobe br_netfilter 2>/dev/null || true
    add_forward_rule
    start_components "$bin"
    wait_for "node $node Ready" 120 "$state/logs/kubelet.log" node_ready
    check_components
    apply_basics
    wait_for "the default ServiceAccount" 60 "$state/logs/kube-controller-manager.log" kc get serviceaccount default -n default
    say "up in $((SECONDS - started)) s; kubeconfig:"
    echo "$kubeconfig"
}

# Runs beside the cluster: keeps dnsmasq's hosts file equal to the Services, and makes the
# database's volume Available again (emptied) once the claim that held it is deleted, as a
# provisioner would for a new claim.
cmd_agent() {
    local hosts=$state/dns/hosts/services lines pv
    while true; do
        if lines=$(kc get services -A -o 'jsonpath={range .items[*]}{.spec.clusterIP} {.metadata.name}.{.metadata.namespace}.svc.cluster.local{"\n"}{end}' 2>/dev/null); then
            lines=$(grep -E '^[0-9]' <<<"$lines" || true)
            if [[ $lines != "$(cat "$hosts" 2>/dev/null)" ]]; then
                # Written beside the folder, then moved in whole: dnsmasq never reads half a file.
                printf '%s\n' "$lines" >"$state/dns/services.new"
                mv "$state/dns/services.new" "$hosts"
            fi
        fi
        pv=$(kc get pv database-data -o 'jsonpath={.status.phase}' 2>/dev/null || true)
        if [[ $pv == Released ]]; then
            find "$state/volumes/database-data" -mindepth 1 -delete
            kc patch pv database-data --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null 2>&1 || true
        fi
        sleep 1
    done
}

stop_component() {
    local name=$1 pid i
    pid=$(pid_of "$name") || return 0
    # Only the program launch started: a stale pid file's pid may be another program's now.
    if running "$name"; then
        say "stopping $name (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for i in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
        : "$i"
    fi
    rm -f "$state/pids/$name.pid" "$state/pids/$name.program"
}

cmd_down() {
    need_root
    local i containers mounts
    for ((i = ${#components[@]} - 1; i >= 0; i--)); do
        stop_component "${components[i]}"
    done
    # The pods' containers outlive the kubelet; dockershim names every one k8s_<container>_<pod>_...
    containers=$(docker ps -aq --filter 'name=^k8s_' 2>/dev/null || true)
    if [[ -n $containers ]]; then
        say "removing the pods' containers"
        # shellcheck disable=SC2086 # one id per word
        docker rm -f $containers >/dev/null 2>&1 || true
    fi
    if [[ -d $state/kubelet ]]; then
        # The kubelet bind-mounts its folder onto itself (to share it) and mounts volumes below it.
        mounts=$(awk -v root="$state/kubelet" '$2 == root || index($2, root "/") == 1 {print $2}' /proc/mounts | sort -r)
        for i in $mounts; do umount "$i" 2>/dev/null || umount -l "$i" 2>/dev/null || true; done
    fi
    remove_iptables
    if ip link show cbr0 >/dev/null 2>&1; then ip link delete cbr0 || true; fi
    remove_hosts_entry
    # A next `up` starts a fresh cluster: new certificates, an empty etcd, an empty volume.
    rm -rf "$state/etcd" "$state/kubelet" "$state/pki" "$state/volumes" "$state/dns" "$kubeconfig"
    say "down (logs kept in $state/logs)"
}

cmd_status() {
    local name pid
    for name in "${components[@]}"; do
        if running "$name"; then pid=$(pid_of "$name"); printf '%-24s running (pid %s)\n' "$name" "$pid"; else printf '%-24s stopped\n' "$name"; fi
    done
    if running kube-apiserver && [[ -s $kubeconfig ]]; then
        kc get nodes -o wide 2>&1 || true
        echo "kubeconfig: $kubeconfig"
    fi
}

case ${1:-} in
    install) cmd_install ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    agent) cmd_agent ;;
    *) echo "usage: $0 install|up|down|status" >&2; exit 2 ;;
esac
