#!/usr/bin/env bash
# Benchmark: the edge agent's resident memory managing a host (20 containers), for the JVM options
# compared, each beside an idle JVM started with the same options in the same run.
exec "$(dirname "$0")/run-benchmark.sh" AgentMemoryBenchmark
