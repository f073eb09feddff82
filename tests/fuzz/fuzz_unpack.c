/*
 * The decompression layer (libkx/unpack.c) on hostile input, every format,
 * with the bound kx uses (and a small one), plus the uImage and EFI zboot
 * headers. The load's memory is anonymous mappings, unmapped after each run.
 * Seeds: one stream per format (tests/fuzz/seeds.sh, from the host's
 * compressors), and .xz streams with stream padding and Linux's appended length.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <kx/comp.h>
#include <kx/uimage.h>
#include <kx/xz.h>
#include <unpack.h>
#include "fuzz.h"

static struct { void *p; size_t n; } maps[256];
static unsigned nmaps;

void *load_alloc(void *load, size_t n)
{
	void *p;
	(void)load;
	if (nmaps == sizeof(maps) / sizeof(maps[0]))
		return 0;
	p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	maps[nmaps].p = p;
	maps[nmaps++].n = n;
	return p;
}

void *load_grow(void *load, void *p, size_t n)
{
	unsigned i;
	void *q;
	(void)load;
	for (i = 0; i < nmaps && maps[i].p != p; i++)
		;
	if (i == nmaps || (q = mremap(p, maps[i].n, n, MREMAP_MAYMOVE)) == MAP_FAILED)
		return 0;
	maps[i].p = q;
	maps[i].n = n;
	return q;
}

size_t load_mark(void *load)
{
	(void)load;
	return nmaps;
}

void load_release(void *load, size_t mark, const void *keep)
{
	unsigned i, n = (unsigned)mark;

	(void)load;
	for (i = (unsigned)mark; i < nmaps; i++) {
		if (maps[i].p == keep)
			maps[n++] = maps[i];
		else
			munmap(maps[i].p, maps[i].n);
	}
	nmaps = n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum kx_comp c = kx_comp_detect(data, size);
	const uint8_t *out;
	size_t outlen;
	struct kx_uimage u;
	struct kx_zboot z;
	unsigned i;

	(void)kx_uimage_parse(data, size, KX_UI_ARCH_ARM64, &u);
	(void)kx_zboot_parse(data, size, &z);
	{ /* the .xz walk alone, whatever the magic (lib/xz.c) */
		uint64_t total;
		size_t streams;
		(void)kx_xz_size(data, size, KX_UNPACK_MAX, &total, &streams);
	}
	if (c) {
		/* the bound kx uses for this size, and a small one */
		(void)kx_unpack(0, c, data, size, kx_unpack_bound(size), &out, &outlen);
		(void)kx_unpack(0, c, data, size, 4096, &out, &outlen);
	}
	for (i = 0; i < nmaps; i++)
		munmap(maps[i].p, maps[i].n);
	nmaps = 0;
	return 0;
}
