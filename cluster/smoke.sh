#!/usr/bin/env bash
# Hand-run smoke test of the test control plane: start, roll out a Deployment,
# set image, check EndpointSlices, Jobs, readiness/termination annotations and
# the viewer user, stop and start again on the same data (--keep), stop.
# Usage: cluster/smoke.sh [STATE_DIR]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${1:-$(mktemp -d "${TMPDIR:-/tmp}/cutover-smoke.XXXXXX")}"

t0=$(date +%s.%N)
"$HERE/start.sh" "$DIR" >/dev/null
trap '"$HERE/stop.sh" "$DIR"' EXIT
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }'; }
echo "smoke: start.sh took $(since "$t0")"
export KUBECONFIG="$DIR/kubeconfig"
k() { kubectl --request-timeout=10s "$@"; }
ok() { echo "smoke: ok - $*"; }
die() { echo "smoke: FAIL - $*" >&2; k get pods -o wide >&2 || true; exit 1; }

k apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {sim.cutover.io/ready-after: "2", sim.cutover.io/shutdown-after: "1"}
    spec:
      containers: [{name: web, image: "nginx:1.25", ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
EOF
t=$(date +%s.%N)
k rollout status deploy/web --timeout=60s >/dev/null || die "initial rollout"
ok "initial rollout of 3 pods (ready-after 2s) in $(since "$t")"

ready_endpoints() {
  k get endpointslices -l kubernetes.io/service-name=web \
    -o jsonpath='{range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]}{"\n"}{end}' | grep -c . || true
}
for _ in $(seq 1 50); do [[ "$(ready_endpoints)" == 3 ]] && break; sleep 0.2; done
[[ "$(ready_endpoints)" == 3 ]] || die "expected 3 ready endpoints, got $(ready_endpoints)"
ok "EndpointSlice has 3 ready endpoints"

t=$(date +%s.%N)
k set image deploy/web web=nginx:1.26 >/dev/null
k rollout status deploy/web --timeout=90s >/dev/null || die "rollout after set image"
ok "set image rollout (maxSurge 1, maxUnavailable 0) in $(since "$t")"
[[ "$(k get rs -l app=web --no-headers | wc -l)" == 2 ]] || die "expected 2 ReplicaSets"
for _ in $(seq 1 50); do [[ "$(ready_endpoints)" == 3 ]] && break; sleep 0.2; done
[[ "$(ready_endpoints)" == 3 ]] || die "expected 3 ready endpoints after rollout"
ok "EndpointSlice back to 3 ready endpoints"

# Graceful deletion: grace period 4s, no shutdown-after -> Terminating ~4s.
k run grace --image=busybox --restart=Never --overrides='{"spec":{"terminationGracePeriodSeconds":4}}' >/dev/null
k wait pod/grace --for=condition=Ready --timeout=30s >/dev/null || die "pod grace not ready"
t=$(date +%s.%N)
k delete pod grace --wait=false >/dev/null
sleep 2
k get pod grace >/dev/null 2>&1 || die "pod deleted before its grace period"
k wait pod/grace --for=delete --timeout=30s >/dev/null || die "pod not deleted after grace"
ok "pod with 4s grace period deleted after $(since "$t")"

# never-ready pod.
k run never --image=busybox --restart=Never --annotations=sim.cutover.io/never-ready=true >/dev/null
sleep 3
[[ "$(k get pod never -o jsonpath='{.status.phase}/{.status.conditions[?(@.type=="Ready")].status}')" == Running/False ]] \
  || die "never-ready pod: $(k get pod never -o jsonpath='{.status.phase}')"
ok "never-ready pod Running, Ready=False"
k delete pod never --grace-period=0 --force >/dev/null 2>&1 || true

# Jobs: success after exit-after, failure with exit-code.
k apply -f - >/dev/null <<'EOF'
apiVersion: batch/v1
kind: Job
metadata: {name: ok}
spec:
  template:
    metadata: {annotations: {sim.cutover.io/exit-after: "1"}}
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: bad}
spec:
  backoffLimit: 0
  template:
    metadata: {annotations: {sim.cutover.io/exit-after: "1", sim.cutover.io/exit-code: "3"}}
    spec:
      restartPolicy: Never
      containers: [{name: main, image: busybox}]
EOF
t=$(date +%s.%N)
k wait job/ok --for=condition=Complete --timeout=60s >/dev/null || die "job ok did not complete"
ok "Job ok Complete in $(since "$t")"
k wait job/bad --for=condition=Failed --timeout=60s >/dev/null || die "job bad did not fail"
ok "Job bad Failed ($(k get pods -l job-name=bad -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}'))"

# Viewer context: read-only.
k --context=cutover-viewer get pods >/dev/null || die "viewer cannot list pods"
if k --context=cutover-viewer delete deploy/web >/dev/null 2>&1; then die "viewer could delete"; fi
ok "viewer can read, cannot delete"

# Stopped and started again on the same etcd data: the objects are still there.
"$HERE/stop.sh" "$DIR" >/dev/null 2>&1
t=$(date +%s.%N)
"$HERE/start.sh" "$DIR" --keep >/dev/null
[[ "$(k get deploy web -o jsonpath='{.status.readyReplicas}')" == 3 ]] || die "deploy/web not back with 3 ready after start.sh --keep"
k --context=cutover-viewer get pods >/dev/null || die "viewer cannot list pods after start.sh --keep"
ok "start.sh --keep: back in $(since "$t") with deploy/web 3/3 ready"
echo "smoke: PASS ($(since "$t0") total)"
