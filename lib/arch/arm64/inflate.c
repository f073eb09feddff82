/*
 * gzip (RFC 1952) and deflate (RFC 1951) decoding, written from the RFCs,
 * for arm64 kernels shipped as Image.gz or as EFI zboot images. Pure: no
 * allocation (the caller gives the output buffer, the tables live on the
 * stack, about 4 KiB), no I/O. Every input byte read and every output byte
 * written is bounds checked; hostile data ends in an error, never outside
 * the buffers (tests/unit/arm64 feeds it truncated, corrupt and random data,
 * and tests/unit/arm64/fuzz_arm64.c fuzzes it).
 *
 * Huffman codes are decoded with a 10-bit lookup table; longer codes (rare)
 * are decoded bit by bit in canonical order.
 */
#include <kx/bytes.h>
#include "arm64.h"

#define FAST_BITS 10
#define MAX_BITS  15

struct huff {
	uint16_t count[MAX_BITS + 1]; /* codes of each length */
	uint16_t sym[288];            /* symbols in canonical order */
	uint16_t fast[1 << FAST_BITS];/* (length << 9 | symbol), 0 = not in the table */
};

struct inf {
	const uint8_t *p, *end;       /* input not yet in the bit buffer */
	uint64_t bits;                /* bit buffer, LSB first */
	unsigned n;                   /* bits in it */
	unsigned pad;                 /* zero bytes fed in past the end of the input */
	uint8_t *out;
	size_t pos, cap;
	int partial;                  /* stop quietly when out is full */
	int full;                     /* it was */
	struct huff lit, dist;
};

enum { OK, E_TRUNC, E_DATA, E_FULL };

static void refill(struct inf *s)
{
	if (s->end - s->p >= 8) {
		s->bits |= kx_le64(s->p) << s->n;
		s->p += (63 - s->n) >> 3;
		s->n |= 56;
		return;
	}
	while (s->n <= 56) {
		uint64_t b = 0;
		if (s->p < s->end)
			b = *s->p++;
		else
			s->pad++;
		s->bits |= b << s->n;
		s->n += 8;
	}
}

/* Were bits taken that the input never had? */
static int overrun(const struct inf *s)
{
	return (uint64_t)s->pad * 8 > s->n;
}

static uint32_t getbits(struct inf *s, unsigned k) /* k <= 32 */
{
	uint32_t v;

	if (s->n < k)
		refill(s);
	v = (uint32_t)(s->bits & ((1ull << k) - 1));
	s->bits >>= k;
	s->n -= k;
	return v;
}

/* Build the decoding tables for `n` code lengths. Over-subscribed codes and
 * incomplete ones are errors, but for a single code of length 1 and for no
 * code at all (a block of literals only has no distance codes), as zlib. */
static int build(struct huff *h, const uint8_t *len, unsigned n)
{
	uint16_t offs[MAX_BITS + 2];
	unsigned i, l, code, max = 0;
	int left = 1;

	kx_memset(h->count, 0, sizeof(h->count));
	kx_memset(h->fast, 0, sizeof(h->fast));
	for (i = 0; i < n; i++)
		h->count[len[i]]++;
	for (l = 1; l <= MAX_BITS; l++) {
		left <<= 1;
		left -= h->count[l];
		if (left < 0)
			return E_DATA;     /* over-subscribed */
		if (h->count[l])
			max = l;
	}
	if (!max)
		return OK;                 /* nothing decodes: every lookup fails */
	if (left > 0 && max != 1)
		return E_DATA;             /* incomplete */
	offs[1] = 0;
	for (l = 1; l <= MAX_BITS; l++)
		offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
	for (i = 0; i < n; i++)
		if (len[i])
			h->sym[offs[len[i]]++] = (uint16_t)i;
	/* the fast table, indexed by the next FAST_BITS input bits */
	code = 0;
	i = 0;
	for (l = 1; l <= FAST_BITS; l++) {
		unsigned k;
		for (k = 0; k < h->count[l]; k++, i++, code++) {
			unsigned rev = 0, b, j;
			for (b = 0; b < l; b++)
				rev |= ((code >> b) & 1) << (l - 1 - b);
			for (j = rev; j < (1u << FAST_BITS); j += 1u << l)
				h->fast[j] = (uint16_t)(l << 9 | h->sym[i]);
		}
		code <<= 1;
	}
	return OK;
}

/* The next symbol, or -1 for a bit pattern that is no code. */
static int decode(struct inf *s, const struct huff *h)
{
	unsigned e, l;
	int code = 0, first = 0, index = 0, count;

	if (s->n < MAX_BITS)
		refill(s);
	e = h->fast[s->bits & ((1u << FAST_BITS) - 1)];
	if (e) {
		l = e >> 9;
		s->bits >>= l;
		s->n -= l;
		return (int)(e & 0x1ff);
	}
	for (l = 1; l <= MAX_BITS; l++) {
		code |= (int)((s->bits >> (l - 1)) & 1);
		count = h->count[l];
		if (code - first < count) {
			s->bits >>= l;
			s->n -= l;
			return h->sym[index + code - first];
		}
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	return -1;
}

static int put(struct inf *s, uint8_t b)
{
	if (s->pos >= s->cap) {
		s->full = 1;
		return E_FULL;
	}
	s->out[s->pos++] = b;
	return OK;
}

static int stored(struct inf *s)
{
	unsigned len, nlen;

	getbits(s, s->n & 7); /* to a byte boundary */
	len = getbits(s, 16);
	nlen = getbits(s, 16);
	if (overrun(s))
		return E_TRUNC;
	if ((len ^ 0xffff) != nlen)
		return E_DATA;
	/* first what the bit buffer holds, whole bytes now */
	while (len && s->n >= 8) {
		if (put(s, (uint8_t)getbits(s, 8)))
			return E_FULL;
		if (overrun(s))
			return E_TRUNC;
		len--;
	}
	if (!len)
		return OK;
	/* the buffer is empty: forget the look-ahead bits above n (refill
	 * relies on them being the bytes at s->p, which we now skip) */
	s->bits = 0;
	if ((size_t)(s->end - s->p) < len)
		return E_TRUNC;
	if (s->cap - s->pos < len) {
		size_t k = s->cap - s->pos;
		kx_memcpy(s->out + s->pos, s->p, k);
		s->pos += k;
		s->full = 1;
		return E_FULL;
	}
	kx_memcpy(s->out + s->pos, s->p, len);
	s->pos += len;
	s->p += len;
	return OK;
}

static const uint16_t len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
				       35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
				       3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
					193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
					6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
					7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

static int codes(struct inf *s)
{
	for (;;) {
		int sym = decode(s, &s->lit);
		unsigned len, dist, extra;

		if (sym < 0)
			return overrun(s) ? E_TRUNC : E_DATA;
		if (overrun(s))
			return E_TRUNC;
		if (sym < 256) {
			if (s->pos >= s->cap) {
				s->full = 1;
				return E_FULL;
			}
			s->out[s->pos++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			return OK;
		sym -= 257;
		if (sym >= 29)
			return E_DATA;
		extra = len_extra[sym];
		len = len_base[sym] + (extra ? getbits(s, extra) : 0);
		sym = decode(s, &s->dist);
		if (sym < 0)
			return overrun(s) ? E_TRUNC : E_DATA;
		if (sym >= 30)
			return E_DATA;
		extra = dist_extra[sym];
		dist = dist_base[sym] + (extra ? getbits(s, extra) : 0);
		if (overrun(s))
			return E_TRUNC;
		if (dist > s->pos)
			return E_DATA;         /* before the start of the output */
		if (s->cap - s->pos < len) {
			len = (unsigned)(s->cap - s->pos);
			s->full = 1;
		}
		{
			uint8_t *d = s->out + s->pos;
			const uint8_t *from = d - dist;
			unsigned i;
			for (i = 0; i < len; i++)
				d[i] = from[i];
			s->pos += len;
		}
		if (s->full)
			return E_FULL;
	}
}

static int fixed(struct inf *s)
{
	uint8_t len[288];
	unsigned i;

	for (i = 0; i < 144; i++)
		len[i] = 8;
	for (; i < 256; i++)
		len[i] = 9;
	for (; i < 280; i++)
		len[i] = 7;
	for (; i < 288; i++)
		len[i] = 8;
	build(&s->lit, len, 288);
	for (i = 0; i < 32; i++)           /* 30 and 31 decode, and are refused */
		len[i] = 5;
	build(&s->dist, len, 32);
	return codes(s);
}

static int dynamic(struct inf *s)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2,
					   14, 1, 15 };
	uint8_t len[286 + 30];
	unsigned nlen, ndist, ncode, i;
	int e;

	nlen = getbits(s, 5) + 257;
	ndist = getbits(s, 5) + 1;
	ncode = getbits(s, 4) + 4;
	if (overrun(s))
		return E_TRUNC;
	if (nlen > 286 || ndist > 30)
		return E_DATA;
	for (i = 0; i < ncode; i++)
		len[order[i]] = (uint8_t)getbits(s, 3);
	for (; i < 19; i++)
		len[order[i]] = 0;
	if (overrun(s))
		return E_TRUNC;
	if ((e = build(&s->lit, len, 19)))   /* the code length code */
		return e;
	for (i = 0; i < nlen + ndist;) {
		int sym = decode(s, &s->lit);
		unsigned rep, v = 0;

		if (sym < 0)
			return overrun(s) ? E_TRUNC : E_DATA;
		if (sym < 16) {
			len[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return E_DATA;     /* nothing to repeat */
			v = len[i - 1];
			rep = 3 + getbits(s, 2);
		} else if (sym == 17) {
			rep = 3 + getbits(s, 3);
		} else {
			rep = 11 + getbits(s, 7);
		}
		if (overrun(s))
			return E_TRUNC;
		if (i + rep > nlen + ndist)
			return E_DATA;
		while (rep--)
			len[i++] = (uint8_t)v;
	}
	if (!len[256])
		return E_DATA;                 /* no end-of-block code */
	if ((e = build(&s->lit, len, nlen)) || (e = build(&s->dist, len + nlen, ndist)))
		return e;
	return codes(s);
}

/* Raw deflate from s->p; returns OK at the end of the last block. */
static int inflate(struct inf *s)
{
	int last, e;

	do {
		unsigned type;
		last = (int)getbits(s, 1);
		type = getbits(s, 2);
		if (overrun(s))
			return E_TRUNC;
		if (type == 0)
			e = stored(s);
		else if (type == 1)
			e = fixed(s);
		else if (type == 2)
			e = dynamic(s);
		else
			e = E_DATA;
		if (e)
			return e;
	} while (!last);
	return OK;
}

/* CRC-32, eight bytes a step ("slicing by 8"): t[k][b] is the CRC of byte b
 * followed by k zero bytes. The tables (8 KiB) are made on the stack. */
uint32_t kx_crc32(uint32_t crc, const uint8_t *buf, size_t len)
{
	uint32_t t[8][256];
	unsigned i, k;

	for (i = 0; i < 256; i++) {
		uint32_t c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		t[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
	crc = ~crc;
	for (; len >= 8; buf += 8, len -= 8) {
		uint32_t lo = crc ^ kx_le32(buf), hi = kx_le32(buf + 4);
		crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^
		      t[4][lo >> 24] ^ t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^
		      t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
	}
	while (len--)
		crc = t[0][(crc ^ *buf++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

#define GZ_FTEXT    0x01
#define GZ_FHCRC    0x02
#define GZ_FEXTRA   0x04
#define GZ_FNAME    0x08
#define GZ_FCOMMENT 0x10

int kx_gzip_probe(const uint8_t *in, size_t inlen)
{
	return inlen >= 18 && in[0] == 0x1f && in[1] == 0x8b && in[2] == 8 && !(in[3] & 0xe0);
}

/* Offset of the deflate data after the gzip header, or 0. */
static size_t gz_header(const uint8_t *in, size_t inlen, int *trunc)
{
	size_t off = 10;
	uint8_t flg;

	*trunc = 0;
	if (inlen < 10 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8 || (in[3] & 0xe0))
		return 0;
	flg = in[3];
	if (flg & GZ_FEXTRA) {
		if (inlen - off < 2)
			goto trunc;
		off += 2 + (size_t)kx_le16(in + off);
		if (off > inlen)
			goto trunc;
	}
	if (flg & GZ_FNAME) {
		while (off < inlen && in[off])
			off++;
		if (off++ >= inlen)
			goto trunc;
	}
	if (flg & GZ_FCOMMENT) {
		while (off < inlen && in[off])
			off++;
		if (off++ >= inlen)
			goto trunc;
	}
	if (flg & GZ_FHCRC)
		off += 2;
	if (off > inlen)
		goto trunc;
	return off;
trunc:
	*trunc = 1;
	return 0;
}

struct kx_err kx_gunzip(const uint8_t *in, size_t inlen, uint8_t *out, size_t cap,
			int partial, size_t *outlen, size_t *used)
{
	struct inf s;
	size_t off, end;
	int trunc, e;
	uint32_t crc, isize;

	*outlen = 0;
	off = gz_header(in, inlen, &trunc);
	if (!off && trunc)
		return kx_err(KX_E_TRUNCATED, "gzip header", inlen + 1, inlen);
	if (!off)
		return kx_err(KX_E_GZIP, 0, KX_GZ_NO_HEADER, 0);
	kx_memset(&s, 0, sizeof(s));
	s.p = in + off;
	s.end = in + inlen;
	s.out = out;
	s.cap = cap;
	s.partial = partial;
	e = inflate(&s);
	*outlen = s.pos;
	if (e == E_FULL && partial)
		return KX_NOERR;
	if (e == E_FULL)
		return kx_err(KX_E_GZIP, 0, KX_GZ_TOO_BIG, cap);
	if (e == E_TRUNC || (e == OK && overrun(&s)))
		return kx_err(KX_E_TRUNCATED, "gzip data", inlen + 1, inlen);
	if (e)
		return kx_err(KX_E_GZIP, 0, KX_GZ_DEFLATE, (uint64_t)(s.p - in));
	/* the trailer: after the last block's bits, at a byte boundary */
	end = (size_t)(s.p - in) - (s.n / 8 - s.pad); /* bytes read ahead, less the padding */
	if (inlen - end < 8)
		return kx_err(KX_E_TRUNCATED, "gzip trailer", end + 8, inlen);
	crc = kx_le32(in + end);
	isize = kx_le32(in + end + 4);
	if (isize != (uint32_t)s.pos)
		return kx_err(KX_E_GZIP, 0, KX_GZ_LENGTH, isize);
	if (kx_crc32(0, out, s.pos) != crc)
		return kx_err(KX_E_GZIP, 0, KX_GZ_CRC, crc);
	if (used)
		*used = end + 8;
	return KX_NOERR;
}
