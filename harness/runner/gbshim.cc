// SPDX-License-Identifier: MIT
/*
 * The only C++ in walkbench: it drives Google Benchmark for one instance and
 * hands back the library's own JSON. The JSON reporter writes into a string,
 * so the console reporter, and with it the library's DEBUG-build banner,
 * never reaches the terminal.
 */
#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <sstream>
#include <string>

#include "runner/gbshim.h"

namespace
{

void run_instance(benchmark::State &st, const gb_instance *in)
{
	gb_counter c[GB_MAX_COUNTERS];
	int n = 0;
	uint64_t iters = (uint64_t)st.max_iterations;

	// Untimed: the timer starts with the first KeepRunningBatch().
	if (in->prepare)
		in->prepare(in->state, iters);
	if (in->counters_begin)
		in->counters_begin(in->counters_arg, iters);
	// One batch of exactly max_iterations: the kernel loops itself, so
	// the library adds no call per iteration to the timed region.
	while (st.KeepRunningBatch(st.max_iterations))
		in->run(in->state, iters);
	if (in->counters_end)
		n = in->counters_end(in->counters_arg, c, GB_MAX_COUNTERS);
	for (int i = 0; i < n; i++)
		st.counters[c[i].name] = benchmark::Counter(
			c[i].value, benchmark::Counter::kAvgIterations);
}

char *dup_string(const std::string &s)
{
	char *p = (char *)malloc(s.size() + 1);

	if (p)
		memcpy(p, s.c_str(), s.size() + 1);
	return p;
}

/*
 * The library prints a counter's cv over zero counts as NaN, which is not
 * JSON; such a number says nothing, so it becomes null (and the results
 * writer drops it).
 */
std::string json_without_nan(std::string s)
{
	static const char *const bad[] = { ": NaN",	 ": -NaN",     ": nan",
					   ": -nan",	 ": inf",      ": -inf",
					   ": Infinity", ": -Infinity" };

	for (const char *b : bad) {
		size_t n = strlen(b), pos = 0;

		while ((pos = s.find(b, pos)) != std::string::npos) {
			char next = pos + n < s.size() ? s[pos + n] : '\n';

			if (next == ',' || next == '\n' || next == ' ') {
				s.replace(pos, n, ": null");
				pos += 6;
			} else {
				pos += n;
			}
		}
	}
	return s;
}

} // namespace

extern "C" int gb_run(const struct gb_instance *in, char **json)
{
	std::ostringstream out, err;
	benchmark::JSONReporter rep;

	*json = nullptr;
	if (!in || !in->run || !in->name || in->repetitions < 1)
		return -EINVAL;
	try {
		auto *b = benchmark::RegisterBenchmark(
			in->name,
			[in](benchmark::State &st) { run_instance(st, in); });
		b->Repetitions(in->repetitions)
			->UseRealTime()
			->Unit(benchmark::kNanosecond);
		if (in->fixed_iterations)
			b->Iterations((benchmark::IterationCount)
					      in->fixed_iterations);
		else
			b->MinTime(in->min_time_s > 0 ? in->min_time_s : 0.1);
		rep.SetOutputStream(&out);
		rep.SetErrorStream(&err);
		size_t ran = benchmark::RunSpecifiedBenchmarks(&rep);
		benchmark::ClearRegisteredBenchmarks();
		if (ran == 0)
			return -ENOENT;
		*json = dup_string(json_without_nan(out.str()));
		return *json ? 0 : -ENOMEM;
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	} catch (...) {
		return -EIO;
	}
}

extern "C" int gb_context(char **json)
{
	std::ostringstream out;
	benchmark::JSONReporter rep;

	*json = nullptr;
	try {
		rep.SetOutputStream(&out);
		rep.SetErrorStream(&out);
		rep.ReportContext(benchmark::BenchmarkReporter::Context());
		rep.Finalize();
		*json = dup_string(out.str());
		return *json ? 0 : -ENOMEM;
	} catch (...) {
		return -ENOMEM;
	}
}

extern "C" const char *gb_library_build_type(void)
{
	char *ctx = nullptr;
	const char *type = "unknown";

	if (gb_context(&ctx) == 0) {
		if (strstr(ctx, "\"library_build_type\": \"debug\""))
			type = "debug";
		else if (strstr(ctx, "\"library_build_type\": \"release\""))
			type = "release";
	}
	free(ctx);
	return type;
}
