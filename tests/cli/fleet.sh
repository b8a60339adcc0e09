#!/usr/bin/env bash
# The fleet examples in bench/fleet/ (bench/FLEET.md): they parse, every
# walkbench command line in them uses options the binary has, and the Slurm
# pair works end to end on this machine with a tiny run.
source "$(dirname "$0")/../lib.sh"
D=$(cd "$(dirname "$0")/../../bench/fleet" && pwd)

for f in slurm-array.sbatch slurm-merge.sbatch ssh-loop.sh; do
	check "$f: bash -n" bash -n "$D/$f"
done
check "slurm-array: one exclusive node per array task" \
	grep -qx '#SBATCH --exclusive' "$D/slurm-array.sbatch"
check "slurm-array: is an array" grep -q '^#SBATCH --array=' "$D/slurm-array.sbatch"
if command -v shellcheck >/dev/null; then
	check "shellcheck: scripts clean" shellcheck -s bash "$D/slurm-array.sbatch" \
		"$D/slurm-merge.sbatch" "$D/ssh-loop.sh"
else
	skip "shellcheck: scripts clean" "shellcheck not installed (Debian package shellcheck)"
fi

if python3 -c 'import yaml' 2>/dev/null; then
	check "ci-matrix.yml: YAML with a runner matrix, artifacts and a merge job" python3 - "$D/ci-matrix.yml" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
run, merge = d["jobs"]["run"], d["jobs"]["merge"]
assert run["strategy"]["matrix"]["runner"], "empty matrix"
assert "self-hosted" in run["runs-on"]
assert any("upload-artifact" in s.get("uses", "") for s in run["steps"])
assert merge["needs"] == "run" and merge["if"] == "always()"
assert any("download-artifact" in s.get("uses", "") for s in merge["steps"])
assert any("walkbench merge" in s.get("run", "") for s in merge["steps"])
PY
else
	skip "ci-matrix.yml: YAML" "python3 yaml module missing (Debian package python3-yaml)"
fi

# Every walkbench command line: its verb exists and each --option is in
# that verb's --help.
grep -hoE '(walkbench|"\$WB"|\$REMOTE_WB) (run|merge|plot|compare|validate|list)( [^|;&]*)?' \
	"$D"/* | sort -u >"$TMP/cmds"
check "command lines found (run and merge)" test "$(cut -d' ' -f2 "$TMP/cmds" | sort -u | tr '\n' ' ')" = "merge run "
while read -r _ verb rest; do
	"$WB" "$verb" --help >"$TMP/help" 2>&1 || {
		not_ok "walkbench $verb --help fails"
		continue
	}
	for opt in $(grep -oE -- '--[a-z][a-z-]*' <<<"$rest" | sort -u); do
		check "walkbench $verb has $opt" grep -qE -- "(^|[ \[])$opt( |=|\]|$)" "$TMP/help"
	done
done <"$TMP/cmds"
for opt in --quick --allow-settings; do
	check "FLEET run arguments: walkbench run has $opt" grep -qE -- "^ +$opt" <("$WB" run --help)
done

# The Slurm pair, run by hand: two array tasks, then the merge job.
export SHARED=$TMP/shared WB
export WB_RUN_ARGS="tlb_reach --quick --param page_size=4K --param pages=16 --reps 3 --min-time 0.01"
for t in 0 1; do
	SLURM_ARRAY_TASK_ID=$t bash "$D/slurm-array.sbatch" >"$TMP/task$t" 2>&1
	echo "exit $?" >>"$TMP/task$t"
done
if ! test -s "$SHARED/$(hostname)-0.json"; then
	skip "slurm pair end to end" "the tiny run wrote no file: $(tail -2 "$TMP/task0" | head -1)"
	exit 0
fi
check "slurm-array: task files written" test -s "$SHARED/$(hostname)-1.json"
check "slurm-array: exit 0" grep -qx "exit 0" "$TMP/task1"
expect_exit 0 "slurm-merge: exit 0" env SLURM_JOB_ID=42 bash "$D/slurm-merge.sbatch"
check "slurm-merge: report written" test -s "$SHARED/merged-42/merged.md"
check "slurm-merge: one host, two runs" grep -q "^# walkbench merge: 2 runs, 1 host, 1 CPU model" "$SHARED/merged-42/merged.md"
expect_exit 2 "slurm-merge: no files: exit 2" env SHARED="$TMP/none" bash "$D/slurm-merge.sbatch"
