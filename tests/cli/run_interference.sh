#!/usr/bin/env bash
# A run under interference never records an instance ok with a time. The
# test kernels of tests/kernels/interfere.c run cow_storm and demand_zero
# themselves with an obstacle in the instance's process: fork refused
# (seccomp) and the address space too small for a batch's mmap (RLIMIT_AS)
# must give status failed with the step that failed; THP off for the
# process, so that madvise(MADV_HUGEPAGE) succeeds and does nothing, must
# give untrusted, the page size not verified. None of them leaves a timed
# entry in the results, and the good instance beside them is measured.
source "$(dirname "$0")/../lib.sh"
WBT=$(dirname "$WB")/walkbench-test
if [ ! -x "$WBT" ]; then
	skip "interference" "build/walkbench-test not built (make test builds it)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	# cow_storm and demand_zero check frames: they need PFNs in pagemap
	skip "interference" "needs root (the wrapped kernels read PFNs)"
	exit 0
fi
# no extra passes: the good instance's 2 repetitions are counted
args=(--reps 2 --extra-time 0 --min-time 0.01)
good=(tlb_reach --param tlb_reach.pages=16 --param tlb_reach.page_size=4K)

# status_of FILE KERNEL: the instance's status, its timed repetitions, why
status_of() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
i = [x for x in d["context"]["walkbench"]["instances"] if x["kernel"] == sys.argv[2]]
timed = [b for b in d["benchmarks"]
         if b["kernel"] == sys.argv[2] and b["run_type"] == "iteration"]
print(i[0]["status"] if len(i) == 1 else "absent", len(timed), i[0]["why"] if i else "")
PY
}

# failed KERNEL WORD: a failed step gives failed, naming WORD, and no time
failed() {
	local out=$TMP/$1.json st n why
	expect_exit 1 "$1: run exits 1 (failed)" "$WBT" run "$1" "${good[@]}" "${args[@]}" \
		--out "$out"
	read -r st n why < <(status_of "$out" "$1")
	if [ "$st" = failed ] && [ "$n" -eq 0 ] && [[ $why == *$2* ]]; then
		ok "$1: failed, no timed entry: $why"
	else
		not_ok "$1: status $st with $n timed entries: $why (want failed naming '$2')"
	fi
	read -r st n why < <(status_of "$out" tlb_reach)
	check "$1: the good instance beside it measured" test "$st" = ok -a "$n" -eq 2
}

# untrusted KERNEL: an advice that did nothing gives untrusted, no time
untrusted() {
	local out=$TMP/$1.json st n why rc
	"$WBT" run "$1" "${args[@]}" --out "$out" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	read -r st n why < <(status_of "$out" "$1")
	if [ "$st" = missing ] && [ "$rc" -eq 3 ]; then
		skip "$1" "$why"
		return
	fi
	if [ "$rc" -eq 5 ] && [ "$st" = untrusted ] && [ "$n" -eq 0 ] &&
		[[ $why == *"2M"* ]]; then
		ok "$1: untrusted (exit 5), no timed entry: $why"
	else
		not_ok "$1: exit $rc, status $st with $n timed entries: $why (want untrusted, exit 5)"
	fi
}

failed test_cow_nofork fork
failed test_dz_nomap mmap
untrusted test_cow_nothp
untrusted test_dz_nothp
check "no child left running" sh -c "! pgrep -x walkbench-test >/dev/null"
