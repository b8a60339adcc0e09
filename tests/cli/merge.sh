#!/usr/bin/env bash
# walkbench merge on files from one real short run, edited into a fleet:
# other hosts, another CPU model, an outlier, a repeated host, an
# incomplete run, an unverified page size and a skipped instance.
source "$(dirname "$0")/../lib.sh"

if ! command -v python3 >/dev/null; then
	skip "merge" "python3 not installed (needed to edit the fixtures)"
	exit 0
fi
base=$TMP/base.json
if ! "$WB" run tlb_reach --quick --param page_size=4K --param pages=16 \
	--reps 3 --min-time 0.01 --out "$base" >"$TMP/run.out" 2>&1; then
	skip "merge" "the fixture run failed: $(tail -1 "$TMP/run.out")"
	exit 0
fi
ok "fixture: a real tlb_reach run"

F=$TMP/fleet
mkdir -p "$F"
# mk NAME HOST SCALE [key=value...]: a copy of the base run as another host
python3 - "$base" "$F" <<'PY'
import copy, json, sys
from identity import A, B, set_identity
base, out = sys.argv[1], sys.argv[2]
d = json.load(open(base))
def mk(name, host, scale=1.0, ident=A, complete=True,
       unverified=False, kernel=None, skipped=False):
    e = copy.deepcopy(d)
    c = e["context"]
    w = c["walkbench"]
    c["host_name"] = host
    set_identity(e, ident, **({"kernel": kernel} if kernel else {}))
    w["complete"] = complete
    for b in e["benchmarks"]:
        if b.get("aggregate_name") != "cv":
            b["real_time"] *= scale
        if unverified:
            b["page_size_verified"] = False
    if skipped:
        w["instances"].append({"name": "tlb_reach/page_size:1G/pages:16",
                               "status": "skipped", "why": "no 1G pages"})
    json.dump(e, open(f"{out}/{name}.json", "w"), indent=1)
mk("a", "host-a")
mk("a2", "host-a", complete=False)
mk("b", "host-b", 0.99, skipped=True)
mk("c", "host-c", 1.01, kernel="6.1.0-other")
mk("d", "host-d", 1.3)
mk("e", "host-e", unverified=True)
mk("z", "zen-1", 0.8, ident=B)
PY
files=("$F/a.json" "$F/a2.json" "$F/b.json" "$F/c.json" "$F/d.json" "$F/e.json" "$F/z.json")

# What the numbers must be, computed here from the files themselves.
python3 - "${files[@]}" >"$TMP/want" <<'PY'
import json, statistics, sys
from identity import A
hosts = {}
for p in sys.argv[1:]:
    d = json.load(open(p))
    if d["context"]["walkbench"]["env"]["model_name"] != A["model_name"]:
        continue
    reps = [b["real_time"] for b in d["benchmarks"]
            if b["run_type"] == "iteration" and b["page_size_verified"]]
    if reps:
        hosts.setdefault(d["context"]["host_name"], []).extend(reps)
med = {h: statistics.median(v) for h, v in hosts.items()}
m = statistics.median(med.values())
print(m, min(med.values()), max(med.values()))
PY
read -r want_med want_min want_max <"$TMP/want"

expect_exit 0 "table: exit 0" "$WB" merge "${files[@]}"
check "table: 7 runs, 6 hosts, 2 CPU models" grep -q "^7 runs from 6 hosts, 2 CPU models" "$TMP/out"
check "table: group of 5 hosts, 6 runs" grep -q "model 167, Test CPU A: 5 hosts, 6 runs" "$TMP/out"
check "table: other CPU model is its own group" grep -q "model 1, Test CPU B: 1 host, 1 run" "$TMP/out"
check "table: repeated host reported" grep -q "host host-a: 2 runs" "$TMP/out"
check "table: mixed kernels visible" grep -q "MIXED env:.*6.18\|kernel 6.1.0-other" "$TMP/out"
check "table: incomplete run flagged" grep -q "INCOMPLETE: .*a2.json (host-a)" "$TMP/out"
check "table: unverified page size flagged" grep -q "UNVERIFIED: .*e.json (host-e): 1 benchmark" "$TMP/out"
check "table: skipped instance counted" grep -q "instances not ok: 1 skipped" "$TMP/out"
# host-d is 1.3 x host-a; the median is (1 + 1.01) / 2 x host-a
check "table: outlier host-d named, +29.4%" grep -q "tlb_reach/page_size:4K/pages:16 .* host-d +29.4% (" "$TMP/out"

expect_exit 0 "--json: exit 0" "$WB" merge --json "${files[@]}"
cp "$TMP/out" "$TMP/merged.json"
jq() { python3 -c "import json,sys; d=json.load(open('$TMP/merged.json')); print($1)"; }
check "json: 2 groups" test "$(jq 'len(d["groups"])')" = 2
check "json: 6 hosts, 7 runs" test "$(jq 'd["hosts"], d["runs"]')" = "6 7"
g0='d["groups"][0]'
b0="$g0[\"benchmarks\"][0]"
check "json: group 1 has 5 hosts, 6 runs" test "$(jq "$g0['hosts'], $g0['runs']")" = "5 6"
check "json: group 1 key" test "$(jq "$g0['key']")" = "GenuineIntel/6/167/Test CPU A"
check "json: group 1 is mixed" test "$(jq "$g0['mixed']")" = True
check "json: 4 hosts with a verified value, 6 runs, 1 left out" \
	test "$(jq "$b0['hosts'], $b0['runs'], $b0['unverified_runs']")" = "4 6 1"
close() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 1e-9 * abs(b))" "$1" "$2"; }
check "json: median of host medians = $want_med" close "$(jq "$b0['median_ns']")" "$want_med"
check "json: min = $want_min (host-b)" close "$(jq "$b0['min_ns']")" "$want_min"
check "json: max = $want_max (host-d)" close "$(jq "$b0['max_ns']")" "$want_max"
check "json: min and max hosts" test "$(jq "$b0['min_host'], $b0['max_host']")" = "host-b host-d"
check "json: spread = max/min" close "$(jq "$b0['spread']")" "$(python3 -c "print($want_max / $want_min)")"
check "json: outliers = [host-d]" test "$(jq "$b0['outliers']")" = "['host-d']"
check "json: host-a pooled from 2 runs" \
	test "$(jq "[h['runs'] for h in $b0['per_host'] if h['host'] == 'host-a'][0]")" = 2
check "json: incomplete and unverified runs counted" \
	test "$(jq "$g0['incomplete_runs'], $g0['unverified_runs'], $g0['instances_not_ok']['skipped']")" = "1 1 1"
check "json: group 2 has 1 host, no outlier" \
	test "$(jq 'd["groups"][1]["hosts"], d["groups"][1]["benchmarks"][0]["outliers"]')" = "1 []"

out=$TMP/report
expect_exit 0 "--out: exit 0" "$WB" merge "${files[@]}" --out "$out"
check "--out: merged.json written and printed" grep -qxF "$out/merged.json" "$TMP/out"
check "--out: merged.md written and printed" grep -qxF "$out/merged.md" "$TMP/out"
check "--out: merged.json is the merge" \
	python3 -c "import json,sys; a=json.load(open('$out/merged.json')); b=json.load(open('$TMP/merged.json')); sys.exit(a['groups'][0]['benchmarks'] != b['groups'][0]['benchmarks'])"
check "merged.md: a section per CPU model" test "$(grep -c '^## ' "$out/merged.md")" = 2
check "merged.md: the outlier named" grep -q "| 4 | 6 | .* (host-d) | .* | host-d +" "$out/merged.md"
check "merged.md: the incomplete run" grep -q "a2.json | host-a | .* | \*\*no\*\* |" "$out/merged.md"
slug=GenuineIntel-6-167-Test-CPU-A
if command -v gnuplot >/dev/null; then
	check "--out: group plot rendered" test -s "$out/$slug/tlb_reach.png"
	check "--out: group index.html printed" grep -qxF "$out/$slug/index.html" "$TMP/out"
	check "merged.md: links the group's plots" grep -qF "($slug/index.html)" "$out/merged.md"
else
	check "merged.md: the plot command instead" grep -qF "walkbench plot" "$out/merged.md"
fi
sum=$(cat "$out/merged.json" "$out/merged.md" | md5sum)
expect_exit 2 "existing --out: exit 2" "$WB" merge "${files[@]}" --out "$out"
one_line_error "existing --out"
check "existing --out: names the path" grep -qF "'$out/merged.json' exists" "$TMP/err"
check "existing --out: nothing replaced" test "$(cat "$out/merged.json" "$out/merged.md" | md5sum)" = "$sum"

# Bad input: one line naming the file, exit 2, nothing written.
: >"$F/empty.json"
echo "not json" >"$F/text.json"
mkdir -p "$F/broken"
python3 - "$F" <<'PY'
import json, sys
f = sys.argv[1]
# schema0 breaks the results schema on purpose: under broken/, out of
# the schema check (tests/lib.sh)
for name, key, val in (("broken/schema0", "schema_version", 0), ("v2", "version", "2.0.0")):
    d = json.load(open(f + "/a.json"))
    d["context"]["walkbench"][key] = val
    d["context"]["host_name"] = name.split("/")[-1]
    json.dump(d, open(f"{f}/{name}.json", "w"))
PY
bad() { # bad NAME PATTERN ARGS...
	local name=$1 pat=$2
	shift 2
	expect_exit 2 "$name: exit 2" "$WB" merge "$@" --out "$TMP/bad"
	one_line_error "$name"
	check "$name: names it" grep -qF -- "$pat" "$TMP/err"
	check "$name: nothing written" test ! -e "$TMP/bad"
}
bad "missing file" "$F/nope.json" "$F/a.json" "$F/nope.json"
bad "empty file" "$F/empty.json: empty file" "$F/a.json" "$F/empty.json"
bad "not JSON" "$F/text.json: not valid JSON" "$F/a.json" "$F/text.json"
bad "other schema_version" "$F/broken/schema0.json: schema_version 0 differs" "$F/a.json" "$F/broken/schema0.json"
bad "other major version" "$F/v2.json: results format version '2.0.0'" "$F/a.json" "$F/v2.json"
bad "duplicate path" "$F/a.json: given twice" "$F/a.json" "$F/b.json" "$F/a.json"
bad "zero files" "at least one RESULTS.json"
bad "unknown option" "'--bogus'" "$F/a.json" --bogus
: >"$TMP/afile"
expect_exit 2 "--out names a file: exit 2" "$WB" merge "$F/a.json" --out "$TMP/afile"
one_line_error "--out names a file"
expect_exit 0 "--out with --json: exit 0" "$WB" merge "$F/a.json" "$F/z.json" --json --out "$TMP/both"
check "--out with --json: the JSON on stdout, with the plot entry" \
	python3 -c "import json,sys; d=json.load(open('$TMP/out')); sys.exit(not (len(d['groups']) == 2 and 'plot' in d['groups'][0]))"
check "--out with --json: merged.json written" test -s "$TMP/both/merged.json"

# A group of 17 files: walkbench plot overlays 16, the report says so.
python3 - "$F" <<'PY'
import json, sys
f = sys.argv[1]
d = json.load(open(f + "/a.json"))
for i in range(17):
    d["context"]["host_name"] = f"n{i}"
    json.dump(d, open(f"{f}/n{i:02d}.json", "w"))
PY
expect_exit 0 "17 files: exit 0" "$WB" merge "$F"/n*.json --out "$TMP/n17"
check "17 files: one group of 17 hosts" grep -q "^| GenuineIntel/6/167/.* | 17 | 17 |" "$TMP/n17/merged.md"
check "17 files: the first 16 plotted, said" grep -q "the first 16 of the 17 files" "$TMP/n17/merged.md"
check "17 files: json says 16 plotted" \
	python3 -c "import json,sys; d=json.load(open('$TMP/n17/merged.json')); sys.exit(d['groups'][0]['plot']['files'] != 16)"
expect_exit 0 "only unverified: exit 0" "$WB" merge "$F/e.json"
check "only unverified: no number, said why" grep -q "pages:16 *0 *1 *- .* no verified value \[1 unverified run left out\]" "$TMP/out"
