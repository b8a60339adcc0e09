#!/usr/bin/env bash
# walkbench claims --from: "larger pages help only as far as the TLB can
# hold them" on synthetic tlb_reach results of a CPU whose table row
# coalesces 4 PTEs per entry (AMD family 1Ah, Zen 5: L2 4096 4K entries).
# 16K folios whose L2 knee sits 4x right of 4K's: holds; at 4K's place
# natively: does not hold, saying it is what no coalescing gives; the same
# in a guest on 4K host pages: inconclusive, naming the host's backing.
source "$(dirname "$0")/../lib.sh"

cat >"$TMP/gen.py" <<'PY'
import json, sys
what, path = sys.argv[1], sys.argv[2]
PTS = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1024, 1448, 2048,
       2896, 4096, 5793, 8192, 11585, 16384, 23170, 32768, 46341, 65536]
insts, benches = [], []
def curve(ps, l1, l2, pred1, pred2, coal, guest):
    for p in PTS:
        ns = 1 + (2 if p > l1 else 0) + (10 if p > l2 else 0)
        n = "tlb_reach/page_size:%s/pages:%d" % (ps, p)
        params = {"page_size": ps, "pages": p}
        items = [{"quantity": q, "value": v, "tolerance": "knee", "tol": 0.25, "basis": "t"}
                 for q, v in (("l1_dtlb_reach_pages", pred1), ("l2_tlb_reach_pages", pred2))]
        if coal > 1:
            for i in items:
                i["coalesced_pages"] = coal
        inst = {"name": n, "kernel": "tlb_reach", "suite": "tlb", "params": params,
                "status": "ok", "why": "", "page_size_verified": True, "facts": {},
                "fact_sources": {}, "prediction": {"model": "Zen 5", "items": items},
                "missing_metrics": {}}
        if guest:
            inst["host_backing"] = {"native": False, "measurable": True, "share": 0.0,
                                    "share_min": 0.0, "share_max": 0.0}
        insts.append(inst)
        for r in range(8):
            benches.append({"name": n, "run_name": n, "run_type": "iteration",
                            "repetitions": 8, "repetition_index": r, "real_time": ns + 0.001 * r,
                            "time_unit": "ns", "kernel": "tlb_reach", "params": params,
                            "ns_per_access": ns + 0.001 * r})
guest = what == "guest"
curve("4K", 96, 4096, 96, 4096, 1, guest)
if what == "holds":
    curve("16K", 384, 16384, 384, 16384, 4, guest)
else:
    curve("16K", 96, 4096, 384, 16384, 4, guest)
env = {"vendor": "AuthenticAMD", "family": 26, "model": 2, "hypervisor": "KVMKVMKVM" if guest else ""}
json.dump({"context": {"walkbench": {"version": "t", "instances": insts, "env": env}},
           "benchmarks": benches}, open(path, "w"))
PY
verdict() {
	python3 - "$TMP/out" <<'PY'
import json, sys
c = [c for c in json.load(open(sys.argv[1]))['claims'] if c['id'] == 'tlb_folio_reach'][0]
print(c['verdict'])
print(c['numbers'])
PY
}
for w in holds refuted guest; do
	mkdir -p "$TMP/$w"
	python3 "$TMP/gen.py" "$w" "$TMP/$w/tlb_reach.json"
done

expect_exit 0 "claims --from: 16K knees 4x right of 4K's" "$WB" claims --json --from "$TMP/holds"
verdict >"$TMP/v"
check "holds: the gain the model with coalescing predicts" test "$(head -1 "$TMP/v")" = "holds"
check "holds: the numbers name both predictions and the gain" grep -q \
	"16K: model 4x with coalescing, 1x without, measured 4.00x (L2 knee 16384 x 4K over 4096 x 4K), as the model with coalescing says" "$TMP/v"

expect_exit 0 "claims --from: 16K knees at 4K's, natively" "$WB" claims --json --from "$TMP/refuted"
verdict >"$TMP/v"
check "refuted natively (got '$(head -1 "$TMP/v")')" test "$(head -1 "$TMP/v")" = "does not hold"
check "refuted: the gain is what no coalescing gives" grep -q "measured 1.00x .*as without coalescing" "$TMP/v"

expect_exit 0 "claims --from: the same in a guest on 4K host pages" "$WB" claims --json --from "$TMP/guest"
verdict >"$TMP/v"
check "guest on 4K host pages: inconclusive (got '$(head -1 "$TMP/v")')" test "$(head -1 "$TMP/v")" = "inconclusive"
check "guest: the reason names the host's 4K backing" grep -q \
	"16K: model 4x with coalescing, 1x without, measured a knee: inconclusive (not judged: a guest whose host backs it with 4K pages" "$TMP/v"
