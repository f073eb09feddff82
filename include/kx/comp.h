/*
 * Compressed images (docs/compression.md). lib/ recognises the wrapping by
 * its magic (pure: kx_comp_detect); unpacking is the system side's
 * (libkx/unpack.c, through zlib, libbz2, liblzma, liblz4, liblzo2 and
 * libzstd), reached by lib/'s loaders through kx_sysinfo's unpack hook.
 */
#ifndef KX_COMP_H
#define KX_COMP_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

enum kx_comp {
	KX_COMP_NONE = 0,
	KX_COMP_GZIP,       /* RFC 1952, members back to back */
	KX_COMP_BZIP2,      /* "BZh1".."BZh9" */
	KX_COMP_LZMA,       /* legacy .lzma (LZMA_Alone): Linux's KERNEL_LZMA */
	KX_COMP_XZ,         /* .xz: Linux's KERNEL_XZ */
	KX_COMP_LZO,        /* lzop's container of LZO1X blocks: Linux's KERNEL_LZO */
	KX_COMP_LZ4_LEGACY, /* lz4 -l: Linux's KERNEL_LZ4 */
	KX_COMP_LZ4,        /* the LZ4 frame format */
	KX_COMP_ZSTD,       /* zstd frames: Linux's KERNEL_ZSTD */
	KX_COMP__END
};

/* The most an image may unpack to: 32 times its packed size (kernels
 * compress 3 to 8 times), at least 64 MiB, never more than 512 MiB. A larger
 * output is refused with KX_E_UNPACK (KX_UNPACK_TOO_BIG), never produced: a
 * decompression bomb fails after at most that much memory, it does not eat
 * the machine. */
#define KX_UNPACK_MAX   (512ull << 20)
#define KX_UNPACK_MIN   (64ull << 20)
#define KX_UNPACK_RATIO 32
static inline uint64_t kx_unpack_bound(uint64_t packed)
{
	uint64_t b = packed > KX_UNPACK_MAX / KX_UNPACK_RATIO ? KX_UNPACK_MAX : packed * KX_UNPACK_RATIO;
	return b < KX_UNPACK_MIN ? KX_UNPACK_MIN : b;
}
/* Wrappings kx undoes one inside the other (a uImage holding gzip ...). */
#define KX_UNWRAP_DEPTH 4

/* The compression whose magic starts buf, or KX_COMP_NONE. Legacy .lzma has
 * no magic: its header (properties, dictionary size, length) must be
 * plausible, and the caller tries it only when nothing else claims buf. */
enum kx_comp kx_comp_detect(const uint8_t *buf, size_t len);
/* "gzip", "bzip2", "lzma", "xz", "lzo", "lz4-legacy", "lz4", "zstd"; NULL
 * for KX_COMP_NONE or an unknown value. */
const char *kx_comp_name(enum kx_comp c);

/* EFI zboot (lib/zboot.c): "MZ" and "zimg" at 4. The payload lies inside
 * the file; comp is its compression's name as the header gives it. */
struct kx_zboot {
	uint32_t payload_off, payload_len;
	char comp[32];         /* NUL-terminated ("gzip", "zstd", ...) */
};
int kx_zboot_probe(const uint8_t *buf, size_t len);
/* Errors: KX_E_TRUNCATED, KX_E_BAD_HEADER. */
struct kx_err kx_zboot_parse(const uint8_t *buf, size_t len, struct kx_zboot *z);

/*
 * The decompressor: unpack len bytes at in, of compression c, into memory
 * the load owns (*out, valid until the load is freed), at most max bytes
 * (max <= KX_UNPACK_MAX). Errors: KX_E_UNPACK (a: c, b: enum
 * kx_unpack_fault), KX_E_NO_UNPACK_MEMORY.
 */
typedef struct kx_err (*kx_unpack_fn)(void *ctx, enum kx_comp c, const uint8_t *in, size_t len,
				      uint64_t max, const uint8_t **out, size_t *outlen);
#endif
