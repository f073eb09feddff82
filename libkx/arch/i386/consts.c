/* i386: what libkx/arch.h asks each architecture to name. */
#include <kx/arch/x86_64.h>
#include <kx/crash.h>
#include "arch.h"

const char kx_arch_name[] = "i386";
/* empty: Linux has no kexec_file_load on i386 (KEXEC_FILE is x86_64's only) */
const char kx_arch_kernel_format[] = "";
const unsigned long kx_arch_kexec_flag = 3ul << 16; /* KEXEC_ARCH_386 */
const uint16_t kx_arch_serial_port = 0x3f8;
const uint64_t kx_arch_console_max = 0xffff;
const int kx_arch_console_baud = 1;
const uint8_t kx_arch_uimage_arch = 3; /* IH_ARCH_I386 */
/* kdump with kexec_load as on x86_64 (boot parameters with the crash
 * kernel's e820, elfcorehdr=), with an ELF32 core header: docs/i386.md */
const uint16_t kx_arch_crash_machine = 3; /* EM_386 */
const uint8_t kx_arch_crash_elf32 = 1;
const uint64_t kx_arch_crash_low = KX_CRASH_LOW;
const int kx_arch_crash_mem_arg = 0;
/* the direct map without /proc/kcore (ELF32 there): PAGE_OFFSET of the
 * 3G/1G split, and 880 MiB, inside lowmem (896 MiB less the vmalloc
 * reserve's default); RAM above has p_vaddr 0 in the core header */
const uint64_t kx_arch_crash_page_offset = 0xc0000000ull;
const uint64_t kx_arch_crash_direct_end = 0x37000000ull;
const uint64_t kx_arch_crash_backup = 0;
int (*const kx_arch_crash_finish)(struct kx_load *, struct kx_error *) = 0;
const unsigned long kx_arch_hotplug_flag = 0x4; /* KEXEC_UPDATE_ELFCOREHDR, as on x86_64 */
const uint64_t kx_arch_kernel_map = 0xc0000000ull; /* PAGE_OFFSET with the 3G/1G split */
const char *const kx_arch_reg_names[KX_PURG_NREGS] = {
	"eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp"
};
