/*
 * 32-bit ARM loaders: the zImage header (arch/arm/boot/compressed/head.S,
 * Documentation/arch/arm/booting.rst), its size table, and the layout of a
 * load. The device tree is edited by arm64's code (lib/arch/arm64/dtb.c,
 * kx_a64_dtb_build), shared as it is.
 */
#ifndef KX_LIB_ARM_H
#define KX_LIB_ARM_H
#include <stddef.h>
#include <stdint.h>
#include <kx/err.h>
#include <kx/loader.h>
#include <kx/plan.h>

#define KX_ZI_HDR_SIZE     0x40
#define KX_ZI_O_MAGIC      0x24
#define KX_ZI_O_START      0x28
#define KX_ZI_O_END        0x2c
#define KX_ZI_O_ENDIAN     0x30
#define KX_ZI_O_MAGIC2     0x34
#define KX_ZI_O_TABLE      0x38
#define KX_ZI_MAGIC        0x016f2818u
#define KX_ZI_ENDIAN_LE    0x04030201u   /* as a little-endian kernel writes it */
#define KX_ZI_ENDIAN_BE    0x01020304u   /* a big-endian (BE8) kernel's */
#define KX_ZI_MAGIC2       0x45454545u   /* "the table word follows" */
#define KX_ZI_TAG_KLSZ     0x5a534c4bu   /* "KLSZ": kernel size table entry */
#define KX_ZI_TEXT_OFFSET  0x8000u       /* TEXT_OFFSET when no table says it */
#define KX_ZI_RAM_ALIGN    (128ull << 20) /* AUTO_ZRELADDR: pc & ~(128 MiB - 1) */
#define KX_ZI_MAX          (64ull << 20)  /* a larger "zImage" is no kernel */
#define KX_ZI_MAX_KERNEL   (256ull << 20) /* unpacked kernel + bss limit */
/* the decompressor's own bss, stack and malloc area after its end, and
 * slack: kx reserves this much above the file */
#define KX_ZI_SLACK        (1ull << 20)
/* initrd and device tree inside the kernel's low memory (3G/1G split: about
 * 760 MiB from the start of RAM); kx keeps them in the first 512 MiB */
#define KX_ARM_LOWMEM      (512ull << 20)
#define KX_ARM_CMDLINE_MAX 1023          /* COMMAND_LINE_SIZE 1024, with the NUL */
#define KX_ARM_DTB_ALIGN   (1ull << 20)  /* never crosses a 1 MiB section */

/* ATAGS (arch/arm/include/uapi/asm/setup.h): lib/arch/arm/atags.c */
#define KX_ATAG_NONE       0x00000000u
#define KX_ATAG_CORE       0x54410001u
#define KX_ATAG_MEM        0x54410002u
#define KX_ATAG_INITRD2    0x54420005u
#define KX_ATAG_CMDLINE    0x54410009u
#define KX_ATAGS_MAX       4096u          /* the list kx builds: one page at most */
#define KX_ATAGS_MAX_MEM   32u            /* ATAG_MEM tags (runs of RAM) */
/* Where the list goes: at the start of RAM (the 128 MiB aligned base) +
 * 0x1000, below the kernel's initial page tables (TEXT_OFFSET - 16 KiB, 20
 * with LPAE) and inside the first 16 KiB booting.rst recommends; the same
 * place as kexec-tools' (its zImage at base + 0x8000, the list 0x7000 below). */
#define KX_ATAGS_OFFSET    0x1000u
#define KX_ATAGS_END       0x4000u
#define KX_ATAGS_PGD       0x5000u        /* the page tables' size below TEXT_OFFSET */

struct kx_zimage {
	uint32_t start, end;     /* the header's load/run address (0: any) and end */
	int have_table;          /* the KLSZ entry was found */
	uint32_t kernel_size;    /* unpacked kernel (its last word: the inflated size) */
	uint32_t bss_size;       /* the unpacked kernel's bss */
	uint32_t text_offset;    /* where the kernel goes from the start of RAM */
	uint32_t malloc_size;    /* the decompressor's heap */
	uint64_t kernel_mem;     /* text_offset + kernel + bss, page aligned: what the
				    unpacked kernel occupies from the start of RAM */
};

/* 1 if buf has the zImage magic at 0x24 (either byte order). */
int kx_zimage_probe(const uint8_t *buf, size_t len);
/*
 * Check a zImage and read its size table. Without one (kernels before
 * 3.15), the unpacked kernel is assumed to take 4 times the file plus
 * KX_ZI_SLACK. Errors: KX_E_TRUNCATED ("zImage header"), KX_E_BAD_HEADER
 * (what: "zImage magic", "zImage end", "zImage size table"; a: the value),
 * KX_E_BIG_ENDIAN (a: the endianness word).
 */
struct kx_err kx_zimage_parse(const uint8_t *buf, size_t len, struct kx_zimage *z);
/*
 * Build the ATAGS list (see atags.c) into buf (cap bytes, at most
 * KX_ATAGS_MAX used): ATAG_MEM from m's RAM, ATAG_INITRD2 for [initrd_start,
 * initrd_end) unless empty, ATAG_CMDLINE unless cmdline is NULL or "".
 * *len: the list's bytes. Errors: KX_E_CMDLINE_TOO_LONG (a: length, b: limit),
 * KX_E_NO_RAM (no RAM below 4 GiB), KX_E_TOO_MANY ("ATAG_MEM ranges", a: the
 * limit), KX_E_NO_SPACE ("ATAG_INITRD2": an initrd ending above 4 GiB or
 * reversed), KX_E_SCRATCH ("ATAGS", a: KX_ATAGS_MAX, b: cap).
 */
struct kx_err kx_arm_atags_build(const struct kx_memmap *m, uint64_t initrd_start,
				 uint64_t initrd_end, const char *cmdline, uint8_t *buf, size_t cap,
				 size_t *len);
/* The zImage loader: the plan and the hand-off (lib/arch/arm/zimage.c). */
struct kx_err kx_zimage_load(const struct kx_load_req *r, struct kx_plan *p);
#endif
