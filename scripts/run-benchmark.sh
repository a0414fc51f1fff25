#!/usr/bin/env bash
# Runs one benchmark program of tests/e2e: prepares the machine and the test images, builds kdop,
# then runs the class with the arguments. Usage: scripts/run-benchmark.sh CLASS [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
class=$1
shift
if [ "$(id -u)" = 0 ]; then
  scripts/setup-machine.sh >/dev/null
fi
source scripts/java-home.sh
scripts/test-images.sh
./mvnw -B -q -ntp install -DskipTests
./mvnw -B -q -ntp -pl tests/e2e exec:java -Dexec.mainClass="io.kdop.e2e.$class" \
    -Dexec.classpathScope=test -Dexec.args="$*"
