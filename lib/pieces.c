/*
 * Pieces -> page-aligned segments (include/kx/plan.h), as u-root's
 * AlignAndMerge: the kernel wants page-aligned segments, an image's loadable
 * pieces (ELF PT_LOADs, a multiboot a.out area) need not be.
 *
 * A piece becomes, where it can, one segment whose buffer points into the
 * file: mem = paddr rounded down to a page, buffer = the file bytes from
 * src - (paddr - mem) (the bytes before the piece land in the unused head of
 * its first page). A page that cannot be described that way is built in
 * scratch (zeroed, then every piece's file bytes in it copied in): a page
 * shared by two pieces, or a first page whose head would start before the
 * file. Built pages next to each other are one segment. With p == NULL
 * nothing is written: the walk only counts segments and scratch.
 */
#include <kx/bytes.h>
#include <kx/plan.h>

struct walk {
	struct kx_plan *p;                /* NULL: count only */
	const struct kx_memmap *m;
	struct kx_window w;
	struct kx_pieces *pc;
	uint64_t done;                    /* memory below this is planned */
	int built_last;                   /* the last segment is built pages */
	unsigned nseg;                    /* segments added (or counted) */
};

/* Does the piece touch the page at pg? */
static int touches(const struct kx_piece *s, uint64_t pg)
{
	return kx_range_overlaps((struct kx_range){ s->paddr, s->paddr + s->memsz },
				 (struct kx_range){ pg, pg + KX_PAGE });
}

static unsigned users(const struct kx_pieces *pc, uint64_t pg)
{
	unsigned i, n = 0;

	for (i = 0; i < pc->n; i++)
		n += touches(&pc->piece[i], pg);
	return n;
}

/* A segment at a fixed place: in RAM, in the window, clear of the plan. */
static struct kx_err fixed(const struct walk *k, struct kx_range at)
{
	const struct kx_plan *p = k->p;
	int i;

	if (!kx_range_contains((struct kx_range){ k->w.min, k->w.max }, at) ||
	    !kx_memmap_covers(k->m, at))
		return kx_err(KX_E_SEG_NOT_RAM, k->pc->purpose, p->nseg, at.start);
	if ((i = kx_plan_hit(p, p->nseg, at)) >= 0)
		return kx_err(KX_E_SEG_OVERLAP, k->pc->purpose, (uint64_t)i, p->nseg);
	return KX_NOERR;
}

/* The page at pg in scratch, from every piece touching it. */
static void fill_page(const struct kx_pieces *pc, uint8_t *page, uint64_t pg)
{
	unsigned i;

	kx_memset(page, 0, KX_PAGE);
	for (i = 0; i < pc->n; i++) {
		const struct kx_piece *s = &pc->piece[i];
		uint64_t lo = s->paddr > pg ? s->paddr : pg;
		uint64_t hi = s->paddr + s->filesz < pg + KX_PAGE ? s->paddr + s->filesz : pg + KX_PAGE;
		if (s->filesz && lo < hi)
			kx_memcpy(page + (lo - pg), s->src + (lo - s->paddr), (size_t)(hi - lo));
	}
}

static struct kx_err built_page(struct walk *k, uint64_t pg)
{
	struct kx_pieces *pc = k->pc;
	uint8_t *page = 0;
	struct kx_err err;

	if (k->p) { /* counting takes no scratch: it says how much */
		if (pc->scratch_len < pc->used || pc->scratch_len - pc->used < KX_PAGE)
			return kx_err(KX_E_SCRATCH, "pages shared by segments", pc->used + KX_PAGE,
				      pc->scratch_len);
		if (KX_FAILED(err = fixed(k, (struct kx_range){ pg, pg + KX_PAGE })))
			return err;
		page = pc->scratch + pc->used;
		fill_page(pc, page, pg);
	}
	pc->used += KX_PAGE;
	if (k->built_last && k->done == pg) { /* next in memory and in scratch: merged */
		if (k->p) {
			k->p->seg[k->p->nseg - 1].bufsz += KX_PAGE;
			k->p->seg[k->p->nseg - 1].memsz += KX_PAGE;
		}
	} else {
		if (k->p && KX_FAILED(err = kx_plan_add(k->p, pc->purpose, "built", page, KX_PAGE, pg,
							 KX_PAGE)))
			return err;
		k->nseg++;
		k->built_last = 1;
	}
	k->done = pg + KX_PAGE;
	return KX_NOERR;
}

/* [at, end) of s straight from the file (at may be below paddr: the head). */
static struct kx_err direct(struct walk *k, const struct kx_piece *s, uint64_t at, uint64_t end)
{
	uint64_t fend = s->paddr + s->filesz, bufsz = 0;
	const uint8_t *b = 0;
	struct kx_err err;

	if (k->p) {
		if (KX_FAILED(err = fixed(k, (struct kx_range){ at, end })))
			return err;
		if (s->filesz && fend > at) {
			b = at < s->paddr ? s->src - (s->paddr - at) : s->src + (at - s->paddr);
			bufsz = (fend < end ? fend : end) - at;
		}
		err = kx_plan_add(k->p, k->pc->purpose, k->pc->source, b, bufsz, at, end - at);
		if (KX_FAILED(err))
			return err;
	}
	k->nseg++;
	k->built_last = 0;
	k->done = end;
	return KX_NOERR;
}

/* One piece: its first page built when its head would start before the file,
 * its last page built when the next piece starts in it (for a one-page piece,
 * that is also its first page), the rest straight from the file. */
static struct kx_err one_piece(struct walk *k, const struct kx_piece *s)
{
	uint64_t first = kx_align_down(s->paddr, KX_PAGE), at;
	/* cannot wrap: the caller keeps the rounded-up end an address */
	uint64_t end = kx_align_down(s->paddr + s->memsz + (KX_PAGE - 1), KX_PAGE);
	struct kx_err err;

	/* a first page shared with the previous piece was built with it */
	at = k->done > first ? k->done : first;
	if (at >= end)
		return KX_NOERR; /* inside pages already built */
	if (at == first && s->filesz && (uint64_t)(s->src - k->pc->file) < s->paddr - first) {
		err = built_page(k, first);
		if (KX_FAILED(err))
			return err;
		at = first + KX_PAGE;
		if (at >= end)
			return KX_NOERR;
	}
	if (users(k->pc, end - KX_PAGE) > 1) {
		if (end - KX_PAGE > at) {
			err = direct(k, s, at, end - KX_PAGE);
			if (KX_FAILED(err))
				return err;
		}
		return built_page(k, end - KX_PAGE);
	}
	return direct(k, s, at, end);
}

static struct kx_err walk(struct walk *k)
{
	unsigned i;
	struct kx_err err;

	for (i = 0; i < k->pc->n; i++)
		if (KX_FAILED(err = one_piece(k, &k->pc->piece[i])))
			return err;
	return KX_NOERR;
}

struct kx_err kx_plan_add_pieces(struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
				 struct kx_pieces *pc)
{
	struct walk k = { .p = p, .m = m, .w = w, .pc = pc };

	return walk(&k);
}

void kx_pieces_count(const struct kx_pieces *pc, unsigned *nseg, size_t *scratch)
{
	struct kx_pieces copy = *pc;
	struct walk k = { .pc = &copy };

	(void)walk(&k); /* without a plan nothing can fail */
	*nseg = k.nseg;
	*scratch = copy.used - pc->used;
}
