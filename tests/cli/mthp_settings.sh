#!/usr/bin/env bash
# mTHP folio sizes switched through the journal: a huge_access run with
# the 16K backing is verified and leaves every switch as it was; a run
# SIGKILLed while 64K folios are switched on is repaired by the next
# walkbench start; without --allow-settings the instance is missing with
# the switch named.
source "$(dirname "$0")/../lib.sh"
T=/sys/kernel/mm/transparent_hugepage
if [ "$(id -u)" -ne 0 ]; then
	skip "mTHP switches through the journal" "needs root to change $T/hugepages-*/enabled"
	exit 0
fi
for kb in 16 64; do
	if [ ! -e "$T/hugepages-${kb}kB/enabled" ]; then
		skip "mTHP switches through the journal" "this kernel offers no ${kb}K anonymous mTHP ($T/hugepages-${kb}kB/enabled)"
		exit 0
	fi
done
# other walkbench runs on the machine change switches too, under the run
# lock: read them holding it (flock(1) on the file walkbench flocks)
L=/run/lock/walkbench.lock
snap() { flock "$L" grep . $T/hugepages-*/enabled $T/enabled; }
if ! command -v flock >/dev/null; then
	skip "mTHP switches through the journal" "needs flock(1) (util-linux) to read the switches under the run lock"
	exit 0
fi
before=$(snap)

"$WB" run huge_access --allow-settings --param pattern=1 --param backing=6 \
	--param ws=8M --reps 2 --passes 1 --min-time 0.01 --out "$TMP/ok.json" \
	>"$TMP/out" 2>&1
check "16K run exits 0" test $? -eq 0
check "16K instance ok and its folios verified" python3 - "$TMP/ok.json" <<'PY'
import json, sys
i = json.load(open(sys.argv[1]))["context"]["walkbench"]["instances"][0]
sys.exit(not (i["status"] == "ok" and i["page_size_verified"]
              and i["facts"]["page_size_bytes"] == 16384
              and i["facts"]["huge_pages_used"] == 8 * 1024 // 16))
PY
check "switches as before after the 16K run" test "$(snap)" = "$before"

"$WB" run huge_access --param pattern=1 --param backing=7 --param ws=4M \
	--reps 2 --passes 1 --min-time 0.01 --out "$TMP/no.json" >/dev/null 2>&1
check "without --allow-settings: missing, naming the switch" python3 - "$TMP/no.json" <<'PY'
import json, sys
i = json.load(open(sys.argv[1]))["context"]["walkbench"]["instances"][0]
sys.exit(not (i["status"] == "missing" and "hugepages-32kB" in i["why"]))
PY

# SIGKILL while the 64K switch is on and this run holds the lock (it may
# first wait for another run, whose switches are not its own)
"$WB" run huge_access --allow-settings --param pattern=1 --param backing=8 \
	--param ws=256M --reps 20 --passes 1 --min-time 0.1 \
	--out "$TMP/kill.json" >/dev/null 2>&1 &
pid=$!
on=0
for _ in $(seq 1200); do
	if [ "$(cat "$L" 2>/dev/null)" = "$pid" ] &&
		grep -q '\[madvise\]' $T/hugepages-64kB/enabled; then
		on=1
		break
	fi
	sleep 0.05
done
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
check "64K switch was on when the run was killed" test "$on" -eq 1
after=$(flock "$L" sh -c '"$1" list >/dev/null 2>&1; grep . "$2"/hugepages-*/enabled "$2"/enabled' sh "$WB" "$T")
check "the next start restored every switch" test "$after" = "$before"
