#!/usr/bin/env bash
# The functional grid: a quick run on an emulated (TCG) CPU measures the
# fewest points that exercise every fact and check, one repetition in one
# pass, and its file says so and why; --grid chooses either way on any
# machine, and a bad grid is refused; validate leaves the timing checks of
# the emulated run NOT CHECKABLE HERE. The emulated CPU is a stand-in
# identity (build/walkbench-ident), so no guest has to boot.
source "$(dirname "$0")/../lib.sh"
WBI=$(dirname "$WB")/walkbench-ident
if [ ! -x "$WBI" ]; then
	skip "functional grid" "build/walkbench-ident not built (make test builds it)"
	exit 0
fi
CPU="vendor=GenuineIntel;family=6;model=167;model_name=Stand-in CPU 167"
TCG="$CPU;hypervisor=TCGTCGTCGTCG"
KVM="$CPU;hypervisor=KVMKVMKVM"
ctx() { python3 - "$@"; }

expect_exit 0 "quick run on an emulated CPU" env WB_TEST_IDENTITY="$TCG" \
	"$WBI" run tlb_reach --quick --min-time 0.01 --out "$TMP/f.json"
check "emulated quick run: grid functional, one repetition, one pass" ctx "$TMP/f.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["context"]["walkbench"]
assert w["grid"] == "functional", w["grid"]
assert w["grid_reason"] == ("emulated: timings are not results; the fewest "
                            "points that exercise every fact and check"), w["grid_reason"]
assert w["emulated"] is True and w["passes"] == 1 and w["repetitions"] == 1, w
names = [i["name"] for i in w["instances"]]
assert names == ["tlb_reach/page_size:%s/pages:8" % p
                 for p in ("4K", "16K", "64K", "2M")], names
for i in w["instances"]:
    reps = [b for b in d["benchmarks"]
            if b["name"] == i["name"] and b.get("run_type") == "iteration"]
    assert i["status"] != "ok" or len(reps) == 1, (i["name"], len(reps))
PY
expect_exit 4 "validate: nothing but timings to check in it" "$WB" validate --json "$TMP/f.json"
check "validate: the knees NOT CHECKABLE on the emulated CPU" python3 -c "
import json
j = json.load(open('$TMP/out'))
knees = [r for r in j['rows'] if r['quantity'].endswith('_reach_pages')]
assert knees, j['rows']
assert all(r['verdict'] == 'NOT CHECKABLE HERE' and r['source'] == 'emulated CPU (TCG)'
           for r in knees), knees
"

expect_exit 0 "--grid sweep on the emulated CPU" env WB_TEST_IDENTITY="$TCG" \
	"$WBI" run tlb_reach --quick --grid sweep --param pages=16 --reps 1 \
	--min-time 0.01 --out "$TMP/s.json"
check "--grid sweep: the sweep, said so" ctx "$TMP/s.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
assert w["grid"] == "sweep" and w["grid_reason"].startswith("--grid sweep"), w
assert len(w["instances"]) == 4, w["instances"]
PY

expect_exit 0 "quick run on a CPU that is not emulated" env WB_TEST_IDENTITY="$KVM" \
	"$WBI" run tlb_reach --quick --param pages=16 --reps 1 --min-time 0.01 \
	--out "$TMP/k.json"
check "not emulated: quick sweep by default" ctx "$TMP/k.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
assert w["grid"] == "sweep" and w["emulated"] is False, w
PY
expect_exit 0 "--grid functional where nothing is emulated" env WB_TEST_IDENTITY="$KVM" \
	"$WBI" run tlb_reach --grid functional --min-time 0.01 --out "$TMP/kf.json"
check "--grid functional: its own reason, quick values, one pass" ctx "$TMP/kf.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
assert w["grid"] == "functional" and w["grid_reason"].startswith("--grid functional"), w
assert w["quick"] is True and w["passes"] == 1 and w["repetitions"] == 1, w
assert len(w["instances"]) == 4, w["instances"]
PY

expect_exit 2 "--grid of no such name" "$WB" run tlb_reach --grid quick --out "$TMP/bad.json"
one_line_error "--grid quick"
check "bad --grid: nothing written" test ! -e "$TMP/bad.json"
