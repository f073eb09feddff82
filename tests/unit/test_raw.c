/* Raw loader (lib/raw.c): files at fixed addresses, a jump to --entry. */
#include <stdlib.h>
#include <string.h>
#include <kx/bytes.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include <kx/raw.h>
#include "fixtures.h"
#include "t.h"

#define WHOLE ((struct kx_window){ 0, UINT64_MAX })

static uint8_t bytes_a[5000], bytes_b[4096], bytes_c[1];

struct rl {
	struct kx_sysinfo si;
	struct kx_load_req req;
	struct kx_plan plan;
};

static void rl_init(struct rl *c)
{
	memset(c, 0, sizeof(*c));
	memset(bytes_a, 0xa5, sizeof(bytes_a));
	memset(bytes_b, 0xb6, sizeof(bytes_b));
	bytes_c[0] = 0xc7;
	mm_std(&c->si.mem);
	c->req.cmdline = "ignored";
	c->req.window = WHOLE;
	c->req.sys = &c->si;
	c->req.have_entry = 1;
	c->req.entry = 0x100000;
}

static void rl_add(struct rl *c, const uint8_t *buf, uint64_t len, const char *name, uint64_t addr)
{
	c->req.raw[c->req.nraw++] = (struct kx_raw_seg){ { buf, len, name }, addr };
}

static struct kx_err rl_run(struct rl *c)
{
	memset(&c->plan, 0, sizeof(c->plan));
	return kx_raw_load(&c->req, &c->plan);
}

TEST(raw_probe_never)
{
	static const uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	static const uint8_t zeros[4096];

	CHECK_EQ(kx_raw_probe(elf, sizeof(elf)), 0);
	CHECK_EQ(kx_raw_probe(zeros, sizeof(zeros)), 0);
	CHECK_EQ(kx_raw_probe(zeros, 0), 0);
	CHECK_EQ(kx_raw_probe(0, 0), 0);
}

TEST(raw_load_basic)
{
	struct rl c;
	unsigned i;

	rl_init(&c);
	rl_add(&c, bytes_a, sizeof(bytes_a), "code.bin", 0x100000);
	rl_add(&c, bytes_b, sizeof(bytes_b), "data.bin", 0x200000);
	rl_add(&c, bytes_c, sizeof(bytes_c), "one.bin", 0x100000000ull);
	c.req.entry = 0x100040;
	c.plan.regs[2] = 99;
	if (!CHECK_OK(rl_run(&c)))
		return;
	CHECK_STR(c.plan.type, "raw");
	CHECK_EQ(c.plan.nseg, 3);
	CHECK_EQ(c.plan.target, 0x100040);
	CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_64);
	CHECK_EQ(c.plan.regs_used, 0);
	for (i = 0; i < KX_PURG_NREGS; i++)
		CHECK_EQ(c.plan.regs[i], 0);
	CHECK(c.plan.cmdline == 0);
	CHECK(c.plan.seg[0].buf == bytes_a);
	CHECK_EQ(c.plan.seg[0].bufsz, 5000);
	CHECK_EQ(c.plan.seg[0].mem, 0x100000);
	CHECK_EQ(c.plan.seg[0].memsz, 0x2000);
	CHECK_STR(c.plan.seg[0].purpose, "raw");
	CHECK_STR(c.plan.seg[0].source, "code.bin");
	CHECK_EQ(c.plan.seg[1].memsz, 0x1000);
	CHECK_EQ(c.plan.seg[1].bufsz, 0x1000);
	CHECK_STR(c.plan.seg[1].source, "data.bin");
	CHECK_EQ(c.plan.seg[2].mem, 0x100000000ull);
	CHECK_EQ(c.plan.seg[2].memsz, 0x1000);
	CHECK_EQ(c.plan.seg[2].bufsz, 1);
	CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
}

/* One row: up to three segments (address, length) and what must happen. */
struct row {
	const char *name;
	unsigned n;
	uint64_t seg[3][2];
	int no_entry;
	struct kx_window w;
	enum kx_errcode want;
	const char *what;  /* err.what, exactly (NULL: none) */
	uint64_t a, b;
};

#define W WHOLE
static const struct row rows[] = {
	{ "one page", 1, { { 0x100000, 4096 } }, 0, W, KX_OK, 0, 0, 0 },
	{ "no segments", 0, { { 0 } }, 0, W, KX_E_RAW_NO_SEGMENT, 0, 0, 0 },
	{ "no entry", 1, { { 0x100000, 4096 } }, 1, W, KX_E_RAW_NO_ENTRY, 0, 0, 0 },
	{ "empty file", 1, { { 0x100000, 0 } }, 0, W, KX_E_SEGMENT_EMPTY, 0, 0, 0x100000 },
	{ "unaligned by 1", 1, { { 0x100001, 10 } }, 0, W, KX_E_USER_SEG_ALIGN, 0, 0, 0x100001 },
	{ "unaligned by 2048", 2, { { 0x100000, 10 }, { 0x200800, 10 } }, 0, W, KX_E_USER_SEG_ALIGN, 0, 1,
	  0x200800 },
	{ "address 0", 1, { { 0, 4096 } }, 0, W, KX_OK, 0, 0, 0 },
	{ "overlap, same address", 2, { { 0x100000, 10 }, { 0x100000, 10 } }, 0, W,
	  KX_E_USER_SEG_OVERLAP, 0, 1, 0x100000 },
	{ "overlap by rounding", 2, { { 0x100000, 4097 }, { 0x101000, 10 } }, 0, W, KX_E_USER_SEG_OVERLAP,
	  0, 1, 0x101000 },
	{ "overlap, later below", 2, { { 0x101000, 10 }, { 0x100000, 4097 } }, 0, W,
	  KX_E_USER_SEG_OVERLAP, 0, 1, 0x100000 },
	{ "overlap, third with first", 3, { { 0x100000, 0x3000 }, { 0x400000, 1 }, { 0x102000, 1 } }, 0,
	  W, KX_E_USER_SEG_OVERLAP, 0, 2, 0x102000 },
	{ "adjacent", 2, { { 0x100000, 4096 }, { 0x101000, 4096 } }, 0, W, KX_OK, 0, 0, 0 },
	{ "wraps", 1, { { 0xfffffffffffff000ull, 4097 } }, 0, W, KX_E_USER_SEG_WRAP, 0, 0,
	  0xfffffffffffff000ull },
	{ "round-up wraps", 1, { { 0x1000, UINT64_MAX - 10 } }, 0, W, KX_E_USER_SEG_WRAP, 0, 0, 0x1000 },
	{ "last page of memory (end is 2^64)", 1, { { 0xfffffffffffff000ull, 4096 } }, 0, W,
	  KX_E_USER_SEG_WRAP, 0, 0, 0xfffffffffffff000ull },
	{ "last RAM page", 1, { { 0x17ffff000ull, 4096 } }, 0, W, KX_OK, 0, 0, 0 },
	{ "past the last RAM page", 1, { { 0x17ffff000ull, 4097 } }, 0, W, KX_E_USER_SEG_NOT_RAM, 0, 0,
	  0x17ffff000ull },
	{ "reserved", 1, { { 0xb0000000, 10 } }, 0, W, KX_E_USER_SEG_NOT_RAM, 0, 0, 0xb0000000 },
	{ "runs into a hole", 1, { { 0x7ffdf000, 0x1001 } }, 0, W, KX_E_USER_SEG_NOT_RAM, 0, 0,
	  0x7ffdf000 },
	{ "below --mem-min", 2, { { 0x200000, 1 }, { 0x100000, 1 } }, 0, { 0x200000, UINT64_MAX },
	  KX_E_USER_SEG_NOT_RAM, 0, 1, 0x100000 },
	{ "above --mem-max", 1, { { 0x100000, 0x1001 } }, 0, { 0, 0x101000 }, KX_E_USER_SEG_NOT_RAM, 0,
	  0, 0x100000 },
	{ "up to --mem-max", 1, { { 0x100000, 0x1000 } }, 0, { 0, 0x101000 }, KX_OK, 0, 0, 0 },
	{ "above 4 GiB", 1, { { 0x140000000ull, 100 } }, 0, W, KX_OK, 0, 0, 0 },
	{ "alignment checked before overlap", 2, { { 0x100000, 10 }, { 0x100010, 10 } }, 0, W,
	  KX_E_USER_SEG_ALIGN, 0, 1, 0x100010 },
};

TEST(raw_load_table)
{
	static const char *const names[] = { "s0", "s1", "s2" };
	size_t r, i;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct rl c;
		struct kx_err err;

		T_ROW("%s", rows[r].name);
		rl_init(&c);
		for (i = 0; i < rows[r].n; i++)
			rl_add(&c, bytes_a, rows[r].seg[i][1], names[i], rows[r].seg[i][0]);
		c.req.have_entry = !rows[r].no_entry;
		c.req.window = rows[r].w;
		err = rl_run(&c);
		if (!CHECK_ERR(err, rows[r].want))
			continue;
		if (rows[r].want == KX_OK) {
			CHECK_EQ(c.plan.nseg, rows[r].n);
			CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
			continue;
		}
		CHECK_EQ(c.plan.nseg, 0); /* nothing planned on error */
		CHECK_STR(err.what, rows[r].what);
		CHECK_EQ(err.a, rows[r].a);
		CHECK_EQ(err.b, rows[r].b);
	}
}

TEST(raw_load_segment_limits)
{
	struct rl c;
	unsigned i;
	struct kx_err err;

	rl_init(&c);
	for (i = 0; i < KX_MAX_SEGMENTS; i++)
		rl_add(&c, bytes_c, 1, "s", 0x100000 + i * 0x1000ull);
	if (CHECK_OK(rl_run(&c)))
		CHECK_EQ(c.plan.nseg, KX_MAX_SEGMENTS);
	/* a count past the array is refused, not read */
	c.req.nraw = KX_MAX_SEGMENTS + 1;
	err = rl_run(&c);
	if (CHECK_ERR(err, KX_E_TOO_MANY_SEGMENTS))
		CHECK_EQ(err.a, KX_MAX_SEGMENTS + 1);
	c.req.nraw = 0xffffffffu;
	CHECK_ERR(rl_run(&c), KX_E_TOO_MANY_SEGMENTS);
	/* a plan already holding segments: no room, nothing added */
	c.req.nraw = 2;
	memset(&c.plan, 0, sizeof(c.plan));
	for (i = 0; i < KX_MAX_SEGMENTS - 1; i++)
		kx_plan_add(&c.plan, "block", "test", 0, 0, 0x10000000 + i * 0x1000ull, 0x1000);
	err = kx_raw_load(&c.req, &c.plan);
	CHECK_ERR(err, KX_E_TOO_MANY_SEGMENTS);
	CHECK_EQ(c.plan.nseg, KX_MAX_SEGMENTS - 1);
}

/* Load, add a purgatory, validate: the raw plan goes through the whole pipeline. */
TEST(raw_load_then_purgatory)
{
	static uint8_t blob[1024];
	static _Alignas(16) uint8_t out[1024];
	const struct kx_purg_params *pp = (const void *)(out + KX_PURG_PARAMS_OFF);
	struct rl c;

	memset(blob, 0x90, sizeof(blob));
	kx_put32(blob + 16, KX_PURG_MAGIC);
	kx_put16(blob + 20, KX_PURG_VERSION);
	kx_put16(blob + 22, KX_PURG_HDR_SIZE);
	kx_put32(blob + 24, 2 * 4096);
	kx_put32(blob + 28, KX_PURG_ARCH_NATIVE);
	rl_init(&c);
	rl_add(&c, bytes_a, sizeof(bytes_a), "a", 0x100000);
	rl_add(&c, bytes_b, sizeof(bytes_b), "b", 0x300000);
	c.req.entry = 0x300000;
	if (!CHECK_OK(rl_run(&c)) ||
	    !CHECK_OK(kx_plan_add_purgatory(&c.plan, &c.si.mem, c.req.window, blob, sizeof(blob), out,
					    sizeof(out), KX_PURG_VERIFY, 0)))
		return;
	CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
	CHECK_EQ(pp->entry, 0x300000);
	CHECK_EQ(pp->entry_mode, KX_PURG_ENTRY_64);
	CHECK_EQ(pp->nranges, 2);
	CHECK_EQ(pp->ranges[0].len, sizeof(bytes_a));
}
