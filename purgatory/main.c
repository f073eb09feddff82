/*
 * The purgatory's portable part: check that every segment still holds what
 * the loader put there, and refuse to boot corrupted memory.
 */
#include <kx/digest.h>
#include "purgatory.h"

KX_PURG_CHECK_LAYOUT();

void kx_puts(const char *s)
{
	while (*s) {
		if (*s == '\n')
			kx_serial_putc('\r');
		kx_serial_putc(*s++);
	}
}

void kx_puthex(uint64_t v)
{
	int i;
	kx_puts("0x");
	for (i = 60; i >= 0; i -= 4)
		kx_serial_putc("0123456789abcdef"[(v >> i) & 15]);
}

void kx_putdec(uint64_t v)
{
	char b[21];
	int i = 20;
	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i);
	kx_puts(b + i);
}

void kx_purgatory_main(void)
{
	struct kx_purg_params *p = &kx_params;
	unsigned i, n = p->nranges;

	kx_serial_init(p->serial_port);
	if (p->flags & KX_PURG_VERBOSE)
		kx_puts("kx purgatory: started\n");
	if (n > KX_PURG_MAX_RANGES)
		n = KX_PURG_MAX_RANGES;
	if (p->flags & KX_PURG_VERIFY) {
		for (i = 0; i < n; i++) {
			const struct kx_purg_range *r = &p->ranges[i];
			uint64_t d = kx_xxh64((const void *)(uintptr_t)r->start, (uintptr_t)r->len, 0);
			if (d != r->digest) {
				kx_puts("kx purgatory: segment ");
				kx_putdec(i);
				kx_puts(" at ");
				kx_puthex(r->start);
				kx_puts(" (");
				kx_putdec(r->len);
				kx_puts(" bytes) is corrupt: digest ");
				kx_puthex(d);
				kx_puts(", expected ");
				kx_puthex(r->digest);
				kx_puts(". Not booting corrupted memory; halted.\n");
				kx_halt();
			}
		}
		if (p->flags & KX_PURG_VERBOSE) {
			kx_puts("kx purgatory: ");
			kx_putdec(n);
			kx_puts(" segments verified\n");
		}
	}
	if (p->flags & KX_PURG_VERBOSE) {
		kx_puts("kx purgatory: jumping to ");
		kx_puthex(p->entry);
		kx_puts("\n");
	}
}
