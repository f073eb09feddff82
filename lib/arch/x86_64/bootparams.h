/* x86 Linux boot parameters, shared by the bzImage and ELF vmlinux loaders. */
#ifndef KX_X86_BOOTPARAMS_H
#define KX_X86_BOOTPARAMS_H
#include <kx/arch/x86_64.h>
#include <kx/loader.h>

/* The setup header of the image, or hdr == NULL for a kernel without one
 * (an ELF vmlinux): then a minimal protocol 2.15 header is made up. */
struct kx_x86_linux {
	const uint8_t *hdr;      /* image bytes from offset 0 (setup header at 0x1f1) */
	size_t hdr_end;          /* end of the setup header in hdr */
	uint32_t initrd_addr_max;
	int initrd_above_4g;     /* XLF_CAN_BE_LOADED_ABOVE_4G */
	uint32_t cmdline_size;
	uint64_t kernel_mem;     /* where the kernel was placed */
	int efi_kexec;           /* XLF_EFI_KEXEC: it can take the EFI runtime state */
	uint64_t bp_max;         /* the boot-params segment ends below this; 0 = 4 GiB
				    (i386: the lowmem a kernel without PAE maps) */
	uint8_t loadflags_set;   /* bits to set in the zero page's loadflags (KASLR_FLAG
				    for a kernel kx unpacked and randomized) */
};

/* Place the initrds (one contiguous span, one segment per file). */
struct kx_err kx_x86_place_initrds(const struct kx_load_req *r, struct kx_plan *p,
				   const struct kx_x86_linux *lx, uint64_t *rd_mem, uint64_t *rd_len);
/* Build the zero page + command line + setup_data segment below 4 GiB and
 * set the plan's 64-bit hand-off to `target` with rsi = zero page. */
struct kx_err kx_x86_boot_params(const struct kx_load_req *r, struct kx_plan *p,
				 const struct kx_x86_linux *lx, uint64_t rd_mem, uint64_t rd_len,
				 uint64_t target);
#endif
