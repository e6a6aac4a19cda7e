#!/usr/bin/env bash
# Stop a control plane started by cluster/start.sh. Keeps logs (and the rest of
# the state dir); pass --clean to remove the state dir afterwards.
# Usage: cluster/stop.sh [STATE_DIR] [--clean]     (or env CUTOVER_CLUSTER_DIR)
set -uo pipefail

CLEAN=0 DIR=""
for a in "$@"; do
  case "$a" in --clean) CLEAN=1 ;; *) DIR="$a" ;; esac
done
DIR="${DIR:-${CUTOVER_CLUSTER_DIR:-}}"
[[ -n "$DIR" && -d "$DIR" ]] || { echo "stop.sh: usage: stop.sh STATE_DIR [--clean]" >&2; exit 1; }

# Only signal a pid that still runs the binary we started (pids get reused).
ours() { # name pid
  [[ -r "/proc/$2/cmdline" ]] && tr '\0' '\n' < "/proc/$2/cmdline" | head -n1 | grep -q "/$1\$"
}

for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
  f="$DIR/pids/$name.pid"
  [[ -f "$f" ]] || continue
  pid="$(cat "$f")"
  if ours "$name" "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 50); do ours "$name" "$pid" || break; sleep 0.2; done
    if ours "$name" "$pid"; then
      echo "stop.sh: $name ($pid) did not stop on SIGTERM, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
    echo "stop.sh: stopped $name ($pid)" >&2
  fi
  rm -f "$f"
done

if ((CLEAN)); then rm -rf "$DIR"; else echo "stop.sh: logs kept in $DIR/logs" >&2; fi
