#!/usr/bin/env bash
# A kernel's min_passes (harness/DESIGN.md, "Side by side"): huge_access
# asks for six processes per instance, each with the quick run's two
# repetitions, and records them as passes_planned; another kernel in the
# same run keeps the run's three; --passes or --reps given by the user
# win over the kernel. A pass measures the base and the huge instance of
# one point one right after the other (the progress lines' order).
source "$(dirname "$0")/../lib.sh"

WBT=$(dirname "$WB")/walkbench-test
if [ ! -x "$WBT" ]; then
	skip "kernel passes" "build/walkbench-test not built (make test builds it)"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	skip "kernel passes" "python3 not installed (needed to read the results)"
	exit 0
fi
# base pages only: every machine has them, and 4 MiB keeps each process short
ha=(huge_access --param ws=4M --param pattern=scan --param backing=base)
planned() { # FILE KERNEL PASSES REPS_PER_PASS
	python3 - "$@" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
kernel, passes, per = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ins = [i for i in f["context"]["walkbench"]["instances"] if i["kernel"] == kernel]
assert ins, kernel
for i in ins:
    assert i["passes_planned"] == passes, i
    assert i["passes_measured"] == passes + i["passes_added"], i
    reps = [b for b in f["benchmarks"] if b["run_name"] == i["name"]
            and "pass" in b and "aggregate_name" not in b]
    first = [b for b in reps if b["pass"] < passes]
    assert sorted({b["pass"] for b in first}) == list(range(passes)), reps
    assert len(first) == passes * per, (len(first), passes, per)
PY
}
expect_exit 0 "quick run of huge_access and test_steady" "$WBT" run "${ha[@]}" \
	test_steady --quick --extra-time 0 --out "$TMP/q.json"
check "huge_access: 6 processes of 2 repetitions (its min_passes)" planned "$TMP/q.json" huge_access 6 2
check "test_steady in the same run: the run's 3 processes of 2" planned "$TMP/q.json" test_steady 3 2
check "progress counts 6 passes for huge_access" grep -q "pass 6/6 huge_access" "$TMP/err"
expect_exit 0 "--passes 2 wins over the kernel" "$WBT" run "${ha[@]}" --quick \
	--passes 2 --extra-time 0 --out "$TMP/p.json"
check "--passes 2: 2 processes of 3 repetitions" planned "$TMP/p.json" huge_access 2 3
expect_exit 0 "--reps 4 wins over the kernel" "$WBT" run "${ha[@]}" --quick \
	--reps 4 --extra-time 0 --out "$TMP/r.json"
check "--reps 4: 2 processes of 2 repetitions" planned "$TMP/r.json" huge_access 2 2
