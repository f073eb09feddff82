/* Fixtures for the 32-bit ARM unit tests (arm_fix.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "arm_fix.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

uint8_t *arm_zimage(const struct zi_spec *s)
{
	uint8_t *b = calloc(1, s->len);
	size_t i;
	unsigned w = s->table_words ? s->table_words : 6;

	if (!b)
		abort();
	for (i = 0x40; i < s->len; i++)
		b[i] = (uint8_t)(i * 7 + 3);
	for (i = 0; i < 8; i++)
		put32(b + 4 * i, 0xe1a00000); /* mov r0, r0 */
	put32(b + KX_ZI_O_MAGIC, KX_ZI_MAGIC);
	put32(b + KX_ZI_O_START, s->start);
	put32(b + KX_ZI_O_END, s->end ? s->end : (uint32_t)s->len);
	put32(b + KX_ZI_O_ENDIAN, s->endian ? s->endian : KX_ZI_ENDIAN_LE);
	if (s->table && s->len >= 0x100) {
		uint32_t t = 0x80;
		put32(b + KX_ZI_O_MAGIC2, KX_ZI_MAGIC2);
		put32(b + KX_ZI_O_TABLE, t);
		put32(b + t, w);
		put32(b + t + 4, KX_ZI_TAG_KLSZ);
		put32(b + t + 8, (uint32_t)s->len - 4);
		put32(b + t + 12, s->bss_size);
		if (w >= 5)
			put32(b + t + 16, s->text_offset);
		if (w >= 6)
			put32(b + t + 20, s->malloc_size);
		put32(b + t + 4 * w, 0);
		put32(b + s->len - 4, s->kernel_size);
	}
	return b;
}

#define OK(x) do { if ((x) < 0) { fprintf(stderr, "fixture: %s failed\n", #x); abort(); } } while (0)

uint8_t *arm_dtb(size_t *len)
{
	static uint8_t tree[8192];
	size_t cap = sizeof(tree);
	uint8_t *f = tree;
	uint32_t reg[2] = { cpu_to_fdt32(0x40000000), cpu_to_fdt32(0x40000000) };
	uint32_t uart[2] = { cpu_to_fdt32(0x09000000), cpu_to_fdt32(0x1000) };

	if (!f)
		abort();
	OK(fdt_create(f, (int)cap));
	OK(fdt_add_reservemap_entry(f, 0x48000000, 0x1000)); /* the stale initrd's */
	OK(fdt_finish_reservemap(f));
	OK(fdt_begin_node(f, ""));
	OK(fdt_property_u32(f, "#address-cells", 1));
	OK(fdt_property_u32(f, "#size-cells", 1));
	OK(fdt_begin_node(f, "chosen"));
	OK(fdt_property_string(f, "stdout-path", "/pl011@9000000"));
	OK(fdt_property_string(f, "bootargs", "old command line"));
	OK(fdt_property_u32(f, "linux,initrd-start", 0x48000000));
	OK(fdt_property_u32(f, "linux,initrd-end", 0x48001000));
	OK(fdt_property_u64(f, "kaslr-seed", 0x1234));
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "memory@40000000"));
	OK(fdt_property_string(f, "device_type", "memory"));
	OK(fdt_property(f, "reg", reg, sizeof(reg)));
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "pl011@9000000"));
	OK(fdt_property_string(f, "compatible", "arm,pl011"));
	OK(fdt_property(f, "reg", uart, sizeof(uart)));
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
	OK(fdt_finish(f));
	*len = fdt_totalsize(f);
	return f;
}

/* a bump allocator over a static arena, reset by arm_sysinfo: nothing to free */
static uint8_t arena[4 << 20];
static size_t used;

static void *alloc(void *ctx, size_t n)
{
	void *p;
	(void)ctx;
	n = (n + 15) & ~(size_t)15;
	if (n > sizeof(arena) - used)
		return 0;
	p = arena + used;
	used += n;
	return p;
}

void arm_sysinfo(struct kx_sysinfo *si)
{
	size_t len;
	unsigned i;

	memset(si, 0, sizeof(*si));
	used = 0;
	kx_memmap_add(&si->mem, 0x40000000, 0x80000000, KX_MEM_RAM);
	for (i = 0; i < sizeof(si->rng_seed); i++)
		si->rng_seed[i] = (uint8_t)(0xa5 ^ i);
	si->have_rng_seed = 1;
	si->fdt.buf = arm_dtb(&len);
	si->fdt.len = len;
	si->fdt.name = "/sys/firmware/fdt";
	si->alloc = alloc;
}
