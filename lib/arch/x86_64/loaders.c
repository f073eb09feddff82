/* The x86_64 loader table, in probe order. */
#include <kx/bzimage.h>
#include <kx/elf.h>
#include <kx/multiboot.h>
#include <kx/raw.h>
#include <kx/loader.h>

static const char *const bz_aliases[] = { "bzImage", "bzImage64", "bzimage64", 0 };

static const struct kx_loader bzimage = {
	.name = "bzimage",
	.aliases = bz_aliases,
	.probe = kx_bzimage_probe,
	.kernel_parses = 1,
	.entry_fixed = 1,
	.load = kx_bzimage_load,
};

int kx_uki_x86_probe(const uint8_t *buf, size_t len);
struct kx_err kx_uki_x86_load(const struct kx_load_req *r, struct kx_plan *p);

static const char *const uki_aliases[] = { "UKI", "efi", 0 };

static const struct kx_loader uki = {
	.name = "uki",
	.aliases = uki_aliases,
	.probe = kx_uki_x86_probe,
	.kernel_parses = 1, /* its .linux, through a memfd */
	.uki = 1,
	.entry_fixed = 1,
	.load = kx_uki_x86_load,
};

static const char *const elf_aliases[] = { "elf-x86_64", "elf-x86", "elf32-x86", "elf64", 0 };

static const struct kx_loader elf = {
	.name = "elf",
	.aliases = elf_aliases,
	.probe = kx_elf_kernel_probe, /* not user-space programs; -t elf forces */
	.load = kx_elf_load,
};


static const char *const mb_aliases[] = { "multiboot-x86", 0 };

static const struct kx_loader multiboot = {
	.name = "multiboot",
	.aliases = mb_aliases,
	.probe = kx_multiboot_probe,
	.load = kx_multiboot_load,
};

static const char *const mb2_aliases[] = { "multiboot2-x86", 0 };

static const struct kx_loader multiboot2 = {
	.name = "multiboot2",
	.aliases = mb2_aliases,
	.probe = kx_multiboot2_probe,
	.load = kx_multiboot2_load,
};

/* Probe order: bzImage first (a bzImage is a PE too, its EFI stub, but has no
 * .linux); multiboot 2 before 1 (an image may carry both headers: like GRUB,
 * kx prefers the newer); multiboot before ELF (multiboot kernels are ELF). */
const struct kx_loader *const kx_loaders[] = { &bzimage, &uki, &multiboot2, &multiboot, &elf,
					      &kx_raw_loader, 0 };
