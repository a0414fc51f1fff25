#!/usr/bin/env bash
# Benchmark: DockerContainer apply -> Running, docker rm -f -> running again, and DockerJob apply ->
# Succeeded, each beside a plain-Docker baseline measured in the same run. Usage: scripts/bench-containers.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  scripts/setup-machine.sh >/dev/null
fi
source scripts/java-home.sh
scripts/test-images.sh
./mvnw -B -q -ntp install -DskipTests
./mvnw -B -q -ntp -pl tests/e2e exec:java -Dexec.mainClass=io.kdop.e2e.ContainerLatencyBenchmark \
    -Dexec.classpathScope=test -Dexec.args="${1:-10}"
