/* kdump builders (lib/crash.c): the ELF core header, the crash kernel's
 * memory map and command line, /proc/iomem and /proc/kcore readers, the
 * crashkernel= estimate, and a whole crash plan through the bzImage loader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kx/arch/x86_64.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/crash.h>
#include <kx/elf.h>
#include <kx/loader.h>
#include "fixtures.h"
#include "t.h"

/* ---- helpers ------------------------------------------------------------------ */

struct phdr { uint32_t type, flags; uint64_t off, vaddr, paddr, filesz, memsz, align; };

static struct phdr ph(const uint8_t *hdr, unsigned i)
{
	const uint8_t *p = hdr + KX_ELF64_EHDR + (size_t)i * KX_ELF64_PHDR;
	struct phdr h = { kx_le32(p), kx_le32(p + 4), kx_le64(p + 8), kx_le64(p + 16),
			  kx_le64(p + 24), kx_le64(p + 32), kx_le64(p + 40), kx_le64(p + 48) };
	return h;
}

/* An ELF32 program header, widened (p_flags comes after p_memsz there). */
static struct phdr ph32(const uint8_t *hdr, unsigned i)
{
	const uint8_t *p = hdr + KX_ELF32_EHDR + (size_t)i * KX_ELF32_PHDR;
	struct phdr h = { kx_le32(p), kx_le32(p + 24), kx_le32(p + 4), kx_le32(p + 8),
			  kx_le32(p + 12), kx_le32(p + 16), kx_le32(p + 20), kx_le32(p + 28) };
	return h;
}

/* The QEMU guest of tests/e2e/t-kdump.sh: 1 GiB, crashkernel=256M at 0x25000000. */
static void qemu_ram(struct kx_memmap *m)
{
	static const struct mm_ent e[] = {
		{ 0x1000, 0x9fc00, KX_MEM_RAM },
		{ 0x9fc00, 0xa0000, KX_MEM_RESERVED },
		{ 0xf0000, 0x100000, KX_MEM_RESERVED },
		{ 0x100000, 0x3ffdf000, KX_MEM_RAM },
		{ 0x3ffdf000, 0x40000000, KX_MEM_RESERVED },
		{ 0xb0000000, 0xc0000000, KX_MEM_RESERVED },
	};
	if (!mm_set(m, e, T_ARRAY_SIZE(e)))
		abort();
}

static const struct kx_range qemu_crash = { 0x25000000, 0x35000000 };

/* A core description like kx builds on the QEMU guest. */
struct core_fix {
	struct kx_memmap ram;
	struct kx_crash_note cpu[2];
	struct kx_range ex[2];
	struct kx_crash_core c;
};

static void core_fix(struct core_fix *f)
{
	memset(f, 0, sizeof(*f));
	qemu_ram(&f->ram);
	f->cpu[0] = (struct kx_crash_note){ 0x3fc17a00, 0x150 };
	f->cpu[1] = (struct kx_crash_note){ 0x3fc57a00, 0x150 };
	f->ex[0] = (struct kx_range){ 0, KX_CRASH_LOW };
	f->ex[1] = qemu_crash;
	f->c.machine = KX_EM_X86_64;
	f->c.cpu = f->cpu;
	f->c.ncpu = 2;
	f->c.vmcoreinfo = (struct kx_crash_note){ 0x132c000, 0x1000 };
	f->c.text_vaddr = 0xffffffffa2000000ull;
	f->c.text_paddr = 0x35000000;
	f->c.text_size = 42139648;
	f->c.page_offset = 0xff33c29440000000ull;
	f->c.ram = &f->ram;
	f->c.exclude = f->ex;
	f->c.nexclude = 2;
}

/* ---- the ELF core header -------------------------------------------------------- */

TEST(crash_core_header_qemu)
{
	struct core_fix f;
	uint8_t buf[4096];
	size_t len = 0;
	uint64_t size = 0;
	unsigned phnum = 0, i;
	static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 };
	struct phdr h;

	core_fix(&f);
	CHECK_OK(kx_crash_core_size(&f.c, &size, &phnum));
	CHECK_EQ(phnum, 6); /* 2 notes + VMCOREINFO + text + 2 RAM pieces */
	CHECK_EQ(size, 64 + 6 * 56);
	memset(buf, 0xee, sizeof(buf));
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(len, size);
	CHECK_MEM(buf, ident, 16);
	CHECK_EQ(kx_le16(buf + 16), 4);     /* ET_CORE */
	CHECK_EQ(kx_le16(buf + 18), 62);    /* EM_X86_64 */
	CHECK_EQ(kx_le32(buf + 20), 1);     /* EV_CURRENT */
	CHECK_EQ(kx_le64(buf + 24), 0);     /* e_entry */
	CHECK_EQ(kx_le64(buf + 32), 64);    /* e_phoff */
	CHECK_EQ(kx_le64(buf + 40), 0);     /* e_shoff */
	CHECK_EQ(kx_le32(buf + 48), 0);     /* e_flags */
	CHECK_EQ(kx_le16(buf + 52), 64);    /* e_ehsize */
	CHECK_EQ(kx_le16(buf + 54), 56);    /* e_phentsize */
	CHECK_EQ(kx_le16(buf + 56), 6);     /* e_phnum */
	CHECK_EQ(kx_le16(buf + 58), 0);     /* e_shentsize */
	CHECK_EQ(kx_le16(buf + 60), 0);     /* e_shnum */
	CHECK_EQ(buf[len], 0xee);           /* nothing written past the end */
	for (i = 0; i < 2; i++) {
		T_ROW("cpu note %u", i);
		h = ph(buf, i);
		CHECK_EQ(h.type, KX_PT_NOTE);
		CHECK_EQ(h.off, f.cpu[i].paddr);
		CHECK_EQ(h.paddr, f.cpu[i].paddr);
		CHECK_EQ(h.vaddr, 0);
		CHECK_EQ(h.filesz, 0x150);
		CHECK_EQ(h.memsz, 0x150);
	}
	T_ROW("vmcoreinfo");
	h = ph(buf, 2);
	CHECK_EQ(h.type, KX_PT_NOTE);
	CHECK_EQ(h.off, 0x132c000);
	CHECK_EQ(h.paddr, 0x132c000);
	CHECK_EQ(h.filesz, 0x1000);
	T_ROW("kernel text");
	h = ph(buf, 3);
	CHECK_EQ(h.type, KX_PT_LOAD);
	CHECK_EQ(h.flags, 7);
	CHECK_EQ(h.vaddr, 0xffffffffa2000000ull);
	CHECK_EQ(h.paddr, 0x35000000);
	CHECK_EQ(h.off, 0x35000000);
	CHECK_EQ(h.filesz, 42139648);
	CHECK_EQ(h.memsz, 42139648);
	T_ROW("RAM below the crash region (the first 1 MiB left out)");
	h = ph(buf, 4);
	CHECK_EQ(h.type, KX_PT_LOAD);
	CHECK_EQ(h.flags, 7);
	CHECK_EQ(h.paddr, 0x100000);
	CHECK_EQ(h.off, 0x100000);
	CHECK_EQ(h.vaddr, 0xff33c29440100000ull);
	CHECK_EQ(h.filesz, 0x25000000 - 0x100000);
	CHECK_EQ(h.memsz, h.filesz);
	CHECK_EQ(h.align, 0);
	T_ROW("RAM above the crash region");
	h = ph(buf, 5);
	CHECK_EQ(h.paddr, 0x35000000);
	CHECK_EQ(h.vaddr, 0xff33c29475000000ull);
	CHECK_EQ(h.filesz, 0x3ffdf000 - 0x35000000);
}

/* No VMCOREINFO, no text, no direct map: only notes and RAM, p_vaddr 0. */
TEST(crash_core_header_minimal)
{
	struct core_fix f;
	uint8_t buf[1024];
	size_t len;
	unsigned i;

	core_fix(&f);
	f.c.vmcoreinfo.size = 0;
	f.c.text_size = 0;
	f.c.page_offset = 0;
	f.c.ncpu = 1;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(kx_le16(buf + 56), 3);
	CHECK_EQ(len, 64 + 3 * 56);
	CHECK_EQ(ph(buf, 0).type, KX_PT_NOTE);
	for (i = 1; i < 3; i++) {
		T_ROW("load %u", i);
		CHECK_EQ(ph(buf, i).type, KX_PT_LOAD);
		CHECK_EQ(ph(buf, i).vaddr, 0);
	}
}

/* ppc64: the first 64 KiB is dumped from the copy the purgatory made of it
 * (the crash kernel writes its exception vectors there), with a PT_LOAD of
 * its own; the rest of RAM below the crash region follows. */
TEST(crash_core_header_backup)
{
	struct kx_memmap ram;
	struct kx_crash_note cpu = { 0x3ff10000, 0x1a0 };
	struct kx_range ex = { 0x20000000, 0x40000000 };
	struct kx_crash_core c;
	uint8_t buf[1024];
	size_t len = 0;
	uint64_t size = 0;
	unsigned phnum = 0;
	struct phdr h;

	memset(&ram, 0, sizeof(ram));
	REQUIRE(!KX_FAILED(kx_memmap_add(&ram, 0, 0x40000000, KX_MEM_RAM)));
	memset(&c, 0, sizeof(c));
	c.machine = 21; /* EM_PPC64 */
	c.cpu = &cpu;
	c.ncpu = 1;
	c.vmcoreinfo = (struct kx_crash_note){ 0x2800000, 0x10000 };
	c.page_offset = 0xc000000000000000ull;
	c.ram = &ram;
	c.exclude = &ex;
	c.nexclude = 1;
	c.backup = (struct kx_range){ 0, 0x10000 };
	c.backup_to = 0x3ffd0000;
	CHECK_OK(kx_crash_core_size(&c, &size, &phnum));
	CHECK_EQ(phnum, 4); /* note + VMCOREINFO + backup + RAM */
	REQUIRE(!KX_FAILED(kx_crash_core_build(&c, buf, sizeof(buf), &len)));
	CHECK_EQ(len, 64 + 4 * 56);
	CHECK_EQ(kx_le16(buf + 18), 21);
	T_ROW("the backup: the first 64 KiB, read from the copy");
	h = ph(buf, 2);
	CHECK_EQ(h.type, KX_PT_LOAD);
	CHECK_EQ(h.flags, 7);
	CHECK_EQ(h.paddr, 0);
	CHECK_EQ(h.vaddr, 0xc000000000000000ull);
	CHECK_EQ(h.off, 0x3ffd0000);
	CHECK_EQ(h.filesz, 0x10000);
	CHECK_EQ(h.memsz, 0x10000);
	T_ROW("RAM from 64 KiB up to the crash region");
	h = ph(buf, 3);
	CHECK_EQ(h.type, KX_PT_LOAD);
	CHECK_EQ(h.paddr, 0x10000);
	CHECK_EQ(h.off, 0x10000);
	CHECK_EQ(h.vaddr, 0xc000000000010000ull);
	CHECK_EQ(h.filesz, 0x20000000 - 0x10000);

	T_ROW("a copy whose range wraps");
	c.backup_to = UINT64_MAX - 0x100;
	CHECK_ERR(kx_crash_core_size(&c, &size, &phnum), KX_E_BAD_HEADER);
	T_ROW("ELF32: a copy above 4 GiB");
	c.backup_to = 0x100000000ull;
	c.elf32 = 1;
	c.page_offset = 0;
	CHECK_ERR(kx_crash_core_build(&c, buf, sizeof(buf), &len), KX_E_BAD_HEADER);
}

TEST(crash_core_header_errors)
{
	struct core_fix f;
	uint8_t buf[4096];
	size_t len = 0;
	uint64_t size;
	struct kx_err e;

	core_fix(&f);
	T_ROW("buffer one byte short");
	e = kx_crash_core_build(&f.c, buf, 64 + 6 * 56 - 1, &len);
	CHECK_ERR(e, KX_E_SCRATCH);
	CHECK_EQ(e.a, 64 + 6 * 56);
	T_ROW("exactly enough");
	CHECK_OK(kx_crash_core_build(&f.c, buf, 64 + 6 * 56, &len));

	T_ROW("too many CPUs");
	core_fix(&f);
	f.c.ncpu = KX_CRASH_MAX_CPUS + 1;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_TOO_MANY);
	T_ROW("too many exclusions");
	core_fix(&f);
	f.c.nexclude = KX_CRASH_MAX_EXCLUDE + 1;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_TOO_MANY);
	T_ROW("empty crash note");
	core_fix(&f);
	f.cpu[1].size = 0;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("crash note wraps");
	core_fix(&f);
	f.cpu[0].paddr = UINT64_MAX - 0x10;
	CHECK_ERR(kx_crash_core_build(&f.c, buf, sizeof(buf), &len), KX_E_BAD_HEADER);
	T_ROW("VMCOREINFO wraps");
	core_fix(&f);
	f.c.vmcoreinfo.paddr = UINT64_MAX - 0x10;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("kernel text wraps");
	core_fix(&f);
	f.c.text_vaddr = UINT64_MAX - 0x1000;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("direct map wraps");
	core_fix(&f);
	f.c.page_offset = UINT64_MAX - 0x1000000;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("notes missing");
	core_fix(&f);
	f.c.cpu = 0;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("no memory map: notes only");
	core_fix(&f);
	f.c.ram = 0;
	CHECK_OK(kx_crash_core_size(&f.c, &size, 0));
	CHECK_EQ(size, 64 + 4 * 56);
}

/* Exclusions in any order, overlapping, at edges, covering whole entries. */
TEST(crash_core_exclusion_table)
{
	static const struct {
		const char *name;
		struct kx_range ex[4];
		unsigned nex;
		unsigned npieces;
		uint64_t piece[4][2];
	} rows[] = {
		{ "none", { { 0, 0 } }, 0, 2, { { 0x1000, 0x9f000 }, { 0x100000, 0x800000 } } },
		{ "inside", { { 0x200000, 0x300000 } }, 1, 3,
		  { { 0x1000, 0x9f000 }, { 0x100000, 0x200000 }, { 0x300000, 0x800000 } } },
		{ "at both edges of an entry", { { 0x100000, 0x180000 }, { 0x700000, 0x800000 } }, 2, 2,
		  { { 0x1000, 0x9f000 }, { 0x180000, 0x700000 } } },
		{ "a whole entry and more", { { 0, 0x100000 } }, 1, 1, { { 0x100000, 0x800000 } } },
		{ "overlapping, unsorted", { { 0x500000, 0x600000 }, { 0x200000, 0x400000 },
					     { 0x300000, 0x550000 } }, 3, 3,
		  { { 0x1000, 0x9f000 }, { 0x100000, 0x200000 }, { 0x600000, 0x800000 } } },
		{ "adjacent", { { 0x200000, 0x300000 }, { 0x300000, 0x400000 } }, 2, 3,
		  { { 0x1000, 0x9f000 }, { 0x100000, 0x200000 }, { 0x400000, 0x800000 } } },
		{ "empty and inverted ranges are ignored", { { 0x200000, 0x200000 }, { 0x400000, 0x300000 } },
		  2, 2, { { 0x1000, 0x9f000 }, { 0x100000, 0x800000 } } },
		{ "everything", { { 0, UINT64_MAX } }, 1, 0, { { 0, 0 } } },
	};
	static const struct mm_ent e[] = {
		{ 0x1000, 0x9f000, KX_MEM_RAM },
		{ 0x9f000, 0x100000, KX_MEM_RESERVED },
		{ 0x100000, 0x800000, KX_MEM_RAM },
		{ 0xfee00000, 0xfee01000, KX_MEM_RESERVED },
	};
	struct kx_crash_note note = { 0x5000, 0x100 };
	struct kx_memmap m;
	uint8_t buf[1024];
	unsigned r, i;

	REQUIRE(mm_set(&m, e, T_ARRAY_SIZE(e)));
	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct kx_crash_core c;
		size_t len;

		T_ROW("%s", rows[r].name);
		memset(&c, 0, sizeof(c));
		c.machine = KX_EM_X86_64;
		c.cpu = &note;
		c.ncpu = 1;
		c.ram = &m;
		c.exclude = rows[r].ex;
		c.nexclude = rows[r].nex;
		if (!CHECK_OK(kx_crash_core_build(&c, buf, sizeof(buf), &len)))
			continue;
		if (!CHECK_EQ(kx_le16(buf + 56), 1 + rows[r].npieces))
			continue;
		for (i = 0; i < rows[r].npieces; i++) {
			struct phdr h = ph(buf, 1 + i);
			CHECK_EQ(h.paddr, rows[r].piece[i][0]);
			CHECK_EQ(h.paddr + h.filesz, rows[r].piece[i][1]);
		}
	}
}

/* Random maps and exclusions on a small page grid: the PT_LOADs are exactly
 * RAM minus the exclusions, in order, never empty, never overlapping; with a
 * direct map's end, no piece crosses it and only those below are mapped. */
TEST(crash_core_matches_reference)
{
	enum { PAGES = 256 };
	uint8_t buf[64 + 56 * 512];
	unsigned seed = 12345, round;

	for (round = 0; round < 2000; round++) {
		struct kx_memmap m;
		struct kx_range ex[KX_CRASH_MAX_EXCLUDE];
		struct kx_crash_note note = { 0x1000, 0x10 };
		struct kx_crash_core c;
		unsigned char want[PAGES], got[PAGES];
		unsigned n, i, p, nex;
		uint64_t last_end = 0;
		size_t len;

		T_ROW("round %u", round);
		memset(&m, 0, sizeof(m));
		memset(want, 0, sizeof(want));
		memset(got, 0, sizeof(got));
		/* disjoint entries, each RAM or reserved */
		for (p = 0; p < PAGES;) {
			unsigned len_p;
			seed = seed * 1103515245 + 12345;
			len_p = 1 + (seed >> 16) % 24;
			if (p + len_p > PAGES)
				len_p = PAGES - p;
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 4) {
				uint32_t type = (seed >> 20) % 3 ? KX_MEM_RAM : KX_MEM_RESERVED;
				REQUIRE(!KX_FAILED(kx_memmap_add(&m, (uint64_t)p * 4096,
								(uint64_t)(p + len_p) * 4096, type)));
				if (type == KX_MEM_RAM)
					memset(want + p, 1, len_p);
			}
			p += len_p;
		}
		seed = seed * 1103515245 + 12345;
		nex = (seed >> 16) % (KX_CRASH_MAX_EXCLUDE + 1);
		for (i = 0; i < nex; i++) {
			unsigned a, b;
			seed = seed * 1103515245 + 12345;
			a = (seed >> 16) % PAGES;
			seed = seed * 1103515245 + 12345;
			b = a + (seed >> 16) % 40;
			if (b > PAGES)
				b = PAGES;
			ex[i] = (struct kx_range){ (uint64_t)a * 4096, (uint64_t)b * 4096 };
			if (a < b)
				memset(want + a, 0, b - a);
		}
		memset(&c, 0, sizeof(c));
		c.cpu = &note;
		c.ncpu = 1;
		c.ram = &m;
		c.exclude = ex;
		c.nexclude = nex;
		if (round % 2) {
			/* a direct map ending somewhere (i386's lowmem): split there */
			seed = seed * 1103515245 + 12345;
			c.page_offset = 0x10000000;
			c.direct_end = (uint64_t)((seed >> 16) % (PAGES + 1)) * 4096;
		}
		if (!CHECK_OK(kx_crash_core_build(&c, buf, sizeof(buf), &len)))
			continue;
		n = kx_le16(buf + 56);
		for (i = 1; i < n; i++) {
			struct phdr h = ph(buf, i);
			if (!CHECK(h.filesz > 0 && h.paddr % 4096 == 0 && h.filesz % 4096 == 0 &&
				   h.paddr >= last_end && h.paddr + h.filesz <= PAGES * 4096ull))
				break;
			if (c.direct_end &&
			    !CHECK(h.paddr + h.filesz <= c.direct_end ? h.vaddr == 0x10000000 + h.paddr
								       : h.paddr >= c.direct_end && !h.vaddr))
				break;
			last_end = h.paddr + h.filesz;
			for (p = (unsigned)(h.paddr / 4096); p < (h.paddr + h.filesz) / 4096; p++)
				got[p] = 1;
		}
		CHECK_MEM(got, want, PAGES);
	}
}

/* ---- ELF32 (32-bit ARM) -------------------------------------------------------- */

/* The guest of tests/e2e/arm/t-kdump.sh: QEMU virt, 1 GiB of RAM at 1 GiB,
 * crashkernel=64M at 0x78000000 (128 MiB aligned), one CPU. */
struct arm_fix {
	struct kx_memmap ram;
	struct kx_crash_note cpu[1];
	struct kx_range ex[2];
	struct kx_crash_core c;
};

static void arm_fix(struct arm_fix *f)
{
	static const struct mm_ent e[] = {
		{ 0x4000000, 0x8000000, KX_MEM_RESERVED }, /* flash: not dumped */
		{ 0x40000000, 0x80000000, KX_MEM_RAM },
	};
	memset(f, 0, sizeof(*f));
	if (!mm_set(&f->ram, e, T_ARRAY_SIZE(e)))
		abort();
	f->cpu[0] = (struct kx_crash_note){ 0x7fd2e0a0, 0xa4 };
	f->ex[0] = (struct kx_range){ 0, 0 }; /* no low 1 MiB on ARM */
	f->ex[1] = (struct kx_range){ 0x78000000, 0x7c000000 };
	f->c.machine = 40; /* EM_ARM */
	f->c.elf32 = 1;
	f->c.cpu = f->cpu;
	f->c.ncpu = 1;
	f->c.vmcoreinfo = (struct kx_crash_note){ 0x41a5f000, 0x1000 };
	f->c.ram = &f->ram;
	f->c.exclude = f->ex;
	f->c.nexclude = 2;
}

TEST(crash_core_header_arm32)
{
	struct arm_fix f;
	uint8_t buf[1024];
	size_t len = 0;
	uint64_t size = 0;
	unsigned phnum = 0;
	static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 1, 1, 1, 0 };
	struct phdr h;

	arm_fix(&f);
	CHECK_OK(kx_crash_core_size(&f.c, &size, &phnum));
	CHECK_EQ(phnum, 4); /* a CPU note + VMCOREINFO + RAM below and above the region */
	CHECK_EQ(size, 52 + 4 * 32);
	memset(buf, 0xee, sizeof(buf));
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(len, size);
	CHECK_MEM(buf, ident, 16);
	CHECK_EQ(kx_le16(buf + 16), 4);     /* ET_CORE */
	CHECK_EQ(kx_le16(buf + 18), 40);    /* EM_ARM */
	CHECK_EQ(kx_le32(buf + 20), 1);     /* EV_CURRENT */
	CHECK_EQ(kx_le32(buf + 24), 0);     /* e_entry */
	CHECK_EQ(kx_le32(buf + 28), 52);    /* e_phoff */
	CHECK_EQ(kx_le32(buf + 32), 0);     /* e_shoff */
	CHECK_EQ(kx_le32(buf + 36), 0);     /* e_flags */
	CHECK_EQ(kx_le16(buf + 40), 52);    /* e_ehsize */
	CHECK_EQ(kx_le16(buf + 42), 32);    /* e_phentsize */
	CHECK_EQ(kx_le16(buf + 44), 4);     /* e_phnum */
	CHECK_EQ(kx_le16(buf + 46), 0);     /* e_shentsize */
	CHECK_EQ(kx_le16(buf + 48), 0);     /* e_shnum */
	CHECK_EQ(kx_le16(buf + 50), 0);     /* e_shstrndx */
	CHECK_EQ(buf[len], 0xee);
	T_ROW("cpu note");
	h = ph32(buf, 0);
	CHECK_EQ(h.type, KX_PT_NOTE);
	CHECK_EQ(h.flags, 0);
	CHECK_EQ(h.off, 0x7fd2e0a0);
	CHECK_EQ(h.paddr, 0x7fd2e0a0);
	CHECK_EQ(h.vaddr, 0);
	CHECK_EQ(h.filesz, 0xa4);
	CHECK_EQ(h.memsz, 0xa4);
	CHECK_EQ(h.align, 0);
	T_ROW("vmcoreinfo");
	h = ph32(buf, 1);
	CHECK_EQ(h.type, KX_PT_NOTE);
	CHECK_EQ(h.off, 0x41a5f000);
	CHECK_EQ(h.filesz, 0x1000);
	T_ROW("RAM below the region: from the very start of RAM");
	h = ph32(buf, 2);
	CHECK_EQ(h.type, KX_PT_LOAD);
	CHECK_EQ(h.flags, 7);
	CHECK_EQ(h.off, 0x40000000);
	CHECK_EQ(h.paddr, 0x40000000);
	CHECK_EQ(h.vaddr, 0);
	CHECK_EQ(h.filesz, 0x38000000);
	CHECK_EQ(h.memsz, 0x38000000);
	T_ROW("RAM above the region, to the end of the 32-bit space");
	h = ph32(buf, 3);
	CHECK_EQ(h.paddr, 0x7c000000);
	CHECK_EQ(h.filesz, 0x4000000);

	T_ROW("direct map: PAGE_OFFSET 0xc0000000 - PHYS_OFFSET 0x40000000");
	f.c.page_offset = 0x80000000;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(ph32(buf, 2).vaddr, 0xc0000000);
	CHECK_EQ(ph32(buf, 3).vaddr, 0xfc000000);
	T_ROW("a direct-map address beyond 32 bits is written as 0");
	f.c.page_offset = 0xc0000000;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(ph32(buf, 2).vaddr, 0);
	CHECK_EQ(ph32(buf, 2).paddr, 0x40000000);
	CHECK_EQ(ph32(buf, 3).vaddr, 0);
	f.c.page_offset = 0x80000000;

	T_ROW("the same with a kernel text mapping: 32-bit fields");
	f.c.text_vaddr = 0xc0208000;
	f.c.text_paddr = 0x40208000;
	f.c.text_size = 0x1000000;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(len, 52 + 5 * 32);
	h = ph32(buf, 2);
	CHECK_EQ(h.type, KX_PT_LOAD);
	CHECK_EQ(h.vaddr, 0xc0208000);
	CHECK_EQ(h.paddr, 0x40208000);
	CHECK_EQ(h.filesz, 0x1000000);
}

/* What ELF32 cannot say is refused, not truncated. */
TEST(crash_core_header_arm32_limits)
{
	struct arm_fix f;
	uint8_t buf[1024];
	size_t len = 0;
	uint64_t size;
	static const struct mm_ent high[] = {
		{ 0x40000000, 0x80000000, KX_MEM_RAM },
		{ 0x100000000ull, 0x140000000ull, KX_MEM_RAM }, /* LPAE: RAM above 4 GiB */
	};
	static const struct mm_ent top[] = { { 0xc0000000ull, 0x100000000ull, KX_MEM_RAM } };

	arm_fix(&f);
	T_ROW("buffer one byte short");
	CHECK_ERR(kx_crash_core_build(&f.c, buf, 52 + 4 * 32 - 1, &len), KX_E_SCRATCH);
	T_ROW("exactly enough");
	CHECK_OK(kx_crash_core_build(&f.c, buf, 52 + 4 * 32, &len));
	T_ROW("RAM above 4 GiB");
	REQUIRE(mm_set(&f.ram, high, T_ARRAY_SIZE(high)));
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("the same excluded: fine");
	f.ex[0] = (struct kx_range){ 0x100000000ull, 0x140000000ull };
	CHECK_OK(kx_crash_core_size(&f.c, &size, 0));
	T_ROW("RAM ending exactly at 4 GiB");
	arm_fix(&f);
	REQUIRE(mm_set(&f.ram, top, T_ARRAY_SIZE(top)));
	if (CHECK_OK(kx_crash_core_build(&f.c, buf, sizeof(buf), &len))) {
		CHECK_EQ(ph32(buf, 2).paddr, 0xc0000000);
		CHECK_EQ(ph32(buf, 2).filesz, 0x40000000);
	}
	T_ROW("crash note above 4 GiB");
	arm_fix(&f);
	f.cpu[0].paddr = 0x100000000ull;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("crash note crossing 4 GiB");
	f.cpu[0].paddr = 0xfffffff0;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("VMCOREINFO above 4 GiB");
	arm_fix(&f);
	f.c.vmcoreinfo.paddr = 0x100000000ull;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
	T_ROW("kernel text above 4 GiB");
	arm_fix(&f);
	f.c.text_vaddr = 0xfff00000;
	f.c.text_paddr = 0x40000000;
	f.c.text_size = 0x200000;
	CHECK_ERR(kx_crash_core_size(&f.c, &size, 0), KX_E_BAD_HEADER);
}

/* i386 without /proc/kcore: the direct map (PAGE_OFFSET 0xc0000000) ends
 * inside lowmem; RAM pieces are split there and highmem gets p_vaddr 0. */
TEST(crash_core_direct_end_i386)
{
	static const struct mm_ent e[] = {
		{ 0x1000, 0x9fc00, KX_MEM_RAM },
		{ 0x100000, 0x3ffdf000, KX_MEM_RAM },
	};
	static const struct { uint64_t paddr, vaddr, size; } want[] = {
		{ 0x100000, 0xc0100000, 0x1c000000 - 0x100000 },
		{ 0x20000000, 0xe0000000, 0x37000000 - 0x20000000 },
		{ 0x37000000, 0, 0x3ffdf000 - 0x37000000 },
	};
	struct arm_fix f;
	uint8_t buf[1024];
	size_t len = 0;
	unsigned i;

	arm_fix(&f);
	REQUIRE(mm_set(&f.ram, e, T_ARRAY_SIZE(e)));
	f.c.machine = KX_EM_386;
	f.ex[0] = (struct kx_range){ 0, KX_CRASH_LOW };
	f.ex[1] = (struct kx_range){ 0x1c000000, 0x20000000 };
	f.c.page_offset = 0xc0000000;
	f.c.direct_end = 0x37000000;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(kx_le16(buf + 18), 3);
	REQUIRE(CHECK_EQ(kx_le16(buf + 44), 2 + 3));
	for (i = 0; i < 3; i++) {
		struct phdr h = ph32(buf, 2 + i);
		T_ROW("load %u", i);
		CHECK_EQ(h.type, KX_PT_LOAD);
		CHECK_EQ(h.paddr, want[i].paddr);
		CHECK_EQ(h.off, want[i].paddr);
		CHECK_EQ(h.vaddr, want[i].vaddr);
		CHECK_EQ(h.filesz, want[i].size);
	}
	T_ROW("direct_end inside an excluded range: nothing extra");
	f.c.direct_end = 0x1e000000;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(kx_le16(buf + 44), 2 + 2);
	CHECK_EQ(ph32(buf, 2).vaddr, 0xc0100000);
	CHECK_EQ(ph32(buf, 3).vaddr, 0);
	T_ROW("direct_end 0: no split, every piece mapped");
	f.c.direct_end = 0;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, buf, sizeof(buf), &len)));
	CHECK_EQ(kx_le16(buf + 44), 2 + 2);
	CHECK_EQ(ph32(buf, 3).vaddr, 0xe0000000);
}

/* ELF32 and ELF64 headers of the same description say the same thing. */
TEST(crash_core_elf32_matches_elf64)
{
	struct arm_fix f;
	uint8_t b32[1024], b64[1024];
	size_t l32, l64;
	unsigned i;

	arm_fix(&f);
	f.c.page_offset = 0x80000000;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, b32, sizeof(b32), &l32)));
	f.c.elf32 = 0;
	REQUIRE(!KX_FAILED(kx_crash_core_build(&f.c, b64, sizeof(b64), &l64)));
	CHECK_EQ(b32[4], 1);
	CHECK_EQ(b64[4], 2);
	CHECK_EQ(kx_le16(b32 + 44), kx_le16(b64 + 56));
	for (i = 0; i < kx_le16(b32 + 44); i++) {
		struct phdr a = ph32(b32, i), b = ph(b64, i);
		T_ROW("phdr %u", i);
		CHECK_EQ(a.type, b.type);
		CHECK_EQ(a.flags, b.flags);
		CHECK_EQ(a.off, b.off);
		CHECK_EQ(a.paddr, b.paddr);
		CHECK_EQ(a.filesz, b.filesz);
		CHECK_EQ(a.memsz, b.memsz);
		/* a vaddr ELF32 cannot hold is 0 there */
		CHECK_EQ(a.vaddr, b.vaddr > 0xffffffffull ? 0 : b.vaddr);
	}
}

TEST(crash_cmdline_mem_table)
{
	static const struct {
		const char *in;
		struct kx_range usable;
		const char *want;
	} rows[] = {
		{ "", { 0x78000000, 0x7bf00000 }, "mem=0x3f00000@0x78000000" },
		{ "console=ttyAMA0", { 0x78000000, 0x7bf00000 }, "console=ttyAMA0 mem=0x3f00000@0x78000000" },
		{ "mem=512M a mem=1G@0x40000000 b", { 0x80000000, 0x80100000 }, "a b mem=0x100000@0x80000000" },
		{ "mem=1G quiet", { 0, 0 }, "quiet" },
		{ "memmap=1G memtest=1 xmem=3", { 0x1000, 0x2000 }, "memmap=1G memtest=1 xmem=3 mem=0x1000@0x1000" },
		{ "x=\"mem=5 y\"", { 0x1000, 0x2000 }, "x=\"mem=5 y\" mem=0x1000@0x1000" },
	};
	char buf[256];
	unsigned r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		T_ROW("'%s'", rows[r].in);
		snprintf(buf, sizeof(buf), "%s", rows[r].in);
		if (CHECK_OK(kx_crash_cmdline_mem(buf, sizeof(buf), rows[r].usable)))
			CHECK_STR(buf, rows[r].want);
		/* twice: the same line (no growth) */
		if (CHECK_OK(kx_crash_cmdline_mem(buf, sizeof(buf), rows[r].usable)))
			CHECK_STR(buf, rows[r].want);
	}
	T_ROW("then elfcorehdr=, as kx -p on arm composes it");
	snprintf(buf, sizeof(buf), "console=ttyAMA0");
	CHECK_OK(kx_crash_cmdline_mem(buf, sizeof(buf), (struct kx_range){ 0x78000000, 0x7bf00000 }));
	CHECK_OK(kx_crash_cmdline(buf, sizeof(buf), 0x7bf00000));
	CHECK_STR(buf, "console=ttyAMA0 mem=0x3f00000@0x78000000 elfcorehdr=0x7bf00000");
	T_ROW("too long");
	snprintf(buf, sizeof(buf), "a");
	CHECK_ERR(kx_crash_cmdline_mem(buf, 20, (struct kx_range){ 0x78000000, 0x7bf00000 }),
		  KX_E_CMDLINE_TOO_LONG);
	CHECK_STR(buf, "a");
	CHECK_ERR(kx_crash_cmdline_mem(buf, 0, (struct kx_range){ 0, 0 }), KX_E_CMDLINE_TOO_LONG);
}

/* ---- the crash kernel's memory map ------------------------------------------------ */

TEST(crash_memmap_qemu)
{
	struct kx_memmap sys, out;
	static const struct mm_ent fw[] = {
		{ 0x0, 0x9fc00, KX_MEM_RAM },
		{ 0x9fc00, 0xa0000, KX_MEM_RESERVED },
		{ 0xf0000, 0x100000, KX_MEM_RESERVED },
		{ 0x100000, 0x3ffdf000, KX_MEM_RAM },
		{ 0x3ffdf000, 0x40000000, KX_MEM_RESERVED },
		{ 0x7f000000, 0x7f100000, KX_MEM_ACPI },
		{ 0x7f100000, 0x7f200000, KX_MEM_NVS },
		{ 0xb0000000, 0xc0000000, KX_MEM_RESERVED },
		{ 0x100000000, 0x140000000, KX_MEM_RAM },
		{ 0x140000000, 0x150000000, KX_MEM_PMEM },
	};
	static const struct mm_ent want[] = {
		{ 0x0, 0x9fc00, KX_MEM_RAM },
		{ 0x9fc00, 0xa0000, KX_MEM_RESERVED },
		{ 0xf0000, 0x100000, KX_MEM_RESERVED },
		{ 0x25000000, 0x34fff000, KX_MEM_RAM },   /* the region, minus the header */
		{ 0x3ffdf000, 0x40000000, KX_MEM_RESERVED },
		{ 0x7f000000, 0x7f100000, KX_MEM_ACPI },
		{ 0x7f100000, 0x7f200000, KX_MEM_NVS },
		{ 0xb0000000, 0xc0000000, KX_MEM_RESERVED },
		{ 0x140000000, 0x150000000, KX_MEM_PMEM },
	};
	unsigned i;

	REQUIRE(mm_set(&sys, fw, T_ARRAY_SIZE(fw)));
	memset(&out, 0x5a, sizeof(out));
	REQUIRE(!KX_FAILED(kx_crash_memmap(&sys, &qemu_crash, 1,
					   (struct kx_range){ 0x34fff000, 0x35000000 }, &out)));
	REQUIRE(CHECK_EQ(out.n, T_ARRAY_SIZE(want)));
	for (i = 0; i < out.n; i++) {
		T_ROW("entry %u", i);
		CHECK_EQ(out.e[i].start, want[i].start);
		CHECK_EQ(out.e[i].end, want[i].end);
		CHECK_EQ(out.e[i].type, want[i].type);
	}
	T_ROW_CLEAR();
	CHECK_EQ(kx_memmap_ram(&out), 0x9fc00 + 0xffff000);
}

TEST(crash_memmap_holes)
{
	static const struct {
		const char *name;
		struct kx_range hole;
		unsigned n;
		uint64_t ram[2][2];
	} rows[] = {
		{ "no hole", { 0, 0 }, 1, { { 0x10000000, 0x20000000 } } },
		{ "hole outside", { 0x30000000, 0x30001000 }, 1, { { 0x10000000, 0x20000000 } } },
		{ "at the bottom", { 0x10000000, 0x10002000 }, 1, { { 0x10002000, 0x20000000 } } },
		{ "at the top", { 0x1ffff000, 0x20000000 }, 1, { { 0x10000000, 0x1ffff000 } } },
		{ "in the middle", { 0x18000000, 0x18001000 }, 2,
		  { { 0x10000000, 0x18000000 }, { 0x18001000, 0x20000000 } } },
		{ "overhanging the top", { 0x1ffff000, 0x20100000 }, 1, { { 0x10000000, 0x1ffff000 } } },
		{ "leaves less than a page", { 0x10000800, 0x1ffff800 }, 0, { { 0, 0 } } },
		{ "all of it", { 0x0, 0x40000000 }, 0, { { 0, 0 } } },
	};
	struct kx_memmap sys, out;
	struct kx_range region = { 0x10000000, 0x20000000 };
	unsigned r, i, k;

	memset(&sys, 0, sizeof(sys));
	REQUIRE(!KX_FAILED(kx_memmap_add(&sys, 0x100000, 0x40000000, KX_MEM_RAM)));
	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		T_ROW("%s", rows[r].name);
		if (!CHECK_OK(kx_crash_memmap(&sys, &region, 1, rows[r].hole, &out)))
			continue;
		for (i = 0, k = 0; i < out.n; i++) {
			if (out.e[i].type != KX_MEM_RAM)
				continue;
			if (k < rows[r].n) {
				CHECK_EQ(out.e[i].start, rows[r].ram[k][0]);
				CHECK_EQ(out.e[i].end, rows[r].ram[k][1]);
			}
			k++;
		}
		CHECK_EQ(k, rows[r].n);
	}
}

/* A low region too (crashkernel=X,high), and the limits. */
TEST(crash_memmap_regions_and_limits)
{
	struct kx_memmap sys, out;
	struct kx_range two[2] = { { 0x2000000000ull, 0x2010000000ull }, { 0x30000000, 0x40000000 } };
	struct kx_range many[KX_CRASH_MAX_REGIONS + 1];
	struct kx_err e;
	unsigned i;

	mm_std(&sys);
	REQUIRE(!KX_FAILED(kx_crash_memmap(&sys, two, 2, (struct kx_range){ 0x200ffff000ull,
									      0x2010000000ull }, &out)));
	CHECK_EQ(kx_memmap_ram(&out), 0x9fc00 + 0x10000000 + 0xffff000);
	for (i = 1; i < out.n; i++)
		CHECK(out.e[i - 1].start <= out.e[i].start);

	for (i = 0; i < T_ARRAY_SIZE(many); i++)
		many[i] = (struct kx_range){ 0x10000000ull * (i + 1), 0x10000000ull * (i + 1) + 0x100000 };
	T_ROW("too many regions");
	CHECK_ERR(kx_crash_memmap(&sys, many, T_ARRAY_SIZE(many), (struct kx_range){ 0, 0 }, &out),
		  KX_E_TOO_MANY);
	T_ROW("an empty region");
	many[0].end = many[0].start;
	CHECK_ERR(kx_crash_memmap(&sys, many, 1, (struct kx_range){ 0, 0 }, &out), KX_E_MEMMAP);
	T_ROW("a full map");
	memset(&sys, 0, sizeof(sys));
	for (i = 0; i < KX_MEMMAP_MAX; i++)
		REQUIRE(!KX_FAILED(kx_memmap_add(&sys, 0x200000000ull + i * 0x2000ull,
						 0x200000000ull + i * 0x2000ull + 0x1000, KX_MEM_RESERVED)));
	e = kx_crash_memmap(&sys, two, 1, (struct kx_range){ 0, 0 }, &out);
	CHECK_ERR(e, KX_E_TOO_MANY);
}

/* ---- the command line ----------------------------------------------------------------- */

TEST(crash_cmdline_table)
{
	static const struct {
		const char *in;
		uint64_t hdr;
		const char *want;
	} rows[] = {
		{ "", 0x34fff000, "elfcorehdr=0x34fff000" },
		{ "console=ttyS0", 0x1000, "console=ttyS0 elfcorehdr=0x1000" },
		{ "console=ttyS0", 0x123456789abcd000ull, "console=ttyS0 elfcorehdr=0x123456789abcd000" },
		{ "elfcorehdr=0x1000 a elfcorehdr=4K b", 0x2000, "a b elfcorehdr=0x2000" },
		{ "elfcorehdr=1 quiet", 0, "quiet" },
		/* kdump's usual words are the caller's: nothing is added (kexec-tools adds none) */
		{ "root=/dev/vda", 0, "root=/dev/vda" },
		{ "root=/dev/vda", 0x100000, "root=/dev/vda elfcorehdr=0x100000" },
		{ "irqpoll irqpoll nr_cpus=1", 0, "irqpoll irqpoll nr_cpus=1" },
		{ "  a   b  ", 0, "a b" },
		{ "x=\"elfcorehdr=5 y\" elfcorehdrx=1", 0, "x=\"elfcorehdr=5 y\" elfcorehdrx=1" },
	};
	char buf[256];
	unsigned r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		T_ROW("'%s'", rows[r].in);
		snprintf(buf, sizeof(buf), "%s", rows[r].in);
		if (CHECK_OK(kx_crash_cmdline(buf, sizeof(buf), rows[r].hdr)))
			CHECK_STR(buf, rows[r].want);
		/* twice: the same line (no growth) */
		if (CHECK_OK(kx_crash_cmdline(buf, sizeof(buf), rows[r].hdr)))
			CHECK_STR(buf, rows[r].want);
	}
}

TEST(crash_cmdline_limits)
{
	char buf[64];
	struct kx_err e;

	/* "a b elfcorehdr=0x34fff000" is 25 bytes: a 26-byte buffer holds it */
	snprintf(buf, sizeof(buf), "a b");
	CHECK_OK(kx_crash_cmdline(buf, 26, 0x34fff000));
	CHECK_STR(buf, "a b elfcorehdr=0x34fff000");
	snprintf(buf, sizeof(buf), "a b");
	e = kx_crash_cmdline(buf, 25, 0x34fff000);
	CHECK_ERR(e, KX_E_CMDLINE_TOO_LONG);
	CHECK_EQ(e.a, 25);
	CHECK_STR(buf, "a b"); /* unchanged on failure */
	snprintf(buf, sizeof(buf), "012345678901234567890123456789012345678901234567890");
	CHECK_ERR(kx_crash_cmdline(buf, sizeof(buf), 0x1000), KX_E_CMDLINE_TOO_LONG);
	CHECK_ERR(kx_crash_cmdline(buf, 0, 0), KX_E_CMDLINE_TOO_LONG);
}

/* ---- /proc/iomem --------------------------------------------------------------------- */

static const char iomem_qemu[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-3ffdefff : System RAM\n"
	"  25000000-34ffffff : Crash kernel\n"
	"  35000000-36b0ffff : Kernel code\n"
	"3ffdf000-3fffffff : Reserved\n"
	"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"100000000-17fffffff : System RAM\n"
	"  17f000000-17fffffff : Crash kernel\n";

TEST(iomem_find_crash_regions)
{
	struct kx_range r[4];
	unsigned n = 99;

	REQUIRE(CHECK_OK(kx_iomem_find(iomem_qemu, sizeof(iomem_qemu) - 1, "Crash kernel", r, 4, &n)));
	REQUIRE(CHECK_EQ(n, 2));
	CHECK_EQ(r[0].start, 0x25000000);
	CHECK_EQ(r[0].end, 0x35000000);
	CHECK_EQ(r[1].start, 0x17f000000ull);
	CHECK_EQ(r[1].end, 0x180000000ull);
	CHECK_OK(kx_iomem_find(iomem_qemu, sizeof(iomem_qemu) - 1, "Kernel code", r, 4, &n));
	CHECK_EQ(n, 1);
	CHECK_OK(kx_iomem_find(iomem_qemu, sizeof(iomem_qemu) - 1, "Crash", r, 4, &n));
	CHECK_EQ(n, 0);
	T_ROW("limit");
	CHECK_ERR(kx_iomem_find(iomem_qemu, sizeof(iomem_qemu) - 1, "Crash kernel", r, 1, &n),
		  KX_E_TOO_MANY);
	T_ROW("a NUL ends the text");
	CHECK_OK(kx_iomem_find("00000000-00000fff : Reserved\n\0  1000-1fff : Crash kernel\n", 60,
			       "Crash kernel", r, 4, &n));
	CHECK_EQ(n, 0);
}

TEST(iomem_find_hostile)
{
	static const struct { const char *text; enum kx_errcode want; unsigned n; } rows[] = {
		{ "00000000-00000000 : System RAM\n  00000000-00000000 : Crash kernel\n", KX_E_MEMMAP_HIDDEN, 0 },
		{ "", KX_OK, 0 },
		{ "\n\n   \n", KX_OK, 0 },
		{ "1000-1fff Crash kernel\n", KX_E_MEMMAP, 0 },
		{ "zz-1fff : Crash kernel\n", KX_E_MEMMAP, 0 },
		{ "2000-1fff : Crash kernel\n", KX_E_MEMMAP, 0 },
		{ "1000-ffffffffffffffff : Crash kernel\n", KX_E_MEMMAP, 0 },
		{ "10000000000000000-1 : Crash kernel\n", KX_E_MEMMAP, 0 },
		{ "1000-1fff : Crash kernel  \r\n", KX_OK, 1 },
		{ "1000-1fff : Crash kernel", KX_OK, 1 },
	};
	struct kx_range r[2];
	unsigned i, n;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		size_t len = strlen(rows[i].text);
		char *copy = (char *)dup_exact(rows[i].text, len ? len : 1);
		T_ROW("row %u", i);
		CHECK_ERR(kx_iomem_find(copy, len, "Crash kernel", r, 2, &n), rows[i].want);
		if (rows[i].want == KX_OK)
			CHECK_EQ(n, rows[i].n);
		free(copy);
	}
}

/* ---- /proc/kcore ------------------------------------------------------------------------ */

struct kload { uint64_t vaddr, paddr, memsz; uint32_t type; };

static size_t kcore(uint8_t *buf, const struct kload *l, unsigned n)
{
	unsigned i;

	memset(buf, 0, 64 + 56 * (size_t)n);
	memcpy(buf, "\177ELF\2\1\1", 7);
	kx_put16(buf + 16, 4);
	kx_put16(buf + 18, 62);
	kx_put64(buf + 32, 64);
	kx_put16(buf + 52, 64);
	kx_put16(buf + 54, 56);
	kx_put16(buf + 56, (uint16_t)n);
	for (i = 0; i < n; i++) {
		uint8_t *p = buf + 64 + 56 * i;
		kx_put32(p, l[i].type ? l[i].type : KX_PT_LOAD);
		kx_put64(p + 16, l[i].vaddr);
		kx_put64(p + 24, l[i].paddr);
		kx_put64(p + 32, l[i].memsz);
		kx_put64(p + 40, l[i].memsz);
	}
	return 64 + 56 * (size_t)n;
}

TEST(kcore_parse_linux6)
{
	/* what 6.1's /proc/kcore says on the QEMU guest (KASLR, 5-level paging) */
	static const struct kload l[] = {
		{ 0, 0, 0x1000, KX_PT_NOTE },
		{ 0xffffffffa2000000ull, 0x35000000, 42139648, 0 },               /* KCORE_TEXT */
		{ 0xffffffffc0000000ull, UINT64_MAX, 0x3f000000, 0 },             /* modules */
		{ 0xff33c29440001000ull, 0x1000, 0x9e000, 0 },                    /* KCORE_RAM */
		{ 0xff33c29440100000ull, 0x100000, 0x3fedf000, 0 },
		{ 0xff33c2a000000000ull, UINT64_MAX, 0x1000000000ull, 0 },        /* vmalloc */
		{ 0xffd4000000000000ull, UINT64_MAX, 0x1000000, 0 },              /* vmemmap */
	};
	uint8_t buf[64 + 56 * 8];
	struct kx_crash_kcore k;
	size_t len = kcore(buf, l, T_ARRAY_SIZE(l));

	REQUIRE(CHECK_OK(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k)));
	CHECK_EQ(k.page_offset, 0xff33c29440000000ull);
	CHECK_EQ(k.text_vaddr, 0xffffffffa2000000ull);
	CHECK_EQ(k.text_paddr, 0x35000000);
	CHECK_EQ(k.text_size, 42139648);
}

/* Old kernels give no p_paddr: the lowest kernel-half mapping, 1 GiB aligned. */
TEST(kcore_parse_without_paddr)
{
	static const struct kload l[] = {
		{ 0xffffffff81000000ull, 0, 0x2000000, 0 },
		{ 0xffffc90000000000ull, 0, 0x1000000000ull, 0 },
		{ 0xffff880000001000ull, 0, 0x9e000, 0 },
		{ 0xffff880000100000ull, 0, 0x3fe00000, 0 },
	};
	uint8_t buf[64 + 56 * 4];
	struct kx_crash_kcore k;
	size_t len = kcore(buf, l, T_ARRAY_SIZE(l));

	REQUIRE(CHECK_OK(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k)));
	CHECK_EQ(k.page_offset, 0xffff880000000000ull);
	CHECK_EQ(k.text_size, 0);
}

TEST(kcore_parse_hostile)
{
	static const struct kload l[] = {
		{ 0xff11000000001000ull, 0x1000, 0x1000, 0 },
		{ 0xff11000000101000ull, 0x100000, 0x1000, 0 }, /* disagrees by a page */
	};
	uint8_t buf[64 + 56 * 4], *copy;
	struct kx_crash_kcore k;
	size_t len = kcore(buf, l, 2);
	size_t cut;

	CHECK_ERR(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k), KX_E_BAD_HEADER);
	len = kcore(buf, l, 1);
	CHECK_OK(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k));
	for (cut = 0; cut < len; cut++) {
		T_ROW("cut at %zu", cut);
		copy = dup_exact(buf, cut ? cut : 1);
		CHECK_ERR(kx_crash_kcore_parse(copy, cut, KX_X86_64_KERNEL_MAP, &k), KX_E_TRUNCATED);
		free(copy);
	}
	T_ROW_CLEAR();
	buf[0] = 0;
	CHECK_ERR(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k), KX_E_BAD_HEADER);
	buf[0] = 0x7f;
	buf[4] = 1;
	CHECK_ERR(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k), KX_E_BAD_HEADER);
	buf[4] = 2;
	kx_put16(buf + 16, 2);
	CHECK_ERR(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k), KX_E_BAD_HEADER);
	kx_put16(buf + 16, 4);
	kx_put16(buf + 54, 32);
	CHECK_ERR(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k), KX_E_BAD_HEADER);
	kx_put16(buf + 54, 56);
	kx_put16(buf + 56, 0xffff);
	CHECK_ERR(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k), KX_E_BAD_HEADER);
	kx_put16(buf + 56, 1);
	kx_put64(buf + 32, UINT64_MAX - 8);
	CHECK_ERR(kx_crash_kcore_parse(buf, len, KX_X86_64_KERNEL_MAP, &k), KX_E_TRUNCATED);
}

/* ---- the crashkernel= estimate -------------------------------------------------------- */

TEST(crash_need_numbers)
{
	struct kx_crash_need n;

	/* the e2e crash kernel: 54.5 MiB loaded, 5.8 MiB unpacked */
	REQUIRE(CHECK_OK(kx_crash_need(57147392, 6082560, &n)));
	CHECK_EQ(n.runtime, KX_CRASH_RUNTIME);
	CHECK(n.total >= n.loaded + n.unpacked + n.runtime + n.memmap);
	/* a struct page per page of the whole: memmap = ceil(rest / 63) */
	CHECK_EQ(n.memmap, (n.loaded + n.unpacked + n.runtime + 62) / 63);
	CHECK_EQ(n.total % MiB, 0);
	CHECK_EQ(n.suggest % (16 * MiB), 0);
	CHECK(n.suggest >= n.total && n.suggest - n.total < 16 * MiB);
	CHECK_EQ(n.total, 127 * MiB);
	CHECK_EQ(n.suggest, 128 * MiB);
	REQUIRE(CHECK_OK(kx_crash_need(0, 0, &n)));
	CHECK_EQ(n.total, 66 * MiB); /* 64 MiB + 1.02 MiB, rounded up */
	CHECK_EQ(n.suggest, 80 * MiB);
	CHECK_ERR(kx_crash_need(UINT64_MAX - 5, 10, &n), KX_E_NO_SPACE);
	CHECK_ERR(kx_crash_need(UINT64_MAX / 2, 0, &n), KX_E_NO_SPACE);
	CHECK_ERR(kx_crash_need(1, UINT64_MAX - 2, &n), KX_E_NO_SPACE);
}

/* newc cpio entry: header, name, data, each padded to 4 bytes */
static size_t cpio_add(uint8_t *p, const char *name, size_t fsz, int real)
{
	char hdr[111];
	size_t nl = strlen(name) + 1, off;

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1,
		 0100644, 0, 0, 1, 0, (unsigned)fsz, 0, 0, 0, 0, (unsigned)nl, 0);
	memcpy(p, hdr, 110);
	memcpy(p + 110, name, nl);
	off = (110 + nl + 3) & ~(size_t)3;
	memset(p + 110 + nl, 0, off - 110 - nl);
	if (real)
		memset(p + off, 'x', fsz);
	off = (off + fsz + 3) & ~(size_t)3;
	return off;
}

TEST(initramfs_unpacked_estimates)
{
	uint8_t *b = calloc(1, 1 << 20);
	size_t n = 0;
	static const uint8_t zstd_fcs4[] = { 0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0x00, 0x00, 0x10, 0x00 };
	static const uint8_t zstd_nofcs[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0, 0, 0, 0, 0, 0 };

	REQUIRE(b);
	T_ROW("uncompressed newc: file data in whole pages");
	n += cpio_add(b + n, "init", 5000, 1);        /* 2 pages */
	n += cpio_add(b + n, "bin", 0, 1);            /* a directory: nothing */
	n += cpio_add(b + n, "bin/busybox", 4096, 1); /* 1 page */
	n += cpio_add(b + n, "TRAILER!!!", 0, 1);
	CHECK_EQ(kx_initramfs_unpacked(b, n), 3 * 4096);
	T_ROW("padding, then a second archive");
	memset(b + n, 0, 512);
	n += 512;
	n += cpio_add(b + n, "kernel/x86/microcode/GenuineIntel.bin", 10000, 1);
	n += cpio_add(b + n, "TRAILER!!!", 0, 1);
	CHECK_EQ(kx_initramfs_unpacked(b, n), 6 * 4096);
	T_ROW("then a gzip member whose ISIZE says 3 MiB");
	b[n] = 0x1f, b[n + 1] = 0x8b;
	memset(b + n + 2, 0x55, 1000);
	kx_put32(b + n + 1000, 3 << 20);
	CHECK_EQ(kx_initramfs_unpacked(b, n + 1004), 6 * 4096 + (3 << 20));
	T_ROW("an implausible ISIZE (smaller than the data): 4 times");
	kx_put32(b + n + 1000, 10);
	CHECK_EQ(kx_initramfs_unpacked(b, n + 1004), 6 * 4096 + 4 * 1004);
	T_ROW("zstd with a 4-byte content size");
	memcpy(b, zstd_fcs4, sizeof(zstd_fcs4));
	CHECK_EQ(kx_initramfs_unpacked(b, 4096), 0x100000);
	T_ROW("zstd without a content size");
	memcpy(b, zstd_nofcs, sizeof(zstd_nofcs));
	CHECK_EQ(kx_initramfs_unpacked(b, 4096), 4 * 4096);
	T_ROW("unknown (xz): 4 times");
	memcpy(b, "\xfd" "7zXZ", 6);
	CHECK_EQ(kx_initramfs_unpacked(b, 1000), 4000);
	T_ROW("zeros only");
	memset(b, 0, 4096);
	CHECK_EQ(kx_initramfs_unpacked(b, 4096), 0);
	CHECK_EQ(kx_initramfs_unpacked(b, 0), 0);
	free(b);
}

TEST(initramfs_unpacked_hostile)
{
	uint8_t b[4096];
	size_t n, cut;
	uint8_t *copy;

	memset(b, 0, sizeof(b));
	n = cpio_add(b, "a", 1000, 1);
	n += cpio_add(b + n, "TRAILER!!!", 0, 1);
	for (cut = 1; cut < n; cut++) {
		uint64_t v;
		T_ROW("cut at %zu", cut);
		copy = dup_exact(b, cut);
		v = kx_initramfs_unpacked(copy, cut);
		CHECK(v <= 4096 + 4 * (uint64_t)cut);
		free(copy);
	}
	T_ROW("a file size past the end");
	memset(b, 0, sizeof(b));
	n = cpio_add(b, "a", 100, 1);
	memcpy(b + 54, "FFFFFFF0", 8);
	CHECK_EQ(kx_initramfs_unpacked(b, n), 4 * (uint64_t)n);
	T_ROW("a name size past the end");
	n = cpio_add(b, "a", 100, 1);
	memcpy(b + 94, "7FFFFFFF", 8);
	CHECK_EQ(kx_initramfs_unpacked(b, n), 4 * (uint64_t)n);
	T_ROW("not hex");
	n = cpio_add(b, "a", 100, 1);
	memcpy(b + 54, "0000010G", 8);
	CHECK_EQ(kx_initramfs_unpacked(b, n), 4 * (uint64_t)n);
}

/* ---- a whole crash plan through the bzImage loader ---------------------------------- */

/*
 * What crash_prepare sets up for kx -p -c: the core header at the top of the
 * region, the crash kernel's memory map in sys.mem, the window = the region.
 * The loader must place everything inside the region, around the header, and
 * the zero page must carry exactly the crash kernel's map.
 */
TEST(crash_plan_bzimage)
{
	struct bz_spec spec;
	struct kx_sysinfo *si = calloc(1, sizeof(*si));
	struct kx_memmap *sys = calloc(1, sizeof(*sys));
	struct kx_plan *p = calloc(1, sizeof(*p));
	struct core_fix *f = calloc(1, sizeof(*f));
	uint8_t *img, hdr[1024], *scratch = calloc(1, 80 * 1024), rd[100000];
	char cmd[256] = "console=ttyS0 panic=-1";
	struct kx_load_req req;
	uint64_t at;
	size_t len, hlen;
	unsigned i, n;
	const uint8_t *zp;

	REQUIRE(si && sys && p && f && scratch);
	core_fix(f);
	qemu_ram(sys);
	bz_spec_default(&spec);
	spec.init_size = 48 * MiB;
	img = bz_build(&spec, &len);
	REQUIRE(img);
	memset(rd, 0x42, sizeof(rd));
	REQUIRE(CHECK_OK(kx_crash_core_build(&f->c, hdr, sizeof(hdr), &hlen)));
	REQUIRE(kx_plan_place(p, sys, (struct kx_window){ qemu_crash.start, qemu_crash.end },
			      &(struct kx_place){ .size = 4096, .align = 4096, .within = qemu_crash,
						  .top_down = true }, &at));
	CHECK_EQ(at, 0x34fff000);
	REQUIRE(CHECK_OK(kx_plan_add(p, "elfcorehdr", "built", hdr, hlen, at, 4096)));
	REQUIRE(CHECK_OK(kx_crash_memmap(sys, &qemu_crash, 1, (struct kx_range){ at, at + 4096 },
					 &si->mem)));
	REQUIRE(CHECK_OK(kx_crash_cmdline(cmd, sizeof(cmd), at)));
	CHECK_STR(cmd, "console=ttyS0 panic=-1 elfcorehdr=0x34fff000");

	memset(&req, 0, sizeof(req));
	req.image = (struct kx_blob){ img, len, "vmlinuz" };
	req.initrd[0] = (struct kx_blob){ rd, sizeof(rd), "initrd" };
	req.ninitrd = 1;
	req.cmdline = cmd;
	req.window = (struct kx_window){ qemu_crash.start, qemu_crash.end };
	req.sys = si;
	req.scratch = scratch;
	req.scratch_len = 80 * 1024;
	REQUIRE(CHECK_OK(kx_bzimage_load(&req, p)));
	for (i = 0; i < p->nseg; i++) {
		T_ROW("segment %s", p->seg[i].purpose);
		CHECK(p->seg[i].mem >= qemu_crash.start);
		CHECK(p->seg[i].mem + p->seg[i].memsz <= qemu_crash.end);
	}
	T_ROW_CLEAR();
	CHECK_EQ(p->seg[1].mem, qemu_crash.start); /* the kernel: at the bottom */
	CHECK_OK(kx_plan_validate(p, sys));        /* against the system's map, as the tool does */
	/* against the crash view, the header is not RAM: the reason for crash_validate_map */
	CHECK_ERR(kx_plan_validate(p, &si->mem), KX_E_SEG_NOT_RAM);

	zp = p->seg[p->nseg - 1].buf;
	REQUIRE(!strcmp(p->seg[p->nseg - 1].purpose, "boot-params"));
	n = zp[ZP_E820_ENTRIES];
	REQUIRE(CHECK_EQ(n, si->mem.n));
	for (i = 0; i < n; i++) {
		const uint8_t *e = zp + ZP_E820_TABLE + 20 * i;
		T_ROW("e820 %u", i);
		CHECK_EQ(kx_le64(e), si->mem.e[i].start);
		CHECK_EQ(kx_le64(e + 8), si->mem.e[i].end - si->mem.e[i].start);
		CHECK_EQ(kx_le32(e + 16), si->mem.e[i].type);
	}
	free(img);
	free(si);
	free(sys);
	free(p);
	free(f);
	free(scratch);
}
