#!/usr/bin/env bash
# Checks release/kubectl-cutover (npm run package) on a PATH that holds no node: --version, the
# cutover alias, status against a cluster the binary serves itself, and the demo's first frame in
# tmux (the wasm layout engine renders it).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/release"
[ -x "$bin/kubectl-cutover" ] || { echo "check-standalone: run npm run package first" >&2; exit 1; }

tmp=$(mktemp -d)
sim_pid=""
sock="cutover-standalone-$$"
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# PATH: the release directory and the few tools this script uses, linked one by one (the system
# node lives in /usr/bin, so /usr/bin itself cannot be on PATH).
mkdir -p "$tmp/path"
for tool in kubectl tmux grep seq sleep du cut cat rm env sh; do ln -s "$(command -v "$tool")" "$tmp/path/$tool"; done
export PATH="$bin:$tmp/path"
export HOME="$tmp" XDG_STATE_HOME="$tmp/state"
if command -v node >/dev/null; then echo "check-standalone: node is still on PATH ($(command -v node))" >&2; exit 1; fi

fail() { echo "check-standalone: $*" >&2; exit 1; }

out=$(kubectl-cutover --version) && [[ "$out" == "cutover "* ]] || fail "--version printed: $out"
out=$(cutover --version) && [[ "$out" == "cutover "* ]] || fail "cutover --version printed: $out"
out=$(kubectl cutover --version) && [[ "$out" == "cutover "* ]] || fail "kubectl cutover --version printed: $out"

kubectl-cutover sim --port 0 --scenario rolling --speed 20 --kubeconfig-out "$tmp/kc" > "$tmp/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do [ -s "$tmp/kc" ] && break; sleep 0.1; done
[ -s "$tmp/kc" ] || fail "the sim wrote no kubeconfig: $(cat "$tmp/sim.log")"
out=$(kubectl cutover --kubeconfig "$tmp/kc" status) || fail "status failed: $out"
grep -q '^web ' <<<"$out" || fail "status did not list web: $out"

tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 30 "TERM=xterm-256color kubectl-cutover --demo; sleep 60"
for _ in $(seq 1 150); do
  screen=$(tmux -L "$sock" capture-pane -p)
  grep -q 'SIMULATED CLUSTER' <<<"$screen" && grep -qF 'shop [canary]' <<<"$screen" && break
  sleep 0.2
done
grep -qF 'shop [canary]' <<<"$screen" || fail "the demo's first frame did not appear: $screen"
echo "check-standalone: ok ($(du -h "$bin/kubectl-cutover" | cut -f1)): --version, cutover alias, kubectl plugin, status, demo frame, no node on PATH"
