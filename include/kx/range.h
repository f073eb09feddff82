/* Physical memory: half-open ranges and the machine's memory map. */
#ifndef KX_RANGE_H
#define KX_RANGE_H
#include <stdbool.h>
#include <stdint.h>
#include "err.h"

struct kx_range { uint64_t start, end; }; /* [start, end) */

static inline bool kx_range_overlaps(struct kx_range a, struct kx_range b)
{
	return a.start < b.end && b.start < a.end;
}

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
#endif
