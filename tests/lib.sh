# Shared helpers for shell tests: TAP lines the runner counts.
# shellcheck shell=bash
WB=${WB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/walkbench}
TMP=$(mktemp -d /tmp/wb-t.XXXXXX)
# tests/data/identity.py for the Python that edits fixtures
export PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/data${PYTHONPATH:+:$PYTHONPATH}"
# keep_results: before $TMP goes, copy every results file walkbench wrote
# in it (the writer's schema_version marks one) to $WB_RESULTS_KEEP, which
# tests/run sets and checks against results/schema.json after the last
# test. Files under a directory named "broken" break the schema on purpose.
keep_results() {
	[ -n "${WB_RESULTS_KEEP:-}" ] && [ -d "$WB_RESULTS_KEEP" ] || return 0
	local f n=0 tag
	tag=$(basename "$0" .sh)
	while IFS= read -r -d '' f; do
		case "$f" in */broken/*) continue ;; esac
		grep -q '"schema_version"' "$f" 2>/dev/null || continue
		n=$((n + 1))
		cp "$f" "$WB_RESULTS_KEEP/$tag.$$.$n.json" 2>/dev/null
	done < <(find "$TMP" -name '*.json' -type f -print0 2>/dev/null)
}
trap 'keep_results; rm -rf "$TMP"' EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; }
# check NAME CMD...: passes when CMD succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# expect_exit CODE NAME CMD...: CMD's exit status must be CODE
expect_exit() {
	local want=$1 name=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name"
	else
		not_ok "$name (exit $rc, want $want): $(head -c 300 "$TMP/err")"
	fi
}
# one_line_error: the last command's stderr is exactly one line
one_line_error() {
	local n
	n=$(wc -l <"$TMP/err")
	if [ "$n" -eq 1 ]; then ok "$1: one-line error"; else not_ok "$1: $n lines on stderr"; fi
}
