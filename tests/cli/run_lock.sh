#!/usr/bin/env bash
# Two runs at once serialise on the run lock, and the waiting one says who
# holds it.
source "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -eq 0 ] && [ -w /run/lock ]; then
	lock=/run/lock/walkbench.lock
else
	lock=/tmp/walkbench-$(id -u).lock
fi
flock "$lock" sh -c 'echo 4242 >'"$lock"'; sleep 1.5' &
holder=$!
sleep 0.3
start=$(date +%s.%N)
"$WB" run tlb_reach --param pages=8 --param page_size=4K --reps 1 \
	--min-time 0.001 --out "$TMP/r.json" >/dev/null 2>"$TMP/err"
rc=$?
end=$(date +%s.%N)
wait $holder
check "second run succeeded after waiting" test "$rc" -eq 0
check "it said who holds the lock" grep -q "waiting for the walkbench run (pid 4242)" "$TMP/err"
check "it waited for the holder" awk -v s="$start" -v e="$end" 'BEGIN { exit !(e - s >= 1.0) }'
