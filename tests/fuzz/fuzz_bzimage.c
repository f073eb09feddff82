/* bzImage header parser, loader and zero-page builder: the 64-bit entry
 * (x86_64) and the 32-bit one with its lowmem limits (i386's loader). */
#include <kx/bzimage.h>
#include "fuzz.h"

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
	return 0;
}
