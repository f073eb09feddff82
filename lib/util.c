/* Freestanding basics for lib/ and the purgatory. */
#include <kx/bytes.h>

void *kx_memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *kx_memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;
	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

int kx_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t kx_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int kx_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool kx_hex_parse(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	int n = 0, d;

	while (p < end && (d = kx_hexval(*p)) >= 0) {
		if (++n > 16)
			return false;
		v = v << 4 | (uint64_t)d;
		p++;
	}
	if (!n)
		return false;
	*pp = p;
	*out = v;
	return true;
}
