/* SPDX-License-Identifier: MIT */
/*
 * A C interface to Google Benchmark. One call runs one instance with its
 * repetitions and returns Google Benchmark's own JSON (context + per
 * repetition runs + aggregates), so compare.py reads what we write. Nothing
 * goes to the terminal: the library's console reporter (and its DEBUG build
 * banner) is never used.
 */
#ifndef WB_GBSHIM_H
#define WB_GBSHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GB_MAX_COUNTERS 24

struct gb_counter {
	char name[64];
	double value; /* per iteration (averaged by the shim) */
};

struct gb_instance {
	const char *name; /* "kernel/param:value/..." */
	void (*run)(void *state, uint64_t iterations);
	void (*prepare)(void *state, uint64_t iterations); /* may be NULL */
	void *state;
	/* Around each timed batch of @iterations; end() fills totals for
	 * the batch. */
	void (*counters_begin)(void *arg, uint64_t iterations);
	int (*counters_end)(void *arg, struct gb_counter *out, int max);
	void *counters_arg;
	int repetitions;
	double min_time_s;
	uint64_t fixed_iterations; /* 0: the library chooses */
};

/* JSON text in *json (malloc'd, caller frees). 0 or -errno. */
int gb_run(const struct gb_instance *in, char **json);
/* Google Benchmark's context object alone, as JSON text. */
int gb_context(char **json);
/* "debug" or "release": how the linked library was built. */
const char *gb_library_build_type(void);

#ifdef __cplusplus
}
#endif
#endif
