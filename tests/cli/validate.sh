#!/usr/bin/env bash
# walkbench validate on synthetic results files: an exact match passes, a
# tampered fact fails with its row and exit 1, a skipped instance and a
# missing PMU counter are NOT CHECKABLE HERE, listed once by source, knees
# come from the curve, and bad files exit 2 with one line naming the file.
source "$(dirname "$0")/../lib.sh"

# mk FILE FACT_VALUE: one ok demand_zero instance predicting 16384 faults,
# one skipped instance, one counter prediction without a PMU, a tlb_reach
# curve with knees at 64 and 1536 pages, huge_access base vs THP.
mk() {
	python3 - "$1" "$2" <<'PY'
import json, sys
path, fact = sys.argv[1], float(sys.argv[2])
def item(q, v, tol="exact", t=0.0):
    return {"quantity": q, "value": v, "tolerance": tol, "tol": t, "basis": "test"}
insts, benches = [], []
def inst(name, kernel, params, status="ok", why="", facts=None, items=(), missing=None,
         sources=None):
    insts.append({"name": name, "kernel": kernel, "suite": "x", "params": params,
                  "status": status, "why": why, "page_size_verified": True,
                  "facts": facts or {}, "fact_sources": sources or {},
                  "prediction": {"model": "t", "items": list(items)},
                  "missing_metrics": missing or {}})
def bench(name, kernel, params, ns, reps=3, extra=None):
    for r in range(reps):
        b = {"name": name, "run_name": name, "run_type": "iteration",
             "repetitions": reps, "repetition_index": r, "real_time": ns,
             "time_unit": "ns", "kernel": kernel, "params": params,
             "ns_per_access": ns + 0.001 * r}
        b.update(extra or {})
        benches.append(b)
inst("demand_zero/mib:64", "demand_zero", {"mib": 64},
     facts={"read_minor_faults": fact}, sources={"read_minor_faults": "perf:minor-faults"},
     items=[item("read_minor_faults", 16384)])
inst("shootdown/op:1", "shootdown", {"op": 1}, status="skipped",
     why="needs 2 CPUs", items=[item("tlb_ipis_cpu_other", 95, "min")])
inst("cow_storm/pages:8", "cow_storm", {"pages": 8},
     items=[item("dtlb_load_miss_per_access", 0.5, "rel", 0.2)],
     missing={"dtlb_load_miss_per_access": "no hardware PMU (test)"})
pts = [8, 11, 16, 22, 32, 45, 48, 56, 64, 72, 80, 96, 128, 181, 256, 362, 512, 724,
       1024, 1280, 1536, 1792, 2048, 3072, 4096]
for p in pts:
    ns = 1 + (2 if p > 64 else 0) + (10 if p > 1536 else 0)
    n = "tlb_reach/page_size:4K/pages:%d" % p
    params = {"page_size": "4K", "pages": p}
    inst(n, "tlb_reach", params, items=[item("l1_dtlb_reach_pages", 64, "rel", 0.5),
                                         item("l2_tlb_reach_pages", 2048, "rel", 0.5)])
    bench(n, "tlb_reach", params, ns)
for backing, ns in ((1, 20.0), (2, 8.0)):
    n = "huge_access/pattern:1/backing:%d/ws:64M" % backing
    params = {"pattern": 1, "backing": backing, "ws": "64M"}
    inst(n, "huge_access", params)
    bench(n, "huge_access", params, ns)
doc = {"context": {"walkbench": {"version": "t", "instances": insts, "env": {}}},
       "benchmarks": benches}
json.dump(doc, open(path, "w"))
PY
}

mk "$TMP/good.json" 16384
mk "$TMP/bad.json" 16383

expect_exit 0 "exact match passes" "$WB" validate "$TMP/good.json"
check "PASS row for the fault count" grep -Eq "read_minor_faults .*16384 .*16384 .*exact +PASS" "$TMP/out"
check "skipped instance is NOT CHECKABLE HERE with its reason" grep -Eq "^  shootdown skipped \(needs 2 CPUs\): 1 prediction$" "$TMP/out"
check "counter without PMU is NOT CHECKABLE HERE naming it" grep -Eq "^  no hardware PMU \(test\): 1 prediction$" "$TMP/out"
check "L1 knee from the curve" grep -Eq "l1_dtlb_reach_pages +64 +64 .*PASS" "$TMP/out"
check "L2 knee from the curve" grep -Eq "l2_tlb_reach_pages +2048 +1536 .*PASS" "$TMP/out"
check "huge-page sign row" grep -Eq "huge_access .*ns_huge_le_base .*PASS" "$TMP/out"

# THP times per repetition: all slower than base refutes the sign; only
# some slower (placement differs between processes) is inconclusive.
huge_times() {
	python3 - "$TMP/good.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = [float(x) for x in sys.argv[3].split(",")]
for b in d["benchmarks"]:
    if b["name"] == "huge_access/pattern:1/backing:2/ws:64M":
        b["real_time"] = b["ns_per_access"] = t[b["repetition_index"]]
json.dump(d, open(sys.argv[2], "w"))
PY
}
huge_times "$TMP/slow_huge.json" 30,31,32
huge_times "$TMP/mixed_huge.json" 8,30,31
expect_exit 1 "huge pages slower in every repetition: FAIL" "$WB" validate "$TMP/slow_huge.json"
check "huge sign FAIL row" grep -Eq "ns_huge_le_base .*FAIL huge 31.00 ns vs base 20.00 ns" "$TMP/out"
expect_exit 0 "huge pages slower in some repetitions: not a FAIL" "$WB" validate "$TMP/mixed_huge.json"
check "huge sign inconclusive row" grep -Eq "ns_huge_le_base .*INCONCLUSIVE huge 30.00 ns vs base 20.00 ns .*not significantly below or above base \+5% \(one-sided Mann-Whitney p 0.35" "$TMP/out"

expect_exit 1 "tampered fact fails" "$WB" validate "$TMP/bad.json"
check "FAIL row names the quantity" grep -Eq "read_minor_faults .*16384 .*16383 .*exact +FAIL" "$TMP/out"
expect_exit 1 "--quiet still fails" "$WB" validate --quiet "$TMP/bad.json"
check "--quiet prints the FAIL row only" test "$(grep -v "^validate:" "$TMP/out" | grep -c PASS)" -eq 0

expect_exit 0 "--json" "$WB" validate --json "$TMP/good.json"
check "--json parses, counts rows" python3 -c "
import json,sys; j=json.load(open('$TMP/out')); assert j['fail']==0 and j['pass']>=4 and j['not_checkable']==2 and j['inconclusive']==0, j"

expect_exit 2 "missing file" "$WB" validate "$TMP/nope.json"
one_line_error "missing file"
check "error names the file" grep -q "nope.json" "$TMP/err"
head -c 100 "$TMP/good.json" >"$TMP/trunc.json"
expect_exit 2 "truncated file" "$WB" validate "$TMP/trunc.json"
one_line_error "truncated file"
check "truncated: names the file" grep -q "trunc.json" "$TMP/err"
echo '{"benchmarks": []}' >"$TMP/other.json"
expect_exit 2 "non-walkbench JSON" "$WB" validate "$TMP/good.json" "$TMP/other.json"
one_line_error "non-walkbench JSON"
check "nothing printed on bad input" test ! -s "$TMP/out"
expect_exit 2 "no file" "$WB" validate
expect_exit 2 "unknown option" "$WB" validate --frob "$TMP/good.json"
