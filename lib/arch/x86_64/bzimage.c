/*
 * x86 Linux bzImage loader: boot protocol 2.12+, 64-bit entry.
 * Field offsets are those of struct setup_header inside struct boot_params
 * (Documentation/arch/x86/boot.rst); every read is bounds checked.
 */
#include <kx/bytes.h>
#include <kx/bzimage.h>

/* setup header fields (offsets in the image and in the zero page) */
#define H_SETUP_SECTS   0x1f1
#define H_BOOT_FLAG     0x1fe
#define H_JUMP          0x200
#define H_MAGIC         0x202
#define H_VERSION       0x206
#define H_TYPE_OF_LOADER 0x210
#define H_LOADFLAGS     0x211
#define H_CODE32_START  0x214
#define H_RAMDISK_IMAGE 0x218
#define H_RAMDISK_SIZE  0x21c
#define H_CMD_LINE_PTR  0x228
#define H_INITRD_MAX    0x22c
#define H_KERNEL_ALIGN  0x230
#define H_RELOCATABLE   0x234
#define H_XLOADFLAGS    0x236
#define H_CMDLINE_SIZE  0x238
#define H_SUBARCH       0x23c
#define H_SUBARCH_DATA  0x240
#define H_SETUP_DATA    0x250
#define H_PREF_ADDRESS  0x258
#define H_INIT_SIZE     0x260
#define H_MIN_END       0x264   /* we need fields up to init_size */
/* boot_params fields outside the setup header */
#define BP_SCREEN_INFO  0x000   /* 0x40 bytes */
#define BP_ACPI_RSDP    0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE  0x0c4
#define BP_EXT_CMD_LINE_PTR  0x0c8
#define BP_EDID_INFO    0x140   /* 0x80 bytes */
#define BP_E820_ENTRIES 0x1e8
#define BP_SENTINEL     0x1ef
#define BP_HDR_LIMIT    0x290   /* setup header space ends here */
#define BP_E820_TABLE   0x2d0
#define BP_E820_MAX     128
#define BP_SIZE         4096

#define LOADED_HIGH     0x01
#define SETUP_E820_EXT  1
#define SETUP_RNG_SEED  9
#define SD_HDR          16      /* struct setup_data: next, type, len */

#define MiB (1ull << 20)
#define GiB (1ull << 30)

int kx_bzimage_probe(const uint8_t *buf, size_t len)
{
	return len >= H_MIN_END && kx_le16(buf + H_BOOT_FLAG) == 0xAA55 &&
	       !kx_memcmp(buf + H_MAGIC, "HdrS", 4);
}

struct kx_err kx_bzimage_parse(const uint8_t *buf, size_t len, struct kx_bzimage *bz)
{
	unsigned sects;

	if (len < H_MAGIC + 4)
		return kx_err(KX_E_TRUNCATED, "bzImage header", H_MIN_END, len);
	if (kx_le16(buf + H_BOOT_FLAG) != 0xAA55)
		return kx_err(KX_E_NOT_BZIMAGE, "boot flag 0xAA55", 0, 0);
	if (kx_memcmp(buf + H_MAGIC, "HdrS", 4))
		return kx_err(KX_E_NOT_BZIMAGE, "HdrS signature", 0, 0);
	if (len < H_VERSION + 2)
		return kx_err(KX_E_TRUNCATED, "bzImage header", H_MIN_END, len);
	bz->version = kx_le16(buf + H_VERSION);
	if (bz->version < KX_BZ_MIN_VERSION)
		return kx_err(KX_E_OLD_PROTOCOL, 0, bz->version, KX_BZ_MIN_VERSION);
	if (len < H_MIN_END)
		return kx_err(KX_E_TRUNCATED, "bzImage header", H_MIN_END, len);

	bz->hdr_end = (size_t)H_JUMP + 2 + buf[H_JUMP + 1];
	if (bz->hdr_end < H_MIN_END)
		return kx_err(KX_E_BAD_HEADER, "setup header length", bz->hdr_end, H_MIN_END);
	if (bz->hdr_end > BP_HDR_LIMIT)
		bz->hdr_end = BP_HDR_LIMIT;
	if (bz->hdr_end > len)
		return kx_err(KX_E_TRUNCATED, "bzImage header", bz->hdr_end, len);

	sects = buf[H_SETUP_SECTS] ? buf[H_SETUP_SECTS] : 4;
	bz->setup_sects = (uint8_t)sects;
	bz->setup_len = ((size_t)sects + 1) * 512;
	if (bz->setup_len < bz->hdr_end)
		return kx_err(KX_E_BAD_HEADER, "setup_sects", sects, 0);
	if (bz->setup_len >= len)
		return kx_err(KX_E_TRUNCATED, "bzImage kernel", bz->setup_len + 1, len);
	bz->kernel = buf + bz->setup_len;
	bz->kernel_len = len - bz->setup_len;

	bz->loadflags = buf[H_LOADFLAGS];
	if (!(bz->loadflags & LOADED_HIGH))
		return kx_err(KX_E_NOT_BZIMAGE, "LOADED_HIGH flag (this is an old zImage)", 0, 0);
	bz->xloadflags = kx_le16(buf + H_XLOADFLAGS);
	if (!(bz->xloadflags & KX_XLF_KERNEL_64))
		return kx_err(KX_E_NOT_64BIT, 0, bz->xloadflags, 0);
	bz->relocatable = buf[H_RELOCATABLE];
	bz->initrd_addr_max = kx_le32(buf + H_INITRD_MAX);
	bz->kernel_alignment = kx_le32(buf + H_KERNEL_ALIGN);
	bz->cmdline_size = kx_le32(buf + H_CMDLINE_SIZE);
	bz->pref_address = kx_le64(buf + H_PREF_ADDRESS);
	bz->init_size = kx_le32(buf + H_INIT_SIZE);
	if (bz->relocatable && (!kx_is_pow2(bz->kernel_alignment) || bz->kernel_alignment > GiB))
		return kx_err(KX_E_BAD_HEADER, "kernel_alignment", bz->kernel_alignment, 0);
	if (!bz->relocatable && bz->pref_address % KX_PAGE)
		return kx_err(KX_E_BAD_HEADER, "pref_address", bz->pref_address, 0);
	if (bz->init_size > 4 * GiB / 4)
		return kx_err(KX_E_BAD_HEADER, "init_size", bz->init_size, 0);
	return KX_NOERR;
}

/* The highest address a placement below `hi` may reach, for messages. */
static uint64_t limit(const struct kx_load_req *r, uint64_t hi)
{
	return r->window.max < hi ? r->window.max : hi;
}

static int fits_at(const struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
		   uint64_t at, uint64_t size)
{
	uint64_t got;

	if (at % KX_PAGE || at < w.min || at + size < at)
		return 0;
	return kx_plan_find(p, m, w, size, KX_PAGE, at, at + size, 0, &got) && got == at;
}

/* Layout of the boot-params segment: zero page, command line, setup_data. */
struct bp_layout {
	size_t cmdline_off, cmdline_len;
	size_t rng_off, e820x_off, size;
	unsigned e820_n, e820x_n;
};

static struct kx_err bp_layout(const struct kx_load_req *r, struct bp_layout *l)
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
		return kx_err(KX_E_SCRATCH, "boot parameters", off, r->scratch_len);
	return KX_NOERR;
}

static void put_e820(uint8_t *p, const struct kx_mement *e)
{
	kx_put64(p, e->start);
	kx_put64(p + 8, e->end - e->start);
	kx_put32(p + 16, e->type);
}

static void build_zero_page(const struct kx_load_req *r, const struct kx_bzimage *bz,
			    const struct bp_layout *l, uint64_t bp_mem, uint64_t kmem,
			    uint64_t rd_mem, uint64_t rd_len)
{
	uint8_t *zp = r->scratch;
	const uint8_t *cur = r->sys->boot_params;
	uint64_t cmd = bp_mem + l->cmdline_off, next = 0;
	unsigned i;

	kx_memset(zp, 0, l->size);
	/* What the firmware told the running kernel, when we can read it. */
	if (cur && r->sys->boot_params_len >= BP_SIZE) {
		kx_memcpy(zp + BP_SCREEN_INFO, cur + BP_SCREEN_INFO, 0x40);
		kx_memcpy(zp + BP_EDID_INFO, cur + BP_EDID_INFO, 0x80);
		kx_memcpy(zp + BP_ACPI_RSDP, cur + BP_ACPI_RSDP, 8);
	}
	/* The new kernel's own setup header, within its bounds. */
	kx_memcpy(zp + H_SETUP_SECTS, r->image.buf + H_SETUP_SECTS, bz->hdr_end - H_SETUP_SECTS);
	if (cur && r->sys->boot_params_len >= BP_SIZE) {
		kx_memcpy(zp + H_SUBARCH, cur + H_SUBARCH, 4);
		kx_memcpy(zp + H_SUBARCH_DATA, cur + H_SUBARCH_DATA, 8);
	}
	if (r->sys->acpi_rsdp)
		kx_put64(zp + BP_ACPI_RSDP, r->sys->acpi_rsdp);
	zp[H_TYPE_OF_LOADER] = 0xff;
	zp[BP_SENTINEL] = 0;
	kx_put32(zp + H_CODE32_START, (uint32_t)kmem);
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

struct kx_err kx_bzimage_load(const struct kx_load_req *r, struct kx_plan *p)
{
	struct kx_bzimage bz;
	struct bp_layout l;
	struct kx_err err;
	uint64_t kmem, kmemsz, rd_mem = 0, rd_span = 0, rd_len = 0, rd_hi, bp_mem, bp_memsz;
	uint64_t align;
	unsigned i;

	err = kx_bzimage_parse(r->image.buf, r->image.len, &bz);
	if (KX_FAILED(err))
		return err;
	if (kx_strlen(r->cmdline) > bz.cmdline_size)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, kx_strlen(r->cmdline), bz.cmdline_size);
	err = bp_layout(r, &l);
	if (KX_FAILED(err))
		return err;

	/* The kernel: decompresses in place within init_size. */
	kmemsz = bz.init_size > bz.kernel_len ? bz.init_size : bz.kernel_len;
	if (!kx_align_up(kmemsz, KX_PAGE, &kmemsz))
		return kx_err(KX_E_BAD_HEADER, "init_size", bz.init_size, 0);
	if (fits_at(p, &r->sys->mem, r->window, bz.pref_address, kmemsz)) {
		kmem = bz.pref_address;
	} else if (!bz.relocatable) {
		return kx_err(KX_E_NO_SPACE, "non-relocatable kernel", kmemsz, bz.pref_address);
	} else {
		/* Never below pref_address: a relocatable x86_64 kernel loaded lower
		 * decompresses itself at LOAD_PHYSICAL_ADDR anyway, over whatever
		 * else the plan put there. */
		align = bz.kernel_alignment < KX_PAGE ? KX_PAGE : bz.kernel_alignment;
		if (!kx_plan_find(p, &r->sys->mem, r->window, kmemsz, align,
				  bz.pref_address > MiB ? bz.pref_address : MiB, UINT64_MAX, 0, &kmem))
			return kx_err(KX_E_NO_SPACE, "kernel", kmemsz, limit(r, UINT64_MAX));
	}
	err = kx_plan_add(p, "kernel", r->image.name, bz.kernel, bz.kernel_len, kmem, kmemsz);
	if (KX_FAILED(err))
		return err;

	/* Initrds: one contiguous span, each file its own page-aligned segment;
	 * the kernel's initramfs unpacker skips the zero padding between them. */
	for (i = 0; i < r->ninitrd; i++) {
		uint64_t a;
		if (!kx_align_up(r->initrd[i].len, KX_PAGE, &a) || rd_span + a < rd_span)
			return kx_err(KX_E_NO_SPACE, "initrd", UINT64_MAX, 0);
		rd_span += a;
	}
	if (rd_span) {
		rd_hi = (uint64_t)bz.initrd_addr_max + 1;
		if (rd_hi > 4 * GiB)
			rd_hi = 4 * GiB;
		if (!kx_plan_find(p, &r->sys->mem, r->window, rd_span, KX_PAGE, MiB, rd_hi, 1,
				  &rd_mem)) {
			if (!(bz.xloadflags & KX_XLF_CAN_BE_LOADED_ABOVE_4G) ||
			    !kx_plan_find(p, &r->sys->mem, r->window, rd_span, KX_PAGE, 4 * GiB,
					  UINT64_MAX, 1, &rd_mem))
				return kx_err(KX_E_NO_SPACE, "initrd", rd_span,
					      limit(r, bz.xloadflags & KX_XLF_CAN_BE_LOADED_ABOVE_4G ?
							       UINT64_MAX : rd_hi));
		}
		{
			uint64_t at = rd_mem;
			for (i = 0; i < r->ninitrd; i++) {
				uint64_t a = 0;
				kx_align_up(r->initrd[i].len, KX_PAGE, &a);
				if (!a)
					continue;
				err = kx_plan_add(p, "initrd", r->initrd[i].name, r->initrd[i].buf,
						  r->initrd[i].len, at, a);
				if (KX_FAILED(err))
					return err;
				rd_len = at - rd_mem + r->initrd[i].len; /* ends at the last byte */
				at += a;
			}
		}
	}

	/* Zero page + command line + setup_data: one segment below 4 GiB. */
	if (!kx_align_up(l.size, KX_PAGE, &bp_memsz) ||
	    !kx_plan_find(p, &r->sys->mem, r->window, bp_memsz, KX_PAGE, MiB, 4 * GiB, 0, &bp_mem))
		return kx_err(KX_E_NO_SPACE, "boot parameters", l.size, limit(r, 4 * GiB));
	build_zero_page(r, &bz, &l, bp_mem, kmem, rd_mem, rd_len);
	err = kx_plan_add(p, "boot-params", "built", r->scratch, l.size, bp_mem, bp_memsz);
	if (KX_FAILED(err))
		return err;

	p->type = "bzimage";
	p->cmdline = r->cmdline;
	p->target = kmem + 0x200;
	p->entry_mode = KX_PURG_ENTRY_64;
	p->regs[KX_X86_RSI] = bp_mem;
	p->regs_used = 1u << KX_X86_RSI;
	return KX_NOERR;
}
