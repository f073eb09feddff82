/*
 * The discovery walk over one volume: every format at the places
 * docs/boot.md lists, then each entry's files checked (present, inside the
 * volume, for this architecture). kx_boot_finish() drops duplicates and
 * chooses the default across volumes.
 */
#include <kx/boot.h>
#include <kx/bytes.h>

static int streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = kx_strlen(s), b = kx_strlen(suf);
	return a > b && ieq(s + a - b, suf);
}

static int starts_with(const char *s, const char *pre)
{
	while (*pre && *s == *pre)
		s++, pre++;
	return !*pre;
}

/* dir + "/" + name into buf (cap bytes); 0 if it does not fit. */
static int join(char *buf, size_t cap, const char *dir, const char *name)
{
	size_t a = kx_strlen(dir), b = kx_strlen(name);

	if (a && dir[a - 1] == '/')
		a--;
	if (a + 1 + b + 1 > cap)
		return 0;
	kx_memcpy(buf, dir, a);
	buf[a] = '/';
	kx_memcpy(buf + a + 1, name, b + 1);
	return 1;
}

/* The names a directory holds that end in suffix, sorted (bytewise), at most cap. */
struct names {
	char name[64][128];
	unsigned n;
	const char *suffix;
	int dirs; /* take directories instead of files */
};

static int take_name(void *arg, const char *name, int is_dir)
{
	struct names *ns = arg;
	size_t l = kx_strlen(name);
	unsigned i;

	if (ns->n >= sizeof(ns->name) / sizeof(ns->name[0]))
		return 1;
	if (!is_dir != !ns->dirs || l >= sizeof(ns->name[0]) || name[0] == '.' ||
	    (ns->suffix && !ends_with(name, ns->suffix)))
		return 0;
	/* insertion in order */
	for (i = ns->n; i > 0; i--) {
		const char *a = ns->name[i - 1], *b = name;
		while (*a && *a == *b)
			a++, b++;
		if ((unsigned char)*a <= (unsigned char)*b)
			break;
		kx_memcpy(ns->name[i], ns->name[i - 1], sizeof(ns->name[0]));
	}
	kx_memcpy(ns->name[i], name, l + 1);
	ns->n++;
	return 0;
}

static void list(const struct kx_boot_fs *fs, unsigned vol, const char *dir, const char *suffix,
		 int dirs, struct names *ns)
{
	ns->n = 0;
	ns->suffix = suffix;
	ns->dirs = dirs;
	fs->list(fs->ctx, vol, dir, take_name, ns);
}

/* A placeholder entry for a configuration file kx could not read whole. */
static void unreadable(struct kx_boot_list *bl, enum kx_boot_format f, unsigned vol,
		       const char *path, int rc)
{
	struct kx_boot_entry *e;

	if (rc == KX_FS_MISSING || !(e = kx_boot_add(bl, f, vol, path, 0)))
		return;
	e->id = e->title = e->source;
	kx_boot_bad(bl, e, rc == KX_FS_TOO_BIG ? KX_BOOT_TOO_BIG : KX_BOOT_PATH, path);
}

/* Read a configuration file: 0 and buf/len, or the failure (listed if it matters). */
static int read_conf(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		     enum kx_boot_format f, const char *path, size_t max, const uint8_t **buf,
		     size_t *len)
{
	int rc = fs->read(fs->ctx, vol, path, max, buf, len);

	if (rc)
		unreadable(bl, f, vol, path, rc);
	return rc;
}

/* ---- the places, per format -------------------------------------------------------- */

static void find_bls(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		     struct names *ns)
{
	static const char *const dirs[] = { "/loader/entries", "/boot/loader/entries" };
	static const char *const confs[] = { "/loader/loader.conf", "/boot/loader/loader.conf" };
	static const char *const ukis[] = { "/EFI/Linux", "/boot/EFI/Linux" };
	unsigned from = bl->n, d, i;
	char path[256];
	const uint8_t *buf;
	size_t len;

	for (d = 0; d < 2; d++) {
		if (!read_conf(bl, fs, vol, KX_BOOT_BLS, confs[d], KX_BOOT_MAX_CONF, &buf, &len))
			kx_bls_loader_conf(bl, vol, buf, len);
		list(fs, vol, dirs[d], ".conf", 0, ns);
		for (i = 0; i < ns->n; i++)
			if (join(path, sizeof(path), dirs[d], ns->name[i]) &&
			    !read_conf(bl, fs, vol, KX_BOOT_BLS, path, KX_BOOT_MAX_CONF, &buf, &len))
				kx_bls_entry(bl, vol, path, ns->name[i], buf, len);
		list(fs, vol, ukis[d], ".efi", 0, ns);
		for (i = 0; i < ns->n; i++)
			if (join(path, sizeof(path), ukis[d], ns->name[i]) &&
			    !read_conf(bl, fs, vol, KX_BOOT_UKI, path, KX_BOOT_MAX_UKI, &buf, &len))
				kx_uki_entries(bl, vol, path, ns->name[i], buf, len);
	}
	kx_bls_sort(bl, from);
}

static void find_grub(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		      struct names *ns)
{
	static const char *const cfgs[] = {
		"/boot/grub/grub.cfg", "/grub/grub.cfg", "/boot/grub2/grub.cfg", "/grub2/grub.cfg",
	};
	unsigned i, found = 0;
	char path[256];
	const uint8_t *buf;
	size_t len;

	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++)
		if (!read_conf(bl, fs, vol, KX_BOOT_GRUB, cfgs[i], KX_BOOT_MAX_CONF, &buf, &len)) {
			kx_grub_parse(bl, fs, vol, cfgs[i], buf, len);
			found = 1;
			break;
		}
	if (found)
		return;
	/* an ESP's stub (EFI/debian/grub.cfg: search, then configfile on another volume) */
	list(fs, vol, "/EFI", 0, 1, ns);
	for (i = 0; i < ns->n; i++) {
		char dir[160];
		if (ieq(ns->name[i], "Linux") || ieq(ns->name[i], "BOOT") ||
		    !join(dir, sizeof(dir), "/EFI", ns->name[i]) ||
		    !join(path, sizeof(path), dir, "grub.cfg"))
			continue;
		if (fs->exists(fs->ctx, vol, path) == 1 &&
		    !read_conf(bl, fs, vol, KX_BOOT_GRUB, path, KX_BOOT_MAX_CONF, &buf, &len))
			kx_grub_parse(bl, fs, vol, path, buf, len);
	}
}

static void find_syslinux(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol)
{
	static const char *const cfgs[] = {
		"/extlinux/extlinux.conf", "/boot/extlinux/extlinux.conf", "/extlinux.conf",
		"/boot/extlinux.conf", "/syslinux/syslinux.cfg", "/boot/syslinux/syslinux.cfg",
		"/syslinux.cfg", "/isolinux/isolinux.cfg", "/boot/isolinux/isolinux.cfg",
		"/pxelinux.cfg/default",
	};
	unsigned i;
	const uint8_t *buf;
	size_t len;

	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++)
		if (!read_conf(bl, fs, vol, KX_BOOT_SYSLINUX, cfgs[i], KX_BOOT_MAX_CONF, &buf, &len)) {
			kx_syslinux_parse(bl, fs, vol, cfgs[i], buf, len);
			return; /* the first one found is the one the loader reads */
		}
}

/* ---- each entry's files -------------------------------------------------------------- */

static int has_dotdot(const char *p)
{
	const char *c = p;

	for (; *c; c++)
		if (c[0] == '.' && c[1] == '.' && (c == p || c[-1] == '/') && (!c[2] || c[2] == '/'))
			return 1;
	return 0;
}

/*
 * Find path on the volume: as written (from the volume's root), else with
 * "/boot" added or removed — a configuration written for a /boot on the root
 * file system read from a separate /boot partition, or the reverse. *out
 * gets the path that exists (in the arena). KX_BOOT_OK, MISSING or PATH.
 */
static enum kx_boot_bad resolve(struct kx_boot_list *bl, const struct kx_boot_fs *fs,
				unsigned vol, const char *path, const char **out)
{
	char alt[3][512];
	unsigned n = 0, i;
	size_t l = kx_strlen(path);

	if (has_dotdot(path))
		return KX_BOOT_PATH;
	if (l + 6 >= sizeof(alt[0]))
		return KX_BOOT_MISSING;
	alt[n][0] = '/';
	kx_memcpy(alt[n] + (path[0] != '/'), path, l + 1);
	n++;
	if (starts_with(alt[0], "/boot/")) {
		kx_memcpy(alt[n], alt[0] + 5, kx_strlen(alt[0] + 5) + 1);
		n++;
	} else {
		kx_memcpy(alt[n], "/boot", 5);
		kx_memcpy(alt[n] + 5, alt[0], kx_strlen(alt[0]) + 1);
		n++;
	}
	for (i = 0; i < n; i++) {
		int r = fs->exists(fs->ctx, vol, alt[i]);
		if (r == KX_FS_REFUSED)
			return KX_BOOT_PATH;
		if (r == 1) {
			*out = streq(alt[i], path) ? path : kx_boot_str(bl, alt[i]);
			return *out ? KX_BOOT_OK : KX_BOOT_MISSING;
		}
	}
	return KX_BOOT_MISSING;
}

static void check_file(struct kx_boot_list *bl, const struct kx_boot_fs *fs,
		       struct kx_boot_entry *e, const char **path)
{
	enum kx_boot_bad why;

	if (!*path || e->bad)
		return;
	why = resolve(bl, fs, e->vol, *path, path);
	if (why)
		kx_boot_bad(bl, e, why, *path);
}

static void check_entry(struct kx_boot_list *bl, const struct kx_boot_fs *fs,
			struct kx_boot_entry *e, const char *arch)
{
	unsigned i;

	if (!e->id)
		e->id = e->kernel ? e->kernel : e->source ? e->source : "?";
	if (!e->title)
		e->title = e->id;
	if (e->bad)
		return;
	if (e->arch && arch && !ieq(e->arch, arch)) {
		kx_boot_bad(bl, e, KX_BOOT_ARCH, e->arch);
		return;
	}
	if (!e->kernel) {
		kx_boot_bad(bl, e, KX_BOOT_NO_KERNEL, 0);
		return;
	}
	check_file(bl, fs, e, &e->kernel);
	for (i = 0; i < e->ninitrd; i++)
		check_file(bl, fs, e, &e->initrd[i]);
	check_file(bl, fs, e, &e->dtb);
}

void kx_boot_walk(struct kx_boot_list *bl, const struct kx_boot_fs *fs, unsigned vol,
		      const char *arch)
{
	struct names ns;
	unsigned from = bl->n, i;

	if (vol >= KX_BOOT_MAX_VOLS)
		return;
	find_bls(bl, fs, vol, &ns);
	find_grub(bl, fs, vol, &ns);
	find_syslinux(bl, fs, vol);
	if (bl->n == from) {
		/* no configuration at all: the kernels themselves (ZFSBootMenu's rule) */
		kx_plain_scan(bl, fs, vol, "/boot");
		if (bl->n == from)
			kx_plain_scan(bl, fs, vol, "/");
	}
	for (i = from; i < bl->n; i++)
		check_entry(bl, fs, &bl->e[i], arch);
}

/* ---- after every volume -------------------------------------------------------------- */

static int same_files(const struct kx_boot_entry *a, const struct kx_boot_entry *b)
{
	unsigned i;

	if (!a->kernel && !b->kernel) /* nothing to boot (fwsetup...): the same entry if it looks it */
		return a->vol == b->vol && a->format == b->format && a->bad == b->bad &&
		       streq(a->id, b->id) && streq(a->title, b->title);
	if (a->vol != b->vol || !streq(a->kernel, b->kernel) || a->ninitrd != b->ninitrd ||
	    !streq(a->cmdline, b->cmdline) || !streq(a->dtb, b->dtb) || a->profile != b->profile ||
	    a->bad != b->bad || !a->kernel)
		return 0;
	for (i = 0; i < a->ninitrd; i++)
		if (!streq(a->initrd[i], b->initrd[i]))
			return 0;
	return 1;
}

static unsigned dollars(const char *s)
{
	unsigned n = 0;
	for (; s && *s; s++)
		n += *s == '$';
	return n;
}

/* Is e a duplicate of an entry kept before it? A BLS entry read both
 * directly and through GRUB's blscfg is kept once: the one whose options
 * have their GRUB variables expanded. */
static int duplicate(struct kx_boot_list *bl, unsigned j)
{
	struct kx_boot_entry *e = &bl->e[j];
	unsigned i;

	for (i = 0; i < j; i++) {
		struct kx_boot_entry *k = &bl->e[i];
		if (same_files(k, e))
			return 1;
		if (k->format == KX_BOOT_BLS && e->format == KX_BOOT_BLS && k->vol == e->vol &&
		    streq(k->source, e->source) && streq(k->id, e->id)) {
			if (dollars(e->cmdline) < dollars(k->cmdline) && !e->bad)
				*k = *e; /* the expanded one, in the first one's place */
			return 1;
		}
	}
	return 0;
}

static int id_matches(const char *pat, const struct kx_boot_entry *e)
{
	char withconf[160];
	size_t l = kx_strlen(e->id);

	if (kx_glob(pat, e->id))
		return 1;
	if (e->format != KX_BOOT_BLS || l + 6 > sizeof(withconf))
		return 0;
	kx_memcpy(withconf, e->id, l);
	kx_memcpy(withconf + l, ".conf", 6);
	return kx_glob(pat, withconf);
}

/* The entry on vol the configured default names, or -1. */
static int configured(const struct kx_boot_list *bl, unsigned vol, enum kx_boot_why *why)
{
	unsigned i;

	if (bl->conf_default[vol]) {
		for (i = 0; i < bl->n; i++)
			if (bl->e[i].vol == vol &&
			    (bl->e[i].format == KX_BOOT_BLS || bl->e[i].format == KX_BOOT_UKI) &&
			    id_matches(bl->conf_default[vol], &bl->e[i]))
				return *why = KX_WHY_LOADER_CONF, (int)i;
	}
	if (bl->grub_default[vol]) {
		/* on this volume first; then anywhere: an ESP's stub grub.cfg sets the
		 * default, and its configfile's entries are on the volume it searched */
		unsigned pass;
		for (pass = 0; pass < 2; pass++)
			for (i = 0; i < bl->n; i++)
				if ((pass || bl->e[i].vol == vol) &&
				    (bl->e[i].format == KX_BOOT_GRUB || bl->e[i].format == KX_BOOT_BLS) &&
				    streq(bl->grub_default[vol], bl->e[i].id))
					return *why = KX_WHY_GRUB, (int)i;
	}
	if (bl->sys_default[vol]) {
		for (i = 0; i < bl->n; i++)
			if (bl->e[i].vol == vol && bl->e[i].format == KX_BOOT_SYSLINUX &&
			    streq(bl->sys_default[vol], bl->e[i].id))
				return *why = KX_WHY_SYSLINUX, (int)i;
	}
	return -1;
}

void kx_boot_finish(struct kx_boot_list *bl)
{
	unsigned i, n = 0, vol;
	int d = -1;

	for (i = 0; i < bl->n; i++)
		if (!duplicate(bl, i)) {
			if (n != i)
				bl->e[n] = bl->e[i];
			n++;
		}
	bl->n = n;
	bl->dflt = -1;
	bl->why = KX_WHY_NONE;
	bl->dflt_unbootable = 0;
	/* the first volume (in the order given or scanned) whose configuration names one */
	for (vol = 0; vol < KX_BOOT_MAX_VOLS && d < 0; vol++)
		d = configured(bl, vol, &bl->why);
	if (d >= 0 && bl->e[d].bad) {
		bl->dflt_unbootable = 1;
		d = -1;
	}
	if (d < 0) {
		for (i = 0; i < bl->n && d < 0; i++)
			if (!bl->e[i].bad)
				d = (int)i;
		if (d >= 0)
			bl->why = KX_WHY_FIRST;
	}
	bl->dflt = d;
	if (d < 0)
		bl->why = KX_WHY_NONE;
}

int kx_boot_match(const struct kx_boot_list *bl, const char *pattern)
{
	unsigned i, pass;

	/* exact id, exact title, then the glob on ids, then on titles */
	for (pass = 0; pass < 4; pass++)
		for (i = 0; i < bl->n; i++) {
			const struct kx_boot_entry *e = &bl->e[i];
			if ((pass == 0 && streq(pattern, e->id)) ||
			    (pass == 1 && streq(pattern, e->title)) ||
			    (pass == 2 && id_matches(pattern, e)) ||
			    (pass == 3 && e->title && kx_glob(pattern, e->title)))
				return (int)i;
		}
	return -1;
}
