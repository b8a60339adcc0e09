#!/usr/bin/env bash
# The JSON walkbench writes, checked against its schemas with Debian's
# python3-jsonschema: a small real run against results/schema.json, and the
# --json output of compare, validate, detect --quick, baseline check and
# claims --from against results/schemas/*.json. Then validate on a file
# that breaks the schema: exit 2, one line naming the file and the JSON
# path of the first error, nothing on stdout.
source "$(dirname "$0")/../lib.sh"
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PY=/usr/bin/python3

if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
	skip "schema" "no python3-jsonschema (bench/deps.sh installs it)"
	exit 0
fi
# conforms SCHEMA FILE: FILE conforms to SCHEMA; the first error on stderr
conforms() {
	"$PY" - "$1" "$2" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.Draft202012Validator
cls.check_schema(schema)
errs = sorted(cls(schema).iter_errors(json.load(open(sys.argv[2]))),
              key=lambda e: list(e.absolute_path))
for e in errs[:1]:
    print("# /" + "/".join(map(str, e.absolute_path)) + ": " + e.message[:200])
sys.exit(1 if errs else 0)
PY
}

for s in "$TOP"/results/schema.json "$TOP"/results/schemas/*.json; do
	check "${s#"$TOP"/} is a valid draft 2020-12 schema" "$PY" -c "
import json, jsonschema; jsonschema.Draft202012Validator.check_schema(json.load(open('$s')))"
done
check "results schema's \$id carries its version, as schema_version does" \
	grep -q '"\$id": "urn:walkbench:results:schema:1"' "$TOP/results/schema.json"

expect_exit 0 "a small run" "$WB" run tlb_reach --quick --param pages=16 \
	--param page_size=4K --out "$TMP/run.json"
check "the run's results conform to results/schema.json" \
	conforms "$TOP/results/schema.json" "$TMP/run.json"
check "the run's schema_version is the schema's" "$PY" -c "
import json; assert json.load(open('$TMP/run.json'))['context']['walkbench']['schema_version'] == 1"
for b in "$TOP"/results/baselines/*/*.json; do
	check "baseline ${b#"$TOP"/results/} conforms" conforms "$TOP/results/schema.json" "$b"
done

expect_exit 0 "compare --json" "$WB" compare --json "$TMP/run.json" "$TMP/run.json"
cp "$TMP/out" "$TMP/compare.out"
check "compare --json conforms" conforms "$TOP/results/schemas/compare.json" "$TMP/compare.out"

"$WB" validate --json "$TMP/run.json" >"$TMP/validate.out" 2>"$TMP/err"
check "validate --json (exit $?) conforms" conforms "$TOP/results/schemas/validate.json" "$TMP/validate.out"

expect_exit 0 "baseline save" "$WB" baseline save "$TMP/run.json" --dir "$TMP/bl"
"$WB" baseline check --json "$TMP/run.json" --dir "$TMP/bl" >"$TMP/baseline.out" 2>"$TMP/err"
check "baseline check --json (exit $?) conforms to compare's schema" \
	conforms "$TOP/results/schemas/compare.json" "$TMP/baseline.out"
"$WB" baseline list --json --dir "$TMP/bl" >"$TMP/list.out" 2>"$TMP/err"
check "baseline list --json (exit $?) conforms" \
	conforms "$TOP/results/schemas/baseline-list.json" "$TMP/list.out"

# exit 5 is detect's own verdict that a knee was not found in a noisy
# measurement (tests/cli/detect.sh takes it too); its --json is written all
# the same, and must conform either way
"$WB" detect --quick --json >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ]; then
	ok "detect --quick --json (exit $rc)"
else
	not_ok "detect --quick --json (exit $rc, want 0 or 5): $(head -c 300 "$TMP/err")"
fi
cp "$TMP/out" "$TMP/detect.out"
check "detect --json conforms" conforms "$TOP/results/schemas/detect.json" "$TMP/detect.out"

mkdir -p "$TMP/claims"
cp "$TMP/run.json" "$TMP/claims/"
expect_exit 0 "claims --json --from" "$WB" claims --json --from "$TMP/claims"
cp "$TMP/out" "$TMP/claims.out"
check "claims --json conforms" conforms "$TOP/results/schemas/claims.json" "$TMP/claims.out"

# A file that breaks the schema (kept apart: tests/lib.sh's keep_results
# skips "broken")
mkdir -p "$TMP/broken"
"$PY" - "$TMP/run.json" "$TMP/broken/status.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["context"]["walkbench"]["instances"][0]["status"] = "okay"
json.dump(d, open(sys.argv[2], "w"))
PY
if conforms "$TOP/results/schema.json" "$TMP/broken/status.json" >/dev/null; then
	not_ok "python3-jsonschema refuses it"
else
	ok "python3-jsonschema refuses it"
fi
expect_exit 2 "validate refuses a file that breaks the schema" "$WB" validate "$TMP/broken/status.json"
one_line_error "schema error"
check "the error names the file and the path of the first error" grep -qF \
	"$TMP/broken/status.json: /context/walkbench/instances/0/status: \"okay\" is not one of ok, failed," "$TMP/err"
check "nothing on stdout" test ! -s "$TMP/out"
# A share is bounded where it is one: an instance's host_backing share above
# 1 is refused; a cv aggregate of effective_huge_share above 1 (shares
# 0,0,0,0,1 give 2.24) is a statistic, not a share, and passes.
"$PY" - "$TMP/run.json" "$TMP/broken/share.json" "$TMP/cv.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["context"]["walkbench"]["instances"][0]["host_backing"] = {"share": 1.5}
json.dump(d, open(sys.argv[2], "w"))
d = json.load(open(sys.argv[1]))
for b in d["benchmarks"]:
    if b.get("aggregate_name") == "cv":
        b["effective_huge_share"] = 2.24
        break
else:
    sys.exit("no cv aggregate in the run")
json.dump(d, open(sys.argv[3], "w"))
PY
expect_exit 2 "validate refuses a host_backing share of 1.5" "$WB" validate "$TMP/broken/share.json"
check "it names the share's path" grep -q "/context/walkbench/instances/0/host_backing/share: " "$TMP/err"
if conforms "$TOP/results/schema.json" "$TMP/broken/share.json" >/dev/null; then
	not_ok "python3-jsonschema refuses the share of 1.5"
else
	ok "python3-jsonschema refuses the share of 1.5"
fi
check "a cv aggregate of effective_huge_share of 2.24 conforms" \
	conforms "$TOP/results/schema.json" "$TMP/cv.json"
"$PY" - "$TMP/run.json" "$TMP/broken/early.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
# both a schema error and a fact without a source: the schema speaks first
d["benchmarks"][0]["time_unit"] = "parsec"
del d["context"]["walkbench"]["instances"][0]["fact_sources"]
json.dump(d, open(sys.argv[2], "w"))
PY
expect_exit 2 "validate: schema before the other rules" "$WB" validate "$TMP/broken/early.json"
check "the schema error is the one reported" grep -qF \
	'/benchmarks/0/time_unit: "parsec" is not one of ns, us, ms, s' "$TMP/err"
