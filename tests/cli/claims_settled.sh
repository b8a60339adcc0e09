#!/usr/bin/env bash
# walkbench claims --quick: the claims Linux or the model settle get the
# one verdict they settle, not any of the verdicts: the 2D worst case is
# (Lg + 1)(Ln + 1) - 1 = 24, not the seed's 20 (model); reads of fresh
# memory map the zero page and the first write gets a frame of its own
# (demand_zero), a write after fork faults once and copies (cow_fork),
# processes sharing a file share its frames but not their page tables
# (shared_library). A measured claim whose run did not measure it is not
# given a verdict from the model alone.
source "$(dirname "$0")/../lib.sh"

expect_exit 0 "claims --quick --json" "$WB" claims --quick --json --results-dir "$TMP/r"
cp "$TMP/out" "$TMP/claims.json"

# verdict ID: the claim's verdict, then its numbers
verdict() {
	python3 - "$TMP/claims.json" "$1" <<'PY'
import json, sys
c = [c for c in json.load(open(sys.argv[1]))['claims'] if c['id'] == sys.argv[2]][0]
print(c['verdict'])
print(c['numbers'])
PY
}

check "walk_2d_worst: does not hold, 24 references" python3 -c "
import json
c = [c for c in json.load(open('$TMP/claims.json'))['claims'] if c['id'] == 'walk_2d_worst'][0]
assert c['verdict'] == 'does not hold', c
assert '24 references' in c['numbers'] and 'gives 20' in c['numbers'], c
assert 'undercounts by Lg' in c['numbers'], c
"
check "inverted_breakeven: holds (model)" test "$(verdict inverted_breakeven | head -1)" = "holds"

# Measured claims that Linux settles: exact where the instance ran; a
# machine that hides PFNs (no CAP_SYS_ADMIN) cannot test them, and says so.
settled() {
	local id=$1 want=$2 v
	v=$(verdict "$id" | head -1)
	if [ "$v" = "cannot be tested here" ]; then
		skip "$id: $want" "$(verdict "$id" | tail -1 | head -c 200)"
		return
	fi
	check "$id: $want (got '$v')" test "$v" = "$want"
}
settled demand_zero "holds"
settled cow_fork "holds"
settled shared_library "holds partly"
check "demand_zero: one zero frame for every read page" python3 -c "
import json, re
c = [c for c in json.load(open('$TMP/claims.json'))['claims'] if c['id'] == 'demand_zero'][0]
if c['verdict'] != 'cannot be tested here':
    m = re.search(r'(\d+) read faults left (\d+) pages mapped to the zero page, 1 distinct', c['numbers'])
    assert m and m.group(1) == m.group(2) == '4096', c['numbers']
"
check "cow_fork: one fault and one new frame per page written" python3 -c "
import json
c = [c for c in json.load(open('$TMP/claims.json'))['claims'] if c['id'] == 'cow_fork'][0]
if c['verdict'] != 'cannot be tested here':
    assert 'took 4096 faults (parent 0) and left 4096 pages on new frames' in c['numbers'], c['numbers']
"

check "no measured claim decided without its measurement" python3 -c "
import json
for c in json.load(open('$TMP/claims.json'))['claims']:
    if 'measured' in c['basis'] and not c['results']:
        assert c['verdict'] in ('not measured', 'cannot be tested here'), c
    if c['verdict'] in ('inconclusive', 'not measured'):
        assert len(c['numbers']) > 20, c
"
