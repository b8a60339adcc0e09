#!/usr/bin/env bash
# walkbench model: outputs of each subverb and its bad-input handling.
source "$(dirname "$0")/../lib.sh"

last_line() { "$@" 2>/dev/null | tail -1; }

# the published 2D table, through the CLI
while read -r want layers; do
	# shellcheck disable=SC2086
	got=$(last_line "$WB" model walk $layers)
	if [ "$got" = "$want" ]; then ok "walk $layers = $want"; else not_ok "walk $layers: got '$got', want $want"; fi
done <<'T'
24 4:4K 4:4K
35 5:4K 5:4K
29 5:4K 4:4K
19 4:2M 4:4K
15 4:2M 4:2M
14 4:4K 4:1G
8 4:1G 4:1G
124 4:4K 4:4K 4:4K
4 4:4K
T

check "walk --json worst_refs" sh -c "'$WB' model walk 4:4K 4:4K --json | grep -q '\"worst_refs\": 24'"
check "walk names the seed formula" sh -c "'$WB' model walk 4:4K 4:4K | grep -q 'Lg x Ln + Ln = 20'"

for sub in walk footprint fleet vipt tlb; do
	expect_exit 0 "model $sub --help" "$WB" model "$sub" --help
	check "model $sub --help prints usage" grep -q "usage: walkbench model $sub" "$TMP/out"
done

# bad input: one line naming the token, exit 2
bad() {
	local name=$1 tok=$2
	shift 2
	expect_exit 2 "$name" "$WB" model "$@"
	one_line_error "$name"
	if grep -qF -- "$tok" "$TMP/err"; then ok "$name: names '$tok'"; else not_ok "$name: '$tok' not in: $(cat "$TMP/err")"; fi
	if [ -s "$TMP/out" ]; then not_ok "$name: wrote to stdout"; else ok "$name: nothing written"; fi
}
bad "malformed layer" "4:3K" walk 4:4K 4:3K
bad "layer with 3 levels" "3:4K" walk 3:4K
bad "layer without page size" "4" walk 4
bad "bad --pwc" "L9=2" walk 4:4K --pwc L9=2
bad "bad size" "12Q" fleet --procs 10 --private 12Q --shared 8G --phys 1T
bad "bad procs" "ten" fleet --procs ten --private 1G --shared 8G --phys 1T
bad "malformed mapping" "0x1000" footprint --map 0x1000
bad "unaligned mapping" "0x1800:4K" footprint --map 0x1800:4K
bad "unaligned huge mapping" "0x200000:3M:2M" footprint --map 0x200000:3M:2M
bad "overlapping mappings" "0x2000:4K" footprint --map 0x1000:8K --map 0x3000:4K --map 0x2000:4K
bad "bad pattern" "chase:0:4K" tlb --cpu zen5 --pattern chase:0:4K
bad "unknown cpu" "pentium" tlb --cpu pentium --pattern chase:8:4K
bad "unknown subverb" "frobnicate" frobnicate
bad "vipt bad ways" "x" vipt --size 48K --ways x --line 64

# footprint: 8 MiB straddling 2 MiB boundaries needs 5 PTE tables
"$WB" model footprint --map 0x201000:8M >"$TMP/fp" 2>&1
check "footprint PTE tables" grep -q 'level 1 (PTE) tables: 5' "$TMP/fp"
check "footprint VmPTE" grep -q 'VmPTE bytes: 28672' "$TMP/fp"
printf '# two mappings\n0x40000000:1G:2M\n0x80000000:2M  # trailing comment\n' >"$TMP/maps"
check "footprint --file --json" sh -c "'$WB' model footprint --file '$TMP/maps' --json | grep -q '\"vmpte_bytes\": 16384'"

# fleet: 1T private per process dwarfs a 4 GiB inverted table
"$WB" model fleet --procs 10000 --private 1T --shared 8G --phys 1T >"$TMP/fl" 2>&1
check "fleet break-even" grep -q '^break-even: 2 processes' "$TMP/fl"
check "fleet inverted bytes" grep -q '^inverted table: 4294967296 bytes' "$TMP/fl"
check "fleet --json" sh -c "'$WB' model fleet --procs 10 --private 1G --shared 0 --phys 1T --json | grep -q '\"breakeven_procs\": 2037'"
expect_exit 2 "fleet pmd share needs 2M" "$WB" model fleet --procs 2 --private 1G --shared 1G --phys 1T --hugetlb-pmd-share

# vipt
expect_exit 0 "vipt 48K 12-way OK" "$WB" model vipt --size 48K --ways 12 --line 64 --page 4K
check "vipt OK line" grep -q '^OK: S=64 sets, B=64, P=4096' "$TMP/out"
expect_exit 1 "vipt 64K 4-way VIOLATES" "$WB" model vipt --size 64K --ways 4 --line 64 --page 4K
check "vipt VIOLATES line" grep -q '^VIOLATES: S=256' "$TMP/out"
expect_exit 0 "vipt --cpu zen5" "$WB" model vipt --cpu zen5 --json
check "vipt --json ok" grep -q '"ok": true' "$TMP/out"

# tlb
"$WB" model tlb --cpu skylake --pattern chase:1:4K --sweep >"$TMP/sw" 2>&1
check "tlb sweep L1 knee" grep -q '^knee L1: 64 pages (256K)' "$TMP/sw"
check "tlb sweep L2 knee" grep -q '^knee L2: 1536 pages (6M)' "$TMP/sw"
check "tlb chase json" sh -c "'$WB' model tlb --cpu zen5 --pattern chase:200:4K --json | grep -q '\"walks\": 0'"
printf '0x1000\n0x2000 4K\n0x1000\n0x40000000 2M\n' >"$TMP/trace"
"$WB" model tlb --cpu zen4 --trace "$TMP/trace" >"$TMP/tr" 2>&1
check "tlb trace walks" grep -q '^walks: 3,' "$TMP/tr"
printf '1 4K:2:FA\n2 4K:4:4\n' >"$TMP/geom"
"$WB" model tlb --geometry "$TMP/geom" --pattern chase:3:4K >"$TMP/ge" 2>&1
check "tlb geometry file" grep -q '^L2: 12 lookups, 0 misses' "$TMP/ge"
printf '0xzz\n' >"$TMP/badtrace"
bad "bad trace line" "0xzz" tlb --cpu zen4 --trace "$TMP/badtrace"

# PWC sizes fed with a trace: 13 reads in 4 walks (tests/unit/test_model_walk.c)
printf '0x10000000000\n0x10000001000  # same 2M\n0x10000200000\n0x10000000000\n' >"$TMP/walks"
check "walk --pwc-sizes --trace" sh -c "'$WB' model walk 4:4K --pwc-sizes L2=1 --trace '$TMP/walks' | grep -q 'expected with PWC and nested TLB: 3.2500'"
bad "pwc sizes without trace" "--pwc-sizes" walk 4:4K --pwc-sizes L2=1

# arm64: stage 1 over stage 2 (harness/model/README.md, "arm64")
while read -r want args; do
	# shellcheck disable=SC2086
	got=$(last_line "$WB" model walk --arch arm64 $args)
	if [ "$got" = "$want" ]; then ok "arm64 walk $args = $want"; else not_ok "arm64 walk $args: got '$got', want $want"; fi
done <<'T'
24 --granule 4K 4:4K 4:4K
24 --granule 16K 4:16K 4:16K
15 --granule 64K 3:64K 3:64K
19 --granule 4K,64K 4:4K 3:64K
19 --granule 4K 3:4K 4:4K
14 --granule 16K 4:16K 3:32M
35 --granule 4K 5:4K 5:4K
8 --granule 64K 2:64K 2:64K
T
check "arm64 walk names stage 1 and 2" sh -c "'$WB' model walk --arch arm64 4:4K 4:4K | grep -q 'layer 2 (stage 2): arm64 4K granule, 48-bit VA, 4 levels'"
# levels at 48 bits per granule: 4K 4, 16K 4, 64K 3 (Arm ARM D4.2.7)
for gl in 4K:4 16K:4 64K:3; do
	g=${gl%:*} l=${gl#*:}
	check "arm64 $g granule at 48 bits has $l levels" sh -c "'$WB' model footprint --arch arm64 --granule $g --map 0:$g --json | grep -q '\"levels\": $l'"
done
check "arm64 64K VmPTE: 2 PTE + 1 PMD tables of 64K" sh -c "'$WB' model footprint --arch arm64 --granule 64K --map 0x10000000000:1G --json | grep -q '\"vmpte_bytes\": 196608'"
bad "arm64 layer the granule has not" "5:16K" walk --arch arm64 --granule 16K 5:16K
bad "arm64 block of another granule" "3:2M" walk --arch arm64 --granule 64K 3:2M
bad "arm64 bad granule" "8K" walk --arch arm64 --granule 8K 4:4K
bad "arm64 bad VA size" "40" footprint --arch arm64 --va-bits 40 --map 0:4K
bad "granule without arm64" "--granule" walk --granule 16K 4:4K
bad "arm64 bad arch" "sparc" walk --arch sparc 4:4K
bad "arm64 granule list length" "3 layers" walk --arch arm64 --granule 4K,64K 4:4K 4:4K 4:4K
bad "arm64 mapping of no leaf size" "0x0:32M:2M" footprint --arch arm64 --granule 16K --map 0x0:32M:2M
expect_exit 0 "arm64 vipt --cpu neoverse-n1" "$WB" model vipt --arch arm64 --cpu neoverse-n1
check "arm64 vipt: data cache has no synonyms" grep -q '^data cache: no synonyms' "$TMP/out"
check "arm64 vipt: instruction-cache arithmetic" grep -q 'if VIPT (CTR_EL0.L1Ip = 0b10): VIOLATES: S=256 sets' "$TMP/out"
expect_exit 0 "arm64 tlb --cpu neoverse-n1" "$WB" model tlb --arch arm64 --cpu neoverse-n1
check "arm64 tlb: N1 L1 DTLB 48" grep -q '^L1 4K: 48 entries, reach 192K' "$TMP/out"
check "arm64 tlb: N1 L2 TLB 1280" grep -q '^L2 4K: 1280 entries, reach 5M' "$TMP/out"
expect_exit 3 "arm64 tlb: V2 TLB unknown" "$WB" model tlb --arch arm64 --cpu neoverse-v2
check "arm64 tlb: says unknown" grep -q 'unknown' "$TMP/err"
check "arm64 fleet --json" sh -c "'$WB' model fleet --arch arm64 --granule 64K --procs 2 --private 1G --shared 0 --phys 1T --json | grep -q '\"ipt_bytes\": 268435456'"

# every subverb's --json parses as JSON
if command -v python3 >/dev/null; then
	while read -r args; do
		# shellcheck disable=SC2086
		check "json: $args" sh -c "'$WB' model $args --json | python3 -c 'import json,sys; json.load(sys.stdin)'"
	done <<'J'
walk 4:4K 4:4K --pwc L2=0.5
footprint --map 0x0:4M
fleet --procs 3 --private 1G --shared 1G --phys 8G --share-tables
vipt --cpu zen5
tlb --cpu zen3 --pattern chase:100:4K
tlb --cpu skylake --pattern chase:1:2M --sweep
walk --arch arm64 --granule 4K,64K 4:4K 3:512M
footprint --arch arm64 --granule 16K --va-bits 47 --map 0x0:64M
fleet --arch arm64 --granule 16K --procs 3 --private 1G --shared 64G --shared-page 32M --hugetlb-pmd-share --phys 8G
vipt --arch arm64 --size 64K --ways 4 --line 64
tlb --arch arm64 --cpu neoverse-n1
J
else
	skip "json parses" "python3 missing"
fi
