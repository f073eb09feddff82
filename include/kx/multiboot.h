/*
 * Multiboot 1 and 2 kernels (x86): header search and parsing, the image's
 * loadable pieces (ELF or the a.out kludge), and the loaders that build the
 * multiboot information structure and hand off in 32-bit protected mode.
 *
 * Specifications: "Multiboot Specification version 0.6.96" and
 * "Multiboot2 Specification version 2.0".
 */
#ifndef KX_MULTIBOOT_H
#define KX_MULTIBOOT_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "arch/x86_64.h"
#include "loader.h"

/* ---- multiboot 1 ---------------------------------------------------------- */
#define KX_MB1_MAGIC        0x1BADB002u  /* in the image's header */
#define KX_MB1_BOOT_MAGIC   0x2BADB002u  /* in eax at the hand-off */
#define KX_MB1_SEARCH       8192         /* the header lies in the first 8 KiB */
#define KX_MB1_HDR_MIN      12           /* magic, flags, checksum */
#define KX_MB1_HDR_AOUT     32           /* ... + the five address fields */

/* header flags: bits 0-15 are required (refuse what is not honoured) */
#define KX_MB1_PAGE_ALIGN   0x00000001u  /* modules page aligned (honoured: always) */
#define KX_MB1_MEMORY_INFO  0x00000002u  /* mem_* and mmap_* (honoured: always given) */
#define KX_MB1_VIDEO_MODE   0x00000004u  /* a video mode: refused */
#define KX_MB1_AOUT_KLUDGE  0x00010000u  /* the address fields are valid */
#define KX_MB1_HONOURED     (KX_MB1_PAGE_ALIGN | KX_MB1_MEMORY_INFO)

/* multiboot information structure (MBI) flags and layout */
#define KX_MBI_MEMORY       0x00000001u
#define KX_MBI_BOOTDEV      0x00000002u
#define KX_MBI_CMDLINE      0x00000004u
#define KX_MBI_MODS         0x00000008u
#define KX_MBI_AOUT_SYMS    0x00000010u
#define KX_MBI_ELF_SHDR     0x00000020u
#define KX_MBI_MEM_MAP      0x00000040u
#define KX_MBI_LOADER_NAME  0x00000200u
#define KX_MBI_SIZE         116          /* fixed part, through the framebuffer fields */
#define KX_MBI_O_FLAGS      0
#define KX_MBI_O_MEM_LOWER  4
#define KX_MBI_O_MEM_UPPER  8
#define KX_MBI_O_CMDLINE    16
#define KX_MBI_O_MODS_COUNT 20
#define KX_MBI_O_MODS_ADDR  24
#define KX_MBI_O_MMAP_LEN   44
#define KX_MBI_O_MMAP_ADDR  48
#define KX_MBI_O_LOADER     64
#define KX_MBI_MMAP_ENT     24           /* size field (20) + base, length, type */
#define KX_MBI_MOD_ENT      16           /* mod_start, mod_end, string, reserved */

struct kx_mb1_header {
	size_t off;                  /* file offset of the magic, 4-byte aligned */
	uint32_t flags;
	/* valid when flags & KX_MB1_AOUT_KLUDGE */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* The first valid header (magic and checksum) in the first 8 KiB; 1 if found. */
int kx_mb1_find(const uint8_t *buf, size_t len, size_t *off);
/* Find and check the header: flags the loader cannot honour, address fields. */
struct kx_err kx_mb1_parse(const uint8_t *buf, size_t len, struct kx_mb1_header *h);
int kx_multiboot_probe(const uint8_t *buf, size_t len);
struct kx_err kx_multiboot_load(const struct kx_load_req *r, struct kx_plan *p);

/* ---- multiboot 2 ---------------------------------------------------------- */
#define KX_MB2_MAGIC        0xE85250D6u
#define KX_MB2_BOOT_MAGIC   0x36D76289u
#define KX_MB2_SEARCH       32768
#define KX_MB2_ARCH_I386    0
#define KX_MB2_HDR_MIN      16           /* magic, architecture, header_length, checksum */
#define KX_MB2_TAG_OPTIONAL 0x0001       /* header tag flags bit 0 */

/* header tag types */
enum {
	KX_MB2_HT_END = 0, KX_MB2_HT_INFO_REQ = 1, KX_MB2_HT_ADDRESS = 2,
	KX_MB2_HT_ENTRY = 3, KX_MB2_HT_CONSOLE = 4, KX_MB2_HT_FRAMEBUFFER = 5,
	KX_MB2_HT_MODULE_ALIGN = 6, KX_MB2_HT_EFI_BS = 7, KX_MB2_HT_ENTRY_EFI32 = 8,
	KX_MB2_HT_ENTRY_EFI64 = 9, KX_MB2_HT_RELOCATABLE = 10,
};
/* information (MBI2) tag types */
enum {
	KX_MB2_IT_END = 0, KX_MB2_IT_CMDLINE = 1, KX_MB2_IT_LOADER = 2, KX_MB2_IT_MODULE = 3,
	KX_MB2_IT_MEMINFO = 4, KX_MB2_IT_BOOTDEV = 5, KX_MB2_IT_MMAP = 6, KX_MB2_IT_VBE = 7,
	KX_MB2_IT_FRAMEBUFFER = 8, KX_MB2_IT_ELF_SECTIONS = 9, KX_MB2_IT_APM = 10,
	KX_MB2_IT_EFI32 = 11, KX_MB2_IT_EFI64 = 12, KX_MB2_IT_SMBIOS = 13,
	KX_MB2_IT_ACPI_OLD = 14, KX_MB2_IT_ACPI_NEW = 15, KX_MB2_IT_NETWORK = 16,
	KX_MB2_IT_EFI_MMAP = 17, KX_MB2_IT_EFI_BS = 18, KX_MB2_IT_EFI32_IH = 19,
	KX_MB2_IT_EFI64_IH = 20, KX_MB2_IT_LOAD_BASE = 21,
};
#define KX_MB2_MMAP_ENT     24           /* base, length, type, reserved */
#define KX_MB2_MAX_TAGS     256          /* header tags walked at most */

struct kx_mb2_header {
	size_t off;                  /* file offset of the magic, 8-byte aligned */
	uint32_t header_length;
	int have_addr;               /* address tag */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	int have_entry;              /* entry address tag (i386) */
	uint32_t entry_addr;
	int have_reloc;              /* relocatable tag: parsed, not honoured */
	uint32_t reloc_min, reloc_max, reloc_align, reloc_pref;
	uint32_t requested;          /* bit t: information tag t asked for (t < 32) */
};

/* The first header with a valid checksum in the first 32 KiB; 1 if found. */
int kx_mb2_find(const uint8_t *buf, size_t len, size_t *off);
/*
 * Find the header and walk its tags. What the MBI can hold (rsdp_len: 0, 20
 * or 36, the ACPI RSDP on offer) decides which required requests are refused.
 */
struct kx_err kx_mb2_parse(const uint8_t *buf, size_t len, unsigned rsdp_len,
			   struct kx_mb2_header *h);
int kx_multiboot2_probe(const uint8_t *buf, size_t len);
struct kx_err kx_multiboot2_load(const struct kx_load_req *r, struct kx_plan *p);

/* ---- shared by both loaders (lib/arch/x86_64/multiboot.c) ----------------- */

/* A header signature: magic at a multiple of step in the first `search`
 * bytes, with the nsum words from the magic on summing to 0 (mod 2^32). */
struct kx_mb_sig { uint32_t magic; unsigned nsum, step; size_t search, hdr_min; };
/* 1 and *off when buf holds a header with that signature. */
int kx_mb_scan(const uint8_t *buf, size_t len, const struct kx_mb_sig *sig, size_t *off);

/* The image's loadable pieces (struct kx_piece, include/kx/plan.h): file
 * bytes, then zeroes up to memsz. */
#define KX_MB_MAX_PIECES 14  /* 16 segments less the purgatory and the MBI */

struct kx_mb_image {
	struct kx_piece piece[KX_MB_MAX_PIECES];
	unsigned n;
	uint64_t entry;              /* physical; checked against the pieces by load */
	uint64_t lo, hi;             /* lowest and highest (exclusive) address, for callers */
};

/* An a.out-kludge layout: the header at file offset hdr_off is loaded at
 * header_addr; load_addr 0xffffffff (multiboot 2) = the file's start. */
struct kx_mb_aout {
	size_t hdr_off, hdr_size;    /* where the header is in the file, its length */
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr;
	int load_addr_neg1;          /* multiboot 2: load_addr -1 means "from offset 0" */
};
struct kx_err kx_mb_aout_image(const uint8_t *buf, size_t len, const struct kx_mb_aout *a,
			       uint32_t entry, struct kx_mb_image *im);
/* An ELF32 (i386) or ELF64 (x86_64) executable, parsed by kx_elf_parse
 * (lib/elf.c): its PT_LOAD segments at their physical addresses, all below
 * 4 GiB, sorted by address; the entry made physical by kx_elf_to_phys (kept
 * as found when no segment holds it). */
struct kx_err kx_mb_elf_image(const uint8_t *buf, size_t len, struct kx_mb_image *im);

/* Where the kernel, the modules and the MBI went, filled by kx_mb_place. */
struct kx_mb_placed {
	uint64_t mod_start[KX_MAX_MODULES], mod_end[KX_MAX_MODULES];
	uint64_t mbi;                /* address of the information structure */
	uint64_t load_base;          /* lowest kernel address */
	uint64_t entry;              /* where the kernel is entered (--entry applied) */
	uint8_t *mbi_buf;            /* r->scratch: build the MBI here, mbi_size bytes */
};
/*
 * Check the pieces (sorted by address, disjoint, below 4 GiB), the entry
 * point (inside a piece; r->have_entry overrides im->entry, below 4 GiB) and
 * the segment budget, then add to the plan: the kernel pieces at their fixed addresses
 * (pieces sharing a page merged into one segment, built in scratch after the
 * MBI's mbi_size bytes), each module (one page-aligned segment, below 4 GiB,
 * above the kernel when it fits there), and the MBI segment (below 4 GiB,
 * its bytes still to be built in pl->mbi_buf).
 */
struct kx_err kx_mb_place(const struct kx_load_req *r, struct kx_plan *p,
			  const struct kx_mb_image *im, size_t mbi_size, struct kx_mb_placed *pl);
/*
 * The command line a multiboot kernel is given: the image's name (r->image.name,
 * as the user gave it), a space, then r->cmdline; the name alone when the
 * command line is empty, the command line alone when there is no name. This
 * is what kexec-tools and GRUB legacy pass, and what Xen expects: unless the
 * boot loader's name says GRUB 2 ("GRUB " followed by anything but "0"), Xen
 * drops the first word of its command line (and of each module string) as the
 * image's name.
 * kx_mb_cmdline_len: its length without the NUL; kx_mb_cmdline_put writes it
 * with the NUL (kx_mb_cmdline_len + 1 bytes) at dst.
 */
size_t kx_mb_cmdline_len(const struct kx_load_req *r);
void kx_mb_cmdline_put(const struct kx_load_req *r, char *dst);
/* The 32-bit hand-off: eax = magic, ebx = MBI, jump to pl->entry; the plan's
 * command line (for display) is `cmdline`, the copy inside the MBI. */
void kx_mb_handoff(struct kx_plan *p, const struct kx_mb_placed *pl, uint32_t magic,
		   const char *type, const char *cmdline);
/* mem_lower / mem_upper in KiB from the memory map, as the specs define them. */
void kx_mb_meminfo(const struct kx_memmap *m, uint32_t *lower, uint32_t *upper);
#endif
