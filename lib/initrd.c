/* Initrds: one contiguous span, each file its own segment (include/kx/loader.h). */
#include <kx/bytes.h>
#include <kx/loader.h>

struct kx_err kx_place_initrds(struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
			       const struct kx_blob *rd, unsigned n, uint64_t align,
			       const struct kx_place *tries, unsigned ntries, struct kx_range *out)
{
	uint64_t span = 0, at, a, limit = w.max;
	unsigned i, k;
	struct kx_err err;

	*out = (struct kx_range){ 0, 0 };
	for (i = 0; i < n; i++) {
		if (!kx_align_up(rd[i].len, align, &a) || span + a < span)
			return kx_err(KX_E_NO_SPACE, "initrd", UINT64_MAX, 0);
		span += a;
	}
	if (!span)
		return KX_NOERR;
	for (k = 0; k < ntries; k++) {
		struct kx_place rq = tries[k];

		rq.size = span;
		rq.align = align;
		if (kx_plan_place(p, m, w, &rq, &at))
			break;
	}
	if (k == ntries) {
		if (ntries && tries[ntries - 1].within.end < limit)
			limit = tries[ntries - 1].within.end;
		return kx_err(KX_E_NO_SPACE, "initrd", span, limit);
	}
	out->start = at;
	for (i = 0; i < n; i++) {
		kx_align_up(rd[i].len, align, &a);
		if (!a)
			continue;
		err = kx_plan_add(p, "initrd", rd[i].name, rd[i].buf, rd[i].len, at, a);
		if (KX_FAILED(err))
			return err;
		out->end = at + rd[i].len; /* ends at the last file's last byte */
		at += a;
	}
	return KX_NOERR;
}
