/* Fixtures for the ppc64le unit tests (ppc_fix.h). */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "ppc_fix.h"

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

uint8_t *ppc_vmlinux(size_t *len, uint64_t filesz, uint64_t memsz, uint64_t entry_off,
		     uint16_t machine)
{
	const uint64_t off = 0x10000, note_off = 0x200;
	uint8_t *b;
	size_t i;

	*len = (size_t)(off + filesz);
	b = calloc(1, *len);
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = 2;  /* ELFCLASS64 */
	b[5] = 1;  /* little endian */
	b[6] = 1;
	put16(b + 16, 2);          /* ET_EXEC */
	put16(b + 18, machine);
	put32(b + 20, 1);
	put64(b + 24, 0xc000000000000000ull + entry_off);
	put64(b + 32, 64);         /* e_phoff */
	put32(b + 48, 2);          /* e_flags: ELFv2 */
	put16(b + 52, 64);
	put16(b + 54, 56);
	put16(b + 56, 2);          /* e_phnum */
	/* PT_LOAD */
	put32(b + 64, 1);
	put32(b + 68, 7);
	put64(b + 72, off);
	put64(b + 80, 0xc000000000000000ull);
	put64(b + 88, 0);
	put64(b + 96, filesz);
	put64(b + 104, memsz);
	put64(b + 112, 0x10000);
	/* PT_NOTE: "Linux" */
	put32(b + 120, 4);
	put64(b + 128, note_off);
	put64(b + 144, 20);
	put64(b + 152, 20);
	put64(b + 160, 4);
	put32(b + note_off, 6);
	put32(b + note_off + 4, 4);
	put32(b + note_off + 8, 0x100);
	memcpy(b + note_off + 12, "Linux\0\0\0", 8);
	for (i = 0; i < filesz; i++)
		b[off + i] = (uint8_t)(i * 7 + (i >> 9));
	return b;
}

static void prop_u64x2(void *f, const char *name, uint64_t a, uint64_t b)
{
	fdt64_t v[2] = { cpu_to_fdt64(a), cpu_to_fdt64(b) };
	fdt_property(f, name, v, sizeof(v));
}

uint8_t *ppc_dtb(size_t *len, uint64_t rma, int with_chosen)
{
	size_t cap = 64 * 1024;
	uint8_t *f = malloc(cap);
	fdt64_t rr[4] = { cpu_to_fdt64(0x7f000000), cpu_to_fdt64(0x10000),
			  cpu_to_fdt64(0x7f100000), cpu_to_fdt64(0x20000) };

	fdt_create(f, (int)cap);
	fdt_add_reservemap_entry(f, 0x3000000, 0x200000);   /* the stale initrd's */
	fdt_add_reservemap_entry(f, 0x7e000000, 0x1000);     /* firmware's */
	fdt_finish_reservemap(f);
	fdt_begin_node(f, "");
	fdt_property_u32(f, "#address-cells", 2);
	fdt_property_u32(f, "#size-cells", 2);
	fdt_property_string(f, "compatible", "qemu,pseries");
	fdt_property(f, "reserved-ranges", rr, sizeof(rr));
	if (with_chosen) {
		fdt_begin_node(f, "chosen");
		fdt_property_string(f, "bootargs", "console=hvc0 old=1");
		fdt_property_string(f, "linux,stdout-path", "/vdevice/vty@71000000");
		fdt_property_u64(f, "linux,initrd-start", 0x3000000);
		fdt_property_u64(f, "linux,initrd-end", 0x3200000);
		fdt_property_u64(f, "linux,kernel-end", 0x2880000);
		fdt_property_u64(f, "linux,crashkernel-base", 0x20000000);
		fdt_property_u64(f, "linux,crashkernel-size", 0x10000000);
		fdt_property_u64(f, "linux,memory-limit", 0x40000000);
		fdt_property_u64(f, "linux,htab-base", 0x3c000000);
		fdt_property_u64(f, "linux,htab-size", 0x1000000);
		fdt_property_string(f, "keep-me", "yes");
		fdt_property_string(f, "rng-seed", "stale seed bytes");
		fdt_end_node(f);
	}
	fdt_begin_node(f, "memory@0");
	fdt_property_string(f, "device_type", "memory");
	prop_u64x2(f, "reg", 0, rma);
	fdt_end_node(f);
	fdt_begin_node(f, "memory@40000000");
	fdt_property_string(f, "device_type", "memory");
	prop_u64x2(f, "reg", 0x40000000, 0x40000000);
	fdt_end_node(f);
	fdt_begin_node(f, "rtas");
	fdt_property_u32(f, "linux,rtas-base", 0x2f000000);
	fdt_property_u32(f, "rtas-size", 0x2000);
	fdt_end_node(f);
	fdt_begin_node(f, "ibm,opal");
	fdt_property_u64(f, "opal-base-address", 0x30000000);
	fdt_property_u64(f, "opal-runtime-size", 0x1000000);
	fdt_end_node(f);
	fdt_begin_node(f, "pci@800000020000000");
	fdt_property_u64(f, "linux,tce-base", 0x2e000000);
	fdt_property_u32(f, "linux,tce-size", 0x800000);
	fdt_property_u32(f, "linux,pci-domain", 0);
	fdt_end_node(f);
	fdt_begin_node(f, "cpus");
	fdt_begin_node(f, "PowerPC,POWER9@0");
	fdt_property_u32(f, "reg", 0);
	fdt_end_node(f);
	fdt_begin_node(f, "PowerPC,POWER9@8");
	fdt_property_u32(f, "reg", 8);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_end_node(f);
	fdt_finish(f);
	fdt_set_boot_cpuid_phys(f, 8);
	*len = fdt_totalsize(f);
	return f;
}

/* kept reachable (LeakSanitizer), freed at exit */
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

void ppc_sysinfo(struct kx_sysinfo *si)
{
	static uint8_t *dtb;
	static size_t len;
	size_t i;

	memset(si, 0, sizeof(*si));
	kx_memmap_add(&si->mem, 0, 64 * MiB, KX_MEM_RESERVED);
	kx_memmap_add(&si->mem, 64 * MiB, 2 * GiB, KX_MEM_RAM);
	if (!dtb)
		dtb = ppc_dtb(&len, 1 * GiB, 1);
	si->fdt.buf = dtb;
	si->fdt.len = len;
	si->fdt.name = "/proc/device-tree";
	for (i = 0; i < sizeof(si->rng_seed); i++)
		si->rng_seed[i] = (uint8_t)(0xa0 + i);
	si->have_rng_seed = 1;
	si->alloc = host_alloc;
}
