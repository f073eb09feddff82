/* The renderer of lib/'s errors (libkx/render_lib.c): every code has a name
 * and a sentence; a few sentences are pinned byte for byte, because users and
 * the end-to-end tests read them. Everything else asserts codes, not words. */
#include <stdio.h>
#include <string.h>
#include <render.h>
#include "t.h"

#define MiB (1ull << 20)

/* Codes only arm64's loaders make: rendered by libkx/arch/arm64/render.c,
 * which this suite has only when built for arm64 (make unit-arm64). */
static int other_arch(unsigned c)
{
#ifdef KX_UNIT_ARM64
	(void)c;
	return 0;
#else
	return c == KX_E_BIG_ENDIAN || c == KX_E_GZIP || c == KX_E_ZBOOT_CODEC ||
	       c == KX_E_NO_UNPACK_MEMORY || c == KX_E_NO_DTB || c == KX_E_DTB || c == KX_E_DTB_TOO_BIG;
#endif
}

TEST(errname_every_code)
{
	unsigned c, d;

	for (c = 0; c < KX_E__COUNT; c++) {
		T_ROW("code %u", c);
		if (!CHECK(kx_errname(c) && strcmp(kx_errname(c), "unknown")))
			continue;
		for (d = 0; d < c; d++)
			CHECK(strcmp(kx_errname(c), kx_errname(d)));
	}
	CHECK_STR(kx_errname(KX_E__COUNT), "unknown");
}

TEST(render_every_code)
{
	static const char *const whats[] = { "thing", 0 };
	static const uint64_t as[] = { 0, 1, 2, 3, 4, 5, 6, 7, 0x1000, UINT64_MAX };
	char buf[512], small[12];
	unsigned c, w, i;

	for (c = 1; c < KX_E__COUNT; c++)
		for (w = 0; w < 2 && !other_arch(c); w++)
			for (i = 0; i < T_ARRAY_SIZE(as); i++) {
				struct kx_err e = kx_err(c, whats[w], as[i], as[i] ? 2 * MiB : 0);
				size_t n = kx_render_lib(buf, sizeof(buf), e, "/b/k");

				T_ROW("%s, what %s, a %#llx", kx_errname(c), whats[w] ? whats[w] : "NULL",
				      (unsigned long long)as[i]);
				if (!CHECK(n > 0 && n < sizeof(buf)))
					continue;
				CHECK_EQ(strlen(buf), n);
				CHECK(!strstr(buf, "unexpected error"));
				CHECK(!strstr(buf, "(null)"));
				CHECK_EQ(buf[n - 1], '.');
				/* too small a buffer: cut, terminated, the same length wanted */
				CHECK_EQ(kx_render_lib(small, sizeof(small), e, "/b/k"), n);
				CHECK_EQ(strlen(small), sizeof(small) - 1);
				CHECK(!strncmp(small, buf, sizeof(small) - 1));
			}
}

TEST(render_unknown_code)
{
	char buf[128];

	kx_render_lib(buf, sizeof(buf), kx_err(KX_E__COUNT, 0, 0, 0), "/b/k");
	CHECK_STR(buf, "/b/k: unexpected error unknown.");
	CHECK_EQ(kx_render_lib(0, 0, kx_err(KX_E_NO_RAM, 0, 0, 0), "m"),
		 strlen("m lists no usable RAM; kx cannot place anything."));
}

/* Exact sentences: each the one printed before the code existed. */
TEST(render_pinned)
{
	static const struct {
		struct kx_err e;
		const char *subject, *want;
	} rows[] = {
		{ { KX_E_BIG_ENDIAN, 0, 0xb, 0 }, "/b/Image",
		  "/b/Image: it is a big-endian arm64 kernel, and kx (little-endian) cannot boot it." },
		{ { KX_E_GZIP, 0, KX_GZ_NO_HEADER, 0 }, "/b/Image.gz",
		  "/b/Image.gz: it is not gzip data (no gzip header)." },
		{ { KX_E_GZIP, 0, KX_GZ_CRC, 0x1234 }, "/b/Image.gz",
		  "/b/Image.gz: its gzip data is damaged (CRC-32 mismatch); copy the file again." },
		{ { KX_E_GZIP, 0, KX_GZ_NOT_IMAGE, 0 }, "/b/Image.gz",
		  "/b/Image.gz: its gzip data does not hold an arm64 Image (no \"ARM\\x64\" magic)." },
		{ { KX_E_ZBOOT_CODEC, "zstd", KX_ZB_ZSTD, 0 }, "/b/zstd.zboot",
		  "/b/zstd.zboot: it is an EFI zboot image compressed with zstd; kx unpacks only gzip "
		  "(unpack the Image with the kernel's scripts/extract-vmlinux, or build with "
		  "CONFIG_KERNEL_GZIP)." },
		{ { KX_E_ZBOOT_CODEC, "xz", KX_ZB_XZ, 0 }, "/b/v",
		  "/b/v: it is an EFI zboot image compressed with xz; kx unpacks only gzip (unpack the "
		  "Image with the kernel's scripts/extract-vmlinux)." },
		{ { KX_E_ZBOOT_CODEC, 0, KX_ZB_UNKNOWN, 0 }, "/b/v",
		  "/b/v: it is an EFI zboot image with a compression type kx does not know; kx unpacks "
		  "only gzip." },
		{ { KX_E_NO_UNPACK_MEMORY, 0, 0, 0 }, "/b/v",
		  "/b/v: it is compressed, and kx has no memory to unpack it here." },
		{ { KX_E_NO_DTB, 0, 0, 0 }, "/b/Image",
		  "/b/Image: an arm64 kernel needs a device tree, and this system offers none "
		  "(no /sys/firmware/fdt); give one with --dtb=FILE." },
		{ { KX_E_DTB, 0, KX_DTB_MAGIC, 9 }, "/b/Image.gz",
		  "/b/Image.gz: the device tree to start from (--dtb, or /sys/firmware/fdt) is not a "
		  "flattened device tree (bad magic)." },
		{ { KX_E_DTB_TOO_BIG, 0, 3 * MiB, 2 * MiB }, "/b/Image",
		  "/b/Image: the device tree would be larger than the 2 MiB an arm64 kernel accepts." },
		{ { KX_E_ENTRY_RANGE, 0, 1ull << 32, 1ull << 32 }, "/b/k.elf",
		  "/b/k.elf: --entry is above 4 GiB, out of reach of a 32-bit ELF." },
		{ { KX_E_MB_ENTRY_RANGE, 0, 1ull << 32, 1ull << 32 }, "/b/mb1",
		  "/b/mb1: --entry must be below 4 GiB for a multiboot kernel." },
		{ { KX_E_MB_INITRD, 0, 1, 0 }, "/b/mb1",
		  "/b/mb1: a multiboot kernel takes its files as --module, not --initrd." },
		{ { KX_E_RAW_NO_SEGMENT, 0, 0, 0 }, "the raw image",
		  "the raw image: the raw type needs at least one --segment=FILE@ADDR." },
		{ { KX_E_RAW_NO_ENTRY, 0, 0, 0 }, "the raw image",
		  "the raw image: the raw type needs --entry=ADDR." },
		{ { KX_E_SEGMENT_EMPTY, 0, 0, 0x200000 }, "the raw image",
		  "the raw image: a --segment file is empty." },
		{ { KX_E_USER_SEG_ALIGN, 0, 0, 0x200010 }, "the raw image",
		  "--segment #1 (at 0x200010) is not page aligned (4 KiB)." },
		{ { KX_E_USER_SEG_NOT_RAM, 0, 1, 0xb0000000 }, "the raw image",
		  "--segment #2 (at 0xb0000000) is not in System RAM (or outside --mem-min/--mem-max)." },
		{ { KX_E_MEMMAP_HIDDEN, 0, 0, 0 }, "/proc/iomem",
		  "cannot read the memory map: /proc/iomem has its addresses hidden; run as root." },
		{ { KX_E_BOOT_INFO_TOO_BIG, "multiboot information", 360, 100 }, "/b/mb1",
		  "the multiboot information would take 360 bytes, more than kx reserves (100); use a "
		  "shorter command line." },
		{ { KX_E_SCRATCH, "device tree", 5000, 4000 }, "/b/Image",
		  "the device tree would take 5000 bytes, more than kx reserves (4000)." },
		{ { KX_E_SEG_TOO_BIG, 0, 600 * MiB, 512 * MiB }, "/b/k",
		  "the files need 600.0 MiB, more than half of RAM (the kernel's limit for a kexec load); "
		  "use smaller files." },
		{ { KX_E_PURGATORY, 0, KX_PG_MAGIC, 0 }, "/b/p.bin",
		  "the purgatory /b/p.bin has no KXPG magic; rebuild kx or give a valid --purgatory file." },
		{ { KX_E_PURGATORY, 0, KX_PG_ARCH, 2 }, "built-in",
		  "the purgatory built-in is for another architecture; rebuild kx or give a valid "
		  "--purgatory file." },
		{ { KX_E_TRUNCATED, "bzImage header", 612, 600 }, "/tmp/trunc",
		  "/tmp/trunc is truncated: its bzImage header needs 612 bytes but only 600 are there. "
		  "Check that the file was copied completely." },
		{ { KX_E_NO_SPACE, "initrd", 40 * MiB, 0x5000000 }, "/b/k",
		  "the initrd (40.0 MiB) fits nowhere in free RAM below 0x5000000; use a smaller file or "
		  "check --mem-min/--mem-max." },
	};
	char buf[512];
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		if (other_arch(rows[i].e.code))
			continue;
		T_ROW("%s", kx_errname(rows[i].e.code));
		CHECK_EQ(kx_render_lib(buf, sizeof(buf), rows[i].e, rows[i].subject),
			 strlen(rows[i].want));
		CHECK_STR(buf, rows[i].want);
	}
}
