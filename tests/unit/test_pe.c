/* PE/COFF and UKI parsers: synthetic images mutated row by row, every
 * truncation length, byte-wise mutation of the headers, the real Debian
 * bzImage (a PE, not a UKI) and a real UKI built by tests/e2e/mkuki.sh. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/pe.h>
#include "fixtures.h"
#include "t.h"

#define NOLEN ((size_t)-1)
#define ANY KX_E__COUNT /* pe_rows: any result, as long as nothing crashes */

/* PE layout, independent of lib/pe.c */
#define LFANEW   0x80
#define FALIGN   0x200
#define COFF_MACHINE 0
#define COFF_NSECT  2
#define COFF_SYMTAB 8
#define COFF_NSYMS  12
#define COFF_OPTSZ  16
#define OH_MAGIC  0
#define OH_ENTRY  16
#define OH_SALIGN 32
#define OH_FALIGN 36
#define OH_IMGSZ  56
#define OH_HDRSZ  60
#define OH_SUBSYS 68
#define SH_VSIZE  8
#define SH_VADDR  12
#define SH_RAWSZ  16
#define SH_RAWOFF 20
#define SH_FLAGS  36
#define SECT_LEN 40

struct sec {
	const char *name;  /* up to 8 bytes, copied raw into Name */
	const void *data;  /* NULL: a pattern */
	size_t n;
};

struct pe_opts {
	uint16_t magic;    /* 0: PE32+ */
	uint16_t optsz;    /* 0: 0xf0 (PE32+) or 0xe0 (PE32), 16 data directories */
	const void *strtab;/* COFF string table (first 4 bytes: its size), appended */
	size_t strtab_len;
};

struct pe_img {
	uint8_t *buf;
	size_t len;
	size_t coff, opt, tab; /* offsets of the COFF header, optional header, section table */
	size_t off[16];        /* file offset of each section's data */
};

static uint8_t pat(size_t i) { return (uint8_t)(0x80 | ((i * 13 + 5) & 0x7f)); }

static void pe_build(const struct pe_opts *o, const struct sec *s, unsigned n, struct pe_img *img)
{
	uint16_t magic = o && o->magic ? o->magic : 0x20b;
	uint16_t optsz = o && o->optsz ? o->optsz : (magic == 0x10b ? 0xe0 : 0xf0);
	size_t at, i, j, strtab = 0;
	uint8_t *b;

	if (n > 16)
		abort();
	memset(img, 0, sizeof(*img));
	img->coff = LFANEW + 4;
	img->opt = img->coff + 20;
	img->tab = img->opt + optsz;
	at = align_up_u64(img->tab + (size_t)n * SECT_LEN, FALIGN);
	for (i = 0; i < n; i++) {
		img->off[i] = s[i].n ? at : 0;
		at += align_up_u64(s[i].n, FALIGN);
	}
	if (o && o->strtab) {
		strtab = at;
		at += o->strtab_len;
	}
	b = calloc(1, at);
	if (!b)
		abort();
	b[0] = 'M';
	b[1] = 'Z';
	kx_put32(b + 0x3c, LFANEW);
	memcpy(b + LFANEW, "PE\0\0", 4);
	kx_put16(b + img->coff + COFF_MACHINE, 0x8664);
	kx_put16(b + img->coff + COFF_NSECT, (uint16_t)n);
	kx_put16(b + img->coff + COFF_OPTSZ, optsz);
	kx_put16(b + img->coff + 18, 0x0206);
	if (strtab)
		kx_put32(b + img->coff + COFF_SYMTAB, (uint32_t)strtab);
	kx_put16(b + img->opt + OH_MAGIC, magic);
	kx_put32(b + img->opt + OH_ENTRY, 0x1234);
	if (magic == 0x10b)
		kx_put32(b + img->opt + 28, 0x400000);
	else
		kx_put64(b + img->opt + 24, 0x140000000ull);
	kx_put32(b + img->opt + OH_SALIGN, 0x1000);
	kx_put32(b + img->opt + OH_FALIGN, FALIGN);
	kx_put32(b + img->opt + OH_IMGSZ, 0x100000);
	kx_put32(b + img->opt + OH_HDRSZ, (uint32_t)align_up_u64(img->tab + (size_t)n * SECT_LEN, FALIGN));
	kx_put16(b + img->opt + OH_SUBSYS, 10);
	for (i = 0; i < n; i++) {
		uint8_t *e = b + img->tab + i * SECT_LEN;
		memcpy(e, s[i].name, strnlen(s[i].name, 8));
		kx_put32(e + SH_VSIZE, (uint32_t)s[i].n);
		kx_put32(e + SH_VADDR, (uint32_t)(0x10000 * (i + 1)));
		kx_put32(e + SH_RAWSZ, (uint32_t)align_up_u64(s[i].n, FALIGN));
		kx_put32(e + SH_RAWOFF, (uint32_t)img->off[i]);
		kx_put32(e + SH_FLAGS, 0x40000040);
		for (j = 0; j < s[i].n; j++)
			b[img->off[i] + j] = s[i].data ? ((const uint8_t *)s[i].data)[j] : pat(i * 1000 + j);
	}
	if (strtab)
		memcpy(b + strtab, o->strtab, o->strtab_len);
	img->buf = b;
	img->len = at;
}

/* The default UKI: headers end at 0x228, data at 0x400 .. 0xebc, file 0x1000. */
static const char osrel_txt[] = "NAME=Test\nPRETTY_NAME=\"Test OS 1\"\n";
static const char cmdline_txt[] = "console=ttyS0 quiet\n";
static const struct sec uki4[] = {
	{ ".osrel", osrel_txt, sizeof(osrel_txt) - 1 },   /* 0x400, 34 bytes */
	{ ".cmdline", cmdline_txt, sizeof(cmdline_txt) - 1 }, /* 0x600, 20 bytes */
	{ ".linux", 0, 1000 },                           /* 0x800 */
	{ ".initrd", 0, 700 },                           /* 0xc00 .. 0xebc */
};
#define UKI4_LEN 0x1000

static void uki_default(struct pe_img *img)
{
	pe_build(0, uki4, T_ARRAY_SIZE(uki4), img);
}

/* ---- table-driven hostile headers --------------------------------------- */

enum base { B_ABS, B_COFF, B_OPT, B_SEC };
struct patch {
	uint8_t base;    /* enum base; B_SEC: entry `sec` of the section table */
	uint8_t sec;
	uint16_t off;
	uint8_t width;   /* 0 ends the list */
	uint8_t rel;     /* 1: the value is the file length minus val */
	uint64_t val;
};

struct pe_row {
	const char *name;
	struct patch patch[3];
	size_t trunc;            /* NOLEN: whole image */
	enum kx_errcode want;
	const char *what;        /* substring of err.what, or NULL */
	int check_ab;            /* 1: a and b; 2: a, and b = the (cut) file length */
	uint64_t a, b;
};

static size_t patch_at(const struct pe_img *img, const struct patch *p)
{
	switch (p->base) {
	case B_ABS: return p->off;
	case B_COFF: return img->coff + p->off;
	case B_OPT: return img->opt + p->off;
	case B_SEC: return img->tab + (size_t)p->sec * SECT_LEN + p->off;
	}
	abort();
}

static void apply(struct pe_img *img, const struct patch *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && p[i].width; i++) {
		uint8_t *at = img->buf + patch_at(img, &p[i]);
		uint64_t v = p[i].rel ? img->len - p[i].val : p[i].val;
		switch (p[i].width) {
		case 1: *at = (uint8_t)v; break;
		case 2: kx_put16(at, (uint16_t)v); break;
		case 4: kx_put32(at, (uint32_t)v); break;
		default: abort();
		}
	}
}

#define NOP { { 0, 0, 0, 0, 0, 0 } }
#define PA(o, w, v) { { B_ABS, 0, (o), (w), 0, (v) } }
#define PC(o, w, v) { { B_COFF, 0, (o), (w), 0, (v) } }
#define PO(o, w, v) { { B_OPT, 0, (o), (w), 0, (v) } }
#define PS(s, o, w, v) { { B_SEC, (s), (o), (w), 0, (v) } }
#define PS2(s, o1, v1, o2, v2) { { B_SEC, (s), (o1), 4, 0, (v1) }, { B_SEC, (s), (o2), 4, 0, (v2) } }
#define REL(b, s, o, w, v) { { (b), (s), (o), (w), 1, (v) } }

static const struct pe_row pe_rows[] = {
	{ "whole image", NOP, NOLEN, KX_OK, 0, 0, 0, 0 },
	/* truncated at every header boundary */
	{ "empty", NOP, 0, KX_E_TRUNCATED, "DOS header", 2, 0x40, 0 },
	{ "1 byte (M)", NOP, 1, KX_E_TRUNCATED, "DOS header", 2, 0x40, 0 },
	{ "0x3f (e_lfanew cut)", NOP, 0x3f, KX_E_TRUNCATED, "DOS header", 2, 0x40, 0 },
	{ "0x40 (DOS header only)", NOP, 0x40, KX_E_TRUNCATED, "PE header", 2, 0x98, 0 },
	{ "0x83 (signature cut)", NOP, 0x83, KX_E_TRUNCATED, "PE header", 2, 0x98, 0 },
	{ "0x84 (signature only)", NOP, 0x84, KX_E_TRUNCATED, "PE header", 2, 0x98, 0 },
	{ "0x97 (COFF header cut)", NOP, 0x97, KX_E_TRUNCATED, "PE header", 2, 0x98, 0 },
	{ "0x98 (no optional header)", NOP, 0x98, KX_E_TRUNCATED, "optional header", 2, 0x188, 0 },
	{ "0x99 (half magic)", NOP, 0x99, KX_E_TRUNCATED, "optional header", 2, 0x188, 0 },
	{ "0x187 (optional header cut)", NOP, 0x187, KX_E_TRUNCATED, "optional header", 2, 0x188,
	  0 },
	{ "0x188 (no section table)", NOP, 0x188, KX_E_TRUNCATED, "section table", 2, 0x228, 0 },
	{ "0x227 (section table cut)", NOP, 0x227, KX_E_TRUNCATED, "section table", 2, 0x228, 0 },
	{ "0x228 (headers only)", NOP, 0x228, KX_E_TRUNCATED, "section data", 2, 0x422, 0 },
	{ "0x421 (.osrel cut)", NOP, 0x421, KX_E_TRUNCATED, "section data", 2, 0x422, 0 },
	{ "0xebb (.initrd cut)", NOP, 0xebb, KX_E_TRUNCATED, "section data", 2, 0xebc, 0 },
	{ "0xebc (.initrd ends at EOF)", NOP, 0xebc, KX_OK, 0, 0, 0, 0 },
	{ "0xebd (padding cut)", NOP, 0xebd, KX_OK, 0, 0, 0, 0 },
	/* DOS header */
	{ "ZM", PA(0, 2, 0x4d5a), NOLEN, KX_PE_E_NOT_PE, "MZ signature", 1, 0x4d5a, 0 },
	{ "mz", PA(0, 2, 0x7a6d), NOLEN, KX_PE_E_NOT_PE, "MZ signature", 0, 0, 0 },
	{ "no MZ, short file", PA(0, 2, 0), 0x40, KX_PE_E_NOT_PE, "MZ", 0, 0, 0 },
	{ "e_lfanew = file length", REL(B_ABS, 0, 0x3c, 4, 0), NOLEN, KX_E_TRUNCATED, "PE header",
	  1, UKI4_LEN + 24, UKI4_LEN },
	{ "e_lfanew = end - 3", REL(B_ABS, 0, 0x3c, 4, 3), NOLEN, KX_E_TRUNCATED, "PE header", 1,
	  UKI4_LEN + 21, UKI4_LEN },
	{ "e_lfanew = end - 4 (no PE there)", REL(B_ABS, 0, 0x3c, 4, 4), NOLEN, KX_PE_E_NOT_PE,
	  "PE signature", 0, 0, 0 },
	{ "e_lfanew 0x7ffffffc (past the end)", PA(0x3c, 4, 0x7ffffffc), NOLEN, KX_E_TRUNCATED,
	  "PE header", 1, 0x7ffffffcull + 24, UKI4_LEN },
	{ "e_lfanew 0xfffffffc (negative)", PA(0x3c, 4, 0xfffffffc), NOLEN, KX_E_BAD_HEADER,
	  "e_lfanew", 1, 0xfffffffc, 0 },
	{ "e_lfanew 0x80000000 (negative)", PA(0x3c, 4, 0x80000000), NOLEN, KX_E_BAD_HEADER,
	  "e_lfanew", 0, 0, 0 },
	{ "e_lfanew 0 (points at MZ)", PA(0x3c, 4, 0), NOLEN, KX_PE_E_NOT_PE, "PE signature", 0,
	  0, 0 },
	{ "e_lfanew 0x3c (points at itself)", PA(0x3c, 4, 0x3c), NOLEN, KX_PE_E_NOT_PE,
	  "PE signature", 0, 0, 0 },
	{ "e_lfanew 0x81 (misaligned)", PA(0x3c, 4, 0x81), NOLEN, KX_PE_E_NOT_PE, "PE signature",
	  0, 0, 0 },
	/* PE signature */
	{ "PE\\0\\1", PA(LFANEW + 3, 1, 1), NOLEN, KX_PE_E_NOT_PE, "PE signature", 1, 0x01004550,
	  0 },
	{ "NE", PA(LFANEW, 2, 0x454e), NOLEN, KX_PE_E_NOT_PE, "PE signature", 0, 0, 0 },
	/* NumberOfSections */
	{ "NumberOfSections 0xffff", PC(COFF_NSECT, 2, 0xffff), NOLEN, KX_E_TOO_MANY, "PE sections", 1,
	  KX_PE_MAX_SECTIONS, 0xffff },
	{ "NumberOfSections 97", PC(COFF_NSECT, 2, 97), NOLEN, KX_E_TOO_MANY, "PE sections", 1,
	  KX_PE_MAX_SECTIONS, 97 },
	{ "NumberOfSections 96 (table past EOF)", PC(COFF_NSECT, 2, 96), NOLEN, KX_E_TRUNCATED,
	  "section table", 1, 0x188 + 96 * 40, UKI4_LEN },
	{ "NumberOfSections 0", PC(COFF_NSECT, 2, 0), NOLEN, KX_OK, 0, 0, 0, 0 },
	{ "NumberOfSections 5 (zeroed entry)", PC(COFF_NSECT, 2, 5), NOLEN, KX_OK, 0, 0, 0, 0 },
	{ "NumberOfSections 97, file cut after the COFF header", PC(COFF_NSECT, 2, 97), 0x98,
	  KX_E_TOO_MANY, 0, 0, 0, 0 },
	/* SizeOfOptionalHeader and magic */
	{ "SizeOfOptionalHeader 0", PC(COFF_OPTSZ, 2, 0), NOLEN, KX_E_BAD_HEADER,
	  "SizeOfOptionalHeader", 1, 0, 0 },
	{ "SizeOfOptionalHeader 1", PC(COFF_OPTSZ, 2, 1), NOLEN, KX_E_BAD_HEADER,
	  "SizeOfOptionalHeader", 1, 1, 0 },
	{ "SizeOfOptionalHeader 111 (PE32+ needs 112)", PC(COFF_OPTSZ, 2, 111), NOLEN,
	  KX_E_BAD_HEADER, "SizeOfOptionalHeader", 1, 111, 0 },
	/* the table moves to 0x108: entry 3 is made of the real entry 0's fields */
	{ "SizeOfOptionalHeader 112: table moves", PC(COFF_OPTSZ, 2, 112), NOLEN, KX_E_TRUNCATED,
	  "section data", 1, 0x10000 + 34, UKI4_LEN },
	{ "SizeOfOptionalHeader 0xffff", PC(COFF_OPTSZ, 2, 0xffff), NOLEN, KX_E_TRUNCATED,
	  "optional header", 1, 0x98 + 0xffff, UKI4_LEN },
	{ "section table ends 1 byte past EOF", REL(B_COFF, 0, COFF_OPTSZ, 2, 0x98 + 4 * 40 - 1),
	  NOLEN, KX_E_TRUNCATED, "section table", 1, UKI4_LEN + 1, UKI4_LEN },
	{ "section table ends at EOF (sections bogus)", REL(B_COFF, 0, COFF_OPTSZ, 2, 0x98 + 4 * 40),
	  NOLEN, ANY, 0, 0, 0, 0 },
	{ "magic 0x107 (ROM)", PO(OH_MAGIC, 2, 0x107), NOLEN, KX_E_BAD_HEADER, "magic", 1, 0x107,
	  0 },
	{ "magic 0", PO(OH_MAGIC, 2, 0), NOLEN, KX_E_BAD_HEADER, "magic", 1, 0, 0 },
	{ "magic 0x10b (PE32 in a PE32+ sized header)", PO(OH_MAGIC, 2, 0x10b), NOLEN, KX_OK, 0, 0,
	  0, 0 },
	/* section data */
	{ ".linux offset = EOF", REL(B_SEC, 2, SH_RAWOFF, 4, 0), NOLEN, KX_E_TRUNCATED,
	  "section data", 1, UKI4_LEN + 1000, UKI4_LEN },
	{ ".linux offset = EOF - 999", REL(B_SEC, 2, SH_RAWOFF, 4, 999), NOLEN, KX_E_TRUNCATED,
	  "section data", 1, UKI4_LEN + 1, UKI4_LEN },
	{ ".linux offset = EOF - 1000", REL(B_SEC, 2, SH_RAWOFF, 4, 1000), NOLEN, KX_OK, 0, 0, 0,
	  0 },
	{ ".linux offset 0xffffff00 (wraps 32 bits)", PS(2, SH_RAWOFF, 4, 0xffffff00), NOLEN,
	  KX_E_TRUNCATED, "section data", 1, 0xffffff00ull + 1000, UKI4_LEN },
	{ ".linux offset 0xffffffff", PS(2, SH_RAWOFF, 4, 0xffffffff), NOLEN, KX_E_TRUNCATED,
	  "section data", 1, 0xffffffffull + 1000, UKI4_LEN },
	{ ".linux raw size 0xffffffff, vsize 0", PS2(2, SH_RAWSZ, 0xffffffff, SH_VSIZE, 0), NOLEN,
	  KX_E_TRUNCATED, "section data", 1, 0x800 + 0xffffffffull, UKI4_LEN },
	{ ".linux raw size 0xffffffff, vsize 1000 (ok)", PS(2, SH_RAWSZ, 4, 0xffffffff), NOLEN, KX_OK,
	  0, 0, 0, 0 },
	{ ".linux both sizes 0xffffffff", PS2(2, SH_RAWSZ, 0xffffffff, SH_VSIZE, 0xffffffff), NOLEN,
	  KX_E_TRUNCATED, "section data", 0, 0, 0 },
	{ ".initrd vsize 0: the padded raw size", PS(3, SH_VSIZE, 4, 0), NOLEN, KX_OK, 0, 0, 0, 0 },
	{ ".initrd vsize 0, raw size past EOF", PS2(3, SH_VSIZE, 0, SH_RAWSZ, 0x401), NOLEN,
	  KX_E_TRUNCATED, "section data", 1, 0x1001, UKI4_LEN },
	{ ".initrd raw size 0, offset garbage (bss)", PS2(3, SH_RAWSZ, 0, SH_RAWOFF, 0xffffffff),
	  NOLEN, KX_OK, 0, 0, 0, 0 },
};

static int what_has(const struct kx_err *e, const char *sub)
{
	return !sub || (e->what && strstr(e->what, sub));
}

/* A section data error: the headers and the table were fine. */
static int is_data_err(const struct kx_err *e)
{
	return e->code == KX_E_TRUNCATED && what_has(e, "PE section data");
}

TEST(pe_parse_rows)
{
	size_t i, len;

	for (i = 0; i < T_ARRAY_SIZE(pe_rows); i++) {
		const struct pe_row *r = &pe_rows[i];
		struct pe_img img;
		struct kx_pe *pe = malloc(sizeof(*pe));
		struct kx_uki u;
		struct kx_err e, eu;
		uint8_t *b;

		T_ROW("%s", r->name);
		uki_default(&img);
		REQUIRE(pe && img.len == UKI4_LEN);
		apply(&img, r->patch, T_ARRAY_SIZE(r->patch));
		len = r->trunc == NOLEN ? img.len : r->trunc;
		b = dup_exact(img.buf, len);
		e = kx_pe_parse(b, len, pe);
		eu = kx_uki_parse(b, len, &u);
		if (r->want == ANY) {
			/* anything but a crash */
		} else if (CHECK_ERR(e, r->want)) {
			CHECK(what_has(&e, r->what));
			if (r->check_ab) {
				CHECK_EQ(e.a, r->a);
				CHECK_EQ(e.b, r->check_ab == 2 ? len : r->b);
			}
			if (e.code == KX_E_TRUNCATED)
				CHECK(e.a > len && e.b == len);
			/* a PE error is the UKI error too; the probe only looks at
			 * the headers and the section table */
			if (r->want != KX_OK) {
				CHECK_EQ(eu.code, e.code);
				CHECK(e.what == eu.what);
				if (!is_data_err(&e))
					CHECK_EQ(kx_uki_probe(b, len), 0);
			}
		}
		if (e.code == KX_OK) {
			unsigned k;
			for (k = 0; k < pe->nsect; k++) {
				const struct kx_pe_section *s = &pe->sect[k];
				CHECK(s->len ? s->data >= b && s->len <= len &&
						       (size_t)(s->data - b) <= len - s->len
					     : !s->data);
			}
			CHECK_EQ(kx_uki_probe(b, len), kx_pe_find(pe, ".linux") != 0);
		}
		free(b);
		free(img.buf);
		free(pe);
	}
}

/* Every prefix of the image: TRUNCATED (needing more than there is) until the
 * last section's data is complete, then OK. */
TEST(pe_every_truncation)
{
	struct pe_img img;
	struct kx_pe *pe = malloc(sizeof(*pe));
	struct kx_uki u;
	size_t len;

	uki_default(&img);
	REQUIRE(pe);
	for (len = 0; len <= img.len; len++) {
		uint8_t *b = dup_exact(img.buf, len);
		struct kx_err e = kx_pe_parse(b, len, pe);

		T_ROW("len %zu", len);
		if (len < 0xebc) {
			if (CHECK_ERR(e, KX_E_TRUNCATED))
				CHECK(e.a > len && e.b == len && e.what);
			/* the probe reads no section data: a UKI from the end of the table */
			CHECK_EQ(kx_uki_probe(b, len), len >= 0x228);
			CHECK_EQ(is_data_err(&e), len >= 0x228);
			CHECK_ERR(kx_uki_parse(b, len, &u), KX_E_TRUNCATED);
		} else {
			CHECK_OK(e);
			CHECK_EQ(kx_uki_probe(b, len), 1);
			CHECK_OK(kx_uki_parse(b, len, &u));
		}
		free(b);
	}
	free(img.buf);
	free(pe);
}

/* Every byte of the headers set to hostile values: the parsers never read
 * outside the buffer (ASan), and their answers agree with each other. */
TEST(pe_header_byte_mutations)
{
	static const int vals[] = { 0x00, 0xff, 0x7f, 0x80, -1 /* bit 0 flipped */ };
	struct pe_img img;
	struct kx_pe *pe = malloc(sizeof(*pe));
	size_t off, v;
	unsigned ok = 0;

	uki_default(&img);
	REQUIRE(pe);
	for (off = 0; off < 0x400; off++) {
		for (v = 0; v < T_ARRAY_SIZE(vals); v++) {
			uint8_t *b = dup_exact(img.buf, img.len);
			struct kx_uki u;
			struct kx_err e, eu;
			int probe;

			b[off] = vals[v] < 0 ? (uint8_t)(b[off] ^ 1) : (uint8_t)vals[v];
			T_ROW("byte 0x%zx = 0x%02x", off, b[off]);
			e = kx_pe_parse(b, img.len, pe);
			eu = kx_uki_parse(b, img.len, &u);
			probe = kx_uki_probe(b, img.len);
			if (KX_FAILED(e)) {
				if (!is_data_err(&e))
					CHECK_EQ(probe, 0);
				CHECK_EQ(eu.code, e.code);
			} else {
				ok++;
				CHECK_EQ(probe, kx_pe_find(pe, ".linux") != 0);
				if (!KX_FAILED(eu)) {
					CHECK_EQ(probe, 1);
					CHECK(u.kernel.present);
					CHECK(u.kernel.len ? u.kernel.buf >= b && u.kernel.len <= img.len &&
						(size_t)(u.kernel.buf - b) <= img.len - u.kernel.len
							   : !u.kernel.buf);
				}
			}
			free(b);
		}
	}
	T_ROW_CLEAR();
	CHECK(ok > 1000); /* most bytes of the header do not matter */
	free(img.buf);
	free(pe);
}

/* Random multi-byte damage and random lengths (fixed seed). */
TEST(pe_random_damage)
{
	struct pe_img img;
	struct kx_pe *pe = malloc(sizeof(*pe));
	uint64_t x = 0x9e3779b97f4a7c15ull;
	unsigned i, j;

	uki_default(&img);
	REQUIRE(pe);
	for (i = 0; i < 4000; i++) {
		uint8_t *b = dup_exact(img.buf, img.len);
		size_t len = img.len;
		struct kx_uki u;
		struct kx_err e, eu;

		for (j = 0; j < 1 + i % 8; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* mostly the interesting fields: offsets and sizes in 0x3c..0x228 */
			b[(j & 1 ? 0x3c + x % (0x228 - 0x3c) : x % img.len)] = (uint8_t)(x >> 32);
		}
		if (i % 3 == 0)
			len = (size_t)(x >> 40) % (img.len + 1);
		T_ROW("iteration %u", i);
		e = kx_pe_parse(b, len, pe);
		eu = kx_uki_parse(b, len, &u);
		if (KX_FAILED(e))
			CHECK_EQ(eu.code, e.code);
		if (!KX_FAILED(eu))
			CHECK(kx_uki_probe(b, len) == 1 && u.kernel.present);
		free(b);
	}
	free(img.buf);
	free(pe);
}

/* ---- fields and sizes --------------------------------------------------- */

TEST(pe_fields_pe32plus)
{
	struct pe_img img;
	struct kx_pe *pe = malloc(sizeof(*pe));
	const struct kx_pe_section *s;

	uki_default(&img);
	REQUIRE(pe);
	REQUIRE(CHECK_OK(kx_pe_parse(img.buf, img.len, pe)));
	CHECK_EQ(pe->pe_off, LFANEW);
	CHECK_EQ(pe->machine, KX_PE_MACHINE_AMD64);
	CHECK_EQ(pe->characteristics, 0x206);
	CHECK_EQ(pe->opt_magic, KX_PE_MAGIC_PE32PLUS);
	CHECK_EQ(pe->entry, 0x1234);
	CHECK_EQ(pe->image_base, 0x140000000ull);
	CHECK_EQ(pe->section_align, 0x1000);
	CHECK_EQ(pe->file_align, FALIGN);
	CHECK_EQ(pe->size_of_image, 0x100000);
	CHECK_EQ(pe->size_of_headers, 0x400);
	CHECK_EQ(pe->subsystem, 10);
	CHECK_EQ(pe->nsect, 4);
	s = kx_pe_find(pe, ".linux");
	REQUIRE(s == &pe->sect[2]);
	CHECK_STR(s->name, ".linux");
	CHECK(!s->long_name);
	CHECK_EQ(s->vaddr, 0x30000);
	CHECK_EQ(s->vsize, 1000);
	CHECK_EQ(s->raw_off, 0x800);
	CHECK_EQ(s->raw_size, 0x400);
	CHECK_EQ(s->flags, 0x40000040);
	CHECK(s->data == img.buf + 0x800);
	CHECK_EQ(s->len, 1000); /* VirtualSize, not the padded raw size */
	CHECK(kx_pe_section_is(&pe->sect[1], ".cmdline"));
	CHECK(!kx_pe_section_is(&pe->sect[1], ".cmdlin"));
	CHECK(!kx_pe_section_is(&pe->sect[1], ".cmdline2"));
	CHECK(!kx_pe_find(pe, ".dtb"));
	CHECK(!kx_pe_find(pe, ""));
	free(img.buf);
	free(pe);
}

TEST(pe_fields_pe32)
{
	struct pe_opts o = { 0x10b, 0, 0, 0 };
	struct pe_img img;
	struct kx_pe *pe = malloc(sizeof(*pe));
	uint8_t *b;

	REQUIRE(pe);
	pe_build(&o, uki4, T_ARRAY_SIZE(uki4), &img);
	b = dup_exact(img.buf, img.len);
	REQUIRE(CHECK_OK(kx_pe_parse(b, img.len, pe)));
	CHECK_EQ(pe->opt_magic, KX_PE_MAGIC_PE32);
	CHECK_EQ(pe->image_base, 0x400000);
	CHECK_EQ(pe->nsect, 4);
	CHECK_EQ(kx_uki_probe(b, img.len), 1);
	/* 95 bytes: shorter than the PE32 optional header (96) */
	kx_put16(b + img.coff + COFF_OPTSZ, 95);
	CHECK_ERR(kx_pe_parse(b, img.len, pe), KX_E_BAD_HEADER);
	free(b);
	free(img.buf);
	free(pe);
}

/* meaningful size = min(VirtualSize, SizeOfRawData), or SizeOfRawData if VirtualSize is 0 */
TEST(pe_section_sizes)
{
	static const struct { uint32_t vsize, raw; size_t want; } rows[] = {
		{ 700, 0x400, 700 },    { 0, 0x400, 0x400 }, { 0x400, 0x400, 0x400 },
		{ 0x5000, 0x400, 0x400 }, { 1, 0x400, 1 },   { 0x1000, 0, 0 },
		{ 0, 0, 0 },            { 0xffffffff, 0x200, 0x200 },
	};
	struct pe_img img;
	struct kx_pe *pe = malloc(sizeof(*pe));
	size_t i;

	REQUIRE(pe);
	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		uint8_t *e;

		T_ROW("vsize 0x%x raw 0x%x", rows[i].vsize, rows[i].raw);
		uki_default(&img);
		e = img.buf + img.tab + 3 * SECT_LEN;
		kx_put32(e + SH_VSIZE, rows[i].vsize);
		kx_put32(e + SH_RAWSZ, rows[i].raw);
		if (CHECK_OK(kx_pe_parse(img.buf, img.len, pe))) {
			CHECK_EQ(pe->sect[3].len, rows[i].want);
			CHECK(rows[i].want ? pe->sect[3].data == img.buf + 0xc00 : !pe->sect[3].data);
		}
		free(img.buf);
	}
	free(pe);
}

/* "/N" names: resolved in the COFF string table when valid, never a crash. */
TEST(pe_long_names)
{
	static const char tab[] = "\x20\0\0\0.debug_info\0.linux\0.unterminated";
	static const struct { const char *raw; const char *want; } rows[] = {
		{ "/4", ".debug_info" }, { "/16", ".linux" }, { "/0004", ".debug_info" },
		{ "/17", "linux" },      { "/23", 0 },        { "/31", 0 }, /* past the table */
		{ "/32", 0 },            { "/9999999", 0 },   { "/0", 0 },  { "/3", 0 },
		{ "/", 0 },              { "/4x", 0 },        { "//AAAAAA", 0 },
		{ "/-4", 0 },            { "/ 4", 0 },
	};
	struct sec s[2] = { { ".text", 0, 16 }, { 0, 0, 16 } };
	struct pe_opts o = { 0, 0, tab, sizeof(tab) - 1 };
	struct kx_pe *pe = malloc(sizeof(*pe));
	size_t i;

	REQUIRE(pe);
	CHECK_EQ(sizeof(tab) - 1, 0x24);
	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct pe_img img;
		struct kx_uki u;
		uint8_t *b;

		T_ROW("%s", rows[i].raw);
		s[1].name = rows[i].raw;
		pe_build(&o, s, 2, &img);
		/* the table's size field says 0x20: ".unterminated" lies beyond it */
		b = dup_exact(img.buf, img.len);
		if (CHECK_OK(kx_pe_parse(b, img.len, pe))) {
			CHECK_STR(pe->sect[1].long_name, rows[i].want);
			CHECK_EQ(strncmp(pe->sect[1].name, rows[i].raw, 8), 0);
			if (rows[i].want)
				CHECK(kx_pe_section_is(&pe->sect[1], rows[i].want));
		}
		/* a long name is never a UKI section (systemd-stub reads Name only) */
		CHECK_EQ(kx_uki_probe(b, img.len), 0);
		CHECK_ERR(kx_uki_parse(b, img.len, &u), KX_PE_E_NOT_UKI);
		free(b);
		free(img.buf);
	}
	free(pe);
}

TEST(pe_long_names_bad_string_table)
{
	static const char tab[] = "\x10\0\0\0.linux\0.initrd\0"; /* 19 bytes */
	static const struct { const char *name; uint32_t symtab_rel; uint32_t nsyms; uint32_t size;
		              int resolved; } rows[] = {
		{ "table ok", 0, 0, 0x10, 1 },
		{ "size says 0x100 (past EOF, clamped)", 0, 0, 0x100, 1 },
		{ "size 0xffffffff", 0, 0, 0xffffffff, 1 },
		{ "size 3 (less than its own field)", 0, 0, 3, 0 },
		{ "size 5 (ends inside the name)", 0, 0, 5, 0 },
		{ "symbols push the table past EOF", 0, 1, 0x10, 0 },
		{ "0xffffffff symbols (no wrap)", 0, 0xffffffff, 0x10, 0 },
		{ "pointer 4 bytes before EOF", sizeof(tab) - 1 - 4, 0, 0x10, 0 },
		{ "pointer at EOF - 3", sizeof(tab) - 1 - 3, 0, 0x10, 0 },
		{ "pointer past EOF", 0x100, 0, 0x10, 0 },
	};
	struct sec s[1] = { { "/4", 0, 16 } };
	struct pe_opts o = { 0, 0, tab, sizeof(tab) - 1 };
	struct kx_pe *pe = malloc(sizeof(*pe));
	size_t i;

	REQUIRE(pe);
	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct pe_img img;
		uint32_t symtab;

		T_ROW("%s", rows[i].name);
		pe_build(&o, s, 1, &img);
		symtab = kx_le32(img.buf + img.coff + COFF_SYMTAB);
		kx_put32(img.buf + img.coff + COFF_SYMTAB, symtab + rows[i].symtab_rel);
		kx_put32(img.buf + img.coff + COFF_NSYMS, rows[i].nsyms);
		kx_put32(img.buf + symtab, rows[i].size);
		if (CHECK_OK(kx_pe_parse(img.buf, img.len, pe)))
			CHECK_STR(pe->sect[0].long_name, rows[i].resolved ? ".linux" : 0);
		free(img.buf);
	}
	free(pe);
}

/* ---- UKI ------------------------------------------------------------------ */

TEST(uki_default_sections)
{
	struct pe_img img;
	struct kx_uki u;
	const uint8_t *v;
	size_t vl, i;

	uki_default(&img);
	REQUIRE(CHECK_OK(kx_uki_parse(img.buf, img.len, &u)));
	CHECK_EQ(u.machine, KX_PE_MACHINE_AMD64);
	CHECK(u.kernel.present && u.kernel.buf == img.buf + 0x800 && u.kernel.len == 1000);
	for (i = 0; i < 1000; i++)
		if (!CHECK_EQ(u.kernel.buf[i], pat(2 * 1000 + i)))
			break;
	CHECK(u.initrd.present && u.initrd.buf == img.buf + 0xc00 && u.initrd.len == 700);
	CHECK(u.cmdline.present && u.cmdline.len == 19);
	CHECK_MEM(u.cmdline.buf, "console=ttyS0 quiet", 19);
	CHECK(u.osrel.present && u.osrel.len == sizeof(osrel_txt) - 1);
	CHECK(!u.ucode.present && !u.ucode.buf && !u.ucode.len);
	CHECK(!u.uname.present && !u.dtb.present);
	CHECK_EQ(u.nprofiles, 0);
	REQUIRE(kx_osrel_pretty(u.osrel.buf, u.osrel.len, &v, &vl));
	CHECK_EQ(vl, 9);
	CHECK_MEM(v, "Test OS 1", 9);
	CHECK_EQ(kx_uki_probe(img.buf, img.len), 1);
	free(img.buf);
}

TEST(uki_all_sections)
{
	static const struct sec s[] = {
		{ ".sbat", "sbat,1\n", 7 }, { ".osrel", "ID=x\n", 5 }, { ".uname", "6.1.0-test\n", 11 },
		{ ".cmdline", "a=1", 3 },  { ".dtb", 0, 33 },   { ".splash", 0, 9 },
		{ ".pcrsig", 0, 5 },        { ".pcrpkey", 0, 7 }, { ".ucode", 0, 301 },
		{ ".linux", 0, 2049 },      { ".initrd", 0, 4097 },
	};
	struct pe_img img;
	struct kx_uki u;
	uint8_t *b;

	pe_build(0, s, T_ARRAY_SIZE(s), &img);
	b = dup_exact(img.buf, img.len);
	REQUIRE(CHECK_OK(kx_uki_parse(b, img.len, &u)));
	CHECK(u.kernel.buf == b + img.off[9] && u.kernel.len == 2049);
	CHECK(u.initrd.buf == b + img.off[10] && u.initrd.len == 4097);
	CHECK(u.ucode.buf == b + img.off[8] && u.ucode.len == 301);
	CHECK(u.dtb.buf == b + img.off[4] && u.dtb.len == 33);
	CHECK(u.uname.present && u.uname.len == 10);
	CHECK_MEM(u.uname.buf, "6.1.0-test", 10);
	CHECK(u.cmdline.len == 3 && !memcmp(u.cmdline.buf, "a=1", 3));
	CHECK(u.osrel.len == 5);
	free(b);
	free(img.buf);
}

TEST(uki_not_a_uki)
{
	static const struct sec s[] = { { ".text", 0, 100 }, { ".linux2", 0, 10 },
		                        { ".Linux", 0, 10 }, { "linux", 0, 10 }, { ".initrd", 0, 10 } };
	struct pe_img img;
	struct kx_uki u;
	struct kx_err e;

	pe_build(0, s, T_ARRAY_SIZE(s), &img);
	CHECK_EQ(kx_uki_probe(img.buf, img.len), 0);
	e = kx_uki_parse(img.buf, img.len, &u);
	if (CHECK_ERR(e, KX_PE_E_NOT_UKI))
		CHECK(what_has(&e, ".linux"));
	free(img.buf);
	/* no sections at all */
	pe_build(0, s, 0, &img);
	CHECK_EQ(kx_uki_probe(img.buf, img.len), 0);
	CHECK_ERR(kx_uki_parse(img.buf, img.len, &u), KX_PE_E_NOT_UKI);
	free(img.buf);
	/* not even a PE */
	CHECK_EQ(kx_uki_probe((const uint8_t *)"MZ", 2), 0);
	CHECK_EQ(kx_uki_probe((const uint8_t *)"", 0), 0);
}

TEST(uki_duplicates)
{
	static const struct { const char *dup; unsigned at; } rows[] = {
		{ ".linux", 2 }, { ".initrd", 3 }, { ".cmdline", 1 }, { ".osrel", 0 },
		{ ".ucode", 9 }, { ".uname", 9 },  { ".dtb", 9 },
	};
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct sec s[6] = { uki4[0], uki4[1], uki4[2], uki4[3], { ".sbat", 0, 3 }, { 0, 0, 5 } };
		struct pe_img img;
		struct kx_uki u;
		struct kx_err e;
		char what[64];

		T_ROW("%s", rows[i].dup);
		s[4].name = rows[i].at < 4 ? ".sbat" : rows[i].dup;
		s[5].name = rows[i].dup;
		pe_build(0, s, 6, &img);
		e = kx_uki_parse(img.buf, img.len, &u);
		snprintf(what, sizeof(what), "%s", rows[i].dup);
		if (CHECK_ERR(e, KX_PE_E_DUP)) {
			CHECK_STR(e.what, what);
			CHECK_EQ(e.a, 5);
		}
		CHECK_EQ(kx_uki_probe(img.buf, img.len), 1); /* the loader reports the dup */
		free(img.buf);
	}
	{
		/* unknown sections may repeat */
		static const struct sec s[] = { { ".sbat", 0, 3 }, { ".sbat", 0, 3 }, { ".linux", 0, 9 },
			                        { ".pcrsig", 0, 3 }, { ".pcrsig", 0, 3 } };
		struct pe_img img;
		struct kx_uki u;

		T_ROW("repeated unknown sections");
		pe_build(0, s, T_ARRAY_SIZE(s), &img);
		CHECK_OK(kx_uki_parse(img.buf, img.len, &u));
		free(img.buf);
	}
}

TEST(uki_cmdline_text)
{
	static const struct { const char *name; const char *txt; size_t n; const char *want; } rows[] = {
		{ "plain", "quiet", 5, "quiet" },
		{ "trailing newline", "quiet\n", 6, "quiet" },
		{ "trailing CRLF", "quiet\r\n", 7, "quiet" },
		{ "two newlines: one trimmed", "quiet\n\n", 7, "quiet\n" },
		{ "NUL-terminated", "quiet\0", 6, "quiet" },
		{ "NUL-padded", "quiet\0\0\0\0\0\0\0", 12, "quiet" },
		{ "newline then NUL", "quiet\n\0\0", 8, "quiet" },
		{ "stops at the first NUL", "a=1\0b=2", 7, "a=1" },
		{ "inner newline kept", "a=1\nb=2", 7, "a=1\nb=2" },
		{ "only a newline", "\n", 1, "" },
		{ "only NULs", "\0\0\0", 3, "" },
		{ "leading NUL", "\0quiet", 6, "" },
		{ "lone CR kept", "quiet\r", 6, "quiet\r" },
		{ "empty section", "", 0, "" },
	};
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct sec s[3] = { { ".cmdline", rows[i].txt, rows[i].n }, { ".uname", rows[i].txt,
			            rows[i].n }, { ".linux", 0, 10 } };
		struct pe_img img;
		struct kx_uki u;
		size_t wl = strlen(rows[i].want);
		uint8_t *b;

		T_ROW("%s", rows[i].name);
		pe_build(0, s, 3, &img);
		b = dup_exact(img.buf, img.len);
		if (CHECK_OK(kx_uki_parse(b, img.len, &u))) {
			CHECK(u.cmdline.present);
			if (CHECK_EQ(u.cmdline.len, wl) && wl)
				CHECK_MEM(u.cmdline.buf, rows[i].want, wl);
			CHECK_EQ(u.uname.len, wl);
			CHECK(rows[i].n ? u.cmdline.buf == b + img.off[0] : !u.cmdline.buf);
		}
		free(b);
		free(img.buf);
	}
	{
		/* VirtualSize 0: the whole zero-padded raw data, cut at the first NUL */
		struct sec s[2] = { { ".cmdline", "root=/dev/vda1\n", 15 }, { ".linux", 0, 10 } };
		struct pe_img img;
		struct kx_uki u;

		T_ROW("VirtualSize 0, padded with NULs");
		pe_build(0, s, 2, &img);
		kx_put32(img.buf + img.tab + SH_VSIZE, 0);
		if (CHECK_OK(kx_uki_parse(img.buf, img.len, &u)))
			CHECK_EQ(u.cmdline.len, 14);
		free(img.buf);
	}
}

TEST(uki_empty_sections)
{
	static const struct sec s[] = { { ".linux", 0, 0 }, { ".initrd", 0, 0 }, { ".cmdline", 0, 0 },
		                        { ".osrel", 0, 0 } };
	struct pe_img img;
	struct kx_uki u;
	const uint8_t *v;
	size_t vl;

	pe_build(0, s, T_ARRAY_SIZE(s), &img);
	/* PointerToRawData of empty sections: garbage, never used */
	kx_put32(img.buf + img.tab + SH_RAWOFF, 0xfffffff0);
	REQUIRE(CHECK_OK(kx_uki_parse(img.buf, img.len, &u)));
	CHECK(u.kernel.present && !u.kernel.buf && !u.kernel.len);
	CHECK(u.initrd.present && !u.initrd.buf && !u.initrd.len);
	CHECK(u.cmdline.present && !u.cmdline.len);
	CHECK(!kx_osrel_pretty(u.osrel.buf, u.osrel.len, &v, &vl));
	CHECK_EQ(kx_uki_probe(img.buf, img.len), 1);
	free(img.buf);
}

TEST(uki_profiles)
{
	static const struct sec s[] = {
		{ ".osrel", "NAME=base\n", 10 }, { ".cmdline", "base", 4 }, { ".linux", 0, 20 },
		{ ".initrd", 0, 30 },
		{ ".profile", "ID=p0\n", 6 },   { ".cmdline", "p0", 2 },  { ".dtb", 0, 7 },
		{ ".profile", "ID=p1\n", 6 },   { ".cmdline", "p1", 2 },  { ".cmdline", "p1b", 3 },
		{ ".linux", 0, 40 },
	};
	struct pe_img img;
	struct kx_uki u;

	pe_build(0, s, T_ARRAY_SIZE(s), &img);
	REQUIRE(CHECK_OK(kx_uki_parse(img.buf, img.len, &u)));
	CHECK_EQ(u.nprofiles, 2);
	CHECK(u.cmdline.len == 2 && !memcmp(u.cmdline.buf, "p0", 2)); /* profile 0 wins */
	CHECK(u.dtb.present && u.dtb.len == 7);                       /* from profile 0 */
	CHECK(u.kernel.len == 20 && u.kernel.buf == img.buf + img.off[2]); /* from the base */
	CHECK(u.initrd.len == 30 && u.osrel.len == 10);
	free(img.buf);
	{
		/* a duplicate inside profile 0 is an error; .linux only in profile 0 is fine */
		static const struct sec d[] = { { ".profile", 0, 0 }, { ".linux", 0, 5 },
			                        { ".cmdline", "x", 1 }, { ".cmdline", "y", 1 } };
		pe_build(0, d, T_ARRAY_SIZE(d), &img);
		CHECK_ERR(kx_uki_parse(img.buf, img.len, &u), KX_PE_E_DUP);
		free(img.buf);
		pe_build(0, d, 3, &img);
		if (CHECK_OK(kx_uki_parse(img.buf, img.len, &u)))
			CHECK(u.kernel.len == 5 && u.nprofiles == 1);
		free(img.buf);
	}
}

TEST(osrel_values)
{
	static const char txt[] =
		"# comment PRETTY_NAME=\"no\"\n"
		"NAME=\"Debian GNU/Linux\"\r\n"
		"ID=debian\n"
		"VERSION_ID='12'\n"
		"EMPTY=\n"
		"QUOTE1=\"\n"
		"MISMATCH=\"abc'\n"
		"IDX=prefix\n"
		" SPACED=1\n"
		"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
		"LAST=no-newline";
	static const struct { const char *key; const char *want; } rows[] = {
		{ "NAME", "Debian GNU/Linux" },
		{ "ID", "debian" },
		{ "VERSION_ID", "12" },
		{ "EMPTY", "" },
		{ "QUOTE1", "\"" },
		{ "MISMATCH", "\"abc'" },
		{ "IDX", "prefix" },
		{ "PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)" },
		{ "LAST", "no-newline" },
		{ "SPACED", 0 },
		{ "I", 0 },
		{ "# comment PRETTY_NAME", 0 }, /* comment lines are skipped */
		{ "MISSING", 0 },
		{ "", 0 },
	};
	size_t i, vl;
	const uint8_t *v;
	uint8_t *b = dup_exact(txt, sizeof(txt) - 1);

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		int got;

		T_ROW("%s", rows[i].key);
		got = kx_osrel_value(b, sizeof(txt) - 1, rows[i].key, &v, &vl);
		if (CHECK_EQ(got, rows[i].want != 0) && got && CHECK_EQ(vl, strlen(rows[i].want)))
			CHECK_MEM(v, rows[i].want, vl);
	}
	T_ROW_CLEAR();
	REQUIRE(kx_osrel_pretty(b, sizeof(txt) - 1, &v, &vl));
	CHECK_EQ(vl, 30);
	/* cut after the NAME line: falls back to NAME */
	REQUIRE(kx_osrel_pretty(b, 52, &v, &vl));
	CHECK(vl == 16 && !memcmp(v, "Debian GNU/Linux", 16));
	/* the text ends at a NUL */
	CHECK(!kx_osrel_value((const uint8_t *)"A=1\0B=2\n", 8, "B", &v, &vl));
	/* every prefix: bounded */
	for (i = 0; i <= sizeof(txt) - 1; i++) {
		uint8_t *p = dup_exact(txt, i);
		kx_osrel_value(p, i, "LAST", &v, &vl);
		kx_osrel_pretty(p, i, &v, &vl);
		free(p);
	}
	CHECK(!kx_osrel_value(0, 0, "ID", &v, &vl));
	free(b);
}

/* ---- real images ---------------------------------------------------------- */

TEST(pe_real_bzimage_is_not_uki)
{
	const char *path = find_vmlinuz();
	struct kx_pe *pe = malloc(sizeof(*pe));
	struct kx_uki u;
	uint8_t *buf;
	size_t len;

	REQUIRE(pe);
	if (!path) {
		free(pe);
		SKIP("no vmlinuz under tests/e2e/cache/*/boot (tests/e2e/fetch.sh)");
	}
	if (!(buf = read_whole(path, &len))) {
		free(pe);
		SKIP("cannot read %s", path);
	}
	CHECK_EQ(kx_bzimage_probe(buf, len), 1);
	/* the EFI stub makes it a valid PE ... */
	if (CHECK_OK(kx_pe_parse(buf, len, pe))) {
		CHECK_EQ(pe->machine, KX_PE_MACHINE_AMD64);
		CHECK_EQ(pe->opt_magic, KX_PE_MAGIC_PE32PLUS);
		CHECK_EQ(pe->subsystem, 10);
		CHECK(pe->nsect >= 2);
		CHECK(kx_pe_find(pe, ".text") != 0);
		CHECK(!kx_pe_find(pe, ".linux"));
	}
	/* ... but not a UKI */
	CHECK_EQ(kx_uki_probe(buf, len), 0);
	CHECK_ERR(kx_uki_parse(buf, len, &u), KX_PE_E_NOT_UKI);
	free(buf);
	free(pe);
}

static const char *find_stub(void)
{
	static char p[4096];
	const char *env = getenv("KX_UKI_STUB"), *cache = getenv("KX_E2E_CACHE");

	if (env && *env)
		return access(env, R_OK) == 0 ? env : 0;
	snprintf(p, sizeof(p), "%s/systemd-boot-efi/usr/lib/systemd/boot/efi/linuxx64.efi.stub",
		 cache && *cache ? cache : "tests/e2e/cache");
	return access(p, R_OK) == 0 ? p : 0;
}

static int write_file(const char *path, const void *buf, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return 0;
	ok = fwrite(buf, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

/* Expected .uname: the release in the bzImage header (what mkuki.sh reads). */
static size_t bz_release(const uint8_t *k, size_t len, char *out, size_t cap)
{
	size_t off, n = 0;

	if (len < 0x210 || !(off = kx_le16(k + 0x20e)))
		return 0;
	off += 0x200;
	while (off + n < len && n + 1 < cap && k[off + n] && k[off + n] != ' ')
		n++;
	memcpy(out, k + off, n);
	out[n] = 0;
	return n;
}

/*
 * A real UKI: tests/e2e/mkuki.sh with Debian's systemd stub (cached, never
 * downloaded here) around the Debian kernel, a generated initrd and ucode.
 * The stub copies every file verbatim into its section.
 */
TEST(uki_real_mkuki)
{
	static const char *const ends[] = { "nul", "newline", "none" };
	static const char cmd[] = "console=ttyS0 root=/dev/vda1 kx.test=\"a b\" quiet";
	const char *kpath = find_vmlinuz(), *stub = find_stub();
	char dir[] = "/tmp/kx-unit-uki.XXXXXX", path[3][64], sh[16384], rel[128];
	uint8_t *kernel, *rd, *uc;
	size_t klen, rdlen = 123457, uclen = 4099, i, rl;

	if (!kpath)
		SKIP("no vmlinuz under tests/e2e/cache/*/boot");
	if (!stub)
		SKIP("no cached systemd stub (run tests/e2e/mkuki.sh --stub once)");
	if (system("command -v objcopy >/dev/null 2>&1 && command -v objdump >/dev/null 2>&1") != 0)
		SKIP("no objcopy/objdump (binutils)");
	if (access("tests/e2e/mkuki.sh", X_OK) != 0)
		SKIP("tests/e2e/mkuki.sh not found (run from the repository root)");
	REQUIRE((kernel = read_whole(kpath, &klen)) != 0);
	REQUIRE(mkdtemp(dir) != 0);
	rd = malloc(rdlen);
	uc = malloc(uclen);
	REQUIRE(rd && uc);
	for (i = 0; i < rdlen; i++)
		rd[i] = pat(i * 3 + 1);
	for (i = 0; i < uclen; i++)
		uc[i] = pat(i * 5 + 2);
	memcpy(uc, "070701", 6); /* looks like a cpio */
	snprintf(path[0], sizeof(path[0]), "%s/initrd", dir);
	snprintf(path[1], sizeof(path[1]), "%s/ucode", dir);
	snprintf(path[2], sizeof(path[2]), "%s/uki.efi", dir);
	REQUIRE(write_file(path[0], rd, rdlen) && write_file(path[1], uc, uclen));
	rl = bz_release(kernel, klen, rel, sizeof(rel));

	for (i = 0; i < T_ARRAY_SIZE(ends); i++) {
		struct kx_pe *pe = malloc(sizeof(*pe));
		struct kx_bzimage bz;
		struct kx_uki u;
		const uint8_t *v;
		uint8_t *uki;
		size_t ulen, vl;
		int with_rd = i != 2, rc;

		T_ROW("cmdline end %s%s", ends[i], with_rd ? "" : ", no initrd, no ucode");
		REQUIRE(pe);
		REQUIRE(snprintf(sh, sizeof(sh),
			 "KX_UKI_OFFLINE=1 KX_UKI_STUB='%s' KX_UKI_CMDLINE_END=%s "
			 "tests/e2e/mkuki.sh '%s' '%s' '%s' '%s' %s%s%s >/dev/null 2>%s/log",
			 stub, ends[i], kpath, with_rd ? path[0] : "", cmd, path[2],
			 with_rd ? "'" : "", with_rd ? path[1] : "", with_rd ? "'" : "", dir) <
			(int)sizeof(sh));
		rc = system(sh);
		if (!CHECK(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0)) {
			snprintf(sh, sizeof(sh), "cat %s/log >&2", dir);
			if (system(sh)) {
			}
			free(pe);
			break;
		}
		if (!CHECK((uki = read_whole(path[2], &ulen)) != 0)) {
			free(pe);
			break;
		}
		CHECK_EQ(kx_uki_probe(uki, ulen), 1);
		CHECK_EQ(kx_bzimage_probe(uki, ulen), 0); /* the stub is no bzImage */
		if (CHECK_OK(kx_pe_parse(uki, ulen, pe))) {
			const struct kx_pe_section *l = kx_pe_find(pe, ".linux");
			const struct kx_pe_section *r = kx_pe_find(pe, ".initrd");
			CHECK_EQ(pe->machine, KX_PE_MACHINE_AMD64);
			CHECK(kx_pe_find(pe, ".sbat") && kx_pe_find(pe, ".sdmagic"));
			/* the layout mkuki.sh promises: .initrd after the end of .linux */
			if (CHECK(l) && with_rd && CHECK(r))
				CHECK(r->vaddr >= (uint64_t)l->vaddr + l->vsize);
		}
		if (CHECK_OK(kx_uki_parse(uki, ulen, &u))) {
			CHECK_EQ(u.machine, KX_PE_MACHINE_AMD64);
			if (CHECK_EQ(u.kernel.len, klen))
				CHECK_MEM(u.kernel.buf, kernel, klen);
			CHECK_EQ(kx_bzimage_probe(u.kernel.buf, u.kernel.len), 1);
			CHECK_OK(kx_bzimage_parse(u.kernel.buf, u.kernel.len, &bz));
			CHECK_EQ(u.initrd.present, with_rd);
			CHECK_EQ(u.ucode.present, with_rd);
			if (with_rd && CHECK_EQ(u.initrd.len, rdlen))
				CHECK_MEM(u.initrd.buf, rd, rdlen);
			if (with_rd && CHECK_EQ(u.ucode.len, uclen))
				CHECK_MEM(u.ucode.buf, uc, uclen);
			if (CHECK_EQ(u.cmdline.len, sizeof(cmd) - 1))
				CHECK_MEM(u.cmdline.buf, cmd, sizeof(cmd) - 1);
			if (rl && CHECK_EQ(u.uname.len, rl))
				CHECK_MEM(u.uname.buf, rel, rl);
			CHECK(!u.dtb.present);
			CHECK_EQ(u.nprofiles, 0);
			if (CHECK(kx_osrel_pretty(u.osrel.buf, u.osrel.len, &v, &vl)))
				CHECK(vl > 12 && !memcmp(v, "kx test UKI ", 12));
			if (CHECK(kx_osrel_value(u.osrel.buf, u.osrel.len, "ID", &v, &vl)))
				CHECK(vl == 7 && !memcmp(v, "kx-test", 7));
		}
		free(uki);
		free(pe);
	}
	T_ROW_CLEAR();
	snprintf(sh, sizeof(sh), "rm -rf '%s'", dir);
	CHECK_EQ(system(sh), 0);
	free(kernel);
	free(rd);
	free(uc);
}
