#!/usr/bin/python3
"""Checks results files against results/schema.json with Debian's
python3-jsonschema: tests/run passes the files the tests kept
(tests/lib.sh, keep_results); prints TAP lines, one per file."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("ok - results schema # SKIP no python3-jsonschema (bench/deps.sh installs it)")
    sys.exit(0)


def first_error(validator, doc):
    errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if not errs:
        return None
    e = errs[0]
    return "/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:200]


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    validator = cls(schema)
    n = 0
    for path in sys.argv[2:]:
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("not ok - %s: unreadable: %s" % (path, e))
            continue
        wb = doc.get("context", {}).get("walkbench") if isinstance(doc, dict) else None
        if not isinstance(wb, dict) or "benchmarks" not in doc:
            continue  # another --json output, not a results file
        n += 1
        err = first_error(validator, doc)
        if err:
            print("not ok - results schema: %s: %s" % (path, err))
        else:
            print("ok - results schema: %s" % path.rsplit("/", 1)[-1])
    if not n:
        print("ok - results schema # SKIP no results file was kept")


main()
