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

static struct kx_range seg_range(const struct kx_segment *s)
{
	return (struct kx_range){ s->mem, s->mem + s->memsz };
}

int kx_plan_hit(const struct kx_plan *p, unsigned n, struct kx_range r)
{
	unsigned i;

	for (i = 0; i < n && i < p->nseg; i++)
		if (kx_range_overlaps(r, seg_range(&p->seg[i])))
			return (int)i;
	return -1;
}

bool kx_plan_place(const struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
		   const struct kx_place *rq, uint64_t *out)
{
	struct kx_range ex[KX_MAX_SEGMENTS + KX_PLACE_MAX_EXCLUDE];
	struct kx_place all = *rq;
	unsigned i, n = 0;

	if (rq->nexclude > KX_PLACE_MAX_EXCLUDE || p->nseg > KX_MAX_SEGMENTS)
		return false;
	for (i = 0; i < p->nseg; i++)
		ex[n++] = seg_range(&p->seg[i]);
	for (i = 0; i < rq->nexclude; i++)
		ex[n++] = rq->exclude[i];
	all.exclude = ex;
	all.nexclude = n;
	return kx_find_space(m, (struct kx_range){ w.min, w.max }, &all, out);
}

bool kx_plan_fits_at(const struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
		     uint64_t at, uint64_t size)
{
	struct kx_place rq = { .size = size, .align = KX_PAGE, .within = kx_range_at(at, size) };
	uint64_t got;

	if (at % KX_PAGE || at < w.min || !kx_range_ok(rq.within))
		return false;
	return kx_plan_place(p, m, w, &rq, &got) && got == at;
}

struct kx_err kx_plan_validate(const struct kx_plan *p, const struct kx_memmap *m)
{
	uint64_t half = kx_memmap_ram(m) / 2, total = 0;
	unsigned i;
	int j;

	if (p->nseg > KX_MAX_SEGMENTS)
		return kx_err(KX_E_TOO_MANY_SEGMENTS, 0, p->nseg, KX_MAX_SEGMENTS);
	for (i = 0; i < p->nseg; i++) {
		const struct kx_segment *s = &p->seg[i];

		if (s->mem % KX_PAGE)
			return kx_err(KX_E_SEG_ALIGN, s->purpose, i, s->mem);
		if (s->memsz % KX_PAGE)
			return kx_err(KX_E_SEG_ALIGN, s->purpose, i, s->mem + s->memsz);
		if (!kx_range_ok(kx_range_at(s->mem, s->memsz)))
			return kx_err(KX_E_SEG_WRAP, s->purpose, i, s->mem);
		if (s->bufsz > s->memsz)
			return kx_err(KX_E_SEG_BUFSZ, s->purpose, i, s->bufsz);
		if (!kx_memmap_covers(m, seg_range(s)))
			return kx_err(KX_E_SEG_NOT_RAM, s->purpose, i, s->mem);
		if (s->memsz > half)
			return kx_err(KX_E_SEG_TOO_BIG, s->purpose, s->memsz, half);
		total += s->memsz;
		if ((j = kx_plan_hit(p, i, seg_range(s))) >= 0)
			return kx_err(KX_E_SEG_OVERLAP, s->purpose, j, i);
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
	struct kx_place rq = { .align = KX_PAGE, .within = { KX_MiB, 4 * KX_GiB } };
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
	if (p->head_off && (p->head_off < KX_PURG_HDR_SIZE ||
			    bloblen < (uint64_t)p->head_off + KX_PURG_PPC64_HEADSZ))
		return kx_err(KX_E_PURGATORY, 0, KX_PG_SHORT, bloblen);
	if (memsz < bloblen)
		return kx_err(KX_E_PURGATORY, 0, KX_PG_MEMSZ_SMALL, memsz);
	if (buflen < bloblen)
		return kx_err(KX_E_SCRATCH, "purgatory", bloblen, buflen);
	if (p->nseg >= KX_MAX_SEGMENTS)
		return kx_err(KX_E_TOO_MANY_SEGMENTS, "purgatory", p->nseg + 1, KX_MAX_SEGMENTS);
	if (!kx_align_up(memsz, KX_PAGE, &memsz))
		return kx_err(KX_E_PURGATORY, 0, KX_PG_MEMSZ_BAD, memsz);
	/* Below 4 GiB, so that a 32-bit hand-off can run from it too. */
	rq.size = memsz;
	if (!kx_plan_place(p, m, w, &rq, &mem))
		return kx_err(KX_E_NO_SPACE, "purgatory", memsz, kx_window_top(w, 4 * KX_GiB));

	/* Nothing can fail from here on. */
	kx_memset(&pp, 0, sizeof(pp));
	pp.magic = KX_PURG_MAGIC;
	pp.version = KX_PURG_VERSION;
	pp.serial_port = serial_port;
	pp.serial_baud = p->serial_baud;
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
	if (p->head)
		kx_memcpy(buf + p->head_off + 4, p->head + 4, KX_PURG_PPC64_HEADSZ - 4);
	err = kx_plan_add(p, "purgatory", "built-in", buf, bloblen, mem, memsz);
	if (KX_FAILED(err))
		return err;
	p->seg[p->nseg - 1].verify = 0;
	p->entry = mem + p->head_off;
	return KX_NOERR;
}
