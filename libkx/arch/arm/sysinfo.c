/*
 * 32-bit ARM: the memory the running system offers (/proc/iomem), its
 * device tree (/sys/firmware/fdt), fresh seeds, and whether the secondary
 * CPUs can be taken offline (the kernel refuses kexec_load otherwise).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "arch.h"
#include "load.h"
#include <kx/arch/arm64.h>

const char kx_arch_name[] = "arm";
/* kexec_file_load does not exist on 32-bit ARM: no format it parses */
const char kx_arch_kernel_format[] = "";
const unsigned long kx_arch_kexec_flag = 40ul << 16; /* KEXEC_ARCH_ARM */
/* not an I/O port: nonzero asks the purgatory to report on the UART the
 * device tree's /chosen stdout-path names (docs/arm.md) */
const uint16_t kx_arch_serial_port = 1;
const uint64_t kx_arch_console_max = 1;
const int kx_arch_console_baud = 0;
/* a uImage's ih_arch (IH_ARCH_ARM): U-Boot legacy images are undone by the
 * library's arch-neutral unwrapping, where it has one (libkx/unwrap.c) */
const uint8_t kx_arch_uimage_arch = 2;
/* kdump through kexec_load: an ELF32 core header (EM_ARM), the crash
 * kernel's memory as mem= (docs/kdump.md) */
const uint16_t kx_arch_crash_machine = 40; /* EM_ARM */
const uint8_t kx_arch_crash_elf32 = 1;
const uint64_t kx_arch_crash_low = 0;
const int kx_arch_crash_mem_arg = 1;
const uint64_t kx_arch_crash_page_offset = 0;
const uint64_t kx_arch_crash_direct_end = 0;
const uint64_t kx_arch_crash_backup = 0;
int (*const kx_arch_crash_finish)(struct kx_load *, struct kx_error *) = 0;
const unsigned long kx_arch_hotplug_flag = 0x8; /* KEXEC_CRASH_HOTPLUG_SUPPORT, the generic one */
const uint64_t kx_arch_kernel_map = UINT64_MAX;
const char *const kx_arch_reg_names[KX_PURG_NREGS] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7"
};

#define FDT_MAX (2u << 20)

int arch_sysinfo(struct kx_load *l, struct kx_error *err)
{
	struct kx_sysinfo *si = &l->si;
	size_t len;
	uint8_t *fdt;
	struct kx_err e;

	if (iomem_memmap(l, &len, err))
		return -1;
	e = kx_a64_iomem_reserved(l->iomem, len, &si->mem);
	if (KX_FAILED(e))
		return fail_lib(err, e, "/proc/iomem");
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

/* 32-bit ARM has no wrapping of its own (a uImage is the library's). */
int arch_unwrap(struct kx_load *l, const uint8_t *buf, size_t len, const uint8_t **out,
		size_t *outlen, struct kx_error *err);
int arch_unwrap(struct kx_load *l, const uint8_t *buf, size_t len, const uint8_t **out,
		size_t *outlen, struct kx_error *err)
{
	(void)l, (void)buf, (void)len, (void)out, (void)outlen, (void)err;
	return 0;
}

uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len);
uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len)
{
	(void)buf, (void)len;
	return 0;
}

uint64_t arch_cmdline_max(const uint8_t *buf, size_t len)
{
	(void)buf, (void)len;
	return 0; /* the loader checks COMMAND_LINE_SIZE (1024) */
}

/* A property of the running device tree (/proc/device-tree), raw and
 * NUL-terminated in buf; its length, 0 when absent. */
static size_t dt_prop(const char *node, const char *prop, char *buf, size_t cap)
{
	char path[96];
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/device-tree/%s/%s", node, prop);
	if (sys_read_bin(path, (uint8_t *)buf, cap - 1, &len))
		return 0;
	buf[len] = 0;
	return len;
}

/* s is one of the strings of a property's NUL-separated list */
static int dt_has(const char *list, size_t len, const char *s)
{
	size_t at = 0;

	while (at < len) {
		if (!strcmp(list + at, s))
			return 1;
		at += strlen(list + at) + 1;
	}
	return 0;
}

/*
 * PSCI as the kernel's SMP setup sees it (drivers/firmware/psci/psci.c,
 * psci_dt_init; arch/arm/kernel/setup.c takes psci_smp_ops when PSCI has
 * CPU_ON): a psci node, available, with the hvc or smc method. PSCI 0.2 and
 * later always have CPU_ON and CPU_OFF; 0.1 ("arm,psci") has the functions
 * its properties name. 0: no PSCI for SMP (the kernel uses the platform's
 * own SMP code), 1: CPU_ON and CPU_OFF, 2: CPU_ON without CPU_OFF.
 */
static int dt_psci(const char *node)
{
	char b[128];
	size_t n = dt_prop(node, "compatible", b, sizeof(b));
	char st[16], m[16];

	if (!n)
		return 0;
	if (dt_prop(node, "status", st, sizeof(st)) && strcmp(st, "okay") && strcmp(st, "ok"))
		return 0;
	if (!dt_prop(node, "method", m, sizeof(m)) || (strcmp(m, "hvc") && strcmp(m, "smc")))
		return 0;
	if (dt_has(b, n, "arm,psci-0.2") || dt_has(b, n, "arm,psci-1.0"))
		return 1;
	if (!dt_has(b, n, "arm,psci") || dt_prop(node, "cpu_on", m, sizeof(m)) != 4)
		return 0;
	return dt_prop(node, "cpu_off", m, sizeof(m)) == 4 ? 1 : 2;
}

/*
 * The kernel's machine_kexec_prepare refuses (EINVAL) when more than one
 * CPU is possible and the platform's SMP operations cannot kill a CPU
 * (no cpu_kill: CONFIG_HOTPLUG_CPU off, or the platform's own SMP code
 * without one; PSCI's has it). A CPU that can go offline at all has an
 * "online" file in sysfs (CPU 0 need not); that is not enough: QEMU's
 * vexpress-a15, whose SMP code has cpu_die but no cpu_kill, has the files
 * and is refused. Whether the platform code has cpu_kill is not visible
 * from user space; PSCI in the device tree says it is PSCI's.
 * nosmp and maxcpus=1 leave the CPUs possible; nr_cpus=1 does not.
 * Returns KX_SMP_* (arch.h).
 */
int arch_smp_stuck(void)
{
	char b[256], path[64];
	const char *p;
	char *end;
	int secondary = 0, psci;

	if (sys_read_text("/sys/devices/system/cpu/possible", b, sizeof(b), 0))
		return KX_SMP_OK; /* cannot tell: say nothing */
	for (p = b; *p && *p != '\n';) {
		unsigned long lo = strtoul(p, &end, 10), hi = lo, cpu;
		if (end == p)
			break;
		p = end;
		if (*p == '-') {
			hi = strtoul(p + 1, &end, 10);
			p = end;
		}
		for (cpu = lo ? lo : 1; cpu <= hi && cpu < 4096; cpu++) {
			char t[8];
			secondary = 1;
			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%lu/online", cpu);
			if (sys_read_text(path, t, sizeof(t), 0) == -ENOENT)
				return KX_SMP_STUCK;
		}
		if (*p == ',')
			p++;
	}
	if (!secondary)
		return KX_SMP_OK;
	psci = dt_psci("psci");
	if (!psci)
		psci = dt_psci("firmware/psci");
	return psci == 1 ? KX_SMP_OK : psci == 2 ? KX_SMP_NO_OFF : KX_SMP_NO_KILL;
}
