#!/usr/bin/env bash
# Smoke test of the README's run command through the real launcher: ./ostraka local starts a
# cluster (building the distribution if needed), a write on one node is read on another, and
# SIGTERM stops every node. Ports are offset from the defaults so a running Redis is no obstacle.
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(mktemp -d)"
log="$data/local.log"
./ostraka local --nodes 3 --data "$data" --resp-port 26379 --peer-port 27379 --grpc-port 25379 --http-port 28379 >"$log" 2>&1 &
pid=$!
cleanup() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pkill -f -- "--data-dir $data/" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 300); do
  if grep -q "cluster is ready" "$log"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "smoke: ostraka local exited early" >&2; exit 1; fi
  sleep 1
done
grep -q "cluster is ready" "$log" || { tail -50 "$log"; echo "smoke: no ready line" >&2; exit 1; }
./ostraka put smoke "$(date +%s)" --endpoints 127.0.0.1:25379 >/dev/null
value="$(./ostraka get smoke --endpoints 127.0.0.1:25381)"
[ -n "$value" ] || { echo "smoke: read on another node returned nothing" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
sleep 1
if pgrep -f -- "--data-dir $data/" >/dev/null; then echo "smoke: nodes still running after SIGTERM" >&2; exit 1; fi
rm -rf "$data"
echo "smoke: ./ostraka local started, served a write and a read on another node, and stopped"
