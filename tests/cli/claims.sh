#!/usr/bin/env bash
# walkbench claims --quick: every claim gets a verdict with numbers, the
# JSON has one object per claim, the report links results files, the 2D
# walk formula is corrected, and bad arguments exit 2 with one line.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "claims --quick --json" "$WB" claims --quick --json --results-dir "$TMP/r" --out "$TMP/report.md"
check "one object per claim, each with verdict and numbers" python3 -c "
import json
j = json.load(open('$TMP/out'))
ids = [c['id'] for c in j['claims']]
want = {'demand_zero', 'cow_fork', 'shared_library', 'inverted_breakeven',
        'walk_2d_worst', 'huge_pages', 'vipt', 'shadow_vs_nested', 'tee_third_layer'}
assert want <= set(ids), ids
ok = {'holds', 'holds partly', 'does not hold', 'inconclusive', 'not measured',
      'cannot be tested here'}
for c in j['claims']:
    assert c['verdict'] in ok, c
    assert len(c['numbers']) > 20, c
    assert c['command'], c
"
check "2D walk: seed formula corrected to 24" python3 -c "
import json
c = [c for c in json.load(open('$TMP/out'))['claims'] if c['id'] == 'walk_2d_worst'][0]
assert c['verdict'] == 'does not hold' and '24 references' in c['numbers'] and 'gives 20' in c['numbers'], c
"
check "measured claims found their facts" python3 -c "
import json
for c in json.load(open('$TMP/out'))['claims']:
    assert 'facts missing' not in c['numbers'], c
"
check "measured claims point at existing results files" python3 -c "
import json, os
for c in json.load(open('$TMP/out'))['claims']:
    if c['results']:
        assert os.path.exists(c['results']), c['results']
"
check "report has a section per claim" test "$(grep -c '^## ' "$TMP/report.md")" -ge 9
expect_exit 2 "unknown argument" "$WB" claims --frob
one_line_error "claims unknown argument"
expect_exit 2 "--out exists" "$WB" claims --quick --out "$TMP/report.md" --results-dir "$TMP/r"
one_line_error "claims --out exists"
