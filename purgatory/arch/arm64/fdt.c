/*
 * Just enough of a flattened device tree reader to find the console: the
 * purgatory reports a corrupt segment on the UART that /chosen's
 * stdout-path names (QEMU virt: /pl011@9000000). No libfdt here: the
 * purgatory is freestanding and runs without a C library, and it only reads.
 * Every offset is checked against the header's sizes and len.
 */
#include "purg.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define MAX_DEPTH      16
#define MAX_TOKENS     100000  /* a bound on the walk, whatever the tree says */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t slen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

static int same(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i;
	if (an != bn)
		return 0;
	for (i = 0; i < an; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

struct tree {
	const uint8_t *s;     /* structure block */
	size_t slen;
	const char *str;      /* strings block */
	size_t strlen;
};

static int tree_init(struct tree *t, const uint8_t *fdt, size_t len)
{
	uint32_t total, off_s, size_s, off_str, size_str;

	if (len < 40 || be32(fdt) != FDT_MAGIC)
		return 0;
	total = be32(fdt + 4);
	off_s = be32(fdt + 8);
	off_str = be32(fdt + 12);
	size_str = be32(fdt + 32);
	size_s = be32(fdt + 36);
	if (total > len || be32(fdt + 20) < 17) /* version: size_dt_struct since 17 */
		return 0;
	if (off_s > total || size_s > total - off_s || off_str > total || size_str > total - off_str)
		return 0;
	if (off_s % 4)
		return 0;
	t->s = fdt + off_s;
	t->slen = size_s;
	t->str = (const char *)fdt + off_str;
	t->strlen = size_str;
	return 1;
}

/* A property found while walking. */
struct prop {
	const char *name;
	size_t namelen;
	const uint8_t *val;
	size_t len;
};

/*
 * The walker: one token at a time. Returns the token, with the node name
 * (BEGIN_NODE) or the property (PROP) filled in, or -1 on damage.
 */
static int next(const struct tree *t, size_t *off, struct prop *p)
{
	uint32_t tok;
	size_t o = *off;

	if (o + 4 > t->slen)
		return -1;
	tok = be32(t->s + o);
	o += 4;
	if (tok == FDT_BEGIN_NODE) {
		p->name = (const char *)t->s + o;
		p->namelen = slen(p->name, t->slen - o);
		if (o + p->namelen >= t->slen)
			return -1;
		o += (p->namelen + 1 + 3) & ~(size_t)3;
	} else if (tok == FDT_PROP) {
		uint32_t len, nameoff;
		if (o + 8 > t->slen)
			return -1;
		len = be32(t->s + o);
		nameoff = be32(t->s + o + 4);
		o += 8;
		if (len > t->slen - o || nameoff >= t->strlen)
			return -1;
		p->name = t->str + nameoff;
		p->namelen = slen(p->name, t->strlen - nameoff);
		if (nameoff + p->namelen >= t->strlen)
			return -1;
		p->val = t->s + o;
		p->len = len;
		o += (len + 3) & ~(size_t)3;
	} else if (tok != FDT_END_NODE && tok != FDT_NOP && tok != FDT_END) {
		return -1;
	}
	*off = o;
	return (int)tok;
}

static int is(const struct prop *p, const char *name)
{
	return same(p->name, p->namelen, name, slen(name, 64));
}

/* A string property value: its length without the NUL, or 0 if it is none. */
static size_t str_of(const struct prop *p)
{
	size_t n = slen((const char *)p->val, p->len);
	return n < p->len ? n : 0;
}

/* Does the node name match the path component (the unit address may be left out)? */
static int matches(const struct prop *node, const char *c, size_t cn)
{
	size_t i;
	if (same(node->name, node->namelen, c, cn))
		return 1;
	for (i = 0; i < cn; i++)
		if (c[i] == '@')
			return 0;
	return node->namelen > cn && node->name[cn] == '@' && same(node->name, cn, c, cn);
}

/* The value of property `name` of the depth-1 node `node` (e.g. /chosen), as a string. */
static size_t top_prop(const struct tree *t, const char *node, const char *name,
		       const char **val)
{
	size_t off = 0;
	int depth = 0, tok, in = 0, guard;
	struct prop p;

	for (guard = 0; guard < MAX_TOKENS; guard++) {
		tok = next(t, &off, &p);
		if (tok < 0 || tok == FDT_END)
			return 0;
		if (tok == FDT_BEGIN_NODE) {
			depth++;
			in = depth == 2 && matches(&p, node, slen(node, 64));
		} else if (tok == FDT_END_NODE) {
			if (--depth < 0)
				return 0;
			in = 0;
		} else if (tok == FDT_PROP && in && is(&p, name)) {
			*val = (const char *)p.val;
			return str_of(&p);
		}
	}
	return 0;
}

static uint64_t cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	uint32_t i;
	for (i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

struct level {
	uint32_t acells, scells;   /* #address-cells, #size-cells for its children */
	const uint8_t *ranges;     /* its "ranges", NULL = none */
	size_t rlen;
	int has_ranges;
};

/* Translate a child-bus address through a node's ranges; 0 if not translatable. */
static int translate(const struct level *bus, const struct level *parent, uint64_t *a)
{
	uint32_t ca = bus->acells, pa = parent->acells, sz = bus->scells, ent;
	size_t off;

	if (!bus->has_ranges)
		return 0;
	if (!bus->rlen)
		return 1;                      /* empty ranges: identity */
	if (ca > 2 || pa > 2 || sz > 2 || !ca || !pa)
		return 0;
	ent = 4 * (ca + pa + sz);
	for (off = 0; off + ent <= bus->rlen; off += ent) {
		uint64_t child = cells(bus->ranges + off, ca);
		uint64_t parent_a = cells(bus->ranges + off + 4 * ca, pa);
		uint64_t size = cells(bus->ranges + off + 4 * (ca + pa), sz);
		if (*a >= child && *a - child < size) {
			*a = parent_a + (*a - child);
			return 1;
		}
	}
	return 0;
}

static int has_string(const struct prop *p, const char *want)
{
	size_t off = 0, n = slen(want, 64);
	while (off < p->len) {
		size_t l = slen((const char *)p->val + off, p->len - off);
		if (same((const char *)p->val + off, l, want, n))
			return 1;
		off += l + 1;
	}
	return 0;
}

int kx_fdt_uart(const uint8_t *fdt, size_t len, struct kx_uart *u)
{
	struct tree t;
	struct level lv[MAX_DEPTH + 1];
	struct prop p;
	const char *path, *comp;
	size_t plen, off = 0, clen;
	int depth = 0, matched = 0, tok, guard, found = 0, i;
	const uint8_t *reg = 0, *compat = 0;
	size_t reglen = 0, compatlen = 0;
	uint32_t shift = 0, width = 1;
	uint64_t a;

	u->type = KX_UART_NONE;
	if (!tree_init(&t, fdt, len))
		return 0;
	plen = top_prop(&t, "chosen", "stdout-path", &path);
	if (!plen)
		plen = top_prop(&t, "chosen", "linux,stdout-path", &path);
	if (!plen)
		return 0;
	for (i = 0; (size_t)i < plen && path[i] != ':'; i++)
		;
	plen = (size_t)i;
	if (!plen)
		return 0;
	if (path[0] != '/') {
		/* an alias: /aliases/<name> holds the path */
		char name[64];
		if (plen >= sizeof(name))
			return 0;
		for (i = 0; (size_t)i < plen; i++)
			name[i] = path[i];
		name[plen] = 0;
		plen = top_prop(&t, "aliases", name, &path);
		if (!plen || path[0] != '/')
			return 0;
	}

	/* walk down the path; `matched` = how many levels of it match so far */
	lv[0] = (struct level){ 2, 1, 0, 0, 0 };
	comp = path + 1;
	for (guard = 0; guard < MAX_TOKENS && !found; guard++) {
		tok = next(&t, &off, &p);
		if (tok < 0 || tok == FDT_END)
			return 0;
		if (tok == FDT_BEGIN_NODE) {
			if (depth > MAX_DEPTH - 1)
				return 0;
			depth++;
			if (depth == 1) {              /* the root */
				matched = 1;
				lv[1] = (struct level){ 2, 1, 0, 0, 0 };
				continue;
			}
			if (matched != depth - 1)
				continue;              /* inside a node off the path */
			clen = 0;
			while (comp + clen < path + plen && comp[clen] != '/')
				clen++;
			if (!clen || !matches(&p, comp, clen))
				continue;
			matched = depth;
			lv[depth] = (struct level){ 2, 1, 0, 0, 0 };
			comp += clen;
			if (comp < path + plen)
				comp++;                /* the '/' */
		} else if (tok == FDT_END_NODE) {
			if (matched == depth && matched > 1 && comp >= path + plen)
				found = depth;         /* the target node is complete */
			else if (matched == depth)
				return 0;              /* left a path node without the target */
			depth--;
		} else if (tok == FDT_PROP && matched == depth && depth >= 1) {
			struct level *l = &lv[depth];
			if (is(&p, "#address-cells") && p.len == 4)
				l->acells = be32(p.val);
			else if (is(&p, "#size-cells") && p.len == 4)
				l->scells = be32(p.val);
			else if (is(&p, "ranges"))
				l->ranges = p.val, l->rlen = p.len, l->has_ranges = 1;
			if (comp >= path + plen && depth > 1) {  /* the target's own properties */
				if (is(&p, "reg"))
					reg = p.val, reglen = p.len;
				else if (is(&p, "compatible"))
					compat = p.val, compatlen = p.len;
				else if (is(&p, "reg-shift") && p.len == 4)
					shift = be32(p.val);
				else if (is(&p, "reg-io-width") && p.len == 4)
					width = be32(p.val);
			}
		}
	}
	if (!found || !reg || !compat)
		return 0;
	/* reg is in the parent's address space (the target is at depth found) */
	{
		uint32_t ac = lv[found - 1].acells;
		if (!ac || ac > 2 || reglen < 4 * ac)
			return 0;
		a = cells(reg, ac);
	}
	/* up through every bus between the target and the root */
	for (i = found - 1; i > 1; i--)
		if (!translate(&lv[i], &lv[i - 1], &a))
			return 0;
	p.val = compat;
	p.len = compatlen;
	if (has_string(&p, "arm,pl011") || has_string(&p, "arm,sbsa-uart")) {
		u->type = KX_UART_PL011;
	} else if (has_string(&p, "ns16550a") || has_string(&p, "ns16550") ||
		   has_string(&p, "snps,dw-apb-uart") || has_string(&p, "ns8250")) {
		if (shift > 4 || (width != 1 && width != 4))
			return 0;
		u->type = KX_UART_16550;
		u->shift = shift;
		u->width = width;
	} else {
		return 0;
	}
	if (!a || a & 3)
		return 0;
	u->base = a;
	return 1;
}
