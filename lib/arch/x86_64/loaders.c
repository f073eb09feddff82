/* The x86_64 loader table, in probe order. */
#include <kx/bzimage.h>
#include <kx/loader.h>

static const char *const bz_aliases[] = { "bzImage", "bzImage64", "bzimage64", 0 };

static const struct kx_loader bzimage = {
	.name = "bzimage",
	.aliases = bz_aliases,
	.probe = kx_bzimage_probe,
	.load = kx_bzimage_load,
};

const struct kx_loader *const kx_loaders[] = { &bzimage, 0 };
