/* bzImage header parser, loader and zero-page builder: the 64-bit entry
 * (x86_64) and the 32-bit one with its lowmem limits (i386's loader); the
 * kernel unpacked at load (unpacked.c) through a stand-in decompressor that
 * hands back the payload's bytes after a gzip magic, and the relocation
 * table's parser, checker and applier over the input as an unpacked payload. */
#include <stdlib.h>
#include <kx/bzimage.h>
#include <kx/elf.h>
#include "fuzz.h"

/* "gzip": the payload between its 3-byte magic and its 4-byte size, copied
 * (kx writes the relocations in it) */
static struct kx_err identity(void *ctx, enum kx_comp c, const uint8_t *in, size_t len,
			      uint64_t max, const uint8_t **out, size_t *outlen)
{
	static uint8_t buf[65536];

	(void)ctx, (void)c, (void)max;
	if (len < 7 || len - 7 > sizeof(buf))
		return kx_err(KX_E_UNPACK, "gzip", c, KX_UNPACK_TRUNCATED);
	memcpy(buf, in + 3, len - 7);
	*out = buf;
	*outlen = len - 7;
	return KX_NOERR;
}

/* The input as an unpacked payload: the table from where the ELF's section
 * headers end, checked and applied against the ELF before it. */
static void relocs(const uint8_t *data, size_t size)
{
	static uint8_t copy[65536];
	struct kx_x86_relocs t;
	struct kx_elf e;
	uint32_t bad;
	uint64_t start;

	if (size > sizeof(copy) || KX_FAILED(kx_elf_parse(data, size, &e)))
		return;
	start = e.shoff + (uint64_t)e.shnum * e.shentsize;
	if (start > size || kx_x86_relocs_parse(data, size, (size_t)start, &t) ||
	    KX_FAILED(kx_elf_parse(data, (size_t)start, &e)))
		return;
	memcpy(copy, data, size);
	if (kx_x86_relocs_check(copy, start, &e, &t, &bad))
		return;
	t.r64 = copy + (t.r64 - data);
	t.rinv = copy + (t.rinv - data);
	t.r32 = copy + (t.r32 - data);
	kx_x86_relocs_apply(copy, start, &e, &t, 0x2b400000);
}

static const struct kx_loader bz32 = {
	.name = "bzimage32",
	.probe = kx_bzimage_probe,
	.load = kx_bzimage_load32,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t rd[3000];
	struct kx_blob initrd[2] = { { rd, sizeof(rd), "a" }, { rd, 17, "b" } };
	struct kx_bzimage bz;

	(void)kx_bzimage_probe(data, size);
	(void)kx_bzimage_parse(data, size, &bz);
	(void)kx_bzimage_parse_hdr(data, size, &bz);
	fuzz_load(kx_loader_by_name("bzimage"), data, size, "console=ttyS0 quiet", initrd,
		  size & 1 ? 2 : 0);
	fuzz_load(&bz32, data, size, "console=ttyS0 quiet", initrd, size & 2 ? 2 : 0);
	fuzz_unpack = identity;
	fuzz_load(kx_loader_by_name("bzimage"), data, size, size & 4 ? "nokaslr" : "quiet", initrd,
		  size & 1 ? 2 : 0);
	fuzz_unpack = 0;
	relocs(data, size);
	return 0;
}
