/* The .xz container, walked backward (include/kx/xz.h). Every field is read
 * through the byte readers and checked against the bytes that hold it. */
#include <kx/bytes.h>
#include <kx/err.h>
#include <kx/uimage.h> /* kx_crc32 */
#include <kx/xz.h>

#define VLI_BYTES 9
#define VLI_MAX   (UINT64_MAX / 2)   /* the format's integers: 63 bits */
#define BLOCK_MIN 9                  /* block header (8 at least) and one byte of data */

static const uint8_t magic[6] = { 0xFD, '7', 'z', 'X', 'Z', 0 };

static unsigned check_size(unsigned type)
{
	return type ? 4u << ((type - 1) / 3) : 0; /* 0, 4,4,4, 8,8,8, 16.., 32.., 64.. */
}

/* One variable-length integer at *pos, below lim. */
static int vli(const uint8_t *p, size_t *pos, size_t lim, uint64_t *v)
{
	unsigned i;

	*v = 0;
	for (i = 0; i < VLI_BYTES; i++) {
		uint8_t b;
		if (*pos >= lim)
			return KX_UNPACK_CORRUPT;
		b = p[(*pos)++];
		if (i && !b)
			return KX_UNPACK_CORRUPT; /* not the shortest encoding */
		*v |= (uint64_t)(b & 0x7F) << (7 * i);
		if (!(b & 0x80))
			return *v <= VLI_MAX ? 0 : KX_UNPACK_CORRUPT;
	}
	return KX_UNPACK_CORRUPT;
}

/* the stream flags: a reserved zero byte, then the check type */
static int flags_ok(const uint8_t *f)
{
	return !f[0] && !(f[1] & 0xF0);
}

static int footer(const uint8_t *f)
{
	if (f[10] != 'Y' || f[11] != 'Z')
		return KX_UNPACK_CORRUPT;
	if (kx_crc32(0, f + 4, 6) != kx_le32(f))
		return KX_UNPACK_CHECK;
	return flags_ok(f + 8) ? 0 : KX_UNPACK_UNSUPPORTED;
}

size_t kx_xz_unpad(const uint8_t *buf, size_t pos)
{
	while (pos >= 4 && !kx_le32(buf + pos - 4))
		pos -= 4;
	return pos;
}

int kx_xz_end(const uint8_t *buf, size_t len, size_t *end)
{
	int f = KX_UNPACK_TRUNCATED;
	unsigned tail;

	if (!buf)
		return KX_UNPACK_TRUNCATED;
	/* as the file is, then without 4 appended bytes */
	for (tail = 0; tail <= 4; tail += 4) {
		size_t e;
		int r;
		if (len < tail + KX_XZ_HDR)
			break;
		if (tail && !kx_memcmp(buf + len - tail, magic, tail))
			break; /* the start of another stream, not a length */
		e = kx_xz_unpad(buf, len - tail);
		if (e < KX_XZ_HDR || buf[e - 2] != 'Y' || buf[e - 1] != 'Z')
			continue;
		if (e & 3)
			r = KX_UNPACK_CORRUPT; /* streams are multiples of 4 bytes, from 0 */
		else if (!(r = footer(buf + e - KX_XZ_HDR))) {
			*end = e;
			return 0;
		}
		f = r; /* a footer's magic, and something wrong in it */
	}
	return f;
}

int kx_xz_stream(const uint8_t *buf, size_t end, struct kx_xz_stream *s)
{
	const uint8_t *ft;
	uint64_t back, n, k, blocks = 0, out = 0;
	size_t i0, pos, lim;
	unsigned csize;
	int r;

	if (!buf || end < 2 * KX_XZ_HDR)
		return KX_UNPACK_CORRUPT;
	ft = buf + end - KX_XZ_HDR;
	if ((r = footer(ft)))
		return r;
	csize = check_size(ft[9]);
	back = ((uint64_t)kx_le32(ft + 4) + 1) * 4;
	if (back > end - 2 * KX_XZ_HDR)
		return KX_UNPACK_CORRUPT; /* the index would start before the file */
	/* the index: indicator, count, records, padding, CRC-32 */
	lim = end - KX_XZ_HDR - 4;
	i0 = end - KX_XZ_HDR - (size_t)back;
	pos = i0;
	if (buf[pos++] != 0)
		return KX_UNPACK_CORRUPT;
	if ((r = vli(buf, &pos, lim, &n)))
		return r;
	if (n > (lim - pos) / 2) /* each record takes two bytes at least */
		return KX_UNPACK_CORRUPT;
	for (k = 0; k < n; k++) {
		uint64_t unpadded, size;
		if ((r = vli(buf, &pos, lim, &unpadded)) || (r = vli(buf, &pos, lim, &size)))
			return r;
		if (unpadded < BLOCK_MIN + csize || unpadded > VLI_MAX - 3)
			return KX_UNPACK_CORRUPT;
		unpadded = (unpadded + 3) & ~(uint64_t)3;
		if (blocks > UINT64_MAX - unpadded || out > UINT64_MAX - size)
			return KX_UNPACK_CORRUPT;
		blocks += unpadded;
		out += size;
	}
	while ((pos - i0) & 3) {
		if (pos >= lim || buf[pos++])
			return KX_UNPACK_CORRUPT;
	}
	if (pos != lim)
		return KX_UNPACK_CORRUPT; /* the index is not the size the footer says */
	if (kx_crc32(0, buf + i0, lim - i0) != kx_le32(buf + lim))
		return KX_UNPACK_CHECK;
	/* the blocks, and the stream header before them */
	if (blocks > i0 - KX_XZ_HDR)
		return KX_UNPACK_CORRUPT;
	pos = i0 - (size_t)blocks - KX_XZ_HDR;
	if (kx_memcmp(buf + pos, magic, sizeof(magic)))
		return KX_UNPACK_CORRUPT;
	if (buf[pos + 6] != ft[8] || buf[pos + 7] != ft[9])
		return KX_UNPACK_CORRUPT; /* the header's flags are the footer's */
	if (kx_crc32(0, buf + pos + 6, 2) != kx_le32(buf + pos + 8))
		return KX_UNPACK_CHECK;
	s->off = pos;
	s->len = end - pos;
	s->out = out;
	s->blocks = n;
	s->check = ft[9];
	return 0;
}

/* CRC-64 (ECMA-182, reflected, as xz), four bits at a time: a 16-entry table, no state */
uint64_t kx_crc64(uint64_t crc, const uint8_t *p, size_t n)
{
	static const uint64_t t[16] = {
		0x0000000000000000ull, 0x7d9ba13851336649ull, 0xfb374270a266cc92ull, 0x86ace348f355aadbull,
		0x64b62bcaebc387a1ull, 0x192d8af2baf0e1e8ull, 0x9f8169ba49a54b33ull, 0xe21ac88218962d7aull,
		0xc96c5795d7870f42ull, 0xb4f7f6ad86b4690bull, 0x325b15e575e1c3d0ull, 0x4fc0b4dd24d2a599ull,
		0xadda7c5f3c4488e3ull, 0xd041dd676d77eeaaull, 0x56ed3e2f9e224471ull, 0x2b769f17cf112238ull,
	};
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ t[crc & 15];
		crc = (crc >> 4) ^ t[crc & 15];
	}
	return ~crc;
}

int kx_xz_verify(const uint8_t *buf, const struct kx_xz_stream *s, const uint8_t *out, size_t out_len)
{
	const uint8_t *ft;
	size_t pos, lim, blk, o = 0;
	uint64_t n, k;

	if (s->check != 4)
		return 0;
	/* the index again (kx_xz_stream checked it): the blocks' sizes in order */
	ft = buf + s->off + s->len - KX_XZ_HDR;
	lim = s->off + s->len - KX_XZ_HDR - 4;
	pos = s->off + s->len - KX_XZ_HDR - ((size_t)kx_le32(ft + 4) + 1) * 4 + 1;
	blk = s->off + KX_XZ_HDR;
	if (vli(buf, &pos, lim, &n))
		return KX_UNPACK_CORRUPT;
	for (k = 0; k < n; k++) {
		uint64_t unpadded, size;
		if (vli(buf, &pos, lim, &unpadded) || vli(buf, &pos, lim, &size) || size > out_len - o)
			return KX_UNPACK_CORRUPT;
		if (kx_le64(buf + blk + (((size_t)unpadded - 8 + 3) & ~(size_t)3)) !=
		    kx_crc64(0, out + o, (size_t)size))
			return KX_UNPACK_CHECK;
		blk += ((size_t)unpadded + 3) & ~(size_t)3;
		o += (size_t)size;
	}
	return 0;
}

int kx_xz_size(const uint8_t *buf, size_t len, uint64_t max, uint64_t *total, size_t *streams)
{
	struct kx_xz_stream s;
	uint64_t t = 0;
	size_t e, k = 0;
	int r;

	if ((r = kx_xz_end(buf, len, &e)))
		return r;
	for (;;) {
		if ((r = kx_xz_stream(buf, e, &s)))
			return r;
		if (s.out > max - t)
			return KX_UNPACK_TOO_BIG;
		t += s.out;
		k++;
		if (!s.off)
			break;
		e = kx_xz_unpad(buf, s.off); /* (streams are multiples of 4 bytes) */
		if (e < 2 * KX_XZ_HDR)
			return KX_UNPACK_CORRUPT; /* bytes before the first stream */
	}
	*total = t;
	*streams = k;
	return 0;
}
