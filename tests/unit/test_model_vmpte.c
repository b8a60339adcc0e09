// SPDX-License-Identifier: MIT
/*
 * The model against Linux: in a forked child, map random sparse layouts of
 * base pages inside a 512 GiB-aligned region no existing mapping touches (so
 * every table the layout needs, up to its PUD table, is new), touch every
 * page, and compare the growth of VmPTE with wbm_pt_count()'s vmpte_bytes.
 * Each layout gets its own empty region, so no table survives from the last.
 * On arm64 the regime is the page size's granule at the VA size the highest
 * mapping needs, and a region is the range of a table of level min(3,
 * levels - 1) (one level lower where the space has too few of them).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/pt.h"
#include "model/regime.h"

#define SKIP_CODE 77
#define LAYOUTS 40
#define MAX_MAPS 12

/* The regime this kernel uses and the layout sizes derived from it. */
struct vctx {
	struct wbm_regime r;
	uint64_t page, region, top; /* top: end of the user address space */
	int spread[5]; /* log2 of the spans offsets are drawn from */
};

/* VmPTE in bytes, read without stdio so no allocation disturbs the count. */
static int vmpte_bytes(uint64_t *out)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	p = strstr(buf, "VmPTE:");
	if (!p)
		return -ENOENT;
	*out = strtoull(p + 6, NULL, 10) * 1024;
	return 0;
}

struct range {
	uint64_t lo, hi;
};

/* Existing mappings, to pick regions none of them touches. */
static int read_maps(struct range *r, int max)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long long lo, hi;

		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2)
			r[n++] = (struct range){ lo, hi };
	}
	fclose(f);
	return n;
}

static int region_free(const struct vctx *v, const struct range *r, int n,
		       uint64_t base)
{
	for (int i = 0; i < n; i++)
		if (r[i].lo < base + v->region && base < r[i].hi)
			return 0;
	return 1;
}

static int log2u(uint64_t x)
{
	int n = 0;

	while (x > 1)
		x >>= 1, n++;
	return n;
}

/*
 * x86-64: 4-level paging, 512 GiB regions, user space to 128 TiB. arm64:
 * the granule is the page size; the VA size is the smallest Linux offers
 * that holds the highest existing mapping (the stack sits near the top).
 */
static int pick_regime(const struct range *r, int n, struct vctx *v)
{
	uint64_t hi = 0;
	int lvl;

	v->page = (uint64_t)sysconf(_SC_PAGESIZE);
#if defined(__x86_64__)
	(void)r, (void)n, (void)hi;
	if (v->page != 4096 || wbm_regime_x86(4, &v->r))
		return -ENOTSUP;
	v->top = 1ull << 47;
#elif defined(__aarch64__)
	static const int va[] = { 36, 39, 42, 47, 48 };
	size_t i;

	for (int k = 0; k < n; k++)
		hi = r[k].hi > hi ? r[k].hi : hi;
	for (i = 0; i < sizeof(va) / sizeof(va[0]); i++)
		if (!wbm_regime_arm64(v->page, va[i], &v->r) &&
		    hi <= (1ull << va[i]))
			break;
	if (i == sizeof(va) / sizeof(va[0]))
		return -ENOTSUP;
	v->top = 1ull << va[i];
#else
	(void)r, (void)n, (void)hi;
	return -ENOTSUP;
#endif
	lvl = v->r.levels - 1 < 3 ? v->r.levels - 1 : 3;
	v->region = wbm_regime_cover(&v->r, lvl);
	if (lvl > 1 && v->top / v->region < 4 * LAYOUTS)
		v->region = wbm_regime_cover(&v->r, --lvl);
	/* x86: 21, 23, 30, 33, 39 */
	v->spread[0] = log2u(wbm_regime_cover(&v->r, 1));
	v->spread[1] = v->spread[0] + 2;
	v->spread[2] = lvl > 1 ? log2u(wbm_regime_cover(&v->r, 2))
			       : v->spread[1];
	v->spread[3] = v->spread[2] + 3;
	v->spread[4] = log2u(v->region);
	for (int k = 0; k < 5; k++)
		if (v->spread[k] > v->spread[4])
			v->spread[k] = v->spread[4];
	return 0;
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Sparse and clustered: some mappings share PTE/PMD tables, some do not. */
static size_t layout(const struct vctx *v, uint64_t *seed, uint64_t base,
		     struct wbm_map *m)
{
	size_t n = 0, want = 1 + rnd(seed) % MAX_MAPS;
	uint64_t pg = v->page;

	for (int tries = 0; n < want && tries < 100; tries++) {
		int spread = v->spread[rnd(seed) % 5];
		uint64_t off = rnd(seed) & ((1ull << spread) - 1) & ~(pg - 1);
		struct wbm_map x = { base + off, (1 + rnd(seed) % 24) * pg,
				     pg };
		int clash = x.start + x.len > base + v->region;

		/* a page apart, so neighbouring VMAs never merge */
		for (size_t i = 0; i < n && !clash; i++)
			clash = x.start < m[i].start + m[i].len + pg &&
				m[i].start < x.start + x.len + pg;
		if (!clash)
			m[n++] = x;
	}
	return n;
}

static int one_layout(const struct vctx *v, const struct wbm_map *m, size_t n,
		      uint64_t *kernel, uint64_t *model, uint64_t *levels)
{
	struct wbm_pt_count c;
	uint64_t before, after;
	int err;

	err = wbm_pt_count_regime(m, n, &v->r, &c);
	if (err)
		return err;
	if (vmpte_bytes(&before))
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		char *p = mmap(
			(void *)m[i].start, m[i].len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
			0);

		if (p == MAP_FAILED || (uint64_t)p != m[i].start)
			return -EEXIST;
		/* THP could replace a PTE table by a PMD leaf */
		madvise(p, m[i].len, MADV_NOHUGEPAGE);
		for (uint64_t o = 0; o < m[i].len; o += v->page)
			p[o] = 1;
	}
	if (vmpte_bytes(&after))
		return -EIO;
	for (size_t i = 0; i < n; i++)
		munmap((void *)m[i].start, m[i].len);
	*kernel = after - before;
	*model = c.vmpte_bytes;
	for (int l = 1; l <= 3; l++)
		levels[l] += c.tables[l];
	return 0;
}

/* Runs in the child: 0 all equal, 1 a mismatch, SKIP_CODE can't run. */
static int child(void)
{
	static struct range r[4096];
	uint64_t seed = 4242, probe, levels[4] = { 0 };
	int nr = read_maps(r, 4096), done = 0, bad = 0;
	struct vctx v;
	char desc[96];

	if (nr < 0 || vmpte_bytes(&probe)) {
		printf("# SKIP /proc/self/status VmPTE or /proc/self/maps "
		       "unreadable\n");
		return SKIP_CODE;
	}
	if (pick_regime(r, nr, &v)) {
		printf("# SKIP no model regime for this architecture and "
		       "page size (%ld)\n",
		       sysconf(_SC_PAGESIZE));
		return SKIP_CODE;
	}
	wbm_regime_describe(&v.r, desc, sizeof(desc));
	printf("# %s, regions of %llu bytes\n", desc,
	       (unsigned long long)v.region);
	/* x86-64: user space ends at 128 TiB; start at 1 TiB */
	for (uint64_t base = 2 * v.region;
	     base + v.region <= v.top && done < LAYOUTS; base += v.region) {
		struct wbm_map m[MAX_MAPS];
		uint64_t k, mo;
		size_t n;
		int err;

		if (!region_free(&v, r, nr, base))
			continue;
		n = layout(&v, &seed, base, m);
		err = one_layout(&v, m, n, &k, &mo, levels);
		if (err == -EEXIST)
			continue; /* something appeared there: next region */
		if (err) {
			printf("# layout failed: %s\n", strerror(-err));
			return 1;
		}
		if (k != mo) {
			printf("# region 0x%llx, %zu mappings: VmPTE grew "
			       "%llu B, model %llu B\n",
			       (unsigned long long)base, n,
			       (unsigned long long)k, (unsigned long long)mo);
			bad++;
		}
		done++;
	}
	/* every layout needs its own PUD table: a match shows PUD tables
	 * are charged to VmPTE, with the PTE and PMD tables */
	printf("# %d layouts compared, %d mismatches; tables PTE %llu PMD "
	       "%llu PUD %llu\n",
	       done, bad, (unsigned long long)levels[1],
	       (unsigned long long)levels[2], (unsigned long long)levels[3]);
	fflush(stdout);
	if (done < LAYOUTS / 2) {
		printf("# SKIP too few empty regions of %llu bytes (%d)\n",
		       (unsigned long long)v.region, done);
		return SKIP_CODE;
	}
	return bad ? 1 : 0;
}

static void vmpte_matches_model(void **state)
{
	int status;
	pid_t pid;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	print_message(
		"# SKIP exact VmPTE: ASan shadow memory adds page tables\n");
	skip();
#endif
	if (access("/proc/self/status", R_OK)) {
		print_message("# SKIP /proc is not mounted\n");
		skip();
	}
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == SKIP_CODE)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vmpte_matches_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
