#!/usr/bin/env bash
# walkbench detect --quick --json: runs, names the three entry counts
# each with a value and confidence, and rejects bad arguments in one line.
# Entry counts themselves are checked by tests/perf/detect_repeat.sh.
source "$(dirname "$0")/../lib.sh"

"$WB" detect --quick --json >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ]; then
	ok "detect --quick --json exit $rc"
	check "three keys with value and confidence" python3 -c "
import json
j = json.load(open('$TMP/out'))
for k in ('l1_dtlb_4k_entries', 'l2_tlb_4k_entries', 'l2_tlb_2m_entries'):
    f = j[k]
    assert 'value' in f and 0 <= f['confidence'] <= 1, (k, f)
    assert f['value'] is not None or f.get('why'), (k, f)
assert j['seconds'] < 20, j['seconds']
assert 'model_row' in j and 'cpuid_tlb_leaves' in j
"
	if [ "$rc" -eq 0 ]; then
		check "4K entries found" python3 -c "
import json
j = json.load(open('$TMP/out'))
assert j['l1_dtlb_4k_entries']['value'] > 0 and j['l2_tlb_4k_entries']['value'] > j['l1_dtlb_4k_entries']['value'], j
"
	else
		skip "4K entries found" "detect judged its measurement untrustworthy (exit 5)"
	fi
else
	not_ok "detect --quick --json exit $rc: $(head -c 300 "$TMP/err")"
fi
expect_exit 2 "unknown argument" "$WB" detect --frob
one_line_error "detect unknown argument"
expect_exit 2 "bad CPU" "$WB" detect --cpu 4096
one_line_error "detect bad CPU"
expect_exit 0 "detect --help" "$WB" detect --help
