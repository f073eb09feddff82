/* ppc64le kdump's pure parts (lib/arch/ppc64le/crash.c): __run_at_load, and
 * the crash kernel's device tree (reservations, linux,usable-memory). */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kx/arch/ppc64le_crash.h>
#include <kx/bytes.h>
#include "ppc_fix.h"
#include "t.h"

static int reserved(const void *f, uint64_t addr, uint64_t size)
{
	int i, n = fdt_num_mem_rsv(f);
	uint64_t a, s;

	for (i = 0; i < n; i++)
		if (!fdt_get_mem_rsv(f, i, &a, &s) && a == addr && s == size)
			return 1;
	return 0;
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;
	int i;
	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

TEST(ppc_crash_run_at_load)
{
	uint8_t head[256];

	memset(head, 0, sizeof(head));
	CHECK(!kx_ppc_crash_relocates(head, sizeof(head)));
	kx_put32(head + 0x5c, 0x72756e30); /* "run0", as Debian's vmlinux has it */
	CHECK(kx_ppc_crash_relocates(head, sizeof(head)));
	CHECK(!kx_ppc_crash_relocates(head, 0x5f)); /* too short to hold the word */
	CHECK(!kx_ppc_crash_relocates(0, 256));
	kx_ppc_crash_run_at_load(head, sizeof(head));
	CHECK_EQ(kx_le32(head + 0x5c), 1);
	CHECK_EQ(kx_le32(head + 0x58), 0);
	CHECK_EQ(kx_le32(head + 0x60), 0);
	CHECK(!kx_ppc_crash_relocates(head, sizeof(head)));
}

/* QEMU pseries' shape: memory@0 [0, 1 GiB), memory@40000000 [1, 2 GiB);
 * the region [512 MiB, 768 MiB) */
TEST(ppc_crash_dtb)
{
	size_t len, outlen = 0, cap;
	uint8_t *src = ppc_dtb(&len, 1 * GiB, 1), *out;
	const struct kx_range keep[] = {
		{ 0x10000, 0x20000000 },   /* the crashed kernel's memory */
		{ 0x2ffe0000, 0x2fff0000 }, /* the core header */
		{ 0x2fff0000, 0x30000000 }, /* the backup */
		{ 0x5000, 0x5000 },         /* empty: no entry */
	};
	int n0 = fdt_num_mem_rsv(src), off, l;
	const uint8_t *p;

	cap = kx_ppc_dtb_crash_room(src, len);
	REQUIRE((out = malloc(cap)));
	REQUIRE(CHECK_OK(kx_ppc_dtb_crash(src, len, out, cap, keep, 4, 0x30000000, &outlen)));
	CHECK_EQ(fdt_check_full(out, outlen), 0);
	CHECK_EQ(fdt_totalsize(out), outlen);
	CHECK_EQ(fdt_num_mem_rsv(out), n0 + 3);
	CHECK(reserved(out, 0x10000, 0x20000000 - 0x10000));
	CHECK(reserved(out, 0x2ffe0000, 0x10000));
	CHECK(reserved(out, 0x2fff0000, 0x10000));
	T_ROW("memory@0: [0, 1 GiB) cut at the region's end");
	off = fdt_path_offset(out, "/memory@0");
	REQUIRE(off >= 0);
	p = fdt_getprop(out, off, "linux,usable-memory", &l);
	REQUIRE(p && l == 16);
	CHECK_EQ(be64_at(p), 0);
	CHECK_EQ(be64_at(p + 8), 0x30000000);
	T_ROW("memory@40000000: wholly above, size 0");
	off = fdt_path_offset(out, "/memory@40000000");
	REQUIRE(off >= 0);
	p = fdt_getprop(out, off, "linux,usable-memory", &l);
	REQUIRE(p && l == 16);
	CHECK_EQ(be64_at(p), 0x40000000);
	CHECK_EQ(be64_at(p + 8), 0);
	T_ROW("the rest of the tree as it was");
	CHECK(fdt_path_offset(out, "/chosen") >= 0);
	CHECK(fdt_path_offset(out, "/rtas") >= 0);

	T_ROW("the region's end above all memory: no property");
	REQUIRE(CHECK_OK(kx_ppc_dtb_crash(src, len, out, cap, keep, 3, 2 * GiB, &outlen)));
	CHECK(!fdt_getprop(out, fdt_path_offset(out, "/memory@0"), "linux,usable-memory", &l));
	CHECK(!fdt_getprop(out, fdt_path_offset(out, "/memory@40000000"), "linux,usable-memory", &l));
	CHECK_EQ(fdt_num_mem_rsv(out), n0 + 3);
	free(out);
	free(src);
}

TEST(ppc_crash_dtb_errors)
{
	size_t len, outlen = 0;
	uint8_t *src = ppc_dtb(&len, 1 * GiB, 1), out[64 * 1024];
	struct kx_range keep[KX_PPC_CRASH_MAX_RESERVE + 1];
	uint8_t bad[64];
	struct kx_err e;

	memset(keep, 0, sizeof(keep));
	T_ROW("too many entries");
	CHECK_ERR(kx_ppc_dtb_crash(src, len, out, sizeof(out), keep, KX_PPC_CRASH_MAX_RESERVE + 1,
				   GiB, &outlen), KX_E_TOO_MANY);
	T_ROW("no room");
	CHECK_ERR(kx_ppc_dtb_crash(src, len, out, len - 8, keep, 1, GiB, &outlen), KX_E_SCRATCH);
	T_ROW("not a tree");
	memset(bad, 0x5a, sizeof(bad));
	e = kx_ppc_dtb_crash(bad, sizeof(bad), out, sizeof(out), keep, 0, GiB, &outlen);
	CHECK_ERR(e, KX_E_DTB);
	CHECK_EQ(e.a, KX_DTB_MAGIC);
	T_ROW("truncated");
	e = kx_ppc_dtb_crash(src, len / 2, out, sizeof(out), keep, 0, GiB, &outlen);
	CHECK_ERR(e, KX_E_DTB);
	CHECK_EQ(e.a, KX_DTB_TRUNCATED);
	free(src);
}
