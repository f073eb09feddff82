/*
 * x86 Linux bzImage loader: boot protocol 2.12+; the 64-bit entry on x86_64,
 * the 32-bit one (code32_start, esi = zero page) on i386 (lib/arch/i386).
 * Every read of the header is bounds checked against the file's length.
 */
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include "bootparams.h"
#include "bootproto.h"

int kx_bzimage_probe(const uint8_t *buf, size_t len)
{
	return len >= H_MIN_END && kx_le16(buf + H_BOOT_FLAG) == 0xAA55 &&
	       !kx_memcmp(buf + H_MAGIC, "HdrS", 4);
}

/*
 * A file cut short inside its kernel would pass every header check and die in
 * the decompressor, after the old kernel is gone: the protected-mode part must
 * hold syssize paragraphs (rounded up by some builders: 15 bytes of slack) and
 * the compressed payload the header names.
 */
static struct kx_err check_payload(const uint8_t *buf, const struct kx_bzimage *bz)
{
	uint64_t sys = (uint64_t)kx_le32(buf + H_SYSSIZE) * 16;
	uint64_t off = kx_le32(buf + H_PAYLOAD_OFFSET), n = kx_le32(buf + H_PAYLOAD_LENGTH);

	if (sys > (uint64_t)bz->kernel_len + 15)
		return kx_err(KX_E_TRUNCATED, "bzImage kernel", bz->setup_len + sys,
			      bz->setup_len + bz->kernel_len);
	if (n && off + n > bz->kernel_len)
		return kx_err(KX_E_TRUNCATED, "bzImage payload", bz->setup_len + off + n,
			      bz->setup_len + bz->kernel_len);
	return KX_NOERR;
}

struct kx_err kx_bzimage_parse_hdr(const uint8_t *buf, size_t len, struct kx_bzimage *bz)
{
	struct kx_err err;
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
	err = check_payload(buf, bz);
	if (KX_FAILED(err))
		return err;

	bz->loadflags = buf[H_LOADFLAGS];
	if (!(bz->loadflags & LOADED_HIGH))
		return kx_err(KX_E_NOT_BZIMAGE, "LOADED_HIGH flag (this is an old zImage)", 0, 0);
	bz->xloadflags = kx_le16(buf + H_XLOADFLAGS);
	bz->relocatable = buf[H_RELOCATABLE];
	bz->initrd_addr_max = kx_le32(buf + H_INITRD_MAX);
	bz->kernel_alignment = kx_le32(buf + H_KERNEL_ALIGN);
	bz->cmdline_size = kx_le32(buf + H_CMDLINE_SIZE);
	bz->pref_address = kx_le64(buf + H_PREF_ADDRESS);
	bz->init_size = kx_le32(buf + H_INIT_SIZE);
	if (bz->relocatable && (!kx_is_pow2(bz->kernel_alignment) || bz->kernel_alignment > KX_GiB))
		return kx_err(KX_E_BAD_HEADER, "kernel_alignment", bz->kernel_alignment, 0);
	if (!bz->relocatable && bz->pref_address % KX_PAGE)
		return kx_err(KX_E_BAD_HEADER, "pref_address", bz->pref_address, 0);
	if (bz->init_size > KX_GiB)
		return kx_err(KX_E_BAD_HEADER, "init_size", bz->init_size, 0);
	return KX_NOERR;
}

struct kx_err kx_bzimage_parse(const uint8_t *buf, size_t len, struct kx_bzimage *bz)
{
	struct kx_err err = kx_bzimage_parse_hdr(buf, len, bz);

	if (!KX_FAILED(err) && !(bz->xloadflags & KX_XLF_KERNEL_64))
		return kx_err(KX_E_NOT_64BIT, 0, bz->xloadflags, 0);
	return err;
}

/* bits 64: the x86_64 kernel's 64-bit entry; bits 32: an i386 kernel (or any
 * bzImage) through the 32-bit boot protocol, kept where a 32-bit kernel
 * without PAE reaches it (below KX_X86_32_LOWMEM). */
static struct kx_err load(const struct kx_load_req *r, struct kx_plan *p, int bits)
{
	struct kx_bzimage bz;
	struct kx_x86_linux lx;
	struct kx_err err;
	uint64_t kmem, kmemsz, rd_mem, rd_len;
	struct kx_place rq = { .within = KX_RANGE_ALL };

	err = bits == 64 ? kx_bzimage_parse(r->image.buf, r->image.len, &bz)
			 : kx_bzimage_parse_hdr(r->image.buf, r->image.len, &bz);
	if (KX_FAILED(err))
		return err;
	if (bits == 32) {
		rq.within.end = KX_X86_32_LOWMEM;
		if (bz.initrd_addr_max > KX_X86_32_LOWMEM - 1)
			bz.initrd_addr_max = KX_X86_32_LOWMEM - 1;
	}
	if (kx_strlen(r->cmdline) > bz.cmdline_size)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, kx_strlen(r->cmdline), bz.cmdline_size);
	if (bits == 64) {
		/* the kernel proper unpacked at load (unpacked.c), else as it is */
		int u = kx_bzimage_load_unpacked(r, p, &bz, &err);
		if (u < 0)
			return err;
		p->unpacked = u;
		if (u == KX_UNPACKED_DONE) {
			p->type = "bzimage";
			if (!(bz.xloadflags & KX_XLF_5LEVEL))
				p->purg_flags |= KX_PURG_4LEVEL;
			return KX_NOERR;
		}
	}

	/* The kernel: decompresses in place within init_size. */
	kmemsz = bz.init_size > bz.kernel_len ? bz.init_size : bz.kernel_len;
	if (!kx_align_up(kmemsz, KX_PAGE, &kmemsz))
		return kx_err(KX_E_BAD_HEADER, "init_size", bz.init_size, 0);
	if (kx_plan_fits_at(p, &r->sys->mem, r->window, bz.pref_address, kmemsz)) {
		kmem = bz.pref_address;
	} else if (!bz.relocatable) {
		return kx_err(KX_E_NO_SPACE, "non-relocatable kernel", kmemsz, bz.pref_address);
	} else {
		/* Never below pref_address: a relocatable x86_64 kernel loaded lower
		 * decompresses itself at LOAD_PHYSICAL_ADDR anyway, over whatever
		 * else the plan put there. */
		rq.size = kmemsz;
		rq.align = bz.kernel_alignment < KX_PAGE ? KX_PAGE : bz.kernel_alignment;
		rq.within.start = bz.pref_address > KX_MiB ? bz.pref_address : KX_MiB;
		if (!kx_plan_place(p, &r->sys->mem, r->window, &rq, &kmem))
			return kx_err(KX_E_NO_SPACE, "kernel", kmemsz, kx_window_top(r->window, UINT64_MAX));
	}
	err = kx_plan_add(p, "kernel", r->image.name, bz.kernel, bz.kernel_len, kmem, kmemsz);
	if (KX_FAILED(err))
		return err;

	lx.hdr = r->image.buf;
	lx.hdr_end = bz.hdr_end;
	lx.initrd_addr_max = bz.initrd_addr_max;
	lx.initrd_above_4g = !!(bz.xloadflags & KX_XLF_CAN_BE_LOADED_ABOVE_4G);
	lx.cmdline_size = bz.cmdline_size;
	lx.kernel_mem = kmem;
	lx.efi_kexec = !!(bz.xloadflags & KX_XLF_EFI_KEXEC);
	lx.bp_max = bits == 32 ? KX_X86_32_LOWMEM : 0;
	lx.loadflags_set = 0;
	err = kx_x86_place_initrds(r, p, &lx, &rd_mem, &rd_len);
	if (KX_FAILED(err))
		return err;
	err = kx_x86_boot_params(r, p, &lx, rd_mem, rd_len, bits == 64 ? kmem + 0x200 : kmem);
	if (KX_FAILED(err))
		return err;
	p->type = "bzimage";
	if (bits == 32) /* startup_32 at code32_start, esi = zero page */
		p->entry_mode = KX_PURG_ENTRY_32;
	else if (!(bz.xloadflags & KX_XLF_5LEVEL))
		p->purg_flags |= KX_PURG_4LEVEL; /* e.g. memtest86+, Linux before 4.14 */
	return KX_NOERR;
}

struct kx_err kx_bzimage_load(const struct kx_load_req *r, struct kx_plan *p)
{
	return load(r, p, 64);
}

struct kx_err kx_bzimage_load32(const struct kx_load_req *r, struct kx_plan *p)
{
	return load(r, p, 32);
}
