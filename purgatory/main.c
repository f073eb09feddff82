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
	if (kx_params.flags & KX_PURG_VERBOSE) {
		const char *m = "kx purgatory: 5-level paging off for a 4-level kernel\n";
		while (*m) {
			if (*m == '\n')
				kx_serial_putc('\r');
			kx_serial_putc(*m++);
		}
	}
}
