# walkbench. `make` builds build/walkbench; `make bench` and `make test` also
# install what is missing (Debian packages, as root). See README.md.

# make ARCH=arm64: the static aarch64 walkbench for the arm64 guest
# (vm/README.md), cross-built with Debian's aarch64 toolchain.
ifeq ($(ARCH),arm64)
CC := aarch64-linux-gnu-gcc
CXX := aarch64-linux-gnu-g++
O := build/arm64
.DEFAULT_GOAL := $(O)/walkbench-static
endif
CC ?= gcc
CXX ?= g++
O ?= build
WARN := -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
CXXFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 $(WARN) -MMD -MP -D_GNU_SOURCE
override CXXFLAGS += -std=gnu++17 $(WARN) -MMD -MP
LIBS := -lbenchmark -lpfm -lhwloc -ljansson -lnettle -lpthread -lm
VERSION := 0.1.0
# `make deb` builds from a copy without .git and passes the commit in
GIT_COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

# The layers (ARCHITECTURE.md, "Layers"): each part is compiled with the
# include paths of the parts it may use and no others, and `make layers`
# checks every quoted include against this same table. The model is pure;
# the harness (runner, memory, counters, results, checks, settings) sees
# the model; kernels see the harness; vm/ and plots/ see the harness; the
# verbs in bench/ see everything but the kernels.
LAYERS := harness/model=harness/model \
	harness=harness,$(O)/gen \
	kernels=harness \
	tests/kernels=harness \
	tests/perf=harness \
	vm=harness,vm \
	plots=harness,plots \
	bench=harness,vm,plots,bench,$(O)/gen \
	tests/unit=harness,vm,plots,tests/unit \
	tests/fuzz=harness
inc_of = $(addprefix -I,$(subst $(comma), ,$(patsubst $(1)=%,%,$(filter $(1)=%,$(LAYERS)))))
comma := ,

MAIN_SRC := bench/main.c
HARNESS_C := $(filter-out harness/model/% harness/shim/%,$(shell find harness -name '*.c'))
LIB_C := $(HARNESS_C) $(wildcard kernels/*.c vm/*.c plots/*.c)
BENCH_OBJ := $(patsubst %.c,$(O)/%.o,$(filter-out $(MAIN_SRC),$(wildcard bench/*.c)))
MODEL_C := $(wildcard harness/model/*.c)
DATA := $(wildcard harness/data/*.tsv harness/model/*.tsv) results/schema.json
gen_obj = $(patsubst %,$(O)/gen/data_%.o,$(notdir $(1)))
# Data files are compiled in, so a copied binary (or the guest's) needs no
# files beside it. harness/data/x.tsv -> const char wb_data_x_tsv[];
# results/schema.json -> wb_data_schema_json[] (validate checks it first).
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))
# the contract test again, over build/walkbench-test's kernel table
UNIT_BIN += $(O)/tests/test_contract_tk

LIB_OBJ := $(patsubst %.c,$(O)/%.o,$(LIB_C)) $(O)/harness/runner/gbshim.o \
	$(O)/gen/kernels_table.o $(call gen_obj,$(wildcard harness/data/*.tsv) results/schema.json)
MODEL_OBJ := $(patsubst %.c,$(O)/%.o,$(MODEL_C)) \
	$(call gen_obj,$(wildcard harness/model/*.tsv))

$(shell mkdir -p $(O)/gen)
.PHONY: FORCE all clean sanitize-build check fuzz fuzz-build test test-matrix bench deps format format-check perf static fuzz
all: $(O)/walkbench $(O)/libwbthp.so $(O)/randwalk
# walkbench policy: the LD_PRELOAD shim it finds next to itself, and the
# sample workload (tests/perf/randwalk.c)
$(O)/libwbthp.so: harness/shim/thpshim.c
	$(CC) -O2 -g $(WARN) $(LDFLAGS) -shared -fPIC -o $@ $< -ldl
$(O)/randwalk: tests/perf/randwalk.c
	$(CC) -O2 -g $(WARN) -o $@ $<
# how often `policy` calls a difference that is not there
# (tests/perf/policy_false_rate.sh)
$(O)/policy_null: tests/perf/policy_null.c $(O)/libwb.a $(O)/libwbmodel.a
	$(CC) $(CFLAGS) $(LDFLAGS) $(call inc_of,tests/perf) -o $@ $< $(O)/libwb.a $(O)/libwbmodel.a $(LIBS) -lstdc++

$(O)/walkbench: $(O)/bench/main.o $(BENCH_OBJ) $(O)/libwb.a $(O)/libwbmodel.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/libwb.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(O)/libwbmodel.a: $(MODEL_OBJ)
	@rm -f $@
	ar rcs $@ $^

# Rewritten only when the version or commit changes, so builds stay
# incremental.
$(O)/gen/version.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define WB_VERSION "%s"\n#define WB_GIT_COMMIT "%s"\n' '$(VERSION)' '$(GIT_COMMIT)' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@
$(O)/bench/main.o $(O)/harness/runner/runner.o: $(O)/gen/version.h
FORCE:
# one rule per layer, each with its own include path (LAYERS)
$(O)/harness/model/%.o: harness/model/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call inc_of,harness/model) -c -o $@ $<
$(O)/harness/%.o: harness/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call inc_of,harness) -c -o $@ $<
$(O)/kernels/%.o: kernels/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call inc_of,kernels) -c -o $@ $<
$(O)/tests/kernels/%.o: tests/kernels/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call inc_of,tests/kernels) -c -o $@ $<
$(O)/vm/%.o: vm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call inc_of,vm) -c -o $@ $<
$(O)/plots/%.o: plots/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call inc_of,plots) -c -o $@ $<
$(O)/bench/%.o: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(call inc_of,bench) -c -o $@ $<

$(O)/harness/runner/gbshim.o: harness/runner/gbshim.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(call inc_of,harness) -c -o $@ $<

$(O)/gen/%.o: $(O)/gen/%.c
	$(CC) $(CFLAGS) $(call inc_of,harness) -c -o $@ $<

# The kernel table, from kernels/kernels.def (plus tests/kernels/kernels.def
# for walkbench-test), so the harness never includes kernels/. A kernel is
# its file and one X(name) line.
kernel_table = { echo '\#include "runner/kernel.h"'; \
	sed -n 's/^X(\([a-z0-9_]*\))$$/extern const struct wb_kernel wb_k_\1;/p' $(1); \
	echo 'const struct wb_kernel *const wb_kernels[] = {'; \
	sed -n 's/^X(\([a-z0-9_]*\))$$/\&wb_k_\1,/p' $(1); \
	echo 'NULL };'; } >$@
$(O)/gen/kernels_table.c: kernels/kernels.def
	$(call kernel_table,$<)
$(O)/gen/kernels_table_test.c: kernels/kernels.def tests/kernels/kernels.def
	$(call kernel_table,$^)

define embed
$(O)/gen/data_$(notdir $(1)).c: $(1)
	@mkdir -p $$(dir $$@)
	{ printf 'const char wb_data_%s[] =\n' "$$$$(echo $(notdir $(1)) | tr -c 'a-zA-Z0-9\n' _)"; \
	  sed 's/\\/\\\\/g; s/"/\\"/g; s/^/\t"/; s/$$$$/\\n"/' $$<; echo '"";'; } > $$@
endef
$(foreach d,$(DATA),$(eval $(call embed,$(d))))

$(O)/tests/%: tests/unit/%.c $(O)/libwb.a $(O)/libwbmodel.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $(call inc_of,tests/unit) -o $@ $< $(O)/libwb.a $(O)/libwbmodel.a -lcmocka $(LIBS) -lstdc++

# The same program plus kernels that crash, hang or exhaust memory, for
# tests of supervision; never installed, never part of `make bench`.
TEST_KERNEL_OBJ := $(patsubst %.c,$(O)/%.o,$(wildcard tests/kernels/*.c))
$(O)/walkbench-test: $(O)/bench/main.o $(BENCH_OBJ) $(O)/gen/kernels_table_test.o $(TEST_KERNEL_OBJ) $(O)/libwb.a $(O)/libwbmodel.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)
# The linker takes wb_kernels[] from kernels_table_test.o, so libwb.a's
# table is never pulled in.
$(O)/tests/test_contract_tk: tests/unit/test_contract.c $(O)/gen/kernels_table_test.o $(TEST_KERNEL_OBJ) $(O)/libwb.a $(O)/libwbmodel.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $(call inc_of,tests/unit) -o $@ $< $(O)/gen/kernels_table_test.o $(TEST_KERNEL_OBJ) \
		$(O)/libwb.a $(O)/libwbmodel.a -lcmocka $(LIBS) -lstdc++

# The same program under a stand-in machine identity: its environment probe
# applies WB_TEST_IDENTITY (harness/core/env.h), so `make test-matrix` runs the
# CLI tests as on machines we do not have. Never installed.
$(O)/env-ident.o: harness/core/env.c
	$(CC) $(CFLAGS) $(call inc_of,harness) -DWB_TEST_IDENTITY -c -o $@ $<
$(O)/walkbench-ident: $(O)/bench/main.o $(BENCH_OBJ) $(O)/env-ident.o $(O)/libwb.a $(O)/libwbmodel.a
	$(CXX) $(LDFLAGS) -o $@ $^ $(LIBS)

# libFuzzer targets, one per parser (tests/fuzz/fuzz_NAME.c), each built
# with the sources it exercises. `make fuzz` runs each for FUZZ_TIME s on a
# copy of its seed corpus (tests/fuzz/corpus/NAME).
FUZZ_TIME ?= 60
FUZZ_SRC_parse := harness/core/parse.c
FUZZ_SRC_events := harness/counters/events.c
FUZZ_SRC_results := harness/results/resultsread.c harness/check/stats.c harness/check/stability.c
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst %,$(O)/fuzz/fuzz_%,$(FUZZ_NAMES))
$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(shell find harness -name '*.[ch]') | $(O)/gen/version.h
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE $(call inc_of,tests/fuzz) -I$(O)/gen \
		-o $@ $< $(FUZZ_SRC_$*) -ljansson -lm
fuzz-build: $(FUZZ_BIN)
fuzz: deps fuzz-build
	@for n in $(FUZZ_NAMES); do \
		rm -rf $(O)/fuzz/corpus-$$n; cp -r tests/fuzz/corpus/$$n $(O)/fuzz/corpus-$$n; \
		echo "== fuzz_$$n for $(FUZZ_TIME) s"; \
		$(O)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			$(O)/fuzz/corpus-$$n >$(O)/fuzz/log-$$n 2>&1; rc=$$?; \
		grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' $(O)/fuzz/log-$$n; \
		test $$rc -eq 0 || exit 1; \
	done

deps:
	@bench/deps.sh

# A fully static walkbench (vm/README.md): Debian has no static Google
# Benchmark, so vm/static/ supplies the shim in C and "no udev" for hwloc.
STATIC_OBJ := $(O)/vm/static/gbshim_lite.o $(O)/vm/static/udev_stub.o
static: $(O)/walkbench-static
$(O)/walkbench-static: $(O)/bench/main.o $(BENCH_OBJ) $(STATIC_OBJ) $(filter-out $(O)/harness/runner/gbshim.o,$(LIB_OBJ)) $(O)/libwbmodel.a
	$(CC) -static -o $@ $^ -lpfm -lhwloc -ljansson -lnettle -lpthread -lm

# The qemu guest image (vm/README.md); the script rebuilds only on change.
.PHONY: vm
vm: $(O)/walkbench
	@vm/build-image.sh $(O)/vm $(O)/walkbench
.PHONY: vm-static
vm-static: $(O)/walkbench-static
	@vm/build-image.sh $(O)/vm-static $(O)/walkbench-static

test: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(O)/walkbench-test $(O)/walkbench-ident
	@$(MAKE) --no-print-directory -s sanitize-build
	@tests/run

# Every quoted include on its layer's path (LAYERS), no cycle between parts.
.PHONY: layers
layers: $(O)/gen/version.h
	@tests/build/check-layers . $(LAYERS) >$(O)/layers.out; rc=$$?; \
	grep -v '^uses:' $(O)/layers.out; \
	[ $$rc -eq 0 ] && echo "layers: ok ($$(grep -c '^uses:' $(O)/layers.out) uses between parts, no cycle)"; exit $$rc

# The CLI tests again under each identity in tests/identities/ (tests/matrix).
test-matrix: deps
	@$(MAKE) --no-print-directory all $(O)/walkbench-test $(O)/walkbench-ident
	@tests/matrix

# The same tree built with AddressSanitizer and UBSan; `make test` runs its
# unit tests too, `make check` everything plus static analysis.
SAN := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
sanitize-build:
	@$(MAKE) --no-print-directory O=$(O)/san CFLAGS="$(SAN)" CXXFLAGS="$(SAN)" \
		LDFLAGS="-fsanitize=address,undefined" all $(patsubst $(O)/%,$(O)/san/%,$(UNIT_BIN)) >/dev/null

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(O)/walkbench-test sanitize-build
	@WB_SAN_ALL=1 tests/run
	@tests/static-analysis

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/make-bench.sh

perf: deps
	@$(MAKE) --no-print-directory all
	@for s in tests/perf/*.sh; do echo "== $$s"; bash $$s || exit $$?; done

FORMAT_SRC = $(shell git ls-files '*.c' '*.h' '*.cc' 2>/dev/null)
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	@clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf $(O)

# Man pages and bash completion, written from the binary's own --help and
# kernel registry (bench/mkman.py, bench/mkcompletion.py), so they list
# what this build takes.
.PHONY: man completion install uninstall deb
man: $(O)/man/walkbench.1
$(O)/man/walkbench.1: $(O)/walkbench bench/mkman.py
	@rm -rf $(O)/man && mkdir -p $(O)/man
	python3 bench/mkman.py $(O)/walkbench $(O)/man
completion: $(O)/walkbench.bash
$(O)/walkbench.bash: $(O)/walkbench bench/mkcompletion.py
	python3 bench/mkcompletion.py $(O)/walkbench >$@.new && mv $@.new $@

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the LD_PRELOAD
# shim where `policy` looks for it (PREFIX/lib/walkbench), the gnuplot
# scripts `plot` reads (PREFIX/share/walkbench/plots), the guest image
# scripts `vm run` builds its image with (PREFIX/share/walkbench/vm), man pages, bash
# completion and the docs. `make uninstall` removes exactly that list.
PREFIX ?= /usr/local
BINDIR := $(PREFIX)/bin
LIBDIR := $(PREFIX)/lib/walkbench
SHAREDIR := $(PREFIX)/share/walkbench
MANDIR := $(PREFIX)/share/man/man1
COMPDIR := $(PREFIX)/share/bash-completion/completions
DOCDIR := $(PREFIX)/share/doc/walkbench
INSTALL ?= install
PLOT_SCRIPTS := $(wildcard plots/*.gp)
VM_SCRIPTS := vm/build-image.sh vm/init.sh
DOCS := README.md results/README.md bench/CI.md bench/DETECT.md \
	bench/FLEET.md bench/POLICY.md vm/README.md plots/README.md
installed = $(BINDIR)/walkbench $(LIBDIR)/libwbthp.so \
	$(addprefix $(SHAREDIR)/plots/,$(notdir $(PLOT_SCRIPTS))) \
	$(addprefix $(SHAREDIR)/,$(VM_SCRIPTS)) \
	$(COMPDIR)/walkbench $(addprefix $(DOCDIR)/,$(DOCS))
# the directories only walkbench has, deepest first
own_dirs = $(patsubst %/,%,$(sort $(addprefix $(DOCDIR)/,$(foreach f,$(DOCS),$(if $(findstring /,$(f)),$(dir $(f))))))) \
	$(DOCDIR) $(SHAREDIR)/plots $(SHAREDIR)/vm $(SHAREDIR) $(LIBDIR)
install: all man completion
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(SHAREDIR)/plots $(DESTDIR)$(SHAREDIR)/vm \
		$(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(COMPDIR) $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 755 $(O)/walkbench $(DESTDIR)$(BINDIR)/walkbench
	$(INSTALL) -m 644 $(O)/libwbthp.so $(DESTDIR)$(LIBDIR)/libwbthp.so
	$(INSTALL) -m 644 $(PLOT_SCRIPTS) $(DESTDIR)$(SHAREDIR)/plots/
	$(INSTALL) -m 755 $(VM_SCRIPTS) $(DESTDIR)$(SHAREDIR)/vm/
	$(INSTALL) -m 644 $(O)/man/*.1 $(DESTDIR)$(MANDIR)/
	$(INSTALL) -m 644 $(O)/walkbench.bash $(DESTDIR)$(COMPDIR)/walkbench
	for f in $(DOCS); do \
		$(INSTALL) -D -m 644 $$f $(DESTDIR)$(DOCDIR)/$$f || exit 1; done
uninstall:
	rm -f $(addprefix $(DESTDIR),$(installed)) \
		$(DESTDIR)$(MANDIR)/walkbench.1 $(DESTDIR)$(MANDIR)/walkbench-*.1
	-rmdir $(addprefix $(DESTDIR),$(own_dirs)) 2>/dev/null

# The Debian package (debian/), built with dpkg-buildpackage from a copy of
# the tracked files under $(O)/deb/, so the .deb and its build leftovers
# land there and not beside the checkout; then lintian's tags.
DEB_DIR := $(O)/deb
deb:
	@bench/deps.sh deb
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/walkbench-$(VERSION)
	git ls-files -z | xargs -0 cp --parents -t $(DEB_DIR)/walkbench-$(VERSION)
	cd $(DEB_DIR)/walkbench-$(VERSION) && GIT_COMMIT=$(GIT_COMMIT) DEB_BUILD_OPTIONS=parallel=2 \
		dpkg-buildpackage -us -uc -b
	@echo "== lintian $(DEB_DIR)/walkbench_$(VERSION)_*.changes"
	@lintian -I $(DEB_DIR)/walkbench_$(VERSION)_*.changes; \
		echo "lintian: exit $$?"

-include $(shell find $(O) -path $(O)/deb -prune -o -name '*.d' -print 2>/dev/null)
