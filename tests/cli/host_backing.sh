#!/usr/bin/env bash
# The host's backing in a run's results (mem/hostpage.h): natively (a
# stand-in identity without a hypervisor, build/walkbench-ident) the share
# is 1 and says "native"; under this machine's own hypervisor it is a
# measured share in [0, 1] with the pages it sampled, or says why not.
source "$(dirname "$0")/../lib.sh"
WBI=${WB_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/build/walkbench-ident
# --extra-time 0: no extra passes for an instance a noisy neighbour made
# unstable, so each run probes exactly its two passes
run_args=(run tlb_reach --param page_size=4K --param pages=16 --reps 2
	--passes 2 --min-time 0.01 --extra-time 0)

if [ -x "$WBI" ]; then
	if WB_TEST_IDENTITY="hypervisor=" "$WBI" "${run_args[@]}" \
		--out "$TMP/native.json" >"$TMP/out" 2>"$TMP/err"; then
		ok "native identity run"
		check "native: share 1 on the instance and every repetition" \
			python3 - "$TMP/native.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
wb = j["context"]["walkbench"]
assert wb["env"]["hypervisor"] == "", wb["env"]["hypervisor"]
hb = wb["instances"][0]["host_backing"]
assert hb["share"] == 1.0 and hb["native"] and hb["measurable"], hb
assert hb["how"].startswith("native"), hb["how"]
assert hb["sampled"] == 0 and hb["r_base"] is None, hb
assert hb["passes_probed"] == 2 and hb["share_min"] == hb["share_max"] == 1.0, hb
reps = [b for b in j["benchmarks"] if b.get("run_type") == "iteration"]
assert len(reps) == 2 and all(b["effective_huge_share"] == 1.0 for b in reps), reps
PY
	else
		not_ok "native identity run: $(head -c 300 "$TMP/err")"
	fi
else
	skip "native identity run" "build/walkbench-ident not built (make test-matrix builds it)"
fi

if "$WB" "${run_args[@]}" --out "$TMP/here.json" >"$TMP/out" 2>"$TMP/err"; then
	ok "run on this machine"
	hv=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['context']['walkbench']['env']['hypervisor'])" "$TMP/here.json")
	if [ -z "$hv" ]; then
		skip "guest: a measured share" "no hypervisor below this machine"
	else
		check "guest: a measured share in [0, 1], or why not" \
			python3 - "$TMP/here.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
hb = j["context"]["walkbench"]["instances"][0]["host_backing"]
assert not hb["native"], hb
reps = [b for b in j["benchmarks"] if b.get("run_type") == "iteration"]
if hb["measurable"]:
    assert 0.0 <= hb["share"] <= 1.0 and hb["sampled"] > 0, hb
    assert hb["r_base"] >= 1.3, hb
    assert hb["share_min"] <= hb["share_max"], hb
    assert all(0.0 <= b["effective_huge_share"] <= 1.0 for b in reps), reps
else:
    assert hb["share"] is None and hb["how"].startswith("not measurable"), hb
    assert all("effective_huge_share" not in b for b in reps), reps
PY
	fi
else
	not_ok "run on this machine: $(head -c 300 "$TMP/err")"
fi
