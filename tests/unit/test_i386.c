/*
 * i386 specifics (make ARCH=i386 unit; empty elsewhere): the loader table,
 * bzImage through the 32-bit boot protocol below the 896 MiB a kernel without
 * PAE maps, what needs long mode refused, Debian's 686 kernel when cached.
 */
#if defined(__i386__)
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kx/arch/x86_64.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/elf.h>
#include <kx/loader.h>
#include <kx/multiboot.h>
#include <kx/plan.h>
#include <kx/purgatory.h>
#include "fixtures.h"
#include "t.h"

#define SCRATCH_LEN (80 * 1024)
#define LOWMEM 0x38000000ull /* 896 MiB */

struct c32 {
	uint8_t *img;
	size_t len;
	struct kx_sysinfo si;
	uint8_t *scratch;
	struct kx_load_req req;
	struct kx_plan plan;
};

static void c32_init(struct c32 *c, uint8_t *img, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->img = img;
	c->len = len;
	mm_std(&c->si.mem); /* 4 GiB below 4 GiB's hole, 2 GiB above */
	c->scratch = calloc(1, SCRATCH_LEN);
	if (!c->scratch)
		abort();
	c->req.image = (struct kx_blob){ img, len, "vmlinuz" };
	c->req.cmdline = "console=ttyS0";
	c->req.window = (struct kx_window){ 0, UINT64_MAX };
	c->req.sys = &c->si;
	c->req.scratch = c->scratch;
	c->req.scratch_len = SCRATCH_LEN;
}

static void c32_free(struct c32 *c)
{
	free(c->img);
	free(c->scratch);
}

static const struct kx_segment *seg_by(const struct kx_plan *p, const char *purpose)
{
	unsigned i;

	for (i = 0; i < p->nseg; i++)
		if (p->seg[i].purpose && !strcmp(p->seg[i].purpose, purpose))
			return &p->seg[i];
	return 0;
}

/* A 32-bit kernel: no XLF_KERNEL_64, 4 KiB aligned, 16 MiB preferred. */
static uint8_t *bz32(size_t *len, uint8_t relocatable)
{
	struct bz_spec s;

	bz_spec_default(&s);
	s.xloadflags = 0;
	s.relocatable = relocatable;
	return bz_build(&s, len);
}

TEST(i386_loader_table)
{
	const struct kx_loader *bz = kx_loader_by_name("bzimage");

	REQUIRE(bz);
	CHECK(bz->load == kx_bzimage_load32);
	CHECK(bz->probe == kx_bzimage_probe);
	CHECK_EQ(bz->kernel_parses, 0); /* no kexec_file_load on i386 */
	CHECK(kx_loader_by_name("bzImage32") == bz);
	CHECK(kx_loader_by_name("bzImage64") == 0);
	CHECK(kx_loader_by_name("uki") == 0);
	CHECK(kx_loader_by_name("multiboot") != 0);
	CHECK(kx_loader_by_name("multiboot2") != 0);
	CHECK(kx_loader_by_name("elf") != 0);
	CHECK(kx_loader_by_name("raw") != 0);
	CHECK_EQ(KX_PURG_ARCH_NATIVE, KX_PURG_ARCH_I386);
}

TEST(i386_parse_hdr_takes_32bit)
{
	size_t len;
	uint8_t *img = bz32(&len, 1);
	struct kx_bzimage bz;

	CHECK_ERR(kx_bzimage_parse(img, len, &bz), KX_E_NOT_64BIT);
	CHECK_OK(kx_bzimage_parse_hdr(img, len, &bz));
	CHECK_EQ(bz.xloadflags, 0);
	free(img);
}

TEST(i386_bzimage_32bit_entry)
{
	struct c32 c;
	size_t len;
	uint8_t *img = bz32(&len, 1);
	const struct kx_segment *k, *bp, *rd;
	static const uint8_t rdbytes[5000] = { 1 };

	c32_init(&c, img, len);
	c.req.initrd[0] = (struct kx_blob){ rdbytes, sizeof(rdbytes), "rd" };
	c.req.ninitrd = 1;
	REQUIRE(CHECK_OK(kx_bzimage_load32(&c.req, &c.plan)));
	k = seg_by(&c.plan, "kernel");
	bp = seg_by(&c.plan, "boot-params");
	rd = seg_by(&c.plan, "initrd");
	REQUIRE(k && bp && rd);
	CHECK_EQ(k->mem, 16 * MiB); /* pref_address */
	CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_32);
	CHECK_EQ(c.plan.target, k->mem); /* startup_32, not +0x200 */
	CHECK_EQ(c.plan.regs[KX_X86_RSI], bp->mem);
	CHECK_EQ(c.plan.purg_flags & KX_PURG_4LEVEL, 0);
	CHECK_EQ(kx_le32(c.scratch + O_CODE32_START), k->mem);
	CHECK_EQ(kx_le32(c.scratch + O_RAMDISK_IMAGE), rd->mem);
	CHECK_EQ(kx_le32(c.scratch + O_RAMDISK_SIZE), sizeof(rdbytes));
	CHECK_EQ(kx_le32(c.scratch + ZP_EXT_RAMDISK_IMAGE), 0);
	/* mm_std has RAM up to nearly 4 GiB: all of it stays in lowmem */
	CHECK(rd->mem + rd->memsz <= LOWMEM);
	CHECK(bp->mem + bp->memsz <= LOWMEM);
	CHECK(kx_le32(c.scratch + O_CMD_LINE_PTR) < LOWMEM);
	c32_free(&c);
}

/* pref_address taken: a relocatable kernel moves up, but not past lowmem;
 * a non-relocatable one cannot move. */
TEST(i386_bzimage_kernel_in_lowmem)
{
	struct c32 c;
	size_t len;
	uint8_t *img = bz32(&len, 1);
	const struct kx_segment *k;

	c32_init(&c, img, len);
	c.req.window = (struct kx_window){ 20 * MiB, UINT64_MAX }; /* 16 MiB out of reach */
	REQUIRE(CHECK_OK(kx_bzimage_load32(&c.req, &c.plan)));
	k = seg_by(&c.plan, "kernel");
	REQUIRE(k);
	CHECK(k->mem >= 20 * MiB && k->mem + k->memsz <= LOWMEM);
	CHECK_EQ(c.plan.target, k->mem);
	c32_free(&c);

	img = bz32(&len, 1);
	c32_init(&c, img, len);
	c.req.window = (struct kx_window){ LOWMEM, UINT64_MAX }; /* only highmem */
	CHECK_ERR(kx_bzimage_load32(&c.req, &c.plan), KX_E_NO_SPACE);
	c32_free(&c);

	img = bz32(&len, 0);
	c32_init(&c, img, len);
	c.req.window = (struct kx_window){ 20 * MiB, UINT64_MAX };
	CHECK_ERR(kx_bzimage_load32(&c.req, &c.plan), KX_E_NO_SPACE);
	c32_free(&c);
}

/* a 64-bit bzImage goes through its 32-bit entry too (a 64-bit CPU running
 * an i386 kernel) */
TEST(i386_bzimage_64bit_kernel_32bit_entry)
{
	struct c32 c;
	struct bz_spec s;
	size_t len;
	uint8_t *img;

	bz_spec_default(&s);
	img = bz_build(&s, &len);
	c32_init(&c, img, len);
	REQUIRE(CHECK_OK(kx_bzimage_load32(&c.req, &c.plan)));
	CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_32);
	CHECK_EQ(c.plan.target, seg_by(&c.plan, "kernel")->mem);
	c32_free(&c);
}

/* An ELF64 needs long mode, which the i386 purgatory cannot enter. */
TEST(i386_elf64_refused)
{
	struct c32 c;
	const struct kx_loader *elf = kx_loader_by_name("elf"), *raw = kx_loader_by_name("raw");
	size_t len = 0x2000;
	uint8_t *img = calloc(1, len), *ph;

	REQUIRE(img && elf && raw);
	memcpy(img, "\177ELF", 4);
	img[4] = 2, img[5] = 1, img[6] = 1;
	kx_put16(img + 16, 2);          /* ET_EXEC */
	kx_put16(img + 18, KX_EM_X86_64);
	kx_put32(img + 20, 1);
	kx_put64(img + 24, 0x200000);  /* e_entry */
	kx_put64(img + 32, 64);        /* e_phoff */
	kx_put16(img + 52, 64);
	kx_put16(img + 54, 56);
	kx_put16(img + 56, 1);
	ph = img + 64;
	kx_put32(ph, 1);               /* PT_LOAD */
	kx_put32(ph + 4, 5);
	kx_put64(ph + 8, 0x1000);      /* p_offset */
	kx_put64(ph + 16, 0x200000);
	kx_put64(ph + 24, 0x200000);
	kx_put64(ph + 32, 0x1000);
	kx_put64(ph + 40, 0x1000);
	kx_put64(ph + 48, 0x1000);
	c32_init(&c, img, len);
	CHECK_ERR(elf->load(&c.req, &c.plan), KX_E_WRONG_MACHINE);
	c32_free(&c);
}

/* Debian's 686 kernel (tests/e2e/i386/fetch.sh), when it is in the cache. */
TEST(i386_real_686_kernel)
{
	static const char *const paths[] = { "tests/e2e/cache/i386/kernel-686/boot",
					     "tests/e2e/cache/i386/kernel-686-pae/boot" };
	unsigned i, done = 0;

	for (i = 0; i < 2; i++) {
		char path[512];
		struct c32 c;
		struct kx_bzimage bz;
		uint8_t *img;
		size_t len;
		FILE *f;
		char name[256] = "";

		snprintf(path, sizeof(path), "ls %s/vmlinuz-* 2>/dev/null", paths[i]);
		f = popen(path, "r");
		if (!f)
			continue;
		if (!fgets(name, sizeof(name), f))
			name[0] = 0;
		pclose(f);
		name[strcspn(name, "\n")] = 0;
		if (!name[0] || !(img = read_whole(name, &len)))
			continue;
		T_ROW("%s", name);
		done++;
		CHECK(kx_bzimage_probe(img, len));
		CHECK_ERR(kx_bzimage_parse(img, len, &bz), KX_E_NOT_64BIT);
		CHECK_OK(kx_bzimage_parse_hdr(img, len, &bz));
		c32_init(&c, img, len);
		if (CHECK_OK(kx_bzimage_load32(&c.req, &c.plan))) {
			const struct kx_segment *k = seg_by(&c.plan, "kernel");
			CHECK(k && k->mem == bz.pref_address);
			CHECK(k && k->mem + k->memsz <= LOWMEM);
			CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_32);
		}
		c32_free(&c);
	}
	if (!done)
		SKIP("no i386 kernels in tests/e2e/cache/i386 (tests/e2e/i386/fetch.sh)");
}
#endif
