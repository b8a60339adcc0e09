// SPDX-License-Identifier: MIT
/*
 * The coalescing factor (harness/check/coalesce.h) on synthetic curves: a
 * TLB entry holding 4 pages of a folio gives 4, none gives 1, noise and
 * slow repeats do not move either, a 4K chase that does not walk gives no
 * factor at all, and a region that did not get (or keep) its folio size
 * is never measured. The last test asks the kernel for folios whose switch
 * is off and checks that verification catches the fallback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "check/coalesce.h"
#include "core/rng.h"
#include "mem/mem.h"
#include "mem/mthp.h"

#define REPS 9
#define NP 4

static const double M[NP] = { 2, 4, 8, 16 };

static double gauss(uint64_t *rng)
{
	double u1 = ((wb_rng_next(rng) >> 11) + 1.0) / 9007199254740993.0;
	double u2 = (wb_rng_next(rng) >> 11) / 9007199254740992.0;

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

struct curve {
	double t4[NP * REPS], ts[NP * REPS], ctl[NP * REPS];
	struct wb_coal_curve c;
};

/*
 * A TLB of reach R over a cyclic chase of m x R pages: the control (the
 * L2-hit level) climbs with the cache footprint, the 4K chase walks on
 * (1 - 1/m) of its loads, and folios whose entries hold @factor pages
 * walk only once m passes the factor. @slow: every 4th repeat of every
 * chase is 3x slower (another process on the CPU).
 */
static void make(struct curve *cv, int factor, double walk, double sigma,
		 bool slow, uint64_t seed)
{
	uint64_t rng = seed;

	for (int i = 0; i < NP; i++)
		for (int r = 0; r < REPS; r++) {
			double m = M[i], ctl = 3 + 0.8 * log2(m);
			double miss4 = 1 - 1 / m;
			double hit = factor >= m ? 1 : (double)factor / m;
			double k = slow && r % 4 == 3 ? 3 : 1;
			int at = i * REPS + r;

			cv->ctl[at] = k * (ctl + sigma * fabs(gauss(&rng)));
			cv->t4[at] = k * (ctl + walk * miss4 +
					  sigma * fabs(gauss(&rng)));
			cv->ts[at] = k * (ctl + walk * (1 - hit) +
					  sigma * fabs(gauss(&rng)));
		}
	cv->c = (struct wb_coal_curve){ .n = NP,
					.reps = REPS,
					.m = M,
					.t4 = cv->t4,
					.ts = cv->ts,
					.ctl = cv->ctl };
}

static void factor_four_is_four(void **state)
{
	struct curve cv;
	struct wb_coal_est e;

	(void)state;
	make(&cv, 4, 12, 0.2, false, 11);
	assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 16, 1, &e), 0);
	assert_int_equal(e.factor, 4);
	assert_false(e.at_least);
	assert_true(e.confidence >= 0.9);
	assert_true(e.q[0] > 0.8 && e.q[1] > 0.8 && e.q[2] < 0.5);
}

static void none_is_one(void **state)
{
	struct curve cv;
	struct wb_coal_est e;
	struct wb_coal_size s = { .state = WB_COAL_MEASURED };
	char text[64];

	(void)state;
	make(&cv, 1, 12, 0.2, false, 12);
	assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 16, 1, &e), 0);
	assert_int_equal(e.factor, 1);
	assert_false(e.at_least);
	assert_true(e.confidence >= 0.9);
	s.est = e;
	wb_coal_factor_text(&s, text, sizeof(text));
	assert_string_equal(text, "no coalescing");
}

/* Noise of a tenth of the walk and slow repeats move neither answer. */
static void noisy_keeps_factor(void **state)
{
	struct curve cv;
	struct wb_coal_est e;

	(void)state;
	for (uint64_t seed = 20; seed < 30; seed++) {
		make(&cv, 4, 12, 1.2, true, seed);
		assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 16, seed, &e), 0);
		assert_int_equal(e.factor, 4);
		make(&cv, 1, 12, 1.2, true, seed);
		assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 16, seed, &e), 0);
		assert_int_equal(e.factor, 1);
	}
}

/* A curve whose difference drowns in noise has lower confidence than a
 * clean one: the bootstrap must see it. */
static void confidence_falls_with_noise(void **state)
{
	struct curve cv;
	struct wb_coal_est clean, noisy;

	(void)state;
	/* the same factor, a walk of 2 ns under noise of 3 ns */
	make(&cv, 4, 12, 0.05, false, 40);
	assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 16, 1, &clean), 0);
	make(&cv, 4, 2.0, 3.0, false, 40);
	wb_coal_estimate(&cv.c, 0.5, 16, 1, &noisy);
	assert_true(clean.confidence > noisy.confidence);
}

/* Coalesced at every point: exact when the folio has no more pages,
 * a lower bound otherwise. */
static void whole_folio_and_lower_bound(void **state)
{
	struct curve cv;
	struct wb_coal_est e;
	struct wb_coal_size s = { .state = WB_COAL_MEASURED };
	char text[64];

	(void)state;
	make(&cv, 64, 12, 0.2, false, 13);
	assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 64, 1, &e), 0);
	assert_int_equal(e.factor, 16);
	assert_true(e.at_least);
	s.est = e;
	wb_coal_factor_text(&s, text, sizeof(text));
	assert_string_equal(text, "at least 16 pages per L2 TLB entry");
	/* a 16K folio: two points, both at the hit level */
	cv.c.n = 2;
	assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 4, 1, &e), 0);
	assert_int_equal(e.factor, 4);
	assert_false(e.at_least);
	s.est = e;
	wb_coal_factor_text(&s, text, sizeof(text));
	assert_string_equal(text, "4 pages per L2 TLB entry");
}

/* A 4K chase that never leaves the L2-hit level says nothing. */
static void no_walk_is_enodata(void **state)
{
	struct curve cv;
	struct wb_coal_est e;

	(void)state;
	make(&cv, 1, 0.1, 0.05, false, 14);
	assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 16, 1, &e), -ENODATA);
	assert_non_null(strstr(e.why, "no walk to save"));
	cv.c.n = 0;
	assert_int_equal(wb_coal_estimate(&cv.c, 0.5, 16, 1, &e), -EINVAL);
}

static void fell_back_is_not_measured(void **state)
{
	struct wb_folio_hist h = { .pages = 1024 };
	char why[400];

	(void)state;
	/* wb_mem_verify said the region fell back */
	assert_int_equal(wb_coal_verdict(64 << 10, -EMEDIUMTYPE,
					 "asked for 64K folios, the range "
					 "holds 1024 x 4K",
					 &h, why, sizeof(why)),
			 WB_COAL_FELL_BACK);
	assert_non_null(strstr(why, "fell back"));
	/* verified first, 4K folios after the chases: split meanwhile */
	h.folios[0] = 1024;
	assert_int_equal(wb_coal_verdict(64 << 10, 0, "", &h, why, sizeof(why)),
			 WB_COAL_FELL_BACK);
	assert_non_null(strstr(why, "changed during"));
	/* 64 folios of 64K (order 4) hold all 1024 pages */
	memset(h.folios, 0, sizeof(h.folios));
	h.folios[4] = 64;
	assert_int_equal(wb_coal_verdict(64 << 10, 0, "", &h, why, sizeof(why)),
			 WB_COAL_MEASURED);
	/* one 4K page among them is enough to refuse */
	h.folios[4] = 63;
	h.folios[0] = 16;
	assert_int_equal(wb_coal_verdict(64 << 10, 0, "", &h, why, sizeof(why)),
			 WB_COAL_FELL_BACK);
	/* folios that cannot be read are not measured either */
	assert_int_equal(wb_coal_verdict(64 << 10, -EPERM, "needs root", &h,
					 why, sizeof(why)),
			 WB_COAL_NOT_MEASURED);
}

/* The kernel, asked for 64K folios with the switch off, gives 4K pages
 * (1 MiB: too small a mapping for a 2 MiB THP): verification must say
 * so. */
static void real_fallback_is_caught(void **state)
{
	char why[400], how[64], out[400];
	struct wb_mem m;
	int err;

	(void)state;
	if (geteuid()) {
		print_message("# SKIP folio sizes need /proc/kpageflags "
			      "(root)\n");
		skip();
	}
	err = wb_mthp_check(64 << 10, why, sizeof(why));
	if (err != -EPERM) {
		print_message("# SKIP %s\n",
			      err ? why
				  : "64K folios are switched on here: no "
				    "fallback to provoke");
		skip();
	}
	assert_int_equal(wb_mem_alloc(&m, 1 << 20, 64 << 10, WB_MEM_MTHP, why,
				      sizeof(why)),
			 0);
	err = wb_mem_verify(&m, how, sizeof(how), why, sizeof(why));
	wb_mem_free(&m);
	assert_int_equal(err, -EMEDIUMTYPE);
	assert_int_equal(
		wb_coal_verdict(64 << 10, err, why, NULL, out, sizeof(out)),
		WB_COAL_FELL_BACK);
	assert_non_null(strstr(out, "fell back"));
	print_message("# %s\n", out);
	assert_non_null(strstr(out, "x 4K"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(factor_four_is_four),
		cmocka_unit_test(none_is_one),
		cmocka_unit_test(noisy_keeps_factor),
		cmocka_unit_test(confidence_falls_with_noise),
		cmocka_unit_test(whole_folio_and_lower_bound),
		cmocka_unit_test(no_walk_is_enodata),
		cmocka_unit_test(fell_back_is_not_measured),
		cmocka_unit_test(real_fallback_is_caught),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
