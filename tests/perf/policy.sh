#!/usr/bin/env bash
# walkbench policy on the shipped sample (1 GiB, 2M dependent random
# reads): prints the table and recommendation, must finish within 5
# minutes and leave THP (every per-size switch too) and hugetlb settings as
# found. As root the system policies, multi-size THP sizes among them, are
# tried too (through the settings journal).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$top/build/walkbench}
RW=$(dirname "$WB")/randwalk
THP=/sys/kernel/mm/transparent_hugepage
settings() {
	grep . $THP/enabled $THP/defrag $THP/khugepaged/defrag \
		$THP/hugepages-*/enabled \
		/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null
}
[ -x "$RW" ] || { echo "build/randwalk missing: run make" >&2; exit 3; }
allow=()
[ "$(id -u)" -eq 0 ] && allow=(--allow-settings)
before=$(settings)
start=$(date +%s)
"$WB" policy "${allow[@]}" --metric "${METRIC:-cpu}" -- "$RW" 1024 2000000 || exit 1
took=$(($(date +%s) - start))
echo "policy on the sample took ${took} s"
[ "$before" = "$(settings)" ] || { echo "settings changed" >&2; exit 1; }
[ "$took" -lt 300 ] || { echo "took ${took} s, over 5 minutes" >&2; exit 1; }
