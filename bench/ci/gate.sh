#!/usr/bin/env bash
# The CI regression gate: compares NEW.json with the committed baseline of
# the machine that made it (walkbench baseline check) and turns the answer
# into a job status. bench/CI.md has the whole recipe.
#
# usage: bench/ci/gate.sh NEW.json [baseline check options: --alpha A,
#        --threshold PCT, --each, --max-busy CPUS, --name NAME, --common]
# environment:
#   WB            walkbench binary (build/walkbench)
#   WB_BASELINES  baseline directory (results/baselines)
#   GATE_OUT      where compare.txt and compare.json are kept for the
#                 job's artifacts (gate-out)
# exit: 0 passed, or skipped because no baseline exists for this CPU key or
#       name (a "gate: skipped: no baseline ..." line says which); 1 a
#       benchmark regressed; 2 bad input; 5 inconclusive: a run was
#       measured on a busy machine; others are walkbench's own codes.
set -u
if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
	echo "usage: gate.sh NEW.json [--alpha A] [--threshold PCT] [--each] [--max-busy CPUS] [--name NAME] [--common]" >&2
	exit 2
fi
new=$1
shift
wb=${WB:-build/walkbench}
dir=${WB_BASELINES:-results/baselines}
out=${GATE_OUT:-gate-out}
mkdir -p "$out" || exit 2

"$wb" baseline check "$new" --dir "$dir" "$@" >"$out/compare.txt" 2>"$out/compare.err"
rc=$?
cat "$out/compare.txt"
cat "$out/compare.err" >&2
# the same verdicts as JSON, for dashboards; its status is the one above
if [ "$rc" -le 1 ] || [ "$rc" -eq 5 ]; then
	"$wb" baseline check "$new" --dir "$dir" "$@" --json \
		>"$out/compare.json" 2>/dev/null
fi

case $rc in
0)
	echo "gate: passed: no significant regression against the baseline"
	# compare passes when it could judge nothing (too few samples, a
	# new kernel): the gate is blind then, and should say so
	judged=$(sed -nE 's/^[0-9]+ compared: ([0-9]+) regressed, ([0-9]+) improved, ([0-9]+) unchanged.*/\1 \2 \3/p' \
		"$out/compare.txt" | awk '{ print $1 + $2 + $3 }')
	# an unstable benchmark (bimodal across passes) is neither passed
	# nor failed: say how many the gate could not see
	unstable=$(sed -nE 's/^[0-9]+ compared: .*, ([0-9]+) unstable$/\1/p' "$out/compare.txt")
	if [ "${unstable:-0}" -gt 0 ]; then
		echo "gate: note: $unstable benchmark(s) unstable (bimodal across passes in the baseline or the run), not judged ($out/compare.txt)"
	fi
	if [ "${judged:-1}" -eq 0 ]; then
		msg="no benchmark was judged (not judged or not comparable: see $out/compare.txt); refresh the baseline"
		echo "gate: warning: $msg"
		[ -n "${GITHUB_ACTIONS:-}" ] && echo "::warning title=walkbench gate blind::$msg"
	fi
	;;
1)
	echo "gate: FAILED: a benchmark regressed against the baseline ($out/compare.txt)"
	;;
3)
	# A machine without a baseline is not a failure of the code under
	# test: say so loudly and let the job pass.
	why=$(sed -n 's/^walkbench: error: //p' "$out/compare.err" | tail -n 1)
	echo "gate: skipped: ${why:-no baseline for this machine}; make one with 'walkbench baseline save' (bench/CI.md)"
	[ -n "${GITHUB_ACTIONS:-}" ] && echo "::warning title=walkbench gate skipped::${why}"
	rc=0
	;;
5)
	# compare withheld a change because a run shared the machine: the
	# gate could not tell, which is neither a pass nor a regression
	echo "gate: inconclusive: a run was measured on a busy machine ($out/compare.txt); run the job again on a quiet runner"
	[ -n "${GITHUB_ACTIONS:-}" ] && echo "::error title=walkbench gate inconclusive::a run was measured on a busy machine"
	;;
*)
	echo "gate: error: walkbench baseline check exited $rc" >&2
	;;
esac
exit "$rc"
