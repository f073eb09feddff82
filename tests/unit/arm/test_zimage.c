/* 32-bit ARM: the zImage header and size table, the loader's plan and the
 * device tree it hands over (make unit-arm). */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kx/bytes.h>
#include "arm_fix.h"
#include "t.h"

struct zrow {
	const char *name;
	struct zi_spec s;
	int bad_magic;
	enum kx_errcode want;
	const char *what;
	uint64_t kernel_mem;       /* expected, when KX_OK */
};

TEST(zimage_parse_table)
{
	static const struct zrow rows[] = {
		{ "6.1 armmp-like: KLSZ with text offset", { 64 * KiB, 0, 0, 0, 1, 200 * KiB, 40 * KiB, 0x208000, 0x10000, 0 },
		  0, KX_OK, 0, 0x208000 + 240 * KiB },
		{ "KLSZ, 4 words: TEXT_OFFSET 0x8000 assumed", { 64 * KiB, 0, 0, 0, 1, 200 * KiB, 40 * KiB, 0, 0, 4 },
		  0, KX_OK, 0, 0x8000 + 240 * KiB },
		{ "no table: 4 x the file and 1 MiB", { 64 * KiB, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		  0, KX_OK, 0, 0x8000 + 256 * KiB + MiB },
		{ "appended data after end", { 64 * KiB, 0, 60 * KiB, 0, 0, 0, 0, 0, 0, 0 }, 0, KX_OK, 0,
		  0x8000 + 256 * KiB + MiB },
		{ "truncated header", { 0x3f, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0, KX_E_TRUNCATED, 0, 0 },
		{ "bad magic", { 64 * KiB, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, KX_E_BAD_HEADER, "zImage magic", 0 },
		{ "big-endian (BE8)", { 64 * KiB, 0, 0, KX_ZI_ENDIAN_BE, 0, 0, 0, 0, 0, 0 }, 0, KX_E_BIG_ENDIAN, 0, 0 },
		{ "linked at a fixed address", { 64 * KiB, 0x10008000, 0x10018000, 0, 0, 0, 0, 0, 0, 0 }, 0,
		  KX_E_BAD_HEADER, "zImage load address", 0 },
		{ "end beyond the file", { 64 * KiB, 0, 65 * KiB, 0, 0, 0, 0, 0, 0, 0 }, 0, KX_E_TRUNCATED, 0, 0 },
		{ "end inside the header", { 64 * KiB, 0, 0x20, 0, 0, 0, 0, 0, 0, 0 }, 0, KX_E_BAD_HEADER, "zImage end", 0 },
		{ "text offset not page aligned", { 64 * KiB, 0, 0, 0, 1, 200 * KiB, 0, 0x8010, 0, 0 }, 0,
		  KX_E_BAD_HEADER, "zImage text offset", 0 },
		{ "kernel size 0", { 64 * KiB, 0, 0, 0, 1, 0, 0, 0x8000, 0, 0 }, 0, KX_E_BAD_HEADER,
		  "zImage kernel size", 0 },
		{ "kernel size 4 GiB - 1", { 64 * KiB, 0, 0, 0, 1, 0xffffffff, 0xffffffff, 0x8000, 0, 0 }, 0,
		  KX_E_BAD_HEADER, "zImage kernel size", 0 },
		{ "table entry of 1 word", { 64 * KiB, 0, 0, 0, 1, 200 * KiB, 0, 0, 0, 1 }, 0, KX_E_BAD_HEADER,
		  "zImage size table", 0 },
	};
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		const struct zrow *r = &rows[i];
		size_t alloc = r->s.len < 0x40 ? 0x40 : r->s.len;
		struct zi_spec s = r->s;
		uint8_t *z;
		struct kx_zimage zi;
		struct kx_err e;

		s.len = alloc;
		z = arm_zimage(&s);
		T_ROW("%s", r->name);
		if (r->bad_magic)
			z[KX_ZI_O_MAGIC] ^= 1;
		e = kx_zimage_parse(z, r->s.len, &zi);
		if (CHECK_ERR(e, r->want) && r->what)
			CHECK(e.what && strstr(e.what, r->what));
		if (r->want == KX_E_BIG_ENDIAN)
			CHECK_EQ(e.a, KX_ZI_ENDIAN_BE);
		if (r->want == KX_OK) {
			CHECK_EQ(zi.kernel_mem, (r->kernel_mem + 4095) & ~4095ull);
			CHECK_EQ(zi.have_table, r->s.table);
		}
		CHECK_EQ(kx_zimage_probe(z, r->s.len), r->s.len >= 0x40 && !r->bad_magic);
		free(z);
	}
}

/* A size table whose offsets point outside the file, or that never ends. */
TEST(zimage_table_bounds)
{
	struct zi_spec s = { 64 * KiB, 0, 0, 0, 1, 200 * KiB, 0, 0x8000, 0, 0 };
	struct kx_zimage zi;
	uint8_t *z = arm_zimage(&s);
	uint32_t i;

	kx_put32(z + KX_ZI_O_TABLE, (uint32_t)s.len - 2);
	CHECK_ERR(kx_zimage_parse(z, s.len, &zi), KX_E_BAD_HEADER);
	kx_put32(z + KX_ZI_O_TABLE, 0xffffffff);
	CHECK_ERR(kx_zimage_parse(z, s.len, &zi), KX_E_BAD_HEADER);
	kx_put32(z + KX_ZI_O_TABLE, 0x80);
	kx_put32(z + 0x88, (uint32_t)s.len); /* size_ptr at the end of the file */
	CHECK_ERR(kx_zimage_parse(z, s.len, &zi), KX_E_BAD_HEADER);
	kx_put32(z + 0x88, (uint32_t)s.len - 4);
	CHECK_OK(kx_zimage_parse(z, s.len, &zi));
	/* 100 entries of another tag: the walk gives up, it does not loop */
	for (i = 0; i < 100; i++) {
		kx_put32(z + 0x80 + 8 * i, 2);
		kx_put32(z + 0x84 + 8 * i, 0x11111111);
	}
	CHECK_ERR(kx_zimage_parse(z, s.len, &zi), KX_E_BAD_HEADER);
	free(z);
}

static int u64_prop(const void *fdt, int node, const char *name, uint64_t *v)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, node, name, &len);
	if (!p || (len != 4 && len != 8))
		return 0;
	*v = len == 4 ? fdt32_ld((const fdt32_t *)p) : fdt64_ld((const fdt64_t *)p);
	return 1;
}

TEST(zimage_load_layout)
{
	struct zi_spec s = { 512 * KiB, 0, 0, 0, 1, 2 * MiB, 300 * KiB, 0x208000, 0x10000, 0 };
	static uint8_t scratch[64 * 1024], rd1[5000], rd2[70000];
	struct kx_sysinfo si;
	struct kx_load_req r;
	static struct kx_plan p;
	uint8_t *z = arm_zimage(&s);
	const struct kx_segment *k, *i1, *i2, *d;
	const void *dt;
	uint64_t kend, v, rs, re;
	int chosen, len;

	arm_sysinfo(&si);
	memset(&r, 0, sizeof(r));
	memset(&p, 0, sizeof(p));
	r.image = (struct kx_blob){ z, s.len, "zImage" };
	r.initrd[0] = (struct kx_blob){ rd1, sizeof(rd1), "rd1" };
	r.initrd[1] = (struct kx_blob){ rd2, sizeof(rd2), "rd2" };
	r.ninitrd = 2;
	r.cmdline = "console=ttyAMA0 root=/dev/vda";
	r.window = (struct kx_window){ 0, UINT64_MAX };
	r.sys = &si;
	r.scratch = scratch;
	r.scratch_len = sizeof(scratch);
	REQUIRE(CHECK_OK(kx_zimage_load(&r, &p)));
	REQUIRE(CHECK_EQ(p.nseg, 4));
	k = &p.seg[0], i1 = &p.seg[1], i2 = &p.seg[2], d = &p.seg[3];
	CHECK_STR(k->purpose, "kernel");
	CHECK_STR(d->purpose, "dtb");
	/* the zImage above the unpacked kernel and its bss, in the first 128 MiB */
	kend = 0x40000000 + ((0x208000 + 2 * MiB + 300 * KiB + 4095) & ~4095ull);
	CHECK(k->mem >= kend);
	CHECK(k->mem + k->memsz <= 0x40000000 + 128 * MiB);
	CHECK(k->memsz >= s.len + KX_ZI_SLACK);
	CHECK_EQ(k->bufsz, s.len);
	/* initrds back to back above it, the tree 1 MiB aligned above those,
	 * all in the first 512 MiB */
	CHECK(i1->mem >= k->mem + k->memsz);
	CHECK_EQ(i2->mem, i1->mem + ((sizeof(rd1) + 4095) & ~4095ull));
	CHECK(d->mem >= i2->mem + i2->memsz);
	CHECK_EQ(d->mem % MiB, 0);
	CHECK(d->mem + d->memsz <= 0x40000000 + 512 * MiB);
	/* the hand-off */
	CHECK_EQ(p.target, k->mem);
	CHECK_EQ(p.entry_mode, KX_PURG_ENTRY_ARM);
	CHECK_EQ(p.regs[0], 0);
	CHECK_EQ(p.regs[1], 0);
	CHECK_EQ(p.regs[2], d->mem);
	CHECK_STR(p.type, "zimage");
	/* the tree: new bootargs and initrd, a fresh rng-seed, no kaslr-seed,
	 * the stale initrd's /memreserve/ gone, /memory as it was */
	dt = d->buf;
	REQUIRE(CHECK_EQ(fdt_check_full(dt, d->bufsz), 0));
	CHECK_EQ(fdt_magic(dt), FDT_MAGIC);
	chosen = fdt_path_offset(dt, "/chosen");
	REQUIRE(CHECK(chosen >= 0));
	CHECK_STR(fdt_getprop(dt, chosen, "bootargs", 0), r.cmdline);
	rs = re = 0;
	CHECK(u64_prop(dt, chosen, "linux,initrd-start", &rs) && rs == i1->mem);
	CHECK(u64_prop(dt, chosen, "linux,initrd-end", &re) && re == i2->mem + sizeof(rd2));
	CHECK(fdt_getprop(dt, chosen, "rng-seed", &len) && len == 32);
	CHECK(!fdt_getprop(dt, chosen, "kaslr-seed", 0));
	CHECK_EQ(fdt_num_mem_rsv(dt), 0);
	CHECK(fdt_path_offset(dt, "/memory@40000000") >= 0);
	CHECK(!u64_prop(dt, fdt_path_offset(dt, "/memory@40000000"), "linux,usable-memory", &v));
	free(z);
}

TEST(zimage_load_errors)
{
	struct zi_spec s = { 256 * KiB, 0, 0, 0, 1, 2 * MiB, 300 * KiB, 0x8000, 0x10000, 0 };
	static uint8_t scratch[64 * 1024];
	static char longline[1100];
	struct kx_sysinfo si;
	struct kx_load_req r;
	static struct kx_plan p;
	uint8_t *z = arm_zimage(&s);

	arm_sysinfo(&si);
	memset(&r, 0, sizeof(r));
	r.image = (struct kx_blob){ z, s.len, "zImage" };
	r.cmdline = "";
	r.window = (struct kx_window){ 0, UINT64_MAX };
	r.sys = &si;
	r.scratch = scratch;
	r.scratch_len = sizeof(scratch);

	T_ROW("command line of 1099 bytes");
	memset(longline, 'x', sizeof(longline) - 1);
	r.cmdline = longline;
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_zimage_load(&r, &p), KX_E_CMDLINE_TOO_LONG);
	r.cmdline = "";

	T_ROW("no device tree");
	si.fdt.buf = 0;
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_zimage_load(&r, &p), KX_E_NO_DTB);

	T_ROW("a damaged --dtb");
	r.dtb = (struct kx_blob){ (const uint8_t *)"not a tree at all, really not", 29, "bad.dtb" };
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_zimage_load(&r, &p), KX_E_DTB);
	r.dtb = (struct kx_blob){ 0, 0, 0 };
	arm_sysinfo(&si);

	T_ROW("RAM too small for the unpacked kernel");
	memset(&si.mem, 0, sizeof(si.mem));
	kx_memmap_add(&si.mem, 0x40000000, 0x40100000, KX_MEM_RAM);
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_zimage_load(&r, &p), KX_E_NO_SPACE);

	T_ROW("--mem-max below where the zImage can go");
	arm_sysinfo(&si);
	r.window = (struct kx_window){ 0, 0x40400000 };
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_zimage_load(&r, &p), KX_E_NO_SPACE);
	free(z);
}

TEST(zimage_loader_table)
{
	struct zi_spec s = { 64 * KiB, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t *z = arm_zimage(&s);
	const struct kx_loader *l = kx_loader_probe(z, s.len);

	REQUIRE(CHECK(l != 0));
	CHECK_STR(l->name, "zimage");
	CHECK(!l->kernel_parses);
	CHECK(l->takes_dtb);
	CHECK(kx_loader_by_name("zImage") == l);
	z[KX_ZI_O_MAGIC + 3] ^= 0x80;
	CHECK(kx_loader_probe(z, s.len) == 0);
	free(z);
}

/* Debian's armmp zImage, when the e2e fixtures are there */
TEST(zimage_debian_armmp)
{
	const char *pat = "tests/e2e/cache/arm/kernel-armmp/boot/vmlinuz-*";
	FILE *f;
	static uint8_t buf[16 << 20];
	size_t n;
	struct kx_zimage zi;
	glob_t g;

	if (glob(pat, 0, 0, &g) || !g.gl_pathc)
		SKIP("no Debian armmp kernel at %s (tests/e2e/arm/fetch.sh)", pat);
	f = fopen(g.gl_pathv[0], "rb");
	globfree(&g);
	REQUIRE(CHECK(f != 0));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	REQUIRE(CHECK_OK(kx_zimage_parse(buf, n, &zi)));
	CHECK(zi.have_table);
	CHECK_EQ(zi.start, 0);
	CHECK_EQ(zi.text_offset % 0x8000, 0);
	CHECK(zi.kernel_size > 2 * n);         /* XZ: the kernel unpacks to more */
	CHECK(zi.kernel_size < 64 * MiB);
	CHECK(zi.bss_size > 0 && zi.bss_size < 16 * MiB);
	CHECK_EQ(zi.malloc_size, 0x10000);
}
