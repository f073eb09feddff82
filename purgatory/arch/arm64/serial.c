/*
 * The purgatory's console on arm64: the UART the device tree's
 * /chosen stdout-path names (kx_a64_prepare finds it), written polled with
 * bounded waits. It is not reprogrammed: the old kernel's console left it
 * set up. params.serial_port only says whether to talk at all (kx sets 1).
 */
#include "purg.h"
#include "../../purgatory.h"

struct kx_uart kx_a64_uart;
static int enabled;

#define PL011_DR   0x00
#define PL011_FR   0x18
#define PL011_TXFF 0x20
#define UART_LSR   5
#define UART_THRE  0x20

static inline uint32_t rd32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static inline void wr32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static inline uint8_t rd8(uint64_t a) { return *(volatile uint8_t *)(uintptr_t)a; }
static inline void wr8(uint64_t a, uint8_t v) { *(volatile uint8_t *)(uintptr_t)a = v; }

void kx_serial_init(uint16_t port)
{
	enabled = port && kx_a64_uart.type != KX_UART_NONE;
	if (kx_params.flags & KX_PURG_VERBOSE) {
		/* what the CPU says, not what we meant to do */
		uint64_t sctlr;
		if (kx_a64_mmu.el == 2)
			__asm__ volatile("mrs %0, sctlr_el2" : "=r"(sctlr));
		else
			__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
		kx_puts(kx_a64_mmu.el == 2 ? "kx purgatory: at EL2, " : "kx purgatory: at EL1, ");
		kx_puts((sctlr & 5) == 5 ? "MMU and caches on\n" : "MMU and caches off\n");
	}
}

static uint32_t reg16550(unsigned r)
{
	const struct kx_uart *u = &kx_a64_uart;
	uint64_t a = u->base + ((uint64_t)r << u->shift);
	return u->width == 4 ? rd32(a) : rd8(a);
}

void kx_serial_putc(char c)
{
	const struct kx_uart *u = &kx_a64_uart;
	unsigned spin;

	if (!enabled)
		return;
	if (u->type == KX_UART_PL011) {
		for (spin = 0; spin < 1000000 && (rd32(u->base + PL011_FR) & PL011_TXFF); spin++)
			;
		wr32(u->base + PL011_DR, (uint8_t)c);
	} else {
		for (spin = 0; spin < 1000000 && !(reg16550(UART_LSR) & UART_THRE); spin++)
			;
		if (u->width == 4)
			wr32(u->base, (uint8_t)c);
		else
			wr8(u->base, (uint8_t)c);
	}
}
