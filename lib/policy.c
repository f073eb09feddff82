/* Auto mode's choice of system call from the system's policy facts (kx/policy.h). */
#include <kx/bytes.h>
#include <kx/cmdline.h>
#include <kx/policy.h>

/* One row per fact, in the order they are weighed: the first that holds decides. */
static const struct {
	enum kx_auto_why why;
	int use_file, required;
} order[] = {
	{ KX_AUTO_XEN, 0, 1 },
	{ KX_AUTO_LOCKDOWN, 1, 1 },
	{ KX_AUTO_LOAD_DISABLED, 1, 1 },
	{ KX_AUTO_SIG_FORCE, 1, 1 },
	{ KX_AUTO_SIG_ARCH, 1, 1 },
	{ KX_AUTO_IMA, 1, 1 },
	{ KX_AUTO_KHO, 1, 1 },
	{ KX_AUTO_IMA_UNKNOWN, 1, 0 },
};

static int holds(const struct kx_policy_facts *f, enum kx_auto_why why)
{
	switch (why) {
	case KX_AUTO_XEN: return f->xen == 1;
	case KX_AUTO_LOCKDOWN: return f->lockdown > 0;
	case KX_AUTO_LOAD_DISABLED: return f->load_disabled == 1;
	case KX_AUTO_SIG_FORCE: return f->sig_force == 1;
	case KX_AUTO_SIG_ARCH: return f->sig_arch == 1;
	case KX_AUTO_IMA: return f->ima == 1;
	case KX_AUTO_KHO: return f->kho == 1;
	case KX_AUTO_IMA_UNKNOWN: return f->ima < 0;
	default: return 0;
	}
}

struct kx_auto kx_auto_choose(const struct kx_policy_facts *f)
{
	struct kx_auto a = { 0, 0, KX_AUTO_FAST };
	unsigned i;

	if (!f)
		return a;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (holds(f, order[i].why)) {
			a.use_file = order[i].use_file;
			a.required = order[i].required;
			a.why = order[i].why;
			break;
		}
	return a;
}

/* The line at p (up to end) starts with s? */
static int starts(const char *p, const char *end, const char *s)
{
	size_t n = kx_strlen(s);
	return (size_t)(end - p) >= n && !kx_memcmp(p, s, n);
}

static const char *line_end(const char *p, const char *end)
{
	while (p < end && *p != '\n' && *p)
		p++;
	return p;
}

int kx_kconfig(const char *text, size_t len, const char *name)
{
	const char *p = text, *end, *e;
	size_t n = kx_strlen(name);

	if (!text)
		return 0;
	end = text + len;
	for (; p < end && *p; p = e + (e < end)) {
		e = line_end(p, end);
		if ((size_t)(e - p) >= n + 2 && !kx_memcmp(p, name, n) && p[n] == '=')
			return p[n + 1] == 'y' || p[n + 1] == 'm';
	}
	return 0;
}

int kx_cmdline_value(const char *text, size_t len, const char *key, const char **val,
		     size_t *vlen)
{
	const char *p = text, *end, *w;
	size_t wl, n = kx_strlen(key);
	int found = 0;

	if (!text)
		return 0;
	end = text + len;
	while ((w = kx_cmdline_word(&p, end, &wl))) {
		if (wl == 2 && w[0] == '-' && w[1] == '-')
			break;
		if (!kx_cmdline_key_is(w, wl, key))
			continue;
		found = 1;
		*val = wl > n ? w + n + 1 : w + n;
		*vlen = wl > n ? wl - n - 1 : 0;
	}
	return found;
}

int kx_bool_word(const char *v, size_t n)
{
	if (!n)
		return -1;
	switch (v[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		return 1;
	case 'n': case 'N': case 'f': case 'F': case '0':
		return 0;
	case 'o': case 'O':
		if (n > 1 && (v[1] == 'n' || v[1] == 'N'))
			return 1;
		if (n > 1 && (v[1] == 'f' || v[1] == 'F'))
			return 0;
	}
	return -1;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Is word w (wl bytes) in the line [p, e)? Words are separated by blanks. */
static int has_word(const char *p, const char *e, const char *w)
{
	size_t wl = kx_strlen(w);

	while (p < e) {
		const char *s;
		while (p < e && is_blank(*p))
			p++;
		s = p;
		while (p < e && !is_blank(*p))
			p++;
		if ((size_t)(p - s) == wl && !kx_memcmp(s, w, wl))
			return 1;
	}
	return 0;
}

/* A word of the line [p, e) that starts with prefix? */
static int has_prefix(const char *p, const char *e, const char *prefix)
{
	size_t n = kx_strlen(prefix);

	while (p < e) {
		const char *s;
		while (p < e && is_blank(*p))
			p++;
		s = p;
		while (p < e && !is_blank(*p))
			p++;
		if ((size_t)(p - s) >= n && !kx_memcmp(s, prefix, n))
			return 1;
	}
	return 0;
}

int kx_ima_policy_kexec(const char *text, size_t len)
{
	const char *p = text, *end, *e;

	if (!text)
		return 0;
	end = text + len;
	for (; p < end && *p; p = e + (e < end)) {
		const char *s = p;
		e = line_end(p, end);
		while (s < e && is_blank(*s))
			s++;
		if (!starts(s, e, "measure") && !starts(s, e, "appraise"))
			continue; /* dont_*, audit, hash, comments */
		if (!has_word(s, e, "measure") && !has_word(s, e, "appraise"))
			continue; /* "measurex..." is not an action */
		if (has_word(s, e, "func=KEXEC_KERNEL_CHECK") || !has_prefix(s, e, "func="))
			return 1;
	}
	return 0;
}

int kx_ima_builtin_kexec(const char *cmdline, size_t len)
{
	const char *v, *end;
	size_t vl;

	if (!cmdline)
		return 0;
	if (kx_cmdline_value(cmdline, len, "ima_appraise_tcb", &v, &vl))
		return 1;
	if (!kx_cmdline_value(cmdline, len, "ima_policy", &v, &vl))
		return 0;
	/* "secure_boot|appraise_tcb": names separated by '|' (or blanks, quoted) */
	for (end = v + vl; v < end;) {
		const char *s = v;
		while (v < end && *v != '|' && *v != '"' && *v != ' ')
			v++;
		if ((v - s == 11 && !kx_memcmp(s, "secure_boot", 11)) ||
		    (v - s == 12 && !kx_memcmp(s, "appraise_tcb", 12)))
			return 1;
		if (v < end)
			v++;
	}
	return 0;
}

int kx_ima_infer(const struct kx_ima_raw *r, enum kx_ima_source *src)
{
	int unknown = 0;

	*src = KX_IMA_SRC_NONE;
	if (r->present == 0)
		return 0;
	if (r->present < 0) {
		*src = KX_IMA_SRC_UNREADABLE;
		return -1;
	}
	if (r->read == KX_IMA_READ_OK) {
		*src = KX_IMA_SRC_POLICY;
		return kx_ima_policy_kexec(r->policy, r->policy_len);
	}
	/* the policy cannot be read: what is loaded at boot, then whether
	 * anything may have been loaded since */
	if (kx_ima_builtin_kexec(r->cmdline, r->cmdline_len)) {
		*src = KX_IMA_SRC_BUILTIN;
		return 1;
	}
	if (r->cfg_require_kexec == 1) {
		*src = KX_IMA_SRC_BUILD;
		return 1;
	}
	if (r->secure_boot == 1 && r->cfg_arch_policy == 1) {
		*src = KX_IMA_SRC_ARCH;
		return 1;
	}
	if (r->read == KX_IMA_READ_GONE) {
		*src = KX_IMA_SRC_CUSTOM;
		return -1;
	}
	if (r->cfg_require_kexec < 0 || (r->secure_boot != 0 && r->cfg_arch_policy != 0))
		unknown = 1;
	/* the file is there and closed to reading: nothing was written to it
	 * only if a write would have removed it (neither READ nor WRITE_POLICY) */
	if (r->read != KX_IMA_READ_DENIED || r->cfg_write_policy != 0 || r->cfg_read_policy != 0)
		unknown = 1;
	*src = unknown ? KX_IMA_SRC_UNREADABLE : KX_IMA_SRC_INFERRED;
	return unknown ? -1 : 0;
}

int kx_kho_infer(const char *cmdline, size_t len, int debugfs_kho)
{
	const char *v;
	size_t vl;

	if (debugfs_kho == 1)
		return 1;
	if (cmdline && kx_cmdline_value(cmdline, len, "kho", &v, &vl))
		return kx_bool_word(v, vl) == 1;
	return 0;
}
