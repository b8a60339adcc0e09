#!/usr/bin/env bash
# Stability as a result (harness/DESIGN.md, "Stability"): test_bimodal
# (tests/kernels/bimodal.c) does 4x the work in each process whose seed is
# a multiple of "every", test_steady the same work in all. The bimodal
# instance is recorded unstable with two modes, gets extra passes while a
# mode has one process only (up to --max-passes) and prints its modes in
# the table; --extra-time 0 adds none; the steady twin gets none and
# prints a number. Bad --max-passes/--extra-time: exit 2, one line,
# nothing written.
source "$(dirname "$0")/../lib.sh"

WBT=$(dirname "$WB")/walkbench-test
if [ ! -x "$WBT" ]; then
	skip "stability" "build/walkbench-test not built (make test builds it)"
	exit 0
fi
# three repetitions per process: its median stands one disturbed repetition
common=(--reps 9 --passes 3 --min-time 0.02)

# seeds 1, 2, 3: one slow process (2) against two fast ones, so the slow
# mode is unresolved; the extra pass (seed 4) is slow again and resolves it
# A burst of another process can slow one process of the steady twin and
# make it unstable too (a clean-clone CI run here saw it while other test
# runs shared the machine): that run is measured again, up to three times,
# and the checks below judge the last one. The bimodal instance's verdict
# is never a reason to measure again.
steady_stable() {
	python3 - "$1" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
i = {x["kernel"]: x for x in w["instances"]}["test_steady"]
sys.exit(0 if i.get("stable") is True else 1)
PY
}
for try in 1 2 3; do
	rm -f "$TMP/a.json"
	expect_exit 0 "run test_bimodal test_steady (try $try)" "$WBT" run \
		test_bimodal test_steady "${common[@]}" --max-passes 5 \
		--extra-time 60 --out "$TMP/a.json"
	steady_stable "$TMP/a.json" 2>/dev/null && break
	echo "# steady twin unstable on try $try: $(grep '^test_steady' "$TMP/out")"
done
cp "$TMP/out" "$TMP/a.out"
# (a neighbour's burst on this shared machine may split a group into two
# modes, which then asks for one more pass: counted by group, not by mode)
check "bimodal: unstable, a fast and a 4x slower group of two, pass added" python3 - "$TMP/a.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
i = {x["kernel"]: x for x in w["instances"]}["test_bimodal"]
s = i["stability"]
assert i["stable"] is False, i
lo = s["modes"][0]["lo"]
fast = sum(m["processes"] for m in s["modes"] if m["median"] < 2 * lo)
slow = sum(m["processes"] for m in s["modes"] if m["median"] > 3 * lo)
assert fast >= 2 and slow >= 2 and fast + slow == s["processes"], s
assert 1 <= i["passes_added"] <= 2 and s["passes_added"] == i["passes_added"], i
assert i["passes_measured"] == 3 + i["passes_added"], i
assert sorted({b["pass"] for b in json.load(open(sys.argv[1]))["benchmarks"]
               if b["kernel"] == "test_bimodal" and "pass" in b}) == \
    list(range(i["passes_measured"]))
for k in ("test", "median", "lo", "hi", "spread", "within", "tolerance"):
    assert k in s, k
a = w["adaptive"]
assert a["max_passes"] == 5 and a["extra_time_s"] == 60, a
assert a["extra_passes"] == 1 and a["extra_s"] > 0 and a["rule"], a
PY
check "steady twin: stable, no pass added" python3 - "$TMP/a.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
i = {x["kernel"]: x for x in w["instances"]}["test_steady"]
assert i["stable"] is True and i["passes_added"] == 0, i
assert i["stability"]["resolved"] is True and len(i["stability"]["modes"]) == 1
assert i["passes_measured"] == 3, i
PY
check "bimodal row prints its modes" grep -qE '^test_bimodal/every:2 +ok +unstable \([0-9.]+(\.\.[0-9.]+)?( x[0-9])?( \| [0-9.]+(\.\.[0-9.]+)?( x[0-9])?)+\)  ns/iteration$' "$TMP/a.out"
check "steady row prints a median and cv" grep -qE '^test_steady +ok +[0-9]+\.[0-9]{3} +[0-9.]+%  ns/iteration$' "$TMP/a.out"
check "each instance's row printed once" test "$(grep -c '^test_' "$TMP/a.out")" -eq 2
check "the extra pass is in the progress" grep -q "extra pass 4 (at most 5) test_bimodal" "$TMP/err"

# seeds 999..: only seed 1000 is slow, so the slow mode never gets a second
# process: passes are added up to the cap, and it stays unresolved
expect_exit 0 "run an instance that never resolves" "$WBT" run test_bimodal \
	--param every=1000 --seed 999 "${common[@]}" --max-passes 5 --extra-time 60 \
	--out "$TMP/b.json"
cp "$TMP/out" "$TMP/b.out"
check "extra passes stop at --max-passes" python3 - "$TMP/b.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
i = w["instances"][0]
assert i["stable"] is False and i["passes_measured"] == 5, i
assert i["passes_added"] == 2 and i["stability"]["resolved"] is False, i
lo = i["stability"]["modes"][0]["lo"]
assert sum(m["processes"] for m in i["stability"]["modes"]
           if m["median"] > 3 * lo) == 1, i
assert w["adaptive"]["extra_passes"] == 2, w["adaptive"]
PY
check "its row gives its modes" grep -qE '^test_bimodal/every:1000 +ok +unstable \(.* \| ' "$TMP/b.out"

# the same lone slow process (seed 1000) among six: one in six, set aside
# as an outlier; the instance is stable over the five that agree
expect_exit 0 "run six processes, one slow" "$WBT" run test_bimodal \
	--param every=1000 --seed 999 --reps 12 --passes 6 --min-time 0.02 \
	--out "$TMP/o.json"
cp "$TMP/out" "$TMP/o.out"
check "one slow process of six: stable, set aside as an outlier" python3 - "$TMP/o.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
i = w["instances"][0]
s = i["stability"]
assert i["stable"] is True and s["processes"] == 6, i
assert len(s["outliers"]) == 1 and s["outliers"][0] > 3 * s["hi"], s
assert len(s["modes"]) == 1 and s["modes"][0]["processes"] == 5, s
assert i["passes_added"] == 0, i
PY
check "its row gives the median of the five and names the outlier" \
	grep -qE '^test_bimodal/every:1000 +ok +[0-9]+\.[0-9]{3} +- +ns/iteration +\(1 outlier: [0-9.]+\)$' "$TMP/o.out"

expect_exit 0 "run with --extra-time 0" "$WBT" run test_bimodal "${common[@]}" \
	--extra-time 0 --out "$TMP/c.json"
check "--extra-time 0 adds no pass; the instance is still unstable" python3 - "$TMP/c.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
i = w["instances"][0]
assert i["passes_measured"] == 3 and i["passes_added"] == 0, i
assert i["stable"] is False and i["stability"]["resolved"] is False, i
assert w["adaptive"]["extra_passes"] == 0, w["adaptive"]
PY
check "its row still says unstable" grep -q "unstable (" "$TMP/out"

expect_exit 0 "run one pass" "$WBT" run test_bimodal --reps 2 --passes 1 \
	--min-time 0.01 --out "$TMP/d.json"
check "one process: not judged, no stable field" python3 - "$TMP/d.json" <<'PY'
import json, sys
i = json.load(open(sys.argv[1]))["context"]["walkbench"]["instances"][0]
assert "stable" not in i and "stability" not in i, i
PY

for bad in "--max-passes 2" "--max-passes 0" "--max-passes x" "--extra-time -1" \
	"--extra-time abc" "--extra-time"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$bad" "$WBT" run test_bimodal "${common[@]}" $bad --out "$TMP/bad.json"
	one_line_error "$bad"
done
check "nothing written for bad input" test ! -e "$TMP/bad.json"
