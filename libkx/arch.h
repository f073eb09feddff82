/* What each architecture's system code provides (libkx/arch/<arch>/). */
#ifndef LIBKX_ARCH_H
#define LIBKX_ARCH_H
#include <kx/loader.h>

struct kx_load;
struct kx_error;

extern const char kx_arch_name[];
extern const char kx_arch_kernel_format[];       /* what kexec_file_load parses: "bzImage";
						    "": the architecture has no
						    kexec_file_load (i386) */
extern const unsigned long kx_arch_kexec_flag;   /* KEXEC_ARCH_* << 16 */
extern const uint16_t kx_arch_serial_port;       /* purgatory messages */
/* KX_SET_CONSOLE_PORT's largest value (x86: an I/O port; arm64: 1, the UART
 * the device tree names) and whether KX_SET_CONSOLE_BAUD can be honoured. */
extern const uint64_t kx_arch_console_max;
extern const int kx_arch_console_baud;
extern const uint8_t kx_arch_uimage_arch;        /* a uImage's ih_arch for this architecture */
/* kdump with kexec_load: the ELF machine of the core header kx builds (0: kx
 * builds none on this architecture) and where the kernel text is mapped. */
extern const uint16_t kx_arch_crash_machine;
/* ... its class (1: ELF32, 0: ELF64), the low memory never dumped (x86_64:
 * the first 1 MiB, the crash kernel's own), and how the crash kernel learns
 * the memory it may use: 0 from the memory map kx passes (x86: e820), 1 from
 * "mem=SIZE@START" on its command line (32-bit ARM; the core header then
 * sits 1 MiB aligned at the top of the region, above that memory) */
extern const uint8_t kx_arch_crash_elf32;
extern const uint64_t kx_arch_crash_low;
extern const int kx_arch_crash_mem_arg;
/* when /proc/kcore does not say: the direct map's p_vaddr - p_paddr for the
 * core header's RAM, and where the direct map ends (i386: PAGE_OFFSET
 * 0xc0000000 and lowmem); 0: none (p_vaddr 0) */
extern const uint64_t kx_arch_crash_page_offset;
extern const uint64_t kx_arch_crash_direct_end;
/* ppc64: the first bytes of memory the crash kernel overwrites (its exception
 * vectors), which the purgatory copies to a segment of their own first and the
 * core header maps from there; 0: none. And what the architecture does to the
 * crash kernel's planned segments before they are loaded (ppc64: its device
 * tree's reservations, the kernel told to run where it is); NULL: nothing. */
extern const uint64_t kx_arch_crash_backup;
extern int (*const kx_arch_crash_finish)(struct kx_load *l, struct kx_error *err);
/* kexec_load's crash-hotplug flag: x86 sends KEXEC_UPDATE_ELFCOREHDR (0x4),
 * which every x86 kernel with crash hotplug takes (6.5 to 6.9 refuse the
 * generic 0x8); others send KEXEC_CRASH_HOTPLUG_SUPPORT (0x8) */
extern const unsigned long kx_arch_hotplug_flag;
extern const uint64_t kx_arch_kernel_map;
extern const uint8_t kx_purgatory_blob[];
extern const uint8_t kx_purgatory_blob_end[];

/* Fill l->si from /sys, /proc and the firmware (l->iomem and l->boot_params
 * hold what it reads); 0, or -1 with *err. */
int arch_sysinfo(struct kx_load *l, struct kx_error *err);
/* Memory the architecture's kernel image in buf takes once placed, from its
 * header (x86: bzImage init_size; arm64: Image image_size); 0 = not one. */
uint64_t arch_kernel_bytes(const uint8_t *buf, size_t len);
/* The longest command line the kernel image in buf accepts, from its header
 * (x86: bzImage cmdline_size); 0 = not known from the image. */
uint64_t arch_cmdline_max(const uint8_t *buf, size_t len);
/* Undo an architecture's own wrapping of the kernel in buf (arm64: an ELF
 * vmlinux holding an Image): 1 with *out (load memory) and *outlen when it
 * did, 0 when buf is not one, -1 with err. */
int arch_unwrap(struct kx_load *l, const uint8_t *buf, size_t len, const uint8_t **out,
		size_t *outlen, struct kx_error *err);
/* Whether the kernel can take the secondary CPUs down for kexec (32-bit
 * ARM: machine_kexec_prepare refuses with EINVAL otherwise): KX_SMP_*, or
 * -1 where the architecture has no such rule. */
int arch_smp_stuck(void);
#define KX_SMP_OK      0 /* one CPU, or every secondary can go offline (PSCI) */
#define KX_SMP_STUCK   1 /* a possible secondary CPU cannot go offline: kexec_load fails */
#define KX_SMP_NO_KILL 2 /* they can go offline but there is no PSCI: kexec_load fails
			    unless the platform's own SMP code can kill CPUs */
#define KX_SMP_NO_OFF  3 /* PSCI without CPU_OFF: the load works, the exec cannot
			    take the CPUs down (the kernel BUGs) */
#define KX_KEXEC_SMP_STUCK   1 /* kx_error.b of a KX_E_KEXEC (EINVAL), KX_SMP_STUCK */
#define KX_KEXEC_SMP_NO_KILL 2 /* the same, KX_SMP_NO_KILL */
#define KX_KEXEC_SMP_NO_OFF  3 /* kx refused before the call (no errno): KX_SMP_NO_OFF */
/* kx_classic_option(r): the option that needs kexec_load, in words (msg.c). */
const char *kx_classic_option(unsigned r);
/* Names of the registers the purgatory sets, for the plan printout. */
extern const char *const kx_arch_reg_names[KX_PURG_NREGS];
#endif
