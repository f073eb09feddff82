/* arm64's image errors in words (libkx/render_lib.c renders the rest). */
#include <inttypes.h>
#include <stdio.h>
#include "render.h"

static const char *const gzip_fault[] = {
	[KX_GZ_NO_HEADER] = "it is not gzip data (no gzip header)",
	[KX_GZ_TOO_BIG] = "its gzip data unpacks to more than the kernel's header allows; the file "
			  "looks damaged",
	[KX_GZ_DEFLATE] = "its gzip data is damaged (invalid deflate data); copy the file again",
	[KX_GZ_LENGTH] = "its gzip data is damaged (the length in the trailer does not match); copy "
			 "the file again",
	[KX_GZ_CRC] = "its gzip data is damaged (CRC-32 mismatch); copy the file again",
	[KX_GZ_NOT_IMAGE] = "its gzip data does not hold an arm64 Image (no \"ARM\\x64\" magic)",
};

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
	case KX_E_BIG_ENDIAN:
		R("%s: it is a big-endian arm64 kernel, and kx (little-endian) cannot boot it.", s);
	case KX_E_GZIP:
		if ((t = KX_PICK(gzip_fault, e.a)))
			R("%s: %s.", s, t);
		R("%s: its gzip data is damaged; copy the file again.", s);
	case KX_E_NO_DTB:
		R("%s: an arm64 kernel needs a device tree, and this system offers none "
		  "(no /sys/firmware/fdt); give one with --dtb=FILE.", s);
	case KX_E_DTB:
		R("%s: the device tree to start from (--dtb, or /sys/firmware/fdt) %s.", s,
		  (t = KX_PICK(dtb_fault, e.a)) ? t : dtb_fault[KX_DTB_DAMAGED]);
	case KX_E_DTB_TOO_BIG:
		R("%s: the device tree would be larger than the %" PRIu64 " MiB an arm64 kernel accepts.", s,
		  e.b >> 20);
	default:
		return -1;
	}
#undef R
}
