/*
 * arm64: the memory the running system offers (/proc/iomem: there is no
 * /sys/firmware/memmap on arm64), its device tree (/sys/firmware/fdt),
 * fresh seeds, and memory for unpacking compressed kernels.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../../arch.h"
#include "../../msg.h"
#include "../../sys.h"
#include "../../../lib/arch/arm64/arm64.h"

const char kx_arch_name[] = "arm64";
const char kx_arch_kernel_format[] = "Image";
const unsigned long kx_arch_kexec_flag = 183ul << 16; /* KEXEC_ARCH_AARCH64 */
/* Not an I/O port on arm64: nonzero asks the purgatory to report on the
 * UART the device tree's /chosen stdout-path names (docs/arm64.md). */
const uint16_t kx_arch_serial_port = 1;
const char *const kx_arch_reg_names[KX_PURG_NREGS] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"
};

#define FDT_MAX (8u << 20) /* larger than any device tree Linux accepts */

/* Anonymous memory that lives until kx exits (no malloc in kx). */
static void *alloc(size_t n)
{
	void *p = mmap(0, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? 0 : p;
}

int arch_sysinfo(struct kx_sysinfo *si)
{
	static char iomem[256 * 1024];
	size_t len;
	uint8_t *fdt;
	long page;
	struct kx_err err;
	int e;

	memset(&si->mem, 0, sizeof(si->mem));
	e = sys_read_text("/proc/iomem", iomem, sizeof(iomem), &len);
	if (e) {
		msg_file_error("memory map", "/proc/iomem", e);
		return -1;
	}
	if (len >= sizeof(iomem) - 1) { /* never plan from a cut-off map */
		msg("/proc/iomem is larger than kx can read (%zu bytes); nothing was loaded.",
		    sizeof(iomem) - 1);
		return -1;
	}
	err = kx_iomem_parse(iomem, len, &si->mem);
	if (!KX_FAILED(err))
		err = kx_a64_iomem_reserved(iomem, len, &si->mem);
	if (KX_FAILED(err)) {
		msg_lib_error(err, "/proc/iomem");
		return -1;
	}
	page = sysconf(_SC_PAGESIZE);
	if (page > 4096)
		kx_a64_memmap_align(&si->mem, (uint64_t)page);
	if (!kx_memmap_ram(&si->mem)) {
		msg_lib_error(kx_err(KX_E_NO_RAM, 0, 0, 0), "the memory map");
		return -1;
	}
	si->boot_params = 0;
	si->boot_params_len = 0;
	si->acpi_rsdp = 0;
	si->rsdp_len = 0;
	si->fdt.buf = 0;
	si->fdt.len = 0;
	si->fdt.name = "/sys/firmware/fdt";
	fdt = alloc(FDT_MAX);
	if (fdt && !sys_read_bin("/sys/firmware/fdt", fdt, FDT_MAX, &len) && len) {
		si->fdt.buf = fdt;
		si->fdt.len = len;
	}
	si->have_rng_seed = !sys_random(si->rng_seed, sizeof(si->rng_seed));
	si->alloc = alloc;
	return 0;
}

/* For the crash kernel's sizing (tool/crash.c): the memory the kernel image
 * takes once placed, from its header (Image, Image.gz, zboot); 0 = not one. */
uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len);
uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len)
{
	return kx_a64_kernel_mem(buf, len);
}
