/* The device tree kx hands to the next arm64 kernel (lib/arch/arm64/dtb.c). */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "a64.h"
#include "t.h"

static const void *prop(const void *f, const char *path, const char *name, int *len)
{
	int off = fdt_path_offset(f, path);
	return off < 0 ? 0 : fdt_getprop(f, off, name, len);
}

static uint64_t u64_of(const void *p)
{
	fdt64_t v;
	memcpy(&v, p, sizeof(v)); /* properties are only 4-byte aligned */
	return fdt64_to_cpu(v);
}

TEST(a64_dtb_edits_chosen_only)
{
	size_t len, outlen, room;
	uint8_t *src = a64_dtb(&len, 1), *out;
	uint8_t seed[24];
	struct kx_a64_dt_args a = { 0 };
	const void *p;
	int l, i, n;

	a64_fill_random(seed, sizeof(seed), 7);
	a.cmdline = "console=ttyAMA0 new=2";
	a.initrd_start = 0x50000000;
	a.initrd_end = 0x50123456;
	a.rng_seed = seed;
	a.rng_seed_len = sizeof(seed);
	a.have_kaslr_seed = 1;
	a.kaslr_seed = 0x1122334455667788ull;
	room = kx_a64_dtb_room(src, len, strlen(a.cmdline));
	out = malloc(room);
	REQUIRE(CHECK_OK(kx_a64_dtb_build(src, len, out, room, &a, &outlen)));
	CHECK_EQ(fdt_check_full(out, outlen), 0);
	CHECK_EQ(fdt_totalsize(out), outlen);
	p = prop(out, "/chosen", "bootargs", &l);
	CHECK(p && !strcmp(p, "console=ttyAMA0 new=2"));
	p = prop(out, "/chosen", "linux,initrd-start", &l);
	CHECK(p && l == 8 && u64_of(p) == 0x50000000);
	p = prop(out, "/chosen", "linux,initrd-end", &l);
	CHECK(p && l == 8 && u64_of(p) == 0x50123456);
	p = prop(out, "/chosen", "kaslr-seed", &l);
	CHECK(p && l == 8 && u64_of(p) == 0x1122334455667788ull);
	p = prop(out, "/chosen", "rng-seed", &l);
	CHECK(p && l == (int)sizeof(seed) && !memcmp(p, seed, sizeof(seed)));
	CHECK(!prop(out, "/chosen", "linux,elfcorehdr", &l));
	CHECK(!prop(out, "/chosen", "linux,usable-memory-range", &l));
	/* everything else as it was */
	p = prop(out, "/chosen", "stdout-path", &l);
	CHECK(p && !strcmp(p, "/pl011@9000000"));
	p = prop(out, "/chosen", "linux,uefi-system-table", &l);
	CHECK(p && !strcmp(p, "keep me"));
	p = prop(out, "/memory@40000000", "reg", &l);
	CHECK(p && l == 16);
	p = prop(out, "/soc/serial@201000", "reg-shift", &l);
	CHECK(p && l == 4);
	CHECK_EQ(fdt_path_offset(out, "/aliases") >= 0, 1);
	/* the stale initrd's /memreserve/ is gone, the other one stays */
	n = fdt_num_mem_rsv(out);
	CHECK_EQ(n, 1);
	for (i = 0; i < n; i++) {
		uint64_t addr, size;
		fdt_get_mem_rsv(out, i, &addr, &size);
		CHECK_EQ(addr, 0x7f000000);
	}
	free(out);
	free(src);
}

TEST(a64_dtb_no_initrd_no_seed_no_cmdline)
{
	size_t len, outlen;
	uint8_t *src = a64_dtb(&len, 1), out[32768];
	struct kx_a64_dt_args a = { 0 };
	int l;

	a.cmdline = "";
	REQUIRE(CHECK_OK(kx_a64_dtb_build(src, len, out, sizeof(out), &a, &outlen)));
	/* stale values must not reach the next kernel */
	CHECK(!prop(out, "/chosen", "bootargs", &l));
	CHECK(!prop(out, "/chosen", "linux,initrd-start", &l));
	CHECK(!prop(out, "/chosen", "linux,initrd-end", &l));
	CHECK(!prop(out, "/chosen", "kaslr-seed", &l));
	CHECK(!prop(out, "/chosen", "rng-seed", &l));
	CHECK(prop(out, "/chosen", "stdout-path", &l) != 0);
	free(src);
}

TEST(a64_dtb_makes_chosen)
{
	size_t len, outlen;
	uint8_t *src = a64_dtb(&len, 0), out[32768];
	struct kx_a64_dt_args a = { 0 };
	const void *p;
	int l;

	a.cmdline = "quiet";
	a.initrd_start = 0x1000;
	a.initrd_end = 0x2000;
	REQUIRE(CHECK_OK(kx_a64_dtb_build(src, len, out, sizeof(out), &a, &outlen)));
	p = prop(out, "/chosen", "bootargs", &l);
	CHECK(p && !strcmp(p, "quiet"));
	CHECK(prop(out, "/chosen", "linux,initrd-start", &l) != 0);
	CHECK_EQ(fdt_num_mem_rsv(out), 2);   /* no initrd of its own: both kept */
	free(src);
}

TEST(a64_dtb_room_and_big_free_space)
{
	/* /sys/firmware/fdt on QEMU is 1 MiB, mostly free space: the copy is packed */
	size_t len, outlen, room;
	uint8_t *src = a64_dtb(&len, 1), *big = calloc(1, MiB), *out;
	struct kx_a64_dt_args a = { 0 };

	REQUIRE(fdt_open_into(src, big, (int)MiB) == 0);
	CHECK_EQ(fdt_totalsize(big), MiB);
	a.cmdline = "x";
	room = kx_a64_dtb_room(big, MiB, 1);
	CHECK(room >= MiB);
	out = malloc(room);
	REQUIRE(CHECK_OK(kx_a64_dtb_build(big, MiB, out, room, &a, &outlen)));
	CHECK(outlen < 16384);
	/* too small a buffer: a scratch error, not a crash */
	CHECK_ERR(kx_a64_dtb_build(big, MiB, out, 1000, &a, &outlen), KX_E_SCRATCH);
	free(out);
	free(big);
	free(src);
}

TEST(a64_dtb_hostile)
{
	size_t len, outlen, cut, i;
	uint8_t *src = a64_dtb(&len, 1), *bad = malloc(len), out[65536];
	struct kx_a64_dt_args a = { 0 };
	uint8_t junk[256];

	a.cmdline = "x";
	CHECK_ERR(kx_a64_dtb_build((const uint8_t *)"", 0, out, sizeof(out), &a, &outlen), KX_E_DTB);
	a64_fill_random(junk, sizeof(junk), 3);
	{
		struct kx_err e = kx_a64_dtb_build(junk, sizeof(junk), out, sizeof(out), &a, &outlen);
		if (CHECK_ERR(e, KX_E_DTB)) {
			CHECK_EQ(e.a, KX_DTB_MAGIC);
			CHECK_EQ(e.b, FDT_ERR_BADMAGIC);
		}
	}
	/* every prefix: the header's totalsize no longer fits */
	for (cut = 0; cut < len; cut += 7) {
		uint8_t *p = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees any read past */
		T_ROW("cut at %zu", cut);
		memcpy(p, src, cut);
		CHECK(KX_FAILED(kx_a64_dtb_build(p, cut, out, sizeof(out), &a, &outlen)));
		free(p);
	}
	/* header fields pointing outside */
	memcpy(bad, src, len);
	((fdt32_t *)bad)[1] = cpu_to_fdt32(0x7fffffff);              /* totalsize */
	CHECK(KX_FAILED(kx_a64_dtb_build(bad, len, out, sizeof(out), &a, &outlen)));
	memcpy(bad, src, len);
	((fdt32_t *)bad)[2] = cpu_to_fdt32((uint32_t)len - 4);       /* off_dt_struct */
	CHECK(KX_FAILED(kx_a64_dtb_build(bad, len, out, sizeof(out), &a, &outlen)));
	/* single bit flips anywhere: an error, or a valid tree out */
	for (i = 0; i < len * 8; i += 5) {
		struct kx_err e;
		memcpy(bad, src, len);
		bad[i / 8] ^= (uint8_t)(1u << (i % 8));
		T_ROW("bit %zu", i);
		e = kx_a64_dtb_build(bad, len, out, sizeof(out), &a, &outlen);
		if (!KX_FAILED(e))
			CHECK_EQ(fdt_check_full(out, outlen), 0);
	}
	free(bad);
	free(src);
}
