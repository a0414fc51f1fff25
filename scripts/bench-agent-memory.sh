#!/usr/bin/env bash
# Benchmark: the edge agent's resident memory managing a host (20 containers), for several sets of
# JVM options, each beside an idle JVM started with the same options in the same run.
# Usage: scripts/bench-agent-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  scripts/setup-machine.sh >/dev/null
fi
source scripts/java-home.sh
scripts/test-images.sh
./mvnw -B -q -ntp install -DskipTests
./mvnw -B -q -ntp -pl tests/e2e exec:java -Dexec.mainClass=io.kdop.e2e.AgentMemoryBenchmark \
    -Dexec.classpathScope=test
