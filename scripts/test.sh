#!/usr/bin/env bash
# The test command: builds the local test images and runs every test (unit and end-to-end).
# Needs a running Docker daemon: as root it prepares the machine first (scripts/setup-machine.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  scripts/setup-machine.sh
fi
source scripts/java-home.sh
scripts/test-images.sh
./mvnw -B -ntp verify "$@"
