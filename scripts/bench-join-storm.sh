#!/usr/bin/env bash
# Benchmark: N agents joining the hub at the same instant; time until all are Connected, joins
# past their deadline, joins the hub deferred.
# Usage: scripts/bench-join-storm.sh [--real-api] [FLEET SIZES...]   (default: 100 1000)
#   --real-api  against a real control plane (scripts/kube-up.sh, its own state directory, wiped
#               first so that every run starts from an empty cluster) instead of the API stand-in
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--real-api" ]; then
  export KDOP_KUBE_STATE=${KDOP_KUBE_STATE:-/tmp/kdop-kube-bench} KDOP_KUBE_PORT=${KDOP_KUBE_PORT:-16743} \
    KDOP_ETCD_PORT=${KDOP_ETCD_PORT:-12779}
  KDOP_KUBE_WIPE=1 scripts/kube-down.sh >/dev/null 2>&1 || true
  scripts/kube-up.sh >&2
  set -a; source "$KDOP_KUBE_STATE/kube.env"; set +a
fi
args=("$@")
[ ${#args[@]} -eq 0 ] || [ "${args[*]}" = "--real-api" ] && args+=(100 1000)
exec scripts/run-benchmark.sh JoinStormBenchmark "${args[@]}"
