/*
 * x86 ELF loader: ELF64 (EM_X86_64) and ELF32 (EM_386) executables, every
 * PT_LOAD at its physical address (p_paddr), nothing relocated.
 *
 * A Linux kernel (a vmlinux, see kx_elf_is_linux) is booted as Linux: the
 * zero page (a made-up protocol 2.15 setup header), the command line and
 * the initrds as for a bzImage, entered at its physical entry point in
 * 64-bit mode with rsi = zero page (ELF32 i386 vmlinux: 32-bit boot protocol,
 * esi = zero page). Any other ELF gets a bare jump to its entry point:
 * ELF64 in 64-bit mode (identity map kept), ELF32 in 32-bit protected mode,
 * paging off; all registers zero. The plan's type is "elf" or "elf-linux".
 * ET_DYN files are accepted only when every PT_LOAD is at or above 1 MiB
 * (a kernel linked where it runs); a PIE program linked at 0 is refused.
 *
 * Segments: the kernel wants page-aligned segments, ELF segments need not be.
 * A PT_LOAD becomes, where it can, one segment whose buffer points into the
 * file: mem = paddr rounded down to a page, buffer = file bytes from
 * p_offset - (paddr - mem) (the bytes before the segment land in the unused
 * head of its first page). A page that cannot be described that way is
 * built in r->scratch (zeroed, then every PT_LOAD's file bytes in it copied
 * in): a page shared by two PT_LOADs, or a first page whose head would start
 * before the file. Built pages come from the start of the scratch area; the
 * Linux zero page + command line are built in what is left after them.
 */
#include <kx/bytes.h>
#include <kx/elf.h>
#include "bootparams.h"
#include "bootproto.h"

struct place {
	const struct kx_load_req *r;
	const uint8_t *buf;
	const struct kx_elf *e;
	struct kx_plan *p;
	unsigned order[KX_ELF_MAX_LOADS]; /* PT_LOAD indexes by paddr */
	size_t used;                      /* scratch bytes taken by built pages */
	uint64_t done;                    /* memory below this is planned */
	int built_last;                   /* the plan's last segment is built pages */
};

static const struct kx_elf_seg *load_n(const struct place *pl, unsigned k)
{
	return &pl->e->load[pl->order[k]];
}

/* Does the PT_LOAD touch the page at pg? */
static int touches(const struct kx_elf_seg *s, uint64_t pg)
{
	return s->paddr < pg + KX_PAGE && pg < s->paddr + s->memsz;
}

static unsigned users(const struct place *pl, uint64_t pg)
{
	unsigned i, n = 0;

	for (i = 0; i < pl->e->nload; i++)
		n += touches(&pl->e->load[i], pg);
	return n;
}

/* A segment at a fixed place: in RAM, in the window, clear of the plan. */
static struct kx_err fixed(const struct place *pl, uint64_t mem, uint64_t size)
{
	const struct kx_plan *p = pl->p;
	struct kx_range at = { mem, mem + size };
	unsigned i;

	if (!kx_range_contains((struct kx_range){ pl->r->window.min, pl->r->window.max }, at) ||
	    !kx_memmap_covers(&pl->r->sys->mem, at))
		return kx_err(KX_E_SEG_NOT_RAM, "kernel", p->nseg, mem);
	for (i = 0; i < p->nseg; i++)
		if (kx_range_overlaps(at, (struct kx_range){ p->seg[i].mem, p->seg[i].mem + p->seg[i].memsz }))
			return kx_err(KX_E_SEG_OVERLAP, "kernel", i, p->nseg);
	return KX_NOERR;
}

/* Build the page at pg in scratch from every PT_LOAD touching it. */
static struct kx_err built_page(struct place *pl, uint64_t pg)
{
	const struct kx_load_req *r = pl->r;
	struct kx_segment *last;
	uint8_t *page;
	unsigned i;
	struct kx_err err;

	if (r->scratch_len - pl->used < KX_PAGE)
		return kx_err(KX_E_SCRATCH, "ELF pages shared by segments", pl->used + KX_PAGE,
			      r->scratch_len);
	err = fixed(pl, pg, KX_PAGE);
	if (KX_FAILED(err))
		return err;
	page = r->scratch + pl->used;
	kx_memset(page, 0, KX_PAGE);
	for (i = 0; i < pl->e->nload; i++) {
		const struct kx_elf_seg *s = &pl->e->load[i];
		uint64_t lo = s->paddr > pg ? s->paddr : pg;
		uint64_t hi = s->paddr + s->filesz < pg + KX_PAGE ? s->paddr + s->filesz : pg + KX_PAGE;
		if (s->filesz && lo < hi)
			kx_memcpy(page + (lo - pg), pl->buf + s->offset + (lo - s->paddr),
				  (size_t)(hi - lo));
	}
	pl->used += KX_PAGE;
	last = pl->p->nseg ? &pl->p->seg[pl->p->nseg - 1] : 0;
	if (last && pl->built_last && last->mem + last->memsz == pg &&
	    (const uint8_t *)last->buf + last->bufsz == page) {
		last->bufsz += KX_PAGE;
		last->memsz += KX_PAGE;
	} else {
		err = kx_plan_add(pl->p, "kernel", "built", page, KX_PAGE, pg, KX_PAGE);
		if (KX_FAILED(err))
			return err;
		pl->built_last = 1;
	}
	pl->done = pg + KX_PAGE;
	return KX_NOERR;
}

/* [at, end) of s straight from the file (at may be below paddr: the head). */
static struct kx_err direct(struct place *pl, const struct kx_elf_seg *s, uint64_t at, uint64_t end)
{
	uint64_t fend = s->paddr + s->filesz, bufsz = 0;
	const uint8_t *b = 0;
	struct kx_err err;

	err = fixed(pl, at, end - at);
	if (KX_FAILED(err))
		return err;
	if (s->filesz && fend > at) {
		b = at < s->paddr ? pl->buf + (s->offset - (s->paddr - at))
				  : pl->buf + s->offset + (at - s->paddr);
		bufsz = (fend < end ? fend : end) - at;
	}
	err = kx_plan_add(pl->p, "kernel", pl->r->image.name, b, bufsz, at, end - at);
	if (KX_FAILED(err))
		return err;
	pl->built_last = 0;
	pl->done = end;
	return KX_NOERR;
}

static struct kx_err place_loads(struct place *pl)
{
	const struct kx_elf *e = pl->e;
	unsigned i, j;
	struct kx_err err;

	for (i = 0; i < e->nload && i < KX_ELF_MAX_LOADS; i++) {
		for (j = i; j > 0 && e->load[pl->order[j - 1]].paddr > e->load[i].paddr; j--)
			pl->order[j] = pl->order[j - 1];
		pl->order[j] = i;
	}
	for (i = 0; i < e->nload && i < KX_ELF_MAX_LOADS; i++) {
		const struct kx_elf_seg *s = load_n(pl, i);
		uint64_t first = kx_align_down(s->paddr, KX_PAGE), at;
		/* cannot wrap: the parser keeps the rounded-up end an address */
		uint64_t end = kx_align_down(s->paddr + s->memsz + (KX_PAGE - 1), KX_PAGE);

		/* a first page shared with the previous PT_LOAD was built with it */
		at = pl->done > first ? pl->done : first;
		if (at >= end)
			continue; /* inside pages already built */
		/* a first page whose head would start before the file is built */
		if (at == first && s->filesz && s->offset < s->paddr - first) {
			err = built_page(pl, first);
			if (KX_FAILED(err))
				return err;
			at = first + KX_PAGE;
			if (at >= end)
				continue;
		}
		/* the last page is built when the next PT_LOAD starts in it (for a
		 * one-page PT_LOAD, that is also its first page) */
		if (users(pl, end - KX_PAGE) > 1) {
			if (end - KX_PAGE > at) {
				err = direct(pl, s, at, end - KX_PAGE);
				if (KX_FAILED(err))
					return err;
			}
			err = built_page(pl, end - KX_PAGE);
		} else {
			err = direct(pl, s, at, end);
		}
		if (KX_FAILED(err))
			return err;
	}
	return KX_NOERR;
}

static struct kx_err boot_linux(struct place *pl, uint64_t target)
{
	const struct kx_load_req *r = pl->r;
	struct kx_load_req rest = *r; /* the scratch the built pages left */
	struct kx_x86_linux lx;
	uint64_t rd_mem, rd_len;
	struct kx_err err;

	rest.scratch = r->scratch + pl->used;
	rest.scratch_len = r->scratch_len - pl->used;
	kx_memset(&lx, 0, sizeof(lx));
	lx.hdr = 0; /* a made-up protocol 2.15 header */
	lx.cmdline_size = 2047;
	lx.initrd_addr_max = 0x7fffffff;
	lx.initrd_above_4g = pl->e->cls == 64;
	lx.kernel_mem = load_n(pl, 0)->paddr;
	err = kx_x86_place_initrds(&rest, pl->p, &lx, &rd_mem, &rd_len);
	if (KX_FAILED(err))
		return err;
	err = kx_x86_boot_params(&rest, pl->p, &lx, rd_mem, rd_len, target);
	if (KX_FAILED(err))
		return err;
	if (pl->e->cls == 32) /* i386 vmlinux: 32-bit boot protocol, esi = zero page */
		pl->p->entry_mode = KX_PURG_ENTRY_32;
	pl->p->type = "elf-linux";
	return KX_NOERR;
}

struct kx_err kx_elf_load(const struct kx_load_req *r, struct kx_plan *p)
{
	struct kx_elf e;
	struct place pl;
	uint64_t target, low;
	unsigned i;
	struct kx_err err;

	err = kx_elf_parse(r->image.buf, (size_t)r->image.len, &e);
	if (KX_FAILED(err))
		return err;
	if (e.cls == 64 ? e.machine != KX_EM_X86_64 : e.machine != KX_EM_386)
		return kx_err(KX_E_WRONG_MACHINE,
			      e.cls == 64 ? "x86-64 ELF64 kernels" : "i386 ELF32 kernels", e.machine,
			      e.cls == 64 ? KX_EM_X86_64 : KX_EM_386);
	if (r->have_entry) {
		target = r->entry;
	} else if (!kx_elf_to_phys(&e, e.entry, &target)) {
		return kx_err(KX_E_BAD_HEADER, "ELF entry point (outside every PT_LOAD)", e.entry, 0);
	}
	if (e.cls == 32 && target >= 1ull << 32)
		return kx_err(KX_E_BAD_OPTION, "--entry is above 4 GiB, out of reach of a 32-bit ELF",
			      target, 0);

	kx_memset(&pl, 0, sizeof(pl));
	pl.r = r;
	pl.buf = r->image.buf;
	pl.e = &e;
	pl.p = p;
	for (i = 0, low = UINT64_MAX; i < e.nload; i++)
		low = e.load[i].paddr < low ? e.load[i].paddr : low;
	/* ET_DYN is loaded unrelocated at its p_paddr: harmless for a kernel
	 * linked at its load address, wrong for a PIE program linked at 0
	 * (/bin/ls would land on the real-mode IVT) */
	if (e.type == KX_ET_DYN && low < KX_MiB)
		return kx_err(KX_E_BAD_HEADER,
			      "ELF e_type (ET_DYN linked below 1 MiB: a position-independent program, "
			      "kx does not relocate)", e.type, low);
	err = place_loads(&pl);
	if (KX_FAILED(err))
		return err;

	if (kx_elf_is_linux(r->image.buf, (size_t)r->image.len, &e))
		return boot_linux(&pl, target);
	p->target = target;
	p->entry_mode = e.cls == 64 ? KX_PURG_ENTRY_64 : KX_PURG_ENTRY_32;
	for (i = 0; i < KX_PURG_NREGS; i++)
		p->regs[i] = 0;
	p->regs_used = 0;
	p->cmdline = 0;
	p->type = "elf";
	if (e.cls == 64)
		p->purg_flags |= KX_PURG_4LEVEL; /* an arbitrary ELF64 can't be assumed to know LA57 */
	return KX_NOERR;
}
