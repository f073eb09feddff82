/*
 * GRUB's grub.cfg, evaluated as far as kx can safely evaluate it without
 * GRUB (docs/boot.md, "GRUB"). The input is hostile: the lexer and the
 * evaluator are bounded by the caps of kx/boot.h and by the limits below;
 * recursion (blocks, submenus, source, function calls) is capped; the total
 * work (bytes lexed plus bytes expanded) is capped, so no input can hang it.
 *
 * The rules kx follows where GRUB's behaviour cannot be known without GRUB:
 *  - a condition kx cannot decide (it names $grub_platform, $?, a command
 *    such as `loadfont`...) makes its branches "unsure": entries defined there
 *    are listed as KX_BOOT_SCRIPT (detail: the condition), variables set there
 *    become unknown (an entry whose boot commands use one is KX_BOOT_SCRIPT),
 *    boot commands (linux, initrd...) in an entry body there mark the entry;
 *    commands with no effect on the boot (insmod, echo...) are harmless;
 *  - `for` and `while` bodies are evaluated once, as unsure;
 *  - functions are recorded and evaluated where they are called (GRUB's
 *    semantics: no variable scope, $1..$9 are the arguments), depth capped;
 *  - menuentry bodies are evaluated where they are defined, in a new variable
 *    context that sees exported variables only (as GRUB's does);
 *  - a path whose device kx cannot map (hd0,gpt2): the file on the volume of
 *    the grub.cfg being evaluated if it is there, else KX_BOOT_NO_VOLUME;
 *    `search` that finds nothing leaves a marker: paths on it are
 *    KX_BOOT_NO_VOLUME with what was searched as the detail;
 *  - chainloader, multiboot and other non-Linux boots: KX_BOOT_SCRIPT with
 *    the command as detail;
 *  - `configfile` at top level replaces the menu (entries defined before it
 *    are dropped, evaluation of the outer file stops, as in GRUB); inside an
 *    entry it is KX_BOOT_SCRIPT;
 *  - `set default` is resolved here, at the end of the menu, against the menu
 *    as GRUB builds it (numbers, ids, titles, `>` paths into submenus; GRUB's
 *    fallback: the first entry), and the chosen entry's id is stored in
 *    bl->grub_default[vol]; a default kx cannot know stores nothing.
 *
 * The evaluator's state (about 125 KiB) is borrowed from the top of the
 * list's arena for the duration of the call: nothing large on the stack.
 */
#include <kx/boot.h>
#include <kx/bytes.h>

#define G_MAX_WORDS 128                  /* words in one command */
#define G_WBUF      (4 * KX_BOOT_MAX_WORD) /* bytes of one command's words */
#define G_POOL      (64u << 10)          /* variable values */
#define G_NAME      32                   /* a variable or function name, with its NUL */
#define G_MAX_FUNCS 32
#define G_MAX_NODES (KX_BOOT_MAX_ENTRIES + 64) /* menu items (entries and submenus) */
#define G_MAX_NEST  32                   /* nested blocks, ifs, loops, calls */
#define G_MAX_FILES 64                   /* files source/configfile/load_env may open */
#define G_MAX_READ  (8u * KX_BOOT_MAX_CONF) /* their bytes in total */
#define G_MAX_WORK  (64u * KX_BOOT_MAX_CONF) /* bytes lexed + expanded, in total */
#define G_ENV_MAX   (64u << 10)          /* a grubenv file */
#define G_POS       512                  /* a function call's arguments */
#define G_DETAIL    200

enum { TK_SEP, TK_LBRACE, TK_RBRACE, TK_EOF, TK_ERR };
enum { T_EOF, T_RBRACE, T_FI, T_ELSE, T_ELIF, T_DONE, T_STOP };
enum { C_FALSE, C_TRUE, C_UNKNOWN };
enum { F_SKIP = 1, F_UNSURE = 2, F_ENTRY = 4 };

struct gsrc {
	const char *b, *path;
	size_t len, pos;
	unsigned line, vol;
};

struct gword {
	const char *s;
	unsigned n, litpre; /* litpre: leading bytes that were plain unquoted text */
	unsigned char lit;  /* the whole word was plain unquoted text */
	size_t at;          /* where it starts in the source */
	unsigned line;
};

struct gvar {
	char name[G_NAME];
	unsigned off, len;
	unsigned short level;
	unsigned char exported, poison; /* poison: a kx_boot_bad (SCRIPT, TOO_BIG) */
};

struct gfunc {
	char name[G_NAME];
	struct gsrc body; /* pos: just after its `{` */
};

struct gnode {
	int parent, entry; /* entry: index into bl->e, -1 for a submenu */
	const char *title, *id;
};

struct g {
	struct kx_boot_list *bl;
	const struct kx_boot_fs *fs;
	unsigned vol;
	struct gsrc src;
	int pend_rbrace;
	/* the command being lexed */
	struct gword w[G_MAX_WORDS];
	unsigned nw, wused, cmd_line;
	int inword, discard, big;
	size_t tok_at;
	unsigned char taint;
	char taint_name[G_NAME];
	char wbuf[G_WBUF];
	/* variables: a stack of contexts (level) */
	struct gvar v[KX_BOOT_MAX_VARS];
	unsigned nv, level, pool_used;
	int vars_full;
	char pool[G_POOL];
	/* functions and their arguments */
	struct gfunc f[G_MAX_FUNCS];
	unsigned nf, calld;
	char pos[KX_BOOT_MAX_DEPTH + 1][G_POS];
	unsigned short pos_off[KX_BOOT_MAX_DEPTH + 1][10], pos_len[KX_BOOT_MAX_DEPTH + 1][10];
	unsigned char npos[KX_BOOT_MAX_DEPTH + 1], pos_poison[KX_BOOT_MAX_DEPTH + 1];
	/* entries and the menu */
	struct kx_boot_entry *cur;
	char unsure[G_DETAIL];
	struct gnode node[G_MAX_NODES];
	unsigned nnode, node0, entry0, sub_depth, pathlen;
	int parent;
	char path[KX_BOOT_MAX_LINE];
	/* limits */
	unsigned depth, nest, files;
	size_t read_total, work;
	int stop, replaced;
	uint64_t issued; /* the volumes kx named kxvolN */
	char det[G_DETAIL];
	char tmp[G_WBUF];
};

static int run(struct g *g, unsigned fl);
static void eval_menu(struct g *g, unsigned fl);

/* ---- small string helpers ---------------------------------------------------------- */

static int eqn(const char *a, unsigned an, const char *b)
{
	unsigned i;

	for (i = 0; i < an; i++)
		if (!b[i] || a[i] != b[i])
			return 0;
	return !b[an];
}

static int weq(const struct gword *w, const char *s) { return eqn(w->s, w->n, s); }
static int kw(const struct g *g, unsigned i, const char *s)
{
	return i < g->nw && g->w[i].lit && weq(&g->w[i], s);
}

static int is_name_ch(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Append s[0..n) to d (capacity cap, NUL kept), truncating. */
static void cat(char *d, size_t cap, const char *s, size_t n)
{
	size_t l = kx_strlen(d);

	while (n-- && *s && l + 1 < cap)
		d[l++] = *s++;
	d[l] = 0;
}
static void cats(char *d, size_t cap, const char *s) { cat(d, cap, s, (size_t)-1); }

static void utoa(char *d, unsigned v)
{
	char t[12];
	unsigned n = 0;

	do
		t[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < sizeof(t));
	while (n)
		*d++ = t[--n];
	*d = 0;
}

/* A decimal number (optional '-'): 1, or 0 when s is not one. */
static int num(const char *s, unsigned n, long long *out)
{
	unsigned i = 0;
	int neg = 0;
	long long v = 0;

	if (n && s[0] == '-')
		neg = 1, i = 1;
	if (i >= n || n - i > 18)
		return 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return 1;
}

/* ---- variables ----------------------------------------------------------------------- */

static struct gvar *var_find(struct g *g, const char *n, unsigned nl)
{
	unsigned i;

	for (i = g->nv; i-- > 0;) {
		struct gvar *v = &g->v[i];
		if (eqn(n, nl, v->name) && (v->level == g->level || v->exported))
			return v;
	}
	return 0;
}

/* Move the live values down to the start of the pool. */
static void pool_compact(struct g *g)
{
	unsigned char moved[KX_BOOT_MAX_VARS] = { 0 };
	unsigned at = 0, k, i;

	g->work += g->pool_used + g->nv * g->nv; /* counted: it can be asked for often */

	for (k = 0; k < g->nv; k++) {
		int best = -1;
		for (i = 0; i < g->nv; i++)
			if (!moved[i] && (best < 0 || g->v[i].off < g->v[best].off))
				best = (int)i;
		if (best < 0)
			break;
		moved[best] = 1;
		for (i = 0; i < g->v[best].len; i++)
			g->pool[at + i] = g->pool[g->v[best].off + i];
		g->v[best].off = at;
		at += g->v[best].len;
	}
	g->pool_used = at;
}

static void var_set(struct g *g, const char *n, unsigned nl, const char *val, unsigned vl,
		    int poison)
{
	struct gvar *v;
	unsigned i;

	if (!nl || nl >= G_NAME)
		return;
	v = var_find(g, n, nl);
	if (!v || v->level != g->level) {
		int exp = v ? v->exported : 0;
		if (g->nv >= KX_BOOT_MAX_VARS) {
			g->vars_full = 1;
			return;
		}
		v = &g->v[g->nv++];
		kx_memset(v, 0, sizeof(*v));
		kx_memcpy(v->name, n, nl);
		v->level = (unsigned short)g->level;
		v->exported = (unsigned char)exp;
	}
	v->poison = (unsigned char)poison;
	v->len = 0;
	if (poison)
		return;
	if (vl > G_POOL - g->pool_used)
		pool_compact(g);
	if (vl > G_POOL - g->pool_used) {
		v->poison = KX_BOOT_TOO_BIG;
		return;
	}
	for (i = 0; i < vl; i++)
		g->pool[g->pool_used + i] = val[i];
	v->off = g->pool_used;
	v->len = vl;
	g->pool_used += vl;
}

static void var_sets(struct g *g, const char *n, const char *val, int poison)
{
	var_set(g, n, (unsigned)kx_strlen(n), val, (unsigned)kx_strlen(val), poison);
}

/* A variable's value: 0 (not set: empty), 1 (set), or its poison as a negative number. */
static int var_get(struct g *g, const char *n, unsigned nl, const char **val, unsigned *vl)
{
	struct gvar *v;
	unsigned d = g->calld;

	*val = "";
	*vl = 0;
	if (nl == 1 && n[0] >= '1' && n[0] <= '9') { /* a function's argument */
		unsigned k = (unsigned)(n[0] - '1');
		if (!d)
			return 0;
		if (g->pos_poison[d])
			return -g->pos_poison[d];
		if (k >= g->npos[d])
			return 0;
		*val = g->pos[d] + g->pos_off[d][k];
		*vl = g->pos_len[d][k];
		return 1;
	}
	if (nl == 1 && n[0] == '#') {
		static const char digits[] = "0123456789";
		unsigned c = d ? g->npos[d] : 0;
		*val = digits + (c > 9 ? 9 : c);
		*vl = 1;
		return 1;
	}
	if (nl >= G_NAME)
		return -KX_BOOT_TOO_BIG;
	v = var_find(g, n, nl);
	if (!v)
		return g->vars_full ? -KX_BOOT_TOO_BIG : 0;
	if (v->poison)
		return -v->poison;
	*val = g->pool + v->off;
	*vl = v->len;
	return 1;
}

/* Into g->tmp (NUL-terminated): the value of a variable, "" if unset; 0 if unknown. */
static const char *var_str(struct g *g, const char *n)
{
	const char *v;
	unsigned vl;

	if (var_get(g, n, (unsigned)kx_strlen(n), &v, &vl) < 0)
		return 0;
	kx_memcpy(g->tmp, v, vl);
	g->tmp[vl] = 0;
	return g->tmp;
}

static void level_push(struct g *g) { g->level++; }
static void level_pop(struct g *g)
{
	g->level--;
	while (g->nv && g->v[g->nv - 1].level > g->level)
		g->nv--;
}

/* ---- the lexer ----------------------------------------------------------------------- */

static void w_begin(struct g *g)
{
	struct gword *w;

	if (g->inword)
		return;
	g->inword = 1;
	if (g->nw >= G_MAX_WORDS || g->wused + 1 >= G_WBUF) {
		g->big = 1;
		g->discard = 1;
		return;
	}
	g->discard = 0;
	if (!g->nw)
		g->cmd_line = g->src.line;
	w = &g->w[g->nw];
	w->s = g->wbuf + g->wused;
	w->n = w->litpre = 0;
	w->lit = 1;
	w->at = g->tok_at;
	w->line = g->src.line;
}

static void w_end(struct g *g)
{
	if (!g->inword)
		return;
	g->inword = 0;
	if (g->discard)
		return;
	g->wbuf[g->wused++] = 0; /* w_put keeps room for it */
	g->nw++;
}

static void w_put(struct g *g, char c, int plain)
{
	struct gword *w;

	w_begin(g);
	if (g->discard)
		return;
	w = &g->w[g->nw];
	if (w->n >= KX_BOOT_MAX_WORD || g->wused + 2 > G_WBUF) {
		g->big = 1;
		return;
	}
	g->wbuf[g->wused++] = c;
	w->n++;
	if (plain && w->lit)
		w->litpre = w->n;
	else
		w->lit = 0;
}

static void w_quoted(struct g *g)
{
	w_begin(g);
	if (!g->discard)
		g->w[g->nw].lit = 0;
}

/* $name or ${name} at g->src.pos (on the '$'). */
static void dollar(struct g *g, int ex, int quoted)
{
	struct gsrc *s = &g->src;
	size_t p = s->pos + 1, nb, ne;
	const char *val;
	unsigned vl, i;
	int r;

	if (p < s->len && s->b[p] == '{') {
		size_t q = p + 1;
		while (q < s->len && q - p < 256 && s->b[q] != '}' && s->b[q] != '\n')
			q++;
		if (q >= s->len || s->b[q] != '}') { /* not a variable: a plain '$' */
			w_put(g, '$', !quoted);
			s->pos++;
			return;
		}
		nb = p + 1, ne = q, s->pos = q + 1;
	} else if (p < s->len && (is_name_ch(s->b[p]))) {
		size_t q = p;
		if (s->b[p] >= '0' && s->b[p] <= '9')
			q = p + 1;
		else
			while (q < s->len && is_name_ch(s->b[q]))
				q++;
		nb = p, ne = q, s->pos = q;
	} else if (p < s->len && (s->b[p] == '?' || s->b[p] == '#' || s->b[p] == '@' ||
				  s->b[p] == '*')) {
		nb = p, ne = p + 1, s->pos = p + 1;
	} else {
		w_put(g, '$', !quoted);
		s->pos++;
		return;
	}
	if (quoted || !ex)
		w_quoted(g);
	if (!ex)
		return;
	if (s->b[nb] == '@' || s->b[nb] == '*')
		r = -KX_BOOT_SCRIPT;
	else
		r = var_get(g, s->b + nb, (unsigned)(ne - nb), &val, &vl);
	if (r < 0) {
		if (!g->taint) {
			g->taint = (unsigned char)-r;
			g->taint_name[0] = 0;
			cat(g->taint_name, sizeof(g->taint_name), s->b + nb, ne - nb);
		}
		return;
	}
	g->work += vl;
	for (i = 0; i < vl && !g->big; i++) {
		char c = val[i];
		if (!quoted && (is_ws(c) || c == '\n'))
			w_end(g);
		else
			w_put(g, c, 0);
	}
}

/*
 * The next command: its words in g->w (expanded when ex), and what ended it.
 * A '{' or '}' always stands alone, as in GRUB: a '}' after words ends the
 * command and comes back as the next token.
 */
static int lex(struct g *g, int ex)
{
	struct gsrc *s = &g->src;

	g->nw = g->wused = 0;
	g->big = g->inword = g->discard = 0;
	g->taint = 0;
	g->cmd_line = s->line;
	if (g->pend_rbrace) {
		g->pend_rbrace = 0;
		return TK_RBRACE;
	}
	while (s->pos < s->len) {
		char c = s->b[s->pos];
		g->tok_at = s->pos;
		g->work++;
		if (c == '\n' || c == ';') {
			s->pos++;
			w_end(g);
			if (c == '\n')
				s->line++;
			if (g->nw || g->big)
				return TK_SEP;
			g->big = 0;
			g->taint = 0;
		} else if (is_ws(c) || c == 0) {
			s->pos++;
			w_end(g);
		} else if (c == '#' && !g->inword) {
			while (s->pos < s->len && s->b[s->pos] != '\n')
				s->pos++, g->work++;
		} else if (c == '{' || c == '}') {
			s->pos++;
			w_end(g);
			if (c == '{')
				return TK_LBRACE;
			if (g->nw || g->big) {
				g->pend_rbrace = 1;
				return TK_SEP;
			}
			return TK_RBRACE;
		} else if (c == '\\') {
			if (s->pos + 1 >= s->len) {
				s->pos++;
				continue;
			}
			if (s->b[s->pos + 1] == '\n')
				s->line++;
			else
				w_put(g, s->b[s->pos + 1], 0);
			s->pos += 2;
		} else if (c == '\'') {
			w_quoted(g);
			s->pos++;
			while (s->pos < s->len && s->b[s->pos] != '\'') {
				if (s->b[s->pos] == '\n')
					s->line++;
				w_put(g, s->b[s->pos++], 0);
				g->work++;
			}
			if (s->pos >= s->len)
				return TK_ERR;
			s->pos++;
		} else if (c == '"') {
			w_quoted(g);
			s->pos++;
			for (;;) {
				char d;
				if (s->pos >= s->len)
					return TK_ERR;
				d = s->b[s->pos];
				g->work++;
				if (d == '"')
					break;
				if (d == '\\' && s->pos + 1 < s->len &&
				    (s->b[s->pos + 1] == '$' || s->b[s->pos + 1] == '"' ||
				     s->b[s->pos + 1] == '\\' || s->b[s->pos + 1] == '\n')) {
					if (s->b[s->pos + 1] == '\n')
						s->line++;
					else
						w_put(g, s->b[s->pos + 1], 0);
					s->pos += 2;
				} else if (d == '$') {
					dollar(g, ex, 1);
				} else {
					if (d == '\n')
						s->line++;
					w_put(g, d, 0);
					s->pos++;
				}
			}
			s->pos++;
		} else if (c == '$') {
			dollar(g, ex, 0);
		} else {
			w_put(g, c, 1);
			s->pos++;
		}
	}
	w_end(g);
	return TK_EOF;
}

/* After a header that ended with a newline: is its '{' next? Consumed if so. */
static int lbrace_next(struct g *g)
{
	struct gsrc *s = &g->src;

	if (g->pend_rbrace)
		return 0;
	while (s->pos < s->len) {
		char c = s->b[s->pos];
		if (c == '\n')
			s->line++;
		else if (c == '#')
			while (s->pos + 1 < s->len && s->b[s->pos + 1] != '\n')
				s->pos++;
		else if (c == '{')
			return s->pos++, 1;
		else if (!is_ws(c))
			return 0;
		s->pos++;
	}
	return 0;
}

static void shift(struct g *g)
{
	unsigned i;

	for (i = 1; i < g->nw; i++)
		g->w[i - 1] = g->w[i];
	g->nw--;
}

/* ---- entries ------------------------------------------------------------------------- */

static void bad(struct g *g, enum kx_boot_bad why, const char *detail)
{
	kx_boot_bad(g->bl, g->cur, why, detail);
}

/* The command used a variable kx does not know: mark the entry. */
static int tainted(struct g *g)
{
	if (!g->taint)
		return 0;
	g->det[0] = 0;
	cats(g->det, sizeof(g->det), "$");
	cats(g->det, sizeof(g->det), g->taint_name);
	bad(g, (enum kx_boot_bad)g->taint, g->det);
	return 1;
}

/* The command as written in the source (for details): from its first word to
 * where the lexer stopped, without the separator; prefix before it. */
static void cmd_src(struct g *g, char *d, size_t cap, const char *prefix)
{
	size_t a = g->nw ? g->w[0].at : g->src.pos, e = g->src.pos;

	if (e > g->src.len)
		e = g->src.len;
	while (e > a && (is_ws(g->src.b[e - 1]) || g->src.b[e - 1] == '\n' ||
			 g->src.b[e - 1] == ';' || g->src.b[e - 1] == '{' || g->src.b[e - 1] == '}'))
		e--;
	d[0] = 0;
	cats(d, cap, prefix);
	cat(d, cap, g->src.b + a, e - a);
}

/* "kxvolN": a volume `search` found (or the one grub.cfg is on). */
static void vol_name(struct g *g, char *d, unsigned vol)
{
	g->issued |= 1ull << vol;
	d[0] = 'k', d[1] = 'x', d[2] = 'v', d[3] = 'o', d[4] = 'l';
	utoa(d + 5, vol);
}

/* Only the names kx handed out count: a configuration that writes "(kxvol3)"
 * itself names a device kx does not know. */
static int dev_vol(const struct g *g, const char *d, unsigned n, unsigned *vol)
{
	long long v;

	if (n < 6 || d[0] != 'k' || d[1] != 'x' || d[2] != 'v' || d[3] != 'o' || d[4] != 'l' ||
	    !num(d + 5, n - 5, &v) || v < 0 || v >= KX_BOOT_MAX_VOLS ||
	    !(g->issued & (1ull << v)))
		return 0;
	*vol = (unsigned)v;
	return 1;
}

/*
 * Where a GRUB path is: 0 with *vol and *rest (the path in it, NUL-terminated:
 * p must be), or a kx_boot_bad with g->det saying more. strict: a device kx
 * cannot map is unknown (KX_BOOT_NO_VOLUME), not looked for on this volume.
 */
static int resolve(struct g *g, const char *p, unsigned n, unsigned *vol, const char **rest,
		   int strict)
{
	const char *dev;
	unsigned dl, i;
	const char *rv;
	unsigned rl;

	g->det[0] = 0;
	if (n && p[0] == '(') {
		for (i = 1; i < n && p[i] != ')'; i++)
			;
		if (i >= n) {
			cat(g->det, sizeof(g->det), p, n);
			return KX_BOOT_SYNTAX;
		}
		dev = p + 1, dl = i - 1;
		p += i + 1, n -= i + 1;
	} else {
		int r = var_get(g, "root", 4, &rv, &rl);
		if (r < 0) {
			cats(g->det, sizeof(g->det), "$root");
			return -r;
		}
		dev = rv, dl = rl;
		if (dl >= 2 && dev[0] == '(' && dev[dl - 1] == ')') /* set root=(hd0,1) */
			dev++, dl -= 2;
	}
	if (!n || p[0] != '/') {
		cat(g->det, sizeof(g->det), p, n);
		return KX_BOOT_PATH;
	}
	*rest = p;
	if (dev_vol(g, dev, dl, vol))
		return 0;
	if (dl >= 7 && eqn(dev, 7, "kxnone:")) {
		cat(g->det, sizeof(g->det), dev + 7, dl - 7);
		return KX_BOOT_NO_VOLUME;
	}
	if (!strict && g->fs->exists && g->fs->exists(g->fs->ctx, g->src.vol, p) == 1) {
		*vol = g->src.vol;
		return 0;
	}
	cats(g->det, sizeof(g->det), "(");
	cat(g->det, sizeof(g->det), dev, dl);
	cats(g->det, sizeof(g->det), ")");
	return KX_BOOT_NO_VOLUME;
}

/* The word i as a path on the entry's volume. */
static const char *entry_path(struct g *g, unsigned i, int set_vol)
{
	unsigned vol;
	const char *rest;
	int r = resolve(g, g->w[i].s, g->w[i].n, &vol, &rest, 0);

	if (r) {
		bad(g, (enum kx_boot_bad)r, g->det);
		return 0;
	}
	if (set_vol) {
		g->cur->vol = vol;
	} else if (vol != g->cur->vol) {
		g->det[0] = 0;
		cats(g->det, sizeof(g->det), "on another file system than the kernel: ");
		cat(g->det, sizeof(g->det), g->w[i].s, g->w[i].n);
		bad(g, KX_BOOT_PATH, g->det);
		return 0;
	}
	return rest;
}

static const char *const non_linux[] = {
	"chainloader", "multiboot", "multiboot2", "module", "module2", "kfreebsd", "knetbsd",
	"kopenbsd", "appleloader", "xnu_kernel", "xnu_kernel64", "fwsetup", "reboot", "halt",
	"ntldr", "freedos", "truecrypt", "plan9", "legacy_configfile", "linux_efi_stub", "exit", 0
};

/* linux, initrd, devicetree, chainloader... in an entry body. 1 if it was one. */
static int entry_cmd(struct g *g, unsigned fl)
{
	const struct gword *w0 = &g->w[0];
	int is_linux = weq(w0, "linux") || weq(w0, "linuxefi") || weq(w0, "linux16");
	int is_initrd = weq(w0, "initrd") || weq(w0, "initrdefi") || weq(w0, "initrd16");
	int is_dtb = weq(w0, "devicetree");
	struct kx_boot_entry *e = g->cur;
	unsigned i;

	if (!is_linux && !is_initrd && !is_dtb) {
		for (i = 0; non_linux[i]; i++)
			if (weq(w0, non_linux[i])) {
				bad(g, KX_BOOT_SCRIPT, non_linux[i]);
				return 1;
			}
		return 0;
	}
	if (!e)
		return 1;
	if (fl & F_UNSURE) /* listed with what it would boot, but not bootable */
		bad(g, KX_BOOT_SCRIPT, g->unsure);
	if (g->big) {
		bad(g, KX_BOOT_TOO_BIG, w0->s);
		return 1;
	}
	if (tainted(g))
		return 1;
	if (g->nw < 2) {
		bad(g, KX_BOOT_SYNTAX, w0->s);
		return 1;
	}
	if (is_linux) {
		const char *k = entry_path(g, 1, 1);
		size_t l = 0;
		if (!k)
			return 1;
		e->kernel = kx_boot_str(g->bl, k);
		for (i = 2; i < g->nw; i++) {
			if (i > 2)
				g->tmp[l++] = ' ';
			kx_memcpy(g->tmp + l, g->w[i].s, g->w[i].n);
			l += g->w[i].n;
		}
		e->cmdline = kx_boot_strn(g->bl, g->tmp, l);
		e->ninitrd = 0;
		e->dtb = 0;
		return 1;
	}
	if (!e->kernel) {
		bad(g, KX_BOOT_SYNTAX, is_initrd ? "initrd before linux" : "devicetree before linux");
		return 1;
	}
	if (is_dtb) {
		const char *d = entry_path(g, 1, 0);
		if (d)
			e->dtb = kx_boot_str(g->bl, d);
		return 1;
	}
	e->ninitrd = 0;
	for (i = 1; i < g->nw; i++) {
		const char *p = entry_path(g, i, 0);
		if (!p)
			return 1;
		kx_boot_initrd(g->bl, e, p, kx_strlen(p));
	}
	return 1;
}

/* ---- the menu ------------------------------------------------------------------------ */

static int node_add(struct g *g, int entry, const char *title, const char *id)
{
	struct gnode *n;

	if (g->nnode >= G_MAX_NODES)
		return -1;
	n = &g->node[g->nnode];
	n->parent = g->parent;
	n->entry = entry;
	n->title = title;
	n->id = id;
	return (int)g->nnode++;
}

/* Title path component: '>' written as ">>" (GRUB's escape in default paths). */
static void path_add(char *d, unsigned *dl, unsigned cap, const char *s, unsigned n)
{
	unsigned i;

	for (i = 0; i < n && *dl + 3 < cap; i++) {
		d[(*dl)++] = s[i];
		if (s[i] == '>')
			d[(*dl)++] = '>';
	}
	d[*dl] = 0;
}

/* menuentry/submenu TITLE [options] { body } (the '{' consumed). */
static void do_menu(struct g *g, unsigned fl, int submenu)
{
	const char *title = "", *id = 0;
	unsigned tl = 0, idl = 0, i, line = g->cmd_line, save_path = g->pathlen, calld = g->calld;
	int have_title = 0, parent = g->parent, t, node;
	struct kx_boot_entry *save = g->cur, *e = 0;
	unsigned char taint = g->taint;
	char tname[G_NAME];

	kx_memcpy(tname, g->taint_name, sizeof(tname));
	if ((fl & (F_SKIP | F_ENTRY)) || g->sub_depth >= KX_BOOT_MAX_DEPTH) {
		/* not shown (false branch), or a menuentry inside an entry: GRUB defines it
		 * only when that entry runs; too deep: not evaluated */
		t = run(g, F_SKIP);
		if (t != T_RBRACE)
			bad(g, KX_BOOT_SYNTAX, "unterminated block");
		return;
	}
	for (i = 1; i < g->nw; i++) {
		const struct gword *w = &g->w[i];
		if (w->n > 2 && w->s[0] == '-' && w->s[1] == '-') {
			if (weq(w, "--id") && i + 1 < g->nw)
				id = g->w[i + 1].s, idl = g->w[i + 1].n, i++;
			else if (w->n > 5 && eqn(w->s, 5, "--id="))
				id = w->s + 5, idl = w->n - 5;
			else if ((weq(w, "--class") || weq(w, "--users") || weq(w, "--hotkey")) &&
				 i + 1 < g->nw)
				i++;
		} else if (!have_title) {
			title = w->s, tl = w->n, have_title = 1;
		}
	}
	/* the title path: "Submenu>Title" */
	if (g->pathlen) {
		g->path[g->pathlen++] = '>';
		g->path[g->pathlen] = 0;
	}
	path_add(g->path, &g->pathlen, sizeof(g->path), title, tl);
	if (!submenu) {
		e = kx_boot_add(g->bl, KX_BOOT_GRUB, g->src.vol, g->src.path, line);
		if (e) {
			unsigned rv;
			const char *rest;
			e->title = kx_boot_strn(g->bl, title, tl);
			e->id = id ? kx_boot_strn(g->bl, id, idl) : kx_boot_strn(g->bl, g->path, g->pathlen);
			/* the volume its paths are on, until linux says */
			if (!resolve(g, "/", 1, &rv, &rest, 1))
				e->vol = rv;
			node_add(g, (int)(e - g->bl->e), e->title, e->id);
		}
		g->cur = e;
		if (taint) {
			g->taint = taint;
			kx_memcpy(g->taint_name, tname, sizeof(tname));
			tainted(g);
		}
		if (fl & F_UNSURE)
			bad(g, KX_BOOT_SCRIPT, g->unsure);
		level_push(g);
		if (calld < KX_BOOT_MAX_DEPTH) { /* the body sees no function's $1... */
			g->calld = calld + 1;
			g->npos[calld + 1] = 0;
			g->pos_poison[calld + 1] = 0;
		}
		t = run(g, fl | F_ENTRY);
		g->calld = calld;
		if (t != T_RBRACE)
			bad(g, g->stop ? KX_BOOT_TOO_BIG : KX_BOOT_SYNTAX, "unterminated menuentry");
		if (e && !e->kernel)
			bad(g, KX_BOOT_NO_KERNEL, 0);
		level_pop(g);
		g->cur = save;
	} else {
		node = node_add(g, -1, kx_boot_strn(g->bl, title, tl),
				id ? kx_boot_strn(g->bl, id, idl) : 0);
		g->parent = node;
		g->sub_depth++;
		level_push(g);
		t = run(g, fl);
		level_pop(g);
		g->sub_depth--;
		g->parent = parent;
	}
	g->pathlen = save_path;
	g->path[save_path] = 0;
}

/* The component of a default path at *p ('>' ends it, ">>" is a '>'), into d. */
static unsigned comp(const char **p, char *d, unsigned cap)
{
	unsigned n = 0;
	const char *s = *p;

	while (*s) {
		if (*s == '>' && s[1] != '>')
			break;
		if (*s == '>')
			s++;
		if (n + 1 < cap)
			d[n++] = *s;
		s++;
	}
	d[n] = 0;
	*p = *s ? s + 1 : s;
	return n;
}

static int first_entry(struct g *g, int parent)
{
	unsigned i, hops;

	for (hops = 0; hops <= KX_BOOT_MAX_DEPTH; hops++) {
		for (i = g->node0; i < g->nnode; i++)
			if (g->node[i].parent == parent)
				break;
		if (i >= g->nnode)
			return -1;
		if (g->node[i].entry >= 0)
			return g->node[i].entry;
		parent = (int)i;
	}
	return -1;
}

static int streq(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The entry GRUB boots for `default` (numbers, ids, titles, '>' paths), or -1. */
static int find_default(struct g *g, const char *val)
{
	char c[KX_BOOT_MAX_LINE / 4];
	int parent = -1;
	unsigned hops;

	for (hops = 0; hops <= KX_BOOT_MAX_DEPTH && *val; hops++) {
		long long n = -1;
		unsigned i, k = 0, cl = comp(&val, c, sizeof(c));
		int hit = -1;
		if (!num(c, cl, &n))
			n = -1;
		for (i = g->node0; i < g->nnode; i++) {
			struct gnode *x = &g->node[i];
			if (x->parent != parent)
				continue;
			if (n >= 0 ? (long long)k == n : (streq(x->title, c) || streq(x->id, c))) {
				hit = (int)i;
				break;
			}
			k++;
		}
		if (hit < 0)
			return -1;
		if (g->node[hit].entry >= 0)
			return g->node[hit].entry;
		parent = hit;
	}
	return first_entry(g, parent);
}

static void menu_finish(struct g *g)
{
	const char *d = var_str(g, "default"), *t;
	long long n;
	int idx = -1;

	if (d) {
		idx = find_default(g, *d ? d : "0");
		if (idx < 0)
			idx = first_entry(g, -1); /* GRUB's fallback */
		if (idx >= 0 && (unsigned)idx < g->bl->n && g->vol < KX_BOOT_MAX_VOLS)
			g->bl->grub_default[g->vol] = g->bl->e[idx].id;
	}
	t = var_str(g, "timeout");
	if (t && num(t, (unsigned)kx_strlen(t), &n) && n >= 0 && n < 1000000 && g->bl->timeout < 0)
		g->bl->timeout = (int)n;
}

/* ---- commands ------------------------------------------------------------------------ */

static int read_file(struct g *g, unsigned vol, const char *path, size_t max, const uint8_t **b,
		     size_t *l)
{
	if (g->files >= G_MAX_FILES || !g->fs->read)
		return KX_FS_REFUSED;
	g->files++;
	if (g->fs->read(g->fs->ctx, vol, path, max, b, l) != 0)
		return KX_FS_MISSING;
	if (*l > G_MAX_READ - g->read_total)
		return KX_FS_TOO_BIG;
	g->read_total += *l;
	return 0;
}

/* NAME=VALUE (the word), poisoned when unsure or when it used an unknown variable. */
static void assign(struct g *g, unsigned fl, const struct gword *w, unsigned eq)
{
	int poison = (fl & F_UNSURE) ? KX_BOOT_SCRIPT : g->taint ? g->taint : g->big ? KX_BOOT_TOO_BIG : 0;

	var_set(g, w->s, eq, w->s + eq + 1, w->n - eq - 1, poison);
}

static int name_eq(const struct gword *w)
{
	unsigned i;

	for (i = 0; i < w->n && w->s[i] != '='; i++)
		if (!is_name_ch(w->s[i]))
			return -1;
	return i < w->n && i > 0 ? (int)i : -1;
}

/* search [options] NAME, search.fs_uuid NAME [VAR]... */
static void cmd_search(struct g *g, unsigned fl, enum kx_boot_find how)
{
	const char *var = how ? 0 : "root", *name = 0;
	unsigned i, varl = how ? 0 : 4, npos = 0;
	int setv = how ? 0 : -1, r, plain = !how;
	char vn[G_NAME], val[G_DETAIL];

	for (i = 1; i < g->nw; i++) {
		const struct gword *w = &g->w[i];
		if (plain && w->n > 1 && w->s[0] == '-') {
			if (weq(w, "--fs-uuid") || weq(w, "-u"))
				how = KX_FIND_UUID;
			else if (weq(w, "--label") || weq(w, "-l"))
				how = KX_FIND_LABEL;
			else if (weq(w, "--file") || weq(w, "-f"))
				how = KX_FIND_FILE;
			else if (weq(w, "--part-uuid"))
				how = KX_FIND_PARTUUID;
			else if (weq(w, "--set") || weq(w, "-s")) {
				setv = 1;
				/* --set VAR NAME: a separate variable name when another
				 * word that is not an option follows it */
				if (i + 1 < g->nw && g->w[i + 1].s[0] != '-') {
					unsigned k;
					for (k = i + 2; k < g->nw && g->w[k].s[0] == '-'; k++)
						;
					if (k < g->nw)
						var = g->w[i + 1].s, varl = g->w[i + 1].n, i++;
				}
			} else if (w->n > 6 && eqn(w->s, 6, "--set=")) {
				setv = 1, var = w->s + 6, varl = w->n - 6;
			} else if (weq(w, "--hint")) {
				i++;
			}
			continue;
		}
		if (npos == 0)
			name = w->s;
		else if (npos == 1 && setv == 0)
			var = w->s, varl = w->n, setv = 1;
		npos++;
	}
	if (setv != 1 || !var || !varl || varl >= G_NAME)
		return; /* nothing is set: nothing kx needs */
	kx_memcpy(vn, var, varl);
	vn[varl] = 0;
	if ((fl & F_UNSURE) || g->taint || g->big || !name) {
		var_sets(g, vn, "", (fl & F_UNSURE) || !g->taint ? KX_BOOT_SCRIPT : g->taint);
		return;
	}
	r = how && g->fs->find ? g->fs->find(g->fs->ctx, how, name) : -1;
	if (r >= 0 && r < KX_BOOT_MAX_VOLS) {
		vol_name(g, val, (unsigned)r);
	} else {
		val[0] = 0;
		cats(val, sizeof(val), "kxnone:");
		cats(val, sizeof(val), how == KX_FIND_UUID ? "fs-uuid " : how == KX_FIND_LABEL ? "label " :
				       how == KX_FIND_FILE ? "file " : how == KX_FIND_PARTUUID ? "part-uuid " :
				       "search ");
		cats(val, sizeof(val), name);
	}
	var_sets(g, vn, val, 0);
}

/* load_env [-f FILE] [--skip-sig] [NAME...]: the GRUB environment block. */
static void cmd_load_env(struct g *g, unsigned fl)
{
	static const char sig[] = "# GRUB Environment Block\n";
	const char *file = 0, *rest, *pf;
	unsigned i, fl_n = 0, first_name = 0, vol;
	const uint8_t *b;
	size_t len, p;

	for (i = 1; i < g->nw; i++) {
		const struct gword *w = &g->w[i];
		if ((weq(w, "-f") || weq(w, "--file")) && i + 1 < g->nw)
			file = g->w[i + 1].s, fl_n = g->w[i + 1].n, i++;
		else if (w->n > 7 && eqn(w->s, 7, "--file="))
			file = w->s + 7, fl_n = w->n - 7;
		else if (w->s[0] == '-')
			;
		else if (!first_name)
			first_name = i;
	}
	if (g->taint || g->big)
		return;
	if (!file) {
		pf = var_str(g, "prefix");
		if (!pf)
			return;
		cats(g->tmp, sizeof(g->tmp), "/grubenv");
		file = g->tmp, fl_n = (unsigned)kx_strlen(g->tmp);
	}
	if (resolve(g, file, fl_n, &vol, &rest, 1) ||
	    read_file(g, vol, rest, G_ENV_MAX, &b, &len) || len < sizeof(sig) - 1 ||
	    kx_memcmp(b, sig, sizeof(sig) - 1))
		return;
	for (p = sizeof(sig) - 1; p < len;) {
		size_t e = p, eq = 0;
		unsigned vl = 0;
		while (e < len && b[e] != '\n') {
			if (!eq && b[e] == '=')
				eq = e;
			e++;
		}
		if (b[p] != '#' && eq > p && eq - p < G_NAME) {
			size_t q;
			int want = !first_name;
			for (i = first_name; first_name && i < g->nw; i++)
				if (eqn((const char *)b + p, (unsigned)(eq - p), g->w[i].s))
					want = 1;
			for (q = eq + 1; q < e && vl < KX_BOOT_MAX_WORD; q++) {
				if (b[q] == '\\' && q + 1 < e)
					q++;
				g->tmp[vl++] = (char)b[q];
			}
			if (want)
				var_set(g, (const char *)b + p, (unsigned)(eq - p), g->tmp, vl,
					(fl & F_UNSURE) ? KX_BOOT_SCRIPT : 0);
		}
		p = e + 1;
	}
}

/* source FILE / configfile FILE. */
static void cmd_source(struct g *g, unsigned fl, int config)
{
	unsigned vol;
	const char *rest;
	const uint8_t *b;
	size_t len;
	struct gsrc save = g->src;
	int pend = g->pend_rbrace, r;

	if (config && (fl & F_ENTRY)) {
		bad(g, KX_BOOT_SCRIPT, "configfile");
		return;
	}
	if (g->nw < 2 || tainted(g))
		return;
	r = resolve(g, g->w[1].s, g->w[1].n, &vol, &rest, 0);
	if (r) {
		bad(g, (enum kx_boot_bad)r, g->det);
		return;
	}
	if (g->depth >= KX_BOOT_MAX_DEPTH) {
		bad(g, KX_BOOT_TOO_BIG, "source/configfile nesting");
		return;
	}
	r = read_file(g, vol, rest, KX_BOOT_MAX_CONF, &b, &len);
	if (r) {
		if (r != KX_FS_MISSING)
			bad(g, KX_BOOT_TOO_BIG, rest);
		return;
	}
	g->src.b = (const char *)b;
	g->src.len = len;
	g->src.pos = 0;
	g->src.line = 1;
	g->src.vol = vol;
	g->src.path = kx_boot_str(g->bl, rest);
	if (!g->src.path)
		g->src.path = save.path;
	g->pend_rbrace = 0;
	g->depth++;
	if (config) {
		unsigned first = g->bl->n;
		eval_menu(g, fl);
		if (!(fl & F_UNSURE) && !g->stop) {
			/* GRUB shows the new menu: the outer one's entries are gone */
			unsigned i, k = g->entry0;
			for (i = first; i < g->bl->n; i++)
				g->bl->e[k++] = g->bl->e[i];
			g->bl->n = k;
			g->replaced = 1;
			g->stop = 1;
		}
	} else {
		while ((r = run(g, fl)) != T_EOF && r != T_STOP)
			; /* a stray }, fi, done: GRUB rejects the file; kx goes on */
	}
	g->depth--;
	g->src = save;
	g->pend_rbrace = pend;
}

struct bls_walk {
	struct g *g;
	unsigned vol, n;
	const char *dir;
};

static int bls_each(void *arg, const char *name, int is_dir)
{
	struct bls_walk *bw = (struct bls_walk *)arg;
	struct g *g = bw->g;
	size_t nl = kx_strlen(name);
	const uint8_t *b;
	size_t len;
	char *path = g->tmp;

	if (is_dir || nl < 6 || kx_memcmp(name + nl - 5, ".conf", 5) || ++bw->n > KX_BOOT_MAX_DIR)
		return bw->n > KX_BOOT_MAX_DIR;
	path[0] = 0;
	cats(path, sizeof(g->tmp), bw->dir);
	cats(path, sizeof(g->tmp), "/");
	cats(path, sizeof(g->tmp), name);
	if (read_file(g, bw->vol, path, KX_BOOT_MAX_CONF, &b, &len) == 0)
		kx_bls_entry(g->bl, bw->vol, path, name, b, len);
	return 0;
}

/*
 * $var and ${var} in s, as GRUB expands the lines blscfg makes of a BLS
 * entry, into d (cap bytes), words split and joined with one space: its
 * length, or -1 with the entry marked (a variable kx does not know, too long).
 */
static long expand_line(struct g *g, struct kx_boot_entry *e, const char *s, char *d, size_t cap)
{
	size_t n = 0, r, w = 0;

	while (*s && n + 1 < cap) {
		const char *nb, *val;
		unsigned nl, vl, i;
		int k;
		if (*s != '$') {
			d[n++] = *s++;
			continue;
		}
		if (s[1] == '{') {
			nb = s + 2;
			for (nl = 0; nb[nl] && nb[nl] != '}'; nl++)
				;
			if (!nb[nl]) {
				d[n++] = *s++;
				continue;
			}
			s = nb + nl + 1;
		} else if (is_name_ch(s[1])) {
			nb = s + 1;
			for (nl = 0; is_name_ch(nb[nl]); nl++)
				;
			s = nb + nl;
		} else {
			d[n++] = *s++;
			continue;
		}
		k = var_get(g, nb, nl, &val, &vl);
		if (k < 0) {
			g->det[0] = 0;
			cats(g->det, sizeof(g->det), "$");
			cat(g->det, sizeof(g->det), nb, nl);
			kx_boot_bad(g->bl, e, (enum kx_boot_bad)-k, g->det);
			return -1;
		}
		for (i = 0; i < vl && n + 1 < cap; i++)
			d[n++] = val[i];
	}
	if (*s) {
		kx_boot_bad(g->bl, e, KX_BOOT_TOO_BIG, "options");
		return -1;
	}
	/* GRUB splits and rejoins the words: no leading, trailing or double spaces */
	for (r = 0; r < n; r++) {
		char c = d[r] == '\t' || d[r] == '\n' ? ' ' : d[r];
		if (c != ' ' || (w && d[w - 1] != ' '))
			d[w++] = c;
	}
	while (w && d[w - 1] == ' ')
		w--;
	d[w] = 0;
	return (long)w;
}

/* A BLS entry blscfg shows: its options and initrds after GRUB's expansion
 * (Fedora's options $kernelopts, RHEL's initrd ... $tuned_initrd). */
static void bls_expand(struct g *g, struct kx_boot_entry *e)
{
	const char *ini[KX_BOOT_MAX_INITRDS];
	unsigned n = e->ninitrd, i;
	long l;

	if (e->cmdline && (l = expand_line(g, e, e->cmdline, g->tmp, sizeof(g->tmp))) >= 0)
		e->cmdline = kx_boot_strn(g->bl, g->tmp, (size_t)l);
	for (i = 0; i < n; i++)
		ini[i] = e->initrd[i];
	e->ninitrd = 0;
	for (i = 0; i < n; i++) {
		char *p = g->wbuf, *q;
		if (expand_line(g, e, ini[i], g->wbuf, sizeof(g->wbuf)) < 0)
			return;
		while (*p) { /* each word a file; "/" alone was "/$empty" */
			for (q = p; *q && *q != ' '; q++)
				;
			if (*q)
				*q++ = 0;
			while (p[0] == '/' && p[1] == '/')
				p++;
			if (p[0] == '/' && p[1])
				kx_boot_initrd(g->bl, e, p, kx_strlen(p));
			else if (p[0] && p[0] != '/') { /* relative: from the root, as BLS paths */
				size_t pl = kx_strlen(p);
				g->tmp[0] = '/';
				kx_memcpy(g->tmp + 1, p, pl);
				kx_boot_initrd(g->bl, e, g->tmp, pl + 1);
			}
			p = q;
		}
	}
}

/* blscfg (Fedora, RHEL): the BLS entries of $root, as menu entries. */
static void cmd_blscfg(struct g *g, unsigned fl)
{
	struct bls_walk bw;
	const char *rest, *dir;
	unsigned vol, from = g->bl->n, i;
	char dbuf[256], why[G_DETAIL];
	int r = resolve(g, "/", 1, &vol, &rest, 1);

	/* a root kx cannot map: the entries of this volume (GRUB's root before a
	 * search that failed, or a device GRUB names), listed unbootable if
	 * `search` found nothing or $root is unknown */
	why[0] = 0;
	if (r) {
		const char *rv = var_str(g, "root");
		vol = g->src.vol;
		if (!rv || (kx_strlen(rv) >= 7 && !kx_memcmp(rv, "kxnone:", 7)))
			cats(why, sizeof(why), g->det);
		else
			r = 0;
	}
	bw.g = g, bw.vol = vol, bw.n = 0;
	dir = var_str(g, "blsdir");
	dbuf[0] = 0;
	if (dir && dir[0] == '/')
		cats(dbuf, sizeof(dbuf), dir);
	if (dbuf[0]) {
		bw.dir = dbuf;
		g->fs->list(g->fs->ctx, vol, dbuf, bls_each, &bw);
	} else {
		bw.dir = "/loader/entries";
		if (g->fs->list(g->fs->ctx, vol, bw.dir, bls_each, &bw) != 0) {
			bw.dir = "/boot/loader/entries";
			g->fs->list(g->fs->ctx, vol, bw.dir, bls_each, &bw);
		}
	}
	if (g->bl->n > from)
		kx_bls_sort(g->bl, from);
	for (i = from; i < g->bl->n; i++) {
		struct kx_boot_entry *e = &g->bl->e[i];
		bls_expand(g, e);
		if (r)
			kx_boot_bad(g->bl, e, (enum kx_boot_bad)r, why);
		if (fl & F_UNSURE)
			kx_boot_bad(g->bl, e, KX_BOOT_SCRIPT, g->unsure);
		node_add(g, (int)i, e->title ? e->title : e->id, e->id);
	}
}

static void call(struct g *g, unsigned fl, struct gfunc *f)
{
	unsigned d = g->calld + 1, i, at = 0;
	struct gsrc save = g->src;
	int pend = g->pend_rbrace, t;

	if (d > KX_BOOT_MAX_DEPTH) {
		bad(g, KX_BOOT_TOO_BIG, "function calls nested too deep");
		return;
	}
	g->npos[d] = 0;
	g->pos_poison[d] = g->taint ? g->taint : g->big ? KX_BOOT_TOO_BIG : 0;
	for (i = 1; i < g->nw && i <= 9; i++) {
		if (g->w[i].n > G_POS - at) {
			g->pos_poison[d] = KX_BOOT_TOO_BIG;
			break;
		}
		kx_memcpy(g->pos[d] + at, g->w[i].s, g->w[i].n);
		g->pos_off[d][i - 1] = (unsigned short)at;
		g->pos_len[d][i - 1] = (unsigned short)g->w[i].n;
		at += g->w[i].n;
		g->npos[d]++;
	}
	g->calld = d;
	g->src = f->body;
	g->pend_rbrace = 0;
	t = run(g, fl);
	(void)t;
	g->calld = d - 1;
	g->src = save;
	g->pend_rbrace = pend;
}

static struct gfunc *func_find(struct g *g, const struct gword *w)
{
	unsigned i;

	for (i = 0; i < g->nf; i++)
		if (weq(w, g->f[i].name))
			return &g->f[i];
	return 0;
}

/* function NAME { body } (the '{' consumed): recorded, then skipped. */
static void do_function(struct g *g)
{
	struct gfunc *f = 0;
	int t;

	if (g->nw >= 2 && g->w[1].n && g->w[1].n < G_NAME) {
		f = func_find(g, &g->w[1]);
		if (!f && g->nf < G_MAX_FUNCS) {
			f = &g->f[g->nf++];
			kx_memset(f->name, 0, sizeof(f->name));
			kx_memcpy(f->name, g->w[1].s, g->w[1].n);
		}
		if (f)
			f->body = g->src;
	}
	t = run(g, F_SKIP);
	if (t != T_RBRACE && f)
		f->body.len = f->body.pos; /* unterminated: an empty body */
}

/* ---- conditions ------------------------------------------------------------------------ */

static int and3(int a, int b) { return a == C_FALSE || b == C_FALSE ? C_FALSE : a == C_UNKNOWN || b == C_UNKNOWN ? C_UNKNOWN : C_TRUE; }
static int or3(int a, int b) { return a == C_TRUE || b == C_TRUE ? C_TRUE : a == C_UNKNOWN || b == C_UNKNOWN ? C_UNKNOWN : C_FALSE; }

static int file_test(struct g *g, char op, const struct gword *w)
{
	unsigned vol;
	const char *rest;
	const uint8_t *b;
	size_t len;
	int r;

	if (resolve(g, w->s, w->n, &vol, &rest, 1))
		return C_UNKNOWN;
	if (op == 's') {
		if (g->files >= G_MAX_FILES)
			return C_UNKNOWN;
		g->files++;
		r = g->fs->read(g->fs->ctx, vol, rest, KX_BOOT_MAX_CONF, &b, &len);
		return r == KX_FS_TOO_BIG || (r == 0 && len > 0) ? C_TRUE : C_FALSE;
	}
	if (op == 'd')
		return C_UNKNOWN;
	return g->fs->exists(g->fs->ctx, vol, rest) == 1 ? C_TRUE : C_FALSE;
}

static int strcmp_w(const struct gword *a, const struct gword *b)
{
	unsigned i;

	for (i = 0; i < a->n && i < b->n; i++)
		if (a->s[i] != b->s[i])
			return (unsigned char)a->s[i] < (unsigned char)b->s[i] ? -1 : 1;
	return a->n < b->n ? -1 : a->n > b->n;
}

/* `test` over words a[0..n): -a binds tighter than -o, ! negates a primary. */
static int test_expr(struct g *g, const struct gword *a, unsigned n)
{
	int any = C_FALSE, all = C_TRUE;
	unsigned k = 0;

	if (!n)
		return C_FALSE;
	while (k < n) {
		int neg = 0, v;
		if (weq(&a[k], "!"))
			neg = 1, k++;
		if (k >= n)
			return C_UNKNOWN;
		if (k + 2 < n &&
		    (weq(&a[k + 1], "=") || weq(&a[k + 1], "==") || weq(&a[k + 1], "!=") ||
		     weq(&a[k + 1], "<") || weq(&a[k + 1], ">") || weq(&a[k + 1], "-eq") ||
		     weq(&a[k + 1], "-ne") || weq(&a[k + 1], "-lt") || weq(&a[k + 1], "-le") ||
		     weq(&a[k + 1], "-gt") || weq(&a[k + 1], "-ge"))) {
			const struct gword *op = &a[k + 1];
			int c = strcmp_w(&a[k], &a[k + 2]);
			if (op->s[0] == '-') {
				long long x, y;
				if (!num(a[k].s, a[k].n, &x) || !num(a[k + 2].s, a[k + 2].n, &y))
					return C_UNKNOWN;
				c = x < y ? -1 : x > y;
				v = weq(op, "-eq") ? c == 0 : weq(op, "-ne") ? c != 0 : weq(op, "-lt") ? c < 0 :
				    weq(op, "-le") ? c <= 0 : weq(op, "-gt") ? c > 0 : c >= 0;
			} else {
				v = op->s[0] == '=' ? c == 0 : op->s[0] == '!' ? c != 0 :
				    op->s[0] == '<' ? c < 0 : c > 0;
			}
			v = v ? C_TRUE : C_FALSE;
			k += 3;
		} else if (k + 1 < n && a[k].n == 2 && a[k].s[0] == '-' &&
			   (a[k].s[1] == 'n' || a[k].s[1] == 'z' || a[k].s[1] == 's' ||
			    a[k].s[1] == 'f' || a[k].s[1] == 'e' || a[k].s[1] == 'd')) {
			char o = a[k].s[1];
			if (o == 'n' || o == 'z')
				v = (a[k + 1].n != 0) == (o == 'n') ? C_TRUE : C_FALSE;
			else
				v = file_test(g, o, &a[k + 1]);
			k += 2;
		} else if (weq(&a[k], "(") || weq(&a[k], ")")) {
			return C_UNKNOWN;
		} else {
			v = a[k].n ? C_TRUE : C_FALSE;
			k++;
		}
		if (neg && v != C_UNKNOWN)
			v = v == C_TRUE ? C_FALSE : C_TRUE;
		all = and3(all, v);
		if (k < n) {
			if (weq(&a[k], "-o")) {
				any = or3(any, all);
				all = C_TRUE;
			} else if (!weq(&a[k], "-a")) {
				return C_UNKNOWN;
			}
			k++;
			if (k >= n)
				return C_UNKNOWN;
		}
	}
	return or3(any, all);
}

/* The command in g->w[i..] as an `if` condition. */
static int cond(struct g *g, unsigned i)
{
	if (g->big || g->taint || i >= g->nw)
		return C_UNKNOWN;
	if (kw(g, i, "true"))
		return C_TRUE;
	if (kw(g, i, "false"))
		return C_FALSE;
	if (weq(&g->w[i], "[")) {
		if (!weq(&g->w[g->nw - 1], "]") || g->nw - 1 < i + 1)
			return C_UNKNOWN;
		return test_expr(g, &g->w[i + 1], g->nw - 1 - (i + 1));
	}
	if (weq(&g->w[i], "test"))
		return test_expr(g, &g->w[i + 1], g->nw - (i + 1));
	return C_UNKNOWN;
}

/* if ... [elif ...] [else ...] fi; g->w holds the `if` command. */
static void do_if(struct g *g, unsigned fl)
{
	int c = (fl & F_SKIP) ? C_FALSE : cond(g, 1), taken = 0, unk = 0, t;

	for (;;) {
		unsigned bf = fl;
		if (c == C_UNKNOWN && !unk) {
			unk = 1;
			if (!(fl & F_UNSURE))
				cmd_src(g, g->unsure, sizeof(g->unsure), "");
		}
		if (taken || c == C_FALSE)
			bf |= F_SKIP;
		else if (c == C_UNKNOWN)
			bf |= F_UNSURE;
		if (c == C_TRUE)
			taken = 1;
		t = run(g, bf);
		if (t == T_ELIF) {
			int tk = lex(g, !(fl & F_SKIP) && !taken);
			(void)tk;
			if ((fl & F_SKIP) || taken) {
				c = C_FALSE;
			} else {
				int c2 = cond(g, 0);
				if (c2 == C_UNKNOWN && !unk && !(fl & F_UNSURE))
					cmd_src(g, g->unsure, sizeof(g->unsure), "elif ");
				c = unk && c2 != C_FALSE ? C_UNKNOWN : c2;
				if (c == C_UNKNOWN)
					unk = 1;
			}
			continue;
		}
		if (t == T_ELSE) {
			c = (fl & F_SKIP) || taken ? C_FALSE : unk ? C_UNKNOWN : C_TRUE;
			bf = fl | (c == C_FALSE ? F_SKIP : c == C_UNKNOWN ? F_UNSURE : 0);
			t = run(g, bf);
		}
		break;
	}
	if (t != T_FI) {
		if (t == T_RBRACE)
			g->pend_rbrace = 1;
		bad(g, KX_BOOT_SYNTAX, "if without fi");
	}
}

/* for/while/until ...; do ... done: evaluated once, as unsure. */
static void do_loop(struct g *g, unsigned fl)
{
	int t;

	if (!(fl & F_UNSURE))
		cmd_src(g, g->unsure, sizeof(g->unsure), "");
	t = run(g, fl | F_UNSURE);
	if (t != T_DONE) {
		if (t == T_RBRACE)
			g->pend_rbrace = 1;
		bad(g, KX_BOOT_SYNTAX, "loop without done");
	}
}

/* One simple command, evaluated. */
static void exec(struct g *g, unsigned fl)
{
	const struct gword *w0 = &g->w[0];
	struct gfunc *f;
	int eq;

	if (w0->litpre && (eq = name_eq(w0)) > 0 && (unsigned)eq < w0->litpre) {
		assign(g, fl, w0, (unsigned)eq);
		return;
	}
	if (weq(w0, "set")) {
		if (g->nw >= 2 && (eq = name_eq(&g->w[1])) > 0)
			assign(g, fl, &g->w[1], (unsigned)eq);
		return;
	}
	if (weq(w0, "unset")) {
		if (g->nw >= 2)
			var_set(g, g->w[1].s, g->w[1].n, "", 0, (fl & F_UNSURE) ? KX_BOOT_SCRIPT : 0);
		return;
	}
	if (weq(w0, "export")) {
		unsigned i;
		for (i = 1; i < g->nw; i++) {
			struct gvar *v = var_find(g, g->w[i].s, g->w[i].n);
			if (v && v->level != g->level) { /* a copy in this context */
				unsigned vl = v->len;
				kx_memcpy(g->tmp, g->pool + v->off, vl); /* var_set may move the pool */
				var_set(g, g->w[i].s, g->w[i].n, g->tmp, vl, v->poison);
				v = var_find(g, g->w[i].s, g->w[i].n);
			} else if (!v) {
				var_set(g, g->w[i].s, g->w[i].n, "", 0, 0);
				v = var_find(g, g->w[i].s, g->w[i].n);
			}
			if (v)
				v->exported = 1;
		}
		return;
	}
	if (weq(w0, "search"))
		cmd_search(g, fl, 0);
	else if (weq(w0, "search.fs_uuid") || weq(w0, "search_fs_uuid"))
		cmd_search(g, fl, KX_FIND_UUID);
	else if (weq(w0, "search.fs_label") || weq(w0, "search_label"))
		cmd_search(g, fl, KX_FIND_LABEL);
	else if (weq(w0, "search.file") || weq(w0, "search_fs_file"))
		cmd_search(g, fl, KX_FIND_FILE);
	else if (weq(w0, "load_env"))
		cmd_load_env(g, fl);
	else if (weq(w0, "source") || weq(w0, "."))
		cmd_source(g, fl, 0);
	else if (weq(w0, "configfile"))
		cmd_source(g, fl, 1);
	else if (weq(w0, "blscfg"))
		cmd_blscfg(g, fl);
	else if ((f = func_find(g, w0)))
		call(g, fl, f);
	else if (fl & F_ENTRY)
		entry_cmd(g, fl);
	/* anything else (insmod, echo, load_video, terminal_output, save_env...)
	 * does not change what is booted */
}

/*
 * Evaluate commands until one that ends the block: EOF, '}', fi, else,
 * elif, done (T_*), or T_STOP when evaluation must end.
 */
static int run(struct g *g, unsigned fl)
{
	int ret = T_STOP;

	if (++g->nest > G_MAX_NEST) {
		bad(g, KX_BOOT_TOO_BIG, "blocks nested too deep");
		g->stop = 1;
		g->nest--;
		return T_STOP;
	}
	for (;;) {
		int tk;
		if (g->stop || g->work > G_MAX_WORK) {
			if (!g->stop)
				bad(g, KX_BOOT_TOO_BIG, "configuration too large to evaluate");
			g->stop = 1;
			break;
		}
		tk = lex(g, !(fl & F_SKIP));
		if (tk == TK_ERR) {
			bad(g, KX_BOOT_SYNTAX, "unterminated quote");
			ret = T_EOF;
			break;
		}
		if (!g->nw && !g->big) {
			if (tk == TK_EOF) {
				ret = T_EOF;
				break;
			}
			if (tk == TK_RBRACE) {
				ret = T_RBRACE;
				break;
			}
			if (tk == TK_LBRACE) { /* a bare { ... } block */
				int t = run(g, fl);
				if (t != T_RBRACE)
					bad(g, KX_BOOT_SYNTAX, "unterminated block");
				if (t == T_STOP)
					break;
			}
			continue;
		}
		if (!g->nw) { /* a command too big to hold any word */
			if (fl & F_ENTRY)
				bad(g, KX_BOOT_TOO_BIG, "a command over kx's cap");
			if (tk == TK_LBRACE && run(g, F_SKIP) == T_STOP)
				break;
			continue;
		}
	again:
		if (kw(g, 0, "then") || kw(g, 0, "do")) {
			shift(g);
			if (!g->nw) {
				if (tk == TK_LBRACE && run(g, F_SKIP) == T_STOP)
					break;
				continue;
			}
			goto again;
		}
		if (kw(g, 0, "fi")) {
			ret = T_FI;
			break;
		}
		if (kw(g, 0, "done")) {
			ret = T_DONE;
			break;
		}
		if (kw(g, 0, "else") || kw(g, 0, "elif")) {
			ret = kw(g, 0, "else") ? T_ELSE : T_ELIF;
			if (g->nw > 1) { /* re-read what follows the keyword in the next branch's mode */
				g->src.pos = g->w[1].at;
				g->src.line = g->w[1].line;
				g->pend_rbrace = 0;
			}
			break;
		}
		if (kw(g, 0, "if")) {
			if (tk == TK_LBRACE) {
				run(g, F_SKIP);
				continue;
			}
			do_if(g, fl);
			continue;
		}
		if (kw(g, 0, "for") || kw(g, 0, "while") || kw(g, 0, "until")) {
			do_loop(g, fl);
			continue;
		}
		if (kw(g, 0, "function") || kw(g, 0, "menuentry") || kw(g, 0, "submenu")) {
			if (tk != TK_LBRACE && !lbrace_next(g)) {
				bad(g, KX_BOOT_SYNTAX, "a block without its {");
				continue;
			}
			if (kw(g, 0, "function") && (fl & F_SKIP))
				run(g, F_SKIP); /* not defined where GRUB does not run it */
			else if (kw(g, 0, "function"))
				do_function(g);
			else
				do_menu(g, fl, kw(g, 0, "submenu"));
			continue;
		}
		if (tk == TK_LBRACE) { /* cmd { ... }: not GRUB's syntax */
			if (run(g, F_SKIP) == T_STOP)
				break;
			continue;
		}
		if (!(fl & F_SKIP))
			exec(g, fl);
	}
	g->nest--;
	return ret;
}

/* A menu: the top of a grub.cfg, or a configfile's. */
static void eval_menu(struct g *g, unsigned fl)
{
	unsigned node0 = g->node0, entry0 = g->entry0, pathlen = g->pathlen, sub = g->sub_depth;
	int parent = g->parent, t;
	char buf[KX_BOOT_MAX_LINE / 8];

	g->node0 = g->nnode;
	g->entry0 = g->bl->n;
	g->parent = -1;
	g->pathlen = 0;
	g->path[0] = 0;
	g->sub_depth = 0;
	level_push(g);
	/* config_directory: where this file is (GRUB's normal mode sets it) */
	buf[0] = '(';
	vol_name(g, buf + 1, g->src.vol);
	cats(buf, sizeof(buf), ")");
	cats(buf, sizeof(buf), g->src.path ? g->src.path : "/");
	{
		size_t l = kx_strlen(buf);
		while (l && buf[l - 1] != '/')
			l--;
		if (l && buf[l - 1] == '/')
			l--;
		buf[l] = 0;
	}
	var_sets(g, "config_directory", buf, 0);
	while ((t = run(g, fl & ~(unsigned)F_ENTRY)) != T_EOF && t != T_STOP)
		; /* a stray }, fi or done at top level */
	if (!g->replaced && !(fl & F_UNSURE))
		menu_finish(g);
	level_pop(g);
	g->node0 = node0;
	g->entry0 = entry0;
	g->parent = parent;
	g->pathlen = pathlen;
	g->path[pathlen] = 0;
	g->sub_depth = sub;
}

void kx_grub_parse(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		   const char *path, const uint8_t *buf, size_t len)
{
	static const char *const features[] = {
		"feature_chainloader_bpb", "feature_ntldr", "feature_platform_search_hint",
		"feature_default_font_path", "feature_all_video_module", "feature_menuentry_id",
		"feature_menuentry_options", "feature_200_final", "feature_nativedisk_cmd",
		"feature_timeout_style", 0
	};
	/* what only GRUB knows where it runs */
	static const char *const unknown[] = { "grub_platform", "grub_cpu", "?", "cmdpath", 0 };
	struct g *g;
	uintptr_t top;
	size_t save_cap;
	unsigned i;
	char dir[KX_BOOT_MAX_LINE / 8];

	if (!bl || !fs || !path || (!buf && len) || !bl->arena || bl->used > bl->cap)
		return;
	if (len > KX_BOOT_MAX_CONF) {
		struct kx_boot_entry *e = kx_boot_add(bl, KX_BOOT_GRUB, vol, path, 0);
		if (e) {
			e->id = e->title = kx_boot_str(bl, path);
			kx_boot_bad(bl, e, KX_BOOT_TOO_BIG, path);
		}
		return;
	}
	/* the evaluator's state: borrowed from the top of the arena */
	top = (uintptr_t)(bl->arena + bl->cap);
	if (top < sizeof(struct g) + 64)
		return;
	top = (top - sizeof(struct g)) & ~(uintptr_t)63;
	if (top < (uintptr_t)(bl->arena + bl->used)) {
		bl->dropped++;
		return;
	}
	save_cap = bl->cap;
	bl->cap = (size_t)(top - (uintptr_t)bl->arena);
	g = (struct g *)top;
	kx_memset(g, 0, sizeof(*g));
	g->bl = bl;
	g->fs = fs;
	g->vol = vol;
	g->src.b = (const char *)buf;
	g->src.len = len;
	g->src.line = 1;
	g->src.path = path;
	g->src.vol = vol;
	g->parent = -1;
	g->depth = 1;
	/* GRUB's own variables, as a current GRUB sets them */
	for (i = 0; features[i]; i++)
		var_sets(g, features[i], "y", 0);
	for (i = 0; unknown[i]; i++)
		var_sets(g, unknown[i], "", KX_BOOT_SCRIPT);
	vol_name(g, dir, vol);
	var_sets(g, "root", dir, 0);
	/* prefix: the directory grub.cfg is in */
	dir[0] = '(';
	vol_name(g, dir + 1, vol);
	cats(dir, sizeof(dir), ")");
	cats(dir, sizeof(dir), path);
	{
		size_t l = kx_strlen(dir);
		while (l && dir[l - 1] != '/')
			l--;
		if (l && dir[l - 1] == '/')
			l--; /* "(kxvol0)/boot/grub", "(kxvol0)" */
		dir[l] = 0;
	}
	var_sets(g, "prefix", dir, 0);
	for (i = 0; i < g->nv; i++)
		g->v[i].exported = 1;
	eval_menu(g, 0);
	bl->cap = save_cap;
}
