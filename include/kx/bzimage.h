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
/*
 * The kernel proper unpacked at load time (lib/arch/x86_64/unpacked.c,
 * docs/compression.md): kx decompresses the payload, finds the ELF vmlinux
 * in it and the relocation table after it, applies the table for a virtual
 * offset it picks like the kernel's decompressor (KASLR), and enters the
 * kernel proper's 64-bit entry, so the next kernel skips its decompressor.
 */
#define KX_X86_KASLR_FLAG 0x02            /* loadflags: KASLR_FLAG, set by the decompressor */
#define KX_X86_KERNEL_IMAGE_SIZE (1ull << 30) /* the kernel's virtual window with
						 CONFIG_RANDOMIZE_BASE (KERNEL_IMAGE_SIZE) */

/* What became of the bzImage's kernel (the plan's `unpacked`). */
enum kx_unpacked {
	KX_UNPACKED_UNSET = 0,     /* not an x86_64 bzImage plan */
	KX_UNPACKED_DONE,          /* unpacked and relocated by kx */
	KX_UNPACKED_OFF,           /* the caller said no (--no-unpack) */
	KX_UNPACKED_CRASH,         /* a crash kernel: loaded as it is */
	KX_UNPACKED_NO_UNPACKER,   /* no decompression layer to call */
	KX_UNPACKED_NOT_RELOCATABLE, /* the setup header says it is not relocatable */
	KX_UNPACKED_NO_PAYLOAD,    /* payload_offset/payload_length name no payload */
	KX_UNPACKED_CODEC,         /* the payload's compression is unknown */
	KX_UNPACKED_UNPACK,        /* the decompressor declined (unpack_fault: enum
				      kx_unpack_fault; no codec in this build, too big...) */
	KX_UNPACKED_SIZE,          /* it unpacked to another size than its trailer says */
	KX_UNPACKED_NOT_ELF,       /* no ELF vmlinux inside (or not an x86-64 ELF64) */
	KX_UNPACKED_ELF_LAYOUT,    /* its PT_LOADs are not where a vmlinux has them
				      (the first at pref_address, virtual = physical +
				      __START_KERNEL_map), or the entry is outside */
	KX_UNPACKED_RELOCS,        /* its relocation table is unusable (unpack_fault:
				      enum kx_reloc_fault) */
	KX_UNPACKED_NO_ROOM,       /* the plan had no room for it unpacked */
	KX_UNPACKED__END
};

/* How the virtual and physical offsets were chosen (the plan's `kaslr`). */
enum kx_kaslr {
	KX_KASLR_UNSET = 0,
	KX_KASLR_RANDOM,           /* randomized, KASLR_FLAG set */
	KX_KASLR_CMDLINE,          /* nokaslr on the command line */
	KX_KASLR_NO_SEED,          /* no random bytes were given */
	KX_KASLR_NOT_BUILT,        /* the kernel has no CONFIG_RANDOMIZE_BASE */
	KX_KASLR__END
};

/*
 * The relocation table (arch/x86/tools/relocs, appended to vmlinux.bin
 * before compression): little-endian 32-bit words from `start` to the end
 * of the unpacked payload: 0, the 64-bit list, 0, the inverse 32-bit list,
 * 0, the 32-bit list. An entry is the low 32 bits of the kernel virtual
 * address of the field, sign-extended; no entry is 0.
 */
enum kx_reloc_fault {
	KX_RELOC_OK = 0,
	KX_RELOC_SHORT,            /* fewer than three words, or not whole words */
	KX_RELOC_LAYOUT,           /* not three zero words, the first at start */
	KX_RELOC_OUTSIDE,          /* an entry names a field outside the image's file bytes */
	KX_RELOC__END
};
struct kx_x86_relocs {
	const uint8_t *r64, *rinv, *r32; /* each list's first entry */
	uint32_t n64, ninv, n32;
};
/* Parse the table at buf[start, len). Returns enum kx_reloc_fault. */
int kx_x86_relocs_parse(const uint8_t *buf, size_t len, size_t start, struct kx_x86_relocs *t);
struct kx_elf;
/* Check every entry against the PT_LOADs of e (buf: the ELF): each field
 * lies in some PT_LOAD's file bytes. KX_RELOC_OK, or KX_RELOC_OUTSIDE with
 * *bad = the offending entry's value. */
int kx_x86_relocs_check(const uint8_t *buf, size_t len, const struct kx_elf *e,
			const struct kx_x86_relocs *t, uint32_t *bad);
/* Apply a checked table for a virtual offset delta (64-bit fields += delta,
 * 32-bit += delta, inverse 32-bit -= delta), as the decompressor does. */
void kx_x86_relocs_apply(uint8_t *buf, size_t len, const struct kx_elf *e,
			 const struct kx_x86_relocs *t, uint64_t delta);
/* Does the bzImage's decompressor know nokaslr (CONFIG_RANDOMIZE_BASE)? */
int kx_bzimage_has_kaslr(const uint8_t *buf, size_t len, const struct kx_bzimage *bz);
/* Try to plan the kernel unpacked; returns enum kx_unpacked (DONE: the
 * plan holds the kernel, the initrds and the boot parameters; otherwise the
 * plan is as it was and the caller loads the bzImage as it is) or, for a
 * payload that is damaged, an error in *err. */
int kx_bzimage_load_unpacked(const struct kx_load_req *r, struct kx_plan *p,
			     const struct kx_bzimage *bz, struct kx_err *err);
#endif
