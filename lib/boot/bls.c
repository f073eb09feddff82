/*
 * Boot Loader Specification (UAPI.1) Type #1 entries and loader.conf, the
 * UAPI.10 version comparison, and the spec's ordering of Type #1 and #2
 * entries together. Pure: the caller reads the files (docs/boot.md).
 *
 * An entry file is lines of "key value": the key is the first word, one or
 * more spaces or tabs, then the value (the rest of the line, trailing blanks
 * dropped, one pair of enclosing double quotes removed as systemd-boot does).
 * Lines end at \n or \r (so CRLF files read as they look); a line starting
 * with # (after blanks) is a comment. Unknown keys are ignored. A NUL byte
 * ends the file (as it does for systemd-boot) and marks the entry malformed;
 * a line over KX_BOOT_MAX_LINE is skipped and marks it KX_BOOT_TOO_BIG.
 */
#include <kx/boot.h>
#include <kx/bytes.h>
#include "bls.h"

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_blank(int c) { return c == ' ' || c == '\t'; }
static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* [s, s + n) is the C string w */
static int word_is(const char *s, size_t n, const char *w)
{
	size_t l = kx_strlen(w);
	return n == l && !kx_memcmp(s, w, n);
}

/* s[0..n) ends in suf, ASCII case-insensitively: the length without it, else n */
static size_t cut_suffix(const char *s, size_t n, const char *suf)
{
	size_t l = kx_strlen(suf), i;

	if (n < l)
		return n;
	for (i = 0; i < l; i++)
		if (lower(s[n - l + i]) != lower(suf[i]))
			return n;
	return n - l;
}

/* what + N into buf (kx_strlen(what) + 11 bytes) */
static const char *line_no(char *buf, const char *what, unsigned no)
{
	char d[12];
	size_t n = 0, l = kx_strlen(what);
	int k = 0;

	kx_memcpy(buf, what, l);
	n = l;
	do
		d[k++] = (char)('0' + no % 10);
	while ((no /= 10) && k < 11);
	while (k)
		buf[n++] = d[--k];
	buf[n] = 0;
	return buf;
}

/* ---- lines ------------------------------------------------------------------------- */

struct lines {
	const char *p, *end;
	unsigned no;       /* the number of the line last returned (1-based) */
	unsigned next_no;
	unsigned long_no;  /* the first line over KX_BOOT_MAX_LINE, 0 if none */
	unsigned nul_no;   /* the line with a NUL byte (parsing stopped there), 0 if none */
};

static void lines_init(struct lines *ls, const uint8_t *buf, size_t len)
{
	kx_memset(ls, 0, sizeof(*ls));
	ls->p = buf ? (const char *)buf : "";
	ls->end = ls->p + (buf ? len : 0);
	ls->next_no = 1;
}

/*
 * The next key and value: 1, or 0 at the end. Comments, blank lines and
 * lines too long are skipped; a NUL ends the input. The value may be empty.
 */
static int next_kv(struct lines *ls, const char **k, size_t *kn, const char **v, size_t *vn)
{
	while (ls->p < ls->end) {
		const char *s = ls->p, *e = s, *q;

		while (e < ls->end && *e != '\n' && *e != '\r' && *e)
			e++;
		ls->no = ls->next_no;
		if (e < ls->end && !*e) {
			ls->nul_no = ls->no;
			ls->end = e; /* the rest is not read; this line is still used */
		}
		/* past the line break: \n, \r\n, or a lone \r */
		ls->p = e;
		if (ls->p < ls->end && *ls->p == '\r')
			ls->p++;
		if (ls->p < ls->end && *ls->p == '\n')
			ls->p++;
		if (ls->p > e)
			ls->next_no++;
		if ((size_t)(e - s) > KX_BOOT_MAX_LINE) {
			if (!ls->long_no)
				ls->long_no = ls->no;
			continue;
		}
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		for (q = s; q < e && !is_blank(*q); q++)
			;
		*k = s;
		*kn = (size_t)(q - s);
		while (q < e && is_blank(*q))
			q++;
		if (e - q >= 2 && *q == '"' && e[-1] == '"')
			q++, e--;
		*v = q;
		*vn = (size_t)(e - q);
		return 1;
	}
	return 0;
}

/* ---- Type #1 entries ----------------------------------------------------------------- */

struct val {
	const char *s;
	size_t n;
};

/* A path from an entry: absolute from the volume's root ("linux vmlinuz" is "/vmlinuz"). */
static const char *path_str(struct kx_boot_list *bl, struct val v)
{
	char tmp[KX_BOOT_MAX_LINE + 2];

	if (!v.n)
		return 0;
	if (v.s[0] == '/')
		return kx_boot_strn(bl, v.s, v.n);
	tmp[0] = '/';
	kx_memcpy(tmp + 1, v.s, v.n); /* v.n <= KX_BOOT_MAX_LINE */
	return kx_boot_strn(bl, tmp, v.n + 1);
}

static const char *val_str(struct kx_boot_list *bl, struct val v)
{
	return v.n ? kx_boot_strn(bl, v.s, v.n) : 0;
}

/*
 * The id a BLS or UKI file name gives: without the suffix and without a
 * boot-counting suffix "+LEFT" or "+LEFT-DONE" before it (systemd renames
 * the file as it counts; the id stays the same).
 */
size_t kx_bls_id_len(const char *name, size_t n, const char *suffix)
{
	size_t base = cut_suffix(name, n, suffix), i, plus = n;

	for (i = 0; i < base; i++)
		if (name[i] == '+')
			plus = i;
	if (plus < base) {
		i = plus + 1;
		if (i < base && is_digit(name[i])) {
			while (i < base && is_digit(name[i]))
				i++;
			if (i < base && name[i] == '-' && i + 1 < base && is_digit(name[i + 1]))
				for (i++; i < base && is_digit(name[i]); i++)
					;
			if (i == base)
				base = plus;
		}
	}
	return base;
}

enum kind { K_NONE, K_LINUX, K_UKI, K_EFI, K_URL };

void kx_bls_entry(struct kx_boot_list *bl, unsigned vol, const char *path, const char *name,
		  const uint8_t *buf, size_t len)
{
	struct val title = { 0, 0 }, version = { 0, 0 }, mid = { 0, 0 }, skey = { 0, 0 },
		   kernel = { 0, 0 }, dtb = { 0, 0 }, arch = { 0, 0 }, initrd[KX_BOOT_MAX_INITRDS + 1];
	char opts[KX_BOOT_MAX_LINE + 1], detail[64], *a;
	size_t nopts = 0, kn, vn, nl, i;
	unsigned ninitrd = 0, conflict_no = 0, overlay_no = 0, profile_no = 0;
	int opts_seen = 0, opts_long = 0, profile = -1;
	enum kind kind = K_NONE;
	struct kx_boot_entry *e;
	struct lines ls;
	const char *k, *v;

	e = kx_boot_add(bl, KX_BOOT_BLS, vol, path, 1);
	if (!e)
		return;
	nl = name ? kx_strlen(name) : 0;
	e->id = kx_boot_strn(bl, name ? name : "", kx_bls_id_len(name ? name : "", nl, ".conf"));

	lines_init(&ls, buf, len);
	while (next_kv(&ls, &k, &kn, &v, &vn)) {
		struct val x = { v, vn };
		enum kind want = K_NONE;

		if (word_is(k, kn, "title"))
			title = x;
		else if (word_is(k, kn, "version"))
			version = x;
		else if (word_is(k, kn, "machine-id"))
			mid = x;
		else if (word_is(k, kn, "sort-key"))
			skey = x;
		else if (word_is(k, kn, "architecture"))
			arch = x;
		else if (word_is(k, kn, "devicetree"))
			dtb = x;
		else if (word_is(k, kn, "devicetree-overlay")) {
			if (vn && !overlay_no)
				overlay_no = ls.no;
		} else if (word_is(k, kn, "initrd")) {
			if (vn && ninitrd <= KX_BOOT_MAX_INITRDS)
				initrd[ninitrd++] = x;
		} else if (word_is(k, kn, "options")) {
			/* repeatable: joined with one space, in order */
			if (!vn)
				continue;
			if (nopts + (opts_seen ? 1 : 0) + vn > KX_BOOT_MAX_LINE) {
				opts_long = 1;
				continue;
			}
			if (opts_seen)
				opts[nopts++] = ' ';
			kx_memcpy(opts + nopts, v, vn);
			nopts += vn;
			opts_seen = 1;
		} else if (word_is(k, kn, "profile")) {
			unsigned long n = 0;
			for (i = 0; i < vn && is_digit(v[i]) && n < 100000; i++)
				n = n * 10 + (unsigned long)(v[i] - '0');
			if (vn && i == vn && n < 100000)
				profile = (int)n, profile_no = ls.no;
		} else if (word_is(k, kn, "linux"))
			want = K_LINUX;
		else if (word_is(k, kn, "uki"))
			want = K_UKI;
		else if (word_is(k, kn, "efi"))
			want = K_EFI;
		else if (word_is(k, kn, "uki-url"))
			want = K_URL;
		if (want == K_NONE || !vn)
			continue;
		/* one kind of program per entry; the last of one kind wins (systemd-boot) */
		if (kind != K_NONE && kind != want && !conflict_no)
			conflict_no = ls.no;
		kind = want;
		kernel = x;
	}

	if ((e->title = val_str(bl, title)))
		for (a = (char *)e->title; *a; a++) /* a title must not drive a terminal */
			if ((unsigned char)*a < 0x20 || *a == 0x7f)
				*a = '?';
	e->version = val_str(bl, version);
	e->machine_id = val_str(bl, mid);
	e->sort_key = val_str(bl, skey);
	if (!e->title)
		e->title = e->version ? e->version : e->id;
	if (arch.n && (e->arch = kx_boot_strn(bl, arch.s, arch.n)))
		for (a = (char *)e->arch; *a; a++) /* ours: in the arena */
			*a = (char)lower(*a);
	e->dtb = path_str(bl, dtb);
	if (kind == K_LINUX || kind == K_UKI)
		e->kernel = path_str(bl, kernel);
	if (opts_seen)
		e->cmdline = kx_boot_strn(bl, opts, nopts);
	if (kind == K_UKI) {
		/* no options: the UKI's own .cmdline; options: kx passes them */
		e->cmdline_own = !opts_seen;
		e->profile = profile;
	}

	/* why it cannot be booted: the first reason found stays */
	if (ls.nul_no)
		kx_boot_bad(bl, e, KX_BOOT_SYNTAX, line_no(detail, "a NUL byte on line ", ls.nul_no));
	if (ls.long_no)
		kx_boot_bad(bl, e, KX_BOOT_TOO_BIG, line_no(detail, "line ", ls.long_no));
	if (opts_long)
		kx_boot_bad(bl, e, KX_BOOT_TOO_BIG, "the joined options");
	if (conflict_no)
		kx_boot_bad(bl, e, KX_BOOT_SYNTAX,
			    line_no(detail, "a second program key on line ", conflict_no));
	switch (kind) {
	case K_NONE:
		kx_boot_bad(bl, e, KX_BOOT_NO_KERNEL, 0);
		break;
	case K_EFI:
		kx_boot_bad(bl, e, KX_BOOT_EFI_PROGRAM, path_str(bl, kernel));
		break;
	case K_URL:
		kx_boot_bad(bl, e, KX_BOOT_REMOTE, val_str(bl, kernel));
		break;
	default:
		break;
	}
	/* kx cannot apply overlays: booting without them would be a different system */
	if (overlay_no)
		kx_boot_bad(bl, e, KX_BOOT_SYNTAX,
			    line_no(detail, "devicetree-overlay on line ", overlay_no));
	if (profile >= 0 && kind != K_UKI)
		kx_boot_bad(bl, e, KX_BOOT_SYNTAX, line_no(detail, "profile without uki on line ",
							  profile_no));
	for (i = 0; i < ninitrd; i++) {
		const char *p = path_str(bl, initrd[i]);
		if (p)
			kx_boot_initrd(bl, e, p, kx_strlen(p));
	}
}

/* ---- loader.conf -------------------------------------------------------------------- */

void kx_bls_loader_conf(struct kx_boot_list *bl, unsigned vol, const uint8_t *buf, size_t len)
{
	struct lines ls;
	const char *k, *v;
	size_t kn, vn, i;
	int timeout = -2; /* -2: not given */

	lines_init(&ls, buf, len);
	while (next_kv(&ls, &k, &kn, &v, &vn)) {
		if (word_is(k, kn, "default") && vn && vol < KX_BOOT_MAX_VOLS) {
			/* "@saved" and the other "@" names are EFI variables: not a glob */
			if (v[0] == '@')
				continue;
			/* as written: globs name files ("arch.conf"), kx_boot_finish
			 * matches BLS ids with and without .conf */
			bl->conf_default[vol] = kx_boot_strn(bl, v, vn);
		} else if (word_is(k, kn, "timeout") && vn) {
			unsigned long n = 0;
			if (word_is(v, vn, "menu-force")) {
				timeout = -1; /* wait for a choice */
				continue;
			}
			if (word_is(v, vn, "menu-hidden") || word_is(v, vn, "menu-disabled")) {
				timeout = 0;
				continue;
			}
			for (i = 0; i < vn && is_digit(v[i]); i++)
				if (n < 0x7fffffff)
					n = n * 10 + (unsigned long)(v[i] - '0');
			if (i == vn)
				timeout = n > 0x7fffffff ? 0x7fffffff : (int)n;
		}
	}
	if (timeout != -2 && bl->timeout == -1)
		bl->timeout = timeout;
}

/* ---- UAPI.10 version comparison -------------------------------------------------------- */

static int ver_char(int c)
{
	return is_digit(c) || is_alpha(c) || c == '~' || c == '-' || c == '^' || c == '.';
}

/*
 * The spec's loop, step by step. Where its text and systemd's
 * strverscmp_improved() differ (an empty numeric prefix against "0": the
 * spec evaluates both as 0, systemd calls the one with digits newer), kx
 * follows systemd, which orders the entries on real machines. Each turn
 * moves past at least one character: time is linear in the lengths.
 */
static int ver_cmp(const char *a, const char *ae, const char *b, const char *be)
{
	for (;;) {
		const char *aa, *bb;
		int ca, cb, special;

		while (a < ae && !ver_char(*a))
			a++;
		while (b < be && !ver_char(*b))
			b++;
		ca = a < ae ? *a : 0;
		cb = b < be ? *b : 0;
		if (ca == '~' || cb == '~') { /* a pre-release: before everything */
			if (ca != cb)
				return ca == '~' ? -1 : 1;
			a++, b++;
			ca = a < ae ? *a : 0;
			cb = b < be ? *b : 0;
		}
		if (!ca || !cb) /* the longer is newer */
			return ca ? 1 : cb ? -1 : 0;
		for (special = 0; special < 3; special++) { /* '-', then '^', then '.' */
			char s = "-^."[special];
			if (ca == s || cb == s) {
				if (ca != cb)
					return ca == s ? -1 : 1;
				a++, b++;
				ca = a < ae ? *a : 0;
				cb = b < be ? *b : 0;
			}
		}
		if (is_digit(ca) || is_digit(cb)) {
			for (aa = a; aa < ae && is_digit(*aa); aa++)
				;
			for (bb = b; bb < be && is_digit(*bb); bb++)
				;
			if ((aa == a) != (bb == b)) /* digits are newer than none */
				return aa == a ? -1 : 1;
			while (a < aa && *a == '0')
				a++;
			while (b < bb && *b == '0')
				b++;
			if (aa - a != bb - b) /* more significant digits: bigger */
				return aa - a < bb - b ? -1 : 1;
			for (; a < aa; a++, b++)
				if (*a != *b)
					return *a < *b ? -1 : 1;
		} else {
			for (aa = a; aa < ae && is_alpha(*aa); aa++)
				;
			for (bb = b; bb < be && is_alpha(*bb); bb++)
				;
			for (; a < aa && b < bb; a++, b++) /* ASCII: 'B' < 'a' */
				if (*a != *b)
					return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
			if (a != aa || b != bb) /* the longer run is newer */
				return a != aa ? 1 : -1;
		}
		a = aa;
		b = bb;
	}
}

int kx_bls_vercmp(const char *a, const char *b)
{
	if (!a)
		a = "";
	if (!b)
		b = "";
	return ver_cmp(a, a + kx_strlen(a), b, b + kx_strlen(b));
}

/* ---- ordering ---------------------------------------------------------------------------- */

/* Boot counting from the file name ("+LEFT[-DONE]" before .conf/.efi): left -1 when none. */
static void tries(const struct kx_boot_entry *e, long *left, long *done)
{
	const char *s = e->source, *name, *p;
	size_t n, base, i, plus;

	*left = -1;
	*done = 0;
	if (!s || (e->format != KX_BOOT_BLS && e->format != KX_BOOT_UKI))
		return;
	for (name = p = s; *p; p++)
		if (*p == '/')
			name = p + 1;
	n = (size_t)(p - name);
	base = cut_suffix(name, n, e->format == KX_BOOT_BLS ? ".conf" : ".efi");
	for (plus = base, i = 0; i < base; i++)
		if (name[i] == '+')
			plus = i;
	if (plus == base || plus + 1 >= base || !is_digit(name[plus + 1]))
		return;
	{
		long l = 0, d = 0;
		for (i = plus + 1; i < base && is_digit(name[i]); i++)
			l = l < 100000 ? l * 10 + (name[i] - '0') : l;
		if (i < base && name[i] == '-' && i + 1 < base && is_digit(name[i + 1]))
			for (i++; i < base && is_digit(name[i]); i++)
				d = d < 100000 ? d * 10 + (name[i] - '0') : d;
		if (i != base)
			return;
		*left = l;
		*done = d;
	}
}

/* strcmp, where an unset or empty string compares lower (the spec's alphanumerical order). */
static int str_cmp(const char *a, const char *b)
{
	if (!a || !*a || !b || !*b)
		return (a && *a) - (b && *b);
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* The id without a UKI profile's "@N". */
static const char *id_end(const struct kx_boot_entry *e)
{
	const char *s = e->id ? e->id : "", *end = s + kx_strlen(s), *p;

	if (e->format == KX_BOOT_UKI && e->profile > 0)
		for (p = end; p > s; p--)
			if (p[-1] == '@')
				return p - 1;
	return end;
}

/* < 0: a goes first. systemd-boot's order, which the spec describes. */
static int entry_cmp(const struct kx_boot_entry *a, const struct kx_boot_entry *b)
{
	long la, da, lb, db;
	int r;

	tries(a, &la, &da);
	tries(b, &lb, &db);
	if ((la == 0) != (lb == 0)) /* no tries left: last */
		return la == 0 ? 1 : -1;
	if (!a->sort_key != !b->sort_key) /* with a sort-key first */
		return a->sort_key ? -1 : 1;
	if (a->sort_key) {
		if ((r = str_cmp(a->sort_key, b->sort_key)))
			return r;
		if ((r = str_cmp(a->machine_id, b->machine_id)))
			return r;
		if ((r = kx_bls_vercmp(a->version, b->version)))
			return -r; /* newest first */
	}
	/* the id, newest version first (the version is usually part of it) */
	if ((r = ver_cmp(a->id ? a->id : "", id_end(a), b->id ? b->id : "", id_end(b))))
		return -r;
	if (a->format == KX_BOOT_UKI && b->format == KX_BOOT_UKI && a->profile != b->profile)
		return a->profile < b->profile ? -1 : 1;
	if (la < 0 || lb < 0 || la == lb)
		return la < 0 || lb < 0 ? 0 : (da > db) - (da < db);
	return la > lb ? -1 : 1; /* more tries left first */
}

void kx_bls_sort(struct kx_boot_list *bl, unsigned from)
{
	struct kx_boot_entry t;
	unsigned i, j, n = bl->n < KX_BOOT_MAX_ENTRIES ? bl->n : KX_BOOT_MAX_ENTRIES;

	/* insertion sort: stable, n <= 256 */
	for (i = from + 1; i < n; i++) {
		if (entry_cmp(&bl->e[i - 1], &bl->e[i]) <= 0)
			continue;
		t = bl->e[i];
		for (j = i; j > from && entry_cmp(&bl->e[j - 1], &t) > 0; j--)
			bl->e[j] = bl->e[j - 1];
		bl->e[j] = t;
	}
}
