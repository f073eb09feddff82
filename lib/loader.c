/* Loader lookup by -t name or by probing the image. */
#include <kx/bytes.h>
#include <kx/loader.h>

static int same(const char *a, const char *b)
{
	size_t n = kx_strlen(a);
	return n == kx_strlen(b) && !kx_memcmp(a, b, n);
}

const struct kx_loader *kx_loader_by_name(const char *name)
{
	const struct kx_loader *const *l;
	const char *const *a;

	for (l = kx_loaders; *l; l++) {
		if (same((*l)->name, name))
			return *l;
		for (a = (*l)->aliases; a && *a; a++)
			if (same(*a, name))
				return *l;
	}
	return 0;
}

const struct kx_loader *kx_loader_probe(const uint8_t *buf, size_t len)
{
	const struct kx_loader *const *l;

	for (l = kx_loaders; *l; l++)
		if ((*l)->probe(buf, len))
			return *l;
	return 0;
}
