#!/usr/bin/env bash
# SIGKILL at random points of runs that switch THP to "always" and fill the
# 2M and 1G hugetlb pools (through the journal), 20 times: after the next
# walkbench start every setting is as it was, and every results file left
# behind is valid JSON. Then a kill -9 during a long tlb_reach instance
# over 16K mTHP folios leaves hugepages-16kB/enabled switched, and the
# next start puts it back.
source "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ]; then
	skip "SIGKILL during settings changes" "needs root to change THP and hugetlb pools"
	exit 0
fi
T=/sys/kernel/mm/transparent_hugepage
snap() {
	cat $T/enabled $T/defrag /sys/kernel/mm/hugepages/*/nr_hugepages \
		$T/hugepages-*/enabled 2>/dev/null
}
before=$(snap)
# processes of this very binary: other walkbench builds on the machine
# (another checkout's tests) are not ours to wait for
exe=$(readlink -f "$WB")
comm=$(basename "$WB" | cut -c1-15)
ours() {
	local p
	for p in $(pgrep -x "$comm"); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] && return 0
	done
	return 1
}
bad=0 partial=0
for i in $(seq 20); do
	out="$TMP/r$i.json"
	"$WB" run huge_access --allow-settings --param pattern=1 --param ws=8M \
		--reps 2 --min-time 0.01 --out "$out" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	# a SIGKILL lands when an uninterruptible pool write returns: the
	# journal is only stale once its owner is really gone
	for _ in $(seq 200); do [ -d /proc/$pid ] || break; sleep 0.05; done
	for _ in $(seq 200); do ours || break; sleep 0.05; done
	ours && { bad=$((bad + 1)); echo "# kill $i: a walkbench process outlived the kill"; }
	# whatever runs next repairs what the killed run left
	"$WB" list >/dev/null 2>&1
	if [ "$(snap)" != "$before" ]; then
		bad=$((bad + 1))
		echo "# kill $i: settings differ after recovery"
	fi
	if [ -e "$out" ]; then
		partial=$((partial + 1))
		python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out" ||
			{ bad=$((bad + 1)); echo "# kill $i: $out is not valid JSON"; }
	fi
done
check "20 kills: settings as before every time" test "$bad" -eq 0
echo "# $partial of 20 killed runs had written a (partial) results file"
check "settings after the test are as before it" test "$(snap)" = "$before"

S16=$T/hugepages-16kB/enabled
if [ ! -e $S16 ]; then
	skip "SIGKILL during an mTHP instance" "no $S16 (a kernel before 6.8, or no 16K mTHP)"
	exit 0
fi
if ! grep -q '\[never\]' $S16; then
	skip "SIGKILL during an mTHP instance" "$S16 is not never here, so the run would not switch it"
	exit 0
fi
"$WB" run tlb_reach --allow-settings --param page_size=16K --param pages=64 \
	--reps 1 --passes 1 --min-time 30 --out "$TMP/m.json" >/dev/null 2>&1 &
pid=$!
switched=0
# up to 30 s: another walkbench may hold the run lock first
for _ in $(seq 600); do
	grep -q '\[never\]' $S16 || { switched=1; break; }
	sleep 0.05
done
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
for _ in $(seq 200); do ours || break; sleep 0.05; done
check "the mTHP instance switched hugepages-16kB/enabled" test "$switched" -eq 1
check "killed during it, the switch is left changed" test "$(grep -c '\[never\]' $S16)" -eq 0
"$WB" list >/dev/null 2>&1
check "the next walkbench start repairs hugepages-16kB/enabled" grep -q '\[never\]' $S16
check "every setting as before the mTHP kill" test "$(snap)" = "$before"
