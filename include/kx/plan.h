/* A kexec plan: the segments the kernel will copy into place and the way
 * the purgatory hands over to the next kernel. Pure values, no I/O. */
#ifndef KX_PLAN_H
#define KX_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "purgatory.h"
#include "range.h"

#define KX_MAX_SEGMENTS 16  /* KEXEC_SEGMENT_MAX */
#define KX_PAGE 4096ull

struct kx_segment {
	const void *buf;     /* bytes to copy (may be NULL when bufsz == 0) */
	uint64_t bufsz;
	uint64_t mem;        /* physical destination, page aligned */
	uint64_t memsz;      /* bytes reserved, page aligned, >= bufsz; rest zeroed */
	const char *purpose; /* "kernel", "initrd", "boot-params", "purgatory", ... */
	const char *source;  /* file name or "built" */
	uint64_t digest;     /* digest of buf, for the purgatory */
	int verify;          /* the purgatory checks this one */
};

struct kx_plan {
	unsigned nseg;
	struct kx_segment seg[KX_MAX_SEGMENTS];
	uint64_t entry;                /* where the kernel jumps: the purgatory */
	/* the purgatory's hand-off */
	uint64_t target;               /* the next kernel's entry */
	uint8_t entry_mode;            /* KX_PURG_ENTRY_* */
	uint64_t regs[KX_PURG_NREGS];
	uint32_t regs_used;            /* bit i: regs[i] is meaningful */
	uint32_t purg_flags;           /* KX_PURG_* the loader needs (e.g. 4LEVEL) */
	uint32_t serial_baud;          /* the purgatory's UART speed, 0 = as it is (params) */
	/* ppc64: the kexec entry is head_off bytes into the purgatory, and
	 * head (when not NULL) gives the KX_PURG_PPC64_HEADSZ bytes there,
	 * all but the first word (include/kx/purgatory.h); 0/NULL elsewhere */
	uint32_t head_off;
	const uint8_t *head;
	const char *type;              /* loader name */
	const char *cmdline;           /* what the next kernel gets, for display */
	/* x86 Linux: the EFI runtime hand-off (enum kx_efi_state, UNSET when the
	 * loader builds no boot parameters), for display */
	int efi;
	uint64_t efi_systab;           /* the system table's physical address, when PASSED */
	unsigned efi_regions;          /* runtime regions passed */
	/* x86_64 bzImage: was the kernel unpacked at load (enum kx_unpacked,
	 * include/kx/bzimage.h), and its KASLR (enum kx_kaslr), for display */
	int unpacked;
	uint32_t unpack_fault;         /* UNPACK: enum kx_unpack_fault; RELOCS: enum
					  kx_reloc_fault */
	int unpack_comp;               /* enum kx_comp of the payload, once known */
	uint64_t unpacked_len;         /* bytes it unpacked to */
	uint32_t nrelocs;              /* relocation entries applied (or checked) */
	uint32_t bad_reloc;            /* RELOCS/OUTSIDE: the entry */
	int kaslr;
	uint64_t kaslr_phys;           /* where the kernel proper goes */
	uint64_t kaslr_virt;           /* its virtual offset from the linked address */
};

/* Limits that restrict placement (--mem-min/--mem-max). */
struct kx_window { uint64_t min, max; /* [min, max) */ };
/* The highest address a placement below hi may reach in the window (for
 * KX_E_NO_SPACE messages). */
static inline uint64_t kx_window_top(struct kx_window w, uint64_t hi) { return w.max < hi ? w.max : hi; }

/* Add a segment; its memory must already be chosen. */
struct kx_err kx_plan_add(struct kx_plan *p, const char *purpose, const char *source,
			  const void *buf, uint64_t bufsz, uint64_t mem, uint64_t memsz);

/* The first of the plan's first n segments overlapping r, or -1. */
int kx_plan_hit(const struct kx_plan *p, unsigned n, struct kx_range r);

/*
 * Find space for rq (include/kx/range.h) in RAM inside the window, clear of
 * every segment of the plan as well as rq's own exclusions. False when
 * nothing fits (or rq has more than KX_PLACE_MAX_EXCLUDE exclusions).
 */
bool kx_plan_place(const struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
		   const struct kx_place *rq, uint64_t *out);
/* Is [at, at + size) page aligned, in one RAM entry and the window, and clear
 * of the plan's segments? */
bool kx_plan_fits_at(const struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
		     uint64_t at, uint64_t size);

/*
 * An image's loadable pieces -> page-aligned segments (lib/pieces.c): each
 * piece's pages straight from the file where its bytes allow (a head down to
 * `file`), a page shared by two pieces or a first page whose head would fall
 * before the file built in scratch, next built pages merged. Pieces: sorted
 * by paddr, disjoint, filesz <= memsz, memsz > 0, src..src+filesz inside the
 * file, paddr + memsz rounded up to a page still an address.
 */
struct kx_piece { uint64_t paddr; const uint8_t *src; uint64_t filesz, memsz; };
struct kx_pieces {
	const struct kx_piece *piece;
	unsigned n;
	const uint8_t *file;     /* the image: no head is taken from before it */
	const char *purpose;     /* of every segment ("kernel") */
	const char *source;      /* of the segments straight from the file */
	uint8_t *scratch;        /* built pages go at scratch + used, one page each */
	size_t scratch_len, used; /* used grows by a page per built page */
};
/* Add the segments; each must be in RAM (adjacent entries may split it), in
 * the window, and clear of the plan. Errors: KX_E_SEG_NOT_RAM,
 * KX_E_SEG_OVERLAP, KX_E_SCRATCH, those of kx_plan_add. */
struct kx_err kx_plan_add_pieces(struct kx_plan *p, const struct kx_memmap *m, struct kx_window w,
				 struct kx_pieces *pc);
/* The segments kx_plan_add_pieces would add and the scratch it would take
 * (whatever scratch_len says), without touching anything. */
void kx_pieces_count(const struct kx_pieces *pc, unsigned *nseg, size_t *scratch);

/* Check the plan the way the kernel's sanity_check_segment_list will. */
struct kx_err kx_plan_validate(const struct kx_plan *p, const struct kx_memmap *m);

/*
 * Digest every segment marked verify, copy the purgatory blob into `buf`,
 * fill its parameter block from the plan, and add it as the last segment,
 * placed below 4 GiB. The plan's entry becomes the purgatory.
 */
struct kx_err kx_plan_add_purgatory(struct kx_plan *p, const struct kx_memmap *m,
				    struct kx_window w, const uint8_t *blob, size_t bloblen,
				    uint8_t *buf, size_t buflen, uint32_t flags,
				    uint16_t serial_port);
#endif
