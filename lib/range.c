/* Half-open ranges and finding space for a request (include/kx/range.h). */
#include <kx/bytes.h>
#include <kx/range.h>

struct kx_range kx_range_at(uint64_t start, uint64_t size)
{
	if (size > UINT64_MAX - start)
		return KX_RANGE_BAD;
	return (struct kx_range){ start, start + size };
}

bool kx_range_overlaps(struct kx_range a, struct kx_range b)
{
	return a.start < b.end && b.start < a.end;
}

bool kx_range_contains(struct kx_range outer, struct kx_range inner)
{
	return kx_range_ok(outer) && kx_range_ok(inner) && outer.start <= inner.start &&
	       inner.end <= outer.end;
}

bool kx_range_has(struct kx_range r, uint64_t addr)
{
	return r.start <= addr && addr < r.end;
}

struct kx_range kx_range_intersect(struct kx_range a, struct kx_range b)
{
	struct kx_range r = { a.start > b.start ? a.start : b.start, a.end < b.end ? a.end : b.end };

	if (r.end <= r.start)
		return (struct kx_range){ 0, 0 };
	return r;
}

unsigned kx_range_minus(struct kx_range a, struct kx_range b, struct kx_range out[2])
{
	unsigned n = 0;

	if (kx_range_empty(a))
		return 0;
	if (kx_range_empty(b) || !kx_range_overlaps(a, b)) {
		out[0] = a;
		return 1;
	}
	if (a.start < b.start)
		out[n++] = (struct kx_range){ a.start, b.start };
	if (b.end < a.end)
		out[n++] = (struct kx_range){ b.end, a.end };
	return n;
}

/* The first exclusion overlapping [at, at + size), or NULL. */
static const struct kx_range *excluded(const struct kx_place *rq, uint64_t at)
{
	struct kx_range r = { at, at + rq->size };
	unsigned i;

	for (i = 0; i < rq->nexclude; i++)
		if (kx_range_overlaps(r, rq->exclude[i]))
			return &rq->exclude[i];
	return 0;
}

/*
 * The highest (lowest) aligned fit in the free range [s, t), which holds at
 * least size bytes. Every step moves past one exclusion, which the next
 * candidates cannot touch again: at most nexclude + 1 steps.
 */
static bool fit_top_down(const struct kx_place *rq, uint64_t s, uint64_t t, uint64_t *out)
{
	uint64_t c = kx_align_down(t - rq->size, rq->align);
	const struct kx_range *hit;
	unsigned guard;

	for (guard = 0; guard <= rq->nexclude && c >= s; guard++) {
		hit = excluded(rq, c);
		if (!hit) {
			*out = c;
			return true;
		}
		if (hit->start < rq->size + s)
			return false;
		c = kx_align_down(hit->start - rq->size, rq->align);
	}
	return false;
}

static bool fit_bottom_up(const struct kx_place *rq, uint64_t s, uint64_t t, uint64_t *out)
{
	const struct kx_range *hit;
	unsigned guard;
	uint64_t c;

	if (!kx_align_up(s, rq->align, &c))
		return false;
	for (guard = 0; guard <= rq->nexclude && c < t && t - c >= rq->size; guard++) {
		hit = excluded(rq, c);
		if (!hit) {
			*out = c;
			return true;
		}
		if (!kx_align_up(hit->end, rq->align, &c))
			return false;
	}
	return false;
}

bool kx_find_space(const struct kx_memmap *m, struct kx_range window, const struct kx_place *rq,
		   uint64_t *out)
{
	struct kx_range area = kx_range_intersect(window, rq->within);
	bool found = false;
	uint64_t best = 0, c = 0;
	unsigned i;

	if (!rq->size || !kx_is_pow2(rq->align))
		return false;
	for (i = 0; i < m->n && i < KX_MEMMAP_MAX; i++) {
		struct kx_range e = { m->e[i].start, m->e[i].end };

		if (m->e[i].type != KX_MEM_RAM)
			continue;
		e = kx_range_intersect(e, area);
		if (kx_range_size(e) < rq->size)
			continue;
		if (rq->top_down ? !fit_top_down(rq, e.start, e.end, &c)
				 : !fit_bottom_up(rq, e.start, e.end, &c))
			continue;
		if (!found || (rq->top_down ? c > best : c < best))
			best = c;
		found = true;
	}
	if (found)
		*out = best;
	return found;
}
