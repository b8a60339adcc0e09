#!/usr/bin/env bash
# Every run is pinned: by default to the last CPU it may use, with --cpu to
# the one asked for; the results say so before and after the timed runs,
# and a kernel that needs a second CPU gets one where the machine has two.
source "$(dirname "$0")/../lib.sh"
if ! command -v python3 >/dev/null; then
	skip "pinning" "python3 not installed (needed to read the results)"
	exit 0
fi
last=$(($(nproc) - 1))
args=(tlb_reach --param page_size=4K --param pages=16 --reps 2 --min-time 0.01)
pinned() { # FILE CPU
	python3 - "$1" "$2" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
cpu = int(sys.argv[2])
assert w["pinned_cpu"] == cpu, w["pinned_cpu"]
for i in w["instances"]:
    assert i["pinned_cpu"] == cpu and i["pinned_cpu_after"] == cpu, i
PY
}
expect_exit 0 "default run" "$WB" run "${args[@]}" --out "$TMP/d.json"
check "default: pinned to the last CPU ($last), said on stderr" grep -q "pinned to CPU $last$" "$TMP/err"
check "default: results pinned to CPU $last before and after" pinned "$TMP/d.json" "$last"
expect_exit 0 "--cpu 0" "$WB" run "${args[@]}" --cpu 0 --out "$TMP/z.json"
check "--cpu 0: results pinned to CPU 0" pinned "$TMP/z.json" 0
if [ "$(nproc)" -lt 2 ]; then
	skip "second CPU" "this machine has one CPU"
	exit 0
fi
expect_exit 0 "shootdown with a reader thread" "$WB" run shootdown --param op=1 \
	--param pages=1 --param threads=2 --reps 2 --min-time 0.01 --out "$TMP/s.json"
check "the reader thread got the other CPU (not 'missing')" python3 -c "
import json, sys
w = json.load(open('$TMP/s.json'))['context']['walkbench']
st = [i['status'] for i in w['instances']]
sys.exit(not st or 'missing' in st)"
