/*
 * Compressed kernels through the public API (docs/compression.md): a
 * gzip'd bzImage, from a buffer and from a file, loads and plans as the
 * bzImage itself; the plan names the wrapping; a damaged one is an error
 * value with its code and sentence; one that holds no kernel says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "lt.h"

static const char *msg(const struct kx_error *e)
{
	static __thread char m[1024];

	kx_error_message(e, m, sizeof(m));
	return m;
}

/* gzip of buf (malloc'd), with zlib */
static uint8_t *gz(const uint8_t *buf, size_t n, size_t *out)
{
	z_stream z;
	uLong cap = compressBound((uLong)n) + 64;
	uint8_t *o = malloc(cap);

	memset(&z, 0, sizeof(z));
	if (!o || deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(o);
		return 0;
	}
	z.next_in = (Bytef *)(uintptr_t)buf;
	z.avail_in = (uInt)n;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(o);
		return 0;
	}
	*out = z.total_out;
	deflateEnd(&z);
	return o;
}

/* The kernel segment's size and the plan's text of a load of buf. */
static int plan_of(const uint8_t *buf, size_t n, uint64_t *kbytes, char **text)
{
	/* -s: what kexec_file_load gets (auto's choice depends on the host) */
	static const struct kx_options file = { .syscall = KX_SYSCALL_FILE };
	struct kx_load *l = kx_load_new(&file, 0);
	struct kx_load_info in;
	struct kx_error e;
	size_t tl;
	FILE *f;
	int ok = 0;

	*text = 0;
	if (!l)
		return 0;
	if (!kx_load_kernel_buf(l, buf, n, "k", &e) && !kx_load_plan(l, &e) &&
	    !kx_load_info(l, &in, &e) && in.nsegments && (f = open_memstream(text, &tl))) {
		*kbytes = in.segment[0].bufsz;
		ok = !kx_load_print(l, f, &e);
		fclose(f);
	}
	kx_load_free(l);
	return ok;
}

LT_CASE(compressed_gzip_bzimage_plans_as_the_bzimage)
{
	size_t n;
	uint8_t *g = gz(fx[FX_BZ_A].buf, fx[FX_BZ_A].len, &n);
	uint64_t plain = 0, packed = 0;
	char *t1 = 0, *t2 = 0;

	REQUIRE(g);
	CHECK(plan_of(fx[FX_BZ_A].buf, fx[FX_BZ_A].len, &plain, &t1));
	CHECK(plan_of(g, n, &packed, &t2));
	CHECK(plain && plain == packed);
	CHECK(t1 && strstr(t1, "kx plan: bzimage image"));
	CHECK(t2 && strstr(t2, "kx plan: gzip-compressed bzimage image"));
	CHECK(t2 && strstr(t2, "kexec_file_load gets: kernel (memfd of the unpacked kernel)"));
	free(t1);
	free(t2);
	free(g);
}

LT_CASE(compressed_from_a_file)
{
	size_t n;
	uint8_t *g = gz(fx[FX_BZ_A].buf, fx[FX_BZ_A].len, &n);
	char path[512];
	struct kx_load *l;
	struct kx_load_info in;
	struct kx_error e;

	REQUIRE(g);
	REQUIRE(!fx_write("bz-a.gz", g, n, path, sizeof(path)));
	l = kx_load_new(0, 0);
	REQUIRE(l);
	CHECK_EQ(kx_load_kernel(l, path, &e), 0);
	CHECK_EQ(kx_load_info(l, &in, &e), 0);
	CHECK_STR(in.type, "bzimage");
	CHECK(in.file_syscall_ok);
	kx_load_free(l);
	unlink(path);
	free(g);
}

LT_CASE(compressed_truncated_is_an_error_value)
{
	size_t n;
	uint8_t *g = gz(fx[FX_BZ_A].buf, fx[FX_BZ_A].len, &n);
	struct kx_load *l = kx_load_new(0, 0);
	struct kx_error e;

	REQUIRE(g && l);
	CHECK_EQ(kx_load_kernel_buf(l, g, n / 2, "bz-a.gz", &e), -1);
	CHECK_EQ(e.code, KX_E_UNPACK);
	CHECK_STR(kx_error_name(e.code), "unpack");
	CHECK_EQ(e.b, KX_UNPACK_TRUNCATED);
	CHECK_STR(msg(&e), "bz-a.gz: its gzip data ends early (the file is truncated); copy it again.");
	/* the load is as it was: a good kernel still goes in */
	CHECK_EQ(kx_load_kernel_buf(l, g, n, "bz-a.gz", &e), 0);
	kx_load_free(l);
	free(g);
}

LT_CASE(compressed_no_kernel_inside)
{
	size_t n;
	uint8_t *g = gz(fx[FX_GARBAGE].buf, fx[FX_GARBAGE].len, &n);
	struct kx_load *l = kx_load_new(0, 0);
	struct kx_error e;

	REQUIRE(g && l);
	CHECK_EQ(kx_load_kernel_buf(l, g, n, "junk.gz", &e), -1);
	CHECK_EQ(e.code, KX_E_UNKNOWN_TYPE);
	CHECK(strstr(msg(&e), "junk.gz (gzip-compressed) is not a kernel image kx recognises") != 0);
	kx_load_free(l);
	free(g);
}
