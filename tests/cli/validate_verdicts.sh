#!/usr/bin/env bash
# walkbench validate's verdict classes on synthetic results files: a
# counter without a hardware PMU is NOT CHECKABLE HERE, listed once per
# source with the count and no row each; a file with nothing checkable
# exits 4; a knee is judged within a quarter or one sweep step, and only
# when the bootstrap agrees on it (else INCONCLUSIVE with the confidence);
# a knee 1024 for a predicted 2048 FAILs (the old 50% accepted it), but not
# when the curve has another step within that the level rules set aside; a
# deeper walk significantly faster FAILs its ordering, and timing checks
# are decided together (Holm); a crashed instance is INCONCLUSIVE, not a
# PASS and not a missing source; an instance whose passes fall into two
# modes is INCONCLUSIVE in every check across instances that reads its
# time (huge vs base, ordering, knees: left out of the curve), naming it
# and its modes, while its stable twins are still decided; on an emulated CPU every check that
# reads a timing is NOT CHECKABLE HERE while the exact facts are still judged;
# knees over 16K folios at the 4K places FAIL a model that coalesces 4 PTEs
# natively, and are INCONCLUSIVE in a guest whose host backs it with 4K pages.
source "$(dirname "$0")/../lib.sh"

cat >"$TMP/gen.py" <<'PY'
import json, sys, random
def item(q, v, tol="exact", t=0.0):
    return {"quantity": q, "value": v, "tolerance": tol, "tol": t, "basis": "test"}
class F:
    def __init__(s): s.insts, s.benches = [], []
    def inst(s, name, kernel, params, status="ok", why="", facts=None, items=(), missing=None):
        s.insts.append({"name": name, "kernel": kernel, "suite": "x", "params": params,
                        "status": status, "why": why, "page_size_verified": True,
                        "facts": facts or {},
                        "fact_sources": {k: "status" for k in (facts or {})},
                        "prediction": {"model": "t", "items": list(items)},
                        "missing_metrics": missing or {}})
    def bench(s, name, kernel, params, times, field="ns_per_access", passes=False):
        for r, ns in enumerate(times):
            s.benches.append({"name": name, "run_name": name, "run_type": "iteration",
                              "repetitions": len(times), "repetition_index": r, "real_time": ns,
                              "time_unit": "ns", "kernel": kernel, "params": params, field: ns})
            if passes:
                # one repetition per process, as run --quick measures
                s.benches[-1]["pass"] = r
    def dump(s, path, env=None, emulated=False):
        json.dump({"context": {"walkbench": {"version": "t", "instances": s.insts,
                                             "env": env or {}, "emulated": emulated}},
                   "benchmarks": s.benches}, open(path, "w"))
PTS = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1024, 1448, 2048,
       2896, 4096, 5793, 8192]
# two modes across processes: 4x the time in every third one
def bimodal(ns, n=8):
    return [ns * (4 if r % 3 == 2 else 1) + 0.01 * r for r in range(n)]
def curve(f, l2_pred, l2_kind, l2_tol, noisy=False, ps="4K", unstable=(), passes=False):
    rng = random.Random(2)
    for p in PTS:
        ns = 1 + (2 if p > 64 else 0) + (10 if p > 1024 else 0)
        n = "tlb_reach/page_size:%s/pages:%d" % (ps, p)
        params = {"page_size": ps, "pages": p}
        f.inst(n, "tlb_reach", params, items=[item("l1_dtlb_reach_pages", 64, "knee", 0.25),
                                              item("l2_tlb_reach_pages", l2_pred, l2_kind, l2_tol)])
        if noisy and 23 <= p <= 181:
            # a ramp with noise: where the knee lies the bootstrap disputes
            lvl = 1 + 2 * min(1, max(0, (PTS.index(p) - PTS.index(23)) / 5))
            t = [lvl + rng.uniform(-0.9, 0.9) for r in range(8)]
        elif p in unstable:
            t = bimodal(ns)
        else:
            t = [ns + 0.001 * r for r in range(8)]
        f.bench(n, "tlb_reach", params, t, passes=passes)
NOPMU = "no hardware PMU: perf_event_open(PERF_TYPE_HARDWARE) gave ENOENT"
def walk(f, stride, pages=8192, times=None, missing=True, passes=False):
    n = "walk_depth/stride:%d/pages:%d" % (stride, pages)
    params = {"stride": stride, "pages": pages}
    f.inst(n, "walk_depth", params, facts={"vmpte_delta_bytes": 4096.0 * 10},
           items=[item("vmpte_delta_bytes", 40960), item("stlb_miss_user_per_access", 0.8, "min")],
           missing={"stlb_miss_user": NOPMU} if missing else {})
    if times:
        f.bench(n, "walk_depth", params, times, passes=passes)
def huge(f, backing, ws, times, passes=True):
    n = "huge_access/pattern:1/backing:%d/ws:%dM" % (backing, ws)
    params = {"pattern": 1, "backing": backing, "ws": "%dM" % ws}
    f.inst(n, "huge_access", params)
    f.bench(n, "huge_access", params, times, passes=passes)
what, path = sys.argv[1], sys.argv[2]
f = F()
if what == "nopmu":
    walk(f, 4096, times=[10, 10.1, 10.2])
    walk(f, 2 << 20, times=[20, 20.1, 20.2])
elif what == "nothing":
    f.inst("walk_depth/stride:4096/pages:8192", "walk_depth", {"stride": 4096, "pages": 8192},
           items=[item("stlb_miss_user_per_access", 0.8, "min")], missing={"stlb_miss_user": NOPMU})
    f.inst("shootdown/op:1", "shootdown", {"op": 1}, status="skipped", why="needs 2 CPUs",
           items=[item("tlb_ipis_cpu_other_per_op", 0.9, "min")])
elif what == "order_fail":
    walk(f, 4096, times=[10, 10.1, 10.2])
    walk(f, 2 << 20, times=[5, 5.1, 5.2])
elif what == "family3":
    # two ordering checks, each as clear as three repetitions can be
    walk(f, 4096, times=[10, 10.1, 10.2])
    walk(f, 2 << 20, times=[20, 20.1, 20.2])
    walk(f, 1 << 30, times=[30, 30.1, 30.2])
elif what == "family4":
    walk(f, 4096, times=[10, 10.1, 10.2, 10.3])
    walk(f, 2 << 20, times=[20, 20.1, 20.2, 20.3])
    walk(f, 1 << 30, times=[30, 30.1, 30.2, 30.3])
elif what == "failed":
    f.inst("walk_depth/stride:4096/pages:8192", "walk_depth", {"stride": 4096, "pages": 8192},
           status="crashed", why="killed by signal 11",
           items=[item("vmpte_delta_bytes", 40960)])
    walk(f, 2 << 20, missing=False)
elif what == "huge_unstable":
    # 64M: THP bimodal across processes; 256M: THP faster; 16M: the same
    # within 5%; all with one repetition per process
    huge(f, 1, 64, [20 + 0.01 * r for r in range(8)])
    huge(f, 2, 64, bimodal(8))
    huge(f, 1, 256, [40 + 0.01 * r for r in range(8)])
    huge(f, 2, 256, [10 + 0.01 * r for r in range(8)])
    huge(f, 1, 16, [10 + 0.01 * r for r in range(8)])
    huge(f, 2, 16, [10.3 + 0.01 * r for r in range(8)])
elif what == "huge_slower":
    huge(f, 1, 64, [20 + 0.01 * r for r in range(8)])
    huge(f, 2, 64, bimodal(8))
    huge(f, 1, 256, [10 + 0.01 * r for r in range(8)])
    huge(f, 2, 256, [14 + 0.01 * r for r in range(8)])
elif what == "huge_slower3":
    # slower in each of three processes, but a family of ten pairs: three
    # against three fail to overlap by chance one time in ten, so no FAIL
    for ws in (4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048):
        huge(f, 1, ws, [10 + 0.01 * r for r in range(3)])
        huge(f, 2, ws, [11 + 0.01 * r for r in range(3)] if ws == 64 else
             [9 + 0.01 * r for r in range(3)])
    # overlapping processes more than 5% slower by the medians
    huge(f, 1, 4096, [10, 10.1, 12])
    huge(f, 2, 4096, [10.05, 11, 11.2])
elif what == "knee_unstable_wide":
    # a knee at twice the prediction, the points around the prediction
    # unstable: leaving them out must not widen what the knee may miss by
    curve(f, 512, "knee", 0.25, unstable=(362, 512, 724), passes=True)
elif what == "huge_legacy":
    # the same times in a file that does not record passes: one process
    huge(f, 1, 64, [20 + 0.01 * r for r in range(8)], passes=False)
    huge(f, 2, 64, bimodal(8), passes=False)
elif what == "order_unstable":
    # the middle stride bimodal: both its checks undecided; the deepest
    # stride against a stable twin decided
    walk(f, 4096, times=[10 + 0.01 * r for r in range(8)], passes=True)
    walk(f, 2 << 20, times=bimodal(20), passes=True)
    walk(f, 4096, pages=64, times=[10 + 0.01 * r for r in range(8)], passes=True)
    walk(f, 2 << 20, pages=64, times=[5 + 0.01 * r for r in range(8)], passes=True)
elif what == "knee_unstable":
    # the first point past the L2 step bimodal; the 2M curve its stable twin
    curve(f, 1448, "knee", 0.25, unstable=(1448,), passes=True)
    curve(f, 1448, "knee", 0.25, ps="2M", passes=True)
elif what == "knee_unstable_far":
    # a point far from both knees bimodal: both still judged
    curve(f, 1448, "knee", 0.25, unstable=(5793,), passes=True)
elif what in ("coalesce_native", "coalesce_guest"):
    # 16K folios whose knees sit where 4K pages' do (64, 1024), against a
    # model that coalesces 4 PTEs per entry (256, 4096): natively a wrong
    # claim; in a guest the host backs with 4K pages, not judged
    for p in PTS:
        ns = 1 + (2 if p > 64 else 0) + (10 if p > 1024 else 0)
        n = "tlb_reach/page_size:16K/pages:%d" % p
        params = {"page_size": "16K", "pages": p}
        its = [item("l1_dtlb_reach_pages", 256, "knee", 0.25),
               item("l2_tlb_reach_pages", 4096, "knee", 0.25)]
        for i in its:
            i["coalesced_pages"] = 4
        f.inst(n, "tlb_reach", params, items=its)
        if what == "coalesce_guest":
            f.insts[-1]["host_backing"] = {"native": False, "measurable": True, "share": 0.0,
                                           "share_min": 0.0, "share_max": 0.0}
        f.bench(n, "tlb_reach", params, [ns + 0.001 * r for r in range(8)])
    f.dump(path, {"hypervisor": "KVMKVMKVM"} if what == "coalesce_guest" else {})
    sys.exit(0)
elif what == "knee_step":
    curve(f, 1448, "knee", 0.25)
elif what == "knee_far":
    curve(f, 2048, "knee", 0.25)
elif what == "knee_far_rel50":
    curve(f, 2048, "rel", 0.5)
elif what == "knee_noisy":
    curve(f, 1448, "knee", 0.25, noisy=True)
elif what == "knee_ambiguous":
    # the L2 TLB's step at 1024 meets an L2 cache of 1448 lines and is set
    # aside as the cache's; the step taken for the TLB's is at 4096
    for p in PTS:
        ns = 1 + (2 if p > 64 else 0) + (10 if p > 1024 else 0) + (40 if p > 4096 else 0)
        n = "tlb_reach/page_size:4K/pages:%d" % p
        params = {"page_size": "4K", "pages": p}
        f.inst(n, "tlb_reach", params, items=[item("l1_dtlb_reach_pages", 64, "knee", 0.25),
                                              item("l2_tlb_reach_pages", 1024, "knee", 0.25)])
        f.bench(n, "tlb_reach", params, [ns + 0.001 * r for r in range(8)])
    f.dump(path, {"l2_size_bytes": 1448 * 64, "l2_line_bytes": 64})
    sys.exit(0)
elif what == "emulated":
    # every timing check here would FAIL on a real CPU: a knee at half
    # the prediction, a deeper stride faster, huge pages slower, a clock
    # ratio three times the prediction; the exact fact still PASSes
    curve(f, 2048, "knee", 0.25)
    walk(f, 4096, times=[10, 10.1, 10.2])
    walk(f, 2 << 20, times=[5, 5.1, 5.2])
    for b, t in ((1, [10, 10.1, 10.2]), (2, [30, 30.1, 30.2])):
        n = "huge_access/pattern:1/backing:%d/ws:4M" % b
        params = {"pattern": 1, "backing": b, "ws": 4 << 20}
        f.inst(n, "huge_access", params)
        f.bench(n, "huge_access", params, t)
    f.inst("demand_zero/mib:16/page_size:4K/phase:1", "demand_zero",
           {"mib": 16, "page_size": "4K", "phase": 1},
           facts={"read_minor_faults": 4096.0, "kernel_vs_ref_ns_ratio": 3.0},
           items=[item("read_minor_faults", 4096), item("kernel_vs_ref_ns_ratio", 1, "rel", 0.1)])
    f.insts[-1]["fact_sources"]["kernel_vs_ref_ns_ratio"] = "timing"
    f.dump(path, emulated=True)
    sys.exit(0)
f.dump(path)
PY
gen() { python3 "$TMP/gen.py" "$1" "$TMP/$1.json"; }
for f in nopmu nothing order_fail family3 family4 failed knee_step knee_far knee_far_rel50 \
	knee_noisy knee_ambiguous huge_unstable huge_slower huge_slower3 knee_unstable_wide huge_legacy order_unstable knee_unstable \
	knee_unstable_far emulated coalesce_native coalesce_guest; do
	gen $f
done

expect_exit 0 "no PMU: exit 0" "$WB" validate "$TMP/nopmu.json"
check "no PMU: one line for the source, with the count" grep -qx "  no hardware PMU: 2 predictions" "$TMP/out"
check "no PMU: no row per prediction" test "$(grep -c "^walk_depth .*stlb_miss_user_per_access" "$TMP/out")" -eq 0
check "summary counts every class and the source" grep -qx \
	"validate: 3 PASS, 0 FAIL, 0 INCONCLUSIVE, 2 NOT CHECKABLE HERE (no hardware PMU: 2)" "$TMP/out"
expect_exit 0 "no PMU: --json" "$WB" validate --json "$TMP/nopmu.json"
check "--json: each row's class and missing source" python3 -c "
import json
j = json.load(open('$TMP/out'))
rows = [r for r in j['rows'] if r['quantity'] == 'stlb_miss_user_per_access']
assert len(rows) == 2, rows
for r in rows:
    assert r['verdict'] == 'NOT CHECKABLE HERE' and r['source'] == 'no hardware PMU', r
assert j['not_checkable'] == 2 and j['not_checkable_sources'] == {'no hardware PMU': 2}, j
assert j['pass'] == 3 and j['fail'] == 0 and j['inconclusive'] == 0, j
assert all(r['source'] is None for r in j['rows'] if r['verdict'] != 'NOT CHECKABLE HERE'), j
"

expect_exit 4 "nothing checkable here: exit 4" "$WB" validate "$TMP/nothing.json"
check "nothing checkable: both sources listed" grep -qx "  shootdown skipped (needs 2 CPUs): 1 prediction" "$TMP/out"
expect_exit 4 "one of two files with nothing checkable: exit 4" "$WB" validate "$TMP/nopmu.json" "$TMP/nothing.json"
expect_exit 1 "a FAIL outranks nothing checkable" "$WB" validate "$TMP/nothing.json" "$TMP/order_fail.json"

expect_exit 1 "deeper stride significantly faster: FAIL" "$WB" validate "$TMP/order_fail.json"
check "ordering FAIL row with the U test" grep -Eq \
	"^walk_depth +stride:2M pages:8192 +ns_ge_shallower_stride +10.1 +5.1 .*FAIL 5.10 ns vs 10.10 ns .*below it -5%, one-sided Mann-Whitney p 0.05" "$TMP/out"
check "ordering PASS the other way" python3 -c "
import json, subprocess
j = json.loads(subprocess.run(['$WB', 'validate', '--json', '$TMP/nopmu.json'], capture_output=True, text=True).stdout)
r = [r for r in j['rows'] if r['quantity'] == 'ns_ge_shallower_stride'][0]
assert r['verdict'] == 'PASS' and 'above it -5%' in r['reason'], r
"

expect_exit 0 "two timing checks at p 0.05 each" "$WB" validate "$TMP/family3.json"
check "neither decided: Holm over the two" test "$(grep -c "ns_ge_shallower_stride .*INCONCLUSIVE .*Holm-adjusted over 2 timing checks 0.1, level 0.05); 3 and 3 repetitions cannot reach it" "$TMP/out")" -eq 2
expect_exit 0 "two timing checks with four repetitions each" "$WB" validate "$TMP/family4.json"
check "both decided" test "$(grep -c "ns_ge_shallower_stride .*PASS .*Holm-adjusted over 2 timing checks 0.0286 <= 0.05" "$TMP/out")" -eq 2

expect_exit 0 "crashed instance: no FAIL" "$WB" validate "$TMP/failed.json"
check "crashed instance: INCONCLUSIVE with its status" grep -Eq \
	"vmpte_delta_bytes .*INCONCLUSIVE instance crashed: killed by signal 11" "$TMP/out"

expect_exit 0 "knee one sweep step off: PASS" "$WB" validate "$TMP/knee_step.json"
check "one sweep step is wider than a quarter there" grep -Eq \
	"l2_tlb_reach_pages +1448 +1024 +knee 25%\|step +PASS .*accepts \[848, 2048\] \(one sweep step\)" "$TMP/out"
check "L1 knee within the tolerance" grep -Eq "l1_dtlb_reach_pages +64 +64 +knee 25%\|step +PASS .*confidence 1.00" "$TMP/out"
expect_exit 1 "knee at half the prediction: FAIL" "$WB" validate "$TMP/knee_far.json"
check "knee FAIL row" grep -Eq "l2_tlb_reach_pages +2048 +1024 +knee 25%\|step +FAIL .*accepts \[1200, 2896\]" "$TMP/out"
expect_exit 0 "the same curve under the old 50%: passed" "$WB" validate "$TMP/knee_far_rel50.json"
expect_exit 0 "knee the bootstrap disputes: not judged" "$WB" validate "$TMP/knee_noisy.json"
check "INCONCLUSIVE with the confidence" grep -Eq \
	"l1_dtlb_reach_pages +64 +45 +knee 25%\|step +INCONCLUSIVE .*confidence 0.45.*: confidence below 0.50, not judged" "$TMP/out"
expect_exit 0 "the TLB's step set aside as a cache's: no FAIL" "$WB" validate "$TMP/knee_ambiguous.json"
check "INCONCLUSIVE naming both steps" grep -Eq \
	"l2_tlb_reach_pages +1024 +4096 +knee 25%\|step +INCONCLUSIVE .*outside, but the step at \[1024, 1448\) .* rises from 1024, within" "$TMP/out"

# the fixture writes numbers (an old file); validate reports the names
HB=huge_access/pattern:chase/backing:thp/ws:64M
expect_exit 0 "huge bimodal across processes: exit 0" "$WB" validate "$TMP/huge_unstable.json"
check "huge vs base: the bimodal instance INCONCLUSIVE, naming it and its modes" grep -Eq \
	"^huge_access +pattern:chase backing:thp ws:64M +ns_huge_le_base .*INCONCLUSIVE instance $HB unstable \(8\.0\.\.8\.1 x6 \| 32\.0\.\.32\.0 x2\) across passes: no one time to compare$" "$TMP/out"
check "huge vs base: its stable twin faster, PASS by class" grep -Eq \
	"^huge_access +pattern:chase backing:thp ws:256M +ns_huge_le_base .*PASS huge 10.04 ns \(10.00..10.07 over 8 processes\) vs base 40.03 ns .*: faster" "$TMP/out"
check "huge vs base: within 5% is the same, PASS" grep -Eq \
	"^huge_access +pattern:chase backing:thp ws:16M +ns_huge_le_base .*PASS .*: same" "$TMP/out"
expect_exit 1 "huge slower in every process beside a bimodal one: FAIL" "$WB" validate "$TMP/huge_slower.json"
check "huge vs base: slower twin FAIL, the bimodal one not" python3 -c "
import json, subprocess
j = json.loads(subprocess.run(['$WB', 'validate', '--json', '$TMP/huge_slower.json'], capture_output=True, text=True).stdout)
v = {r['params']: r['verdict'] for r in j['rows'] if r['quantity'] == 'ns_huge_le_base'}
assert v == {'pattern:chase backing:thp ws:64M': 'INCONCLUSIVE', 'pattern:chase backing:thp ws:256M': 'FAIL'}, v
"
expect_exit 1 "ordering with a bimodal stride: its twin still FAILs" "$WB" validate "$TMP/order_unstable.json"
check "ordering: the bimodal instance INCONCLUSIVE, naming it" grep -Eq \
	"^walk_depth +stride:2M pages:8192 +ns_ge_shallower_stride .*INCONCLUSIVE instance walk_depth/stride:2097152/pages:8192 unstable \(20\.0\.\.20\.1 x6 \| 80\.0\.\.80\.0 x2\) across passes" "$TMP/out"
check "ordering: the stable twin FAIL" grep -Eq \
	"^walk_depth +stride:2M pages:64 +ns_ge_shallower_stride .*FAIL" "$TMP/out"
check "ordering: the bimodal pair out of the Holm family" grep -Eq \
	"^walk_depth +stride:2M pages:64 .*Holm-adjusted over 1 timing checks" "$TMP/out"
expect_exit 0 "knee curve with a bimodal point at the step: no FAIL" "$WB" validate "$TMP/knee_unstable.json"
check "knee: INCONCLUSIVE, the point left out named with its modes" grep -Eq \
	"^tlb_reach +page_size:4K \(all pages\) +l2_tlb_reach_pages +1448 +1024 .*INCONCLUSIVE knee in \[1024, 2048\) .*: it spans 1448 pages, left out as unstable: .*; left out, unstable across passes: 1448 pages unstable \(13\.0\.\.13\.1 x6 \| 52\.0\.\.52\.0 x2\)$" "$TMP/out"
check "knee: the L1 knee on the same curve still PASS, saying what was left out" grep -Eq \
	"^tlb_reach +page_size:4K \(all pages\) +l1_dtlb_reach_pages +64 +64 .*PASS .*left out, unstable across passes: 1448 pages" "$TMP/out"
check "knee: the stable twin PASS" grep -Eq \
	"^tlb_reach +page_size:2M \(all pages\) +l2_tlb_reach_pages +1448 +1024 .*PASS" "$TMP/out"
expect_exit 0 "knee curve with a bimodal point far from the knees" "$WB" validate "$TMP/knee_unstable_far.json"
check "knee: a far bimodal point leaves both knees judged" test "$(grep -Ec \
	"^tlb_reach .*reach_pages .*PASS .*left out, unstable across passes: 5793 pages" "$TMP/out")" -eq 2
expect_exit 0 "huge slower in 3 processes of a 10-pair family: no FAIL" "$WB" validate "$TMP/huge_slower3.json"
check "huge slower in 3 processes: INCONCLUSIVE, tested in the family" grep -Eq \
	"^huge_access +pattern:chase backing:thp ws:64M +ns_huge_le_base .*INCONCLUSIVE .*: slower.*Holm-adjusted over [0-9]+ timing checks" "$TMP/out"
check "huge overlapping, over 5% slower by medians, not by the processes: INCONCLUSIVE" grep -Eq \
	"^huge_access +pattern:chase backing:thp ws:4096M +ns_huge_le_base .*INCONCLUSIVE .*processes do not say so" "$TMP/out"
check "huge faster: PASS" grep -Eq \
	"^huge_access +pattern:chase backing:thp ws:4M +ns_huge_le_base .*PASS .*: faster" "$TMP/out"
expect_exit 1 "knee at twice the prediction, unstable points around it: FAIL" "$WB" validate "$TMP/knee_unstable_wide.json"
check "knee: the sweep's own step, not the gap the left-out points leave" grep -Eq \
	"^tlb_reach +page_size:4K \(all pages\) +l2_tlb_reach_pages +512 +1024 .*FAIL .*accepts \[(362|384|300)" "$TMP/out"
expect_exit 0 "huge, bimodal times without passes: judged as before" "$WB" validate "$TMP/huge_legacy.json"
check "without passes: the U test over repetitions, nothing unstable" grep -Eq \
	"^huge_access +pattern:chase backing:thp ws:64M +ns_huge_le_base .*U test +(PASS|INCONCLUSIVE) huge [0-9.]+ ns vs base 20.04 ns per access \(medians of 8 and 8 repetitions" "$TMP/out"
expect_exit 0 "emulated CPU: no timing check FAILs" "$WB" validate --json "$TMP/emulated.json"
check "emulated CPU: every timing check NOT CHECKABLE, exact facts judged" python3 -c "
import json
j = json.load(open('$TMP/out'))
by = {}
for r in j['rows']:
    by.setdefault(r['quantity'], []).append(r)
timed = ['l1_dtlb_reach_pages', 'l2_tlb_reach_pages', 'ns_ge_shallower_stride',
         'ns_huge_le_base', 'kernel_vs_ref_ns_ratio']
for q in timed:
    assert by.get(q), (q, sorted(by))
    for r in by[q]:
        assert r['verdict'] == 'NOT CHECKABLE HERE' and r['source'] == 'emulated CPU (TCG)', r
for q in ('read_minor_faults', 'vmpte_delta_bytes'):
    assert by[q] and all(r['verdict'] == 'PASS' for r in by[q]), by[q]
assert j['fail'] == 0, j
"

expect_exit 1 "16K folios, knees at 1x where the model coalesces 4x, natively: FAIL" "$WB" validate "$TMP/coalesce_native.json"
check "coalescing claim FAILs at both levels" test "$(grep -Ec \
	"^tlb_reach +page_size:16K \(all pages\) +l[12]_[a-z_]+reach_pages +(256 +64|4096 +1024) .*FAIL .*outside, and no other knee rises within$" "$TMP/out")" -eq 2
expect_exit 0 "the same curve in a guest on 4K host pages: no FAIL" "$WB" validate "$TMP/coalesce_guest.json"
check "INCONCLUSIVE naming the host's 4K backing" test "$(grep -Ec \
	"^tlb_reach +page_size:16K \(all pages\) +l[12]_[a-z_]+reach_pages +(256 +64|4096 +1024) .*INCONCLUSIVE .*not judged: a guest whose host backs it with 4K pages \(effective huge share 0.00\): a coalesced entry needs host-physical contiguity" "$TMP/out")" -eq 2
