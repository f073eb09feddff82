/*
 * x86 Linux boot parameters: initrd placement and the one segment holding
 * the zero page, the command line and every setup_data node.
 */
#include <kx/bytes.h>
#include "bootparams.h"
#include "bootproto.h"

uint64_t kx_x86_limit(const struct kx_load_req *r, uint64_t hi)
{
	return r->window.max < hi ? r->window.max : hi;
}

/*
 * Where the running kernel's own initrd was: memory freed after boot, so the
 * first pages the kernel's allocator hands out while it stages a kexec_load.
 * Destinations there collide with those pages again and again, and the load
 * takes several times longer (bench/, docs/benchmarks.md). Bootloaders put
 * initrds top-down below 2 GiB, as kx does, so this is the usual case.
 */
static struct kx_range old_initrd(const struct kx_load_req *r)
{
	const uint8_t *bp = r->sys->boot_params;
	struct kx_range none = { 0, 0 }, o;

	if (!bp || r->sys->boot_params_len < BP_SIZE)
		return none;
	o.start = kx_le32(bp + H_RAMDISK_IMAGE) | (uint64_t)kx_le32(bp + BP_EXT_RAMDISK_IMAGE) << 32;
	o.end = kx_le32(bp + H_RAMDISK_SIZE) | (uint64_t)kx_le32(bp + BP_EXT_RAMDISK_SIZE) << 32;
	if (!o.end || o.start + o.end < o.start)
		return none;
	o.end += o.start;
	o.start = kx_align_down(o.start, KX_PAGE);
	if (!kx_align_up(o.end, KX_PAGE, &o.end))
		return none;
	return o;
}

/* kx_plan_find, keeping out of the old initrd's memory when there is room. */
static int find_fresh(const struct kx_load_req *r, const struct kx_plan *p, uint64_t size,
		      uint64_t lo, uint64_t hi, uint64_t *out)
{
	struct kx_plan tmp; /* ~1 KiB on the stack: never static, loads may plan in threads */
	struct kx_range o = old_initrd(r);

	if (o.end > o.start && p->nseg < KX_MAX_SEGMENTS) {
		tmp = *p;
		tmp.seg[tmp.nseg].mem = o.start;
		tmp.seg[tmp.nseg].memsz = o.end - o.start;
		tmp.nseg++;
		if (kx_plan_find(&tmp, &r->sys->mem, r->window, size, KX_PAGE, lo, hi, 1, out))
			return 1;
	}
	return kx_plan_find(p, &r->sys->mem, r->window, size, KX_PAGE, lo, hi, 1, out);
}

/* Initrds: one contiguous span, each file its own page-aligned segment;
 * the kernel's initramfs unpacker skips the zero padding between them. */
struct kx_err kx_x86_place_initrds(const struct kx_load_req *r, struct kx_plan *p,
				   const struct kx_x86_linux *lx, uint64_t *rd_mem, uint64_t *rd_len)
{
	uint64_t span = 0, hi, at, a;
	unsigned i;
	struct kx_err err;

	*rd_mem = *rd_len = 0;
	for (i = 0; i < r->ninitrd; i++) {
		if (!kx_align_up(r->initrd[i].len, KX_PAGE, &a) || span + a < span)
			return kx_err(KX_E_NO_SPACE, "initrd", UINT64_MAX, 0);
		span += a;
	}
	if (!span)
		return KX_NOERR;
	hi = (uint64_t)lx->initrd_addr_max + 1;
	if (hi > 4 * GiB)
		hi = 4 * GiB;
	if (!find_fresh(r, p, span, MiB, hi, rd_mem)) {
		if (!lx->initrd_above_4g || !find_fresh(r, p, span, 4 * GiB, UINT64_MAX, rd_mem))
			return kx_err(KX_E_NO_SPACE, "initrd", span,
				      kx_x86_limit(r, lx->initrd_above_4g ? UINT64_MAX : hi));
	}
	for (at = *rd_mem, i = 0; i < r->ninitrd; i++) {
		kx_align_up(r->initrd[i].len, KX_PAGE, &a);
		if (!a)
			continue;
		err = kx_plan_add(p, "initrd", r->initrd[i].name, r->initrd[i].buf, r->initrd[i].len,
				  at, a);
		if (KX_FAILED(err))
			return err;
		*rd_len = at - *rd_mem + r->initrd[i].len; /* ends at the last byte */
		at += a;
	}
	return KX_NOERR;
}

/* Layout of the boot-params segment: zero page, command line, setup_data. */
struct layout {
	size_t cmdline_off, cmdline_len;
	size_t rng_off, e820x_off, size;
	unsigned e820_n, e820x_n;
};

static struct kx_err layout(const struct kx_load_req *r, struct layout *l)
{
	size_t off;

	l->cmdline_off = BP_SIZE;
	l->cmdline_len = kx_strlen(r->cmdline);
	off = (l->cmdline_off + l->cmdline_len + 1 + 15) & ~(size_t)15;
	l->rng_off = 0;
	if (r->sys->have_rng_seed) {
		l->rng_off = off;
		off += SD_HDR + sizeof(r->sys->rng_seed);
		off = (off + 15) & ~(size_t)15;
	}
	l->e820_n = r->sys->mem.n < BP_E820_MAX ? r->sys->mem.n : BP_E820_MAX;
	l->e820x_n = r->sys->mem.n - l->e820_n;
	l->e820x_off = 0;
	if (l->e820x_n) {
		l->e820x_off = off;
		off += SD_HDR + (size_t)l->e820x_n * 20;
	}
	l->size = off;
	if (off > r->scratch_len)
		return kx_err(KX_E_BOOT_INFO_TOO_BIG, "boot parameters", off, r->scratch_len);
	return KX_NOERR;
}

static void put_e820(uint8_t *p, const struct kx_mement *e)
{
	kx_put64(p, e->start);
	kx_put64(p + 8, e->end - e->start);
	kx_put32(p + 16, e->type);
}

/* A setup header for a kernel that has none (ELF vmlinux): protocol 2.15. */
static void made_up_header(uint8_t *zp, const struct kx_x86_linux *lx)
{
	kx_put16(zp + H_BOOT_FLAG, 0xAA55);
	zp[H_JUMP + 1] = H_MIN_END + 8 - (H_JUMP + 2);
	kx_memcpy(zp + H_MAGIC, "HdrS", 4);
	kx_put16(zp + H_VERSION, 0x020f);
	zp[H_LOADFLAGS] = LOADED_HIGH;
	kx_put32(zp + H_INITRD_MAX, lx->initrd_addr_max);
	kx_put32(zp + H_CMDLINE_SIZE, lx->cmdline_size);
}

static void build(const struct kx_load_req *r, const struct kx_x86_linux *lx,
		  const struct layout *l, uint64_t bp_mem, uint64_t rd_mem, uint64_t rd_len)
{
	uint8_t *zp = r->scratch;
	const uint8_t *cur = r->sys->boot_params;
	int have_cur = cur && r->sys->boot_params_len >= BP_SIZE;
	uint64_t cmd = bp_mem + l->cmdline_off, next = 0;
	unsigned i;

	kx_memset(zp, 0, l->size);
	/* What the firmware told the running kernel, when we can read it. */
	if (have_cur) {
		kx_memcpy(zp + BP_SCREEN_INFO, cur + BP_SCREEN_INFO, 0x40);
		kx_memcpy(zp + BP_EDID_INFO, cur + BP_EDID_INFO, 0x80);
		kx_memcpy(zp + BP_ACPI_RSDP, cur + BP_ACPI_RSDP, 8);
	}
	/* The new kernel's own setup header, within its bounds. */
	if (lx->hdr)
		kx_memcpy(zp + H_SETUP_SECTS, lx->hdr + H_SETUP_SECTS, lx->hdr_end - H_SETUP_SECTS);
	else
		made_up_header(zp, lx);
	if (have_cur) {
		kx_memcpy(zp + H_SUBARCH, cur + H_SUBARCH, 4);
		kx_memcpy(zp + H_SUBARCH_DATA, cur + H_SUBARCH_DATA, 8);
	}
	if (r->sys->acpi_rsdp)
		kx_put64(zp + BP_ACPI_RSDP, r->sys->acpi_rsdp);
	zp[H_TYPE_OF_LOADER] = 0xff;
	zp[BP_SENTINEL] = 0;
	kx_put32(zp + H_CODE32_START, (uint32_t)lx->kernel_mem);
	kx_put32(zp + H_RAMDISK_IMAGE, (uint32_t)rd_mem);
	kx_put32(zp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(rd_mem >> 32));
	kx_put32(zp + H_RAMDISK_SIZE, (uint32_t)rd_len);
	kx_put32(zp + BP_EXT_RAMDISK_SIZE, (uint32_t)(rd_len >> 32));
	kx_put32(zp + H_CMD_LINE_PTR, (uint32_t)cmd);
	kx_put32(zp + BP_EXT_CMD_LINE_PTR, (uint32_t)(cmd >> 32));
	kx_memcpy(zp + l->cmdline_off, r->cmdline, l->cmdline_len + 1);

	zp[BP_E820_ENTRIES] = (uint8_t)l->e820_n;
	for (i = 0; i < l->e820_n; i++)
		put_e820(zp + BP_E820_TABLE + 20 * i, &r->sys->mem.e[i]);

	/* setup_data: one linked list, all inside this segment; built back to front */
	if (l->e820x_n) {
		uint8_t *sd = zp + l->e820x_off;
		kx_put64(sd, next);
		kx_put32(sd + 8, SETUP_E820_EXT);
		kx_put32(sd + 12, l->e820x_n * 20);
		for (i = 0; i < l->e820x_n; i++)
			put_e820(sd + SD_HDR + 20 * i, &r->sys->mem.e[l->e820_n + i]);
		next = bp_mem + l->e820x_off;
	}
	if (l->rng_off) {
		uint8_t *sd = zp + l->rng_off;
		kx_put64(sd, next);
		kx_put32(sd + 8, SETUP_RNG_SEED);
		kx_put32(sd + 12, sizeof(r->sys->rng_seed));
		kx_memcpy(sd + SD_HDR, r->sys->rng_seed, sizeof(r->sys->rng_seed));
		next = bp_mem + l->rng_off;
	}
	kx_put64(zp + H_SETUP_DATA, next);
}

struct kx_err kx_x86_boot_params(const struct kx_load_req *r, struct kx_plan *p,
				 const struct kx_x86_linux *lx, uint64_t rd_mem, uint64_t rd_len,
				 uint64_t target)
{
	struct layout l;
	struct kx_err err;
	uint64_t bp_mem, bp_memsz;

	if (kx_strlen(r->cmdline) > lx->cmdline_size)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, kx_strlen(r->cmdline), lx->cmdline_size);
	err = layout(r, &l);
	if (KX_FAILED(err))
		return err;
	if (!kx_align_up(l.size, KX_PAGE, &bp_memsz) ||
	    !kx_plan_find(p, &r->sys->mem, r->window, bp_memsz, KX_PAGE, MiB, 4 * GiB, 1, &bp_mem))
		return kx_err(KX_E_NO_SPACE, "boot parameters", l.size, kx_x86_limit(r, 4 * GiB));
	build(r, lx, &l, bp_mem, rd_mem, rd_len);
	err = kx_plan_add(p, "boot-params", "built", r->scratch, l.size, bp_mem, bp_memsz);
	if (KX_FAILED(err))
		return err;
	p->cmdline = r->cmdline;
	p->target = target;
	p->entry_mode = KX_PURG_ENTRY_64;
	p->regs[KX_X86_RSI] = bp_mem;
	p->regs_used = 1u << KX_X86_RSI;
	return KX_NOERR;
}
