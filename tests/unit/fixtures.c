#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kx/bytes.h>
#include "fixtures.h"

void bz_spec_default(struct bz_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->version = 0x020f;
	s->setup_sects = 8;
	s->jump = 0x6a;
	s->loadflags = 0x01;
	s->xloadflags = KX_XLF_KERNEL_64;
	s->relocatable = 1;
	s->initrd_addr_max = 0x7fffffff;
	s->kernel_alignment = 0x200000;
	s->cmdline_size = 2047;
	s->init_size = 8 * MiB;
	s->pref_address = 16 * MiB;
	s->kernel_len = 3 * 4096 + 1;
}

size_t bz_setup_len(const struct bz_spec *s)
{
	return ((size_t)(s->setup_sects ? s->setup_sects : 4) + 1) * 512;
}

uint8_t *bz_build(const struct bz_spec *s, size_t *len)
{
	size_t setup = bz_setup_len(s), n = setup + s->kernel_len, i;
	uint8_t *b = malloc(n ? n : 1);

	if (!b)
		abort();
	for (i = 0; i < n; i++) /* never zero: lets tests see what was copied */
		b[i] = (uint8_t)(0x80 | ((i * 7 + 3) & 0x7f));
	b[O_SETUP_SECTS] = s->setup_sects;
	kx_put16(b + O_BOOT_FLAG, 0xAA55);
	b[O_JUMP] = 0xeb;
	b[O_JUMP_OFF] = s->jump;
	memcpy(b + O_MAGIC, "HdrS", 4);
	kx_put16(b + O_VERSION, s->version);
	b[O_TYPE_OF_LOADER] = 0x00;
	b[O_LOADFLAGS] = s->loadflags;
	kx_put32(b + O_CODE32_START, 0x100000);
	/* fields the loader must overwrite: garbage in the image */
	kx_put32(b + O_RAMDISK_IMAGE, 0xdeadbeef);
	kx_put32(b + O_RAMDISK_SIZE, 0xfeedface);
	kx_put32(b + O_CMD_LINE_PTR, 0xcafebabe);
	kx_put64(b + O_SETUP_DATA, 0x1122334455667788ull);
	kx_put32(b + O_INITRD_MAX, s->initrd_addr_max);
	kx_put32(b + O_KERNEL_ALIGN, s->kernel_alignment);
	b[O_RELOCATABLE] = s->relocatable;
	b[O_MIN_ALIGN] = 21;
	kx_put16(b + O_XLOADFLAGS, s->xloadflags);
	kx_put32(b + O_CMDLINE_SIZE, s->cmdline_size);
	kx_put32(b + O_SUBARCH, 0);
	kx_put64(b + O_SUBARCH_DATA, 0);
	kx_put64(b + O_PREF_ADDRESS, s->pref_address);
	kx_put32(b + O_INIT_SIZE, s->init_size);
	/* the protected-mode part and the compressed payload the header names */
	kx_put32(b + 0x1f4, (uint32_t)((s->kernel_len + 15) / 16)); /* syssize */
	kx_put32(b + 0x248, 0);                                     /* payload_offset */
	kx_put32(b + 0x24c, 0);                                     /* payload_length */
	*len = n;
	return b;
}

uint8_t *dup_exact(const void *buf, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (!d)
		abort();
	if (len)
		memcpy(d, buf, len);
	return d;
}

int mm_set(struct kx_memmap *m, const struct mm_ent *e, size_t n)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++)
		if (KX_FAILED(kx_memmap_add(m, e[i].start, e[i].end, e[i].type)))
			return 0;
	return 1;
}

void mm_std(struct kx_memmap *m)
{
	static const struct mm_ent e[] = {
		{ 0x0, 0x9fc00, KX_MEM_RAM },
		{ 0x9fc00, 0xa0000, KX_MEM_RESERVED },
		{ 0xf0000, 0x100000, KX_MEM_RESERVED },
		{ 0x100000, 0x7ffe0000, KX_MEM_RAM },
		{ 0x7ffe0000, 0x80000000, KX_MEM_RESERVED },
		{ 0xb0000000, 0xc0000000, KX_MEM_RESERVED },
		{ 0xfed1c000, 0xfed20000, KX_MEM_RESERVED },
		{ 0xfeffc000, 0xff000000, KX_MEM_RESERVED },
		{ 0xfffc0000, 0x100000000, KX_MEM_RESERVED },
		{ 0x100000000, 0x180000000, KX_MEM_RAM },
	};
	if (!mm_set(m, e, sizeof(e) / sizeof(e[0])))
		abort();
}

void plan_with(struct kx_plan *p, const uint64_t (*segs)[2], size_t n)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < n; i++)
		if (KX_FAILED(kx_plan_add(p, "block", "test", 0, 0, segs[i][0], segs[i][1])))
			abort();
}

uint8_t *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = 0;
	long n;

	if (!f)
		return 0;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	b = malloc(n ? (size_t)n : 1);
	if (!b)
		goto out;
	if (fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = 0;
		goto out;
	}
	*len = (size_t)n;
out:
	fclose(f);
	return b;
}

/* The first file matching one of pats, copied to found. */
static const char *first_match(const char *const *pats, size_t n, char *found, size_t flen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		glob_t g;
		if (glob(pats[i], 0, 0, &g) == 0 && g.gl_pathc > 0) {
			snprintf(found, flen, "%s", g.gl_pathv[0]);
			globfree(&g);
			return found;
		}
		globfree(&g);
	}
	return 0;
}

const char *find_vmlinuz(void)
{
	static const char *const pats[] = {
		"tests/e2e/cache/*/boot/vmlinuz*",
		"tests/e2e/cache/*/*/boot/vmlinuz*",
		"tests/e2e/cache/*/*/*/boot/vmlinuz*",
	};
	static char found[4096];
	const char *env = getenv("KX_UNIT_VMLINUZ");

	if (env && *env)
		return access(env, R_OK) == 0 ? env : 0;
	return first_match(pats, sizeof(pats) / sizeof(pats[0]), found, sizeof(found));
}

const char *find_purgatory(void)
{
#if defined(__i386__) /* make ARCH=i386 unit */
	static const char *const pats[] = { "build/i386/purgatory/i386/purgatory.bin" };
#else
	static const char *const pats[] = { "build/purgatory/x86_64/purgatory.bin" };
#endif
	static char found[4096];
	const char *env = getenv("KX_UNIT_PURGATORY");

	if (env && *env)
		return access(env, R_OK) == 0 ? env : 0;
	return first_match(pats, 1, found, sizeof(found));
}

uint64_t align_up_u64(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}
