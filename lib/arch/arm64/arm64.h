/*
 * arm64 loaders: the Image header (Documentation/arch/arm64/booting.rst),
 * the device tree handed to the next kernel,
 * and the reserved memory /proc/iomem nests inside System RAM.
 * Internal to lib/arch/arm64 and its unit tests; tool code includes
 * <kx/arch/arm64.h>, the public part.
 */
#ifndef KX_LIB_ARM64_H
#define KX_LIB_ARM64_H
#include <stddef.h>
#include <stdint.h>
#include <kx/err.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include <kx/range.h>
#include <kx/arch/arm64.h>

/* ---- the Image header ------------------------------------------------------ */
#define KX_A64_HDR_SIZE       64
#define KX_A64_O_TEXT_OFFSET  0x08
#define KX_A64_O_IMAGE_SIZE   0x10
#define KX_A64_O_FLAGS        0x18
#define KX_A64_O_MAGIC        0x38
#define KX_A64_MAGIC          0x644d5241u     /* "ARM\x64" */
#define KX_A64_FLAG_BE        0x1ull          /* bit 0: big-endian kernel */
#define KX_A64_FLAG_PAGE(f)   (((f) >> 1) & 3) /* bits 1-2: 0 unknown, 1 4K, 2 16K, 3 64K */
#define KX_A64_FLAG_ANYWHERE  0x8ull          /* bit 3: base anywhere in RAM */
#define KX_A64_LEGACY_TEXT    0x80000ull      /* text_offset when image_size is 0 */
#define KX_A64_MAX_IMAGE      (1ull << 30)    /* image_size / unpacked kernel limit */
#define KX_A64_KERNEL_ALIGN   (2ull << 20)    /* the base is 2 MiB aligned */
/* Every segment kx places on arm64 starts and ends on 64 KiB: valid whatever
 * page size (4K, 16K, 64K) the running kernel checks the plan against. */
#define KX_A64_SEG_ALIGN      (64ull << 10)
#define KX_A64_CMDLINE_MAX    2047            /* COMMAND_LINE_SIZE 2048, with the NUL */
#define KX_A64_DTB_MAX        (2ull << 20)    /* booting.rst: at most 2 MiB */

struct kx_a64_image {
	uint64_t text_offset;
	uint64_t image_size;   /* memory the kernel needs from its start (>= the file) */
	uint64_t flags;
	int legacy;            /* image_size was 0 (Linux < 3.17): assumptions made */
};

/* 1 if buf is an uncompressed arm64 Image (the magic at 0x38). */
int kx_a64_image_probe(const uint8_t *buf, size_t len);
/*
 * Check an uncompressed Image. Errors: KX_E_TRUNCATED ("arm64 Image header"),
 * KX_E_BAD_HEADER (what: "Image magic", "text_offset", "image_size"; a: the
 * value), KX_E_BIG_ENDIAN (a: the header's flags).
 */
struct kx_err kx_a64_image_parse(const uint8_t *buf, size_t len, struct kx_a64_image *im);

/*
 * An ELF vmlinux for arm64 (kexec-tools' "vmlinux" type): an ELF64 AArch64
 * executable whose lowest PT_LOAD starts with the Image header (_text).
 * Its Image is what objcopy -O binary makes of it: the PT_LOADs' file bytes
 * at their p_paddr offsets from the lowest one, gaps zeroed, through the
 * highest p_paddr + p_filesz. kx_a64_vmlinux_image: *size (always) is that
 * length; out (cap bytes, zeroed by the caller) gets the Image when not NULL.
 * Errors: those of kx_elf_parse, KX_E_WRONG_MACHINE, KX_E_BAD_HEADER
 * ("vmlinux: no Image header at its start", "vmlinux size"), KX_E_SCRATCH.
 */
int kx_a64_vmlinux_probe(const uint8_t *buf, size_t len);
struct kx_err kx_a64_vmlinux_image(const uint8_t *buf, size_t len, uint8_t *out, size_t cap,
				   size_t *size);

/* The loader (lib/arch/arm64/loaders.c): a plain Image (wrappings are undone before). */
struct kx_err kx_a64_image_load(const struct kx_load_req *r, struct kx_plan *p);

/* ---- the device tree (lib/arch/arm64/dtb.c, libfdt) -------------------------------- */
struct kx_a64_dt_args {
	const char *cmdline;         /* bootargs; "" removes the property */
	uint64_t initrd_start, initrd_end; /* [start, end); both 0: no initrd */
	const uint8_t *rng_seed;     /* fresh rng-seed bytes, or NULL (stale one removed) */
	size_t rng_seed_len;
	int have_kaslr_seed;         /* set a fresh kaslr-seed, else remove it */
	uint64_t kaslr_seed;
};
/*
 * Copy the device tree src (srclen bytes available) into out (cap bytes),
 * then in /chosen (made if missing): set bootargs, linux,initrd-start/-end,
 * rng-seed, kaslr-seed as args say; remove linux,elfcorehdr and
 * linux,usable-memory-range (a crash kernel's), a stale initrd's properties
 * and its /memreserve/ entry. Everything else is left as it was. The result
 * is packed; *outlen is its size (at most KX_A64_DTB_MAX).
 * Errors: KX_E_DTB (a: enum kx_dtb_fault, b: libfdt's error), KX_E_DTB_TOO_BIG,
 * KX_E_TRUNCATED ("device tree"), KX_E_SCRATCH ("device tree").
 */
struct kx_err kx_a64_dtb_build(const uint8_t *src, size_t srclen, uint8_t *out, size_t cap,
			       const struct kx_a64_dt_args *args, size_t *outlen);
/* Is src (srclen bytes) a sound device tree? The errors of kx_a64_dtb_build. */
struct kx_err kx_a64_dtb_check(const uint8_t *src, size_t srclen);
/* Bytes out must hold for kx_a64_dtb_build of src with this command line. */
size_t kx_a64_dtb_room(const uint8_t *src, size_t srclen, size_t cmdline_len);

/* ---- memory (lib/arch/arm64/memmap.c) and kx_a64_kernel_mem (image.c): the public
 * part, include/kx/arch/arm64.h ------------------------------------------------------ */
#endif
