// SPDX-License-Identifier: MIT
/*
 * The model against Linux: in a forked child, map random sparse layouts of
 * 4K pages inside a 512 GiB-aligned region no existing mapping touches (so
 * every table the layout needs, up to its PUD table, is new), touch every
 * page, and compare the growth of VmPTE with wbm_pt_count()'s vmpte_bytes.
 * Each layout gets its own empty region, so no table survives from the last.
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

#define SKIP_CODE 77
#define REGION (1ull << 39)
#define LAYOUTS 40
#define MAX_MAPS 12

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

static int region_free(const struct range *r, int n, uint64_t base)
{
	for (int i = 0; i < n; i++)
		if (r[i].lo < base + REGION && base < r[i].hi)
			return 0;
	return 1;
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Sparse and clustered: some mappings share PTE/PMD tables, some do not. */
static size_t layout(uint64_t *seed, uint64_t base, struct wbm_map *m)
{
	size_t n = 0, want = 1 + rnd(seed) % MAX_MAPS;

	for (int tries = 0; n < want && tries < 100; tries++) {
		int spread = (int[]){ 21, 23, 30, 33, 39 }[rnd(seed) % 5];
		uint64_t off = rnd(seed) & ((1ull << spread) - 1) & ~4095ull;
		struct wbm_map x = { base + off, (1 + rnd(seed) % 24) * 4096,
				     WBM_4K };
		int clash = x.start + x.len > base + REGION;

		/* a page apart, so neighbouring VMAs never merge */
		for (size_t i = 0; i < n && !clash; i++)
			clash = x.start < m[i].start + m[i].len + 4096 &&
				m[i].start < x.start + x.len + 4096;
		if (!clash)
			m[n++] = x;
	}
	return n;
}

static int one_layout(const struct wbm_map *m, size_t n, uint64_t *kernel,
		      uint64_t *model, uint64_t *levels)
{
	struct wbm_pt_count c;
	uint64_t before, after;
	int err;

	err = wbm_pt_count(m, n, 4, &c);
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
		for (uint64_t o = 0; o < m[i].len; o += 4096)
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

	if (nr < 0 || vmpte_bytes(&probe)) {
		printf("# SKIP /proc/self/status VmPTE or /proc/self/maps "
		       "unreadable\n");
		return SKIP_CODE;
	}
	/* 4-level user space ends at 128 TiB; start at 1 TiB */
	for (uint64_t base = 2 * REGION;
	     base + REGION <= (1ull << 47) && done < LAYOUTS; base += REGION) {
		struct wbm_map m[MAX_MAPS];
		uint64_t k, mo;
		size_t n;
		int err;

		if (!region_free(r, nr, base))
			continue;
		n = layout(&seed, base, m);
		err = one_layout(m, n, &k, &mo, levels);
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
		printf("# SKIP too few empty 512 GiB regions (%d)\n", done);
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
