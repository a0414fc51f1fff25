#!/usr/bin/env bash
# Benchmark: throughput, 64-byte round trips and 16 parallel connections through a kdop tunnel,
# beside a direct connection to the container and OpenSSH's `ssh -R` on loopback, in one run; CPU
# per GiB of hub and agent; the agent's C1-only JVM options against the JVM defaults.
# Usage: scripts/bench-tunnel.sh [MiB per connection]   (needs root for the sshd baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-1024}
if [ "$(id -u)" = 0 ] && [ ! -x /usr/sbin/sshd ]; then
  # installed without starting the system's sshd: the benchmark runs its own on a loopback port
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
scripts/setup-machine.sh >/dev/null
scripts/test-images.sh >/dev/null
# the ssh -R baseline forwards to the same containers the benchmark starts: fixed names, known after start
work=$(mktemp -d)
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
ssh_args=()
if [ -x /usr/sbin/sshd ]; then
  ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$work/user_key"
  cp "$work/user_key.pub" "$work/authorized_keys"
  sshd_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p /run/sshd
  /usr/sbin/sshd -D -p "$sshd_port" -o ListenAddress=127.0.0.1 -h "$work/host_key" \
    -o AuthorizedKeysFile="$work/authorized_keys" -o PasswordAuthentication=no -o StrictModes=no \
    -o PidFile="$work/sshd.pid" &
  # the containers are started by the benchmark; the forward targets their names' addresses once they run
  hose_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (
    for _ in $(seq 1 600); do
      hose_ip=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' kdop-tbench-hose 2>/dev/null || true)
      echo_ip=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' kdop-tbench-echo 2>/dev/null || true)
      [ -n "$hose_ip" ] && [ -n "$echo_ip" ] && break
      sleep 0.2
    done
    exec ssh -N -p "$sshd_port" -i "$work/user_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      -R "127.0.0.1:$hose_port:$hose_ip:9002" -R "127.0.0.1:$echo_port:$echo_ip:9000" root@127.0.0.1
  ) &
  echo $! > "$work/ssh.pid"
  ssh_args=("$hose_port" "$echo_port")
fi
exec_args="$mib ${ssh_args[*]:-}"
scripts/run-benchmark.sh TunnelBenchmark $exec_args
