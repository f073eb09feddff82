/*
 * U-Boot's legacy image ("uImage"): a 64-byte big-endian header (magic
 * 0x27051956, CRC-32 of the header and of the data, OS, architecture, type,
 * compression) before the payload. Architecture neutral: arm64 boots the
 * Image inside, 32-bit ARM will reuse it.
 */
#ifndef KX_UIMAGE_H
#define KX_UIMAGE_H
#include <stddef.h>
#include <stdint.h>
#include "comp.h"
#include "err.h"

#define KX_UIMAGE_MAGIC   0x27051956u
#define KX_UIMAGE_HDR     64
/* ih_os, ih_arch, ih_type values kx uses (U-Boot's include/image.h) */
#define KX_UI_OS_LINUX      5
#define KX_UI_ARCH_ARM      2
#define KX_UI_ARCH_I386     3
#define KX_UI_ARCH_ARM64    22
#define KX_UI_ARCH_X86_64   24
#define KX_UI_TYPE_KERNEL   2
#define KX_UI_TYPE_KERNEL_NOLOAD 14

struct kx_uimage {
	uint32_t size, load, ep;   /* payload length, load and entry addresses */
	uint8_t os, arch, type, ucomp;
	enum kx_comp comp;         /* the payload's compression (KX_COMP_NONE: raw) */
	const uint8_t *payload;
	char name[33];             /* ih_name, NUL-terminated */
};

/* buf starts with the uImage magic and is at least a header long. */
int kx_uimage_probe(const uint8_t *buf, size_t len);
/*
 * Parse and check a uImage holding a Linux kernel for architecture arch
 * (KX_UI_ARCH_*): both CRCs, the type (kernel or kernel_noload), the OS,
 * the compression (none, gzip, bzip2, lzma, lzo, lz4, zstd).
 * Errors: KX_E_TRUNCATED ("uImage header", "uImage data"), KX_E_UIMAGE
 * (a: enum kx_uimage_fault, b: the value found).
 */
struct kx_err kx_uimage_parse(const uint8_t *buf, size_t len, unsigned arch, struct kx_uimage *u);
/* CRC-32 (IEEE 802.3, as zlib's crc32) of n bytes, continuing from crc. */
uint32_t kx_crc32(uint32_t crc, const uint8_t *p, size_t n);
#endif
