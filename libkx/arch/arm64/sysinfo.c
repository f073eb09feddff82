/*
 * arm64: the memory the running system offers (/proc/iomem: there is no
 * /sys/firmware/memmap on arm64), its device tree (/sys/firmware/fdt),
 * fresh seeds, and memory for unpacking compressed kernels.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <kx/elf.h>
#include <kx/uimage.h>
#include "arch.h"
#include "load.h"
#include <kx/arch/arm64.h>

const char kx_arch_name[] = "arm64";
const char kx_arch_kernel_format[] = "Image";
const unsigned long kx_arch_kexec_flag = 183ul << 16; /* KEXEC_ARCH_AARCH64 */
/* Not an I/O port on arm64: nonzero asks the purgatory to report on the
 * UART the device tree's /chosen stdout-path names (docs/arm64.md). */
const uint16_t kx_arch_serial_port = 1;
/* KX_SET_CONSOLE_PORT: 0 (silent) or 1 (that UART); it is not reprogrammed */
const uint64_t kx_arch_console_max = 1;
const int kx_arch_console_baud = 0;
const uint8_t kx_arch_uimage_arch = KX_UI_ARCH_ARM64;
/* the crash kernel gets elfcorehdr and its memory in the device tree: not yet */
const uint16_t kx_arch_crash_machine = 0;
const uint8_t kx_arch_crash_elf32 = 0;
const uint64_t kx_arch_crash_low = 0;
const int kx_arch_crash_mem_arg = 0;
const uint64_t kx_arch_crash_page_offset = 0;
const uint64_t kx_arch_crash_direct_end = 0;
const uint64_t kx_arch_crash_backup = 0;
int (*const kx_arch_crash_finish)(struct kx_load *, struct kx_error *) = 0;
const unsigned long kx_arch_hotplug_flag = 0x8; /* KEXEC_CRASH_HOTPLUG_SUPPORT */
const uint64_t kx_arch_kernel_map = UINT64_MAX;
const char *const kx_arch_reg_names[KX_PURG_NREGS] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"
};

#define FDT_MAX (8u << 20) /* larger than any device tree Linux accepts */

int arch_sysinfo(struct kx_load *l, struct kx_error *err)
{
	struct kx_sysinfo *si = &l->si;
	size_t len;
	uint8_t *fdt;
	long page;
	struct kx_err e;

	if (iomem_memmap(l, &len, err))
		return -1;
	e = kx_a64_iomem_reserved(l->iomem, len, &si->mem);
	if (KX_FAILED(e))
		return fail_lib(err, e, "/proc/iomem");
	page = sysconf(_SC_PAGESIZE);
	if (page > 4096)
		kx_a64_memmap_align(&si->mem, (uint64_t)page);
	if (!kx_memmap_ram(&si->mem))
		return fail_lib(err, kx_err(KX_E_NO_RAM, 0, 0, 0), "the memory map");
	si->boot_params = 0;
	si->boot_params_len = 0;
	si->acpi_rsdp = 0;
	si->rsdp_len = 0;
	si->fdt = (struct kx_blob){ 0, 0, "/sys/firmware/fdt" };
	fdt = load_alloc(l, FDT_MAX);
	if (fdt && !sys_read_bin("/sys/firmware/fdt", fdt, FDT_MAX, &len) && len) {
		si->fdt.buf = fdt;
		si->fdt.len = len;
	}
	si->have_rng_seed = !sys_random(si->rng_seed, sizeof(si->rng_seed));
	si->alloc = load_alloc;
	si->alloc_ctx = l;
	si->unpack = load_unpack;
	return 0;
}

int arch_unwrap(struct kx_load *l, const uint8_t *buf, size_t len, const uint8_t **out,
		size_t *outlen, struct kx_error *err)
{
	struct kx_err e;
	uint8_t *img;
	size_t n;

	if (!kx_elf_probe(buf, len))
		return 0;
	e = kx_a64_vmlinux_image(buf, len, 0, 0, &n);
	if (KX_FAILED(e))
		return e.code == KX_E_WRONG_MACHINE || e.code == KX_E_BAD_HEADER ? 0 :
		       fail_lib(err, e, l->req.image.name);
	if (!(img = load_alloc(l, n)))
		return fail_lib(err, kx_err(KX_E_NO_UNPACK_MEMORY, "vmlinux", n, 0), l->req.image.name);
	e = kx_a64_vmlinux_image(buf, len, img, n, &n);
	if (KX_FAILED(e))
		return fail_lib(err, e, l->req.image.name);
	*out = img;
	*outlen = n;
	return 1;
}

/* For the crash kernel's sizing (libkx/crash.c): the memory the kernel image
 * takes once placed, from its header (Image, Image.gz, zboot); 0 = not one. */
uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len);
uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len)
{
	return kx_a64_kernel_mem(buf, len);
}

/* arm64's limit is the running kernel's COMMAND_LINE_SIZE, not in the image. */
uint64_t arch_cmdline_max(const uint8_t *buf, size_t len)
{
	(void)buf, (void)len;
	return 0;
}

/* Its kexec takes the secondary CPUs down whatever the platform. */
int arch_smp_stuck(void)
{
	return -1;
}
