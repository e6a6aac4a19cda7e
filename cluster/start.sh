#!/usr/bin/env bash
# Start a real Kubernetes control plane for tests: etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (playing the kubelet of one
# fake node, kwok-node-0), all on 127.0.0.1 with free ports.
#
# Usage: cluster/start.sh [STATE_DIR] [--keep]   (or env CUTOVER_CLUSTER_DIR; default a new temp dir)
# --keep: start on STATE_DIR's etcd data, as a stopped control plane left it (every object kept:
# a namespace filled with 50,000 pods is back in seconds instead of a fill of half an hour).
# State dir: certs/, logs/, pids/, etcd/, kubeconfig (contexts cutover-admin and
# cutover-viewer), env (ports and paths, sourceable). Stop with cluster/stop.sh STATE_DIR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${CUTOVER_CLUSTER_CACHE:-$HOME/.cache/cutover-cluster}"
BIN="$CACHE/bin"
T0=$(date +%s.%N)

KEEP=0
ARGS=()
for a in "$@"; do
  case "$a" in
    --keep) KEEP=1 ;;
    *) ARGS+=("$a") ;;
  esac
done
DIR="${ARGS[0]:-${CUTOVER_CLUSTER_DIR:-}}"
if [[ -z "$DIR" ]]; then DIR="$(mktemp -d "${TMPDIR:-/tmp}/cutover-cluster.XXXXXX")"; fi
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
if [[ -d "$DIR/pids" ]] && ls "$DIR"/pids/*.pid >/dev/null 2>&1; then
  echo "start.sh: $DIR has pid files; run cluster/stop.sh $DIR first" >&2; exit 1
fi
if (( KEEP )); then
  [[ -d "$DIR/etcd" ]] || { echo "start.sh: --keep: $DIR/etcd does not exist (start without --keep to make a new control plane)" >&2; exit 1; }
  rm -rf "$DIR/pids"
else
  rm -rf "$DIR/etcd" "$DIR/pids"
fi
mkdir -p "$DIR/certs" "$DIR/logs" "$DIR/pids"

log() { echo "start.sh: $*" >&2; }
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }'; }
fail() {
  log "FAILED: $*"
  for f in "$DIR"/logs/*.log; do [[ -s "$f" ]] && { echo "--- tail $f" >&2; tail -n 15 "$f" >&2; }; done
  "$HERE/stop.sh" "$DIR" >&2 || true
  exit 1
}

for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok; do
  [[ -x "$BIN/$b" ]] || { log "missing $BIN/$b, running build.sh"; "$HERE/build.sh"; break; }
done
command -v kubectl >/dev/null || { log "kubectl not found"; exit 1; }
command -v openssl >/dev/null || { log "openssl not found (cluster/build.sh installs it)"; exit 1; }

# --- ports ----------------------------------------------------------------------
free_ports() { # n -> n distinct free ports on 127.0.0.1
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}
read -r ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT KWOK_PORT < <(free_ports 6)
API="https://127.0.0.1:$API_PORT"

# --- certificates, keys, tokens --------------------------------------------------
C="$DIR/certs"
(
  cd "$C"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
    -subj "/CN=cutover-test-ca" 2>/dev/null
  cat > server.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
    -subj "/CN=kube-apiserver" 2>/dev/null
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
    -out apiserver.crt -days 3650 -extfile server.ext 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
) || fail "openssl"
tok() { openssl rand -hex 24; }
ADMIN_TOKEN=$(tok); VIEWER_TOKEN=$(tok); KCM_TOKEN=$(tok); SCHED_TOKEN=$(tok); KWOK_TOKEN=$(tok)
cat > "$C/tokens.csv" <<EOF
$ADMIN_TOKEN,cutover-admin,cutover-admin,"system:masters"
$VIEWER_TOKEN,cutover-viewer,cutover-viewer
$KCM_TOKEN,system:kube-controller-manager,system:kube-controller-manager,"system:masters"
$SCHED_TOKEN,system:kube-scheduler,system:kube-scheduler,"system:masters"
$KWOK_TOKEN,system:kwok-controller,system:kwok-controller,"system:masters"
EOF
chmod 600 "$C"/*.key "$C/tokens.csv"

kubeconfig() { # file user token [context]
  local f="$1"
  kubectl config --kubeconfig="$f" set-cluster cutover --server="$API" \
    --certificate-authority="$C/ca.crt" --embed-certs=true >/dev/null
  kubectl config --kubeconfig="$f" set-credentials "$2" --token="$3" >/dev/null
  kubectl config --kubeconfig="$f" set-context "${4:-$2}" --cluster=cutover --user="$2" \
    --namespace=default >/dev/null
  kubectl config --kubeconfig="$f" use-context "${4:-$2}" >/dev/null
}
KC="$DIR/kubeconfig"
rm -f "$KC"
kubeconfig "$KC" cutover-viewer "$VIEWER_TOKEN"
kubeconfig "$KC" cutover-admin "$ADMIN_TOKEN" # last one is the current context
kubeconfig "$C/kube-controller-manager.kubeconfig" kube-controller-manager "$KCM_TOKEN"
kubeconfig "$C/kube-scheduler.kubeconfig" kube-scheduler "$SCHED_TOKEN"
kubeconfig "$C/kwok.kubeconfig" kwok "$KWOK_TOKEN"
chmod 600 "$KC" "$C"/*.kubeconfig

cat > "$DIR/env" <<EOF
CUTOVER_CLUSTER_DIR=$DIR
KUBECONFIG=$KC
CUTOVER_CLUSTER_SERVER=$API
ETCD_PORT=$ETCD_PORT
API_PORT=$API_PORT
EOF

# --- processes ------------------------------------------------------------------
launch() { # name args...
  local name="$1"; shift
  setsid "$BIN/$name" "$@" >"$DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$DIR/pids/$name.pid"
}
alive() { kill -0 "$(cat "$DIR/pids/$1.pid")" 2>/dev/null; }
wait_for() { # name seconds cmd...
  local name="$1" secs="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || fail "$name exited"
    (( $(date +%s) < deadline )) || fail "timed out waiting for $name"
    sleep 0.2
  done
}
K() { kubectl --kubeconfig="$KC" --request-timeout=10s "$@"; }

launch etcd \
  --name=cutover --data-dir="$DIR/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="cutover=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync=true --log-level=warn
wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
log "etcd up ($(elapsed))"

launch kube-apiserver \
  --advertise-address=127.0.0.1 --bind-address=127.0.0.1 --secure-port="$API_PORT" \
  --cert-dir="$C" --tls-cert-file="$C/apiserver.crt" --tls-private-key-file="$C/apiserver.key" \
  --client-ca-file="$C/ca.crt" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --service-cluster-ip-range=10.0.0.0/24 \
  --service-account-issuer="$API/" \
  --service-account-key-file="$C/sa.pub" --service-account-signing-key-file="$C/sa.key" \
  --token-auth-file="$C/tokens.csv" \
  --authorization-mode=RBAC --allow-privileged=true \
  --disable-admission-plugins=TaintNodesByCondition \
  --enable-priority-and-fairness=false --profiling=false --v=1
wait_for kube-apiserver 90 curl -sfk -H "Authorization: Bearer $ADMIN_TOKEN" "$API/readyz"
log "kube-apiserver ready on $API ($(elapsed))"

# The controllers' and the scheduler's client rate (defaults 20 and 50 QPS) would take many
# minutes to create and bind 50,000 pods; the bench fills that many.
CLIENT_QPS="${CUTOVER_CLUSTER_QPS:-1000}"
CLIENT_BURST=$((CLIENT_QPS * 2))
CONTROLLERS=deployment-controller,replicaset-controller,statefulset-controller,daemonset-controller
CONTROLLERS+=,job-controller,cronjob-controller,ttl-after-finished-controller
CONTROLLERS+=,endpoints-controller,endpointslice-controller,endpointslice-mirroring-controller
CONTROLLERS+=,garbage-collector-controller,namespace-controller,disruption-controller
CONTROLLERS+=,pod-garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller
CONTROLLERS+=,clusterrole-aggregation-controller,root-ca-certificate-publisher-controller
launch kube-controller-manager \
  --kubeconfig="$C/kube-controller-manager.kubeconfig" \
  --authentication-kubeconfig="$C/kube-controller-manager.kubeconfig" \
  --authorization-kubeconfig="$C/kube-controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$DIR/certs/kcm" \
  --leader-elect=false --controllers="$CONTROLLERS" \
  --service-account-private-key-file="$C/sa.key" --root-ca-file="$C/ca.crt" \
  --service-cluster-ip-range=10.0.0.0/24 \
  --kube-api-qps="$CLIENT_QPS" --kube-api-burst="$CLIENT_BURST" --v=1

launch kube-scheduler \
  --kubeconfig="$C/kube-scheduler.kubeconfig" \
  --authentication-kubeconfig="$C/kube-scheduler.kubeconfig" \
  --authorization-kubeconfig="$C/kube-scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$DIR/certs/scheduler" \
  --leader-elect=false --kube-api-qps="$CLIENT_QPS" --kube-api-burst="$CLIENT_BURST" --v=1

# The fake node kwok plays the kubelet for. There is no node-lifecycle controller
# (nothing sends kubelet heartbeats), so the TaintNodesByCondition admission
# plugin is off: its node.kubernetes.io/not-ready taint would never be removed.
K apply -f - >/dev/null <<EOF || fail "create node"
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/hostname: kwok-node-0
    kubernetes.io/os: linux
    kubernetes.io/role: agent
    node-role.kubernetes.io/agent: ""
EOF

launch kwok \
  --kubeconfig="$C/kwok.kubeconfig" \
  --manage-all-nodes=false \
  --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --config="$HERE/kwok/stages.yaml" \
  --cidr=10.244.0.0/16 --node-ip=10.1.0.1 \
  --server-address="127.0.0.1:$KWOK_PORT" \
  --v=WARN # at INFO it logs every patch: a line per pod stage

node_ready() {
  [[ "$(K get node kwok-node-0 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}
wait_for kwok 60 node_ready
log "node kwok-node-0 Ready ($(elapsed))"
wait_for kube-controller-manager 60 K get serviceaccount default -n default
alive kube-scheduler || fail "kube-scheduler exited"

# Read-only user: the built-in aggregated "view" role (filled in by the
# clusterrole-aggregation controller).
K get clusterrolebinding cutover-viewer >/dev/null 2>&1 \
  || K create clusterrolebinding cutover-viewer --clusterrole=view --user=cutover-viewer >/dev/null \
  || fail "viewer binding"
view_ready() { [[ "$(K auth can-i list pods --as=cutover-viewer)" == yes ]]; }
wait_for kube-controller-manager 30 view_ready

log "control plane up in $(elapsed): $DIR"
echo "export KUBECONFIG=$KC"
