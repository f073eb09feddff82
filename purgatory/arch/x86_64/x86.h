/* Internal to the x86_64 purgatory: leaving 5-level paging. */
#ifndef KX_PURG_X86_H
#define KX_PURG_X86_H
#include <stdint.h>

#pragma GCC visibility push(hidden)
/* page tables in the bss (entry.S) and their builder (paging.c) */
extern uint64_t pml4[512], pdpt[512], pd[4 * 512];
void kx_build_identity_4g(void);
#pragma GCC visibility pop
#endif
