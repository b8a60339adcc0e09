#!/usr/bin/env bash
# How often `walkbench policy` would call a policy significantly faster
# when every policy's times come from one distribution (tests/perf/
# policy_null.c: the verb's own stopping rule, a fixed seed; 10000 trials
# for 2 and 3 policies, 1000 for the families of a root run with
# multi-size THP, whose summaries cost about 8 times as much per round).
# Exit 1 when any setting is above 5%.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
make -s -C "$top" "$O/policy_null" >/dev/null || exit 1
bad=0
# 16 and 20: every candidate of a root run with multi-size THP (current,
# 2 per-process, 5 THP words, 7 mTHP sizes, a pool: 16 on Linux 6.18,
# up to 20)
for args in "3 30 10000 15" "3 30 10000 50" "2 30 10000 50" "16 30 1000 50" \
	"20 30 1000 15" "20 30 1000 50"; do
	# shellcheck disable=SC2086
	line=$("$top/$O/policy_null" $args) || exit 1
	echo "$line"
	pct=$(echo "$line" | sed -n 's/.*significant \([0-9.]*\)%.*/\1/p')
	awk -v p="$pct" 'BEGIN { exit !(p > 5) }' && bad=1
done
[ "$bad" -eq 0 ] || { echo "policy_false_rate: above 5%"; exit 1; }
