/* A 16550 UART, polled, with bounded waits (no UART must not mean a hang). */
#include "io.h"
#include "../../purgatory.h"

static uint16_t port;

void kx_serial_init(uint16_t p)
{
	port = p;
	if (!port)
		return;
	outb(port + 1, 0x00); /* no interrupts */
	outb(port + 3, 0x80); /* DLAB */
	outb(port + 0, 0x01); /* 115200 baud */
	outb(port + 1, 0x00);
	outb(port + 3, 0x03); /* 8N1 */
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
