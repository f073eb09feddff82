/* bzImage header parser, loader and zero-page builder. */
#include <kx/bzimage.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t rd[3000];
	struct kx_blob initrd[2] = { { rd, sizeof(rd), "a" }, { rd, 17, "b" } };
	struct kx_bzimage bz;

	(void)kx_bzimage_probe(data, size);
	(void)kx_bzimage_parse(data, size, &bz);
	fuzz_load(kx_loader_by_name("bzimage"), data, size, "console=ttyS0 quiet", initrd,
		  size & 1 ? 2 : 0);
	return 0;
}
