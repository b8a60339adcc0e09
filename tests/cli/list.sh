#!/usr/bin/env bash
# walkbench list: every kernel of the table, in kernels.def order, with its
# suite, summary, unit of work, whether it runs here (and if not, why),
# whether it runs on arm64 (and on what condition) and
# every parameter with its help, in the text and the --json output alike.
# build/walkbench-test lists the test kernels after them.
source "$(dirname "$0")/../lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)

if ! command -v python3 >/dev/null; then
	skip "list" "python3 not installed (needed to read the JSON)"
	exit 0
fi

# check_list BINARY LABEL DEF...: BINARY lists the kernels of the DEF files
check_list() {
	local bin=$1 label=$2
	shift 2
	expect_exit 0 "$label: list" "$bin" list
	cp "$TMP/out" "$TMP/list.txt"
	expect_exit 0 "$label: list --json" "$bin" list --json
	cp "$TMP/out" "$TMP/list.json"
	check "$label: text and JSON name every kernel of ${*#"$TOP"/}, in order, with its parameters" \
		python3 - "$TMP/list.txt" "$TMP/list.json" "$@" <<'PY'
import json, re, sys
text, js, defs = sys.argv[1], sys.argv[2], sys.argv[3:]
want = [m.group(1) for d in defs for m in re.finditer(r"^X\(([a-z0-9_]+)\)$", open(d).read(), re.M)]
kernels = json.load(open(js))
bad = []
names = [k["name"] for k in kernels]
if names != want:
    bad.append("json names %s, kernels.def %s" % (names, want))
lines = open(text).read().splitlines()
i = 0
for k in kernels:
    n = k["name"]
    for f in ("suite", "summary", "per_iteration"):
        if not k.get(f):
            bad.append("%s: no %s" % (n, f))
    if k["runnable"] == bool(k["why"]):
        bad.append("%s: runnable %s but why '%s'" % (n, k["runnable"], k["why"]))
    head = lines[i].split() if i < len(lines) else []
    if head[:3] != [n, k["suite"], "yes" if k["runnable"] else "no"]:
        bad.append("%s: text line %d is '%s'" % (n, i + 1, lines[i] if i < len(lines) else ""))
    elif not k["runnable"] and "-- cannot run here: " + k["why"] not in lines[i]:
        bad.append("%s: text does not say why it cannot run" % n)
    # whether it runs on arm64, and on what condition
    arm = "arm64:no" if not k["arm64"] else "arm64:4K" if k["arm64_why"] else "arm64:yes"
    if head[3:4] != [arm]:
        bad.append("%s: arm64 column '%s', JSON says %s" % (n, head[3:4], arm))
    if k["arm64"] and k["arm64_why"] not in ("", "with the 4K granule"):
        bad.append("%s: arm64_why '%s'" % (n, k["arm64_why"]))
    i += 1
    for p in k["params"]:
        if not p.get("help"):
            bad.append("%s.%s: no help" % (n, p["name"]))
        if not p["min"] <= p["default"] <= p["max"]:
            bad.append("%s.%s: default outside min..max" % (n, p["name"]))
        line = lines[i] if i < len(lines) else ""
        if not line.startswith("    --param %s=V  %s [" % (p["name"], p["help"])):
            bad.append("%s.%s: text line %d is '%s'" % (n, p["name"], i + 1, line))
        i += 1
if i != len(lines):
    bad.append("%d text lines, %d expected" % (len(lines), i))
for b in bad:
    print("# " + b)
sys.exit(1 if bad else 0)
PY
}

check_list "$WB" walkbench "$TOP/kernels/kernels.def"
expect_exit 2 "unknown argument: exit 2" "$WB" list --bogus
one_line_error "unknown argument"

WBT=$(dirname "$WB")/walkbench-test
if [ -x "$WBT" ]; then
	check_list "$WBT" walkbench-test "$TOP/kernels/kernels.def" "$TOP/tests/kernels/kernels.def"
else
	skip "walkbench-test list" "build/walkbench-test not built (make test builds it)"
fi

# enumerated parameters list their names, as text and as JSON
"$WB" list >"$TMP/list.txt"
check "list shows a parameter's names" \
	grep -q -- '--param backing=V .*\[enum: base|thp|thp-always|hugetlb-2m|hugetlb-1g|' "$TMP/list.txt"
"$WB" list --json >"$TMP/list.json"
check "list --json maps names to values" python3 -c '
import json, sys
k = {k["name"]: k for k in json.load(open(sys.argv[1]))}
p = {p["name"]: p for p in k["cow_storm"]["params"]}
assert p["writer"]["names"] == {"child": 1, "parent": 2, "both": 3}, p["writer"]
assert "names" not in p["mib"], p["mib"]' "$TMP/list.json"
