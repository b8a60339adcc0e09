#!/usr/bin/env bash
# The CI gate on real runs of this machine, with the CI recipe's command
# (bench/CI.md): PAIRS pairs of runs of the same build must not be judged a
# regression (exit 1) more than once in 20, and a 10% slowdown injected with
# the test-only --test-delay-pct must be caught. Pairs that compare
# withholds because the machine was busy (exit 5) are counted apart: the
# recipe runs them again. RUN_ARGS replaces the run's arguments; KEEP=DIR
# keeps the files and the compare outputs there.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
# the test build: the only one that takes --test-delay-pct
WB=${WB:-$top/build/walkbench-test}
PAIRS=${PAIRS:-20}
read -r -a run_args <<<"${RUN_ARGS:-tlb --quick --reps 16}"
if [ -n "${KEEP:-}" ]; then
	tmp=$KEEP
	mkdir -p "$tmp" || exit 1
else
	tmp=$(mktemp -d /tmp/wb-perf.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
fi
run() {
	"$WB" run "${run_args[@]}" --out "$1" "${@:2}" >/dev/null 2>&1
}
busy_of() {
	python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["context"]["walkbench"].get("machine_busy", {})
print("%.2f" % (m.get("others_cpu", 0) + m.get("steal_cpu", 0)))' "$1"
}
alarms=0 held=0
t0=$(date +%s)
for i in $(seq "$PAIRS"); do
	rm -f "$tmp/a$i.json" "$tmp/b$i.json"
	run "$tmp/a$i.json" && run "$tmp/b$i.json" || exit 1
	"$WB" compare "$tmp/a$i.json" "$tmp/b$i.json" >"$tmp/c$i" 2>&1
	rc=$?
	case $rc in
	0) ;;
	1)
		alarms=$((alarms + 1))
		echo "pair $i: regression (busy: $(busy_of "$tmp/a$i.json") / $(busy_of "$tmp/b$i.json") CPUs)"
		grep ' regressed' "$tmp/c$i" | grep -v compared
		;;
	5)
		held=$((held + 1))
		echo "pair $i: withheld, machine busy ($(busy_of "$tmp/a$i.json") / $(busy_of "$tmp/b$i.json") CPUs)"
		;;
	*)
		cat "$tmp/c$i"
		exit 1
		;;
	esac
done
echo "run: walkbench run ${run_args[*]} ($(( ($(date +%s) - t0) / (2 * PAIRS) )) s per run)"
echo "same build, $PAIRS pairs: $alarms judged a regression (allowed: $((PAIRS / 20))), $held withheld as busy"
rm -f "$tmp/slow.json"
run "$tmp/slow.json" --test-delay-pct 10 || exit 1
"$WB" compare "$tmp/a1.json" "$tmp/slow.json" >"$tmp/slow" 2>&1
rc=$?
caught=$(grep -c ' regressed' "$tmp/slow")
echo "10% injected slowdown: compare exit $rc, $((caught - 1)) of $(grep -c '^tlb' "$tmp/slow") benchmarks regressed"
[ "$alarms" -le $((PAIRS / 20)) ] && [ "$rc" -eq 1 ]
