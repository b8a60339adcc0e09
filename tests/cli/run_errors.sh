#!/usr/bin/env bash
# Bad input: one-line error, exit 2, nothing written. Unwritable results
# directory: exit 3 before anything runs.
source "$(dirname "$0")/../lib.sh"
R=$TMP/results

expect_exit 2 "no verb" "$WB"
expect_exit 2 "unknown verb" "$WB" frobnicate
one_line_error "unknown verb"
expect_exit 0 "--version" "$WB" --version
for v in run list model; do
	expect_exit 0 "$v --help" "$WB" $v --help
done

expect_exit 2 "unknown suite" "$WB" run nosuchsuite --results-dir "$R"
one_line_error "unknown suite"
check "unknown suite lists valid names" grep -q "tlb_reach" "$TMP/err"
expect_exit 2 "unknown flag" "$WB" run tlb --frob --results-dir "$R"
one_line_error "unknown flag"
expect_exit 2 "--cpu that does not exist" "$WB" run tlb --cpu 4096 --results-dir "$R"
one_line_error "--cpu 4096"
expect_exit 2 "--cpu not a number" "$WB" run tlb --cpu x --results-dir "$R"
expect_exit 2 "--reps 0" "$WB" run tlb --reps 0 --results-dir "$R"
one_line_error "--reps 0"
expect_exit 2 "--reps missing value" "$WB" run tlb --reps
expect_exit 2 "--param bad value" "$WB" run tlb --param pages=lots --results-dir "$R"
one_line_error "--param bad value"
expect_exit 2 "--param page size 3K" "$WB" run tlb --param page_size=3K --results-dir "$R"
expect_exit 2 "--param unknown name" "$WB" run tlb --param nope=1 --results-dir "$R"
expect_exit 2 "--param unknown kernel" "$WB" run tlb --param nokernel.pages=1 --results-dir "$R"
expect_exit 2 "list with junk" "$WB" list --frob
# an enumerated parameter takes its names (any case) or numbers; an
# unknown name is refused listing the names
expect_exit 2 "--param unknown name of a value" "$WB" run huge_access --param backing=hugetlb-4m --results-dir "$R"
one_line_error "--param unknown name of a value"
check "unknown value name lists the names" \
	grep -q "base|thp|thp-always|hugetlb-2m|hugetlb-1g|mthp-16k" "$TMP/err"
expect_exit 2 "--param number past the choices" "$WB" run huge_access --param backing=13 --results-dir "$R"
expect_exit 2 "--param name of another parameter's value" "$WB" run huge_access --param pattern=thp --results-dir "$R"
check "nothing written on bad input" test ! -e "$R"

echo keep >"$TMP/exists.json"
expect_exit 2 "--out onto an existing file" "$WB" run tlb_reach --param pages=8 --out "$TMP/exists.json"
check "existing file untouched" grep -qx keep "$TMP/exists.json"

start=$(date +%s%N)
expect_exit 3 "unwritable results directory" "$WB" run tlb --results-dir /dev/null/results
one_line_error "unwritable results directory"
check "refused before running anything" test ! -s "$TMP/out"
expect_exit 3 "unwritable --out" "$WB" run tlb --out /proc/sys/wb.json
