#!/usr/bin/env bash
# Shows that the deterministic simulator finds real bugs. For each deliberately broken variant
# of the core in planted-bugs/*.patch: copy the committed tree to a scratch directory, apply the
# patch there (production code in this repository is never touched), build, and run the
# simulator over seeds 1..MAX_SEEDS until one fails. Prints, per bug, the first failing seed,
# the violated property and the time it took; exits non-zero if any bug escapes.
#
# A patch may start with a line '# sim-options: ...' (before the diff, which git apply ignores)
# naming simulator options the bug needs, e.g. '--nodes 5' for Figure 8, which needs five voters.
#
# usage: verification/run-planted-bugs.sh [MAX_SEEDS] [PATCH...]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
max_seeds="${1:-500}"
shift || true
patches=("$@")
if [ ${#patches[@]} -eq 0 ]; then
  patches=("$repo"/verification/planted-bugs/*.patch)
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
escaped=0
printf '%-42s %-8s %-28s %s\n' "planted bug" "seed" "property" "time to catch"
for patch in "${patches[@]}"; do
  name="$(basename "$patch" .patch)"
  work="$scratch/$name"
  mkdir -p "$work"
  git -C "$repo" archive HEAD | tar -x -C "$work"
  (cd "$work" && git apply "$patch")
  (cd "$work" && ./mvnw -B -q package -DskipTests -Djacoco.skip=true -Dforbiddenapis.skip=true -pl sim -am) >"$work/build.log" 2>&1 \
    || { echo "$name: the patched tree does not build, see $work/build.log"; cat "$work/build.log"; exit 2; }
  cp="$work/sim/target/classes:$work/raft/target/classes:$work/kv/target/classes:$work/node/target/classes:$work/log/target/classes"
  start=$(date +%s%N)
  set +e
  options="$(sed -n 's/^# sim-options: *//p' "$patch" | head -1)"
  # shellcheck disable=SC2086
  java -cp "$cp" io.ostraka.sim.SimMain --seeds "1-$max_seeds" $options >"$work/sim.log" 2>&1
  status=$?
  set -e
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  elapsed="$((elapsed_ms / 1000)).$(( (elapsed_ms % 1000) / 100 ))"
  if [ $status -eq 1 ]; then
    line="$(grep -m1 'FAILED' "$work/sim.log")"
    seed="$(echo "$line" | awk '{print $2}')"
    property="$(echo "$line" | sed 's/.*FAILED //')"
    printf '%-42s %-8s %-28s %s s %s\n' "$name" "$seed" "$property" "$elapsed" "$options"
  else
    printf '%-42s %-8s %-28s %s s\n' "$name" "-" "NOT CAUGHT in $max_seeds seeds" "$elapsed"
    escaped=$((escaped + 1))
  fi
done
exit $escaped
