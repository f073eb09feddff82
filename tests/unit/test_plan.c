/* The planner: kx_plan_place, kx_plan_fits_at, kx_plan_add, kx_plan_validate, kx_plan_add_purgatory. */
#include <stdlib.h>
#include <string.h>
#include <kx/bytes.h>
#include <kx/digest.h>
#include <kx/plan.h>
#include "fixtures.h"
#include "t.h"

#define MAX64 UINT64_MAX
#define WHOLE { 0, MAX64 }
#define WIN ((struct kx_window)WHOLE)
#define R(s, e) { (s), (e), KX_MEM_RAM }
#define RSV(s, e) { (s), (e), KX_MEM_RESERVED }

/* ---- kx_plan_place ---------------------------------------------------------- */

/* The tables below were written for the positional placer: one request each. */
static int find(const struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
		uint64_t size, uint64_t align, uint64_t lo, uint64_t hi, int top_down, uint64_t *out)
{
	struct kx_place rq = { .size = size, .align = align, .within = { lo, hi },
			       .top_down = top_down };

	return kx_plan_place(p, m, w, &rq, out);
}

struct find_row {
	const char *name;
	struct mm_ent map[4];
	unsigned nmap;
	uint64_t segs[4][2];       /* [mem, memsz] already in the plan */
	unsigned nsegs;
	struct kx_window w;
	uint64_t size, align, lo, hi;
	int top_down;
	int found;
	uint64_t at;
};

static const struct find_row find_rows[] = {
	{ "bottom-up", { R(MiB, 2 * MiB) }, 1, { { 0 } }, 0, WHOLE, 4096, 4096, 0, MAX64, 0, 1, MiB },
	{ "top-down", { R(MiB, 2 * MiB) }, 1, { { 0 } }, 0, WHOLE, 4096, 4096, 0, MAX64, 1, 1,
	  2 * MiB - 4096 },
	{ "bottom-up aligned up", { R(MiB + 4096, 4 * MiB) }, 1, { { 0 } }, 0, WHOLE, 4096, MiB, 0,
	  MAX64, 0, 1, 2 * MiB },
	{ "top-down aligned down", { R(MiB, 4 * MiB - 4096) }, 1, { { 0 } }, 0, WHOLE, 4096, MiB, 0,
	  MAX64, 1, 1, 3 * MiB },
	{ "alignment leaves no room", { R(MiB + 4096, 2 * MiB + 4096) }, 1, { { 0 } }, 0, WHOLE,
	  MiB, MiB, 0, MAX64, 0, 0, 0 },
	{ "alignment 1", { R(MiB + 1, 2 * MiB) }, 1, { { 0 } }, 0, WHOLE, 10, 1, 0, MAX64, 0, 1,
	  MiB + 1 },
	{ "exact fit bottom-up", { R(MiB, MiB + 8192) }, 1, { { 0 } }, 0, WHOLE, 8192, 4096, 0,
	  MAX64, 0, 1, MiB },
	{ "exact fit top-down", { R(MiB, MiB + 8192) }, 1, { { 0 } }, 0, WHOLE, 8192, 4096, 0,
	  MAX64, 1, 1, MiB },
	{ "one byte too big", { R(MiB, MiB + 8192) }, 1, { { 0 } }, 0, WHOLE, 8193, 1, 0, MAX64, 0,
	  0, 0 },
	{ "size 0", { R(MiB, 2 * MiB) }, 1, { { 0 } }, 0, WHOLE, 0, 4096, 0, MAX64, 0, 0, 0 },
	{ "align 0", { R(MiB, 2 * MiB) }, 1, { { 0 } }, 0, WHOLE, 4096, 0, 0, MAX64, 0, 0, 0 },
	{ "align 3", { R(MiB, 2 * MiB) }, 1, { { 0 } }, 0, WHOLE, 4096, 3, 0, MAX64, 0, 0, 0 },
	{ "align 0x3000", { R(MiB, 2 * MiB) }, 1, { { 0 } }, 0, WHOLE, 4096, 0x3000, 0, MAX64, 1,
	  0, 0 },
	{ "no RAM", { RSV(MiB, 2 * MiB) }, 1, { { 0 } }, 0, WHOLE, 4096, 4096, 0, MAX64, 0, 0, 0 },
	{ "empty map", { { 0 } }, 0, { { 0 } }, 0, WHOLE, 4096, 4096, 0, MAX64, 0, 0, 0 },
	{ "reserved skipped", { RSV(MiB, 2 * MiB), R(2 * MiB, 3 * MiB) }, 2, { { 0 } }, 0, WHOLE,
	  4096, 4096, 0, MAX64, 0, 1, 2 * MiB },
	{ "lowest entry bottom-up", { R(8 * MiB, 9 * MiB), R(MiB, 2 * MiB), R(4 * MiB, 5 * MiB) }, 3,
	  { { 0 } }, 0, WHOLE, 4096, 4096, 0, MAX64, 0, 1, MiB },
	{ "highest entry top-down", { R(8 * MiB, 9 * MiB), R(MiB, 2 * MiB), R(4 * MiB, 5 * MiB) }, 3,
	  { { 0 } }, 0, WHOLE, 4096, 4096, 0, MAX64, 1, 1, 9 * MiB - 4096 },
	{ "first entry too small", { R(MiB, MiB + 4096), R(2 * MiB, 3 * MiB) }, 2, { { 0 } }, 0,
	  WHOLE, 8192, 4096, 0, MAX64, 0, 1, 2 * MiB },
	/* segments in the way */
	{ "segment at the bottom", { R(MiB, 2 * MiB) }, 1, { { MiB, 0x3000 } }, 1, WHOLE, 4096, 4096,
	  0, MAX64, 0, 1, MiB + 0x3000 },
	{ "segment at the top", { R(MiB, 2 * MiB) }, 1, { { 2 * MiB - 0x2000, 0x2000 } }, 1, WHOLE,
	  4096, 4096, 0, MAX64, 1, 1, 2 * MiB - 0x3000 },
	{ "chain of segments, listed high first", { R(MiB, 2 * MiB) }, 1,
	  { { MiB + 0x1000, 0x2000 }, { MiB, 0x1000 } }, 2, WHOLE, 4096, 4096, 0, MAX64, 0, 1,
	  MiB + 0x3000 },
	{ "chain top-down, listed low first", { R(MiB, 2 * MiB) }, 1,
	  { { 2 * MiB - 0x3000, 0x2000 }, { 2 * MiB - 0x1000, 0x1000 } }, 2, WHOLE, 4096, 4096, 0,
	  MAX64, 1, 1, 2 * MiB - 0x4000 },
	{ "gap too small between segments", { R(MiB, 2 * MiB) }, 1,
	  { { MiB, 0x1000 }, { MiB + 0x2000, MiB - 0x2000 } }, 2, WHOLE, 0x2000, 4096, 0, MAX64, 0,
	  0, 0 },
	{ "gap exactly big enough", { R(MiB, 2 * MiB) }, 1,
	  { { MiB, 0x1000 }, { MiB + 0x3000, MiB - 0x3000 } }, 2, WHOLE, 0x2000, 4096, 0, MAX64, 1,
	  1, MiB + 0x1000 },
	{ "segment inside another", { R(MiB, 2 * MiB) }, 1,
	  { { MiB, 0x10000 }, { MiB + 0x4000, 0x1000 } }, 2, WHOLE, 4096, 4096, 0, MAX64, 0, 1,
	  MiB + 0x10000 },
	{ "segment inside another, top-down", { R(MiB, 2 * MiB) }, 1,
	  { { 2 * MiB - 0x10000, 0x10000 }, { 2 * MiB - 0x4000, 0x1000 } }, 2, WHOLE, 4096, 4096, 0,
	  MAX64, 1, 1, 2 * MiB - 0x11000 },
	{ "identical segments", { R(MiB, 2 * MiB) }, 1, { { MiB, 0x1000 }, { MiB, 0x1000 } }, 2,
	  WHOLE, 4096, 4096, 0, MAX64, 0, 1, MiB + 0x1000 },
	{ "segment fills the entry, next entry used", { R(MiB, 2 * MiB), R(4 * MiB, 5 * MiB) }, 2,
	  { { MiB, MiB } }, 1, WHOLE, 4096, 4096, 0, MAX64, 0, 1, 4 * MiB },
	{ "segment fills the top entry, top-down", { R(MiB, 2 * MiB), R(4 * MiB, 5 * MiB) }, 2,
	  { { 4 * MiB, MiB } }, 1, WHOLE, 4096, 4096, 0, MAX64, 1, 1, 2 * MiB - 4096 },
	{ "aligned step over a segment", { R(0, 16 * MiB) }, 1, { { 2 * MiB, 4096 } }, 1, WHOLE,
	  4096, 2 * MiB, 2 * MiB, MAX64, 0, 1, 4 * MiB },
	{ "segment outside RAM is ignored", { R(MiB, 2 * MiB) }, 1, { { 8 * MiB, MiB } }, 1, WHOLE,
	  4096, 4096, 0, MAX64, 0, 1, MiB },
	/* lo/hi and the window */
	{ "lo/hi inside an entry", { R(0, 4 * GiB) }, 1, { { 0 } }, 0, WHOLE, MiB, MiB, 16 * MiB,
	  32 * MiB, 1, 1, 31 * MiB },
	{ "lo/hi inside an entry, bottom-up", { R(0, 4 * GiB) }, 1, { { 0 } }, 0, WHOLE, MiB, MiB,
	  16 * MiB + 1, 32 * MiB, 0, 1, 17 * MiB },
	{ "lo == hi", { R(0, 4 * GiB) }, 1, { { 0 } }, 0, WHOLE, 4096, 4096, 16 * MiB, 16 * MiB, 0,
	  0, 0 },
	{ "lo > hi", { R(0, 4 * GiB) }, 1, { { 0 } }, 0, WHOLE, 4096, 4096, 32 * MiB, 16 * MiB, 1, 0,
	  0 },
	{ "window min", { R(0, 4 * GiB) }, 1, { { 0 } }, 0, { 64 * MiB, MAX64 }, 4096, 4096, 0, MAX64,
	  0, 1, 64 * MiB },
	{ "window max", { R(0, 4 * GiB) }, 1, { { 0 } }, 0, { 0, 64 * MiB }, 4096, 4096, 0, MAX64, 1,
	  1, 64 * MiB - 4096 },
	{ "window and lo/hi disjoint", { R(0, 4 * GiB) }, 1, { { 0 } }, 0, { 0, 64 * MiB }, 4096,
	  4096, 128 * MiB, MAX64, 0, 0, 0 },
	{ "empty window {0, 0}", { R(0, 4 * GiB) }, 1, { { 0 } }, 0, { 0, 0 }, 4096, 4096, 0, MAX64,
	  0, 0, 0 },
	/* the top of the address space: no wrap-around */
	{ "top-down at 2^64", { R(0xffffffff00000000ull, MAX64) }, 1, { { 0 } }, 0, WHOLE, 4096,
	  4096, 0, MAX64, 1, 1, 0xffffffffffffe000ull },
	{ "bottom-up near 2^64", { R(0xffffffffffffe000ull, MAX64) }, 1, { { 0 } }, 0, WHOLE, 4096,
	  4096, 0, MAX64, 0, 1, 0xffffffffffffe000ull },
	{ "too big near 2^64", { R(0xffffffffffffe000ull, MAX64) }, 1, { { 0 } }, 0, WHOLE, 8192,
	  4096, 0, MAX64, 0, 0, 0 },
	{ "align 2^63 wraps bottom-up", { R(0x8000000000000001ull, MAX64) }, 1, { { 0 } }, 0, WHOLE,
	  4096, 1ull << 63, 0, MAX64, 0, 0, 0 },
	{ "align 2^63 below start top-down", { R(0x8000000000000001ull, MAX64) }, 1, { { 0 } }, 0,
	  WHOLE, 4096, 1ull << 63, 0, MAX64, 1, 0, 0 },
	{ "align 2^63 fits", { R(0x7fffffffffff0000ull, MAX64) }, 1, { { 0 } }, 0, WHOLE, 4096,
	  1ull << 63, 0, MAX64, 0, 1, 1ull << 63 },
	{ "size 2^64-1", { R(0, MAX64) }, 1, { { 0 } }, 0, WHOLE, MAX64, 1, 0, MAX64, 1, 1, 0 },
	{ "size 2^64-1, align 2, lo 1", { R(0, MAX64) }, 1, { { 0 } }, 0, WHOLE, MAX64, 2, 1, MAX64,
	  0, 0, 0 },
	{ "size 2^64-1, align 2", { R(0, MAX64) }, 1, { { 0 } }, 0, WHOLE, MAX64, 2, 0, MAX64, 0, 1,
	  0 },
	{ "segment ending at 2^64-4096, bottom-up", { R(0xffffffffffff0000ull, MAX64) }, 1,
	  { { 0xffffffffffff0000ull, 0xf000 } }, 1, WHOLE, 4096, 4096, 0, MAX64, 0, 0, 0 },
	{ "segment at the top, top-down", { R(0xffffffffffff0000ull, MAX64) }, 1,
	  { { 0xfffffffffffff000ull, 0xfff } }, 1, WHOLE, 4096, 4096, 0, MAX64, 1, 1,
	  0xffffffffffffe000ull },
	{ "hi below size (no underflow)", { R(0, MiB) }, 1, { { 0 } }, 0, WHOLE, 8192, 4096, 0,
	  4096, 1, 0, 0 },
	{ "segment at 0, top-down (no underflow)", { R(0, 0x3000) }, 1, { { 0x1000, 0x1000 } }, 1,
	  WHOLE, 0x1000, 0x1000, 0, MAX64, 1, 1, 0x2000 },
	{ "segments everywhere, top-down down to 0", { R(0, 0x3000) }, 1,
	  { { 0x2000, 0x1000 }, { 0x1000, 0x1000 } }, 2, WHOLE, 0x1000, 0x1000, 0, MAX64, 1, 1, 0 },
	{ "segments everywhere", { R(0, 0x3000) }, 1,
	  { { 0x2000, 0x1000 }, { 0x1000, 0x1000 }, { 0, 0x1000 } }, 3, WHOLE, 0x1000, 0x1000, 0,
	  MAX64, 1, 0, 0 },
};

TEST(plan_find_table)
{
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(find_rows); r++) {
		const struct find_row *row = &find_rows[r];
		struct kx_memmap m;
		struct kx_plan p;
		uint64_t at = 0x5a5a5a5a5a5a5a5aull;
		int found;

		T_ROW("%s", row->name);
		if (!CHECK(mm_set(&m, row->map, row->nmap)))
			continue;
		plan_with(&p, row->segs, row->nsegs);
		found = find(&p, &m, row->w, row->size, row->align, row->lo, row->hi,
				     row->top_down, &at);
		if (!CHECK_EQ(found, row->found))
			continue;
		if (found) {
			CHECK_EQ(at, row->at);
		} else {
			CHECK_EQ(at, 0x5a5a5a5a5a5a5a5aull); /* untouched */
		}
	}
}

static unsigned rnd(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) & 0xffffff;
}

/* Whatever find returns is aligned, inside RAM, [lo, hi), the window, and free. */
TEST(plan_find_properties)
{
	static const struct mm_ent map[] = {
		R(0, 0x9f000), RSV(0x9f000, 0x100000), R(0x100000, 0x3000000),
		RSV(0x3000000, 0x3100000), R(0x3100000, 0x8000000),
	};
	struct kx_memmap m;
	struct kx_plan p;
	unsigned seed = 12345, iter, bad = 0, nfound = 0;

	REQUIRE(mm_set(&m, map, T_ARRAY_SIZE(map)));
	for (iter = 0; iter < 20000 && bad < 3; iter++) {
		uint64_t size, align, lo, hi, at;
		struct kx_window w;
		unsigned i, nseg;
		int td;

		memset(&p, 0, sizeof(p));
		nseg = rnd(&seed) % 8;
		for (i = 0; i < nseg; i++) {
			uint64_t mem = (uint64_t)(rnd(&seed) % 0x8000) * 4096;
			kx_plan_add(&p, "s", "t", 0, 0, mem, (uint64_t)(rnd(&seed) % 64 + 1) * 4096);
		}
		size = (uint64_t)(rnd(&seed) % 0x400 + 1) * 512;
		align = 1ull << (rnd(&seed) % 23);
		lo = (uint64_t)(rnd(&seed) % 0x8000) * 4096;
		hi = lo + (uint64_t)(rnd(&seed) % 0x8000) * 4096;
		w.min = 0;
		if (rnd(&seed) % 4 == 0)
			w.min = (uint64_t)(rnd(&seed) % 0x4000) * 4096;
		w.max = MAX64;
		if (rnd(&seed) % 4 == 0)
			w.max = w.min + (uint64_t)(rnd(&seed) % 0x8000) * 4096;
		td = rnd(&seed) % 2;
		if (!find(&p, &m, w, size, align, lo, hi, td, &at))
			continue;
		nfound++;
		T_ROW("iteration %u: size 0x%llx align 0x%llx lo 0x%llx hi 0x%llx td %d -> 0x%llx",
		      iter, (unsigned long long)size, (unsigned long long)align,
		      (unsigned long long)lo, (unsigned long long)hi, td, (unsigned long long)at);
		if (at % align || at < lo || at + size > hi || at < w.min || at + size > w.max)
			bad++, CHECK(!"outside the asked bounds");
		for (i = 0; i < m.n; i++)
			if (m.e[i].type == KX_MEM_RAM && m.e[i].start <= at && at + size <= m.e[i].end)
				break;
		if (i == m.n)
			bad++, CHECK(!"not inside one RAM entry");
		for (i = 0; i < p.nseg; i++)
			if (at < p.seg[i].mem + p.seg[i].memsz && p.seg[i].mem < at + size)
				bad++, CHECK(!"overlaps a segment");
	}
	T_ROW_CLEAR();
	CHECK(nfound > 1000); /* the random cases did exercise the found path */
}

/* Brute force over every aligned candidate, for a small address space:
 * the same contract as kx_plan_place (inside one RAM entry). */
static int ref_find(const struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
		    uint64_t size, uint64_t align, uint64_t lo, uint64_t hi, int top_down,
		    uint64_t limit, uint64_t *out)
{
	uint64_t c;
	int found = 0;
	unsigned i;

	if (!size || !align || (align & (align - 1)))
		return 0;
	if (lo < w.min)
		lo = w.min;
	if (hi > w.max)
		hi = w.max;
	if (hi > limit)
		hi = limit;
	for (c = (lo + align - 1) & ~(align - 1); c < hi && hi - c >= size; c += align) {
		int ok = 0;
		for (i = 0; i < m->n && !ok; i++)
			ok = m->e[i].type == KX_MEM_RAM && m->e[i].start <= c &&
			     c + size <= m->e[i].end;
		for (i = 0; i < p->nseg && ok; i++)
			ok = !(c < p->seg[i].mem + p->seg[i].memsz && p->seg[i].mem < c + size);
		if (ok) {
			*out = c;
			found = 1;
			if (!top_down)
				break;
		}
	}
	return found;
}

TEST(plan_find_matches_reference)
{
	static const struct mm_ent map[] = {
		R(0, 0x9f000), RSV(0x9f000, 0x100000), R(0x100000, 0x600000),
		RSV(0x600000, 0x610000), R(0x610000, 0x1000000),
	};
	const uint64_t space = 0x1000000;
	struct kx_memmap m;
	struct kx_plan p;
	unsigned seed = 777, iter, bad = 0, nfound = 0;

	REQUIRE(mm_set(&m, map, T_ARRAY_SIZE(map)));
	for (iter = 0; iter < 1500 && bad < 3; iter++) {
		uint64_t size, align, lo, hi, got = 0, want = 0;
		struct kx_window w = { 0, MAX64 };
		unsigned i, nseg;
		int td, f1, f2;

		memset(&p, 0, sizeof(p));
		nseg = rnd(&seed) % (KX_MAX_SEGMENTS + 1);
		for (i = 0; i < nseg; i++) {
			uint64_t mem = (uint64_t)(rnd(&seed) % (space / 4096)) * 4096;
			kx_plan_add(&p, "s", "t", 0, 0, mem, (uint64_t)(rnd(&seed) % 256) * 4096);
		}
		size = (uint64_t)(rnd(&seed) % (64 * 4096)) + 1;
		align = 4096ull << (rnd(&seed) % 10);
		lo = rnd(&seed) % 2 ? 0 : (uint64_t)(rnd(&seed) % (space / 4096)) * 4096;
		hi = rnd(&seed) % 2 ? MAX64 : lo + (uint64_t)(rnd(&seed) % (space / 4096)) * 4096;
		if (rnd(&seed) % 4 == 0)
			w.min = (uint64_t)(rnd(&seed) % (space / 4096)) * 4096;
		if (rnd(&seed) % 4 == 0)
			w.max = w.min + (uint64_t)(rnd(&seed) % (space / 4096)) * 4096;
		td = rnd(&seed) % 2;
		f1 = find(&p, &m, w, size, align, lo, hi, td, &got);
		f2 = ref_find(&p, &m, w, size, align, lo, hi, td, 2 * space, &want);
		nfound += f2;
		if (f1 != f2 || (f1 && got != want)) {
			T_ROW("iteration %u: %u segs, size 0x%llx align 0x%llx lo 0x%llx hi 0x%llx "
			      "w [0x%llx, 0x%llx) td %d", iter, nseg, (unsigned long long)size,
			      (unsigned long long)align, (unsigned long long)lo, (unsigned long long)hi,
			      (unsigned long long)w.min, (unsigned long long)w.max, td);
			CHECK_EQ(f1, f2);
			if (f1 && f2)
				CHECK_EQ(got, want);
			bad++;
		}
	}
	T_ROW_CLEAR();
	CHECK(nfound > 300);
}

/* 16 segments each in the way: find still walks past all of them. */
TEST(plan_find_past_many_segments)
{
	struct kx_memmap m;
	struct kx_plan p;
	uint64_t at = 0;
	unsigned i;

	memset(&m, 0, sizeof(m));
	kx_memmap_add(&m, MiB, 2 * MiB, KX_MEM_RAM);
	memset(&p, 0, sizeof(p));
	/* 4 KiB segments with 4 KiB gaps: an 8 KiB request fits only after them */
	for (i = 0; i < KX_MAX_SEGMENTS; i++)
		kx_plan_add(&p, "s", "t", 0, 0, MiB + i * 0x2000ull, 0x1000);
	T_ROW("bottom-up");
	if (CHECK(find(&p, &m, (struct kx_window){ 0, MAX64 }, 0x2000, 0x1000, 0, MAX64, 0,
			       &at)))
		CHECK_EQ(at, MiB + KX_MAX_SEGMENTS * 0x2000ull - 0x1000);
	/* the same, mirrored, from the top */
	memset(&p, 0, sizeof(p));
	for (i = 0; i < KX_MAX_SEGMENTS; i++)
		kx_plan_add(&p, "s", "t", 0, 0, 2 * MiB - 0x1000 - i * 0x2000ull, 0x1000);
	T_ROW("top-down");
	if (CHECK(find(&p, &m, (struct kx_window){ 0, MAX64 }, 0x2000, 0x1000, 0, MAX64, 1,
			       &at)))
		CHECK_EQ(at, 2 * MiB - KX_MAX_SEGMENTS * 0x2000ull - 0x1000);
}

/* ---- kx_plan_add ------------------------------------------------------------ */

TEST(plan_add_fills_and_limits)
{
	struct kx_plan p;
	static const char data[] = "hello";
	struct kx_err err;
	unsigned i;

	memset(&p, 0, sizeof(p));
	CHECK_OK(kx_plan_add(&p, "kernel", "vmlinuz", data, sizeof(data), 0x100000, 0x1000));
	CHECK_EQ(p.nseg, 1);
	CHECK(p.seg[0].buf == data);
	CHECK_EQ(p.seg[0].bufsz, sizeof(data));
	CHECK_EQ(p.seg[0].mem, 0x100000);
	CHECK_EQ(p.seg[0].memsz, 0x1000);
	CHECK_STR(p.seg[0].purpose, "kernel");
	CHECK_STR(p.seg[0].source, "vmlinuz");
	CHECK_EQ(p.seg[0].digest, 0);
	CHECK_EQ(p.seg[0].verify, 1);
	for (i = 1; i < KX_MAX_SEGMENTS; i++)
		CHECK_OK(kx_plan_add(&p, "x", "y", 0, 0, i * 0x1000ull, 0x1000));
	CHECK_EQ(p.nseg, KX_MAX_SEGMENTS);
	err = kx_plan_add(&p, "one too many", "y", 0, 0, 0x100000000ull, 0x1000);
	if (CHECK_ERR(err, KX_E_TOO_MANY_SEGMENTS)) {
		CHECK_EQ(err.a, KX_MAX_SEGMENTS + 1);
		CHECK_EQ(err.b, KX_MAX_SEGMENTS);
		CHECK_STR(err.what, "one too many");
	}
	CHECK_EQ(p.nseg, KX_MAX_SEGMENTS);
}

/* ---- kx_plan_validate ------------------------------------------------------- */

struct vseg { uint64_t mem, memsz, bufsz; };

struct validate_row {
	const char *name;
	struct mm_ent map[3];
	unsigned nmap;
	struct vseg segs[4];
	unsigned nsegs;
	enum kx_errcode want;
	int check_ab;
	uint64_t a, b;
};

#define RAM1G { R(0, GiB) }, 1

static const struct validate_row validate_rows[] = {
	{ "empty plan", RAM1G, { { 0 } }, 0, KX_OK, 0, 0, 0 },
	{ "two segments", RAM1G, { { MiB, 0x2000, 0x1800 }, { 16 * MiB, MiB, MiB } }, 2, KX_OK, 0, 0,
	  0 },
	{ "adjacent segments", RAM1G, { { MiB, 0x1000, 1 }, { MiB + 0x1000, 0x1000, 1 } }, 2, KX_OK, 0,
	  0, 0 },
	{ "bufsz 0", RAM1G, { { MiB, 0x1000, 0 } }, 1, KX_OK, 0, 0, 0 },
	{ "memsz 0", RAM1G, { { MiB, 0, 0 } }, 1, KX_OK, 0, 0, 0 },
	{ "mem unaligned", RAM1G, { { MiB, 0x1000, 0 }, { MiB + 0x2001, 0x1000, 0 } }, 2,
	  KX_E_SEG_ALIGN, 1, 1, MiB + 0x2001 },
	{ "mem unaligned by 2048", RAM1G, { { MiB + 2048, 0x1000, 0 } }, 1, KX_E_SEG_ALIGN, 1, 0,
	  MiB + 2048 },
	{ "memsz unaligned", RAM1G, { { MiB, 0x1001, 0 } }, 1, KX_E_SEG_ALIGN, 1, 0, MiB + 0x1001 },
	{ "bufsz > memsz", RAM1G, { { MiB, 0x1000, 0x1001 } }, 1, KX_E_SEG_BUFSZ, 1, 0, 0x1001 },
	{ "wraps", { R(0, MAX64) }, 1, { { 0xfffffffffffff000ull, 0x2000, 0 } }, 1, KX_E_SEG_WRAP, 1,
	  0, 0xfffffffffffff000ull },
	{ "ends exactly at 2^64", { R(0, MAX64) }, 1, { { 0xfffffffffffff000ull, 0x1000, 0 } }, 1,
	  KX_E_SEG_WRAP, 0, 0, 0 },
	{ "memsz 2^64-4096 at 0x2000", { R(0, MAX64) }, 1, { { 0x2000, 0xfffffffffffff000ull, 0 } },
	  1, KX_E_SEG_WRAP, 0, 0, 0 },
	{ "overlap", RAM1G, { { MiB, 0x3000, 0 }, { MiB + 0x2000, 0x2000, 0 } }, 2, KX_E_SEG_OVERLAP,
	  1, 0, 1 },
	{ "overlap, later first", RAM1G, { { MiB + 0x2000, 0x2000, 0 }, { MiB, 0x3000, 0 } }, 2,
	  KX_E_SEG_OVERLAP, 1, 0, 1 },
	{ "one inside another", RAM1G, { { MiB, 0x10000, 0 }, { MiB + 0x4000, 0x1000, 0 } }, 2,
	  KX_E_SEG_OVERLAP, 1, 0, 1 },
	{ "identical", RAM1G, { { MiB, 0x1000, 0 }, { MiB, 0x1000, 0 } }, 2, KX_E_SEG_OVERLAP, 1, 0,
	  1 },
	{ "overlap of 3rd with 1st", RAM1G,
	  { { MiB, 0x1000, 0 }, { 2 * MiB, 0x1000, 0 }, { MiB, 0x1000, 0 } }, 3, KX_E_SEG_OVERLAP, 1,
	  0, 2 },
	{ "not in RAM", { R(0, GiB), RSV(GiB, 2 * GiB) }, 2, { { GiB, 0x1000, 0 } }, 1,
	  KX_E_SEG_NOT_RAM, 1, 0, GiB },
	{ "beyond the map", RAM1G, { { 2 * GiB, 0x1000, 0 } }, 1, KX_E_SEG_NOT_RAM, 0, 0, 0 },
	{ "runs past the end of RAM", RAM1G, { { GiB - 0x1000, 0x2000, 0 } }, 1, KX_E_SEG_NOT_RAM, 0,
	  0, 0 },
	{ "RAM then reserved", { R(0, GiB), RSV(GiB, 2 * GiB) }, 2, { { GiB - 0x1000, 0x2000, 0 } },
	  1, KX_E_SEG_NOT_RAM, 0, 0, 0 },
	{ "spans two adjacent RAM entries", { R(0, GiB), R(GiB, 2 * GiB) }, 2,
	  { { GiB - 0x1000, 0x2000, 0x2000 } }, 1, KX_OK, 0, 0, 0 },
	{ "spans three adjacent RAM entries", { R(0, GiB), R(GiB, GiB + 0x1000), R(GiB + 0x1000, 2 * GiB) },
	  3, { { GiB - 0x1000, 0x3000, 0 } }, 1, KX_OK, 0, 0, 0 },
	{ "spans RAM entries with a gap", { R(0, GiB), R(GiB + 0x1000, 2 * GiB) }, 2,
	  { { GiB - 0x1000, 0x3000, 0 } }, 1, KX_E_SEG_NOT_RAM, 0, 0, 0 },
	{ "no RAM at all", { RSV(0, GiB) }, 1, { { MiB, 0x1000, 0 } }, 1, KX_E_SEG_NOT_RAM, 0, 0, 0 },
	{ "exactly half of RAM", RAM1G, { { 0, GiB / 2, 0 } }, 1, KX_OK, 0, 0, 0 },
	{ "one page more than half", RAM1G, { { 0, GiB / 2 + 0x1000, 0 } }, 1, KX_E_SEG_TOO_BIG, 1,
	  GiB / 2 + 0x1000, GiB / 2 },
	{ "together more than half", RAM1G,
	  { { 0, GiB / 4, 0 }, { GiB / 4, GiB / 4, 0 }, { GiB / 2, 0x1000, 0 } }, 3,
	  KX_E_SEG_TOO_BIG, 1, GiB / 2 + 0x1000, GiB / 2 },
	{ "half counts only RAM", { R(0, GiB), RSV(GiB, 4 * GiB) }, 2, { { 0, GiB / 2 + 0x1000, 0 } },
	  1, KX_E_SEG_TOO_BIG, 0, 0, 0 },
	/* checks in order: alignment before wrap before bufsz before RAM */
	{ "unaligned and not in RAM", RAM1G, { { 2 * GiB + 1, 0x1000, 0 } }, 1, KX_E_SEG_ALIGN, 0, 0,
	  0 },
	{ "bufsz and not in RAM", RAM1G, { { 2 * GiB, 0x1000, 0x2000 } }, 1, KX_E_SEG_BUFSZ, 0, 0, 0 },
};

TEST(plan_validate_table)
{
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(validate_rows); r++) {
		const struct validate_row *row = &validate_rows[r];
		struct kx_memmap m;
		struct kx_plan p;
		struct kx_err err;
		unsigned i;

		T_ROW("%s", row->name);
		if (!CHECK(mm_set(&m, row->map, row->nmap)))
			continue;
		memset(&p, 0, sizeof(p));
		for (i = 0; i < row->nsegs; i++) {
			kx_plan_add(&p, "seg", "test", 0, row->segs[i].bufsz, row->segs[i].mem,
				    row->segs[i].memsz);
		}
		err = kx_plan_validate(&p, &m);
		if (CHECK_ERR(err, row->want) && row->check_ab) {
			CHECK_EQ(err.a, row->a);
			CHECK_EQ(err.b, row->b);
		}
		/* too big: one segment is named; the sum names none */
		if (err.code == KX_E_SEG_TOO_BIG)
			CHECK_STR(err.what, strstr(row->name, "together") ? 0 : "seg");
	}
}

TEST(plan_validate_segment_count)
{
	struct kx_memmap m;
	struct kx_plan p;
	struct kx_err err;
	unsigned i;

	memset(&m, 0, sizeof(m));
	kx_memmap_add(&m, 0, GiB, KX_MEM_RAM);
	memset(&p, 0, sizeof(p));
	for (i = 0; i < KX_MAX_SEGMENTS; i++)
		kx_plan_add(&p, "s", "t", 0, 0x1000, MiB + i * 0x1000ull, 0x1000);
	T_ROW("16 segments");
	CHECK_OK(kx_plan_validate(&p, &m));
	/* a plan claiming more than it can hold is refused before it is read */
	p.nseg = KX_MAX_SEGMENTS + 1;
	T_ROW("17 segments");
	err = kx_plan_validate(&p, &m);
	if (CHECK_ERR(err, KX_E_TOO_MANY_SEGMENTS)) {
		CHECK_EQ(err.a, KX_MAX_SEGMENTS + 1);
		CHECK_EQ(err.b, KX_MAX_SEGMENTS);
	}
	p.nseg = 0xffffffffu;
	T_ROW("2^32-1 segments");
	CHECK_ERR(kx_plan_validate(&p, &m), KX_E_TOO_MANY_SEGMENTS);
}

/* ---- kx_plan_add_purgatory -------------------------------------------------- */

#define BLOB_LEN 1500
#define BLOB_MEMSZ (3 * 4096 + 100)

/* A synthetic purgatory blob: code bytes, header, garbage params, trailer. */
static void make_blob(uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 29 + 1);
	kx_put32(b + 16, KX_PURG_MAGIC);
	kx_put16(b + 20, KX_PURG_VERSION);
	kx_put16(b + 22, KX_PURG_HDR_SIZE);
	kx_put32(b + 24, BLOB_MEMSZ);
	kx_put32(b + 28, KX_PURG_ARCH_NATIVE);
	memset(b + KX_PURG_PARAMS_OFF, 0xee, KX_PURG_PARAMS_SIZE);
}

static uint8_t seg_data[4][9000];

/* kernel, initrd, boot params, plus a non-verified and an empty segment */
static void purg_plan(struct kx_plan *p)
{
	unsigned i, j;

	for (i = 0; i < 4; i++)
		for (j = 0; j < sizeof(seg_data[i]); j++)
			seg_data[i][j] = (uint8_t)(i * 101 + j * 7);
	memset(p, 0, sizeof(*p));
	kx_plan_add(p, "kernel", "k", seg_data[0], 9000, 16 * MiB, 8 * MiB);
	kx_plan_add(p, "initrd", "i", seg_data[1], 8192, 0x7f000000, 8192);
	kx_plan_add(p, "boot-params", "built", seg_data[2], 4200, 0x100000, 8192);
	kx_plan_add(p, "unverified", "x", seg_data[3], 100, 0x200000, 4096);
	p->seg[3].verify = 0;
	kx_plan_add(p, "empty", "x", 0, 0, 0x300000, 4096);
	p->target = 16 * MiB + 0x200;
	p->entry_mode = KX_PURG_ENTRY_64;
	for (i = 0; i < KX_PURG_NREGS; i++)
		p->regs[i] = 0x1111111111111111ull * (i + 1);
	p->regs_used = 0xff;
}

static void std_ram(struct kx_memmap *m)
{
	memset(m, 0, sizeof(*m));
	kx_memmap_add(m, 0, 0x9f000, KX_MEM_RAM);
	kx_memmap_add(m, MiB, 2 * GiB, KX_MEM_RAM);
	kx_memmap_add(m, 4 * GiB, 8 * GiB, KX_MEM_RAM);
}

TEST(plan_purgatory_params)
{
	static const uint32_t flag_rows[] = { KX_PURG_VERIFY, KX_PURG_VERIFY | KX_PURG_VERBOSE, 0,
					      KX_PURG_VERBOSE };
	static uint8_t blob[BLOB_LEN];
	static _Alignas(16) uint8_t out[4096];
	size_t r;

	make_blob(blob, sizeof(blob));
	for (r = 0; r < T_ARRAY_SIZE(flag_rows); r++) {
		uint32_t flags = flag_rows[r];
		struct kx_memmap m;
		struct kx_plan p;
		const struct kx_purg_params *pp = (const void *)(out + KX_PURG_PARAMS_OFF);
		const struct kx_segment *s;
		unsigned i, k;

		std_ram(&m);
		purg_plan(&p);
		p.serial_baud = r == 1 ? 57600 : 0; /* --serial-baud reaches the params */
		memset(out, 0xcc, sizeof(out));
		T_ROW("flags 0x%x", flags);
		if (!CHECK_OK(kx_plan_add_purgatory(&p, &m, (struct kx_window){ 0, MAX64 }, blob,
						    sizeof(blob), out, sizeof(out), flags, 0x2f8)))
			continue;
		CHECK_EQ(p.nseg, 6);
		s = &p.seg[5];
		CHECK_STR(s->purpose, "purgatory");
		CHECK(s->buf == out);
		CHECK_EQ(s->bufsz, sizeof(blob));
		CHECK_EQ(s->memsz, align_up_u64(BLOB_MEMSZ, 4096));
		CHECK_EQ(s->mem % 4096, 0);
		CHECK(s->mem >= MiB && s->mem + s->memsz <= 4 * GiB);
		CHECK_EQ(s->verify, 0);
		CHECK_EQ(p.entry, s->mem);
		/* the blob is copied; only the params change */
		CHECK_MEM(out, blob, KX_PURG_PARAMS_OFF);
		CHECK_MEM(out + KX_PURG_HDR_SIZE, blob + KX_PURG_HDR_SIZE, sizeof(blob) - KX_PURG_HDR_SIZE);
		CHECK_EQ(out[sizeof(blob)], 0xcc); /* nothing past the blob */
		CHECK_EQ(pp->magic, KX_PURG_MAGIC);
		CHECK_EQ(pp->version, KX_PURG_VERSION);
		CHECK_EQ(pp->serial_port, 0x2f8);
		CHECK_EQ(pp->flags, flags);
		CHECK_EQ(pp->entry_mode, KX_PURG_ENTRY_64);
		CHECK_EQ(pp->digest_alg, KX_DIGEST_XXH64);
		CHECK_EQ(pp->entry, p.target);
		for (i = 0; i < KX_PURG_NREGS; i++)
			CHECK_EQ(pp->regs[i], p.regs[i]);
		CHECK_EQ(pp->reserved[0] | pp->reserved[1], 0);
		CHECK_EQ(pp->serial_baud, r == 1 ? 57600 : 0);
		CHECK_EQ(pp->reserved2, 0);
		/* a range for each verified segment with bytes: kernel, initrd, boot params */
		CHECK_EQ(pp->nranges, 3);
		for (i = 0, k = 0; i < 5 && k < KX_PURG_MAX_RANGES; i++) {
			const struct kx_segment *v = &p.seg[i];
			uint64_t want;
			if (!v->verify || !v->bufsz) {
				CHECK_EQ(v->digest, 0);
				continue;
			}
			want = flags & KX_PURG_VERIFY ? kx_xxh64(v->buf, v->bufsz, 0) : 0;
			T_ROW("flags 0x%x, range %u (%s)", flags, k, v->purpose);
			CHECK_EQ(pp->ranges[k].start, v->mem);
			CHECK_EQ(pp->ranges[k].len, v->bufsz);
			CHECK_EQ(pp->ranges[k].digest, want);
			CHECK_EQ(v->digest, want);
			k++;
		}
		T_ROW("flags 0x%x", flags);
		for (; k < KX_PURG_MAX_RANGES; k++) /* the rest is zero, not the blob's garbage */
			CHECK_EQ(pp->ranges[k].start | pp->ranges[k].len | pp->ranges[k].digest, 0);
		CHECK_OK(kx_plan_validate(&p, &m));
	}
}

struct purg_err_row {
	const char *name;
	size_t off;        /* patch at off (width bytes), unless width 0 */
	unsigned width;
	uint32_t val;
	size_t bloblen;    /* 0: BLOB_LEN */
	size_t buflen;     /* 0: 4096 */
	enum kx_errcode want;
	const char *what;  /* err.what, exactly */
	uint64_t fault;    /* KX_E_PURGATORY: err.a */
};

static const struct purg_err_row purg_err_rows[] = {
	{ "valid", 0, 0, 0, 0, 0, KX_OK, 0, 0 },
	{ "empty", 0, 0, 0, 1, 0, KX_E_PURGATORY, 0, KX_PG_SHORT },
	{ "header cut", 0, 0, 0, KX_PURG_HDR_SIZE - 1, 0, KX_E_PURGATORY, 0, KX_PG_SHORT },
	{ "header only", 0, 0, 0, KX_PURG_HDR_SIZE, 0, KX_OK, 0, 0 },
	{ "bad magic", 16, 4, 0x4750584c, 0, 0, KX_E_PURGATORY, 0, KX_PG_MAGIC },
	{ "magic byte-swapped", 16, 4, 0x4b585047, 0, 0, KX_E_PURGATORY, 0, KX_PG_MAGIC },
	{ "version 0", 20, 2, 0, 0, 0, KX_E_PURGATORY, 0, KX_PG_VERSION },
	{ "version 2", 20, 2, 2, 0, 0, KX_E_PURGATORY, 0, KX_PG_VERSION },
	{ "hdr_size - 1", 22, 2, KX_PURG_HDR_SIZE - 1, 0, 0, KX_E_PURGATORY, 0, KX_PG_HDR_SIZE },
	{ "hdr_size + 8", 22, 2, KX_PURG_HDR_SIZE + 8, 0, 0, KX_E_PURGATORY, 0, KX_PG_HDR_SIZE },
	{ "hdr_size 0", 22, 2, 0, 0, 0, KX_E_PURGATORY, 0, KX_PG_HDR_SIZE },
	{ "memsz < file", 24, 4, BLOB_LEN - 1, 0, 0, KX_E_PURGATORY, 0, KX_PG_MEMSZ_SMALL },
	{ "memsz == file", 24, 4, BLOB_LEN, 0, 0, KX_OK, 0, 0 },
	{ "memsz 4 GiB - 1: no room below 4 GiB", 24, 4, 0xffffffff, 0, 0, KX_E_NO_SPACE,
	  "purgatory", 0 },
	{ "buffer too small", 0, 0, 0, 0, BLOB_LEN - 1, KX_E_SCRATCH, "purgatory", 0 },
	{ "buffer exactly the blob", 0, 0, 0, 0, BLOB_LEN, KX_OK, 0, 0 },
};

TEST(plan_purgatory_errors)
{
	static uint8_t blob[BLOB_LEN];
	static _Alignas(16) uint8_t out[4096];
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(purg_err_rows); r++) {
		const struct purg_err_row *row = &purg_err_rows[r];
		size_t bloblen = row->bloblen ? row->bloblen : BLOB_LEN;
		size_t buflen = row->buflen ? row->buflen : sizeof(out);
		struct kx_memmap m;
		struct kx_plan p;
		struct kx_err err;
		uint8_t *exact;

		T_ROW("%s", row->name);
		make_blob(blob, sizeof(blob));
		if (row->width == 2)
			kx_put16(blob + row->off, (uint16_t)row->val);
		else if (row->width == 4)
			kx_put32(blob + row->off, row->val);
		if (row->bloblen == 1)
			bloblen = 0;
		exact = dup_exact(blob, bloblen);
		std_ram(&m);
		purg_plan(&p);
		err = kx_plan_add_purgatory(&p, &m, (struct kx_window){ 0, MAX64 }, exact, bloblen,
					    out, buflen, KX_PURG_VERIFY, 0);
		if (CHECK_ERR(err, row->want) && row->want != KX_OK) {
			CHECK_STR(err.what, row->what);
			if (row->want == KX_E_PURGATORY) {
				CHECK_EQ(err.a, row->fault);
				CHECK_EQ(err.b, row->width ? row->val : bloblen); /* the value found */
			}
		}
		if (err.code == KX_OK) {
			CHECK_EQ(p.nseg, 6);
			CHECK_OK(kx_plan_validate(&p, &m));
		} else {
			CHECK_EQ(p.nseg, 5);
			CHECK_EQ(p.entry, 0);
		}
		free(exact);
	}
}

/* The purgatory goes below 4 GiB and at or above 1 MiB, inside the window. */
TEST(plan_purgatory_placement)
{
	static const struct {
		const char *name; struct mm_ent map[3]; unsigned nmap; struct kx_window w;
		enum kx_errcode want; uint64_t at;
	} rows[] = {
		{ "lowest free RAM from 1 MiB", { R(0, 0x9f000), R(MiB, 2 * GiB) }, 2, { 0, MAX64 },
		  KX_OK, 0x101000 },
		{ "no RAM below 4 GiB", { R(0, 0x9f000), R(4 * GiB, 8 * GiB) }, 2, { 0, MAX64 },
		  KX_E_NO_SPACE, 0 },
		{ "only RAM below 1 MiB", { R(0, MiB), R(4 * GiB, 8 * GiB) }, 2, { 0, MAX64 },
		  KX_E_NO_SPACE, 0 },
		{ "window above 4 GiB", { R(MiB, 8 * GiB) }, 1, { 4 * GiB, MAX64 }, KX_E_NO_SPACE, 0 },
		{ "window low end", { R(MiB, 2 * GiB) }, 1, { 64 * MiB, MAX64 }, KX_OK, 64 * MiB },
		{ "RAM ends just below 4 GiB", { R(4 * GiB - 0x10000, 4 * GiB) }, 1, { 0, MAX64 }, KX_OK,
		  4 * GiB - 0x10000 },
	};
	static uint8_t blob[BLOB_LEN];
	static _Alignas(16) uint8_t out[4096];
	size_t r;

	make_blob(blob, sizeof(blob));
	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct kx_memmap m;
		struct kx_plan p;
		struct kx_err err;

		T_ROW("%s", rows[r].name);
		if (!CHECK(mm_set(&m, rows[r].map, rows[r].nmap)))
			continue;
		memset(&p, 0, sizeof(p));
		kx_plan_add(&p, "boot-params", "built", seg_data[0], 100, MiB, 4096);
		err = kx_plan_add_purgatory(&p, &m, rows[r].w, blob, sizeof(blob), out, sizeof(out),
					    0, 0);
		if (CHECK_ERR(err, rows[r].want) && err.code == KX_OK) {
			CHECK_EQ(p.seg[p.nseg - 1].mem, rows[r].at);
			CHECK_EQ(p.entry, rows[r].at);
		}
		if (err.code == KX_E_NO_SPACE) {
			CHECK_STR(err.what, "purgatory");
			CHECK_EQ(err.b, 4 * GiB);
		}
	}
}

TEST(plan_purgatory_plan_full)
{
	static uint8_t blob[BLOB_LEN];
	static _Alignas(16) uint8_t out[4096];
	struct kx_memmap m;
	struct kx_plan p;
	unsigned i;

	make_blob(blob, sizeof(blob));
	std_ram(&m);
	memset(&p, 0, sizeof(p));
	for (i = 0; i < KX_MAX_SEGMENTS; i++)
		kx_plan_add(&p, "s", "t", 0, 0, 16 * MiB + i * 4096ull, 4096);
	CHECK_ERR(kx_plan_add_purgatory(&p, &m, (struct kx_window){ 0, MAX64 }, blob, sizeof(blob),
					out, sizeof(out), 0, 0),
		  KX_E_TOO_MANY_SEGMENTS);
	CHECK_EQ(p.nseg, KX_MAX_SEGMENTS);
	/* 15 verified segments: 15 ranges, one slot left */
	memset(&p, 0, sizeof(p));
	for (i = 0; i < KX_MAX_SEGMENTS - 1; i++)
		kx_plan_add(&p, "s", "t", seg_data[0], 64, 16 * MiB + i * 4096ull, 4096);
	if (CHECK_OK(kx_plan_add_purgatory(&p, &m, (struct kx_window){ 0, MAX64 }, blob,
					   sizeof(blob), out, sizeof(out), KX_PURG_VERIFY, 0))) {
		const struct kx_purg_params *pp = (const void *)(out + KX_PURG_PARAMS_OFF);
		CHECK_EQ(pp->nranges, KX_MAX_SEGMENTS - 1);
		CHECK_EQ(p.nseg, KX_MAX_SEGMENTS);
		CHECK_OK(kx_plan_validate(&p, &m));
	}
}

static int purgatory_unaligned_child(void *arg)
{
	static uint8_t blob[BLOB_LEN];
	static _Alignas(16) uint8_t out[4096 + 16];
	struct kx_memmap m;
	struct kx_plan p;
	struct kx_err err;

	(void)arg;
	make_blob(blob, sizeof(blob));
	std_ram(&m);
	purg_plan(&p);
	err = kx_plan_add_purgatory(&p, &m, (struct kx_window){ 0, MAX64 }, blob, sizeof(blob),
				    out + 1, sizeof(out) - 1, KX_PURG_VERIFY, 0);
	return err.code != KX_OK;
}

/*
 * Regression: the parameter block was once written through a cast of
 * buf + 32, undefined behaviour for a buf that is not 8-byte aligned
 * (UBSan: misaligned store). Fails only under -fsanitize=alignment.
 */
TEST(plan_purgatory_unaligned_buffer)
{
	char why[128];

	if (!t_in_child(purgatory_unaligned_child, 0, 10, why, sizeof(why))) {
		T_ROW("%s", why);
		CHECK(!"kx_plan_add_purgatory with a buffer at an odd address");
	}
}

/* The real blob from the build tree, when it is there. */
TEST(plan_purgatory_real_blob)
{
	const char *path = find_purgatory();
	static _Alignas(16) uint8_t out[64 * 1024];
	struct kx_memmap m;
	struct kx_plan p;
	uint8_t *blob;
	size_t len;

	if (!path)
		SKIP("no purgatory.bin under build/ (run make first)");
	blob = read_whole(path, &len);
	if (!blob)
		SKIP("cannot read %s", path);
	T_ROW("%s (%zu bytes)", path, len);
	CHECK(len >= KX_PURG_HDR_SIZE && len <= sizeof(out));
	if (len < KX_PURG_HDR_SIZE || len > sizeof(out)) {
		free(blob);
		return;
	}
	CHECK_EQ(kx_le32(blob + 16), KX_PURG_MAGIC);
	CHECK_EQ(kx_le16(blob + 20), KX_PURG_VERSION);
	CHECK_EQ(kx_le16(blob + 22), KX_PURG_HDR_SIZE);
	CHECK(kx_le32(blob + 24) >= len);
	CHECK_EQ(kx_le32(blob + 28), KX_PURG_ARCH_NATIVE);
	std_ram(&m);
	purg_plan(&p);
	if (CHECK_OK(kx_plan_add_purgatory(&p, &m, (struct kx_window){ 0, MAX64 }, blob, len, out,
					   sizeof(out), KX_PURG_VERIFY, 0x3f8))) {
		const struct kx_purg_params *pp = (const void *)(out + KX_PURG_PARAMS_OFF);
		const struct kx_segment *s = &p.seg[p.nseg - 1];
		CHECK_EQ(s->memsz, align_up_u64(kx_le32(blob + 24), 4096));
		CHECK(s->mem + s->memsz <= 4 * GiB);
		CHECK_EQ(pp->nranges, 3);
		CHECK_EQ(pp->ranges[0].digest, kx_xxh64(seg_data[0], 9000, 0));
		CHECK_MEM(out, blob, KX_PURG_PARAMS_OFF);
		CHECK_MEM(out + KX_PURG_HDR_SIZE, blob + KX_PURG_HDR_SIZE, len - KX_PURG_HDR_SIZE);
		CHECK_OK(kx_plan_validate(&p, &m));
	}
	free(blob);
}

/* ---- the request's own exclusions, kx_plan_fits_at ------------------------------ */

TEST(plan_place_exclusions)
{
	struct kx_memmap m;
	struct kx_plan p;
	struct kx_range ex[KX_PLACE_MAX_EXCLUDE + 1] = { { 2 * MiB, 3 * MiB }, { 5 * MiB, 6 * MiB } };
	struct kx_place rq = { .size = MiB, .align = MiB, .within = { 0, MAX64 }, .exclude = ex,
			       .nexclude = 2 };
	uint64_t at = 0;
	unsigned i;

	memset(&m, 0, sizeof(m));
	REQUIRE(CHECK_OK(kx_memmap_add(&m, MiB, 8 * MiB, KX_MEM_RAM)));
	memset(&p, 0, sizeof(p));
	REQUIRE(CHECK_OK(kx_plan_add(&p, "s", "t", 0, 0, MiB, MiB)));
	/* bottom-up: past the plan's segment and the first exclusion */
	if (CHECK(kx_plan_place(&p, &m, (struct kx_window){ 0, MAX64 }, &rq, &at)))
		CHECK_EQ(at, 3 * MiB);
	/* top-down: below 8 MiB, clear of [5, 6) */
	rq.top_down = true;
	if (CHECK(kx_plan_place(&p, &m, (struct kx_window){ 0, MAX64 }, &rq, &at)))
		CHECK_EQ(at, 7 * MiB);
	/* the exclusions are the request's: the plan is unchanged */
	CHECK_EQ(p.nseg, 1);
	/* everything excluded */
	ex[0] = (struct kx_range){ 0, MAX64 };
	CHECK(!kx_plan_place(&p, &m, (struct kx_window){ 0, MAX64 }, &rq, &at));
	/* more exclusions than the planner takes: refused, not truncated */
	for (i = 0; i <= KX_PLACE_MAX_EXCLUDE; i++)
		ex[i] = (struct kx_range){ 0, 0 };
	rq.nexclude = KX_PLACE_MAX_EXCLUDE;
	CHECK(kx_plan_place(&p, &m, (struct kx_window){ 0, MAX64 }, &rq, &at));
	rq.nexclude = KX_PLACE_MAX_EXCLUDE + 1;
	CHECK(!kx_plan_place(&p, &m, (struct kx_window){ 0, MAX64 }, &rq, &at));
}

TEST(plan_fits_at_table)
{
	static const struct { uint64_t at, size; struct kx_window w; int want; } rows[] = {
		{ 2 * MiB, MiB, WHOLE, 1 },
		{ 2 * MiB + 1, MiB, WHOLE, 0 },           /* not page aligned */
		{ MiB, MiB, WHOLE, 0 },                   /* over the plan's segment */
		{ 7 * MiB, MiB, WHOLE, 1 },               /* up to the end of RAM */
		{ 7 * MiB, MiB + 4096, WHOLE, 0 },        /* past it */
		{ 2 * MiB, MiB, { 3 * MiB, MAX64 }, 0 },  /* below the window */
		{ 2 * MiB, MiB, { 0, 2 * MiB }, 0 },      /* above it */
		{ MAX64 - 4095, 4096, WHOLE, 0 },         /* no RAM, and at the top */
		{ 0xfffffffffffff000ull, 0x2000, WHOLE, 0 }, /* wraps */
	};
	struct kx_memmap m;
	struct kx_plan p;
	size_t r;

	memset(&m, 0, sizeof(m));
	REQUIRE(CHECK_OK(kx_memmap_add(&m, MiB, 8 * MiB, KX_MEM_RAM)));
	memset(&p, 0, sizeof(p));
	REQUIRE(CHECK_OK(kx_plan_add(&p, "s", "t", 0, 0, MiB, MiB)));
	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		T_ROW("row %zu", r);
		CHECK_EQ(kx_plan_fits_at(&p, &m, rows[r].w, rows[r].at, rows[r].size), rows[r].want);
	}
}

/* ---- kx_place_initrds ------------------------------------------------------------ */

TEST(place_initrds_tries_in_order)
{
	static const uint8_t a[5000], b[10];
	const struct kx_blob rd[3] = { { a, sizeof(a), "a" }, { b, 0, "empty" }, { b, sizeof(b), "b" } };
	struct kx_range old = { 7 * MiB, 8 * MiB }, got;
	struct kx_place tries[2] = {
		{ .within = { MiB, 8 * MiB }, .top_down = true, .exclude = &old, .nexclude = 1 },
		{ .within = { MiB, 8 * MiB }, .top_down = true },
	};
	struct kx_memmap m;
	struct kx_plan p;
	struct kx_err err;

	memset(&m, 0, sizeof(m));
	REQUIRE(CHECK_OK(kx_memmap_add(&m, MiB, 8 * MiB, KX_MEM_RAM)));
	memset(&p, 0, sizeof(p));
	/* the first try: top-down below the old initrd; 2 files, 3 pages */
	REQUIRE(CHECK_OK(kx_place_initrds(&p, &m, WIN, rd, 3, KX_PAGE, tries, 2, &got)));
	CHECK_EQ(got.start, 7 * MiB - 3 * 4096);
	CHECK_EQ(got.end, 7 * MiB - 4096 + sizeof(b));
	REQUIRE(CHECK_EQ(p.nseg, 2));
	CHECK_EQ(p.seg[0].mem, got.start);
	CHECK_EQ(p.seg[0].memsz, 2 * 4096);
	CHECK_EQ(p.seg[1].mem, got.start + 2 * 4096);
	CHECK_STR(p.seg[1].source, "b");
	/* the old initrd leaves no room: the second try may use it */
	memset(&p, 0, sizeof(p));
	old = (struct kx_range){ 0, 8 * MiB };
	REQUIRE(CHECK_OK(kx_place_initrds(&p, &m, WIN, rd, 3, KX_PAGE, tries, 2, &got)));
	CHECK_EQ(got.start, 8 * MiB - 3 * 4096);
	/* nothing fits: the limit is the last try's, in the window */
	memset(&p, 0, sizeof(p));
	tries[1].within.end = 2 * MiB;
	tries[1].within.start = 2 * MiB - 4096;
	err = kx_place_initrds(&p, &m, (struct kx_window){ 0, 3 * MiB }, rd, 3, KX_PAGE, tries, 2,
			       &got);
	if (CHECK_ERR(err, KX_E_NO_SPACE)) {
		CHECK_EQ(err.a, 3 * 4096);
		CHECK_EQ(err.b, 2 * MiB);
	}
	CHECK_EQ(p.nseg, 0);
	/* nothing to place */
	CHECK_OK(kx_place_initrds(&p, &m, WIN, rd + 1, 1, KX_PAGE, tries, 2, &got));
	CHECK_EQ(got.start, 0);
	CHECK_EQ(got.end, 0);
	/* a span that cannot be summed */
	{
		const struct kx_blob huge[2] = { { a, MAX64 - 4095, "h1" }, { a, 4096, "h2" } };
		err = kx_place_initrds(&p, &m, WIN, huge, 2, KX_PAGE, tries, 2, &got);
		CHECK_ERR(err, KX_E_NO_SPACE);
	}
}

/* ---- kx_plan_add_pieces / kx_pieces_count ------------------------------------------- */

TEST(pieces_count_matches_add)
{
	static uint8_t file[0x4000];
	/* a head before the file, a shared page, a piece straight from the file */
	const struct kx_piece pc[3] = {
		{ 0x200800, file + 0x10, 0x900, 0x900 },   /* 0x200000 built, 0x201000 shared */
		{ 0x201200, file + 0x1200, 0x100, 0x2000 }, /* bss to 0x203200 */
		{ 0x400000, file + 0x2000, 0x1000, 0x1000 },
	};
	uint8_t scratch[4 * 4096];
	struct kx_pieces set = { .piece = pc, .n = 3, .file = file, .purpose = "kernel",
				 .source = "k", .scratch = scratch, .scratch_len = sizeof(scratch),
				 .used = 100 };
	struct kx_memmap m;
	struct kx_plan p;
	unsigned nseg, i;
	size_t sc;

	memset(&m, 0, sizeof(m));
	REQUIRE(CHECK_OK(kx_memmap_add(&m, MiB, 8 * MiB, KX_MEM_RAM)));
	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(file); i++)
		file[i] = (uint8_t)(i * 7 + 1);
	kx_pieces_count(&set, &nseg, &sc);
	CHECK_EQ(set.used, 100); /* counting takes nothing */
	REQUIRE(CHECK_OK(kx_plan_add_pieces(&p, &m, WIN, &set)));
	CHECK_EQ(p.nseg, nseg);
	CHECK_EQ(set.used - 100, sc);
	CHECK_EQ(sc, 2 * 4096); /* the two built pages, merged into one segment */
	if (CHECK_EQ(nseg, 3)) {
		CHECK_EQ(p.seg[0].mem, 0x200000);
		CHECK_EQ(p.seg[0].memsz, 0x2000);
		CHECK_STR(p.seg[0].source, "built");
		CHECK(p.seg[0].buf == scratch + 100);
		CHECK_EQ(((const uint8_t *)p.seg[0].buf)[0x800], file[0x10]);
		CHECK_EQ(((const uint8_t *)p.seg[0].buf)[0x1200], file[0x1200]);
		CHECK_EQ(((const uint8_t *)p.seg[0].buf)[0x1100], 0); /* between the two */
		CHECK_EQ(p.seg[1].mem, 0x202000);
		CHECK_EQ(p.seg[1].bufsz, 0);                  /* bss only */
		CHECK(p.seg[2].buf == file + 0x2000);
	}
	/* too little scratch: a clear error */
	memset(&p, 0, sizeof(p));
	set.used = sizeof(scratch) - 4095;
	CHECK_ERR(kx_plan_add_pieces(&p, &m, WIN, &set), KX_E_SCRATCH);
}
