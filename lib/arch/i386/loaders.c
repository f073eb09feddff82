/*
 * The i386 loader table, in probe order: the x86_64 loaders (lib/arch/x86_64,
 * compiled here too), entered the way a 32-bit CPU can: a bzImage through
 * the 32-bit boot protocol, multiboot 1 and 2 and ELF32 as on x86_64. What
 * needs long mode (an ELF64 entry) is refused; no UKI (a 64-bit EFI stub).
 */
#include <kx/bzimage.h>
#include <kx/elf.h>
#include <kx/multiboot.h>
#include <kx/raw.h>
#include <kx/loader.h>

static const char *const bz_aliases[] = { "bzImage", "bzImage32", 0 };

static const struct kx_loader bzimage = {
	.name = "bzimage",
	.aliases = bz_aliases,
	.probe = kx_bzimage_probe,
	.kernel_parses = 0, /* i386 Linux has no kexec_file_load */
	.entry_fixed = 1,
	.load = kx_bzimage_load32,
};

/* A load whose plan asks for the 64-bit entry: the i386 purgatory has none. */
static struct kx_err no_long_mode(struct kx_err err, const struct kx_plan *p, const char *what)
{
	if (!KX_FAILED(err) && p->entry_mode == KX_PURG_ENTRY_64)
		return kx_err(KX_E_WRONG_MACHINE, what, KX_EM_X86_64, KX_EM_386);
	return err;
}

static struct kx_err elf_load32(const struct kx_load_req *r, struct kx_plan *p)
{
	return no_long_mode(kx_elf_load(r, p), p, "i386 (EM_386) ELF32 kernels");
}

static struct kx_err mb_load32(const struct kx_load_req *r, struct kx_plan *p)
{
	return no_long_mode(kx_multiboot_load(r, p), p, "i386 (EM_386) ELF32 multiboot kernels");
}

static const char *const elf_aliases[] = { "elf-x86", "elf32-x86", "elf32", 0 };

static const struct kx_loader elf = {
	.name = "elf",
	.aliases = elf_aliases,
	.probe = kx_elf_kernel_probe, /* not user-space programs; -t elf forces */
	.load = elf_load32,
};

static const char *const mb_aliases[] = { "multiboot-x86", 0 };

static const struct kx_loader multiboot = {
	.name = "multiboot",
	.aliases = mb_aliases,
	.probe = kx_multiboot_probe,
	.load = mb_load32,
};

static const char *const mb2_aliases[] = { "multiboot2-x86", 0 };

static const struct kx_loader multiboot2 = {
	.name = "multiboot2",
	.aliases = mb2_aliases,
	.probe = kx_multiboot2_probe,
	.load = kx_multiboot2_load, /* always the 32-bit entry (EAX magic, EBX info) */
};

/* raw code: entered in the i386 purgatory's one mode */
static struct kx_err raw_load32(const struct kx_load_req *r, struct kx_plan *p)
{
	struct kx_err err = kx_raw_load(r, p);

	if (!KX_FAILED(err)) {
		p->entry_mode = KX_PURG_ENTRY_32;
		p->purg_flags &= ~(uint32_t)KX_PURG_4LEVEL;
	}
	return err;
}

static const struct kx_loader raw = {
	.name = "raw",
	.aliases = 0,
	.probe = kx_raw_probe, /* never: only with -t raw */
	.no_image = 1,
	.load = raw_load32,
};

const struct kx_loader *const kx_loaders[] = { &bzimage, &multiboot2, &multiboot, &elf, &raw, 0 };
