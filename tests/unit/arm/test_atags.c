/* 32-bit ARM: the ATAGS list, byte by byte, its bounds, and the zImage
 * loader with ATAGS instead of a device tree (make unit-arm). */
#include <stdlib.h>
#include <string.h>
#include <kx/bytes.h>
#include "arm_fix.h"
#include "t.h"

/* little-endian words, as the kernel reads them */
static void words(uint8_t *out, const uint32_t *w, unsigned n)
{
	unsigned i;
	for (i = 0; i < n; i++)
		kx_put32(out + 4 * i, w[i]);
}

TEST(atags_bytes)
{
	static const uint32_t want[] = {
		5, 0x54410001, 1, 4096, 0,                     /* ATAG_CORE */
		4, 0x54410002, 0x10000000, 0x40000000,         /* ATAG_MEM 256 MiB at 1 GiB */
		4, 0x54410002, 0x08000000, 0x60000000,         /* ATAG_MEM 128 MiB at 1.5 GiB */
		4, 0x54420005, 0x40800000, 0x2345,             /* ATAG_INITRD2 */
		2 + 3, 0x54410009, 0x736e6f63, 0x3d656c6f, 0x00000078, /* "console=x" + NUL, padded */
		0, 0,                                          /* ATAG_NONE */
	};
	uint8_t exp[sizeof(want)], buf[KX_ATAGS_MAX];
	struct kx_memmap m;
	size_t len = 1;

	memset(&m, 0, sizeof(m));
	/* two RAM entries that touch are one run; a hole, RAM at 1.5 GiB; a
	 * reserved range and RAM at 4 GiB and above are left out */
	kx_memmap_add(&m, 0x40000000, 0x48000000, KX_MEM_RAM);
	kx_memmap_add(&m, 0x48000000, 0x50000000, KX_MEM_RAM);
	kx_memmap_add(&m, 0x50000000, 0x50100000, KX_MEM_RESERVED);
	kx_memmap_add(&m, 0x60000000, 0x68000000, KX_MEM_RAM);
	kx_memmap_add(&m, 0x100000000ull, 0x140000000ull, KX_MEM_RAM);
	words(exp, want, sizeof(want) / 4);
	memset(buf, 0xa5, sizeof(buf));
	REQUIRE(CHECK_OK(kx_arm_atags_build(&m, 0x40800000, 0x40800000 + 0x2345, "console=x", buf,
					   sizeof(buf), &len)));
	REQUIRE(CHECK_EQ(len, sizeof(exp)));
	CHECK_MEM(buf, exp, sizeof(exp));
	CHECK_EQ(buf[len], 0xa5); /* nothing written past the list */

	T_ROW("no initrd, no command line: CORE, MEM, NONE");
	{
		static const uint32_t w2[] = { 5, 0x54410001, 1, 4096, 0, 4, 0x54410002, 0x10000000,
					       0x40000000, 4, 0x54410002, 0x08000000, 0x60000000, 0, 0 };
		uint8_t e2[sizeof(w2)];
		words(e2, w2, sizeof(w2) / 4);
		REQUIRE(CHECK_OK(kx_arm_atags_build(&m, 0, 0, 0, buf, sizeof(buf), &len)));
		REQUIRE(CHECK_EQ(len, sizeof(e2)));
		CHECK_MEM(buf, e2, sizeof(e2));
		REQUIRE(CHECK_OK(kx_arm_atags_build(&m, 0, 0, "", buf, sizeof(buf), &len)));
		CHECK_EQ(len, sizeof(e2));
	}

	T_ROW("a command line of 4 bytes takes a whole word for its NUL");
	REQUIRE(CHECK_OK(kx_arm_atags_build(&m, 0, 0, "abcd", buf, sizeof(buf), &len)));
	CHECK_EQ(len, 20 + 2 * 16 + 16 + 8);
	CHECK_EQ(kx_le32(buf + 52), 4);          /* 2 header words + "abcd" + NUL word */
	CHECK_EQ(kx_le32(buf + 56), 0x54410009);
	CHECK_MEM(buf + 60, "abcd\0\0\0\0", 8);

	T_ROW("RAM from 0 across 4 GiB: one run, cut at 4 GiB, its size under 4 GiB");
	memset(&m, 0, sizeof(m));
	kx_memmap_add(&m, 0, 0x180000000ull, KX_MEM_RAM);
	REQUIRE(CHECK_OK(kx_arm_atags_build(&m, 0, 0, 0, buf, sizeof(buf), &len)));
	CHECK_EQ(kx_le32(buf + 20), 4);
	CHECK_EQ(kx_le32(buf + 28), 0xfffff000);
	CHECK_EQ(kx_le32(buf + 32), 0);
}

TEST(atags_bounds)
{
	static char longline[KX_ARM_CMDLINE_MAX + 2];
	static char maxline[KX_ARM_CMDLINE_MAX + 1];
	uint8_t buf[KX_ATAGS_MAX + 16];
	struct kx_memmap m;
	size_t len, i, total;
	struct kx_err e;

	memset(&m, 0, sizeof(m));
	T_ROW("no RAM");
	CHECK_ERR(kx_arm_atags_build(&m, 0, 0, 0, buf, sizeof(buf), &len), KX_E_NO_RAM);
	T_ROW("only RAM above 4 GiB");
	kx_memmap_add(&m, 0x100000000ull, 0x140000000ull, KX_MEM_RAM);
	CHECK_ERR(kx_arm_atags_build(&m, 0, 0, 0, buf, sizeof(buf), &len), KX_E_NO_RAM);

	T_ROW("more runs of RAM than ATAG_MEM tags");
	memset(&m, 0, sizeof(m));
	for (i = 0; i < KX_ATAGS_MAX_MEM + 1; i++)
		kx_memmap_add(&m, 0x40000000ull + i * 0x200000ull, 0x40100000ull + i * 0x200000ull,
			      KX_MEM_RAM);
	e = kx_arm_atags_build(&m, 0, 0, 0, buf, sizeof(buf), &len);
	if (CHECK_ERR(e, KX_E_TOO_MANY))
		CHECK_EQ(e.a, KX_ATAGS_MAX_MEM);
	T_ROW("exactly KX_ATAGS_MAX_MEM runs");
	memset(&m, 0, sizeof(m));
	for (i = 0; i < KX_ATAGS_MAX_MEM; i++)
		kx_memmap_add(&m, 0x40000000ull + i * 0x200000ull, 0x40100000ull + i * 0x200000ull,
			      KX_MEM_RAM);
	CHECK_OK(kx_arm_atags_build(&m, 0, 0, 0, buf, sizeof(buf), &len));
	CHECK_EQ(len, 20 + 16 * KX_ATAGS_MAX_MEM + 8);

	T_ROW("the longest command line and every memory tag fit one page");
	memset(maxline, 'x', KX_ARM_CMDLINE_MAX);
	CHECK_OK(kx_arm_atags_build(&m, 0x40000000, 0x40001000, maxline, buf, sizeof(buf), &len));
	CHECK(len <= KX_ATAGS_MAX);
	T_ROW("a command line over the limit");
	memset(longline, 'x', KX_ARM_CMDLINE_MAX + 1);
	CHECK_ERR(kx_arm_atags_build(&m, 0, 0, longline, buf, sizeof(buf), &len),
		  KX_E_CMDLINE_TOO_LONG);
	T_ROW("an initrd ending above 4 GiB, a reversed one");
	CHECK_ERR(kx_arm_atags_build(&m, 0xfffff000ull, 0x100001000ull, 0, buf, sizeof(buf), &len),
		  KX_E_NO_SPACE);
	CHECK_ERR(kx_arm_atags_build(&m, 0x50000000, 0x40000000, 0, buf, sizeof(buf), &len),
		  KX_E_NO_SPACE);

	T_ROW("every buffer size up to the list's: refused, never written past");
	memset(&m, 0, sizeof(m));
	kx_memmap_add(&m, 0x40000000, 0x80000000, KX_MEM_RAM);
	REQUIRE(CHECK_OK(kx_arm_atags_build(&m, 0x41000000, 0x41001000, "root=/dev/vda", buf,
					   sizeof(buf), &len)));
	total = len;
	CHECK_EQ(total, 20 + 16 + 16 + 24 + 8);
	for (i = 0; i < total; i++) {
		memset(buf, 0xa5, sizeof(buf));
		e = kx_arm_atags_build(&m, 0x41000000, 0x41001000, "root=/dev/vda", buf, i, &len);
		if (!CHECK_ERR(e, KX_E_SCRATCH) || !CHECK_EQ(buf[i], 0xa5) || !CHECK_EQ(len, 0))
			break;
	}
	CHECK_EQ(i, total);
	CHECK_OK(kx_arm_atags_build(&m, 0x41000000, 0x41001000, "root=/dev/vda", buf, i, &len));
	CHECK_EQ(len, total);
}

TEST(zimage_load_atags)
{
	struct zi_spec s = { 512 * KiB, 0, 0, 0, 1, 2 * MiB, 300 * KiB, 0x208000, 0x10000, 0 };
	static uint8_t scratch[64 * 1024], rd[70000];
	struct kx_sysinfo si;
	struct kx_load_req r;
	static struct kx_plan p;
	uint8_t *z = arm_zimage(&s);
	const struct kx_segment *k, *i1, *t;
	const uint8_t *b;

	arm_sysinfo(&si);
	si.fdt.buf = 0; /* an ATAGS system: no device tree */
	si.fdt.len = 0;
	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.image = (struct kx_blob){ z, s.len, "zImage" };
	r.initrd[0] = (struct kx_blob){ rd, sizeof(rd), "rd" };
	r.ninitrd = 1;
	r.cmdline = "console=ttyAMA0";
	r.window = (struct kx_window){ 0, UINT64_MAX };
	r.sys = &si;
	r.scratch = scratch;
	r.scratch_len = sizeof(scratch);
	r.atags = 1;
	r.mach_type = 0x8e0; /* 2272, vexpress */
	REQUIRE(CHECK_OK(kx_zimage_load(&r, &p)));
	REQUIRE(CHECK_EQ(p.nseg, 3));
	k = &p.seg[0], i1 = &p.seg[1], t = &p.seg[2];
	CHECK_STR(k->purpose, "kernel");
	CHECK_STR(t->purpose, "atags");
	/* at the start of RAM + 0x1000, one page, below the kernel */
	CHECK_EQ(t->mem, 0x40001000);
	CHECK_EQ(t->memsz, 4096);
	CHECK_STR(p.type, "zimage-atags");
	CHECK_EQ(p.regs[1], 0x8e0);
	CHECK_EQ(p.regs[2], t->mem);
	CHECK_EQ(p.target, k->mem);
	/* the list: CORE, one MEM (QEMU virt's 1 GiB), the initrd, the command line */
	b = t->buf;
	CHECK_EQ(kx_le32(b + 4), KX_ATAG_CORE);
	CHECK_EQ(kx_le32(b + 24), KX_ATAG_MEM);
	CHECK_EQ(kx_le32(b + 28), 0x40000000);
	CHECK_EQ(kx_le32(b + 32), 0x40000000);
	CHECK_EQ(kx_le32(b + 40), KX_ATAG_INITRD2);
	CHECK_EQ(kx_le32(b + 44), i1->mem);
	CHECK_EQ(kx_le32(b + 48), sizeof(rd));
	CHECK_EQ(kx_le32(b + 56), KX_ATAG_CMDLINE);
	CHECK_STR((const char *)b + 60, "console=ttyAMA0");
	CHECK_EQ(kx_le32(b + t->bufsz - 8), 0);
	CHECK_EQ(kx_le32(b + t->bufsz - 4), KX_ATAG_NONE);

	T_ROW("the device tree path leaves r1 to the kernel");
	arm_sysinfo(&si);
	r.atags = 0;
	r.mach_type = 0;
	memset(&p, 0, sizeof(p));
	REQUIRE(CHECK_OK(kx_zimage_load(&r, &p)));
	CHECK_EQ(p.regs[1], 0);
	CHECK_STR(p.seg[p.nseg - 1].purpose, "dtb");

	T_ROW("ATAGS with a classic TEXT_OFFSET (0x8000): still at + 0x1000");
	free(z);
	s.text_offset = 0x8000;
	z = arm_zimage(&s);
	r.image = (struct kx_blob){ z, s.len, "zImage" };
	r.atags = 1;
	memset(&p, 0, sizeof(p));
	REQUIRE(CHECK_OK(kx_zimage_load(&r, &p)));
	CHECK_EQ(p.seg[p.nseg - 1].mem, 0x40001000);

	T_ROW("ATAGS: the first page of RAM taken by --mem-min");
	r.window = (struct kx_window){ 0x40004000, UINT64_MAX };
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_zimage_load(&r, &p), KX_E_NO_SPACE);
	free(z);
}
