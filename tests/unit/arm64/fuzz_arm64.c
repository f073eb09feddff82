/*
 * libFuzzer harness for the arm64 parsers (make fuzz-arm64): the first byte
 * picks the target, the rest is its input.
 *   0  the EFI zboot header and the ELF vmlinux to Image conversion
 *   1  the Image loader with a fixed RAM map and
 *      device tree, as kx -l would run it
 *   2  the device tree editor (kx_a64_dtb_build) on the input as the tree
 *   3  the purgatory's console lookup (kx_fdt_uart)
 *   4  /proc/iomem with nested reserved lines
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "arm64.h"
#include "purg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *bounded_alloc(void *ctx, size_t n)
{
	static void *last;
	(void)ctx;
	free(last);                      /* one live buffer at a time, at most 64 MiB */
	last = n <= (64u << 20) ? malloc(n ? n : 1) : 0;
	return last;
}

static uint8_t out[1 << 20];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *d = data + 1;
	size_t n = size ? size - 1 : 0, got;

	if (!size)
		return 0;
	switch (data[0] % 5) {
	case 0: {
		struct kx_zboot z;
		kx_zboot_parse(d, n, &z);
		if (!KX_FAILED(kx_a64_vmlinux_image(d, n, 0, 0, &got)) && got <= sizeof(out))
			kx_a64_vmlinux_image(d, n, out, sizeof(out), &got);
		break;
	}
	case 1: {
		static struct kx_sysinfo si;
		static uint8_t dtb[4096], scratch[65536];
		static struct kx_plan p;
		struct kx_load_req r;
		memset(&si, 0, sizeof(si));
		kx_memmap_add(&si.mem, 0x40000000, 0x80000000, KX_MEM_RAM);
		fdt_create_empty_tree(dtb, sizeof(dtb));
		si.fdt.buf = dtb;
		si.fdt.len = sizeof(dtb);
		si.alloc = bounded_alloc;
		si.have_rng_seed = 1;
		memset(&r, 0, sizeof(r));
		memset(&p, 0, sizeof(p));
		r.image = (struct kx_blob){ d, n, "fuzz" };
		r.cmdline = "console=ttyAMA0";
		r.window = (struct kx_window){ 0, UINT64_MAX };
		r.sys = &si;
		r.scratch = scratch;
		r.scratch_len = sizeof(scratch);
		if (!KX_FAILED(kx_a64_image_load(&r, &p)))
			kx_plan_validate(&p, &si.mem);
		break;
	}
	case 2: {
		struct kx_a64_dt_args a = { "x", 0x1000, 0x2000, (const uint8_t *)"seed", 4, 1, 7 };
		kx_a64_dtb_build(d, n, out, sizeof(out), &a, &got);
		break;
	}
	case 3: {
		struct kx_uart u;
		kx_fdt_uart(d, n, &u);
		break;
	}
	default: {
		static struct kx_memmap m;
		memset(&m, 0, sizeof(m));
		if (!KX_FAILED(kx_iomem_parse((const char *)d, n, &m)))
			kx_a64_iomem_reserved((const char *)d, n, &m);
		break;
	}
	}
	return 0;
}
