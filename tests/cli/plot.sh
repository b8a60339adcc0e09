#!/usr/bin/env bash
# walkbench plot on synthetic results files (tests/data/mkresults.bash).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../data/mkresults.bash"
top=$(cd "$(dirname "$0")/../.." && pwd)

# png_size FILE: "WIDTHxHEIGHT" from the PNG signature and IHDR chunk
png_size() {
	local sig
	sig=$(od -An -tx1 -N8 "$1" | tr -d ' \n')
	[ "$sig" = 89504e470d0a1a0a ] || return 1
	echo "$((16#$(od -An -tx1 -j16 -N4 "$1" | tr -d ' \n')))x$((16#$(od -An -tx1 -j20 -N4 "$1" | tr -d ' \n')))"
}

mkresults reps=5 seed=1 suites=tlb >"$TMP/tlb.json"
mkresults reps=5 seed=2 >"$TMP/all.json"
mkresults reps=5 seed=3 tlb_scale=1.3 host=otherhost >"$TMP/all2.json"
# broken on purpose: kept out of the schema check (tests/lib.sh)
mkdir -p "$TMP/broken"
head -c 900 "$TMP/all.json" >"$TMP/broken/trunc.json"

# Bad input first: nothing may be written, even beside a good file.
expect_exit 2 "truncated file: exit 2" "$WB" plot "$TMP/broken/trunc.json" --out "$TMP/bad"
one_line_error "truncated file"
check "truncated file: nothing written" test ! -e "$TMP/bad"
expect_exit 2 "good and bad file: exit 2" "$WB" plot "$TMP/tlb.json" "$TMP/broken/trunc.json" --out "$TMP/bad"
check "good and bad file: names the bad one" grep -q "trunc.json: not valid JSON" "$TMP/err"
check "good and bad file: nothing written" test ! -e "$TMP/bad"
expect_exit 2 "no file: exit 2" "$WB" plot --out "$TMP/bad"
expect_exit 2 "unknown option: exit 2" "$WB" plot "$TMP/tlb.json" --bogus
one_line_error "unknown option"
expect_exit 3 "gnuplot missing: exit 3" env PATH=/nonexistent "$WB" plot "$TMP/tlb.json" --out "$TMP/bad"
check "gnuplot missing: says which package" grep -q "gnuplot-nox" "$TMP/err"
check "gnuplot missing: nothing written" test ! -e "$TMP/bad"

if ! command -v gnuplot >/dev/null; then
	skip "plots rendered" "gnuplot not installed (Debian package gnuplot-nox)"
	exit 0
fi

expect_exit 0 "tlb results: exit 0" "$WB" plot "$TMP/tlb.json" --out "$TMP/tlb"
out=$TMP/tlb
for f in tlb_reach.png tlb_reach.svg index.html tlb_reach.tsv; do
	check "tlb results: $f written and not empty" test -s "$out/$f"
	check "tlb results: $f printed" grep -qxF "$out/$f" "$TMP/out"
done
check "tlb results: PNG is a 1200x800 PNG" test "$(png_size "$out/tlb_reach.png")" = 1200x800
check "tlb results: SVG is 1200x800" grep -q 'width="1200" height="800"' "$out/tlb_reach.svg"
check "tlb results: SVG is complete" grep -q '</svg>' "$out/tlb_reach.svg"
check "tlb results: only the suites present" test ! -e "$out/walk_depth.png"
check "tlb results: no gnuplot log left" test ! -e "$out/tlb_reach.log"
check "tlb results: title names host and CPU" grep -q "testhost (Test CPU @ 2.00GHz)" "$out/tlb_reach.svg"
check "tlb results: knee detected at 64 pages (4K)" grep -Pq "^64\t(0\.9|1)" "$out/tlb_reach_knees.tsv"
check "tlb results: knee detected at 1024 pages (4K)" grep -Pq "^1024\t(6\.9|7)" "$out/tlb_reach_knees.tsv"
check "tlb results: model knee 1536 from the prediction" grep -q "L2 TLB 4K: 1536" "$out/tlb_reach_model.tsv"
check "index.html: embeds the plot" grep -q '<img src="tlb_reach.png"' "$out/index.html"
check "index.html: environment" grep -q "<th>vendor</th><td>GenuineIntel</td>" "$out/index.html"
check "index.html: instance with status" grep -q "tlb_reach/pages:64/page_size:4K</td><td class=\"ok\">ok" "$out/index.html"
check "index.html: skipped instance with its reason" \
	grep -q 'page_size:1G</td><td class="off">skipped</td><td>no free 1 GiB hugetlb pages' "$out/index.html"
check "index.html: prediction vs facts" grep -q "l1_dtlb_reach_pages: model 64" "$out/index.html"

expect_exit 0 "every suite, two files: exit 0" "$WB" plot "$TMP/all.json" "$TMP/all2.json" --out "$TMP/all"
for p in tlb_reach walk_depth huge_speedup cow_faults shared_pt; do
	check "every suite: $p.png is 1200x800" test "$(png_size "$TMP/all/$p.png")" = 1200x800
	check "every suite: $p.svg written" grep -q '</svg>' "$TMP/all/$p.svg"
done
check "overlay: one line per file" grep -q "^pages	all2 4K" "$TMP/all/tlb_reach.tsv"
check "overlay: five columns per file" grep -q "^stride	all	all min	all max	all stable	all modes	all2	all2 min	" "$TMP/all/walk_depth.tsv"
check "huge: speed-up at 256 MiB" grep -Pq "^256\t(5\.[89]|6\.[01])" "$TMP/all/huge_speedup.tsv"
check "shared: measured and model bytes" grep -Pq "^16\t1114112\t1114112$" "$TMP/all/shared_pt.tsv"
check "cow: faults per second, a named row without what every row shares" \
	grep -Pq "^demand_zero/page_size:4K/phase:write\t2500000\t2500000\t2500000\t1\t\t2500000\t" "$TMP/all/cow_faults.tsv"
check "cow: the shared parameter is said once, in the title" grep -q "in every row: demand_zero mib:16" "$TMP/all/cow_faults.svg"
check "cow: no label gives a value by its number" \
	sh -c "! cut -f1 '$TMP/all/cow_faults.tsv' | grep -Eq '(phase|writer|backing|pattern|op):[0-9]'"
# time per MiB mapped = ns per fault x the faults per MiB the instance
# counted (mkresults: 4096 faults over 16 MiB, 8 THP faults over 16 MiB,
# 1582 COW faults over 791 4K pages copied)
mib_row() { # FILE LABEL: "us faults_per_mib" of the first file
	awk -F'\t' -v l="$2" 'NR == 1 { n = (NF - 1) / 6 } $1 == l { print $2, $(2 + 5 * n) }' "$1"
}
near() { # "us fpm" US FPM: us within 2%, fpm exactly
	awk -v a="$1" -v us="$2" -v fpm="$3" 'BEGIN { split(a, v, " ");
		exit !(v[1] > us * 0.98 && v[1] < us * 1.02 && v[2] == fpm) }'
}
M=$TMP/all/cow_faults_per_mib.tsv
check "cow: per-MiB table written" test -s "$M"
check "cow: per-MiB columns: us, min, max, stable, modes per file, then faults per MiB" \
	grep -Pq "^benchmark\tall\tall min\tall max\tall stable\tall modes\tall2\t.*\tall faults_per_mib\tall2 faults_per_mib$" "$M"
check "cow: 4K write: 102.4 us per MiB, 256 faults per MiB" \
	near "$(mib_row "$M" demand_zero/page_size:4K/phase:write)" 102.4 256
check "cow: 2M write: 20 us per MiB, 0.5 faults per MiB" \
	near "$(mib_row "$M" demand_zero/page_size:2M/phase:write)" 20 0.5
check "cow: THP copy-on-write from its counted faults (512 per MiB), not its 2M page size" \
	near "$(mib_row "$M" cow_storm/mib:32/page_size:2M/writer:both/percent:10)" 1024 512
# every row label is inside the image: text anchored at its end, at most
# 0.75 em a character (Sans averages less)
check "cow: every row label fits inside the image" python3 - "$TMP/all/cow_faults.svg" <<'PY'
import re, sys
svg = open(sys.argv[1]).read()
rows = re.findall(r'translate\(([0-9.]+),[0-9.]+\)[^>]*font-size="([0-9.]+)"\s*text-anchor="end">\s*<text>([a-z_]+/[^<]+)</text>', svg)
assert len(rows) >= 4, rows
for x, size, label in rows:
    assert float(x) - 0.75 * float(size) * len(label) >= 0, (label, x)
PY
# a file from before the facts were recorded, with numbered values: the
# names come back, faults per second is drawn, the time per MiB is not made
# up from the page size, and the plot says why it is missing
python3 - "$TMP/all.json" "$TMP/old_cow.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
num = {"read": 1, "write": 2}
def old(o):
    for ph, n in num.items():
        for k in ("name", "run_name"):
            if k in o:
                o[k] = o[k].replace("phase:" + ph, "phase:%d" % n)
    if isinstance(o.get("params"), dict) and o["params"].get("phase") in num:
        o["params"]["phase"] = num[o["params"]["phase"]]
for b in d["benchmarks"]:
    old(b)
for i in d["context"]["walkbench"]["instances"]:
    old(i)
    i["facts"].pop("timed_faults", None)
    i["facts"].pop("timed_mapped_bytes", None)
json.dump(d, open(sys.argv[2], "w"))
PY
check "old cow file: numbered names in it" grep -q "phase:2" "$TMP/old_cow.json"
expect_exit 0 "old cow file: exit 0" "$WB" plot "$TMP/old_cow.json" --out "$TMP/old_cow"
check "old cow file: rows named" grep -Pq "^demand_zero/page_size:4K/phase:write\t" "$TMP/old_cow/cow_faults.tsv"
check "old cow file: no per-MiB table" test ! -e "$TMP/old_cow/cow_faults_per_mib.tsv"
check "old cow file: says why, naming the facts" grep -q "time per MiB mapped: not drawn.*timed_faults and timed_mapped_bytes" "$TMP/err"
check "old cow file: index.html says it too" grep -q "timed_faults and timed_mapped_bytes" "$TMP/old_cow/index.html"

# default output directory: beside the results file
expect_exit 0 "default --out" "$WB" plot "$TMP/tlb.json"
check "default --out: RESULTS-plots/" test -s "$TMP/tlb-plots/tlb_reach.png"
check "index.html: a fact checked against the model" \
	grep -q 'vmpte_bytes: model 69632 (abs 4096), measured 69632: ok' "$TMP/all/index.html"
: >"$TMP/afile"
expect_exit 2 "--out names a file: exit 2" "$WB" plot "$TMP/tlb.json" --out "$TMP/afile"
one_line_error "--out names a file"

# Unstable points: the processes that measured them disagree (bimodal:
# passes from the third on 3.6 times slower, as when the host backs them
# with other pages). mkresults' huge times: base 2 + ws/16, hugetlb
# 2 + ws/256 (MiB).
expect_exit 0 "unstable points: exit 0" "$WB" plot "$(mkresults reps=5 seed=4 'unstable=(pages:128/page_size:4K|backing:4/ws:16M|stride:1G)' >"$TMP/bim.json"; echo "$TMP/bim.json")" --out "$TMP/bim"
d=$TMP/bim
row() { awk -F'\t' -v x="$2" -v s="$3" '$1 == "pages" || $1 == "MiB" { cur = $2; next } cur == s && $1 == x' "$1"; }
check "curve: unstable point has stable 0 and its modes" \
	sh -c "row() { $(declare -f row | tail -n +2); }; row '$d/tlb_reach.tsv' 128 4K | grep -Pq '\t0\tunstable \([67]\.[0-9]\.\.7\.0 x2 \| 25\.[0-9]\.\.25\.[0-9] x3\)$'"
check "curve: stable point has stable 1, its range around the median" \
	awk -F'\t' '$1 == 64 && $5 == 1 && $3 <= $2 && $2 <= $4 && $4 / $3 < 1.05 { ok = 1 } END { exit !ok }' "$d/tlb_reach.tsv"
check "curve: a line break (empty line) after the unstable point" \
	awk 'prev ~ /^128\t/ && $0 == "" { ok = 1 } { prev = $0 } END { exit !ok }' "$d/tlb_reach.tsv"
check "curve: no knee at the unstable point" sh -c "! grep -q '^128	' '$d/tlb_reach_knees.tsv'"
check "curve: drawn hollow (open circle series)" grep -q 'pointtype hollow' "$top/plots/tlb_reach.gp"
check "curve: the SVG has the unstable key and the count" \
	sh -c "grep -q 'unstable (processes disagree): open, not joined' '$d/tlb_reach.svg' && grep -q '1 of 25 points unstable' '$d/tlb_reach.svg'"
check "speed-up: unstable side gives class unstable and no ratio" \
	grep -Pq '^16\tnan\tnan\tnan\tunstable\t' "$d/huge_speedup.tsv"
check "speed-up: an unstable row's no-ratio mark is 0" \
	awk -F'\t' '$1 == 16 && $5 == "unstable" && $10 == 0 { ok = 1 } END { exit !ok }' "$d/huge_speedup.tsv"
check "speed-up: a drawn ratio has no mark" \
	awk -F'\t' '$1 == 256 && $5 == "faster" && $10 == "nan" { ok = 1 } END { exit !ok }' "$d/huge_speedup.tsv"
check "speed-up: the mark's header names its series" grep -Pq "\tbase\thuge\t.* vs .*: no ratio$" "$d/huge_speedup.tsv"
check "speed-up: the key names the series' marks" grep -q ": no ratio</text>" "$d/huge_speedup.svg"
check "speed-up: 256 MiB faster (6x)" grep -Pq '^256\t(5\.[89]|6\.[01])[0-9]*\t[0-9.]+\t[0-9.]+\tfaster\t' "$d/huge_speedup.tsv"
check "speed-up: 1 MiB within 5% is same" grep -Pq '^1\t1\.0[0-9]*\t[0-9.]+\t[0-9.]+\tsame\t' "$d/huge_speedup.tsv"
check "bars: unstable bar has stable 0 and modes" grep -Pq '^1G\t[0-9.]+\t[0-9.]+\t[0-9.]+\t0\tunstable \(' "$d/walk_depth.tsv"
check "index.html: counts the unstable points of the TLB plot" grep -q '1 of 25 points unstable' "$d/index.html"
check "index.html: names the unstable point with its modes" \
	grep -Eq '<li>tlb_reach/pages:128/page_size:4K: unstable \([67]\.[0-9]\.\.7\.0 x2 \| 25' "$d/index.html"
check "index.html: the missing ratio with both sides" \
	grep -q '<li>huge_access/pattern:chase/backing:hugetlb-2m/ws:16M: no ratio: base 3.0[0-9]*, huge unstable (' "$d/index.html"
check "index.html: a plot without unstable points says so" grep -q 'All 4 points stable' "$d/index.html"
# an unstable point whose modes the host's backing explains says so
python3 - "$TMP/bim.json" "$TMP/bimhost.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for i in d["context"]["walkbench"]["instances"]:
    if i["name"] == "tlb_reach/pages:128/page_size:4K":
        i["stability"] = {"modes_line_up_with_host_backing": True}
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 0 "modes that follow the host: exit 0" "$WB" plot "$TMP/bimhost.json" --out "$TMP/bimhost"
check "index.html: modes that follow the host's backing say so" \
	grep -Eq "<li>tlb_reach/pages:128/page_size:4K: unstable \(.*\), modes follow the host's backing" "$TMP/bimhost/index.html"
check "index.html: modes the host does not explain say nothing of it" \
	sh -c "! grep -q \"follow the host\" '$d/index.html'"
# slower: huge pages 20% slower than base at every working set
python3 - "$TMP/all.json" "$TMP/slow.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
base = {}
for b in d["benchmarks"]:
    if b.get("kernel") == "huge_access" and b["params"]["backing"] == 1:
        base.setdefault(b["params"]["ws"], []).append(b)
for b in d["benchmarks"]:
    if b.get("kernel") == "huge_access" and b["params"]["backing"] == 4:
        for k in ("real_time", "cpu_time", "ns_per_access"):
            b[k] = base[b["params"]["ws"]][0]["real_time"] * 1.2
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 0 "huge pages slower: exit 0" "$WB" plot "$TMP/slow.json" --out "$TMP/slow"
check "speed-up: 20% slower everywhere is slower" \
	sh -c "test \$(grep -Pc '^[0-9]+\t0\.8[0-9]*\t[0-9.]+\t[0-9.]+\tslower\t' '$TMP/slow/huge_speedup.tsv') = 5"
