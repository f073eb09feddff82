/* Multiboot 1 and 2: header search, tag walk, a.out kludge, ELF layout, boot info. */
#include <kx/multiboot.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)kx_multiboot_probe(data, size);
	(void)kx_multiboot2_probe(data, size);
	fuzz_load(kx_loader_by_name("multiboot"), data, size, "hello", 0, 0);
	fuzz_load(kx_loader_by_name("multiboot2"), data, size, "hello", 0, 0);
	return 0;
}
