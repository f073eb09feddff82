/*
 * Which compression wraps an image, by its magic (docs/compression.md).
 * Nothing here trusts more than the bytes it reads: the decompressor
 * (libkx/unpack.c) checks the rest.
 */
#include <kx/bytes.h>
#include <kx/comp.h>

static int starts(const uint8_t *buf, size_t len, const char *magic, size_t n)
{
	return len >= n && !kx_memcmp(buf, magic, n);
}

/* Legacy .lzma: 1 byte lc/lp/pb, 4 bytes dictionary size, 8 bytes length
 * (all ones: unknown). No magic, so only headers as the lzma tools write
 * them: a valid properties byte, a dictionary of 2^n or 2^n + 2^(n-1)
 * bytes from 4 KiB, a length that is unknown or within kx's limit. */
static int lzma_alone(const uint8_t *b, size_t len)
{
	uint32_t dict, low;
	uint64_t n;

	if (len < 14 || b[0] >= 9 * 5 * 5)
		return 0;
	dict = kx_le32(b + 1);
	low = dict & (0u - dict);
	n = kx_le64(b + 5);
	if (dict < 4096 || (dict != low && dict != 3 * low))
		return 0;
	return n == UINT64_MAX || (n && n <= KX_UNPACK_MAX);
}

enum kx_comp kx_comp_detect(const uint8_t *buf, size_t len)
{
	if (!buf)
		return KX_COMP_NONE;
	if (starts(buf, len, "\x1f\x8b\x08", 3))
		return KX_COMP_GZIP;
	if (starts(buf, len, "BZh", 3) && len >= 10 && buf[3] >= '1' && buf[3] <= '9' &&
	    !kx_memcmp(buf + 4, "\x31\x41\x59\x26\x53\x59", 6))
		return KX_COMP_BZIP2;
	if (starts(buf, len, "\xfd\x37zXZ\0", 6))
		return KX_COMP_XZ;
	if (starts(buf, len, "\x89LZO\0\r\n\x1a\n", 9))
		return KX_COMP_LZO;
	if (starts(buf, len, "\x02\x21\x4c\x18", 4))
		return KX_COMP_LZ4_LEGACY;
	if (starts(buf, len, "\x04\x22\x4d\x18", 4))
		return KX_COMP_LZ4;
	if (starts(buf, len, "\x28\xb5\x2f\xfd", 4))
		return KX_COMP_ZSTD;
	if (lzma_alone(buf, len))
		return KX_COMP_LZMA;
	return KX_COMP_NONE;
}

const char *kx_comp_name(enum kx_comp c)
{
	static const char *const names[KX_COMP__END] = {
		[KX_COMP_GZIP] = "gzip", [KX_COMP_BZIP2] = "bzip2", [KX_COMP_LZMA] = "lzma",
		[KX_COMP_XZ] = "xz", [KX_COMP_LZO] = "lzo", [KX_COMP_LZ4_LEGACY] = "lz4-legacy",
		[KX_COMP_LZ4] = "lz4", [KX_COMP_ZSTD] = "zstd",
	};
	return (unsigned)c < KX_COMP__END ? names[c] : 0;
}
