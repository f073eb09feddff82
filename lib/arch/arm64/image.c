/*
 * arm64 Linux Image loader (Documentation/arch/arm64/booting.rst): the
 * plain Image. Image.gz (and other compressions), EFI zboot "vmlinuz"
 * images, uImages and ELF vmlinux files are unwrapped into an Image by the
 * library before this loader sees them (libkx/unwrap.c).
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
#include <kx/elf.h>
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

/* The PT_LOAD with file bytes at the lowest p_paddr, or -1. */
static int lowest_load(const struct kx_elf *e)
{
	unsigned i;
	int lo = -1;

	for (i = 0; i < e->nload; i++)
		if (e->load[i].filesz && (lo < 0 || e->load[i].paddr < e->load[lo].paddr))
			lo = (int)i;
	return lo;
}

struct kx_err kx_a64_vmlinux_image(const uint8_t *buf, size_t len, uint8_t *out, size_t cap,
				   size_t *size)
{
	struct kx_elf e;
	struct kx_err err = kx_elf_parse(buf, len, &e);
	uint64_t start, end = 0;
	unsigned i;
	int lo;

	if (KX_FAILED(err))
		return err;
	if (e.cls != 64 || e.machine != KX_EM_AARCH64)
		return kx_err(KX_E_WRONG_MACHINE, "arm64 kernels", e.machine, 0);
	if ((lo = lowest_load(&e)) < 0 || e.load[lo].filesz < KX_A64_HDR_SIZE ||
	    !kx_a64_image_probe(buf + e.load[lo].offset, KX_A64_HDR_SIZE))
		return kx_err(KX_E_BAD_HEADER, "vmlinux: no Image header at its start", 0, 0);
	start = e.load[lo].paddr;
	for (i = 0; i < e.nload; i++)
		if (e.load[i].filesz && e.load[i].paddr + e.load[i].filesz > end)
			end = e.load[i].paddr + e.load[i].filesz; /* no wrap: kx_elf_parse checked */
	if (end - start > KX_A64_MAX_IMAGE)
		return kx_err(KX_E_BAD_HEADER, "vmlinux size", end - start, 0);
	*size = (size_t)(end - start);
	if (!out)
		return KX_NOERR;
	if (cap < *size)
		return kx_err(KX_E_SCRATCH, "vmlinux Image", *size, cap);
	for (i = 0; i < e.nload; i++)
		if (e.load[i].filesz)
			kx_memcpy(out + (e.load[i].paddr - start), buf + e.load[i].offset,
				  (size_t)e.load[i].filesz);
	return KX_NOERR;
}

int kx_a64_vmlinux_probe(const uint8_t *buf, size_t len)
{
	size_t n;
	return kx_elf_probe(buf, len) && !KX_FAILED(kx_a64_vmlinux_image(buf, len, 0, 0, &n));
}

uint64_t kx_a64_kernel_mem(const uint8_t *buf, size_t len)
{
	struct kx_a64_image im;

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
	const uint8_t *img = r->image.buf, *dtsrc;
	size_t len = (size_t)r->image.len, dtlen;
	struct kx_a64_image im;
	struct kx_a64_dt_args dt;
	uint64_t base, dtmem;
	struct kx_range kernel, rd, near;
	struct kx_place rq = { .within = KX_RANGE_ALL };
	struct kx_err err;

	if (kx_strlen(r->cmdline) > KX_A64_CMDLINE_MAX)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, kx_strlen(r->cmdline), KX_A64_CMDLINE_MAX);
	err = dtb_source(r, &dtsrc, &dtlen);
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
	p->type = "image";
	p->cmdline = r->cmdline;
	return KX_NOERR;
}
