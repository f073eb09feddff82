/*
 * The purgatory's portable part: check that every segment still holds what
 * the loader put there, and refuse to boot corrupted memory.
 */
#include <kx/digest.h>
#include "purgatory.h"

KX_PURG_CHECK_LAYOUT();

static void puts_(const char *s)
{
	while (*s) {
		if (*s == '\n')
			kx_serial_putc('\r');
		kx_serial_putc(*s++);
	}
}

static void puthex(uint64_t v)
{
	int i;
	puts_("0x");
	for (i = 60; i >= 0; i -= 4)
		kx_serial_putc("0123456789abcdef"[(v >> i) & 15]);
}

static void putdec(uint64_t v)
{
	char b[21];
	int i = 20;
	b[i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i);
	puts_(b + i);
}

void kx_purgatory_main(void)
{
	struct kx_purg_params *p = &kx_params;
	unsigned i, n = p->nranges;

	kx_serial_init(p->serial_port);
	if (p->flags & KX_PURG_VERBOSE)
		puts_("kx purgatory: started\n");
	if (n > KX_PURG_MAX_RANGES)
		n = KX_PURG_MAX_RANGES;
	if (p->flags & KX_PURG_VERIFY) {
		for (i = 0; i < n; i++) {
			const struct kx_purg_range *r = &p->ranges[i];
			uint64_t d = kx_xxh64((const void *)(uintptr_t)r->start, (uintptr_t)r->len, 0);
			if (d != r->digest) {
				puts_("kx purgatory: segment ");
				putdec(i);
				puts_(" at ");
				puthex(r->start);
				puts_(" (");
				putdec(r->len);
				puts_(" bytes) is corrupt: digest ");
				puthex(d);
				puts_(", expected ");
				puthex(r->digest);
				puts_(". Not booting corrupted memory; halted.\n");
				kx_halt();
			}
		}
		if (p->flags & KX_PURG_VERBOSE) {
			puts_("kx purgatory: ");
			putdec(n);
			puts_(" segments verified\n");
		}
	}
	if (p->flags & KX_PURG_VERBOSE) {
		puts_("kx purgatory: jumping to ");
		puthex(p->entry);
		puts_("\n");
	}
}
