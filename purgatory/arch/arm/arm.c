/*
 * The purgatory's console on 32-bit ARM: the UART the device tree's
 * /chosen stdout-path names (arm64's reader, purgatory/arch/arm64/fdt.c,
 * built in here as well), written polled with bounded waits, never
 * reprogrammed. params.serial_port only says whether to talk at all.
 */
#include <kx/digest.h>
#include "../arm64/purg.h"
#include "../../purgatory.h"

static struct kx_uart uart;
static int enabled;

#define PL011_DR   0x00
#define PL011_FR   0x18
#define PL011_TXFF 0x20
#define UART_LSR   5
#define UART_THRE  0x20
#define FDT_MAX    (2u << 20)

static inline uint32_t rd32(uint32_t a) { return *(volatile uint32_t *)a; }
static inline void wr32(uint32_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint8_t rd8(uint32_t a) { return *(volatile uint8_t *)a; }
static inline void wr8(uint32_t a, uint8_t v) { *(volatile uint8_t *)a = v; }

/* The console: the UART in the device tree the kernel gets (r2), read only
 * if that tree is one of the ranges and, when verifying, its digest is right
 * (a damaged tree could name any address as a UART). */
void kx_arm_prepare(uint32_t dtb);
void kx_arm_prepare(uint32_t dtb)
{
	const struct kx_purg_params *p = &kx_params;
	unsigned i, n = p->nranges < KX_PURG_MAX_RANGES ? p->nranges : KX_PURG_MAX_RANGES;

	uart.type = KX_UART_NONE;
	for (i = 0; i < n; i++) {
		const struct kx_purg_range *r = &p->ranges[i];
		const uint8_t *dt = (const uint8_t *)(uintptr_t)r->start;
		if (r->start != dtb || !dtb || !r->len || r->len > FDT_MAX)
			continue;
		if ((p->flags & KX_PURG_VERIFY) && kx_xxh64(dt, (size_t)r->len, 0) != r->digest)
			return;
		if (!kx_fdt_uart(dt, (size_t)r->len, &uart) || uart.base >> 32)
			uart.type = KX_UART_NONE;
		return;
	}
}

void kx_serial_init(uint16_t port)
{
	enabled = port && uart.type != KX_UART_NONE;
}

static uint32_t reg16550(unsigned r)
{
	uint32_t a = (uint32_t)uart.base + ((uint32_t)r << uart.shift);
	return uart.width == 4 ? rd32(a) : rd8(a);
}

void kx_serial_putc(char c)
{
	uint32_t base = (uint32_t)uart.base;
	unsigned spin;

	if (!enabled)
		return;
	if (uart.type == KX_UART_PL011) {
		for (spin = 0; spin < 1000000 && (rd32(base + PL011_FR) & PL011_TXFF); spin++)
			;
		wr32(base + PL011_DR, (uint8_t)c);
	} else {
		for (spin = 0; spin < 1000000 && !(reg16550(UART_LSR) & UART_THRE); spin++)
			;
		if (uart.width == 4)
			wr32(base, (uint8_t)c);
		else
			wr8(base, (uint8_t)c);
	}
}

/* libgcc's division by zero handler calls raise(SIGFPE): never happens
 * here (the divisors are constants), but it must link */
int raise(int sig);
int raise(int sig)
{
	(void)sig;
	kx_halt();
}
