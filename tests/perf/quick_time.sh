#!/usr/bin/env bash
# How long `walkbench run tlb --quick` takes, the CI gate's run: the wall
# time of the run itself (its first passes plus the extra passes of
# unstable instances, context.walkbench.adaptive; waiting for another
# walkbench's run lock is not counted) and of the whole command, the extra
# passes and the instances left unstable. Exit 1 when the run took more
# than LIMIT_S (20) seconds.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$ROOT/build/walkbench}
LIMIT_S=${LIMIT_S:-20}
TMP=$(mktemp -d /tmp/wb-quick.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

t0=$(date +%s.%N)
"$WB" run tlb --quick "$@" --out "$TMP/q.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
t1=$(date +%s.%N)
if [ ! -s "$TMP/q.json" ]; then
	echo "quick_time: the run wrote no results (exit $rc): $(tail -n 1 "$TMP/err")"
	exit 1
fi
python3 - "$TMP/q.json" "$t0" "$t1" "$LIMIT_S" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
a = w.get("adaptive", {})
inst = w["instances"]
run_s = a.get("first_s", 0) + a.get("extra_s", 0)
unstable = [i for i in inst if i.get("stable") is False]
unresolved = [i for i in unstable if not i["stability"]["resolved"]]
busy = w.get("machine_busy", {})
print(f"run tlb --quick: {run_s:.1f} s (first passes {a.get('first_s', 0):.1f} s, "
      f"extra passes {a.get('extra_s', 0):.1f} s of a {a.get('extra_time_s', 0):.1f} s "
      f"budget), command {float(sys.argv[3]) - float(sys.argv[2]):.1f} s")
print(f"extra passes: {a.get('extra_passes', 0)}; unstable instances: "
      f"{len(unstable)} of {len(inst)} ({len(unresolved)} unresolved)")
print(f"other processes used {busy.get('others_cpu', float('nan')):.2f} CPUs meanwhile")
sys.exit(1 if run_s > float(sys.argv[4]) else 0)
PY
