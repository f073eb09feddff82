/*
 * x86_64 bzImage, its kernel unpacked at load time (docs/compression.md):
 * the payload (setup header payload_offset/payload_length) goes through the
 * decompression layer (kx_sysinfo's unpack hook); inside is the kernel's
 * vmlinux.bin, a stripped ELF, and, for a relocatable kernel, the table
 * arch/x86/tools/relocs appended after it. kx does what the kernel's
 * decompressor would have done (arch/x86/boot/compressed/misc.c, kaslr.c):
 *   - picks the physical load address and the virtual offset (KASLR),
 *     from the random bytes the caller gives (kx_sysinfo.kaslr_seed):
 *     physical: a kernel_alignment slot from pref_address up, in RAM the
 *     plan may use, below 4 GiB (kx's purgatory maps the first 4 GiB when it
 *     must drop to 4-level paging); virtual: a slot of the same alignment in
 *     [pref_address, KERNEL_IMAGE_SIZE - the image's size], as the kernel's
 *     find_random_virt_addr;
 *   - applies the relocation table for the virtual offset (64-bit fields
 *     += offset, 32-bit += offset, inverse 32-bit -= offset);
 *   - places the PT_LOADs at their p_paddr moved by (physical - pref_address),
 *     the image rounded up to 2 MiB (the kernel maps itself with 2 MiB pages);
 *   - sets KASLR_FLAG in the zero page's loadflags when it randomized (the
 *     kernel proper then randomizes its memory regions too);
 *   - enters the kernel proper's startup_64 (e_entry, moved) in 64-bit mode
 *     with rsi = zero page; startup_64 finds its physical offset itself.
 * `nokaslr` on the command line: no randomization (the preferred address if
 * free, no virtual offset), no KASLR_FLAG, as the decompressor does. A kernel
 * without CONFIG_RANDOMIZE_BASE (its decompressor does not know nokaslr) is
 * not randomized either.
 *
 * Anything kx cannot do the kernel's way falls back to the bzImage as it is
 * (enum kx_unpacked says why), with the plan untouched; a payload whose data
 * is damaged is an error (its own decompressor would die on it too).
 */
#include <kx/arch/x86_64.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/cmdline.h>
#include <kx/comp.h>
#include <kx/elf.h>
#include "bootparams.h"
#include "bootproto.h"

#define PMD_SIZE (2 * KX_MiB)
#define PHYS_TOP (4 * KX_GiB)
#define SLOT_TRIES 64

/* ---- the relocation table --------------------------------------------------------- */

int kx_x86_relocs_parse(const uint8_t *buf, size_t len, size_t start, struct kx_x86_relocs *t)
{
	size_t i, z[3];
	unsigned nz = 0;

	if (!buf || start > len || (len - start) % 4 || len - start < 12)
		return KX_RELOC_SHORT;
	for (i = start; i < len; i += 4) {
		if (kx_le32(buf + i))
			continue;
		if (nz == 3)
			return KX_RELOC_LAYOUT;
		z[nz++] = i;
	}
	if (nz != 3 || z[0] != start)
		return KX_RELOC_LAYOUT;
	t->r64 = buf + z[0] + 4;
	t->n64 = (uint32_t)((z[1] - z[0]) / 4 - 1);
	t->rinv = buf + z[1] + 4;
	t->ninv = (uint32_t)((z[2] - z[1]) / 4 - 1);
	t->r32 = buf + z[2] + 4;
	t->n32 = (uint32_t)((len - z[2]) / 4 - 1);
	return KX_RELOC_OK;
}

/* The offset in the ELF of the `width`-byte field entry w names, or
 * SIZE_MAX when it is in no PT_LOAD's file bytes. */
static size_t field(const struct kx_elf *e, size_t len, uint32_t w, unsigned width)
{
	uint64_t v = (w & 0x80000000u) ? 0xffffffff00000000ull | w : w;
	uint64_t pa = v - KX_X86_64_KERNEL_MAP;
	unsigned i;

	for (i = 0; i < e->nload && i < KX_ELF_MAX_LOADS; i++) {
		const struct kx_elf_seg *s = &e->load[i];
		uint64_t in = pa - s->paddr;
		if (pa < s->paddr || in >= s->filesz || s->filesz - in < width)
			continue;
		if (s->offset + in > len || len - (s->offset + in) < width)
			return SIZE_MAX;
		return (size_t)(s->offset + in);
	}
	return SIZE_MAX;
}

static int check_list(const uint8_t *buf, size_t len, const struct kx_elf *e, const uint8_t *l,
		      uint32_t n, unsigned width, uint32_t *bad)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (field(e, len, kx_le32(l + 4 * (size_t)i), width) == SIZE_MAX) {
			*bad = kx_le32(l + 4 * (size_t)i);
			return KX_RELOC_OUTSIDE;
		}
	(void)buf;
	return KX_RELOC_OK;
}

int kx_x86_relocs_check(const uint8_t *buf, size_t len, const struct kx_elf *e,
			const struct kx_x86_relocs *t, uint32_t *bad)
{
	int f = check_list(buf, len, e, t->r64, t->n64, 8, bad);

	if (!f)
		f = check_list(buf, len, e, t->rinv, t->ninv, 4, bad);
	if (!f)
		f = check_list(buf, len, e, t->r32, t->n32, 4, bad);
	return f;
}

void kx_x86_relocs_apply(uint8_t *buf, size_t len, const struct kx_elf *e,
			 const struct kx_x86_relocs *t, uint64_t delta)
{
	uint32_t i, d32 = (uint32_t)delta;
	size_t o;

	for (i = 0; i < t->n64; i++)
		if ((o = field(e, len, kx_le32(t->r64 + 4 * (size_t)i), 8)) != SIZE_MAX)
			kx_put64(buf + o, kx_le64(buf + o) + delta);
	for (i = 0; i < t->ninv; i++)
		if ((o = field(e, len, kx_le32(t->rinv + 4 * (size_t)i), 4)) != SIZE_MAX)
			kx_put32(buf + o, kx_le32(buf + o) - d32);
	for (i = 0; i < t->n32; i++)
		if ((o = field(e, len, kx_le32(t->r32 + 4 * (size_t)i), 4)) != SIZE_MAX)
			kx_put32(buf + o, kx_le32(buf + o) + d32);
}

/* ---- the kernel ------------------------------------------------------------------- */

static int has_at(const uint8_t *b, size_t from, size_t to, const char *s, size_t n)
{
	size_t i;

	for (i = from; i + n <= to; i++)
		if (b[i] == (uint8_t)s[0] && !kx_memcmp(b + i, s, n))
			return 1;
	return 0;
}

/* The decompressor's kaslr.c (built with CONFIG_RANDOMIZE_BASE only) looks
 * for "nokaslr": the string is in the protected-mode part, outside the payload. */
int kx_bzimage_has_kaslr(const uint8_t *buf, size_t len, const struct kx_bzimage *bz)
{
	size_t ps = bz->setup_len + kx_le32(buf + H_PAYLOAD_OFFSET);
	size_t pe = ps + kx_le32(buf + H_PAYLOAD_LENGTH);

	if (ps > len || pe > len || pe < ps)
		return 0;
	return has_at(buf, bz->setup_len, ps, "nokaslr", 7) || has_at(buf, pe, len, "nokaslr", 7);
}

static int cmdline_has(const char *c, const char *word)
{
	const char *p = c, *end = c + kx_strlen(c), *w;
	size_t wl, n = kx_strlen(word);

	while ((w = kx_cmdline_word(&p, end, &wl)))
		if (wl == n && !kx_memcmp(w, word, n))
			return 1;
	return 0;
}

/* Where the ELF ends: its section headers, program headers and PT_LOADs. */
static uint64_t elf_end(const struct kx_elf *e)
{
	uint64_t end = e->phoff + (uint64_t)e->phnum * 56, x;
	unsigned i;

	if (e->shnum && (x = e->shoff + (uint64_t)e->shnum * e->shentsize) > end)
		end = x;
	for (i = 0; i < e->nload; i++)
		if ((x = e->load[i].offset + e->load[i].filesz) > end)
			end = x;
	return end;
}

/* A vmlinux as the decompressor expects it: the lowest PT_LOAD at
 * pref_address, each mapped at physical + __START_KERNEL_map (the per-cpu
 * one at 0), the entry in a PT_LOAD. *top: the end of the highest. */
static int layout_ok(const struct kx_elf *e, uint64_t pref, uint64_t *top)
{
	uint64_t low = UINT64_MAX, hi = 0;
	unsigned i;
	int entry_in = 0;

	for (i = 0; i < e->nload; i++) {
		const struct kx_elf_seg *s = &e->load[i];
		if (s->vaddr && s->vaddr != s->paddr + KX_X86_64_KERNEL_MAP)
			return 0;
		low = s->paddr < low ? s->paddr : low;
		hi = s->paddr + s->memsz > hi ? s->paddr + s->memsz : hi;
		entry_in |= e->entry >= s->paddr && e->entry - s->paddr < s->filesz;
	}
	*top = hi;
	return e->nload && low == pref && entry_in && hi - pref <= KX_X86_KERNEL_IMAGE_SIZE;
}

/* The n-th slot (align apart, size bytes) in RAM within [lo, hi); counts
 * them when n is UINT64_MAX. */
static uint64_t slot(const struct kx_memmap *m, uint64_t lo, uint64_t hi, uint64_t size,
		     uint64_t align, uint64_t n, uint64_t *addr)
{
	uint64_t count = 0;
	unsigned i;

	for (i = 0; i < m->n; i++) {
		uint64_t s = m->e[i].start > lo ? m->e[i].start : lo;
		uint64_t end = m->e[i].end < hi ? m->e[i].end : hi, k;
		if (m->e[i].type != KX_MEM_RAM || !kx_align_up(s, align, &s) || end < size ||
		    s > end - size)
			continue;
		k = (end - size - s) / align + 1;
		if (n != UINT64_MAX && n < count + k) {
			*addr = s + (n - count) * align;
			return count;
		}
		count += k;
	}
	return count;
}

/* The physical address: random among the slots (RAM, window, clear of the
 * plan), else the preferred address, else the first room from it up. */
static int choose_phys(const struct kx_load_req *r, const struct kx_plan *p, uint64_t pref,
		       uint64_t align, uint64_t span, int random, uint64_t rnd, uint64_t *out)
{
	const struct kx_memmap *m = &r->sys->mem;
	struct kx_place rq = { .size = span, .align = align, .within = KX_RANGE_ALL };
	uint64_t lo = pref > r->window.min ? pref : r->window.min;
	uint64_t hi = r->window.max < PHYS_TOP ? r->window.max : PHYS_TOP, n, k, a = 0;
	unsigned i;

	if (random && (n = slot(m, lo, hi, span, align, UINT64_MAX, &a)) > 0)
		for (i = 0, k = rnd % n; i < SLOT_TRIES; i++, k = (k + 1) % n) {
			slot(m, lo, hi, span, align, k, &a);
			if (kx_plan_fits_at(p, m, r->window, a, span)) {
				*out = a;
				return 1;
			}
		}
	if (kx_plan_fits_at(p, m, r->window, pref, span)) {
		*out = pref;
		return 1;
	}
	rq.within.start = pref;
	return kx_plan_place(p, m, r->window, &rq, out);
}

static int no_room(struct kx_err e)
{
	return e.code == KX_E_NO_SPACE || e.code == KX_E_SEG_NOT_RAM || e.code == KX_E_SEG_OVERLAP ||
	       e.code == KX_E_TOO_MANY_SEGMENTS || e.code == KX_E_SCRATCH;
}

/* The PT_LOADs as pieces at phys, sorted by paddr; the last one reaches end. */
static unsigned pieces(const struct kx_elf *e, const uint8_t *buf, uint64_t shift, uint64_t end,
		       struct kx_piece *pc)
{
	unsigned i, j;

	for (i = 0; i < e->nload && i < KX_ELF_MAX_LOADS; i++) {
		const struct kx_elf_seg *s = &e->load[i];
		struct kx_piece t = { s->paddr + shift, s->filesz ? buf + s->offset : buf, s->filesz,
				      s->memsz };
		for (j = i; j > 0 && pc[j - 1].paddr > t.paddr; j--)
			pc[j] = pc[j - 1];
		pc[j] = t;
	}
	if (i && pc[i - 1].paddr + pc[i - 1].memsz < end)
		pc[i - 1].memsz = end - pc[i - 1].paddr;
	return i;
}

static struct kx_err place(const struct kx_load_req *r, struct kx_plan *p, const struct kx_bzimage *bz,
			   const struct kx_elf *e, const uint8_t *out, uint64_t phys, uint64_t span,
			   uint8_t loadflags)
{
	struct kx_piece piece[KX_ELF_MAX_LOADS];
	struct kx_pieces pc = { .piece = piece, .file = out, .purpose = "kernel",
				.source = r->image.name, .scratch = r->scratch,
				.scratch_len = r->scratch_len };
	struct kx_load_req rest = *r;
	struct kx_x86_linux lx;
	uint64_t rd_mem, rd_len;
	struct kx_err err;

	pc.n = pieces(e, out, phys - bz->pref_address, phys + span, piece);
	err = kx_plan_add_pieces(p, &r->sys->mem, r->window, &pc);
	if (KX_FAILED(err))
		return err;
	rest.scratch = r->scratch + pc.used;
	rest.scratch_len = r->scratch_len - pc.used;
	kx_memset(&lx, 0, sizeof(lx));
	lx.hdr = r->image.buf;
	lx.hdr_end = bz->hdr_end;
	lx.initrd_addr_max = bz->initrd_addr_max;
	lx.initrd_above_4g = !!(bz->xloadflags & KX_XLF_CAN_BE_LOADED_ABOVE_4G);
	lx.cmdline_size = bz->cmdline_size;
	lx.kernel_mem = phys;
	lx.efi_kexec = !!(bz->xloadflags & KX_XLF_EFI_KEXEC);
	lx.loadflags_set = loadflags;
	err = kx_x86_place_initrds(&rest, p, &lx, &rd_mem, &rd_len);
	if (KX_FAILED(err))
		return err;
	return kx_x86_boot_params(&rest, p, &lx, rd_mem, rd_len,
				  phys + (e->entry - bz->pref_address));
}

int kx_bzimage_load_unpacked(const struct kx_load_req *r, struct kx_plan *p,
			     const struct kx_bzimage *bz, struct kx_err *err)
{
	const uint8_t *pay, *out = 0;
	size_t plen, outlen = 0;
	uint64_t elen, top, span, need, align, virt = 0, phys, slots;
	enum kx_comp c;
	struct kx_elf e;
	struct kx_x86_relocs t;
	struct kx_plan saved;
	struct kx_err ue;
	int f, kaslr;

	*err = KX_NOERR;
	if (r->no_unpack)
		return r->no_unpack;
	if (!r->sys->unpack)
		return KX_UNPACKED_NO_UNPACKER;
	if (!bz->relocatable)
		return KX_UNPACKED_NOT_RELOCATABLE;
	plen = kx_le32(r->image.buf + H_PAYLOAD_LENGTH);
	pay = bz->kernel + kx_le32(r->image.buf + H_PAYLOAD_OFFSET); /* inside: kx_bzimage_parse */
	if (plen < 8)
		return KX_UNPACKED_NO_PAYLOAD;
	c = kx_comp_detect(pay, plen);
	if (c == KX_COMP_NONE)
		return KX_UNPACKED_CODEC;
	p->unpack_comp = c;
	/* every codec's payload ends with the unpacked size (gzip: its ISIZE;
	 * the others: the kernel build's size_append, not theirs to read) */
	ue = r->sys->unpack(r->sys->alloc_ctx, c, pay, c == KX_COMP_GZIP ? plen : plen - 4,
			    kx_unpack_bound(plen), &out, &outlen);
	if (ue.code == KX_E_UNPACK && (ue.b == KX_UNPACK_CORRUPT || ue.b == KX_UNPACK_TRUNCATED ||
				       ue.b == KX_UNPACK_CHECK || ue.b == KX_UNPACK_EMPTY)) {
		*err = ue;
		return -1;
	}
	if (KX_FAILED(ue)) {
		p->unpack_fault = ue.code == KX_E_UNPACK ? (uint32_t)ue.b : 0;
		return KX_UNPACKED_UNPACK;
	}
	p->unpacked_len = outlen;
	if ((uint32_t)outlen != kx_le32(pay + plen - 4))
		return KX_UNPACKED_SIZE;
	if (!kx_elf_probe(out, outlen) || KX_FAILED(kx_elf_parse(out, outlen, &e)) || e.cls != 64 ||
	    e.machine != KX_EM_X86_64)
		return KX_UNPACKED_NOT_ELF;
	elen = elf_end(&e);
	if (elen > outlen)
		return KX_UNPACKED_NOT_ELF;
	if ((f = kx_x86_relocs_parse(out, outlen, (size_t)elen, &t))) {
		p->unpack_fault = (uint32_t)f;
		return KX_UNPACKED_RELOCS;
	}
	/* the PT_LOADs again, within the ELF alone (not over the table) */
	if (KX_FAILED(kx_elf_parse(out, (size_t)elen, &e)))
		return KX_UNPACKED_NOT_ELF;
	if (!layout_ok(&e, bz->pref_address, &top))
		return KX_UNPACKED_ELF_LAYOUT;
	p->nrelocs = t.n64 + t.ninv + t.n32;
	if ((f = kx_x86_relocs_check(out, (size_t)elen, &e, &t, &p->bad_reloc))) {
		p->unpack_fault = (uint32_t)f;
		return KX_UNPACKED_RELOCS;
	}

	/* the offsets, as choose_random_location() would pick them */
	align = bz->kernel_alignment > PMD_SIZE ? bz->kernel_alignment : PMD_SIZE;
	if (!kx_bzimage_has_kaslr(r->image.buf, (size_t)r->image.len, bz))
		kaslr = KX_KASLR_NOT_BUILT;
	else if (cmdline_has(r->cmdline, "nokaslr"))
		kaslr = KX_KASLR_CMDLINE;
	else if (!r->sys->have_kaslr_seed)
		kaslr = KX_KASLR_NO_SEED;
	else
		kaslr = KX_KASLR_RANDOM;
	if (!kx_align_up(top - bz->pref_address, PMD_SIZE, &span) ||
	    !kx_align_up(outlen > span ? outlen : span, PMD_SIZE, &need))
		return KX_UNPACKED_ELF_LAYOUT;
	if (kaslr == KX_KASLR_RANDOM && bz->pref_address + need <= KX_X86_KERNEL_IMAGE_SIZE) {
		slots = 1 + (KX_X86_KERNEL_IMAGE_SIZE - bz->pref_address - need) / align;
		virt = (kx_le64(r->sys->kaslr_seed) % slots) * align;
	}
	if (!choose_phys(r, p, bz->pref_address, align, span, kaslr == KX_KASLR_RANDOM,
			 kx_le64(r->sys->kaslr_seed + 8), &phys))
		return KX_UNPACKED_NO_ROOM;

	saved = *p;
	ue = place(r, p, bz, &e, out, phys, span, kaslr == KX_KASLR_RANDOM ? KX_X86_KASLR_FLAG : 0);
	if (KX_FAILED(ue)) {
		*p = saved;
		if (no_room(ue))
			return KX_UNPACKED_NO_ROOM;
		*err = ue;
		return -1;
	}
	/* the decompressor's output is the load's memory, kx's to write */
	if (virt)
		kx_x86_relocs_apply((uint8_t *)(uintptr_t)out, (size_t)elen, &e, &t, virt);
	p->kaslr = kaslr;
	p->kaslr_phys = phys;
	p->kaslr_virt = virt;
	return KX_UNPACKED_DONE;
}
