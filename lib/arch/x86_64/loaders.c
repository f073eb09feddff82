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

int kx_uki_x86_probe(const uint8_t *buf, size_t len);
struct kx_err kx_uki_x86_load(const struct kx_load_req *r, struct kx_plan *p);

static const char *const uki_aliases[] = { "UKI", "efi", 0 };

static const struct kx_loader uki = {
	.name = "uki",
	.aliases = uki_aliases,
	.probe = kx_uki_x86_probe,
	.load = kx_uki_x86_load,
};

/* bzImage first: a bzImage is a PE too (its EFI stub), but has no .linux */
const struct kx_loader *const kx_loaders[] = { &bzimage, &uki, 0 };
