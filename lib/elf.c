/*
 * ELF executable parser (ELF32/ELF64, little endian), arch-independent.
 * Nothing is cast to a struct: every field is read with kx_le*, every offset
 * and size is checked against what is left of the file (never a sum that
 * could wrap), every loop over a count from the file is capped.
 */
#include <kx/bytes.h>
#include <kx/range.h>

/* [off, off + n) inside the len bytes of the file (a sum that wraps is not) */
#define IN_FILE(off, n) kx_range_contains(kx_range_at(0, len), kx_range_at((off), (n)))
#include <kx/elf.h>

#define EI_NIDENT   16
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define EV_CURRENT  1
#define PT_LOAD     1
#define PT_NOTE     4
#define PN_XNUM     0xffff
#define SHN_XINDEX  0xffff

#define EH32_SIZE 52
#define EH64_SIZE 64
#define PH32_SIZE 32
#define PH64_SIZE 56
#define SH32_SIZE 40
#define SH64_SIZE 64

#define MAX_NOTES_PER_SEG 1024
#define XEN_ELFNOTE_GUEST_OS 6

static const uint8_t elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

int kx_elf_probe(const uint8_t *buf, size_t len)
{
	uint16_t type;

	if (len < EI_NIDENT + 2 || kx_memcmp(buf, elf_magic, 4))
		return 0;
	if (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)
		return 0;
	if (buf[EI_DATA] != ELFDATA2LSB)
		return 0;
	type = kx_le16(buf + 16);
	return type == KX_ET_EXEC || type == KX_ET_DYN;
}

/* The error for [off, off + n) not inside the file: truncated, or an offset
 * so large that the end is not even a number. */
static struct kx_err outside(const char *trunc, const char *bad, uint64_t off, uint64_t n,
			     size_t len)
{
	if (off > UINT64_MAX - n)
		return kx_err(KX_E_BAD_HEADER, bad, off, 0);
	return kx_err(KX_E_TRUNCATED, trunc, off + n, len);
}

static void read_phdr(const uint8_t *ph, unsigned cls, uint32_t *type, struct kx_elf_seg *s)
{
	*type = kx_le32(ph);
	if (cls == 32) {
		s->offset = kx_le32(ph + 4);
		s->vaddr = kx_le32(ph + 8);
		s->paddr = kx_le32(ph + 12);
		s->filesz = kx_le32(ph + 16);
		s->memsz = kx_le32(ph + 20);
		s->flags = kx_le32(ph + 24);
		s->align = kx_le32(ph + 28);
	} else {
		s->flags = kx_le32(ph + 4);
		s->offset = kx_le64(ph + 8);
		s->vaddr = kx_le64(ph + 16);
		s->paddr = kx_le64(ph + 24);
		s->filesz = kx_le64(ph + 32);
		s->memsz = kx_le64(ph + 40);
		s->align = kx_le64(ph + 48);
	}
}

static struct kx_err check_load(const struct kx_elf *e, const struct kx_elf_seg *s, size_t len)
{
	uint64_t limit = e->cls == 32 ? 1ull << 32 : UINT64_MAX - (KX_PAGE - 1);
	unsigned i;

	if (s->filesz && !IN_FILE(s->offset, s->filesz))
		return outside("ELF segment", "ELF p_offset + p_filesz (past any file)", s->offset, s->filesz, len);
	/* the end, rounded up to a page, must be an address (ELF32: below 4 GiB) */
	if (s->paddr > limit || s->memsz > limit - s->paddr)
		return kx_err(KX_E_BAD_HEADER, "ELF p_paddr + p_memsz (past the end of memory)",
			      s->paddr, s->memsz);
	for (i = 0; i < e->nload; i++) {
		const struct kx_elf_seg *o = &e->load[i];
		if (kx_range_overlaps((struct kx_range){ s->paddr, s->paddr + s->memsz },
				      (struct kx_range){ o->paddr, o->paddr + o->memsz }))
			return kx_err(KX_E_BAD_HEADER,
				      "ELF PT_LOAD (overlaps another in physical memory)", s->paddr,
				      o->paddr);
	}
	return KX_NOERR;
}

/* e_ident: class, data encoding, version; the header's size for the class. */
static struct kx_err parse_ident(const uint8_t *buf, size_t len, struct kx_elf *out,
				 unsigned *phentsize)
{
	unsigned ehsize;

	if (len < EI_NIDENT)
		return kx_err(KX_E_TRUNCATED, "ELF header", EI_NIDENT, len);
	if (kx_memcmp(buf, elf_magic, 4))
		return kx_err(KX_E_BAD_HEADER, "ELF magic (this is not an ELF file)", kx_le32(buf), 0);
	if (buf[EI_CLASS] == ELFCLASS32) {
		out->cls = 32;
		ehsize = EH32_SIZE;
		*phentsize = PH32_SIZE;
	} else if (buf[EI_CLASS] == ELFCLASS64) {
		out->cls = 64;
		ehsize = EH64_SIZE;
		*phentsize = PH64_SIZE;
	} else {
		return kx_err(KX_E_BAD_HEADER, "ELF class (EI_CLASS)", buf[EI_CLASS], 0);
	}
	if (buf[EI_DATA] == ELFDATA2MSB)
		return kx_err(KX_E_BAD_HEADER, "ELF data encoding (big endian; kx reads little endian)",
			      buf[EI_DATA], 0);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return kx_err(KX_E_BAD_HEADER, "ELF data encoding (EI_DATA)", buf[EI_DATA], 0);
	if (buf[EI_VERSION] != EV_CURRENT)
		return kx_err(KX_E_BAD_HEADER, "ELF version (EI_VERSION)", buf[EI_VERSION], 0);
	if (len < ehsize)
		return kx_err(KX_E_TRUNCATED, "ELF header", ehsize, len);
	return KX_NOERR;
}

/* The rest of the ELF header; the program header table inside the file. */
static struct kx_err parse_ehdr(const uint8_t *buf, size_t len, struct kx_elf *out,
				unsigned phentsize)
{
	unsigned i;
	uint64_t tab;

	out->type = kx_le16(buf + 16);
	out->machine = kx_le16(buf + 18);
	if (kx_le32(buf + 20) != EV_CURRENT)
		return kx_err(KX_E_BAD_HEADER, "ELF e_version", kx_le32(buf + 20), 0);
	if (out->type != KX_ET_EXEC && out->type != KX_ET_DYN)
		return kx_err(KX_E_BAD_HEADER, "ELF e_type (not an executable)", out->type, 0);
	if (out->cls == 32) {
		out->entry = kx_le32(buf + 24);
		out->phoff = kx_le32(buf + 28);
		out->shoff = kx_le32(buf + 32);
		i = 42;
	} else {
		out->entry = kx_le64(buf + 24);
		out->phoff = kx_le64(buf + 32);
		out->shoff = kx_le64(buf + 40);
		i = 54;
	}
	if (kx_le16(buf + i) != phentsize)
		return kx_err(KX_E_BAD_HEADER, "ELF e_phentsize", kx_le16(buf + i), phentsize);
	out->phnum = kx_le16(buf + i + 2);
	out->shentsize = kx_le16(buf + i + 4);
	out->shnum = kx_le16(buf + i + 6);
	out->shstrndx = kx_le16(buf + i + 8);
	if (!out->phnum)
		return kx_err(KX_E_BAD_HEADER, "ELF e_phnum (no program headers)", 0, 0);
	if (out->phnum == PN_XNUM || out->phnum > KX_ELF_MAX_PHDRS)
		return kx_err(KX_E_TOO_MANY, "ELF program headers", KX_ELF_MAX_PHDRS, out->phnum);
	tab = (uint64_t)out->phnum * phentsize;
	if (!IN_FILE(out->phoff, tab))
		return outside("ELF program headers", "ELF e_phoff", out->phoff, tab, len);
	return KX_NOERR;
}

/* The PT_LOADs (checked) and the sane PT_NOTEs. */
static struct kx_err parse_phdrs(const uint8_t *buf, size_t len, struct kx_elf *out,
				 unsigned phentsize)
{
	unsigned i;
	struct kx_err err;

	for (i = 0; i < out->phnum; i++) {
		struct kx_elf_seg s;
		uint32_t type;

		read_phdr(buf + out->phoff + (size_t)i * phentsize, out->cls, &type, &s);
		if (type == PT_NOTE) {
			/* only for kx_elf_find_note: ignored unless sane */
			if (s.filesz && IN_FILE(s.offset, s.filesz) && out->nnote < KX_ELF_MAX_NOTES)
				out->note[out->nnote++] = s;
			continue;
		}
		if (type != PT_LOAD)
			continue;
		if (s.filesz > s.memsz)
			return kx_err(KX_E_BAD_HEADER, "ELF p_filesz (larger than p_memsz)", s.filesz,
				      s.memsz);
		if (!s.memsz)
			continue; /* occupies nothing */
		err = check_load(out, &s, len);
		if (KX_FAILED(err))
			return err;
		if (out->nload == KX_ELF_MAX_LOADS)
			return kx_err(KX_E_TOO_MANY, "PT_LOAD segments", KX_ELF_MAX_LOADS, 0);
		out->load[out->nload++] = s;
	}
	if (!out->nload)
		return kx_err(KX_E_BAD_HEADER, "ELF program headers (no PT_LOAD segment)", out->phnum,
			      0);
	return KX_NOERR;
}

struct kx_err kx_elf_parse(const uint8_t *buf, size_t len, struct kx_elf *out)
{
	unsigned phentsize;
	struct kx_err err;

	kx_memset(out, 0, sizeof(*out));
	err = parse_ident(buf, len, out, &phentsize);
	if (!KX_FAILED(err))
		err = parse_ehdr(buf, len, out, phentsize);
	if (!KX_FAILED(err))
		err = parse_phdrs(buf, len, out, phentsize);
	return err;
}

static uint64_t pad(uint64_t n, uint64_t align)
{
	return (n + (align - 1)) & ~(align - 1); /* n < 2^32: no wrap */
}

static int name_is(const uint8_t *p, uint64_t n, const char *name)
{
	size_t l = kx_strlen(name);

	/* namesz counts the NUL; tolerate a writer that left it out */
	if (n == l + 1)
		return p[l] == 0 && !kx_memcmp(p, name, l);
	return n == l && !kx_memcmp(p, name, l);
}

int kx_elf_find_note(const uint8_t *buf, size_t len, const struct kx_elf *e, const char *name,
		     uint32_t type, int any_type, const uint8_t **desc, size_t *descsz)
{
	unsigned s, guard;

	for (s = 0; s < e->nnote && s < KX_ELF_MAX_NOTES; s++) {
		const struct kx_elf_seg *n = &e->note[s];
		uint64_t align = n->align == 8 ? 8 : 4, pos, end;

		if (!IN_FILE(n->offset, n->filesz))
			continue;
		pos = n->offset;
		end = n->offset + n->filesz;
		for (guard = 0; guard < MAX_NOTES_PER_SEG && end - pos >= 12; guard++) {
			uint64_t namesz = kx_le32(buf + pos), dsz = kx_le32(buf + pos + 4);
			uint32_t t = kx_le32(buf + pos + 8);
			const uint8_t *nm, *d;

			pos += 12;
			if (pad(namesz, align) > end - pos)
				break;
			nm = buf + pos;
			pos += pad(namesz, align);
			if (dsz > end - pos)
				break;
			d = buf + pos;
			/* the last note's padding may be missing */
			pos += pad(dsz, align) > end - pos ? end - pos : pad(dsz, align);
			if (name_is(nm, namesz, name) && (any_type || t == type)) {
				if (desc) {
					*desc = d;
					*descsz = (size_t)dsz;
				}
				return 1;
			}
		}
	}
	return 0;
}

int kx_elf_has_section(const uint8_t *buf, size_t len, const struct kx_elf *e, const char *name)
{
	unsigned shsize = e->cls == 32 ? SH32_SIZE : SH64_SIZE, i;
	size_t l = kx_strlen(name);
	uint64_t stroff, strsize;
	const uint8_t *sh;

	if (e->shentsize != shsize || !e->shnum || e->shnum > KX_ELF_MAX_SECTIONS ||
	    e->shstrndx == SHN_XINDEX || e->shstrndx >= e->shnum ||
	    !IN_FILE(e->shoff, (uint64_t)e->shnum * shsize))
		return 0;
	sh = buf + e->shoff + (size_t)e->shstrndx * shsize;
	stroff = e->cls == 32 ? kx_le32(sh + 16) : kx_le64(sh + 24);
	strsize = e->cls == 32 ? kx_le32(sh + 20) : kx_le64(sh + 32);
	if (!IN_FILE(stroff, strsize))
		return 0;
	for (i = 0; i < e->shnum; i++) {
		uint64_t nm = kx_le32(buf + e->shoff + (size_t)i * shsize);
		if (nm < strsize && l < strsize - nm && !kx_memcmp(buf + stroff + nm, name, l) &&
		    buf[stroff + nm + l] == 0)
			return 1;
	}
	return 0;
}

int kx_elf_is_linux(const uint8_t *buf, size_t len, const struct kx_elf *e)
{
	const uint8_t *d;
	size_t n;

	if (kx_elf_find_note(buf, len, e, "Linux", 0, 1, 0, 0))
		return 1;
	if (kx_elf_find_note(buf, len, e, "Xen", XEN_ELFNOTE_GUEST_OS, 0, &d, &n) && n >= 5 &&
	    !kx_memcmp(d, "linux", 5) && (n == 5 || d[5] == 0))
		return 1;
	return kx_elf_has_section(buf, len, e, "__ksymtab");
}

int kx_elf_to_phys(const struct kx_elf *e, uint64_t addr, uint64_t *paddr)
{
	unsigned i;

	for (i = 0; i < e->nload && i < KX_ELF_MAX_LOADS; i++)
		if (addr >= e->load[i].paddr && addr - e->load[i].paddr < e->load[i].memsz) {
			*paddr = addr;
			return 1;
		}
	for (i = 0; i < e->nload && i < KX_ELF_MAX_LOADS; i++)
		if (addr >= e->load[i].vaddr && addr - e->load[i].vaddr < e->load[i].memsz) {
			*paddr = e->load[i].paddr + (addr - e->load[i].vaddr);
			return 1;
		}
	return 0;
}

int kx_elf_is_program(const uint8_t *buf, size_t len, const struct kx_elf *e)
{
	size_t ent = e->cls == 64 ? 56 : 32;
	unsigned i;

	for (i = 0; i < e->phnum; i++) {
		uint64_t off = e->phoff + (uint64_t)i * ent;
		uint32_t type;
		if (off > len || ent > len - off)
			break;
		type = kx_le32(buf + off);
		if (type == 3 /* PT_INTERP */ || type == 7 /* PT_TLS */)
			return 1;
	}
	return 0;
}

int kx_elf_kernel_probe(const uint8_t *buf, size_t len)
{
	struct kx_elf e;

	if (!kx_elf_probe(buf, len) || KX_FAILED(kx_elf_parse(buf, len, &e)))
		return kx_elf_probe(buf, len); /* damaged: let the loader say why */
	return !kx_elf_is_program(buf, len, &e);
}
