/*
 * libFuzzer harness for the 32-bit ARM zImage code (make fuzz-arm): the
 * first byte picks the target, the rest is its input.
 *   0  kx_zimage_parse (header, size table)
 *   1  the zImage loader with a fixed RAM map and device tree, as kx -l runs it
 *   3  (first byte & 3) the ATAGS list builder on a memory map, command line,
 *      initrd and buffer size taken from the input, then the loader with
 *      --atags on the rest
 */
#include <stdlib.h>
#include <string.h>
#include "arm_fix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kx_sysinfo si;
	static int ready;
	static uint8_t scratch[65536];
	static struct kx_plan p;
	const uint8_t *d = data + 1;
	size_t n = size ? size - 1 : 0;
	struct kx_zimage z;
	struct kx_load_req r;

	if (!size)
		return 0;
	if (!ready) {
		arm_sysinfo(&si);
		ready = 1;
	}
	if (!(data[0] & 1)) {
		kx_zimage_parse(d, n, &z);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	if ((data[0] & 3) == 3) {
		/* 16-byte entries (start, end as 8 bytes each) up to a 0xff byte,
		 * then the command line up to a NUL; the byte after data[0]
		 * chooses the buffer size */
		static struct kx_memmap m;
		static char line[1100];
		static uint8_t tags[KX_ATAGS_MAX + 64];
		size_t i = 0, k = 0, cap, len;
		uint64_t a, b;

		if (n < 1)
			return 0;
		cap = (size_t)d[0] * 17;
		d++, n--;
		memset(&m, 0, sizeof(m));
		while (i + 16 <= n && d[i] != 0xff && m.n < 40) {
			memcpy(&a, d + i, 8);
			memcpy(&b, d + i + 8, 8);
			kx_memmap_add(&m, a, b, (d[i] & 1) ? KX_MEM_RAM : KX_MEM_RESERVED);
			i += 16;
		}
		while (i < n && k + 1 < sizeof(line) && d[i])
			line[k++] = (char)d[i++];
		line[k] = 0;
		kx_arm_atags_build(&m, 0x41000000, 0x41000000 + k * 4096ull, line, tags,
				   cap < sizeof(tags) ? cap : sizeof(tags), &len);
		r.atags = 1;
		r.mach_type = (uint32_t)k;
		r.cmdline = line;
		d += i < n ? i + 1 : n;
		n -= i < n ? i + 1 : n;
		r.image = (struct kx_blob){ d, n, "fuzz" };
		r.window = (struct kx_window){ 0, UINT64_MAX };
		r.sys = &si;
		si.alloc = 0;
		r.scratch = scratch;
		r.scratch_len = sizeof(scratch);
		kx_zimage_load(&r, &p);
		return 0;
	}
	r.image = (struct kx_blob){ d, n, "fuzz" };
	r.cmdline = "console=ttyAMA0";
	r.window = (struct kx_window){ 0, UINT64_MAX };
	r.sys = &si;
	si.alloc = 0;       /* the tree is built in scratch */
	r.scratch = scratch;
	r.scratch_len = sizeof(scratch);
	kx_zimage_load(&r, &p);
	return 0;
}
