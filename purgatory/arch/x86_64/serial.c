/* A 16550 UART, polled, with bounded waits (no UART must not mean a hang). */
#include "io.h"
#include "../../purgatory.h"

#define UART_CLOCK 115200 /* the divisor latch counts in units of 115200 baud */

static uint16_t port;

/* The UART at I/O port p (0 = say nothing): 8N1, no interrupts, FIFO on;
 * its speed is left as the old kernel set it unless params.serial_baud
 * asks for one (--serial-baud). */
void kx_serial_init(uint16_t p)
{
	uint32_t baud = kx_params.serial_baud, div;

	port = p;
	if (!port)
		return;
	outb(port + 1, 0x00); /* no interrupts */
	if (baud) {
		div = baud >= UART_CLOCK ? 1 : UART_CLOCK / baud;
		outb(port + 3, 0x80); /* DLAB */
		outb(port + 0, (uint8_t)div);
		outb(port + 1, (uint8_t)(div >> 8));
	}
	outb(port + 3, 0x03); /* 8N1, DLAB off */
	outb(port + 2, 0xc7); /* FIFO on, cleared */
	outb(port + 4, 0x03); /* DTR, RTS */
}

void kx_serial_putc(char c)
{
	unsigned spin;

	if (!port)
		return;
	for (spin = 0; spin < 100000 && !(inb(port + 5) & 0x20); spin++)
		;
	outb(port, (uint8_t)c);
}
