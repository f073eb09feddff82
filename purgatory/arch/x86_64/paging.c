/* x86_64 only: leaving 5-level paging for a kernel that knows only 4 levels. */
#include "../../purgatory.h"
#include "x86.h"

/* The 4-level identity map of the first 4 GiB used when the next kernel
 * cannot be entered with 5-level paging: PML4[0] -> PDPT[0..3] -> 4 page
 * directories of 2 MiB pages, present, writable. */
void kx_build_identity_4g(void)
{
	unsigned i;

	for (i = 0; i < 512; i++)
		pml4[i] = pdpt[i] = 0;
	pml4[0] = (uint64_t)(uintptr_t)pdpt | 0x3;
	for (i = 0; i < 4; i++)
		pdpt[i] = (uint64_t)(uintptr_t)&pd[i * 512] | 0x3;
	for (i = 0; i < 4 * 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83; /* present, writable, 2 MiB */
	if (kx_params.flags & KX_PURG_VERBOSE)
		kx_puts("kx purgatory: 5-level paging off for a 4-level kernel\n");
}
