/* The machine's physical memory map, and the /proc/iomem parser. */
#include <kx/bytes.h>
#include <kx/range.h>

struct kx_err kx_memmap_add(struct kx_memmap *m, uint64_t start, uint64_t end, uint32_t type)
{
	unsigned i;

	if (end <= start)
		return kx_err(KX_E_MEMMAP, "an empty or inverted range", start, end);
	if (m->n >= KX_MEMMAP_MAX)
		return kx_err(KX_E_TOO_MANY, "memory map entries", KX_MEMMAP_MAX, 0);
	for (i = m->n; i > 0 && m->e[i - 1].start > start; i--)
		m->e[i] = m->e[i - 1];
	m->e[i].start = start;
	m->e[i].end = end;
	m->e[i].type = type;
	m->n++;
	return KX_NOERR;
}

static int name_is(const char *name, unsigned long len, const char *want)
{
	unsigned long n = kx_strlen(want);
	return len == n && !kx_memcmp(name, want, n);
}

uint32_t kx_memtype_from_name(const char *name, unsigned long len)
{
	while (len && (name[len - 1] == '\n' || name[len - 1] == ' '))
		len--;
	if (name_is(name, len, "System RAM"))
		return KX_MEM_RAM;
	if (name_is(name, len, "ACPI Tables"))
		return KX_MEM_ACPI;
	if (name_is(name, len, "ACPI Non-volatile Storage"))
		return KX_MEM_NVS;
	if (name_is(name, len, "Unusable memory"))
		return KX_MEM_UNUSABLE;
	if (name_is(name, len, "Persistent Memory (legacy)"))
		return KX_MEM_PRAM;
	if (name_is(name, len, "Persistent Memory"))
		return KX_MEM_PMEM;
	if (name_is(name, len, "Soft Reserved"))
		return KX_MEM_SOFT_RESERVED;
	if (name_is(name, len, "Reserved") || name_is(name, len, "reserved"))
		return KX_MEM_RESERVED;
	return 0; /* not a memory-map type (MMIO, PCI windows, ...) */
}

bool kx_iomem_line(const char *line, const char *eol, struct kx_iomem_line *out)
{
	const char *q = line;

	while (q < eol && *q == ' ')
		q++;
	out->depth = (unsigned long)(q - line);
	if (!kx_hex_parse(&q, eol, &out->first) || q >= eol || *q++ != '-' ||
	    !kx_hex_parse(&q, eol, &out->last) || eol - q < 3 || kx_memcmp(q, " : ", 3))
		return false;
	out->name = q + 3;
	out->namelen = (unsigned long)(eol - out->name);
	return true;
}

/* Lines look like "00100000-7ffdffff : System RAM"; nested lines are indented. */
struct kx_err kx_iomem_parse(const char *buf, unsigned long len, struct kx_memmap *m)
{
	const char *p = buf, *end = buf + len;
	unsigned long line = 0;
	int nonzero = 0, seen = 0;

	while (p < end) {
		const char *eol = p;
		struct kx_iomem_line l;
		uint32_t type;
		struct kx_err err;

		while (eol < end && *eol != '\n')
			eol++;
		line++;
		if (p == eol || *p == ' ') /* blank or nested */
			goto next;
		if (!kx_iomem_line(p, eol, &l))
			return kx_err(KX_E_MEMMAP, "a malformed /proc/iomem line", line, 0);
		type = kx_memtype_from_name(l.name, l.namelen);
		if (l.first || l.last)
			nonzero = 1;
		if (!type)
			goto next;
		seen = 1;
		if (l.last < l.first || l.last == UINT64_MAX)
			return kx_err(KX_E_MEMMAP, "an inverted /proc/iomem range", line, 0);
		if (l.first || l.last) {
			err = kx_memmap_add(m, l.first, l.last + 1, type);
			if (KX_FAILED(err))
				return err;
		}
	next:
		p = eol < end ? eol + 1 : end;
	}
	if (seen && !nonzero)
		return kx_err(KX_E_MEMMAP_HIDDEN, 0, 0, 0);
	return KX_NOERR;
}

uint64_t kx_memmap_ram(const struct kx_memmap *m)
{
	uint64_t total = 0;
	unsigned i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].type == KX_MEM_RAM)
			total += m->e[i].end - m->e[i].start;
	return total;
}

uint64_t kx_memmap_ram_end(const struct kx_memmap *m, uint64_t addr)
{
	unsigned i, guard, n = m->n < KX_MEMMAP_MAX ? m->n : KX_MEMMAP_MAX;

	/* every step leaves an entry behind for good: at most n + 1 steps */
	for (guard = 0; guard <= n; guard++) {
		for (i = 0; i < n; i++)
			if (m->e[i].type == KX_MEM_RAM && m->e[i].start <= addr && addr < m->e[i].end)
				break;
		if (i == n)
			break;
		addr = m->e[i].end;
	}
	return addr;
}

bool kx_memmap_covers(const struct kx_memmap *m, struct kx_range r)
{
	return kx_range_empty(r) || kx_memmap_ram_end(m, r.start) >= r.end;
}
