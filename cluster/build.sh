#!/usr/bin/env bash
# Build the test control plane (kube-apiserver, kube-controller-manager,
# kube-scheduler, etcd, kwok) from the Go module proxy into a cache outside the
# repo: ${CUTOVER_CLUSTER_CACHE:-$HOME/.cache/cutover-cluster}/bin.
# Idempotent: a binary whose recorded stamp matches is not rebuilt.
# Usage: cluster/build.sh [--force]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${CUTOVER_CLUSTER_CACHE:-$HOME/.cache/cutover-cluster}"
BIN="$CACHE/bin"
KWOK_VERSION="v0.8.0"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

export GOTOOLCHAIN=local CGO_ENABLED=0
GO="${GO:-go}"
if ! command -v "$GO" >/dev/null 2>&1; then
  if [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; else
    echo "build.sh: go not found (need Go >= 1.26 for kwok $KWOK_VERSION)" >&2; exit 1
  fi
fi

# openssl is needed by start.sh for the certificates.
if ! command -v openssl >/dev/null 2>&1; then
  echo "build.sh: installing openssl"
  if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq openssl
fi

mkdir -p "$BIN"
GOVERSION="$("$GO" env GOVERSION)"
T_ALL=$(date +%s)

mod_version() { # module go.mod-file -> version required
  awk -v m="$1" '$1 == m || ($1 == "require" && $2 == m) { print $NF; exit }' "$2"
}
files_sum() { cat "$@" | sha256sum | cut -c1-16; }
stamp_ok() { # name stamp
  [[ $FORCE -eq 0 && -x "$BIN/$1" && -f "$BIN/.$1.stamp" && "$(cat "$BIN/.$1.stamp")" == "$2" ]]
}
timed() { # label cmd...
  local t0; t0=$(date +%s)
  echo "build.sh: $1 ..."
  "${@:2}"
  echo "build.sh: $1 done in $(( $(date +%s) - t0 ))s"
}

# --- kube-apiserver, kube-controller-manager, kube-scheduler -----------------
K8S_MOD="$HERE/k8s"
K8S_VERSION="$(mod_version k8s.io/kubernetes "$K8S_MOD/go.mod")"
K8S_MINOR="${K8S_VERSION#v1.}"; K8S_MINOR="${K8S_MINOR%%.*}"
LDFLAGS="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$K8S_MINOR"
  LDFLAGS+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
K8S_STAMP="k8s.io/kubernetes@$K8S_VERSION $GOVERSION $(files_sum "$K8S_MOD/go.mod" "$K8S_MOD/go.sum" "$K8S_MOD/tools.go" <(echo "$LDFLAGS"))"
K8S_PKGS=()
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  if stamp_ok "$c" "$K8S_STAMP"; then echo "build.sh: $c $K8S_VERSION up to date"
  else K8S_PKGS+=("k8s.io/kubernetes/cmd/$c"); fi
done
if ((${#K8S_PKGS[@]})); then
  (cd "$K8S_MOD" && timed "go build ${K8S_PKGS[*]##*/} ($K8S_VERSION)" \
    "$GO" build -trimpath -ldflags "$LDFLAGS" -o "$BIN/" "${K8S_PKGS[@]}")
  for p in "${K8S_PKGS[@]}"; do echo "$K8S_STAMP" > "$BIN/.${p##*/}.stamp"; done
fi

# --- etcd ---------------------------------------------------------------------
ETCD_MOD="$HERE/etcd"
ETCD_VERSION="$(mod_version go.etcd.io/etcd/server/v3 "$ETCD_MOD/go.mod")"
ETCD_STAMP="go.etcd.io/etcd/server/v3@$ETCD_VERSION $GOVERSION $(files_sum "$ETCD_MOD/go.mod" "$ETCD_MOD/go.sum" "$ETCD_MOD/main.go")"
if stamp_ok etcd "$ETCD_STAMP"; then echo "build.sh: etcd $ETCD_VERSION up to date"
else
  (cd "$ETCD_MOD" && timed "go build etcd ($ETCD_VERSION)" \
    "$GO" build -trimpath -ldflags "-s -w" -o "$BIN/etcd" .)
  echo "$ETCD_STAMP" > "$BIN/.etcd.stamp"
fi

# --- kwok ---------------------------------------------------------------------
KWOK_STAMP="sigs.k8s.io/kwok@$KWOK_VERSION $GOVERSION"
if stamp_ok kwok "$KWOK_STAMP"; then echo "build.sh: kwok $KWOK_VERSION up to date"
else
  timed "go install kwok ($KWOK_VERSION)" \
    env GOBIN="$BIN" "$GO" install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  echo "$KWOK_STAMP" > "$BIN/.kwok.stamp"
fi

echo "build.sh: all binaries in $BIN ($(( $(date +%s) - T_ALL ))s)"
