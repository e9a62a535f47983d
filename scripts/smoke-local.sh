#!/usr/bin/env bash
# Smoke test of the README's run command through the real launcher: ./ostraka local starts a
# cluster (building the distribution if needed), a write on one node is read on another, and
# SIGTERM stops every node. Ports are a free block picked at random (another run on the same
# machine, or a running Redis, is no obstacle); a block taken between the check and the bind is
# retried with another.
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(mktemp -d)"
log="$data/local.log"
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pkill -f -- "--data-dir $data/" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

# True if nothing accepts connections on 127.0.0.1:$1 (bash's /dev/tcp: no extra tools needed).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A base port b in 20000..31967 with b..b+32 free: RESP b.., peer b+10.., gRPC b+20.., HTTP b+30...
# Below the kernel's ephemeral range (32768 up), where outgoing connections, the nodes' own among
# them, take ports at random between our check and the bind.
pick_base() {
  local base p ok
  for _ in $(seq 1 50); do
    base=$((20000 + (RANDOM * 32768 + RANDOM) % 11968))
    ok=1
    for p in $(seq "$base" $((base + 32))); do
      port_free "$p" || { ok=0; break; }
    done
    [ "$ok" = 1 ] && { echo "$base"; return 0; }
  done
  echo "smoke: no free block of ports found" >&2
  return 1
}

ready=0
for attempt in 1 2 3; do
  base="$(pick_base)"
  rm -rf "${data:?}"/node-* "$log"
  ./ostraka local --nodes 3 --data "$data" --resp-port "$base" --peer-port $((base + 10)) \
      --grpc-port $((base + 20)) --http-port $((base + 30)) >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    if grep -q "cluster is ready" "$log"; then ready=1; break; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 1
  done
  [ "$ready" = 1 ] && break
  wait "$pid" 2>/dev/null || true
  pid=""
  if grep -qiE "address already in use|is in use" "$log"; then
    echo "smoke: ports from $base were taken meanwhile (attempt $attempt); trying others" >&2
    continue
  fi
  tail -50 "$log"
  echo "smoke: ostraka local exited early or printed no ready line" >&2
  exit 1
done
[ "$ready" = 1 ] || { tail -50 "$log"; echo "smoke: no free ports after 3 attempts" >&2; exit 1; }
./ostraka put smoke "$(date +%s)" --endpoints "127.0.0.1:$((base + 20))" >/dev/null
value="$(./ostraka get smoke --endpoints "127.0.0.1:$((base + 22))")"
[ -n "$value" ] || { echo "smoke: read on another node returned nothing" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
sleep 1
if pgrep -f -- "--data-dir $data/" >/dev/null; then echo "smoke: nodes still running after SIGTERM" >&2; exit 1; fi
rm -rf "$data"
echo "smoke: ./ostraka local started, served a write and a read on another node, and stopped"
