#!/usr/bin/env bash
# Copies services/day-4/broken-production/gateway/nginx.conf into the ConfigMap gateway-config of
# both manifest folders (k8s/day-4/{broken-production,solution}/02-gateway.yaml), so that the
# ConfigMap and the file stay byte for byte the same. Run it after every change to nginx.conf;
# the manifest tests fail until the two agree.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
conf="$root/services/day-4/broken-production/gateway/nginx.conf"
[[ -f $conf ]] || { echo "sync-gateway-config: missing $conf" >&2; exit 1; }

for manifest in "$root"/k8s/day-4/{broken-production,solution}/02-gateway.yaml; do
    # Replace the literal block under "  nginx.conf: |" up to the end of that YAML document.
    awk -v conf="$conf" '
        skipping && /^---$/ { skipping = 0 }
        skipping { next }
        { print }
        /^  nginx\.conf: \|$/ {
            while ((getline line < conf) > 0) print (line == "" ? "" : "    " line)
            close(conf)
            skipping = 1
        }
    ' "$manifest" > "$manifest.tmp"
    mv "$manifest.tmp" "$manifest"
    echo "updated ${manifest#"$root"/}"
done
