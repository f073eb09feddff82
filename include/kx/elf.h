/*
 * ELF executables (ELF32 and ELF64, little endian): the parser is
 * arch-independent (lib/elf.c), the loaders are per architecture
 * (lib/arch/<arch>/elf.c). Every field is read through kx_le*; every offset
 * and size is checked against the file before it is used.
 */
#ifndef KX_ELF_H
#define KX_ELF_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "loader.h"
#include "plan.h"

#define KX_ELF_MAX_LOADS    16   /* PT_LOADs with p_memsz > 0; more is an error */
#define KX_ELF_MAX_PHDRS    256  /* e_phnum above this is an error */
#define KX_ELF_MAX_NOTES    8    /* PT_NOTEs remembered (later ones are ignored) */
#define KX_ELF_MAX_SECTIONS 1024 /* section lookups give up above this e_shnum */

#define KX_ET_EXEC   2
#define KX_ET_DYN    3
#define KX_EM_386    3
#define KX_EM_X86_64 62
#define KX_EM_AARCH64 183
#define KX_EM_PPC64  21
#define KX_PF_X      1u
#define KX_PF_W      2u
#define KX_PF_R      4u

/* One program header, as found (PT_LOAD or PT_NOTE). */
struct kx_elf_seg {
	uint64_t paddr, vaddr, offset, filesz, memsz, align;
	uint32_t flags;                /* KX_PF_* */
};

struct kx_elf {
	unsigned cls;                  /* 32 or 64 */
	uint16_t type;                 /* KX_ET_EXEC or KX_ET_DYN */
	uint16_t machine;              /* e_machine, not checked here: the loader does */
	uint64_t entry;                /* e_entry, as found (virtual or physical) */
	uint64_t phoff;
	uint16_t phnum;
	/* section headers: recorded, checked only when looked up */
	uint64_t shoff;
	uint16_t shnum, shentsize, shstrndx;
	/*
	 * The PT_LOADs with p_memsz > 0, in file order. Guaranteed: filesz <=
	 * memsz; [offset, offset + filesz) inside the file when filesz > 0;
	 * paddr + memsz rounded up to a page does not wrap (ELF32: stays below
	 * 4 GiB); no two overlap in [paddr, paddr + memsz).
	 */
	unsigned nload;
	struct kx_elf_seg load[KX_ELF_MAX_LOADS];
	/* The first PT_NOTEs lying inside the file (others are ignored). */
	unsigned nnote;
	struct kx_elf_seg note[KX_ELF_MAX_NOTES];
};

/* 1 if buf starts like an ELF executable kx could parse: magic, ELFCLASS32
 * or ELFCLASS64, little endian, ET_EXEC or ET_DYN. Any machine. */
int kx_elf_probe(const uint8_t *buf, size_t len);

/* 1 if the parsed ELF is a user-space program, not a kernel: it has a
 * PT_INTERP (dynamically linked) or a PT_TLS (thread-local storage, which no
 * kernel, hypervisor or multiboot payload uses). Bounded by e_phnum. */
int kx_elf_is_program(const uint8_t *buf, size_t len, const struct kx_elf *e);
/* Probe for kernels: a parsable ELF that is not a user-space program. */
int kx_elf_kernel_probe(const uint8_t *buf, size_t len);

/*
 * Parse and validate an ELF executable. Errors: KX_E_TRUNCATED (what:
 * "ELF header", "ELF program headers", "ELF segment"), KX_E_BAD_HEADER (what
 * names the field), KX_E_TOO_MANY ("PT_LOAD segments" / "ELF program headers").
 */
struct kx_err kx_elf_parse(const uint8_t *buf, size_t len, struct kx_elf *out);

/*
 * Find a note named `name` in the PT_NOTEs of e (with type `type`, unless
 * any_type). On success returns 1 and, when desc is not NULL, points *desc
 * and *descsz at its descriptor (inside buf). Bounded: at most 1024 notes
 * per PT_NOTE are looked at.
 */
int kx_elf_find_note(const uint8_t *buf, size_t len, const struct kx_elf *e, const char *name,
		     uint32_t type, int any_type, const uint8_t **desc, size_t *descsz);

/* 1 if the section header string table names a section `name`. 0 when
 * there are no (or no sane) section headers, or more than KX_ELF_MAX_SECTIONS. */
int kx_elf_has_section(const uint8_t *buf, size_t len, const struct kx_elf *e, const char *name);

/*
 * Is this ELF a Linux kernel (a vmlinux)? Yes when it has
 *   - an ELF note named "Linux" (every kernel since 4.19: the build-salt
 *     note; 5.x+ also the LTO-info note), or
 *   - a Xen note XEN_ELFNOTE_GUEST_OS (type 6) whose text is "linux"
 *     (older kernels built with CONFIG_XEN, as distributions do), or
 *   - a section named "__ksymtab" (older kernels with CONFIG_MODULES, when
 *     the section headers were kept).
 * Cheap and bounded: notes are walked once, sections at most
 * KX_ELF_MAX_SECTIONS.
 */
int kx_elf_is_linux(const uint8_t *buf, size_t len, const struct kx_elf *e);

/*
 * The physical address of `addr`: addr itself when a PT_LOAD's
 * [paddr, paddr + memsz) contains it, else paddr + (addr - vaddr) of the
 * first PT_LOAD whose [vaddr, vaddr + memsz) contains it. 0 if none does.
 */
int kx_elf_to_phys(const struct kx_elf *e, uint64_t addr, uint64_t *paddr);

/* The architecture's ELF loader (lib/arch/<arch>/elf.c), for the loader table. */
struct kx_err kx_elf_load(const struct kx_load_req *r, struct kx_plan *p);
#endif
