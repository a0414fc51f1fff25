#!/usr/bin/env bash
# Prepares a Debian machine for kdop's tests: a JDK 25, a running Docker daemon, busybox for the
# test images. Idempotent: installs only what is missing, starts dockerd only if none answers.
set -euo pipefail
# dockerd must not keep file descriptors of whoever started this: run under `flock LOCK cmd`, it
# would hold that lock for as long as it lives.
exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
cd "$(dirname "$0")/.."

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
command -v curl >/dev/null 2>&1 || need+=(curl)
# for the real-API tier (scripts/kube-up.sh): certificates, and kubectl/helm unpacked from npm
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
# for the agent's systemd unit (systemd-analyze verify) and the images (apt-get download, dpkg-deb)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

source scripts/java-home.sh
echo "JDK: $JAVA_HOME"

if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "starting dockerd"
  # No iptables on these machines; published ports still work on 127.0.0.1.
  nohup dockerd --iptables=false --ip-masq=false >/tmp/kdop-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker version --format '{{.Server.Version}}' >/dev/null 2>&1 && break
    sleep 0.5
  done
fi
if ! docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
  echo "dockerd did not come up; its log:" >&2
  tail -50 /tmp/kdop-dockerd.log >&2 || true
  exit 1
fi
echo "Docker $(docker version --format '{{.Server.Version}}') is running"
