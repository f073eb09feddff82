/*
 * ELF parser (lib/elf.c) and the x86 ELF loader (lib/arch/x86_64/elf.c):
 * synthetic ELF32/ELF64 files mutated row by row, every truncation, random
 * layouts checked against a model of memory, random damage, and the real
 * Debian vmlinux (extracted from the cached bzImage) when it is there.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kx/arch/x86_64.h>
#include <kx/bytes.h>
#include <kx/bzimage.h>
#include <kx/elf.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include "fixtures.h"
#include "t.h"

#define NOLEN ((size_t)-1)
#define SCRATCH_LEN (80 * 1024) /* room a loader gets for what it builds */
#define WHOLE ((struct kx_window){ 0, UINT64_MAX })
#define PAGE 4096ull

/* ---- a synthetic ELF ------------------------------------------------------- */

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_NOTE 4
#define PT_PHDR 6
#define MAX_PH 24

struct ph { uint32_t type; uint64_t offset, vaddr, paddr, filesz, memsz, align; uint32_t flags; };

struct es {
	int cls;               /* 32 or 64 */
	uint8_t magic[4], ei_class, ei_data, ei_version;
	uint32_t version;
	uint16_t type, machine;
	uint64_t entry, phoff, shoff;
	int phentsize;         /* -1: the class's */
	int phnum;             /* -1: nph */
	uint16_t shentsize, shnum, shstrndx;
	unsigned nph;
	struct ph ph[MAX_PH];
	size_t len;            /* file length */
};

/*
 * Default: two PT_LOADs (text: 6 KiB in a 12 KiB segment at 2 MiB, data:
 * 2 KiB in a page at 4 MiB), virtual addresses high, entry virtual; 16 KiB.
 */
static void es_default(struct es *s, int cls)
{
	uint64_t vbase = cls == 64 ? 0xffffffff80000000ull : 0xc0000000ull;

	memset(s, 0, sizeof(*s));
	s->cls = cls;
	memcpy(s->magic, "\x7f" "ELF", 4);
	s->ei_class = cls == 64 ? 2 : 1;
	s->ei_data = 1;
	s->ei_version = 1;
	s->version = 1;
	s->type = KX_ET_EXEC;
	s->machine = cls == 64 ? KX_EM_X86_64 : KX_EM_386;
	s->entry = vbase + 0x200010;
	s->phoff = cls == 64 ? 64 : 52;
	s->phentsize = -1;
	s->phnum = -1;
	s->nph = 2;
	s->ph[0] = (struct ph){ PT_LOAD, 0x1000, vbase + 0x200000, 0x200000, 0x1800, 0x3000, 0x1000,
				KX_PF_R | KX_PF_X };
	s->ph[1] = (struct ph){ PT_LOAD, 0x3000, vbase + 0x400000, 0x400000, 0x800, 0x1000, 0x1000,
				KX_PF_R | KX_PF_W };
	s->len = 0x4000;
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(0x80 | ((i * 13 + 5) & 0x7f)); /* never zero */
}

/* The file, malloc'd with exactly s->len bytes; headers that do not fit are
 * left out; the ELF header is written last. */
static uint8_t *es_build(const struct es *s, size_t *len)
{
	size_t n = s->len, i, eh = s->cls == 64 ? 64 : 52, phs = s->cls == 64 ? 56 : 32;
	uint8_t *b = malloc(n ? n : 1), h[64];
	unsigned phnum = s->phnum < 0 ? s->nph : (unsigned)s->phnum;

	if (!b)
		abort();
	for (i = 0; i < n; i++)
		b[i] = pattern(i);
	memset(h, 0, sizeof(h));
	memcpy(h, s->magic, 4);
	h[4] = s->ei_class;
	h[5] = s->ei_data;
	h[6] = s->ei_version;
	kx_put16(h + 16, s->type);
	kx_put16(h + 18, s->machine);
	kx_put32(h + 20, s->version);
	if (s->cls == 64) {
		kx_put64(h + 24, s->entry);
		kx_put64(h + 32, s->phoff);
		kx_put64(h + 40, s->shoff);
		kx_put16(h + 52, 64);
		kx_put16(h + 54, (uint16_t)(s->phentsize < 0 ? 56 : s->phentsize));
		kx_put16(h + 56, (uint16_t)phnum);
		kx_put16(h + 58, s->shentsize);
		kx_put16(h + 60, s->shnum);
		kx_put16(h + 62, s->shstrndx);
	} else {
		kx_put32(h + 24, (uint32_t)s->entry);
		kx_put32(h + 28, (uint32_t)s->phoff);
		kx_put32(h + 32, (uint32_t)s->shoff);
		kx_put16(h + 40, 52);
		kx_put16(h + 42, (uint16_t)(s->phentsize < 0 ? 32 : s->phentsize));
		kx_put16(h + 44, (uint16_t)phnum);
		kx_put16(h + 46, s->shentsize);
		kx_put16(h + 48, s->shnum);
		kx_put16(h + 50, s->shstrndx);
	}
	for (i = 0; i < s->nph; i++) {
		const struct ph *p = &s->ph[i];
		uint8_t e[56];
		size_t at = (size_t)s->phoff + i * phs;

		if (s->phoff > n || at > n || phs > n - at)
			continue;
		memset(e, 0, sizeof(e));
		kx_put32(e, p->type);
		if (s->cls == 64) {
			kx_put32(e + 4, p->flags);
			kx_put64(e + 8, p->offset);
			kx_put64(e + 16, p->vaddr);
			kx_put64(e + 24, p->paddr);
			kx_put64(e + 32, p->filesz);
			kx_put64(e + 40, p->memsz);
			kx_put64(e + 48, p->align);
		} else {
			kx_put32(e + 4, (uint32_t)p->offset);
			kx_put32(e + 8, (uint32_t)p->vaddr);
			kx_put32(e + 12, (uint32_t)p->paddr);
			kx_put32(e + 16, (uint32_t)p->filesz);
			kx_put32(e + 20, (uint32_t)p->memsz);
			kx_put32(e + 24, p->flags);
			kx_put32(e + 28, (uint32_t)p->align);
		}
		memcpy(b + at, e, phs);
	}
	memcpy(b, h, n < eh ? n : eh); /* last: wins over a table placed on it */
	*len = n;
	return b;
}

/* One ELF note at p; returns its size. */
static size_t put_note(uint8_t *p, const char *name, uint32_t type, const void *desc, size_t dsz,
		       size_t align)
{
	size_t nsz = strlen(name) + 1, at = 12;

	kx_put32(p, (uint32_t)nsz);
	kx_put32(p + 4, (uint32_t)dsz);
	kx_put32(p + 8, type);
	memset(p + at, 0, (nsz + align - 1) & ~(align - 1));
	memcpy(p + at, name, nsz);
	at += (nsz + align - 1) & ~(align - 1);
	memset(p + at, 0, (dsz + align - 1) & ~(align - 1));
	if (dsz)
		memcpy(p + at, desc, dsz);
	return at + ((dsz + align - 1) & ~(align - 1));
}

/* Add a PT_NOTE at file offset off holding the given bytes (written after building). */
#define NOTE_OFF 0x3c00

static void es_add_note_ph(struct es *s, uint64_t off, uint64_t size, uint64_t align)
{
	s->ph[s->nph++] = (struct ph){ PT_NOTE, off, 0, 0, size, size, align, KX_PF_R };
}

/* A Linux-looking ELF: the default plus a "Linux" note (like a vmlinux's build salt). */
static uint8_t *linux_build(struct es *s, size_t *len)
{
	static const uint8_t salt[4] = { 0 };
	uint8_t note[64];
	size_t n = put_note(note, "Linux", 0x100, salt, sizeof(salt), 4);
	uint8_t *b;

	es_add_note_ph(s, NOTE_OFF, n, 4);
	b = es_build(s, len);
	if (*len >= NOTE_OFF + n)
		memcpy(b + NOTE_OFF, note, n);
	return b;
}

/* ---- parser: one mutation per row ------------------------------------------- */

typedef void (*mut_fn)(struct es *s);

static void m_none(struct es *s) { (void)s; }
static void m_magic0(struct es *s) { s->magic[0] = 0x7e; }
static void m_magic3(struct es *s) { s->magic[3] = 'f'; }
static void m_class0(struct es *s) { s->ei_class = 0; }
static void m_class3(struct es *s) { s->ei_class = 3; }
static void m_big_endian(struct es *s) { s->ei_data = 2; }
static void m_data0(struct es *s) { s->ei_data = 0; }
static void m_ei_version0(struct es *s) { s->ei_version = 0; }
static void m_version2(struct es *s) { s->version = 2; }
static void m_type_rel(struct es *s) { s->type = 1; }
static void m_type_core(struct es *s) { s->type = 4; }
static void m_type_none(struct es *s) { s->type = 0; }
static void m_type_dyn(struct es *s) { s->type = KX_ET_DYN; }
static void m_phentsize_other(struct es *s) { s->phentsize = s->cls == 64 ? 32 : 56; }
static void m_phentsize_0(struct es *s) { s->phentsize = 0; }
static void m_phentsize_big(struct es *s) { s->phentsize = s->cls == 64 ? 64 : 40; }
static void m_phnum_0(struct es *s) { s->phnum = 0; }
static void m_phnum_xnum(struct es *s) { s->phnum = 0xffff; }
static void m_phnum_257(struct es *s) { s->phnum = 257; }
static void m_phnum_256(struct es *s) { s->phnum = 256; s->phoff = 0x2800; } /* past the file */
static void m_phnum_3(struct es *s) { s->phnum = 3; } /* a third header of pattern bytes */
static void m_phoff_past_end(struct es *s) { s->phoff = 0x4000; }
static void m_phoff_last_byte(struct es *s) { s->phoff = 0x3fff; }
static void m_phoff_table_cut(struct es *s) { s->phoff = 0x4000 - (s->cls == 64 ? 56 : 32) * 2 + 1; }
static void m_phoff_table_fits(struct es *s) { s->phoff = 0x4000 - (s->cls == 64 ? 56 : 32) * 2; }
static void m_phoff_wrap(struct es *s) { s->phoff = UINT64_MAX - 10; }
static void m_phoff_u32max(struct es *s) { s->phoff = 0xffffffff; }
static void m_phoff_0(struct es *s) { s->phoff = 0; } /* the header is read as phdrs */
static void m_filesz_gt_memsz(struct es *s) { s->ph[0].filesz = s->ph[0].memsz + 1; }
static void m_filesz_eq_memsz(struct es *s) { s->ph[0].filesz = s->ph[0].memsz = 0x2000; }
static void m_seg_past_end(struct es *s) { s->ph[1].filesz = 0x1001; s->ph[1].memsz = 0x2000; }
static void m_seg_to_end(struct es *s) { s->ph[1].filesz = 0x1000; }
static void m_seg_offset_past(struct es *s) { s->ph[1].offset = 0x4001; }
static void m_seg_offset_wrap(struct es *s) { s->ph[0].offset = UINT64_MAX - 0x10; }
static void m_seg_filesz_huge(struct es *s) { s->ph[0].filesz = s->ph[0].memsz = UINT64_MAX; }
static void m_seg_filesz_u32(struct es *s) { s->ph[0].filesz = s->ph[0].memsz = 0xffffffff; }
static void m_bss_offset_past(struct es *s) { s->ph[1].offset = 0x7fff0000; s->ph[1].filesz = 0; }
static void m_memsz_0_skipped(struct es *s) { s->ph[1].filesz = 0; s->ph[1].memsz = 0; }
static void m_memsz_0_filesz(struct es *s) { s->ph[1].filesz = 1; s->ph[1].memsz = 0; }
static void m_all_memsz_0(struct es *s) { s->ph[0].filesz = s->ph[0].memsz = 0; m_memsz_0_skipped(s); }
static void m_only_notes(struct es *s) { s->ph[0].type = PT_NOTE; s->ph[1].type = PT_NOTE; }
static void m_paddr_wrap(struct es *s) { s->ph[1].paddr = UINT64_MAX - 0x7ff; }
static void m_paddr_top_page(struct es *s) { s->ph[1].paddr = UINT64_MAX - 0xfff; s->ph[1].memsz = 0x1000; }
static void m_paddr_round_wraps(struct es *s)
{
	s->ph[1].paddr = UINT64_MAX - 0xfff;
	s->ph[1].memsz = 0x1;
	s->ph[1].filesz = 0;
}
static void m_paddr_end_below_top(struct es *s) { s->ph[1].paddr = 0xffffffffffffe000ull; s->ph[1].memsz = 0x1000; }
static void m_paddr32_to_4g(struct es *s) { s->ph[1].paddr = 0xfffff000; s->ph[1].memsz = 0x1000; }
static void m_paddr32_past_4g(struct es *s) { s->ph[1].paddr = 0xfffff000; s->ph[1].memsz = 0x1001; }
static void m_memsz_huge(struct es *s) { s->ph[1].memsz = UINT64_MAX; }
static void m_overlap_same(struct es *s) { s->ph[1].paddr = s->ph[0].paddr; }
static void m_overlap_one_byte(struct es *s) { s->ph[1].paddr = s->ph[0].paddr + s->ph[0].memsz - 1; }
static void m_overlap_inside(struct es *s) { s->ph[1].paddr = s->ph[0].paddr + 0x1000; s->ph[1].memsz = 0x800; }
static void m_overlap_before(struct es *s) { s->ph[1].paddr = s->ph[0].paddr - 0x800; }
static void m_adjacent(struct es *s) { s->ph[1].paddr = s->ph[0].paddr + s->ph[0].memsz; }
static void m_share_page(struct es *s) { s->ph[0].memsz = 0x2900; s->ph[1].paddr = 0x202a00; }
static void m_overlap_third(struct es *s)
{
	s->ph[2] = s->ph[1];
	s->ph[2].paddr = s->ph[1].paddr + 0xfff;
	s->nph = 3;
}

static void loads(struct es *s, unsigned n)
{
	unsigned i;

	s->nph = n;
	for (i = 0; i < n; i++)
		s->ph[i] = (struct ph){ PT_LOAD, 0x1000, 0x1000000 + i * 0x10000, 0x1000000 + i * 0x10000,
					0x100, 0x1000, 0x1000, KX_PF_R };
	s->entry = 0x1000000;
}
static void m_16_loads(struct es *s) { loads(s, 16); }
static void m_17_loads(struct es *s) { loads(s, 17); }
static void m_17_with_empty(struct es *s) { loads(s, 17); s->ph[5].memsz = 0; s->ph[5].filesz = 0; }
static void m_other_types(struct es *s)
{
	/* headers kx ignores may hold anything */
	s->ph[2] = (struct ph){ PT_DYNAMIC, UINT64_MAX, 1, 2, UINT64_MAX, 3, 0, 0 };
	s->ph[3] = (struct ph){ PT_PHDR, 0xffff0000, 0, 0, 0xffff, 0xffff, 8, 0 };
	s->ph[4] = (struct ph){ 0x6474e551 /* GNU_STACK */, 0, 0, 0, 0, 0, 16, 6 };
	s->ph[5] = (struct ph){ PT_NOTE, UINT64_MAX - 1, 0, 0, 100, 100, 4, 0 }; /* outside: ignored */
	s->nph = 6;
}
static void m_machine_arm(struct es *s) { s->machine = KX_EM_AARCH64; }

struct prow {
	const char *name;
	mut_fn mut;
	int cls;                /* 0: both classes, else only this one */
	size_t trunc;           /* NOLEN: whole file */
	enum kx_errcode want;
	const char *what;       /* substring of err.what, or NULL */
};

static const struct prow parse_rows[] = {
	{ "default", m_none, 0, NOLEN, KX_OK, 0 },
	{ "magic byte 0", m_magic0, 0, NOLEN, KX_E_BAD_HEADER, "magic" },
	{ "magic byte 3", m_magic3, 0, NOLEN, KX_E_BAD_HEADER, "magic" },
	{ "class 0", m_class0, 0, NOLEN, KX_E_BAD_HEADER, "class" },
	{ "class 3", m_class3, 0, NOLEN, KX_E_BAD_HEADER, "class" },
	{ "big endian", m_big_endian, 0, NOLEN, KX_E_BAD_HEADER, "big endian" },
	{ "data encoding 0", m_data0, 0, NOLEN, KX_E_BAD_HEADER, "data encoding" },
	{ "EI_VERSION 0", m_ei_version0, 0, NOLEN, KX_E_BAD_HEADER, "EI_VERSION" },
	{ "e_version 2", m_version2, 0, NOLEN, KX_E_BAD_HEADER, "e_version" },
	{ "ET_REL", m_type_rel, 0, NOLEN, KX_E_BAD_HEADER, "e_type" },
	{ "ET_CORE", m_type_core, 0, NOLEN, KX_E_BAD_HEADER, "e_type" },
	{ "ET_NONE", m_type_none, 0, NOLEN, KX_E_BAD_HEADER, "e_type" },
	{ "ET_DYN accepted", m_type_dyn, 0, NOLEN, KX_OK, 0 },
	{ "phentsize of the other class", m_phentsize_other, 0, NOLEN, KX_E_BAD_HEADER, "e_phentsize" },
	{ "phentsize 0", m_phentsize_0, 0, NOLEN, KX_E_BAD_HEADER, "e_phentsize" },
	{ "phentsize larger", m_phentsize_big, 0, NOLEN, KX_E_BAD_HEADER, "e_phentsize" },
	{ "phnum 0", m_phnum_0, 0, NOLEN, KX_E_BAD_HEADER, "e_phnum" },
	{ "phnum 0xffff (PN_XNUM)", m_phnum_xnum, 0, NOLEN, KX_E_TOO_MANY, "program headers" },
	{ "phnum 257", m_phnum_257, 0, NOLEN, KX_E_TOO_MANY, "program headers" },
	{ "phnum 256, table past the end", m_phnum_256, 0, NOLEN, KX_E_TRUNCATED, "program headers" },
	{ "phnum 3 (pattern bytes)", m_phnum_3, 0, NOLEN, KX_OK, 0 },
	{ "phoff at the end", m_phoff_past_end, 0, NOLEN, KX_E_TRUNCATED, "program headers" },
	{ "phoff at the last byte", m_phoff_last_byte, 0, NOLEN, KX_E_TRUNCATED, "program headers" },
	{ "phdr table cut by a byte", m_phoff_table_cut, 0, NOLEN, KX_E_TRUNCATED, "program headers" },
	{ "phdr table at the very end", m_phoff_table_fits, 0, NOLEN, KX_OK, 0 },
	{ "phoff wraps", m_phoff_wrap, 64, NOLEN, KX_E_BAD_HEADER, "e_phoff" },
	{ "phoff 0xffffffff", m_phoff_u32max, 0, NOLEN, KX_E_TRUNCATED, "program headers" },
	{ "phoff 0 (header as phdrs)", m_phoff_0, 0, NOLEN, KX_E_BAD_HEADER, "no PT_LOAD" },
	{ "filesz > memsz", m_filesz_gt_memsz, 0, NOLEN, KX_E_BAD_HEADER, "p_filesz" },
	{ "filesz == memsz", m_filesz_eq_memsz, 0, NOLEN, KX_OK, 0 },
	{ "segment past the end by a byte", m_seg_past_end, 0, NOLEN, KX_E_TRUNCATED, "ELF segment" },
	{ "segment up to the last byte", m_seg_to_end, 0, NOLEN, KX_OK, 0 },
	{ "segment offset past the end", m_seg_offset_past, 0, NOLEN, KX_E_TRUNCATED, "ELF segment" },
	{ "segment offset + filesz wraps", m_seg_offset_wrap, 64, NOLEN, KX_E_BAD_HEADER, "p_offset" },
	{ "segment filesz 2^64-1", m_seg_filesz_huge, 64, NOLEN, KX_E_BAD_HEADER, "p_offset" },
	{ "segment filesz 2^32-1", m_seg_filesz_u32, 0, NOLEN, KX_E_TRUNCATED, "ELF segment" },
	{ "bss-only segment, offset past the end", m_bss_offset_past, 0, NOLEN, KX_OK, 0 },
	{ "memsz 0 skipped", m_memsz_0_skipped, 0, NOLEN, KX_OK, 0 },
	{ "memsz 0 with filesz 1", m_memsz_0_filesz, 0, NOLEN, KX_E_BAD_HEADER, "p_filesz" },
	{ "every PT_LOAD empty", m_all_memsz_0, 0, NOLEN, KX_E_BAD_HEADER, "no PT_LOAD" },
	{ "only PT_NOTEs", m_only_notes, 0, NOLEN, KX_E_BAD_HEADER, "no PT_LOAD" },
	{ "paddr + memsz wraps", m_paddr_wrap, 64, NOLEN, KX_E_BAD_HEADER, "p_paddr" },
	{ "last page of memory", m_paddr_top_page, 64, NOLEN, KX_E_BAD_HEADER, "p_paddr" },
	{ "rounded-up end wraps", m_paddr_round_wraps, 64, NOLEN, KX_E_BAD_HEADER, "p_paddr" },
	{ "end one page below the top", m_paddr_end_below_top, 64, NOLEN, KX_OK, 0 },
	{ "ELF32 up to 4 GiB", m_paddr32_to_4g, 32, NOLEN, KX_OK, 0 },
	{ "ELF32 past 4 GiB", m_paddr32_past_4g, 32, NOLEN, KX_E_BAD_HEADER, "p_paddr" },
	{ "memsz 2^64-1", m_memsz_huge, 64, NOLEN, KX_E_BAD_HEADER, "p_paddr" },
	{ "overlap: same paddr", m_overlap_same, 0, NOLEN, KX_E_BAD_HEADER, "overlaps" },
	{ "overlap: one byte", m_overlap_one_byte, 0, NOLEN, KX_E_BAD_HEADER, "overlaps" },
	{ "overlap: inside", m_overlap_inside, 0, NOLEN, KX_E_BAD_HEADER, "overlaps" },
	{ "overlap: starts before", m_overlap_before, 0, NOLEN, KX_E_BAD_HEADER, "overlaps" },
	{ "overlap: third with second", m_overlap_third, 0, NOLEN, KX_E_BAD_HEADER, "overlaps" },
	{ "adjacent", m_adjacent, 0, NOLEN, KX_OK, 0 },
	{ "sharing a page, not overlapping", m_share_page, 0, NOLEN, KX_OK, 0 },
	{ "16 PT_LOADs", m_16_loads, 0, NOLEN, KX_OK, 0 },
	{ "17 PT_LOADs", m_17_loads, 0, NOLEN, KX_E_TOO_MANY, "PT_LOAD" },
	{ "17 PT_LOADs, one empty", m_17_with_empty, 0, NOLEN, KX_OK, 0 },
	{ "other program headers ignored", m_other_types, 0, NOLEN, KX_OK, 0 },
	{ "any machine", m_machine_arm, 0, NOLEN, KX_OK, 0 },
	/* truncation at the header boundaries */
	{ "empty", m_none, 0, 0, KX_E_TRUNCATED, "ELF header" },
	{ "4 bytes", m_none, 0, 4, KX_E_TRUNCATED, "ELF header" },
	{ "15 bytes", m_none, 0, 15, KX_E_TRUNCATED, "ELF header" },
	{ "16 bytes (e_ident)", m_none, 0, 16, KX_E_TRUNCATED, "ELF header" },
	{ "51 bytes", m_none, 0, 51, KX_E_TRUNCATED, "ELF header" },
	{ "52 bytes (ELF32 header)", m_none, 32, 52, KX_E_TRUNCATED, "program headers" },
	{ "63 bytes", m_none, 64, 63, KX_E_TRUNCATED, "ELF header" },
	{ "64 bytes (ELF64 header)", m_none, 64, 64, KX_E_TRUNCATED, "program headers" },
	{ "bad magic beats truncation", m_magic0, 0, 20, KX_E_BAD_HEADER, "magic" },
	{ "big endian, 16 bytes", m_big_endian, 0, 16, KX_E_BAD_HEADER, "big endian" },
	{ "second segment cut", m_none, 0, 0x3000 + 0x7ff, KX_E_TRUNCATED, "ELF segment" },
	{ "just enough", m_none, 0, 0x3800, KX_OK, 0 },
};

TEST(elf_parse_table)
{
	static const int classes[] = { 32, 64 };
	size_t r, c;

	for (r = 0; r < T_ARRAY_SIZE(parse_rows); r++) {
		const struct prow *row = &parse_rows[r];
		for (c = 0; c < 2; c++) {
			struct es s;
			struct kx_elf e;
			struct kx_err err;
			uint8_t *img, *cut;
			size_t len;

			if (row->cls && row->cls != classes[c])
				continue;
			T_ROW("%s (ELF%d)", row->name, classes[c]);
			es_default(&s, classes[c]);
			row->mut(&s);
			img = es_build(&s, &len);
			if (row->trunc != NOLEN && row->trunc < len)
				len = row->trunc;
			cut = dup_exact(img, len);
			err = kx_elf_parse(cut, len, &e);
			if (CHECK_ERR(err, row->want) && row->what)
				CHECK(err.what && strstr(err.what, row->what));
			if (row->want == KX_OK)
				CHECK_EQ(e.cls, classes[c]);
			if (row->want == KX_E_TRUNCATED)
				CHECK(err.a > len && err.b == len);
			free(cut);
			free(img);
		}
	}
}

/* What the parser found in the default files, field by field. */
TEST(elf_parse_fields)
{
	static const int classes[] = { 32, 64 };
	size_t c, i;

	for (c = 0; c < 2; c++) {
		struct es s;
		struct kx_elf e;
		uint8_t *img;
		size_t len;

		T_ROW("ELF%d", classes[c]);
		es_default(&s, classes[c]);
		s.type = KX_ET_DYN;
		s.ph[1].flags = 0xf0000007;
		img = es_build(&s, &len);
		if (CHECK_OK(kx_elf_parse(img, len, &e))) {
			CHECK_EQ(e.cls, classes[c]);
			CHECK_EQ(e.type, KX_ET_DYN);
			CHECK_EQ(e.machine, classes[c] == 64 ? 62 : 3);
			CHECK_EQ(e.entry, s.entry);
			CHECK_EQ(e.phnum, 2);
			CHECK_EQ(e.nload, 2);
			CHECK_EQ(e.nnote, 0);
			for (i = 0; i < 2; i++) {
				T_ROW("ELF%d load %zu", classes[c], i);
				CHECK_EQ(e.load[i].paddr, s.ph[i].paddr);
				CHECK_EQ(e.load[i].vaddr, s.ph[i].vaddr);
				CHECK_EQ(e.load[i].offset, s.ph[i].offset);
				CHECK_EQ(e.load[i].filesz, s.ph[i].filesz);
				CHECK_EQ(e.load[i].memsz, s.ph[i].memsz);
				CHECK_EQ(e.load[i].align, s.ph[i].align);
				CHECK_EQ(e.load[i].flags, s.ph[i].flags);
			}
		}
		free(img);
	}
}

/* Cut the file at every length: never a crash, and the right error at each boundary. */
TEST(elf_parse_every_prefix)
{
	static const int classes[] = { 32, 64 };
	size_t c, n;

	for (c = 0; c < 2; c++) {
		struct es s;
		uint8_t *img;
		size_t len, eh = classes[c] == 64 ? 64 : 52, pht = eh + 2 * (classes[c] == 64 ? 56 : 32);

		es_default(&s, classes[c]);
		img = es_build(&s, &len);
		for (n = 0; n <= len; n++) {
			struct kx_elf e;
			uint8_t *cut = dup_exact(img, n);
			struct kx_err err = kx_elf_parse(cut, n, &e);
			const char *want = n < eh ? "ELF header" : n < pht ? "ELF program headers"
					   : n < 0x3800 ? "ELF segment" : 0;

			T_ROW("ELF%d cut at %zu", classes[c], n);
			if (want) {
				if (CHECK_ERR(err, KX_E_TRUNCATED))
					CHECK_STR(err.what, want);
			} else {
				CHECK_OK(err);
			}
			CHECK_EQ(kx_elf_probe(cut, n), n >= 18);
			free(cut);
		}
		free(img);
	}
}

TEST(elf_probe_table)
{
	static const struct { const char *name; mut_fn mut; int want; } rows[] = {
		{ "default", m_none, 1 },         { "ET_DYN", m_type_dyn, 1 },
		{ "ET_REL", m_type_rel, 0 },      { "ET_CORE", m_type_core, 0 },
		{ "bad magic", m_magic3, 0 },     { "class 3", m_class3, 0 },
		{ "big endian", m_big_endian, 0 }, { "any machine", m_machine_arm, 1 },
		{ "no program headers", m_phnum_0, 1 }, /* probe is cheap: load reports it */
	};
	static const uint8_t junk[64] = { 0x4d, 0x5a };
	size_t r, c;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++)
		for (c = 32; c <= 64; c += 32) {
			struct es s;
			uint8_t *img;
			size_t len;

			T_ROW("%s ELF%zu", rows[r].name, c);
			es_default(&s, (int)c);
			rows[r].mut(&s);
			img = es_build(&s, &len);
			CHECK_EQ(kx_elf_probe(img, len), rows[r].want);
			free(img);
		}
	T_ROW("junk");
	CHECK_EQ(kx_elf_probe(junk, sizeof(junk)), 0);
	CHECK_EQ(kx_elf_probe(junk, 0), 0);
}

/* Every byte of the headers replaced by a few values: the parser never reads
 * out of bounds (ASan) and whatever it accepts obeys its guarantees. */
TEST(elf_parse_header_byte_mutations)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	size_t c, i, v;

	for (c = 32; c <= 64; c += 32) {
		struct es s;
		uint8_t *img;
		size_t len, hdrs;

		es_default(&s, (int)c);
		img = es_build(&s, &len);
		hdrs = (c == 64 ? 64 : 52) + 2 * (c == 64 ? 56 : 32);
		for (i = 0; i < hdrs; i++)
			for (v = 0; v < T_ARRAY_SIZE(vals); v++) {
				struct kx_elf e;
				uint8_t *m = dup_exact(img, len);
				unsigned k, j;

				m[i] = vals[v];
				if (KX_FAILED(kx_elf_parse(m, len, &e))) {
					free(m);
					continue;
				}
				T_ROW("ELF%zu byte %zu = 0x%02x", c, i, vals[v]);
				CHECK(e.nload >= 1 && e.nload <= KX_ELF_MAX_LOADS);
				for (k = 0; k < e.nload; k++) {
					const struct kx_elf_seg *l = &e.load[k];
					CHECK(l->filesz <= l->memsz && l->memsz);
					CHECK(!l->filesz || (l->offset <= len && l->filesz <= len - l->offset));
					for (j = 0; j < k; j++)
						CHECK(l->paddr >= e.load[j].paddr + e.load[j].memsz ||
						      e.load[j].paddr >= l->paddr + l->memsz);
				}
				free(m);
			}
		free(img);
	}
}

/* ---- notes, sections, Linux detection, entry conversion ------------------ */

TEST(elf_find_note)
{
	static const uint8_t d4[4] = { 1, 2, 3, 4 };
	struct es s;
	struct kx_elf e;
	uint8_t *img, notes[256];
	size_t len, n = 0, at;
	const uint8_t *d;
	size_t dsz;

	n += put_note(notes + n, "GNU", 3, "0123456789abcdefghij", 20, 4);
	n += put_note(notes + n, "Xen", 6, "linux", 6, 4);
	at = n;
	n += put_note(notes + n, "Linux", 0x100, d4, 4, 4);
	n += put_note(notes + n, "Empty", 7, 0, 0, 4);
	es_default(&s, 64);
	es_add_note_ph(&s, NOTE_OFF, n, 4);
	img = es_build(&s, &len);
	memcpy(img + NOTE_OFF, notes, n);
	REQUIRE(CHECK_OK(kx_elf_parse(img, len, &e)));
	CHECK_EQ(e.nnote, 1);
	CHECK(kx_elf_find_note(img, len, &e, "Linux", 0, 1, &d, &dsz));
	CHECK(d == img + NOTE_OFF + at + 12 + 8 && dsz == 4 && !memcmp(d, d4, 4));
	CHECK(kx_elf_find_note(img, len, &e, "Linux", 0x100, 0, 0, 0));
	CHECK(!kx_elf_find_note(img, len, &e, "Linux", 0x101, 0, 0, 0));
	CHECK(kx_elf_find_note(img, len, &e, "Xen", 6, 0, &d, &dsz));
	CHECK(dsz == 6 && !memcmp(d, "linux", 6));
	CHECK(kx_elf_find_note(img, len, &e, "GNU", 3, 0, 0, 0));
	CHECK(kx_elf_find_note(img, len, &e, "Empty", 7, 0, &d, &dsz) && dsz == 0);
	CHECK(!kx_elf_find_note(img, len, &e, "Linu", 0, 1, 0, 0));
	CHECK(!kx_elf_find_note(img, len, &e, "Linuxx", 0, 1, 0, 0));
	CHECK(!kx_elf_find_note(img, len, &e, "", 0, 1, 0, 0));
	CHECK(kx_elf_is_linux(img, len, &e));
	free(img);
}

/* Damaged notes: every cut of the note segment and absurd sizes. */
TEST(elf_find_note_hostile)
{
	static const struct { const char *name; uint32_t namesz, descsz; int found; } rows[] = {
		{ "sane", 6, 4, 1 },
		{ "namesz huge", 0xffffffff, 4, 0 },
		{ "namesz past the segment", 64, 4, 0 },
		{ "descsz huge", 6, 0xffffffff, 0 },
		{ "descsz past the segment", 6, 5, 0 },
		{ "namesz 0", 0, 4, 0 },
		{ "namesz 5 (no NUL)", 5, 4, 1 },
		{ "namesz 7", 7, 4, 0 },
	};
	size_t r, cut;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		uint8_t note[64];
		size_t n = put_note(note, "Linux", 0x100, "abcd", 4, 4);

		kx_put32(note, rows[r].namesz);
		kx_put32(note + 4, rows[r].descsz);
		for (cut = 0; cut <= n; cut++) {
			struct es s;
			struct kx_elf e;
			uint8_t *img;
			size_t len;

			T_ROW("%s, note segment of %zu bytes", rows[r].name, cut);
			es_default(&s, 64);
			es_add_note_ph(&s, NOTE_OFF, cut, 4);
			s.len = NOTE_OFF + cut; /* the segment ends the file: ASan sees any over-read */
			s.ph[1].filesz = 0;
			img = es_build(&s, &len);
			memcpy(img + NOTE_OFF, note, cut);
			if (!CHECK_OK(kx_elf_parse(img, len, &e))) {
				free(img);
				continue;
			}
			CHECK_EQ(e.nnote, cut ? 1 : 0);
			/* the descriptor's padding may be missing from the last note */
			CHECK_EQ(kx_elf_find_note(img, len, &e, "Linux", 0, 1, 0, 0),
				 rows[r].found && cut >= n - 0);
			free(img);
		}
	}
}

/* The note alignment follows p_align: 8 for ELF64 notes written that way. */
TEST(elf_find_note_align8)
{
	struct es s;
	struct kx_elf e;
	uint8_t *img, notes[128];
	size_t len, n = 0;

	n += put_note(notes + n, "GNU", 5, "12345678abcd", 12, 8);
	n += put_note(notes + n, "Linux", 1, "x", 1, 8);
	es_default(&s, 64);
	es_add_note_ph(&s, NOTE_OFF, n, 8);
	img = es_build(&s, &len);
	memcpy(img + NOTE_OFF, notes, n);
	REQUIRE(CHECK_OK(kx_elf_parse(img, len, &e)));
	CHECK(kx_elf_find_note(img, len, &e, "Linux", 1, 0, 0, 0));
	e.note[0].align = 4; /* read with the wrong alignment: lost, but no harm */
	CHECK(!kx_elf_find_note(img, len, &e, "Linux", 1, 0, 0, 0));
	free(img);
}

/* A section header table with a string table at the given offsets. */
static uint8_t *with_sections(int cls, const char *const *names, size_t nnames, size_t *len,
			      struct es *s)
{
	size_t shs = cls == 64 ? 64 : 40, stroff = 0x3400, shoff = 0x3800, i, at = 1;
	uint8_t strtab[512], *img;

	es_default(s, cls);
	s->shoff = shoff;
	s->shentsize = (uint16_t)shs;
	s->shnum = (uint16_t)(nnames + 2);
	s->shstrndx = (uint16_t)(nnames + 1);
	s->ph[1].filesz = 0x400; /* leave room */
	s->len = shoff + (nnames + 2) * shs;
	img = es_build(s, len);
	strtab[0] = 0;
	memset(img + shoff, 0, (nnames + 2) * shs);
	for (i = 0; i <= nnames; i++) {
		const char *nm = i < nnames ? names[i] : ".shstrtab";
		kx_put32(img + shoff + (i + 1) * shs, (uint32_t)at);
		memcpy(strtab + at, nm, strlen(nm) + 1);
		at += strlen(nm) + 1;
	}
	{
		uint8_t *sh = img + shoff + (nnames + 1) * shs;
		kx_put32(sh + 4, 3);
		if (cls == 64) {
			kx_put64(sh + 24, stroff);
			kx_put64(sh + 32, at);
		} else {
			kx_put32(sh + 16, (uint32_t)stroff);
			kx_put32(sh + 20, (uint32_t)at);
		}
	}
	memcpy(img + stroff, strtab, at);
	return img;
}

TEST(elf_has_section)
{
	static const char *const names[] = { ".text", "__ksymtab", "__ksymtab_gpl", ".init.text" };
	size_t c;

	for (c = 32; c <= 64; c += 32) {
		struct es s;
		struct kx_elf e;
		size_t len, shs = c == 64 ? 64 : 40;
		uint8_t *img = with_sections((int)c, names, 4, &len, &s);

		T_ROW("ELF%zu", c);
		if (!CHECK_OK(kx_elf_parse(img, len, &e))) {
			free(img);
			continue;
		}
		CHECK(kx_elf_has_section(img, len, &e, ".text"));
		CHECK(kx_elf_has_section(img, len, &e, "__ksymtab"));
		CHECK(kx_elf_has_section(img, len, &e, ".shstrtab"));
		CHECK(!kx_elf_has_section(img, len, &e, "__ksymta"));
		CHECK(!kx_elf_has_section(img, len, &e, "ksymtab"));
		CHECK(!kx_elf_has_section(img, len, &e, ".data"));
		CHECK(kx_elf_is_linux(img, len, &e));
		/* hostile tables: each makes the lookup give up */
		{
			struct kx_elf b = e;
			b.shentsize = (uint16_t)(shs + 1);
			CHECK(!kx_elf_has_section(img, len, &b, ".text"));
			b = e;
			b.shstrndx = b.shnum;
			CHECK(!kx_elf_has_section(img, len, &b, ".text"));
			b = e;
			b.shstrndx = 0xffff;
			CHECK(!kx_elf_has_section(img, len, &b, ".text"));
			b = e;
			b.shnum = 0;
			CHECK(!kx_elf_has_section(img, len, &b, ".text"));
			b = e;
			b.shnum = KX_ELF_MAX_SECTIONS + 1;
			CHECK(!kx_elf_has_section(img, len, &b, ".text"));
			b = e;
			b.shoff = len - shs * b.shnum + 1;
			CHECK(!kx_elf_has_section(img, len, &b, ".text"));
			b = e;
			b.shoff = UINT64_MAX - 8;
			CHECK(!kx_elf_has_section(img, len, &b, ".text"));
		}
		/* string table size past the end, then a name offset past the table */
		{
			uint8_t *sh = img + s.shoff + (size_t)s.shstrndx * shs;
			if (c == 64)
				kx_put64(sh + 32, len);
			else
				kx_put32(sh + 20, (uint32_t)len);
			CHECK(!kx_elf_has_section(img, len, &e, ".text"));
			if (c == 64)
				kx_put64(sh + 32, 7);
			else
				kx_put32(sh + 20, 7);
			CHECK(kx_elf_has_section(img, len, &e, ".text")); /* [1, 7) still holds it */
			if (c == 64)
				kx_put64(sh + 32, 6);
			else
				kx_put32(sh + 20, 6);
			CHECK(!kx_elf_has_section(img, len, &e, ".text")); /* its NUL is cut off */
			kx_put32(img + s.shoff + shs, 0xffffffff);
			CHECK(!kx_elf_has_section(img, len, &e, ".text"));
		}
		free(img);
	}
}

TEST(elf_is_linux_table)
{
	static const struct { const char *row; const char *name; uint32_t type; const char *desc;
			      size_t dsz; int linux; } rows[] = {
		{ "Linux note", "Linux", 0x100, "\0\0\0\0", 4, 1 },
		{ "Linux note, other type", "Linux", 0x101, "x", 1, 1 },
		{ "Xen GUEST_OS linux", "Xen", 6, "linux", 6, 1 },
		{ "Xen GUEST_OS linux, no NUL", "Xen", 6, "linux", 5, 1 },
		{ "Xen GUEST_OS netbsd", "Xen", 6, "netbsd", 7, 0 },
		{ "Xen GUEST_OS linuxx", "Xen", 6, "linuxx", 7, 0 },
		{ "Xen GUEST_OS lin", "Xen", 6, "lin", 4, 0 },
		{ "Xen other type linux", "Xen", 5, "linux", 6, 0 },
		{ "GNU build id", "GNU", 3, "0123456789abcdef0123", 20, 0 },
		{ "LINUX (core file note)", "LINUX", 0x202, "x", 1, 0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct es s;
		struct kx_elf e;
		uint8_t *img, note[64];
		size_t len, n = put_note(note, rows[r].name, rows[r].type, rows[r].desc, rows[r].dsz, 4);

		T_ROW("%s", rows[r].row);
		es_default(&s, 64);
		es_add_note_ph(&s, NOTE_OFF, n, 4);
		img = es_build(&s, &len);
		memcpy(img + NOTE_OFF, note, n);
		if (CHECK_OK(kx_elf_parse(img, len, &e)))
			CHECK_EQ(kx_elf_is_linux(img, len, &e), rows[r].linux);
		free(img);
	}
	{
		struct es s;
		struct kx_elf e;
		uint8_t *img;
		size_t len;

		T_ROW("no notes, no sections");
		es_default(&s, 64);
		img = es_build(&s, &len);
		if (CHECK_OK(kx_elf_parse(img, len, &e)))
			CHECK(!kx_elf_is_linux(img, len, &e));
		free(img);
	}
}

TEST(elf_to_phys_table)
{
	static const struct { uint64_t addr; int ok; uint64_t phys; } rows[] = {
		{ 0x200000, 1, 0x200000 },                  /* physical, first byte */
		{ 0x202fff, 1, 0x202fff },                  /* physical, last byte of memsz */
		{ 0x203000, 0, 0 },                         /* past memsz */
		{ 0x1fffff, 0, 0 },
		{ 0x400fff, 1, 0x400fff },
		{ 0xffffffff80200010ull, 1, 0x200010 },     /* virtual */
		{ 0xffffffff80202fffull, 1, 0x202fff },
		{ 0xffffffff80203000ull, 0, 0 },
		{ 0xffffffff80400000ull, 1, 0x400000 },
		{ 0, 0, 0 },
		{ UINT64_MAX, 0, 0 },
	};
	struct es s;
	struct kx_elf e;
	uint8_t *img;
	size_t len, r;

	es_default(&s, 64);
	img = es_build(&s, &len);
	REQUIRE(CHECK_OK(kx_elf_parse(img, len, &e)));
	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		uint64_t p = 0xdead;
		T_ROW("0x%llx", (unsigned long long)rows[r].addr);
		if (CHECK_EQ(kx_elf_to_phys(&e, rows[r].addr, &p), rows[r].ok) && rows[r].ok)
			CHECK_EQ(p, rows[r].phys);
	}
	/* physical wins when an address is both (vmlinux: percpu at vaddr 0) */
	e.load[1].vaddr = 0x200000;
	T_ROW("ambiguous");
	{
		uint64_t p = 0;
		CHECK(kx_elf_to_phys(&e, 0x200010, &p) && p == 0x200010);
	}
	free(img);
}

/* ---- the loader ------------------------------------------------------------ */

struct ld {
	struct es spec;
	uint8_t *img;
	size_t len;
	struct kx_sysinfo si;
	uint8_t *scratch;
	struct kx_load_req req;
	struct kx_plan plan;
	struct kx_elf elf;
};

static const char default_cmdline[] = "console=ttyS0 root=/dev/vda";

static void ld_setup(struct ld *c)
{
	mm_std(&c->si.mem);
	c->scratch = malloc(SCRATCH_LEN);
	if (!c->scratch)
		abort();
	memset(c->scratch, 0xee, SCRATCH_LEN);
	c->req.cmdline = default_cmdline;
	c->req.window = WHOLE;
	c->req.sys = &c->si;
	c->req.scratch = c->scratch;
	c->req.scratch_len = SCRATCH_LEN;
}

/* Set the image: takes ownership of img (an exact-size copy is kept). */
static void ld_image(struct ld *c, uint8_t *img, size_t len)
{
	free(c->img);
	c->img = dup_exact(img, len);
	c->len = len;
	free(img);
	c->req.image = (struct kx_blob){ c->img, c->len, "test.elf" };
}

static void ld_init(struct ld *c, int cls)
{
	size_t len;
	uint8_t *img;

	memset(c, 0, sizeof(*c));
	es_default(&c->spec, cls);
	ld_setup(c);
	img = es_build(&c->spec, &len);
	ld_image(c, img, len);
}

static void ld_rebuild(struct ld *c)
{
	size_t len;
	uint8_t *img = es_build(&c->spec, &len);

	ld_image(c, img, len);
}

static void ld_rebuild_linux(struct ld *c)
{
	size_t len;
	uint8_t *img = linux_build(&c->spec, &len);

	ld_image(c, img, len);
}

static void ld_free(struct ld *c)
{
	free(c->img);
	free(c->scratch);
	c->img = 0;
	c->scratch = 0;
}

static struct kx_err ld_run(struct ld *c)
{
	memset(&c->plan, 0, sizeof(c->plan));
	if (KX_FAILED(kx_elf_parse(c->img, c->len, &c->elf)))
		memset(&c->elf, 0, sizeof(c->elf));
	return kx_elf_load(&c->req, &c->plan);
}

/* The plan segment holding physical address a, or NULL. */
static const struct kx_segment *seg_at(const struct kx_plan *p, uint64_t a)
{
	unsigned i;

	for (i = 0; i < p->nseg; i++)
		if (a >= p->seg[i].mem && a - p->seg[i].mem < p->seg[i].memsz)
			return &p->seg[i];
	return 0;
}

static const struct kx_segment *seg_by(const struct kx_plan *p, const char *purpose, unsigned k)
{
	unsigned i;

	for (i = 0; i < p->nseg; i++)
		if (p->seg[i].purpose && !strcmp(p->seg[i].purpose, purpose) && k-- == 0)
			return &p->seg[i];
	return 0;
}

static int in_buf(const void *p, uint64_t n, const void *base, size_t len)
{
	const uint8_t *a = p, *b = base;
	return a >= b && a <= b + len && n <= (uint64_t)(b + len - a);
}

/*
 * The model of memory after the kexec: every byte of every PT_LOAD is the
 * file's byte (below p_filesz) or zero (up to p_memsz). Also: every segment
 * page aligned, its buffer inside the image or the scratch area, and the
 * whole plan valid for the standard memory map. Returns 1 when it all holds.
 */
static int check_memory(const struct ld *c)
{
	unsigned i, k;
	int ok = 1;

	for (i = 0; i < c->plan.nseg; i++) {
		const struct kx_segment *s = &c->plan.seg[i];
		ok &= CHECK_EQ(s->mem % PAGE, 0);
		ok &= CHECK_EQ(s->memsz % PAGE, 0);
		ok &= CHECK(s->bufsz <= s->memsz);
		if (s->bufsz && strcmp(s->purpose, "initrd"))
			ok &= CHECK(in_buf(s->buf, s->bufsz, c->img, c->len) ||
				    in_buf(s->buf, s->bufsz, c->scratch, SCRATCH_LEN));
	}
	for (k = 0; k < c->elf.nload && ok; k++) {
		const struct kx_elf_seg *l = &c->elf.load[k];
		uint64_t a = l->paddr;

		while (a < l->paddr + l->memsz && ok) {
			const struct kx_segment *s = seg_at(&c->plan, a);
			uint64_t stop, off;
			if (!CHECK(s)) {
				t_note("no segment holds 0x%llx (PT_LOAD %u)", (unsigned long long)a, k);
				return 0;
			}
			stop = s->mem + s->memsz < l->paddr + l->memsz ? s->mem + s->memsz
								       : l->paddr + l->memsz;
			for (; a < stop; a++) {
				uint8_t want = a - l->paddr < l->filesz ? c->img[l->offset + (a - l->paddr)] : 0;
				uint8_t got;
				off = a - s->mem;
				got = off < s->bufsz ? ((const uint8_t *)s->buf)[off] : 0;
				if (got != want) {
					CHECK_EQ(got, want);
					t_note("byte at 0x%llx (PT_LOAD %u)", (unsigned long long)a, k);
					return 0;
				}
			}
		}
	}
	ok &= CHECK_OK(kx_plan_validate(&c->plan, &c->si.mem));
	return ok;
}

TEST(elf_load_plain64)
{
	struct ld c;

	ld_init(&c, 64);
	if (CHECK_OK(ld_run(&c))) {
		CHECK_STR(c.plan.type, "elf");
		CHECK_EQ(c.plan.nseg, 2);
		CHECK_EQ(c.plan.target, 0x200010);
		CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_64);
		CHECK_EQ(c.plan.regs_used, 0);
		CHECK(c.plan.cmdline == 0);
		CHECK_EQ(c.plan.seg[0].mem, 0x200000);
		CHECK_EQ(c.plan.seg[0].memsz, 0x3000);
		CHECK_EQ(c.plan.seg[0].bufsz, 0x1800);
		CHECK(c.plan.seg[0].buf == c.img + 0x1000);
		CHECK_STR(c.plan.seg[0].purpose, "kernel");
		CHECK_STR(c.plan.seg[0].source, "test.elf");
		CHECK_EQ(c.plan.seg[1].mem, 0x400000);
		CHECK_EQ(c.plan.seg[1].memsz, 0x1000);
		CHECK_EQ(c.plan.seg[1].bufsz, 0x800);
		CHECK(c.plan.seg[1].buf == c.img + 0x3000);
		check_memory(&c);
	}
	ld_free(&c);
}

TEST(elf_load_plain32)
{
	struct ld c;
	unsigned i;

	ld_init(&c, 32);
	if (CHECK_OK(ld_run(&c))) {
		CHECK_STR(c.plan.type, "elf");
		CHECK_EQ(c.plan.nseg, 2);
		CHECK_EQ(c.plan.target, 0x200010);
		CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_32);
		for (i = 0; i < KX_PURG_NREGS; i++)
			CHECK_EQ(c.plan.regs[i], 0);
		check_memory(&c);
	}
	ld_free(&c);
}

TEST(elf_load_entry_table)
{
	static const struct {
		const char *name; int cls; uint64_t e_entry; int have; uint64_t entry;
		enum kx_errcode want; uint64_t target;
	} rows[] = {
		{ "virtual", 64, 0xffffffff80200010ull, 0, 0, KX_OK, 0x200010 },
		{ "physical", 64, 0x200010, 0, 0, KX_OK, 0x200010 },
		{ "in bss", 64, 0x202ff0, 0, 0, KX_OK, 0x202ff0 },
		{ "second segment", 64, 0xffffffff80400004ull, 0, 0, KX_OK, 0x400004 },
		{ "outside", 64, 0x100000, 0, 0, KX_E_BAD_HEADER, 0 },
		{ "past memsz", 64, 0x203000, 0, 0, KX_E_BAD_HEADER, 0 },
		{ "zero", 64, 0, 0, 0, KX_E_BAD_HEADER, 0 },
		{ "--entry wins", 64, 0x200010, 1, 0x123456, KX_OK, 0x123456 },
		{ "--entry, bad e_entry", 64, 0, 1, 0x200000, KX_OK, 0x200000 },
		{ "--entry high, ELF64", 64, 0, 1, 0x100000000ull, KX_OK, 0x100000000ull },
		{ "ELF32 virtual", 32, 0xc0200010, 0, 0, KX_OK, 0x200010 },
		{ "ELF32 outside", 32, 0xc0300000, 0, 0, KX_E_BAD_HEADER, 0 },
		{ "ELF32 --entry high", 32, 0xc0200010, 1, 0x100000000ull, KX_E_ENTRY_RANGE, 0 },
		{ "ELF32 --entry below 4 GiB", 32, 0, 1, 0xfffffff0, KX_OK, 0xfffffff0 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;

		T_ROW("%s", rows[r].name);
		ld_init(&c, rows[r].cls);
		c.spec.entry = rows[r].e_entry;
		ld_rebuild(&c);
		c.req.have_entry = rows[r].have;
		c.req.entry = rows[r].entry;
		err = ld_run(&c);
		if (CHECK_ERR(err, rows[r].want) && rows[r].want == KX_OK)
			CHECK_EQ(c.plan.target, rows[r].target);
		if (rows[r].want == KX_E_BAD_HEADER)
			CHECK(err.what && strstr(err.what, "entry point") && err.a == rows[r].e_entry);
		if (rows[r].want == KX_E_ENTRY_RANGE)
			CHECK(err.a == rows[r].entry && err.b == 1ull << 32);
		ld_free(&c);
	}
}

TEST(elf_load_machine_table)
{
	static const struct { int cls; uint16_t machine; enum kx_errcode want; } rows[] = {
		{ 64, KX_EM_X86_64, KX_OK },      { 64, KX_EM_386, KX_E_WRONG_MACHINE },
		{ 64, KX_EM_AARCH64, KX_E_WRONG_MACHINE }, { 64, 0, KX_E_WRONG_MACHINE },
		{ 32, KX_EM_386, KX_OK },         { 32, KX_EM_X86_64, KX_E_WRONG_MACHINE },
		{ 32, 40 /* ARM */, KX_E_WRONG_MACHINE }, { 32, 6 /* 486 */, KX_E_WRONG_MACHINE },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;

		T_ROW("ELF%d machine %u", rows[r].cls, rows[r].machine);
		ld_init(&c, rows[r].cls);
		c.spec.machine = rows[r].machine;
		ld_rebuild(&c);
		err = ld_run(&c);
		if (CHECK_ERR(err, rows[r].want) && rows[r].want) {
			CHECK_STR(err.what, rows[r].cls == 64 ? "x86-64 ELF64 kernels" : "i386 ELF32 kernels");
			CHECK_EQ(err.a, rows[r].machine);
			CHECK_EQ(err.b, rows[r].cls == 64 ? KX_EM_X86_64 : KX_EM_386);
			CHECK_EQ(c.plan.nseg, 0);
		}
		ld_free(&c);
	}
}

/* ET_DYN: loaded unrelocated when linked at 1 MiB or above, refused below. */
TEST(elf_load_et_dyn_table)
{
	static const struct { const char *name; uint16_t type; uint64_t paddr0; enum kx_errcode want; }
	rows[] = {
		{ "ET_DYN at 2 MiB", KX_ET_DYN, 0x200000, KX_OK },
		{ "ET_DYN at 1 MiB", KX_ET_DYN, 0x100000, KX_OK },
		{ "ET_DYN at 0 (a PIE program)", KX_ET_DYN, 0, KX_E_BAD_HEADER },
		{ "ET_DYN at 1 MiB - 4 KiB", KX_ET_DYN, 0xff000, KX_E_BAD_HEADER },
		{ "ET_EXEC at 0", KX_ET_EXEC, 0, KX_OK },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;

		T_ROW("%s", rows[r].name);
		ld_init(&c, 64);
		c.spec.type = rows[r].type;
		c.spec.ph[0].paddr = rows[r].paddr0;
		c.spec.entry = rows[r].paddr0;
		ld_rebuild(&c);
		err = ld_run(&c);
		if (CHECK_ERR(err, rows[r].want) && rows[r].want) {
			CHECK(err.what && strstr(err.what, "ET_DYN"));
			CHECK_EQ(err.b, rows[r].paddr0);
			CHECK_EQ(c.plan.nseg, 0);
		} else if (rows[r].want == KX_OK) {
			check_memory(&c);
		}
		ld_free(&c);
	}
}

/* Parser errors come through the loader unchanged; nothing is planned. */
TEST(elf_load_bad_images)
{
	static const struct { const char *name; mut_fn mut; enum kx_errcode want; } rows[] = {
		{ "big endian", m_big_endian, KX_E_BAD_HEADER },
		{ "overlap", m_overlap_one_byte, KX_E_BAD_HEADER },
		{ "truncated segment", m_seg_past_end, KX_E_TRUNCATED },
		{ "17 PT_LOADs", m_17_loads, KX_E_TOO_MANY },
		{ "phentsize", m_phentsize_other, KX_E_BAD_HEADER },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;

		T_ROW("%s", rows[r].name);
		ld_init(&c, 64);
		rows[r].mut(&c.spec);
		ld_rebuild(&c);
		CHECK_ERR(ld_run(&c), rows[r].want);
		CHECK_EQ(c.plan.nseg, 0);
		ld_free(&c);
	}
	{
		struct ld c;
		static const uint8_t junk[100] = { 1, 2, 3 };

		T_ROW("not an ELF");
		ld_init(&c, 64);
		ld_image(&c, dup_exact(junk, sizeof(junk)), sizeof(junk));
		CHECK_ERR(ld_run(&c), KX_E_BAD_HEADER);
		ld_free(&c);
	}
}

/*
 * Page layouts: where each PT_LOAD's bytes come from. Rows give up to four
 * PT_LOADs (offset, paddr, filesz, memsz), the plan's segment count, how many
 * built pages, and the first segment's buffer offset in the file (or -1: built).
 */
struct lrow {
	const char *name;
	unsigned n;
	uint64_t l[4][4];
	unsigned nseg, built;
	long buf0;
	size_t len;
};

static const struct lrow layout_rows[] = {
	{ "aligned", 1, { { 0x1000, 0x200000, 0x1800, 0x3000 } }, 1, 0, 0x1000, 0x4000 },
	{ "congruent head", 1, { { 0x1234, 0x200234, 0x100, 0x200 } }, 1, 0, 0x1000, 0x4000 },
	{ "head from other file bytes", 1, { { 0x1800, 0x200100, 0x2000, 0x2000 } }, 1, 0, 0x1700,
	  0x4000 },
	{ "head exactly at file start", 1, { { 0x100, 0x200100, 0x80, 0x80 } }, 1, 0, 0, 0x4000 },
	{ "head before the file start", 1, { { 0x40, 0x200800, 0x2000, 0x2000 } }, 2, 1, -1, 0x4000 },
	{ "head before the file, one page", 1, { { 0x40, 0x200800, 0x100, 0x200 } }, 1, 1, -1,
	  0x4000 },
	{ "head before the file, bss", 1, { { 0x40, 0x200800, 0x100, 0x3000 } }, 2, 1, -1, 0x4000 },
	{ "bss only, offset past the end", 1, { { 0x7000000, 0x200800, 0, 0x3000 } }, 1, 0, -2,
	  0x4000 },
	{ "two sharing a page", 2, { { 0x1000, 0x200000, 0x800, 0x800 },
				     { 0x2000, 0x200800, 0x800, 0x800 } }, 1, 1, -1, 0x4000 },
	{ "shared last page", 2, { { 0x1000, 0x200000, 0x1800, 0x1800 },
				   { 0x3000, 0x201800, 0x800, 0x1800 } }, 3, 1, 0x1000, 0x4000 },
	{ "three in a page", 3, { { 0x1000, 0x200000, 0x100, 0x100 },
				  { 0x1400, 0x200400, 0x100, 0x400 },
				  { 0x2000, 0x200800, 0x800, 0x800 } }, 1, 1, -1, 0x4000 },
	{ "built pages merge", 3, { { 0x1000, 0x200000, 0x800, 0x800 },
				    { 0x1800, 0x200800, 0x1000, 0x1000 },
				    { 0x3000, 0x201800, 0x800, 0x800 } }, 1, 2, -1, 0x4000 },
	{ "shared page, bss only", 2, { { 0x1000, 0x200000, 0x1800, 0x1900 },
					{ 0, 0x201900, 0, 0x2000 } }, 3, 1, 0x1000, 0x4000 },
	{ "unsorted", 3, { { 0x3000, 0x600000, 0x800, 0x1000 },
			   { 0x1000, 0x200000, 0x1000, 0x1000 },
			   { 0x2000, 0x400000, 0x1000, 0x1000 } }, 3, 0, 0x1000, 0x4000 },
	{ "adjacent, page aligned", 2, { { 0x1000, 0x200000, 0x1000, 0x1000 },
					 { 0x2000, 0x201000, 0x1000, 0x1000 } }, 2, 0, 0x1000,
	  0x4000 },
	{ "same file bytes twice", 2, { { 0x1000, 0x200000, 0x1000, 0x1000 },
					{ 0x1000, 0x300000, 0x1000, 0x1000 } }, 2, 0, 0x1000,
	  0x4000 },
	{ "segment in the ELF header page", 1, { { 0, 0x200000, 0x1000, 0x1000 } }, 1, 0, 0,
	  0x4000 },
};

TEST(elf_load_layouts)
{
	size_t r, i;

	for (r = 0; r < T_ARRAY_SIZE(layout_rows); r++) {
		const struct lrow *row = &layout_rows[r];
		struct ld c;
		unsigned built = 0;

		T_ROW("%s", row->name);
		ld_init(&c, 64);
		c.spec.nph = row->n;
		for (i = 0; i < row->n; i++)
			c.spec.ph[i] = (struct ph){ PT_LOAD, row->l[i][0], row->l[i][1], row->l[i][1],
						    row->l[i][2], row->l[i][3], 0x1000, KX_PF_R };
		c.spec.entry = row->l[0][1];
		c.spec.len = row->len;
		ld_rebuild(&c);
		if (!CHECK_OK(ld_run(&c))) {
			ld_free(&c);
			continue;
		}
		CHECK_EQ(c.plan.nseg, row->nseg);
		for (i = 0; i < c.plan.nseg; i++)
			if (c.plan.seg[i].bufsz && in_buf(c.plan.seg[i].buf, 1, c.scratch, SCRATCH_LEN)) {
				CHECK_STR(c.plan.seg[i].source, "built");
				built += (unsigned)(c.plan.seg[i].memsz / PAGE);
			}
		CHECK_EQ(built, row->built);
		if (row->buf0 >= 0)
			CHECK(c.plan.seg[0].buf == c.img + row->buf0);
		else if (row->buf0 == -1)
			CHECK(in_buf(c.plan.seg[0].buf, 1, c.scratch, SCRATCH_LEN));
		else
			CHECK(c.plan.seg[0].bufsz == 0);
		check_memory(&c);
		ld_free(&c);
	}
}

/* Random layouts: file order shuffled, pages shared, heads before the file,
 * bss-only segments; the model of memory must hold for every one. */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return n ? rnd_state % n : 0;
}

TEST(elf_load_random_layouts)
{
	unsigned iter, loaded = 0;

	rnd_state = 0x9e3779b97f4a7c15ull;
	for (iter = 0; iter < 1500; iter++) {
		struct ld c;
		unsigned n = 1 + (unsigned)rnd(5), i;
		uint64_t at = 0x200000 + rnd(4) * PAGE + (rnd(2) ? rnd(PAGE) : 0), fend = 0x1000;
		int cls = rnd(4) ? 64 : 32;

		ld_init(&c, cls);
		c.spec.nph = n;
		for (i = 0; i < n; i++) {
			uint64_t memsz = 1 + rnd(3 * PAGE), filesz, off;
			switch (rnd(4)) {
			case 0: filesz = 0; break;
			case 1: filesz = memsz; break;
			default: filesz = rnd(memsz + 1);
			}
			switch (rnd(4)) {
			case 0: off = rnd(0x800); break;                                /* maybe before the head */
			case 1: off = (fend + PAGE - 1) / PAGE * PAGE + at % PAGE; break; /* congruent */
			default: off = 0x1000 + rnd(4 * PAGE); break;
			}
			if (!filesz && rnd(2))
				off = 0x40000000 + rnd(PAGE); /* bss-only, past the end */
			c.spec.ph[i] = (struct ph){ PT_LOAD, off, 0x80000000 + at, at, filesz, memsz, PAGE,
						    KX_PF_R };
			if (filesz && off + filesz > fend)
				fend = off + filesz;
			at += memsz + (rnd(3) ? 0 : rnd(2 * PAGE));
		}
		/* shuffle the file order */
		for (i = n; i > 1; i--) {
			unsigned j = (unsigned)rnd(i);
			struct ph t = c.spec.ph[i - 1];
			c.spec.ph[i - 1] = c.spec.ph[j];
			c.spec.ph[j] = t;
		}
		c.spec.entry = 0x80000000 + 0x200000 + rnd(4) * PAGE;
		c.spec.len = fend + rnd(100);
		ld_rebuild(&c);
		c.req.have_entry = 1; /* the entry is not what is tested here */
		c.req.entry = 0x200000;
		T_ROW("iteration %u (ELF%d, %u PT_LOADs)", iter, cls, n);
		if (CHECK_OK(ld_run(&c))) {
			loaded++;
			if (!check_memory(&c)) {
				for (i = 0; i < c.elf.nload; i++)
					t_note("PT_LOAD off 0x%llx paddr 0x%llx filesz 0x%llx memsz 0x%llx",
					       (unsigned long long)c.elf.load[i].offset,
					       (unsigned long long)c.elf.load[i].paddr,
					       (unsigned long long)c.elf.load[i].filesz,
					       (unsigned long long)c.elf.load[i].memsz);
				ld_free(&c);
				break;
			}
		}
		ld_free(&c);
	}
	T_ROW_CLEAR();
	CHECK_EQ(loaded, 1500);
}

TEST(elf_load_not_ram_table)
{
	static const struct { const char *name; uint64_t paddr; uint64_t memsz; uint64_t wmin, wmax;
			      enum kx_errcode want; uint64_t addr; } rows[] = {
		{ "reserved hole", 0xb0000000, 0x1000, 0, UINT64_MAX, KX_E_SEG_NOT_RAM, 0xb0000000 },
		{ "runs into a hole", 0x7ffdf000, 0x2000, 0, UINT64_MAX, KX_E_SEG_NOT_RAM, 0x7ffdf000 },
		{ "last RAM page below 2 GiB", 0x7ffdf000, 0x1000, 0, UINT64_MAX, KX_OK, 0 },
		{ "past the end of RAM", 0x17ffff000ull, 0x2000, 0, UINT64_MAX, KX_E_SEG_NOT_RAM,
		  0x17ffff000ull },
		{ "above 4 GiB", 0x100000000ull, 0x1000, 0, UINT64_MAX, KX_OK, 0 },
		{ "below --mem-min", 0x400000, 0x1000, 0x500000, UINT64_MAX, KX_E_SEG_NOT_RAM, 0x400000 },
		{ "above --mem-max", 0x400000, 0x1000, 0, 0x400800, KX_E_SEG_NOT_RAM, 0x400000 },
		{ "low memory", 0x1000, 0x1000, 0, UINT64_MAX, KX_OK, 0 },
		{ "legacy hole", 0xa0000, 0x1000, 0, UINT64_MAX, KX_E_SEG_NOT_RAM, 0xa0000 },
	};
	size_t r;

	for (r = 0; r < T_ARRAY_SIZE(rows); r++) {
		struct ld c;
		struct kx_err err;

		T_ROW("%s", rows[r].name);
		ld_init(&c, 64);
		c.spec.ph[1].paddr = rows[r].paddr;
		c.spec.ph[1].memsz = rows[r].memsz;
		c.spec.ph[1].filesz = 0x800;
		ld_rebuild(&c);
		c.req.window = (struct kx_window){ rows[r].wmin, rows[r].wmax };
		if (rows[r].wmin > 0x200000 || rows[r].wmax < 0x203000) {
			/* keep the first PT_LOAD inside the window */
			c.spec.ph[0].paddr = rows[r].wmin ? rows[r].wmin : 0x300000;
			c.spec.entry = c.spec.ph[0].paddr;
			ld_rebuild(&c);
		}
		err = ld_run(&c);
		if (CHECK_ERR(err, rows[r].want) && rows[r].want) {
			CHECK_STR(err.what, "kernel");
			CHECK_EQ(err.b, rows[r].addr);
		}
		ld_free(&c);
	}
}

/* A built page needs a page of scratch; without it, a clear error. */
TEST(elf_load_scratch_too_small)
{
	static const size_t lens[] = { 0, 1, 4095 };
	size_t i;

	for (i = 0; i < T_ARRAY_SIZE(lens); i++) {
		struct ld c;
		struct kx_err err;

		T_ROW("scratch %zu", lens[i]);
		ld_init(&c, 64);
		c.spec.ph[0].offset = 0x40;
		c.spec.ph[0].paddr = 0x200800; /* head before the file: a built page */
		c.spec.entry = 0x200800;
		ld_rebuild(&c);
		c.req.scratch_len = lens[i];
		err = ld_run(&c);
		if (CHECK_ERR(err, KX_E_SCRATCH))
			CHECK_EQ(err.a, 4096);
		ld_free(&c);
	}
	{
		struct ld c;
		T_ROW("exactly a page");
		ld_init(&c, 64);
		c.spec.ph[0].offset = 0x40;
		c.spec.ph[0].paddr = 0x200800;
		c.spec.entry = 0x200800;
		ld_rebuild(&c);
		c.req.scratch_len = 4096;
		if (CHECK_OK(ld_run(&c)))
			check_memory(&c);
		ld_free(&c);
	}
}

/* Sixteen PT_LOADs use all sixteen segments; one more page would not fit. */
TEST(elf_load_segment_limit)
{
	struct ld c;
	struct kx_err err;

	ld_init(&c, 64);
	loads(&c.spec, 16);
	ld_rebuild(&c);
	if (CHECK_OK(ld_run(&c))) {
		CHECK_EQ(c.plan.nseg, 16);
		check_memory(&c);
	}
	/* the first with a head before the file: built page + rest = 17 segments */
	c.spec.ph[0].offset = 0x10;
	c.spec.ph[0].paddr += 0x800;
	c.spec.ph[0].memsz = 0x1000;
	c.spec.entry = c.spec.ph[0].paddr;
	ld_rebuild(&c);
	err = ld_run(&c);
	CHECK_ERR(err, KX_E_TOO_MANY_SEGMENTS);
	ld_free(&c);
}

/* ---- Linux as ELF ------------------------------------------------------------ */

static void linux_spec(struct es *s, int cls)
{
	uint64_t vb = cls == 64 ? 0xffffffff80000000ull : 0xc0000000ull;

	es_default(s, cls);
	/* like a vmlinux: at 16 MiB, entry physical */
	s->ph[0] = (struct ph){ PT_LOAD, 0x1000, vb + 0x1000000, 0x1000000, 0x1800, 0x3000, 0x200000,
				KX_PF_R | KX_PF_X };
	s->ph[1] = (struct ph){ PT_LOAD, 0x3000, vb + 0x1200000, 0x1200000, 0x800, 0x4000, 0x200000,
				KX_PF_R | KX_PF_W };
	s->entry = 0x1000000;
}

static const uint8_t rd_bytes[5000] = { 0x1f, 0x8b, 8 };

TEST(elf_load_linux64)
{
	struct ld c;
	const struct kx_segment *bp, *rd;

	memset(&c, 0, sizeof(c));
	ld_setup(&c);
	linux_spec(&c.spec, 64);
	ld_rebuild_linux(&c);
	c.req.initrd[0] = (struct kx_blob){ rd_bytes, sizeof(rd_bytes), "initrd" };
	c.req.ninitrd = 1;
	if (!CHECK_OK(ld_run(&c))) {
		ld_free(&c);
		return;
	}
	CHECK_STR(c.plan.type, "elf-linux");
	CHECK_EQ(c.plan.nseg, 4); /* two kernel, initrd, boot-params */
	CHECK_EQ(c.plan.target, 0x1000000);
	CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_64);
	CHECK_STR(c.plan.cmdline, default_cmdline);
	bp = seg_by(&c.plan, "boot-params", 0);
	rd = seg_by(&c.plan, "initrd", 0);
	if (CHECK(bp && rd)) {
		const uint8_t *zp = bp->buf;
		uint64_t cmd = kx_le32(zp + O_CMD_LINE_PTR);

		CHECK_EQ(c.plan.regs[KX_X86_RSI], bp->mem);
		CHECK_EQ(c.plan.regs_used, 1u << KX_X86_RSI);
		CHECK(bp->mem + bp->memsz <= 4 * GiB);
		CHECK_EQ(kx_le16(zp + O_BOOT_FLAG), 0xAA55);
		CHECK_MEM(zp + O_MAGIC, "HdrS", 4);
		CHECK_EQ(kx_le16(zp + O_VERSION), 0x020f);
		CHECK_EQ(zp[O_TYPE_OF_LOADER], 0xff);
		CHECK_EQ(kx_le32(zp + O_CODE32_START), 0x1000000);
		CHECK_EQ(kx_le32(zp + O_CMDLINE_SIZE), 2047);
		CHECK_EQ(kx_le32(zp + O_INITRD_MAX), 0x7fffffff);
		CHECK_EQ(kx_le32(zp + O_RAMDISK_IMAGE), rd->mem);
		CHECK_EQ(kx_le32(zp + O_RAMDISK_SIZE), sizeof(rd_bytes));
		CHECK(rd->mem + rd->memsz <= 0x80000000ull);
		if (CHECK(cmd >= bp->mem && cmd - bp->mem < bp->bufsz))
			CHECK_STR((const char *)zp + (cmd - bp->mem), default_cmdline);
		/* no built pages: the zero page sits at the start of scratch */
		CHECK(bp->buf == c.scratch);
	}
	check_memory(&c);
	ld_free(&c);
}

/* Built pages and the zero page share the scratch area without overlapping. */
TEST(elf_load_linux_scratch_split)
{
	struct ld c;
	const struct kx_segment *bp;
	unsigned i, built = 0;

	memset(&c, 0, sizeof(c));
	ld_setup(&c);
	linux_spec(&c.spec, 64);
	c.spec.ph[0].offset = 0x40; /* head before the file: 1 built page */
	c.spec.ph[0].paddr = 0x1000800;
	c.spec.entry = 0x1000800;
	c.spec.ph[1].paddr = 0x1003000 + 0x800; /* shares a page with the first */
	c.spec.ph[1].memsz = 0x800;
	ld_rebuild_linux(&c);
	if (!CHECK_OK(ld_run(&c))) {
		ld_free(&c);
		return;
	}
	CHECK_STR(c.plan.type, "elf-linux");
	for (i = 0; i < c.plan.nseg; i++)
		if (!strcmp(c.plan.seg[i].source, "built") && !strcmp(c.plan.seg[i].purpose, "kernel"))
			built += (unsigned)(c.plan.seg[i].memsz / PAGE);
	CHECK_EQ(built, 2);
	bp = seg_by(&c.plan, "boot-params", 0);
	if (CHECK(bp))
		CHECK(bp->buf == c.scratch + built * PAGE);
	check_memory(&c); /* the built pages survived the zero page */
	/* scratch for exactly the built pages: the zero page has no room */
	c.req.scratch_len = built * PAGE;
	CHECK_ERR(ld_run(&c), KX_E_BOOT_INFO_TOO_BIG);
	ld_free(&c);
}

TEST(elf_load_linux32)
{
	struct ld c;
	const struct kx_segment *bp;

	memset(&c, 0, sizeof(c));
	ld_setup(&c);
	linux_spec(&c.spec, 32);
	c.spec.entry = 0xc1000000; /* virtual, converted */
	ld_rebuild_linux(&c);
	if (CHECK_OK(ld_run(&c))) {
		CHECK_STR(c.plan.type, "elf-linux");
		CHECK_EQ(c.plan.target, 0x1000000);
		CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_32);
		bp = seg_by(&c.plan, "boot-params", 0);
		if (CHECK(bp))
			CHECK_EQ(c.plan.regs[KX_X86_RSI], bp->mem);
		check_memory(&c);
	}
	ld_free(&c);
}

TEST(elf_load_linux_errors)
{
	static char longline[3000];
	struct ld c;

	memset(&c, 0, sizeof(c));
	ld_setup(&c);
	linux_spec(&c.spec, 64);
	ld_rebuild_linux(&c);
	memset(longline, 'x', sizeof(longline) - 1);
	longline[2048] = 0;
	c.req.cmdline = longline;
	T_ROW("2048-byte command line");
	CHECK_ERR(ld_run(&c), KX_E_CMDLINE_TOO_LONG);
	longline[2048] = 'x';
	longline[2047] = 0;
	T_ROW("2047-byte command line");
	CHECK_OK(ld_run(&c));
	c.req.cmdline = default_cmdline;
	/* an initrd that fits nowhere */
	c.req.initrd[0] = (struct kx_blob){ rd_bytes, 5ull << 30, "huge" };
	c.req.ninitrd = 1;
	T_ROW("initrd too big");
	CHECK_ERR(ld_run(&c), KX_E_NO_SPACE);
	c.req.ninitrd = 0;
	/* the plain ELF ignores the command line entirely */
	linux_spec(&c.spec, 64);
	c.spec.nph = 2;
	ld_rebuild(&c);
	c.req.cmdline = longline;
	T_ROW("plain ELF, long command line");
	if (CHECK_OK(ld_run(&c)))
		CHECK_STR(c.plan.type, "elf");
	ld_free(&c);
}

/* Load, then the purgatory, then validate: the whole pipeline. */
TEST(elf_load_then_purgatory_validates)
{
	static uint8_t blob[1024];
	static _Alignas(16) uint8_t out[1024];
	static const int classes[] = { 32, 64 };
	size_t k;

	memset(blob, 0x90, sizeof(blob));
	kx_put32(blob + 16, KX_PURG_MAGIC);
	kx_put16(blob + 20, KX_PURG_VERSION);
	kx_put16(blob + 22, KX_PURG_HDR_SIZE);
	kx_put32(blob + 24, 3 * 4096);
	kx_put32(blob + 28, KX_PURG_ARCH_NATIVE);
	for (k = 0; k < 4; k++) {
		struct ld c;
		const struct kx_purg_params *pp = (const void *)(out + KX_PURG_PARAMS_OFF);

		T_ROW("ELF%d %s", classes[k & 1], k & 2 ? "linux" : "plain");
		memset(&c, 0, sizeof(c));
		ld_setup(&c);
		linux_spec(&c.spec, classes[k & 1]);
		if (k & 2)
			ld_rebuild_linux(&c);
		else
			ld_rebuild(&c);
		if (!CHECK_OK(ld_run(&c)) ||
		    !CHECK_OK(kx_plan_add_purgatory(&c.plan, &c.si.mem, c.req.window, blob,
						    sizeof(blob), out, sizeof(out), KX_PURG_VERIFY,
						    0))) {
			ld_free(&c);
			continue;
		}
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
		CHECK_EQ(pp->entry, 0x1000000);
		CHECK_EQ(pp->entry_mode, classes[k & 1] == 64 ? KX_PURG_ENTRY_64 : KX_PURG_ENTRY_32);
		CHECK(c.plan.entry < 4 * GiB);
		ld_free(&c);
	}
}

/* Random damage to the headers of a Linux ELF: never a crash (ASan), and a
 * successful load always gives a plan kx_plan_validate accepts. */
TEST(elf_load_random_damage)
{
	unsigned iter, ok = 0;

	rnd_state = 0x1234567887654321ull;
	for (iter = 0; iter < 3000; iter++) {
		struct ld c;
		struct kx_err err;
		unsigned k, nflip = 1 + (unsigned)rnd(4);

		memset(&c, 0, sizeof(c));
		ld_setup(&c);
		linux_spec(&c.spec, rnd(2) ? 64 : 32);
		ld_rebuild_linux(&c);
		for (k = 0; k < nflip; k++) {
			size_t at = rnd(3) ? rnd(0x100) : NOTE_OFF + rnd(32);
			c.img[at] = rnd(2) ? (uint8_t)rnd(256) : c.img[at] ^ (uint8_t)(1u << rnd(8));
		}
		T_ROW("iteration %u", iter);
		err = ld_run(&c);
		if (!KX_FAILED(err)) {
			struct kx_err v = kx_plan_validate(&c.plan, &c.si.mem);
			ok++;
			CHECK(!KX_FAILED(v) || v.code == KX_E_SEG_TOO_BIG);
			CHECK(c.plan.type && !strncmp(c.plan.type, "elf", 3));
		}
		ld_free(&c);
	}
	T_ROW_CLEAR();
	t_note("%u of 3000 damaged images still loaded", ok);
	CHECK(ok > 0);
}

/* ---- the real vmlinux --------------------------------------------------------- */

/* The vmlinux: $KX_UNIT_VMLINUX ("none": skip), or extracted once from the
 * cached bzImage into build/unit-vmlinux-<its name> with
 * tests/e2e/extract-vmlinux.sh (needs the decompressor, lz4 for Debian's
 * kernels): named after its source, so that it always matches the vmlinuz
 * the test compares it with. NULL if neither works. */
static const char *find_vmlinux(void)
{
	static char out[4200];
	static char cmd[8192];
	const char *env = getenv("KX_UNIT_VMLINUX"), *z, *base;

	if (env && !strcmp(env, "none"))
		return 0;
	if (env && *env)
		return access(env, R_OK) == 0 ? env : 0;
	z = find_vmlinuz();
	if (!z || access("tests/e2e/extract-vmlinux.sh", X_OK) || strchr(z, '\''))
		return 0;
	base = strrchr(z, '/') ? strrchr(z, '/') + 1 : z;
	snprintf(out, sizeof(out), "build/unit-vmlinux-%s", base);
	if (access(out, R_OK) == 0)
		return out;
	snprintf(cmd, sizeof(cmd), "mkdir -p build && tests/e2e/extract-vmlinux.sh '%s' %s 2>/dev/null",
		 z, out);
	if (system(cmd) != 0)
		return 0;
	return access(out, R_OK) == 0 ? out : 0;
}

TEST(elf_real_vmlinux)
{
	static _Alignas(16) uint8_t out[64 * 1024];
	const char *path = find_vmlinux(), *zpath = find_vmlinuz(), *ppath = find_purgatory();
	struct ld c;
	uint8_t *img, *z = 0, *purg = 0;
	size_t len, zlen = 0, plen = 0;
	struct kx_bzimage bz;
	unsigned i;

	if (!path)
		SKIP("no vmlinux ($KX_UNIT_VMLINUX, or a vmlinuz in tests/e2e/cache and lz4)");
	img = read_whole(path, &len);
	if (!img)
		SKIP("cannot read %s", path);
	memset(&c, 0, sizeof(c));
	ld_setup(&c);
	c.img = img;
	c.len = len;
	c.req.image = (struct kx_blob){ img, len, path };
	c.req.initrd[0] = (struct kx_blob){ rd_bytes, sizeof(rd_bytes), "rd" };
	c.req.ninitrd = 1;
	T_ROW("%s", path);
	t_note("%s, %zu bytes", path, len);
	CHECK(kx_elf_probe(img, len));
	if (!CHECK_OK(ld_run(&c)))
		goto out;
	CHECK_EQ(c.elf.cls, 64);
	CHECK_EQ(c.elf.machine, KX_EM_X86_64);
	CHECK(kx_elf_is_linux(img, len, &c.elf));
	CHECK(kx_elf_find_note(img, len, &c.elf, "Linux", 0, 1, 0, 0));
	CHECK(kx_elf_has_section(img, len, &c.elf, "__ksymtab"));
	t_note("entry 0x%llx, %u PT_LOADs", (unsigned long long)c.elf.entry, c.elf.nload);
	for (i = 0; i < c.elf.nload; i++)
		t_note("  PT_LOAD off 0x%08llx vaddr 0x%016llx paddr 0x%08llx filesz 0x%08llx memsz 0x%08llx flags %x",
		       (unsigned long long)c.elf.load[i].offset, (unsigned long long)c.elf.load[i].vaddr,
		       (unsigned long long)c.elf.load[i].paddr, (unsigned long long)c.elf.load[i].filesz,
		       (unsigned long long)c.elf.load[i].memsz, c.elf.load[i].flags);
	CHECK_STR(c.plan.type, "elf-linux");
	CHECK_EQ(c.plan.entry_mode, KX_PURG_ENTRY_64);
	CHECK_EQ(c.plan.target, c.elf.load[0].paddr); /* startup_64 starts .text */
	for (i = 0; i < c.plan.nseg; i++)
		t_note("  plan %-11s 0x%09llx bufsz 0x%08llx memsz 0x%08llx %s", c.plan.seg[i].purpose,
		       (unsigned long long)c.plan.seg[i].mem, (unsigned long long)c.plan.seg[i].bufsz,
		       (unsigned long long)c.plan.seg[i].memsz, c.plan.seg[i].source);
	t_note("  target 0x%llx rsi 0x%llx", (unsigned long long)c.plan.target,
	       (unsigned long long)c.plan.regs[KX_X86_RSI]);
	/* every PT_LOAD straight from the file: no built pages */
	for (i = 0; i < c.plan.nseg; i++)
		if (!strcmp(c.plan.seg[i].purpose, "kernel"))
			CHECK(in_buf(c.plan.seg[i].buf, c.plan.seg[i].bufsz, img, len));
	CHECK(seg_by(&c.plan, "boot-params", 0) && seg_by(&c.plan, "boot-params", 0)->buf == c.scratch);
	for (i = 0; i < c.elf.nload; i++) {
		const struct kx_elf_seg *l = &c.elf.load[i];
		const struct kx_segment *s = seg_at(&c.plan, l->paddr);
		T_ROW("%s PT_LOAD %u", path, i);
		if (CHECK(s) && CHECK(s->mem == l->paddr))
			CHECK(s->buf == img + l->offset && s->bufsz == l->filesz &&
			      s->memsz >= l->memsz);
	}
	T_ROW("%s", path);
	CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
	/* the bzImage it came from agrees: LOAD_PHYSICAL_ADDR and init_size */
	if (zpath && (z = read_whole(zpath, &zlen)) && CHECK_OK(kx_bzimage_parse(z, zlen, &bz))) {
		uint64_t lo = UINT64_MAX, hi = 0;
		for (i = 0; i < c.elf.nload; i++) {
			lo = c.elf.load[i].paddr < lo ? c.elf.load[i].paddr : lo;
			if (c.elf.load[i].paddr + c.elf.load[i].memsz > hi)
				hi = c.elf.load[i].paddr + c.elf.load[i].memsz;
		}
		t_note("bzImage pref_address 0x%llx init_size 0x%x; vmlinux spans [0x%llx, 0x%llx)",
		       (unsigned long long)bz.pref_address, bz.init_size, (unsigned long long)lo,
		       (unsigned long long)hi);
		CHECK_EQ(lo, bz.pref_address);
		CHECK(hi - lo <= bz.init_size);
	}
	if (ppath && (purg = read_whole(ppath, &plen)) && plen <= sizeof(out)) {
		CHECK_OK(kx_plan_add_purgatory(&c.plan, &c.si.mem, c.req.window, purg, plen, out,
					       sizeof(out), KX_PURG_VERIFY, 0));
		CHECK_OK(kx_plan_validate(&c.plan, &c.si.mem));
	}
out:
	free(purg);
	free(z);
	ld_free(&c);
}

/* User-space programs are not kernels: PT_INTERP or PT_TLS makes the kernel
 * probe say no (a dynamically linked /bin/true has PT_INTERP). */
TEST(elf_kernel_probe_refuses_programs)
{
	static uint8_t buf[1 << 20];
	size_t len;
	FILE *f = fopen("/bin/true", "rb");
	struct kx_elf e;

	if (!f)
		SKIP("no /bin/true");
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	REQUIRE(kx_elf_probe(buf, len));
	if (KX_FAILED(kx_elf_parse(buf, len, &e)))
		SKIP("/bin/true does not parse here");
	CHECK(kx_elf_is_program(buf, len, &e));
	CHECK(!kx_elf_kernel_probe(buf, len));
	/* the same file without its PT_INTERP: turn that header into PT_NULL */
	{
		size_t ent = e.cls == 64 ? 56 : 32;
		unsigned i;
		for (i = 0; i < e.phnum; i++) {
			uint8_t *ph = buf + e.phoff + i * ent;
			if (kx_le32(ph) == 3 || kx_le32(ph) == 7)
				kx_put32(ph, 0);
		}
		CHECK(!kx_elf_is_program(buf, len, &e));
		CHECK(kx_elf_kernel_probe(buf, len));
	}
}
