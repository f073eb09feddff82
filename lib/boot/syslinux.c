/*
 * syslinux-family configurations: extlinux.conf (Debian's u-boot-menu, U-Boot's
 * distro boot), syslinux.cfg, isolinux.cfg, pxelinux.cfg/default
 * (docs/boot.md, "syslinux"). The rules kx follows:
 *  - keywords are case-insensitive; one directive a line; `#` comments;
 *  - `label NAME` starts an entry whose id is NAME; its title is `menu label`
 *    (the `^` hotkey marks removed), else NAME;
 *  - `linux FILE` is a Linux kernel; `kernel FILE` too, unless FILE is a
 *    syslinux module (.c32 .com .cbt .bs .bss .0, memdisk): KX_BOOT_NOT_KERNEL;
 *    `com32`, `comboot`, `boot`, `bss`, `pxe`, `fdimage` likewise;
 *    `localboot` and `config` are KX_BOOT_SCRIPT (only syslinux can do them);
 *  - `initrd A,B` (several, in order); without it, the last `initrd=A,B` of
 *    the command line gives them (as syslinux's Linux loader does); the word
 *    stays in the command line (Linux ignores it; syslinux passes it too);
 *  - `append ARGS` is the command line; a global `append` is the default of
 *    the labels without one; `append -` means none;
 *  - `fdt`/`devicetree FILE` -> dtb, `fdtdir DIR` -> dtb_dir;
 *  - the default: the label with `menu default`, else `default NAME` if a
 *    label has that name, else `ontimeout NAME` likewise (`default vesamenu.c32`
 *    names the menu program, not an entry) -> bl->sys_default[vol] (its id);
 *  - `timeout N` is in tenths of a second: rounded up to seconds; 0 means
 *    "wait for the user" in syslinux: kx then leaves the timeout unset;
 *  - `include FILE` and `menu include FILE` are read in place (nesting at
 *    most KX_BOOT_MAX_DEPTH, at most 64 files); `text help`...`endtext` is skipped;
 *  - relative paths are relative to the directory of the configuration file
 *    (syslinux's working directory), "::" (pxelinux's absolute) is dropped;
 *  - a line longer than KX_BOOT_MAX_LINE: the label is KX_BOOT_TOO_BIG.
 */
#include <kx/boot.h>
#include <kx/bytes.h>

#define S_MAX_FILES 64
#define S_PATH      512

struct sx {
	struct kx_boot_list *bl;
	const struct kx_boot_fs *fs;
	unsigned vol, first, files, depth;
	char dir[S_PATH];
	struct kx_boot_entry *cur;
	int has_initrd, has_append;
	const char *global_append;
	int global_append_set;
	const char *menu_default, *dflt, *ontimeout;
	char path[S_PATH];
};

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }
static int is_sp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == 0; }

/* Does the word w[0..n) equal the keyword k (lower case), ignoring case? */
static int kweq(const char *w, size_t n, const char *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!k[i] || lower(w[i]) != k[i])
			return 0;
	return !k[n];
}

/* s ends with suffix (lower case), ignoring case */
static int ends(const char *s, size_t n, const char *suf)
{
	size_t l = kx_strlen(suf), i;

	if (n < l)
		return 0;
	for (i = 0; i < l; i++)
		if (lower(s[n - l + i]) != suf[i])
			return 0;
	return 1;
}

/* A path as the entry names it, made absolute, into x->path (NUL-terminated). */
static const char *mkpath(struct sx *x, const char *p, size_t n)
{
	size_t l = 0, i;

	if (n >= 2 && p[0] == ':' && p[1] == ':')
		p += 2, n -= 2;
	if (!n || p[0] != '/') {
		for (i = 0; x->dir[i] && l + 1 < S_PATH; i++)
			x->path[l++] = x->dir[i];
		if (l + 1 < S_PATH && (!l || x->path[l - 1] != '/'))
			x->path[l++] = '/';
	}
	if (n >= S_PATH - l)
		return 0;
	kx_memcpy(x->path + l, p, n);
	x->path[l + n] = 0;
	return x->path;
}

static const char *arena_path(struct sx *x, const char *p, size_t n)
{
	const char *a = mkpath(x, p, n);

	if (!a) {
		kx_boot_bad(x->bl, x->cur, KX_BOOT_TOO_BIG, "path");
		return 0;
	}
	return kx_boot_str(x->bl, a);
}

/* initrd lists: "a,b,c" */
static void add_initrds(struct sx *x, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i, a, b;
		while (j < n && s[j] != ',')
			j++;
		for (a = i; a < j && is_sp(s[a]); a++)
			;
		for (b = j; b > a && is_sp(s[b - 1]); b--)
			;
		if (b > a) {
			const char *p = mkpath(x, s + a, b - a);
			if (!p)
				kx_boot_bad(x->bl, x->cur, KX_BOOT_TOO_BIG, "path");
			else
				kx_boot_initrd(x->bl, x->cur, p, kx_strlen(p));
		}
		i = j + 1;
	}
}

static int streq(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* The label is complete: what it inherits and what it lacks. */
static void finish(struct sx *x)
{
	struct kx_boot_entry *e = x->cur;

	if (!e)
		return;
	if (!x->has_append && x->global_append_set)
		e->cmdline = x->global_append;
	if (!x->has_initrd && e->cmdline) {
		/* the last initrd= word of the command line */
		const char *s = e->cmdline, *last = 0;
		size_t ll = 0;
		while (*s) {
			const char *w;
			while (*s == ' ' || *s == '\t')
				s++;
			w = s;
			while (*s && *s != ' ' && *s != '\t')
				s++;
			if (s - w > 7 && kweq(w, 7, "initrd="))
				last = w + 7, ll = (size_t)(s - w - 7);
		}
		if (last)
			add_initrds(x, last, ll);
	}
	if (!e->title)
		e->title = e->id;
	if (!e->kernel)
		kx_boot_bad(x->bl, e, KX_BOOT_NO_KERNEL, 0);
	x->cur = 0;
}

static void parse(struct sx *x, const char *b, size_t len, const char *src);

static void include(struct sx *x, const char *p, size_t n)
{
	const char *path = mkpath(x, p, n), *src;
	const uint8_t *buf;
	size_t l;

	if (!path || x->depth >= KX_BOOT_MAX_DEPTH || x->files >= S_MAX_FILES || !x->fs ||
	    !x->fs->read) {
		kx_boot_bad(x->bl, x->cur, KX_BOOT_TOO_BIG, "include");
		return;
	}
	x->files++;
	if (x->fs->read(x->fs->ctx, x->vol, path, KX_BOOT_MAX_CONF, &buf, &l) != 0)
		return; /* syslinux goes on without it */
	src = kx_boot_str(x->bl, path);
	x->depth++;
	parse(x, (const char *)buf, l, src ? src : "include");
	x->depth--;
}

static void parse(struct sx *x, const char *b, size_t len, const char *src)
{
	size_t p = 0;
	unsigned line = 0;
	int in_text = 0;

	while (p < len) {
		size_t ls = p, le, a, kl, al;
		const char *kwd, *arg;

		while (p < len && b[p] != '\n')
			p++;
		le = p++;
		line++;
		/* the line b[ls..le), trimmed: KEYWORD ARG */
		while (ls < le && is_sp(b[ls]))
			ls++;
		while (le > ls && is_sp(b[le - 1]))
			le--;
		if (le - ls >= KX_BOOT_MAX_LINE) {
			kx_boot_bad(x->bl, x->cur, KX_BOOT_TOO_BIG, "a line over kx's cap");
			continue;
		}
		if (ls == le || b[ls] == '#')
			continue;
		kwd = b + ls;
		for (kl = 0; ls + kl < le && !is_sp(b[ls + kl]); kl++)
			;
		for (a = ls + kl; a < le && is_sp(b[a]); a++)
			;
		arg = b + a;
		al = le - a;
		if (in_text) {
			if (kweq(kwd, kl, "endtext"))
				in_text = 0;
			continue;
		}
		if (kweq(kwd, kl, "menu")) { /* menu X ARG */
			const char *sub = arg;
			size_t sl;
			for (sl = 0; sl < al && !is_sp(sub[sl]); sl++)
				;
			for (a = sl; a < al && is_sp(sub[a]); a++)
				;
			if (kweq(sub, sl, "label") && x->cur) {
				/* a copy in the arena, the ^ hotkey marks taken out in place */
				char *t = (char *)kx_boot_strn(x->bl, sub + a, al - a);
				size_t i, n = 0;
				for (i = 0; t && t[i]; i++)
					if (t[i] != '^')
						t[n++] = t[i];
				if (t)
					t[n] = 0;
				x->cur->title = t;
			} else if (kweq(sub, sl, "default") && x->cur) {
				x->menu_default = x->cur->id;
			} else if (kweq(sub, sl, "include")) {
				size_t fl;
				for (fl = a; fl < al && !is_sp(sub[fl]); fl++)
					;
				include(x, sub + a, fl - a);
			}
			continue;
		}
		if (kweq(kwd, kl, "text")) {
			in_text = 1;
			continue;
		}
		if (kweq(kwd, kl, "label")) {
			finish(x);
			x->cur = kx_boot_add(x->bl, KX_BOOT_SYSLINUX, x->vol, src, line);
			x->has_initrd = x->has_append = 0;
			if (x->cur)
				x->cur->id = kx_boot_strn(x->bl, arg, al);
			continue;
		}
		if (kweq(kwd, kl, "default") || kweq(kwd, kl, "ontimeout")) {
			size_t n;
			for (n = 0; n < al && !is_sp(arg[n]); n++)
				;
			if (kwd[0] == 'd' || kwd[0] == 'D')
				x->dflt = kx_boot_strn(x->bl, arg, n);
			else
				x->ontimeout = kx_boot_strn(x->bl, arg, n);
			continue;
		}
		if (kweq(kwd, kl, "timeout")) {
			unsigned long v = 0;
			size_t i;
			for (i = 0; i < al && arg[i] >= '0' && arg[i] <= '9' && v < 100000000; i++)
				v = v * 10 + (unsigned long)(arg[i] - '0');
			if (i && i == al && v && x->bl->timeout < 0)
				x->bl->timeout = (int)((v + 9) / 10);
			continue;
		}
		if (kweq(kwd, kl, "include")) {
			size_t n;
			for (n = 0; n < al && !is_sp(arg[n]); n++)
				;
			include(x, arg, n);
			continue;
		}
		if (kweq(kwd, kl, "append")) {
			const char *c = (al == 1 && arg[0] == '-') ? "" : kx_boot_strn(x->bl, arg, al);
			if (x->cur) {
				x->cur->cmdline = c;
				x->has_append = 1;
			} else {
				x->global_append = c;
				x->global_append_set = 1;
			}
			continue;
		}
		if (!x->cur)
			continue; /* prompt, ui, say, serial, menu...: nothing kx needs */
		if (kweq(kwd, kl, "linux") || kweq(kwd, kl, "kernel")) {
			size_t n;
			for (n = 0; n < al && !is_sp(arg[n]); n++)
				;
			if (kwd[0] == 'k' || kwd[0] == 'K') {
				static const char *const mod[] = { ".c32", ".com", ".cbt", ".bs", ".bss", ".0", 0 };
				unsigned i;
				int is_mod = kweq(arg, n, "memdisk") || (n > 8 && ends(arg, n, "/memdisk"));
				for (i = 0; mod[i]; i++)
					is_mod |= ends(arg, n, mod[i]);
				x->cur->kernel = arena_path(x, arg, n);
				if (is_mod)
					kx_boot_bad(x->bl, x->cur, KX_BOOT_NOT_KERNEL, x->cur->kernel);
			} else {
				x->cur->kernel = arena_path(x, arg, n);
			}
		} else if (kweq(kwd, kl, "initrd")) {
			x->cur->ninitrd = 0;
			x->has_initrd = 1;
			add_initrds(x, arg, al);
		} else if (kweq(kwd, kl, "fdt") || kweq(kwd, kl, "devicetree")) {
			x->cur->dtb = arena_path(x, arg, al);
		} else if (kweq(kwd, kl, "fdtdir")) {
			x->cur->dtb_dir = arena_path(x, arg, al);
		} else if (kweq(kwd, kl, "com32") || kweq(kwd, kl, "comboot") ||
			   kweq(kwd, kl, "boot") || kweq(kwd, kl, "bss") || kweq(kwd, kl, "pxe") ||
			   kweq(kwd, kl, "fdimage")) {
			x->cur->kernel = arena_path(x, arg, al);
			kx_boot_bad(x->bl, x->cur, KX_BOOT_NOT_KERNEL, x->cur->kernel);
		} else if (kweq(kwd, kl, "localboot") || kweq(kwd, kl, "config")) {
			kx_boot_bad(x->bl, x->cur, KX_BOOT_SCRIPT, kweq(kwd, kl, "config") ? "config" : "localboot");
		}
	}
}

void kx_syslinux_parse(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		       const char *path, const uint8_t *buf, size_t len)
{
	struct sx x;
	size_t l;
	unsigned i;
	const char *d = 0;

	if (!bl || !path || (!buf && len))
		return;
	kx_memset(&x, 0, sizeof(x));
	x.bl = bl;
	x.fs = fs;
	x.vol = vol;
	x.first = bl->n;
	x.depth = 1;
	/* the configuration's directory */
	l = kx_strlen(path);
	while (l && path[l - 1] != '/')
		l--;
	while (l > 1 && path[l - 1] == '/')
		l--;
	if (l >= sizeof(x.dir))
		l = 0;
	kx_memcpy(x.dir, path, l);
	x.dir[l] = 0;
	if (len > KX_BOOT_MAX_CONF) {
		struct kx_boot_entry *e = kx_boot_add(bl, KX_BOOT_SYSLINUX, vol, path, 0);
		if (e) {
			e->id = e->title = kx_boot_str(bl, path);
			kx_boot_bad(bl, e, KX_BOOT_TOO_BIG, path);
		}
		return;
	}
	parse(&x, (const char *)buf, len, path);
	finish(&x);
	/* the default: menu default, else default or ontimeout naming a label */
	if (x.menu_default)
		d = x.menu_default;
	for (i = x.first; !d && i < bl->n; i++)
		if (streq(bl->e[i].id, x.dflt))
			d = bl->e[i].id;
	for (i = x.first; !d && i < bl->n; i++)
		if (streq(bl->e[i].id, x.ontimeout))
			d = bl->e[i].id;
	if (d && vol < KX_BOOT_MAX_VOLS)
		bl->sys_default[vol] = d;
}
