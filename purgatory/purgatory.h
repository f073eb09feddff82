/* Internal interface of the purgatory (not the loader ABI: see include/kx/purgatory.h). */
#ifndef KX_PURGATORY_INTERNAL_H
#define KX_PURGATORY_INTERNAL_H
#include <stdint.h>
#include <kx/purgatory.h>

#pragma GCC visibility push(hidden)
extern struct kx_purg_params kx_params;
void kx_serial_init(uint16_t port);
void kx_serial_putc(char c);
__attribute__((noreturn)) void kx_halt(void);
void kx_purgatory_main(void);
/* x86_64: page tables in the bss (entry.S) and their builder (main.c) */
extern uint64_t pml4[512], pdpt[512], pd[4 * 512];
void kx_build_identity_4g(void);
#pragma GCC visibility pop
#endif
