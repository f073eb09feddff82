/*
 * 32-bit ARM Linux zImage loader (arch/arm/boot/compressed/head.S,
 * Documentation/arch/arm/booting.rst), for kexec_load: 32-bit ARM has no
 * kexec_file_load.
 *
 * The zImage decompresses the kernel to (pc & ~(128 MiB - 1)) + TEXT_OFFSET
 * (CONFIG_AUTO_ZRELADDR), so with base = the start of RAM rounded down to
 * 128 MiB, a load is laid out as:
 *   [base + text_offset, base + kernel_mem)  the unpacked kernel and its bss:
 *                                           no segment goes there
 *   zImage   above that, inside the first 128 MiB: the decompressor finds
 *            it does not overlap its output and unpacks in place, without
 *            moving itself; its own bss, stack and heap follow (KX_ZI_SLACK)
 *   initrds  above the zImage, inside KX_ARM_LOWMEM of RAM (low memory)
 *   dtb      the edited device tree, 1 MiB aligned (the kernel's early map
 *            covers its 1 MiB section), above the initrds, also in low memory
 * The kernel's relocation code enters the purgatory with r0 = 0, r1 = the
 * running kernel's machine type, r2 = the segment that starts with the
 * device tree magic; the purgatory enters the zImage with r0 = 0, r1 as it
 * came (or the plan's machine type), r2 = the device tree, MMU and caches off.
 * With ATAGS (r->atags) there is no device tree: the tag list (atags.c) goes
 * at base + KX_ATAGS_OFFSET, below the unpacked kernel's page tables, and r2
 * is its address.
 */
#include <kx/bytes.h>
#include "arm.h"
#include "../arm64/arm64.h"

int kx_zimage_probe(const uint8_t *buf, size_t len)
{
	return len >= KX_ZI_HDR_SIZE && kx_le32(buf + KX_ZI_O_MAGIC) == KX_ZI_MAGIC;
}

/* The KLSZ entry of the size table: [words, tag, size_ptr, bss, text_offset,
 * malloc_size], entries until a zero word. */
static struct kx_err read_table(const uint8_t *buf, size_t len, struct kx_zimage *z)
{
	uint64_t off = kx_le32(buf + KX_ZI_O_TABLE), end;
	unsigned n, guard;

	for (guard = 0; guard < 64; guard++) {
		if (off > len || len - off < 4)
			return kx_err(KX_E_BAD_HEADER, "zImage size table", off, 0);
		n = kx_le32(buf + off);
		if (!n)
			return KX_NOERR;        /* no KLSZ entry: sizes assumed */
		end = off + 4ull * n;
		if (n < 2 || end > len)
			return kx_err(KX_E_BAD_HEADER, "zImage size table", off, n);
		if (kx_le32(buf + off + 4) == KX_ZI_TAG_KLSZ && n >= 4) {
			uint64_t sp = kx_le32(buf + off + 8);
			if (sp > len || len - sp < 4)
				return kx_err(KX_E_BAD_HEADER, "zImage size table", sp, 0);
			z->kernel_size = kx_le32(buf + sp);
			z->bss_size = kx_le32(buf + off + 12);
			if (n >= 5)
				z->text_offset = kx_le32(buf + off + 16);
			if (n >= 6)
				z->malloc_size = kx_le32(buf + off + 20);
			z->have_table = 1;
			return KX_NOERR;
		}
		off = end;
	}
	return kx_err(KX_E_BAD_HEADER, "zImage size table", off, 0);
}

struct kx_err kx_zimage_parse(const uint8_t *buf, size_t len, struct kx_zimage *z)
{
	uint32_t endian;
	uint64_t mem;
	struct kx_err err;

	kx_memset(z, 0, sizeof(*z));
	if (len < KX_ZI_HDR_SIZE)
		return kx_err(KX_E_TRUNCATED, "zImage header", KX_ZI_HDR_SIZE, len);
	if (kx_le32(buf + KX_ZI_O_MAGIC) != KX_ZI_MAGIC)
		return kx_err(KX_E_BAD_HEADER, "zImage magic (0x016f2818 at 0x24)",
			      kx_le32(buf + KX_ZI_O_MAGIC), 0);
	if (len > KX_ZI_MAX)
		return kx_err(KX_E_BAD_HEADER, "zImage size", len, KX_ZI_MAX);
	/* the endianness word (Linux 3.17+) is written in the kernel's byte order */
	endian = kx_le32(buf + KX_ZI_O_ENDIAN);
	if (endian == KX_ZI_ENDIAN_BE)
		return kx_err(KX_E_BIG_ENDIAN, 0, endian, 0);
	z->start = kx_le32(buf + KX_ZI_O_START);
	z->end = kx_le32(buf + KX_ZI_O_END);
	/* a zImage linked to run at a fixed address (ZBOOT_ROM) is not placed by kx */
	if (z->start)
		return kx_err(KX_E_BAD_HEADER, "zImage load address", z->start, 0);
	if (z->end <= KX_ZI_HDR_SIZE)
		return kx_err(KX_E_BAD_HEADER, "zImage end", z->end, 0);
	if (z->end > len)
		return kx_err(KX_E_TRUNCATED, "zImage", z->end, len);
	z->text_offset = KX_ZI_TEXT_OFFSET;
	if (endian == KX_ZI_ENDIAN_LE && kx_le32(buf + KX_ZI_O_MAGIC2) == KX_ZI_MAGIC2) {
		err = read_table(buf, len, z);
		if (KX_FAILED(err))
			return err;
	}
	if (!z->have_table) {
		/* kernels before 3.15: no sizes; assume a 4:1 ratio, as others do */
		z->kernel_size = (uint32_t)(4 * (uint64_t)len);
		z->bss_size = (uint32_t)KX_ZI_SLACK;
	}
	if (z->text_offset % KX_PAGE || z->text_offset >= KX_ZI_RAM_ALIGN)
		return kx_err(KX_E_BAD_HEADER, "zImage text offset", z->text_offset, 0);
	mem = (uint64_t)z->text_offset + z->kernel_size + z->bss_size;
	if (!z->kernel_size || mem > KX_ZI_MAX_KERNEL)
		return kx_err(KX_E_BAD_HEADER, "zImage kernel size", z->kernel_size, z->bss_size);
	if (!kx_align_up(mem, KX_PAGE, &z->kernel_mem))
		return kx_err(KX_E_BAD_HEADER, "zImage kernel size", z->kernel_size, z->bss_size);
	return KX_NOERR;
}

/* The device tree to start from: --dtb, else the running system's; checked. */
static struct kx_err dtb_source(const struct kx_load_req *r, const uint8_t **src, size_t *len)
{
	*src = r->dtb.buf;
	*len = (size_t)r->dtb.len;
	if (!*src && r->sys) {
		*src = r->sys->fdt.buf;
		*len = (size_t)r->sys->fdt.len;
	}
	if (!*src)
		return kx_err(KX_E_NO_DTB, 0, 0, 0);
	return kx_a64_dtb_check(*src, *len);
}

/* The lowest RAM: where the decompressor's 128 MiB rounding lands. */
static int ram_base(const struct kx_memmap *m, uint64_t *base)
{
	unsigned i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].type == KX_MEM_RAM) {
			*base = kx_align_down(m->e[i].start, KX_ZI_RAM_ALIGN);
			return 1;
		}
	return 0;
}

static struct kx_err place_dtb(const struct kx_load_req *r, struct kx_plan *p, const uint8_t *src,
			       size_t srclen, const struct kx_a64_dt_args *dt, struct kx_range near,
			       uint64_t *mem)
{
	struct kx_place rq = { .align = KX_ARM_DTB_ALIGN, .within = near };
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
	if (outlen > KX_ARM_DTB_ALIGN)
		return kx_err(KX_E_DTB_TOO_BIG, 0, outlen, KX_ARM_DTB_ALIGN);
	if (!kx_align_up(outlen, KX_PAGE, &rq.size) ||
	    !kx_plan_place(p, &r->sys->mem, r->window, &rq, mem))
		return kx_err(KX_E_NO_SPACE, "device tree", rq.size, kx_window_top(r->window, near.end));
	return kx_plan_add(p, "dtb", r->dtb.buf ? r->dtb.name : "built", buf, outlen, *mem, rq.size);
}

/* The ATAGS list, in the first 16 KiB of RAM below the kernel's page tables. */
static struct kx_err place_atags(const struct kx_load_req *r, struct kx_plan *p, uint64_t base,
				 uint32_t text_offset, struct kx_range rd, uint64_t *mem)
{
	struct kx_place rq = { .size = KX_PAGE, .align = KX_PAGE };
	uint64_t end = base + KX_ATAGS_END;
	uint8_t *buf = r->sys->alloc ? r->sys->alloc(r->sys->alloc_ctx, KX_ATAGS_MAX) : 0;
	size_t len;
	struct kx_err err;

	if (!buf) {
		if (r->scratch_len < KX_ATAGS_MAX)
			return kx_err(KX_E_SCRATCH, "ATAGS", KX_ATAGS_MAX, r->scratch_len);
		buf = r->scratch;
	}
	err = kx_arm_atags_build(&r->sys->mem, rd.start, rd.end, r->cmdline, buf, KX_ATAGS_MAX, &len);
	if (KX_FAILED(err))
		return err;
	if (text_offset - KX_ATAGS_PGD < KX_ATAGS_END)
		end = base + text_offset - KX_ATAGS_PGD;
	rq.within = (struct kx_range){ base + KX_ATAGS_OFFSET, end };
	if (end <= rq.within.start || !kx_plan_place(p, &r->sys->mem, r->window, &rq, mem))
		return kx_err(KX_E_NO_SPACE, "ATAGS", KX_PAGE, end);
	return kx_plan_add(p, "atags", "built", buf, len, *mem, KX_PAGE);
}

struct kx_err kx_zimage_load(const struct kx_load_req *r, struct kx_plan *p)
{
	const uint8_t *dtsrc = 0;
	size_t dtlen = 0, len = (size_t)r->image.len;
	struct kx_zimage z;
	struct kx_a64_dt_args dt;
	uint64_t base, zmem, at, dtmem;
	struct kx_range rd, low;
	struct kx_place rq = { .align = KX_MiB };
	struct kx_err err;

	if (kx_strlen(r->cmdline) > KX_ARM_CMDLINE_MAX)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, kx_strlen(r->cmdline), KX_ARM_CMDLINE_MAX);
	if (!r->atags) {
		err = dtb_source(r, &dtsrc, &dtlen);
		if (KX_FAILED(err))
			return err;
	}
	err = kx_zimage_parse(r->image.buf, len, &z);
	if (KX_FAILED(err))
		return err;
	if (!ram_base(&r->sys->mem, &base))
		return kx_err(KX_E_NO_RAM, 0, 0, 0);
	/* the unpacked kernel's memory must be RAM; nothing is placed there */
	if (!kx_memmap_covers(&r->sys->mem, (struct kx_range){ base + z.text_offset, base + z.kernel_mem }))
		return kx_err(KX_E_NO_SPACE, "kernel", z.kernel_mem, base + z.kernel_mem);

	/* the zImage, above the unpacked kernel, inside the first 128 MiB */
	if (!kx_align_up(len, KX_PAGE, &zmem))
		return kx_err(KX_E_BAD_HEADER, "zImage size", len, 0);
	zmem += KX_ZI_SLACK;
	rq.size = zmem;
	rq.within = (struct kx_range){ base + z.kernel_mem, base + KX_ZI_RAM_ALIGN };
	if (!kx_plan_place(p, &r->sys->mem, r->window, &rq, &at))
		return kx_err(KX_E_NO_SPACE, "kernel", zmem, kx_window_top(r->window, rq.within.end));
	err = kx_plan_add(p, "kernel", r->image.name, r->image.buf, len, at, zmem);
	if (KX_FAILED(err))
		return err;

	/* initrds, then the device tree, above it in low memory */
	low = (struct kx_range){ at + zmem, base + KX_ARM_LOWMEM };
	rq = (struct kx_place){ .within = low };
	err = kx_place_initrds(p, &r->sys->mem, r->window, r->initrd, r->ninitrd, KX_PAGE, &rq, 1, &rd);
	if (KX_FAILED(err))
		return err;
	if (r->atags) {
		/* the text offset is a page multiple below 128 MiB (kx_zimage_parse) */
		if (z.text_offset < KX_ATAGS_PGD + KX_ATAGS_OFFSET + KX_PAGE)
			return kx_err(KX_E_NO_SPACE, "ATAGS", KX_PAGE, base + z.text_offset);
		err = place_atags(r, p, base, z.text_offset, rd, &dtmem);
	} else {
		kx_memset(&dt, 0, sizeof(dt));
		dt.cmdline = r->cmdline;
		dt.initrd_start = rd.start;
		dt.initrd_end = rd.end;
		if (r->sys->have_rng_seed) {
			dt.rng_seed = r->sys->rng_seed;
			dt.rng_seed_len = sizeof(r->sys->rng_seed);
		}
		err = place_dtb(r, p, dtsrc, dtlen, &dt, low, &dtmem);
	}
	if (KX_FAILED(err))
		return err;

	p->target = at;
	p->entry_mode = KX_PURG_ENTRY_ARM;
	kx_memset(p->regs, 0, sizeof(p->regs));
	/* r1 0: the machine type the running kernel passes; else the one asked for */
	p->regs[1] = r->mach_type;
	p->regs[2] = dtmem;    /* the device tree or the ATAGS list */
	p->regs_used = 0x7;
	p->type = r->atags ? "zimage-atags" : "zimage";
	p->cmdline = r->cmdline;
	return KX_NOERR;
}
