#!/usr/bin/env bash
# The mTHP lines of `walkbench run tlb --quick --allow-settings`: its wall
# time, how many instances of each page or folio size were verified (and
# how: kpageflags), the reach knees validate finds per size, and whether
# every THP switch reads the same after the run as before. Exit 1 when a
# switch differs or no 16K or 64K instance was verified where the kernel
# offers those sizes. Needs root (settings and kpageflags).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$ROOT/build/walkbench}
D=/sys/kernel/mm/transparent_hugepage
TMP=$(mktemp -d /tmp/wb-mthp.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if [ "$(id -u)" != 0 ]; then
	echo "mthp_tlb: skipped: needs root (settings changes, kpageflags)"
	exit 0
fi
before=$(grep -H . "$D"/enabled "$D"/hugepages-*/enabled 2>/dev/null)
t0=$(date +%s.%N)
"$WB" run tlb --quick --allow-settings "$@" --out "$TMP/t.json" >"$TMP/out" 2>"$TMP/err"
t1=$(date +%s.%N)
after=$(grep -H . "$D"/enabled "$D"/hugepages-*/enabled 2>/dev/null)
if [ ! -s "$TMP/t.json" ]; then
	echo "mthp_tlb: the run wrote no results: $(tail -n 1 "$TMP/err")"
	exit 1
fi
"$WB" validate "$TMP/t.json" >"$TMP/val" 2>&1
same=1
[ "$before" = "$after" ] || same=0
python3 - "$TMP/t.json" "$t0" "$t1" "$same" "$TMP/val" \
	"$([ -e "$D/hugepages-16kB/enabled" ] && echo 1 || echo 0)" <<'PY'
import collections, json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
by = collections.defaultdict(lambda: [0, 0, set()])
for i in w["instances"]:
    ps = i["params"]["page_size"]
    by[ps][0] += 1
    if i["status"] == "ok" and i.get("page_size_verified"):
        by[ps][1] += 1
        by[ps][2].add(i.get("page_size_how", "").split(":")[0])
    elif i["status"] != "ok":
        by[ps][2].add(i["status"] + ": " + i["why"][:90])
order = sorted(by, key=lambda s: int(s[:-1]) << (10 if s[-1] == "K" else 20))
print(f"run tlb --quick --allow-settings: {float(sys.argv[3]) - float(sys.argv[2]):.1f} s, "
      f"{len(w['instances'])} instances")
for s in order:
    n, v, how = by[s]
    print(f"  {s:>4}: {v} of {n} verified ({'; '.join(sorted(how))})")
for line in open(sys.argv[5]):
    if "reach_pages" in line and "tlb_reach" in line:
        print("  " + line.rstrip()[:160])
print("switches as before the run: " + ("yes" if sys.argv[4] == "1" else "NO"))
bad = sys.argv[4] != "1"
if sys.argv[6] == "1":
    bad |= by["16K"][1] == 0 or by["64K"][1] == 0
sys.exit(1 if bad else 0)
PY
