#!/usr/bin/env bash
# The quickstart on a real Kubernetes control plane, typed as a user types it: kubectl and helm
# against the API server of scripts/kube-up.sh (built on first use: about 10 minutes cold, then
# seconds), the hub running under the chart's ServiceAccount and RBAC, an agent joined with the
# command read from its DockerHost's Secret, a container and a job on this machine's Docker.
# Run through `scripts/quickstart.sh --kube`. Leaves the control plane running (scripts/kube-down.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/tests/e2e/target/quickstart-kube"
mkdir -p "$work"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
await() { # description command...: retries for 60 s
  local what=$1; shift
  for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "quickstart: timed out waiting for $what" >&2; return 1
}

source scripts/java-home.sh
scripts/kube-up.sh
set -a; source "${KDOP_KUBE_STATE:-/tmp/kdop-kube}/kube.env"; set +a
export KUBECONFIG=$KDOP_KUBECONFIG PATH="$KDOP_KUBE_BIN:$PATH"
hub_pid=""
agent_pid=""
cleanup() {
  [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null || true
  [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null || true
}
trap cleanup EXIT

step "1. install kdop: the CRDs, then the hub's ServiceAccount and least-privilege RBAC from the chart"
run kubectl apply -f charts/kdop-hub/crds/
kubectl create namespace kdop-system --dry-run=client -o yaml | kubectl apply -f - >/dev/null
# (no kubelet runs here, so not the chart's Deployment: step 2 runs the hub as its pod would)
helm template kdop charts/kdop-hub --namespace kdop-system --set hub.publicAddress=127.0.0.1:9443 \
  --show-only templates/serviceaccount.yaml --show-only templates/rbac.yaml | run kubectl apply -f -

step "2. the hub, with a token of its ServiceAccount only (as its pod would run)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/hub.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kdop
  cluster:
    server: $(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.server}')
    certificate-authority-data: $(kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
users:
- name: kdop-hub
  user:
    token: $(kubectl create token kdop-hub -n kdop-system --duration 1h)
contexts:
- name: kdop
  context: {cluster: kdop, user: kdop-hub, namespace: kdop-system}
current-context: kdop
EOF
KUBECONFIG="$work/hub.kubeconfig" java -jar hub/target/kdop-hub.jar --namespace kdop-system \
  --grpc-port "$port" --public-address "127.0.0.1:$port" --heartbeat-interval 2s --heartbeat-grace 8s \
  >"$work/hub.log" 2>&1 &
hub_pid=$!
await "the hub" grep -q "serving agents on port $port" "$work/hub.log"
echo "hub serving agents on 127.0.0.1:$port (log: $work/hub.log)"

step "3. a DockerHost"
kubectl create namespace edge --dry-run=client -o yaml | kubectl apply -f - >/dev/null
run kubectl apply -n edge -f examples/dockerhost.yaml
await "the join Secret" kubectl get secret -n edge edge-1-join
run kubectl get dockerhosts -n edge

step "4. the join command, pasted on the Docker host (here: this machine, state kept under $work)"
printf '$ kubectl get secret -n edge edge-1-join -o jsonpath=%s | base64 -d\n' "'{.data.join-command}'"
join=$(kubectl get secret -n edge edge-1-join -o jsonpath='{.data.join-command}' | base64 -d)
echo "${join}" | sed -E 's/(kdop1\.[0-9a-f]{8})[^ ]*/\1…<secret>/'
rm -rf "$work/agent-state"
# The command as published, with this checkout's jar and a state directory of the quickstart's own.
(cd edge-agent/target && eval "${join/--state-dir \/var\/lib\/kdop-agent/--state-dir $work/agent-state}" \
  >"$work/agent.log" 2>&1) &
agent_pid=$!
await "the host to connect" sh -c "kubectl get dockerhost -n edge edge-1 -o jsonpath='{.status.phase}' | grep -q Connected"
run kubectl get dockerhosts -n edge

step "5. a DockerContainer (busybox httpd) and the example DockerJob"
kubectl apply -n edge -f - <<'EOF'
apiVersion: kdop.io.vn/v1alpha1
kind: DockerContainer
metadata:
  name: web
spec:
  image: kdop-test/busybox:1
  containerName: kdop-quickstart-web
  command: ["httpd", "-f", "-p", "8080", "-h", "/tmp"]
  dockerHostRef: edge-1
EOF
run kubectl apply -n edge -f examples/dockerjob-basic.yaml
await "the container to run" sh -c "kubectl get dockercontainer -n edge web -o jsonpath='{.status.phase}' | grep -q Running"
await "the job to finish" sh -c "kubectl get dockerjob -n edge hello -o jsonpath='{.status.phase}' | grep -q Succeeded"
run kubectl get dockercontainers -n edge
run kubectl get dockerjobs -n edge
run docker ps --filter name=kdop-quickstart-web --format 'table {{.Names}}\t{{.Image}}\t{{.Status}}'
run kubectl describe dockerjob -n edge hello | sed -n '/^Events:/,$p'

step "6. clean up: deleting the namespace removes the container from the host (the hub releases each finalizer)"
run kubectl delete namespace edge --timeout=60s
echo
echo "Done. The control plane keeps running: export KUBECONFIG=$KDOP_KUBECONFIG PATH=$KDOP_KUBE_BIN:\$PATH"
echo "Stop it with scripts/kube-down.sh. More: README.md and docs/."
