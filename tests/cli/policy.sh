#!/usr/bin/env bash
# walkbench policy: bad input, a per-process run with JSON, the memory
# warning for sparse touches, and (as root) settings identical before and
# after a run, the multi-size THP policies, a SIGTERM and a SIGKILL.
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RW=$(dirname "$WB")/randwalk
if [ ! -x "$RW" ]; then
	RW=$TMP/randwalk
	gcc -O2 -o "$RW" "$ROOT/tests/perf/randwalk.c"
fi
export WB_JOURNAL=$TMP/journal
THP=/sys/kernel/mm/transparent_hugepage
settings() {
	grep . $THP/enabled $THP/defrag $THP/khugepaged/defrag \
		$THP/hugepages-*/enabled \
		/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null
}
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$1"; }

expect_exit 0 "policy --help" "$WB" policy --help
expect_exit 2 "no command" "$WB" policy
one_line_error "no command"
expect_exit 2 "--reps 0" "$WB" policy --reps 0 -- true
one_line_error "--reps 0"
check "--reps 0 names the token" grep -q "'0'" "$TMP/err"
for bad in 101 abc -3 2.5; do
	expect_exit 2 "--reps $bad" "$WB" policy --reps "$bad" -- true
	one_line_error "--reps $bad"
done
for bad in 0 -1 abc nan inf 1e9 ''; do
	expect_exit 2 "--budget '$bad'" "$WB" policy --budget "$bad" -- true
	one_line_error "--budget '$bad'"
	check "--budget '$bad' writes nothing" test ! -s "$TMP/out"
done
expect_exit 2 "unknown option" "$WB" policy --frob -- true
one_line_error "unknown option"
expect_exit 2 "--metric bad" "$WB" policy --metric speed -- true
expect_exit 2 "--kernel unknown" "$WB" policy --kernel nosuchkernel
one_line_error "--kernel unknown"
expect_exit 2 "--param without --kernel" "$WB" policy --param pages=8 -- true
expect_exit 2 "--kernel and a command" "$WB" policy --kernel tlb_reach -- true
expect_exit 2 "command that does not exist" "$WB" policy -- /nonexistent/cmd
one_line_error "command that does not exist"
check "missing command named" grep -q "/nonexistent/cmd" "$TMP/err"
expect_exit 1 "command that fails" "$WB" policy -- sh -c 'echo boom-tail >&2; exit 3'
one_line_error "command that fails"
check "failure shows exit status and stderr tail" \
	grep -q "exit status 3.*boom-tail" "$TMP/err"
check "no recommendation from a failed command" test ! -s "$TMP/out"

# Per-process policies only (no --allow-settings), 64 MiB dense walk.
# The repetitions stop by the rule (bench/POLICY.md), at 8 at most.
"$WB" policy --reps 8 --json -- "$RW" 64 200000 >"$TMP/p.json" 2>"$TMP/p.err"
rc=$?
check "per-process run exits 0 (got $rc)" test "$rc" -eq 0
check "JSON has a recommendation" jq_py "$TMP/p.json" \
	"r=d['recommendation']; assert r['policy'] and 'apply' in r"
check "JSON lists what was not tried" jq_py "$TMP/p.json" \
	"assert any('root' in s for s in d['not_tried'])"
check "stop reason is one of the four" jq_py "$TMP/p.json" \
	"assert d['stop']['reason'] in ('significant', 'no_difference', 'cap', 'budget'), d['stop']"
check "stop text matches its reason" jq_py "$TMP/p.json" \
	"t={'significant': 'significant', 'no_difference': 'no difference beyond 5%', \
'cap': 'cap of 8 repetitions reached', 'budget': 'time budget of 180 s used'}; \
assert d['stop']['text'] == t[d['stop']['reason']], d['stop']"
check "repetitions within the cap, one per round" jq_py "$TMP/p.json" \
	"assert d['reps_cap'] == 8 and 1 <= d['rounds'] <= 8; \
assert all(p['summary']['reps'] == d['rounds'] == len(p['runs']) for p in d['policies'])"
check "cap reached only at the cap, tests only from the start count" jq_py "$TMP/p.json" \
	"s=d['stop']['reason']; assert s != 'cap' or d['rounds'] == 8; \
assert s not in ('significant', 'no_difference') or d['rounds'] >= d['start_reps']"
check "looks planned up to the cap, each at 0.05 / looks, from the start count" \
	jq_py "$TMP/p.json" "l=d['looks']; n=len(l['planned']); \
assert l['planned'][0] == d['start_reps'] and l['planned'][-1] == 8, l; \
assert all(a < b for a, b in zip(l['planned'], l['planned'][1:])), l; \
assert abs(l['alpha_per_look'] - 0.05 / n) < 1e-12, l; \
assert abs(l['interval_conf'] - (1 - l['alpha_per_look'])) < 1e-12, l"
check "significant or no difference only at a look, which the JSON names" \
	jq_py "$TMP/p.json" "l=d['looks']; s=d['stop']['reason']; r=d['rounds']; \
assert s not in ('significant', 'no_difference') or \
l['stopped_at'] == sum(1 for n in l['planned'] if n < r) + 1, (s, r, l); \
assert r not in l['planned'] or l['stopped_at'] == l['planned'].index(r) + 1, (r, l)"
check "each compared policy has raw and adjusted p and a speed-up interval" \
	jq_py "$TMP/p.json" "c=[p['summary'] for p in d['policies'][1:]]; \
assert c and all(x['p_adjusted'] >= x['p_value'] and \
(x['speedup_hi'] is None or x['speedup_lo'] <= x['speedup_hi']) for x in c)"
check "progress names the stop" grep -q "stopped after [0-9]* round(s): " "$TMP/p.err"

# The table says why it stopped: the cap, when it is below the start count.
"$WB" policy --reps 2 -- "$RW" 16 20000 >"$TMP/t.out" 2>"$TMP/t.err"
check "table run exits 0" test $? -eq 0
check "table: stopped at the cap of 2" grep -q "^Stopped: cap of 2 repetitions reached.$" "$TMP/t.out"
check "table: p and p(Holm) columns" grep -q "p(Holm)" "$TMP/t.out"
check "table: one look at the cap, where nothing can be significant" \
	grep -q "^Looks: one, after 2 round(s): too few for p < 0.05 .*; stopped at look 1.$" "$TMP/t.out"
# A budget no round fits in: one round, then the budget is the reason.
"$WB" policy --budget 0.001 --json -- "$RW" 16 20000 >"$TMP/b.json" 2>"$TMP/b.err"
check "budget run exits 0" test $? -eq 0
check "budget: one round, stopped by the budget" jq_py "$TMP/b.json" \
	"assert d['rounds'] == 1 and d['stop']['reason'] == 'budget', d['stop']; \
assert d['stop']['text'] == 'time budget of 0.001 s used'; \
assert d['looks']['stopped_at'] is None, d['looks']"
if [ -e "$(dirname "$WB")/libwbthp.so" ]; then
	# The shim's advice makes the dense region huge and removes almost
	# all 4 KiB faults: the mechanism, checked without timing.
	check "thp-advise maps the region with huge pages" jq_py "$TMP/p.json" \
		"p={x['name']:x['summary'] for x in d['policies']}; \
assert p['process:thp-advise']['anon_huge_max_bytes'] >= 32<<20; \
assert p['process:thp-advise']['minflt_median'] * 4 < p['current']['minflt_median']"
	# One word per 2 MiB: THP maps 2 MiB for each touched 4 KiB. The
	# policy costs memory; it must never be recommended without saying so.
	"$WB" policy --reps 3 --json -- "$RW" 256 2000 512 >"$TMP/s.json" 2>"$TMP/s.err"
	check "sparse: thp-advise bloats memory" jq_py "$TMP/s.json" \
		"p={x['name']:x['summary'] for x in d['policies']}; \
assert p['process:thp-advise']['mem_bytes'] > p['current']['mem_bytes'] + (64<<20)"
	check "sparse: no THP recommendation without a memory warning" \
		jq_py "$TMP/s.json" "r=d['recommendation']; \
assert r['policy'] != 'process:thp-advise' or r['bloat_warning']"
else
	skip "thp-advise checks" "libwbthp.so not built next to $WB"
fi

if [ "$(id -u)" -ne 0 ] || [ ! -w $THP/enabled ]; then
	skip "settings restored" "needs root and a writable $THP/enabled"
	exit 0
fi
before=$(settings)
"$WB" policy --allow-settings --reps 2 --json -- "$RW" 32 20000 >"$TMP/r.json" 2>"$TMP/r.err"
rc=$?
check "--allow-settings run exits 0 (got $rc)" test "$rc" -eq 0
check "system policies were measured" jq_py "$TMP/r.json" \
	"assert any(p['system'] and p['summary']['runs_ok'] == 2 for p in d['policies'])"
check "settings identical after the run" test "$before" = "$(settings)"
check "JSON says settings restored" jq_py "$TMP/r.json" "assert d['settings_restored']"
check "no journal left" test ! -e "$WB_JOURNAL"

# Multi-size THP: one system policy per anonymous folio size, each with
# speed-up, p and memory, the size's own fault counts, and every switch
# back as found.
if [ ! -e $THP/hugepages-16kB/enabled ] || [ ! -e $THP/hugepages-64kB/enabled ]; then
	skip "mTHP policies" "no $THP/hugepages-16kB or -64kB (multi-size THP, Linux 6.8+)"
else
	before=$(settings)
	"$WB" policy --allow-settings --reps 3 --json -- "$RW" 32 20000 >"$TMP/m.json" 2>"$TMP/m.err"
	rc=$?
	check "mTHP run exits 0 (got $rc)" test "$rc" -eq 0
	check "mTHP: every switch identical after the run" test "$before" = "$(settings)"
	check "mTHP: JSON says settings restored" jq_py "$TMP/m.json" "assert d['settings_restored']"
	check "mTHP: per-size switches as found in the JSON" jq_py "$TMP/m.json" \
		"f=d['settings_found']['mthp_enabled']; assert f['16K'] and f['64K'], f"
	for sz in 16K 64K; do
		check "mthp-$sz measured with speed-up, p and memory" jq_py "$TMP/m.json" \
			"p={x['name']:x for x in d['policies']}['mthp-$sz']; s=p['summary']; \
assert p['system'] and s['runs_ok'] == 3, s; \
assert s['speedup_vs_current'] > 0 and 0 < s['p_value'] <= s['p_adjusted'] <= 1, s; \
assert s['mem_bytes'] >= 32<<20, s"
		check "mthp-$sz applies its size always and every larger one never" jq_py "$TMP/m.json" \
			"p={x['name']:x for x in d['policies']}['mthp-$sz']; a=p['apply']; \
assert 'echo always > $THP/hugepages-$((${sz%K}))kB/enabled' in a or \
d['settings_found']['mthp_enabled']['$sz'] == 'always', a; \
assert 'hugepages-2048kB/enabled' in a or d['settings_found']['mthp_enabled']['2M'] == 'never', a"
		# The kernel tried the size for the command's faults: folios of it
		# allocated, or fallbacks counted when none was free.
		check "mthp-$sz: the size was tried (alloc + fallback > 0) and said" jq_py "$TMP/m.json" \
			"p={x['name']:x for x in d['policies']}['mthp-$sz']; \
f=p['summary']['mthp_folios_median']['$sz']; \
assert f['anon_fault_alloc'] + f['anon_fault_fallback'] > 0, f; \
assert p['finding'].startswith('mthp-$sz: '), p.get('finding')"
	done
	check "mTHP: a size not offered or a duplicate is said, not run" jq_py "$TMP/m.json" \
		"names=[x['name'] for x in d['policies']]; \
assert all(n in names or any(t.startswith(n + ':') or n in t for t in d['not_tried']) \
for n in ['mthp-8K', 'mthp-16K', 'mthp-32K', 'mthp-64K']), d['not_tried']"
	"$WB" policy --reps 2 --json -- "$RW" 16 2000 >"$TMP/u.json" 2>/dev/null
	check "without --allow-settings the mTHP sizes are not tried, with the reason" \
		jq_py "$TMP/u.json" "assert not any('mthp' in p['name'] for p in d['policies']); \
assert any(t.startswith('mthp-16K') and 'root' in t for t in d['not_tried']), d['not_tried']"
fi

# Killed while a system policy is in place: SIGTERM restores at once,
# SIGKILL at the next start of any verb.
for sig in TERM KILL; do
	"$WB" policy --allow-settings --reps 20 -- "$RW" 64 2000000 >/dev/null 2>"$TMP/k.err" &
	pid=$!
	for _ in $(seq 400); do
		[ -e "$WB_JOURNAL" ] && [ "$(settings)" != "$before" ] && break
		sleep 0.05
	done
	if [ "$(settings)" = "$before" ]; then
		kill -KILL $pid
		wait $pid 2>/dev/null
		skip "SIG$sig mid-run" "no system policy applied within 20 s"
		continue
	fi
	kill -$sig $pid
	wait $pid 2>/dev/null
	if [ $sig = TERM ]; then
		check "SIGTERM: settings restored by the handler" test "$before" = "$(settings)"
		check "SIGTERM: journal removed" test ! -e "$WB_JOURNAL"
	else
		# a policy switch may have restored just before the kill
		left=0
		[ -e "$WB_JOURNAL" ] && left=1
		"$WB" list >/dev/null 2>"$TMP/l.err"
		check "SIGKILL: next start restores settings" test "$before" = "$(settings)"
		if [ $left = 1 ]; then
			check "SIGKILL: recovery said so" grep -q "restored" "$TMP/l.err"
		fi
		check "SIGKILL: journal removed" test ! -e "$WB_JOURNAL"
	fi
done

# SIGKILL while a per-size switch is changed: the next start puts it back.
if ls $THP/hugepages-*/enabled >/dev/null 2>&1; then
	sizes() { grep . $THP/hugepages-*/enabled; }
	before=$(settings)
	size_before=$(sizes)
	"$WB" policy --allow-settings --reps 20 -- "$RW" 64 2000000 >/dev/null 2>"$TMP/k.err" &
	pid=$!
	for _ in $(seq 400); do
		[ "$(sizes)" != "$size_before" ] && break
		sleep 0.05
	done
	if [ "$(sizes)" = "$size_before" ]; then
		kill -KILL $pid
		wait $pid 2>/dev/null
		skip "SIGKILL during an mTHP policy" "no per-size switch changed within 20 s"
	else
		kill -KILL $pid
		wait $pid 2>/dev/null
		"$WB" list >/dev/null 2>"$TMP/l.err"
		check "SIGKILL during an mTHP policy: next start restores every switch" \
			test "$before" = "$(settings)"
		check "SIGKILL during an mTHP policy: journal removed" test ! -e "$WB_JOURNAL"
	fi
else
	skip "SIGKILL during an mTHP policy" "no $THP/hugepages-<size>kB/enabled (Linux 6.8+)"
fi
