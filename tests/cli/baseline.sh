#!/usr/bin/env bash
# walkbench baseline save|check|list and bench/ci/gate.sh on one small real
# run and variants of it made with python3. Baselines go to $TMP only.
source "$(dirname "$0")/../lib.sh"
GATE=$(cd "$(dirname "$0")/../.." && pwd)/bench/ci/gate.sh
D=$TMP/baselines

# 4 processes of one repetition each, none added: 4 samples, and 3 once
# one repetition is taken out
if ! "$WB" run tlb_reach --quick --param page_size=4K --param pages=16 \
	--reps 4 --passes 4 --extra-time 0 --min-time 0.01 --out "$TMP/run.json" \
	>"$TMP/run.out" 2>&1; then
	skip "baseline" "the tlb_reach 4K run failed here: $(tail -n 1 "$TMP/run.out")"
	exit 0
fi
if ! command -v python3 >/dev/null; then
	skip "baseline" "python3 not installed"
	exit 0
fi
# How busy this machine was is compare's concern (tests/cli/compare.sh);
# here the verdicts must not depend on it
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["context"]["walkbench"].pop("machine_busy", None)
json.dump(d, open(sys.argv[1], "w"), indent=1)' "$TMP/run.json"
key=$("$WB" baseline save "$TMP/run.json" --dir "$TMP/probe" | sed 's|.*/probe/\([^/]*\)/.*|\1|')

# variant FILE CODE [FROM]: a copy of FROM (run.json) changed by the
# python CODE (d is the whole file, w its context.walkbench)
variant() {
	python3 - "${3:-$TMP/run.json}" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["context"]["walkbench"]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
}
# 1.5x slower, and by the spread of the repetitions more: one disturbed
# repetition must not make the two sides overlap (4 against 4 reach
# alpha 0.05 only when they are fully apart)
variant "$TMP/slow.json" '
its = [b for b in d["benchmarks"] if b.get("run_type") == "iteration"]
t = [b["real_time"] for b in its]
f = 1.5 * max(t) / min(t)
for b in d["benchmarks"]:
    for k in list(b):
        if k in ("real_time", "cpu_time") or k.startswith("ns_per_"):
            b[k] = b[k] * f'
variant "$TMP/busy.json" '
w["machine_busy"] = {"others_cpu": 2.0, "steal_cpu": 0.0}' "$TMP/slow.json"
variant "$TMP/othercpu.json" '
w["env"].update(vendor="GenuineIntel", family=6, model=999, hypervisor="")
w["hypervisor"] = ""'
variant "$TMP/incomplete.json" 'w["complete"] = False'
variant "$TMP/unverified.json" 'd["benchmarks"][0]["page_size_verified"] = False'
variant "$TMP/nobench.json" 'd["benchmarks"] = []; w["instances"] = []'
variant "$TMP/few.json" '
its = [b for b in d["benchmarks"] if b.get("run_type") == "iteration"]
d["benchmarks"].remove(its[-1])'

expect_exit 0 "save: exit 0" "$WB" baseline save "$TMP/run.json" --dir "$D"
saved=$(cat "$TMP/out")
check "save: prints DIR/<cpu-key>/<name>.json ($saved)" \
	test "$saved" = "$D/$key/tlb_reach-quick.json" -a -f "$saved"
check "save: key is vendor-family-model-hypervisor ($key)" \
	grep -Eq '^[a-z0-9]+-[0-9na]+-[0-9na]+-[a-z0-9]+(-emulated)?$' <<<"$key"
expect_exit 0 "list: exit 0" "$WB" baseline list --dir "$D"
check "list: one line with key, name, 1 benchmark, 4 samples" \
	grep -Eq "^$key +tlb_reach-quick +[0-9T:+-]+ +[^ ]+ +1 +4 +[0-9a-f]+" "$TMP/out"
sum=$(sha256sum "$saved")
expect_exit 2 "save again without --replace: exit 2" \
	"$WB" baseline save "$TMP/run.json" --dir "$D"
check "save again: names the file and --replace" grep -q "$saved exists; --replace" "$TMP/err"
one_line_error "save again"
check "save again: baseline unchanged" test "$(sha256sum "$saved")" = "$sum"
expect_exit 0 "save --replace: exit 0" \
	"$WB" baseline save "$TMP/slow.json" --dir "$D" --name other --replace

expect_exit 0 "check against itself: exit 0" "$WB" baseline check "$TMP/run.json" --dir "$D"
check "check: says which baseline first" \
	test "$(head -n 1 "$TMP/out")" = "baseline: $saved"
check "check: unchanged" grep -q "1 unchanged" "$TMP/out"
expect_exit 1 "check of a run >= 1.5x slower: exit 1" \
	"$WB" baseline check "$TMP/slow.json" --dir "$D"
check "check >= 1.5x slower: regressed" grep -q "1 regressed" "$TMP/out"
expect_exit 0 "check slower, within --threshold: exit 0" \
	"$WB" baseline check "$TMP/slow.json" --dir "$D" --threshold 100000
expect_exit 1 "check --json: exit 1 on a regression" \
	"$WB" baseline check "$TMP/slow.json" --dir "$D" --json
check "check --json: stdout is JSON, the baseline line on stderr" \
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["regressed"]' "$TMP/out"
check "check --json: baseline named on stderr" grep -q "^baseline: $saved" "$TMP/err"
expect_exit 5 "check of a slower run measured on a busy machine: exit 5" \
	"$WB" baseline check "$TMP/busy.json" --dir "$D"
expect_exit 1 "check passes --max-busy on" \
	"$WB" baseline check "$TMP/busy.json" --dir "$D" --max-busy 4

expect_exit 3 "check for a CPU with no baseline: exit 3" \
	"$WB" baseline check "$TMP/othercpu.json" --dir "$D"
check "no baseline: names the key and lists the keys there" \
	grep -q "no baseline for intel-6-999-metal in $D (have: $key)" "$TMP/err"
one_line_error "no baseline"
expect_exit 3 "check for a name with no baseline: exit 3" \
	"$WB" baseline check "$TMP/run.json" --dir "$D" --name walk
check "no such name: lists the names there" \
	grep -q "no baseline named 'walk' for $key in $D (have: other, tlb_reach-quick)" "$TMP/err"

expect_exit 2 "--name with a slash: exit 2" \
	"$WB" baseline save "$TMP/run.json" --dir "$D" --name a/b
one_line_error "bad name"
expect_exit 2 "--name of 65 characters: exit 2" \
	"$WB" baseline save "$TMP/run.json" --dir "$D" --name "$(printf 'a%.0s' $(seq 65))"
expect_exit 2 "incomplete run refused" "$WB" baseline save "$TMP/incomplete.json" --dir "$D"
check "incomplete: names the file and why" grep -q "$TMP/incomplete.json: the run is incomplete" "$TMP/err"
one_line_error "incomplete"
expect_exit 2 "unverified page size refused" "$WB" baseline save "$TMP/unverified.json" --dir "$D"
check "unverified: names the benchmark" grep -q "'tlb_reach/page_size:4K/pages:16'.*not verified" "$TMP/err"
expect_exit 2 "no benchmarks refused" "$WB" baseline save "$TMP/nobench.json" --dir "$D" --name nob
check "refused files leave nothing written" test ! -e "$D/$key/nob.json"
expect_exit 0 "3 samples: saved" "$WB" baseline save "$TMP/few.json" --dir "$D" --name few
check "3 samples: warns" grep -q "warning: .*fewer than 4 independent samples (min 3)" "$TMP/err"
expect_exit 0 "busy run: saved" "$WB" baseline save "$TMP/busy.json" --dir "$D" --name busy
check "busy run: warns" grep -q "warning: .*took 2.00 CPUs while it measured" "$TMP/err"
"$WB" baseline save "$TMP/run.json" --dir "$D" --name quiet >/dev/null 2>"$TMP/quiet.err"
check "quiet run: no warning" test ! -s "$TMP/quiet.err"
expect_exit 2 "unknown verb: exit 2" "$WB" baseline frobnicate
expect_exit 2 "save takes no --json" "$WB" baseline save "$TMP/run.json" --dir "$D" --json

# the CI gate script, as the job calls it
export WB WB_BASELINES=$D GATE_OUT=$TMP/gate
expect_exit 0 "gate.sh: same run passes" "$GATE" "$TMP/run.json"
check "gate.sh: passed line" grep -q "^gate: passed" "$TMP/out"
check "gate.sh: a judged run gives no warning" test "$(grep -c '^gate: warning' "$TMP/out")" -eq 0
check "gate.sh: compare output kept" test -s "$TMP/gate/compare.txt" -a -s "$TMP/gate/compare.json"
expect_exit 1 "gate.sh: slowed run fails" "$GATE" "$TMP/slow.json"
check "gate.sh: FAILED line" grep -q "^gate: FAILED" "$TMP/out"
expect_exit 5 "gate.sh: a busy run is inconclusive" "$GATE" "$TMP/busy.json"
check "gate.sh: inconclusive line" grep -q "^gate: inconclusive: a run was measured on a busy machine" "$TMP/out"
expect_exit 0 "gate.sh: unknown CPU is a skip" "$GATE" "$TMP/othercpu.json"
check "gate.sh: skipped line names the key" \
	grep -q "^gate: skipped: no baseline for intel-6-999-metal" "$TMP/out"
expect_exit 0 "gate.sh: nothing judged still passes" "$GATE" "$TMP/run.json" --name few
check "gate.sh: nothing judged: warns" grep -q "^gate: warning: no benchmark was judged" "$TMP/out"
expect_exit 2 "gate.sh: unreadable file: exit 2" "$GATE" "$TMP/missing.json"
