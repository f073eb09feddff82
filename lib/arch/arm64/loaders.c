/* The arm64 loader table, in probe order. */
#include <kx/loader.h>
#include <kx/raw.h>
#include "arm64.h"

static const char *const image_aliases[] = { "Image", "arm64", "image-arm64", 0 };

static const struct kx_loader image = {
	.name = "image",
	.aliases = image_aliases,
	.probe = kx_a64_image_probe,
	.kernel_parses = 1, /* arm64 kexec_file_load takes a plain Image */
	.entry_fixed = 1,
	.takes_dtb = 1,
	.load = kx_a64_image_load,
};

/* Compressed Images: kx unpacks them; Linux's kexec_file_load (6.1) does not. */
static const char *const gz_aliases[] = { "Image.gz", "zImage", "zimage", 0 };

static const struct kx_loader image_gz = {
	.name = "image-gz",
	.aliases = gz_aliases,
	.probe = kx_a64_gzip_probe,
	.entry_fixed = 1,
	.takes_dtb = 1,
	.load = kx_a64_image_load,
};

static const char *const zboot_aliases[] = { "vmlinuz", "pe-zboot", "efi-zboot", 0 };

static const struct kx_loader zboot = {
	.name = "zboot",
	.aliases = zboot_aliases,
	.probe = kx_a64_zboot_probe,
	.entry_fixed = 1,
	.takes_dtb = 1,
	.load = kx_a64_image_load,
};


/* A zboot image is a PE file whose 0x38 holds the PE magic, not "ARM\x64":
 * the three probes never claim the same file. */
const struct kx_loader *const kx_loaders[] = { &image, &zboot, &image_gz, &kx_raw_loader, 0 };
