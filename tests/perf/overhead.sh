#!/usr/bin/env bash
# Harness overhead: ns per access of `walkbench run tlb_reach` at 16 pages
# (every load hits the TLB and L1) against tests/perf/chase_min.c doing the
# same chase, measured alternately in one run on the same CPU. Prints the
# ratio; fails when they differ by more than 5%.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$top/build/walkbench}
tmp=$(mktemp -d /tmp/wb-perf.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cpu=$(($(nproc) - 1))
gcc -O2 -o "$tmp/chase_min" "$top/tests/perf/chase_min.c" || exit 1
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for round in 1 2 3; do
	"$tmp/chase_min" 16 "$cpu" 9 >>"$tmp/min"
	"$WB" run tlb_reach --param pages=16 --param page_size=4K --reps 9 \
		--min-time 0.1 --cpu "$cpu" --out "$tmp/r$round.json" >/dev/null 2>&1 || exit 1
	python3 -c 'import json,sys
b=json.load(open(sys.argv[1]))["benchmarks"]
print([x["real_time"] for x in b if x.get("aggregate_name")=="median"][0])' "$tmp/r$round.json" >>"$tmp/wb"
done
m=$(median <"$tmp/min")
w=$(median <"$tmp/wb")
awk -v m="$m" -v w="$w" 'BEGIN {
	r = w / m
	printf "standalone chase: %.3f ns/access\nwalkbench tlb_reach: %.3f ns/access\nratio walkbench/standalone: %.4f (%+.2f%%)\n", m, w, r, (r - 1) * 100
	exit (r > 1.05 || r < 0.95)
}'
