#!/usr/bin/env bash
# Undecided huge-vs-base pairs get extra passes (harness/DESIGN.md, "Side
# by side"): test_versus (tests/kernels/versus.c) is 10% faster on its
# huge side in every process but one, whose huge side is 5% slower than
# the base side. Three processes a side cannot call that faster, so both
# sides get passes, side by side, until the U test does (three more each
# when the machine is quiet, at most the cap); a pair 50% apart with no
# slow process gets none; --extra-time 0 adds none. Each instance's table
# line is printed once.
source "$(dirname "$0")/../lib.sh"

WBT=$(dirname "$WB")/walkbench-test
if [ ! -x "$WBT" ]; then
	skip "undecided pairs" "build/walkbench-test not built (make test builds it)"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	skip "undecided pairs" "python3 not installed (needed to read the results)"
	exit 0
fi
common=(--passes 3 --reps 6 --max-passes 9 --min-time 0.01)
added() { # FILE MIN MAX: both sides got MIN..MAX added passes, the same
	python3 - "$@" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
lo, hi = int(sys.argv[2]), int(sys.argv[3])
a = [i["passes_added"] for i in w["instances"] if i["kernel"] == "test_versus"]
assert len(a) == 2 and a[0] == a[1] and lo <= a[0] <= hi, a
PY
}
expect_exit 0 "an undecided pair" "$WBT" run test_versus "${common[@]}" \
	--extra-time 60 --out "$TMP/u.json"
check "undecided: both sides got 1 to 6 more passes, as many each" added "$TMP/u.json" 1 6
check "undecided: each table line printed once" test "$(grep -c '^test_versus/' "$TMP/out")" -eq 2
check "undecided: the rule says so" python3 -c "
import json, sys
a = json.load(open('$TMP/u.json'))['context']['walkbench']['adaptive']
sys.exit('huge-vs-base pair' not in a['rule'] or a['extra_passes'] < 2)"
expect_exit 0 "a pair 50% apart" "$WBT" run test_versus --param pct=50 --param slow=0 \
	"${common[@]}" --extra-time 60 --out "$TMP/d.json"
check "decided: no pass added" added "$TMP/d.json" 0 0
expect_exit 0 "--extra-time 0" "$WBT" run test_versus "${common[@]}" \
	--extra-time 0 --out "$TMP/z.json"
check "--extra-time 0: no pass added" added "$TMP/z.json" 0 0
check "--extra-time 0: each table line printed once" test "$(grep -c '^test_versus/' "$TMP/out")" -eq 2
