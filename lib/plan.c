/* The planner: place segments, validate the plan as the kernel will,
 * and attach the purgatory with its parameter block. */
#include <kx/bytes.h>
#include <kx/digest.h>
#include <kx/plan.h>

KX_PURG_CHECK_LAYOUT();

struct kx_err kx_plan_add(struct kx_plan *p, const char *purpose, const char *source,
			  const void *buf, uint64_t bufsz, uint64_t mem, uint64_t memsz)
{
	struct kx_segment *s;

	if (p->nseg >= KX_MAX_SEGMENTS)
		return kx_err(KX_E_TOO_MANY_SEGMENTS, purpose, p->nseg + 1, KX_MAX_SEGMENTS);
	s = &p->seg[p->nseg++];
	s->buf = buf;
	s->bufsz = bufsz;
	s->mem = mem;
	s->memsz = memsz;
	s->purpose = purpose;
	s->source = source;
	s->digest = 0;
	s->verify = 1;
	return KX_NOERR;
}

/* The segment of p overlapping [a, a+size), or NULL. */
static const struct kx_segment *collides(const struct kx_plan *p, uint64_t a, uint64_t size)
{
	struct kx_range r = { a, a + size };
	unsigned i;

	for (i = 0; i < p->nseg; i++) {
		struct kx_range s = { p->seg[i].mem, p->seg[i].mem + p->seg[i].memsz };
		if (kx_range_overlaps(r, s))
			return &p->seg[i];
	}
	return 0;
}

int kx_plan_find(const struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
		 uint64_t size, uint64_t align, uint64_t lo, uint64_t hi, int top_down,
		 uint64_t *out)
{
	int found = 0;
	uint64_t best = 0;
	unsigned i, guard;

	if (!size || !kx_is_pow2(align))
		return 0;
	if (lo < w.min)
		lo = w.min;
	if (hi > w.max)
		hi = w.max;
	for (i = 0; i < m->n; i++) {
		uint64_t s = m->e[i].start, t = m->e[i].end, c;
		const struct kx_segment *hit;

		if (m->e[i].type != KX_MEM_RAM)
			continue;
		if (s < lo)
			s = lo;
		if (t > hi)
			t = hi;
		if (s >= t || t - s < size)
			continue;
		if (top_down) {
			c = kx_align_down(t - size, align);
			/* each step moves below one segment: at most nseg + 1 steps */
			for (guard = 0; guard <= KX_MAX_SEGMENTS && c >= s; guard++) {
				hit = collides(p, c, size);
				if (!hit) {
					if (!found || c > best)
						best = c;
					found = 1;
					break;
				}
				if (hit->mem < size + s)
					break;
				c = kx_align_down(hit->mem - size, align);
			}
		} else {
			if (!kx_align_up(s, align, &c))
				continue;
			for (guard = 0; guard <= KX_MAX_SEGMENTS && c < t && t - c >= size; guard++) {
				hit = collides(p, c, size);
				if (!hit) {
					if (!found || c < best)
						best = c;
					found = 1;
					break;
				}
				if (!kx_align_up(hit->mem + hit->memsz, align, &c))
					break;
			}
		}
	}
	if (found)
		*out = best;
	return found;
}

/* Is [a, b) covered by RAM entries (adjacent entries may split it)? */
static int in_ram(const struct kx_memmap *m, uint64_t a, uint64_t b)
{
	unsigned i, guard;

	for (guard = 0; a < b && guard <= m->n; guard++) {
		for (i = 0; i < m->n; i++)
			if (m->e[i].type == KX_MEM_RAM && m->e[i].start <= a && a < m->e[i].end)
				break;
		if (i == m->n)
			return 0;
		a = m->e[i].end;
	}
	return a >= b;
}

struct kx_err kx_plan_validate(const struct kx_plan *p, const struct kx_memmap *m)
{
	uint64_t half = kx_memmap_ram(m) / 2, total = 0;
	unsigned i, j;

	if (p->nseg > KX_MAX_SEGMENTS)
		return kx_err(KX_E_TOO_MANY_SEGMENTS, 0, p->nseg, KX_MAX_SEGMENTS);
	for (i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];

		if (s->mem % KX_PAGE)
			return kx_err(KX_E_SEG_ALIGN, s->purpose, i, s->mem);
		if (s->memsz % KX_PAGE)
			return kx_err(KX_E_SEG_ALIGN, s->purpose, i, s->mem + s->memsz);
		if (s->mem + s->memsz < s->mem)
			return kx_err(KX_E_SEG_WRAP, s->purpose, i, s->mem);
		if (s->bufsz > s->memsz)
			return kx_err(KX_E_SEG_BUFSZ, s->purpose, i, s->bufsz);
		if (!in_ram(m, s->mem, s->mem + s->memsz))
			return kx_err(KX_E_SEG_NOT_RAM, s->purpose, i, s->mem);
		if (s->memsz > half)
			return kx_err(KX_E_SEG_TOO_BIG, s->purpose, s->memsz, half);
		total += s->memsz;
		for (j = 0; j < i; j++) {
			struct kx_range a = { s->mem, s->mem + s->memsz };
			struct kx_range b = { p->seg[j].mem, p->seg[j].mem + p->seg[j].memsz };
			if (kx_range_overlaps(a, b))
				return kx_err(KX_E_SEG_OVERLAP, s->purpose, j, i);
		}
	}
	if (total > half)
		return kx_err(KX_E_SEG_TOO_BIG, 0, total, half);
	return KX_NOERR;
}

struct kx_err kx_plan_add_purgatory(struct kx_plan *p, const struct kx_memmap *m,
				    struct kx_window w, const uint8_t *blob, size_t bloblen,
				    uint8_t *buf, size_t buflen, uint32_t flags,
				    uint16_t serial_port)
{
	struct kx_purg_params pp; /* built here, copied in: buf needs no alignment */
	uint64_t memsz, mem;
	unsigned i;
	struct kx_err err;

	if (bloblen < KX_PURG_HDR_SIZE)
		return kx_err(KX_E_PURGATORY, 0, KX_PG_SHORT, bloblen);
	if (kx_le32(blob + 16) != KX_PURG_MAGIC)
		return kx_err(KX_E_PURGATORY, 0, KX_PG_MAGIC, kx_le32(blob + 16));
	if (kx_le16(blob + 20) != KX_PURG_VERSION)
		return kx_err(KX_E_PURGATORY, 0, KX_PG_VERSION, kx_le16(blob + 20));
	if (kx_le16(blob + 22) != KX_PURG_HDR_SIZE)
		return kx_err(KX_E_PURGATORY, 0, KX_PG_HDR_SIZE, kx_le16(blob + 22));
	if (kx_le32(blob + 28) != KX_PURG_ARCH_NATIVE)
		return kx_err(KX_E_PURGATORY, 0, KX_PG_ARCH, kx_le32(blob + 28));
	memsz = kx_le32(blob + 24);
	if (memsz < bloblen)
		return kx_err(KX_E_PURGATORY, 0, KX_PG_MEMSZ_SMALL, memsz);
	if (buflen < bloblen)
		return kx_err(KX_E_SCRATCH, "purgatory", bloblen, buflen);
	if (p->nseg >= KX_MAX_SEGMENTS)
		return kx_err(KX_E_TOO_MANY_SEGMENTS, "purgatory", p->nseg + 1, KX_MAX_SEGMENTS);
	if (!kx_align_up(memsz, KX_PAGE, &memsz))
		return kx_err(KX_E_PURGATORY, 0, KX_PG_MEMSZ_BAD, memsz);
	/* Below 4 GiB, so that a 32-bit hand-off can run from it too. */
	if (!kx_plan_find(p, m, w, memsz, KX_PAGE, 1ull << 20, 1ull << 32, 0, &mem))
		return kx_err(KX_E_NO_SPACE, "purgatory", memsz, w.max < (1ull << 32) ? w.max : 1ull << 32);

	/* Nothing can fail from here on. */
	kx_memset(&pp, 0, sizeof(pp));
	pp.magic = KX_PURG_MAGIC;
	pp.version = KX_PURG_VERSION;
	pp.serial_port = serial_port;
	pp.flags = flags | p->purg_flags;
	pp.entry_mode = p->entry_mode;
	pp.digest_alg = KX_DIGEST_XXH64;
	pp.entry = p->target;
	for (i = 0; i < KX_PURG_NREGS; i++)
		pp.regs[i] = p->regs[i];
	for (i = 0; i < p->nseg; i++) {
		struct kx_segment *s = &p->seg[i];
		if (!s->verify || !s->bufsz)
			continue;
		s->digest = flags & KX_PURG_VERIFY ? kx_xxh64(s->buf, (size_t)s->bufsz, 0) : 0;
		pp.ranges[pp.nranges].start = s->mem;
		pp.ranges[pp.nranges].len = s->bufsz;
		pp.ranges[pp.nranges].digest = s->digest;
		pp.nranges++;
	}
	kx_memcpy(buf, blob, bloblen);
	kx_memcpy(buf + KX_PURG_PARAMS_OFF, &pp, sizeof(pp));
	err = kx_plan_add(p, "purgatory", "built-in", buf, bloblen, mem, memsz);
	if (KX_FAILED(err))
		return err;
	p->seg[p->nseg - 1].verify = 0;
	p->entry = mem;
	return KX_NOERR;
}
