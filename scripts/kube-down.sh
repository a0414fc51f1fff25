#!/usr/bin/env bash
# Stops the control plane scripts/kube-up.sh started. KDOP_KUBE_WIPE=1 also deletes its state
# (etcd data, certificates, kubeconfig), so that the next kube-up starts from an empty cluster.
set -euo pipefail
state=${KDOP_KUBE_STATE:-/tmp/kdop-kube}
for component in kube-controller-manager kube-apiserver etcd; do
  pidfile="$state/$component.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  # only a process of ours: after a reboot the pid may belong to someone else
  if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "/$component " && kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "kube-down: stopped $component"
  fi
  rm -f "$pidfile"
done
if [ "${KDOP_KUBE_WIPE:-0}" = 1 ]; then
  rm -rf "$state"
  echo "kube-down: removed $state"
fi
