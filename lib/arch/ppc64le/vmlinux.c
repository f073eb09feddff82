/*
 * ppc64le Linux: the ELF vmlinux (Debian ships /boot/vmlinux-* for ppc64el:
 * ELF64, little endian, EM_PPC64, e_flags 2 = ELFv2, one PT_LOAD linked at
 * 0xc000000000000000 with p_paddr 0, relocatable).
 *
 * The running kernel refuses any segment below its own end (-ETXTBSY), so
 * the next kernel cannot go to physical 0 directly: it is loaded higher, as
 * its PT_LOADs lie (their p_paddr offsets kept), and copies itself down to
 * 0 on entry (head_64.S: a kernel not at 0 whose __run_at_load word is not 1
 * moves itself). Layout of a load, bottom-up, all inside the real mode area
 * (the memory node at 0: the next kernel reads its tree and initrd before
 * its MMU is on):
 *   kernel   above the running kernel's end and above the span the next
 *            kernel copies itself into, 64 KiB aligned
 *   initrds  back to back above it
 *   dtb      the edited device tree, which reserves itself and the initrd
 * and the purgatory enters the kernel at its first byte with r3 = dtb,
 * r4 = that address, r5 = 0 (no Open Firmware), MMU off.
 */
#include <kx/bytes.h>
#include <kx/elf.h>
#include <kx/purgatory.h>
#include "ppc64.h"

int kx_ppc_vmlinux_probe(const uint8_t *buf, size_t len)
{
	struct kx_ppc_vmlinux v;

	return kx_elf_probe(buf, len) && !KX_FAILED(kx_ppc_vmlinux_parse(buf, len, &v));
}

struct kx_err kx_ppc_vmlinux_parse(const uint8_t *buf, size_t len, struct kx_ppc_vmlinux *v)
{
	struct kx_elf e;
	struct kx_err err = kx_elf_parse(buf, len, &e);
	uint64_t entry;
	unsigned i;
	int lo = -1;

	if (KX_FAILED(err))
		return err;
	if (e.cls != 64 || e.machine != KX_EM_PPC64)
		return kx_err(KX_E_WRONG_MACHINE, "ppc64le kernels", e.machine, 0);
	if (kx_elf_is_program(buf, len, &e))
		return kx_err(KX_E_BAD_HEADER, "vmlinux: a user-space program", 0, 0);
	v->hi = 0;
	for (i = 0; i < e.nload; i++) {
		if (lo < 0 || e.load[i].paddr < e.load[lo].paddr)
			lo = (int)i;
		if (e.load[i].paddr + e.load[i].memsz > v->hi)
			v->hi = e.load[i].paddr + e.load[i].memsz;
	}
	if (lo < 0 || e.load[lo].filesz < KX_PURG_PPC64_HEADSZ)
		return kx_err(KX_E_BAD_HEADER, "vmlinux: no code at its start", 0, 0);
	v->lo = e.load[lo].paddr;
	if (v->hi - v->lo > KX_PPC_MAX_KERNEL)
		return kx_err(KX_E_BAD_HEADER, "vmlinux size", v->hi - v->lo, 0);
	if (!kx_elf_to_phys(&e, e.entry, &entry) || entry < v->lo || entry >= v->hi)
		return kx_err(KX_E_BAD_HEADER, "e_entry", e.entry, 0);
	v->entry = entry - v->lo;
	v->flags = 0;
	if (len >= 52)
		v->flags = kx_le32(buf + 48);
	v->head = buf + e.load[lo].offset;
	return KX_NOERR;
}

/* The kernel's bytes as one span from its lowest p_paddr: the file itself
 * with one PT_LOAD, else laid out in memory from the system's allocator. */
static struct kx_err kernel_bytes(const struct kx_load_req *r, const struct kx_ppc_vmlinux *v,
				  const uint8_t **out, uint64_t *outlen)
{
	struct kx_elf e;
	uint8_t *b;
	unsigned i;

	kx_elf_parse(r->image.buf, (size_t)r->image.len, &e); /* parsed before */
	if (e.nload == 1) {
		*out = r->image.buf + e.load[0].offset;
		*outlen = e.load[0].filesz;
		return KX_NOERR;
	}
	*outlen = 0;
	for (i = 0; i < e.nload; i++)
		if (e.load[i].filesz && e.load[i].paddr - v->lo + e.load[i].filesz > *outlen)
			*outlen = e.load[i].paddr - v->lo + e.load[i].filesz;
	b = r->sys->alloc ? r->sys->alloc(r->sys->alloc_ctx, (size_t)*outlen) : 0;
	if (!b)
		return kx_err(KX_E_NO_UNPACK_MEMORY, "vmlinux", *outlen, 0);
	kx_memset(b, 0, (size_t)*outlen);
	for (i = 0; i < e.nload; i++)
		if (e.load[i].filesz)
			kx_memcpy(b + (e.load[i].paddr - v->lo), r->image.buf + e.load[i].offset,
				  (size_t)e.load[i].filesz);
	*out = b;
	return KX_NOERR;
}

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
	return kx_ppc_dtb_check(*src, *len);
}

static uint64_t round64k(uint64_t v)
{
	uint64_t out;
	return kx_align_up(v, KX_PPC_SEG_ALIGN, &out) ? out : UINT64_MAX;
}

struct kx_err kx_ppc_vmlinux_load(const struct kx_load_req *r, struct kx_plan *p)
{
	struct kx_ppc_vmlinux v;
	struct kx_ppc_dt_args dt;
	struct kx_place rq = { .align = KX_PPC_SEG_ALIGN };
	struct kx_range rd, near;
	const uint8_t *dtsrc, *kbytes;
	size_t dtlen, room, outlen;
	uint64_t klen, kmem, base, low, top, dtmem;
	uint8_t *buf;
	int self;
	struct kx_err err;

	if (kx_strlen(r->cmdline) > KX_PPC_CMDLINE_MAX)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, kx_strlen(r->cmdline), KX_PPC_CMDLINE_MAX);
	if (KX_FAILED(err = dtb_source(r, &dtsrc, &dtlen)))
		return err;
	if (KX_FAILED(err = kx_ppc_vmlinux_parse(r->image.buf, (size_t)r->image.len, &v)))
		return err;

	/* above what the next kernel copies itself into, and above the running
	 * kernel (the memory map leaves it out too); below the real mode area */
	kmem = round64k(v.hi - v.lo);
	low = kmem;
	if (r->sys->fdt.buf && round64k(kx_ppc_dtb_kernel_end(r->sys->fdt.buf, (size_t)r->sys->fdt.len)) > low)
		low = round64k(kx_ppc_dtb_kernel_end(r->sys->fdt.buf, (size_t)r->sys->fdt.len));
	top = r->sys->fdt.buf ? kx_ppc_dtb_rma(r->sys->fdt.buf, (size_t)r->sys->fdt.len) : 0;
	if (!top)
		top = kx_ppc_dtb_rma(dtsrc, dtlen);
	if (!top)
		top = KX_PPC_RMA_DEFAULT;
	near = (struct kx_range){ low, top };

	rq.size = kmem;
	rq.within = near;
	if (!kx_plan_place(p, &r->sys->mem, r->window, &rq, &base))
		return kx_err(KX_E_NO_SPACE, "kernel", rq.size, kx_window_top(r->window, top));
	if (KX_FAILED(err = kernel_bytes(r, &v, &kbytes, &klen)))
		return err;
	if (KX_FAILED(err = kx_plan_add(p, "kernel", r->image.name, kbytes, klen, base, kmem)))
		return err;

	rq.size = 0;
	err = kx_place_initrds(p, &r->sys->mem, r->window, r->initrd, r->ninitrd, KX_PPC_SEG_ALIGN,
			       &rq, 1, &rd);
	if (KX_FAILED(err))
		return err;

	kx_memset(&dt, 0, sizeof(dt));
	dt.cmdline = r->cmdline;
	dt.initrd_start = rd.start;
	dt.initrd_end = rd.end;
	if (r->sys->have_rng_seed) { /* the next kernel's entropy (generic rng-seed) */
		dt.rng_seed = r->sys->rng_seed;
		dt.rng_seed_len = sizeof(r->sys->rng_seed);
	}
	dt.boot_cpu = (uint32_t)dtsrc[28] << 24 | (uint32_t)dtsrc[29] << 16 |
		      (uint32_t)dtsrc[30] << 8 | dtsrc[31];
	room = kx_ppc_dtb_room(dtsrc, dtlen, kx_strlen(r->cmdline));
	buf = r->sys->alloc ? r->sys->alloc(r->sys->alloc_ctx, room) : 0;
	if (!buf) {
		if (r->scratch_len < room)
			return kx_err(KX_E_SCRATCH, "device tree", room, r->scratch_len);
		buf = r->scratch;
	}
	if (KX_FAILED(err = kx_ppc_dtb_build(dtsrc, dtlen, buf, room, &dt, &outlen, &self)))
		return err;
	rq.size = round64k(outlen);
	if (!kx_plan_place(p, &r->sys->mem, r->window, &rq, &dtmem))
		return kx_err(KX_E_NO_SPACE, "device tree", rq.size, kx_window_top(r->window, top));
	kx_ppc_dtb_set_self(buf, self, dtmem);
	if (KX_FAILED(err = kx_plan_add(p, "dtb", r->dtb.buf ? r->dtb.name : "built", buf, outlen,
					dtmem, rq.size)))
		return err;

	p->target = base + v.entry;
	p->entry_mode = KX_PURG_ENTRY_PPC64;
	kx_memset(p->regs, 0, sizeof(p->regs));
	p->regs[0] = dtmem;
	p->regs[1] = base; /* the kernel's own address: where it copies itself from */
	p->regs[2] = 0;
	p->regs_used = 0x7;
	p->head = v.head;
	p->head_off = KX_PURG_PPC64_HEAD;
	p->type = "vmlinux";
	p->cmdline = r->cmdline;
	return KX_NOERR;
}
