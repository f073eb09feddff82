/*
 * kdump builders (include/kx/crash.h): the ELF core header, the crash
 * kernel's memory map and command line, the crashkernel= estimate, and the
 * /proc/iomem and /proc/kcore readers they need. Pure: no I/O, no libc.
 */
#include <kx/bytes.h>
#include <kx/cmdline.h>
#include <kx/crash.h>
#include <kx/elf.h>

#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define PN_XNUM     0xffff

/* ---- the dumped RAM: each RAM entry minus the excluded ranges ----------- */

struct piece_walk {
	const struct kx_crash_core *c;
	unsigned entry;   /* next map entry */
	uint64_t cur, end; /* inside entry - 1: [cur, end) left to cut up */
	int in_entry;
};

/* Excluded range i of c: exclude[0 .. nexclude), then the backup (dumped
 * from its copy, by a PT_LOAD of its own). */
static const struct kx_range *excl(const struct kx_crash_core *c, unsigned i)
{
	return i < c->nexclude ? &c->exclude[i] : &c->backup;
}

/* The next dumped piece [*s, *e); 0 when there is none. Every step either
 * emits a piece or moves past an excluded range or an entry: bounded. */
static int next_piece(struct piece_walk *w, uint64_t *s, uint64_t *e)
{
	const struct kx_crash_core *c = w->c;
	const unsigned nx = c->nexclude + 1;
	unsigned i, pass;

	for (;;) {
		uint64_t stop;
		int moved;

		if (!w->in_entry) {
			const struct kx_mement *m;
			if (!c->ram || w->entry >= c->ram->n)
				return 0;
			m = &c->ram->e[w->entry++];
			if (m->type != KX_MEM_RAM || m->end <= m->start)
				continue;
			w->cur = m->start;
			w->end = m->end;
			w->in_entry = 1;
		}
		/* step over excluded ranges covering cur (each at most once per pass) */
		for (pass = 0, moved = 1; moved && pass <= nx; pass++) {
			moved = 0;
			for (i = 0; i < nx; i++) {
				const struct kx_range *x = excl(c, i);
				if (kx_range_has(*x, w->cur)) {
					w->cur = x->end;
					moved = 1;
				}
			}
		}
		if (w->cur >= w->end) {
			w->in_entry = 0;
			continue;
		}
		stop = w->end;
		if (c->direct_end > w->cur && c->direct_end < stop)
			stop = c->direct_end; /* direct map and highmem apart */
		for (i = 0; i < nx; i++) {
			const struct kx_range *x = excl(c, i);
			if (x->start < x->end && x->start > w->cur && x->start < stop)
				stop = x->start;
		}
		*s = w->cur;
		*e = stop;
		w->cur = stop;
		return 1;
	}
}

static struct kx_err check_core(const struct kx_crash_core *c)
{
	unsigned i;

	if (c->ncpu > KX_CRASH_MAX_CPUS)
		return kx_err(KX_E_TOO_MANY, "CPUs", KX_CRASH_MAX_CPUS, 0);
	if (c->nexclude > KX_CRASH_MAX_EXCLUDE)
		return kx_err(KX_E_TOO_MANY, "excluded ranges", KX_CRASH_MAX_EXCLUDE, 0);
	if (c->ncpu && !c->cpu)
		return kx_err(KX_E_BAD_HEADER, "crash note", 0, 0);
	if (c->nexclude && !c->exclude)
		return kx_err(KX_E_TOO_MANY, "excluded ranges", 0, 0);
	for (i = 0; i < c->ncpu; i++)
		if (!c->cpu[i].size || !kx_range_ok(kx_range_at(c->cpu[i].paddr, c->cpu[i].size)))
			return kx_err(KX_E_BAD_HEADER, "crash note", c->cpu[i].paddr, i);
	if (c->vmcoreinfo.size && !kx_range_ok(kx_range_at(c->vmcoreinfo.paddr, c->vmcoreinfo.size)))
		return kx_err(KX_E_BAD_HEADER, "VMCOREINFO note", c->vmcoreinfo.paddr, 0);
	if (c->text_size && (!kx_range_ok(kx_range_at(c->text_vaddr, c->text_size)) ||
			     !kx_range_ok(kx_range_at(c->text_paddr, c->text_size))))
		return kx_err(KX_E_BAD_HEADER, "kernel text", c->text_vaddr, c->text_size);
	if (c->backup.end > c->backup.start &&
	    (!kx_range_ok(kx_range_at(c->backup_to, c->backup.end - c->backup.start)) ||
	     (c->page_offset && c->page_offset + c->backup.end < c->page_offset) ||
	     (c->elf32 && (c->backup.end > 0x100000000ull ||
			   c->backup_to + (c->backup.end - c->backup.start) > 0x100000000ull))))
		return kx_err(KX_E_BAD_HEADER, "backup region", c->backup.start, c->backup_to);
	if (c->elf32) {
		/* ELF32: every note, the text mapping must end at or below 4 GiB */
		const uint64_t lim = 0x100000000ull;
		for (i = 0; i < c->ncpu; i++)
			if (c->cpu[i].paddr + c->cpu[i].size > lim)
				return kx_err(KX_E_BAD_HEADER, "32-bit core header", c->cpu[i].paddr, i);
		if (c->vmcoreinfo.size && c->vmcoreinfo.paddr + c->vmcoreinfo.size > lim)
			return kx_err(KX_E_BAD_HEADER, "32-bit core header", c->vmcoreinfo.paddr, 0);
		if (c->text_size && (c->text_vaddr + c->text_size > lim ||
				     c->text_paddr + c->text_size > lim))
			return kx_err(KX_E_BAD_HEADER, "32-bit core header", c->text_vaddr, c->text_size);
	}
	return KX_NOERR;
}

struct kx_err kx_crash_core_size(const struct kx_crash_core *c, uint64_t *size, unsigned *phnum)
{
	struct piece_walk w = { c, 0, 0, 0, 0 };
	uint64_t n, s, e;
	struct kx_err err = check_core(c);

	if (KX_FAILED(err))
		return err;
	n = (uint64_t)c->ncpu + !!c->vmcoreinfo.size + !!c->text_size + (c->backup.end > c->backup.start);
	while (next_piece(&w, &s, &e)) {
		if (c->page_offset && c->page_offset + e < c->page_offset)
			return kx_err(KX_E_BAD_HEADER, "page offset", c->page_offset, s);
		if (c->elf32 && e > 0x100000000ull)
			return kx_err(KX_E_BAD_HEADER, "32-bit core header", s, e);
		n++;
	}
	/* e_phnum is 16 bits; PN_XNUM (0xffff) means "see section 0" */
	if (n >= PN_XNUM)
		return kx_err(KX_E_TOO_MANY, "program headers", PN_XNUM - 1, 0);
	*size = c->elf32 ? KX_ELF32_EHDR + n * KX_ELF32_PHDR : KX_ELF64_EHDR + n * KX_ELF64_PHDR;
	if (phnum)
		*phnum = (unsigned)n;
	return KX_NOERR;
}

/* One program header; returns the next one's place. ELF32's fields come in
 * another order (p_flags after p_memsz) and are 4 bytes wide; the values
 * were checked to fit (check_core, kx_crash_core_size). */
static uint8_t *put_phdr(uint8_t *p, int elf32, uint32_t type, uint32_t flags, uint64_t off,
			 uint64_t vaddr, uint64_t paddr, uint64_t size)
{
	if (elf32) {
		kx_put32(p, type);
		kx_put32(p + 4, (uint32_t)off);
		kx_put32(p + 8, vaddr > 0xffffffffull ? 0 : (uint32_t)vaddr); /* not linearly mapped */
		kx_put32(p + 12, (uint32_t)paddr);
		kx_put32(p + 16, (uint32_t)size); /* p_filesz */
		kx_put32(p + 20, (uint32_t)size); /* p_memsz */
		kx_put32(p + 24, flags);
		kx_put32(p + 28, 0);              /* p_align */
		return p + KX_ELF32_PHDR;
	}
	kx_put32(p, type);
	kx_put32(p + 4, flags);
	kx_put64(p + 8, off);
	kx_put64(p + 16, vaddr);
	kx_put64(p + 24, paddr);
	kx_put64(p + 32, size);  /* p_filesz */
	kx_put64(p + 40, size);  /* p_memsz */
	kx_put64(p + 48, 0);     /* p_align */
	return p + KX_ELF64_PHDR;
}

struct kx_err kx_crash_core_build(const struct kx_crash_core *c, uint8_t *buf, size_t cap,
				  size_t *len)
{
	struct piece_walk w = { c, 0, 0, 0, 0 };
	uint64_t size, s, e;
	uint8_t *ph;
	unsigned phnum, i;
	const uint32_t rwx = KX_PF_R | KX_PF_W | KX_PF_X;
	struct kx_err err = kx_crash_core_size(c, &size, &phnum);

	if (KX_FAILED(err))
		return err;
	if (size > cap)
		return kx_err(KX_E_SCRATCH, "ELF core header", size, cap);
	kx_memset(buf, 0, (size_t)size);
	buf[0] = 0x7f, buf[1] = 'E', buf[2] = 'L', buf[3] = 'F';
	buf[EI_CLASS] = c->elf32 ? ELFCLASS32 : ELFCLASS64;
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;       /* EI_OSABI 0: ELFOSABI_NONE */
	kx_put16(buf + 16, KX_ET_CORE);     /* e_type */
	kx_put16(buf + 18, c->machine);     /* e_machine */
	kx_put32(buf + 20, EV_CURRENT);     /* e_version */
	if (c->elf32) {
		kx_put32(buf + 28, KX_ELF32_EHDR);  /* e_phoff; e_entry, e_shoff, e_flags 0 */
		kx_put16(buf + 40, KX_ELF32_EHDR);  /* e_ehsize */
		kx_put16(buf + 42, KX_ELF32_PHDR);  /* e_phentsize */
		kx_put16(buf + 44, (uint16_t)phnum);/* e_phnum; no sections */
		ph = buf + KX_ELF32_EHDR;
	} else {
		kx_put64(buf + 32, KX_ELF64_EHDR);  /* e_phoff; e_entry, e_shoff, e_flags 0 */
		kx_put16(buf + 52, KX_ELF64_EHDR);  /* e_ehsize */
		kx_put16(buf + 54, KX_ELF64_PHDR);  /* e_phentsize */
		kx_put16(buf + 56, (uint16_t)phnum);/* e_phnum; no sections */
		ph = buf + KX_ELF64_EHDR;
	}
	/* the notes: read from the crashed kernel's memory at p_offset */
	for (i = 0; i < c->ncpu; i++)
		ph = put_phdr(ph, c->elf32, KX_PT_NOTE, 0, c->cpu[i].paddr, 0, c->cpu[i].paddr,
			      c->cpu[i].size);
	if (c->vmcoreinfo.size)
		ph = put_phdr(ph, c->elf32, KX_PT_NOTE, 0, c->vmcoreinfo.paddr, 0, c->vmcoreinfo.paddr,
			      c->vmcoreinfo.size);
	/* the kernel image mapping, as kexec-tools and Linux add it */
	if (c->text_size)
		ph = put_phdr(ph, c->elf32, KX_PT_LOAD, rwx, c->text_paddr, c->text_vaddr, c->text_paddr,
			      c->text_size);
	/* the backup: the crashed kernel's bytes, read from their copy */
	if (c->backup.end > c->backup.start)
		ph = put_phdr(ph, c->elf32, KX_PT_LOAD, rwx, c->backup_to,
			      c->page_offset ? c->page_offset + c->backup.start : 0, c->backup.start,
			      c->backup.end - c->backup.start);
	while (next_piece(&w, &s, &e))
		ph = put_phdr(ph, c->elf32, KX_PT_LOAD, rwx, s,
			      c->page_offset && (!c->direct_end || e <= c->direct_end)
				      ? c->page_offset + s : 0,
			      s, e - s);
	*len = (size_t)size;
	return KX_NOERR;
}

/* ---- the crash kernel's memory map ---------------------------------------- */

static struct kx_err add_piece(struct kx_memmap *m, uint64_t s, uint64_t e)
{
	if (e <= s || e - s < KX_PAGE)
		return KX_NOERR;
	return kx_memmap_add(m, s, e, KX_MEM_RAM);
}

struct kx_err kx_crash_memmap(const struct kx_memmap *sys, const struct kx_range *crash,
			      unsigned ncrash, struct kx_range hole, struct kx_memmap *out)
{
	struct kx_err err;
	unsigned i;

	out->n = 0;
	if (ncrash > KX_CRASH_MAX_REGIONS)
		return kx_err(KX_E_TOO_MANY, "crash regions", KX_CRASH_MAX_REGIONS, 0);
	for (i = 0; i < sys->n && i < KX_MEMMAP_MAX; i++) {
		const struct kx_mement *m = &sys->e[i];
		uint64_t end = m->end;

		if (m->end <= m->start)
			continue;
		if (m->type == KX_MEM_RAM) {
			if (m->start >= KX_CRASH_LOW)
				continue;
			if (end > KX_CRASH_LOW)
				end = KX_CRASH_LOW;
		}
		err = kx_memmap_add(out, m->start, end, m->type);
		if (KX_FAILED(err))
			return err;
	}
	for (i = 0; i < ncrash; i++) {
		struct kx_range r = crash[i], rest[2];
		unsigned j, k;

		if (r.end <= r.start)
			return kx_err(KX_E_MEMMAP, "an empty crash region", r.start, r.end);
		for (k = kx_range_minus(r, hole, rest), j = 0; j < k; j++)
			if (KX_FAILED(err = add_piece(out, rest[j].start, rest[j].end)))
				return err;
	}
	return KX_NOERR;
}

/* ---- the command line ------------------------------------------------------ */

static struct kx_err add(char *buf, size_t cap, const char *w)
{
	return kx_cmdline_add(buf, cap, w, kx_strlen(w), 0);
}

/* "0x<hex>" of v at out (room for 19 bytes); returns the length. */
static size_t put_hex(char *out, uint64_t v)
{
	size_t n = 0;
	int shift;

	out[n++] = '0', out[n++] = 'x';
	for (shift = 60; shift > 0 && !(v >> shift); shift -= 4)
		;
	for (; shift >= 0; shift -= 4)
		out[n++] = "0123456789abcdef"[(v >> shift) & 15];
	return n;
}

struct kx_err kx_crash_cmdline(char *buf, size_t cap, uint64_t elfcorehdr)
{
	char hdr[40] = "elfcorehdr=";
	size_t n = 11;

	if (!cap)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, 0, 0);
	/* kx's own is the one that counts (Linux takes the last anyway); an
	 * earlier one is removed so that the line does not grow on every plan */
	kx_cmdline_drop(buf, "elfcorehdr");
	if (!elfcorehdr)
		return KX_NOERR;
	n += put_hex(hdr + n, elfcorehdr);
	hdr[n] = 0;
	return add(buf, cap, hdr);
}

struct kx_err kx_crash_cmdline_mem(char *buf, size_t cap, struct kx_range usable)
{
	char w[64] = "mem=";
	size_t n = 4;

	if (!cap)
		return kx_err(KX_E_CMDLINE_TOO_LONG, 0, 0, 0);
	kx_cmdline_drop(buf, "mem");
	if (usable.end <= usable.start)
		return KX_NOERR;
	n += put_hex(w + n, usable.end - usable.start);
	w[n++] = '@';
	n += put_hex(w + n, usable.start);
	w[n] = 0;
	return add(buf, cap, w);
}

/* ---- /proc/iomem ----------------------------------------------------------- */

struct kx_err kx_iomem_find(const char *buf, size_t len, const char *name, struct kx_range *out,
			    unsigned max, unsigned *n)
{
	const char *p = buf, *end = buf + len;
	size_t nl = kx_strlen(name);
	uint64_t line = 0;
	int found = 0, nonzero = 0;

	*n = 0;
	while (p < end) {
		const char *eol = p, *q;
		struct kx_iomem_line l;
		size_t tl;

		while (eol < end && *eol != '\n' && *eol)
			eol++;
		line++;
		for (q = p; q < eol && *q == ' '; q++)
			;
		if (q == eol)
			goto next;
		if (!kx_iomem_line(p, eol, &l))
			return kx_err(KX_E_MEMMAP, "a malformed /proc/iomem line", line, 0);
		for (tl = l.namelen; tl && (l.name[tl - 1] == ' ' || l.name[tl - 1] == '\r'); tl--)
			;
		if (tl != nl || kx_memcmp(l.name, name, nl))
			goto next;
		found = 1;
		if (!l.first && !l.last)
			goto next; /* hidden (not root), or an empty resource */
		nonzero = 1;
		if (l.last < l.first || l.last == UINT64_MAX)
			return kx_err(KX_E_MEMMAP, "an inverted /proc/iomem range", line, 0);
		if (*n >= max)
			return kx_err(KX_E_TOO_MANY, name, max, 0);
		out[*n].start = l.first;
		out[*n].end = l.last + 1;
		(*n)++;
	next:
		if (eol < end && !*eol)
			break; /* a NUL ends the text */
		p = eol < end ? eol + 1 : end;
	}
	if (found && !nonzero)
		return kx_err(KX_E_MEMMAP_HIDDEN, 0, 0, 0);
	return KX_NOERR;
}

/* ---- /proc/kcore ------------------------------------------------------------ */

struct kx_err kx_crash_kcore_parse(const uint8_t *buf, size_t len, uint64_t kernel_map,
				   struct kx_crash_kcore *out)
{
	uint64_t phoff, lowest = UINT64_MAX;
	unsigned phnum, i, have_off = 0;

	kx_memset(out, 0, sizeof(*out));
	if (len < KX_ELF64_EHDR)
		return kx_err(KX_E_TRUNCATED, "kcore ELF header", KX_ELF64_EHDR, len);
	if (buf[0] != 0x7f || buf[1] != 'E' || buf[2] != 'L' || buf[3] != 'F')
		return kx_err(KX_E_BAD_HEADER, "kcore ELF magic", kx_le32(buf), 0);
	if (buf[EI_CLASS] != ELFCLASS64 || buf[EI_DATA] != ELFDATA2LSB)
		return kx_err(KX_E_BAD_HEADER, "kcore ELF class", buf[EI_CLASS], 0);
	if (kx_le16(buf + 16) != KX_ET_CORE)
		return kx_err(KX_E_BAD_HEADER, "kcore e_type", kx_le16(buf + 16), 0);
	if (kx_le16(buf + 54) != KX_ELF64_PHDR)
		return kx_err(KX_E_BAD_HEADER, "kcore e_phentsize", kx_le16(buf + 54), 0);
	phoff = kx_le64(buf + 32);
	phnum = kx_le16(buf + 56);
	if (phnum == PN_XNUM)
		return kx_err(KX_E_BAD_HEADER, "kcore e_phnum", phnum, 0);
	if (phoff > len || (uint64_t)phnum * KX_ELF64_PHDR > len - phoff)
		return kx_err(KX_E_TRUNCATED, "kcore program headers",
			      phoff + (uint64_t)phnum * KX_ELF64_PHDR, len);
	for (i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (uint64_t)i * KX_ELF64_PHDR;
		uint64_t vaddr = kx_le64(ph + 16), paddr = kx_le64(ph + 24), memsz = kx_le64(ph + 40);

		if (kx_le32(ph) != KX_PT_LOAD || !memsz)
			continue;
		if (vaddr < kernel_map && vaddr >= (1ull << 63) && vaddr < lowest)
			lowest = vaddr;
		/* p_paddr -1: no physical address (vmalloc, modules, vmemmap);
		 * 0: an old kernel that did not say */
		if (paddr == UINT64_MAX || !paddr)
			continue;
		if (vaddr >= kernel_map) {
			if (!out->text_size && vaddr + memsz > vaddr && paddr + memsz > paddr) {
				out->text_vaddr = vaddr;
				out->text_paddr = paddr;
				out->text_size = memsz;
			}
			continue;
		}
		if (vaddr < paddr)
			return kx_err(KX_E_BAD_HEADER, "kcore direct map", vaddr, paddr);
		if (have_off && out->page_offset != vaddr - paddr)
			return kx_err(KX_E_BAD_HEADER, "kcore direct map", vaddr, paddr);
		out->page_offset = vaddr - paddr;
		have_off = 1;
	}
	/* no physical addresses: the lowest kernel-half mapping, 1 GiB aligned,
	 * is the direct map (kexec-tools does the same) */
	if (!have_off && lowest != UINT64_MAX)
		out->page_offset = kx_align_down(lowest, KX_GiB);
	return KX_NOERR;
}

/* ---- how much memory a crash kernel needs ----------------------------------- */

struct kx_err kx_crash_need(uint64_t loaded, uint64_t unpacked, struct kx_crash_need *n)
{
	uint64_t base, total;

	n->loaded = loaded;
	n->unpacked = unpacked;
	n->runtime = KX_CRASH_RUNTIME;
	base = loaded + unpacked;
	if (base < loaded || base + n->runtime < base || base + n->runtime > (UINT64_MAX >> 7))
		return kx_err(KX_E_NO_SPACE, "crash kernel", UINT64_MAX, 0);
	base += n->runtime;
	/* total = base + total / 64 (a 64-byte struct page per 4 KiB page) */
	total = (base * 64 + 62) / 63;
	n->memmap = total - base;
	if (!kx_align_up(total, 1ull << 20, &n->total) || !kx_align_up(total, 16ull << 20, &n->suggest))
		return kx_err(KX_E_NO_SPACE, "crash kernel", UINT64_MAX, 0);
	return KX_NOERR;
}

/* A newc header field: exactly 8 hex digits. */
static uint64_t cpio_hex(const uint8_t *p)
{
	const char *q = (const char *)p, *end = q + 8;
	uint64_t v;

	return kx_hex_parse(&q, end, &v) && q == end ? v : UINT64_MAX;
}

static uint64_t times4(uint64_t n)
{
	return n > UINT64_MAX / 4 ? UINT64_MAX : n * 4;
}

/* A zstd frame's content size, or 0 when the header does not give it. */
static uint64_t zstd_size(const uint8_t *p, size_t len)
{
	static const uint8_t did_size[4] = { 0, 1, 2, 4 };
	uint8_t fhd;
	unsigned single, fcs_len, off;

	if (len < 5)
		return 0;
	fhd = p[4];
	single = fhd >> 5 & 1;
	fcs_len = (fhd >> 6) == 0 ? single : 1u << (fhd >> 6);
	off = 5 + !single + did_size[fhd & 3];
	if (!fcs_len || off + fcs_len > len)
		return 0;
	switch (fcs_len) {
	case 1: return p[off];
	case 2: return kx_le16(p + off) + 256u;
	case 4: return kx_le32(p + off);
	default: return kx_le64(p + off);
	}
}

uint64_t kx_initramfs_unpacked(const uint8_t *buf, size_t len)
{
	static const uint8_t gz[2] = { 0x1f, 0x8b }, zs[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	uint64_t total = 0, off = 0, rest, est, a;
	unsigned entries = 0;

	while (off < len) {
		while (off < len && !buf[off])
			off++; /* padding between archives */
		if (off >= len)
			break;
		rest = len - off;
		if (rest >= 110 && !kx_memcmp(buf + off, "07070", 5) &&
		    (buf[off + 5] == '1' || buf[off + 5] == '2')) {
			/* newc: 110-byte header, name, file data, each 4-byte aligned */
			uint64_t fsz = cpio_hex(buf + off + 54), nsz = cpio_hex(buf + off + 94), next;

			if (fsz == UINT64_MAX || nsz == UINT64_MAX || ++entries > (1u << 22))
				return total + times4(rest);
			next = (off + 110 + nsz + 3) & ~3ull;
			if (nsz == 11 && next <= len && !kx_memcmp(buf + off + 110, "TRAILER!!!", 10)) {
				off = next;
				continue;
			}
			next = (next + fsz + 3) & ~3ull;
			if (next > len || next <= off)
				return total + times4(rest);
			if (!kx_align_up(fsz, KX_PAGE, &a)) /* a file takes whole pages */
				a = fsz;
			total += a;
			off = next;
			continue;
		}
		/* compressed: the rest of the file is one stream */
		est = 0;
		if (rest >= 18 && !kx_memcmp(buf + off, gz, 2))
			est = kx_le32(buf + len - 4); /* ISIZE, when the member ends the file */
		else if (rest >= 4 && !kx_memcmp(buf + off, zs, 4))
			est = zstd_size(buf + off, (size_t)rest);
		if (est < rest) /* not given, wrapped at 4 GiB, or not plausible */
			est = times4(rest);
		return total + est < total ? UINT64_MAX : total + est;
	}
	return total;
}
