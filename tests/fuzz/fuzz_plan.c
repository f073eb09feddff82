/*
 * The planner: random memory maps and segment requests. Invariant checked:
 * whatever kx_plan_place returns is aligned, inside RAM and the window, and
 * free; a plan kx_plan_validate accepts has no overlap.
 */
#include <stdlib.h>
#include <kx/bytes.h>
#include <kx/plan.h>
#include "fuzz.h"

static uint64_t take(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	if (end - *p >= 8) {
		v = kx_le64(*p);
		*p += 8;
	} else {
		*p = end;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kx_memmap m;
	static struct kx_plan p;
	const uint8_t *q = data, *end = data + size;
	unsigned n, i;
	struct kx_window w;

	memset(&m, 0, sizeof(m));
	memset(&p, 0, sizeof(p));
	n = size ? data[0] % 12 : 0;
	q += !!size;
	for (i = 0; i < n; i++) {
		uint64_t s = take(&q, end) & ~0xfffull, l = (take(&q, end) & 0xffffffffull) + 1;
		(void)kx_memmap_add(&m, s, s + l < s ? UINT64_MAX : s + l, i % 3 ? KX_MEM_RAM : KX_MEM_RESERVED);
	}
	w.min = take(&q, end) & 0xffffffffull;
	w.max = take(&q, end) | 0x100000000ull;
	while (q < end && p.nseg < KX_MAX_SEGMENTS) {
		uint64_t size_ = (take(&q, end) & 0xffffff) + 1, align = 1ull << (take(&q, end) % 31);
		uint64_t lo = take(&q, end) & 0xffffffffull, hi = take(&q, end), at;
		int top = q < end ? *q++ & 1 : 0;
		struct kx_place rq = { .size = size_, .align = align, .within = { lo, hi },
				       .top_down = top };
		if (!kx_plan_place(&p, &m, w, &rq, &at))
			continue;
		if (at % align || at < lo || at + size_ > hi || at < w.min || at + size_ > w.max)
			abort();
		for (i = 0; i < p.nseg; i++)
			if (at < p.seg[i].mem + p.seg[i].memsz && p.seg[i].mem < at + size_)
				abort();
		if (KX_FAILED(kx_plan_add(&p, "fuzz", "fuzz", 0, 0, at, size_)))
			break;
	}
	(void)kx_plan_validate(&p, &m);
	return 0;
}
