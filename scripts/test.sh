#!/usr/bin/env bash
# The test command: builds the local test images, starts the private test registry and a real
# Kubernetes control plane (scripts/kube-up.sh: etcd, kube-apiserver, kube-controller-manager,
# built from their Go modules into a cache outside the repository on first use), and runs every
# test: unit, end-to-end on the mock API server, and the real-API tier.
# Needs a running Docker daemon: as root it prepares the machine first (scripts/setup-machine.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  scripts/setup-machine.sh
fi
source scripts/java-home.sh
scripts/test-images.sh
scripts/test-registry.sh
# The tests get a control plane of their own, from an empty etcd every run (about 10 s), on other
# ports than the one scripts/kube-up.sh gives a developer by default.
export KDOP_KUBE_STATE=/tmp/kdop-kube-tests KDOP_KUBE_PORT=16543 KDOP_ETCD_PORT=12479
KDOP_KUBE_WIPE=1 scripts/kube-down.sh
scripts/kube-up.sh
set -a; source "$KDOP_KUBE_STATE/kube.env"; set +a
./mvnw -B -ntp verify "$@"
