#!/usr/bin/env bash
# Starts a real private registry with basic auth on 127.0.0.1:5000 (Debian's docker-registry,
# bcrypt htpasswd) and pushes the test image to it as 127.0.0.1:5000/kdop/busybox:1.
# The credentials are test fixtures, also known to the tests: kdop-test / kdop-test-password.
# Docker treats registries on 127.0.0.0/8 as insecure by default, so plain HTTP is fine here.
set -euo pipefail
cd "$(dirname "$0")/.."
user=kdop-test
password=kdop-test-password
dir=/tmp/kdop-test-registry
image=127.0.0.1:5000/kdop/busybox:1

if ! curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/ 2>/dev/null | grep -q 401; then
  mkdir -p "$dir/data"
  htpasswd -Bbc "$dir/htpasswd" "$user" "$password" >/dev/null 2>&1
  cat > "$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
auth:
  htpasswd:
    realm: kdop-test
    path: $dir/htpasswd
CONFIG
  nohup docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  for _ in $(seq 1 50); do
    curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/ 2>/dev/null | grep -q 401 && break
    sleep 0.2
  done
fi
curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:5000/v2/ | grep -q 401 || {
  echo "the test registry did not start; its log:" >&2; cat "$dir/registry.log" >&2; exit 1; }

# Push with a throw-away Docker config, so the machine's own login state is untouched.
export DOCKER_CONFIG="$dir/docker-config"
mkdir -p "$DOCKER_CONFIG"
echo "$password" | docker login 127.0.0.1:5000 -u "$user" --password-stdin >/dev/null
docker tag kdop-test/busybox:1 "$image"
docker push "$image" >/dev/null
docker logout 127.0.0.1:5000 >/dev/null
# Leave no local copy under the registry's name: the tests must really pull it.
docker rmi "$image" >/dev/null
echo "test registry on 127.0.0.1:5000 (basic auth) serves $image"
