/*
 * ATAGS, the tagged list 32-bit ARM kernels took before device trees
 * (Documentation/arch/arm/setup.rst and booting.rst; the tag numbers and
 * layouts are arch/arm/include/uapi/asm/setup.h's). A list is 32-bit
 * little-endian words: each tag starts with its size in words (the two
 * header words included) and its number; it begins with ATAG_CORE and ends
 * with ATAG_NONE (size 0). kx writes, in this order:
 *   ATAG_CORE     size 5: flags 1 (root read-only, as the kernel assumes),
 *                 page size 4096, root device 0 (the command line says it)
 *   ATAG_MEM      size 4 (bytes, start), one per run of RAM in the memory map
 *                 (adjacent entries joined; what lies at or above 4 GiB
 *                 cannot be said in 32 bits and is left out)
 *   ATAG_INITRD2  size 4 (physical start, bytes), when there is an initrd
 *   ATAG_CMDLINE  the command line, NUL-terminated, padded to a word
 *   ATAG_NONE     size 0
 * Bounded: at most KX_ATAGS_MAX_MEM memory tags, KX_ATAGS_MAX bytes.
 */
#include <kx/bytes.h>
#include "arm.h"

#define FOUR_GiB (1ull << 32)

/* Append one tag header at *at; 0 when it does not fit. */
static int tag(uint8_t *buf, size_t cap, size_t *at, uint32_t words, uint32_t id)
{
	if (cap < *at || cap - *at < 4ull * words)
		return 0;
	kx_put32(buf + *at, words);
	kx_put32(buf + *at + 4, id);
	return 1;
}

/* The RAM runs below 4 GiB, adjacent entries joined; at most max of them.
 * Returns how many, or -1 when there are more. */
static int ram_runs(const struct kx_memmap *m, struct kx_range *out, unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; i < m->n && i < KX_MEMMAP_MAX; i++) {
		uint64_t s = m->e[i].start, e = m->e[i].end;
		if (m->e[i].type != KX_MEM_RAM || s >= FOUR_GiB || e <= s)
			continue;
		if (e > FOUR_GiB)
			e = FOUR_GiB;
		if (n && out[n - 1].end == s) {
			out[n - 1].end = e;
			continue;
		}
		if (n == max)
			return -1;
		out[n++] = (struct kx_range){ s, e };
	}
	return (int)n;
}

struct kx_err kx_arm_atags_build(const struct kx_memmap *m, uint64_t initrd_start,
				 uint64_t initrd_end, const char *cmdline, uint8_t *buf, size_t cap,
				 size_t *len)
{
	struct kx_range run[KX_ATAGS_MAX_MEM];
	size_t at = 0, clen = cmdline ? kx_strlen(cmdline) : 0;
	uint32_t words;
	int n, i;

	*len = 0;
	if (cap > KX_ATAGS_MAX)
		cap = KX_ATAGS_MAX;
	if (clen > KX_ARM_CMDLINE_MAX)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, clen, KX_ARM_CMDLINE_MAX);
	n = ram_runs(m, run, KX_ATAGS_MAX_MEM);
	if (n < 0)
		return kx_err(KX_E_TOO_MANY, "ATAG_MEM ranges", KX_ATAGS_MAX_MEM, 0);
	if (!n)
		return kx_err(KX_E_NO_RAM, 0, 0, 0);
	if (initrd_end < initrd_start || initrd_end > FOUR_GiB)
		return kx_err(KX_E_NO_SPACE, "ATAG_INITRD2", initrd_end - initrd_start, FOUR_GiB);

	if (!tag(buf, cap, &at, 5, KX_ATAG_CORE))
		goto full;
	kx_put32(buf + at + 8, 1);      /* flags: bit 0, root read-only */
	kx_put32(buf + at + 12, 4096);  /* page size */
	kx_put32(buf + at + 16, 0);     /* root device: none, root= decides */
	at += 20;
	for (i = 0; i < n; i++) {
		uint64_t size = run[i].end - run[i].start;
		if (size >= FOUR_GiB)    /* RAM from 0 to 4 GiB: a size 32 bits cannot hold */
			size = FOUR_GiB - KX_PAGE;
		if (!tag(buf, cap, &at, 4, KX_ATAG_MEM))
			goto full;
		kx_put32(buf + at + 8, (uint32_t)size);
		kx_put32(buf + at + 12, (uint32_t)run[i].start);
		at += 16;
	}
	if (initrd_end > initrd_start) {
		if (!tag(buf, cap, &at, 4, KX_ATAG_INITRD2))
			goto full;
		kx_put32(buf + at + 8, (uint32_t)initrd_start);
		kx_put32(buf + at + 12, (uint32_t)(initrd_end - initrd_start));
		at += 16;
	}
	if (clen) {
		words = 2 + (uint32_t)((clen + 1 + 3) / 4);
		if (!tag(buf, cap, &at, words, KX_ATAG_CMDLINE))
			goto full;
		kx_memset(buf + at + 8, 0, 4ull * words - 8);
		kx_memcpy(buf + at + 8, cmdline, clen);
		at += 4ull * words;
	}
	/* ATAG_NONE: two words, its size 0 */
	if (cap < at || cap - at < 8)
		goto full;
	kx_put32(buf + at, 0);
	kx_put32(buf + at + 4, KX_ATAG_NONE);
	*len = at + 8;
	return KX_NOERR;
full:
	return kx_err(KX_E_SCRATCH, "ATAGS", KX_ATAGS_MAX, cap);
}
