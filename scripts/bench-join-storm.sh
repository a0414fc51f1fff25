#!/usr/bin/env bash
# Benchmark: N agents joining the hub at the same instant; time until all are Connected, joins
# past their deadline, joins the per-peer limit deferred.
# Usage: scripts/bench-join-storm.sh [FLEET SIZES...]   (default: 100 1000)
exec "$(dirname "$0")/run-benchmark.sh" JoinStormBenchmark "${@:-100 1000}"
