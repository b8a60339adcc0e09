#!/usr/bin/env bash
# contract_demo (tests/kernels/contract_demo.c), the kernel that "Adding a
# kernel" in kernels/README.md walks through: build/walkbench-test runs it
# like any kernel, and validate finds its one prediction (every page it
# wrote is resident) met.
source "$(dirname "$0")/../lib.sh"

WBT=$(dirname "$WB")/walkbench-test
if [ ! -x "$WBT" ]; then
	skip "contract_demo" "build/walkbench-test not built (make test builds it)"
	exit 0
fi

expect_exit 0 "run contract_demo" "$WBT" run contract_demo --quick --param pages=16 \
	--reps 2 --min-time 0.01 --out "$TMP/demo.json"
check "one instance, ok, its page size verified" python3 -c "
import json, sys
i = json.load(open('$TMP/demo.json'))['context']['walkbench']['instances']
sys.exit(not (len(i) == 1 and i[0]['status'] == 'ok' and i[0]['page_size_verified']))"
expect_exit 0 "validate its results" "$WBT" validate "$TMP/demo.json"
check "resident_pages as predicted" grep -Eq "^contract_demo +pages:16 +resident_pages +16 +16 +exact +PASS" "$TMP/out"
