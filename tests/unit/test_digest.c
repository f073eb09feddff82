/*
 * XXH64 known answers. The expected values were computed with an independent
 * implementation, Debian's xxhash 0.8.1 (`xxhsum -H64 FILE`, seed 0), over
 * files holding exactly these bytes:
 *   pattern(n): byte i = (i * 31 + 7) & 0xff, for i in [0, n)
 * e.g.  python3 -c "import sys; n=100; sys.stdout.buffer.write(bytes(((i*31+7)&0xff)
 *                   for i in range(n)))" > p100 && xxhsum -H64 p100
 * The seeded vectors are xxHash's own sanity-check table (cli/xsum_sanity_check.c)
 * over its generated buffer; the seed-0 ones among them were re-checked with xxhsum.
 */
#include <stdlib.h>
#include <string.h>
#include <kx/digest.h>
#include "t.h"

static void pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((i * 31 + 7) & 0xff);
}

static const struct { size_t len; uint64_t want; } pattern_vectors[] = {
	{ 0, 0xef46db3751d8e999ull },       { 1, 0xa96c7f0ce858bbb7ull },
	{ 2, 0xac378c5993cd5f9aull },       { 3, 0x56e6957632a487f9ull },
	{ 4, 0xc60d15b1e3ff8f04ull },       { 5, 0x808815858624dd4eull },
	{ 7, 0xafbefc3d6c6f9a8eull },       { 8, 0x3da5c7aa269683e0ull },
	{ 9, 0x4b17a9ba9e215c09ull },       { 15, 0xae2a37eb9357caa7ull },
	{ 16, 0xa19ad429b02bc413ull },      { 17, 0xfe9f0feb7eeedc09ull },
	{ 24, 0x929438e5c2159ef9ull },      { 31, 0x4a74f3a1a39ad4a1ull },
	{ 32, 0x8d57d6a4671cc43dull },      { 33, 0x62c9fd21ed857664ull },
	{ 40, 0x49b45332e280f187ull },      { 63, 0x5c320a0d2707057full },
	{ 64, 0x7bbabbc45729d17eull },      { 65, 0xf3980c34bae65dc1ull },
	{ 100, 0xefa0ad2d3e70c151ull },     { 1000, 0x99594f4828043d35ull },
	{ 4096, 0xe21174be82dc78d9ull },    { 1048576, 0x292cc494f5a2e5ecull },
};

TEST(xxh64_strings)
{
	static const struct { const char *s; uint64_t want; } rows[] = {
		{ "", 0xef46db3751d8e999ull },
		{ "a", 0xd24ec4f1a98c6e5bull },
		{ "abc", 0x44bc2cf5ad770999ull },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		T_ROW("\"%s\"", rows[r].s);
		CHECK_EQ(kx_xxh64(rows[r].s, strlen(rows[r].s), 0), rows[r].want);
	}
}

static int null_empty_child(void *arg)
{
	(void)arg;
	return kx_xxh64(0, 0, 0) != 0xef46db3751d8e999ull;
}

/*
 * Regression: kx_xxh64(NULL, 0, seed) once computed NULL + 0, undefined
 * behaviour (clang UBSan: "applying zero offset to null pointer"); an empty
 * segment's digest is exactly this call. Fails only under a sanitizer.
 */
TEST(xxh64_null_empty_input)
{
	char why[128];

	if (!t_in_child(null_empty_child, 0, 10, why, sizeof(why))) {
		T_ROW("%s", why);
		CHECK(!"kx_xxh64(NULL, 0, 0) is defined and gives the empty digest");
	}
}

TEST(xxh64_pattern_vectors)
{
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(pattern_vectors); r++) {
		size_t n = pattern_vectors[r].len;
		uint8_t *buf = malloc(n ? n : 1); /* exact size: ASan sees over-reads */
		if (!buf)
			abort();
		pattern(buf, n);
		T_ROW("%zu bytes of pattern", n);
		CHECK_EQ(kx_xxh64(buf, n, 0), pattern_vectors[r].want);
		free(buf);
	}
}

TEST(xxh64_upstream_sanity_vectors)
{
	static const uint64_t prime32 = 2654435761u;
	static const struct { size_t len; uint64_t seed, want; } rows[] = {
		{ 0, 0, 0xEF46DB3751D8E999ull },     { 0, prime32, 0xAC75FDA2929B17EFull },
		{ 1, 0, 0xE934A84ADB052768ull },     { 1, prime32, 0x5014607643A9B4C3ull },
		{ 4, 0, 0x9136A0DCA57457EEull },     { 14, 0, 0x8282DCC4994E35C8ull },
		{ 14, prime32, 0xC3BD6BF63DEB6DF0ull }, { 222, 0, 0xB641AE8CB691C174ull },
		{ 222, prime32, 0x20CB8AB7AE10C14Aull },
	};
	uint8_t buf[222];
	uint64_t gen = prime32;
	size_t i, r;

	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(gen >> 56);
		gen *= 11400714785074694797ull;
	}
	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		T_ROW("len %zu, seed 0x%llx", rows[r].len, (unsigned long long)rows[r].seed);
		CHECK_EQ(kx_xxh64(buf, rows[r].len, rows[r].seed), rows[r].want);
	}
}

/* Any alignment of the input gives the same digest (the purgatory digests
 * physical ranges at whatever address the kernel put them). */
TEST(xxh64_unaligned_input)
{
	static const size_t lens[] = { 0, 1, 3, 4, 7, 8, 12, 31, 32, 33, 63, 64, 65, 100, 1000 };
	uint8_t *raw = malloc(1000 + 16);
	size_t l, off, i;

	REQUIRE(raw);
	for (l = 0; l < T_ARRAY_SIZE(lens); l++) {
		uint64_t want;
		/* the known answer if there is one, else the digest at offset 0 */
		memset(raw, 0xa5, 1000 + 16);
		pattern(raw, lens[l]);
		want = kx_xxh64(raw, lens[l], 0);
		for (i = 0; i < T_ARRAY_SIZE(pattern_vectors); i++)
			if (pattern_vectors[i].len == lens[l])
				want = pattern_vectors[i].want;
		for (off = 0; off < 16; off++) {
			memset(raw, 0xa5, 1000 + 16);
			pattern(raw + off, lens[l]);
			T_ROW("%zu bytes at offset %zu", lens[l], off);
			CHECK_EQ(kx_xxh64(raw + off, lens[l], 0), want);
		}
	}
	free(raw);
}

/* Every length from 0 to 300 at every offset agrees with offset 0, and a
 * single flipped bit anywhere changes the digest. */
TEST(xxh64_lengths_offsets_bitflips)
{
	uint8_t *a = malloc(300), *b = malloc(300 + 8);
	size_t n, off, bad = 0;

	REQUIRE(a && b);
	for (n = 0; n <= 300 && bad < 3; n++) {
		uint64_t ref;
		pattern(a, n);
		ref = kx_xxh64(a, n, 0);
		for (off = 1; off < 8; off++) {
			memcpy(b + off, a, n);
			if (kx_xxh64(b + off, n, 0) != ref) {
				T_ROW("%zu bytes at offset %zu", n, off);
				CHECK_EQ(kx_xxh64(b + off, n, 0), ref);
				bad++;
			}
		}
		if (n) {
			size_t byte = (n * 7 + 3) % n;
			a[byte] ^= (uint8_t)(1u << (n % 8));
			if (kx_xxh64(a, n, 0) == ref) {
				T_ROW("%zu bytes, bit flipped at %zu", n, byte);
				CHECK_NE(kx_xxh64(a, n, 0), ref);
				bad++;
			}
		}
	}
	/* the seed matters */
	T_ROW_CLEAR();
	pattern(a, 100);
	CHECK_NE(kx_xxh64(a, 100, 0), kx_xxh64(a, 100, 1));
	free(a);
	free(b);
}
