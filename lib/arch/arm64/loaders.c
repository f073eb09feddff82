/* The arm64 loader table, in probe order. */
#include <kx/loader.h>
#include <kx/raw.h>
#include "arm64.h"

/* The Image, and kexec-tools' names of what the library unwraps into one
 * (Image.gz, EFI zboot "vmlinuz", uImage, ELF vmlinux: libkx/unwrap.c), so
 * that -t with any of them means the Image inside. */
static const char *const image_aliases[] = { "Image", "arm64", "image-arm64", "Image.gz",
	"zImage", "zimage", "image-gz", "vmlinuz", "pe-zboot", "efi-zboot", "zboot", "uImage",
	"uimage", "uImage-arm64", "vmlinux", "elf-arm64", 0 };

static const struct kx_loader image = {
	.name = "image",
	.aliases = image_aliases,
	.probe = kx_a64_image_probe,
	.kernel_parses = 1, /* arm64 kexec_file_load takes a plain Image */
	.entry_fixed = 1,
	.takes_dtb = 1,
	.load = kx_a64_image_load,
};

const struct kx_loader *const kx_loaders[] = { &image, &kx_raw_loader, 0 };
