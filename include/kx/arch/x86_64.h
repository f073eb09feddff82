/* x86_64 facts the portable headers leave out: what the purgatory's regs[]
 * mean on x86, and where a running x86_64 kernel maps itself (kdump). */
#ifndef KX_ARCH_X86_64_H
#define KX_ARCH_X86_64_H

/* x86_64 meaning of kx_purg_params.regs[] (include/kx/purgatory.h) */
enum { KX_X86_RAX, KX_X86_RBX, KX_X86_RCX, KX_X86_RDX,
       KX_X86_RSI, KX_X86_RDI, KX_X86_RBP, KX_X86_RSP };

/* Where the kernel image is mapped (__START_KERNEL_map) and the direct map's
 * base without KASLR (4-level paging, Linux >= 4.20): kx_crash_kcore_parse's
 * kernel_map on x86_64. */
#define KX_X86_64_KERNEL_MAP     0xffffffff80000000ull
#define KX_X86_64_PAGE_OFFSET    0xffff888000000000ull
#endif
