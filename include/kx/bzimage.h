/* x86 Linux bzImage: the setup header (Documentation/arch/x86/boot.rst). */
#ifndef KX_BZIMAGE_H
#define KX_BZIMAGE_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "loader.h"

#define KX_BZ_MIN_VERSION 0x020c     /* 2.12: xloadflags */
#define KX_XLF_KERNEL_64           0x01
#define KX_XLF_CAN_BE_LOADED_ABOVE_4G 0x02
#define KX_XLF_EFI_KEXEC           0x10  /* takes EFI runtime state across kexec */
#define KX_XLF_5LEVEL              0x20  /* can be entered with 5-level paging on */

struct kx_bzimage {
	uint16_t version;
	uint8_t setup_sects;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint32_t cmdline_size;
	uint32_t init_size;
	uint64_t pref_address;
	size_t hdr_end;        /* end of the setup header (0x202 + byte at 0x201) */
	size_t setup_len;      /* (setup_sects + 1) * 512 */
	const uint8_t *kernel; /* protected-mode part */
	size_t kernel_len;
};

/* Lowest address a 32-bit kernel without PAE cannot reach through its direct
 * map (896 MiB): i386 loads keep the kernel and initrd below it. */
#define KX_X86_32_LOWMEM 0x38000000ull

/* The header, checked; kx_bzimage_parse also wants the 64-bit entry
 * (XLF_KERNEL_64: KX_E_NOT_64BIT), kx_bzimage_parse_hdr does not (i386). */
struct kx_err kx_bzimage_parse(const uint8_t *buf, size_t len, struct kx_bzimage *bz);
struct kx_err kx_bzimage_parse_hdr(const uint8_t *buf, size_t len, struct kx_bzimage *bz);
int kx_bzimage_probe(const uint8_t *buf, size_t len);
/* x86_64: the 64-bit entry (startup_64 at kernel + 0x200) */
struct kx_err kx_bzimage_load(const struct kx_load_req *r, struct kx_plan *p);
/* i386: the 32-bit boot protocol (code32_start, esi = zero page), below
 * KX_X86_32_LOWMEM; any bzImage, 32- or 64-bit */
struct kx_err kx_bzimage_load32(const struct kx_load_req *r, struct kx_plan *p);
#endif
