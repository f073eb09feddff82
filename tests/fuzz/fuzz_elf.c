/* ELF parser and the x86 ELF loader (plain ELF and Linux vmlinux), raw segments. */
#include <kx/elf.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kx_elf e;

	(void)kx_elf_probe(data, size);
	if (!KX_FAILED(kx_elf_parse(data, size, &e))) {
		uint64_t pa;
		(void)kx_elf_is_linux(data, size, &e);
		(void)kx_elf_to_phys(&e, e.entry, &pa);
	}
	fuzz_load(kx_loader_by_name("elf"), data, size, "console=ttyS0", 0, 0);
	return 0;
}
