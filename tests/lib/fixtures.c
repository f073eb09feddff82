/*
 * What the loads are built from: synthetic kernels of every type kx loads on
 * x86_64 (bzImage, ELF, multiboot), initrds, modules and raw pieces, each as
 * a buffer and as a file in a temporary directory; a real Debian vmlinuz
 * from the e2e cache (tests/e2e/cache, or $KX_LIB_VMLINUZ) when there is one;
 * the built purgatory blob ($KX_LIB_PURGATORY).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lt.h"

struct fx fx[FX__COUNT];
char lt_dir[256];

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

uint8_t *fx_pattern(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n ? n : 1);
	uint64_t s = 0x9e3779b97f4a7c15ull ^ seed;
	size_t i;

	if (!b)
		abort();
	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(lt_rand(&s) | 1);
	return b;
}

/* Boot protocol 2.15, 64-bit, relocatable (Documentation/arch/x86/boot.rst). */
uint8_t *fx_bzimage(uint32_t init_size, uint64_t pref, size_t kernel_len, size_t *len)
{
	const unsigned setup_sects = 8;
	size_t n = (setup_sects + 1) * 512 + kernel_len;
	uint8_t *b = fx_pattern(n, (unsigned)init_size);

	b[0x1f1] = setup_sects;
	put16(b + 0x1fe, 0xaa55);
	b[0x200] = 0xeb;
	b[0x201] = 0x6a;
	memcpy(b + 0x202, "HdrS", 4);
	put16(b + 0x206, 0x020f);
	b[0x210] = 0;
	b[0x211] = 0x01;                 /* LOADED_HIGH */
	put32(b + 0x214, 0x100000);
	put32(b + 0x218, 0);
	put32(b + 0x21c, 0);
	put32(b + 0x228, 0);
	put32(b + 0x22c, 0x7fffffff);    /* initrd_addr_max */
	put32(b + 0x230, 0x200000);      /* kernel_alignment */
	b[0x234] = 1;                    /* relocatable */
	b[0x235] = 21;
	put16(b + 0x236, 1);             /* XLF_KERNEL_64 */
	put32(b + 0x238, 2047);          /* cmdline_size */
	put32(b + 0x23c, 0);
	put64(b + 0x240, 0);
	put32(b + 0x1f4, (uint32_t)((kernel_len + 15) / 16)); /* syssize */
	put32(b + 0x248, 0);
	put32(b + 0x24c, 0);
	put64(b + 0x250, 0);
	put64(b + 0x258, pref);
	put32(b + 0x260, init_size);
	put32(b + 0x264, 0);
	put32(b + 0x268, 0);
	*len = n;
	return b;
}

/* ELF64 x86-64 ET_EXEC: PT_LOADs at 16 MiB and 16 MiB + 64 KiB (bss), entry in the first. */
static uint8_t *elf_kernel(size_t *len)
{
	const size_t n = 0x4000;
	uint8_t *b = fx_pattern(n, 77);
	uint8_t *ph;

	memset(b, 0, 64 + 2 * 56);
	memcpy(b, "\177ELF", 4);
	b[4] = 2; /* ELFCLASS64 */
	b[5] = 1; /* little endian */
	b[6] = 1;
	put16(b + 16, 2);  /* ET_EXEC */
	put16(b + 18, 62); /* EM_X86_64 */
	put32(b + 20, 1);
	put64(b + 24, 0x1000040);
	put64(b + 32, 64);
	put16(b + 52, 64);
	put16(b + 54, 56);
	put16(b + 56, 2);
	ph = b + 64;
	put32(ph, 1);
	put32(ph + 4, 5);
	put64(ph + 8, 0x1000);
	put64(ph + 16, 0x1000000);
	put64(ph + 24, 0x1000000);
	put64(ph + 32, 0x2000);
	put64(ph + 40, 0x2000);
	put64(ph + 48, 0x1000);
	ph += 56;
	put32(ph, 1);
	put32(ph + 4, 6);
	put64(ph + 8, 0x3000);
	put64(ph + 16, 0x1010000);
	put64(ph + 24, 0x1010000);
	put64(ph + 32, 0x1000);
	put64(ph + 40, 0x9000);
	put64(ph + 48, 0x1000);
	*len = n;
	return b;
}

/* Multiboot 1 with the a.out kludge: loaded at 2 MiB, header at 0x40. */
static uint8_t *mb1_kernel(size_t *len)
{
	const uint32_t magic = 0x1badb002u, flags = 3u | 0x10000u, load = 0x200000;
	const size_t n = 0x2345;
	uint8_t *b = fx_pattern(n, 11);

	put32(b + 0x40, magic);
	put32(b + 0x44, flags);
	put32(b + 0x48, 0u - magic - flags);
	put32(b + 0x4c, load + 0x40);           /* header_addr */
	put32(b + 0x50, load);                  /* load_addr */
	put32(b + 0x54, load + (uint32_t)n);    /* load_end_addr */
	put32(b + 0x58, load + (uint32_t)n + 0x8000); /* bss_end_addr */
	put32(b + 0x5c, load + 0x80);           /* entry_addr */
	*len = n;
	return b;
}

int fx_write(const char *name, const void *buf, size_t len, char *out, size_t outlen)
{
	FILE *f;

	snprintf(out, outlen, "%s/%s", lt_dir, name);
	f = fopen(out, "wb");
	if (!f)
		return -1;
	if (len && fwrite(buf, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static uint8_t *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (!f)
		return 0;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return 0;
	}
	b = malloc((size_t)n);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = 0;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int from_file(enum fx_id id, const char *name, const char *path)
{
	fx[id].name = name;
	if (!path || !(fx[id].buf = read_whole(path, &fx[id].len)))
		return 0;
	snprintf(fx[id].path, sizeof(fx[id].path), "%s", path);
	return 1;
}

static int made(enum fx_id id, const char *name, uint8_t *buf, size_t len)
{
	fx[id].name = name;
	fx[id].buf = buf;
	fx[id].len = len;
	if (fx_write(name, buf, len, fx[id].path, sizeof(fx[id].path))) {
		fprintf(stderr, "lib-test: cannot write %s: %s\n", fx[id].path, strerror(errno));
		return -1;
	}
	return 0;
}

static const char *real_kernel(char *out, size_t n)
{
	static const char *const pats[] = { "tests/e2e/cache/*/boot/vmlinuz*",
					    "tests/e2e/cache/*/*/boot/vmlinuz*" };
	const char *env = getenv("KX_LIB_VMLINUZ");
	unsigned i;

	if (env && *env)
		return env;
	for (i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;
		int ok = glob(pats[i], 0, 0, &g) == 0 && g.gl_pathc > 0;
		if (ok)
			snprintf(out, n, "%s", g.gl_pathv[0]);
		globfree(&g);
		if (ok)
			return out;
	}
	return 0;
}

int fx_setup(void)
{
	char kpath[512], ppath[512];
	const char *p;
	uint8_t *b;
	size_t n;

	snprintf(lt_dir, sizeof(lt_dir), "%s/kx-libtest.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(lt_dir)) {
		fprintf(stderr, "lib-test: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	from_file(FX_REAL, "vmlinuz", real_kernel(kpath, sizeof(kpath)));
	p = getenv("KX_LIB_PURGATORY");
	if (!p || !*p) {
		snprintf(ppath, sizeof(ppath), "build/purgatory/%s/purgatory.bin", kx_arch());
		p = ppath;
	}
	from_file(FX_PURGATORY, "purgatory.bin", p);
	b = fx_bzimage(8u << 20, 16u << 20, 3 * 4096 + 1, &n);
	if (made(FX_BZ_A, "bz-a", b, n))
		return -1;
	b = fx_bzimage(24u << 20, 32u << 20, 1u << 20, &n);
	if (made(FX_BZ_B, "bz-b", b, n))
		return -1;
	b = elf_kernel(&n);
	if (made(FX_ELF, "kernel.elf", b, n))
		return -1;
	b = mb1_kernel(&n);
	if (made(FX_MB1, "mb1.kernel", b, n))
		return -1;
	if (made(FX_GARBAGE, "garbage", fx_pattern(4096, 5), 4096) ||
	    made(FX_INITRD_A, "initrd-a", fx_pattern(300 * 1024 + 17, 1), 300 * 1024 + 17) ||
	    made(FX_INITRD_B, "initrd-b", fx_pattern(1 << 20, 2), 1 << 20) ||
	    made(FX_INITRD_C, "initrd-c", fx_pattern(4097, 3), 4097) ||
	    made(FX_SEG_A, "seg-a", fx_pattern(8192, 21), 8192) ||
	    made(FX_SEG_B, "seg-b", fx_pattern(4097, 22), 4097) ||
	    made(FX_MOD_A, "mod-a", fx_pattern(5000, 31), 5000) ||
	    made(FX_MOD_B, "mod-b", fx_pattern(70 * 1024, 32), 70 * 1024))
		return -1;
	return 0;
}

int fx_have(enum fx_id id)
{
	return fx[id].buf != 0;
}

void fx_cleanup(void)
{
	unsigned i;

	for (i = 0; i < FX__COUNT; i++) {
		if (fx[i].buf && i != FX_REAL && i != FX_PURGATORY)
			unlink(fx[i].path);
		free(fx[i].buf);
		fx[i].buf = 0;
	}
	if (rmdir(lt_dir))
		fprintf(stderr, "lib-test: %s left behind: %s\n", lt_dir, strerror(errno));
}
