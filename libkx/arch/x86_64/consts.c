/* x86_64: what libkx/arch.h asks each architecture to name. */
#include <kx/arch/x86_64.h>
#include <kx/elf.h>
#include "arch.h"

const char kx_arch_name[] = "x86_64";
const char kx_arch_kernel_format[] = "bzImage";
const unsigned long kx_arch_kexec_flag = 62ul << 16; /* KEXEC_ARCH_X86_64 */
const uint16_t kx_arch_serial_port = 0x3f8;
const uint64_t kx_arch_console_max = 0xffff;
const int kx_arch_console_baud = 1;
const uint16_t kx_arch_crash_machine = KX_EM_X86_64;
const uint64_t kx_arch_kernel_map = KX_X86_64_KERNEL_MAP;
const char *const kx_arch_reg_names[KX_PURG_NREGS] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp"
};

