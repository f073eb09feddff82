/* bzImage loader: placement of the segments and the zero page it builds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kx/arch/x86_64.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/digest.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include "fixtures.h"
#include "t.h"

#define SCRATCH_LEN (80 * 1024)
#define WHOLE ((struct kx_window){ 0, UINT64_MAX })

static const char default_cmdline[] = "console=ttyS0 root=/dev/vda ro";

/* One load: the image, the system, the request and the plan it produces. */
struct ld {
	struct bz_spec spec;
	uint8_t *img;
	size_t len;
	struct kx_sysinfo si;
	uint8_t *scratch;
	struct kx_load_req req;
	struct kx_plan plan;
};

static void ld_build(struct ld *c)
{
	free(c->img);
	c->img = bz_build(&c->spec, &c->len);
	c->req.image = (struct kx_blob){ c->img, c->len, "vmlinuz" };
}

/* Default spec, standard memory map, no initrd; call ld_build after changing spec. */
static void ld_init(struct ld *c)
{
	memset(c, 0, sizeof(*c));
	bz_spec_default(&c->spec);
	mm_std(&c->si.mem);
	c->scratch = malloc(SCRATCH_LEN);
	if (!c->scratch)
		abort();
	memset(c->scratch, 0xee, SCRATCH_LEN);
	c->req.cmdline = default_cmdline;
	c->req.window = WHOLE;
	c->req.sys = &c->si;
	c->req.scratch = c->scratch;
	c->req.scratch_len = SCRATCH_LEN;
	ld_build(c);
}

static void ld_free(struct ld *c)
{
	free(c->img);
	free(c->scratch);
	c->img = 0;
	c->scratch = 0;
}

static struct kx_err ld_run(struct ld *c)
{
	memset(&c->plan, 0, sizeof(c->plan));
	return kx_bzimage_load(&c->req, &c->plan);
}

/* The k-th segment with this purpose, or NULL. */
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

/* The zero page as built (the boot-params segment's bytes). */
static const uint8_t *zero_page(const struct kx_plan *p)
{
	const struct kx_segment *bp = seg_by(p, "boot-params", 0);
	return bp ? bp->buf : 0;
}

/*
 * Walk the setup_data list of the boot-params segment: every node must lie in
 * the segment's bytes (after the zero page), nodes must not overlap each other
 * or the command line, and the list must end. Returns the number of nodes and
 * stores each node's offset and type; -1 when malformed (already reported).
 */
static int walk_setup_data(const struct kx_segment *bp, size_t *offs, uint32_t *types, int max)
{
	const uint8_t *zp = bp->buf;
	uint64_t next = kx_le64(zp + O_SETUP_DATA);
	uint64_t cmd = kx_le32(zp + O_CMD_LINE_PTR) | (uint64_t)kx_le32(zp + ZP_EXT_CMD_LINE_PTR) << 32;
	size_t cmd_off = (size_t)(cmd - bp->mem), cmd_len = strlen((const char *)zp + cmd_off) + 1;
	int n = 0, i;

	while (next) {
		size_t off, len;
		if (!CHECK(n < max))
			return -1;
		if (!CHECK(next >= bp->mem + 4096 && next - bp->mem <= bp->bufsz - 16))
			return -1;
		off = (size_t)(next - bp->mem);
		CHECK_EQ(off % 8, 0);
		len = kx_le32(zp + off + 12);
		if (!CHECK(off + 16 + len <= bp->bufsz))
			return -1;
		/* disjoint from the command line and from the other nodes */
		CHECK(off + 16 + len <= cmd_off || off >= cmd_off + cmd_len);
		for (i = 0; i < n; i++) {
			size_t o2 = offs[i], l2 = 16 + kx_le32(zp + o2 + 12);
			CHECK(off + 16 + len <= o2 || off >= o2 + l2);
		}
		offs[n] = off;
		types[n] = kx_le32(zp + off + 8);
		n++;
		next = kx_le64(zp + off);
	}
	return n;
}

/* Zero page fields the loader writes inside the setup header. */
static const struct { size_t off, n; } loader_fields[] = {
	{ O_TYPE_OF_LOADER, 1 }, { O_CODE32_START, 4 }, { O_RAMDISK_IMAGE, 4 },
	{ O_RAMDISK_SIZE, 4 },   { O_CMD_LINE_PTR, 4 }, { O_SETUP_DATA, 8 },
};

static int is_loader_field(size_t o, int with_subarch)
{
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(loader_fields); i++)
		if (o >= loader_fields[i].off && o < loader_fields[i].off + loader_fields[i].n)
			return 1;
	if (with_subarch && ((o >= O_SUBARCH && o < O_SUBARCH + 4) ||
			     (o >= O_SUBARCH_DATA && o < O_SUBARCH_DATA + 8)))
		return 1;
	return 0;
}

/* Bytes 0x1f1..hdr_end equal the image except the loader's fields; the rest
 * of the header area up to 0x290 is zero (not copied from the image). */
static void check_header_copy(const uint8_t *zp, const uint8_t *img, size_t hdr_end,
			      int with_subarch)
{
	char row[256];
	size_t o;
	int bad = 0;

	snprintf(row, sizeof(row), "%s", t_row_get());
	for (o = 0x1f1; o < hdr_end && bad < 3; o++) {
		if (is_loader_field(o, with_subarch))
			continue;
		if (zp[o] != img[o]) {
			T_ROW("%s: header byte 0x%zx", row, o);
			CHECK_EQ(zp[o], img[o]);
			bad++;
		}
	}
	for (o = hdr_end; o < ZP_HDR_LIMIT && bad < 3; o++) {
		if (zp[o]) {
			T_ROW("%s: byte 0x%zx past the header end 0x%zx", row, o, hdr_end);
			CHECK_EQ(zp[o], 0);
			bad++;
		}
	}
	T_ROW("%s", row);
}

TEST(load_basic_plan)
{
	struct ld c;
	const struct kx_segment *k, *bp;
	size_t bp_size = align_up_u64(4096 + sizeof(default_cmdline), 16);

	ld_init(&c);
	if (CHECK_OK(ld_run(&c))) {
		CHECK_EQ(c.plan.nseg, 2);
		k = seg_by(&c.plan, "kernel", 0);
		bp = seg_by(&c.plan, "boot-params", 0);
		if (!CHECK(k && bp)) {
			ld_free(&c);
			return;
		}
		CHECK(k == &c.plan.seg[0]);
		/* the kernel at pref_address, sized by init_size, its bytes after the setup */
		CHECK_EQ(k->mem, c.spec.pref_address);
		CHECK_EQ(k->memsz, c.spec.init_size);
		CHECK(k->buf == c.img + bz_setup_len(&c.spec));
		CHECK_EQ(k->bufsz, c.spec.kernel_len);
		CHECK_STR(k->source, "vmlinuz");
		CHECK_EQ(k->verify, 1);
		/* boot params: zero page + command line, below 4 GiB, page aligned */
		CHECK(bp->buf == c.scratch);
		CHECK_EQ(bp->bufsz, bp_size);
		CHECK_EQ(bp->memsz, align_up_u64(bp_size, 4096));
		CHECK_EQ(bp->mem % 4096, 0);
		CHECK(bp->mem >= MiB && bp->mem + bp->memsz <= 4 * GiB);
		CHECK_STR(bp->source, "built");
		/* the hand-off */
		CHECK_EQ(c.plan.target, k->mem + 0x200);
		CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_64);
		CHECK_EQ(c.plan.regs[KX_X86_RSI], bp->mem);
		CHECK_EQ(c.plan.regs_used, 1u << KX_X86_RSI);
		CHECK_STR(c.plan.type, "bzimage");
		CHECK(c.plan.cmdline == c.req.cmdline);
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
	}
	ld_free(&c);
}

TEST(load_zero_page_fields)
{
	struct ld c;
	const struct kx_segment *k, *bp;
	const uint8_t *zp;
	uint64_t cmd;

	ld_init(&c);
	if (!CHECK_OK(ld_run(&c)))
		goto out;
	k = seg_by(&c.plan, "kernel", 0);
	bp = seg_by(&c.plan, "boot-params", 0);
	if (!CHECK(k && bp))
		goto out;
	zp = bp->buf;
	check_header_copy(zp, c.img, 0x26c, 0);
	CHECK_EQ(zp[O_TYPE_OF_LOADER], 0xff);
	CHECK_EQ(kx_le32(zp + O_CODE32_START), k->mem);
	CHECK_EQ(kx_le32(zp + O_RAMDISK_IMAGE), 0);
	CHECK_EQ(kx_le32(zp + O_RAMDISK_SIZE), 0);
	CHECK_EQ(kx_le32(zp + ZP_EXT_RAMDISK_IMAGE), 0);
	CHECK_EQ(kx_le32(zp + ZP_EXT_RAMDISK_SIZE), 0);
	CHECK_EQ(kx_le64(zp + O_SETUP_DATA), 0);
	CHECK_EQ(zp[ZP_SENTINEL], 0);
	/* the command line inside the segment, right after the zero page */
	cmd = kx_le32(zp + O_CMD_LINE_PTR) | (uint64_t)kx_le32(zp + ZP_EXT_CMD_LINE_PTR) << 32;
	CHECK(cmd >= bp->mem + 4096 && cmd + sizeof(default_cmdline) <= bp->mem + bp->bufsz);
	if (cmd >= bp->mem && cmd - bp->mem < bp->bufsz)
		CHECK_STR((const char *)zp + (cmd - bp->mem), default_cmdline);
	/* nothing from the running system was given: those areas stay zero */
	{
		static const uint8_t zero[0x80];
		CHECK_MEM(zp + ZP_SCREEN_INFO, zero, 0x40);
		CHECK_MEM(zp + ZP_EDID_INFO, zero, 0x80);
		CHECK_MEM(zp + ZP_ACPI_RSDP, zero, 8);
	}
out:
	ld_free(&c);
}

/* The jump byte decides how much of the image's header is copied. */
TEST(load_zero_page_header_length)
{
	static const struct { uint8_t jump; size_t hdr_end; } rows[] = {
		{ 0x62, 0x264 }, { 0x6a, 0x26c }, { 0x7a, 0x27c }, { 0x8e, 0x290 }, { 0xff, 0x290 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		ld_init(&c);
		c.spec.jump = rows[r].jump;
		ld_build(&c);
		T_ROW("jump 0x%02x", rows[r].jump);
		if (CHECK_OK(ld_run(&c)) && CHECK(zero_page(&c.plan))) {
			check_header_copy(zero_page(&c.plan), c.img, rows[r].hdr_end, 0);
			T_ROW("jump 0x%02x", rows[r].jump);
			CHECK_EQ(zero_page(&c.plan)[O_TYPE_OF_LOADER], 0xff);
		}
		ld_free(&c);
	}
}

static void check_e820(const struct kx_memmap *m, unsigned first, const uint8_t *table,
		       unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		const struct kx_mement *e = &m->e[first + i];
		const uint8_t *t = table + 20 * i;
		if (kx_le64(t) != e->start || kx_le64(t + 8) != e->end - e->start ||
		    kx_le32(t + 16) != e->type) {
			T_ROW("e820 entry %u", first + i);
			CHECK_EQ(kx_le64(t), e->start);
			CHECK_EQ(kx_le64(t + 8), e->end - e->start);
			CHECK_EQ(kx_le32(t + 16), e->type);
			return;
		}
	}
}

TEST(load_e820_table)
{
	struct ld c;
	const uint8_t *zp;

	ld_init(&c);
	if (CHECK_OK(ld_run(&c)) && CHECK(zp = zero_page(&c.plan))) {
		CHECK_EQ(zp[ZP_E820_ENTRIES], c.si.mem.n);
		check_e820(&c.si.mem, 0, zp + ZP_E820_TABLE, c.si.mem.n);
	}
	/* the table stays inside the zero page */
	CHECK(ZP_E820_TABLE + 20 * ZP_E820_MAX <= 4096);
	ld_free(&c);
}

/* More than 128 map entries: the rest go into a SETUP_E820_EXT node. */
TEST(load_e820_ext)
{
	static const unsigned counts[] = { 127, 128, 129, 200, KX_MEMMAP_MAX };
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(counts); r++) {
		struct ld c;
		unsigned i, n = counts[r], ext = n > ZP_E820_MAX ? n - ZP_E820_MAX : 0;
		const struct kx_segment *bp;
		size_t offs[8];
		uint32_t types[8];
		int nodes;

		ld_init(&c);
		memset(&c.si.mem, 0, sizeof(c.si.mem));
		CHECK_OK(kx_memmap_add(&c.si.mem, MiB, 2 * GiB, KX_MEM_RAM));
		for (i = 1; i < n; i++)
			kx_memmap_add(&c.si.mem, 4 * GiB + i * 8 * KiB, 4 * GiB + i * 8 * KiB + 4 * KiB,
				      i % 2 ? KX_MEM_RESERVED : KX_MEM_ACPI);
		T_ROW("%u entries", n);
		if (!CHECK_EQ(c.si.mem.n, n) || !CHECK_OK(ld_run(&c))) {
			ld_free(&c);
			continue;
		}
		bp = seg_by(&c.plan, "boot-params", 0);
		if (!CHECK(bp)) {
			ld_free(&c);
			continue;
		}
		CHECK_EQ(((const uint8_t *)bp->buf)[ZP_E820_ENTRIES], n < ZP_E820_MAX ? n : ZP_E820_MAX);
		check_e820(&c.si.mem, 0, (const uint8_t *)bp->buf + ZP_E820_TABLE,
			   n < ZP_E820_MAX ? n : ZP_E820_MAX);
		T_ROW("%u entries", n);
		nodes = walk_setup_data(bp, offs, types, 8);
		CHECK_EQ(nodes, ext ? 1 : 0);
		if (nodes == 1 && CHECK_EQ(types[0], SETUP_E820_EXT)) {
			const uint8_t *sd = (const uint8_t *)bp->buf + offs[0];
			CHECK_EQ(kx_le32(sd + 12), ext * 20);
			check_e820(&c.si.mem, ZP_E820_MAX, sd + 16, ext);
		}
		T_ROW("%u entries", n);
		CHECK(bp->bufsz <= bp->memsz);
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		ld_free(&c);
	}
}

TEST(load_rng_seed_setup_data)
{
	static const struct { const char *name; unsigned entries; } rows[] = {
		{ "rng seed only", 10 }, { "rng seed and e820 ext", 150 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		const struct kx_segment *bp;
		size_t offs[8];
		uint32_t types[8];
		unsigned i;
		int nodes, k, seen_rng = 0, seen_e820 = 0;

		ld_init(&c);
		memset(&c.si.mem, 0, sizeof(c.si.mem));
		kx_memmap_add(&c.si.mem, MiB, 2 * GiB, KX_MEM_RAM);
		for (i = 1; i < rows[r].entries; i++)
			kx_memmap_add(&c.si.mem, 4 * GiB + i * 8 * KiB, 4 * GiB + i * 8 * KiB + 4 * KiB,
				      KX_MEM_RESERVED);
		c.si.have_rng_seed = 1;
		for (i = 0; i < sizeof(c.si.rng_seed); i++)
			c.si.rng_seed[i] = (uint8_t)(0xa0 + i);
		T_ROW("%s", rows[r].name);
		if (!CHECK_OK(ld_run(&c)) || !CHECK(bp = seg_by(&c.plan, "boot-params", 0))) {
			ld_free(&c);
			continue;
		}
		nodes = walk_setup_data(bp, offs, types, 8);
		T_ROW("%s", rows[r].name);
		CHECK_EQ(nodes, rows[r].entries > ZP_E820_MAX ? 2 : 1);
		for (k = 0; k < nodes; k++) {
			const uint8_t *sd = (const uint8_t *)bp->buf + offs[k];
			if (types[k] == SETUP_RNG_SEED) {
				seen_rng++;
				CHECK_EQ(kx_le32(sd + 12), 32);
				CHECK_MEM(sd + 16, c.si.rng_seed, 32);
			} else if (types[k] == SETUP_E820_EXT) {
				seen_e820++;
			} else {
				CHECK_EQ(types[k], SETUP_RNG_SEED);
			}
		}
		CHECK_EQ(seen_rng, 1);
		CHECK_EQ(seen_e820, rows[r].entries > ZP_E820_MAX ? 1 : 0);
		/* the command line is intact after the nodes were written */
		CHECK_STR((const char *)bp->buf + 4096, default_cmdline);
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		ld_free(&c);
	}
}

/* cmdline_size counts the bytes without the terminating NUL. */
TEST(load_cmdline_length_limit)
{
	static const struct { uint32_t size; size_t len; enum kx_errcode want; } rows[] = {
		{ 100, 0, KX_OK },     { 100, 99, KX_OK },  { 100, 100, KX_OK },
		{ 100, 101, KX_E_CMDLINE_TOO_LONG },        { 100, 5000, KX_E_CMDLINE_TOO_LONG },
		{ 0, 0, KX_OK },       { 0, 1, KX_E_CMDLINE_TOO_LONG },
		{ 2047, 2047, KX_OK }, { 2047, 2048, KX_E_CMDLINE_TOO_LONG },
		{ 0xffffffff, 60000, KX_OK },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		char *cl = malloc(rows[r].len + 1);
		struct kx_err err;

		if (!cl)
			abort();
		memset(cl, 'x', rows[r].len);
		cl[rows[r].len] = 0;
		ld_init(&c);
		c.spec.cmdline_size = rows[r].size;
		ld_build(&c);
		c.req.cmdline = cl;
		T_ROW("cmdline_size %u, command line %zu bytes", rows[r].size, rows[r].len);
		err = ld_run(&c);
		if (CHECK_ERR(err, rows[r].want) && rows[r].want == KX_E_CMDLINE_TOO_LONG) {
			CHECK_EQ(err.a, rows[r].len);
			CHECK_EQ(err.b, rows[r].size);
		}
		if (err.code == KX_OK) {
			const uint8_t *zp = zero_page(&c.plan);
			if (CHECK(zp)) {
				CHECK_EQ(strlen((const char *)zp + 4096), rows[r].len);
				CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
			}
		}
		ld_free(&c);
		free(cl);
	}
}

TEST(load_scratch_too_small)
{
	size_t need = align_up_u64(4096 + sizeof(default_cmdline), 16);
	static const struct { long delta; enum kx_errcode want; } rows[] = {
		{ -4096, KX_E_BOOT_INFO_TOO_BIG }, { -1, KX_E_BOOT_INFO_TOO_BIG }, { 0, KX_OK }, { 1, KX_OK },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;
		ld_init(&c);
		c.req.scratch_len = (size_t)((long)need + rows[r].delta);
		T_ROW("scratch %zu bytes (need %zu)", c.req.scratch_len, need);
		err = ld_run(&c);
		if (CHECK_ERR(err, rows[r].want) && err.code == KX_E_BOOT_INFO_TOO_BIG) {
			CHECK_STR(err.what, "boot parameters");
			CHECK_EQ(err.a, need);
			CHECK_EQ(err.b, c.req.scratch_len);
		}
		ld_free(&c);
	}
}

static uint8_t initrd_bytes[3][20000];

TEST(load_initrd_single)
{
	static const struct { uint32_t addr_max; uint64_t len; uint64_t want_end; } rows[] = {
		/* RAM below 4 GiB ends at 0x7ffe0000: the initrd goes at its top */
		{ 0x7fffffff, 20000, 0x7ffe0000 },
		{ 0x7fffffff, 4096, 0x7ffe0000 },
		{ 0x7fffffff, 1, 0x7ffe0000 },
		{ 0x37ffffff, 20000, 0x38000000 }, /* older kernels' limit */
		{ 0xffffffff, 20000, 0x7ffe0000 },
		{ 0x0fffffff, 20000, 0x10000000 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		const struct kx_segment *rd, *bp;
		const uint8_t *zp;

		ld_init(&c);
		c.spec.initrd_addr_max = rows[r].addr_max;
		ld_build(&c);
		c.req.initrd[0] = (struct kx_blob){ initrd_bytes[0], rows[r].len, "initrd.img" };
		c.req.ninitrd = 1;
		T_ROW("initrd_addr_max 0x%x, %llu bytes", rows[r].addr_max,
		      (unsigned long long)rows[r].len);
		if (!CHECK_OK(ld_run(&c))) {
			ld_free(&c);
			continue;
		}
		CHECK_EQ(c.plan.nseg, 3);
		rd = seg_by(&c.plan, "initrd", 0);
		bp = seg_by(&c.plan, "boot-params", 0);
		if (CHECK(rd && bp)) {
			CHECK(rd->buf == initrd_bytes[0]);
			CHECK_EQ(rd->bufsz, rows[r].len);
			CHECK_EQ(rd->memsz, align_up_u64(rows[r].len, 4096));
			CHECK_EQ(rd->mem % 4096, 0);
			CHECK_EQ(rd->mem + rd->memsz, rows[r].want_end);
			CHECK(rd->mem + rd->bufsz - 1 <= rows[r].addr_max);
			CHECK_STR(rd->source, "initrd.img");
			zp = bp->buf;
			CHECK_EQ(kx_le32(zp + O_RAMDISK_IMAGE), (uint32_t)rd->mem);
			CHECK_EQ(kx_le32(zp + ZP_EXT_RAMDISK_IMAGE), 0);
			CHECK_EQ(kx_le32(zp + O_RAMDISK_SIZE), rows[r].len);
			CHECK_EQ(kx_le32(zp + ZP_EXT_RAMDISK_SIZE), 0);
		}
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		ld_free(&c);
	}
}

/* Several initrds: adjacent page-aligned segments, one ramdisk span. */
TEST(load_initrd_several)
{
	static const struct { const char *name; unsigned n; uint64_t len[5]; } rows[] = {
		{ "three", 3, { 5000, 1, 8192 } },
		{ "aligned sizes", 2, { 4096, 8192 } },
		{ "empty one in the middle", 3, { 5000, 0, 100 } },
		{ "empty one at the end", 3, { 5000, 100, 0 } },
		{ "empty one first", 2, { 0, 100 } },
		{ "all empty", 2, { 0, 0 } },
		{ "five", 5, { 1, 2, 3, 4, 5 } },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		unsigned i, want_segs = 0;
		uint64_t span = 0;
		const struct kx_segment *first = 0, *last = 0, *prev = 0, *bp;

		ld_init(&c);
		for (i = 0; i < rows[r].n; i++) {
			c.req.initrd[i] = (struct kx_blob){ initrd_bytes[i % 3], rows[r].len[i], "rd" };
			want_segs += rows[r].len[i] != 0;
			span += align_up_u64(rows[r].len[i], 4096);
		}
		c.req.ninitrd = rows[r].n;
		T_ROW("%s", rows[r].name);
		if (!CHECK_OK(ld_run(&c))) {
			ld_free(&c);
			continue;
		}
		CHECK_EQ(count_purpose(&c.plan, "initrd"), want_segs);
		for (i = 0; i < want_segs; i++) {
			const struct kx_segment *s = seg_by(&c.plan, "initrd", i);
			if (!CHECK(s))
				break;
			CHECK_EQ(s->mem % 4096, 0);
			CHECK_EQ(s->memsz % 4096, 0);
			CHECK(s->bufsz && s->bufsz <= s->memsz && s->memsz - s->bufsz < 4096);
			if (prev)
				CHECK_EQ(s->mem, prev->mem + prev->memsz);
			if (!first)
				first = s;
			last = prev = s;
		}
		bp = seg_by(&c.plan, "boot-params", 0);
		if (CHECK(bp)) {
			const uint8_t *zp = bp->buf;
			if (first && last) {
				CHECK_EQ(last->mem + last->memsz - first->mem, span);
				CHECK_EQ(kx_le32(zp + O_RAMDISK_IMAGE), first->mem);
				CHECK_EQ(kx_le32(zp + O_RAMDISK_SIZE), last->mem + last->bufsz - first->mem);
			} else {
				CHECK_EQ(kx_le32(zp + O_RAMDISK_IMAGE), 0);
				CHECK_EQ(kx_le32(zp + O_RAMDISK_SIZE), 0);
			}
		}
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		ld_free(&c);
	}
}

/* An initrd that fits nowhere. The loader never reads initrd bytes, so a
 * huge length with a small buffer is safe here. */
TEST(load_initrd_no_space)
{
	static const struct { const char *name; uint16_t xlf; uint64_t len; uint64_t want_b; } rows[] = {
		{ "3 GiB, below 4 GiB only", KX_XLF_KERNEL_64, 3 * GiB, 0x80000000 },
		{ "3 GiB, may go above 4 GiB", KX_XLF_KERNEL_64 | KX_XLF_CAN_BE_LOADED_ABOVE_4G, 3 * GiB,
		  UINT64_MAX },
		{ "near 2^64", KX_XLF_KERNEL_64 | KX_XLF_CAN_BE_LOADED_ABOVE_4G, UINT64_MAX - 100, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;

		ld_init(&c);
		c.spec.xloadflags = rows[r].xlf;
		ld_build(&c);
		c.req.initrd[0] = (struct kx_blob){ initrd_bytes[0], rows[r].len, "big" };
		c.req.ninitrd = 1;
		T_ROW("%s", rows[r].name);
		err = ld_run(&c);
		if (CHECK_ERR(err, KX_E_NO_SPACE)) {
			CHECK_STR(err.what, "initrd");
			if (rows[r].want_b)
				CHECK_EQ(err.b, rows[r].want_b);
		}
		ld_free(&c);
	}
	/* two initrds whose page-rounded sizes overflow together */
	{
		struct ld c;
		struct kx_err err;
		ld_init(&c);
		c.req.initrd[0] = (struct kx_blob){ initrd_bytes[0], UINT64_MAX / 2 + 1, "a" };
		c.req.initrd[1] = (struct kx_blob){ initrd_bytes[1], UINT64_MAX / 2 + 1, "b" };
		c.req.ninitrd = 2;
		T_ROW("span overflows");
		err = ld_run(&c);
		if (CHECK_ERR(err, KX_E_NO_SPACE))
			CHECK_STR(err.what, "initrd");
		ld_free(&c);
	}
}

/* Low memory is full: the initrd goes above 4 GiB only when the kernel says
 * it can be loaded there (XLF_CAN_BE_LOADED_ABOVE_4G). */
TEST(load_initrd_above_4g)
{
	static const struct mm_ent low_full[] = {
		{ 0, 0x9f000, KX_MEM_RAM },
		{ MiB, 64 * MiB, KX_MEM_RAM },
		{ 64 * MiB, 4 * GiB, KX_MEM_RESERVED },
		{ 4 * GiB, 16 * GiB, KX_MEM_RAM },
	};
	static const struct {
		const char *name; int low_full; uint16_t xlf; uint64_t len;
		enum kx_errcode want; int above;
	} rows[] = {
		{ "low full, flag clear", 1, KX_XLF_KERNEL_64, 128 * MiB, KX_E_NO_SPACE, 0 },
		{ "low full, flag set", 1, KX_XLF_KERNEL_64 | KX_XLF_CAN_BE_LOADED_ABOVE_4G, 128 * MiB,
		  KX_OK, 1 },
		{ "low free, flag set: stays low", 0, KX_XLF_KERNEL_64 | KX_XLF_CAN_BE_LOADED_ABOVE_4G,
		  128 * MiB, KX_OK, 0 },
		{ "5 GiB initrd: ext_ramdisk_size", 1, KX_XLF_KERNEL_64 | KX_XLF_CAN_BE_LOADED_ABOVE_4G,
		  5 * GiB + 12345, KX_OK, 1 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;
		const struct kx_segment *rd, *bp;

		ld_init(&c);
		if (rows[r].low_full)
			mm_set(&c.si.mem, low_full, T_ARRAY_SIZE(low_full));
		c.spec.xloadflags = rows[r].xlf;
		ld_build(&c);
		c.req.initrd[0] = (struct kx_blob){ initrd_bytes[0], rows[r].len, "rd" };
		c.req.ninitrd = 1;
		T_ROW("%s", rows[r].name);
		err = ld_run(&c);
		if (!CHECK_ERR(err, rows[r].want) || err.code != KX_OK) {
			if (err.code == KX_E_NO_SPACE) {
				CHECK_STR(err.what, "initrd");
				CHECK_EQ(err.b, 0x80000000);
			}
			ld_free(&c);
			continue;
		}
		rd = seg_by(&c.plan, "initrd", 0);
		bp = seg_by(&c.plan, "boot-params", 0);
		if (CHECK(rd && bp)) {
			const uint8_t *zp = bp->buf;
			uint64_t image = kx_le32(zp + O_RAMDISK_IMAGE) |
					 (uint64_t)kx_le32(zp + ZP_EXT_RAMDISK_IMAGE) << 32;
			uint64_t size = kx_le32(zp + O_RAMDISK_SIZE) |
					(uint64_t)kx_le32(zp + ZP_EXT_RAMDISK_SIZE) << 32;
			CHECK_EQ(rd->mem >= 4 * GiB, rows[r].above);
			CHECK_EQ(image, rd->mem);
			CHECK_EQ(size, rows[r].len);
			if (rows[r].above) /* top down in the RAM above 4 GiB */
				CHECK_EQ(rd->mem + rd->memsz, 16 * GiB);
			CHECK(bp->mem + bp->memsz <= 4 * GiB);
		}
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		ld_free(&c);
	}
}

/* The kernel's room: the larger of init_size and the file, page aligned. */
TEST(load_kernel_memsz)
{
	static const struct { uint32_t init_size; size_t kernel_len; uint64_t want; } rows[] = {
		{ 8 * MiB, 12289, 8 * MiB },
		{ 8 * MiB + 1, 12289, 8 * MiB + 4096 },
		{ 4096, 3 * 4096 + 1, 4 * 4096 },
		{ 0, 100, 4096 },
		{ 0, 8192, 8192 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		const struct kx_segment *k;
		ld_init(&c);
		c.spec.init_size = rows[r].init_size;
		c.spec.kernel_len = rows[r].kernel_len;
		ld_build(&c);
		T_ROW("init_size %u, kernel %zu bytes", rows[r].init_size, rows[r].kernel_len);
		if (CHECK_OK(ld_run(&c)) && CHECK(k = seg_by(&c.plan, "kernel", 0))) {
			CHECK_EQ(k->memsz, rows[r].want);
			CHECK_EQ(k->bufsz, rows[r].kernel_len);
			CHECK_EQ(k->mem, c.spec.pref_address);
		}
		ld_free(&c);
	}
}

/* pref_address is taken (by a segment already in the plan, or not RAM). */
TEST(load_pref_address_taken)
{
	static const struct mm_ent hole_at_pref[] = {
		{ MiB, 15 * MiB, KX_MEM_RAM },
		{ 15 * MiB, 40 * MiB, KX_MEM_RESERVED },
		{ 40 * MiB, 2 * GiB, KX_MEM_RAM },
	};
	static const struct {
		const char *name; int hole; int blocker; uint8_t reloc; uint32_t align;
		enum kx_errcode want;
	} rows[] = {
		{ "segment at pref, not relocatable", 0, 1, 0, 0x200000, KX_E_NO_SPACE },
		{ "hole at pref, not relocatable", 1, 0, 0, 0x200000, KX_E_NO_SPACE },
		{ "segment at pref, relocatable", 0, 1, 1, 0x200000, KX_OK },
		{ "hole at pref, relocatable", 1, 0, 1, 0x200000, KX_OK },
		{ "segment at pref, relocatable, align 512", 0, 1, 1, 512, KX_OK },
		{ "segment at pref, relocatable, align 1 GiB", 0, 1, 1, 0x40000000, KX_OK },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;
		const struct kx_segment *k;
		uint64_t align;

		ld_init(&c);
		if (rows[r].hole)
			mm_set(&c.si.mem, hole_at_pref, T_ARRAY_SIZE(hole_at_pref));
		c.spec.relocatable = rows[r].reloc;
		c.spec.kernel_alignment = rows[r].align;
		ld_build(&c);
		T_ROW("%s", rows[r].name);
		memset(&c.plan, 0, sizeof(c.plan));
		if (rows[r].blocker)
			kx_plan_add(&c.plan, "blocker", "test", 0, 0, c.spec.pref_address + 4 * MiB,
				    4096);
		err = kx_bzimage_load(&c.req, &c.plan);
		if (!CHECK_ERR(err, rows[r].want) || err.code != KX_OK) {
			if (err.code == KX_E_NO_SPACE) {
				CHECK_STR(err.what, "non-relocatable kernel");
				CHECK_EQ(err.a, c.spec.init_size);
				CHECK_EQ(err.b, c.spec.pref_address);
			}
			ld_free(&c);
			continue;
		}
		k = seg_by(&c.plan, "kernel", 0);
		if (!CHECK(k)) {
			ld_free(&c);
			continue;
		}
		align = rows[r].align < 4096 ? 4096 : rows[r].align;
		CHECK_NE(k->mem, c.spec.pref_address);
		CHECK_EQ(k->mem % align, 0);
		CHECK_EQ(c.plan.target, k->mem + 0x200);
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		ld_free(&c);
	}
}

/*
 * Regression (found by this test at commit 5b97b7f, lib/arch/x86_64/bzimage.c:255):
 * when pref_address was taken, a relocatable kernel was searched for from
 * 1 MiB. But the 64-bit entry of the decompressor
 * (arch/x86/boot/compressed/head_64.S, startup_64) rounds the load address up
 * to kernel_alignment and, if that is below LOAD_PHYSICAL_ADDR (=
 * pref_address), decompresses at LOAD_PHYSICAL_ADDR instead - over memory kx
 * never reserved (here: the reserved hole, or a segment of the plan). The
 * kernel's own kexec_file loader uses MIN_KERNEL_LOAD_ADDR (16 MiB) as the
 * floor for the same reason. A relocated kernel must not start below
 * pref_address.
 */
TEST(load_relocated_kernel_not_below_pref_address)
{
	static const struct mm_ent hole_at_pref[] = {
		{ MiB, 15 * MiB, KX_MEM_RAM },
		{ 15 * MiB, 40 * MiB, KX_MEM_RESERVED },
		{ 40 * MiB, 2 * GiB, KX_MEM_RAM },
	};
	static const char *const names[] = { "segment at pref_address", "hole at pref_address" };
	int hole;

	for (hole = 0; hole < 2; hole++) {
		struct ld c;
		const struct kx_segment *k;

		ld_init(&c);
		if (hole)
			mm_set(&c.si.mem, hole_at_pref, T_ARRAY_SIZE(hole_at_pref));
		memset(&c.plan, 0, sizeof(c.plan));
		if (!hole)
			kx_plan_add(&c.plan, "blocker", "test", 0, 0, c.spec.pref_address + 4 * MiB,
				    4096);
		T_ROW("%s", names[hole]);
		if (CHECK_OK(kx_bzimage_load(&c.req, &c.plan)) &&
		    CHECK(k = seg_by(&c.plan, "kernel", 0))) {
			t_note("%s: kernel placed at 0x%llx", names[hole], (unsigned long long)k->mem);
			CHECK(k->mem >= c.spec.pref_address);
		}
		ld_free(&c);
	}
}

/* --mem-min/--mem-max: every segment inside [min, max). */
TEST(load_window)
{
	static const struct {
		const char *name; uint64_t min, max; uint8_t reloc; uint16_t xlf;
		enum kx_errcode want; const char *what;
	} rows[] = {
		{ "512 MiB..1 GiB", 512 * MiB, GiB, 1, KX_XLF_KERNEL_64, KX_OK, 0 },
		{ "16 MiB..1 GiB", 16 * MiB, GiB, 1, KX_XLF_KERNEL_64, KX_OK, 0 },
		{ "512 MiB..1 GiB, not relocatable", 512 * MiB, GiB, 0, KX_XLF_KERNEL_64, KX_E_NO_SPACE,
		  "non-relocatable" },
		{ "min just above pref", 16 * MiB + 4096, GiB, 1, KX_XLF_KERNEL_64, KX_OK, 0 },
		{ "too small for the kernel", 512 * MiB, 512 * MiB + 4 * MiB, 1, KX_XLF_KERNEL_64,
		  KX_E_NO_SPACE, "kernel" },
		{ "above 4 GiB only, initrd below", 4 * GiB, 8 * GiB, 1, KX_XLF_KERNEL_64, KX_E_NO_SPACE,
		  "initrd" },
		{ "above 4 GiB only", 4 * GiB, 8 * GiB, 1,
		  KX_XLF_KERNEL_64 | KX_XLF_CAN_BE_LOADED_ABOVE_4G, KX_E_NO_SPACE, "boot parameters" },
		{ "empty window", 0, 0, 1, KX_XLF_KERNEL_64, KX_E_NO_SPACE, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;
		unsigned i;

		ld_init(&c);
		c.spec.relocatable = rows[r].reloc;
		c.spec.xloadflags = rows[r].xlf;
		ld_build(&c);
		c.req.initrd[0] = (struct kx_blob){ initrd_bytes[0], sizeof(initrd_bytes[0]), "rd" };
		c.req.ninitrd = 1;
		c.req.window = (struct kx_window){ rows[r].min, rows[r].max };
		T_ROW("%s", rows[r].name);
		err = ld_run(&c);
		if (CHECK_ERR(err, rows[r].want) && rows[r].what)
			CHECK(err.what && strstr(err.what, rows[r].what));
		if (err.code == KX_OK) {
			for (i = 0; i < c.plan.nseg; i++) {
				const struct kx_segment *s = &c.plan.seg[i];
				T_ROW("%s: %s", rows[r].name, s->purpose);
				CHECK(s->mem >= rows[r].min && s->mem + s->memsz <= rows[r].max);
			}
			CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		}
		ld_free(&c);
	}
}

/* What the running kernel's boot_params tell us is passed on. */
TEST(load_boot_params_from_system)
{
	static const struct { const char *name; size_t len; uint64_t rsdp; int copied; } rows[] = {
		{ "boot_params given", 4096, 0, 1 },
		{ "boot_params + acpi_rsdp override", 4096, 0x7fbfe014, 1 },
		{ "boot_params too short: ignored", 4095, 0, 0 },
		{ "no boot_params, acpi_rsdp", 0, 0xf0490, 0 },
	};
	static uint8_t cur[4096];
	size_t r, i;

	for (i = 0; i < sizeof(cur); i++)
		cur[i] = (uint8_t)(i * 13 + 5) | 1;
	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		const uint8_t *zp;

		ld_init(&c);
		c.si.boot_params = rows[r].len ? cur : 0;
		c.si.boot_params_len = rows[r].len;
		c.si.acpi_rsdp = rows[r].rsdp;
		T_ROW("%s", rows[r].name);
		if (!CHECK_OK(ld_run(&c)) || !CHECK(zp = zero_page(&c.plan))) {
			ld_free(&c);
			continue;
		}
		if (rows[r].copied) {
			CHECK_MEM(zp + ZP_SCREEN_INFO, cur + ZP_SCREEN_INFO, 0x40);
			CHECK_MEM(zp + ZP_EDID_INFO, cur + ZP_EDID_INFO, 0x80);
			CHECK_MEM(zp + O_SUBARCH, cur + O_SUBARCH, 4);
			CHECK_MEM(zp + O_SUBARCH_DATA, cur + O_SUBARCH_DATA, 8);
			if (!rows[r].rsdp)
				CHECK_MEM(zp + ZP_ACPI_RSDP, cur + ZP_ACPI_RSDP, 8);
			/* but never its e820 table, command line or loader fields */
			CHECK_EQ(zp[ZP_E820_ENTRIES], c.si.mem.n);
			CHECK_EQ(zp[O_TYPE_OF_LOADER], 0xff);
			CHECK_EQ(zp[ZP_SENTINEL], 0);
			check_header_copy(zp, c.img, 0x26c, 1);
		} else {
			static const uint8_t zero[0x80];
			CHECK_MEM(zp + ZP_SCREEN_INFO, zero, 0x40);
			CHECK_MEM(zp + ZP_EDID_INFO, zero, 0x80);
		}
		T_ROW("%s", rows[r].name);
		if (rows[r].rsdp)
			CHECK_EQ(kx_le64(zp + ZP_ACPI_RSDP), rows[r].rsdp);
		ld_free(&c);
	}
}

/* A plan that is already full: the loader reports it, it does not overflow. */
TEST(load_plan_full)
{
	struct ld c;
	struct kx_err err;
	unsigned i;

	ld_init(&c);
	memset(&c.plan, 0, sizeof(c.plan));
	for (i = 0; i < KX_MAX_SEGMENTS; i++)
		kx_plan_add(&c.plan, "empty", "test", 0, 0, 0, 0);
	err = kx_bzimage_load(&c.req, &c.plan);
	CHECK_ERR(err, KX_E_TOO_MANY_SEGMENTS);
	CHECK_EQ(c.plan.nseg, KX_MAX_SEGMENTS);
	/* room for the kernel only: the boot params do not fit */
	memset(&c.plan, 0, sizeof(c.plan));
	for (i = 0; i < KX_MAX_SEGMENTS - 1; i++)
		kx_plan_add(&c.plan, "empty", "test", 0, 0, 0, 0);
	err = kx_bzimage_load(&c.req, &c.plan);
	CHECK_ERR(err, KX_E_TOO_MANY_SEGMENTS);
	CHECK_EQ(c.plan.nseg, KX_MAX_SEGMENTS);
	ld_free(&c);
}

/* A bad image is reported by the parser's error, nothing is planned. */
TEST(load_bad_image)
{
	static const struct { size_t off; uint8_t val; enum kx_errcode want; } rows[] = {
		{ O_BOOT_FLAG, 0, KX_E_NOT_BZIMAGE },
		{ O_XLOADFLAGS, 0, KX_E_NOT_64BIT },
		{ O_VERSION + 1, 0x01, KX_E_OLD_PROTOCOL },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		ld_init(&c);
		c.img[rows[r].off] = rows[r].val;
		T_ROW("byte 0x%zx = 0x%02x", rows[r].off, rows[r].val);
		CHECK_ERR(ld_run(&c), rows[r].want);
		CHECK_EQ(c.plan.nseg, 0);
		ld_free(&c);
	}
}

/* Load, add the purgatory, validate: the whole pipeline on synthetic input. */
TEST(load_then_purgatory_validates)
{
	static uint8_t blob[1024];
	static _Alignas(16) uint8_t out[1024];
	struct ld c;
	unsigned i;

	memset(blob, 0x90, sizeof(blob));
	kx_put32(blob + 16, KX_PURG_MAGIC);
	kx_put16(blob + 20, KX_PURG_VERSION);
	kx_put16(blob + 22, KX_PURG_HDR_SIZE);
	kx_put32(blob + 24, 3 * 4096);
	kx_put32(blob + 28, KX_PURG_ARCH_NATIVE);
	ld_init(&c);
	c.req.initrd[0] = (struct kx_blob){ initrd_bytes[0], sizeof(initrd_bytes[0]), "a" };
	c.req.initrd[1] = (struct kx_blob){ initrd_bytes[1], 777, "b" };
	c.req.ninitrd = 2;
	if (!CHECK_OK(ld_run(&c)) ||
	    !CHECK_OK(kx_plan_add_purgatory(&c.plan, &c.si.mem, c.req.window, blob, sizeof(blob),
					    out, sizeof(out), KX_PURG_VERIFY, 0x3f8))) {
		ld_free(&c);
		return;
	}
	CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
	CHECK_EQ(c.plan.nseg, 5);
	{
		const struct kx_purg_params *pp = (const void *)(out + KX_PURG_PARAMS_OFF);
		CHECK_EQ(pp->entry, c.plan.target);
		CHECK_EQ(pp->regs[KX_X86_RSI], c.plan.regs[KX_X86_RSI]);
		CHECK_EQ(pp->entry_mode, KX_PURG_ENTRY_64);
		CHECK_EQ(pp->nranges, 4);
		for (i = 0; i < pp->nranges && i < 4; i++) {
			T_ROW("range %u (%s)", i, c.plan.seg[i].purpose);
			CHECK_EQ(pp->ranges[i].start, c.plan.seg[i].mem);
			CHECK_EQ(pp->ranges[i].len, c.plan.seg[i].bufsz);
			CHECK_EQ(pp->ranges[i].digest,
				 kx_xxh64(c.plan.seg[i].buf, c.plan.seg[i].bufsz, 0));
		}
	}
	ld_free(&c);
}

/* The real Debian kernel with a synthetic memory map, when it is there. */
TEST(load_real_kernel)
{
	const char *path = find_vmlinuz(), *ppath = find_purgatory();
	static _Alignas(16) uint8_t out[64 * 1024];
	struct ld c;
	uint8_t *img, *purg = 0;
	size_t len, plen = 0;
	const struct kx_segment *k, *bp;
	struct kx_bzimage bz;

	if (!path)
		SKIP("no vmlinuz under tests/e2e/cache/*/boot (tests/e2e/fetch.sh)");
	img = read_whole(path, &len);
	if (!img)
		SKIP("cannot read %s", path);
	ld_init(&c);
	c.req.image = (struct kx_blob){ img, len, path };
	c.req.initrd[0] = (struct kx_blob){ initrd_bytes[0], sizeof(initrd_bytes[0]), "rd" };
	c.req.ninitrd = 1;
	T_ROW("%s", path);
	if (!CHECK_OK(kx_bzimage_parse(img, len, &bz)) || !CHECK_OK(ld_run(&c)))
		goto out;
	k = seg_by(&c.plan, "kernel", 0);
	bp = seg_by(&c.plan, "boot-params", 0);
	if (!CHECK(k && bp))
		goto out;
	CHECK_EQ(k->mem, bz.pref_address);
	CHECK(k->memsz >= bz.init_size && k->memsz >= bz.kernel_len);
	CHECK(k->buf == img + bz.setup_len);
	check_header_copy(bp->buf, img, bz.hdr_end, 0);
	T_ROW("%s", path);
	CHECK_EQ(c.plan.target, k->mem + 0x200);
	CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
	/* the same file cut short inside its payload (1 MiB of it) is refused (B6) */
	T_ROW("%s, first 1 MiB", path);
	CHECK_ERR(kx_bzimage_parse(img, 1u << 20, &bz), KX_E_TRUNCATED);
	if (ppath && (purg = read_whole(ppath, &plen)) && plen <= sizeof(out)) {
		CHECK_OK(kx_plan_add_purgatory(&c.plan, &c.si.mem, c.req.window, purg, plen, out,
					       sizeof(out), KX_PURG_VERIFY, 0));
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
	}
out:
	free(purg);
	ld_free(&c);
	free(img);
}

/* A kernel without XLF_5LEVEL asks the purgatory for 4-level paging (it then
 * leaves 5-level paging if the running kernel uses it); one with it does not.
 * The flag must reach the parameter block. */
TEST(load_5level_flag)
{
	static const struct { uint16_t xlf; int want; } rows[] = {
		{ KX_XLF_KERNEL_64, 1 },
		{ KX_XLF_KERNEL_64 | KX_XLF_5LEVEL, 0 },
		{ KX_XLF_KERNEL_64 | KX_XLF_CAN_BE_LOADED_ABOVE_4G, 1 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		T_ROW("xloadflags 0x%x", rows[r].xlf);
		ld_init(&c);
		c.spec.xloadflags = rows[r].xlf;
		ld_build(&c);
		if (CHECK_OK(ld_run(&c)))
			CHECK_EQ(!!(c.plan.purg_flags & KX_PURG_4LEVEL), rows[r].want);
		ld_free(&c);
	}
}

/*
 * The EFI runtime hand-off (kexec_load's answer to the kernel's own
 * setup_efi_state): efi_info copied from the running kernel with the memory
 * map pointed at the runtime regions inside the boot-params segment, and a
 * SETUP_EFI node with the physical addresses; or nothing at all, for each
 * reason it cannot be passed.
 */
TEST(load_efi_runtime)
{
	static const struct { const char *name; int state, xlf_efi, sig64, memmap, version, n, want; } rows[] = {
		{ "passed", KX_EFI_READY, 1, 1, 1, 1, 3, KX_EFI_PASSED },
		{ "--noefi", KX_EFI_OFF, 1, 1, 1, 1, 3, KX_EFI_OFF },
		{ "not an EFI boot", KX_EFI_NOT_EFI, 1, 1, 1, 1, 3, KX_EFI_NOT_EFI },
		{ "no runtime regions", KX_EFI_READY, 1, 1, 1, 1, 0, KX_EFI_NO_RUNTIME },
		{ "kernel without XLF_EFI_KEXEC", KX_EFI_READY, 0, 1, 1, 1, 3, KX_EFI_KERNEL },
		{ "32-bit firmware signature", KX_EFI_READY, 1, 0, 1, 1, 3, KX_EFI_FW32 },
		{ "boot_params without a memory map", KX_EFI_READY, 1, 1, 0, 1, 3, KX_EFI_BOOT_PARAMS },
		{ "descriptor version 2", KX_EFI_READY, 1, 1, 1, 2, 3, KX_EFI_DESC_VERSION },
	};
	static uint8_t cur[4096];
	static struct kx_efi efi;
	size_t r;
	unsigned i;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		const struct kx_segment *bp;
		const uint8_t *zp, *sd = 0, *md;
		size_t offs[8];
		uint32_t types[8];
		int nodes, k;
		uint64_t map;

		memset(cur, 0, sizeof(cur));
		memcpy(cur + 0x1c0, rows[r].sig64 ? "EL64" : "EL32", 4);
		kx_put32(cur + 0x1c4, 0x7f9ec018);       /* systab */
		kx_put32(cur + 0x1c8, 48);               /* the firmware's descriptor size */
		kx_put32(cur + 0x1cc, rows[r].version);
		kx_put32(cur + 0x1d0, 0x7fb72040);       /* the old map: never passed on */
		kx_put32(cur + 0x1d4, rows[r].memmap ? 0x16b0 : 0);
		kx_put32(cur + 0x1d8, 1);                /* systab_hi */
		cur[0x1ec] = 1;                          /* secure_boot */
		memset(&efi, 0, sizeof(efi));
		efi.state = rows[r].state;
		efi.fw_vendor = 0x7f91ca18;
		efi.runtime = 0x7f9ecb98;
		efi.tables = 0x7f9ecc98;
		efi.smbios = 0x7f918000;
		efi.n = (unsigned)rows[r].n;
		for (i = 0; i < efi.n; i++)
			efi.md[i] = (struct kx_efi_md){ 5 + i, 0x7f000000 + i * 0x100000,
							0xfffffffeff000000ull + i * 0x100000, 0x100 + i,
							0x800000000000000full };
		ld_init(&c);
		c.spec.xloadflags = KX_XLF_KERNEL_64 | (rows[r].xlf_efi ? KX_XLF_EFI_KEXEC : 0);
		ld_build(&c);
		c.si.boot_params = cur;
		c.si.boot_params_len = sizeof(cur);
		c.si.efi = &efi;
		T_ROW("%s", rows[r].name);
		if (!CHECK_OK(ld_run(&c)) || !CHECK(bp = seg_by(&c.plan, "boot-params", 0))) {
			ld_free(&c);
			continue;
		}
		zp = bp->buf;
		CHECK_EQ(c.plan.efi, rows[r].want);
		nodes = walk_setup_data(bp, offs, types, 8);
		for (k = 0; k < nodes; k++)
			if (types[k] == SETUP_EFI)
				sd = zp + offs[k];
		if (rows[r].want != KX_EFI_PASSED) {
			static const uint8_t zero[32];
			CHECK_MEM(zp + 0x1c0, zero, 32);  /* the next kernel sees no EFI */
			CHECK(!sd);
			CHECK_EQ(zp[0x1ec], 0);
			CHECK_EQ(c.plan.efi_regions, 0);
			ld_free(&c);
			continue;
		}
		CHECK_EQ(c.plan.efi_systab, 0x17f9ec018ull);
		CHECK_EQ(c.plan.efi_regions, 3);
		CHECK_MEM(zp + 0x1c0, "EL64", 4);
		CHECK_EQ(kx_le32(zp + 0x1c4), 0x7f9ec018);
		CHECK_EQ(kx_le32(zp + 0x1d8), 1);
		CHECK_EQ(kx_le32(zp + 0x1c8), 40);       /* kx's descriptors are 40 bytes */
		CHECK_EQ(kx_le32(zp + 0x1cc), 1);
		CHECK_EQ(kx_le32(zp + 0x1d4), 3 * 40);
		CHECK_EQ(zp[0x1ec], 1);
		map = kx_le32(zp + 0x1d0) | (uint64_t)kx_le32(zp + 0x1dc) << 32;
		/* the map lies in the segment, past the zero page, clear of the nodes */
		if (!CHECK(map >= bp->mem + 4096 && map + 3 * 40 <= bp->mem + bp->bufsz)) {
			ld_free(&c);
			continue;
		}
		md = zp + (map - bp->mem);
		for (i = 0; i < 3; i++, md += 40) {
			CHECK_EQ(kx_le32(md), 5 + i);
			CHECK_EQ(kx_le32(md + 4), 0);
			CHECK_EQ(kx_le64(md + 8), 0x7f000000 + i * 0x100000);
			CHECK_EQ(kx_le64(md + 16), 0xfffffffeff000000ull + i * 0x100000);
			CHECK_EQ(kx_le64(md + 24), 0x100 + i);
			CHECK_EQ(kx_le64(md + 32), 0x800000000000000full);
		}
		if (CHECK(sd)) {
			CHECK_EQ(kx_le32(sd + 12), 96);
			CHECK_EQ(kx_le64(sd + 16), 0x7f91ca18);
			CHECK_EQ(kx_le64(sd + 24), 0x7f9ecb98);
			CHECK_EQ(kx_le64(sd + 32), 0x7f9ecc98);
			CHECK_EQ(kx_le64(sd + 40), 0x7f918000);
			for (i = 48; i < 16 + 96; i++)
				CHECK_EQ(sd[i], 0);
			CHECK(map >= (uint64_t)(sd - zp) + bp->mem + 16 + 96 ||
			      map + 120 <= (uint64_t)(sd - zp) + bp->mem);
		}
		CHECK_STR((const char *)zp + 4096, default_cmdline);
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		ld_free(&c);
	}
}
