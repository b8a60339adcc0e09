// SPDX-License-Identifier: MIT
/*
 * walkbench model vipt: the synonym check S x B <= P for a VIPT cache, and
 * on arm64 what the architecture makes of it (data caches behave as PIPT).
 */
#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"
#include "cmd_model.h"
#include "opt.h"
#include "model/cpu.h"
#include "model/vipt.h"
#include "core/parse.h"

struct vipt_cli {
	uint64_t size, ways, line, page;
	const char *cpu;
	struct wbm_cli_arch arch;
	bool json;
};

static const struct wb_opt vipt_options[] = {
	{ WB_SIZE("--size", struct vipt_cli, size, 0),
	  .help = "the cache's size" },
	{ WB_U64("--ways", struct vipt_cli, ways, 1, 0x1p64),
	  .help = "its associativity" },
	{ WB_SIZE("--line", struct vipt_cli, line, 0), .arg = "BYTES",
	  .help = "its line size" },
	{ WB_SIZE("--page", struct vipt_cli, page, 1), .arg = "PS",
	  .help = "the page size: 4K (default), 2M or 1G; on arm64 a power "
		  "of two from 4K (default: the granule)" },
	{ WB_STR("--cpu", struct vipt_cli, cpu), .arg = "NAME",
	  .help = "take the L1D geometry from the CPU table" },
	{ WB_STR("--arch", struct vipt_cli, arch.arch), .arg = "x86_64|arm64",
	  .help = "arm64: data caches behave as PIPT, so the arithmetic is "
		  "for an instruction cache of that geometry" },
	{ WB_STR("--granule", struct vipt_cli, arch.granule),
	  .arg = "4K|16K|64K",
	  .help = "arm64 translation granule, the default --page" },
	{ WB_FLAG("--json", struct vipt_cli, json),
	  .help = "print the check as JSON" },
	{ NULL },
};

static const struct wb_opt_table vipt_table = {
	.cmd = "model vipt",
	.usage = "walkbench model vipt (--size SIZE --ways N --line BYTES | "
		 "--cpu NAME)\n"
		 "                      [--page PS] [--arch arm64 [--granule "
		 "G]] [--json]",
	.about =
		"Checks S x B <= P for a virtually indexed, physically tagged "
		"cache (S sets,\nB-byte lines, P-byte pages): prints OK or "
		"VIOLATES; exit 1 when it violates.\nWith --arch arm64 the "
		"data cache cannot hold synonyms whatever its geometry\n(arm64 "
		"data and unified caches behave as PIPT); the arithmetic then "
		"says whether\nan instruction cache of that geometry, if "
		"VIPT, can alias, and the exit is 0.\n",
	.opts = vipt_options,
	.flags = WB_OPTS_EQUALS,
};

/*
 * arm64: data and unified caches behave as PIPT (Linux
 * arch/arm64/include/asm/cachetype.h: "the D-side always behaves as PIPT
 * on AArch64, aliasing is permitted in the I-cache"; the Neoverse N1 TRM,
 * 7.1, describes both L1 caches as VIPT behaving as PIPT). Only a VIPT
 * instruction cache (CTR_EL0.L1Ip = 0b10) is left to the arithmetic.
 */
static void vipt_arm64_text(const struct wbm_vipt *r, uint64_t line,
			    uint64_t page)
{
	printf("data cache: no synonyms: arm64 data and unified caches behave "
	       "as PIPT, whatever S x B\n");
	printf("instruction cache of this geometry, if VIPT (CTR_EL0.L1Ip = "
	       "0b10): %s: S=%llu sets, B=%llu, P=%llu: S x B = %llu %s "
	       "%llu%s\n",
	       r->ok ? "OK" : "VIOLATES", (unsigned long long)r->sets,
	       (unsigned long long)line, (unsigned long long)page,
	       (unsigned long long)r->span, r->ok ? "<=" : ">",
	       (unsigned long long)page,
	       r->ok ? ""
		     : " (an instruction line can sit under two virtual "
		       "aliases: Linux then treats the I-cache as aliasing)");
}

int wbm_model_vipt(int argc, char **argv)
{
	struct vipt_cli c = { 0 };
	struct wb_opt_parse p = { .t = &vipt_table, .dst = &c };
	uint64_t size, ways, line, page, granule = WBM_4K;
	struct wbm_vipt r;
	struct wbm_cpu cpu;
	const char *cpu_name;
	enum wbm_arch arch;
	bool arm;
	char pb[16];
	int json, err = wb_opt_parse(&p, argc, argv);

	if (err || p.help)
		return err;
	err = wbm_cli_arch_parse("vipt", &c.arch, &arch);
	arm = arch == WBM_ARCH_ARM64;
	if (!err && arm)
		err = wbm_cli_granule("vipt", &c.arch, 0, &granule);
	if (err)
		return err;
	size = c.size;
	ways = c.ways;
	line = c.line;
	page = c.page ? c.page : granule;
	cpu_name = c.cpu;
	json = c.json;
	if (!arm && page != WBM_4K && page != WBM_2M && page != WBM_1G)
		return wb_opt_bad("model vipt", "--page",
				  wb_format_size(page, pb, sizeof(pb)),
				  "4K, 2M or 1G");
	if (arm && (page < WBM_4K || (page & (page - 1))))
		return wb_opt_bad("model vipt", "--page",
				  wb_format_size(page, pb, sizeof(pb)),
				  "a power of two from 4K");
	if (cpu_name) {
		if (wbm_cpu_by_name(cpu_name, &cpu))
			return wb_opt_bad("model vipt", "--cpu", cpu_name,
					  "a CPU in the CPU table");
		if (!cpu.l1d_bytes && !(size && ways && line))
			return wb_error(WB_EXIT_USAGE,
					"model vipt: the CPU table has no "
					"published L1D geometry for %s; give "
					"--size, --ways and --line",
					cpu.name);
		size = size ? size : cpu.l1d_bytes;
		ways = ways ? ways : cpu.l1d_ways;
		line = line ? line : cpu.l1d_line;
	}
	if (!size || !ways || !line)
		return wb_error(WB_EXIT_USAGE,
				"model vipt: --size, --ways and --line (or "
				"--cpu) are needed");
	if (wbm_vipt_check(size, ways, line, page, &r))
		return wb_error(WB_EXIT_USAGE,
				"model vipt: no power-of-two set count for "
				"size %llu, %llu ways, %llu-byte lines",
				(unsigned long long)size,
				(unsigned long long)ways,
				(unsigned long long)line);
	if (json) {
		json_t *root = json_pack(
			"{s:I,s:I,s:I,s:I,s:I,s:I,s:b,s:I}", "size",
			(json_int_t)size, "ways", (json_int_t)ways, "line",
			(json_int_t)line, "sets", (json_int_t)r.sets, "span",
			(json_int_t)r.span, "page", (json_int_t)page, "ok",
			r.ok, "colours", (json_int_t)r.colours);

		json_object_set_new(root, "arch",
				    json_string(arm ? "arm64" : "x86_64"));
		/* on arm64 "ok" is the instruction cache's arithmetic */
		json_object_set_new(root, "data_cache_synonyms",
				    json_boolean(!arm && !r.ok));
		wbm_cli_json(root);
	} else if (arm) {
		vipt_arm64_text(&r, line, page);
	} else {
		printf("%s: S=%llu sets, B=%llu, P=%llu: S x B = %llu %s "
		       "%llu%s\n",
		       r.ok ? "OK" : "VIOLATES", (unsigned long long)r.sets,
		       (unsigned long long)line, (unsigned long long)page,
		       (unsigned long long)r.span, r.ok ? "<=" : ">",
		       (unsigned long long)page,
		       r.ok ? "" : " (synonyms can sit in different sets)");
	}
	return r.ok || arm ? WB_EXIT_OK : WB_EXIT_FAILED;
}
