/*
 * Physical memory: half-open ranges, the machine's memory map, and finding
 * space in it. Ranges are values; every function here is pure.
 *
 * A struct kx_range is [start, end). start == end is empty; end can reach
 * UINT64_MAX but never 2^64, so the last byte of the address space is never
 * part of a range. Made from (start, size) by kx_range_at, which refuses a
 * sum that wraps. A range with start > end is "bad" (what kx_range_at
 * returns on wrap): it overlaps nothing, contains nothing and is contained by
 * nothing.
 *
 * Argument order everywhere: the larger thing first, the thing tested or
 * taken away second (contains(outer, inner), has(range, addr), minus(a, b)).
 */
#ifndef KX_RANGE_H
#define KX_RANGE_H
#include <stdbool.h>
#include <stdint.h>
#include "err.h"

struct kx_range { uint64_t start, end; }; /* [start, end) */

#define KX_RANGE_BAD ((struct kx_range){ UINT64_MAX, 0 })
#define KX_RANGE_ALL ((struct kx_range){ 0, UINT64_MAX })

/* [start, start + size), or KX_RANGE_BAD when the end would pass UINT64_MAX. */
struct kx_range kx_range_at(uint64_t start, uint64_t size);
static inline bool kx_range_ok(struct kx_range r) { return r.start <= r.end; }
static inline bool kx_range_empty(struct kx_range r) { return r.end <= r.start; }
static inline uint64_t kx_range_size(struct kx_range r)
{
	return r.end > r.start ? r.end - r.start : 0;
}

/* Do a and b share an address? As the kernel's sanity_check_segment_list, an
 * empty range strictly inside the other counts: a.start < b.end && b.start < a.end. */
bool kx_range_overlaps(struct kx_range a, struct kx_range b);
/* Is inner (possibly empty) inside outer? */
bool kx_range_contains(struct kx_range outer, struct kx_range inner);
/* Is addr inside r? */
bool kx_range_has(struct kx_range r, uint64_t addr);
/* a and b's common part; {0, 0} when they have none. */
struct kx_range kx_range_intersect(struct kx_range a, struct kx_range b);
/* a - b: the non-empty pieces of a outside b, in address order, in out[];
 * returns how many (0, 1 or 2). A bad a gives 0, a bad b leaves a whole. */
unsigned kx_range_minus(struct kx_range a, struct kx_range b, struct kx_range out[2]);

/* Memory map entry types: the e820 numbering, used on every architecture. */
enum kx_memtype {
	KX_MEM_RAM = 1, KX_MEM_RESERVED = 2, KX_MEM_ACPI = 3, KX_MEM_NVS = 4,
	KX_MEM_UNUSABLE = 5, KX_MEM_PMEM = 7, KX_MEM_PRAM = 12,
	KX_MEM_SOFT_RESERVED = 0xefffffff,
};

#define KX_MEMMAP_MAX 512
struct kx_memmap {
	unsigned n;
	struct kx_mement { uint64_t start, end; uint32_t type; } e[KX_MEMMAP_MAX];
};

/* Add [start, end) of the given type; keeps entries sorted by start. */
struct kx_err kx_memmap_add(struct kx_memmap *m, uint64_t start, uint64_t end, uint32_t type);
/* The e820 type for a /sys/firmware/memmap or /proc/iomem name. */
uint32_t kx_memtype_from_name(const char *name, unsigned long len);
/* Parse /proc/iomem text: top-level lines only. */
struct kx_err kx_iomem_parse(const char *buf, unsigned long len, struct kx_memmap *m);
/* Bytes of RAM in the map. */
uint64_t kx_memmap_ram(const struct kx_memmap *m);
/* The end of the RAM that runs without a gap from addr (adjacent RAM entries
 * joined); addr itself when addr is in no RAM entry. */
uint64_t kx_memmap_ram_end(const struct kx_memmap *m, uint64_t addr);
/* Is all of r RAM (adjacent entries may split it)? An empty r is. */
bool kx_memmap_covers(const struct kx_memmap *m, struct kx_range r);

/*
 * One line of /proc/iomem, "  00100000-7ffdffff : System RAM", in [line, eol):
 * its nesting depth (leading spaces), its first and last address as written,
 * and its name: the rest of the line, as it is. False on a malformed line
 * (a blank one included).
 */
struct kx_iomem_line {
	unsigned long depth;
	uint64_t first, last;
	const char *name;
	unsigned long namelen;
};
bool kx_iomem_line(const char *line, const char *eol, struct kx_iomem_line *out);

/*
 * A request for space: `size` bytes at a multiple of `align` (a power of
 * two), inside `within`, clear of every range in exclude[0, nexclude); the
 * highest fit when top_down, else the lowest. Written with designated
 * initializers:
 *   struct kx_place rq = { .size = n, .align = KX_PAGE,
 *                          .within = { 1 << 20, 1ull << 32 }, .top_down = true };
 */
#define KX_PLACE_MAX_EXCLUDE 8
struct kx_place {
	uint64_t size, align;
	struct kx_range within;
	bool top_down;
	const struct kx_range *exclude; /* may overlap each other; any order */
	unsigned nexclude;
};

/*
 * Find space for rq in one RAM entry of m, inside window and rq->within:
 * *out is the chosen address. False when nothing fits, or size is 0, or
 * align is not a power of two. Exclusions are tested with kx_range_overlaps.
 */
bool kx_find_space(const struct kx_memmap *m, struct kx_range window, const struct kx_place *rq,
		   uint64_t *out);
#endif
