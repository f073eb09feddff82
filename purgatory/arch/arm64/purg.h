/* Internal interface of the arm64 purgatory (the loader ABI is include/kx/purgatory.h). */
#ifndef KX_PURG_A64_H
#define KX_PURG_A64_H
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* The console UART a device tree names (fdt.c): pure C, also built into the
 * host unit tests (tests/unit/arm64). */
enum { KX_UART_NONE, KX_UART_PL011, KX_UART_16550 };
struct kx_uart {
	unsigned type;        /* KX_UART_* */
	uint64_t base;        /* physical address of its registers */
	unsigned shift;       /* 16550: reg-shift */
	unsigned width;       /* 16550: reg-io-width, 1 or 4 */
};
/*
 * The UART /chosen's stdout-path (or linux,stdout-path) names, directly or
 * through /aliases, with its "reg" translated through every parent's
 * "ranges". Every read is bounded by len and the header's own sizes; a tree
 * that is damaged, deeper than 16 levels or not understood gives 0.
 */
int kx_fdt_uart(const uint8_t *fdt, size_t len, struct kx_uart *u);

/* What start (entry.S) needs to turn the MMU on (mmu.c fills it). */
struct kx_a64_mmu {
	uint64_t mair, tcr, ttbr, sctlr_on, sctlr_off;
	uint64_t el;          /* 1 or 2 */
	uint64_t on;          /* 1: entry.S turns the MMU and caches on */
};
extern struct kx_a64_mmu kx_a64_mmu;
/* Serial console (from the device tree), page tables over every range,
 * the purgatory and the UART. Called by entry.S with the MMU off. */
void kx_a64_prepare(uint64_t el);
/* Map [start, end) (4 KiB aligned) in the identity map; 0 when out of tables. */
int kx_a64_map(uint64_t start, uint64_t end, int device);
/* The console found by kx_a64_prepare, for serial.c. */
extern struct kx_uart kx_a64_uart;
/* An exception: say what, halt (entry.S's vectors). */
void kx_a64_fault(uint64_t vector) __attribute__((noreturn));

#pragma GCC visibility pop
#endif
