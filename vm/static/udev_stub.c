// SPDX-License-Identifier: MIT
/*
 * Debian's static libhwloc refers to libudev, which has no static archive.
 * hwloc asks udev only for block-device names, and treats a failing
 * udev_new() as "no udev" (as in a container). walkbench never reads those
 * names, so the static build answers "no udev".
 */
#include <stddef.h>

struct udev;
struct udev_device;

struct udev *udev_new(void)
{
	return NULL;
}

struct udev *udev_unref(struct udev *u)
{
	(void)u;
	return NULL;
}

struct udev_device *udev_device_new_from_subsystem_sysname(struct udev *u,
							   const char *sub,
							   const char *name)
{
	(void)u;
	(void)sub;
	(void)name;
	return NULL;
}

const char *udev_device_get_property_value(struct udev_device *d,
					   const char *key)
{
	(void)d;
	(void)key;
	return NULL;
}

struct udev_device *udev_device_unref(struct udev_device *d)
{
	(void)d;
	return NULL;
}
