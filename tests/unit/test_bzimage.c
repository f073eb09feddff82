/* bzImage header parser and probe: synthetic headers mutated row by row. */
#include <stdlib.h>
#include <string.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/loader.h>
#include "fixtures.h"
#include "t.h"

#define NOLEN ((size_t)-1)
#define SETUP8 ((8 + 1) * 512) /* setup_len of the default spec */

/* One field patch applied to the built image. */
struct patch { size_t off; unsigned width; uint64_t val; };

struct parse_row {
	const char *name;
	struct patch patch[3];   /* width 0 ends the list */
	uint8_t setup_sects;     /* 0xff..: override (see use_sects) */
	int use_sects;
	size_t kernel_len;       /* 0: default */
	size_t trunc;            /* NOLEN: whole image */
	enum kx_errcode want;
	const char *what;        /* substring of err.what, or NULL */
	int check_ab;
	uint64_t a, b;
};

static void apply(uint8_t *img, const struct patch *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i].width; i++) {
		switch (p[i].width) {
		case 1: img[p[i].off] = (uint8_t)p[i].val; break;
		case 2: kx_put16(img + p[i].off, (uint16_t)p[i].val); break;
		case 4: kx_put32(img + p[i].off, (uint32_t)p[i].val); break;
		case 8: kx_put64(img + p[i].off, p[i].val); break;
		default: abort();
		}
	}
}

#define P1(o, w, v) { { (o), (w), (v) } }
#define P2(o1, w1, v1, o2, w2, v2) { { (o1), (w1), (v1) }, { (o2), (w2), (v2) } }
#define NOP { { 0, 0, 0 } }

static const struct parse_row parse_rows[] = {
	/* truncation at every interesting length (default image: setup 4608 + 12289) */
	{ "empty", NOP, 0, 0, 0, 0, KX_E_TRUNCATED, "header", 1, 0x264, 0 },
	{ "1 byte", NOP, 0, 0, 0, 1, KX_E_TRUNCATED, 0, 0, 0, 0 },
	{ "to boot flag-1", NOP, 0, 0, 0, 0x1fe, KX_E_TRUNCATED, 0, 0, 0, 0 },
	{ "0x1ff", NOP, 0, 0, 0, 0x1ff, KX_E_TRUNCATED, 0, 0, 0, 0 },
	{ "0x200", NOP, 0, 0, 0, 0x200, KX_E_TRUNCATED, 0, 0, 0, 0 },
	{ "0x205 (mid HdrS)", NOP, 0, 0, 0, 0x205, KX_E_TRUNCATED, 0, 1, 0x264, 0x205 },
	{ "0x206 (no version)", NOP, 0, 0, 0, 0x206, KX_E_TRUNCATED, 0, 0, 0, 0 },
	{ "0x207 (half version)", NOP, 0, 0, 0, 0x207, KX_E_TRUNCATED, 0, 0, 0, 0 },
	{ "0x208", NOP, 0, 0, 0, 0x208, KX_E_TRUNCATED, 0, 0, 0, 0 },
	{ "0x263 (init_size cut)", NOP, 0, 0, 0, 0x263, KX_E_TRUNCATED, 0, 1, 0x264, 0x263 },
	{ "0x264 (before hdr_end)", NOP, 0, 0, 0, 0x264, KX_E_TRUNCATED, 0, 1, 0x26c, 0x264 },
	{ "0x26b (hdr_end-1)", NOP, 0, 0, 0, 0x26b, KX_E_TRUNCATED, 0, 1, 0x26c, 0x26b },
	{ "0x26c (header only)", NOP, 0, 0, 0, 0x26c, KX_E_TRUNCATED, "kernel", 1, SETUP8 + 1, 0x26c },
	{ "setup_len-1", NOP, 0, 0, 0, SETUP8 - 1, KX_E_TRUNCATED, "kernel", 0, 0, 0 },
	{ "setup_len (no kernel byte)", NOP, 0, 0, 0, SETUP8, KX_E_TRUNCATED, "kernel", 1,
	  SETUP8 + 1, SETUP8 },
	/* a file cut inside its kernel (B6): the header's syssize, and payload_* */
	{ "setup_len+1 (one kernel byte)", NOP, 0, 0, 0, SETUP8 + 1, KX_E_TRUNCATED, "bzImage kernel",
	  1, SETUP8 + 12304, SETUP8 + 1 },
	{ "one kernel byte, syssize 1", P1(0x1f4, 4, 1), 0, 0, 0, SETUP8 + 1, KX_OK, 0, 0, 0, 0 },
	{ "syssize one paragraph past the file", P1(0x1f4, 4, 12304 / 16 + 1), 0, 0, 0, NOLEN,
	  KX_E_TRUNCATED, "bzImage kernel", 1, SETUP8 + 12320, SETUP8 + 12289 },
	{ "payload past the file", P2(0x248, 4, 0x100, 0x24c, 4, 12289 - 0x100 + 1), 0, 0, 0, NOLEN,
	  KX_E_TRUNCATED, "bzImage payload", 1, SETUP8 + 12290, SETUP8 + 12289 },
	{ "payload to the last byte", P2(0x248, 4, 0x100, 0x24c, 4, 12289 - 0x100), 0, 0, 0, NOLEN,
	  KX_OK, 0, 0, 0, 0 },
	{ "payload length wraps", P2(0x248, 4, 0xffffffff, 0x24c, 4, 0xffffffff), 0, 0, 0, NOLEN,
	  KX_E_TRUNCATED, "bzImage payload", 0, 0, 0 },
	{ "whole image", NOP, 0, 0, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	/* signatures */
	{ "boot flag byte-swapped", P1(O_BOOT_FLAG, 2, 0x55AA), 0, 0, 0, NOLEN, KX_E_NOT_BZIMAGE,
	  "0xAA55", 0, 0, 0 },
	{ "boot flag zero", P1(O_BOOT_FLAG, 2, 0), 0, 0, 0, NOLEN, KX_E_NOT_BZIMAGE, 0, 0, 0, 0 },
	{ "boot flag bad, short file", P1(O_BOOT_FLAG, 2, 0), 0, 0, 0, 0x206, KX_E_NOT_BZIMAGE, 0,
	  0, 0, 0 },
	{ "magic HdrT", P1(O_MAGIC + 3, 1, 'T'), 0, 0, 0, NOLEN, KX_E_NOT_BZIMAGE, "HdrS", 0, 0, 0 },
	{ "magic lower case", P1(O_MAGIC, 4, 0x73726468 /* "hdrs" */), 0, 0, 0, NOLEN,
	  KX_E_NOT_BZIMAGE, "HdrS", 0, 0, 0 },
	{ "magic zero", P1(O_MAGIC, 4, 0), 0, 0, 0, NOLEN, KX_E_NOT_BZIMAGE, 0, 0, 0, 0 },
	/* protocol version */
	{ "version 2.11 (0x020b)", P1(O_VERSION, 2, 0x020b), 0, 0, 0, NOLEN, KX_E_OLD_PROTOCOL, 0,
	  1, 0x020b, 0x020c },
	{ "version 0", P1(O_VERSION, 2, 0), 0, 0, 0, NOLEN, KX_E_OLD_PROTOCOL, 0, 1, 0, 0x020c },
	{ "version 2.02", P1(O_VERSION, 2, 0x0202), 0, 0, 0, NOLEN, KX_E_OLD_PROTOCOL, 0, 0, 0, 0 },
	{ "old version, short file", P1(O_VERSION, 2, 0x0200), 0, 0, 0, 0x210, KX_E_OLD_PROTOCOL, 0,
	  0, 0, 0 },
	{ "version 2.12 (minimum)", P1(O_VERSION, 2, 0x020c), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	{ "version 0xffff (future)", P1(O_VERSION, 2, 0xffff), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	/* flags */
	{ "zImage (no LOADED_HIGH)", P1(O_LOADFLAGS, 1, 0), 0, 0, 0, NOLEN, KX_E_NOT_BZIMAGE,
	  "LOADED_HIGH", 0, 0, 0 },
	{ "loadflags other bits only", P1(O_LOADFLAGS, 1, 0xfe), 0, 0, 0, NOLEN, KX_E_NOT_BZIMAGE, 0,
	  0, 0, 0 },
	{ "no XLF_KERNEL_64", P1(O_XLOADFLAGS, 2, 0), 0, 0, 0, NOLEN, KX_E_NOT_64BIT, 0, 1, 0, 0 },
	{ "only XLF_CAN_BE_LOADED_ABOVE_4G", P1(O_XLOADFLAGS, 2, KX_XLF_CAN_BE_LOADED_ABOVE_4G), 0, 0,
	  0, NOLEN, KX_E_NOT_64BIT, 0, 1, 2, 0 },
	{ "all xloadflags", P1(O_XLOADFLAGS, 2, 0xffff), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	/* setup_sects */
	{ "setup_sects 0 means 4", NOP, 0, 1, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	{ "setup_sects 1", NOP, 1, 1, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	{ "setup_sects 255, short file", NOP, 255, 1, 0, 100000, KX_E_TRUNCATED, "kernel", 1,
	  256 * 512 + 1, 100000 },
	{ "setup_sects 255, long file", NOP, 255, 1, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	/* the jump byte gives the end of the header */
	{ "jump 0x00: header ends at 0x202", P1(O_JUMP_OFF, 1, 0x00), 0, 0, 0, NOLEN,
	  KX_E_BAD_HEADER, "setup header length", 1, 0x202, 0x264 },
	{ "jump 0x61: header ends at 0x263", P1(O_JUMP_OFF, 1, 0x61), 0, 0, 0, NOLEN,
	  KX_E_BAD_HEADER, "setup header length", 1, 0x263, 0x264 },
	{ "jump 0x62: header ends at 0x264", P1(O_JUMP_OFF, 1, 0x62), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0,
	  0 },
	{ "jump 0x62, file 0x264 bytes", P1(O_JUMP_OFF, 1, 0x62), 0, 0, 0, 0x264, KX_E_TRUNCATED,
	  "kernel", 0, 0, 0 },
	{ "jump 0x8e: header ends at 0x290", P1(O_JUMP_OFF, 1, 0x8e), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0,
	  0 },
	{ "jump 0xff: clamped to 0x290", P1(O_JUMP_OFF, 1, 0xff), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	{ "jump 0xff, file 0x28f bytes", P1(O_JUMP_OFF, 1, 0xff), 0, 0, 0, 0x28f, KX_E_TRUNCATED,
	  "header", 1, 0x290, 0x28f },
	/* kernel_alignment (checked when relocatable) */
	{ "kernel_alignment 0", P1(O_KERNEL_ALIGN, 4, 0), 0, 0, 0, NOLEN, KX_E_BAD_HEADER,
	  "kernel_alignment", 1, 0, 0 },
	{ "kernel_alignment 3 MiB", P1(O_KERNEL_ALIGN, 4, 0x300000), 0, 0, 0, NOLEN,
	  KX_E_BAD_HEADER, "kernel_alignment", 1, 0x300000, 0 },
	{ "kernel_alignment 0xffffffff", P1(O_KERNEL_ALIGN, 4, 0xffffffff), 0, 0, 0, NOLEN,
	  KX_E_BAD_HEADER, "kernel_alignment", 0, 0, 0 },
	{ "kernel_alignment 2 GiB", P1(O_KERNEL_ALIGN, 4, 0x80000000), 0, 0, 0, NOLEN,
	  KX_E_BAD_HEADER, "kernel_alignment", 0, 0, 0 },
	{ "kernel_alignment 1 GiB (max)", P1(O_KERNEL_ALIGN, 4, 0x40000000), 0, 0, 0, NOLEN, KX_OK,
	  0, 0, 0, 0 },
	{ "kernel_alignment 1", P1(O_KERNEL_ALIGN, 4, 1), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	{ "kernel_alignment 0, not relocatable", P2(O_KERNEL_ALIGN, 4, 0, O_RELOCATABLE, 1, 0), 0, 0,
	  0, NOLEN, KX_OK, 0, 0, 0, 0 },
	{ "kernel_alignment 3, not relocatable", P2(O_KERNEL_ALIGN, 4, 3, O_RELOCATABLE, 1, 0), 0, 0,
	  0, NOLEN, KX_OK, 0, 0, 0, 0 },
	/* pref_address (must be page aligned when the kernel cannot move) */
	{ "pref_address unaligned, not relocatable",
	  P2(O_PREF_ADDRESS, 8, 0x1000800, O_RELOCATABLE, 1, 0), 0, 0, 0, NOLEN, KX_E_BAD_HEADER,
	  "pref_address", 1, 0x1000800, 0 },
	{ "pref_address unaligned, relocatable", P1(O_PREF_ADDRESS, 8, 0x1000800), 0, 0, 0, NOLEN,
	  KX_OK, 0, 0, 0, 0 },
	/* init_size */
	{ "init_size 1 GiB (max)", P1(O_INIT_SIZE, 4, 0x40000000), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0,
	  0 },
	{ "init_size 1 GiB + 1", P1(O_INIT_SIZE, 4, 0x40000001), 0, 0, 0, NOLEN, KX_E_BAD_HEADER,
	  "init_size", 1, 0x40000001, 0 },
	{ "init_size 0xffffffff", P1(O_INIT_SIZE, 4, 0xffffffff), 0, 0, 0, NOLEN, KX_E_BAD_HEADER,
	  "init_size", 0, 0, 0 },
	{ "init_size 0", P1(O_INIT_SIZE, 4, 0), 0, 0, 0, NOLEN, KX_OK, 0, 0, 0, 0 },
	/* order of checks: the first failing one wins */
	{ "bad flag and old version", P2(O_BOOT_FLAG, 2, 0, O_VERSION, 2, 0x0200), 0, 0, 0, NOLEN,
	  KX_E_NOT_BZIMAGE, 0, 0, 0, 0 },
	{ "old version and no 64-bit", P2(O_VERSION, 2, 0x0200, O_XLOADFLAGS, 2, 0), 0, 0, 0, NOLEN,
	  KX_E_OLD_PROTOCOL, 0, 0, 0, 0 },
	{ "zImage and no 64-bit", P2(O_LOADFLAGS, 1, 0, O_XLOADFLAGS, 2, 0), 0, 0, 0, NOLEN,
	  KX_E_NOT_BZIMAGE, 0, 0, 0, 0 },
};

TEST(bzimage_parse_table)
{
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(parse_rows); r++) {
		const struct parse_row *row = &parse_rows[r];
		struct bz_spec s;
		struct kx_bzimage bz;
		struct kx_err err;
		uint8_t *img, *cut;
		size_t len, n;

		T_ROW("%s", row->name);
		bz_spec_default(&s);
		if (row->use_sects)
			s.setup_sects = row->setup_sects;
		if (row->kernel_len)
			s.kernel_len = row->kernel_len;
		img = bz_build(&s, &len);
		apply(img, row->patch, T_ARRAY_SIZE(row->patch));
		n = row->trunc == NOLEN ? len : row->trunc;
		if (!CHECK(n <= len)) {
			free(img);
			continue;
		}
		/* exact-size copy: any read past n is an ASan error */
		cut = dup_exact(img, n);
		memset(&bz, 0x5a, sizeof(bz));
		err = kx_bzimage_parse(cut, n, &bz);
		if (CHECK_ERR(err, row->want)) {
			if (row->what)
				CHECK(err.what && strstr(err.what, row->what));
			if (row->check_ab) {
				CHECK_EQ(err.a, row->a);
				CHECK_EQ(err.b, row->b);
			}
		}
		if (row->want == KX_OK && err.code == KX_OK) {
			size_t setup = bz_setup_len(&s);
			size_t hdr_end = 0x202 + (size_t)cut[O_JUMP_OFF];
			if (hdr_end > 0x290)
				hdr_end = 0x290;
			CHECK_EQ(bz.version, kx_le16(cut + O_VERSION));
			CHECK_EQ(bz.setup_sects, s.setup_sects ? s.setup_sects : 4);
			CHECK_EQ(bz.setup_len, setup);
			CHECK_EQ(bz.hdr_end, hdr_end);
			CHECK(bz.kernel == cut + setup);
			CHECK_EQ(bz.kernel_len, n - setup);
			CHECK_EQ(bz.loadflags, cut[O_LOADFLAGS]);
			CHECK_EQ(bz.xloadflags, kx_le16(cut + O_XLOADFLAGS));
			CHECK_EQ(bz.relocatable, cut[O_RELOCATABLE]);
			CHECK_EQ(bz.initrd_addr_max, kx_le32(cut + O_INITRD_MAX));
			CHECK_EQ(bz.kernel_alignment, kx_le32(cut + O_KERNEL_ALIGN));
			CHECK_EQ(bz.cmdline_size, kx_le32(cut + O_CMDLINE_SIZE));
			CHECK_EQ(bz.init_size, kx_le32(cut + O_INIT_SIZE));
			CHECK_EQ(bz.pref_address, kx_le64(cut + O_PREF_ADDRESS));
		}
		free(cut);
		free(img);
	}
}

/* Every prefix of a valid image up to setup_len fails as truncated, never
 * crashes or reads past the end (run under ASan to see the latter). */
TEST(bzimage_parse_every_prefix)
{
	struct bz_spec s;
	struct kx_bzimage bz;
	uint8_t *img;
	size_t len, n, bad = 0;

	bz_spec_default(&s);
	s.setup_sects = 1;
	img = bz_build(&s, &len);
	for (n = 0; n <= bz_setup_len(&s); n++) {
		uint8_t *cut = dup_exact(img, n);
		struct kx_err err = kx_bzimage_parse(cut, n, &bz);
		if (err.code != KX_E_TRUNCATED) {
			T_ROW("prefix of %zu bytes", n);
			CHECK_ERR(err, KX_E_TRUNCATED);
			bad++;
		}
		free(cut);
		if (bad > 3)
			break;
	}
	T_ROW("whole image");
	CHECK_OK(kx_bzimage_parse(img, len, &bz));
	free(img);
}

/* Garbage must be rejected without crashing. */
TEST(bzimage_parse_garbage)
{
	static const uint8_t fills[] = { 0x00, 0xff, 0x55, 0xaa };
	uint8_t buf[0x1000];
	struct kx_bzimage bz;
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(fills); i++) {
		T_ROW("fill 0x%02x", fills[i]);
		memset(buf, fills[i], sizeof(buf));
		CHECK_ERR(kx_bzimage_parse(buf, sizeof(buf), &bz), KX_E_NOT_BZIMAGE);
		CHECK_EQ(kx_bzimage_probe(buf, sizeof(buf)), 0);
	}
	/* signatures right, everything else 0xff: the jump byte makes hdr_end 0x290,
	 * setup_sects 255 makes the file too short */
	memset(buf, 0xff, sizeof(buf));
	kx_put16(buf + O_BOOT_FLAG, 0xAA55);
	memcpy(buf + O_MAGIC, "HdrS", 4);
	T_ROW("signatures + 0xff");
	CHECK_ERR(kx_bzimage_parse(buf, sizeof(buf), &bz), KX_E_TRUNCATED);
	/* signatures right, everything else zero: version 0 */
	memset(buf, 0, sizeof(buf));
	kx_put16(buf + O_BOOT_FLAG, 0xAA55);
	memcpy(buf + O_MAGIC, "HdrS", 4);
	T_ROW("signatures + zeros");
	CHECK_ERR(kx_bzimage_parse(buf, sizeof(buf), &bz), KX_E_OLD_PROTOCOL);
}

struct probe_row {
	const char *name;
	struct patch patch[2];
	size_t trunc;
	int want;
};

static const struct probe_row probe_rows[] = {
	{ "valid", NOP, NOLEN, 1 },
	{ "empty", NOP, 0, 0 },
	{ "0x205", NOP, 0x205, 0 },
	{ "0x263 (needs the fields up to init_size)", NOP, 0x263, 0 },
	{ "0x264", NOP, 0x264, 1 },
	{ "bad boot flag", P1(O_BOOT_FLAG, 2, 0x55aa), NOLEN, 0 },
	{ "bad magic", P1(O_MAGIC, 1, 'h'), NOLEN, 0 },
	/* probe only recognises the format; parse rejects these with a reason */
	{ "old version", P1(O_VERSION, 2, 0x0200), NOLEN, 1 },
	{ "no 64-bit", P1(O_XLOADFLAGS, 2, 0), NOLEN, 1 },
	{ "zImage", P1(O_LOADFLAGS, 1, 0), NOLEN, 1 },
};

TEST(bzimage_probe_table)
{
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(probe_rows); r++) {
		const struct probe_row *row = &probe_rows[r];
		struct bz_spec s;
		uint8_t *img, *cut;
		size_t len, n;

		T_ROW("%s", row->name);
		bz_spec_default(&s);
		img = bz_build(&s, &len);
		apply(img, row->patch, T_ARRAY_SIZE(row->patch));
		n = row->trunc == NOLEN ? len : row->trunc;
		cut = dup_exact(img, n);
		CHECK_EQ(kx_bzimage_probe(cut, n), row->want);
		free(cut);
		free(img);
	}
	T_ROW("NULL, 0");
	CHECK_EQ(kx_bzimage_probe(0, 0), 0);
}

/* The real Debian kernel from the e2e cache, when it is there. */
TEST(bzimage_parse_real_kernel)
{
	const char *path = find_vmlinuz();
	struct kx_bzimage bz;
	uint8_t *img;
	size_t len;

	if (!path)
		SKIP("no vmlinuz under tests/e2e/cache/*/boot (tests/e2e/fetch.sh)");
	img = read_whole(path, &len);
	if (!img)
		SKIP("cannot read %s", path);
	t_note("%s, %zu bytes", path, len);
	T_ROW("%s", path);
	CHECK_EQ(kx_bzimage_probe(img, len), 1);
	if (CHECK_OK(kx_bzimage_parse(img, len, &bz))) {
		size_t hdr_end = 0x202 + (size_t)img[O_JUMP_OFF];
		CHECK(bz.version >= KX_BZ_MIN_VERSION);
		CHECK(bz.xloadflags & KX_XLF_KERNEL_64);
		CHECK(bz.loadflags & 1);
		CHECK_EQ(bz.hdr_end, hdr_end > 0x290 ? 0x290 : hdr_end);
		CHECK_EQ(bz.setup_len, ((size_t)(img[O_SETUP_SECTS] ? img[O_SETUP_SECTS] : 4) + 1) * 512);
		CHECK_EQ(bz.setup_len + bz.kernel_len, len);
		CHECK(bz.kernel == img + bz.setup_len);
		CHECK(bz.cmdline_size >= 255);
		CHECK(bz.init_size >= bz.kernel_len);
		CHECK_EQ(bz.pref_address % 4096, 0);
		if (bz.relocatable)
			CHECK(bz.kernel_alignment && !(bz.kernel_alignment & (bz.kernel_alignment - 1)));
	}
	CHECK(kx_loader_probe(img, len) == kx_loader_by_name("bzimage"));
	/* the real header, cut short at interesting places */
	{
		static const size_t cuts[] = { 0, 0x1ff, 0x205, 0x263, 0x26b };
		size_t i;
		for (i = 0; i < T_ARRAY_SIZE(cuts); i++) {
			uint8_t *cut = dup_exact(img, cuts[i]);
			T_ROW("%s cut at 0x%zx", path, cuts[i]);
			CHECK_ERR(kx_bzimage_parse(cut, cuts[i], &bz), KX_E_TRUNCATED);
			free(cut);
		}
	}
	free(img);
}
