/*
 * Boot Loader Specification Type #2: a unified kernel image in /EFI/Linux/
 * is one entry, or one per profile of a multi-profile UKI (UKI spec:
 * ".profile" sections split the section table; the sections before the
 * first make the base profile; profile N's sections replace the base's of
 * the same name). Title, version and sort key come from .osrel (as
 * systemd-boot picks them), the command line from .cmdline.
 *
 * The load path (lib/uki.c) boots profile 0: the base with profile 0's
 * sections over it. A later profile is bootable by kx when it differs from
 * profile 0 only in its command line (kx then passes that command line,
 * cmdline_own = 0) or its metadata; one that brings its own kernel, initrd,
 * microcode or device tree is listed as not bootable, with the reason.
 */
#include <kx/boot.h>
#include <kx/bytes.h>
#include <kx/pe.h>
#include "bls.h"

#define META_MAX 255 /* a title, version or sort key from .osrel/.profile/.uname */

enum { S_LINUX, S_INITRD, S_UCODE, S_DTB, S_CMDLINE, S_OSREL, S_UNAME, S_PROFILE, S_N };
static const char *const sect_name[S_N] = {
	".linux", ".initrd", ".ucode", ".dtb", ".cmdline", ".osrel", ".uname", ".profile",
};

struct part {
	const uint8_t *buf;
	size_t len;
	int present;
};

static int name_is(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static int kind(const struct kx_pe_section *s)
{
	int k;

	for (k = 0; k < S_N; k++)
		if (name_is(s->name, sect_name[k])) /* the 8-byte Name, as systemd-stub */
			return k;
	return -1;
}

/*
 * The sections of segment seg (0: the base, N + 1: profile N). Returns the
 * kind of the first duplicate (a segment may hold each section once), or -1.
 */
static int segment(const struct kx_pe *pe, unsigned seg, struct part *p)
{
	unsigned i, at = 0;
	int k, dup = -1;

	kx_memset(p, 0, sizeof(*p) * S_N);
	for (i = 0; i < pe->nsect && i < KX_PE_MAX_SECTIONS; i++) {
		k = kind(&pe->sect[i]);
		if (k == S_PROFILE)
			at++;
		if (at != seg || k < 0)
			continue;
		if (p[k].present && dup < 0)
			dup = k;
		p[k].present = 1;
		p[k].buf = pe->sect[i].data;
		p[k].len = pe->sect[i].len;
	}
	return dup;
}

/* Text: up to the first NUL, blanks and line ends trimmed at both ends. */
static void text(const struct part *p, const char **s, size_t *n)
{
	const char *t = (const char *)p->buf;
	size_t i, l = 0;

	if (!p->present || !t) {
		*s = "";
		*n = 0;
		return;
	}
	while (l < p->len && t[l])
		l++;
	for (i = 0; i < l && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'); i++)
		;
	while (l > i && (t[l - 1] == ' ' || t[l - 1] == '\t' || t[l - 1] == '\n' || t[l - 1] == '\r'))
		l--;
	*s = t + i;
	*n = l - i;
}

static int same(const struct part *a, const struct part *b)
{
	if (a->present != b->present || a->len != b->len)
		return 0;
	return a->buf == b->buf || !a->len || !kx_memcmp(a->buf, b->buf, a->len);
}

/* An os-release style value (.osrel, .profile), or 0. */
static int kv(const struct part *p, const char *key, const char **v, size_t *n)
{
	const uint8_t *x;

	if (!p->present || !p->buf || !kx_osrel_value(p->buf, p->len, key, &x, n) || !*n)
		return 0;
	*v = (const char *)x;
	return 1;
}

/* A metadata string for a menu: at most META_MAX bytes, control characters as '?'. */
static const char *meta(struct kx_boot_list *bl, const char *a, size_t an, const char *b,
			size_t bn, const char *c, size_t cn)
{
	char t[3 * META_MAX + 8];
	size_t n = 0, i;
	const char *s[3] = { a, b, c };
	size_t l[3] = { an, bn, cn };
	unsigned k;

	for (k = 0; k < 3; k++)
		for (i = 0; s[k] && i < l[k] && i < META_MAX; i++) {
			unsigned char ch = (unsigned char)s[k][i];
			t[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
		}
	return kx_boot_strn(bl, t, n);
}

static const char *uefi_arch(uint16_t machine)
{
	switch (machine) {
	case KX_PE_MACHINE_AMD64: return "x64";
	case KX_PE_MACHINE_I386: return "ia32";
	case KX_PE_MACHINE_ARM64: return "aa64";
	case 0x01c0: case 0x01c2: case 0x01c4: return "arm";
	case KX_PE_MACHINE_RISCV64: return "riscv64";
	case 0x6264: return "loongarch64";
	default: return 0;
	}
}

/* "NAME.efi" or "NAME.efi@N" (N > 0): the file name without a boot counter */
static const char *make_id(struct kx_boot_list *bl, const char *name, int profile)
{
	char t[320], d[12];
	size_t n = kx_strlen(name), base = kx_bls_id_len(name, n, ".efi"), cut = n, m, k = 0;

	if (n >= 4 && name[n - 4] == '.' && (name[n - 3] | 32) == 'e' && (name[n - 2] | 32) == 'f' &&
	    (name[n - 1] | 32) == 'i')
		cut = n - 4; /* the file's own ".efi" stays */
	m = base < 300 ? base : 300;
	kx_memcpy(t, name, m);
	kx_memcpy(t + m, name + cut, n - cut);
	m += n - cut;
	if (profile > 0) {
		t[m++] = '@';
		do
			d[k++] = (char)('0' + profile % 10);
		while ((profile /= 10) && k < 11);
		while (k)
			t[m++] = d[--k];
	}
	return kx_boot_strn(bl, t, m);
}

/* One entry: profile -1 (no profiles) or N. ref: profile 0's sections (the load path's). */
static void add(struct kx_boot_list *bl, unsigned vol, const char *path, const char *name,
		uint16_t machine, int profile, const struct part *eff, const struct part *ref,
		const struct part *prof, int dup)
{
	static const char *const own[] = { "profile replaces .linux", "profile replaces .initrd",
					   "profile replaces .ucode", "profile replaces .dtb" };
	struct kx_boot_entry *e = kx_boot_add(bl, KX_BOOT_UKI, vol, path, 0);
	const char *v, *osname = 0, *ver = 0, *ptitle = 0, *pid = 0, *cl, *rcl;
	size_t vn, osn = 0, vern = 0, ptn = 0, pidn = 0, cn, rcn;
	char pbuf[24];
	int k;

	if (!e)
		return;
	e->id = make_id(bl, name, profile);
	e->kernel = e->source;
	e->arch = uefi_arch(machine);
	e->profile = profile;

	/* the name, as systemd-boot picks it; else the file name */
	if (kv(&eff[S_OSREL], "PRETTY_NAME", &v, &vn) || kv(&eff[S_OSREL], "IMAGE_ID", &v, &vn) ||
	    kv(&eff[S_OSREL], "NAME", &v, &vn) || kv(&eff[S_OSREL], "ID", &v, &vn))
		osname = v, osn = vn;
	else
		osname = name, osn = kx_bls_id_len(name, kx_strlen(name), ".efi");
	/* the version: the kernel's release first, it orders kernels of one OS */
	text(&eff[S_UNAME], &v, &vn);
	if (vn || kv(&eff[S_OSREL], "IMAGE_VERSION", &v, &vn) ||
	    kv(&eff[S_OSREL], "VERSION_ID", &v, &vn) || kv(&eff[S_OSREL], "VERSION", &v, &vn) ||
	    kv(&eff[S_OSREL], "BUILD_ID", &v, &vn))
		ver = v, vern = vn;
	if (ver)
		e->version = meta(bl, ver, vern, 0, 0, 0, 0);
	if (kv(&eff[S_OSREL], "IMAGE_ID", &v, &vn) || kv(&eff[S_OSREL], "ID", &v, &vn))
		e->sort_key = meta(bl, v, vn, 0, 0, 0, 0);

	/* a profile: "NAME (TITLE)", else "NAME (ID)", else "NAME (profile N)" */
	if (prof && prof->present) {
		if (kv(prof, "TITLE", &v, &vn))
			ptitle = v, ptn = vn;
		if (kv(prof, "ID", &v, &vn))
			pid = v, pidn = vn;
	}
	if (!ptitle && profile > 0) {
		ptitle = pid;
		ptn = pidn;
		if (!ptitle) {
			unsigned n = (unsigned)profile, i = 0, j;
			char d[12];
			kx_memcpy(pbuf, "profile ", 8);
			do
				d[i++] = (char)('0' + n % 10);
			while ((n /= 10) && i < 11);
			for (j = 8; i;)
				pbuf[j++] = d[--i];
			ptitle = pbuf;
			ptn = j;
		}
	}
	if (ptitle) {
		char t[META_MAX + 1];
		size_t tn = 0, i;
		/* "NAME (" + TITLE + ")" */
		for (i = 0; i < ptn && i < META_MAX - 2; i++)
			t[tn++] = ptitle[i];
		t[tn++] = ')';
		e->title = meta(bl, osname, osn, " (", 2, t, tn);
	} else {
		e->title = meta(bl, osname, osn, 0, 0, 0, 0);
	}

	/* the command line: profile 0's is the UKI's own, which the load path uses */
	text(&eff[S_CMDLINE], &cl, &cn);
	text(&ref[S_CMDLINE], &rcl, &rcn);
	if (cn > KX_BOOT_MAX_LINE) {
		kx_boot_bad(bl, e, KX_BOOT_TOO_BIG, "the .cmdline section");
	} else if (eff[S_CMDLINE].present) {
		e->cmdline = kx_boot_strn(bl, cl, cn);
		e->cmdline_own = cn == rcn && !kx_memcmp(cl, rcl, cn);
	} else if (ref[S_CMDLINE].present) {
		e->cmdline = kx_boot_str(bl, ""); /* this profile has none: pass an empty one */
	}

	if (dup >= 0) {
		char t[40];
		size_t l = kx_strlen(sect_name[dup]);
		kx_memcpy(t, "a second ", 9);
		kx_memcpy(t + 9, sect_name[dup], l);
		kx_memcpy(t + 9 + l, " section", 9);
		kx_boot_bad(bl, e, KX_BOOT_NOT_KERNEL, t);
	}
	if (!eff[S_LINUX].present)
		kx_boot_bad(bl, e, KX_BOOT_NOT_KERNEL, "no .linux section");
	for (k = S_LINUX; k <= S_DTB; k++)
		if (!same(&eff[k], &ref[k]))
			kx_boot_bad(bl, e, KX_BOOT_NOT_KERNEL, own[k]);
}

void kx_uki_entries(struct kx_boot_list *bl, unsigned vol, const char *path, const char *name,
		    const uint8_t *buf, size_t len)
{
	struct kx_pe pe; /* ~6 KiB: the section table */
	struct kx_uki u;
	struct part base[S_N], ref[S_N], seg[S_N], eff[S_N];
	struct kx_err err;
	unsigned p, nprof, k;
	int dup;

	if (!name)
		name = "";
	err = kx_uki_parse(buf, len, &u);
	if (!KX_FAILED(err))
		err = kx_pe_parse(buf, len, &pe);
	if (KX_FAILED(err)) {
		/* listed: a file in /EFI/Linux that kx cannot boot */
		struct kx_boot_entry *e = kx_boot_add(bl, KX_BOOT_UKI, vol, path, 0);
		if (!e)
			return;
		e->id = make_id(bl, name, 0);
		e->title = e->id;
		e->kernel = e->source;
		kx_boot_bad(bl, e, KX_BOOT_NOT_KERNEL,
			    err.code == KX_E_NOT_PE ? "not a PE file" :
			    err.code == KX_E_NOT_UKI ? "no .linux section: not a UKI" : err.what);
		return;
	}
	segment(&pe, 0, base);
	nprof = u.nprofiles;
	/* profile 0 over the base: what kx_uki_parse gives the load path */
	kx_memcpy(ref, base, sizeof(ref));
	if (nprof) {
		segment(&pe, 1, seg);
		for (k = 0; k < S_N; k++)
			if (seg[k].present && k != S_PROFILE)
				ref[k] = seg[k];
	}
	if (!nprof) {
		add(bl, vol, path, name, u.machine, -1, ref, ref, 0, -1);
		return;
	}
	for (p = 0; p < nprof; p++) {
		struct part prof;
		dup = segment(&pe, p + 1, seg);
		if (dup == S_PROFILE)
			dup = -1; /* the .profile that opens the segment is its only one */
		prof = seg[S_PROFILE];
		kx_memcpy(eff, base, sizeof(eff));
		for (k = 0; k < S_N; k++)
			if (seg[k].present && k != S_PROFILE)
				eff[k] = seg[k];
		add(bl, vol, path, name, u.machine, (int)p, eff, ref, &prof, dup);
	}
}
