/* Little-endian fields, alignment, the freestanding helpers and the hex
 * parser (include/kx/bytes.h, lib/util.c). */
#include <string.h>
#include <kx/bytes.h>
#include "t.h"

TEST(bytes_le_and_align)
{
	static const uint8_t b[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	uint8_t out[8];
	uint64_t r;

	CHECK_EQ(kx_le16(b), 0x2301);
	CHECK_EQ(kx_le32(b), 0x67452301);
	CHECK_EQ(kx_le64(b), 0xefcdab8967452301ull);
	kx_put64(out, 0xefcdab8967452301ull);
	CHECK_MEM(out, b, 8);
	memset(out, 0, 8);
	kx_put32(out, 0x67452301);
	CHECK_MEM(out, b, 4);
	kx_put16(out, 0x2301);
	CHECK_MEM(out, b, 2);

	CHECK(kx_align_up(0, 4096, &r) && r == 0);
	CHECK(kx_align_up(1, 4096, &r) && r == 4096);
	CHECK(kx_align_up(4096, 4096, &r) && r == 4096);
	CHECK(kx_align_up(UINT64_MAX - 4095, 4096, &r) && r == UINT64_MAX - 4095);
	CHECK(!kx_align_up(UINT64_MAX - 4094, 4096, &r));
	CHECK(!kx_align_up(UINT64_MAX, 2, &r));
	CHECK(kx_align_up(UINT64_MAX, 1, &r) && r == UINT64_MAX);
	CHECK_EQ(kx_align_down(4097, 4096), 4096);
	CHECK_EQ(kx_align_down(UINT64_MAX, 4096), UINT64_MAX - 4095);
	CHECK(!kx_is_pow2(0));
	CHECK(kx_is_pow2(1));
	CHECK(kx_is_pow2(1ull << 63));
	CHECK(!kx_is_pow2(3));
	CHECK(!kx_is_pow2(UINT64_MAX));
}

TEST(util_mem_str)
{
	char a[16], b[16];

	memset(a, 'x', sizeof(a));
	CHECK(kx_memset(a, 'y', 5) == a);
	CHECK_MEM(a, "yyyyyxxxxx", 10);
	CHECK(kx_memcpy(b, "hello", 6) == b);
	CHECK_STR(b, "hello");
	kx_memcpy(b, "zz", 0);
	CHECK_STR(b, "hello");
	CHECK_EQ(kx_memcmp("abc", "abc", 3), 0);
	CHECK(kx_memcmp("abc", "abd", 3) < 0);
	CHECK(kx_memcmp("abd", "abc", 3) > 0);
	CHECK(kx_memcmp("\x80", "\x01", 1) > 0); /* unsigned bytes */
	CHECK_EQ(kx_memcmp("abc", "xyz", 0), 0);
	CHECK_EQ(kx_strlen(""), 0);
	CHECK_EQ(kx_strlen("kexec"), 5);
}

TEST(hex_parse_table)
{
	static const struct { const char *in; size_t lim; int ok; uint64_t v; size_t used; } rows[] = {
		{ "0", 99, 1, 0, 1 },
		{ "1f-", 99, 1, 0x1f, 2 },
		{ "DeadBeef ", 99, 1, 0xdeadbeef, 8 },
		{ "ffffffffffffffff", 99, 1, UINT64_MAX, 16 },
		{ "10000000000000000", 99, 0, 0, 0 },       /* 17 digits */
		{ "0000000000000000 1", 99, 1, 0, 16 },
		{ "", 99, 0, 0, 0 },
		{ "x1", 99, 0, 0, 0 },
		{ "0x10", 99, 1, 0, 1 },                    /* no prefix: "0", then 'x' */
		{ "1234", 2, 1, 0x12, 2 },                  /* stops at end */
		{ "1234", 0, 0, 0, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		const char *p = rows[r].in, *end = p + (rows[r].lim < strlen(p) ? rows[r].lim : strlen(p));
		uint64_t v = 77;
		T_ROW("\"%s\"", rows[r].in);
		if (!CHECK_EQ(kx_hex_parse(&p, end, &v), rows[r].ok))
			continue;
		CHECK_EQ(p - rows[r].in, rows[r].used);
		CHECK_EQ(v, rows[r].ok ? rows[r].v : 77);
	}
	T_ROW_CLEAR();
	CHECK_EQ(kx_hexval('a'), 10);
	CHECK_EQ(kx_hexval('F'), 15);
	CHECK_EQ(kx_hexval('9'), 9);
	CHECK_EQ(kx_hexval('g'), -1);
	CHECK_EQ(kx_hexval('/'), -1);
}
