#include <kx/bytes.h>
#include <kx/cmdline.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

const char *kx_cmdline_word(const char **pp, const char *end, size_t *wl)
{
	const char *p = *pp, *w;
	int quoted = 0;

	while (p < end && is_space(*p))
		p++;
	if (p >= end || !*p) /* a NUL ends the text, whatever len said */
		return 0;
	w = p;
	while (p < end && *p && (quoted || !is_space(*p))) {
		if (*p == '"')
			quoted = !quoted;
		p++;
	}
	*wl = (size_t)(p - w);
	*pp = p;
	return w;
}

bool kx_cmdline_key_is(const char *w, size_t wl, const char *key)
{
	size_t k = 0, n = kx_strlen(key);

	while (k < wl && w[k] != '=')
		k++;
	return k == n && !kx_memcmp(w, key, n);
}

static int dropped(const char *w, size_t wl, const char *const *drop)
{
	for (; drop && *drop; drop++)
		if (kx_cmdline_key_is(w, wl, *drop))
			return 1;
	return 0;
}

struct kx_err kx_cmdline_add(char *buf, size_t cap, const char *add, size_t len,
			     const char *const *drop)
{
	const char *p = add, *end = add + len, *w;
	size_t used = kx_strlen(buf), wl;

	while ((w = kx_cmdline_word(&p, end, &wl))) {
		size_t need = wl + (used ? 1 : 0);
		if (dropped(w, wl, drop))
			continue;
		if (need >= cap - used)
			return kx_err(KX_E_CMDLINE_TOO_LONG, 0, used + need, cap - 1);
		if (used)
			buf[used++] = ' ';
		kx_memcpy(buf + used, w, wl);
		used += wl;
		buf[used] = 0;
	}
	return KX_NOERR;
}

struct kx_err kx_cmdline_append(char *buf, size_t cap, const char *text, size_t len)
{
	size_t used = kx_strlen(buf), n = 0, need;

	while (n < len && text[n]) /* a NUL ends the text */
		n++;
	if (!n)
		return KX_NOERR;
	need = n + (used ? 1 : 0);
	if (need >= cap - used)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, used + need, cap - 1);
	if (used)
		buf[used++] = ' ';
	kx_memcpy(buf + used, text, n);
	buf[used + n] = 0;
	return KX_NOERR;
}

unsigned kx_cmdline_drop(char *buf, const char *key)
{
	const char *p = buf, *end = buf + kx_strlen(buf), *w;
	char *out = buf;
	size_t wl;
	unsigned n = 0;

	/* kept words move towards the start: the copy never overtakes the read */
	while ((w = kx_cmdline_word(&p, end, &wl))) {
		if (kx_cmdline_key_is(w, wl, key)) {
			n++;
			continue;
		}
		if (out != buf)
			*out++ = ' ';
		kx_memcpy(out, w, wl);
		out += wl;
	}
	*out = 0;
	return n;
}
