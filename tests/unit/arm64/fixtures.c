/* Fixtures for the arm64 unit tests (a64.h). */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <zlib.h>
#include <kx/bytes.h>
#include "a64.h"

void a64_fill_random(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)(x >> 24);
	}
}

uint8_t *a64_image(size_t len, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	uint8_t *b = calloc(1, len < 64 ? 64 : len);
	size_t i;

	for (i = 64; i < len; i++)
		b[i] = (uint8_t)(i * 7 + (i >> 12));
	kx_put32(b, 0x14000010);      /* b +0x40, as a real Image's code0 */
	kx_put64(b + KX_A64_O_TEXT_OFFSET, text_offset);
	kx_put64(b + KX_A64_O_IMAGE_SIZE, image_size);
	kx_put64(b + KX_A64_O_FLAGS, flags);
	kx_put32(b + KX_A64_O_MAGIC, KX_A64_MAGIC);
	return b;
}

uint8_t *a64_gzip(const uint8_t *buf, size_t len, int level, size_t *outlen)
{
	z_stream z;
	size_t cap = compressBound((uLong)len) + 64;
	uint8_t *out = malloc(cap);

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, level, Z_DEFLATED, 16 + 15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (Bytef *)buf;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

uint8_t *a64_zboot(const uint8_t *payload, size_t len, const char *comp, size_t *outlen)
{
	size_t off = 4096;
	uint8_t *b = calloc(1, off + len);

	memcpy(b, "MZ\0\0zimg", 8);
	kx_put32(b + 8, (uint32_t)off);
	kx_put32(b + 12, (uint32_t)len);
	memcpy(b + 24, comp, strlen(comp));
	memcpy(b + 0x38, "\xcd\x23\x82\x81", 4);
	kx_put32(b + 0x3c, 0x40);
	memcpy(b + off, payload, len);
	*outlen = off + len;
	return b;
}

#define OK(x) do { if ((x) < 0) abort(); } while (0)

static void prop_u64(void *f, const char *name, uint64_t v)
{
	fdt64_t be = cpu_to_fdt64(v);
	OK(fdt_property(f, name, &be, sizeof(be)));
}

static void prop_cells(void *f, const char *name, const uint32_t *c, int n)
{
	fdt32_t be[8];
	int i;
	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(c[i]);
	OK(fdt_property(f, name, be, n * 4));
}

uint8_t *a64_dtb(size_t *len, int with_chosen)
{
	size_t cap = 16384;
	uint8_t *f = calloc(1, cap);
	static const char pl011_compat[] = "arm,pl011\0arm,primecell";
	static const char ns_compat[] = "snps,dw-apb-uart\0ns16550a";

	OK(fdt_create(f, (int)cap));
	OK(fdt_add_reservemap_entry(f, 0x48000000, 0x100000));  /* the stale initrd */
	OK(fdt_add_reservemap_entry(f, 0x7f000000, 0x10000));   /* someone else's */
	OK(fdt_finish_reservemap(f));
	OK(fdt_begin_node(f, ""));
	OK(fdt_property_cell(f, "#address-cells", 2));
	OK(fdt_property_cell(f, "#size-cells", 2));
	OK(fdt_property_string(f, "compatible", "linux,dummy-virt"));
	if (with_chosen) {
		OK(fdt_begin_node(f, "chosen"));
		OK(fdt_property_string(f, "bootargs", "console=ttyAMA0 old=1"));
		prop_u64(f, "linux,initrd-start", 0x48000000);
		prop_u64(f, "linux,initrd-end", 0x48100000);
		prop_u64(f, "kaslr-seed", 0);
		OK(fdt_property(f, "rng-seed", "0123456789abcdef", 16));
		prop_u64(f, "linux,elfcorehdr", 0x7e000000);
		OK(fdt_property(f, "linux,usable-memory-range", "\0\0\0\0\x7c\0\0\0\0\0\0\0\x01\0\0\0", 16));
		OK(fdt_property_string(f, "stdout-path", "/pl011@9000000"));
		OK(fdt_property_string(f, "linux,uefi-system-table", "keep me"));
		OK(fdt_end_node(f));
	}
	OK(fdt_begin_node(f, "memory@40000000"));
	OK(fdt_property_string(f, "device_type", "memory"));
	{
		static const uint32_t reg[] = { 0, 0x40000000, 0, 0x40000000 };
		prop_cells(f, "reg", reg, 4);
	}
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "pl011@9000000"));
	OK(fdt_property(f, "compatible", pl011_compat, sizeof(pl011_compat)));
	{
		static const uint32_t reg[] = { 0, 0x9000000, 0, 0x1000 };
		prop_cells(f, "reg", reg, 4);
	}
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "aliases"));
	OK(fdt_property_string(f, "serial0", "/pl011@9000000"));
	OK(fdt_property_string(f, "serial1", "/soc/serial@201000"));
	OK(fdt_end_node(f));
	OK(fdt_begin_node(f, "soc"));
	OK(fdt_property_cell(f, "#address-cells", 1));
	OK(fdt_property_cell(f, "#size-cells", 1));
	{
		static const uint32_t ranges[] = { 0x0, 0x0, 0xfe000000, 0x1000000 };
		prop_cells(f, "ranges", ranges, 4);
	}
	OK(fdt_begin_node(f, "serial@201000"));
	OK(fdt_property(f, "compatible", ns_compat, sizeof(ns_compat)));
	{
		static const uint32_t reg[] = { 0x201000, 0x100 };
		prop_cells(f, "reg", reg, 2);
	}
	OK(fdt_property_cell(f, "reg-shift", 2));
	OK(fdt_property_cell(f, "reg-io-width", 4));
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
	OK(fdt_end_node(f));
	OK(fdt_finish(f));
	*len = fdt_totalsize(f);
	return f;
}

/* Like the tool's: memory that lives until the process ends (kept
 * reachable here, so LeakSanitizer does not count it). */
static void *allocated[1024];
static unsigned nallocated;

static void *host_alloc(void *ctx, size_t n)
{
	void *p = calloc(1, n ? n : 1);
	(void)ctx;
	if (p && nallocated < sizeof(allocated) / sizeof(allocated[0]))
		allocated[nallocated++] = p;
	return p;
}

void a64_sysinfo(struct kx_sysinfo *si)
{
	static uint8_t *dtb;
	static size_t len;

	memset(si, 0, sizeof(*si));
	kx_memmap_add(&si->mem, 0x40000000, 0x80000000, KX_MEM_RAM);
	a64_fill_random(si->rng_seed, sizeof(si->rng_seed), 42);
	si->have_rng_seed = 1;
	if (!dtb)
		dtb = a64_dtb(&len, 1);
	si->fdt.buf = dtb;
	si->fdt.len = len;
	si->fdt.name = "/sys/firmware/fdt";
	si->alloc = host_alloc;
}
