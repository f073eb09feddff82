/*
 * The decompression layer (docs/compression.md): one entry, kx_unpack(),
 * for every format Linux builds kernels with, through the field's own
 * libraries. Nothing here calls malloc (but for XZ Embedded's fixed state,
 * below): each library gets an allocator that draws from the load
 * (load_alloc pieces, freed with the load), and the output is one mapping
 * of the load (sized exactly when the format says how much, else growing),
 * never past the caller's bound (a decompression bomb ends in
 * KX_UNPACK_TOO_BIG, not in an exhausted machine). Formats left out of a
 * build (KX_NO_<FORMAT>) answer KX_UNPACK_NO_CODEC.
 */
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <kx/bytes.h>
#include <kx/comp.h>
#include "unpack.h"

#ifndef KX_NO_GZIP
#include <zlib.h>
#endif
#ifndef KX_NO_BZIP2
#include <bzlib.h>
#endif
#ifndef KX_NO_LZ4
#define LZ4F_STATIC_LINKING_ONLY
#include <lz4.h>
#include <lz4frame.h>
#endif
#ifndef KX_NO_LZO
#include <lzo/lzo1x.h>
#endif
#ifndef KX_NO_ZSTD
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>
#endif

/* Memory a decoder may use for its own state (zstd's window, bzip2's blocks,
 * lz4's; xz and lzma decode into the output and need no dictionary). */
#define STATE_MAX   (256ull << 20)
#define ZONE_CHUNK  (1u << 20)
#define FEED_MAX    (1u << 30)   /* the most given to a library in one call */

/* ---- memory: a bump allocator over load pieces, and the growing output --------- */

struct zone {
	void *l;
	uint8_t *p;
	size_t used, cap;
	uint64_t total;
	int failed;
};

/* (helpers some codecs use: unused ones are fine in a build without them) */
#define MAYBE_UNUSED __attribute__((unused))

MAYBE_UNUSED static void *zone_alloc(struct zone *z, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;

	if (!n || n > STATE_MAX || z->total + need > STATE_MAX) {
		z->failed = 1;
		return 0;
	}
	if (!z->p || z->cap - z->used < need) {
		size_t c = need > ZONE_CHUNK ? need : ZONE_CHUNK;
		uint8_t *p = load_alloc(z->l, c);
		if (!p) {
			z->failed = 1;
			return 0;
		}
		if (need < ZONE_CHUNK) { /* small pieces share the newest chunk */
			z->p = p;
			z->cap = c;
			z->used = 0;
		} else {
			z->total += need;
			return p;
		}
	}
	z->used += need;
	z->total += need;
	return z->p + z->used - need;
}

/* Frees are no-ops: everything goes with the load. The pieces come from
 * fresh anonymous mappings and are never reused, so they are zeroed (what
 * the libraries' calloc hooks want). */

struct sink {
	void *l;
	uint8_t *buf;
	size_t len, cap;
	uint64_t max;
	int too_big, no_mem;
};

/* At least want bytes free after len (fewer only at the bound: then 0, and
 * too_big set when want could not be met at all). */
MAYBE_UNUSED static size_t sink_room(struct sink *s, size_t want)
{
	size_t c;

	if (s->cap - s->len >= want)
		return s->cap - s->len;
	if (s->cap >= s->max) {
		if (s->cap == s->len)
			s->too_big = 1;
		return s->cap - s->len;
	}
	c = s->cap ? s->cap : ZONE_CHUNK;
	while (c - s->len < want && c < s->max)
		c = c > SIZE_MAX / 2 ? SIZE_MAX : c * 2;
	if (c > s->max)
		c = (size_t)s->max;
	if (!s->buf) {
		s->buf = load_alloc(s->l, c);
	} else {
		uint8_t *q = load_grow(s->l, s->buf, c);
		if (q)
			s->buf = q;
		else
			c = 0;
	}
	if (!s->buf || !c) {
		s->no_mem = 1;
		return 0;
	}
	s->cap = c;
	return s->cap - s->len;
}

/* Linux ends every compressed kernel with its unpacked length (gzip's own
 * ISIZE; the others' appended little-endian 32 bits). When the last four
 * bytes name a size the bound allows, the output starts that large, plus
 * room for a decoder's last call: it then never grows and never moves. Only
 * a guess: output that does not fit grows as before, and room never written
 * is never touched (no memory, only address space). */
#define PRESIZE_SLACK (8u << 20) /* lz4 -l asks room for a whole block */
MAYBE_UNUSED static void sink_presize(struct sink *s, const uint8_t *in, size_t len)
{
	uint64_t n = len >= 8 ? kx_le32(in + len - 4) : 0;

	if (n < len || n > s->max)
		return; /* no kernel unpacks smaller than it is packed */
	n = n + PRESIZE_SLACK > s->max ? s->max : n + PRESIZE_SLACK;
	if (n > SIZE_MAX || !(s->buf = load_alloc(s->l, (size_t)n)))
		return; /* then the output grows from nothing, as without a guess */
	s->cap = (size_t)n;
}

/* the output room, or the reason there is none */
#define ROOM(s, want) (sink_room((s), (want)) ? 0 : (s)->no_mem ? -2 : -1)

enum { OK = 0, F_CORRUPT = KX_UNPACK_CORRUPT, F_TRUNC = KX_UNPACK_TRUNCATED,
       F_BIG = KX_UNPACK_TOO_BIG, F_CHECK = KX_UNPACK_CHECK, F_UNSUP = KX_UNPACK_UNSUPPORTED,
       F_NOMEM = 100 };

MAYBE_UNUSED static int room_fault(const struct sink *s)
{
	return s->no_mem ? F_NOMEM : F_BIG;
}

MAYBE_UNUSED static size_t feed(size_t left)
{
	return left > FEED_MAX ? FEED_MAX : left;
}

/* Does p (n bytes left) start another member of the same format? Trailing
 * bytes that do not (Linux appends the length, 4 bytes) end the input. */
MAYBE_UNUSED static int again(const uint8_t *p, size_t n, enum kx_comp c)
{
	return n && kx_comp_detect(p, n) == c;
}

/* ---- gzip: zlib ----------------------------------------------------------------- */
#ifndef KX_NO_GZIP
static voidpf z_alloc(voidpf z, uInt items, uInt size)
{
	return (uint64_t)items * size > STATE_MAX ? Z_NULL : zone_alloc(z, (size_t)items * size);
}
static void z_free(voidpf z, voidpf p) { (void)z; (void)p; }

static int un_gzip(struct zone *zn, struct sink *s, const uint8_t *in, size_t len)
{
	z_stream z;
	size_t pos = 0;
	int r;

	memset(&z, 0, sizeof(z));
	z.zalloc = z_alloc;
	z.zfree = z_free;
	z.opaque = zn;
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return F_NOMEM;
	for (;;) {
		if (!z.avail_in) {
			z.next_in = (Bytef *)(uintptr_t)(in + pos);
			z.avail_in = (uInt)feed(len - pos);
			pos += z.avail_in;
		}
		if (ROOM(s, 64 * 1024))
			return room_fault(s);
		z.next_out = s->buf + s->len;
		z.avail_out = (uInt)feed(s->cap - s->len);
		r = inflate(&z, Z_NO_FLUSH);
		s->len = (size_t)(z.next_out - s->buf);
		if (r == Z_STREAM_END) {
			size_t used = pos - z.avail_in;
			if (!again(in + used, len - used, KX_COMP_GZIP))
				return OK;
			inflateReset(&z);
			continue;
		}
		if (r == Z_MEM_ERROR)
			return zn->failed ? F_NOMEM : F_CORRUPT;
		if (r == Z_DATA_ERROR)
			return z.msg && strstr(z.msg, "check") ? F_CHECK : F_CORRUPT;
		if (r == Z_BUF_ERROR && !z.avail_in && pos == len)
			return F_TRUNC;
		if (r != Z_OK && r != Z_BUF_ERROR)
			return F_CORRUPT;
	}
}
#endif

/* ---- bzip2: libbz2 -------------------------------------------------------------- */
#ifndef KX_NO_BZIP2
static void *bz_alloc(void *z, int items, int size)
{
	return items < 0 || size < 0 ? 0 : zone_alloc(z, (size_t)items * (size_t)size);
}
static void bz_free(void *z, void *p) { (void)z; (void)p; }

static int un_bzip2(struct zone *zn, struct sink *s, const uint8_t *in, size_t len)
{
	bz_stream b;
	size_t pos = 0;
	int r;

	for (;;) { /* one stream per round (pbzip2 writes several) */
		memset(&b, 0, sizeof(b));
		b.bzalloc = bz_alloc;
		b.bzfree = bz_free;
		b.opaque = zn;
		if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK)
			return F_NOMEM;
		do {
			if (!b.avail_in) {
				b.next_in = (char *)(uintptr_t)(in + pos);
				b.avail_in = (unsigned)feed(len - pos);
				pos += b.avail_in;
			}
			if (ROOM(s, 64 * 1024))
				return room_fault(s);
			b.next_out = (char *)(s->buf + s->len);
			b.avail_out = (unsigned)feed(s->cap - s->len);
			r = BZ2_bzDecompress(&b);
			s->len = (size_t)((uint8_t *)b.next_out - s->buf);
			if (r == BZ_OK && !b.avail_in && pos == len && b.avail_out)
				return F_TRUNC;
		} while (r == BZ_OK);
		if (r == BZ_MEM_ERROR)
			return F_NOMEM;
		if (r != BZ_STREAM_END)
			return F_CORRUPT; /* BZ_DATA_ERROR covers the CRCs too */
		pos -= b.avail_in;
		if (!again(in + pos, len - pos, KX_COMP_BZIP2))
			return OK;
	}
}
#endif

/* ---- xz and legacy lzma: XZ Embedded and the LZMA SDK's LzmaDec ---------------------
 *
 * Both decoders are compiled here, from Debian's sources (mk/codecs.sh --src: busybox's
 * copy of XZ Embedded, the decoder Linux's own boot decompressor runs, and the lzma
 * package's LzmaDec; both public domain), so that every build of kx runs the same code:
 * their files come in through -isystem, as the libraries' headers do. Each writes straight
 * into the output, which is also its dictionary: no dictionary of its own, no copy.
 *
 * .xz: the container is walked first (lib/xz.c): the output is allocated once, exactly the
 * size the streams' indexes give, and each stream is decoded in one call (XZ_SINGLE) into
 * its place. XZ Embedded checks CRC-32 (Linux's payloads use it), lib/xz.c CRC-64 (xz's
 * default) afterwards; a stream with another check (SHA-256) is decoded and its check not
 * verified, as Linux's decompressor does (its index and block sizes still are). Its state
 * (struct xz_dec and the LZMA2 probabilities, about 30 KB) comes from malloc: its allocation
 * hooks (kmalloc) take no context to reach the load's zone, and the state is freed before
 * kx_unpack returns. BCJ: the running architecture's filter only; others (ARM64's, xz >= 5.4) are
 * KX_UNPACK_UNSUPPORTED. */
#ifndef KX_NO_XZ
#define XZ_EXTERN static
#define XZ_FUNC
#define XZ_DEC_SINGLE
#define XZ_DEC_ANY_CHECK
#define NOINLINE __attribute__((noinline)) /* (busybox's, which its copy uses) */
#if defined(__x86_64__) || defined(__i386__)
#define XZ_DEC_X86
#elif defined(__arm__)
#define XZ_DEC_ARM
#define XZ_DEC_ARMTHUMB
#elif defined(__powerpc__) || defined(__powerpc64__)
#define XZ_DEC_POWERPC
#endif
#include <xz_dec_bcj.c>
#include <xz_dec_lzma2.c>
#include <xz_dec_stream.c>
#include <LzmaDec.c>
#include <kx/uimage.h>
#include <kx/xz.h>

MAYBE_UNUSED static void xz_crc32_init(void) {} /* (xz.h declares it; no table to build) */
static uint32_t xz_crc32(const uint8_t *buf, size_t size, uint32_t crc)
{
#ifndef KX_NO_GZIP
	return (uint32_t)crc32(crc, buf, (uInt)size); /* zlib's: the fastest one kx carries */
#else
	return kx_crc32(crc, buf, size);
#endif
}

/* One stream, exactly out_len bytes of output. dec_main rather than xz_dec_run: the
 * latter stops single-call decoding at a check it does not verify. */
static int xz_one(struct xz_dec *d, const uint8_t *in, size_t len, uint8_t *out, size_t out_len)
{
	struct xz_buf b = { in, 0, len, out, 0, out_len };
	enum xz_ret r;

	xz_dec_reset(d);
	r = dec_main(d, &b);
	if (r == XZ_UNSUPPORTED_CHECK)
		r = dec_main(d, &b);
	switch (r) {
	case XZ_STREAM_END:
		return b.in_pos == len && b.out_pos == out_len ? OK : F_CORRUPT;
	case XZ_MEM_ERROR:
		return F_NOMEM;
	case XZ_MEMLIMIT_ERROR:
	case XZ_OPTIONS_ERROR:
		return F_UNSUP; /* a filter not built in (another architecture's BCJ) */
	case XZ_DATA_ERROR:
		return d->sequence == SEQ_BLOCK_CHECK || d->sequence == SEQ_INDEX_CRC32 ? F_CHECK : F_CORRUPT;
	default:
		/* XZ_OK, XZ_BUF_ERROR: the data wants more input or more output than
		 * the stream's bounds and its index give */
		return F_CORRUPT;
	}
}

static int un_xz(struct sink *s, const uint8_t *in, size_t len)
{
	struct kx_xz_stream st;
	struct xz_dec *d;
	uint64_t total, left;
	size_t n, e;
	int f;

	if ((f = kx_xz_size(in, len, s->max, &total, &n)))
		return f;
	if (!total)
		return OK; /* (KX_UNPACK_EMPTY) */
	if (total > SIZE_MAX || !(s->buf = load_alloc(s->l, (size_t)total))) {
		s->no_mem = 1;
		return F_NOMEM;
	}
	s->cap = (size_t)total;
	if (!(d = xz_dec_init(XZ_SINGLE, 0)))
		return F_NOMEM;
	/* the streams from the last: each into its place */
	f = kx_xz_end(in, len, &e);
	for (left = total; !f;) {
		if ((f = kx_xz_stream(in, e, &st)))
			break;
		left -= st.out;
		f = xz_one(d, in + st.off, st.len, s->buf + left, (size_t)st.out);
		if (!f)
			f = kx_xz_verify(in, &st, s->buf + left, (size_t)st.out);
		if (!st.off)
			break;
		e = kx_xz_unpad(in, st.off);
	}
	xz_dec_end(d);
	if (!f)
		s->len = s->cap;
	return f;
}

/* legacy .lzma: 5 bytes of properties, the size (or all ones: unknown, an end mark
 * closes the data), then LZMA. Known size: one output of it; unknown: the output grows,
 * and the decoder's dictionary pointer follows it. */
struct lz_alloc {
	ISzAlloc a;
	struct zone *z;
};
static void *lz_alloc(void *p, size_t n) { return zone_alloc(((struct lz_alloc *)p)->z, n); }
static void lz_free(void *p, void *q) { (void)p; (void)q; }

#define LZMA_HDR 13

static int un_lzma(struct zone *zn, struct sink *s, const uint8_t *in, size_t len)
{
	struct lz_alloc a = { { lz_alloc, lz_free }, zn };
	uint64_t size;
	size_t pos = LZMA_HDR;
	CLzmaDec d;
	SRes r;

	if (len < LZMA_HDR)
		return F_TRUNC;
	size = kx_le64(in + 5);
	LzmaDec_Construct(&d);
	r = LzmaDec_AllocateProbs(&d, in, LZMA_PROPS_SIZE, &a.a);
	if (r == SZ_ERROR_MEM)
		return F_NOMEM;
	if (r != SZ_OK)
		return F_UNSUP;
	if (size != UINT64_MAX) {
		if (size > s->max)
			return F_BIG;
		if (!size)
			return OK;
		if (!(s->buf = load_alloc(s->l, (size_t)size))) {
			s->no_mem = 1;
			return F_NOMEM;
		}
		s->cap = (size_t)size;
	}
	LzmaDec_Init(&d);
	for (;;) {
		size_t src = feed(len - pos), before = s->len;
		ELzmaStatus st;
		int last = 0;
		if (size == UINT64_MAX && ROOM(s, 1u << 20)) {
			if (s->no_mem)
				return F_NOMEM;
			last = 1; /* at the bound: only the end mark may follow */
		}
		d.dic = s->buf;
		d.dicBufSize = s->cap;
		r = LzmaDec_DecodeToDic(&d, s->cap, in + pos, &src, last ? LZMA_FINISH_END : LZMA_FINISH_ANY,
					&st);
		pos += src;
		s->len = d.dicPos;
		if (r == SZ_OK && st == LZMA_STATUS_FINISHED_WITH_MARK)
			return size == UINT64_MAX || s->len == size ? OK : F_CORRUPT;
		if (last)
			return F_BIG;
		if (r == SZ_ERROR_MEM)
			return F_NOMEM;
		if (r != SZ_OK)
			return r == SZ_ERROR_UNSUPPORTED ? F_UNSUP : F_CORRUPT;
		if (size != UINT64_MAX && s->len == size)
			return OK;
		if (st == LZMA_STATUS_NEEDS_MORE_INPUT && pos == len)
			return F_TRUNC;
		if (!src && s->len == before)
			return pos == len ? F_TRUNC : F_CORRUPT; /* no progress */
	}
}
#endif

/* ---- lz4: liblz4 (the frame format, and lz4 -l's legacy one) -------------------- */
#ifndef KX_NO_LZ4
static void *l4_alloc(void *z, size_t n) { return zone_alloc(z, n); }
static void l4_free(void *z, void *p) { (void)z; (void)p; }

static int lz4_frame_magic(const uint8_t *p, size_t n)
{
	uint32_t m = n >= 4 ? kx_le32(p) : 0;
	return m == 0x184D2204 || (m & 0xFFFFFFF0u) == 0x184D2A50; /* data, skippable */
}

static int un_lz4(struct zone *zn, struct sink *s, const uint8_t *in, size_t len)
{
	LZ4F_CustomMem m = { l4_alloc, l4_alloc, l4_free, zn };
	LZ4F_dctx *d = LZ4F_createDecompressionContext_advanced(m, LZ4F_VERSION);
	size_t pos = 0, hint = 1;

	if (!d)
		return F_NOMEM;
	while (pos < len) {
		size_t src = len - pos, dst;
		if (!hint && !lz4_frame_magic(in + pos, len - pos))
			return OK; /* a frame ended; what follows is not another */
		if (ROOM(s, 4u << 20))
			return room_fault(s);
		dst = s->cap - s->len;
		hint = LZ4F_decompress(d, s->buf + s->len, &dst, in + pos, &src, 0);
		if (LZ4F_isError(hint)) {
			LZ4F_errorCodes c = LZ4F_getErrorCode(hint);
			if (c == LZ4F_ERROR_contentChecksum_invalid || c == LZ4F_ERROR_blockChecksum_invalid ||
			    c == LZ4F_ERROR_headerChecksum_invalid)
				return F_CHECK;
			if (c == LZ4F_ERROR_allocation_failed)
				return F_NOMEM;
			return F_CORRUPT;
		}
		pos += src;
		s->len += dst;
		if (!src && !dst)
			return F_CORRUPT; /* no progress */
	}
	/* the input ended: fine between frames, truncated inside one (but the
	 * decoder may still hold output) */
	while (hint) {
		size_t src = 0, dst;
		if (ROOM(s, 4u << 20))
			return room_fault(s);
		dst = s->cap - s->len;
		hint = LZ4F_decompress(d, s->buf + s->len, &dst, in + pos, &src, 0);
		if (LZ4F_isError(hint))
			return F_CORRUPT;
		s->len += dst;
		if (!dst)
			return F_TRUNC;
	}
	return OK;
}

#define LZ4L_MAGIC 0x184C2102u
#define LZ4L_BLOCK (8u << 20) /* each block unpacks to at most 8 MiB */

static int un_lz4_legacy(struct sink *s, const uint8_t *in, size_t len)
{
	size_t pos = 4, blocks = 0;

	while (len - pos >= 4) {
		uint32_t n = kx_le32(in + pos);
		int got;
		if (n == LZ4L_MAGIC) { /* streams back to back */
			pos += 4;
			continue;
		}
		if (blocks && len - pos == 4)
			break; /* Linux's appended length */
		pos += 4;
		if (n > len - pos)
			return F_TRUNC;
		if (!n || n > (uint32_t)LZ4_compressBound(LZ4L_BLOCK))
			return F_CORRUPT;
		if (ROOM(s, LZ4L_BLOCK))
			return room_fault(s);
		got = LZ4_decompress_safe((const char *)in + pos, (char *)s->buf + s->len, (int)n,
					  (int)(s->cap - s->len < LZ4L_BLOCK ? s->cap - s->len : LZ4L_BLOCK));
		if (got < 0)
			return s->cap - s->len < LZ4L_BLOCK ? F_BIG : F_CORRUPT;
		s->len += (size_t)got;
		pos += n;
		blocks++;
	}
	if (!blocks)
		return F_TRUNC;
	return OK;
}
#endif

/* ---- lzo: lzop's container, liblzo2's LZO1X -------------------------------------- */
#ifndef KX_NO_LZO
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#define LZOP_ADLER32_D  0x001u
#define LZOP_ADLER32_C  0x002u
#define LZOP_EXTRA      0x040u
#define LZOP_CRC32_D    0x100u
#define LZOP_CRC32_C    0x200u
#define LZOP_FILTER     0x800u
#define LZOP_CRC32_H    0x1000u
#define LZOP_BLOCK_MAX  (64u << 20)

/* n bytes at *pos, or fail truncated */
#define TAKE(n) do { if (len - pos < (size_t)(n)) return F_TRUNC; pos += (n); } while (0)

static int un_lzo(struct sink *s, const uint8_t *in, size_t len)
{
	size_t pos = 9, h;
	unsigned version, method, flags;

	if (lzo_init() != LZO_E_OK)
		return F_UNSUP;
	h = pos;
	TAKE(2);
	version = (unsigned)in[pos - 2] << 8 | in[pos - 1];
	TAKE(2); /* library version */
	if (version >= 0x0940)
		TAKE(2); /* version needed to extract */
	TAKE(1);
	method = in[pos - 1];
	if (version >= 0x0940)
		TAKE(1); /* level */
	TAKE(4);
	flags = be32(in + pos - 4);
	if (method < 1 || method > 3) /* LZO1X-1, LZO1X-1(15), LZO1X-999 */
		return F_UNSUP;
	if (flags & LZOP_FILTER)
		return F_UNSUP;
	TAKE(4 + 4); /* mode, mtime */
	if (version >= 0x0940)
		TAKE(4);
	TAKE(1);
	TAKE(in[pos - 1]); /* the file name */
	TAKE(4);
	if ((flags & LZOP_CRC32_H ? lzo_crc32(0, in + h, pos - 4 - h) :
	     lzo_adler32(1, in + h, pos - 4 - h)) != be32(in + pos - 4))
		return F_CHECK;
	if (flags & LZOP_EXTRA) {
		TAKE(4);
		TAKE(be32(in + pos - 4));
		TAKE(4);
	}
	for (;;) {
		uint32_t dlen, clen, dsum = 0, dcrc = 0;
		const uint8_t *src;
		lzo_uint got;
		TAKE(4);
		if (!(dlen = be32(in + pos - 4)))
			return OK; /* the end marker */
		TAKE(4);
		clen = be32(in + pos - 4);
		if (dlen > LZOP_BLOCK_MAX || clen > dlen)
			return F_CORRUPT;
		if (flags & LZOP_ADLER32_D) {
			TAKE(4);
			dsum = be32(in + pos - 4);
		}
		if (flags & LZOP_CRC32_D) {
			TAKE(4);
			dcrc = be32(in + pos - 4);
		}
		if (clen < dlen && (flags & LZOP_ADLER32_C))
			TAKE(4);
		if (clen < dlen && (flags & LZOP_CRC32_C))
			TAKE(4);
		TAKE(clen);
		src = in + pos - clen;
		if (ROOM(s, dlen) || s->cap - s->len < dlen)
			return room_fault(s);
		if (clen == dlen) {
			memcpy(s->buf + s->len, src, dlen);
		} else {
			got = dlen;
			if (lzo1x_decompress_safe(src, clen, s->buf + s->len, &got, 0) != LZO_E_OK ||
			    got != dlen)
				return F_CORRUPT;
		}
		if (((flags & LZOP_ADLER32_D) && lzo_adler32(1, s->buf + s->len, dlen) != dsum) ||
		    ((flags & LZOP_CRC32_D) && lzo_crc32(0, s->buf + s->len, dlen) != dcrc))
			return F_CHECK;
		s->len += dlen;
	}
}
#undef TAKE
#endif

/* ---- zstd: libzstd ---------------------------------------------------------------- */
#ifndef KX_NO_ZSTD
static void *zs_alloc(void *z, size_t n) { return zone_alloc(z, n); }
static void zs_free(void *z, void *p) { (void)z; (void)p; }

static int zstd_frame_magic(const uint8_t *p, size_t n)
{
	uint32_t m = n >= 4 ? kx_le32(p) : 0;
	return m == ZSTD_MAGICNUMBER || (m & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START;
}

static int zstd_fault(size_t r)
{
	switch (ZSTD_getErrorCode(r)) {
	case ZSTD_error_checksum_wrong:
		return F_CHECK;
	case ZSTD_error_memory_allocation:
		return F_NOMEM;
	case ZSTD_error_dictionary_wrong:
	case ZSTD_error_frameParameter_windowTooLarge:
	case ZSTD_error_frameParameter_unsupported:
		return F_UNSUP;
	default:
		return F_CORRUPT;
	}
}

static int un_zstd(struct zone *zn, struct sink *s, const uint8_t *in, size_t len)
{
	ZSTD_customMem m = { zs_alloc, zs_free, zn };
	ZSTD_DCtx *d = ZSTD_createDCtx_advanced(m);
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t r = 0;

	if (!d)
		return F_NOMEM;
	for (;;) {
		ZSTD_outBuffer ob;
		if (!r && ib.pos && !zstd_frame_magic(in + ib.pos, len - ib.pos))
			return OK; /* between frames, and no frame follows */
		if (ROOM(s, 1u << 20))
			return room_fault(s);
		ob = (ZSTD_outBuffer){ s->buf + s->len, s->cap - s->len, 0 };
		r = ZSTD_decompressStream(d, &ob, &ib);
		s->len += ob.pos;
		if (ZSTD_isError(r))
			return zstd_fault(r);
		if (!r && ib.pos == len)
			return OK;
		if (r && ib.pos == len && ob.pos < ob.size)
			return F_TRUNC;
	}
}
#endif

/* ---- the entry ------------------------------------------------------------------- */

struct kx_err kx_unpack(void *load, enum kx_comp c, const uint8_t *in, size_t len, uint64_t max,
			const uint8_t **out, size_t *outlen)
{
	struct zone zn = { load, 0, 0, 0, 0, 0 };
	struct sink s = { load, 0, 0, 0, max < KX_UNPACK_MAX ? max : KX_UNPACK_MAX, 0, 0 };
	int f = KX_UNPACK_NO_CODEC;
	size_t mark = load_mark(load);

	(void)zn, (void)in, (void)len; /* unused when no codec is built in */
	if (s.max > SIZE_MAX)
		s.max = SIZE_MAX;
	if (c != KX_COMP_XZ && c != KX_COMP_LZMA)
		sink_presize(&s, in, len); /* (.xz and .lzma say their sizes themselves) */
	switch (c) {
#ifndef KX_NO_GZIP
	case KX_COMP_GZIP: f = un_gzip(&zn, &s, in, len); break;
#endif
#ifndef KX_NO_BZIP2
	case KX_COMP_BZIP2: f = un_bzip2(&zn, &s, in, len); break;
#endif
#ifndef KX_NO_XZ
	case KX_COMP_XZ: f = un_xz(&s, in, len); break;
	case KX_COMP_LZMA: f = un_lzma(&zn, &s, in, len); break;
#endif
#ifndef KX_NO_LZ4
	case KX_COMP_LZ4: f = un_lz4(&zn, &s, in, len); break;
	case KX_COMP_LZ4_LEGACY: f = un_lz4_legacy(&s, in, len); break;
#endif
#ifndef KX_NO_LZO
	case KX_COMP_LZO: f = un_lzo(&s, in, len); break;
#endif
#ifndef KX_NO_ZSTD
	case KX_COMP_ZSTD: f = un_zstd(&zn, &s, in, len); break;
#endif
	default: break;
	}
	if (f == OK && !s.len)
		f = KX_UNPACK_EMPTY;
	/* the decoder's state (zstd's window, bzip2's blocks) goes now, not with
	 * the load; only the output stays, and only when it is returned */
	load_release(load, mark, f == OK ? s.buf : 0);
	if (f == F_NOMEM)
		return kx_err(KX_E_NO_UNPACK_MEMORY, kx_comp_name(c), s.cap, 0);
	if (f != OK)
		return kx_err(KX_E_UNPACK, kx_comp_name(c), (uint64_t)c, (uint64_t)f);
	*out = s.buf;
	*outlen = s.len;
	return KX_NOERR;
}

