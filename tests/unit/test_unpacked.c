/* x86_64 bzImage unpacked at load (lib/arch/x86_64/unpacked.c): the
 * relocation table's parser, checker and applier, and the loader's choices
 * (KASLR on, nokaslr, no seed, no KASLR in the kernel, the fallbacks). The
 * decompressor is a stand-in hook that hands back a built payload. */
#include <stdlib.h>
#include <string.h>
#include <kx/arch/x86_64.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/elf.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include "fixtures.h"
#include "t.h"

#define PREF      0x1000000ull
#define KMAP      KX_X86_64_KERNEL_MAP
#define ELF_END   0x5000u
/* the fields: a 64-bit one, a 32-bit one, an inverse 32-bit one, a 64-bit
 * one in the per-cpu PT_LOAD (virtual 0, found by its load address) */
#define F64       0x1100u      /* paddr 0x1000100 */
#define F32       0x1200u      /* paddr 0x1000200 */
#define FINV      0x4010u      /* paddr 0x1003010 */
#define FPCPU     0x3008u      /* paddr 0x1002008 */
#define V64       0xffffffff81001000ull
#define V32       0x81001000u
#define VINV      0x00000100u
#define VPCPU     0xffffffff81000040ull

static void phdr(uint8_t *p, uint64_t off, uint64_t va, uint64_t pa, uint64_t fs, uint64_t ms)
{
	kx_put32(p, 1);        /* PT_LOAD */
	kx_put32(p + 4, 5);    /* R X */
	kx_put64(p + 8, off);
	kx_put64(p + 16, va);
	kx_put64(p + 24, pa);
	kx_put64(p + 32, fs);
	kx_put64(p + 40, ms);
	kx_put64(p + 48, 0x1000);
}

/* The unpacked payload: an ELF vmlinux (3 PT_LOADs, one per-cpu) and the
 * table, n words of it given (0, 64-bit..., 0, inverse..., 0, 32-bit...). */
static uint8_t *payload(const uint32_t *table, size_t n, size_t *len)
{
	size_t i;
	uint8_t *b = calloc(1, ELF_END + 4 * n);

	if (!b)
		abort();
	memcpy(b, "\x7f" "ELF\x02\x01\x01", 7);
	kx_put16(b + 16, KX_ET_EXEC);
	kx_put16(b + 18, KX_EM_X86_64);
	kx_put32(b + 20, 1);
	kx_put64(b + 24, PREF);     /* e_entry: physical, as a vmlinux */
	kx_put64(b + 32, 64);       /* e_phoff */
	kx_put16(b + 52, 64);
	kx_put16(b + 54, 56);
	kx_put16(b + 56, 3);
	phdr(b + 64, 0x1000, KMAP + PREF, PREF, 0x2000, 0x2000);
	phdr(b + 64 + 56, 0x3000, 0, PREF + 0x2000, 0x1000, 0x1000);
	phdr(b + 64 + 112, 0x4000, KMAP + PREF + 0x3000, PREF + 0x3000, 0x1000, 0x3000);
	for (i = 0x1000; i < ELF_END; i++)
		b[i] = (uint8_t)(i * 7 + 1);
	kx_put64(b + F64, V64);
	kx_put32(b + F32, V32);
	kx_put32(b + FINV, VINV);
	kx_put64(b + FPCPU, VPCPU);
	for (i = 0; i < n; i++)
		kx_put32(b + ELF_END + 4 * i, table[i]);
	*len = ELF_END + 4 * n;
	return b;
}

static const uint32_t good_table[] = { 0, 0x81000100, 0x81002008, 0, 0x81003010, 0, 0x81000200 };
#define GOOD_N (sizeof(good_table) / sizeof(good_table[0]))

static int parse_elf(const uint8_t *b, size_t len, struct kx_elf *e)
{
	return !KX_FAILED(kx_elf_parse(b, len, e));
}

TEST(relocs_parse_lists)
{
	size_t len;
	uint8_t *b = payload(good_table, GOOD_N, &len);
	struct kx_x86_relocs t;

	REQUIRE(CHECK_EQ(kx_x86_relocs_parse(b, len, ELF_END, &t), KX_RELOC_OK));
	CHECK_EQ(t.n64, 2);
	CHECK_EQ(t.ninv, 1);
	CHECK_EQ(t.n32, 1);
	CHECK(t.r64 == b + ELF_END + 4);
	CHECK(t.rinv == b + ELF_END + 16);
	CHECK(t.r32 == b + ELF_END + 24);
	free(b);
}

TEST(relocs_parse_hostile)
{
	static const struct {
		const char *name;
		uint32_t w[8];
		size_t n;
		int want;
	} c[] = {
		{ "empty", { 0 }, 0, KX_RELOC_SHORT },
		{ "two words", { 0, 0 }, 2, KX_RELOC_SHORT },
		{ "three zeros, empty lists", { 0, 0, 0 }, 3, KX_RELOC_OK },
		{ "first word not a terminator", { 0x81000100, 0, 0, 0 }, 4, KX_RELOC_LAYOUT },
		{ "two terminators (pre-3.17 layout)", { 0, 0x81000100, 0, 0x81000200 }, 4, KX_RELOC_LAYOUT },
		{ "four terminators", { 0, 0, 0, 0x81000200, 0 }, 5, KX_RELOC_LAYOUT },
		{ "no terminator", { 0x81000100, 0x81000200, 0x81000300 }, 3, KX_RELOC_LAYOUT },
	};
	struct kx_x86_relocs t;
	size_t i, len;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t *b = payload(c[i].w, c[i].n, &len);
		T_ROW("%s", c[i].name);
		CHECK_EQ(kx_x86_relocs_parse(b, len, ELF_END, &t), c[i].want);
		free(b);
	}
	T_ROW_CLEAR();
	/* not whole words; a start past the end; no buffer */
	{
		uint8_t *b = payload(good_table, GOOD_N, &len);
		CHECK_EQ(kx_x86_relocs_parse(b, len - 1, ELF_END, &t), KX_RELOC_SHORT);
		CHECK_EQ(kx_x86_relocs_parse(b, len, len + 4, &t), KX_RELOC_SHORT);
		CHECK_EQ(kx_x86_relocs_parse(0, 0, 0, &t), KX_RELOC_SHORT);
		free(b);
	}
}

TEST(relocs_check_outside)
{
	static const struct {
		const char *name;
		uint32_t entry;      /* put in the 64-bit (list 0) or 32-bit (list 2) list */
		int list;
	} c[] = {
		{ "no sign bit (a physical address)", 0x01000100, 2 },
		{ "past the last PT_LOAD's file bytes (its bss)", 0x81004800, 2 },
		{ "below the image", 0x80fff000, 0 },
		{ "64-bit field straddling a PT_LOAD's end", 0x81001ffc, 0 },
		{ "32-bit field straddling the per-cpu PT_LOAD's end", 0x81002ffe, 2 },
		{ "in the ELF header's pages, no PT_LOAD", 0x80000010, 0 },
	};
	size_t i, len;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint32_t w[7] = { 0, 0x81000100, 0, 0x81003010, 0, 0x81000200, 0 };
		struct kx_x86_relocs t;
		struct kx_elf e;
		uint32_t bad = 0;
		uint8_t *b;
		size_t n = 6;

		if (c[i].list == 0) {
			w[2] = c[i].entry;
			w[3] = 0, w[4] = 0x81003010, w[5] = 0, w[6] = 0x81000200;
			n = 7;
		} else {
			w[6] = c[i].entry;
			n = 7;
		}
		b = payload(w, n, &len);
		T_ROW("%s", c[i].name);
		REQUIRE(parse_elf(b, ELF_END, &e));
		REQUIRE(CHECK_EQ(kx_x86_relocs_parse(b, len, ELF_END, &t), KX_RELOC_OK));
		CHECK_EQ(kx_x86_relocs_check(b, ELF_END, &e, &t, &bad), KX_RELOC_OUTSIDE);
		CHECK_EQ(bad, c[i].entry);
		free(b);
	}
}

TEST(relocs_apply_fields)
{
	size_t len;
	uint8_t *b = payload(good_table, GOOD_N, &len), *orig = malloc(len);
	struct kx_x86_relocs t;
	struct kx_elf e;
	uint32_t bad = 0;
	const uint64_t d = 0x2b400000;
	size_t i;

	REQUIRE(orig);
	memcpy(orig, b, len);
	REQUIRE(parse_elf(b, ELF_END, &e));
	REQUIRE(CHECK_EQ(kx_x86_relocs_parse(b, len, ELF_END, &t), KX_RELOC_OK));
	REQUIRE(CHECK_EQ(kx_x86_relocs_check(b, ELF_END, &e, &t, &bad), KX_RELOC_OK));
	kx_x86_relocs_apply(b, ELF_END, &e, &t, d);
	CHECK_EQ(kx_le64(b + F64), V64 + d);
	CHECK_EQ(kx_le64(b + FPCPU), VPCPU + d);
	CHECK_EQ(kx_le32(b + F32), (uint32_t)(V32 + d));
	CHECK_EQ(kx_le32(b + FINV), (uint32_t)(VINV - d));
	/* nothing else moved */
	for (i = 0; i < len; i++) {
		if ((i >= F64 && i < F64 + 8) || (i >= FPCPU && i < FPCPU + 8) ||
		    (i >= F32 && i < F32 + 4) || (i >= FINV && i < FINV + 4))
			continue;
		if (b[i] != orig[i]) {
			CHECK_EQ(i, (size_t)-1);
			break;
		}
	}
	free(orig);
	free(b);
}

/* ---- the loader -------------------------------------------------------------------- */

#define PAY_OFF   0x100u
#define PAY_LEN   0x80u
#define NOKASLR_AT 0x3000u

struct hook {
	uint8_t *out;
	size_t outlen;
	struct kx_err fail;
	enum kx_comp got;
	size_t got_len;
};

static struct kx_err fake_unpack(void *ctx, enum kx_comp c, const uint8_t *in, size_t len,
				 uint64_t max, const uint8_t **out, size_t *outlen)
{
	struct hook *h = ctx;

	(void)in, (void)max;
	h->got = c;
	h->got_len = len;
	if (KX_FAILED(h->fail))
		return h->fail;
	*out = h->out;
	*outlen = h->outlen;
	return KX_NOERR;
}

struct ul {
	struct bz_spec spec;
	uint8_t *img;
	size_t len;
	struct kx_sysinfo si;
	uint8_t *scratch;
	struct kx_load_req req;
	struct kx_plan plan;
	struct hook h;
};

/* A bzImage whose gzip "payload" the hook unpacks to payload(table);
 * "nokaslr" after the payload when kaslr. */
static void ul_init(struct ul *c, const uint32_t *table, size_t n, int kaslr, const char *cmdline)
{
	size_t setup;
	uint8_t *pay;

	memset(c, 0, sizeof(*c));
	bz_spec_default(&c->spec);
	c->spec.kernel_len = 4 * 4096;
	c->img = bz_build(&c->spec, &c->len);
	setup = bz_setup_len(&c->spec);
	kx_put32(c->img + 0x248, PAY_OFF);
	kx_put32(c->img + 0x24c, PAY_LEN);
	pay = c->img + setup + PAY_OFF;
	memcpy(pay, "\x1f\x8b\x08", 3);
	c->h.out = payload(table, n, &c->h.outlen);
	kx_put32(pay + PAY_LEN - 4, (uint32_t)c->h.outlen);
	if (kaslr)
		memcpy(c->img + setup + NOKASLR_AT, "nokaslr", 7);
	mm_std(&c->si.mem);
	c->si.unpack = fake_unpack;
	c->si.alloc_ctx = &c->h;
	c->si.have_kaslr_seed = 1;
	memcpy(c->si.kaslr_seed, "\x11\x22\x33\x44\x55\x66\x77\x08\x99\xaa\xbb\xcc\xdd\xee\xff\x01", 16);
	c->scratch = calloc(1, 80 * 1024);
	if (!c->scratch)
		abort();
	c->req.image = (struct kx_blob){ c->img, c->len, "vmlinuz" };
	c->req.cmdline = cmdline;
	c->req.window = (struct kx_window){ 0, UINT64_MAX };
	c->req.sys = &c->si;
	c->req.scratch = c->scratch;
	c->req.scratch_len = 80 * 1024;
}

static void ul_free(struct ul *c)
{
	free(c->img);
	free(c->h.out);
	free(c->scratch);
}

static struct kx_err ul_run(struct ul *c)
{
	memset(&c->plan, 0, sizeof(c->plan));
	return kx_bzimage_load(&c->req, &c->plan);
}

static const struct kx_segment *seg_named(const struct kx_plan *p, const char *purpose)
{
	unsigned i;

	for (i = 0; i < p->nseg; i++)
		if (!strcmp(p->seg[i].purpose, purpose))
			return &p->seg[i];
	return 0;
}

/* The bzImage as it is: one kernel segment, the file's protected-mode part. */
static void check_as_is(struct ul *c, int why)
{
	const struct kx_segment *k = seg_named(&c->plan, "kernel");

	CHECK_EQ(c->plan.unpacked, why);
	REQUIRE(k);
	CHECK(k->buf == c->img + bz_setup_len(&c->spec));
	CHECK_EQ(c->plan.target, k->mem + 0x200);
	CHECK_EQ(c->plan.kaslr, KX_KASLR_UNSET);
}

TEST(unpacked_kaslr_random)
{
	struct ul c;
	const struct kx_segment *bp;
	uint64_t slots, virt, phys;
	unsigned i, nk = 0;

	ul_init(&c, good_table, GOOD_N, 1, "console=ttyS0");
	REQUIRE(CHECK_OK(ul_run(&c)));
	CHECK_EQ(c.plan.unpacked, KX_UNPACKED_DONE);
	CHECK_EQ(c.h.got, KX_COMP_GZIP);
	CHECK_EQ(c.h.got_len, PAY_LEN); /* gzip: its own ISIZE trailer stays */
	CHECK_EQ(c.plan.kaslr, KX_KASLR_RANDOM);
	CHECK_EQ(c.plan.nrelocs, 4);
	CHECK_EQ(c.plan.unpacked_len, c.h.outlen);
	/* virtual: slot (le64 of seed bytes 0-7) % slots, 2 MiB apart, from pref */
	slots = 1 + (KX_X86_KERNEL_IMAGE_SIZE - PREF - 2 * KX_MiB) / (2 * KX_MiB);
	virt = (0x0877665544332211ull % slots) * 2 * KX_MiB;
	CHECK_EQ(c.plan.kaslr_virt, virt);
	phys = c.plan.kaslr_phys;
	CHECK_EQ(phys % (2 * KX_MiB), 0);
	CHECK(phys >= PREF && phys + 2 * KX_MiB <= 4 * KX_GiB);
	CHECK_EQ(c.plan.target, phys); /* e_entry - pref_address = 0 */
	CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_64);
	/* the PT_LOADs moved with the kernel; the last one reaches 2 MiB */
	for (i = 0; i < c.plan.nseg; i++) {
		const struct kx_segment *s = &c.plan.seg[i];
		if (strcmp(s->purpose, "kernel"))
			continue;
		nk++;
		CHECK(s->mem >= phys && s->mem + s->memsz <= phys + 2 * KX_MiB);
		CHECK(s->verify);
	}
	CHECK(nk >= 1);
	/* relocated in the unpacked buffer the segments point into */
	CHECK_EQ(kx_le64(c.h.out + F64), V64 + virt);
	CHECK_EQ(kx_le32(c.h.out + F32), (uint32_t)(V32 + virt));
	CHECK_EQ(kx_le32(c.h.out + FINV), (uint32_t)(VINV - virt));
	bp = seg_named(&c.plan, "boot-params");
	REQUIRE(bp);
	CHECK_EQ(((const uint8_t *)bp->buf)[0x211], 0x01 | KX_X86_KASLR_FLAG);
	CHECK_EQ(kx_le32((const uint8_t *)bp->buf + 0x214), (uint32_t)phys); /* code32_start */
	CHECK_EQ(c.plan.regs[KX_X86_RSI], bp->mem);
	ul_free(&c);
}

TEST(unpacked_seeds_differ)
{
	struct ul a, b;

	ul_init(&a, good_table, GOOD_N, 1, "");
	ul_init(&b, good_table, GOOD_N, 1, "");
	memcpy(b.si.kaslr_seed, "\x01\x00\x00\x00\x00\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00", 16);
	REQUIRE(CHECK_OK(ul_run(&a)));
	REQUIRE(CHECK_OK(ul_run(&b)));
	CHECK_EQ(b.plan.kaslr_virt, 2 * KX_MiB);
	CHECK_NE(a.plan.kaslr_virt, b.plan.kaslr_virt);
	CHECK_NE(a.plan.kaslr_phys, b.plan.kaslr_phys);
	ul_free(&a);
	ul_free(&b);
}

TEST(unpacked_nokaslr)
{
	static const struct {
		const char *name, *cmdline;
		int kaslr_in_kernel, seed, want;
	} c[] = {
		{ "nokaslr", "console=ttyS0 nokaslr quiet", 1, 1, KX_KASLR_CMDLINE },
		{ "no random bytes", "console=ttyS0", 1, 0, KX_KASLR_NO_SEED },
		{ "kernel without KASLR", "console=ttyS0", 0, 1, KX_KASLR_NOT_BUILT },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct ul u;
		const struct kx_segment *bp;

		T_ROW("%s", c[i].name);
		ul_init(&u, good_table, GOOD_N, c[i].kaslr_in_kernel, c[i].cmdline);
		u.si.have_kaslr_seed = c[i].seed;
		if (CHECK_OK(ul_run(&u))) {
			CHECK_EQ(u.plan.unpacked, KX_UNPACKED_DONE);
			CHECK_EQ(u.plan.kaslr, c[i].want);
			CHECK_EQ(u.plan.kaslr_phys, PREF);
			CHECK_EQ(u.plan.kaslr_virt, 0);
			CHECK_EQ(u.plan.target, PREF);
			CHECK_EQ(kx_le64(u.h.out + F64), V64); /* not relocated */
			bp = seg_named(&u.plan, "boot-params");
			if (CHECK(bp))
				CHECK_EQ(((const uint8_t *)bp->buf)[0x211], 0x01);
		}
		ul_free(&u);
	}
}

TEST(unpacked_falls_back)
{
	static const uint32_t outside[] = { 0, 0x81000100, 0, 0, 0x01000200 };
	static const uint32_t two_lists[] = { 0, 0x81000100, 0, 0x81000200 };
	struct ul u;

	/* asked not to, a crash kernel */
	ul_init(&u, good_table, GOOD_N, 1, "");
	u.req.no_unpack = KX_UNPACKED_OFF;
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_OFF);
	u.req.no_unpack = KX_UNPACKED_CRASH;
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_CRASH);
	/* no decompressor */
	u.req.no_unpack = 0;
	u.si.unpack = 0;
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_NO_UNPACKER);
	u.si.unpack = fake_unpack;
	/* not relocatable */
	u.img[0x234] = 0;
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_NOT_RELOCATABLE);
	u.img[0x234] = 1;
	/* the decompressor lacks the codec */
	u.h.fail = kx_err(KX_E_UNPACK, "gzip", KX_COMP_GZIP, KX_UNPACK_NO_CODEC);
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_UNPACK);
	CHECK_EQ(u.plan.unpack_fault, KX_UNPACK_NO_CODEC);
	u.h.fail = KX_NOERR;
	/* another size than the trailer says */
	kx_put32(u.img + bz_setup_len(&u.spec) + PAY_OFF + PAY_LEN - 4, (uint32_t)u.h.outlen + 4);
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_SIZE);
	kx_put32(u.img + bz_setup_len(&u.spec) + PAY_OFF + PAY_LEN - 4, (uint32_t)u.h.outlen);
	/* not an ELF */
	u.h.out[0] = 'X';
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_NOT_ELF);
	u.h.out[0] = 0x7f;
	/* the first PT_LOAD not at pref_address */
	kx_put64(u.img + 0x258, PREF + 2 * KX_MiB);
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_ELF_LAYOUT);
	kx_put64(u.img + 0x258, PREF);
	/* unknown compression */
	u.img[bz_setup_len(&u.spec) + PAY_OFF] = 0;
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_CODEC);
	ul_free(&u);

	/* a relocation outside the image; an old two-list table */
	ul_init(&u, outside, sizeof(outside) / 4, 1, "");
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_RELOCS);
	CHECK_EQ(u.plan.unpack_fault, KX_RELOC_OUTSIDE);
	CHECK_EQ(u.plan.bad_reloc, 0x01000200);
	CHECK_EQ(kx_le64(u.h.out + F64), V64); /* nothing applied */
	ul_free(&u);
	ul_init(&u, two_lists, sizeof(two_lists) / 4, 1, "");
	REQUIRE(CHECK_OK(ul_run(&u)));
	check_as_is(&u, KX_UNPACKED_RELOCS);
	CHECK_EQ(u.plan.unpack_fault, KX_RELOC_LAYOUT);
	ul_free(&u);
}

TEST(unpacked_damaged_payload_refused)
{
	struct ul u;

	ul_init(&u, good_table, GOOD_N, 1, "");
	u.h.fail = kx_err(KX_E_UNPACK, "gzip", KX_COMP_GZIP, KX_UNPACK_CORRUPT);
	CHECK_ERR(ul_run(&u), KX_E_UNPACK);
	CHECK_EQ(u.plan.nseg, 0);
	ul_free(&u);
}

TEST(unpacked_no_room_falls_back)
{
	struct ul u;

	/* the window leaves room for the bzImage at its preferred address
	 * (init_size 8 MiB) but places nothing else... then a window too small
	 * for the 2 MiB image rounded: nothing fits either way */
	ul_init(&u, good_table, GOOD_N, 1, "");
	u.req.window = (struct kx_window){ PREF, PREF + KX_MiB };
	CHECK_ERR(ul_run(&u), KX_E_NO_SPACE);
	CHECK_EQ(u.plan.unpacked, KX_UNPACKED_NO_ROOM);
	ul_free(&u);
}
