/* SPDX-License-Identifier: MIT */
/*
 * Reading the small files of /sys and /proc that the harness decides by:
 * a choice file's selected word ("always [madvise] never") and a number.
 * Writing them is the settings journal's job (settings/journal.h).
 */
#ifndef WB_SYSFS_H
#define WB_SYSFS_H

#include <stddef.h>
#include <stdint.h>

/* The bracketed word of a choice file: "[madvise]" -> "madvise". -errno
 * when it does not open, -EIO when it has no bracketed word. */
int wb_sysfs_word(const char *path, char *out, size_t len);
/* A decimal number, the file's first token. -errno or -EIO. */
int wb_sysfs_u64(const char *path, uint64_t *v);
/* The value of "key : value" in /proc/cpuinfo's first processor block.
 * -errno when it does not open, -ENOENT without the key. */
int wb_cpuinfo_field(const char *key, char *out, size_t len);

#endif
