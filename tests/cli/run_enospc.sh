#!/usr/bin/env bash
# A full disk is reported with exit 3 and older results stay intact. The
# tiny tmpfs lives in a private mount namespace: the machine never sees it.
source "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
	skip "ENOSPC on a tiny tmpfs" "needs root and unshare for a private mount"
	exit 0
fi
mkdir -p "$TMP/mnt"
export WB TMP
unshare -m --propagation private bash -c '
	mount -t tmpfs -o size=24k tmpfs "$TMP/mnt" || exit 99
	echo "{\"old\": true}" >"$TMP/mnt/old.json"
	"$WB" run tlb_reach --quick --param page_size=4K --reps 1 \
		--min-time 0.001 --results-dir "$TMP/mnt" >/dev/null 2>"$TMP/err"
	echo $? >"$TMP/rc"
	cat "$TMP/mnt/old.json" >"$TMP/old"
	find "$TMP/mnt" >"$TMP/ls"
'
rc=$(cat "$TMP/rc" 2>/dev/null)
check "exit 3 on ENOSPC (got $rc)" test "$rc" = 3
check "message names the error" grep -q "No space left on device" "$TMP/err"
check "one error line" test "$(grep -c "^walkbench: error:" "$TMP/err")" -eq 1
check "older file intact" grep -q '"old": true' "$TMP/old"
check "no temporary file left" sh -c "! grep -q '[.]tmp[.]' '$TMP/ls'"
check "the mount stayed private" sh -c "! grep -q '$TMP/mnt' /proc/mounts"
