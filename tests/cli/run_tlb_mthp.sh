#!/usr/bin/env bash
# tlb_reach over 16K mTHP folios: with --allow-settings (root) the size is
# switched through the journal, the region's folios are read back from
# pagemap+kpageflags (how the size was verified names them) and every
# per-size switch is as before afterwards; without --allow-settings the
# instance is missing, naming the switch in the way. Skips naming what is
# missing: a kernel without per-size switches, no 16K size, not root.
source "$(dirname "$0")/../lib.sh"
T=/sys/kernel/mm/transparent_hugepage
if [ ! -e $T/hugepages-16kB/enabled ]; then
	skip "tlb_reach over 16K folios" "no $T/hugepages-16kB/enabled (a kernel before 6.8, or no 16K mTHP)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	skip "tlb_reach over 16K folios" "needs root: folio sizes show only in /proc/kpageflags, and the switches are root's"
	exit 0
fi
snap() { grep . $T/hugepages-*/enabled $T/enabled; }
before=$(snap)
py() { python3 - "$OUT" "$@"; }

OUT=$TMP/a.json
expect_exit 0 "run tlb_reach 16K --allow-settings" "$WB" run tlb_reach --quick --allow-settings \
	--param page_size=16K --param pages=64 --extra-time 0 --out "$OUT"
check "verified 16K instance, folios read from kpageflags" py <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
i = w["instances"][0]
assert i["status"] == "ok" and i["page_size_verified"] is True, i
assert "kpageflags" in i["page_size_how"] and "x 16K" in i["page_size_how"], i["page_size_how"]
# 64 4K pages: 16 folios of 16K, every one whole
assert i["facts"]["folios_of_page_size"] == 16, i["facts"]
assert i["fact_sources"]["folios_of_page_size"] == "pagemap+kpageflags", i
for it in i["prediction"]["items"]:
    assert it["quantity"] in ("l1_dtlb_reach_pages", "l2_tlb_reach_pages"), it
PY
check "per-size switches as before" test "$(snap)" = "$before"

OUT=$TMP/b.json
expect_exit 3 "without --allow-settings: a missing resource" "$WB" run tlb_reach --quick \
	--param page_size=16K --param pages=64 --out "$OUT"
if grep -q '\[never\]' $T/hugepages-16kB/enabled; then
	check "missing, naming the 16K switch and --allow-settings" py <<'PY'
import json, sys
i = json.load(open(sys.argv[1]))["context"]["walkbench"]["instances"][0]
assert i["status"] == "missing", i
assert "hugepages-16kB/enabled is never" in i["why"] and "--allow-settings" in i["why"], i["why"]
PY
else
	skip "missing without --allow-settings" "hugepages-16kB/enabled is not never here"
fi
check "per-size switches still as before" test "$(snap)" = "$before"
