#!/usr/bin/env bash
# Starts a real Kubernetes control plane on loopback for the real-API test tier and for trying
# kdop by hand: etcd, kube-apiserver (RBAC on, service-account tokens) and
# kube-controller-manager (garbage collector, namespace deletion, service-account tokens).
# No kubelet and no nodes: kdop's hub runs beside it as a process.
#
#   scripts/kube-up.sh      # builds what is missing (scripts/kube-build.sh), starts, writes a kubeconfig
#   scripts/kube-down.sh    # stops it; KDOP_KUBE_WIPE=1 also deletes its data
#
# Idempotent: when the API server already answers, it only prints where. Settings (environment):
#   KDOP_KUBE_STATE  state directory (certificates, etcd data, logs, kubeconfig); default /tmp/kdop-kube
#   KDOP_KUBE_PORT   the API server's port on 127.0.0.1; default 16443
#   KDOP_ETCD_PORT   etcd's client port on 127.0.0.1 (peer port is one above); default 12379
# Writes $KDOP_KUBE_STATE/kube.env (KDOP_KUBECONFIG=..., KDOP_KUBE_BIN=...) for scripts to source,
# and prints where the kubeconfig is.
set -euo pipefail
cd "$(dirname "$0")/.."
# The daemons must not keep file descriptors of whoever started them: run under `flock LOCK cmd`,
# they would hold that lock for as long as they live.
exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-

state=${KDOP_KUBE_STATE:-/tmp/kdop-kube}
port=${KDOP_KUBE_PORT:-16443}
etcd_port=${KDOP_ETCD_PORT:-12379}
start=$(date +%s)

bin=$(scripts/kube-build.sh | sed -n 's/^KDOP_KUBE_BIN=//p')
[ -x "$bin/kube-apiserver" ] || { echo "kube-up: the Kubernetes binaries are missing (scripts/kube-build.sh failed)" >&2; exit 1; }
command -v openssl >/dev/null 2>&1 || { echo "kube-up: openssl is needed to make the certificates" >&2; exit 1; }

pki="$state/pki"
admin="$state/admin.kubeconfig"
mkdir -p "$pki" "$state/logs"

ready() {
  [ -f "$admin" ] && "$bin/kubectl" --kubeconfig "$admin" get --raw /readyz >/dev/null 2>&1
}

write_env() {
  printf 'KDOP_KUBECONFIG=%s\nKDOP_KUBE_BIN=%s\n' "$admin" "$bin" > "$state/kube.env"
}

if ready; then
  write_env
  echo "kube-up: already running on https://127.0.0.1:$port; export KUBECONFIG=$admin PATH=$bin:\$PATH"
  exit 0
fi

# --- certificates: one CA for serving and client certificates, a service-account key pair ---
if [ ! -f "$pki/ca.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=kdop-test-kubernetes-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
fi
issue() { # name subject [extensions]
  local name=$1 subject=$2 ext=${3:-}
  [ -f "$pki/$name.crt" ] && return 0
  openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
  if [ -n "$ext" ]; then
    printf '%s\n' "$ext" > "$pki/$name.ext"
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 3650 \
      -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  else
    openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 3650 \
      -out "$pki/$name.crt" 2>/dev/null
  fi
}
issue apiserver "/CN=kube-apiserver" \
  "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
issue admin "/O=system:masters/CN=kubernetes-admin" "extendedKeyUsage=clientAuth"
issue controller-manager "/O=system:masters/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"

kubeconfig() { # file user
  local file=$1 user=$2
  cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kdop-test
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$pki/$user.crt")
    client-key-data: $(base64 -w0 "$pki/$user.key")
contexts:
- name: kdop-test
  context:
    cluster: kdop-test
    user: $user
current-context: kdop-test
EOF
  chmod 600 "$file"
}
kubeconfig "$admin" admin
kubeconfig "$state/controller-manager.kubeconfig" controller-manager

stop_pid() { # pidfile: only a process of ours (a stale pid may belong to someone else by now)
  if [ -f "$1" ]; then
    local pid
    pid=$(cat "$1")
    if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "^$bin/"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$1"
  fi
}

# --- etcd ---
if ! curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null 2>&1; then
  stop_pid "$state/etcd.pid"
  nohup "$bin/etcd" --name kdop-test --data-dir "$state/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
    --initial-cluster "kdop-test=http://127.0.0.1:$((etcd_port + 1))" \
    --unsafe-no-fsync --quota-backend-bytes 2147483648 --log-level warn \
    >"$state/logs/etcd.log" 2>&1 &
  echo $! > "$state/etcd.pid"
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$etcd_port/health" >/dev/null 2>&1 || {
    echo "kube-up: etcd did not start; its log ($state/logs/etcd.log):" >&2; tail -20 "$state/logs/etcd.log" >&2; exit 1; }
fi

# --- kube-apiserver ---
stop_pid "$state/kube-apiserver.pid"
nohup "$bin/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --api-audiences https://kubernetes.default.svc.cluster.local \
  --authorization-mode RBAC \
  --service-cluster-ip-range 10.96.0.0/16 \
  --endpoint-reconciler-type none \
  --allow-privileged=true --profiling=false \
  --cert-dir "$state/apiserver-certs" \
  >"$state/logs/kube-apiserver.log" 2>&1 &
echo $! > "$state/kube-apiserver.pid"
for _ in $(seq 1 300); do
  ready && break
  kill -0 "$(cat "$state/kube-apiserver.pid")" 2>/dev/null || break
  sleep 0.2
done
ready || {
  echo "kube-up: kube-apiserver did not become ready; its log ($state/logs/kube-apiserver.log):" >&2
  tail -30 "$state/logs/kube-apiserver.log" >&2; exit 1; }

# --- kube-controller-manager ---
stop_pid "$state/kube-controller-manager.pid"
nohup "$bin/kube-controller-manager" \
  --kubeconfig "$state/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$state/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --use-service-account-credentials=false \
  --controllers 'garbagecollector,namespace,serviceaccount,serviceaccount-token,endpointslice,ttl-after-finished' \
  >"$state/logs/kube-controller-manager.log" 2>&1 &
echo $! > "$state/kube-controller-manager.pid"
# The controller manager is up when it has created the default namespace's service account.
for _ in $(seq 1 150); do
  "$bin/kubectl" --kubeconfig "$admin" get serviceaccount default -n default >/dev/null 2>&1 && break
  kill -0 "$(cat "$state/kube-controller-manager.pid")" 2>/dev/null || break
  sleep 0.2
done
"$bin/kubectl" --kubeconfig "$admin" get serviceaccount default -n default >/dev/null 2>&1 || {
  echo "kube-up: kube-controller-manager did not start; its log ($state/logs/kube-controller-manager.log):" >&2
  tail -30 "$state/logs/kube-controller-manager.log" >&2; exit 1; }

echo "kube-up: Kubernetes $("$bin/kubectl" --kubeconfig "$admin" version -o json | sed -n '/serverVersion/,$ s/.*"gitVersion": "\(.*\)".*/\1/p' | head -1) on https://127.0.0.1:$port in $(( $(date +%s) - start ))s (state in $state)"
write_env
echo "kube-up: export KUBECONFIG=$admin PATH=$bin:\$PATH"
