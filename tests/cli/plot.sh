#!/usr/bin/env bash
# walkbench plot on synthetic results files (tests/data/mkresults.bash).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../data/mkresults.bash"

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
head -c 900 "$TMP/all.json" >"$TMP/trunc.json"

# Bad input first: nothing may be written, even beside a good file.
expect_exit 2 "truncated file: exit 2" "$WB" plot "$TMP/trunc.json" --out "$TMP/bad"
one_line_error "truncated file"
check "truncated file: nothing written" test ! -e "$TMP/bad"
expect_exit 2 "good and bad file: exit 2" "$WB" plot "$TMP/tlb.json" "$TMP/trunc.json" --out "$TMP/bad"
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
check "overlay: one column per file" grep -q "^stride	all	all2$" "$TMP/all/walk_depth.tsv"
check "huge: speed-up at 256 MiB" grep -Pq "^256\t(5\.[89]|6\.[01])" "$TMP/all/huge_speedup.tsv"
check "shared: measured and model bytes" grep -Pq "^16\t1114112\t1114112$" "$TMP/all/shared_pt.tsv"
check "cow: faults per second" grep -Pq "^mode:first_write/page_size:4K\t2500000\t2500000$" "$TMP/all/cow_faults.tsv"

# default output directory: beside the results file
expect_exit 0 "default --out" "$WB" plot "$TMP/tlb.json"
check "default --out: RESULTS-plots/" test -s "$TMP/tlb-plots/tlb_reach.png"
check "index.html: a fact checked against the model" \
	grep -q 'vmpte_bytes: model 69632 (abs 4096), measured 69632: ok' "$TMP/all/index.html"
: >"$TMP/afile"
expect_exit 2 "--out names a file: exit 2" "$WB" plot "$TMP/tlb.json" --out "$TMP/afile"
one_line_error "--out names a file"
