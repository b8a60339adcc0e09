#!/usr/bin/env bash
# A region that fell back to 4K pages is never measured as mTHP folios:
# walkbench runs under PR_SET_THP_DISABLE (prctl 41, inherited across fork
# and exec), so every fault in its MADV_HUGEPAGE regions gets a 4K page
# whatever the per-size switches say. The 16K tlb_reach instance must then
# be refused as untrusted with the folios it really got, and the switches
# must be as they were before the run.
source "$(dirname "$0")/../lib.sh"
D=/sys/kernel/mm/transparent_hugepage
switches() { grep -H . "$D"/enabled "$D"/hugepages-*/enabled 2>/dev/null; }
under_thp_disable() {
	python3 - "$@" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(41, 1, 0, 0, 0) != 0:  # PR_SET_THP_DISABLE
    sys.exit("prctl(PR_SET_THP_DISABLE): errno %d" % ctypes.get_errno())
os.execv(sys.argv[1], sys.argv[1:])
PY
}
args=(run tlb_reach --param page_size=16K --param pages=64 --reps 2
	--passes 1 --min-time 0.01 --allow-settings)

if [ "$(id -u)" != 0 ]; then
	skip "fallback to 4K refused" "not root: no kpageflags, no settings"
elif [ ! -e "$D/hugepages-16kB/enabled" ]; then
	skip "fallback to 4K refused" "no 16K mTHP on this kernel ($D/hugepages-16kB)"
else
	before=$(switches)
	under_thp_disable "$WB" "${args[@]}" --out "$TMP/fb.json" \
		>"$TMP/out" 2>"$TMP/err"
	check "fallback: the 16K instance is untrusted, naming the 4K folios" \
		python3 - "$TMP/fb.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
i = j["context"]["walkbench"]["instances"][0]
assert i["status"] == "untrusted", (i["status"], i["why"])
assert "x 4K" in i["why"] and "16K" in i["why"], i["why"]
assert not any(b["name"] == i["name"] and b.get("run_type") == "iteration"
               and b.get("page_size_verified") for b in j["benchmarks"]), i
PY
	check "fallback: switches as before" test "$before" = "$(switches)"

	"$WB" "${args[@]}" --out "$TMP/ok.json" >"$TMP/out" 2>"$TMP/err"
	check "no fallback: the same instance verified as 16K folios" \
		python3 - "$TMP/ok.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
i = j["context"]["walkbench"]["instances"][0]
assert i["status"] == "ok", (i["status"], i["why"])
assert i["page_size_verified"] and "kpageflags" in i["page_size_how"], i
PY
	check "no fallback: switches as before" test "$before" = "$(switches)"

	"$WB" plot "$TMP/fb.json" --out "$TMP/plot-fb" >/dev/null 2>&1
	check "plot page: the refused 16K instance listed with what it got" \
		grep -q "refused: the memory did not get the size.*" "$TMP/plot-fb/index.html"
	"$WB" plot "$TMP/ok.json" --out "$TMP/plot-ok" >/dev/null 2>&1
	check "plot page: 16K named among the sizes verified" \
		grep -q "16K: 1 instance" "$TMP/plot-ok/index.html"
fi
