#!/usr/bin/env bash
# A real tlb_reach run: the file Google Benchmark's tools read, with
# walkbench's context (pinning, PMU state) and verified page sizes.
source "$(dirname "$0")/../lib.sh"
OUT=$TMP/r.json
ncpu=$(nproc)
cpu=$((ncpu - 1))

# no extra passes: the repetitions counted below are the 3 asked for
expect_exit 0 "run tlb_reach 16 pages" "$WB" run tlb_reach --param pages=16 \
	--param page_size=4K --reps 3 --extra-time 0 --min-time 0.01 --cpu "$cpu" \
	--out "$OUT"
py() { python3 - "$OUT" "$@"; }
check "results file is JSON with context and benchmarks" py <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert "context" in d and "benchmarks" in d
assert d["context"]["library_build_type"] in ("debug", "release")
PY
check "context says pinned and the PMU state" py "$cpu" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
assert w["pinned"] is True and w["pinned_cpu"] == int(sys.argv[2])
assert w["pmu"].startswith("pmu ") or w["pmu"].startswith("none: ")
assert w["complete"] is True
assert "hypervisor" in w and "env" in w
PY
check "the child ran on the chosen CPU" py "$cpu" <<'PY'
import json, sys
i = json.load(open(sys.argv[1]))["context"]["walkbench"]["instances"][0]
assert i["pinned_cpu_after"] == int(sys.argv[2]), i
PY
check "per-repetition runs and aggregates, params, verified page size" py <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["benchmarks"]
its = [x for x in b if x["run_type"] == "iteration"]
aggs = {x["aggregate_name"] for x in b if x["run_type"] == "aggregate"}
assert len(its) == 3, len(its)
assert {"mean", "median", "stddev"} <= aggs, aggs
for x in its:
    assert x["params"] == {"page_size": "4K", "pages": 16}, x["params"]
    assert x["page_size_verified"] is True
    assert x["ns_per_access"] > 0 and x["time_unit"] == "ns"
    assert x["name"] == "tlb_reach/page_size:4K/pages:16"
PY

if grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
	skip "2M tlb_reach verified" "THP is 'never' here"
else
	OUT=$TMP/r2.json
	"$WB" run tlb_reach --param pages=8 --param page_size=2M --reps 3 \
		--min-time 0.01 --out "$OUT" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 0 ]; then
		check "2M instance verified through pagemap/smaps" py <<'PY'
import json, sys
i = json.load(open(sys.argv[1]))["context"]["walkbench"]["instances"][0]
assert i["status"] == "ok" and i["page_size_verified"] is True, i
assert "smaps" in i["page_size_how"]
PY
	elif [ $rc -eq 5 ]; then
		check "unverified 2M reported, not measured" py <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["benchmarks"] == []
assert d["context"]["walkbench"]["instances"][0]["status"] == "untrusted"
PY
	else
		not_ok "2M run exited $rc: $(head -c 300 "$TMP/err")"
	fi
fi

"$WB" run tlb_reach --param pages=8 --param page_size=4K --reps 1 \
	--min-time 0.001 --results-dir "$TMP/res" >/dev/null 2>&1
"$WB" run tlb_reach --param pages=8 --param page_size=4K --reps 1 \
	--min-time 0.001 --results-dir "$TMP/res" >/dev/null 2>&1
check "two runs in a row make two files" test "$(find "$TMP/res" -name '*.json' | wc -l)" -eq 2
check "no temporary files left" test "$(find "$TMP/res" -name '*.tmp*' | wc -l)" -eq 0
