/* arm64 Image header, EFI zboot header, ELF vmlinux to Image, and the Image loader's plan. */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kx/bytes.h>
#include <kx/elf.h>
#include "a64.h"
#include "t.h"

struct hdr_row {
	const char *name;
	size_t len;
	uint64_t text_offset, image_size, flags;
	int bad_magic;
	enum kx_errcode want;
	const char *what;    /* for KX_E_BAD_HEADER */
};

TEST(a64_image_parse_table)
{
	static const struct hdr_row rows[] = {
		{ "6.x Image", 1 * MiB, 0, 2 * MiB, 0xa, 0, KX_OK, 0 },
		{ "4.x text_offset 0x80000", 1 * MiB, 0x80000, 2 * MiB, 0x2, 0, KX_OK, 0 },
		{ "placement anywhere, 64K pages", 1 * MiB, 0, 2 * MiB, 0xe, 0, KX_OK, 0 },
		{ "image_size == file", 1 * MiB, 0, 1 * MiB, 0, 0, KX_OK, 0 },
		{ "legacy: image_size 0", 1 * MiB, 0x1234, 0, 0x1, 0, KX_OK, 0 },
		{ "truncated header", 63, 0, 2 * MiB, 0, 0, KX_E_TRUNCATED, 0 },
		{ "bad magic", 1 * MiB, 0, 2 * MiB, 0, 1, KX_E_BAD_HEADER, "Image magic" },
		{ "big-endian", 1 * MiB, 0, 2 * MiB, 0x1, 0, KX_E_BIG_ENDIAN, 0 },
		{ "text_offset 2 MiB", 1 * MiB, 2 * MiB, 4 * MiB, 0, 0, KX_E_BAD_HEADER, "text_offset" },
		{ "text_offset huge", 1 * MiB, UINT64_MAX - 4095, 4 * MiB, 0, 0, KX_E_BAD_HEADER, "text_offset" },
		{ "text_offset not page aligned", 1 * MiB, 0x80010, 4 * MiB, 0, 0, KX_E_BAD_HEADER, "text_offset" },
		{ "image_size < file", 1 * MiB, 0, 512 * KiB, 0, 0, KX_E_BAD_HEADER, "image_size" },
		{ "image_size 1 GiB + 1", 1 * MiB, 0, GiB + 1, 0, 0, KX_E_BAD_HEADER, "image_size" },
		{ "image_size 2^64 - 1", 1 * MiB, 0, UINT64_MAX, 0, 0, KX_E_BAD_HEADER, "image_size" },
	};
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		const struct hdr_row *r = &rows[i];
		uint8_t *img = a64_image(r->len, r->text_offset, r->image_size, r->flags);
		struct kx_a64_image im;
		struct kx_err e;

		T_ROW("%s", r->name);
		if (r->bad_magic)
			img[0x39] = 'X';
		e = kx_a64_image_parse(img, r->len, &im);
		if (CHECK_ERR(e, r->want) && r->what)
			CHECK(e.what && strstr(e.what, r->what));
		if (e.code == KX_E_BIG_ENDIAN)
			CHECK_EQ(e.a, r->flags);
		if (r->want == KX_OK) {
			CHECK_EQ(im.legacy, !r->image_size);
			if (!r->image_size) {
				CHECK_EQ(im.text_offset, 0x80000);
				CHECK(im.image_size >= r->len + 16 * MiB);
			} else {
				CHECK_EQ(im.text_offset, r->text_offset);
				CHECK_EQ(im.image_size, r->image_size);
			}
		}
		CHECK_EQ(kx_a64_image_probe(img, r->len), r->len >= 64 && !r->bad_magic);
		free(img);
	}
}

/* Only a plain Image is the loader's: Image.gz, zboot, uImage and ELF
 * vmlinux files are unwrapped by the library first (libkx/unwrap.c), and
 * kexec-tools' names for them are the Image loader's aliases. */
TEST(a64_probes_distinguish)
{
	size_t gzlen, zlen;
	uint8_t *img = a64_image(256 * KiB, 0, MiB, 0xa);
	uint8_t *gz = a64_gzip(img, 256 * KiB, 6, &gzlen);
	uint8_t *zb = a64_zboot(gz, gzlen, "gzip", &zlen);
	const struct kx_loader *l;
	static const char *const names[] = { "Image", "arm64", "Image.gz", "zImage", "image-gz",
		"vmlinuz", "zboot", "pe-zboot", "uImage", "vmlinux" };
	unsigned i;

	CHECK(kx_a64_image_probe(img, 256 * KiB));
	CHECK(!kx_zboot_probe(img, 256 * KiB));
	CHECK(!kx_a64_image_probe(gz, gzlen));
	CHECK(kx_zboot_probe(zb, zlen));
	CHECK(!kx_a64_image_probe(zb, zlen));
	l = kx_loader_probe(img, 256 * KiB);
	CHECK(l && !strcmp(l->name, "image") && l->kernel_parses);
	CHECK(kx_loader_probe(gz, gzlen) == 0);
	CHECK(kx_loader_probe(zb, zlen) == 0);
	for (i = 0; i < T_ARRAY_SIZE(names); i++) {
		T_ROW("-t %s", names[i]);
		CHECK(kx_loader_by_name(names[i]) == kx_loader_by_name("image"));
	}
	CHECK(kx_loader_by_name("raw") != 0);
	free(img);
	free(gz);
	free(zb);
}

TEST(a64_zboot_parse_hostile)
{
	size_t zlen;
	uint8_t payload[100] = { 0x1f, 0x8b }, *zb = a64_zboot(payload, sizeof(payload), "gzip", &zlen);
	struct kx_zboot z;

	if (CHECK_OK(kx_zboot_parse(zb, zlen, &z))) {
		CHECK_EQ(z.payload_off, 4096);
		CHECK_EQ(z.payload_len, sizeof(payload));
		CHECK_STR(z.comp, "gzip");
	}
	CHECK_ERR(kx_zboot_parse(zb, 63, &z), KX_E_TRUNCATED);
	CHECK_ERR(kx_zboot_parse(zb, zlen - 1, &z), KX_E_TRUNCATED);    /* payload cut */
	kx_put32(zb + 12, 0xffffffff);
	CHECK_ERR(kx_zboot_parse(zb, zlen, &z), KX_E_TRUNCATED);        /* payload past the end */
	kx_put32(zb + 12, sizeof(payload));
	kx_put32(zb + 8, 0xfffffff0);
	CHECK_ERR(kx_zboot_parse(zb, zlen, &z), KX_E_TRUNCATED);
	kx_put32(zb + 8, 8);                                           /* inside the header */
	CHECK_ERR(kx_zboot_parse(zb, zlen, &z), KX_E_BAD_HEADER);
	kx_put32(zb + 8, 4096);
	zb[24] = 0;                                                    /* no compression type */
	CHECK_ERR(kx_zboot_parse(zb, zlen, &z), KX_E_BAD_HEADER);
	zb[24] = 0x01;                                                 /* a control character */
	CHECK_ERR(kx_zboot_parse(zb, zlen, &z), KX_E_BAD_HEADER);
	memset(zb + 24, 'z', 0x38 - 24);                               /* unterminated: cut at 0x38 */
	if (CHECK_OK(kx_zboot_parse(zb, zlen, &z)))
		CHECK_EQ(strlen(z.comp), 31);
	free(zb);
}

/* The whole loader: plan for a load like QEMU virt's. */
struct load_env {
	struct kx_sysinfo si;
	struct kx_load_req r;
	struct kx_plan p;
	uint8_t scratch[64 * 1024];
};

static void env_init(struct load_env *e, const uint8_t *img, size_t len)
{
	memset(e, 0, sizeof(*e));
	a64_sysinfo(&e->si);
	e->r.image = (struct kx_blob){ img, len, "Image" };
	e->r.cmdline = "console=ttyAMA0 root=/dev/vda";
	e->r.window = (struct kx_window){ 0, UINT64_MAX };
	e->r.sys = &e->si;
	e->r.scratch = e->scratch;
	e->r.scratch_len = sizeof(e->scratch);
}

static uint64_t be64(const void *p)
{
	fdt64_t v;
	memcpy(&v, p, sizeof(v)); /* properties are only 4-byte aligned */
	return fdt64_to_cpu(v);
}

static const struct kx_segment *seg(const struct kx_plan *p, const char *purpose, unsigned nth)
{
	unsigned i;
	for (i = 0; i < p->nseg; i++)
		if (!strcmp(p->seg[i].purpose, purpose) && !nth--)
			return &p->seg[i];
	return 0;
}

TEST(a64_load_plan)
{
	static struct load_env e;
	uint8_t *img = a64_image(3 * MiB + 123, 0x80000, 5 * MiB, 0xa);
	uint8_t rd1[70000], rd2[5000];
	const struct kx_segment *k, *i1, *i2, *d;
	uint64_t s, en;
	int len, chosen;
	const void *pv;

	env_init(&e, img, 3 * MiB + 123);
	a64_fill_random(rd1, sizeof(rd1), 1);
	a64_fill_random(rd2, sizeof(rd2), 2);
	e.r.initrd[0] = (struct kx_blob){ rd1, sizeof(rd1), "rd1" };
	e.r.initrd[1] = (struct kx_blob){ rd2, sizeof(rd2), "rd2" };
	e.r.ninitrd = 2;
	REQUIRE(CHECK_OK(kx_a64_image_load(&e.r, &e.p)));
	CHECK_STR(e.p.type, "image");
	REQUIRE(e.p.nseg == 4);
	k = seg(&e.p, "kernel", 0);
	i1 = seg(&e.p, "initrd", 0);
	i2 = seg(&e.p, "initrd", 1);
	d = seg(&e.p, "dtb", 0);
	REQUIRE(k && i1 && i2 && d);
	/* kernel: 2 MiB base + text_offset, image_size reserved */
	CHECK_EQ((k->mem - 0x80000) % (2 * MiB), 0);
	CHECK_EQ(k->mem, 0x40080000);
	CHECK(k->memsz >= 5 * MiB);
	CHECK_EQ(k->bufsz, 3 * MiB + 123);
	CHECK(k->buf == img);
	/* initrds back to back, above the kernel, in its 32 GiB window */
	CHECK(i1->mem >= k->mem + k->memsz);
	CHECK_EQ(i2->mem, i1->mem + i1->memsz);
	CHECK_EQ(i1->mem % KX_A64_SEG_ALIGN, 0);
	CHECK_EQ(i1->memsz % KX_A64_SEG_ALIGN, 0);
	/* the dtb: 2 MiB aligned, within 2 MiB */
	CHECK_EQ(d->mem % (2 * MiB), 0);
	CHECK(d->bufsz <= 2 * MiB);
	CHECK_EQ(fdt_check_full(d->buf, d->bufsz), 0);
	/* the hand-off */
	CHECK_EQ(e.p.target, k->mem);
	CHECK_EQ(e.p.regs[0], d->mem);
	CHECK_EQ(e.p.regs[1], 0);
	CHECK_EQ(e.p.regs[2], 0);
	CHECK_EQ(e.p.regs[3], 0);
	/* the device tree the kernel gets */
	chosen = fdt_path_offset(d->buf, "/chosen");
	REQUIRE(chosen >= 0);
	pv = fdt_getprop(d->buf, chosen, "bootargs", &len);
	CHECK(pv && !strcmp(pv, "console=ttyAMA0 root=/dev/vda"));
	pv = fdt_getprop(d->buf, chosen, "linux,initrd-start", &len);
	REQUIRE(pv && len == 8);
	s = be64(pv);
	pv = fdt_getprop(d->buf, chosen, "linux,initrd-end", &len);
	REQUIRE(pv && len == 8);
	en = be64(pv);
	CHECK_EQ(s, i1->mem);
	CHECK_EQ(en, i2->mem + sizeof(rd2));
	/* every segment fits the kernel's rules */
	CHECK_OK(kx_plan_validate(&e.p, &e.si.mem));
	free(img);
}

/* An ELF64 AArch64 executable of the given PT_LOADs (paddr, file bytes,
 * memsz), machine m; malloc'd, *n its size. */
struct ld { uint64_t paddr; const uint8_t *data; size_t len; uint64_t memsz; };
static uint8_t *mkelf(const struct ld *lds, unsigned nld, uint16_t m, size_t *n)
{
	size_t off = 64 + 56 * (size_t)nld, total = off, i;
	uint8_t *b;

	for (i = 0; i < nld; i++)
		total += lds[i].len;
	b = calloc(1, total);
	memcpy(b, "\x7f" "ELF\x02\x01\x01", 7);
	kx_put16(b + 16, 2);                 /* ET_EXEC */
	kx_put16(b + 18, m);
	kx_put32(b + 20, 1);
	kx_put64(b + 24, 0xffff800008000000ull);
	kx_put64(b + 32, 64);                /* e_phoff */
	kx_put16(b + 52, 64);
	kx_put16(b + 54, 56);
	kx_put16(b + 56, (uint16_t)nld);
	for (i = 0; i < nld; i++) {
		uint8_t *ph = b + 64 + 56 * i;
		kx_put32(ph, 1);                  /* PT_LOAD */
		kx_put32(ph + 4, 7);
		kx_put64(ph + 8, off);
		kx_put64(ph + 16, lds[i].paddr);  /* vaddr = paddr, as an arm64 vmlinux */
		kx_put64(ph + 24, lds[i].paddr);
		kx_put64(ph + 32, lds[i].len);
		kx_put64(ph + 40, lds[i].memsz);
		kx_put64(ph + 48, 0x10000);
		memcpy(b + off, lds[i].data, lds[i].len);
		off += lds[i].len;
	}
	*n = total;
	return b;
}

TEST(a64_vmlinux_to_image)
{
	const uint64_t va = 0xffff800008000000ull;
	size_t n = 1 * MiB + 4096, elen, got;
	uint8_t *img = a64_image(n, 0, 3 * MiB, 0xa), *elf, *out;
	struct ld two[2] = { { va + MiB + 8192, img + MiB, 4096, 2 * MiB }, /* out of order */
			     { va, img, MiB, MiB } };
	struct kx_err e;

	/* one PT_LOAD: the Image is its bytes */
	{
		struct ld one = { va, img, n, 3 * MiB };
		elf = mkelf(&one, 1, KX_EM_AARCH64, &elen);
		CHECK(kx_a64_vmlinux_probe(elf, elen));
		CHECK(kx_loader_probe(elf, elen) == 0); /* the library unwraps it first */
		out = calloc(1, n);
		if (CHECK_OK(kx_a64_vmlinux_image(elf, elen, out, n, &got)) && CHECK_EQ(got, n))
			CHECK_MEM(out, img, n);
		CHECK_ERR(kx_a64_vmlinux_image(elf, elen, out, n - 1, &got), KX_E_SCRATCH);
		free(out);
		free(elf);
	}
	/* two, with a gap: zeroed, as objcopy -O binary makes it */
	elf = mkelf(two, 2, KX_EM_AARCH64, &elen);
	out = calloc(1, 2 * MiB);
	if (CHECK_OK(kx_a64_vmlinux_image(elf, elen, out, 2 * MiB, &got)) &&
	    CHECK_EQ(got, MiB + 8192 + 4096)) {
		static const uint8_t zero[8192];
		CHECK_MEM(out, img, MiB);
		CHECK_MEM(out + MiB, zero, 8192);
		CHECK_MEM(out + MiB + 8192, img + MiB, 4096);
	}
	free(out);
	free(elf);
	/* another machine; no Image header at the start */
	{
		struct ld one = { va, img, n, 3 * MiB };
		elf = mkelf(&one, 1, KX_EM_X86_64, &elen);
		e = kx_a64_vmlinux_image(elf, elen, 0, 0, &got);
		CHECK_ERR(e, KX_E_WRONG_MACHINE);
		CHECK(!kx_a64_vmlinux_probe(elf, elen));
		free(elf);
		one.data = img + 4096;
		one.len = 4096;
		elf = mkelf(&one, 1, KX_EM_AARCH64, &elen);
		CHECK_ERR(kx_a64_vmlinux_image(elf, elen, 0, 0, &got), KX_E_BAD_HEADER);
		CHECK(!kx_a64_vmlinux_probe(elf, elen));
		free(elf);
	}
	/* a truncated file: the ELF parser's error */
	{
		struct ld one = { va, img, n, 3 * MiB };
		elf = mkelf(&one, 1, KX_EM_AARCH64, &elen);
		CHECK_ERR(kx_a64_vmlinux_image(elf, elen - 1, 0, 0, &got), KX_E_TRUNCATED);
		free(elf);
	}
	free(img);
}

TEST(a64_load_refusals)
{
	static struct load_env e;
	uint8_t *img = a64_image(MiB, 0, 2 * MiB, 0xa);
	char longline[3000];

	/* command line: 2047 bytes at most */
	memset(longline, 'x', sizeof(longline));
	longline[2047] = 0;
	env_init(&e, img, MiB);
	e.r.cmdline = longline;
	CHECK_OK(kx_a64_image_load(&e.r, &e.p));
	longline[2047] = 'x';
	longline[2048] = 0;
	env_init(&e, img, MiB);
	e.r.cmdline = longline;
	CHECK_ERR(kx_a64_image_load(&e.r, &e.p), KX_E_CMDLINE_TOO_LONG);
	/* no device tree anywhere */
	env_init(&e, img, MiB);
	e.si.fdt.buf = 0;
	CHECK_ERR(kx_a64_image_load(&e.r, &e.p), KX_E_NO_DTB);
	/* --dtb wins over the system's, and a bad one is refused */
	env_init(&e, img, MiB);
	e.r.dtb = (struct kx_blob){ (const uint8_t *)"not a device tree at all, really", 32, "x.dtb" };
	{
		struct kx_err err = kx_a64_image_load(&e.r, &e.p);
		if (CHECK_ERR(err, KX_E_DTB))
			CHECK_EQ(err.a, KX_DTB_TRUNCATED); /* 32 bytes: shorter than a header */
	}
	/* not enough RAM for the kernel */
	env_init(&e, img, MiB);
	memset(&e.si.mem, 0, sizeof(e.si.mem));
	kx_memmap_add(&e.si.mem, 0x40000000, 0x40000000 + MiB, KX_MEM_RAM);
	CHECK_ERR(kx_a64_image_load(&e.r, &e.p), KX_E_NO_SPACE);
	/* --mem-min: nothing below it */
	env_init(&e, img, MiB);
	e.r.window.min = 0x50000000;
	if (CHECK_OK(kx_a64_image_load(&e.r, &e.p))) {
		unsigned i;
		for (i = 0; i < e.p.nseg; i++)
			CHECK(e.p.seg[i].mem >= 0x50000000);
	}
	/* no scratch and no alloc for the dtb */
	env_init(&e, img, MiB);
	e.si.alloc = 0;
	e.r.scratch_len = 100;
	CHECK_ERR(kx_a64_image_load(&e.r, &e.p), KX_E_SCRATCH);
	/* a garbage file: not an Image */
	{
		uint8_t junk[4096];
		memset(junk, 0x5a, sizeof(junk));
		env_init(&e, junk, sizeof(junk));
		CHECK_ERR(kx_a64_image_load(&e.r, &e.p), KX_E_BAD_HEADER);
	}
	free(img);
}

TEST(a64_kernel_mem_from_header)
{
	size_t n = 300 * KiB, gzlen;
	uint8_t *img = a64_image(n, 0x80000, 5 * MiB, 0x2), *gz = a64_gzip(img, n, 6, &gzlen);
	uint8_t junk[100] = { 0 };

	CHECK_EQ(kx_a64_kernel_mem(img, n), 0x80000 + 5 * MiB);
	CHECK_EQ(kx_a64_kernel_mem(gz, gzlen), 0); /* unwrapped before, by the library */
	CHECK_EQ(kx_a64_kernel_mem(junk, sizeof(junk)), 0);
	free(img);
	free(gz);
}
