/*
 * Plain kernels in a directory with no boot configuration (as ZFSBootMenu
 * finds them): vmlinuz-V, vmlinux-V, Image-V, bzImage-V, kernel-V, each paired
 * with the initrd of the same V (initrd.img-V, initramfs-V.img, initrd-V.img,
 * initrd-V, initramfs-V, in that preference), newest V first by the UAPI version order,
 * rescue kernels ("-rescue-" in V, as Fedora installs them) after the others.
 * A bare "vmlinuz" (or vmlinux, Image, bzImage) is listed only when the
 * directory has no versioned kernel (Debian's vmlinuz symlinks would repeat
 * one), paired with initrd.img / initramfs.img / initrd. Backups and
 * signatures (.old .bak .sig .asc .sha256 .p7s .hmac, "~", dot files) are
 * skipped. The kernel files are not read here.
 */
#include <kx/boot.h>
#include <kx/bytes.h>

static const char *const kernel_prefix[] = { "vmlinuz-", "vmlinux-", "Image-", "bzImage-",
					      "kernel-" };
static const char *const kernel_bare[] = { "vmlinuz", "vmlinux", "Image", "bzImage" };
/* initrd names: prefix + V + suffix; the first listed is preferred */
static const char *const initrd_pat[][2] = {
	{ "initrd.img-", "" }, { "initramfs-", ".img" }, { "initrd-", ".img" }, { "initrd-", "" },
	{ "initramfs-", "" },
};
static const char *const initrd_bare[] = { "initrd.img", "initramfs.img", "initrd" };
static const char *const skip_suffix[] = { ".old", ".bak", ".sig", ".asc", ".sha256", ".p7s",
					   ".hmac", "~", ".dpkg-tmp", ".dpkg-new", ".dpkg-old",
					   ".efi.signed" };

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define RANK_NONE 0xff

static size_t slen(const char *s) { return kx_strlen(s); }

static int starts(const char *s, const char *p)
{
	while (*p && *s == *p)
		s++, p++;
	return !*p;
}

static int ends(const char *s, size_t n, const char *suf)
{
	size_t l = slen(suf);
	return n >= l && !kx_memcmp(s + n - l, suf, l);
}

static int eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int skipped(const char *name)
{
	size_t n = slen(name), i;

	if (!n || name[0] == '.')
		return 1;
	for (i = 0; i < N(skip_suffix); i++)
		if (ends(name, n, skip_suffix[i]))
			return 1;
	return 0;
}

/* The version of a kernel file name (after its prefix), or NULL. *bare: a bare name. */
static const char *kernel_version(const char *name, int *bare)
{
	size_t i;

	*bare = 0;
	for (i = 0; i < N(kernel_prefix); i++)
		if (starts(name, kernel_prefix[i]) && name[slen(kernel_prefix[i])])
			return name + slen(kernel_prefix[i]);
	for (i = 0; i < N(kernel_bare); i++)
		if (eq(name, kernel_bare[i])) {
			*bare = 1;
			return name + slen(name);
		}
	return 0;
}

struct scan {
	struct kx_boot_list *bl;
	unsigned vol;
	const char *dir;
	unsigned from;         /* the first entry this scan added */
	int pass;              /* 0: kernels, 1: initrds */
	int versioned;         /* a versioned kernel was found */
	unsigned char rank[KX_BOOT_MAX_ENTRIES]; /* the chosen initrd's pattern, per entry */
};

/* dir + "/" + name in the arena */
static const char *join(struct kx_boot_list *bl, const char *dir, const char *name)
{
	char t[1024];
	size_t a = slen(dir), b = slen(name);

	while (a && dir[a - 1] == '/')
		a--;
	if (a + 1 + b >= sizeof(t))
		return 0;
	kx_memcpy(t, dir, a);
	t[a] = '/';
	kx_memcpy(t + a + 1, name, b);
	return kx_boot_strn(bl, t, a + 1 + b);
}

static void add_kernel(struct scan *sc, const char *name, const char *ver, int bare)
{
	struct kx_boot_list *bl = sc->bl;
	const char *path;
	struct kx_boot_entry *e;
	char t[300];
	size_t n = slen(ver);

	if (bl->n >= KX_BOOT_MAX_ENTRIES) { /* counted, and no arena spent */
		bl->dropped++;
		return;
	}
	path = join(bl, sc->dir, name);
	if (!path || !(e = kx_boot_add(bl, KX_BOOT_PLAIN, sc->vol, path, 0)))
		return;
	e->kernel = e->source;
	e->id = kx_boot_str(bl, name);
	if (bare) {
		e->title = kx_boot_str(bl, "Linux");
	} else {
		e->version = kx_boot_str(bl, ver);
		if (n > sizeof(t) - 7)
			n = sizeof(t) - 7;
		kx_memcpy(t, "Linux ", 6);
		kx_memcpy(t + 6, ver, n);
		e->title = kx_boot_strn(bl, t, n + 6);
	}
	sc->rank[bl->n - 1] = RANK_NONE;
}

/* The initrd pattern name matches for an entry's version (bare: no version), or -1. */
static int initrd_rank(const char *name, const struct kx_boot_entry *e)
{
	size_t i, n = slen(name);

	if (!e->version) {
		for (i = 0; i < N(initrd_bare); i++)
			if (eq(name, initrd_bare[i]))
				return (int)i;
		return -1;
	}
	for (i = 0; i < N(initrd_pat); i++) {
		size_t pl = slen(initrd_pat[i][0]), sl = slen(initrd_pat[i][1]), vl = slen(e->version);
		if (n == pl + vl + sl && starts(name, initrd_pat[i][0]) &&
		    !kx_memcmp(name + pl, e->version, vl) && ends(name, n, initrd_pat[i][1]))
			return (int)i;
	}
	return -1;
}

static int each(void *arg, const char *name, int is_dir)
{
	struct scan *sc = arg;
	struct kx_boot_list *bl = sc->bl;
	const char *ver;
	unsigned i;
	int bare, r;

	if (is_dir || skipped(name))
		return 0;
	if (sc->pass == 0) {
		ver = kernel_version(name, &bare);
		if (!ver)
			return 0;
		if (!bare)
			sc->versioned = 1;
		add_kernel(sc, name, ver, bare);
		return 0;
	}
	for (i = sc->from; i < bl->n; i++) {
		struct kx_boot_entry *e = &bl->e[i];
		r = initrd_rank(name, e);
		if (r < 0 || (sc->rank[i] != RANK_NONE && (unsigned)r >= sc->rank[i]))
			continue;
		e->initrd[0] = join(bl, sc->dir, name);
		e->ninitrd = e->initrd[0] != 0;
		sc->rank[i] = (unsigned char)r;
	}
	return 0;
}

static int rescue(const struct kx_boot_entry *e)
{
	const char *v = e->version;

	for (; v && *v; v++)
		if (starts(v, "rescue-") && (v == e->version || v[-1] == '-'))
			return 1;
	return 0;
}

/* < 0: a first. Rescue kernels last, then newest version first, then by id. */
static int cmp(const struct kx_boot_entry *a, const struct kx_boot_entry *b)
{
	int r = rescue(a) - rescue(b);
	const char *x, *y;

	if (r)
		return r;
	if ((r = kx_bls_vercmp(a->version, b->version)))
		return -r;
	for (x = a->id, y = b->id; *x && *x == *y; x++, y++)
		;
	return (unsigned char)*x - (unsigned char)*y;
}

void kx_plain_scan(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		   const char *dir)
{
	struct scan sc;
	struct kx_boot_entry t;
	unsigned i, j, k;

	if (!fs || !fs->list || !dir)
		return;
	kx_memset(&sc, 0, sizeof(sc));
	sc.bl = bl;
	sc.vol = vol;
	sc.dir = dir;
	sc.from = bl->n;
	if (fs->list(fs->ctx, vol, dir, each, &sc) || bl->n == sc.from)
		return;
	/* bare names only when nothing is versioned */
	if (sc.versioned) {
		for (i = k = sc.from; i < bl->n; i++)
			if (bl->e[i].version)
				bl->e[k++] = bl->e[i];
		bl->n = k;
	}
	sc.pass = 1;
	fs->list(fs->ctx, vol, dir, each, &sc);
	for (i = sc.from + 1; i < bl->n; i++) {
		if (cmp(&bl->e[i - 1], &bl->e[i]) <= 0)
			continue;
		t = bl->e[i];
		for (j = i; j > sc.from && cmp(&bl->e[j - 1], &t) > 0; j--)
			bl->e[j] = bl->e[j - 1];
		bl->e[j] = t;
	}
}
