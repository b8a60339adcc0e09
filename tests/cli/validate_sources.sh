#!/usr/bin/env bash
# walkbench validate refuses results whose facts do not say where they
# were read (fact_sources, results/README.md): a fact without a source, a
# source outside the vocabulary, an input without one, and a file from
# before sources were recorded each exit 2 with one line naming the file,
# the instance and the fact. A real run carries a valid source for every
# fact it records.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../data/mkresults.bash"

mkresults suites=shared >"$TMP/good.json"

# variant FILE CODE: good.json changed by the python CODE (w: its
# context.walkbench, i: the first instance with facts)
variant() {
	python3 - "$TMP/good.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["context"]["walkbench"]
i = [x for x in w["instances"] if x.get("facts")][0]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
}
variant "$TMP/nosource.json" 'del i["fact_sources"]["pt_bytes_total"]'
variant "$TMP/emptysource.json" 'i["fact_sources"]["pt_bytes_total"] = ""'
variant "$TMP/badword.json" 'i["fact_sources"]["vmpte_bytes"] = "model"'
variant "$TMP/badjoin.json" 'i["fact_sources"]["vmpte_bytes"] = "status+"'
variant "$TMP/badperf.json" 'i["fact_sources"]["vmpte_bytes"] = "perf:"'
variant "$TMP/old.json" '
for x in w["instances"]:
    x.pop("fact_sources", None)'
variant "$TMP/oneold.json" 'del i["fact_sources"]'
variant "$TMP/input.json" 'i["inputs"] = {"l1d_ways": 12}'
variant "$TMP/inputok.json" '
i["inputs"] = {"l1d_ways": 12}
i["input_sources"] = {"l1d_ways": "cpuid"}
i["fact_sources"]["vmpte_bytes"] = "pagemap+kpageflags+perf:tlb:tlb_flush"'

expect_exit 0 "every fact with a source: accepted" "$WB" validate "$TMP/good.json"
expect_exit 0 "joined words, perf events and a sourced input: accepted" \
	"$WB" validate "$TMP/inputok.json"

NAME=shared_map/procs:1/backing:1
refused() { # FILE WHAT GREP: exit 2, one line naming the file, instance and WHAT
	expect_exit 2 "$2: refused" "$WB" validate "$1"
	one_line_error "$2"
	check "$2: names the file" grep -qF "$(basename "$1")" "$TMP/err"
	check "$2: says what" grep -qE "$3" "$TMP/err"
	check "$2: nothing printed" test ! -s "$TMP/out"
}
refused "$TMP/nosource.json" "fact without a source" "instance $NAME: fact pt_bytes_total has no source"
refused "$TMP/emptysource.json" "empty source" "instance $NAME: fact pt_bytes_total has no source"
refused "$TMP/badword.json" "source outside the vocabulary" "instance $NAME: fact vmpte_bytes: source 'model' is not one"
refused "$TMP/badjoin.json" "dangling +" "fact vmpte_bytes: source 'status\+'"
refused "$TMP/badperf.json" "perf: without an event" "fact vmpte_bytes: source 'perf:'"
refused "$TMP/old.json" "file from before fact_sources" "no fact_sources"
refused "$TMP/oneold.json" "one instance without fact_sources" "instance $NAME: fact vmpte_bytes has no source"
refused "$TMP/input.json" "input without a source" "instance $NAME: input l1d_ways has no source \(input_sources\)"

# With other files good: still exit 2 and nothing printed.
expect_exit 2 "a refused file among good ones" "$WB" validate "$TMP/good.json" "$TMP/nosource.json"
check "among good ones: nothing printed" test ! -s "$TMP/out"

# A real run: each fact and input it records has a source of the
# vocabulary, and validate takes the file.
if "$WB" run synonym --quick --param alias=12 --reps 1 --min-time 0.01 \
	--out "$TMP/run.json" >"$TMP/run.out" 2>&1; then
	check "a run's facts and inputs all name a known source" python3 - "$TMP/run.json" <<'PY'
import json, re, sys
words = {"pagemap", "kpageflags", "smaps", "status", "vmstat", "meminfo",
         "interrupts", "timing", "cpuid", "sysfs", "experiment"}
ok = lambda s: all(w in words or re.fullmatch(r"perf:[a-z0-9_:.-]+", w) for w in s.split("+"))
n = 0
for i in json.load(open(sys.argv[1]))["context"]["walkbench"]["instances"]:
    for kv, src in (("facts", "fact_sources"), ("inputs", "input_sources")):
        for k in i.get(kv, {}):
            s = i[src][k]
            assert ok(s), (i["name"], k, s)
            n += 1
assert n > 0
assert "vipt_no_synonyms" in i["facts"] and i["fact_sources"]["vipt_no_synonyms"] == "experiment", i
assert "l1d_ways" not in i["facts"], "the cache geometry is an input, not a fact"
PY
	expect_exit 0 "validate takes the run" "$WB" validate "$TMP/run.json"
else
	skip "a run's sources" "synonym run failed here: $(tail -n 1 "$TMP/run.out")"
fi
