// SPDX-License-Identifier: MIT
/*
 * The host-backing check reads a process's smaps for the guest RAM memfd.
 * Here the process is the test itself, with a memfd of its own: a shmem
 * memfd must pass as 4K and fail as 2M; a hugetlb memfd (when the 2M pool
 * has a free page) must pass as 2M. No setting is changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* memfd hugetlb sizes use the mmap encoding (MFD_HUGE_SHIFT == MAP_HUGE_SHIFT) */
#include "vm.h"

#define SZ_2M (2ul << 20)

static void *map_memfd(unsigned int flags, size_t len)
{
	int fd = memfd_create("memory-backend-memfd", flags);
	void *p;

	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)len)) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 1, len); /* resident, as a running guest's RAM is */
	return p;
}

static void test_shmem_is_4k(void **state)
{
	struct vm_opts o = { .mem_bytes = SZ_2M, .host_page = 4096 };
	char detail[256];
	void *p = map_memfd(0, SZ_2M);

	(void)state;
	assert_non_null(p);
	if (!vm_backing_verify(&o, getpid(), detail, sizeof(detail))) {
		/* shmem THP enabled on this host would PMD-map it */
		print_message("# 4K check failed: %s\n", detail);
		assert_non_null(strstr(detail, "PMD-mapped"));
		assert_null(strstr(detail, "PMD-mapped 0 kB"));
	}
	o.host_page = SZ_2M;
	assert_false(vm_backing_verify(&o, getpid(), detail, sizeof(detail)));
	assert_non_null(strstr(detail, "KernelPageSize 4 kB"));
	munmap(p, SZ_2M);
}

static void test_hugetlb_is_2m(void **state)
{
	struct vm_opts o = { .mem_bytes = SZ_2M, .host_page = SZ_2M };
	char detail[256];
	void *p = map_memfd(MFD_HUGETLB | (21u << MAP_HUGE_SHIFT), SZ_2M);

	(void)state;
	if (!p) {
		print_message("# SKIP no free 2M hugetlb page for a memfd\n");
		skip();
	}
	assert_true(vm_backing_verify(&o, getpid(), detail, sizeof(detail)));
	assert_non_null(strstr(detail, "KernelPageSize 2048 kB"));
	o.host_page = 4096;
	assert_false(vm_backing_verify(&o, getpid(), detail, sizeof(detail)));
	munmap(p, SZ_2M);
}

static void test_no_mapping(void **state)
{
	struct vm_opts o = { .mem_bytes = SZ_2M, .host_page = 4096 };
	char detail[256];

	(void)state;
	/* pid 1 has no guest RAM memfd (and may not be readable) */
	assert_false(vm_backing_verify(&o, 1, detail, sizeof(detail)));
	assert_non_null(strstr(detail, "no guest RAM mapping"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_mapping),
		cmocka_unit_test(test_shmem_is_4k),
		cmocka_unit_test(test_hugetlb_is_2m),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
