/*
 * The .xz container walk (lib/xz.c) on streams built here byte by byte (one
 * block of LZMA2 stored chunks, CRC-32 check), then every field damaged, and
 * the decoder behind it (libkx/unpack.c's XZ Embedded) on the same streams:
 * multi-stream, stream padding, Linux's appended length, hostile indexes.
 */
#include <stdlib.h>
#include <string.h>
#include <kx/bytes.h>
#include <kx/comp.h>
#include <kx/uimage.h>
#include <kx/xz.h>
#include <unpack.h>
#include "t.h"

#define DATA 3000

struct xzf {
	uint8_t b[8192];
	size_t len;
	/* the last stream built: where its parts are */
	size_t start, block, index, index_len, footer;
};

static size_t put_vli(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

static void data(uint8_t *d, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 7 + seed + (i >> 5));
}

/* the CRCs over each part, after a field was changed */
static void fix_header(struct xzf *f) { kx_put32(f->b + f->start + 8, kx_crc32(0, f->b + f->start + 6, 2)); }
static void fix_index(struct xzf *f)
{
	kx_put32(f->b + f->index + f->index_len - 4, kx_crc32(0, f->b + f->index, f->index_len - 4));
}
static void fix_footer(struct xzf *f) { kx_put32(f->b + f->footer, kx_crc32(0, f->b + f->footer + 4, 6)); }

/* CRC-64 bit by bit (the reference for lib/xz.c's table) */
static uint64_t crc64_ref(const uint8_t *p, size_t n)
{
	uint64_t c = ~0ull;
	unsigned k;

	while (n--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xC96C5795D7870F42ull : c >> 1;
	}
	return ~c;
}

/* one stream of n bytes (data(seed)) at the end of f, with a CRC-32 (1) or
 * CRC-64 (4) check */
static void stream_check(struct xzf *f, size_t n, unsigned seed, unsigned check)
{
	uint8_t d[DATA], *p;
	size_t s = f->len, pos, hdr, unpadded, i;

	data(d, n, seed);
	p = f->b;
	pos = s;
	memcpy(p + pos, "\xfd" "7zXZ\0\0", 7); /* magic, flags */
	p[pos + 7] = (uint8_t)check;
	f->start = s;
	pos += 8;
	kx_put32(p + pos, kx_crc32(0, p + s + 6, 2));
	pos += 4;
	/* the block: header (12 bytes), LZMA2 stored chunks, padding, CRC-32 */
	f->block = hdr = pos;
	memcpy(p + pos, "\x02\x00\x21\x01\x00\0\0\0", 8); /* size, flags, LZMA2, 1 byte: dict 4 KiB */
	pos += 8;
	kx_put32(p + pos, kx_crc32(0, p + hdr, 8));
	pos += 4;
	for (i = 0; i < n; i += 1000) {
		size_t c = n - i < 1000 ? n - i : 1000;
		p[pos++] = i ? 0x02 : 0x01; /* stored; the first resets the dictionary */
		p[pos++] = (uint8_t)((c - 1) >> 8);
		p[pos++] = (uint8_t)(c - 1);
		memcpy(p + pos, d + i, c);
		pos += c;
	}
	p[pos++] = 0; /* the end of LZMA2 */
	unpadded = pos - hdr + (check == 4 ? 8 : 4);
	while ((pos - hdr) & 3)
		p[pos++] = 0;
	if (check == 4) {
		kx_put64(p + pos, crc64_ref(d, n));
		pos += 8;
	} else {
		kx_put32(p + pos, kx_crc32(0, d, n));
		pos += 4;
	}
	/* the index */
	f->index = pos;
	p[pos++] = 0;
	pos += put_vli(p + pos, 1);
	pos += put_vli(p + pos, unpadded);
	pos += put_vli(p + pos, n);
	while ((pos - f->index) & 3)
		p[pos++] = 0;
	pos += 4;
	f->index_len = pos - f->index;
	fix_index(f);
	/* the footer */
	f->footer = pos;
	kx_put32(p + pos + 4, (uint32_t)(f->index_len / 4 - 1));
	p[pos + 8] = 0;
	p[pos + 9] = (uint8_t)check;
	p[pos + 10] = 'Y';
	p[pos + 11] = 'Z';
	fix_footer(f);
	f->len = pos + 12;
}

static void stream(struct xzf *f, size_t n, unsigned seed)
{
	stream_check(f, n, seed, 1);
}

static void zeros(struct xzf *f, size_t n)
{
	memset(f->b + f->len, 0, n);
	f->len += n;
}

static int size_of(const struct xzf *f, uint64_t max, uint64_t *total, size_t *streams)
{
	return kx_xz_size(f->b, f->len, max, total, streams);
}

static struct kx_err unpack(const struct xzf *f, const uint8_t **out, size_t *outlen)
{
	return kx_unpack(0, KX_COMP_XZ, f->b, f->len, KX_UNPACK_MAX, out, outlen);
}

TEST(xz_walk_one_stream)
{
	struct xzf f = { .len = 0 };
	struct kx_xz_stream s;
	uint8_t d[DATA];
	const uint8_t *out;
	uint64_t total = 0;
	size_t n = 0, outlen = 0, e = 0;

	stream(&f, DATA, 1);
	data(d, DATA, 1);
	CHECK_EQ(kx_comp_detect(f.b, f.len), KX_COMP_XZ);
	CHECK_EQ(kx_xz_end(f.b, f.len, &e), 0);
	CHECK_EQ(e, f.len);
	if (CHECK_EQ(kx_xz_stream(f.b, e, &s), 0)) {
		CHECK_EQ(s.off, 0);
		CHECK_EQ(s.len, f.len);
		CHECK_EQ(s.out, DATA);
		CHECK_EQ(s.blocks, 1);
		CHECK_EQ(s.check, 1);
	}
	CHECK_EQ(size_of(&f, KX_UNPACK_MAX, &total, &n), 0);
	CHECK_EQ(total, DATA);
	CHECK_EQ(n, 1);
	if (CHECK_OK(unpack(&f, &out, &outlen)) && CHECK_EQ(outlen, DATA))
		CHECK_MEM(out, d, DATA);
	/* the bound: exactly the size fits, a byte less is refused before anything */
	CHECK_EQ(size_of(&f, DATA, &total, &n), 0);
	CHECK_EQ(size_of(&f, DATA - 1, &total, &n), KX_UNPACK_TOO_BIG);
}

/* Three streams, stream padding between and after them, Linux's length last. */
TEST(xz_walk_streams_padding_trailer)
{
	static const struct { unsigned pad1, pad2, pad_end, appended; } rows[] = {
		{ 0, 0, 0, 0 }, { 4, 0, 0, 0 }, { 8, 12, 4, 0 }, { 0, 0, 0, 1 }, { 4, 4, 8, 1 },
	};
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		struct xzf f = { .len = 0 };
		uint8_t d[DATA];
		const uint8_t *out;
		uint64_t total = 0;
		size_t n = 0, outlen = 0;
		T_ROW("padding %u, %u, %u%s", rows[i].pad1, rows[i].pad2, rows[i].pad_end,
		      rows[i].appended ? ", appended length" : "");
		stream(&f, 1000, 1);
		zeros(&f, rows[i].pad1);
		stream(&f, DATA, 2);
		zeros(&f, rows[i].pad2);
		stream(&f, 17, 3);
		zeros(&f, rows[i].pad_end);
		if (rows[i].appended) {
			kx_put32(f.b + f.len, 1000 + DATA + 17);
			f.len += 4;
		}
		CHECK_EQ(size_of(&f, KX_UNPACK_MAX, &total, &n), 0);
		CHECK_EQ(total, 1000 + DATA + 17);
		CHECK_EQ(n, 3);
		if (CHECK_OK(unpack(&f, &out, &outlen)) && CHECK_EQ(outlen, 1000 + DATA + 17)) {
			data(d, 1000, 1);
			CHECK_MEM(out, d, 1000);
			data(d, DATA, 2);
			CHECK_MEM(out + 1000, d, DATA);
			data(d, 17, 3);
			CHECK_MEM(out + 1000 + DATA, d, 17);
		}
	}
}

/* Cut anywhere: a fault, never a crash; cut inside the footer: truncated. */
TEST(xz_walk_truncated_everywhere)
{
	struct xzf f = { .len = 0 };
	uint64_t total;
	size_t n, len, e;

	size_t first;

	stream(&f, 200, 1);
	first = f.len;
	stream(&f, 300, 2);
	for (len = 0; len < f.len; len++) {
		int r = kx_xz_size(f.b, len, KX_UNPACK_MAX, &total, &n);
		T_ROW("cut to %zu of %zu", len, f.len);
		if (len == first) /* the first stream, whole */
			CHECK(!r && total == 200 && n == 1);
		else
			CHECK(r != 0);
		if (len > f.len - 12)
			CHECK_EQ(r, KX_UNPACK_TRUNCATED);
	}
	T_ROW_CLEAR();
	CHECK_EQ(kx_xz_end(0, 0, &e), KX_UNPACK_TRUNCATED);
}

/* Every field of the container, damaged (its CRC made right again, so that the
 * field itself is what is checked). */
TEST(xz_walk_hostile_fields)
{
	uint64_t total;
	size_t n;
	struct xzf f;
	unsigned k;

#define FRESH() (memset(&f, 0, sizeof(f)), stream(&f, 500, 1))
#define EXPECT(what, code) do { T_ROW("%s", what); \
	CHECK_EQ(size_of(&f, KX_UNPACK_MAX, &total, &n), code); } while (0)

	FRESH(); f.b[f.footer] ^= 1;                        EXPECT("footer CRC", KX_UNPACK_CHECK);
	FRESH(); f.b[f.footer + 11] = 'z';                  EXPECT("footer magic", KX_UNPACK_TRUNCATED);
	FRESH(); f.b[f.footer + 8] = 1; fix_footer(&f);     EXPECT("footer reserved flags", KX_UNPACK_UNSUPPORTED);
	FRESH(); f.b[f.footer + 9] |= 0x10; fix_footer(&f); EXPECT("footer flags high bits", KX_UNPACK_UNSUPPORTED);
	FRESH(); f.b[f.footer + 9] = 4; fix_footer(&f);     EXPECT("footer check type not the header's", KX_UNPACK_CORRUPT);
	FRESH(); kx_put32(f.b + f.footer + 4, 0xFFFFFFFF); fix_footer(&f);
	EXPECT("backward size past the start", KX_UNPACK_CORRUPT);
	FRESH(); kx_put32(f.b + f.footer + 4, kx_le32(f.b + f.footer + 4) + 1); fix_footer(&f);
	EXPECT("backward size one word more", KX_UNPACK_CORRUPT);
	FRESH(); kx_put32(f.b + f.footer + 4, 0); fix_footer(&f);
	EXPECT("backward size one word", KX_UNPACK_CORRUPT);
	FRESH(); f.b[f.index] = 1; fix_index(&f);           EXPECT("index indicator", KX_UNPACK_CORRUPT);
	FRESH(); f.b[f.index + f.index_len - 1] ^= 0x80;    EXPECT("index CRC", KX_UNPACK_CHECK);
	FRESH(); f.b[f.index + 1] = 2; fix_index(&f);       EXPECT("record count 2", KX_UNPACK_CORRUPT);
	FRESH(); f.b[f.index + 1] = 0; fix_index(&f);       EXPECT("record count 0 (records left over)", KX_UNPACK_CORRUPT);
	FRESH(); f.b[f.index + 1] = 0x81; fix_index(&f);    EXPECT("record count cut VLI", KX_UNPACK_CORRUPT);
	/* the unpadded size VLI: one byte at f.index + 2 and + 3 (values 500+ need two) */
	FRESH(); f.b[f.index + 2] = 0x85; f.b[f.index + 3] = 0; fix_index(&f);
	EXPECT("unpadded size, trailing zero byte", KX_UNPACK_CORRUPT);
	FRESH(); kx_put16(f.b + f.index + 2, 0x0001 | 0x80); fix_index(&f);
	EXPECT("unpadded size below a block", KX_UNPACK_CORRUPT);
	FRESH(); kx_put16(f.b + f.index + 2, 0x7F80 | 0x7F); fix_index(&f);
	EXPECT("unpadded size past the stream", KX_UNPACK_CORRUPT);
	FRESH(); f.b[f.index + f.index_len - 5] = 1; fix_index(&f);
	EXPECT("index padding not zero", KX_UNPACK_CORRUPT);
	FRESH(); f.b[f.start + 9] ^= 1;                     EXPECT("header CRC", KX_UNPACK_CHECK);
	FRESH(); f.b[f.start] = 0xFE;                       EXPECT("header magic", KX_UNPACK_CORRUPT);
	FRESH(); f.b[f.start + 7] = 0; fix_header(&f);      EXPECT("header flags not the footer's", KX_UNPACK_CORRUPT);

	/* nine-byte VLIs: the largest fits, a tenth byte does not */
	for (k = 9; k <= 10; k++) {
		/* an index of one record whose uncompressed size is k bytes long */
		uint8_t *p;
		size_t pos, i;
		FRESH();
		p = f.b + f.index;
		pos = 1;
		pos += put_vli(p + pos, 1);
		pos += put_vli(p + pos, f.index - f.block); /* unpadded, rounded up: fine */
		for (i = 0; i + 1 < k; i++)
			p[pos++] = 0xFF;
		p[pos++] = k == 9 ? 0x7F : 0x01;
		while (pos & 3)
			p[pos++] = 0;
		pos += 4;
		f.index_len = pos;
		fix_index(&f);
		f.footer = f.index + pos;
		kx_put32(f.b + f.footer + 4, (uint32_t)(pos / 4 - 1));
		f.b[f.footer + 8] = 0;
		f.b[f.footer + 9] = 1;
		f.b[f.footer + 10] = 'Y';
		f.b[f.footer + 11] = 'Z';
		fix_footer(&f);
		f.len = f.footer + 12;
		T_ROW("uncompressed size of %u VLI bytes", k);
		if (k == 9) /* 2^63 - 1: far past any bound */
			CHECK_EQ(size_of(&f, KX_UNPACK_MAX, &total, &n), KX_UNPACK_TOO_BIG);
		else
			CHECK_EQ(size_of(&f, KX_UNPACK_MAX, &total, &n), KX_UNPACK_CORRUPT);
	}
	/* stream padding that is not a multiple of four */
	memset(&f, 0, sizeof(f));
	stream(&f, 100, 1);
	zeros(&f, 2);
	stream(&f, 100, 2);
	EXPECT("stream padding of 2 bytes", KX_UNPACK_CORRUPT);
	/* bytes before the first stream */
	memset(&f, 0, sizeof(f));
	zeros(&f, 4);
	stream(&f, 100, 1);
	EXPECT("padding before the first stream", KX_UNPACK_CORRUPT);
#undef FRESH
#undef EXPECT
}

/* The decoder against an index that lies, and the block's own check. */
TEST(xz_unpack_index_and_check)
{
	struct xzf f;
	const uint8_t *out;
	size_t outlen;
	struct kx_err e;

	memset(&f, 0, sizeof(f));
	stream(&f, 500, 1);
	/* the index says 501 bytes: walked fine, refused by the decoder */
	kx_put16(f.b + f.index + 4, kx_le16(f.b + f.index + 4) + 1);
	fix_index(&f);
	e = unpack(&f, &out, &outlen);
	if (CHECK_ERR(e, KX_E_UNPACK))
		CHECK_EQ(e.b, KX_UNPACK_CORRUPT);
	/* the block's CRC-32 */
	memset(&f, 0, sizeof(f));
	stream(&f, 500, 1);
	f.b[f.index - 1] ^= 1;
	e = unpack(&f, &out, &outlen);
	if (CHECK_ERR(e, KX_E_UNPACK))
		CHECK_EQ(e.b, KX_UNPACK_CHECK);
	/* a byte of the data: the same check */
	memset(&f, 0, sizeof(f));
	stream(&f, 500, 1);
	f.b[f.block + 12 + 3 + 10] ^= 1;
	e = unpack(&f, &out, &outlen);
	if (CHECK_ERR(e, KX_E_UNPACK))
		CHECK_EQ(e.b, KX_UNPACK_CHECK);
	/* a filter kx does not carry (delta, 0x03) */
	memset(&f, 0, sizeof(f));
	stream(&f, 500, 1);
	f.b[f.block + 2] = 0x03;
	kx_put32(f.b + f.block + 8, kx_crc32(0, f.b + f.block, 8));
	e = unpack(&f, &out, &outlen);
	if (CHECK_ERR(e, KX_E_UNPACK))
		CHECK_EQ(e.b, KX_UNPACK_UNSUPPORTED);
}

/* CRC-64 (xz's default check): verified by kx after XZ Embedded, block by block */
TEST(xz_unpack_crc64)
{
	static const uint8_t v[] = "123456789";
	struct xzf f;
	uint8_t d[DATA];
	const uint8_t *out;
	size_t outlen;
	struct kx_err e;

	CHECK_EQ(kx_crc64(0, v, 9), 0x995DC9BBDF1939FAull); /* the check value of CRC-64/XZ */
	CHECK_EQ(kx_crc64(0, v, 9), crc64_ref(v, 9));
	memset(&f, 0, sizeof(f));
	stream_check(&f, DATA, 4, 4);
	stream_check(&f, 100, 5, 1);
	stream_check(&f, 700, 6, 4);
	if (CHECK_OK(unpack(&f, &out, &outlen)) && CHECK_EQ(outlen, DATA + 800)) {
		data(d, DATA, 4);
		CHECK_MEM(out, d, DATA);
		data(d, 700, 6);
		CHECK_MEM(out + DATA + 100, d, 700);
	}
	/* the last stream's CRC-64, then a byte of its data */
	f.b[f.index - 1] ^= 0x40;
	e = unpack(&f, &out, &outlen);
	if (CHECK_ERR(e, KX_E_UNPACK))
		CHECK_EQ(e.b, KX_UNPACK_CHECK);
	f.b[f.index - 1] ^= 0x40;
	f.b[f.block + 12 + 3 + 99] ^= 1;
	e = unpack(&f, &out, &outlen);
	if (CHECK_ERR(e, KX_E_UNPACK))
		CHECK_EQ(e.b, KX_UNPACK_CHECK);
}
