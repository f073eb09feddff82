/*
 * Multiboot 1 kernels, and what both multiboot loaders share: the image's
 * loadable pieces (ELF program headers or the a.out kludge's address fields),
 * their placement with the modules and the information structure (MBI), and
 * the 32-bit protected-mode hand-off.
 *
 * Everything read from the image goes through kx_le*; every offset and size
 * is checked against what is left, never by a sum that could wrap.
 */
#include <kx/bytes.h>
#include <kx/elf.h>
#include <kx/multiboot.h>

#define FOUR_GIB (4 * KX_GiB)

/* ---- the image: ELF ------------------------------------------------------- */

/* Sort by address (insertion sort: at most KX_MB_MAX_PIECES) and note the span. */
static void sort_pieces(struct kx_mb_image *im)
{
	unsigned i, j;

	for (i = 1; i < im->n; i++) {
		struct kx_piece t = im->piece[i];
		for (j = i; j > 0 && im->piece[j - 1].paddr > t.paddr; j--)
			im->piece[j] = im->piece[j - 1];
		im->piece[j] = t;
	}
	im->lo = im->n ? im->piece[0].paddr : 0;
	im->hi = im->n ? im->piece[im->n - 1].paddr + im->piece[im->n - 1].memsz : 0;
}

struct kx_err kx_mb_elf_image(const uint8_t *buf, size_t len, struct kx_mb_image *im)
{
	struct kx_elf e; /* about 1.4 KiB */
	struct kx_err err;
	unsigned i;

	kx_memset(im, 0, sizeof(*im));
	/* lib/elf.c checks the structure: bounds, filesz <= memsz, no overlaps */
	err = kx_elf_parse(buf, len, &e);
	if (KX_FAILED(err))
		return err;
	if (e.machine != (e.cls == 64 ? KX_EM_X86_64 : KX_EM_386))
		return kx_err(KX_E_WRONG_MACHINE,
			      e.cls == 64 ? "x86_64 (EM_X86_64) ELF64 multiboot kernels"
					  : "i386 (EM_386) ELF32 multiboot kernels",
			      e.machine, e.cls == 64 ? KX_EM_X86_64 : KX_EM_386);
	if (e.nload > KX_MB_MAX_PIECES)
		return kx_err(KX_E_TOO_MANY, "loadable ELF segments", KX_MB_MAX_PIECES, 0);
	for (i = 0; i < e.nload; i++) {
		const struct kx_elf_seg *s = &e.load[i];
		/* entered with paging off: everything at physical addresses below 4 GiB */
		if (s->paddr >= FOUR_GIB || s->memsz > FOUR_GIB - s->paddr)
			return kx_err(KX_E_BAD_HEADER, "ELF p_paddr (a segment reaches past 4 GiB)",
				      s->paddr, s->memsz);
		im->piece[im->n++] = (struct kx_piece){ s->paddr, s->filesz ? buf + s->offset : buf,
							   s->filesz, s->memsz };
	}
	/* the entry may be virtual: made physical through its segment (else kept,
	 * and kx_mb_place refuses it unless --entry is given) */
	if (!kx_elf_to_phys(&e, e.entry, &im->entry))
		im->entry = e.entry;
	sort_pieces(im);
	return KX_NOERR;
}

/* ---- the image: a.out kludge --------------------------------------------- */

struct kx_err kx_mb_aout_image(const uint8_t *buf, size_t len, const struct kx_mb_aout *a,
			       uint32_t entry, struct kx_mb_image *im)
{
	uint64_t ha = a->header_addr, la = a->load_addr, load_off, load_size, memsz;

	kx_memset(im, 0, sizeof(*im));
	if (a->hdr_off > len || a->hdr_size > len - a->hdr_off)
		return kx_err(KX_E_TRUNCATED, "multiboot header", a->hdr_off + a->hdr_size, len);
	if (a->load_addr_neg1 && la == 0xffffffffu) {
		/* the text starts at the beginning of the file */
		if (ha < a->hdr_off)
			return kx_err(KX_E_BAD_HEADER, "header_addr (below the header's file offset)", ha, 0);
		la = ha - a->hdr_off;
	}
	if (ha < la)
		return kx_err(KX_E_BAD_HEADER, "header_addr (below load_addr)", ha, la);
	if (ha - la > a->hdr_off)
		return kx_err(KX_E_BAD_HEADER, "header_addr (the load address falls before the file)",
			      ha, la);
	load_off = a->hdr_off - (ha - la);
	if (!a->load_end_addr) {
		load_size = len - load_off;
	} else {
		if (a->load_end_addr <= la)
			return kx_err(KX_E_BAD_HEADER, "load_end_addr (not above load_addr)",
				      a->load_end_addr, la);
		load_size = a->load_end_addr - la;
		if (load_size > len - load_off)
			return kx_err(KX_E_TRUNCATED, "multiboot load area", load_off + load_size, len);
	}
	if (load_size > FOUR_GIB - la)
		return kx_err(KX_E_BAD_HEADER, "load_addr (the file reaches past 4 GiB)", la, load_size);
	if (a->hdr_size > load_size || ha - la > load_size - a->hdr_size)
		return kx_err(KX_E_BAD_HEADER, "load_end_addr (the header itself is not loaded)",
			      a->load_end_addr, ha);
	memsz = load_size;
	if (a->bss_end_addr) {
		if (a->bss_end_addr < la + load_size)
			return kx_err(KX_E_BAD_HEADER, "bss_end_addr (below the end of the loaded part)",
				      a->bss_end_addr, la + load_size);
		memsz = a->bss_end_addr - la;
	}
	im->piece[0] = (struct kx_piece){ la, buf + load_off, load_size, memsz };
	im->n = 1;
	im->entry = entry;
	im->lo = la;
	im->hi = la + memsz;
	return KX_NOERR;
}

/* ---- placement ------------------------------------------------------------ */

/* Round up to a page: only for values below 4 GiB, which cannot wrap. */
static uint64_t page_up(uint64_t v)
{
	return (v + KX_PAGE - 1) & ~(KX_PAGE - 1);
}

/* Below 4 GiB: above `pref` if possible, else anywhere above 1 MiB. */
static int place_low(const struct kx_load_req *r, const struct kx_plan *p, uint64_t size,
		     uint64_t pref, uint64_t *at)
{
	struct kx_place rq = { .size = size, .align = KX_PAGE,
			       .within = { pref < KX_MiB ? KX_MiB : pref, FOUR_GIB } };

	if (kx_plan_place(p, &r->sys->mem, r->window, &rq, at))
		return 1;
	rq.within.start = KX_MiB;
	return kx_plan_place(p, &r->sys->mem, r->window, &rq, at);
}

/* What the placement relies on: no initrds, the modules and pieces counted,
 * the pieces sorted, disjoint and below 4 GiB, the entry point in them. */
static struct kx_err check_image(const struct kx_load_req *r, const struct kx_mb_image *im,
				 struct kx_mb_placed *pl)
{
	unsigned i;

	if (r->ninitrd)
		return kx_err(KX_E_MB_INITRD, 0, r->ninitrd, 0);
	if (r->nmodule > KX_MAX_MODULES)
		return kx_err(KX_E_TOO_MANY, "modules", KX_MAX_MODULES, 0);
	if (!im->n || im->n > KX_MB_MAX_PIECES)
		return kx_err(KX_E_BAD_HEADER, "multiboot image (no loadable part)", im->n, 0);
	for (i = 0; i < im->n; i++) {
		const struct kx_piece *c = &im->piece[i];
		if (c->filesz > c->memsz || !c->memsz || c->paddr >= FOUR_GIB ||
		    c->memsz > FOUR_GIB - c->paddr ||
		    (i && im->piece[i - 1].paddr + im->piece[i - 1].memsz > c->paddr))
			return kx_err(KX_E_BAD_HEADER, "multiboot image (segments overlap or pass 4 GiB)",
				      c->paddr, c->memsz);
	}
	/* the entry point: --entry, or the image's, inside what is loaded */
	pl->entry = r->have_entry ? r->entry : im->entry;
	if (r->have_entry) {
		if (pl->entry >= FOUR_GIB)
			return kx_err(KX_E_MB_ENTRY_RANGE, 0, pl->entry, FOUR_GIB);
		return KX_NOERR;
	}
	for (i = 0; i < im->n; i++)
		if (kx_range_has((struct kx_range){ im->piece[i].paddr,
						    im->piece[i].paddr + im->piece[i].memsz }, pl->entry))
			return KX_NOERR;
	return kx_err(KX_E_BAD_HEADER, "entry address (outside the loaded image)", pl->entry, 0);
}

/* Modules after the kernel (above `end`), like GRUB, page aligned, below 4 GiB. */
static struct kx_err place_modules(const struct kx_load_req *r, struct kx_plan *p, uint64_t end,
				   struct kx_mb_placed *pl)
{
	uint64_t at, size;
	unsigned i;
	struct kx_err err;

	for (i = 0; i < r->nmodule; i++) {
		uint64_t len = r->module[i].file.len;

		size = page_up(len ? len : 1);
		if (len >= FOUR_GIB || !place_low(r, p, size, end, &at))
			return kx_err(KX_E_NO_SPACE, "multiboot module", len, kx_window_top(r->window, FOUR_GIB));
		err = kx_plan_add(p, "module", r->module[i].file.name, r->module[i].file.buf, len, at,
				  size);
		if (KX_FAILED(err))
			return err;
		pl->mod_start[i] = at;
		pl->mod_end[i] = at + len;
	}
	return KX_NOERR;
}

struct kx_err kx_mb_place(const struct kx_load_req *r, struct kx_plan *p,
			  const struct kx_mb_image *im, size_t mbi_size, struct kx_mb_placed *pl)
{
	/* built kernel pages follow the MBI in scratch */
	struct kx_pieces pc = { .piece = im->piece, .n = im->n, .file = r->image.buf,
				.purpose = "kernel", .source = r->image.name, .scratch = r->scratch,
				.scratch_len = r->scratch_len, .used = mbi_size };
	uint64_t at, size, end;
	unsigned nseg;
	size_t sc;
	struct kx_err err;

	kx_memset(pl, 0, sizeof(*pl));
	err = check_image(r, im, pl);
	if (KX_FAILED(err))
		return err;
	/* budget: kernel segments, modules, the MBI, and the purgatory added later */
	kx_pieces_count(&pc, &nseg, &sc);
	nseg += p->nseg + r->nmodule + 2;
	if (nseg > KX_MAX_SEGMENTS)
		return kx_err(KX_E_TOO_MANY_SEGMENTS, "multiboot", nseg, KX_MAX_SEGMENTS);
	if (!mbi_size || mbi_size > r->scratch_len)
		return kx_err(KX_E_BOOT_INFO_TOO_BIG, "multiboot information", mbi_size, r->scratch_len);
	if (sc > r->scratch_len - mbi_size)
		return kx_err(KX_E_SCRATCH, "kernel segments sharing a page", mbi_size + sc,
			      r->scratch_len);

	/* the kernel, where it was linked */
	err = kx_plan_add_pieces(p, &r->sys->mem, r->window, &pc);
	if (KX_FAILED(err))
		return err;
	pl->load_base = im->piece[0].paddr;
	end = page_up(im->piece[im->n - 1].paddr + im->piece[im->n - 1].memsz);
	err = place_modules(r, p, end, pl);
	if (KX_FAILED(err))
		return err;

	/* the information structure, last */
	size = page_up(mbi_size); /* <= scratch_len, checked above */
	if (!place_low(r, p, size, end, &at))
		return kx_err(KX_E_NO_SPACE, "multiboot information", mbi_size, kx_window_top(r->window, FOUR_GIB));
	err = kx_plan_add(p, "boot-info", "built", r->scratch, mbi_size, at, size);
	if (KX_FAILED(err))
		return err;
	pl->mbi = at;
	pl->mbi_buf = r->scratch;
	return KX_NOERR;
}

size_t kx_mb_cmdline_len(const struct kx_load_req *r)
{
	size_t name = r->image.name ? kx_strlen(r->image.name) : 0;
	size_t cmd = r->cmdline ? kx_strlen(r->cmdline) : 0;

	return name + (name && cmd ? 1 : 0) + cmd;
}

void kx_mb_cmdline_put(const struct kx_load_req *r, char *dst)
{
	size_t name = r->image.name ? kx_strlen(r->image.name) : 0;
	size_t cmd = r->cmdline ? kx_strlen(r->cmdline) : 0;

	if (name)
		kx_memcpy(dst, r->image.name, name);
	if (name && cmd)
		dst[name++] = ' ';
	if (cmd)
		kx_memcpy(dst + name, r->cmdline, cmd);
	dst[name + cmd] = 0;
}

void kx_mb_handoff(struct kx_plan *p, const struct kx_mb_placed *pl, uint32_t magic,
		   const char *type, const char *cmdline)
{
	p->entry_mode = KX_PURG_ENTRY_32;
	p->target = pl->entry;
	p->regs[KX_X86_RAX] = magic;
	p->regs[KX_X86_RBX] = pl->mbi;
	p->regs_used = 1u << KX_X86_RAX | 1u << KX_X86_RBX;
	p->type = type;
	p->cmdline = cmdline;
}

void kx_mb_meminfo(const struct kx_memmap *m, uint32_t *lower, uint32_t *upper)
{
	uint64_t lo = kx_memmap_ram_end(m, 0), hi = kx_memmap_ram_end(m, KX_MiB);

	if (lo > 640 * 1024)
		lo = 640 * 1024;
	*lower = (uint32_t)(lo / 1024);
	hi = (hi - KX_MiB) / 1024;
	*upper = hi > 0xffffffffu ? 0xffffffffu : (uint32_t)hi;
}

/* ---- multiboot 1 ---------------------------------------------------------- */

int kx_mb_scan(const uint8_t *buf, size_t len, const struct kx_mb_sig *sig, size_t *off)
{
	size_t lim = len < sig->search ? len : sig->search, o;
	unsigned i;

	if (!buf || lim < sig->hdr_min)
		return 0;
	for (o = 0; o <= lim - sig->hdr_min; o += sig->step) {
		uint32_t sum = 0;
		if (kx_le32(buf + o) != sig->magic)
			continue;
		for (i = 0; i < sig->nsum; i++)
			sum += kx_le32(buf + o + 4 * i);
		if (!sum) {
			*off = o;
			return 1;
		}
	}
	return 0;
}

int kx_mb1_find(const uint8_t *buf, size_t len, size_t *off)
{
	static const struct kx_mb_sig mb1 = { KX_MB1_MAGIC, 3, 4, KX_MB1_SEARCH, KX_MB1_HDR_MIN };

	return kx_mb_scan(buf, len, &mb1, off);
}

int kx_multiboot_probe(const uint8_t *buf, size_t len)
{
	size_t off;
	return kx_mb1_find(buf, len, &off);
}

struct kx_err kx_mb1_parse(const uint8_t *buf, size_t len, struct kx_mb1_header *h)
{
	size_t lim = len < KX_MB1_SEARCH ? len : KX_MB1_SEARCH, o;
	const uint8_t *f;
	uint32_t req;

	kx_memset(h, 0, sizeof(*h));
	if (!kx_mb1_find(buf, len, &h->off)) {
		for (o = 0; lim >= KX_MB1_HDR_MIN && o <= lim - KX_MB1_HDR_MIN; o += 4)
			if (kx_le32(buf + o) == KX_MB1_MAGIC)
				return kx_err(KX_E_BAD_HEADER, "multiboot header checksum",
					      kx_le32(buf + o + 8), o);
		return kx_err(KX_E_BAD_HEADER, "multiboot header (no magic in the first 8 KiB)", 0, 0);
	}
	h->flags = kx_le32(buf + h->off + 4);
	req = h->flags & 0xffffu & ~KX_MB1_HONOURED;
	if (req & KX_MB1_VIDEO_MODE)
		return kx_err(KX_E_UNSUPPORTED, "a video mode (multiboot flag bit 2)",
			      h->flags, 0);
	if (req)
		return kx_err(KX_E_UNSUPPORTED, "a multiboot feature kx does not know (a required flag bit)",
			      h->flags, 0);
	if (h->flags & KX_MB1_AOUT_KLUDGE) {
		if (h->off + KX_MB1_HDR_AOUT > len)
			return kx_err(KX_E_TRUNCATED, "multiboot address fields",
				      h->off + KX_MB1_HDR_AOUT, len);
		if (h->off + KX_MB1_HDR_AOUT > KX_MB1_SEARCH)
			return kx_err(KX_E_BAD_HEADER, "multiboot header (past the first 8 KiB)",
				      h->off, 0);
		f = buf + h->off;
		h->header_addr = kx_le32(f + 12);
		h->load_addr = kx_le32(f + 16);
		h->load_end_addr = kx_le32(f + 20);
		h->bss_end_addr = kx_le32(f + 24);
		h->entry_addr = kx_le32(f + 28);
	}
	return KX_NOERR;
}

/* Room for a string in the MBI: false when the total passes `limit`. */
static int grow(size_t *size, size_t n, size_t limit)
{
	if (n > limit || *size > limit - n)
		return 0;
	*size += n;
	return 1;
}

/* The loadable image the header describes: its address fields, else the ELF. */
static struct kx_err image_of(const struct kx_load_req *r, const struct kx_mb1_header *h,
			      struct kx_mb_image *im)
{
	if (h->flags & KX_MB1_AOUT_KLUDGE) {
		struct kx_mb_aout a = { h->off, KX_MB1_HDR_AOUT, h->header_addr, h->load_addr,
					h->load_end_addr, h->bss_end_addr, 0 };
		return kx_mb_aout_image(r->image.buf, r->image.len, &a, h->entry_addr, im);
	}
	if (r->image.len < 4 || kx_memcmp(r->image.buf, "\177ELF", 4))
		return kx_err(KX_E_BAD_HEADER,
			      "multiboot kernel (neither ELF nor with address fields, flags bit 16)",
			      h->flags, 0);
	return kx_mb_elf_image(r->image.buf, r->image.len, im);
}

/* The MBI's layout: fixed part, memory map, module list, then the strings. */
struct mbi1 {
	const char *name;
	unsigned nmap;
	size_t mmap_off, mods_off, str_off, size;
};

static struct kx_err mbi1_layout(const struct kx_load_req *r, struct mbi1 *m)
{
	size_t limit = r->scratch_len;
	unsigned i;

	if (r->nmodule > KX_MAX_MODULES)
		return kx_err(KX_E_TOO_MANY, "modules", KX_MAX_MODULES, 0);
	m->mmap_off = (KX_MBI_SIZE + 7) & ~(size_t)7;
	m->mods_off = m->mmap_off + (size_t)m->nmap * KX_MBI_MMAP_ENT;
	m->str_off = m->mods_off + (size_t)r->nmodule * KX_MBI_MOD_ENT;
	m->size = m->str_off;
	if (!grow(&m->size, kx_mb_cmdline_len(r) + 1, limit) ||
	    !grow(&m->size, kx_strlen(m->name) + 1, limit))
		return kx_err(KX_E_BOOT_INFO_TOO_BIG, "multiboot information", m->size, limit);
	for (i = 0; i < r->nmodule; i++)
		if (!grow(&m->size, kx_strlen(r->module[i].string ? r->module[i].string : "") + 1,
			  limit))
			return kx_err(KX_E_BOOT_INFO_TOO_BIG, "multiboot information", m->size, limit);
	return KX_NOERR;
}

/* The string s at offset *at of the MBI; returns its physical address. */
static uint32_t put_string(uint8_t *b, uint64_t mbi, size_t *at, const char *s)
{
	size_t n = kx_strlen(s) + 1;
	uint32_t addr = (uint32_t)(mbi + *at);

	kx_memcpy(b + *at, s, n);
	*at += n;
	return addr;
}

/* Build it: addresses are the MBI's plus offsets, all below 4 GiB.
 * Returns the command line, inside the MBI. */
static const char *build_mbi1(const struct kx_load_req *r, const struct mbi1 *m,
			      const struct kx_mb_placed *pl)
{
	char *cmdline = (char *)pl->mbi_buf + m->str_off;
	uint8_t *b = pl->mbi_buf;
	uint32_t lower, upper, flags = KX_MBI_MEMORY | KX_MBI_CMDLINE | KX_MBI_MODS | KX_MBI_LOADER_NAME;
	size_t at = m->str_off;
	unsigned i;

	kx_memset(b, 0, m->size);
	kx_mb_meminfo(&r->sys->mem, &lower, &upper);
	kx_put32(b + KX_MBI_O_MEM_LOWER, lower);
	kx_put32(b + KX_MBI_O_MEM_UPPER, upper);
	if (m->nmap) {
		flags |= KX_MBI_MEM_MAP;
		kx_put32(b + KX_MBI_O_MMAP_LEN, m->nmap * KX_MBI_MMAP_ENT);
		kx_put32(b + KX_MBI_O_MMAP_ADDR, (uint32_t)(pl->mbi + m->mmap_off));
		for (i = 0; i < m->nmap; i++) {
			const struct kx_mement *e = &r->sys->mem.e[i];
			uint8_t *q = b + m->mmap_off + (size_t)i * KX_MBI_MMAP_ENT;
			kx_put32(q, KX_MBI_MMAP_ENT - 4);
			kx_put64(q + 4, e->start);
			kx_put64(q + 12, e->end - e->start);
			kx_put32(q + 20, e->type);
		}
	}
	/* the command line first, at str_off */
	kx_mb_cmdline_put(r, cmdline);
	kx_put32(b + KX_MBI_O_CMDLINE, (uint32_t)(pl->mbi + at));
	at += kx_mb_cmdline_len(r) + 1;
	kx_put32(b + KX_MBI_O_MODS_COUNT, r->nmodule);
	kx_put32(b + KX_MBI_O_MODS_ADDR, r->nmodule ? (uint32_t)(pl->mbi + m->mods_off) : 0);
	for (i = 0; i < r->nmodule; i++) {
		uint8_t *q = b + m->mods_off + (size_t)i * KX_MBI_MOD_ENT;
		kx_put32(q, (uint32_t)pl->mod_start[i]);
		kx_put32(q + 4, (uint32_t)pl->mod_end[i]);
		kx_put32(q + 8, put_string(b, pl->mbi, &at,
					   r->module[i].string ? r->module[i].string : ""));
	}
	kx_put32(b + KX_MBI_O_LOADER, put_string(b, pl->mbi, &at, m->name));
	kx_put32(b + KX_MBI_O_FLAGS, flags);
	return cmdline;
}

struct kx_err kx_multiboot_load(const struct kx_load_req *r, struct kx_plan *p)
{
	struct mbi1 m = {
		.name = r->loader_name ? r->loader_name : "kx",
		.nmap = r->sys->mem.n < KX_MEMMAP_MAX ? r->sys->mem.n : KX_MEMMAP_MAX,
	};
	struct kx_mb1_header h;
	struct kx_mb_image im;
	struct kx_mb_placed pl;
	struct kx_err err;

	err = kx_mb1_parse(r->image.buf, r->image.len, &h);
	if (KX_FAILED(err))
		return err;
	err = image_of(r, &h, &im);
	if (KX_FAILED(err))
		return err;
	err = mbi1_layout(r, &m);
	if (KX_FAILED(err))
		return err;
	err = kx_mb_place(r, p, &im, m.size, &pl);
	if (KX_FAILED(err))
		return err;
	kx_mb_handoff(p, &pl, KX_MB1_BOOT_MAGIC, "multiboot", build_mbi1(r, &m, &pl));
	return KX_NOERR;
}
