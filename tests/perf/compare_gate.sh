#!/usr/bin/env bash
# The CI gate on real runs of this machine: PAIRS pairs of runs of the same
# build must not be judged a regression more than once in 20, and a 10%
# slowdown injected with the test-only --test-delay-pct must be caught.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
WB=${WB:-$top/build/walkbench}
PAIRS=${PAIRS:-20}
# KEEP=DIR keeps the runs and the compare outputs there
if [ -n "${KEEP:-}" ]; then
	tmp=$KEEP
	mkdir -p "$tmp" || exit 1
else
	tmp=$(mktemp -d /tmp/wb-perf.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
fi
run() {
	"$WB" run tlb_reach --quick --param page_size=4K --reps 7 --min-time 0.02 \
		--out "$1" "${@:2}" >/dev/null 2>&1
}
alarms=0
for i in $(seq "$PAIRS"); do
	run "$tmp/a$i.json" && run "$tmp/b$i.json" || exit 1
	"$WB" compare "$tmp/a$i.json" "$tmp/b$i.json" >"$tmp/c$i" 2>&1
	rc=$?
	if [ "$rc" -eq 1 ]; then
		alarms=$((alarms + 1))
		echo "pair $i:"
		grep ' regressed' "$tmp/c$i" | grep -v compared
	fi
	[ "$rc" -gt 1 ] && { cat "$tmp/c$i"; exit 1; }
done
echo "same build, $PAIRS pairs: $alarms judged a regression (allowed: $((PAIRS / 20)))"
run "$tmp/slow.json" --test-delay-pct 10 || exit 1
"$WB" compare "$tmp/a1.json" "$tmp/slow.json" >"$tmp/slow" 2>&1
rc=$?
caught=$(grep -c regressed "$tmp/slow")
echo "10% injected slowdown: compare exit $rc, $caught benchmarks regressed"
[ "$alarms" -le $((PAIRS / 20)) ] && [ "$rc" -eq 1 ]
