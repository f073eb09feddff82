/* x86_64 and i386: the firmware memory map, boot_params and ACPI RSDP of the running system. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kx/arch/x86_64.h>
#include <kx/bzimage.h>
#include <kx/elf.h>
#include <kx/uimage.h>
#include <kx/crash.h>
#include "arch.h"
#include "load.h"

/* i386 compiles this file too (libkx/arch/i386/sysinfo.c), with its own
 * constants (libkx/arch/i386/consts.c) */
#ifndef KX_ARCH_CONSTS_ELSEWHERE
const char kx_arch_name[] = "x86_64";
const char kx_arch_kernel_format[] = "bzImage";
const unsigned long kx_arch_kexec_flag = 62ul << 16; /* KEXEC_ARCH_X86_64 */
const uint16_t kx_arch_serial_port = 0x3f8;
const uint64_t kx_arch_console_max = 0xffff;
const int kx_arch_console_baud = 1;
const uint8_t kx_arch_uimage_arch = KX_UI_ARCH_X86_64;
const uint16_t kx_arch_crash_machine = KX_EM_X86_64;
const uint8_t kx_arch_crash_elf32 = 0;
const uint64_t kx_arch_crash_low = KX_CRASH_LOW;
const int kx_arch_crash_mem_arg = 0;
const uint64_t kx_arch_crash_page_offset = 0;
const uint64_t kx_arch_crash_direct_end = 0;
const uint64_t kx_arch_crash_backup = 0;
int (*const kx_arch_crash_finish)(struct kx_load *, struct kx_error *) = 0;
const unsigned long kx_arch_hotplug_flag = 0x4; /* KEXEC_UPDATE_ELFCOREHDR, as kexec-tools on x86 */
const uint64_t kx_arch_kernel_map = KX_X86_64_KERNEL_MAP;
const char *const kx_arch_reg_names[KX_PURG_NREGS] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp"
};
#endif

static const char memmap_dir[] = "/sys/firmware/memmap";

static int read_u64(const char *dir, const char *name, const char *file, uint64_t *v)
{
	char path[256], buf[64], *end;
	int e;

	snprintf(path, sizeof(path), "%s/%.15s/%.15s", dir, name, file);
	e = sys_read_text(path, buf, sizeof(buf), 0);
	if (e)
		return e;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return errno || end == buf ? -EINVAL : 0;
}

static int from_sysfs_memmap(struct kx_memmap *m)
{
	char names[KX_MEMMAP_MAX][16];
	int n = sys_list_dir(memmap_dir, names, KX_MEMMAP_MAX), i;

	if (n <= 0)
		return n < 0 ? n : -ENOENT;
	for (i = 0; i < n; i++) {
		char path[256], type[64];
		uint64_t s, e;
		size_t tl;
		struct kx_err err;

		if (read_u64(memmap_dir, names[i], "start", &s) ||
		    read_u64(memmap_dir, names[i], "end", &e))
			return -EINVAL;
		snprintf(path, sizeof(path), "%s/%.15s/type", memmap_dir, names[i]);
		if (sys_read_text(path, type, sizeof(type), &tl))
			return -EINVAL;
		if (e == UINT64_MAX || e < s)
			return -EINVAL;
		err = kx_memmap_add(m, s, e + 1, kx_memtype_from_name(type, tl) ?: KX_MEM_RESERVED);
		if (KX_FAILED(err))
			return -E2BIG;
	}
	return 0;
}

/* ACPI20= (or ACPI=) in /sys/firmware/efi/systab, one "KEY=0xADDR" a line. */
static uint64_t rsdp_from_efi(void)
{
	char buf[4096], *p;
	uint64_t acpi = 0;

	if (sys_read_text("/sys/firmware/efi/systab", buf, sizeof(buf), 0))
		return 0;
	for (p = buf; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		if (!strncmp(p, "ACPI20=", 7))
			return strtoull(p + 7, 0, 0);
		if (!strncmp(p, "ACPI=", 5))
			acpi = strtoull(p + 5, 0, 0);
	}
	return acpi;
}

#define RSDP_AREA 0x20000 /* 0xE0000-0xFFFFF */
_Static_assert(RSDP_AREA <= IOMEM_MAX, "the BIOS area fits the load's read buffer");

/* A valid RSDP at p (len bytes available): its length (20 or 36), or 0. */
static unsigned rsdp_valid(const uint8_t *p, size_t len)
{
	unsigned i, sum = 0, n;

	if (len < 20 || memcmp(p, "RSD PTR ", 8))
		return 0;
	for (i = 0; i < 20; i++)
		sum += p[i];
	if (sum & 0xff)
		return 0;
	if (p[15] < 2)
		return 20;
	n = 36;
	if (len < n)
		return 0;
	for (sum = 0, i = 0; i < n; i++)
		sum += p[i];
	return sum & 0xff ? 20 : n;
}

/* The ACPI RSDP itself, for multiboot2's ACPI tags: at the address EFI gave,
 * or where BIOS puts it (the EBDA's first KiB, or 0xE0000-0xFFFFF). Needs
 * /dev/mem (root); without it multiboot2 kernels just get no ACPI tag. */
static void rsdp_bytes(struct kx_sysinfo *si, uint8_t *area)
{
	uint8_t ebda[2];
	uint64_t base;
	unsigned off, n;

	si->rsdp_len = 0;
	if (si->acpi_rsdp) {
		if (!sys_read_phys(si->acpi_rsdp, si->rsdp, 36) && (n = rsdp_valid(si->rsdp, 36)))
			si->rsdp_len = n;
		return;
	}
	if (!sys_read_phys(0x40e, ebda, 2)) {
		base = (uint64_t)(ebda[0] | ebda[1] << 8) << 4;
		if (base >= 0x80000 && base < 0xa0000 && !sys_read_phys(base, area, 1024))
			for (off = 0; off + 20 <= 1024; off += 16)
				if ((n = rsdp_valid(area + off, 1024 - off))) {
					memcpy(si->rsdp, area + off, n);
					si->rsdp_len = n;
					si->acpi_rsdp = base + off;
					return;
				}
	}
	if (sys_read_phys(0xe0000, area, RSDP_AREA))
		return;
	for (off = 0; off + 20 <= RSDP_AREA; off += 16)
		if ((n = rsdp_valid(area + off, RSDP_AREA - off))) {
			memcpy(si->rsdp, area + off, n);
			si->rsdp_len = n;
			si->acpi_rsdp = 0xe0000 + off;
			return;
		}
}

/* A file of /sys/firmware/efi holding one "0xADDR" line. */
static int efi_value(const char *name, uint64_t *v)
{
	return read_u64("/sys/firmware", "efi", name, v) ? -1 : 0;
}

/* SMBIOS=0xADDR in /sys/firmware/efi/systab (the SMBIOS 2 entry point), or 0. */
static uint64_t efi_smbios(void)
{
	char buf[4096], *p;

	if (sys_read_text("/sys/firmware/efi/systab", buf, sizeof(buf), 0))
		return 0;
	for (p = buf; *p; p += strcspn(p, "\n"), p += *p == '\n')
		if (!strncmp(p, "SMBIOS=", 7))
			return strtoull(p + 7, 0, 0);
	return 0;
}

/*
 * The EFI runtime state for the next kernel (see struct kx_efi): the runtime
 * map's regions in their order (directories 0..n-1), the physical addresses
 * of the firmware vendor string, runtime services and configuration tables,
 * and SMBIOS. What cannot be had leaves state saying why; the boot-params
 * builder makes the last decisions (lib/arch/x86_64/bootparams.c).
 */
static void efi_runtime(struct kx_load *l)
{
	static const char map[] = "/sys/firmware/efi/runtime-map";
	struct kx_efi *e = &l->efi;
	char names[KX_EFI_MAX_REGIONS + 1][16], text[16];
	int n, i, r;

	memset(e, 0, offsetof(struct kx_efi, md));
	if (l->set[KX_SET_NO_EFI]) {
		e->state = KX_EFI_OFF;
		return;
	}
	/* there since Linux 4.1 on every EFI boot: 64, or 32 (mixed mode) */
	r = sys_read_text("/sys/firmware/efi/fw_platform_size", text, sizeof(text), 0);
	e->state = r == -ENOENT ? KX_EFI_NOT_EFI : KX_EFI_FW32;
	if (r == -ENOENT || (!r && strtoul(text, 0, 10) == 32))
		return;
	n = sys_list_dir(map, names, KX_EFI_MAX_REGIONS + 1);
	e->state = n == -EACCES || n == -EPERM ? KX_EFI_UNREADABLE :
		   n <= 0 ? KX_EFI_NO_RUNTIME : n > KX_EFI_MAX_REGIONS ? KX_EFI_TOO_MANY : KX_EFI_READY;
	if (e->state != KX_EFI_READY)
		return;
	e->state = KX_EFI_UNREADABLE;
	for (i = 0; i < n; i++) {
		char *end;
		unsigned long k = strtoul(names[i], &end, 10);
		struct kx_efi_md *md;
		uint64_t type;

		if (*end || k >= (unsigned long)n)
			return;
		md = &e->md[k];
		if (read_u64(map, names[i], "type", &type) ||
		    read_u64(map, names[i], "phys_addr", &md->phys) ||
		    read_u64(map, names[i], "virt_addr", &md->virt) ||
		    read_u64(map, names[i], "num_pages", &md->pages) ||
		    read_u64(map, names[i], "attribute", &md->attr))
			return;
		md->type = (uint32_t)type;
	}
	if (efi_value("fw_vendor", &e->fw_vendor) || efi_value("config_table", &e->tables))
		return;
	/* older kernels read it; current ones leave the field unused */
	if (efi_value("runtime", &e->runtime))
		e->runtime = 0;
	e->smbios = efi_smbios();
	e->n = (unsigned)n;
	e->state = KX_EFI_READY;
}

/* The firmware's map (/sys/firmware/memmap), else /proc/iomem's. */
static int memory_map(struct kx_load *l, struct kx_error *err)
{
	struct kx_sysinfo *si = &l->si;
	size_t len;

	memset(&si->mem, 0, sizeof(si->mem));
	if (!from_sysfs_memmap(&si->mem))
		return 0;
	return iomem_memmap(l, &len, err);
}

int arch_sysinfo(struct kx_load *l, struct kx_error *err)
{
	struct kx_sysinfo *si = &l->si;
	size_t len;

	if (memory_map(l, err))
		return -1;
	if (!kx_memmap_ram(&si->mem))
		return fail_lib(err, kx_err(KX_E_NO_RAM, 0, 0, 0), "the memory map");
	si->alloc = load_alloc;
	si->alloc_ctx = l;
	si->unpack = load_unpack;
	si->boot_params = 0;
	si->boot_params_len = 0;
	if (!sys_read_bin("/sys/kernel/boot_params/data", l->boot_params, sizeof(l->boot_params), &len) &&
	    len == sizeof(l->boot_params)) {
		si->boot_params = l->boot_params;
		si->boot_params_len = len;
	}
	si->acpi_rsdp = rsdp_from_efi();
	rsdp_bytes(si, (uint8_t *)l->iomem);
	si->have_rng_seed = !sys_random(si->rng_seed, sizeof(si->rng_seed));
	si->have_kaslr_seed = !sys_random(si->kaslr_seed, sizeof(si->kaslr_seed));
	efi_runtime(l);
	si->efi = &l->efi;
	return 0;
}

/* x86_64 has no wrapping of its own: an ELF vmlinux is a loader's (elf). */
int arch_unwrap(struct kx_load *l, const uint8_t *buf, size_t len, const uint8_t **out,
		size_t *outlen, struct kx_error *err)
{
	(void)l, (void)buf, (void)len, (void)out, (void)outlen, (void)err;
	return 0;
}

uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len)
{
	struct kx_bzimage bz;

	if (!kx_bzimage_probe(buf, len) || KX_FAILED(kx_bzimage_parse_hdr(buf, len, &bz)))
		return 0;
	return bz.init_size > bz.kernel_len ? bz.init_size : bz.kernel_len;
}

uint64_t arch_cmdline_max(const uint8_t *buf, size_t len)
{
	struct kx_bzimage bz;

	if (!kx_bzimage_probe(buf, len) || KX_FAILED(kx_bzimage_parse_hdr(buf, len, &bz)))
		return 0;
	return bz.cmdline_size;
}

/* Its kexec takes the secondary CPUs down whatever the platform. */
int arch_smp_stuck(void)
{
	return -1;
}
