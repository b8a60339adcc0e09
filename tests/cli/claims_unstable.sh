#!/usr/bin/env bash
# walkbench claims --from: the claims decided again from synthetic results
# files, measuring nothing. The huge_pages claim is decided from timings:
# when the 4K or the THP instance's processes fall into separate modes
# (4x the time in every third process, as when the host backs some
# processes' memory with other pages) it is inconclusive and says so with
# the modes; the same times stable decide it; a file whose repetitions do
# not record their pass is one process and is judged as before.
source "$(dirname "$0")/../lib.sh"

# mk DIR MODE: DIR/huge_access.json, 4K at 40 ns and THP at 10 ns over
# 8 processes; MODE base or thp makes that one bimodal, legacy leaves
# out the pass fields (and makes THP's repetitions bimodal), stable neither
mk() {
	mkdir -p "$1"
	python3 - "$1/huge_access.json" "$2" <<'PY'
import json, sys
path, mode = sys.argv[1], sys.argv[2]
def times(ns, bim):
    return [ns * (4 if bim and r % 3 == 2 else 1) + 0.01 * r for r in range(8)]
insts, benches = [], []
for backing, ns, bim in ((1, 40.0, mode == "base"), (2, 10.0, mode in ("thp", "legacy"))):
    n = "huge_access/pattern:1/backing:%d/ws:1G" % backing
    params = {"pattern": 1, "backing": backing, "ws": 1 << 30}
    insts.append({"name": n, "kernel": "huge_access", "suite": "huge", "params": params,
                  "status": "ok", "why": "", "page_size_verified": True, "facts": {},
                  "fact_sources": {}, "prediction": {"model": "t", "items": []}})
    for r, t in enumerate(times(ns, bim)):
        e = {"name": n, "run_name": n, "run_type": "iteration", "repetitions": 8,
             "repetition_index": r, "real_time": t, "time_unit": "ns",
             "kernel": "huge_access", "params": params, "ns_per_access": t}
        if mode != "legacy":
            e["pass"] = r
        benches.append(e)
json.dump({"context": {"walkbench": {"version": "t", "instances": insts, "env": {}}},
           "benchmarks": benches}, open(path, "w"))
PY
}
# claim ID: its verdict, then its numbers
claim() {
	python3 -c "
import json, sys
c = [c for c in json.load(open('$TMP/out'))['claims'] if c['id'] == '$1'][0]
print(c['verdict']); print(c['numbers'])"
}
for m in thp base stable legacy; do mk "$TMP/$m" $m; done

expect_exit 0 "THP bimodal: exit 0" "$WB" claims --from "$TMP/thp" --json
check "THP bimodal: inconclusive" test "$(claim huge_pages | head -1)" = inconclusive
check "THP bimodal: says so, with the modes" grep -Eq \
	"verified 4K pages 40\.035, verified THP 2M pages unstable \(10\.0\.\.10\.1 x6 \| 40\.0\.\.40\.0 x2\)\. THP is unstable" \
	<(claim huge_pages)
check "nothing measured: the other measured claims not measured" \
	test "$(claim demand_zero | head -1)" = "not measured"
check "the results directory is the one given" python3 -c "
import json; assert json.load(open('$TMP/out'))['results_dir'] == '$TMP/thp'"
expect_exit 0 "4K bimodal: exit 0" "$WB" claims --from "$TMP/base" --json
check "4K bimodal: inconclusive" test "$(claim huge_pages | head -1)" = inconclusive
check "4K bimodal: 4K is unstable" grep -q "4K is unstable" <(claim huge_pages)
expect_exit 0 "both stable" "$WB" claims --from "$TMP/stable" --json
check "both stable: THP 4x faster holds" test "$(claim huge_pages | head -1)" = holds
expect_exit 0 "no passes recorded" "$WB" claims --from "$TMP/legacy" --json
check "no passes recorded: judged by the U test as before, not unstable" python3 -c "
import json
c = [c for c in json.load(open('$TMP/out'))['claims'] if c['id'] == 'huge_pages'][0]
assert 'unstable' not in c['numbers'] and 'one-sided Mann-Whitney' in c['numbers'], c
assert c['verdict'] in ('holds', 'inconclusive'), c"

expect_exit 2 "--from a missing directory: exit 2" "$WB" claims --from "$TMP/nonexistent"
one_line_error "--from a missing directory"
expect_exit 2 "--from with --results-dir: exit 2" "$WB" claims --from "$TMP/thp" --results-dir "$TMP/r"
one_line_error "--from with --results-dir"
check "--from with --results-dir: nothing written" test ! -e "$TMP/r"
