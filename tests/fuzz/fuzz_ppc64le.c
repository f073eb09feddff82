/*
 * libFuzzer harness for the ppc64le loader (make fuzz-ppc64le; part of
 * fuzz-smoke): the first byte picks the target, the rest is its input.
 *   0  the device tree editor (kx_ppc_dtb_build) on the input as the tree,
 *      with the tree's own-address fix-up, and the RMA/kernel-end readers
 *   1  the ELF vmlinux loader on the input as the kernel, with a fixed RAM
 *      map and the fixture tree as the running system's
 *   2  the loader with the fixture kernel and the input as --dtb
 * Built with -DKX_FUZZ_SEEDS instead, it is mkseeds-ppc64le: it writes seed
 * inputs for each target into the directory given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kx/elf.h>
#include "ppc64.h"
#include "ppc_fix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* two live buffers at a time (the kernel's bytes, the tree), 64 MiB each at most */
static void *ring_alloc(void *ctx, size_t n)
{
	static void *slot[2];
	static unsigned next;
	void *p;

	(void)ctx;
	free(slot[next]);
	p = slot[next] = n <= (64u << 20) ? malloc(n ? n : 1) : 0;
	next ^= 1;
	return p;
}

static uint8_t out[1 << 20];

static void load(const uint8_t *k, size_t klen, const uint8_t *dtb, size_t dlen)
{
	static uint8_t rd[4096], scratch[4096];
	struct kx_sysinfo si;
	struct kx_load_req r;
	struct kx_plan p;
	unsigned i;

	ppc_sysinfo(&si);
	si.alloc = ring_alloc;
	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.image = (struct kx_blob){ k, klen, "fuzz" };
	r.initrd[0] = (struct kx_blob){ rd, sizeof(rd), "initrd" };
	r.ninitrd = 1;
	r.cmdline = "console=hvc0";
	r.sys = &si;
	r.window = (struct kx_window){ 0, UINT64_MAX };
	r.scratch = scratch;
	r.scratch_len = sizeof(scratch);
	if (dtb)
		r.dtb = (struct kx_blob){ dtb, dlen, "fuzz.dtb" };
	if (!KX_FAILED(kx_ppc_vmlinux_load(&r, &p)))
		for (i = 0; i < p.nseg; i++) /* every segment's bytes readable */
			if (p.seg[i].bufsz && ((const volatile uint8_t *)p.seg[i].buf)[p.seg[i].bufsz - 1] == 0x5a)
				out[0] ^= 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *d = data + 1;
	size_t n = size ? size - 1 : 0, got;
	static uint8_t *k;
	static size_t klen;
	struct kx_ppc_dt_args a = { .cmdline = "console=hvc0 x=1", .initrd_start = 0x6000000,
				    .initrd_end = 0x6100000, .boot_cpu = 3 };
	int self;

	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (!KX_FAILED(kx_ppc_dtb_build(d, n, out, sizeof(out), &a, &got, &self))) {
			kx_ppc_dtb_set_self(out, self, 0x7000000);
			if (fdt_check_full(out, got))
				abort(); /* kx made a tree libfdt refuses */
		}
		kx_ppc_dtb_rma(d, n);
		kx_ppc_dtb_kernel_end(d, n);
		break;
	case 1:
		load(d, n, 0, 0);
		break;
	case 2:
		if (!k)
			k = ppc_vmlinux(&klen, 64 * 1024, 1 << 20, 0, KX_EM_PPC64);
		load(k, klen, d, n);
		break;
	}
	return 0;
}

#ifdef KX_FUZZ_SEEDS
static void put(const char *dir, const char *name, uint8_t mode, const uint8_t *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")) || fputc(mode, f) == EOF || fwrite(b, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	size_t n;
	uint8_t *b;

	if (argc != 2)
		return 2;
	b = ppc_dtb(&n, 1ull << 30, 1);
	put(argv[1], "dtb-pseries", 0, b, n);
	put(argv[1], "load-dtb-pseries", 2, b, n);
	free(b);
	b = ppc_dtb(&n, 64ull << 20, 0);
	put(argv[1], "dtb-no-chosen", 0, b, n);
	free(b);
	b = ppc_vmlinux(&n, 4096, 1 << 20, 0x100, KX_EM_PPC64);
	put(argv[1], "vmlinux", 1, b, n);
	free(b);
	return 0;
}
#endif
