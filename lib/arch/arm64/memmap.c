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

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	int n = 0, d;

	while (p < end && (d = hexval(*p)) >= 0) {
		if (++n > 16)
			return 0;
		v = v << 4 | (uint64_t)d;
		p++;
	}
	*pp = p;
	*out = v;
	return n > 0;
}

static void drop(struct kx_memmap *m, unsigned i)
{
	for (; i + 1 < m->n; i++)
		m->e[i] = m->e[i + 1];
	m->n--;
}

/* Take [s, e) out of every RAM entry; what is taken becomes KX_MEM_RESERVED. */
static struct kx_err carve(struct kx_memmap *m, uint64_t s, uint64_t e)
{
	unsigned i, guard;
	struct kx_err err;

	for (guard = 0; guard <= KX_MEMMAP_MAX; guard++) {
		struct kx_mement r;

		for (i = 0; i < m->n; i++)
			if (m->e[i].type == KX_MEM_RAM && m->e[i].start < e && s < m->e[i].end)
				break;
		if (i == m->n)
			return KX_NOERR;
		r = m->e[i];
		drop(m, i);
		if (r.start < s && KX_FAILED(err = kx_memmap_add(m, r.start, s, KX_MEM_RAM)))
			return err;
		if (e < r.end && KX_FAILED(err = kx_memmap_add(m, e, r.end, KX_MEM_RAM)))
			return err;
		err = kx_memmap_add(m, r.start > s ? r.start : s, r.end < e ? r.end : e,
				    KX_MEM_RESERVED);
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
		const char *eol = p, *q = p;
		uint64_t s, e;
		struct kx_err err;

		while (eol < end && *eol != '\n')
			eol++;
		line++;
		if (q < eol && *q == ' ') {
			while (q < eol && *q == ' ')
				q++;
			if (!hex(&q, eol, &s) || q >= eol || *q++ != '-' || !hex(&q, eol, &e) ||
			    eol - q < 3 || kx_memcmp(q, " : ", 3))
				return kx_err(KX_E_MEMMAP, "a malformed /proc/iomem line", line, 0);
			q += 3;
			if (eol - q == 8 && !kx_memcmp(q, "reserved", 8) && (s || e)) {
				if (e < s || e == UINT64_MAX)
					return kx_err(KX_E_MEMMAP, "an inverted /proc/iomem range", line, 0);
				err = carve(m, s, e + 1);
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
