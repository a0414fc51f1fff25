#!/usr/bin/env bash
# The quickstart on this machine, no cluster needed: builds kdop, starts Docker if needed, then
# runs the join flow, a DockerContainer and a DockerJob for real (hub and agent processes, this
# machine's Docker daemon) against a Kubernetes API stand-in, printing what kubectl would show.
# With --kube it runs the same story on a real Kubernetes control plane instead, with the real
# kubectl and helm (scripts/quickstart-kube.sh; the first run builds the control plane).
# For a cluster of your own see README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  scripts/setup-machine.sh
fi
scripts/test-images.sh   # the local busybox image the workloads run (no registry is reachable here)
source scripts/java-home.sh
echo "building kdop (tests skipped; run scripts/test.sh for them)"
./mvnw -B -q -ntp install -DskipTests
if [ "${1:-}" = "--kube" ]; then
  exec scripts/quickstart-kube.sh
fi
./mvnw -B -q -ntp -pl tests/e2e exec:java -Dexec.mainClass=io.kdop.e2e.Quickstart -Dexec.classpathScope=test
