/*
 * arm64 loaders: the Image header (Documentation/arch/arm64/booting.rst),
 * gzip and EFI zboot unwrapping, the device tree handed to the next kernel,
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

/* 1 if buf is gzip data that starts with an arm64 Image (Image.gz). */
int kx_a64_gzip_probe(const uint8_t *buf, size_t len);
/* 1 if buf is an EFI zboot image ("MZ" + "zimg"), whatever its codec. */
int kx_a64_zboot_probe(const uint8_t *buf, size_t len);

struct kx_zboot {
	uint32_t payload_off, payload_len;
	char comp[32];         /* compression type, NUL-terminated ("gzip", "zstd", ...) */
};
/* The zboot header (drivers/firmware/efi/libstub/zboot-header.S); the
 * payload lies inside buf. Errors: KX_E_TRUNCATED, KX_E_BAD_HEADER. */
struct kx_err kx_zboot_parse(const uint8_t *buf, size_t len, struct kx_zboot *z);

/*
 * Find the uncompressed Image in r->image: the file itself, or what its gzip
 * data (Image.gz, or a zboot payload) holds, unpacked into memory from
 * r->sys->alloc. *what names the wrapping, as a plan type: "image",
 * "image-gz", "zboot". Codecs other than gzip are refused with a sentence.
 */
struct kx_err kx_a64_unwrap(const struct kx_load_req *r, const uint8_t **img, size_t *len,
			    const char **what);

/* The loaders (lib/arch/arm64/loaders.c): all three unwrap, then load the Image. */
struct kx_err kx_a64_image_load(const struct kx_load_req *r, struct kx_plan *p);

/* ---- gzip / deflate (lib/arch/arm64/inflate.c) ------------------------------------ */
/*
 * Unpack the gzip member at the start of in (RFC 1952; raw deflate inside,
 * RFC 1951) into out (cap bytes). With partial = 1, stop without error once
 * out is full (for probing); otherwise the data must fit, and its CRC32 and
 * length are checked against the trailer. *outlen: bytes written; *used (may
 * be NULL): bytes of in the member took, trailer included.
 * Errors: KX_E_TRUNCATED ("gzip header", "gzip data", "gzip trailer"), KX_E_GZIP
 * (a: KX_GZ_NO_HEADER, KX_GZ_TOO_BIG, KX_GZ_DEFLATE, KX_GZ_LENGTH, KX_GZ_CRC).
 */
struct kx_err kx_gunzip(const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
			int partial, size_t *outlen, size_t *used);
/* 1 if in starts with a gzip header (magic, deflate, sane flags). */
int kx_gzip_probe(const uint8_t *in, size_t inlen);
/* CRC-32 (IEEE, as gzip) of buf, continuing from crc (0 to start). */
uint32_t kx_crc32(uint32_t crc, const uint8_t *buf, size_t len);

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
