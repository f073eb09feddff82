/*
 * x86 Linux boot parameters: initrd placement and the one segment holding
 * the zero page, the command line and every setup_data node.
 */
#include <kx/bytes.h>
#include "bootparams.h"
#include "bootproto.h"

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

/* Initrds: one contiguous span, each file its own page-aligned segment;
 * the kernel's initramfs unpacker skips the zero padding between them.
 * Top-down below 4 GiB (and initrd_addr_max), out of the old initrd's memory
 * when there is room; above 4 GiB when the kernel allows it. */
struct kx_err kx_x86_place_initrds(const struct kx_load_req *r, struct kx_plan *p,
				   const struct kx_x86_linux *lx, uint64_t *rd_mem, uint64_t *rd_len)
{
	struct kx_range old = old_initrd(r), low = { KX_MiB, (uint64_t)lx->initrd_addr_max + 1 }, got;
	struct kx_place tries[4];
	unsigned n = 0;
	struct kx_err err;

	if (low.end > 4 * KX_GiB)
		low.end = 4 * KX_GiB;
	tries[n++] = (struct kx_place){ .within = low, .top_down = true, .exclude = &old,
					.nexclude = !kx_range_empty(old) };
	tries[n++] = (struct kx_place){ .within = low, .top_down = true };
	if (lx->initrd_above_4g) {
		tries[n] = tries[0];
		tries[n++].within = (struct kx_range){ 4 * KX_GiB, UINT64_MAX };
		tries[n] = tries[1];
		tries[n++].within = (struct kx_range){ 4 * KX_GiB, UINT64_MAX };
	}
	err = kx_place_initrds(p, &r->sys->mem, r->window, r->initrd, r->ninitrd, KX_PAGE, tries, n,
			       &got);
	*rd_mem = got.start;
	*rd_len = got.end - got.start;
	return err;
}

/* Layout of the boot-params segment: zero page, command line, setup_data
 * (and the EFI runtime memory map the zero page points to). */
struct layout {
	size_t cmdline_off, cmdline_len;
	size_t rng_off, e820x_off, efi_map_off, efi_sd_off, size;
	unsigned e820_n, e820x_n;
	int efi;                 /* enum kx_efi_state */
};

/*
 * Can the next kernel get the EFI runtime state, as Linux's own file loader
 * and kexec-tools pass it? The running kernel must have booted through a
 * 64-bit EFI stub with runtime services (its boot_params name a memory map
 * of version-1 descriptors; libkx read the runtime map), and the new
 * kernel's header must say it takes them after kexec (XLF_EFI_KEXEC).
 */
static int efi_state(const struct kx_load_req *r, const struct kx_x86_linux *lx)
{
	const struct kx_efi *e = r->sys->efi;
	const uint8_t *bp = r->sys->boot_params;

	if (!e)
		return KX_EFI_NOT_EFI;
	if (e->state != KX_EFI_READY)
		return e->state;
	if (!lx->efi_kexec)
		return KX_EFI_KERNEL;
	if (!bp || r->sys->boot_params_len < BP_SIZE || !kx_le32(bp + BP_EFI_MEMMAP_SIZE))
		return KX_EFI_BOOT_PARAMS;
	if (kx_memcmp(bp + BP_EFI_SIGNATURE, "EL64", 4))
		return KX_EFI_FW32;
	if (kx_le32(bp + BP_EFI_DESC_VER) != 1)
		return KX_EFI_DESC_VERSION;
	if (!e->n)
		return KX_EFI_NO_RUNTIME;
	if (e->n > KX_EFI_MAX_REGIONS)
		return KX_EFI_TOO_MANY;
	return KX_EFI_PASSED;
}

static struct kx_err layout(const struct kx_load_req *r, const struct kx_x86_linux *lx,
			    struct layout *l)
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
		off = (off + 15) & ~(size_t)15;
	}
	l->efi = efi_state(r, lx);
	l->efi_map_off = l->efi_sd_off = 0;
	if (l->efi == KX_EFI_PASSED) {
		l->efi_sd_off = off;
		off += SD_HDR + EFI_SD_LEN;
		l->efi_map_off = off;
		off += (size_t)r->sys->efi->n * EFI_MD_SIZE;
	}
	l->size = off;
	if (off > r->scratch_len)
		return kx_err(KX_E_BOOT_INFO_TOO_BIG, "boot parameters", off, r->scratch_len);
	return KX_NOERR;
}

/* The EFI runtime state: efi_info points at the runtime map (inside this
 * segment), a SETUP_EFI node gives the physical addresses the system table
 * no longer holds (the firmware turned them virtual). */
static void put_efi(uint8_t *zp, const struct kx_load_req *r, const struct layout *l,
		    uint64_t bp_mem, uint64_t *next)
{
	const struct kx_efi *e = r->sys->efi;
	const uint8_t *cur = r->sys->boot_params;
	uint64_t map = bp_mem + l->efi_map_off;
	uint8_t *sd = zp + l->efi_sd_off, *md;
	unsigned i;

	kx_memcpy(zp + BP_EFI_SIGNATURE, cur + BP_EFI_SIGNATURE, 8);  /* signature, systab */
	kx_memcpy(zp + BP_EFI_SYSTAB_HI, cur + BP_EFI_SYSTAB_HI, 4);
	kx_memcpy(zp + BP_EFI_DESC_VER, cur + BP_EFI_DESC_VER, 4);
	kx_put32(zp + BP_EFI_DESC_SIZE, EFI_MD_SIZE);
	kx_put32(zp + BP_EFI_MEMMAP, (uint32_t)map);
	kx_put32(zp + BP_EFI_MEMMAP_HI, (uint32_t)(map >> 32));
	kx_put32(zp + BP_EFI_MEMMAP_SIZE, e->n * EFI_MD_SIZE);
	zp[BP_SECURE_BOOT] = cur[BP_SECURE_BOOT];
	for (i = 0, md = zp + l->efi_map_off; i < e->n; i++, md += EFI_MD_SIZE) {
		kx_put32(md, e->md[i].type);
		kx_put64(md + 8, e->md[i].phys);
		kx_put64(md + 16, e->md[i].virt);
		kx_put64(md + 24, e->md[i].pages);
		kx_put64(md + 32, e->md[i].attr);
	}
	kx_put64(sd, *next);
	kx_put32(sd + 8, SETUP_EFI);
	kx_put32(sd + 12, EFI_SD_LEN);
	kx_put64(sd + SD_HDR, e->fw_vendor);
	kx_put64(sd + SD_HDR + 8, e->runtime);
	kx_put64(sd + SD_HDR + 16, e->tables);
	kx_put64(sd + SD_HDR + 24, e->smbios);
	*next = bp_mem + l->efi_sd_off;
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
	zp[H_LOADFLAGS] |= lx->loadflags_set;
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
	if (l->efi == KX_EFI_PASSED)
		put_efi(zp, r, l, bp_mem, &next);
	kx_put64(zp + H_SETUP_DATA, next);
}

struct kx_err kx_x86_boot_params(const struct kx_load_req *r, struct kx_plan *p,
				 const struct kx_x86_linux *lx, uint64_t rd_mem, uint64_t rd_len,
				 uint64_t target)
{
	struct kx_place rq = { .align = KX_PAGE, .within = { KX_MiB, 4 * KX_GiB }, .top_down = true };
	struct layout l;
	struct kx_err err;
	uint64_t bp_mem, bp_memsz;

	if (kx_strlen(r->cmdline) > lx->cmdline_size)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, kx_strlen(r->cmdline), lx->cmdline_size);
	if (lx->bp_max && lx->bp_max < rq.within.end)
		rq.within.end = lx->bp_max;
	err = layout(r, lx, &l);
	if (KX_FAILED(err))
		return err;
	if (!kx_align_up(l.size, KX_PAGE, &rq.size) || !kx_plan_place(p, &r->sys->mem, r->window, &rq, &bp_mem))
		return kx_err(KX_E_NO_SPACE, "boot parameters", l.size, kx_window_top(r->window, rq.within.end));
	bp_memsz = rq.size;
	build(r, lx, &l, bp_mem, rd_mem, rd_len);
	err = kx_plan_add(p, "boot-params", "built", r->scratch, l.size, bp_mem, bp_memsz);
	if (KX_FAILED(err))
		return err;
	p->cmdline = r->cmdline;
	p->target = target;
	p->entry_mode = KX_PURG_ENTRY_64;
	p->regs[KX_X86_RSI] = bp_mem;
	p->regs_used = 1u << KX_X86_RSI;
	p->efi = l.efi;
	p->efi_regions = l.efi == KX_EFI_PASSED ? r->sys->efi->n : 0;
	p->efi_systab = l.efi == KX_EFI_PASSED ? kx_le32(r->sys->boot_params + BP_EFI_SYSTAB) |
		(uint64_t)kx_le32(r->sys->boot_params + BP_EFI_SYSTAB_HI) << 32 : 0;
	return KX_NOERR;
}
