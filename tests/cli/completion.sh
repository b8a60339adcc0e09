#!/usr/bin/env bash
# Bash completion (bench/mkcompletion.py, from the binary's --help and
# list --json): verbs, subcommands, options, option values, suites and
# kernels, --param names and their values, as bash itself would see them
# (COMP_WORDBREAKS splits at '=').
source "$(dirname "$0")/../lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v python3 >/dev/null; then
	skip "completion" "python3 not installed"
	exit 0
fi
C=$TMP/walkbench.bash
expect_exit 0 "the generator runs" python3 "$TOP/bench/mkcompletion.py" "$WB"
cp "$TMP/out" "$C"
check "the script is valid bash" bash -n "$C"
check "bash splits words at '=' here, as in a terminal" \
	bash -c '[[ $COMP_WORDBREAKS == *=* ]]'
"$WB" list --json >"$TMP/list.json"

# comp LINE: the completions bash would offer at the end of LINE
comp() {
	# shellcheck disable=SC2016
	bash -c 'source "$1"; COMP_LINE=$2; COMP_POINT=${#2}; _walkbench
		printf "%s\n" "${COMPREPLY[@]}"' _ "$C" "$1" | grep . | sort
}
# has LINE WORD...: every WORD is offered at the end of LINE
has() {
	local line=$1 w
	shift
	comp "$line" >"$TMP/c"
	for w in "$@"; do
		grep -qxF -- "$w" "$TMP/c" || { echo "missing '$w' after '$line'" >&2; return 1; }
	done
}
# only LINE WORD...: exactly the WORDs are offered
only() {
	local line=$1
	shift
	[ "$(comp "$line")" = "$(printf '%s\n' "$@" | sort)" ]
}

verbs=$("$WB" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
# shellcheck disable=SC2086
check "every verb of --help" has "walkbench " $verbs --help --version
check "a verb from its start" only "walkbench ru" run
check "subcommands of vm" only "walkbench vm " run matrix pair unframe --help
check "subcommands of model" has "walkbench model " walk footprint fleet vipt tlb
# shellcheck disable=SC2046
check "run: every suite and kernel of list --json" has "walkbench run " \
	$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted({k["suite"] for k in d} | {k["name"] for k in d})))' "$TMP/list.json")
check "run: an option from its start" only "walkbench run --gr" --grid
check "run --grid: its choices" only "walkbench run --grid " auto sweep functional
check "vm run: its own and run's options" has "walkbench vm run --" --accel --quick --param
check "policy --kernel: kernels" has "walkbench policy --kernel " tlb_reach huge_access
check "model walk: its options" has "walkbench model walk --" --pwc --json
check "an unknown option completes to nothing" only "walkbench run --no-such-opt"
check "--param: parameter names, bare and per kernel" \
	has "walkbench run --param " pages= page_size= tlb_reach.pages= huge_access.backing=
check "--param NAME=: page sizes as sizes" has "walkbench run -p page_size=" 4K 2M
check "--param K.NAME=: that kernel's values" only "walkbench run -p demand_zero.page_size=" 4K 2M
# Named values, where the registry has them (strings among a parameter's
# choices, or a names list)
named=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for k in d:
    for p in k["params"]:
        n = [c for c in p.get("choices") or [] if isinstance(c, str)]
        n += [x if isinstance(x, str) else x.get("name", "") for x in p.get("names") or []]
        if n:
            print(k["name"] + "." + p["name"], n[0]); sys.exit()' "$TMP/list.json")
if [ -n "$named" ]; then
	check "--param: named values (${named% *}=${named#* })" \
		has "walkbench run -p ${named% *}=" "${named#* }"
else
	skip "--param named values" "list --json has no named parameter values"
fi
