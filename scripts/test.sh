#!/usr/bin/env bash
# The test command: builds the local test images and runs every test (unit and end-to-end).
# Needs a running Docker daemon (scripts/setup-machine.sh starts one).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
scripts/test-images.sh
./mvnw -B -ntp verify "$@"
