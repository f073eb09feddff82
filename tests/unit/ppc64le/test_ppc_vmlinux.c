/* The ppc64le ELF vmlinux loader (lib/arch/ppc64le/vmlinux.c) and the
 * purgatory's head (lib/plan.c with a plan's head). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <kx/elf.h>
#include <kx/purgatory.h>
#include "ppc_fix.h"
#include "t.h"

TEST(ppc_vmlinux_probe_and_parse)
{
	size_t len, xlen;
	uint8_t *k = ppc_vmlinux(&len, 1 * MiB, 3 * MiB, 0, KX_EM_PPC64);
	uint8_t *x = ppc_vmlinux(&xlen, 1 * MiB, 3 * MiB, 0, KX_EM_X86_64);
	struct kx_ppc_vmlinux v;
	struct kx_err e;

	CHECK(kx_ppc_vmlinux_probe(k, len));
	CHECK(!kx_ppc_vmlinux_probe(x, xlen));
	CHECK(!kx_ppc_vmlinux_probe(k, 40));
	REQUIRE(CHECK_OK(kx_ppc_vmlinux_parse(k, len, &v)));
	CHECK_EQ(v.lo, 0);
	CHECK_EQ(v.hi, 3 * MiB);
	CHECK_EQ(v.entry, 0);
	CHECK_EQ(v.flags, 2);
	CHECK(v.head == k + 0x10000);
	e = kx_ppc_vmlinux_parse(x, xlen, &v);
	CHECK_ERR(e, KX_E_WRONG_MACHINE);
	CHECK_EQ(e.a, KX_EM_X86_64);
	free(k);
	free(x);
}

TEST(ppc_vmlinux_refuses_bad_kernels)
{
	size_t len;
	uint8_t *tiny = ppc_vmlinux(&len, 200, 4096, 0, KX_EM_PPC64), *k;
	struct kx_ppc_vmlinux v;

	CHECK_ERR(kx_ppc_vmlinux_parse(tiny, len, &v), KX_E_BAD_HEADER);
	free(tiny);
	/* e_entry past the image */
	k = ppc_vmlinux(&len, 64 * KiB, 64 * KiB, 128 * KiB, KX_EM_PPC64);
	CHECK_ERR(kx_ppc_vmlinux_parse(k, len, &v), KX_E_BAD_HEADER);
	free(k);
	/* truncated file: the PT_LOAD runs past its end */
	k = ppc_vmlinux(&len, 64 * KiB, 64 * KiB, 0, KX_EM_PPC64);
	CHECK_ERR(kx_ppc_vmlinux_parse(k, len - 100, &v), KX_E_TRUNCATED);
	free(k);
}

static struct kx_load_req req(struct kx_sysinfo *si, uint8_t *k, size_t len, const char *cmdline)
{
	struct kx_load_req r;
	static uint8_t rd[100000], scratch[64];

	memset(&r, 0, sizeof(r));
	r.image = (struct kx_blob){ k, len, "vmlinux" };
	r.initrd[0] = (struct kx_blob){ rd, sizeof(rd), "initrd" };
	r.ninitrd = 1;
	r.cmdline = cmdline;
	r.sys = si;
	r.window = (struct kx_window){ 0, UINT64_MAX };
	r.scratch = scratch;
	r.scratch_len = sizeof(scratch);
	return r;
}

static int rsv(const void *f, uint64_t addr, uint64_t size)
{
	int i, n = fdt_num_mem_rsv(f);
	uint64_t a, s;

	for (i = 0; i < n; i++)
		if (!fdt_get_mem_rsv(f, i, &a, &s) && a == addr && s == size)
			return 1;
	return 0;
}

TEST(ppc_vmlinux_load_plan)
{
	size_t len;
	uint8_t *k = ppc_vmlinux(&len, 1 * MiB, 44 * MiB + 100, 0x100, KX_EM_PPC64);
	struct kx_sysinfo si;
	struct kx_load_req r;
	struct kx_plan p;
	const struct kx_segment *ks, *rd, *dt;
	unsigned i;

	ppc_sysinfo(&si);
	r = req(&si, k, len, "console=hvc0 kx=1");
	memset(&p, 0, sizeof(p));
	REQUIRE(CHECK_OK(kx_ppc_vmlinux_load(&r, &p)));
	REQUIRE(CHECK_EQ(p.nseg, 3));
	ks = &p.seg[0], rd = &p.seg[1], dt = &p.seg[2];
	CHECK_STR(ks->purpose, "kernel");
	CHECK_STR(rd->purpose, "initrd");
	CHECK_STR(dt->purpose, "dtb");
	/* above the span the kernel copies itself into (44 MiB + 100 -> 44 MiB + 64K)
	 * and above the running kernel's end (40.5 MiB), 64 KiB aligned throughout */
	CHECK_EQ(ks->mem, 64 * MiB);
	CHECK_EQ(ks->memsz, 44 * MiB + 64 * KiB);
	CHECK(ks->buf == k + 0x10000);
	CHECK_EQ(ks->bufsz, 1 * MiB);
	for (i = 0; i < p.nseg; i++) {
		CHECK_EQ(p.seg[i].mem % (64 * KiB), 0);
		CHECK_EQ(p.seg[i].memsz % (64 * KiB), 0);
		CHECK(p.seg[i].mem + p.seg[i].memsz <= 1 * GiB); /* the fixture's memory@0 */
	}
	CHECK(rd->mem >= ks->mem + ks->memsz && dt->mem >= rd->mem + rd->memsz);
	/* the hand-off */
	CHECK_EQ(p.entry_mode, KX_PURG_ENTRY_PPC64);
	CHECK_EQ(p.target, ks->mem + 0x100);
	CHECK_EQ(p.regs[0], dt->mem);
	CHECK_EQ(p.regs[1], ks->mem);
	CHECK_EQ(p.regs[2], 0);
	CHECK_EQ(p.regs_used, 7);
	CHECK(p.head == k + 0x10000);
	CHECK_EQ(p.head_off, KX_PURG_PPC64_HEAD);
	CHECK_STR(p.type, "vmlinux");
	/* the tree: the command line, the initrd, and itself reserved */
	CHECK_EQ(fdt_check_full(dt->buf, dt->bufsz), 0);
	CHECK_STR(fdt_getprop(dt->buf, fdt_path_offset(dt->buf, "/chosen"), "bootargs", 0),
		  "console=hvc0 kx=1");
	CHECK(rsv(dt->buf, rd->mem, 100000));
	CHECK(rsv(dt->buf, dt->mem, dt->memsz));
	CHECK_EQ(fdt_boot_cpuid_phys(dt->buf), 8);
	{
		int l;
		const void *seed = fdt_getprop(dt->buf, fdt_path_offset(dt->buf, "/chosen"), "rng-seed", &l);
		CHECK(seed && l == (int)sizeof(si.rng_seed) && !memcmp(seed, si.rng_seed, sizeof(si.rng_seed)));
	}
	free(k);
}

TEST(ppc_vmlinux_load_errors)
{
	size_t len, dlen;
	uint8_t *k = ppc_vmlinux(&len, 1 * MiB, 44 * MiB, 0, KX_EM_PPC64);
	uint8_t *small = ppc_dtb(&dlen, 64 * MiB, 0);
	char *longcmd = malloc(3000);
	struct kx_sysinfo si;
	struct kx_load_req r;
	struct kx_plan p;
	struct kx_err e;

	ppc_sysinfo(&si);
	memset(longcmd, 'x', 2999);
	longcmd[2999] = 0;
	r = req(&si, k, len, longcmd);
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_ppc_vmlinux_load(&r, &p), KX_E_CMDLINE_TOO_LONG);
	/* no tree anywhere */
	si.fdt.buf = 0;
	r = req(&si, k, len, "");
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_ppc_vmlinux_load(&r, &p), KX_E_NO_DTB);
	/* --dtb: a 64 MiB real mode area holds no 44 MiB kernel above 44 MiB */
	r.dtb = (struct kx_blob){ small, dlen, "small.dtb" };
	memset(&p, 0, sizeof(p));
	e = kx_ppc_vmlinux_load(&r, &p);
	CHECK_ERR(e, KX_E_NO_SPACE);
	CHECK_STR(e.what, "kernel");
	/* a damaged --dtb */
	r.dtb = (struct kx_blob){ (const uint8_t *)"not a tree at all, not at all", 30, "bad.dtb" };
	memset(&p, 0, sizeof(p));
	CHECK_ERR(kx_ppc_vmlinux_load(&r, &p), KX_E_DTB);
	free(longcmd);
	free(small);
	free(k);
}

/* The purgatory's head: the kexec entry is 0x300 into the blob, its first
 * word the blob's, the other 252 bytes the kernel's. */
TEST(ppc_purgatory_head_in_plan)
{
	uint8_t blob[0x400], buf[0x400], head[256];
	struct kx_memmap m = { 0 };
	struct kx_plan p;
	unsigned i;

	memset(blob, 0xee, sizeof(blob));
	memset(blob + 16, 0, KX_PURG_HDR_SIZE - 16);
	blob[16] = 'K', blob[17] = 'X', blob[18] = 'P', blob[19] = 'G';
	blob[20] = KX_PURG_VERSION;
	blob[22] = KX_PURG_HDR_SIZE & 0xff, blob[23] = KX_PURG_HDR_SIZE >> 8;
	blob[26] = 1; /* memsz 0x10000 */
	blob[28] = KX_PURG_ARCH_NATIVE;
	for (i = 0; i < sizeof(head); i++)
		head[i] = (uint8_t)(i + 1);
	kx_memmap_add(&m, 64 * MiB, 128 * MiB, KX_MEM_RAM);
	memset(&p, 0, sizeof(p));
	p.head = head;
	p.head_off = KX_PURG_PPC64_HEAD;
	REQUIRE(CHECK_OK(kx_plan_add_purgatory(&p, &m, (struct kx_window){ 0, UINT64_MAX }, blob,
					       sizeof(blob), buf, sizeof(buf), KX_PURG_VERIFY, 1)));
	CHECK_EQ(p.entry, p.seg[0].mem + 0x300);
	CHECK_MEM(buf + 0x300, blob + 0x300, 4);
	CHECK_MEM(buf + 0x304, head + 4, 252);
	CHECK_MEM(buf + 0x210, blob + 0x210, 0xf0);
	/* a blob too short for its head */
	memset(&p, 0, sizeof(p));
	p.head = head;
	p.head_off = KX_PURG_PPC64_HEAD;
	CHECK_ERR(kx_plan_add_purgatory(&p, &m, (struct kx_window){ 0, UINT64_MAX }, blob, 0x380,
					buf, sizeof(buf), KX_PURG_VERIFY, 1), KX_E_PURGATORY);
}

/* Debian's own ppc64el vmlinux, when the e2e cache has it. */
TEST(ppc_vmlinux_debian)
{
	const char *path = getenv("KX_PPC_VMLINUX");
	struct kx_ppc_vmlinux v;
	uint8_t *b;
	long n;
	FILE *f;

	if (!path || !(f = fopen(path, "rb"))) {
		t_skip("no Debian ppc64el vmlinux (KX_PPC_VMLINUX; tests/e2e/ppc64le/fetch.sh)");
		return;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n);
	REQUIRE(fread(b, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	CHECK(kx_ppc_vmlinux_probe(b, (size_t)n));
	if (CHECK_OK(kx_ppc_vmlinux_parse(b, (size_t)n, &v))) {
		CHECK_EQ(v.lo, 0);
		CHECK_EQ(v.entry, 0);
		CHECK_EQ(v.flags & 3, 2); /* ELFv2 */
		CHECK(v.hi > 16 * MiB && v.hi < 256 * MiB);
		T_ROW("%s: %llu MiB in memory", path, (unsigned long long)(v.hi >> 20));
	}
	free(b);
}

/* The loader table: the vmlinux first, kexec_file_load can take it (the
 * shared code passes the file, initrd and command line), kexec-tools' names. */
TEST(ppc_loader_table)
{
	size_t len;
	uint8_t *k = ppc_vmlinux(&len, 4096, 1 * MiB, 0, KX_EM_PPC64);
	const struct kx_loader *ld = kx_loader_probe(k, len);

	REQUIRE(ld != 0);
	CHECK_STR(ld->name, "vmlinux");
	CHECK(ld->kernel_parses);
	CHECK(ld->takes_dtb);
	CHECK(ld->entry_fixed);
	CHECK(!ld->uki && !ld->no_image);
	CHECK(kx_loader_by_name("elf-ppc64") == ld);
	CHECK(kx_loader_by_name("ppc64") == ld);
	CHECK(kx_loader_by_name("raw") != 0);
	CHECK(kx_loader_by_name("bzImage") == 0);
	free(k);
}
