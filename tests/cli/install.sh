#!/usr/bin/env bash
# make install DESTDIR=... PREFIX=/usr: the tree holds the binary, the
# LD_PRELOAD shim, the gnuplot scripts, a man page per verb, the bash
# completion and the docs; the installed binary, run from elsewhere with
# the checkout out of its reach, finds the shim and the scripts; each man
# page lists exactly the options --help lists; make uninstall removes all
# it installed.
source "$(dirname "$0")/../lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

for t in make python3; do
	if ! command -v $t >/dev/null; then
		skip "install" "$t not installed"
		exit 0
	fi
done

D=$TMP/root
expect_exit 0 "make install DESTDIR PREFIX=/usr" \
	make -s -C "$TOP" install DESTDIR="$D" PREFIX=/usr
verbs=$("$WB" --help | sed -n 's/^  \([a-z]\+\)  .*/\1/p')
check "the verbs are read from --help" test -n "$verbs"
missing=
for f in bin/walkbench lib/walkbench/libwbthp.so \
	share/walkbench/plots/common.gp share/walkbench/vm/build-image.sh \
	share/walkbench/vm/init.sh share/man/man1/walkbench.1 \
	share/bash-completion/completions/walkbench \
	share/doc/walkbench/README.md; do
	[ -f "$D/usr/$f" ] || missing+=" $f"
done
for v in $verbs; do
	[ -f "$D/usr/share/man/man1/walkbench-$v.1" ] || missing+=" walkbench-$v.1"
done
check "the tree has the binary, shim, plots, guest image scripts, man pages, completion, docs${missing:+ (missing:$missing)}" \
	test -z "$missing"
check "nothing lands outside PREFIX" \
	test "$(find "$D" -mindepth 1 -maxdepth 1)" = "$D/usr"

# The installed binary, run from a directory that is no checkout: a copy
# of the tree, so build/ and plots/ are not where a relative path from
# the checkout would find them.
cp -a "$D" "$TMP/moved"
BIN=$TMP/moved/usr/bin/walkbench
mkdir -p "$TMP/elsewhere"
cd "$TMP/elsewhere" || exit 1
expect_exit 0 "installed --version from another directory" "$BIN" --version
check "it names the version" grep -q '^walkbench [0-9]' "$TMP/out"
if [ -d /sys/kernel/mm/transparent_hugepage ]; then
	expect_exit 0 "installed policy runs" \
		"$BIN" policy --budget 0.001 --json -- true
	cp "$TMP/out" "$TMP/p.json"
	check "installed policy finds the shim in PREFIX/lib/walkbench" \
		python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert "process:thp-advise" in [p["name"] for p in d["policies"]], d["not_tried"]' "$TMP/p.json"
	mv "$TMP/moved/usr/lib/walkbench/libwbthp.so" "$TMP/shim.so"
	expect_exit 0 "installed policy runs without the shim" \
		"$BIN" policy --budget 0.001 --json -- true
	cp "$TMP/out" "$TMP/p.json"
	check "without the shim, policy says it did not try thp-advise" \
		python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert "process:thp-advise" not in [p["name"] for p in d["policies"]]
assert any("libwbthp.so" in t for t in d["not_tried"]), d["not_tried"]' "$TMP/p.json"
	mv "$TMP/shim.so" "$TMP/moved/usr/lib/walkbench/libwbthp.so"
else
	skip "installed policy finds the shim" "no /sys/kernel/mm/transparent_hugepage"
fi
if command -v gnuplot >/dev/null; then
	source "$TOP/tests/data/mkresults.bash"
	mkresults reps=5 seed=1 suites=tlb >"$TMP/tlb.json"
	expect_exit 0 "installed plot finds PREFIX/share/walkbench/plots" \
		"$BIN" plot "$TMP/tlb.json" --out "$TMP/plots"
	check "it drew a plot" test -n "$(find "$TMP/plots" -name '*.png' | head -1)"
else
	skip "installed plot" "gnuplot not installed"
fi
cd "$TOP" || exit 1

# Option names of a --help text (its left column: "-p, --param V") and of
# a man page's section (its .TP tags), each read its own way.
help_opts() {
	"$BIN" "$@" --help |
		sed -n 's/^  \(-[^ ,]*\)\(, \(-[^ ]*\)\)\{0,1\}.*/\1 \3/p' |
		tr ' ' '\n' | grep . | sort -u
}
man_opts() { # PAGE SECTION
	awk -v sec="$2" '
		/^\.SH / { s = substr($0, 5); gsub(/\\-/, "-", s); on = (s == sec); next }
		on && tag {
			t = $0; gsub(/\\fB|\\fR/, "", t); gsub(/\\-/, "-", t)
			n = split(t, a, ", ")
			for (i = 1; i <= n; i++) { split(a[i], w, " "); if (w[1] ~ /^-/) print w[1] }
			tag = 0; next
		}
		on && /^\.TP/ { tag = 1 }' "$1" | sort -u
}
same_opts() { # PAGE SECTION ARGS...
	local page=$1 sec=$2
	shift 2
	diff <(help_opts "$@") <(man_opts "$page" "$sec") >"$TMP/diff"
}
M=$D/usr/share/man/man1
bad=
for v in $verbs; do
	subs=$("$BIN" "$v" --help | grep -q '^  -' ||
		"$BIN" "$v" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
	if [ -z "$subs" ]; then
		same_opts "$M/walkbench-$v.1" DESCRIPTION "$v" || bad+=" $v"
	fi
	for s in $subs; do
		same_opts "$M/walkbench-$v.1" "${v^^} ${s^^}" "$v" "$s" ||
			bad+=" $v-$s"
	done
done
check "each man page lists exactly the options --help lists${bad:+ (differ:$bad)}" \
	test -z "$bad"
has_run_opts() {
	local o
	for o in --quick -p --param; do
		man_opts "$M/walkbench-run.1" DESCRIPTION | grep -qx -- "$o" || return 1
	done
}
check "run's page has --quick, -p and --param among its options" has_run_opts
# the comparison can fail: run's page without its --reps entry differs
python3 - "$M/walkbench-run.1" >"$TMP/short.1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
sys.stdout.write(re.sub(r"\.TP\n\\fB\\-\\-reps N\\fR\n(?:(?!\.TP\n|\.SH ).*\n)*", "", t))
PY
check "the shortened page lost --reps" bash -c "! grep -q 'fB.-.-reps' '$TMP/short.1'"
if same_opts "$TMP/short.1" DESCRIPTION run; then
	not_ok "the comparison misses a page without --reps"
else
	check "the comparison names --reps as the difference" grep -q -- '--reps' "$TMP/diff"
fi
# Options for tests (WB_OPT_TEST) belong to build/walkbench-test alone:
# the installed program refuses them, and no page or completion names them.
WBT=$(dirname "$WB")/walkbench-test
if [ -x "$WBT" ]; then
	test_only=$("$WBT" run --help | sed -n 's/^  \(--test-[a-z-]*\).*/\1/p')
	check "the test build lists options for tests" test -n "$test_only"
	for o in $test_only; do
		check "the man pages do not name $o" \
			bash -c "! grep -rq -- '${o//-/\\\\-}' '$M'"
		check "the completion does not name $o" \
			bash -c "! grep -q -- '$o' '$D/usr/share/bash-completion/completions/walkbench'"
		expect_exit 2 "the installed walkbench refuses $o" "$BIN" run "$o" 1 tlb_reach
		check "it says the option is unknown" grep -q "unknown option '$o'" "$TMP/err"
	done
else
	skip "options for tests stay out of the installed pages" "build/walkbench-test not built (make build/walkbench-test)"
fi
if command -v man >/dev/null; then
	check "man renders walkbench-run(1)" \
		bash -c "MANWIDTH=80 man -l '$M/walkbench-run.1' 2>&1 | grep -q 'walkbench-run - '"
fi

expect_exit 0 "make uninstall DESTDIR PREFIX=/usr" \
	make -s -C "$TOP" uninstall DESTDIR="$D" PREFIX=/usr
left=$(find "$D" -type f | sed "s|^$D||")
check "uninstall leaves no file${left:+ (left: $left)}" test -z "$left"
