/*
 * The memory kx may place segments in on arm64. There is no
 * /sys/firmware/memmap: /proc/iomem's top-level "System RAM" lines are the
 * map (lib/memmap.c), but some of that RAM must not be overwritten, and
 * arm64 lists it as "reserved" lines nested inside "System RAM": firmware
 * tables, UEFI runtime regions, no-map areas, and the GICv3 ITS tables a
 * kexec'd kernel inherits. kexec-tools excludes them too.
 */
#include <kx/bytes.h>
#include "arm64.h"

static void drop(struct kx_memmap *m, unsigned i)
{
	for (; i + 1 < m->n; i++)
		m->e[i] = m->e[i + 1];
	m->n--;
}

/* Take x out of every RAM entry; what is taken becomes KX_MEM_RESERVED. */
static struct kx_err carve(struct kx_memmap *m, struct kx_range x)
{
	unsigned i, k, n, guard;
	struct kx_err err;

	for (guard = 0; guard <= KX_MEMMAP_MAX; guard++) {
		struct kx_range r, rest[2];

		for (i = 0; i < m->n; i++)
			if (m->e[i].type == KX_MEM_RAM &&
			    kx_range_overlaps((struct kx_range){ m->e[i].start, m->e[i].end }, x))
				break;
		if (i == m->n)
			return KX_NOERR;
		r = (struct kx_range){ m->e[i].start, m->e[i].end };
		drop(m, i);
		n = kx_range_minus(r, x, rest);
		for (k = 0; k < n; k++)
			if (KX_FAILED(err = kx_memmap_add(m, rest[k].start, rest[k].end, KX_MEM_RAM)))
				return err;
		r = kx_range_intersect(r, x);
		err = kx_memmap_add(m, r.start, r.end, KX_MEM_RESERVED);
		if (KX_FAILED(err))
			return err;
	}
	return KX_NOERR;
}

struct kx_err kx_a64_iomem_reserved(const char *buf, unsigned long len, struct kx_memmap *m)
{
	const char *p = buf, *end = buf + len;
	unsigned long line = 0;

	while (p < end) {
		const char *eol = p;
		struct kx_iomem_line l;
		struct kx_err err;

		while (eol < end && *eol != '\n')
			eol++;
		line++;
		if (p < eol && *p == ' ') {
			if (!kx_iomem_line(p, eol, &l))
				return kx_err(KX_E_MEMMAP, "a malformed /proc/iomem line", line, 0);
			if (l.namelen == 8 && !kx_memcmp(l.name, "reserved", 8) && (l.first || l.last)) {
				if (l.last < l.first || l.last == UINT64_MAX)
					return kx_err(KX_E_MEMMAP, "an inverted /proc/iomem range", line, 0);
				err = carve(m, (struct kx_range){ l.first, l.last + 1 });
				if (KX_FAILED(err))
					return err;
			}
		}
		p = eol < end ? eol + 1 : end;
	}
	return KX_NOERR;
}

void kx_a64_memmap_align(struct kx_memmap *m, uint64_t align)
{
	unsigned i = 0;

	if (!kx_is_pow2(align))
		return;
	while (i < m->n) {
		struct kx_mement *x = &m->e[i];
		uint64_t s;
		if (x->type == KX_MEM_RAM) {
			if (!kx_align_up(x->start, align, &s) || s >= kx_align_down(x->end, align)) {
				drop(m, i);
				continue;
			}
			x->start = s;
			x->end = kx_align_down(x->end, align);
		}
		i++;
	}
}
