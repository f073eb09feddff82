/*
 * x86 ELF loader: ELF64 (EM_X86_64) and ELF32 (EM_386) executables, every
 * PT_LOAD at its physical address (p_paddr), nothing relocated.
 *
 * A Linux kernel (a vmlinux, see kx_elf_is_linux) is booted as Linux: the
 * zero page (a made-up protocol 2.15 setup header), the command line and
 * the initrds as for a bzImage, entered at its physical entry point in
 * 64-bit mode with rsi = zero page (ELF32 i386 vmlinux: 32-bit boot protocol,
 * esi = zero page). Any other ELF gets a bare jump to its entry point:
 * ELF64 in 64-bit mode (identity map kept), ELF32 in 32-bit protected mode,
 * paging off; all registers zero. The plan's type is "elf" or "elf-linux".
 * ET_DYN files are accepted only when every PT_LOAD is at or above 1 MiB
 * (a kernel linked where it runs); a PIE program linked at 0 is refused.
 *
 * Segments: the PT_LOADs, as pieces, through kx_plan_add_pieces (lib/pieces.c):
 * straight from the file where they can, pages shared by two PT_LOADs (or a
 * head before the file) built in r->scratch. Built pages come from the start
 * of the scratch area; the Linux zero page + command line are built in what
 * is left after them.
 */
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/elf.h>
#include "bootparams.h"
#include "bootproto.h"

/* The PT_LOADs as pieces, sorted by paddr (insertion sort: at most KX_ELF_MAX_LOADS). */
static void to_pieces(const struct kx_elf *e, const uint8_t *buf, struct kx_piece *pc)
{
	unsigned i, j;

	for (i = 0; i < e->nload && i < KX_ELF_MAX_LOADS; i++) {
		const struct kx_elf_seg *s = &e->load[i];
		struct kx_piece t = { s->paddr, s->filesz ? buf + s->offset : buf, s->filesz, s->memsz };

		for (j = i; j > 0 && pc[j - 1].paddr > t.paddr; j--)
			pc[j] = pc[j - 1];
		pc[j] = t;
	}
}

static struct kx_err boot_linux(const struct kx_load_req *r, struct kx_plan *p,
				const struct kx_elf *e, const struct kx_pieces *pc, uint64_t target)
{
	struct kx_load_req rest = *r; /* the scratch the built pages left */
	struct kx_x86_linux lx;
	uint64_t rd_mem, rd_len;
	struct kx_err err;

	rest.scratch = r->scratch + pc->used;
	rest.scratch_len = r->scratch_len - pc->used;
	kx_memset(&lx, 0, sizeof(lx));
	lx.hdr = 0; /* a made-up protocol 2.15 header */
	lx.cmdline_size = 2047;
	lx.initrd_addr_max = 0x7fffffff;
	lx.initrd_above_4g = e->cls == 64;
	if (e->cls == 32) { /* a 32-bit kernel, perhaps without PAE: its lowmem */
		lx.initrd_addr_max = KX_X86_32_LOWMEM - 1;
		lx.bp_max = KX_X86_32_LOWMEM;
	}
	lx.kernel_mem = pc->piece[0].paddr;
	err = kx_x86_place_initrds(&rest, p, &lx, &rd_mem, &rd_len);
	if (KX_FAILED(err))
		return err;
	err = kx_x86_boot_params(&rest, p, &lx, rd_mem, rd_len, target);
	if (KX_FAILED(err))
		return err;
	if (e->cls == 32) /* i386 vmlinux: 32-bit boot protocol, esi = zero page */
		p->entry_mode = KX_PURG_ENTRY_32;
	p->type = "elf-linux";
	return KX_NOERR;
}

struct kx_err kx_elf_load(const struct kx_load_req *r, struct kx_plan *p)
{
	struct kx_elf e;
	struct kx_piece piece[KX_ELF_MAX_LOADS];
	struct kx_pieces pc = { .piece = piece, .file = r->image.buf, .purpose = "kernel",
				.source = r->image.name, .scratch = r->scratch,
				.scratch_len = r->scratch_len };
	uint64_t target, low;
	unsigned i;
	struct kx_err err;

	err = kx_elf_parse(r->image.buf, (size_t)r->image.len, &e);
	if (KX_FAILED(err))
		return err;
	if (e.cls == 64 ? e.machine != KX_EM_X86_64 : e.machine != KX_EM_386)
		return kx_err(KX_E_WRONG_MACHINE,
			      e.cls == 64 ? "x86-64 ELF64 kernels" : "i386 ELF32 kernels", e.machine,
			      e.cls == 64 ? KX_EM_X86_64 : KX_EM_386);
	if (r->have_entry) {
		target = r->entry;
	} else if (!kx_elf_to_phys(&e, e.entry, &target)) {
		return kx_err(KX_E_BAD_HEADER, "ELF entry point (outside every PT_LOAD)", e.entry, 0);
	}
	if (e.cls == 32 && target >= 1ull << 32)
		return kx_err(KX_E_ENTRY_RANGE, 0, target, 1ull << 32);

	for (i = 0, low = UINT64_MAX; i < e.nload; i++)
		low = e.load[i].paddr < low ? e.load[i].paddr : low;
	/* ET_DYN is loaded unrelocated at its p_paddr: harmless for a kernel
	 * linked at its load address, wrong for a PIE program linked at 0
	 * (/bin/ls would land on the real-mode IVT) */
	if (e.type == KX_ET_DYN && low < KX_MiB)
		return kx_err(KX_E_BAD_HEADER,
			      "ELF e_type (ET_DYN linked below 1 MiB: a position-independent program, "
			      "kx does not relocate)", e.type, low);
	to_pieces(&e, r->image.buf, piece);
	pc.n = e.nload < KX_ELF_MAX_LOADS ? e.nload : KX_ELF_MAX_LOADS;
	err = kx_plan_add_pieces(p, &r->sys->mem, r->window, &pc);
	if (KX_FAILED(err))
		return err;

	if (kx_elf_is_linux(r->image.buf, (size_t)r->image.len, &e))
		return boot_linux(r, p, &e, &pc, target);
	p->target = target;
	p->entry_mode = e.cls == 64 ? KX_PURG_ENTRY_64 : KX_PURG_ENTRY_32;
	for (i = 0; i < KX_PURG_NREGS; i++)
		p->regs[i] = 0;
	p->regs_used = 0;
	p->cmdline = 0;
	p->type = "elf";
	if (e.cls == 64)
		p->purg_flags |= KX_PURG_4LEVEL; /* an arbitrary ELF64 can't be assumed to know LA57 */
	return KX_NOERR;
}
