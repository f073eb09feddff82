/*
 * Multiboot 1 and 2 loaders: header search, the a.out kludge, ELF pieces,
 * header tags, placement, and the information structures they build (parsed
 * back here field by field). The constants below are the specifications'
 * numbers, written independently of include/kx/multiboot.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kx/bytes.h>
#include <kx/loader.h>
#include <kx/multiboot.h>
#include <kx/plan.h>
#include "fixtures.h"
#include "t.h"

#define MB1_MAGIC       0x1BADB002u
#define MB1_BOOT        0x2BADB002u
#define MB2_MAGIC       0xE85250D6u
#define MB2_BOOT        0x36D76289u
#define AOUT            0x00010000u
#define SCRATCH_LEN     (80 * 1024)
#define WHOLE           ((struct kx_window){ 0, UINT64_MAX })
#define PAGE            4096u

static uint8_t pat(size_t i) { return (uint8_t)(0x80 | ((i * 13 + 5) & 0x7f)); }

static uint8_t *pattern(size_t len)
{
	uint8_t *b = malloc(len ? len : 1);
	size_t i;

	if (!b)
		abort();
	for (i = 0; i < len; i++)
		b[i] = pat(i);
	return b;
}

/* ---- image builders ------------------------------------------------------ */

static void put_mb1(uint8_t *img, size_t off, uint32_t flags)
{
	kx_put32(img + off, MB1_MAGIC);
	kx_put32(img + off + 4, flags);
	kx_put32(img + off + 8, (uint32_t)(0u - MB1_MAGIC - flags));
}

struct aout { uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr; };

static void put_mb1_aout(uint8_t *img, size_t off, uint32_t flags, const struct aout *a)
{
	put_mb1(img, off, flags | AOUT);
	kx_put32(img + off + 12, a->header_addr);
	kx_put32(img + off + 16, a->load_addr);
	kx_put32(img + off + 20, a->load_end_addr);
	kx_put32(img + off + 24, a->bss_end_addr);
	kx_put32(img + off + 28, a->entry_addr);
}

/* multiboot 2 header tags, as 32-bit words */
#define TAG(type, flags, size) ((uint32_t)(type) | (uint32_t)(flags) << 16), (uint32_t)(size)
#define END_TAG TAG(0, 0, 8)

/* A multiboot 2 header at off: words are the tags; hlen 0 = computed. */
static void put_mb2(uint8_t *img, size_t off, const uint32_t *w, size_t nw, uint32_t hlen)
{
	size_t i;

	if (!hlen)
		hlen = (uint32_t)(16 + 4 * nw);
	kx_put32(img + off, MB2_MAGIC);
	kx_put32(img + off + 4, 0);
	kx_put32(img + off + 8, hlen);
	kx_put32(img + off + 12, (uint32_t)(0u - MB2_MAGIC - hlen));
	for (i = 0; i < nw; i++)
		kx_put32(img + off + 16 + 4 * i, w[i]);
}

/* ELF images: program headers at 64, the multiboot header at 0x800 */
struct eseg { uint32_t type; uint64_t off, vaddr, paddr, filesz, memsz; };
struct espec {
	int is64;
	uint16_t etype, machine;
	uint64_t entry;
	unsigned n;
	struct eseg s[20];
	size_t len;          /* 0: up to the end of the last segment's bytes */
};
#define ELF_PHOFF 64
#define ELF_HDR_AT 0x800

static void espec_default(struct espec *e)
{
	memset(e, 0, sizeof(*e));
	e->etype = 2;
	e->machine = 3;
	e->entry = 0x100010;
	e->n = 2;
	e->s[0] = (struct eseg){ 1, 0x1000, 0x100000, 0x100000, 0x1800, 0x1800 };
	e->s[1] = (struct eseg){ 1, 0x3000, 0x102000, 0x102000, 0x100, 0x5000 };
}

static uint8_t *elf_build(const struct espec *e, size_t *lenp)
{
	size_t len = e->len, i;
	uint8_t *b;

	if (!len) {
		len = ELF_HDR_AT + 64;
		for (i = 0; i < e->n; i++)
			if (e->s[i].off + e->s[i].filesz > len)
				len = (size_t)(e->s[i].off + e->s[i].filesz);
	}
	b = pattern(len);
	memset(b, 0, ELF_PHOFF + (e->is64 ? 56 : 32) * e->n);
	memcpy(b, "\177ELF", 4);
	b[4] = e->is64 ? 2 : 1;
	b[5] = 1;
	b[6] = 1;
	kx_put16(b + 16, e->etype);
	kx_put16(b + 18, e->machine);
	kx_put32(b + 20, 1);
	if (e->is64) {
		kx_put64(b + 24, e->entry);
		kx_put64(b + 32, ELF_PHOFF);
		kx_put16(b + 52, 64);
		kx_put16(b + 54, 56);
		kx_put16(b + 56, (uint16_t)e->n);
	} else {
		kx_put32(b + 24, (uint32_t)e->entry);
		kx_put32(b + 28, ELF_PHOFF);
		kx_put16(b + 40, 52);
		kx_put16(b + 42, 32);
		kx_put16(b + 44, (uint16_t)e->n);
	}
	for (i = 0; i < e->n; i++) {
		const struct eseg *s = &e->s[i];
		if (e->is64) {
			uint8_t *ph = b + ELF_PHOFF + 56 * i;
			kx_put32(ph, s->type);
			kx_put32(ph + 4, 7);
			kx_put64(ph + 8, s->off);
			kx_put64(ph + 16, s->vaddr);
			kx_put64(ph + 24, s->paddr);
			kx_put64(ph + 32, s->filesz);
			kx_put64(ph + 40, s->memsz);
			kx_put64(ph + 48, PAGE);
		} else {
			uint8_t *ph = b + ELF_PHOFF + 32 * i;
			kx_put32(ph, s->type);
			kx_put32(ph + 4, (uint32_t)s->off);
			kx_put32(ph + 8, (uint32_t)s->vaddr);
			kx_put32(ph + 12, (uint32_t)s->paddr);
			kx_put32(ph + 16, (uint32_t)s->filesz);
			kx_put32(ph + 20, (uint32_t)s->memsz);
			kx_put32(ph + 24, 7);
			kx_put32(ph + 28, PAGE);
		}
	}
	*lenp = len;
	return b;
}

static uint8_t *elf_mb1(const struct espec *e, uint32_t flags, size_t *len)
{
	uint8_t *b = elf_build(e, len);
	put_mb1(b, ELF_HDR_AT, flags);
	return b;
}

static const uint32_t mb2_plain[] = { TAG(1, 0, 24), 1, 2, 3, 4, TAG(6, 0, 8), END_TAG };

static uint8_t *elf_mb2(const struct espec *e, size_t *len)
{
	uint8_t *b = elf_build(e, len);
	put_mb2(b, ELF_HDR_AT, mb2_plain, T_ARRAY_SIZE(mb2_plain), 0);
	return b;
}

/* ---- a load: request, system, plan --------------------------------------- */

struct mctx {
	uint8_t *img;
	size_t len;
	struct kx_sysinfo si;
	uint8_t *scratch;
	uint8_t *mod[KX_MAX_MODULES];
	struct kx_load_req req;
	struct kx_plan plan;
};

static const char test_cmdline[] = "console=ttyS0 kx.test=1 \"quoted\"";
static const char test_loader[] = "kx-unit 1.0";

/* Takes the image (malloc'd); an exact-size copy is made for ASan. */
static void mctx_init(struct mctx *c, uint8_t *img, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->img = dup_exact(img, len);
	c->len = len;
	free(img);
	mm_std(&c->si.mem);
	c->scratch = malloc(SCRATCH_LEN);
	if (!c->scratch)
		abort();
	memset(c->scratch, 0xee, SCRATCH_LEN);
	c->req.image = (struct kx_blob){ c->img, c->len, "kernel.elf" };
	c->req.cmdline = test_cmdline;
	c->req.loader_name = test_loader;
	c->req.window = WHOLE;
	c->req.sys = &c->si;
	c->req.scratch = c->scratch;
	c->req.scratch_len = SCRATCH_LEN;
}

/* The command line a multiboot kernel must see: the image's name, a space,
 * kx's command line (the name alone, or the command line alone, when the
 * other is empty), as kexec-tools and GRUB legacy pass it. */
static const char *want_cmdline(const struct mctx *c)
{
	static char buf[512];
	const char *n = c->req.image.name ? c->req.image.name : "";
	const char *l = c->req.cmdline ? c->req.cmdline : "";

	snprintf(buf, sizeof(buf), "%s%s%s", n, *n && *l ? " " : "", l);
	return buf;
}

static void mctx_module(struct mctx *c, size_t len, const char *string)
{
	unsigned i = c->req.nmodule++;
	size_t k;

	c->mod[i] = malloc(len ? len : 1);
	if (!c->mod[i])
		abort();
	for (k = 0; k < len; k++)
		c->mod[i][k] = (uint8_t)(i * 31 + k * 7 + 1);
	c->req.module[i] = (struct kx_module){ { c->mod[i], len, "mod" }, string };
}

static void mctx_free(struct mctx *c)
{
	unsigned i;

	free(c->img);
	free(c->scratch);
	for (i = 0; i < KX_MAX_MODULES; i++)
		free(c->mod[i]);
	memset(c, 0, sizeof(*c));
}

static struct kx_err run1(struct mctx *c)
{
	memset(&c->plan, 0, sizeof(c->plan));
	return kx_multiboot_load(&c->req, &c->plan);
}

static struct kx_err run2(struct mctx *c)
{
	memset(&c->plan, 0, sizeof(c->plan));
	return kx_multiboot2_load(&c->req, &c->plan);
}

static const struct kx_segment *seg_by(const struct kx_plan *p, const char *purpose, unsigned k)
{
	unsigned i;

	for (i = 0; i < p->nseg; i++)
		if (p->seg[i].purpose && !strcmp(p->seg[i].purpose, purpose) && k-- == 0)
			return &p->seg[i];
	return 0;
}

static unsigned count_purpose(const struct kx_plan *p, const char *purpose)
{
	unsigned i, n = 0;

	for (i = 0; i < p->nseg; i++)
		n += p->seg[i].purpose && !strcmp(p->seg[i].purpose, purpose);
	return n;
}

static const struct kx_segment *seg_at(const struct kx_plan *p, uint64_t a)
{
	unsigned i;

	for (i = 0; i < p->nseg; i++)
		if (a >= p->seg[i].mem && a - p->seg[i].mem < p->seg[i].memsz)
			return &p->seg[i];
	return 0;
}

/* The byte the kernel will find at physical address a (0 past bufsz). */
static int byte_at(const struct kx_plan *p, uint64_t a, uint8_t *v)
{
	const struct kx_segment *s = seg_at(p, a);

	if (!s)
		return 0;
	*v = a - s->mem < s->bufsz ? ((const uint8_t *)s->buf)[a - s->mem] : 0;
	return 1;
}

/* The NUL-terminated string at address a, inside segment s's bytes, or NULL. */
static const char *str_in(const struct kx_segment *s, uint64_t a)
{
	const char *b = s->buf;

	if (!CHECK(a >= s->mem && a - s->mem < s->bufsz))
		return 0;
	if (!CHECK(memchr(b + (a - s->mem), 0, (size_t)(s->bufsz - (a - s->mem)))))
		return 0;
	return b + (a - s->mem);
}

/* mem_lower/mem_upper the way the spec words them, computed independently */
static void expect_mem(const struct kx_memmap *m, uint32_t *lo, uint32_t *up)
{
	uint64_t a;
	unsigned i, moved;

	for (a = 0, moved = 1; moved;)
		for (moved = 0, i = 0; i < m->n; i++)
			if (m->e[i].type == 1 && m->e[i].start <= a && a < m->e[i].end)
				a = m->e[i].end, moved = 1;
	*lo = (uint32_t)((a > 640 * 1024 ? 640 * 1024 : a) / 1024);
	for (a = MiB, moved = 1; moved;)
		for (moved = 0, i = 0; i < m->n; i++)
			if (m->e[i].type == 1 && m->e[i].start <= a && a < m->e[i].end)
				a = m->e[i].end, moved = 1;
	*up = (uint32_t)((a - MiB) / 1024);
}

/* Each module: its own page-aligned segment below 4 GiB with the file's bytes. */
static void check_module(const struct mctx *c, unsigned i, uint64_t start, uint64_t end,
			 const char *string)
{
	const struct kx_segment *s = seg_at(&c->plan, start);
	const struct kx_module *m = &c->req.module[i];

	T_ROW("%s module %u", t_row_get(), i);
	CHECK_EQ(start % PAGE, 0);
	CHECK_EQ(end - start, m->file.len);
	CHECK(end <= 4 * GiB);
	if (CHECK(s != 0)) {
		CHECK_STR(s->purpose, "module");
		CHECK_EQ(s->mem, start);
		CHECK(s->buf == m->file.buf);
		CHECK_EQ(s->bufsz, m->file.len);
		CHECK(s->memsz >= m->file.len && s->memsz > 0);
	}
	CHECK_STR(string, m->string ? m->string : "");
}

static void check_handoff(const struct mctx *c, uint32_t magic, const char *type,
			  const struct kx_segment *mbi, uint64_t entry)
{
	CHECK_EQ(c->plan.entry_mode, KX_PURG_ENTRY_32);
	CHECK_EQ(c->plan.regs[KX_X86_RAX], magic);
	CHECK_EQ(c->plan.regs[KX_X86_RBX], mbi->mem);
	CHECK(c->plan.regs_used & (1u << KX_X86_RAX));
	CHECK(c->plan.regs_used & (1u << KX_X86_RBX));
	CHECK_EQ(c->plan.target, entry);
	CHECK_STR(c->plan.type, type);
	CHECK(mbi->mem + mbi->memsz <= 4 * GiB);
	CHECK_EQ(mbi->mem % PAGE, 0);
	CHECK_OK(kx_plan_validate(&c->plan, &c->si.mem));
}

/* Parse the multiboot 1 information structure back, check every field. */
static void check_mbi1(const struct mctx *c, uint64_t entry)
{
	const struct kx_segment *s = seg_by(&c->plan, "boot-info", 0);
	const uint8_t *b;
	uint32_t flags, lo, up, n, i;
	uint64_t a;

	REQUIRE(s);
	REQUIRE(s->bufsz >= 116);
	check_handoff(c, MB1_BOOT, "multiboot", s, entry);
	b = s->buf;
	flags = kx_le32(b);
	CHECK_EQ(flags & 0x24d, 0x24d); /* mem, cmdline, mods, mmap, loader name */
	CHECK_EQ(flags & ~0x24du, 0);
	expect_mem(&c->si.mem, &lo, &up);
	CHECK_EQ(kx_le32(b + 4), lo);
	CHECK_EQ(kx_le32(b + 8), up);
	CHECK_STR(str_in(s, kx_le32(b + 16)), want_cmdline(c));
	CHECK_STR(c->plan.cmdline, want_cmdline(c));
	CHECK_STR(str_in(s, kx_le32(b + 64)), c->req.loader_name);
	/* modules */
	n = kx_le32(b + 20);
	CHECK_EQ(n, c->req.nmodule);
	a = kx_le32(b + 24);
	if (n && CHECK(a >= s->mem && a - s->mem <= s->bufsz - 16ull * n)) {
		for (i = 0; i < n; i++) {
			const uint8_t *q = b + (a - s->mem) + 16 * i;
			const char *ts = t_row_get();
			char saved[256];
			snprintf(saved, sizeof(saved), "%s", ts);
			check_module(c, i, kx_le32(q), kx_le32(q + 4), str_in(s, kx_le32(q + 8)));
			CHECK_EQ(kx_le32(q + 12), 0);
			T_ROW("%s", saved);
		}
	}
	/* memory map: the input map, entry for entry */
	CHECK_EQ(kx_le32(b + 44), 24 * c->si.mem.n);
	a = kx_le32(b + 48);
	if (CHECK(a >= s->mem && a - s->mem <= s->bufsz - 24ull * c->si.mem.n)) {
		for (i = 0; i < c->si.mem.n; i++) {
			const uint8_t *q = b + (a - s->mem) + 24 * i;
			CHECK_EQ(kx_le32(q), 20);
			CHECK_EQ(kx_le64(q + 4), c->si.mem.e[i].start);
			CHECK_EQ(kx_le64(q + 12), c->si.mem.e[i].end - c->si.mem.e[i].start);
			CHECK_EQ(kx_le32(q + 20), c->si.mem.e[i].type);
		}
	}
	/* nothing the loader does not provide */
	CHECK_EQ(kx_le32(b + 12), 0);
	for (i = 28; i < 44; i++)
		CHECK_EQ(b[i], 0);
	for (i = 52; i < 64; i++)
		CHECK_EQ(b[i], 0);
	for (i = 68; i < 116; i++)
		CHECK_EQ(b[i], 0);
}

/* Parse the multiboot 2 information back: every tag in bounds, 8-byte
 * aligned, the end tag last; returns how many of each type (types < 32). */
static void check_mbi2(const struct mctx *c, uint64_t entry, unsigned count[32])
{
	const struct kx_segment *s = seg_by(&c->plan, "boot-info", 0);
	const uint8_t *b;
	uint64_t total, off;
	uint32_t lo, up, nmod = 0, guard;
	int ended = 0;

	memset(count, 0, 32 * sizeof(count[0]));
	REQUIRE(s);
	check_handoff(c, MB2_BOOT, "multiboot2", s, entry);
	b = s->buf;
	total = kx_le32(b);
	CHECK_EQ(total, s->bufsz);
	CHECK_EQ(kx_le32(b + 4), 0);
	REQUIRE(total <= s->bufsz && total >= 16);
	expect_mem(&c->si.mem, &lo, &up);
	for (off = 8, guard = 0; off + 8 <= total && guard < 1000; guard++) {
		uint32_t type = kx_le32(b + off), size = kx_le32(b + off + 4);
		const uint8_t *v = b + off + 8;

		T_ROW("tag at %llu type %u", (unsigned long long)off, type);
		CHECK_EQ(off % 8, 0);
		if (!CHECK(size >= 8 && size <= total - off))
			return;
		if (type < 32)
			count[type]++;
		switch (type) {
		case 0:
			CHECK_EQ(size, 8);
			CHECK_EQ(off + 8, total);
			ended = 1;
			break;
		case 1:
		case 2:
			CHECK(memchr(v, 0, size - 8) != 0);
			CHECK_EQ(strlen((const char *)v) + 1, size - 8);
			CHECK_STR((const char *)v, type == 1 ? want_cmdline(c) : c->req.loader_name);
			if (type == 1)
				CHECK_STR(c->plan.cmdline, want_cmdline(c));
			break;
		case 3:
			if (!CHECK(size > 16 && memchr(v + 8, 0, size - 16)))
				break;
			CHECK_EQ(strlen((const char *)v + 8) + 1, size - 16);
			if (CHECK(nmod < c->req.nmodule))
				check_module(c, nmod, kx_le32(v), kx_le32(v + 4), (const char *)v + 8);
			nmod++;
			break;
		case 4:
			CHECK_EQ(size, 16);
			CHECK_EQ(kx_le32(v), lo);
			CHECK_EQ(kx_le32(v + 4), up);
			break;
		case 6: {
			uint32_t i;
			CHECK_EQ(kx_le32(v), 24);
			CHECK_EQ(kx_le32(v + 4), 0);
			if (!CHECK_EQ(size, 16 + 24 * c->si.mem.n))
				break;
			for (i = 0; i < c->si.mem.n; i++) {
				const uint8_t *q = v + 8 + 24 * i;
				CHECK_EQ(kx_le64(q), c->si.mem.e[i].start);
				CHECK_EQ(kx_le64(q + 8), c->si.mem.e[i].end - c->si.mem.e[i].start);
				CHECK_EQ(kx_le32(q + 16), c->si.mem.e[i].type);
				CHECK_EQ(kx_le32(q + 20), 0);
			}
			break;
		}
		case 14:
			CHECK_EQ(size, 28);
			CHECK_MEM(v, c->si.rsdp, 20);
			break;
		case 15:
			CHECK_EQ(size, 44);
			CHECK_MEM(v, c->si.rsdp, 36);
			break;
		case 21:
			CHECK_EQ(size, 12);
			break;
		default:
			CHECK(!"unexpected tag type");
		}
		if (ended)
			break;
		off += (size + 7) & ~7u;
	}
	T_ROW_CLEAR();
	CHECK(ended);
	CHECK_EQ(nmod, c->req.nmodule);
}

/* The ELF pieces' bytes, as the kernel will find them in memory. */
static void check_pieces(const struct mctx *c, const struct espec *e)
{
	unsigned i;
	uint64_t k;

	for (i = 0; i < e->n; i++) {
		const struct eseg *s = &e->s[i];
		int bad = 0;
		if (s->type != 1 || !s->memsz)
			continue;
		T_ROW("piece %u", i);
		for (k = 0; k < s->memsz && !bad; k++) {
			uint8_t v;
			const struct kx_segment *g = seg_at(&c->plan, s->paddr + k);
			if (!CHECK(g && !strcmp(g->purpose, "kernel")) ||
			    !CHECK(byte_at(&c->plan, s->paddr + k, &v))) {
				bad = 1;
				break;
			}
			if (k < s->filesz)
				bad = !CHECK_EQ(v, c->img[s->off + k]);
			else if (s->paddr + k - g->mem < g->bufsz)
				bad = !CHECK_EQ(v, 0); /* bss inside a built segment */
		}
	}
	T_ROW_CLEAR();
}

/* ---- multiboot 1: header search -------------------------------------------- */

TEST(mb1_find_table)
{
	static const struct {
		const char *name;
		size_t at;        /* header offset; (size_t)-1: none */
		int bad_sum;
		size_t len;       /* file length */
		int found;
		size_t want;
	} rows[] = {
		{ "at 0", 0, 0, 16384, 1, 0 },
		{ "at 4", 4, 0, 16384, 1, 4 },
		{ "misaligned at 2", 2, 0, 16384, 0, 0 },
		{ "misaligned at 4097", 4097, 0, 16384, 0, 0 },
		{ "last fit: 8180..8192", 8180, 0, 16384, 1, 8180 },
		{ "straddles 8 KiB: 8184", 8184, 0, 16384, 0, 0 },
		{ "past 8 KiB: 8192", 8192, 0, 16384, 0, 0 },
		{ "bad checksum", 64, 1, 16384, 0, 0 },
		{ "exactly the file", 0, 0, 12, 1, 0 },
		{ "file cuts the checksum", 0, 0, 11, 0, 0 },
		{ "file ends at header+8", 100, 0, 108, 0, 0 },
		{ "header at the file's end", 100, 0, 112, 1, 100 },
		{ "empty file", 0, 0, 0, 0, 0 },
		{ "no header", (size_t)-1, 0, 16384, 0, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		uint8_t *b = calloc(1, 16384 + 16), *x;
		size_t off = 12345;
		T_ROW("%s", rows[r].name);
		if (rows[r].at != (size_t)-1) {
			put_mb1(b, rows[r].at, 3);
			if (rows[r].bad_sum)
				kx_put32(b + rows[r].at + 8, kx_le32(b + rows[r].at + 8) + 1);
		}
		x = dup_exact(b, rows[r].len);
		CHECK_EQ(kx_mb1_find(x, rows[r].len, &off), rows[r].found);
		CHECK_EQ(kx_multiboot_probe(x, rows[r].len), rows[r].found);
		if (rows[r].found)
			CHECK_EQ(off, rows[r].want);
		free(x);
		free(b);
	}
}

TEST(mb1_find_skips_bad_checksum)
{
	uint8_t b[1024] = { 0 };
	size_t off = 0;
	struct kx_mb1_header h;

	put_mb1(b, 8, 3);
	kx_put32(b + 16, 0); /* checksum wrong */
	put_mb1(b, 40, 3);
	CHECK(kx_mb1_find(b, sizeof(b), &off));
	CHECK_EQ(off, 40);
	CHECK_OK(kx_mb1_parse(b, sizeof(b), &h));
	CHECK_EQ(h.off, 40);
	CHECK_EQ(h.flags, 3);
	/* only the bad one: the error names the checksum */
	memset(b + 40, 0, 12);
	CHECK_ERR(kx_mb1_parse(b, sizeof(b), &h), KX_E_BAD_HEADER);
	CHECK(strstr(kx_mb1_parse(b, sizeof(b), &h).what, "checksum"));
	memset(b, 0, sizeof(b));
	CHECK(strstr(kx_mb1_parse(b, sizeof(b), &h).what, "header"));
	CHECK_ERR(kx_mb1_parse(b, 0, &h), KX_E_BAD_HEADER);
}

TEST(mb1_parse_flags_table)
{
	static const struct {
		uint32_t flags;
		enum kx_errcode want;
		const char *what;
	} rows[] = {
		{ 0x0, KX_OK, 0 },
		{ 0x1, KX_OK, 0 },
		{ 0x2, KX_OK, 0 },
		{ 0x3, KX_OK, 0 },
		{ 0x4, KX_E_UNSUPPORTED, "video" },
		{ 0x7, KX_E_UNSUPPORTED, "video" },
		{ 0x8, KX_E_UNSUPPORTED, "required" },
		{ 0x8000, KX_E_UNSUPPORTED, "required" },
		{ 0x20000, KX_OK, 0 },       /* optional bits are ignored */
		{ 0xfffe0003, KX_OK, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		uint8_t b[64] = { 0 };
		struct kx_mb1_header h;
		struct kx_err e;
		T_ROW("flags 0x%x", rows[r].flags);
		put_mb1(b, 0, rows[r].flags);
		e = kx_mb1_parse(b, sizeof(b), &h);
		CHECK_ERR(e, rows[r].want);
		if (rows[r].what)
			CHECK(e.what && strstr(e.what, rows[r].what));
		else
			CHECK_EQ(h.flags, rows[r].flags);
	}
}

TEST(mb1_parse_address_fields_bounds)
{
	uint8_t *b = calloc(1, 16384);
	struct kx_mb1_header h;
	struct aout a = { 0x100000, 0x100000, 0x101000, 0x102000, 0x100020 };
	uint8_t *x;

	REQUIRE(b);
	/* the 32-byte header must fit in the file ... */
	put_mb1_aout(b, 0, 0, &a);
	x = dup_exact(b, 31);
	CHECK_ERR(kx_mb1_parse(x, 31, &h), KX_E_TRUNCATED);
	free(x);
	x = dup_exact(b, 32);
	CHECK_OK(kx_mb1_parse(x, 32, &h));
	CHECK_EQ(h.header_addr, 0x100000);
	CHECK_EQ(h.load_addr, 0x100000);
	CHECK_EQ(h.load_end_addr, 0x101000);
	CHECK_EQ(h.bss_end_addr, 0x102000);
	CHECK_EQ(h.entry_addr, 0x100020);
	free(x);
	/* ... and in the first 8 KiB: magic at 8176 is found, its fields are not inside */
	memset(b, 0, 16384);
	put_mb1_aout(b, 8176, 0, &a);
	CHECK(kx_multiboot_probe(b, 16384));
	CHECK_ERR(kx_mb1_parse(b, 16384, &h), KX_E_BAD_HEADER);
	memset(b, 0, 16384);
	put_mb1_aout(b, 8160, 0, &a);
	CHECK_OK(kx_mb1_parse(b, 16384, &h));
	free(b);
}

/* ---- the a.out kludge ------------------------------------------------------ */

TEST(aout_image_table)
{
	/* a 0x3000-byte file, the header at 0x40 */
	static const struct {
		const char *name;
		uint32_t ha, la, lea, bea;
		int neg1;
		size_t len;                  /* 0: 0x3000 */
		enum kx_errcode want;
		uint64_t paddr, off, filesz, memsz;
	} rows[] = {
		{ "all fields", 0x100040, 0x100000, 0x102000, 0x105000, 0, 0, KX_OK, 0x100000, 0, 0x2000, 0x5000 },
		{ "load_end 0: to the file's end", 0x100040, 0x100000, 0, 0, 0, 0, KX_OK, 0x100000, 0, 0x3000, 0x3000 },
		{ "bss_end 0: no bss", 0x100040, 0x100000, 0x101000, 0, 0, 0, KX_OK, 0x100000, 0, 0x1000, 0x1000 },
		{ "bss_end == load_end", 0x100040, 0x100000, 0x101000, 0x101000, 0, 0, KX_OK, 0x100000, 0, 0x1000, 0x1000 },
		{ "load from offset 0x20", 0x100020, 0x100000, 0x100800, 0, 0, 0, KX_OK, 0x100000, 0x20, 0x800, 0x800 },
		{ "unaligned load_addr", 0x200050, 0x200010, 0x201000, 0, 0, 0, KX_OK, 0x200010, 0, 0xff0, 0xff0 },
		{ "whole file exactly", 0x100040, 0x100000, 0x103000, 0, 0, 0, KX_OK, 0x100000, 0, 0x3000, 0x3000 },
		{ "load_end past the file", 0x100040, 0x100000, 0x103001, 0, 0, 0, KX_E_TRUNCATED, 0, 0, 0, 0 },
		{ "load_end < load_addr", 0x100040, 0x100000, 0xff000, 0, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "load_end == load_addr", 0x100040, 0x100000, 0x100000, 0, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "header_addr < load_addr", 0xfff00, 0x100000, 0x101000, 0, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "header_addr too far (load before the file)", 0x100041, 0x100000, 0x101000, 0, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "header_addr far above load_addr", 0x200000, 0x100000, 0x300000, 0, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "header not loaded (load_end inside it)", 0x100040, 0x100000, 0x100050, 0, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "header just loaded", 0x100040, 0x100000, 0x100060, 0, 0, 0, KX_OK, 0x100000, 0, 0x60, 0x60 },
		{ "bss_end < load_end", 0x100040, 0x100000, 0x102000, 0x101fff, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "bss_end wraps below load_addr", 0x100040, 0x100000, 0x102000, 0x1000, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "bss_end at 4 GiB - 1", 0x100040, 0x100000, 0x102000, 0xffffffff, 0, 0, KX_OK, 0x100000, 0, 0x2000, 0xffefffff },
		{ "file reaches past 4 GiB", 0xfffff040, 0xfffff000, 0, 0, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "file ends at 4 GiB", 0xffffd040, 0xffffd000, 0, 0, 0, 0, KX_OK, 0xffffd000, 0, 0x3000, 0x3000 },
		{ "load_addr -1 (mb1: an address)", 0xffffffff, 0xffffffff, 0, 0, 0, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "load_addr -1 (mb2: file start)", 0x100040, 0xffffffff, 0, 0, 1, 0, KX_OK, 0x100000, 0, 0x3000, 0x3000 },
		{ "load_addr -1, header_addr below offset", 0x20, 0xffffffff, 0, 0, 1, 0, KX_E_BAD_HEADER, 0, 0, 0, 0 },
		{ "header past the file", 0x100040, 0x100000, 0, 0, 0, 0x50, KX_E_TRUNCATED, 0, 0, 0, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		size_t len = rows[r].len ? rows[r].len : 0x3000;
		uint8_t *b = pattern(len);
		struct kx_mb_aout a = { 0x40, 32, rows[r].ha, rows[r].la, rows[r].lea, rows[r].bea,
					rows[r].neg1 };
		struct kx_mb_image im;
		struct kx_err e;

		T_ROW("%s", rows[r].name);
		e = kx_mb_aout_image(b, len, &a, 0x100040, &im);
		CHECK_ERR(e, rows[r].want);
		if (!KX_FAILED(e)) {
			CHECK_EQ(im.n, 1);
			CHECK_EQ(im.piece[0].paddr, rows[r].paddr);
			CHECK(im.piece[0].src == b + rows[r].off);
			CHECK_EQ(im.piece[0].filesz, rows[r].filesz);
			CHECK_EQ(im.piece[0].memsz, rows[r].memsz);
			CHECK_EQ(im.lo, rows[r].paddr);
			CHECK_EQ(im.hi, rows[r].paddr + rows[r].memsz);
			CHECK_EQ(im.entry, 0x100040);
		}
		free(b);
	}
}

/* A flat a.out-kludge kernel: header at 0x40, loaded at load, bss after. */
static uint8_t *aout_kernel(uint32_t load, size_t len, uint32_t bss, uint32_t entry, size_t *lenp)
{
	uint8_t *b = pattern(len);
	struct aout a = { load + 0x40, load, load + (uint32_t)len, load + (uint32_t)len + bss, entry };

	put_mb1_aout(b, 0x40, 3, &a);
	*lenp = len;
	return b;
}

TEST(mb1_load_aout)
{
	struct mctx c;
	size_t len;
	uint8_t *img = aout_kernel(0x100000, 0x2345, 0x8000, 0x100080, &len);
	const struct kx_segment *k;
	uint64_t i;

	mctx_init(&c, img, len);
	mctx_module(&c, 5000, "modfile arg1");
	CHECK_OK(run1(&c));
	REQUIRE(count_purpose(&c.plan, "kernel") == 1);
	k = seg_by(&c.plan, "kernel", 0);
	CHECK_EQ(k->mem, 0x100000);
	CHECK(k->buf == c.img);          /* the file's bytes, in place */
	CHECK_EQ(k->bufsz, 0x2345);
	CHECK_EQ(k->memsz, align_up_u64(0x2345 + 0x8000, PAGE));
	CHECK_STR(k->source, "kernel.elf");
	check_mbi1(&c, 0x100080);
	/* modules and the MBI come after the kernel */
	CHECK(seg_by(&c.plan, "module", 0)->mem >= 0x100000 + k->memsz);
	CHECK(seg_by(&c.plan, "boot-info", 0)->mem >= 0x100000 + k->memsz);
	for (i = 0; i < len; i += 97) {
		uint8_t v;
		CHECK(byte_at(&c.plan, 0x100000 + i, &v) && v == c.img[i]);
	}
	CHECK_STR(c.plan.cmdline, "kernel.elf console=ttyS0 kx.test=1 \"quoted\"");
	mctx_free(&c);
}

TEST(mb1_load_aout_unaligned)
{
	/* load_addr not page aligned and the file has nothing before it: the first
	 * page built, the rest straight from the file (lib/pieces.c) */
	struct mctx c;
	size_t len;
	uint8_t *img = aout_kernel(0x100100, 0x1000, 0x100, 0x100180, &len);
	const struct kx_segment *k;
	uint64_t i;

	mctx_init(&c, img, len);
	CHECK_OK(run1(&c));
	k = seg_by(&c.plan, "kernel", 0);
	REQUIRE(k);
	CHECK_EQ(k->mem, 0x100000);
	CHECK_EQ(k->memsz, 0x1000);
	CHECK((const uint8_t *)k->buf >= c.scratch && (const uint8_t *)k->buf < c.scratch + SCRATCH_LEN);
	k = seg_by(&c.plan, "kernel", 1);
	REQUIRE(k);
	CHECK_EQ(k->mem, 0x101000);
	CHECK((const uint8_t *)k->buf >= c.img && (const uint8_t *)k->buf < c.img + c.len);
	for (i = 0; i < len; i++) {
		uint8_t v;
		if (!CHECK(byte_at(&c.plan, 0x100100 + i, &v) && v == c.img[i]))
			break;
	}
	check_mbi1(&c, 0x100180);
	mctx_free(&c);
}

TEST(mb1_load_aout_header_offset_in_place)
{
	/* header at 0x1040 of a file loaded from offset 0x1000: the segment starts
	 * at the page, from the file's bytes, no copy */
	struct mctx c;
	uint8_t *b = pattern(0x4000);
	struct aout a = { 0x200040, 0x200000, 0x203000, 0x204000, 0x200100 };
	const struct kx_segment *k;

	put_mb1_aout(b, 0x1040, 0, &a);
	mctx_init(&c, b, 0x4000);
	CHECK_OK(run1(&c));
	k = seg_by(&c.plan, "kernel", 0);
	REQUIRE(k);
	CHECK_EQ(k->mem, 0x200000);
	CHECK(k->buf == c.img + 0x1000);
	CHECK_EQ(k->bufsz, 0x3000);
	CHECK_EQ(k->memsz, 0x4000);
	check_mbi1(&c, 0x200100);
	mctx_free(&c);
}

TEST(mb1_load_entry_checks)
{
	static const struct {
		const char *name;
		uint32_t entry;
		int have;
		uint64_t override;
		enum kx_errcode want;
	} rows[] = {
		{ "entry at load_addr", 0x100000, 0, 0, KX_OK },
		{ "entry in bss", 0x103000, 0, 0, KX_OK },
		{ "entry below the image", 0xfffff, 0, 0, KX_E_BAD_HEADER },
		{ "entry past bss", 0x100000 + 0x2345 + 0x8000, 0, 0, KX_E_BAD_HEADER },
		{ "bad entry, --entry given", 0, 1, 0x123456, KX_OK },
		{ "--entry at 4 GiB", 0x100000, 1, 4 * GiB, KX_E_MB_ENTRY_RANGE },
		{ "--entry at 4 GiB - 1", 0x100000, 1, 4 * GiB - 1, KX_OK },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct mctx c;
		size_t len;
		uint8_t *img = aout_kernel(0x100000, 0x2345, 0x8000, rows[r].entry, &len);
		struct kx_err e;

		T_ROW("%s", rows[r].name);
		mctx_init(&c, img, len);
		c.req.have_entry = rows[r].have;
		c.req.entry = rows[r].override;
		e = run1(&c);
		CHECK_ERR(e, rows[r].want);
		if (e.code == KX_E_MB_ENTRY_RANGE)
			CHECK(e.a == rows[r].override && e.b == 4 * GiB);
		if (!KX_FAILED(e))
			check_mbi1(&c, rows[r].have ? rows[r].override : rows[r].entry);
		mctx_free(&c);
	}
}

/* ---- ELF --------------------------------------------------------------------- */

TEST(mb1_load_elf32_two_segments)
{
	struct mctx c;
	struct espec e;
	size_t len;
	uint8_t *img;
	const struct kx_segment *k0, *k1;

	espec_default(&e);
	img = elf_mb1(&e, 3, &len);
	mctx_init(&c, img, len);
	mctx_module(&c, 3 * PAGE, "first");
	mctx_module(&c, 0, "empty module");
	mctx_module(&c, 1, 0);
	CHECK_OK(run1(&c));
	REQUIRE(count_purpose(&c.plan, "kernel") == 2);
	k0 = seg_by(&c.plan, "kernel", 0);
	k1 = seg_by(&c.plan, "kernel", 1);
	CHECK_EQ(k0->mem, 0x100000);
	CHECK(k0->buf == c.img + 0x1000);
	CHECK_EQ(k0->bufsz, 0x1800);
	CHECK_EQ(k0->memsz, 0x2000);
	CHECK_EQ(k1->mem, 0x102000);
	CHECK(k1->buf == c.img + 0x3000);
	CHECK_EQ(k1->bufsz, 0x100);
	CHECK_EQ(k1->memsz, 0x5000);
	CHECK_EQ(count_purpose(&c.plan, "module"), 3);
	CHECK_EQ(c.plan.nseg, 2 + 3 + 1);
	check_pieces(&c, &e);
	check_mbi1(&c, 0x100010);
	mctx_free(&c);
}

TEST(mb1_load_elf_layouts_table)
{
	static const struct {
		const char *name;
		int is64;
		unsigned n;
		struct eseg s[4];
		uint64_t entry, want_entry;
		enum kx_errcode want;
		unsigned kernel_segs;
		int built;           /* segment 0 is built in scratch */
	} rows[] = {
		{ "one page-aligned segment", 0, 1, { { 1, 0x1000, 0x100000, 0x100000, 0x2000, 0x3000 } },
		  0x100000, 0x100000, KX_OK, 1, 0 },
		{ "two share a page: the page built, the bss after it", 0, 2,
		  { { 1, 0x1000, 0x100000, 0x100000, 0xe38, 0xe38 }, { 1, 0x1e40, 0x100e40, 0x100e40, 0x14, 0x14420 } },
		  0x100058, 0x100058, KX_OK, 2, 1 },
		{ "unaligned, file bytes before it: in place", 0, 1,
		  { { 1, 0x1200, 0x100200, 0x100200, 0x500, 0x900 } }, 0x100200, 0x100200, KX_OK, 1, 0 },
		{ "unaligned, offset below its page offset: first page built", 0, 1,
		  { { 1, 0x900, 0x100a00, 0x100a00, 0x500, 0x900 } }, 0x100a00, 0x100a00, KX_OK, 2, 1 },
		{ "bss-only segment", 0, 2,
		  { { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 }, { 1, 0x2000, 0x200000, 0x200000, 0, 0x3000 } },
		  0x100000, 0x100000, KX_OK, 2, 0 },
		{ "memsz 0 segments skipped", 0, 2,
		  { { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 }, { 1, 0x1000, 0x50000000, 0x50000000, 0, 0 } },
		  0x100000, 0x100000, KX_OK, 1, 0 },
		{ "non-LOAD headers ignored", 0, 2,
		  { { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 }, { 4, 0xffffff, 0, 0xfffffffff, 0xffffff, 0xffffff } },
		  0x100000, 0x100000, KX_OK, 1, 0 },
		{ "unsorted segments", 0, 2,
		  { { 1, 0x2000, 0x300000, 0x300000, 0x1000, 0x1000 }, { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 } },
		  0x100000, 0x100000, KX_OK, 2, 0 },
		{ "virtual entry made physical", 0, 2,
		  { { 1, 0x1000, 0xc0100000, 0x100000, 0x1000, 0x1000 }, { 1, 0x2000, 0xc0200000, 0x200000, 0x1000, 0x2000 } },
		  0xc0200010, 0x200010, KX_OK, 2, 0 },
		{ "ELF64 higher-half entry", 1, 1,
		  { { 1, 0x1000, 0xffffffff80100000ull, 0x100000, 0x1000, 0x1000 } },
		  0xffffffff80100040ull, 0x100040, KX_OK, 1, 0 },
		{ "ELF64 identity", 1, 1, { { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 } },
		  0x100000, 0x100000, KX_OK, 1, 0 },
		{ "overlapping segments", 0, 2,
		  { { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x2000 }, { 1, 0x2000, 0x101000, 0x101000, 0x1000, 0x1000 } },
		  0x100000, 0, KX_E_BAD_HEADER, 0, 0 },
		{ "segment above 4 GiB", 1, 1, { { 1, 0x1000, 0x100000000ull, 0x100000000ull, 0x1000, 0x1000 } },
		  0x100000000ull, 0, KX_E_BAD_HEADER, 0, 0 },
		{ "segment reaching 4 GiB + 1", 0, 1, { { 1, 0x1000, 0xfffff000, 0xfffff000, 0x1000, 0x1001 } },
		  0xfffff000, 0, KX_E_BAD_HEADER, 0, 0 },
		{ "filesz > memsz", 0, 1, { { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0xfff } },
		  0x100000, 0, KX_E_BAD_HEADER, 0, 0 },
		{ "segment bytes past the file", 0, 1, { { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 } },
		  0x100000, 0, KX_E_TRUNCATED, 0, 0 },
		{ "offset wraps", 1, 1, { { 1, 0xfffffffffffff000ull, 0x100000, 0x100000, 0x2000, 0x2000 } },
		  0x100000, 0, KX_E_BAD_HEADER, 0, 0 },
		{ "offset past the file", 1, 1, { { 1, 0xfffffffff000ull, 0x100000, 0x100000, 0x2000, 0x2000 } },
		  0x100000, 0, KX_E_TRUNCATED, 0, 0 },
		{ "entry outside the segments", 0, 1, { { 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 } },
		  0x101000, 0, KX_E_BAD_HEADER, 0, 0 },
		{ "in a reserved hole", 0, 1, { { 1, 0x1000, 0xa0000, 0xa0000, 0x1000, 0x1000 } },
		  0xa0000, 0, KX_E_SEG_NOT_RAM, 0, 0 },
		{ "low memory is RAM", 0, 1, { { 1, 0x1000, 0x8000, 0x8000, 0x1000, 0x1000 } },
		  0x8000, 0x8000, KX_OK, 1, 0 },
		{ "nothing to load", 0, 1, { { 1, 0x1000, 0x100000, 0x100000, 0, 0 } },
		  0x100000, 0, KX_E_BAD_HEADER, 0, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct mctx c;
		struct espec e;
		size_t len;
		uint8_t *img;
		struct kx_err err;
		unsigned i;

		T_ROW("%s", rows[r].name);
		espec_default(&e);
		e.is64 = rows[r].is64;
		e.machine = rows[r].is64 ? 62 : 3;
		e.n = rows[r].n;
		for (i = 0; i < rows[r].n; i++)
			e.s[i] = rows[r].s[i];
		e.entry = rows[r].entry;
		if (rows[r].want == KX_E_TRUNCATED)
			e.len = 0x1800;
		else
			for (i = 0; i < e.n; i++)
				if (e.s[i].type != 1)
					e.len = 0x4000;
		img = elf_mb1(&e, 3, &len);
		mctx_init(&c, img, len);
		err = run1(&c);
		CHECK_ERR(err, rows[r].want);
		if (!KX_FAILED(err)) {
			CHECK_EQ(count_purpose(&c.plan, "kernel"), rows[r].kernel_segs);
			CHECK_EQ(c.plan.target, rows[r].want_entry);
			if (rows[r].built) {
				const struct kx_segment *k = seg_by(&c.plan, "kernel", 0);
				CHECK((const uint8_t *)k->buf >= c.scratch &&
				      (const uint8_t *)k->buf < c.scratch + SCRATCH_LEN);
			} else {
				const struct kx_segment *k = seg_by(&c.plan, "kernel", 0);
				CHECK(!k->bufsz || ((const uint8_t *)k->buf >= c.img &&
						    (const uint8_t *)k->buf < c.img + c.len));
			}
			check_pieces(&c, &e);
			T_ROW("%s", rows[r].name);
			check_mbi1(&c, rows[r].want_entry);
		}
		mctx_free(&c);
	}
}

TEST(mb1_elf_header_checks)
{
	static const struct {
		const char *name;
		size_t off;
		unsigned width;
		uint64_t val;
		enum kx_errcode want;
	} rows[] = {
		{ "class 3", 4, 1, 3, KX_E_BAD_HEADER },
		{ "big endian", 5, 1, 2, KX_E_BAD_HEADER },
		{ "type REL", 16, 2, 1, KX_E_BAD_HEADER },
		{ "type DYN", 16, 2, 3, KX_OK },
		{ "machine x86_64 in ELF32", 18, 2, 62, KX_E_WRONG_MACHINE },
		{ "machine ARM", 18, 2, 40, KX_E_WRONG_MACHINE },
		{ "phentsize 31", 42, 2, 31, KX_E_BAD_HEADER },
		{ "phentsize 64 (not the ELF32 size)", 42, 2, 64, KX_E_BAD_HEADER },
		{ "EI_VERSION 0", 6, 1, 0, KX_E_BAD_HEADER },
		{ "phnum 0", 44, 2, 0, KX_E_BAD_HEADER },
		{ "phnum 0xffff", 44, 2, 0xffff, KX_E_TOO_MANY },
		{ "phoff past the file", 28, 4, 0x7fffffff, KX_E_TRUNCATED },
		{ "phoff at the file's end", 28, 4, 0x3000, KX_E_TRUNCATED },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct mctx c;
		struct espec e;
		size_t len;
		uint8_t *img;

		T_ROW("%s", rows[r].name);
		espec_default(&e);
		e.n = 1;
		e.len = 0x3000;
		img = elf_mb1(&e, 3, &len);
		if (rows[r].width == 1)
			img[rows[r].off] = (uint8_t)rows[r].val;
		else if (rows[r].width == 2)
			kx_put16(img + rows[r].off, (uint16_t)rows[r].val);
		else
			kx_put32(img + rows[r].off, (uint32_t)rows[r].val);
		mctx_init(&c, img, len);
		CHECK_ERR(run1(&c), rows[r].want);
		mctx_free(&c);
	}
}

TEST(mb1_elf_truncated_header)
{
	struct espec e;
	struct kx_mb_image im;
	size_t len, n;
	uint8_t *img;

	espec_default(&e);
	img = elf_mb1(&e, 3, &len);
	for (n = 0; n < 64 + 2 * 32; n++) {
		uint8_t *x = dup_exact(img, n);
		T_ROW("%zu bytes", n);
		CHECK(KX_FAILED(kx_mb_elf_image(x, n, &im)));
		free(x);
	}
	free(img);
}

TEST(mb1_elf_too_many_segments)
{
	struct mctx c;
	struct espec e;
	size_t len;
	uint8_t *img;
	unsigned i;

	espec_default(&e);
	e.n = 15;
	for (i = 0; i < e.n; i++)
		e.s[i] = (struct eseg){ 1, 0x1000, 0x100000 + 0x10000 * i, 0x100000 + 0x10000 * i, 0x100,
					0x100 };
	img = elf_mb1(&e, 3, &len);
	mctx_init(&c, img, len);
	CHECK_ERR(run1(&c), KX_E_TOO_MANY);
	mctx_free(&c);
}

TEST(mb1_not_elf_needs_address_fields)
{
	struct mctx c;
	uint8_t *b = pattern(0x2000);
	struct kx_err e;

	put_mb1(b, 0x100, 3);
	mctx_init(&c, b, 0x2000);
	e = run1(&c);
	CHECK_ERR(e, KX_E_BAD_HEADER);
	CHECK(strstr(e.what, "bit 16"));
	mctx_free(&c);
}

/* ---- placement: budget, scratch, memory ---------------------------------------- */

static uint8_t *fake_purgatory(size_t *len)
{
	uint8_t *b = calloc(1, KX_PURG_HDR_SIZE);

	if (!b)
		abort();
	kx_put32(b + 16, KX_PURG_MAGIC);
	kx_put16(b + 20, KX_PURG_VERSION);
	kx_put16(b + 22, KX_PURG_HDR_SIZE);
	kx_put32(b + 24, 8192);
	kx_put32(b + 28, KX_PURG_ARCH_NATIVE);
	*len = KX_PURG_HDR_SIZE;
	return b;
}

TEST(mb1_segment_budget)
{
	/* kernel segments + modules + MBI + purgatory <= 16 */
	static const struct { unsigned kseg, nmod; enum kx_errcode want; } rows[] = {
		{ 1, 12, KX_OK }, { 2, 12, KX_OK }, { 3, 11, KX_OK }, { 3, 12, KX_E_TOO_MANY_SEGMENTS },
		{ 14, 0, KX_OK }, { 14, 1, KX_E_TOO_MANY_SEGMENTS },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct mctx c;
		struct espec e;
		size_t len, plen;
		uint8_t *img, *purg = fake_purgatory(&plen), pbuf[KX_PURG_HDR_SIZE];
		unsigned i;
		struct kx_err err;

		T_ROW("%u kernel segments, %u modules", rows[r].kseg, rows[r].nmod);
		espec_default(&e);
		e.n = rows[r].kseg;
		for (i = 0; i < e.n; i++)
			e.s[i] = (struct eseg){ 1, 0x1000, 0x100000 + 0x10000 * i, 0x100000 + 0x10000 * i,
						0x100, 0x100 };
		e.entry = 0x100000;
		img = elf_mb1(&e, 3, &len);
		mctx_init(&c, img, len);
		for (i = 0; i < rows[r].nmod; i++)
			mctx_module(&c, 100 + i, "m");
		err = run1(&c);
		CHECK_ERR(err, rows[r].want);
		if (!KX_FAILED(err)) {
			check_mbi1(&c, 0x100000);
			CHECK_OK(kx_plan_add_purgatory(&c.plan, &c.si.mem, WHOLE, purg, plen, pbuf,
						       sizeof(pbuf), KX_PURG_VERIFY, 0));
			CHECK(c.plan.nseg <= KX_MAX_SEGMENTS);
			CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
			/* the purgatory keeps the 32-bit hand-off */
			CHECK_EQ(kx_le32(pbuf + KX_PURG_PARAMS_OFF + 12) & 0xff, KX_PURG_ENTRY_32);
		}
		free(purg);
		mctx_free(&c);
	}
}

TEST(mb1_scratch_and_options)
{
	struct mctx c;
	size_t len;
	uint8_t *img = aout_kernel(0x100000, 0x2000, 0, 0x100080, &len);
	static char longline[90000];

	mctx_init(&c, img, len);
	/* the MBI must fit in scratch */
	c.req.scratch_len = 100;
	CHECK_ERR(run1(&c), KX_E_BOOT_INFO_TOO_BIG);
	c.req.scratch_len = 120 + 24 * c.si.mem.n + sizeof("kernel.elf ") - 1 + sizeof(test_cmdline) +
			    sizeof(test_loader);
	CHECK_OK(run1(&c));
	check_mbi1(&c, 0x100080);
	c.req.scratch_len -= 1;
	CHECK_ERR(run1(&c), KX_E_BOOT_INFO_TOO_BIG);
	c.req.scratch_len = SCRATCH_LEN;
	memset(longline, 'x', sizeof(longline) - 1);
	c.req.cmdline = longline;
	CHECK_ERR(run1(&c), KX_E_BOOT_INFO_TOO_BIG);
	c.req.cmdline = "";
	CHECK_OK(run1(&c));
	check_mbi1(&c, 0x100080);
	c.req.cmdline = 0;
	c.req.loader_name = 0;
	CHECK_OK(run1(&c));
	{
		const struct kx_segment *s = seg_by(&c.plan, "boot-info", 0);
		CHECK_STR(str_in(s, kx_le32((const uint8_t *)s->buf + 16)), "kernel.elf");
		CHECK_STR(str_in(s, kx_le32((const uint8_t *)s->buf + 64)), "kx");
	}
	c.req.cmdline = test_cmdline;
	c.req.loader_name = test_loader;
	/* initrds are not for multiboot kernels */
	c.req.ninitrd = 1;
	c.req.initrd[0] = (struct kx_blob){ c.img, 10, "initrd" };
	{
		struct kx_err e = run1(&c);
		if (CHECK_ERR(e, KX_E_MB_INITRD))
			CHECK_EQ(e.a, 1);
	}
	CHECK_ERR(run2(&c), KX_E_BAD_HEADER); /* no multiboot 2 header at all */
	c.req.ninitrd = 0;
	mctx_free(&c);
}

TEST(mb1_placement_limits)
{
	struct mctx c;
	size_t len;
	uint8_t *img = aout_kernel(0x100000, 0x2000, 0, 0x100080, &len);
	static const struct mm_ent small[] = {
		{ 0x0, 0x9fc00, KX_MEM_RAM },
		{ 0x100000, 0x400000, KX_MEM_RAM },
		{ 0x100000000ull, 0x200000000ull, KX_MEM_RAM },
	};
	unsigned i;

	mctx_init(&c, img, len);
	/* modules stay below 4 GiB even with RAM above */
	for (i = 0; i < 4; i++)
		mctx_module(&c, 512 * 1024, "big");
	REQUIRE(mm_set(&c.si.mem, small, T_ARRAY_SIZE(small)));
	CHECK_OK(run1(&c));
	check_mbi1(&c, 0x100080);
	for (i = 0; i < c.plan.nseg; i++)
		CHECK(c.plan.seg[i].mem + c.plan.seg[i].memsz <= 0x400000);
	/* one more module does not fit below 4 GiB */
	mctx_module(&c, 1024 * 1024, "too big");
	CHECK_ERR(run1(&c), KX_E_NO_SPACE);
	c.req.nmodule--;
	/* the window applies to the kernel's fixed address */
	c.req.window = (struct kx_window){ 0x200000, UINT64_MAX };
	CHECK_ERR(run1(&c), KX_E_SEG_NOT_RAM);
	c.req.window = (struct kx_window){ 0, 0x101000 };
	CHECK_ERR(run1(&c), KX_E_SEG_NOT_RAM);
	/* a segment already in the plan where the kernel goes */
	c.req.window = WHOLE;
	memset(&c.plan, 0, sizeof(c.plan));
	CHECK_OK(kx_plan_add(&c.plan, "raw", "test", 0, 0, 0x101000, PAGE));
	CHECK_ERR(kx_multiboot_load(&c.req, &c.plan), KX_E_SEG_OVERLAP);
	mctx_free(&c);
}

TEST(mb_meminfo_table)
{
	static const struct {
		const char *name;
		struct mm_ent e[4];
		unsigned n;
		uint32_t lower, upper;
	} rows[] = {
		{ "typical", { { 0, 0x9fc00, 1 }, { 0x100000, 0x40000000, 1 } }, 2, 639, 0xffc00 },
		{ "split upper RAM joined", { { 0, 0x9fc00, 1 }, { 0x100000, 0x200000, 1 }, { 0x200000, 0x40000000, 1 } },
		  3, 639, 0xffc00 },
		{ "hole stops upper", { { 0, 0x9fc00, 1 }, { 0x100000, 0x200000, 1 }, { 0x201000, 0x40000000, 1 } },
		  3, 639, 1024 },
		{ "low RAM capped at 640 KiB", { { 0, 0x200000, 1 } }, 1, 640, 1024 },
		{ "no RAM at 0", { { 0x1000, 0x9fc00, 1 }, { 0x100000, 0x200000, 1 } }, 2, 0, 1024 },
		{ "no RAM at 1 MiB", { { 0, 0x9fc00, 1 }, { 0x200000, 0x300000, 1 } }, 2, 639, 0 },
		{ "reserved at 1 MiB", { { 0, 0x9fc00, 1 }, { 0x100000, 0x300000, 2 } }, 2, 639, 0 },
		{ "upper capped at 4 TiB", { { 0, 0x9fc00, 1 }, { 0x100000, 0x40000000000000ull, 1 } }, 2, 639,
		  0xffffffff },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct kx_memmap m;
		uint32_t lo = 1, up = 1;
		T_ROW("%s", rows[r].name);
		REQUIRE(mm_set(&m, rows[r].e, rows[r].n));
		kx_mb_meminfo(&m, &lo, &up);
		CHECK_EQ(lo, rows[r].lower);
		CHECK_EQ(up, rows[r].upper);
	}
}

/* ---- multiboot 2: header search and tags ------------------------------------------ */

TEST(mb2_find_table)
{
	static const struct {
		const char *name;
		size_t at;
		int bad_sum;
		size_t len;
		int found;
	} rows[] = {
		{ "at 0", 0, 0, 40000, 1 },
		{ "at 8", 8, 0, 40000, 1 },
		{ "misaligned at 4", 4, 0, 40000, 0 },
		{ "misaligned at 12", 12, 0, 40000, 0 },
		{ "last fit 32752", 32752, 0, 40000, 1 },
		{ "straddles 32 KiB: 32760", 32760, 0, 40000, 0 },
		{ "past 32 KiB", 32768, 0, 40000, 0 },
		{ "bad checksum", 64, 1, 40000, 0 },
		{ "file cuts the checksum", 0, 0, 15, 0 },
		{ "exactly the fixed part", 0, 0, 16, 1 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		uint8_t *b = calloc(1, 40000), *x;
		size_t off = 777;
		static const uint32_t w[] = { END_TAG };

		T_ROW("%s", rows[r].name);
		put_mb2(b, rows[r].at, w, 2, 0);
		if (rows[r].bad_sum)
			kx_put32(b + rows[r].at + 12, 0);
		x = dup_exact(b, rows[r].len);
		CHECK_EQ(kx_mb2_find(x, rows[r].len, &off), rows[r].found);
		CHECK_EQ(kx_multiboot2_probe(x, rows[r].len), rows[r].found);
		if (rows[r].found)
			CHECK_EQ(off, rows[r].at);
		free(x);
		free(b);
	}
}

struct tag_row {
	const char *name;
	uint32_t w[24];
	size_t nw;
	uint32_t hlen;            /* 0: computed */
	unsigned rsdp_len;
	enum kx_errcode want;
	const char *what;
};

TEST(mb2_parse_tags_table)
{
	static const struct tag_row rows[] = {
		{ "just the end tag", { END_TAG }, 2, 0, 0, KX_OK, 0 },
		{ "no end tag", { TAG(6, 0, 8) }, 2, 0, 0, KX_E_BAD_HEADER, "no end tag" },
		{ "nothing after the fixed part", { 0 }, 0, 16, 0, KX_E_BAD_HEADER, "header_length" },
		{ "header_length 20", { END_TAG }, 2, 20, 0, KX_E_BAD_HEADER, "header_length" },
		{ "zero-size tag", { TAG(6, 0, 0), END_TAG }, 4, 0, 0, KX_E_BAD_HEADER, "below 8" },
		{ "size-4 tag", { TAG(6, 1, 4), END_TAG }, 4, 0, 0, KX_E_BAD_HEADER, "below 8" },
		{ "tag past header_length", { TAG(6, 0, 8), TAG(1, 0, 64), 1, 2 }, 6, 0, 0, KX_E_BAD_HEADER,
		  "past header_length" },
		{ "end tag cut by header_length", { TAG(6, 0, 8), END_TAG }, 4, 28, 0, KX_E_BAD_HEADER,
		  "no end tag" },
		{ "padding runs past the end", { TAG(1, 0, 12), 1 }, 3, 0, 0, KX_E_BAD_HEADER, "no end tag" },
		{ "unknown required tag", { TAG(99, 0, 8), END_TAG }, 4, 0, 0, KX_E_UNSUPPORTED, "unknown" },
		{ "unknown optional tag", { TAG(99, 1, 16), 1, 2, END_TAG }, 6, 0, 0, KX_OK, 0 },
		{ "unknown optional, odd size", { TAG(99, 1, 13), 1, 2, END_TAG }, 6, 0, 0, KX_OK, 0 },
		{ "required framebuffer", { TAG(5, 0, 20), 1024, 768, 32, 0, END_TAG }, 8, 0, 0,
		  KX_E_UNSUPPORTED, "framebuffer" },
		{ "optional framebuffer", { TAG(5, 1, 20), 1024, 768, 32, 0, END_TAG }, 8, 0, 0, KX_OK, 0 },
		{ "framebuffer too small", { TAG(5, 1, 16), 1024, 768, END_TAG }, 6, 0, 0, KX_E_BAD_HEADER,
		  "too small" },
		{ "required EFI boot services", { TAG(7, 0, 8), END_TAG }, 4, 0, 0, KX_E_UNSUPPORTED, "EFI" },
		{ "optional EFI boot services", { TAG(7, 1, 8), END_TAG }, 4, 0, 0, KX_OK, 0 },
		{ "required EFI amd64 entry", { TAG(9, 0, 12), 0x100000, END_TAG }, 5, 0, 0, KX_E_UNSUPPORTED,
		  "EFI" },
		{ "optional EFI i386 entry", { TAG(8, 1, 12), 0x100000, 0, END_TAG }, 6, 0, 0, KX_OK, 0 },
		{ "console required, flag set", { TAG(4, 0, 12), 1, 0, END_TAG }, 6, 0, 0, KX_E_UNSUPPORTED,
		  "console" },
		{ "console required, EGA text supported only", { TAG(4, 0, 12), 2, 0, END_TAG }, 6, 0, 0,
		  KX_OK, 0 },
		{ "console optional, flag set", { TAG(4, 1, 12), 1, 0, END_TAG }, 6, 0, 0, KX_OK, 0 },
		{ "module alignment", { TAG(6, 0, 8), END_TAG }, 4, 0, 0, KX_OK, 0 },
		{ "relocatable", { TAG(10, 0, 24), 0x100000, 0x10000000, 0x1000, 1, END_TAG }, 8, 0, 0, KX_OK, 0 },
		{ "relocatable too small", { TAG(10, 0, 20), 0x100000, 0x10000000, 0x1000, 0, END_TAG }, 8, 0, 0,
		  KX_E_BAD_HEADER, "too small" },
		{ "address tag too small", { TAG(2, 0, 20), 0, 0, 0, 0, END_TAG }, 8, 0, 0, KX_E_BAD_HEADER,
		  "too small" },
		{ "entry tag too small", { TAG(3, 0, 8), END_TAG }, 4, 0, 0, KX_E_BAD_HEADER, "too small" },
		{ "request: what kx provides", { TAG(1, 0, 32), 1, 2, 3, 4, 6, 21, END_TAG }, 10, 0, 0, KX_OK, 0 },
		{ "request: framebuffer, required", { TAG(1, 0, 12), 8, 0, END_TAG }, 6, 0, 0, KX_E_UNSUPPORTED,
		  "request" },
		{ "request: framebuffer, optional", { TAG(1, 1, 12), 8, 0, END_TAG }, 6, 0, 0, KX_OK, 0 },
		{ "request: ELF sections, required", { TAG(1, 0, 12), 9, 0, END_TAG }, 6, 0, 0, KX_E_UNSUPPORTED,
		  "request" },
		{ "request: EFI mmap, required", { TAG(1, 0, 12), 17, 0, END_TAG }, 6, 0, 0, KX_E_UNSUPPORTED,
		  "request" },
		{ "request: ACPI old, none known", { TAG(1, 0, 12), 14, 0, END_TAG }, 6, 0, 0, KX_E_UNSUPPORTED,
		  "request" },
		{ "request: ACPI old, v1 known", { TAG(1, 0, 12), 14, 0, END_TAG }, 6, 0, 20, KX_OK, 0 },
		{ "request: ACPI new, v1 known", { TAG(1, 0, 12), 15, 0, END_TAG }, 6, 0, 20, KX_E_UNSUPPORTED,
		  "request" },
		{ "request: ACPI new, v2 known", { TAG(1, 0, 12), 15, 0, END_TAG }, 6, 0, 36, KX_OK, 0 },
		{ "request: huge type number, optional", { TAG(1, 1, 12), 0xffffffff, 0, END_TAG }, 6, 0, 0,
		  KX_OK, 0 },
		{ "request: huge type number, required", { TAG(1, 0, 12), 0xffffffff, 0, END_TAG }, 6, 0, 0,
		  KX_E_UNSUPPORTED, "request" },
		{ "request: empty", { TAG(1, 0, 8), END_TAG }, 4, 0, 0, KX_OK, 0 },
		{ "end tag, larger", { TAG(0, 0, 16), 0, 0 }, 4, 0, 0, KX_OK, 0 },
		{ "tags after the end tag are ignored", { END_TAG, TAG(99, 0, 8) }, 4, 0, 0, KX_OK, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		uint8_t *b = calloc(1, 4096), *x;
		struct kx_mb2_header h;
		struct kx_err e;
		size_t len;

		T_ROW("%s", rows[r].name);
		put_mb2(b, 0, rows[r].w, rows[r].nw, rows[r].hlen);
		len = rows[r].hlen ? rows[r].hlen : 16 + 4 * rows[r].nw;
		if (len < 16)
			len = 16;
		x = dup_exact(b, len); /* the header is the whole file: ASan sees over-reads */
		e = kx_mb2_parse(x, len, rows[r].rsdp_len, &h);
		CHECK_ERR(e, rows[r].want);
		if (rows[r].what)
			CHECK(e.what && strstr(e.what, rows[r].what));
		free(x);
		free(b);
	}
}

TEST(mb2_parse_fields)
{
	static const uint32_t w[] = {
		TAG(1, 0, 20), 1, 4, 6, 0,
		TAG(1, 1, 16), 14, 15, TAG(2, 0, 24), 0x100000, 0xffffffff, 0, 0x140000,
		TAG(3, 0, 12), 0x100020, 0,
		TAG(10, 1, 24), 0x200000, 0x30000000, 0x200000, 2,
		END_TAG,
	};
	uint8_t b[256] = { 0 };
	struct kx_mb2_header h;

	put_mb2(b, 0, w, T_ARRAY_SIZE(w), 0);
	CHECK_OK(kx_mb2_parse(b, sizeof(b), 0, &h));
	CHECK_EQ(h.off, 0);
	CHECK_EQ(h.header_length, 16 + 4 * T_ARRAY_SIZE(w));
	CHECK_EQ(h.requested, 1u << 1 | 1u << 4 | 1u << 6 | 1u << 14 | 1u << 15);
	CHECK(h.have_addr);
	CHECK_EQ(h.header_addr, 0x100000);
	CHECK_EQ(h.load_addr, 0xffffffff);
	CHECK_EQ(h.load_end_addr, 0);
	CHECK_EQ(h.bss_end_addr, 0x140000);
	CHECK(h.have_entry);
	CHECK_EQ(h.entry_addr, 0x100020);
	CHECK(h.have_reloc);
	CHECK_EQ(h.reloc_min, 0x200000);
	CHECK_EQ(h.reloc_max, 0x30000000);
	CHECK_EQ(h.reloc_align, 0x200000);
	CHECK_EQ(h.reloc_pref, 2);
}

TEST(mb2_parse_header_bounds)
{
	static const uint32_t w[] = { END_TAG };
	uint8_t *b = calloc(1, 40000);
	struct kx_mb2_header h;

	REQUIRE(b);
	/* architecture */
	put_mb2(b, 0, w, 2, 0);
	kx_put32(b + 4, 4); /* MIPS */
	kx_put32(b + 12, 0u - MB2_MAGIC - 4 - 24);
	CHECK(kx_multiboot2_probe(b, 40000));
	CHECK_ERR(kx_mb2_parse(b, 40000, 0, &h), KX_E_BAD_HEADER);
	CHECK(strstr(kx_mb2_parse(b, 40000, 0, &h).what, "architecture"));
	/* header_length past the file and past 32 KiB */
	memset(b, 0, 40000);
	put_mb2(b, 0, w, 2, 0x100);
	CHECK_ERR(kx_mb2_parse(b, 0x80, 0, &h), KX_E_TRUNCATED);
	memset(b, 0, 40000);
	put_mb2(b, 32000, w, 2, 0x400);
	CHECK_ERR(kx_mb2_parse(b, 40000, 0, &h), KX_E_BAD_HEADER);
	memset(b, 0, 40000);
	put_mb2(b, 32744, w, 2, 0);
	CHECK_OK(kx_mb2_parse(b, 40000, 0, &h));
	CHECK_EQ(h.off, 32744);
	/* the header_length wraps: huge */
	memset(b, 0, 40000);
	put_mb2(b, 8, w, 2, 0xfffffff8);
	CHECK_ERR(kx_mb2_parse(b, 40000, 0, &h), KX_E_TRUNCATED);
	/* bad checksum only: named */
	memset(b, 0, 40000);
	put_mb2(b, 8, w, 2, 0);
	kx_put32(b + 20, 1);
	CHECK(strstr(kx_mb2_parse(b, 40000, 0, &h).what, "checksum"));
	memset(b, 0, 40000);
	CHECK(strstr(kx_mb2_parse(b, 40000, 0, &h).what, "no magic"));
	free(b);
}

TEST(mb2_tag_walk_bounded)
{
	/* 300 optional tags of 8 bytes: the walk stops at its cap */
	uint32_t w[2 * 301];
	uint8_t *b = calloc(1, 16 + sizeof(w));
	struct kx_mb2_header h;
	size_t i;

	REQUIRE(b);
	for (i = 0; i < 300; i++) {
		w[2 * i] = 6 | 1u << 16;
		w[2 * i + 1] = 8;
	}
	w[600] = 0;
	w[601] = 8;
	put_mb2(b, 0, w, T_ARRAY_SIZE(w), 0);
	CHECK_ERR(kx_mb2_parse(b, 16 + sizeof(w), 0, &h), KX_E_TOO_MANY);
	/* 200 are fine */
	w[400] = 0;
	w[401] = 8;
	put_mb2(b, 0, w, 402, 0);
	CHECK_OK(kx_mb2_parse(b, 16 + 4 * 402, 0, &h));
	free(b);
}

/* ---- multiboot 2: loading and the MBI2 ------------------------------------------ */

static void set_rsdp(struct kx_sysinfo *si, unsigned len)
{
	unsigned i;

	memcpy(si->rsdp, "RSD PTR ", 8);
	for (i = 8; i < 36; i++)
		si->rsdp[i] = (uint8_t)(i * 3);
	memcpy(si->rsdp + 9, "KXTEST", 6);
	si->rsdp_len = len;
	si->acpi_rsdp = 0xf5a10;
}

TEST(mb2_load_elf_mbi)
{
	static const unsigned rsdp[] = { 0, 20, 36 };
	size_t k;

	for (k = 0; k < T_ARRAY_SIZE(rsdp); k++) {
		struct mctx c;
		struct espec e;
		size_t len;
		uint8_t *img;
		unsigned count[32];

		T_ROW("rsdp_len %u", rsdp[k]);
		espec_default(&e);
		img = elf_mb2(&e, &len);
		mctx_init(&c, img, len);
		set_rsdp(&c.si, rsdp[k]);
		mctx_module(&c, 4097, "module one");
		mctx_module(&c, 0, "");
		mctx_module(&c, 12, 0);
		CHECK_OK(run2(&c));
		CHECK_EQ(count_purpose(&c.plan, "kernel"), 2);
		check_pieces(&c, &e);
		T_ROW("rsdp_len %u", rsdp[k]);
		check_mbi2(&c, 0x100010, count);
		CHECK_EQ(count[1], 1);
		CHECK_EQ(count[2], 1);
		CHECK_EQ(count[3], 3);
		CHECK_EQ(count[4], 1);
		CHECK_EQ(count[6], 1);
		CHECK_EQ(count[14], rsdp[k] ? 1 : 0);
		CHECK_EQ(count[15], rsdp[k] == 36 ? 1 : 0);
		CHECK_EQ(count[21], 1);
		CHECK_EQ(count[0], 1);
		/* load base: the lowest kernel address */
		{
			const struct kx_segment *s = seg_by(&c.plan, "boot-info", 0);
			const uint8_t *b = s->buf;
			size_t off = 8;
			while (off + 8 <= s->bufsz && kx_le32(b + off) != 21 && kx_le32(b + off))
				off += (kx_le32(b + off + 4) + 7) & ~7u;
			if (CHECK(kx_le32(b + off) == 21))
				CHECK_EQ(kx_le32(b + off + 8), 0x100000);
		}
		mctx_free(&c);
	}
}

TEST(mb2_load_entry_tag_and_address_tag)
{
	struct mctx c;
	struct espec e;
	size_t len;
	uint8_t *img;
	unsigned count[32];
	static const uint32_t entry_tag[] = { TAG(3, 0, 12), 0x102004, 0, END_TAG };

	/* ELF with an entry tag: the tag wins over e_entry */
	espec_default(&e);
	img = elf_build(&e, &len);
	put_mb2(img, ELF_HDR_AT, entry_tag, T_ARRAY_SIZE(entry_tag), 0);
	mctx_init(&c, img, len);
	CHECK_OK(run2(&c));
	check_mbi2(&c, 0x102004, count);
	mctx_free(&c);

	/* flat image with an address tag (load_addr -1: from the file's start) */
	{
		uint8_t *b = pattern(0x3000);
		const uint32_t w[] = { TAG(2, 0, 24), 0x300100, 0xffffffff, 0, 0x306000,
				       TAG(3, 0, 12), 0x300200, 0, END_TAG };
		const struct kx_segment *k;

		put_mb2(b, 0x100, w, T_ARRAY_SIZE(w), 0);
		mctx_init(&c, b, 0x3000);
		mctx_module(&c, 100, "m");
		CHECK_OK(run2(&c));
		k = seg_by(&c.plan, "kernel", 0);
		REQUIRE(k);
		CHECK_EQ(k->mem, 0x300000);
		CHECK(k->buf == c.img);
		CHECK_EQ(k->bufsz, 0x3000);
		CHECK_EQ(k->memsz, 0x6000);
		check_mbi2(&c, 0x300200, count);
		CHECK_ERR(kx_multiboot_load(&c.req, &c.plan), KX_E_BAD_HEADER); /* no mb1 header */
		mctx_free(&c);
	}

	/* address tag without an entry tag: refused (unless --entry) */
	{
		uint8_t *b = pattern(0x3000);
		const uint32_t w[] = { TAG(2, 0, 24), 0x300100, 0xffffffff, 0, 0, END_TAG };

		put_mb2(b, 0x100, w, T_ARRAY_SIZE(w), 0);
		mctx_init(&c, b, 0x3000);
		CHECK_ERR(run2(&c), KX_E_BAD_HEADER);
		c.req.have_entry = 1;
		c.req.entry = 0x300000;
		CHECK_OK(run2(&c));
		check_mbi2(&c, 0x300000, count);
		mctx_free(&c);
	}

	/* neither ELF nor an address tag */
	{
		uint8_t *b = pattern(0x3000);
		put_mb2(b, 0x100, mb2_plain, T_ARRAY_SIZE(mb2_plain), 0);
		mctx_init(&c, b, 0x3000);
		CHECK_ERR(run2(&c), KX_E_BAD_HEADER);
		mctx_free(&c);
	}
}

/* The command line starts with the image's name (Xen drops that first word
 * unless the loader is GRUB 2): both protocols, with and without a name or a
 * command line. */
TEST(mb_cmdline_image_name)
{
	static const struct {
		const char *name, *cmdline, *want;
	} rows[] = {
		{ "/boot/xen", "console=com1 dom0_mem=256M", "/boot/xen console=com1 dom0_mem=256M" },
		{ "/boot/xen", "", "/boot/xen" },
		{ "/boot/xen", 0, "/boot/xen" },
		{ "", "console=com1", "console=com1" },
		{ 0, "console=com1", "console=com1" },
		{ 0, 0, "" },
	};
	struct mctx c;
	struct espec e;
	size_t len;
	uint8_t *img;
	unsigned r, proto, count[32];

	for (proto = 1; proto <= 2; proto++) {
		for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
			T_ROW("multiboot%s row %u", proto == 2 ? "2" : "", r);
			espec_default(&e);
			img = proto == 2 ? elf_mb2(&e, &len) : aout_kernel(0x100000, 0x2000, 0, 0x100080, &len);
			mctx_init(&c, img, len);
			mctx_module(&c, 100, "/boot/vmlinuz console=hvc0");
			c.req.image.name = rows[r].name;
			c.req.cmdline = rows[r].cmdline;
			if (proto == 2) {
				CHECK_OK(run2(&c));
				check_mbi2(&c, 0x100010, count);
				CHECK_EQ(count[1], 1);
			} else {
				CHECK_OK(run1(&c));
				check_mbi1(&c, 0x100080);
			}
			CHECK_STR(c.plan.cmdline, rows[r].want);
			mctx_free(&c);
		}
	}
}

TEST(mb2_scratch_limits)
{
	struct mctx c;
	struct espec e;
	size_t len, need;
	uint8_t *img;
	unsigned count[32];

	espec_default(&e);
	img = elf_mb2(&e, &len);
	mctx_init(&c, img, len);
	/* header, cmdline, loader, load base, meminfo, mmap, end */
	need = 8 + ((8 + sizeof("kernel.elf ") - 1 + sizeof(test_cmdline) + 7) & ~7u) + ((8 + sizeof(test_loader) + 7) & ~7u) + 16 +
	       16 + 16 + 24 * c.si.mem.n + 8;
	c.req.scratch_len = need;
	CHECK_OK(run2(&c));
	check_mbi2(&c, 0x100010, count);
	c.req.scratch_len = need - 1;
	CHECK_ERR(run2(&c), KX_E_BOOT_INFO_TOO_BIG);
	mctx_free(&c);
}

/* ---- both headers, the loader table ------------------------------------------- */

TEST(mb_both_headers)
{
	struct espec e;
	size_t len;
	uint8_t *img;
	const struct kx_loader *l1 = kx_loader_by_name("multiboot");
	const struct kx_loader *l2 = kx_loader_by_name("multiboot2");

	espec_default(&e);
	img = elf_mb2(&e, &len);
	put_mb1(img, ELF_HDR_AT + 0x100, 3);
	CHECK(kx_multiboot_probe(img, len));
	CHECK(kx_multiboot2_probe(img, len));
	if (l1 && l2) {
		CHECK(kx_loader_probe(img, len) == l2);
		CHECK(kx_loader_by_name("multiboot-x86") == l1);
		CHECK(kx_loader_by_name("multiboot2-x86") == l2);
#if !defined(__i386__) /* i386 wraps kx_multiboot_load (test_i386.c) */
		CHECK(l1->load == kx_multiboot_load);
#endif
		CHECK(l2->load == kx_multiboot2_load);
	}
	free(img);
	if (!l1 || !l2)
		SKIP("multiboot loaders not in the loader table yet");
}

/* ---- the real test kernels (tests/kernels, built into build/kernels) ------------- */

static uint8_t *read_kernel(const char *name, size_t *len)
{
	char path[4096];
	const char *dir = getenv("KX_UNIT_KERNELS");

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "build/kernels", name);
	return read_whole(path, len);
}

/* The PT_LOADs of an ELF32 file, read independently of lib/. */
static int elf32_spec(const uint8_t *b, size_t len, struct espec *e)
{
	unsigned i, n;
	uint32_t phoff;

	memset(e, 0, sizeof(*e));
	if (len < 52 || memcmp(b, "\177ELF\1", 5))
		return 0;
	phoff = kx_le32(b + 28);
	n = kx_le16(b + 44);
	if (n > 20 || phoff + 32ull * n > len)
		return 0;
	e->entry = kx_le32(b + 24);
	for (i = 0; i < n; i++) {
		const uint8_t *ph = b + phoff + 32 * i;
		e->s[e->n++] = (struct eseg){ kx_le32(ph), kx_le32(ph + 4), kx_le32(ph + 8),
					      kx_le32(ph + 12), kx_le32(ph + 16), kx_le32(ph + 20) };
	}
	return 1;
}

TEST(real_kernels)
{
	static const struct {
		const char *file;
		int mb2;            /* load with multiboot 2 */
		int elf;
		unsigned kernel_segs;
	} rows[] = {
		{ "mb1.elf", 0, 1, 2 },
		{ "mb1-aout.bin", 0, 0, 1 },
		{ "mb2.elf", 1, 1, 2 },      /* two PT_LOADs sharing a page: that page built, the rest from the file */
		{ "mb2-aout.bin", 1, 0, 1 },
		{ "mb12.elf", 0, 1, 2 },
		{ "mb12.elf", 1, 1, 2 },
	};
	size_t r;
	int found = 0;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct mctx c;
		struct espec e;
		size_t len;
		uint8_t *img = read_kernel(rows[r].file, &len);
		unsigned count[32];

		if (!img)
			continue;
		found++;
		T_ROW("%s as multiboot%s", rows[r].file, rows[r].mb2 ? "2" : "");
		CHECK(rows[r].mb2 ? kx_multiboot2_probe(img, len) : kx_multiboot_probe(img, len));
		if (rows[r].elf)
			CHECK(elf32_spec(img, len, &e));
		mctx_init(&c, img, len);
		set_rsdp(&c.si, 36);
		mctx_module(&c, 5000, "modfile arg1");
		mctx_module(&c, 13, "mod2");
		if (!CHECK_OK(rows[r].mb2 ? run2(&c) : run1(&c))) {
			mctx_free(&c);
			continue;
		}
		CHECK_EQ(count_purpose(&c.plan, "kernel"), rows[r].kernel_segs);
		CHECK_EQ(seg_by(&c.plan, "kernel", 0)->mem, 0x100000);
		if (rows[r].elf) {
			check_pieces(&c, &e);
			T_ROW("%s as multiboot%s", rows[r].file, rows[r].mb2 ? "2" : "");
		} else {
			/* flat: the file at 1 MiB */
			const struct kx_segment *k = seg_by(&c.plan, "kernel", 0);
			CHECK(k->buf == c.img);
			CHECK_EQ(k->bufsz, c.len);
		}
		if (rows[r].mb2)
			check_mbi2(&c, c.plan.target, count);
		else
			check_mbi1(&c, c.plan.target);
		if (rows[r].elf)
			CHECK_EQ(c.plan.target, e.entry);
		mctx_free(&c);
	}
	if (!found)
		SKIP("no test kernels in build/kernels (make -f tests/kernels/Makefile)");
}

/* ---- robustness: mutated and truncated images ------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Any outcome but a crash; a successful load gives a valid plan. */
static void load_any(struct mctx *c, int mb2)
{
	struct kx_err e = mb2 ? run2(c) : run1(c);
	unsigned i;

	if (KX_FAILED(e)) {
		CHECK(e.code > KX_OK && e.code < KX_E__COUNT);
		return;
	}
	/* the loader leaves the half-of-RAM rule to the validator */
	e = kx_plan_validate(&c->plan, &c->si.mem);
	CHECK(e.code == KX_OK || e.code == KX_E_SEG_TOO_BIG);
	CHECK(c->plan.target < 4 * GiB);
	for (i = 0; i < c->plan.nseg; i++)
		CHECK(c->plan.seg[i].mem + c->plan.seg[i].memsz <= 4 * GiB);
}

TEST(mb_mutations)
{
	struct espec e;
	size_t len, i;
	int which;

	espec_default(&e);
	for (which = 0; which < 4; which++) {
		uint8_t *base;
		size_t hdr;
		int mb2 = which >= 2;
		unsigned iter;

		if (which == 0) {
			base = elf_mb1(&e, 3, &len);
			hdr = ELF_HDR_AT;
		} else if (which == 1) {
			base = aout_kernel(0x100000, 0x2000, 0x1000, 0x100080, &len);
			hdr = 0x40;
		} else if (which == 2) {
			base = elf_mb2(&e, &len);
			hdr = ELF_HDR_AT;
		} else {
			const uint32_t w[] = { TAG(1, 0, 16), 1, 6, TAG(2, 0, 24), 0x300100, 0xffffffff, 0,
					       0x306000, TAG(3, 0, 12), 0x300200, 0, END_TAG };
			base = pattern(0x3000);
			put_mb2(base, 0x100, w, T_ARRAY_SIZE(w), 0);
			len = 0x3000;
			hdr = 0x100;
		}
		for (iter = 0; iter < 1500; iter++) {
			struct mctx c;
			uint8_t *img = dup_exact(base, len);
			unsigned k, nflip = 1 + (unsigned)(rnd() % 4);

			for (k = 0; k < nflip; k++) {
				/* mostly the ELF and multiboot headers, sometimes anywhere */
				size_t at = rnd() % 3 ? (rnd() % 2 ? rnd() % 0x200 : hdr + rnd() % 64)
						      : rnd() % len;
				img[at] = (uint8_t)rnd();
			}
			/* keep the checksum right half the time, to get past it */
			if (!mb2 && (iter & 1) && which == 1)
				kx_put32(img + hdr + 8, 0u - kx_le32(img + hdr) - kx_le32(img + hdr + 4));
			if (!mb2 && (iter & 1) && which == 0)
				kx_put32(img + hdr + 8, 0u - kx_le32(img + hdr) - kx_le32(img + hdr + 4));
			if (mb2 && (iter & 1))
				kx_put32(img + hdr + 12, 0u - kx_le32(img + hdr) - kx_le32(img + hdr + 4) -
								 kx_le32(img + hdr + 8));
			mctx_init(&c, img, len);
			if (iter % 3 == 0)
				mctx_module(&c, rnd() % 9000, "m");
			T_ROW("image %d iteration %u", which, iter);
			load_any(&c, mb2);
			mctx_free(&c);
		}
		/* every truncation */
		for (i = 0; i <= len; i += (i < 0x900 ? 1 : 61)) {
			struct mctx c;
			mctx_init(&c, dup_exact(base, i), i);
			T_ROW("image %d truncated to %zu", which, i);
			load_any(&c, mb2);
			mctx_free(&c);
		}
		free(base);
	}
}
