/*
 * ppc64le kdump through kexec_load (kx -p): what the crash kernel's planned
 * segments need before they are loaded (docs/kdump.md, "ppc64le"). The core
 * header, the region and the 64 KiB backup segment are libkx/crash.c's; the
 * pure parts lib/arch/ppc64le/crash.c's. Here, on the plan:
 *   - the kernel runs where it was loaded, in the region: a copy of its image
 *     with the word at 0x5c (__run_at_load, "run0" in the file) set to 1;
 *   - its device tree, a copy with reserve map entries for the crashed
 *     kernel's memory from 64 KiB up to the region (the crash kernel reads it
 *     only through /proc/vmcore; below 64 KiB it writes its exception
 *     vectors, backed up first), the core header and the backup, and every
 *     memory node limited to [0, the region's end) by linux,usable-memory;
 *   - the purgatory: r6/r7 (regs[3], regs[4]) = where to copy the first
 *     64 KiB and how much, before it enters the crash kernel.
 */
#include <inttypes.h>
#include <string.h>
#include <kx/bytes.h>
#include "arch.h"
#include "load.h"
#include <kx/arch/ppc64le_crash.h>

int ppc_crash_finish(struct kx_load *l, struct kx_error *err);

static struct kx_segment *seg(struct kx_plan *p, const char *purpose)
{
	unsigned i;
	for (i = 0; i < p->nseg; i++)
		if (!strcmp(p->seg[i].purpose, purpose))
			return &p->seg[i];
	return 0;
}

int ppc_crash_finish(struct kx_load *l, struct kx_error *err)
{
	struct kx_plan *p = &l->plan;
	const struct kx_range region = l->cs.region[l->cs.main];
	struct kx_segment *k = seg(p, "kernel"), *d = seg(p, "dtb"), *h = seg(p, "elfcorehdr"),
			  *b = seg(p, "backup");
	struct kx_range keep[3];
	uint8_t *copy, *out;
	size_t cap, outlen = 0;
	struct kx_err e;

	if (!k || !d || !h || !b || !l->cs.nregion)
		return fail(err, KX_E_CRASH_ARCH, 0, 0);
	/* the kernel stays where it is: a copy of its image with __run_at_load set */
	if (kx_ppc_crash_relocates(k->buf, (size_t)k->bufsz)) {
		if (!(copy = load_alloc(l, (size_t)k->bufsz)))
			return fail_n(err, KX_E_NO_MEMORY, "the crash kernel", k->bufsz, 0, 0, 0);
		memcpy(copy, k->buf, (size_t)k->bufsz);
		kx_ppc_crash_run_at_load(copy, (size_t)k->bufsz);
		if (p->head == k->buf)
			p->head = copy;
		k->buf = copy;
		dbg(l, "crash kernel: runs at 0x%" PRIx64 " (__run_at_load = 1)", k->mem);
	} else {
		dbg(l, "crash kernel: no \"run0\" at 0x5c of its image: left as it is");
	}
	/* its device tree */
	keep[0] = (struct kx_range){ kx_arch_crash_backup, region.start };
	keep[1] = (struct kx_range){ h->mem, h->mem + h->memsz };
	keep[2] = (struct kx_range){ b->mem, b->mem + b->memsz };
	cap = kx_ppc_dtb_crash_room(d->buf, (size_t)d->bufsz);
	if (!(out = load_alloc(l, cap)))
		return fail_n(err, KX_E_NO_MEMORY, "the crash kernel's device tree", cap, 0, 0, 0);
	e = kx_ppc_dtb_crash(d->buf, (size_t)d->bufsz, out, cap, keep, 3, region.end, &outlen);
	if (KX_FAILED(e))
		return fail_lib(err, e, "the crash kernel's device tree");
	if (outlen > d->memsz)
		return fail_n(err, KX_E_DTB_TOO_BIG, 0, outlen, d->memsz, 0, 0);
	d->buf = out;
	d->bufsz = outlen;
	dbg(l, "crash kernel's device tree: 0x%" PRIx64 "-0x%" PRIx64 ", the core header and the backup "
	    "reserved; memory up to 0x%" PRIx64, keep[0].start, keep[0].end, region.end);
	/* the purgatory copies [0, 64 KiB) to the backup before the jump */
	p->regs[3] = b->mem;
	p->regs[4] = kx_arch_crash_backup;
	p->regs_used |= 0x18;
	return 0;
}
