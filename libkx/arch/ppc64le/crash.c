/*
 * ppc64le kdump through kexec_load (kx -p): what the crash kernel's planned
 * segments need before they are loaded (docs/ppc64le.md, "Kdump"). The core
 * header, the region and the 64 KiB backup segment are libkx/crash.c's; here:
 *   - the kernel runs where it was loaded, in the region: the word at 0x5c of
 *     its image (__run_at_load, "run0" in the file) becomes 1, in a copy;
 *   - its device tree, copied with room: reserved (/memreserve/) the crashed
 *     kernel's memory from 64 KiB up to the region (the crash kernel reads it
 *     only through /proc/vmcore; below 64 KiB it writes its exception
 *     vectors, backed up first), the core header and the backup; every
 *     memory node limited to [0, the region's end) by linux,usable-memory;
 *   - the purgatory: r6/r7 (regs[3], regs[4]) = where to copy the first
 *     64 KiB and how much, before it enters the crash kernel.
 */
#include <inttypes.h>
#include <string.h>
#include <libfdt.h>
#include <kx/bytes.h>
#include "arch.h"
#include "load.h"

#define RUN_AT_LOAD 0x5c
#define RUN0        0x72756e30u /* "run0": the kernel copies itself to 0 */
#define ROOM        4096

int ppc_crash_finish(struct kx_load *l, struct kx_error *err);

static struct kx_segment *seg(struct kx_plan *p, const char *purpose)
{
	unsigned i;
	for (i = 0; i < p->nseg; i++)
		if (!strcmp(p->seg[i].purpose, purpose))
			return &p->seg[i];
	return 0;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	int i;
	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_cells(const uint8_t *p, int cells)
{
	uint64_t v = 0;
	int i;
	for (i = 0; i < cells * 4; i++)
		v = v << 8 | p[i];
	return v;
}

/* linux,usable-memory on every memory node whose reg reaches above end:
 * each reg range cut at end (address and size cells as the root says). */
static int usable_memory(void *fdt, uint64_t end)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0), node, len, e;
	uint8_t v[16 * 16];

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
		const uint8_t *reg = fdt_getprop(fdt, node, "reg", &len);
		int step = (ac + sc) * 4, n = 0, i, cut = 0;
		if (!reg || len < step)
			continue;
		for (i = 0; i + step <= len && n + 16 <= (int)sizeof(v); i += step) {
			uint64_t s = get_cells(reg + i, ac), z = get_cells(reg + i + ac * 4, sc);
			if (s >= end)
				z = 0, cut = 1;
			else if (z > end - s)
				z = end - s, cut = 1;
			put_be64(v + n, s);
			put_be64(v + n + 8, z);
			n += 16;
		}
		if (cut && (e = fdt_setprop(fdt, node, "linux,usable-memory", v, n)))
			return e;
	}
	return 0;
}

int ppc_crash_finish(struct kx_load *l, struct kx_error *err)
{
	struct kx_plan *p = &l->plan;
	const struct kx_range *region = &l->cs.region[l->cs.main];
	struct kx_segment *k = seg(p, "kernel"), *d = seg(p, "dtb"), *h = seg(p, "elfcorehdr"),
			  *b = seg(p, "backup");
	uint8_t *copy, *out;
	size_t cap;
	int e;

	if (!k || !d || !h || !b || !l->cs.nregion)
		return fail(err, KX_E_CRASH_ARCH, 0, 0);
	/* the kernel stays where it is: a copy of its image with __run_at_load set */
	if (k->bufsz >= RUN_AT_LOAD + 4 && kx_le32((const uint8_t *)k->buf + RUN_AT_LOAD) == RUN0) {
		if (!(copy = load_alloc(l, (size_t)k->bufsz)))
			return fail_n(err, KX_E_NO_MEMORY, "the crash kernel", k->bufsz, 0, 0, 0);
		memcpy(copy, k->buf, (size_t)k->bufsz);
		kx_put32(copy + RUN_AT_LOAD, 1);
		if (p->head == k->buf)
			p->head = copy;
		k->buf = copy;
		dbg(l, "crash kernel: runs at 0x%" PRIx64 " (__run_at_load = 1)", k->mem);
	} else {
		dbg(l, "crash kernel: no \"run0\" at 0x5c of its image: left as it is");
	}
	/* its device tree */
	cap = (size_t)d->bufsz + ROOM;
	if (!(out = load_alloc(l, cap)))
		return fail_n(err, KX_E_NO_MEMORY, "the crash kernel's device tree", cap, 0, 0, 0);
	e = fdt_open_into(d->buf, out, (int)cap);
	if (!e && region->start > kx_arch_crash_backup)
		e = fdt_add_mem_rsv(out, kx_arch_crash_backup, region->start - kx_arch_crash_backup);
	if (!e)
		e = fdt_add_mem_rsv(out, h->mem, h->memsz);
	if (!e)
		e = fdt_add_mem_rsv(out, b->mem, b->memsz);
	if (!e)
		e = usable_memory(out, region->end);
	if (!e)
		e = fdt_pack(out);
	if (e)
		return fail_n(err, KX_E_DTB, "the crash kernel's device tree", KX_DTB_DAMAGED, (uint64_t)-e, 0, 0);
	if (fdt_totalsize(out) > d->memsz)
		return fail_n(err, KX_E_DTB_TOO_BIG, 0, fdt_totalsize(out), d->memsz, 0, 0);
	d->buf = out;
	d->bufsz = fdt_totalsize(out);
	dbg(l, "crash kernel's device tree: 0x%" PRIx64 "-0x%" PRIx64 ", the core header and the backup "
	    "reserved; memory up to 0x%" PRIx64, kx_arch_crash_backup, region->start, region->end);
	/* the purgatory copies [0, 64 KiB) to the backup before the jump */
	p->regs[3] = b->mem;
	p->regs[4] = kx_arch_crash_backup;
	p->regs_used |= 0x18;
	return 0;
}
