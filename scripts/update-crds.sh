#!/usr/bin/env bash
# Regenerates charts/kdop-hub/crds/ from the hub's model classes (the same generation CrdFreshnessTest checks).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
./mvnw -B -q -pl hub -am test -Dtest=CrdFreshnessTest -Dsurefire.failIfNoSpecifiedTests=false -Dkdop.updateCrds=true
git status --short charts/kdop-hub/crds/
