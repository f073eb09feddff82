/* The range module (include/kx/range.h): construction, predicates, minus,
 * intersect, find-space, memory map coverage; hard at the 2^64 edges. */
#include <string.h>
#include <kx/bytes.h>
#include <kx/range.h>
#include "fixtures.h"
#include "t.h"

#define MAX64 UINT64_MAX
#define RG(s, e) ((struct kx_range){ (s), (e) })
#define BAD KX_RANGE_BAD

TEST(range_at_checks_wrap)
{
	static const struct { uint64_t start, size; int ok; uint64_t end; } rows[] = {
		{ 0, 0, 1, 0 },
		{ 0x1000, 0x1000, 1, 0x2000 },
		{ MAX64, 0, 1, MAX64 },
		{ MAX64 - 1, 1, 1, MAX64 },
		{ MAX64, 1, 0, 0 },             /* would end at 2^64 */
		{ 1, MAX64, 0, 0 },
		{ MAX64 - 0xfff, 0x1000, 0, 0 },
		{ MAX64 - 0xfff, 0xfff, 1, MAX64 },
		{ 0, MAX64, 1, MAX64 },
		{ MAX64, MAX64, 0, 0 },
	};
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct kx_range r = kx_range_at(rows[i].start, rows[i].size);
		T_ROW("row %zu", i);
		CHECK_EQ(kx_range_ok(r), rows[i].ok);
		if (rows[i].ok) {
			CHECK_EQ(r.start, rows[i].start);
			CHECK_EQ(r.end, rows[i].end);
			CHECK_EQ(kx_range_size(r), rows[i].size);
		} else {
			CHECK_EQ(r.start, BAD.start);
			CHECK_EQ(r.end, BAD.end);
			CHECK_EQ(kx_range_size(r), 0);
			CHECK(kx_range_empty(r));
		}
	}
}

TEST(range_overlaps_table)
{
	static const struct { struct kx_range a, b; int want; } rows[] = {
		{ RG(0, 10), RG(10, 20), 0 },          /* touching */
		{ RG(0, 11), RG(10, 20), 1 },
		{ RG(10, 20), RG(0, 10), 0 },
		{ RG(0, 100), RG(10, 20), 1 },         /* b inside a */
		{ RG(10, 20), RG(0, 100), 1 },         /* a inside b */
		{ RG(10, 20), RG(10, 20), 1 },
		{ RG(0, 10), RG(5, 5), 1 },            /* empty strictly inside: the kernel's rule */
		{ RG(0, 10), RG(0, 0), 0 },            /* empty at the start */
		{ RG(0, 10), RG(10, 10), 0 },          /* empty at the end */
		{ RG(5, 5), RG(5, 5), 0 },
		{ RG(0, MAX64), RG(MAX64 - 1, MAX64), 1 },
		{ RG(MAX64 - 1, MAX64), RG(MAX64 - 1, MAX64), 1 },
		{ RG(0, MAX64 - 1), RG(MAX64 - 1, MAX64), 0 },
		{ BAD, RG(0, MAX64), 0 },
		{ RG(0, MAX64), BAD, 0 },
		{ BAD, BAD, 0 },
	};
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		T_ROW("row %zu", i);
		CHECK_EQ(kx_range_overlaps(rows[i].a, rows[i].b), rows[i].want);
		CHECK_EQ(kx_range_overlaps(rows[i].b, rows[i].a), rows[i].want); /* symmetric */
	}
}

TEST(range_contains_and_has)
{
	static const struct { struct kx_range outer, inner; int want; } rows[] = {
		{ RG(0, 100), RG(10, 20), 1 },
		{ RG(0, 100), RG(0, 100), 1 },
		{ RG(0, 100), RG(0, 101), 0 },
		{ RG(10, 100), RG(9, 20), 0 },
		{ RG(0, 100), RG(100, 100), 1 },     /* empty at the end: an offset == length */
		{ RG(0, 100), RG(101, 101), 0 },
		{ RG(0, 0), RG(0, 0), 1 },
		{ RG(10, 20), RG(0, 100), 0 },       /* the order matters */
		{ RG(0, MAX64), RG(MAX64 - 1, MAX64), 1 },
		{ RG(0, MAX64), RG(MAX64, MAX64), 1 },
		{ RG(0, MAX64), BAD, 0 },            /* a wrapped range is in nothing */
		{ BAD, RG(5, 5), 0 },
		{ RG(0, 100), RG(50, 10), 0 },       /* inverted */
	};
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		T_ROW("row %zu", i);
		CHECK_EQ(kx_range_contains(rows[i].outer, rows[i].inner), rows[i].want);
	}
	T_ROW_CLEAR();
	CHECK(kx_range_has(RG(10, 20), 10));
	CHECK(kx_range_has(RG(10, 20), 19));
	CHECK(!kx_range_has(RG(10, 20), 20));
	CHECK(!kx_range_has(RG(10, 20), 9));
	CHECK(!kx_range_has(RG(10, 10), 10));
	CHECK(kx_range_has(RG(0, MAX64), MAX64 - 1));
	CHECK(!kx_range_has(RG(0, MAX64), MAX64)); /* the last byte is in no range */
	CHECK(!kx_range_has(BAD, 0));
	CHECK(!kx_range_has(BAD, MAX64));
	/* a file's bytes: [off, off + n) inside [0, len), without a sum that wraps */
	CHECK(!kx_range_contains(kx_range_at(0, 100), kx_range_at(MAX64, 2)));
	CHECK(kx_range_contains(kx_range_at(0, 100), kx_range_at(100, 0)));
}

TEST(range_intersect_table)
{
	static const struct { struct kx_range a, b, want; } rows[] = {
		{ RG(0, 10), RG(5, 20), RG(5, 10) },
		{ RG(0, 10), RG(10, 20), RG(0, 0) },
		{ RG(0, 100), RG(10, 20), RG(10, 20) },
		{ RG(10, 20), RG(0, 100), RG(10, 20) },
		{ RG(0, MAX64), RG(MAX64 - 1, MAX64), RG(MAX64 - 1, MAX64) },
		{ RG(0, MAX64), BAD, RG(0, 0) },
		{ RG(5, 5), RG(0, 10), RG(0, 0) },
		{ RG(30, 10), RG(0, 100), RG(0, 0) },
	};
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct kx_range r = kx_range_intersect(rows[i].a, rows[i].b);
		T_ROW("row %zu", i);
		CHECK_EQ(r.start, rows[i].want.start);
		CHECK_EQ(r.end, rows[i].want.end);
		r = kx_range_intersect(rows[i].b, rows[i].a);
		CHECK_EQ(r.start, rows[i].want.start);
		CHECK_EQ(r.end, rows[i].want.end);
	}
}

TEST(range_minus_table)
{
	static const struct {
		struct kx_range a, b;
		unsigned n;
		struct kx_range out[2];
	} rows[] = {
		{ RG(0, 100), RG(200, 300), 1, { RG(0, 100) } },          /* apart */
		{ RG(0, 100), RG(100, 200), 1, { RG(0, 100) } },          /* touching after */
		{ RG(100, 200), RG(0, 100), 1, { RG(100, 200) } },        /* touching before */
		{ RG(0, 100), RG(10, 20), 2, { RG(0, 10), RG(20, 100) } }, /* inside */
		{ RG(0, 100), RG(0, 20), 1, { RG(20, 100) } },            /* the head */
		{ RG(0, 100), RG(80, 100), 1, { RG(0, 80) } },            /* the tail */
		{ RG(0, 100), RG(0, 100), 0, { { 0 } } },                 /* all of it */
		{ RG(10, 20), RG(0, 100), 0, { { 0 } } },                 /* containing */
		{ RG(0, 100), RG(50, 150), 1, { RG(0, 50) } },
		{ RG(0, 100), RG(50, 50), 1, { RG(0, 100) } },            /* empty b */
		{ RG(5, 5), RG(0, 100), 0, { { 0 } } },                   /* empty a */
		{ RG(0, 100), BAD, 1, { RG(0, 100) } },
		{ BAD, RG(0, 100), 0, { { 0 } } },
		{ RG(0, MAX64), RG(MAX64 - 1, MAX64), 1, { RG(0, MAX64 - 1) } },
		{ RG(0, MAX64), RG(0, 1), 1, { RG(1, MAX64) } },
		{ RG(0, MAX64), RG(1, MAX64 - 1), 2, { RG(0, 1), RG(MAX64 - 1, MAX64) } },
	};
	size_t i;
	unsigned k;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct kx_range out[2] = { { 7, 7 }, { 7, 7 } };
		unsigned n = kx_range_minus(rows[i].a, rows[i].b, out);
		T_ROW("row %zu", i);
		if (!CHECK_EQ(n, rows[i].n))
			continue;
		for (k = 0; k < n; k++) {
			CHECK_EQ(out[k].start, rows[i].out[k].start);
			CHECK_EQ(out[k].end, rows[i].out[k].end);
		}
	}
}

/* ---- find-space ---------------------------------------------------------------- */

struct space_row {
	const char *name;
	struct mm_ent map[3];
	unsigned nmap;
	struct kx_range window;
	uint64_t size, align;
	struct kx_range within;
	int top_down;
	struct kx_range ex[4];
	unsigned nex;
	int found;
	uint64_t at;
};

#define RAM(s, e) { (s), (e), KX_MEM_RAM }
#define ALL RG(0, MAX64)

static const struct space_row space_rows[] = {
	{ "bottom-up", { RAM(MiB, 2 * MiB) }, 1, ALL, 4096, 4096, ALL, 0, { { 0 } }, 0, 1, MiB },
	{ "top-down", { RAM(MiB, 2 * MiB) }, 1, ALL, 4096, 4096, ALL, 1, { { 0 } }, 0, 1,
	  2 * MiB - 4096 },
	{ "size 0", { RAM(MiB, 2 * MiB) }, 1, ALL, 0, 4096, ALL, 0, { { 0 } }, 0, 0, 0 },
	{ "align 0", { RAM(MiB, 2 * MiB) }, 1, ALL, 4096, 0, ALL, 0, { { 0 } }, 0, 0, 0 },
	{ "align not a power of two", { RAM(MiB, 2 * MiB) }, 1, ALL, 4096, 0x3000, ALL, 0,
	  { { 0 } }, 0, 0, 0 },
	/* the top of the address space: RAM up to UINT64_MAX */
	{ "top-down at the very top", { RAM(MAX64 - 0x3fff, MAX64) }, 1, ALL, 0x1000, 1, ALL, 1,
	  { { 0 } }, 0, 1, MAX64 - 0x1000 },
	{ "top-down at the very top, page aligned", { RAM(MAX64 - 0x3fff, MAX64) }, 1, ALL, 0x1000,
	  0x1000, ALL, 1, { { 0 } }, 0, 1, MAX64 - 0x1fff },
	{ "bottom-up: aligning up wraps", { RAM(MAX64 - 0xfff, MAX64) }, 1, ALL, 0x10, 1ull << 63,
	  ALL, 0, { { 0 } }, 0, 0, 0 },
	{ "bottom-up: huge alignment fits at 2^63", { RAM(0x1000, MAX64) }, 1, ALL, 0x10,
	  1ull << 63, ALL, 0, { { 0 } }, 0, 1, 1ull << 63 },
	{ "top-down: huge alignment", { RAM(0x1000, MAX64) }, 1, ALL, 0x10, 1ull << 63, ALL, 1,
	  { { 0 } }, 0, 1, 1ull << 63 },
	{ "whole space, size MAX", { RAM(0, MAX64) }, 1, ALL, MAX64, 1, ALL, 0, { { 0 } }, 0, 1, 0 },
	{ "whole space, size MAX, top-down", { RAM(0, MAX64) }, 1, ALL, MAX64, 1, ALL, 1, { { 0 } },
	  0, 1, 0 },
	{ "past the end: nothing", { RAM(0, MAX64) }, 1, ALL, MAX64, 1, RG(1, MAX64), 0, { { 0 } }, 0,
	  0, 0 },
	{ "window clips", { RAM(0, 16 * MiB) }, 1, RG(4 * MiB, 8 * MiB), MiB, MiB, ALL, 1, { { 0 } },
	  0, 1, 7 * MiB },
	{ "within clips", { RAM(0, 16 * MiB) }, 1, ALL, MiB, MiB, RG(2 * MiB, 5 * MiB), 0, { { 0 } },
	  0, 1, 2 * MiB },
	{ "window and within apart", { RAM(0, 16 * MiB) }, 1, RG(0, 2 * MiB), MiB, MiB,
	  RG(4 * MiB, 8 * MiB), 0, { { 0 } }, 0, 0, 0 },
	{ "inverted within", { RAM(0, 16 * MiB) }, 1, ALL, MiB, MiB, RG(8 * MiB, 4 * MiB), 0,
	  { { 0 } }, 0, 0, 0 },
	/* exclusions */
	{ "exclusion touching below: no effect", { RAM(MiB, 4 * MiB) }, 1, ALL, MiB, MiB, ALL, 0,
	  { RG(0, MiB) }, 1, 1, MiB },
	{ "exclusion touching above: no effect", { RAM(MiB, 4 * MiB) }, 1, ALL, MiB, MiB, ALL, 1,
	  { RG(4 * MiB, 5 * MiB) }, 1, 1, 3 * MiB },
	{ "exclusion inside the entry, bottom-up", { RAM(MiB, 4 * MiB) }, 1, ALL, MiB, MiB, ALL, 0,
	  { RG(MiB + 4096, MiB + 8192) }, 1, 1, 2 * MiB },
	{ "exclusion inside the entry, top-down", { RAM(MiB, 4 * MiB) }, 1, ALL, MiB, MiB, ALL, 1,
	  { RG(4 * MiB - 8192, 4 * MiB - 4096) }, 1, 1, 2 * MiB },
	{ "exclusion containing the entry", { RAM(MiB, 4 * MiB) }, 1, ALL, 4096, 4096, ALL, 0,
	  { RG(0, 8 * MiB) }, 1, 0, 0 },
	{ "exclusion equal to the entry", { RAM(MiB, 4 * MiB) }, 1, ALL, 4096, 4096, ALL, 1,
	  { RG(MiB, 4 * MiB) }, 1, 0, 0 },
	{ "exclusions overlapping each other", { RAM(0, 8 * MiB) }, 1, ALL, MiB, MiB, ALL, 0,
	  { RG(0, 3 * MiB), RG(MiB, 2 * MiB), RG(2 * MiB + 1, 5 * MiB) }, 3, 1, 5 * MiB },
	{ "exclusions in any order, top-down", { RAM(0, 8 * MiB) }, 1, ALL, MiB, MiB, ALL, 1,
	  { RG(7 * MiB, 8 * MiB), RG(3 * MiB, 6 * MiB + 1), RG(6 * MiB, 7 * MiB) }, 3, 1, 2 * MiB },
	{ "empty exclusion strictly inside blocks (kernel rule)", { RAM(0, 2 * MiB) }, 1, ALL, MiB,
	  MiB, ALL, 0, { RG(MiB / 2, MiB / 2) }, 1, 1, MiB },
	{ "empty exclusion at a candidate's start: none", { RAM(0, 2 * MiB) }, 1, ALL, MiB, MiB, ALL,
	  0, { RG(0, 0) }, 1, 1, 0 },
	{ "bad exclusion ignored", { RAM(0, 2 * MiB) }, 1, ALL, MiB, MiB, ALL, 0, { BAD }, 1, 1, 0 },
	{ "exclusion up to the top, bottom-up", { RAM(MAX64 - 0x3fff, MAX64) }, 1, ALL, 0x1000,
	  0x1000, ALL, 0, { RG(MAX64 - 0x3000, MAX64) }, 1, 0, 0 }, /* aligning up past it wraps */
	{ "exclusion at the top, top-down", { RAM(MAX64 - 0x3fff, MAX64) }, 1, ALL, 0x1000, 1, ALL,
	  1, { RG(MAX64 - 0x1000, MAX64) }, 1, 1, MAX64 - 0x2000 },
	{ "best of two entries, top-down", { RAM(MiB, 2 * MiB), RAM(4 * MiB, 5 * MiB) }, 2, ALL,
	  MiB / 2, 4096, ALL, 1, { RG(4 * MiB, 5 * MiB) }, 1, 1, 2 * MiB - MiB / 2 },
	{ "no room across two adjacent entries", { RAM(MiB, 2 * MiB), RAM(2 * MiB, 3 * MiB) }, 2,
	  ALL, 2 * MiB, 4096, ALL, 0, { { 0 } }, 0, 0, 0 },
	{ "reserved skipped", { { MiB, 2 * MiB, KX_MEM_RESERVED }, RAM(2 * MiB, 3 * MiB) }, 2, ALL,
	  4096, 4096, ALL, 0, { { 0 } }, 0, 1, 2 * MiB },
};

TEST(range_find_space_table)
{
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(space_rows); r++) {
		const struct space_row *row = &space_rows[r];
		struct kx_place rq = { .size = row->size, .align = row->align, .within = row->within,
				       .top_down = row->top_down, .exclude = row->ex,
				       .nexclude = row->nex };
		struct kx_memmap m;
		uint64_t at = 0x5a5a5a5a5a5a5a5aull;
		bool found;

		T_ROW("%s", row->name);
		if (!CHECK(mm_set(&m, row->map, row->nmap)))
			continue;
		found = kx_find_space(&m, row->window, &rq, &at);
		if (!CHECK_EQ(found, row->found))
			continue;
		CHECK_EQ(at, row->found ? row->at : 0x5a5a5a5a5a5a5a5aull);
	}
}

/* Brute force on a small space: the lowest / highest aligned place in one RAM
 * entry clear of every exclusion. */
TEST(range_find_space_matches_reference)
{
	static const struct mm_ent map[] = {
		RAM(0, 0x9f000), { 0x9f000, 0x100000, KX_MEM_RESERVED }, RAM(0x100000, 0x400000),
		RAM(0x400000, 0x800000),
	};
	struct kx_memmap m;
	unsigned seed = 4242, iter, i, bad = 0, nfound = 0;

	REQUIRE(mm_set(&m, map, T_ARRAY_SIZE(map)));
	for (iter = 0; iter < 3000 && bad < 3; iter++) {
		struct kx_range ex[6];
		struct kx_place rq;
		uint64_t got = 0, want = 0, c;
		bool f1, f2 = false;

		seed = seed * 1103515245u + 12345u;
		memset(&rq, 0, sizeof(rq));
		rq.nexclude = (seed >> 8) % 7;
		for (i = 0; i < rq.nexclude; i++) {
			seed = seed * 1103515245u + 12345u;
			ex[i].start = (uint64_t)((seed >> 8) % 0x800) * 0x1000 + ((seed >> 4) & 1) * 0x80;
			seed = seed * 1103515245u + 12345u;
			ex[i].end = ex[i].start + (uint64_t)((seed >> 8) % 0x100) * 0x800;
		}
		rq.exclude = ex;
		seed = seed * 1103515245u + 12345u;
		rq.size = (uint64_t)((seed >> 8) % 0x80 + 1) * 0x400;
		rq.align = 0x400ull << ((seed >> 20) % 8);
		rq.top_down = (seed >> 3) & 1;
		seed = seed * 1103515245u + 12345u;
		rq.within.start = (uint64_t)((seed >> 8) % 0x400) * 0x1000;
		rq.within.end = (seed & 1) ? MAX64 : rq.within.start + (uint64_t)((seed >> 16) % 0x800) * 0x1000;
		f1 = kx_find_space(&m, ALL, &rq, &got);
		for (c = (rq.within.start + rq.align - 1) & ~(rq.align - 1);
		     c < 0x800000 && c + rq.size <= rq.within.end; c += rq.align) {
			int ok = 0;
			for (i = 0; i < m.n && !ok; i++)
				ok = m.e[i].type == KX_MEM_RAM && m.e[i].start <= c &&
				     c + rq.size <= m.e[i].end;
			for (i = 0; i < rq.nexclude && ok; i++)
				ok = !kx_range_overlaps(RG(c, c + rq.size), ex[i]);
			if (ok) {
				want = c;
				f2 = true;
				if (!rq.top_down)
					break;
			}
		}
		nfound += f2;
		if (f1 != f2 || (f1 && got != want)) {
			T_ROW("iteration %u", iter);
			CHECK_EQ(f1, f2);
			CHECK_EQ(got, want);
			bad++;
		}
	}
	T_ROW_CLEAR();
	CHECK(nfound > 500);
}

TEST(range_memmap_covers)
{
	static const struct mm_ent map[] = {
		RAM(0, 0x1000), RAM(0x1000, 0x3000), { 0x3000, 0x4000, KX_MEM_RESERVED },
		RAM(0x4000, 0x5000), RAM(MAX64 - 0x2000, MAX64),
	};
	struct kx_memmap m;

	REQUIRE(mm_set(&m, map, T_ARRAY_SIZE(map)));
	CHECK(kx_memmap_covers(&m, RG(0, 0x3000)));         /* across adjacent entries */
	CHECK(!kx_memmap_covers(&m, RG(0, 0x3001)));
	CHECK(!kx_memmap_covers(&m, RG(0x2000, 0x4800)));   /* through the reserved hole */
	CHECK(kx_memmap_covers(&m, RG(0x4000, 0x5000)));
	CHECK(kx_memmap_covers(&m, RG(0x9000, 0x9000)));    /* empty */
	CHECK(kx_memmap_covers(&m, RG(MAX64 - 0x2000, MAX64)));
	CHECK(!kx_memmap_covers(&m, RG(MAX64 - 0x3000, MAX64)));
	CHECK_EQ(kx_memmap_ram_end(&m, 0), 0x3000);
	CHECK_EQ(kx_memmap_ram_end(&m, 0x3800), 0x3800);    /* not RAM: where it started */
	CHECK_EQ(kx_memmap_ram_end(&m, MAX64 - 1), MAX64);
}

TEST(range_iomem_line)
{
	struct kx_iomem_line l;
	static const char ok[] = "  00100000-7ffdffff : System RAM";
	static const char *const bad[] = { "", "   ", "00100000", "0-1", "0-1 :", "x-1 : a",
					   "00000000000000000-1 : a", "1-00000000000000000 : a",
					   "1--2 : a", "1-2: a" };
	size_t i;

	REQUIRE(kx_iomem_line(ok, ok + strlen(ok), &l));
	CHECK_EQ(l.depth, 2);
	CHECK_EQ(l.first, 0x100000);
	CHECK_EQ(l.last, 0x7ffdffff);
	CHECK_EQ(l.namelen, 10);
	CHECK(!memcmp(l.name, "System RAM", 10));
	for (i = 0; i < T_ARRAY_SIZE(bad); i++) {
		T_ROW("\"%s\"", bad[i]);
		CHECK(!kx_iomem_line(bad[i], bad[i] + strlen(bad[i]), &l));
	}
	T_ROW_CLEAR();
	{
		static const char top[] = "ffffffffffffffff-ffffffffffffffff : x";
		REQUIRE(kx_iomem_line(top, top + strlen(top), &l));
		CHECK_EQ(l.first, MAX64);
		CHECK_EQ(l.last, MAX64);
	}
}
