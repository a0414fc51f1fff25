#!/usr/bin/env bash
# The test command: builds the local test images, starts the private test registry, and runs
# every test (unit and end-to-end).
# Needs a running Docker daemon: as root it prepares the machine first (scripts/setup-machine.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  scripts/setup-machine.sh
fi
source scripts/java-home.sh
scripts/test-images.sh
scripts/test-registry.sh
./mvnw -B -ntp verify "$@"
