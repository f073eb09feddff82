/* The 32-bit ARM loader table, in probe order. */
#include <kx/loader.h>
#include <kx/raw.h>
#include "arm.h"

static const char *const zimage_aliases[] = { "zImage", "zimage", "vmlinuz", 0 };

static const struct kx_loader zimage = {
	.name = "zimage",
	.aliases = zimage_aliases,
	.probe = kx_zimage_probe,
	.kernel_parses = 0, /* 32-bit ARM has no kexec_file_load */
	.entry_fixed = 1,
	.takes_dtb = 1,
	.load = kx_zimage_load,
};

const struct kx_loader *const kx_loaders[] = { &zimage, &kx_raw_loader, 0 };
