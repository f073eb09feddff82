/* A discovery's storage: the entry table and the string arena (no malloc),
 * and the small helpers every format shares. */
#include <kx/boot.h>
#include <kx/bytes.h>

const char *kx_boot_strn(struct kx_boot_list *bl, const char *s, size_t n)
{
	char *d;

	if (!bl->arena || bl->used > bl->cap || n >= bl->cap - bl->used) {
		bl->dropped++;
		return 0;
	}
	d = bl->arena + bl->used;
	kx_memcpy(d, s, n);
	d[n] = 0;
	bl->used += n + 1;
	return d;
}

const char *kx_boot_str(struct kx_boot_list *bl, const char *s)
{
	return s ? kx_boot_strn(bl, s, kx_strlen(s)) : 0;
}

struct kx_boot_entry *kx_boot_add(struct kx_boot_list *bl, enum kx_boot_format f, unsigned vol,
				  const char *source, unsigned line)
{
	struct kx_boot_entry *e;

	if (bl->n >= KX_BOOT_MAX_ENTRIES) {
		bl->dropped++;
		return 0;
	}
	e = &bl->e[bl->n++];
	kx_memset(e, 0, sizeof(*e));
	e->format = f;
	e->vol = vol;
	e->source = kx_boot_str(bl, source);
	e->line = line;
	e->profile = -1;
	return e;
}

void kx_boot_bad(struct kx_boot_list *bl, struct kx_boot_entry *e, enum kx_boot_bad why,
		 const char *detail)
{
	if (!e || e->bad)
		return;
	e->bad = why;
	e->bad_detail = detail ? kx_boot_str(bl, detail) : 0;
}

void kx_boot_initrd(struct kx_boot_list *bl, struct kx_boot_entry *e, const char *path, size_t n)
{
	if (!e || !n)
		return;
	if (e->ninitrd >= KX_BOOT_MAX_INITRDS) {
		kx_boot_bad(bl, e, KX_BOOT_TOO_MANY_INITRDS, 0);
		return;
	}
	e->initrd[e->ninitrd] = kx_boot_strn(bl, path, n);
	if (e->initrd[e->ninitrd])
		e->ninitrd++;
}

/*
 * fnmatch(3) without flags: * ? [abc] [a-z] [!x], \ escapes. Iterative with
 * one backtrack point (the last *), so time is O(|p|·|s|) on any input.
 */
static int class_match(const char **pp, char c)
{
	const char *p = *pp + 1;
	int neg = 0, hit = 0;

	if (*p == '!' || *p == '^')
		neg = 1, p++;
	if (*p == ']') /* a leading ] is a member */
		hit |= c == ']', p++;
	for (; *p && *p != ']'; p++) {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hit |= (unsigned char)c >= (unsigned char)p[0] &&
			       (unsigned char)c <= (unsigned char)p[2];
			p += 2;
		} else {
			hit |= *p == c;
		}
	}
	if (!*p)
		return -1; /* no closing ]: the [ is literal */
	*pp = p + 1;
	return hit != neg;
}

int kx_glob(const char *p, const char *s)
{
	const char *star_p = 0, *star_s = 0;

	for (;;) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (!*s) {
			if (!*p)
				return 1;
		} else if (*p == '[') {
			const char *q = p;
			int m = class_match(&q, *s);
			if (m < 0 ? *s == '[' : m) {
				p = m < 0 ? p + 1 : q;
				s++;
				continue;
			}
		} else if (*p == '?' || (*p == '\\' && p[1] ? p[1] == *s : *p == *s)) {
			p += *p == '\\' && p[1] ? 2 : 1;
			s++;
			continue;
		}
		if (!star_p || !*star_s)
			return 0;
		p = star_p;
		s = ++star_s;
	}
}

const char *kx_boot_uefi_arch(const char *a)
{
	static const char *const map[][2] = {
		{ "x86_64", "x64" }, { "i386", "ia32" }, { "arm64", "aa64" }, { "arm", "arm" },
		{ "ppc64le", "ppc64le" }, { "riscv64", "riscv64" },
	};
	unsigned i;

	for (i = 0; a && i < sizeof(map) / sizeof(map[0]); i++) {
		const char *x = map[i][0], *y = a;
		while (*x && *x == *y)
			x++, y++;
		if (!*x && !*y)
			return map[i][1];
	}
	return 0;
}
