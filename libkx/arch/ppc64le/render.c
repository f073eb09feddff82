/* ppc64le's image errors in words (libkx/render_lib.c renders the rest). */
#include <inttypes.h>
#include <stdio.h>
#include "render.h"

static const char *const dtb_fault[] = {
	[KX_DTB_MAGIC] = "is not a flattened device tree (bad magic)",
	[KX_DTB_VERSION] = "has a version libfdt cannot edit",
	[KX_DTB_TRUNCATED] = "is truncated",
	[KX_DTB_DAMAGED] = "is damaged (libfdt refused its structure)",
};

int kx_render_arch(char *buf, size_t n, struct kx_err e, const char *s)
{
	const char *t;

#define R(...) return snprintf(buf, n, __VA_ARGS__)
	switch (e.code) {
	case KX_E_NO_DTB:
		R("%s: a ppc64le kernel needs a device tree, and this system offers none "
		  "(no /proc/device-tree); give one with --dtb=FILE.", s);
	case KX_E_DTB:
		R("%s: the device tree to start from (--dtb, or /proc/device-tree) %s.", s,
		  (t = KX_PICK(dtb_fault, e.a)) ? t : dtb_fault[KX_DTB_DAMAGED]);
	case KX_E_DTB_TOO_BIG:
		R("%s: the device tree would be larger than the %" PRIu64 " MiB kx passes to a ppc64le kernel.", s,
		  e.b >> 20);
	default:
		return -1;
	}
#undef R
}
