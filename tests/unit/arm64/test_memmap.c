/* arm64 memory: /proc/iomem's nested "reserved" lines (lib/arch/arm64/memmap.c). */
#include <stdio.h>
#include <string.h>
#include "a64.h"
#include "t.h"

/* QEMU virt, 2 GiB, as seen in the guest the e2e tests boot */
static const char qemu_iomem[] =
	"00000000-03ffffff : LNRO0015:00\n"
	"09000000-09000fff : pl011@9000000\n"
	"  09000000-09000fff : 9000000.pl011 pl011@9000000\n"
	"40000000-bfffffff : System RAM\n"
	"  40210000-4185ffff : Kernel code\n"
	"  41860000-41eaffff : reserved\n"
	"  41eb0000-4220ffff : Kernel data\n"
	"  48000000-480fdfff : reserved\n"
	"  48200000-482fffff : reserved\n"
	"  b9800000-bf9fffff : reserved\n"
	"  bfbfb000-bfffffff : reserved\n"
	"4010000000-401fffffff : PCI ECAM\n";

static int is_ram(const struct kx_memmap *m, uint64_t a)
{
	unsigned i;
	for (i = 0; i < m->n; i++)
		if (m->e[i].type == KX_MEM_RAM && m->e[i].start <= a && a < m->e[i].end)
			return 1;
	return 0;
}

TEST(a64_iomem_reserved_carved)
{
	static struct kx_memmap m;

	memset(&m, 0, sizeof(m));
	REQUIRE(CHECK_OK(kx_iomem_parse(qemu_iomem, sizeof(qemu_iomem) - 1, &m)));
	CHECK_EQ(kx_memmap_ram(&m), 2 * GiB);
	REQUIRE(CHECK_OK(kx_a64_iomem_reserved(qemu_iomem, sizeof(qemu_iomem) - 1, &m)));
	CHECK(is_ram(&m, 0x40000000));
	CHECK(is_ram(&m, 0x41000000));        /* kernel code: overwritten at exec, fine */
	CHECK(!is_ram(&m, 0x41860000));
	CHECK(!is_ram(&m, 0x41eaffff));
	CHECK(is_ram(&m, 0x41eb0000));
	CHECK(!is_ram(&m, 0x48000000));
	CHECK(is_ram(&m, 0x480fe000));
	CHECK(!is_ram(&m, 0xb9800000));
	CHECK(is_ram(&m, 0xbfa00000));
	CHECK(!is_ram(&m, 0xbfbfb000));
	CHECK(!is_ram(&m, 0xbfffffff));
	CHECK_EQ(kx_memmap_ram(&m), 2 * GiB - (0x41eb0000 - 0x41860000) - (0x480fe000 - 0x48000000) -
					    (0x48300000 - 0x48200000) - (0xbfa00000 - 0xb9800000) -
					    (0xc0000000 - 0xbfbfb000));
	/* sorted, no RAM overlapping anything */
	{
		unsigned i;
		for (i = 1; i < m.n; i++)
			CHECK(m.e[i - 1].start <= m.e[i].start);
	}
}

TEST(a64_iomem_reserved_edges)
{
	static struct kx_memmap m;
	static const char spans[] =
		"40000000-4fffffff : System RAM\n"
		"50000000-5fffffff : System RAM\n"
		"  4ffff000-50000fff : reserved\n"      /* across two RAM entries */
		"  40000000-40000fff : reserved\n"      /* at the start */
		"    40000000-40000fff : reserved\n";   /* nested deeper, again */
	static const char bad[] = "40000000-4fffffff : System RAM\n  zzzz : reserved\n";
	static const char inverted[] = "40000000-4fffffff : System RAM\n  40001000-40000000 : reserved\n";

	memset(&m, 0, sizeof(m));
	REQUIRE(CHECK_OK(kx_iomem_parse(spans, sizeof(spans) - 1, &m)));
	REQUIRE(CHECK_OK(kx_a64_iomem_reserved(spans, sizeof(spans) - 1, &m)));
	CHECK(!is_ram(&m, 0x40000000));
	CHECK(is_ram(&m, 0x40001000));
	CHECK(is_ram(&m, 0x4fffefff));
	CHECK(!is_ram(&m, 0x4ffff000));
	CHECK(!is_ram(&m, 0x50000fff));
	CHECK(is_ram(&m, 0x50001000));
	CHECK_EQ(kx_memmap_ram(&m), 512 * MiB - 4096 - 8192);

	memset(&m, 0, sizeof(m));
	CHECK_ERR(kx_a64_iomem_reserved(bad, sizeof(bad) - 1, &m), KX_E_MEMMAP);
	CHECK_ERR(kx_a64_iomem_reserved(inverted, sizeof(inverted) - 1, &m), KX_E_MEMMAP);
}

TEST(a64_iomem_reserved_too_many)
{
	static struct kx_memmap m;
	static char text[64 * 1024];
	size_t n = 0;
	unsigned i;

	memset(&m, 0, sizeof(m));
	kx_memmap_add(&m, 0x40000000, 0x80000000, KX_MEM_RAM);
	for (i = 0; i < 600; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  %08x-%08x : reserved\n",
				      0x40000000 + i * 0x10000, 0x40000000 + i * 0x10000 + 0xfff);
	CHECK_ERR(kx_a64_iomem_reserved(text, n, &m), KX_E_TOO_MANY);
}

TEST(a64_memmap_align_pages)
{
	static struct kx_memmap m;

	memset(&m, 0, sizeof(m));
	kx_memmap_add(&m, 0x40001000, 0x4001f000, KX_MEM_RAM);   /* vanishes at 64K */
	kx_memmap_add(&m, 0x40021000, 0x40071000, KX_MEM_RAM);   /* 0x40030000-0x40070000 */
	kx_memmap_add(&m, 0x40080000, 0x40090000, KX_MEM_RESERVED);
	kx_a64_memmap_align(&m, 64 * KiB);
	REQUIRE(m.n == 2);
	CHECK_EQ(m.e[0].start, 0x40030000);
	CHECK_EQ(m.e[0].end, 0x40070000);
	CHECK_EQ(m.e[1].type, KX_MEM_RESERVED);
	kx_a64_memmap_align(&m, 3);   /* not a power of two: nothing */
	CHECK_EQ(m.n, 2);
}
