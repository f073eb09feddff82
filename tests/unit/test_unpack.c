/*
 * The decompression layer (libkx/unpack.c) and the format detection
 * (lib/comp.c): every format against the host's own compressors (gzip,
 * bzip2, lzma, xz, lzop, lz4 -l, lz4, zstd; tests/deps.sh installs them),
 * byte for byte, and each damaged: truncated, corrupted, and a bomb (more
 * output than the bound allows). A compressor missing on the host skips its
 * rows (and fails under KX_REQUIRE_ALL=1).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <kx/bytes.h>
#include <kx/comp.h>
#include <kx/uimage.h>
#include <unpack.h>
#include "t.h"

/* ---- the load's memory, as libkx gives it: anonymous mappings ------------------ */

/* (the sizes are kept, for load_grow's mremap; each case runs in its own process) */
static struct { void *p; size_t n; } maps[4096];
static unsigned nmaps, ngrows;

void *load_alloc(void *load, size_t n)
{
	void *p;

	(void)load;
	if (nmaps == T_ARRAY_SIZE(maps))
		return 0;
	p = mmap(0, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	maps[nmaps].p = p;
	maps[nmaps++].n = n;
	return p;
}

void *load_grow(void *load, void *p, size_t n)
{
	unsigned i;
	void *q;

	(void)load;
	ngrows++;
	for (i = 0; i < nmaps && maps[i].p != p; i++)
		;
	if (i == nmaps || (q = mremap(p, maps[i].n, n, MREMAP_MAYMOVE)) == MAP_FAILED)
		return 0;
	maps[i].p = q;
	maps[i].n = n;
	return q;
}

size_t load_mark(void *load)
{
	(void)load;
	return nmaps;
}

void load_release(void *load, size_t mark, const void *keep)
{
	unsigned i, n = (unsigned)mark;

	(void)load;
	for (i = (unsigned)mark; i < nmaps; i++) {
		if (maps[i].p == keep)
			maps[n++] = maps[i];
		else
			munmap(maps[i].p, maps[i].n);
	}
	nmaps = n;
}

/* ---- fixtures: one input, compressed by the host's tools --------------------------- */

#define IN_LEN (2u * 1024 * 1024 + 12345)

static char dir[256];

/* Text-like runs and pseudo-random bytes: compressible, not trivially. */
static uint8_t *input(size_t n)
{
	uint8_t *b = malloc(n);
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (i / 4096) % 3 ? (uint8_t)("kx unpacks kernels "[i % 19]) : (uint8_t)(x >> 16);
	}
	return b;
}

static int write_file(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(b, 1, n, f) == n;
	if (f)
		fclose(f);
	return ok;
}

static uint8_t *read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = 0;
	long len;

	if (!f)
		return 0;
	if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) &&
	    (b = malloc((size_t)len)) && fread(b, 1, (size_t)len, f) == (size_t)len)
		*n = (size_t)len;
	else {
		free(b);
		b = 0;
	}
	fclose(f);
	return b;
}

static int have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return !system(cmd);
}

/* The input file in a fresh directory (each case runs in its own process). */
static const uint8_t *setup(size_t n)
{
	static uint8_t *in;
	char path[300];

	snprintf(dir, sizeof(dir), "/tmp/kx-unpack-%d", (int)getpid());
	mkdir(dir, 0700);
	in = input(n);
	snprintf(path, sizeof(path), "%s/in", dir);
	return write_file(path, in, n) ? in : 0;
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		t_note("could not remove %s", dir);
}

/* Run cmd (in dir, with the input as ./in) and read ./out. */
static uint8_t *make(const char *cmd, size_t *n)
{
	char full[2000], path[300];

	snprintf(full, sizeof(full), "cd %s && { %s; } 2>/dev/null", dir, cmd);
	if (system(full))
		return 0;
	snprintf(path, sizeof(path), "%s/out", dir);
	return read_file(path, n);
}

struct row {
	const char *tool, *cmd;
	enum kx_comp comp;
	int appended; /* Linux's size_append: 4 bytes of length after the data */
};

static const struct row rows[] = {
	{ "gzip", "gzip -9 -n -c in", KX_COMP_GZIP, 0 },
	{ "gzip", "gzip -1 -c in; gzip -c in", KX_COMP_GZIP, 0 },  /* two members: the input twice */
	{ "gzip", "gzip -9 -n -c in", KX_COMP_GZIP, 1 },
	{ "bzip2", "bzip2 -9 -c in", KX_COMP_BZIP2, 0 },
	{ "bzip2", "bzip2 -9 -c in", KX_COMP_BZIP2, 1 },
	{ "lzma", "lzma -9 -c in", KX_COMP_LZMA, 0 },
	{ "lzma", "cat in | lzma -6 -c", KX_COMP_LZMA, 1 },       /* unknown size, end marker */
	{ "xz", "xz -6 -c in", KX_COMP_XZ, 0 },
	{ "xz", "xz --check=crc32 --x86 --lzma2=dict=32MiB -c in", KX_COMP_XZ, 1 }, /* as Linux */
	{ "xz", "xz -1 -c in; xz -1 -c in", KX_COMP_XZ, 0 },
	{ "lzop", "lzop -9 -c in", KX_COMP_LZO, 0 },
	{ "lzop", "lzop -1 -c in", KX_COMP_LZO, 1 },
	{ "lz4", "lz4 -l -9 -c in", KX_COMP_LZ4_LEGACY, 0 },
	{ "lz4", "lz4 -l -9 -c in", KX_COMP_LZ4_LEGACY, 1 },
	{ "lz4", "lz4 -9 -c in", KX_COMP_LZ4, 0 },
	{ "lz4", "lz4 -1 --content-size -BD -c in", KX_COMP_LZ4, 1 },
	{ "zstd", "zstd -19 -q -c in", KX_COMP_ZSTD, 0 },
	{ "zstd", "cat in | zstd -3 -q -c", KX_COMP_ZSTD, 1 },   /* no content size */
	{ "zstd", "zstd -1 -q -c in; zstd -q -c in", KX_COMP_ZSTD, 0 },
};

static int twice(const struct row *r)
{
	return strstr(r->cmd, "; ") != 0;
}

/* The compressed fixture of row r, with its appended length if any. The
 * compressors' output is kept between cases (and runs) in a cache directory
 * named by the command, so each runs once. */
static uint8_t *fixture(const struct row *r, size_t *n)
{
	char cache[100], path[200], cmd[1200];
	uint32_t h = 2166136261u;
	const char *c;
	uint8_t *b;

	for (c = r->cmd; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	snprintf(cache, sizeof(cache), "/tmp/kx-unpack-cache-%d-%u", (int)getuid(), IN_LEN);
	mkdir(cache, 0700);
	snprintf(path, sizeof(path), "%s/%08x", cache, h);
	if (!(b = read_file(path, n))) {
		snprintf(cmd, sizeof(cmd), "{ %s; } >out && cp out %s.%d && mv %s.%d %s", r->cmd, path,
			 (int)getpid(), path, (int)getpid(), path);
		b = make(cmd, n);
	}
	if (b && r->appended) {
		b = realloc(b, *n + 4);
		kx_put32(b + *n, IN_LEN);
		*n += 4;
	}
	return b;
}

static struct kx_err unpack(const uint8_t *b, size_t n, uint64_t max, const uint8_t **out,
			    size_t *outlen)
{
	return kx_unpack(0, kx_comp_detect(b, n), b, n, max, out, outlen);
}

/* ---- the cases ------------------------------------------------------------------------ */

TEST(unpack_byte_exact_every_format)
{
	const uint8_t *in = setup(IN_LEN);
	unsigned i, missing = 0, before;

	REQUIRE(in);
	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		const uint8_t *out;
		size_t n, outlen = 0, want = twice(r) ? 2 * IN_LEN : IN_LEN;
		uint8_t *b;
		T_ROW("%s%s", r->cmd, r->appended ? " + appended length" : "");
		if (!have(r->tool)) {
			missing++;
			continue;
		}
		b = fixture(r, &n);
		if (!CHECK(b))
			continue;
		CHECK_EQ(kx_comp_detect(b, n), r->comp);
		before = nmaps;
		if (CHECK_OK(unpack(b, n, KX_UNPACK_MAX, &out, &outlen)) && CHECK_EQ(outlen, want)) {
			CHECK_EQ(nmaps, before + 1); /* the decoder's state is gone, the output stays */
			CHECK_MEM(out, in, IN_LEN);
			if (twice(r))
				CHECK_MEM(out + IN_LEN, in, IN_LEN);
		}
		free(b);
	}
	teardown();
	if (missing)
		SKIP("%u rows: compressors missing (run tests/deps.sh)", missing);
}

/* Linux's appended length sizes the output from the start: with it, the
 * output never grows; with a length that lies (too small, too large, past
 * the bound), the output is still exact. */
TEST(unpack_appended_length_presizes)
{
	static const uint32_t lies[] = { IN_LEN / 2, 3 * IN_LEN, 0xffffffffu };
	const uint8_t *in = setup(IN_LEN);
	unsigned i, j, missing = 0;

	REQUIRE(in);
	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		const uint8_t *out;
		size_t n, outlen = 0;
		uint8_t *b;
		if (!r->appended || r->comp == KX_COMP_XZ || r->comp == KX_COMP_LZMA)
			continue; /* (those two size their output from their own headers) */
		T_ROW("%s + appended length", r->cmd);
		if (!have(r->tool)) {
			missing++;
			continue;
		}
		b = fixture(r, &n);
		if (!CHECK(b))
			continue;
		ngrows = 0;
		if (CHECK_OK(unpack(b, n, KX_UNPACK_MAX, &out, &outlen)) && CHECK_EQ(outlen, IN_LEN)) {
			CHECK_EQ(ngrows, 0u);
			CHECK_MEM(out, in, IN_LEN);
		}
		for (j = 0; j < T_ARRAY_SIZE(lies) && r->comp != KX_COMP_GZIP; j++) {
			/* (gzip's last 4 bytes are its own ISIZE, which zlib checks) */
			kx_put32(b + n - 4, lies[j]);
			outlen = 0;
			if (CHECK_OK(unpack(b, n, KX_UNPACK_MAX, &out, &outlen)) && CHECK_EQ(outlen, IN_LEN))
				CHECK_MEM(out, in, IN_LEN);
		}
		free(b);
	}
	teardown();
	if (missing)
		SKIP("%u rows: compressors missing (run tests/deps.sh)", missing);
}

/* Cut short anywhere: an error, never a crash, never success with less. */
TEST(unpack_truncated_every_format)
{
	unsigned i;

	REQUIRE(setup(IN_LEN));
	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		static const unsigned cut[] = { 50, 90, 99 }; /* percent kept */
		const uint8_t *out;
		size_t n, outlen, k;
		uint8_t *b;
		if (r->appended || twice(r) || !have(r->tool) || !(b = fixture(r, &n)))
			continue;
		for (k = 0; k < T_ARRAY_SIZE(cut); k++) {
			unsigned before = nmaps;
			struct kx_err e = unpack(b, n * cut[k] / 100, KX_UNPACK_MAX, &out, &outlen);
			T_ROW("%s cut to %u%%", r->cmd, cut[k]);
			CHECK_EQ(nmaps, before); /* a failed unpack leaves nothing behind */
			if (CHECK_ERR(e, KX_E_UNPACK)) {
				CHECK_EQ(e.a, r->comp);
				CHECK_EQ(e.b, KX_UNPACK_TRUNCATED);
			}
		}
		free(b);
	}
	teardown();
}

/* Bytes flipped inside the data: damaged or a checksum mismatch. */
TEST(unpack_corrupted_every_format)
{
	const uint8_t *in = setup(IN_LEN);
	unsigned i;

	REQUIRE(in);
	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		const uint8_t *out;
		size_t n, outlen, j;
		uint8_t *b;
		struct kx_err e;
		if (r->appended || twice(r) || !have(r->tool) || !(b = fixture(r, &n)))
			continue;
		T_ROW("%s", r->cmd);
		for (j = n / 3; j < n / 3 + 64; j++)
			b[j] ^= 0x55;
		e = unpack(b, n, KX_UNPACK_MAX, &out, &outlen);
		if (r->comp == KX_COMP_LZ4_LEGACY && e.code == KX_OK) {
			/* the legacy format has no checksum: damage may unpack, but
			 * never to the original */
			CHECK(outlen != IN_LEN || memcmp(out, in, IN_LEN));
		} else if (CHECK_ERR(e, KX_E_UNPACK)) {
			CHECK(e.b == KX_UNPACK_CORRUPT || e.b == KX_UNPACK_CHECK);
		}
		free(b);
	}
	teardown();
}

/* More output than allowed: refused at the bound, whatever the format. */
TEST(unpack_bomb_every_format)
{
	unsigned i;

	REQUIRE(setup(IN_LEN));
	for (i = 0; i < T_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		const uint8_t *out;
		size_t n, outlen;
		uint8_t *b;
		struct kx_err e;
		if (r->appended || twice(r) || !have(r->tool) || !(b = fixture(r, &n)))
			continue;
		T_ROW("%s", r->cmd);
		e = unpack(b, n, IN_LEN / 2, &out, &outlen);
		if (CHECK_ERR(e, KX_E_UNPACK))
			CHECK_EQ(e.b, KX_UNPACK_TOO_BIG);
		/* exactly the size fits */
		CHECK_OK(unpack(b, n, IN_LEN, &out, &outlen));
		free(b);
	}
	teardown();
}

/* A real bomb: a few KiB of zstd that would unpack to 256 MiB stops at the
 * bound kx uses for a file of its size (64 MiB here). */
TEST(unpack_bomb_real)
{
	const uint8_t *out;
	size_t n, outlen;
	uint8_t *b;
	struct kx_err e;

	if (!have("zstd"))
		SKIP("no zstd on the host");
	REQUIRE(setup(4096));
	b = make("head -c 256M /dev/zero | zstd -1 -q -c >out", &n);
	teardown();
	REQUIRE(b);
	CHECK(n < 64 * 1024);
	CHECK_EQ(kx_unpack_bound(n), KX_UNPACK_MIN);
	e = unpack(b, n, kx_unpack_bound(n), &out, &outlen);
	if (CHECK_ERR(e, KX_E_UNPACK))
		CHECK_EQ(e.b, KX_UNPACK_TOO_BIG);
	free(b);
}

TEST(unpack_bound)
{
	CHECK_EQ(kx_unpack_bound(0), KX_UNPACK_MIN);
	CHECK_EQ(kx_unpack_bound(1 << 20), KX_UNPACK_MIN);
	CHECK_EQ(kx_unpack_bound(10 << 20), 320ull << 20);
	CHECK_EQ(kx_unpack_bound(16 << 20), KX_UNPACK_MAX);
	CHECK_EQ(kx_unpack_bound(UINT64_MAX), KX_UNPACK_MAX);
}

TEST(unpack_detect_magics)
{
	static const struct { const char *b; size_t n; enum kx_comp c; } d[] = {
		{ "\x1f\x8b\x08\0", 4, KX_COMP_GZIP },
		{ "\x1f\x8b\x07\0", 4, KX_COMP_NONE },          /* not deflate */
		{ "BZh91AY&SY", 10, KX_COMP_BZIP2 },
		{ "BZh01AY&SY", 10, KX_COMP_NONE },
		{ "BZh9", 4, KX_COMP_NONE },                    /* too short to tell */
		{ "\xfd\x37zXZ\0", 6, KX_COMP_XZ },
		{ "\x89LZO\0\r\n\x1a\n", 9, KX_COMP_LZO },
		{ "\x02\x21\x4c\x18", 4, KX_COMP_LZ4_LEGACY },
		{ "\x04\x22\x4d\x18", 4, KX_COMP_LZ4 },
		{ "\x28\xb5\x2f\xfd", 4, KX_COMP_ZSTD },
		/* legacy lzma: plausible properties, dictionary and length only */
		{ "\x5d\0\0\x80\0\xff\xff\xff\xff\xff\xff\xff\xff", 13, KX_COMP_NONE }, /* 13 < 14 */
		{ "\x5d\0\0\x80\0\xff\xff\xff\xff\xff\xff\xff\xff\0", 14, KX_COMP_LZMA },
		{ "\x5d\0\0\xc0\0\0\0\x10\0\0\0\0\0\0", 14, KX_COMP_LZMA },   /* 12 MiB dict, 1 MiB */
		{ "\x5d\0\0\xa0\0\0\0\x10\0\0\0\0\0\0", 14, KX_COMP_NONE },   /* 10 MiB: not 2^n or 3*2^n */
		{ "\xe1\0\0\x80\0\xff\xff\xff\xff\xff\xff\xff\xff\0", 14, KX_COMP_NONE }, /* props */
		{ "\x5d\0\0\x80\0\0\0\0\0\0\0\0\0\0", 14, KX_COMP_NONE },     /* length 0 */
		{ "\x5d\0\0\x80\0\0\0\0\0\x01\0\0\0\0", 14, KX_COMP_NONE },   /* 4 GiB: over the bound */
		{ "MZ", 2, KX_COMP_NONE },
		{ "", 0, KX_COMP_NONE },
	};
	unsigned i;

	for (i = 0; i < T_ARRAY_SIZE(d); i++) {
		T_ROW("magic #%u", i);
		CHECK_EQ(kx_comp_detect((const uint8_t *)d[i].b, d[i].n), d[i].c);
	}
	CHECK_EQ(kx_comp_detect(0, 10), KX_COMP_NONE);
	CHECK_STR(kx_comp_name(KX_COMP_XZ), "xz");
	CHECK_STR(kx_comp_name(KX_COMP_LZ4_LEGACY), "lz4-legacy");
	CHECK(!kx_comp_name(KX_COMP_NONE));
	CHECK(!kx_comp_name(KX_COMP__END));
}

/* Garbage after a valid magic: an error value for every format. */
TEST(unpack_garbage_after_magic)
{
	static const char *const magic[] = { "\x1f\x8b\x08", "BZh91AY&SY", "\xfd\x37zXZ",
		"\x89LZO\0\r\n\x1a\n", "\x02\x21\x4c\x18", "\x04\x22\x4d\x18", "\x28\xb5\x2f\xfd" };
	static const size_t mlen[] = { 3, 10, 6, 9, 4, 4, 4 };
	uint8_t b[4096];
	unsigned i, j;

	for (i = 0; i < T_ARRAY_SIZE(magic); i++)
		for (j = 0; j < 4; j++) {
			const uint8_t *out;
			size_t outlen, k;
			struct kx_err e;
			uint32_t x = i * 77 + j;
			for (k = 0; k < sizeof(b); k++) {
				x = x * 1103515245u + 12345u;
				b[k] = j == 0 ? 0 : j == 1 ? 0xff : (uint8_t)(x >> 16);
			}
			memcpy(b, magic[i], mlen[i]);
			T_ROW("format #%u, filler #%u", i, j);
			e = unpack(b, sizeof(b), KX_UNPACK_MAX, &out, &outlen);
			CHECK(e.code == KX_E_UNPACK || e.code == KX_OK);
		}
}

TEST(unpack_unknown_format)
{
	const uint8_t *out;
	size_t outlen;
	struct kx_err e = kx_unpack(0, KX_COMP_NONE, (const uint8_t *)"abc", 3, KX_UNPACK_MAX, &out,
				    &outlen);
	if (CHECK_ERR(e, KX_E_UNPACK))
		CHECK_EQ(e.b, KX_UNPACK_NO_CODEC);
}

/* ---- uImage ------------------------------------------------------------------------------ */

static void be32w(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* A uImage of payload (n bytes) with the given fields, CRCs right. */
static size_t mkuimage(uint8_t *b, const uint8_t *payload, uint32_t n, uint8_t arch, uint8_t type,
		       uint8_t comp)
{
	memset(b, 0, KX_UIMAGE_HDR);
	be32w(b, KX_UIMAGE_MAGIC);
	be32w(b + 12, n);
	be32w(b + 16, 0x80000);
	be32w(b + 20, 0x80000);
	be32w(b + 24, kx_crc32(0, payload, n));
	b[28] = KX_UI_OS_LINUX;
	b[29] = arch;
	b[30] = type;
	b[31] = comp;
	memcpy(b + 32, "Linux-test", 10);
	memcpy(b + KX_UIMAGE_HDR, payload, n);
	be32w(b + 4, kx_crc32(0, b, KX_UIMAGE_HDR));
	return KX_UIMAGE_HDR + n;
}

TEST(uimage_crc32_known_values)
{
	CHECK_EQ(kx_crc32(0, (const uint8_t *)"123456789", 9), 0xcbf43926);
	CHECK_EQ(kx_crc32(0, (const uint8_t *)"", 0), 0);
	/* continued = at once */
	CHECK_EQ(kx_crc32(kx_crc32(0, (const uint8_t *)"1234", 4), (const uint8_t *)"56789", 5),
		 0xcbf43926);
}

TEST(uimage_parse_good_and_bad)
{
	static uint8_t b[KX_UIMAGE_HDR + 256];
	uint8_t payload[200];
	struct kx_uimage u;
	struct kx_err e;
	size_t n, i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	n = mkuimage(b, payload, sizeof(payload), KX_UI_ARCH_ARM64, KX_UI_TYPE_KERNEL, 0);
	CHECK(kx_uimage_probe(b, n));
	if (CHECK_OK(kx_uimage_parse(b, n, KX_UI_ARCH_ARM64, &u))) {
		CHECK_EQ(u.size, sizeof(payload));
		CHECK_EQ(u.comp, KX_COMP_NONE);
		CHECK(u.payload == b + KX_UIMAGE_HDR);
		CHECK_EQ(u.load, 0x80000);
		CHECK_STR(u.name, "Linux-test");
	}
	/* kernel_noload, and every compression U-Boot names */
	for (i = 0; i <= 6; i++) {
		static const enum kx_comp want[] = { KX_COMP_NONE, KX_COMP_GZIP, KX_COMP_BZIP2,
			KX_COMP_LZMA, KX_COMP_LZO, KX_COMP_LZ4, KX_COMP_ZSTD };
		n = mkuimage(b, payload, sizeof(payload), KX_UI_ARCH_ARM64, KX_UI_TYPE_KERNEL_NOLOAD,
			     (uint8_t)i);
		T_ROW("ih_comp %zu", i);
		if (CHECK_OK(kx_uimage_parse(b, n, KX_UI_ARCH_ARM64, &u)))
			CHECK_EQ(u.comp, want[i]);
	}
	T_ROW_CLEAR();
	n = mkuimage(b, payload, sizeof(payload), KX_UI_ARCH_ARM64, KX_UI_TYPE_KERNEL, 7);
	e = kx_uimage_parse(b, n, KX_UI_ARCH_ARM64, &u);
	if (CHECK_ERR(e, KX_E_UIMAGE))
		CHECK_EQ(e.a, KX_UI_COMP);
	n = mkuimage(b, payload, sizeof(payload), KX_UI_ARCH_ARM, KX_UI_TYPE_KERNEL, 0);
	e = kx_uimage_parse(b, n, KX_UI_ARCH_ARM64, &u);
	if (CHECK_ERR(e, KX_E_UIMAGE)) {
		CHECK_EQ(e.a, KX_UI_ARCH);
		CHECK_EQ(e.b, KX_UI_ARCH_ARM);
	}
	n = mkuimage(b, payload, sizeof(payload), KX_UI_ARCH_ARM64, 3 /* ramdisk */, 0);
	e = kx_uimage_parse(b, n, KX_UI_ARCH_ARM64, &u);
	if (CHECK_ERR(e, KX_E_UIMAGE))
		CHECK_EQ(e.a, KX_UI_TYPE);
	/* the data CRC, the header CRC, a short file */
	n = mkuimage(b, payload, sizeof(payload), KX_UI_ARCH_ARM64, KX_UI_TYPE_KERNEL, 0);
	b[KX_UIMAGE_HDR + 10] ^= 1;
	e = kx_uimage_parse(b, n, KX_UI_ARCH_ARM64, &u);
	if (CHECK_ERR(e, KX_E_UIMAGE))
		CHECK_EQ(e.a, KX_UI_DATA_CRC);
	b[KX_UIMAGE_HDR + 10] ^= 1;
	b[40] ^= 1;
	e = kx_uimage_parse(b, n, KX_UI_ARCH_ARM64, &u);
	if (CHECK_ERR(e, KX_E_UIMAGE))
		CHECK_EQ(e.a, KX_UI_HEADER_CRC);
	b[40] ^= 1;
	CHECK_ERR(kx_uimage_parse(b, n - 1, KX_UI_ARCH_ARM64, &u), KX_E_TRUNCATED);
	CHECK_ERR(kx_uimage_parse(b, KX_UIMAGE_HDR - 1, KX_UI_ARCH_ARM64, &u), KX_E_TRUNCATED);
	CHECK(!kx_uimage_probe(b, KX_UIMAGE_HDR - 1));
	/* ih_size past the file, with the header CRC right */
	be32w(b + 12, 0xffffffffu);
	be32w(b + 4, 0);
	be32w(b + 4, kx_crc32(0, b, KX_UIMAGE_HDR));
	CHECK_ERR(kx_uimage_parse(b, n, KX_UI_ARCH_ARM64, &u), KX_E_TRUNCATED);
}
