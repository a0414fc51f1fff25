#!/usr/bin/env bash
# Benchmark: DockerContainer apply -> Running, docker rm -f -> running again, and DockerJob apply ->
# Succeeded, each beside a plain-Docker baseline measured in the same run. Usage: scripts/bench-containers.sh [runs]
exec "$(dirname "$0")/run-benchmark.sh" ContainerLatencyBenchmark "${1:-10}"
