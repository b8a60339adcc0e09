// SPDX-License-Identifier: MIT
/*
 * guest.kernel_paging (vm/vm_paging.c): an arm64 image's record of its
 * kernel package's paging, read back with the model's level count beside
 * the config's; nothing for x86-64 or an image without the record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vm.h"

#define FROM " (boot/config-6.1.0-57-arm64 in linux-image-6.1.0-57-arm64.deb)\n"

static void put(const char *dir, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/kernel-paging", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void records(void **state)
{
	struct vm_opts o = { .arch = VM_ARCH_ARM64 };
	char dir[] = "/tmp/wb-kpg.XXXXXX", p[128];
	json_t *j;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(o.image, sizeof(o.image), "%s", dir);
	assert_null(vm_kernel_paging(&o)); /* no record */
	/* Debian 12's arm64 kernel, as build-image.sh writes it */
	put(dir, "CONFIG_PGTABLE_LEVELS=4" FROM "CONFIG_ARM64_4K_PAGES=y" FROM
		 "CONFIG_ARM64_VA_BITS=48" FROM);
	j = vm_kernel_paging(&o);
	assert_non_null(j);
	assert_int_equal(num(j, "granule"), 4096);
	assert_int_equal(num(j, "va_bits"), 48);
	assert_int_equal(num(j, "levels"), 4);
	assert_int_equal(num(j, "model_levels"), 4);
	assert_non_null(strstr(json_string_value(json_object_get(j, "source")),
			       "boot/config-6.1.0-57-arm64 in "));
	json_decref(j);
	/* 16K granule, 47 bits: 3 levels by both */
	put(dir, "CONFIG_PGTABLE_LEVELS=3" FROM "CONFIG_ARM64_16K_PAGES=y" FROM
		 "CONFIG_ARM64_VA_BITS=47" FROM);
	j = vm_kernel_paging(&o);
	assert_int_equal(num(j, "granule"), 16384);
	assert_int_equal(num(j, "levels"), 3);
	assert_int_equal(num(j, "model_levels"), 3);
	json_decref(j);
	/* a config the model disagrees with is recorded as it says, with
	 * the model's count beside it, never corrected */
	put(dir, "CONFIG_PGTABLE_LEVELS=3" FROM "CONFIG_ARM64_4K_PAGES=y" FROM
		 "CONFIG_ARM64_VA_BITS=48" FROM);
	j = vm_kernel_paging(&o);
	assert_int_equal(num(j, "levels"), 3);
	assert_int_equal(num(j, "model_levels"), 4);
	json_decref(j);
	/* incomplete: no record */
	put(dir, "CONFIG_ARM64_4K_PAGES=y" FROM);
	assert_null(vm_kernel_paging(&o));
	/* x86-64 images: the regime is the guest's la57_active */
	o.arch = VM_ARCH_X86_64;
	assert_null(vm_kernel_paging(&o));
	snprintf(p, sizeof(p), "%s/kernel-paging", dir);
	unlink(p);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
