#!/usr/bin/env bash
# Undecided huge-vs-base pairs get extra passes (harness/DESIGN.md, "Side
# by side"): test_versus (tests/kernels/versus.c) is 8% faster on its
# huge side in every process but one, whose huge side is 10% slower than
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
# added FILE MIN MAX: both sides got MIN..MAX added passes (as many each
# on a quiet machine; a side made unstable for a while by a busy one may
# have one more); exit 2 when a side ended unstable (its extra passes are
# then the unstable rule's, not this one's)
added() {
	python3 - "$@" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
lo, hi = int(sys.argv[2]), int(sys.argv[3])
ins = [i for i in w["instances"] if i["kernel"] == "test_versus"]
if any(i.get("stable") is False for i in ins):
    sys.exit(2)
if hi > 0:
    # the premise, from the first three processes: a huge one above a
    # base one (noise on a busy machine can undo it; then skip)
    b = json.load(open(sys.argv[1]))["benchmarks"]
    def first(name):
        med = {}
        for e in b:
            if e["run_name"] == name and "pass" in e and e["pass"] < 3 \
                    and "aggregate_name" not in e:
                med.setdefault(e["pass"], []).append(e["real_time"])
        return [sorted(v)[len(v) // 2] for v in med.values()]
    base = first([i["name"] for i in ins if "backing:base" in i["name"]][0])
    huge = first([i["name"] for i in ins if "backing:huge" in i["name"]][0])
    if not max(huge) > min(base):
        sys.exit(3)
a = [i["passes_added"] for i in ins]
assert len(a) == 2 and lo <= min(a) and max(a) <= hi, a
assert abs(a[0] - a[1]) <= (0 if hi == 0 else 1), a
PY
}
# check_added NAME FILE MIN MAX
check_added() {
	added "$2" "$3" "$4"
	case $? in
	0) ok "$1" ;;
	2) skip "$1" "an instance ended unstable: the machine was too busy to judge the pair" ;;
	3) skip "$1" "the slow huge process came out below every base one: the machine was too busy for the pair's premise" ;;
	*) not_ok "$1" ;;
	esac
}
expect_exit 0 "an undecided pair" "$WBT" run test_versus "${common[@]}" \
	--extra-time 60 --out "$TMP/u.json"
check_added "undecided: both sides got 1 to 6 more passes" "$TMP/u.json" 1 6
check "undecided: each table line printed once" test "$(grep -c '^test_versus/' "$TMP/out")" -eq 2
check "undecided: the rule says so" python3 -c "
import json, sys
a = json.load(open('$TMP/u.json'))['context']['walkbench']['adaptive']
sys.exit('huge-vs-base pair' not in a['rule'])"
expect_exit 0 "a pair 50% apart" "$WBT" run test_versus --param pct=50 --param slow=0 \
	"${common[@]}" --extra-time 60 --out "$TMP/d.json"
check_added "decided: no pass added" "$TMP/d.json" 0 0
expect_exit 0 "--extra-time 0" "$WBT" run test_versus "${common[@]}" \
	--extra-time 0 --out "$TMP/z.json"
check "--extra-time 0: no pass added" python3 -c "
import json, sys
w = json.load(open('$TMP/z.json'))['context']['walkbench']
sys.exit(any(i['passes_added'] for i in w['instances']))"
check "--extra-time 0: each table line printed once" test "$(grep -c '^test_versus/' "$TMP/out")" -eq 2
