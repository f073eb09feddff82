/* Raw loader: files at fixed physical addresses, a jump to --entry. */
#include <kx/bytes.h>
#include <kx/raw.h>

int kx_raw_probe(const uint8_t *buf, size_t len)
{
	(void)buf;
	(void)len;
	return 0;
}

struct kx_err kx_raw_load(const struct kx_load_req *r, struct kx_plan *p)
{
	uint64_t memsz[KX_MAX_SEGMENTS];
	unsigned i, j;
	struct kx_err err;

	if (!r->nraw)
		return kx_err(KX_E_RAW_NO_SEGMENT, 0, 0, 0);
	if (r->nraw > KX_MAX_SEGMENTS)
		return kx_err(KX_E_TOO_MANY_SEGMENTS, "raw", r->nraw, KX_MAX_SEGMENTS);
	if (!r->have_entry)
		return kx_err(KX_E_RAW_NO_ENTRY, 0, 0, 0);
	/* every check first, so that the plan is untouched on error */
	for (i = 0; i < r->nraw; i++) {
		const struct kx_raw_seg *s = &r->raw[i];
		struct kx_range at;

		if (!s->file.len)
			return kx_err(KX_E_SEGMENT_EMPTY, 0, i, s->addr);
		if (s->addr % KX_PAGE)
			return kx_err(KX_E_USER_SEG_ALIGN, 0, i, s->addr);
		if (!kx_align_up(s->file.len, KX_PAGE, &memsz[i]) ||
		    !kx_range_ok(at = kx_range_at(s->addr, memsz[i])))
			return kx_err(KX_E_USER_SEG_WRAP, 0, i, s->addr);
		for (j = 0; j < i; j++)
			if (kx_range_overlaps(at, kx_range_at(r->raw[j].addr, memsz[j])))
				return kx_err(KX_E_USER_SEG_OVERLAP, 0, i, s->addr);
		if (!kx_range_contains((struct kx_range){ r->window.min, r->window.max }, at) ||
		    !kx_memmap_covers(&r->sys->mem, at))
			return kx_err(KX_E_USER_SEG_NOT_RAM, 0, i, s->addr);
	}
	if (p->nseg + r->nraw > KX_MAX_SEGMENTS)
		return kx_err(KX_E_TOO_MANY_SEGMENTS, "raw", p->nseg + r->nraw, KX_MAX_SEGMENTS);
	for (i = 0; i < r->nraw; i++) {
		err = kx_plan_add(p, "raw", r->raw[i].file.name, r->raw[i].file.buf, r->raw[i].file.len,
				  r->raw[i].addr, memsz[i]);
		if (KX_FAILED(err))
			return err;
	}
	p->target = r->entry;
	p->entry_mode = KX_PURG_ENTRY_64; /* the native 64-bit hand-off */
	for (i = 0; i < KX_PURG_NREGS; i++)
		p->regs[i] = 0;
	p->regs_used = 0;
	p->cmdline = 0;
	p->type = "raw";
	p->purg_flags |= KX_PURG_4LEVEL; /* raw code can't be assumed to know LA57 */
	return KX_NOERR;
}

const struct kx_loader kx_raw_loader = {
	.name = "raw",
	.aliases = 0,
	.probe = kx_raw_probe, /* never: only with -t raw */
	.no_image = 1,
	.load = kx_raw_load,
};
