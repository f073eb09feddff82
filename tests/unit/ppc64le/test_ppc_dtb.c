/* The device tree kx hands to the next ppc64le kernel (lib/arch/ppc64le/dtb.c). */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "ppc_fix.h"
#include "t.h"

static const void *prop(const void *f, const char *path, const char *name, int *len)
{
	int off = fdt_path_offset(f, path);
	return off < 0 ? 0 : fdt_getprop(f, off, name, len);
}

static uint64_t u64_of(const void *p)
{
	fdt64_t v;
	memcpy(&v, p, sizeof(v));
	return fdt64_to_cpu(v);
}

/* Is [addr, addr + size) in the tree's reserve map? */
static int reserved(const void *f, uint64_t addr, uint64_t size)
{
	int i, n = fdt_num_mem_rsv(f);
	uint64_t a, s;

	for (i = 0; i < n; i++)
		if (!fdt_get_mem_rsv(f, i, &a, &s) && a == addr && s == size)
			return 1;
	return 0;
}

static uint8_t *build(const uint8_t *src, size_t len, const struct kx_ppc_dt_args *a,
		      size_t *outlen, int *self)
{
	size_t room = kx_ppc_dtb_room(src, len, a->cmdline ? strlen(a->cmdline) : 0);
	uint8_t *out = malloc(room);

	if (!CHECK_OK(kx_ppc_dtb_build(src, len, out, room, a, outlen, self))) {
		free(out);
		return 0;
	}
	return out;
}

TEST(ppc_dtb_chosen_reserve_map_and_header)
{
	size_t len, outlen;
	uint8_t *src = ppc_dtb(&len, 1 * GiB, 1), *out;
	struct kx_ppc_dt_args a = { .cmdline = "console=hvc0 new=2", .initrd_start = 0x6000000,
				    .initrd_end = 0x6123456, .boot_cpu = 0 };
	static const char *const gone[] = { "linux,kernel-end", "linux,crashkernel-base",
		"linux,crashkernel-size", "linux,memory-limit", "linux,htab-base", "linux,htab-size" };
	const void *p;
	int l, self;
	unsigned i;

	REQUIRE((out = build(src, len, &a, &outlen, &self)));
	CHECK_EQ(fdt_check_full(out, outlen), 0);
	CHECK_EQ(fdt_totalsize(out), outlen);
	CHECK_EQ(fdt_version(out), 17);
	CHECK_EQ(fdt_boot_cpuid_phys(out), 0);
	p = prop(out, "/chosen", "bootargs", &l);
	CHECK(p && !strcmp(p, "console=hvc0 new=2"));
	p = prop(out, "/chosen", "linux,initrd-start", &l);
	CHECK(p && l == 8 && u64_of(p) == 0x6000000);
	p = prop(out, "/chosen", "linux,initrd-end", &l);
	CHECK(p && l == 8 && u64_of(p) == 0x6123456);
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (!CHECK(!prop(out, "/chosen", gone[i], &l)))
			t_note("%s leaked into the next kernel's tree", gone[i]);
	CHECK(!prop(out, "/pci@800000020000000", "linux,pci-domain", &l));
	CHECK(!prop(out, "/chosen", "rng-seed", &l)); /* the stale one, and no fresh bytes */
	/* kept as they were */
	p = prop(out, "/chosen", "linux,stdout-path", &l);
	CHECK(p && !strcmp(p, "/vdevice/vty@71000000"));
	p = prop(out, "/chosen", "keep-me", &l);
	CHECK(p && !strcmp(p, "yes"));
	p = prop(out, "/pci@800000020000000", "linux,tce-base", &l);
	CHECK(p && l == 8 && u64_of(p) == 0x2e000000);
	CHECK(prop(out, "/cpus/PowerPC,POWER9@8", "reg", &l) != 0);
	/* the reserve map: firmware's entry kept, the stale initrd's gone, and
	 * the initrd, RTAS, OPAL, the TCE table, reserved-ranges, the tree */
	CHECK(reserved(out, 0x7e000000, 0x1000));
	CHECK(!reserved(out, 0x3000000, 0x200000));
	CHECK(reserved(out, 0x6000000, 0x123456));
	CHECK(reserved(out, 0x2f000000, 0x2000));
	CHECK(reserved(out, 0x30000000, 0x1000000));
	CHECK(reserved(out, 0x2e000000, 0x800000));
	CHECK(reserved(out, 0x7f000000, 0x10000));
	CHECK(reserved(out, 0x7f100000, 0x20000));
	CHECK_EQ(self, fdt_num_mem_rsv(out) - 1);
	CHECK_EQ(fdt_num_mem_rsv(out), 8);
	kx_ppc_dtb_set_self(out, self, 0x5460000);
	CHECK(reserved(out, 0x5460000, 0x10000));
	CHECK_EQ(fdt_check_full(out, outlen), 0);
	free(out);
	free(src);
}

TEST(ppc_dtb_no_chosen_no_initrd_empty_cmdline)
{
	size_t len, outlen;
	uint8_t *src = ppc_dtb(&len, 1 * GiB, 0), *out;
	struct kx_ppc_dt_args a = { .cmdline = "", .boot_cpu = 8 };
	int l, self;

	REQUIRE((out = build(src, len, &a, &outlen, &self)));
	CHECK(fdt_path_offset(out, "/chosen") >= 0);
	CHECK(!prop(out, "/chosen", "bootargs", &l));
	CHECK(!prop(out, "/chosen", "linux,initrd-start", &l));
	CHECK(!prop(out, "/chosen", "linux,initrd-end", &l));
	CHECK_EQ(fdt_boot_cpuid_phys(out), 8);
	/* the stale initrd's entry stays: /chosen (which named it) was not there */
	CHECK(reserved(out, 0x3000000, 0x200000));
	free(out);
	free(src);
}

TEST(ppc_dtb_big_tree_grows_and_big_cmdline)
{
	size_t len, outlen, i;
	uint8_t *src = ppc_dtb(&len, 1 * GiB, 1), *out;
	char *cmd = malloc(2048);
	struct kx_ppc_dt_args a = { 0 };
	int l, self;
	const char *p;

	for (i = 0; i < 2047; i++)
		cmd[i] = (char)('a' + i % 26);
	cmd[2047] = 0;
	a.cmdline = cmd;
	REQUIRE((out = build(src, len, &a, &outlen, &self)));
	p = prop(out, "/chosen", "bootargs", &l);
	CHECK(p && l == 2048 && !strcmp(p, cmd));
	free(out);
	free(cmd);
	free(src);
}

TEST(ppc_dtb_refuses_bad_trees)
{
	size_t len, outlen;
	uint8_t *src = ppc_dtb(&len, 1 * GiB, 1), junk[256], out[128];
	struct kx_ppc_dt_args a = { .cmdline = "x" };
	int self;

	memset(junk, 0x5a, sizeof(junk));
	CHECK_ERR(kx_ppc_dtb_check(junk, sizeof(junk)), KX_E_DTB);
	CHECK_EQ(kx_ppc_dtb_check(junk, sizeof(junk)).a, KX_DTB_MAGIC);
	CHECK_ERR(kx_ppc_dtb_check(src, 20), KX_E_DTB);
	CHECK_EQ(kx_ppc_dtb_check(src, 20).a, KX_DTB_TRUNCATED);
	CHECK_ERR(kx_ppc_dtb_check(src, len - 8), KX_E_DTB);
	CHECK_OK(kx_ppc_dtb_check(src, len));
	/* too little room: a scratch error, not a damaged tree */
	CHECK_ERR(kx_ppc_dtb_build(src, len, out, sizeof(out), &a, &outlen, &self), KX_E_SCRATCH);
	CHECK_EQ(outlen, 0);
	free(src);
}

TEST(ppc_dtb_rma_and_kernel_end)
{
	size_t len, blen;
	uint8_t *src = ppc_dtb(&len, 512 * MiB, 1), *bare = ppc_dtb(&blen, 512 * MiB, 0);

	CHECK_EQ(kx_ppc_dtb_rma(src, len), 512 * MiB);
	CHECK_EQ(kx_ppc_dtb_kernel_end(src, len), 0x2880000);
	CHECK_EQ(kx_ppc_dtb_kernel_end(bare, blen), 0);
	CHECK_EQ(kx_ppc_dtb_rma(src, 16), 0);
	CHECK_EQ(kx_ppc_dtb_rma((const uint8_t *)"nonsense", 8), 0);
	free(src);
	free(bare);
}
