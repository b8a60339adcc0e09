#!/usr/bin/env bash
# walkbench detect --quick --json: runs, names the three entry counts
# each with a value and confidence, and rejects bad arguments in one line.
# Coalescing: without --allow-settings a size whose switch is not set says
# why; with it (root) 16K and 64K are measured on verified folios, the
# switches are as found afterwards, and a SIGKILL while one is set is
# repaired by the next start.
# Entry counts themselves are checked by tests/perf/detect_repeat.sh.
source "$(dirname "$0")/../lib.sh"

"$WB" detect --quick --json >"$TMP/out" 2>"$TMP/err"
rc=$?
cp "$TMP/out" "$TMP/detect.json"
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

# Coalescing per multi-size THP folio size (bench/DETECT.md, "Coalescing").
T=/sys/kernel/mm/transparent_hugepage
snap() { grep . $T/hugepages-*/enabled $T/enabled 2>/dev/null; }
if ! ls -d $T/hugepages-16kB $T/hugepages-64kB >/dev/null 2>&1 ||
	[ ! -e $T/hugepages-64kB/enabled ]; then
	skip "coalescing lines" "this kernel offers no 16K and 64K anonymous folios (Linux 6.8+)"
	exit 0
fi
# without --allow-settings: a size whose switch is not set says why
python3 - "$TMP/detect.json" <<'PY' && ok "without --allow-settings each size not set says why" || not_ok "without --allow-settings each size not set says why"
import json, sys
j = json.load(open(sys.argv[1]))
c = {e["size"]: e for e in j["coalescing"]}
assert "16K" in c and "64K" in c, c.keys()
for e in c.values():
    if e["state"] == "not ready":
        assert e["factor"] is None and "--allow-settings" in e["reason"], e
        assert "hugepages-" in e["reason"], e
PY
if [ "$(id -u)" -ne 0 ]; then
	skip "detect --allow-settings" "needs root (switches and /proc/kpageflags)"
	exit 0
fi
lock=/run/lock/walkbench.lock
[ -w /run/lock ] || lock=/tmp/walkbench-0.lock
# hold the run lock around the snapshots so no other walkbench changes
# the switches in between; detect goes on under it (WB_LOCK_OWNER)
WB_JOURNAL=$TMP/journal flock "$lock" bash -c '
	grep . '$T'/hugepages-*/enabled '$T'/enabled >"'$TMP'/before"
	WB_LOCK_OWNER=$$ "'$WB'" detect --quick --json --allow-settings >"'$TMP'/coal" 2>"'$TMP'/coal.err"
	echo $? >"'$TMP'/coal.rc"
	grep . '$T'/hugepages-*/enabled '$T'/enabled >"'$TMP'/after"'
rc=$(cat "$TMP/coal.rc")
if [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ]; then
	ok "detect --allow-settings exit $rc"
else
	not_ok "detect --allow-settings exit $rc: $(head -c 300 "$TMP/coal.err")"
fi
check "switches identical before and after" cmp "$TMP/before" "$TMP/after"
# exit 5: the 4K L2 knee was not found in a noisy measurement; the sizes
# then say they were not measured, and why, rather than guess a factor
check "16K and 64K measured, each with a factor, confidence and folios" python3 -c "
import json
j = json.load(open('$TMP/coal'))
c = {e['size']: e for e in j['coalescing']}
for s in ('16K', '64K'):
    e = c[s]
    if $rc == 5 and e['state'] == 'not measured':
        assert e['factor'] is None and 'L2 TLB reach' in e['reason'], e
        print('# %s not measured: %s' % (s, e['reason']))
        continue
    assert e['state'] == 'measured', e
    assert isinstance(e['factor'], int) and e['factor'] >= 1, e
    assert 0 <= e['confidence'] <= 1, e
    assert e['folios'].endswith('x ' + s) and e['method'], e
    assert e['points'] and e['points'][0]['m'] == 2, e
assert j['coalescing_seconds'] < 20, j['coalescing_seconds']
"
# SIGKILL while a size's switch is set: the next start puts it back
WB_JOURNAL=$TMP/journal flock "$lock" bash -c '
	grep . '$T'/hugepages-*/enabled '$T'/enabled >"'$TMP'/before"
	WB_LOCK_OWNER=$$ "'$WB'" detect --quick --allow-settings >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 3000); do [ -e "'$TMP'/journal" ] && break; sleep 0.01; done
	# the journal is written just before the switch: let the switch and
	# the region'"'"'s faults begin
	sleep 0.03
	kill -KILL $pid; wait $pid 2>/dev/null
	grep . '$T'/hugepages-*/enabled '$T'/enabled >"'$TMP'/killed"
	WB_LOCK_OWNER=$$ "'$WB'" list >/dev/null 2>&1
	grep . '$T'/hugepages-*/enabled '$T'/enabled >"'$TMP'/after"'
if cmp -s "$TMP/before" "$TMP/killed"; then
	echo "# the kill landed while the switches were as found"
else
	echo "# the kill left switches changed: $(diff "$TMP/before" "$TMP/killed" | grep '^>' | tr '\n' ' ')"
fi
check "kill -9 during a size: the next start restores the switches" cmp "$TMP/before" "$TMP/after"
