// SPDX-License-Identifier: MIT
/*
 * Sample workload for `walkbench policy`: map SIZE MiB of anonymous memory,
 * write one word in every STRIDE-th 4 KiB page, then make ACCESSES
 * dependent random reads over the touched pages. With STRIDE 1 and a few
 * GiB the reads miss the TLB almost every time, so huge pages pay; with a
 * large STRIDE THP maps 2 MiB for each touched 4 KiB (bloat).
 *
 *   randwalk SIZE_MIB ACCESSES [STRIDE_PAGES]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	uint64_t mib, accesses, stride = 1, pages, x = 88172645463325252ull;
	uint64_t sum = 0, idx = 0;
	char *m;

	if (argc < 3 || argc > 4) {
		fprintf(stderr,
			"usage: randwalk SIZE_MIB ACCESSES [STRIDE_PAGES]\n");
		return 2;
	}
	mib = strtoull(argv[1], NULL, 0);
	accesses = strtoull(argv[2], NULL, 0);
	if (argc == 4)
		stride = strtoull(argv[3], NULL, 0);
	if (!mib || !stride) {
		fprintf(stderr,
			"randwalk: SIZE_MIB and STRIDE_PAGES must be > 0\n");
		return 2;
	}
	m = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		perror("randwalk: mmap");
		return 1;
	}
	pages = (mib << 20) / 4096 / stride;
	if (!pages)
		pages = 1;
	for (uint64_t i = 0; i < pages; i++)
		*(uint64_t *)(m + i * stride * 4096) = i * 2654435761u;
	for (uint64_t i = 0; i < accesses; i++) {
		uint64_t page, off;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* the loaded value feeds the next address: one miss at a time */
		page = (x + idx) % pages;
		off = (x >> 40) & (4096 - 64) & ~7ull;
		if (stride > 1)
			off = 0;
		idx = *(volatile uint64_t *)(m + page * stride * 4096 + off);
		sum += idx;
	}
	printf("%llu\n", (unsigned long long)sum);
	return 0;
}
