/* The arm64 loader table, in probe order. */
#include <kx/loader.h>
#include <kx/pe.h>
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

/* A unified kernel image whose .linux is an Image (lib/uki.c): kexec_file_load
 * gets its .linux, .initrd and .cmdline; .dtb is used when no --dtb is given. */
static int uki_probe(const uint8_t *buf, size_t len)
{
	return kx_uki_probe(buf, len);
}

static struct kx_err uki_load(const struct kx_load_req *r, struct kx_plan *p)
{
	return kx_uki_load(r, p, KX_PE_MACHINE_ARM64, kx_a64_image_load, 1);
}

static const char *const uki_aliases[] = { "UKI", "efi", 0 };

static const struct kx_loader uki = {
	.name = "uki",
	.aliases = uki_aliases,
	.probe = uki_probe,
	.kernel_parses = 1, /* its .linux, through a memfd */
	.uki = 1,
	.entry_fixed = 1,
	.takes_dtb = 1,
	.load = uki_load,
};

/* An Image with an EFI stub is a PE too, but has no .linux section: the
 * probes never claim the same file. */
const struct kx_loader *const kx_loaders[] = { &image, &uki, &kx_raw_loader, 0 };
