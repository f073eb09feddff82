/*
 * PE/COFF images (Microsoft PE format) and Unified Kernel Images (UAPI group
 * UKI specification): a PE (usually systemd's EFI stub) carrying the kernel in
 * a .linux section, and optionally .initrd, .cmdline, .ucode, .osrel, .uname,
 * .dtb. The parsers only read: every offset and size is checked against the
 * file, loops over counts from the file are capped, nothing is copied.
 */
#ifndef KX_PE_H
#define KX_PE_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define KX_PE_MAX_SECTIONS 96   /* NumberOfSections above this: KX_E_TOO_MANY */

#define KX_PE_MACHINE_I386  0x014c
#define KX_PE_MACHINE_AMD64 0x8664
#define KX_PE_MACHINE_ARM64 0xaa64
#define KX_PE_MACHINE_RISCV64 0x5064
#define KX_PE_MAGIC_PE32     0x010b
#define KX_PE_MAGIC_PE32PLUS 0x020b

/*
 * Error codes these parsers return. Not-a-PE, not-a-UKI and duplicate UKI
 * sections use KX_E_BAD_HEADER (with a precise `what`) until err.h has
 * dedicated codes; callers and tests should use these names.
 *   KX_E_TRUNCATED    what: "DOS header", "PE header", "PE optional header",
 *                     "PE section table", "PE section data";
 *                     a: bytes needed (end offset), b: file length
 *   KX_PE_E_NOT_PE    what: "MZ signature" / "PE signature"; a: value found
 *   KX_E_BAD_HEADER   what: "e_lfanew", "SizeOfOptionalHeader",
 *                     "PE optional header magic"; a: value
 *   KX_E_TOO_MANY     what: "PE sections"; a: KX_PE_MAX_SECTIONS
 *   KX_PE_E_NOT_UKI   what: "UKI .linux section (missing)"
 *   KX_PE_E_DUP       what: "duplicate UKI .NAME section"; a: section index
 */
#define KX_PE_E_NOT_PE  KX_E_NOT_PE
#define KX_PE_E_NOT_UKI KX_E_NOT_UKI
#define KX_PE_E_DUP     KX_E_UKI_DUP

struct kx_pe_section {
	char name[9];          /* the 8-byte Name field, NUL-terminated (may be "/N") */
	const char *long_name; /* "/N" resolved in the COFF string table (points into
				  the buffer, NUL-terminated there), else NULL */
	uint32_t vaddr;        /* VirtualAddress (RVA) */
	uint32_t vsize;        /* VirtualSize */
	uint32_t raw_off;      /* PointerToRawData */
	uint32_t raw_size;     /* SizeOfRawData (padded to FileAlignment) */
	uint32_t flags;        /* Characteristics */
	const uint8_t *data;   /* buf + raw_off, inside the file; NULL when len is 0 */
	size_t len;            /* meaningful bytes: min(vsize, raw_size), or raw_size
				  when vsize is 0 */
};

struct kx_pe {
	uint32_t pe_off;       /* e_lfanew: offset of "PE\0\0" */
	uint16_t machine;      /* KX_PE_MACHINE_* */
	uint16_t characteristics;
	uint16_t opt_magic;    /* KX_PE_MAGIC_PE32 or KX_PE_MAGIC_PE32PLUS */
	uint16_t subsystem;    /* 10: EFI application */
	uint32_t entry;        /* AddressOfEntryPoint (RVA) */
	uint64_t image_base;
	uint32_t section_align, file_align;
	uint32_t size_of_image, size_of_headers;
	unsigned nsect;
	struct kx_pe_section sect[KX_PE_MAX_SECTIONS];
};

/* Headers and section table; every section's data is inside buf[0, len). */
struct kx_err kx_pe_parse(const uint8_t *buf, size_t len, struct kx_pe *out);
/* 1 if the section's name (the resolved long name for "/N") is `name`. */
int kx_pe_section_is(const struct kx_pe_section *s, const char *name);
/* The first section named `name`, or NULL. */
const struct kx_pe_section *kx_pe_find(const struct kx_pe *pe, const char *name);

/* One UKI section: present = the section exists (it may still be empty). */
struct kx_uki_part {
	const uint8_t *buf;    /* NULL when len is 0 */
	size_t len;
	int present;
};

struct kx_uki {
	uint16_t machine;      /* of the PE (the stub), KX_PE_MACHINE_* */
	struct kx_uki_part kernel;  /* .linux: the kernel image (a bzImage on x86),
				       verbatim (not named `linux`: a GNU-mode macro) */
	struct kx_uki_part initrd;
	struct kx_uki_part cmdline; /* text: cut at the first NUL, one trailing
				       newline (\n or \r\n) trimmed; NOT NUL-terminated */
	struct kx_uki_part ucode;   /* microcode initrd, goes before .initrd */
	struct kx_uki_part osrel;   /* os-release text, cut at the first NUL */
	struct kx_uki_part uname;   /* kernel release, trimmed like .cmdline */
	struct kx_uki_part dtb;
	unsigned nprofiles;    /* .profile sections; when > 0 the parts above are the
				  default profile (profile 0 overriding the base) */
};

/*
 * A UKI: a valid PE with a .linux section. Sections are matched on the 8-byte
 * Name field, as systemd-stub does ("/N" long names never count). Each of the
 * sections above may appear once per profile (before the first .profile
 * section: the base; between the first and the second .profile: profile 0;
 * later profiles are checked as PE sections but not used); a second one is
 * KX_PE_E_DUP. No .linux: KX_PE_E_NOT_UKI. Unknown sections are ignored.
 */
struct kx_err kx_uki_parse(const uint8_t *buf, size_t len, struct kx_uki *u);
/*
 * 1 if buf has valid PE headers and a section table entry named .linux (0 for
 * a plain bzImage, whose EFI stub makes it a PE too). Like the bzImage probe
 * it does not validate everything: section data bounds and duplicates are
 * left to kx_uki_parse, which reports them precisely. Bounded: at most
 * KX_PE_MAX_SECTIONS entries, no data read.
 */
int kx_uki_probe(const uint8_t *buf, size_t len);

/*
 * Load a UKI with the architecture's kernel loader (shared by every
 * architecture's "uki" loader, lib/uki.c): its PE machine must be `machine`;
 * the kernel loader gets .linux as the image, the initrd pieces in the
 * order the EFI stub uses (.ucode, .initrd, then r's), and, when the loader
 * takes a device tree and none was given, .dtb. The command line is the
 * caller's (libkx uses .cmdline unless told otherwise). p->type is "uki".
 * Errors: those of kx_uki_parse and of load; KX_E_BAD_HEADER (PE machine);
 * KX_E_TOO_MANY ("initrd pieces").
 */
struct kx_load_req;
struct kx_plan;
struct kx_err kx_uki_load(const struct kx_load_req *r, struct kx_plan *p, uint16_t machine,
			  struct kx_err (*load)(const struct kx_load_req *, struct kx_plan *),
			  int use_dtb);

/*
 * os-release text (.osrel): the value of KEY=VALUE for `key`, with one level
 * of matching "..." or '...' quotes removed (backslash escapes are left as
 * they are). Lines are split at \n; a \r before it is ignored; # lines are
 * comments; NUL ends the text. 1 and *val, *vlen (pointing into txt) when
 * found, else 0. kx_osrel_pretty: PRETTY_NAME, else NAME.
 */
int kx_osrel_value(const uint8_t *txt, size_t len, const char *key, const uint8_t **val,
		   size_t *vlen);
int kx_osrel_pretty(const uint8_t *txt, size_t len, const uint8_t **val, size_t *vlen);
#endif
