/* The loader table and error names. */
#include <stdlib.h>
#include <string.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/err.h>
#include <kx/loader.h>
#include "fixtures.h"
#include "t.h"

#if !defined(__i386__) /* x86_64's table; i386's: test_i386.c */
TEST(loader_by_name_table)
{
	static const struct { const char *name; int found; } rows[] = {
		{ "bzimage", 1 }, { "bzImage", 1 }, { "bzImage64", 1 }, { "bzimage64", 1 },
		{ "", 0 },        { "bz", 0 },      { "bzimag", 0 },    { "bzimagee", 0 },
		{ "BZIMAGE", 0 }, { "bzImage32", 0 }, { "elf", 0 },     { "elf-x86_64", 0 },
		{ "multiboot-x86", 0 }, { "bzimage ", 0 }, { " bzimage", 0 },
	};
	const struct kx_loader *bz = kx_loader_by_name("bzimage");
	size_t r;

	REQUIRE(bz);
	CHECK_STR(bz->name, "bzimage");
	CHECK(kx_loader_by_name("elf") && !strcmp(kx_loader_by_name("elf-x86_64")->name, "elf"));
	CHECK(kx_loader_by_name("nonsense") == 0);
	CHECK(bz->probe == kx_bzimage_probe);
	CHECK(bz->load == kx_bzimage_load);
	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		const struct kx_loader *l = kx_loader_by_name(rows[r].name);
		T_ROW("\"%s\"", rows[r].name);
		if (rows[r].found)
			CHECK(l == bz);
		else
			CHECK(l != bz);
	}
}
#endif

TEST(loader_table_well_formed)
{
	const struct kx_loader *const *l;
	unsigned n = 0;

	for (l = kx_loaders; *l && n < 64; l++, n++) {
		const char *const *a;
		T_ROW("loader %u", n);
		CHECK((*l)->name && (*l)->name[0]);
		CHECK((*l)->probe != 0);
		CHECK((*l)->load != 0);
		/* each name and alias finds this loader */
		CHECK(kx_loader_by_name((*l)->name) == *l);
		for (a = (*l)->aliases; a && *a; a++) {
			T_ROW("loader %u alias %s", n, *a);
			CHECK(kx_loader_by_name(*a) == *l);
		}
	}
	T_ROW_CLEAR();
	CHECK(n >= 1 && n < 64);
}

TEST(loader_probe_table)
{
	struct bz_spec s;
	uint8_t *img, junk[4096];
	size_t len;
	const struct kx_loader *bz = kx_loader_by_name("bzimage");

	bz_spec_default(&s);
	img = bz_build(&s, &len);
	T_ROW("synthetic bzImage");
	CHECK(kx_loader_probe(img, len) == bz);
	T_ROW("header only");
	CHECK(kx_loader_probe(img, 0x264) == bz);
	T_ROW("too short");
	CHECK(kx_loader_probe(img, 0x263) == 0);
	T_ROW("empty");
	CHECK(kx_loader_probe(img, 0) == 0);
	CHECK(kx_loader_probe(0, 0) == 0);
	memset(junk, 0, sizeof(junk));
	memcpy(junk, "\177ELF\2\1\1", 7);
	T_ROW("ELF file");
	CHECK(kx_loader_probe(junk, sizeof(junk)) == 0);
	memset(junk, 0xff, sizeof(junk));
	T_ROW("0xff");
	CHECK(kx_loader_probe(junk, sizeof(junk)) == 0);
	free(img);
}

TEST(errname_every_code)
{
	unsigned c, d;

	for (c = 0; c < KX_E__COUNT; c++) {
		const char *n = kx_errname((enum kx_errcode)c);
		T_ROW("code %u", c);
		CHECK(n && n[0]);
		CHECK(strcmp(n, "unknown") != 0);
		for (d = 0; d < c; d++)
			if (!strcmp(n, kx_errname((enum kx_errcode)d)))
				CHECK(!"two codes share a name");
	}
	T_ROW_CLEAR();
	CHECK_STR(kx_errname(KX_OK), "ok");
	CHECK_STR(kx_errname(KX_E__COUNT), "unknown");
	CHECK_STR(kx_errname((enum kx_errcode)1000), "unknown");
	CHECK_STR(kx_errname((enum kx_errcode)-1), "unknown");
}
