#!/usr/bin/env bash
# Benchmark: apply -> desired state persisted on the agent, with 1 agent and with many (simulated
# agents: the real session without Docker), and the hub's memory per connected agent.
# Usage: scripts/bench-propagation.sh [FLEET SIZES...]   (default: 1 100)
exec "$(dirname "$0")/run-benchmark.sh" PropagationBenchmark "${@:-1 100}"
