/* gzip/deflate (lib/arch/arm64/inflate.c) against host zlib, and hostile data. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <kx/bytes.h>
#include "a64.h"
#include "t.h"

/* Data of several kinds: random, zeros, text-like, long repeats. */
static void fill(uint8_t *b, size_t len, int kind, uint64_t seed)
{
	size_t i;
	static const char words[] = "the quick brown fox jumps over the lazy kernel image ";

	switch (kind) {
	case 0:
		a64_fill_random(b, len, seed);
		break;
	case 1:
		memset(b, 0, len);
		break;
	case 2:
		for (i = 0; i < len; i++)
			b[i] = (uint8_t)words[(i * 7 + i / 97) % (sizeof(words) - 1)];
		break;
	default:
		a64_fill_random(b, len < 300 ? len : 300, seed);
		for (i = 300; i < len; i++)
			b[i] = b[i - 300 + (i % 5)];
		break;
	}
}

TEST(a64_gunzip_roundtrip_zlib)
{
	static const size_t sizes[] = { 0, 1, 2, 31, 100, 4096, 65535, 65536, 65537, 300000 };
	unsigned s, kind;
	int level;

	for (s = 0; s < T_ARRAY_SIZE(sizes); s++)
		for (kind = 0; kind < 4; kind++)
			for (level = 0; level <= 9; level += 3) {
				size_t n = sizes[s], gzlen, got = 7, used = 0;
				uint8_t *in = malloc(n + 1), *out = malloc(n + 1), *gz;
				struct kx_err e;

				T_ROW("size %zu kind %u level %d", n, kind, level);
				fill(in, n, (int)kind, s * 10 + kind);
				gz = a64_gzip(in, n, level, &gzlen);
				e = kx_gunzip(gz, gzlen, out, n, 0, &got, &used);
				if (CHECK_OK(e)) {
					CHECK_EQ(got, n);
					CHECK_EQ(used, gzlen);
					CHECK(!memcmp(in, out, n));
				}
				free(in);
				free(out);
				free(gz);
			}
}

/* a KX_E_GZIP error of the given fault */
#define CHECK_GZ(expr, fault)                                   \
	do {                                                    \
		struct kx_err gz_err_ = (expr);                 \
		if (CHECK_ERR(gz_err_, KX_E_GZIP))              \
			CHECK_EQ(gz_err_.a, (uint64_t)(fault)); \
	} while (0)

TEST(a64_gunzip_partial)
{
	size_t n = 200000, gzlen, got;
	uint8_t *in = malloc(n), head[64], *gz;

	fill(in, n, 2, 1);
	gz = a64_gzip(in, n, 9, &gzlen);
	CHECK_OK(kx_gunzip(gz, gzlen, head, sizeof(head), 1, &got, 0));
	CHECK_EQ(got, sizeof(head));
	CHECK(!memcmp(head, in, sizeof(head)));
	/* not partial: the same buffer is too small */
	{
		struct kx_err e = kx_gunzip(gz, gzlen, head, sizeof(head), 0, &got, 0);
		CHECK_GZ(e, KX_GZ_TOO_BIG);
		CHECK_EQ(e.b, sizeof(head));
	}
	/* stored blocks (level 0), partial */
	free(gz);
	gz = a64_gzip(in, n, 0, &gzlen);
	CHECK_OK(kx_gunzip(gz, gzlen, head, sizeof(head), 1, &got, 0));
	CHECK_EQ(got, sizeof(head));
	CHECK(!memcmp(head, in, sizeof(head)));
	free(gz);
	free(in);
}

TEST(a64_gunzip_header_fields)
{
	/* FEXTRA, FNAME, FCOMMENT, FHCRC, made by zlib's gzip header support */
	size_t n = 5000, got, cap = 20000;
	uint8_t *in = malloc(n), *out = malloc(n), *gz = malloc(cap);
	z_stream z;
	gz_header h;
	static unsigned char extra[] = "xtra";

	fill(in, n, 2, 3);
	memset(&z, 0, sizeof(z));
	memset(&h, 0, sizeof(h));
	h.extra = extra;
	h.extra_len = 4;
	h.name = (unsigned char *)"Image";
	h.comment = (unsigned char *)"a comment";
	h.hcrc = 1;
	REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	REQUIRE(deflateSetHeader(&z, &h) == Z_OK);
	z.next_in = in;
	z.avail_in = (uInt)n;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
	CHECK_EQ(gz[3], 0x1e);
	if (CHECK_OK(kx_gunzip(gz, z.total_out, out, n, 0, &got, 0)))
		CHECK(!memcmp(in, out, n));
	/* the header cut inside FEXTRA, FNAME, FCOMMENT */
	CHECK_ERR(kx_gunzip(gz, 12, out, n, 0, &got, 0), KX_E_TRUNCATED);
	CHECK_ERR(kx_gunzip(gz, 18, out, n, 0, &got, 0), KX_E_TRUNCATED);
	CHECK_ERR(kx_gunzip(gz, 25, out, n, 0, &got, 0), KX_E_TRUNCATED);
	deflateEnd(&z);
	free(in);
	free(out);
	free(gz);
}

TEST(a64_gunzip_trailer_checks)
{
	size_t n = 10000, gzlen, got;
	uint8_t *in = malloc(n), *out = malloc(n + 10), *gz;

	fill(in, n, 3, 4);
	gz = a64_gzip(in, n, 6, &gzlen);
	gz[gzlen - 8] ^= 1;                                   /* CRC */
	{
		struct kx_err e = kx_gunzip(gz, gzlen, out, n, 0, &got, 0);
		CHECK_GZ(e, KX_GZ_CRC);
		CHECK_EQ(e.b, (uint32_t)(gz[gzlen - 8] | gz[gzlen - 7] << 8 | gz[gzlen - 6] << 16 |
					 (uint32_t)gz[gzlen - 5] << 24));
	}
	gz[gzlen - 8] ^= 1;
	gz[gzlen - 4] ^= 1;                                   /* ISIZE */
	{
		struct kx_err e = kx_gunzip(gz, gzlen, out, n + 10, 0, &got, 0);
		CHECK_GZ(e, KX_GZ_LENGTH);
		CHECK_EQ(e.b, n ^ 1);
	}
	gz[gzlen - 4] ^= 1;
	CHECK_ERR(kx_gunzip(gz, gzlen - 1, out, n, 0, &got, 0), KX_E_TRUNCATED);
	CHECK_ERR(kx_gunzip(gz, gzlen - 8, out, n, 0, &got, 0), KX_E_TRUNCATED);
	/* trailing bytes after the member are not ours to judge */
	{
		uint8_t *more = malloc(gzlen + 100);
		memcpy(more, gz, gzlen);
		memset(more + gzlen, 0xee, 100);
		CHECK_OK(kx_gunzip(more, gzlen + 100, out, n, 0, &got, 0));
		free(more);
	}
	free(in);
	free(out);
	free(gz);
}

/* Hand-made deflate streams inside a gzip wrapper. */
static struct kx_err raw(const uint8_t *d, size_t dl, uint8_t *out, size_t cap, size_t *got)
{
	uint8_t buf[256];
	static const uint8_t hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	memcpy(buf, hdr, 10);
	memcpy(buf + 10, d, dl);
	memset(buf + 10 + dl, 0, 8); /* a trailer that will not match */
	return kx_gunzip(buf, 10 + dl + 8, out, cap, 0, got, 0);
}

TEST(a64_gunzip_hostile_streams)
{
	uint8_t out[64];
	size_t got;
	/* block type 3 */
	static const uint8_t t3[] = { 0x07 };
	/* stored: LEN 5, NLEN not its complement */
	static const uint8_t st_bad[] = { 0x01, 0x05, 0x00, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o' };
	/* stored: LEN 5, only 2 bytes there */
	static const uint8_t st_short[] = { 0x01, 0x05, 0x00, 0xfa, 0xff, 'h', 'e' };
	/* fixed Huffman: a match with distance 1 before any output */
	static const uint8_t dist_far[] = { 0x03, 0x02, 0x00 };
	/* dynamic: HLIT 31 -> 288 codes (> 286) */
	static const uint8_t hlit[] = { 0xfd, 0x1f };
	/* dynamic: every code length code 7 bits: over-subscribed */
	static const uint8_t oversub[] = { 0x05, 0xe0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	/* empty input after the header */
	static const uint8_t empty[] = { 0 };

	CHECK_GZ(raw(t3, sizeof(t3), out, sizeof(out), &got), KX_GZ_DEFLATE);
	CHECK_GZ(raw(st_bad, sizeof(st_bad), out, sizeof(out), &got), KX_GZ_DEFLATE);
	CHECK_ERR(raw(st_short, sizeof(st_short), out, sizeof(out), &got), KX_E_TRUNCATED);
	CHECK_GZ(raw(dist_far, sizeof(dist_far), out, sizeof(out), &got), KX_GZ_DEFLATE);
	CHECK_GZ(raw(hlit, sizeof(hlit), out, sizeof(out), &got), KX_GZ_DEFLATE);
	CHECK(KX_FAILED(raw(oversub, sizeof(oversub), out, sizeof(out), &got)));
	CHECK(KX_FAILED(raw(empty, 0, out, sizeof(out), &got)));
	/* not gzip at all */
	CHECK_GZ(kx_gunzip((const uint8_t *)"hello world, not gzip", 21, out, sizeof(out), 0, &got, 0),
		 KX_GZ_NO_HEADER);
	CHECK_GZ(kx_gunzip((const uint8_t *)"\x1f\x8b", 2, out, sizeof(out), 0, &got, 0),
		 KX_GZ_NO_HEADER);
	CHECK(!kx_gzip_probe((const uint8_t *)"\x1f\x8b\x08\xe0" "0123456789abcdef", 20));
}

/* Every prefix, and single bit flips: an error or the right bytes, never a crash. */
TEST(a64_gunzip_truncated_and_flipped)
{
	size_t n = 3000, gzlen, got, cut, i;
	uint8_t *in = malloc(n), *out = malloc(n), *gz, *bad;
	int level;

	for (level = 0; level <= 9; level += 9) {
		fill(in, n, 2, 9);
		gz = a64_gzip(in, n, level, &gzlen);
		for (cut = 0; cut < gzlen; cut++) {
			T_ROW("level %d cut at %zu of %zu", level, cut, gzlen);
			CHECK(KX_FAILED(kx_gunzip(gz, cut, out, n, 0, &got, 0)));
		}
		bad = malloc(gzlen);
		for (i = 10 * 8; i < (gzlen - 8) * 8; i += 3) {
			struct kx_err e;
			memcpy(bad, gz, gzlen);
			bad[i / 8] ^= (uint8_t)(1u << (i % 8));
			T_ROW("level %d bit %zu", level, i);
			e = kx_gunzip(bad, gzlen, out, n, 0, &got, 0);
			if (!KX_FAILED(e))
				CHECK(got == n && !memcmp(out, in, n));
		}
		free(bad);
		free(gz);
	}
	free(in);
	free(out);
}

TEST(a64_crc32_matches_zlib)
{
	uint8_t b[1000];
	unsigned n;

	a64_fill_random(b, sizeof(b), 5);
	for (n = 0; n < sizeof(b); n += 37)
		CHECK_EQ(kx_crc32(0, b, n), crc32(0, b, n));
	CHECK_EQ(kx_crc32(kx_crc32(0, b, 500), b + 500, 500), crc32(0, b, 1000));
}
