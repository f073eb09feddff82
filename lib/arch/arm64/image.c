/*
 * arm64 Linux Image loader (Documentation/arch/arm64/booting.rst): the
 * plain Image, Image.gz, and EFI zboot "vmlinuz" images with a gzip payload.
 *
 * Layout of a load:
 *   kernel   at a 2 MiB aligned base + text_offset, image_size bytes reserved
 *            (bottom-up: "as close as possible to the base of DRAM")
 *   initrds  back to back above the kernel, inside the 32 GiB window from the
 *            1 GiB boundary below the kernel (booting.rst's initrd rule)
 *   dtb      the edited device tree, 2 MiB aligned (never crosses a 2 MiB
 *            boundary), in the same window
 * and the purgatory enters the kernel with x0 = dtb, x1 = x2 = x3 = 0.
 * Every segment starts and ends on 64 KiB, so the plan holds whatever page
 * size the running kernel uses.
 */
#include <kx/bytes.h>
#include "arm64.h"


int kx_a64_image_probe(const uint8_t *buf, size_t len)
{
	return len >= KX_A64_HDR_SIZE && kx_le32(buf + KX_A64_O_MAGIC) == KX_A64_MAGIC;
}

struct kx_err kx_a64_image_parse(const uint8_t *buf, size_t len, struct kx_a64_image *im)
{
	if (len < KX_A64_HDR_SIZE)
		return kx_err(KX_E_TRUNCATED, "arm64 Image header", KX_A64_HDR_SIZE, len);
	if (kx_le32(buf + KX_A64_O_MAGIC) != KX_A64_MAGIC)
		return kx_err(KX_E_BAD_HEADER, "Image magic (\"ARM\\x64\" at 0x38)",
			      kx_le32(buf + KX_A64_O_MAGIC), 0);
	im->text_offset = kx_le64(buf + KX_A64_O_TEXT_OFFSET);
	im->image_size = kx_le64(buf + KX_A64_O_IMAGE_SIZE);
	im->flags = kx_le64(buf + KX_A64_O_FLAGS);
	im->legacy = 0;
	if (!im->image_size) {
		/* Linux < 3.17: no size, text_offset fixed; reserve the file and
		 * a generous 16 MiB for its bss and early page tables. */
		im->legacy = 1;
		im->flags = 0;
		im->text_offset = KX_A64_LEGACY_TEXT;
		if (!kx_align_up((uint64_t)len + 16 * KX_MiB, KX_A64_SEG_ALIGN, &im->image_size) ||
		    im->image_size > KX_A64_MAX_IMAGE)
			return kx_err(KX_E_BAD_HEADER, "image_size", 0, 0);
	}
	if (im->flags & KX_A64_FLAG_BE)
		return kx_err(KX_E_BIG_ENDIAN, 0, im->flags, 0);
	if (im->text_offset >= KX_A64_KERNEL_ALIGN || im->text_offset % KX_PAGE)
		return kx_err(KX_E_BAD_HEADER, "text_offset", im->text_offset, 0);
	if (im->image_size > KX_A64_MAX_IMAGE || im->image_size < len)
		return kx_err(KX_E_BAD_HEADER, "image_size", im->image_size, 0);
	return KX_NOERR;
}

int kx_a64_gzip_probe(const uint8_t *buf, size_t len)
{
	uint8_t head[KX_A64_HDR_SIZE];
	size_t got;

	if (!kx_gzip_probe(buf, len))
		return 0;
	if (KX_FAILED(kx_gunzip(buf, len, head, sizeof(head), 1, &got, 0)) || got < sizeof(head))
		return 0;
	return kx_a64_image_probe(head, got);
}

#define ZB_O_TYPE     4
#define ZB_O_OFF      8
#define ZB_O_SIZE     12
#define ZB_O_COMP     24
#define ZB_HDR        0x40

int kx_a64_zboot_probe(const uint8_t *buf, size_t len)
{
	return len >= ZB_HDR && buf[0] == 'M' && buf[1] == 'Z' &&
	       !kx_memcmp(buf + ZB_O_TYPE, "zimg", 4);
}

struct kx_err kx_zboot_parse(const uint8_t *buf, size_t len, struct kx_zboot *z)
{
	size_t i;

	if (len < ZB_HDR)
		return kx_err(KX_E_TRUNCATED, "EFI zboot header", ZB_HDR, len);
	if (!kx_a64_zboot_probe(buf, len))
		return kx_err(KX_E_BAD_HEADER, "EFI zboot signature (\"zimg\" at 4)", kx_le32(buf + 4), 0);
	z->payload_off = kx_le32(buf + ZB_O_OFF);
	z->payload_len = kx_le32(buf + ZB_O_SIZE);
	for (i = 0; i < sizeof(z->comp) - 1 && ZB_O_COMP + i < 0x38 && buf[ZB_O_COMP + i]; i++) {
		uint8_t c = buf[ZB_O_COMP + i];
		if (c < 0x21 || c > 0x7e)
			return kx_err(KX_E_BAD_HEADER, "EFI zboot compression type", c, 0);
		z->comp[i] = (char)c;
	}
	z->comp[i] = 0;
	if (!i)
		return kx_err(KX_E_BAD_HEADER, "EFI zboot compression type", 0, 0);
	if (z->payload_off < ZB_HDR || !z->payload_len)
		return kx_err(KX_E_BAD_HEADER, "EFI zboot payload offset", z->payload_off, 0);
	if ((uint64_t)z->payload_off + z->payload_len > len)
		return kx_err(KX_E_TRUNCATED, "EFI zboot payload",
			      (uint64_t)z->payload_off + z->payload_len, len);
	return KX_NOERR;
}

static int streq(const char *a, const char *b)
{
	size_t n = kx_strlen(b);
	return kx_strlen(a) == n && !kx_memcmp(a, b, n);
}

/* Unpack gzip data holding an Image into memory from r->sys->alloc. */
static struct kx_err gunzip_image(const struct kx_load_req *r, const uint8_t *gz, size_t gzlen,
				  const uint8_t **img, size_t *len)
{
	uint8_t head[KX_A64_HDR_SIZE];
	uint64_t cap;
	size_t got;
	uint8_t *out;
	struct kx_err err;

	err = kx_gunzip(gz, gzlen, head, sizeof(head), 1, &got, 0);
	if (KX_FAILED(err))
		return err;
	if (got < sizeof(head) || kx_le32(head + KX_A64_O_MAGIC) != KX_A64_MAGIC)
		return kx_err(KX_E_GZIP, 0, KX_GZ_NOT_IMAGE, 0);
	/* room: the header's image_size (>= the Image's length), else the
	 * gzip trailer's length (Linux < 3.17 has no image_size) */
	cap = kx_le64(head + KX_A64_O_IMAGE_SIZE);
	if (!cap && gzlen >= 4)
		cap = kx_le32(gz + gzlen - 4);
	if (!cap || cap > KX_A64_MAX_IMAGE)
		return kx_err(KX_E_BAD_HEADER, "image_size", cap, 0);
	if (!r->sys || !r->sys->alloc)
		return kx_err(KX_E_NO_UNPACK_MEMORY, 0, 0, 0);
	out = r->sys->alloc(r->sys->alloc_ctx, (size_t)cap);
	if (!out)
		return kx_err(KX_E_NO_UNPACK_MEMORY, 0, cap, 0);
	err = kx_gunzip(gz, gzlen, out, (size_t)cap, 0, &got, 0);
	if (KX_FAILED(err))
		return err;
	*img = out;
	*len = got;
	return KX_NOERR;
}

struct kx_err kx_a64_unwrap(const struct kx_load_req *r, const uint8_t **img, size_t *len,
			    const char **what)
{
	const uint8_t *buf = r->image.buf;
	size_t n = (size_t)r->image.len;
	struct kx_zboot z;
	struct kx_err err;

	if (kx_a64_image_probe(buf, n)) {
		*img = buf;
		*len = n;
		*what = "image";
		return KX_NOERR;
	}
	if (kx_a64_zboot_probe(buf, n)) {
		err = kx_zboot_parse(buf, n, &z);
		if (KX_FAILED(err))
			return err;
		if (!streq(z.comp, "gzip")) {
			/* the codecs Linux's zboot knows, by their static names */
			static const char *const known[] = {
				[KX_ZB_ZSTD] = "zstd", [KX_ZB_XZ] = "xz",   [KX_ZB_LZMA] = "lzma",
				[KX_ZB_LZ4] = "lz4",   [KX_ZB_LZO] = "lzo", [KX_ZB_BZIP2] = "bzip2",
			};
			unsigned i;
			for (i = 1; i < sizeof(known) / sizeof(known[0]); i++)
				if (streq(z.comp, known[i]))
					return kx_err(KX_E_ZBOOT_CODEC, known[i], i, 0);
			return kx_err(KX_E_ZBOOT_CODEC, 0, KX_ZB_UNKNOWN, 0);
		}
		*what = "zboot";
		return gunzip_image(r, buf + z.payload_off, z.payload_len, img, len);
	}
	if (kx_gzip_probe(buf, n)) {
		*what = "image-gz";
		return gunzip_image(r, buf, n, img, len);
	}
	return kx_err(KX_E_BAD_HEADER, "Image magic (\"ARM\\x64\" at 0x38)",
		      n >= KX_A64_HDR_SIZE ? kx_le32(buf + KX_A64_O_MAGIC) : 0, 0);
}

uint64_t kx_a64_kernel_mem(const uint8_t *buf, size_t len)
{
	uint8_t head[KX_A64_HDR_SIZE];
	struct kx_zboot z;
	struct kx_a64_image im;

	if (kx_a64_zboot_probe(buf, len)) {
		if (KX_FAILED(kx_zboot_parse(buf, len, &z)))
			return 0;
		buf += z.payload_off;
		len = z.payload_len;
	}
	if (kx_gzip_probe(buf, len)) {
		if (KX_FAILED(kx_gunzip(buf, len, head, sizeof(head), 1, &len, 0)) ||
		    !kx_le64(head + KX_A64_O_IMAGE_SIZE))
			return 0;    /* not an Image, or a legacy one: no size in the header */
		buf = head;
	}
	if (KX_FAILED(kx_a64_image_parse(buf, len, &im)))
		return 0;
	return im.text_offset + im.image_size;
}

/* The device tree to start from: --dtb, else the running system's; checked. */
static struct kx_err dtb_source(const struct kx_load_req *r, const uint8_t **src, size_t *len)
{
	*src = r->dtb.buf;
	*len = (size_t)r->dtb.len;
	if (!*src) {
		*src = r->sys->fdt.buf;
		*len = (size_t)r->sys->fdt.len;
	}
	if (!*src)
		return kx_err(KX_E_NO_DTB, 0, 0, 0);
	return kx_a64_dtb_check(*src, *len);
}

/* The kernel: a 2 MiB aligned base, text_offset + image_size free above it,
 * bottom-up ("as close as possible to the base of DRAM"). */
static struct kx_err place_kernel(const struct kx_load_req *r, struct kx_plan *p,
				  const uint8_t *img, size_t len, const struct kx_a64_image *im,
				  uint64_t *base, struct kx_range *kernel)
{
	struct kx_place rq = { .align = KX_A64_KERNEL_ALIGN, .within = KX_RANGE_ALL };
	uint64_t kmemsz;

	if (!kx_align_up(im->image_size, KX_A64_SEG_ALIGN, &kmemsz))
		return kx_err(KX_E_BAD_HEADER, "image_size", im->image_size, 0);
	rq.size = im->text_offset + kmemsz;
	if (!kx_plan_place(p, &r->sys->mem, r->window, &rq, base))
		return kx_err(KX_E_NO_SPACE, "kernel", rq.size, kx_window_top(r->window, UINT64_MAX));
	*kernel = (struct kx_range){ *base + im->text_offset, *base + im->text_offset + kmemsz };
	return kx_plan_add(p, "kernel", r->image.name, img, len, kernel->start, kmemsz);
}

/* The edited device tree, 2 MiB aligned in `near` (else anywhere). */
static struct kx_err place_dtb(const struct kx_load_req *r, struct kx_plan *p,
			       const uint8_t *src, size_t srclen, const struct kx_a64_dt_args *dt,
			       struct kx_range near, uint64_t *mem)
{
	struct kx_place rq = { .align = KX_A64_KERNEL_ALIGN, .within = near };
	size_t room = kx_a64_dtb_room(src, srclen, kx_strlen(r->cmdline)), outlen;
	uint8_t *buf = r->sys->alloc ? r->sys->alloc(r->sys->alloc_ctx, room) : 0;
	struct kx_err err;

	if (!buf) {
		if (r->scratch_len < room)
			return kx_err(KX_E_SCRATCH, "device tree", room, r->scratch_len);
		buf = r->scratch;
	}
	err = kx_a64_dtb_build(src, srclen, buf, room, dt, &outlen);
	if (KX_FAILED(err))
		return err;
	rq.size = (outlen + KX_A64_SEG_ALIGN - 1) & ~(KX_A64_SEG_ALIGN - 1); /* <= 2 MiB */
	if (!kx_plan_place(p, &r->sys->mem, r->window, &rq, mem)) {
		rq.within = KX_RANGE_ALL;
		if (!kx_plan_place(p, &r->sys->mem, r->window, &rq, mem))
			return kx_err(KX_E_NO_SPACE, "device tree", rq.size, kx_window_top(r->window, UINT64_MAX));
	}
	return kx_plan_add(p, "dtb", r->dtb.buf ? r->dtb.name : "built", buf, outlen, *mem, rq.size);
}

struct kx_err kx_a64_image_load(const struct kx_load_req *r, struct kx_plan *p)
{
	const uint8_t *img, *dtsrc;
	size_t len, dtlen;
	const char *what;
	struct kx_a64_image im;
	struct kx_a64_dt_args dt;
	uint64_t base, dtmem;
	struct kx_range kernel, rd, near;
	struct kx_place rq = { .within = KX_RANGE_ALL };
	struct kx_err err;

	/* the cheap checks first: a compressed kernel takes a while to unpack */
	if (kx_strlen(r->cmdline) > KX_A64_CMDLINE_MAX)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, kx_strlen(r->cmdline), KX_A64_CMDLINE_MAX);
	err = dtb_source(r, &dtsrc, &dtlen);
	if (KX_FAILED(err))
		return err;
	err = kx_a64_unwrap(r, &img, &len, &what);
	if (KX_FAILED(err))
		return err;
	err = kx_a64_image_parse(img, len, &im);
	if (KX_FAILED(err))
		return err;
	err = place_kernel(r, p, img, len, &im, &base, &kernel);
	if (KX_FAILED(err))
		return err;

	/* initrds and the dtb above the kernel, inside its 32 GiB window */
	near = (struct kx_range){ kernel.end, kx_align_down(base, KX_GiB) + 32 * KX_GiB };
	if (near.end < near.start)
		near.end = UINT64_MAX;
	rq.within = near;
	err = kx_place_initrds(p, &r->sys->mem, r->window, r->initrd, r->ninitrd, KX_A64_SEG_ALIGN,
			       &rq, 1, &rd);
	if (KX_FAILED(err))
		return err;
	kx_memset(&dt, 0, sizeof(dt));
	dt.initrd_start = rd.start;
	dt.initrd_end = rd.end;
	dt.cmdline = r->cmdline;
	if (r->sys->have_rng_seed) {
		/* 8 bytes for KASLR, the rest for the kernel's entropy pool */
		dt.have_kaslr_seed = 1;
		dt.kaslr_seed = kx_le64(r->sys->rng_seed);
		dt.rng_seed = r->sys->rng_seed + 8;
		dt.rng_seed_len = sizeof(r->sys->rng_seed) - 8;
	}
	err = place_dtb(r, p, dtsrc, dtlen, &dt, near, &dtmem);
	if (KX_FAILED(err))
		return err;

	/* booting.rst: x0 = dtb, x1..x3 = 0, MMU off, at the Image's first byte */
	p->target = kernel.start;
	p->entry_mode = KX_PURG_ENTRY_64;
	kx_memset(p->regs, 0, sizeof(p->regs));
	p->regs[0] = dtmem;
	p->regs_used = 0xf;
	p->type = what;
	p->cmdline = r->cmdline;
	return KX_NOERR;
}
