/*
 * ppc64le loaders: the ELF vmlinux (placed by its program headers) and the
 * flattened device tree handed to the next kernel. Internal to
 * lib/arch/ppc64le and its unit tests; docs/ppc64le.md has the why.
 */
#ifndef KX_LIB_PPC64_H
#define KX_LIB_PPC64_H
#include <stddef.h>
#include <stdint.h>
#include <kx/err.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include <kx/range.h>

/* Every segment starts and ends on 64 KiB (Debian's ppc64el kernels use
 * 64K pages; a 4K-page kernel takes that too). */
#define KX_PPC_SEG_ALIGN   (64ull << 10)
#define KX_PPC_CMDLINE_MAX 2047          /* COMMAND_LINE_SIZE 2048, with the NUL */
#define KX_PPC_DTB_MAX     (8ull << 20)  /* far above any real tree */
#define KX_PPC_MAX_KERNEL  (1ull << 30)
/* The highest address a segment may reach: the next kernel reads its device
 * tree and initrd early, in real mode, where a guest (pseries LPAR) reaches
 * only its real mode area: the memory node at address 0 (kexec-tools limits
 * every range to the lowest memory node too). */
#define KX_PPC_RMA_DEFAULT (256ull << 20) /* when the tree does not say */

/* ---- the ELF vmlinux ------------------------------------------------------------- */
struct kx_ppc_vmlinux {
	uint64_t lo, hi;       /* [lowest p_paddr, highest p_paddr + p_memsz) */
	uint64_t entry;        /* e_entry as a physical offset from lo */
	uint32_t flags;        /* e_flags (2: ELFv2) */
	const uint8_t *head;   /* its first KX_PURG_PPC64_HEADSZ bytes (at lo) */
};
/* 1 if buf is an ELF64 little-endian PowerPC64 executable that is no
 * user-space program. */
int kx_ppc_vmlinux_probe(const uint8_t *buf, size_t len);
/*
 * Parse it. Errors: those of kx_elf_parse, KX_E_WRONG_MACHINE ("ppc64le
 * kernels", a: e_machine), KX_E_BAD_HEADER ("vmlinux: no code at its start"
 * when the lowest PT_LOAD holds fewer than 256 file bytes, "e_entry" outside
 * the image, "vmlinux size" above 1 GiB).
 */
struct kx_err kx_ppc_vmlinux_parse(const uint8_t *buf, size_t len, struct kx_ppc_vmlinux *v);
struct kx_err kx_ppc_vmlinux_load(const struct kx_load_req *r, struct kx_plan *p);

/* ---- the device tree (dtb.c, libfdt) ---------------------------------------------- */
struct kx_ppc_dt_args {
	const char *cmdline;               /* bootargs; "" removes the property */
	uint64_t initrd_start, initrd_end; /* [start, end); both 0: no initrd */
	uint32_t boot_cpu;                 /* boot_cpuid_phys (the purgatory sets it again) */
	const uint8_t *rng_seed;           /* fresh /chosen/rng-seed bytes, or NULL (a stale
					      one is removed) */
	size_t rng_seed_len;
};
/*
 * Copy the tree src into out (cap bytes) and edit it for the next kernel:
 *   /chosen: bootargs, linux,initrd-start/-end (64-bit), rng-seed set; the old
 *     kernel's own properties removed: linux,kernel-end, linux,crashkernel-base
 *     and -size, linux,memory-limit, linux,htab-base and -size, and a stale
 *     initrd (with its reserve map entry); everything else kept
 *     (linux,stdout-path included);
 *   every node: linux,pci-domain removed (the next kernel makes its own);
 *   the reserve map: what it held, plus the initrd, RTAS (linux,rtas-base,
 *     rtas-size), OPAL (opal-base-address, opal-runtime-size), the TCE
 *     tables (linux,tce-base, linux,tce-size), every reserved-ranges entry
 *     of the root, and the tree itself (its address written later by
 *     kx_ppc_dtb_set_self: entry *self);
 *   the header: version 17, boot_cpuid_phys.
 * Packed; *outlen its size. Errors: KX_E_DTB (a: enum kx_dtb_fault),
 * KX_E_DTB_TOO_BIG, KX_E_SCRATCH ("device tree").
 */
struct kx_err kx_ppc_dtb_build(const uint8_t *src, size_t srclen, uint8_t *out, size_t cap,
			       const struct kx_ppc_dt_args *a, size_t *outlen, int *self);
/* Write the tree's own address into its reserve map entry `self`. */
void kx_ppc_dtb_set_self(uint8_t *dtb, int self, uint64_t addr);
struct kx_err kx_ppc_dtb_check(const uint8_t *src, size_t srclen);
size_t kx_ppc_dtb_room(const uint8_t *src, size_t srclen, size_t cmdline_len);
/* What the tree says about memory: the end of the real mode area (the
 * memory node at address 0; 0 when not found), the running kernel's end
 * (/chosen linux,kernel-end; 0 when not there). */
uint64_t kx_ppc_dtb_rma(const uint8_t *src, size_t srclen);
uint64_t kx_ppc_dtb_kernel_end(const uint8_t *src, size_t srclen);
#endif
