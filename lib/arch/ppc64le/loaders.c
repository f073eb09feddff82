/* The ppc64le loader table, in probe order. */
#include <kx/loader.h>
#include <kx/raw.h>
#include "ppc64.h"

/* kexec-tools' names for its ppc64 types (only the ELF vmlinux boots here). */
static const char *const vmlinux_aliases[] = { "elf-ppc64", "elf", "ppc64", "ppc64le", 0 };

static const struct kx_loader vmlinux = {
	.name = "vmlinux",
	.aliases = vmlinux_aliases,
	.probe = kx_ppc_vmlinux_probe,
	.kernel_parses = 1, /* ppc64's kexec_file_load takes the ELF vmlinux */
	.entry_fixed = 1,
	.takes_dtb = 1,
	.load = kx_ppc_vmlinux_load,
};

const struct kx_loader *const kx_loaders[] = { &vmlinux, &kx_raw_loader, 0 };
