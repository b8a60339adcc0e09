#!/usr/bin/env bash
# How long a quick run of the tlb and cow suites takes in an emulated (TCG)
# guest: `walkbench vm run tlb cow --quick --accel tcg`, boot included. On
# the functional grid (harness/DESIGN.md, "The functional grid") it must
# finish within LIMIT seconds (180) on 2 vCPUs; prints the wall time, the
# guest's time from qemu's start to its end (guest.total_seconds: without
# the wait for another walkbench's run lock, which is judged), the grid, the
# instances and passes the file records; exits 1 above the limit or when the
# run fails, 0 with SKIP when qemu or the guest image is missing.
# KEEP=DIR keeps the results file; WALL_LIMIT (1800) ends a run that hangs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$top/build/walkbench}
LIMIT=${LIMIT:-180}
if [ -n "${KEEP:-}" ]; then
	tmp=$KEEP
	mkdir -p "$tmp" || exit 1
else
	tmp=$(mktemp -d /tmp/wb-perf.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "tcg_quick: SKIP: qemu-system-x86_64 not installed"
	exit 0
fi
img=$(dirname "$WB")/vm
if ! "$top/vm/build-image.sh" "$img" "$WB" >"$tmp/image.log" 2>&1; then
	echo "tcg_quick: SKIP: no guest image: $(tail -1 "$tmp/image.log")"
	exit 0
fi
out=$tmp/tcg-quick.json
start=$(date +%s.%N)
# a guest that hangs (a soft lockup was seen under TCG on a loaded host)
# is ended: vm run has no deadline of its own once the guest is up
timeout -k 10 "${WALL_LIMIT:-1800}" \
	"$WB" vm run tlb cow --quick --accel tcg --out "$out" >"$tmp/run.log" 2>&1
rc=$?
end=$(date +%s.%N)
secs=$(python3 -c "print('%.1f' % ($end - $start))")
# the guest's own exit (an untrusted 2M instance, say) is the run's, not
# the time's: only a missing file is a failed run
if [ ! -s "$out" ] || ! python3 -c "import json; json.load(open('$out'))"; then
	echo "tcg_quick: the run wrote no results (exit $rc): $(tail -1 "$tmp/run.log")"
	exit 1
fi
guest=$(python3 - "$out" "$secs" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["context"]["walkbench"]
g = w["guest"]["total_seconds"]
print("tcg_quick: vm run tlb cow --quick --accel tcg: %.1f s in the guest (%s s wall), "
      "grid %s, %d instances, %d pass(es), %d repetition(s)"
      % (g, sys.argv[2], w.get("grid"), len(w["instances"]), w["passes"], w["repetitions"]),
      file=sys.stderr)
print("%.1f" % g)
PY
)
if python3 -c "import sys; sys.exit(0 if float('$guest') > float('$LIMIT') else 1)"; then
	echo "tcg_quick: FAIL: $guest s is above $LIMIT s"
	exit 1
fi
exit 0
