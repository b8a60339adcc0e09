#!/usr/bin/env bash
# The layers the layout promises (ARCHITECTURE.md, "Layers"): `make layers`
# passes on this tree, and fails, naming the file and line, on a copy with
# a forbidden include planted in each layer; the build itself refuses the
# planted file (each layer is compiled with its own include path only).
source "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

expect_exit 0 "make layers on this tree" make -s -C "$ROOT" layers
check "it reports no cycle" grep -q "^layers: ok (.* no cycle)" "$TMP/out"

# plant FILE LINE: a copy of the tree with LINE after FILE's first include
copy=$TMP/tree
plant() {
	rm -rf "$copy"
	mkdir -p "$copy"
	(cd "$ROOT" && git ls-files -co --exclude-standard | grep -v '^build/' |
		tar -cf - -T - | tar -xf - -C "$copy")
	sed -i "0,/^#include/s||$2\n&|" "$copy/$1"
}
bad() { # NAME FILE LINE WHY
	plant "$2" "$3"
	expect_exit 2 "$1: make layers fails" make -s -C "$copy" O="$copy/build" layers
	check "$1: names the file and the include" grep -q "^$2:[0-9]*: include .*$4" "$TMP/out"
}
bad "harness includes a vm header" harness/core/parse.c '#include "vm.h"' "is not on the path of harness"
bad "harness includes a verb's header" harness/runner/plan.c '#include "cmd.h"' "is not on the path of harness"
bad "the model includes the harness" harness/model/pt.c '#include "core/env.h"' "is not on the path of harness/model"
bad "a kernel includes a verb's header" kernels/tlb_reach.c '#include "../bench/cmd.h"' "climbs out with '..'"
bad "plots include vm" plots/plot_tsv.c '#include "vm.h"' "is not on the path of plots"
# the compiler agrees: the planted model file does not build
plant harness/model/pt.c '#include "core/env.h"'
expect_exit 2 "the build refuses the planted model include" \
	make -s -C "$copy" O="$copy/build" "$copy/build/harness/model/pt.o"
check "the compiler names the header" grep -q "core/env.h: No such file" "$TMP/err"
