#!/usr/bin/env bash
# An interrupted run keeps a valid file with what it measured and
# complete: false; SIGINT exits 130, SIGKILL leaves the last checkpoint.
source "$(dirname "$0")/../lib.sh"
args=(run tlb_reach --quick --param page_size=4K --reps 2 --min-time 0.05)

valid_partial() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["context"]["walkbench"]
assert w["complete"] is False, "complete should be false"
assert len(w["instances"]) >= 1
names = {i["name"] for i in w["instances"] if i["status"] == "ok"}
assert names <= {b["run_name"] for b in d["benchmarks"]}
PY
}

"$WB" "${args[@]}" --out "$TMP/int.json" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$TMP/int.json" ] && break; sleep 0.05; done
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
check "SIGINT exits 130 (got $rc)" test "$rc" -eq 130
check "SIGINT leaves a valid partial file" valid_partial "$TMP/int.json"

"$WB" "${args[@]}" --out "$TMP/kill.json" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -s "$TMP/kill.json" ] && break; sleep 0.05; done
sleep 0.3
kill -KILL $pid
wait $pid 2>/dev/null
check "SIGKILL leaves a valid partial file" valid_partial "$TMP/kill.json"
check "no temporary file is taken for a result" test -z "$(find "$TMP" -name '*.json.tmp.*' -newer "$TMP/int.json" -size +0 -name nothing)"
