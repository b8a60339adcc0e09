#!/usr/bin/env bash
# A kernel that crashes, hangs or exhausts its memory limit costs only its
# own record: the others are measured and the file says what happened.
source "$(dirname "$0")/../lib.sh"
WBT=$(dirname "$WB")/walkbench-test
OUT=$TMP/r.json
if [ ! -x "$WBT" ]; then
	skip "misbehaving kernels" "build/walkbench-test not built (make test builds it)"
	exit 0
fi
expect_exit 1 "run with crash, hang and hog exits 1" "$WBT" run test_crash tlb_reach \
	test_hang test_hog --param tlb_reach.pages=16 --param tlb_reach.page_size=4K \
	--timeout 3 --mem-fraction 0.02 --reps 2 --extra-time 0 --min-time 0.01 \
	--out "$OUT"
check "each misbehaviour recorded, the good instance complete" python3 - "$OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
st = {i["kernel"]: i for i in d["context"]["walkbench"]["instances"]}
assert st["tlb_reach"]["status"] == "ok"
assert st["test_crash"]["status"] == "crashed" and st["test_crash"]["signal"] == 11
assert st["test_hang"]["status"] == "timeout", st["test_hang"]
assert st["test_hog"]["status"] in ("crashed", "oom"), st["test_hog"]
assert d["context"]["walkbench"]["complete"] is True
b = [x for x in d["benchmarks"] if x["kernel"] == "tlb_reach"]
assert len([x for x in b if x["run_type"] == "iteration"]) == 2
assert all(x["kernel"] == "tlb_reach" for x in d["benchmarks"])
PY
check "no child left running" sh -c "! pgrep -x walkbench-test >/dev/null"
