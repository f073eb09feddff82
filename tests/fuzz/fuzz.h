/* Shared bits of the libFuzzer harnesses: a fixed machine to plan against. */
#ifndef KX_FUZZ_H
#define KX_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <kx/loader.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2 GiB of RAM with the usual PC holes, plus 1 GiB above 4 GiB. */
static inline void fuzz_sysinfo(struct kx_sysinfo *si)
{
	memset(si, 0, sizeof(*si));
	kx_memmap_add(&si->mem, 0, 0x9fc00, KX_MEM_RAM);
	kx_memmap_add(&si->mem, 0xf0000, 0x100000, KX_MEM_RESERVED);
	kx_memmap_add(&si->mem, 0x100000, 0x7ffe0000, KX_MEM_RAM);
	kx_memmap_add(&si->mem, 0x7ffe0000, 0x80000000, KX_MEM_ACPI);
	kx_memmap_add(&si->mem, 0x100000000ull, 0x140000000ull, KX_MEM_RAM);
	si->have_rng_seed = 1;
}

/* A minimal valid purgatory blob (header only). */
static inline size_t fuzz_purgatory(uint8_t *b, size_t cap)
{
	size_t n = KX_PURG_HDR_SIZE;
	if (cap < n)
		return 0;
	memset(b, 0, n);
	b[0] = 0xeb; /* jmp */
	memcpy(b + 16, "KXPG", 4);
	b[20] = KX_PURG_VERSION;
	b[22] = KX_PURG_HDR_SIZE & 0xff;
	b[23] = KX_PURG_HDR_SIZE >> 8;
	b[24] = 0x00;
	b[25] = 0x10; /* memsz 4096 */
	b[28] = KX_PURG_ARCH_NATIVE;
	return n;
}

/* The decompressor fuzz_load's system offers (NULL: none), with random
 * bytes for KASLR. */
static kx_unpack_fn fuzz_unpack;

/* Run a loader over the input as the image, then the purgatory and the validator. */
static inline void fuzz_load(const struct kx_loader *ld, const uint8_t *data, size_t size,
			     const char *cmdline, const struct kx_blob *initrd, unsigned ninitrd)
{
	static struct kx_sysinfo si;
	static struct kx_plan p;
	static uint8_t scratch[256 * 1024], purg[8192], blob[8192];
	struct kx_load_req r;
	size_t bl;

	fuzz_sysinfo(&si);
	si.unpack = fuzz_unpack;
	si.have_kaslr_seed = 1;
	memcpy(si.kaslr_seed, "0123456789abcdef", 16);
	memset(&r, 0, sizeof(r));
	r.image = (struct kx_blob){ data, size, "fuzz" };
	if (ninitrd)
		memcpy(r.initrd, initrd, sizeof(*initrd) * ninitrd);
	r.ninitrd = ninitrd;
	r.cmdline = cmdline;
	r.window = (struct kx_window){ 0, UINT64_MAX };
	r.sys = &si;
	r.scratch = scratch;
	r.scratch_len = sizeof(scratch);
	r.loader_name = "kx fuzz";
	memset(&p, 0, sizeof(p));
	if (KX_FAILED(ld->load(&r, &p)))
		return;
	bl = fuzz_purgatory(blob, sizeof(blob));
	if (KX_FAILED(kx_plan_add_purgatory(&p, &si.mem, r.window, blob, bl, purg, sizeof(purg),
					    KX_PURG_VERIFY, 0x3f8)))
		return;
	(void)kx_plan_validate(&p, &si.mem);
}
#endif
