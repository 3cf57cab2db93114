#!/usr/bin/env bash
# Regenerates the files of k8s/day-4/ that are made, not written: the ConfigMap gateway-config in
# solution/02-gateway.yaml (from services/day-4/broken-production/gateway/nginx.conf, its one
# source) and the whole of broken-production/ (the solution plus the shipped faults of the incident
# catalog in faults/). Run it after changing nginx.conf, a solution manifest or a shipped fault;
# the manifest tests fail until the checked-in files are what this writes.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
exec "$root/cloudmart" lab sync
