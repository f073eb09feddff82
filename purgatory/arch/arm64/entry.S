/*
 * kx purgatory, arm64 entry.
 *
 * The old kernel's relocation code enters here at EL2 or EL1, as it ran,
 * with the MMU and the data cache off and the segments in place at the
 * point of coherency. We take our own stack and exception vectors, build an
 * identity map of exactly what we read (mmu.c), turn the MMU and caches on,
 * verify every range in C (../../main.c), clean and invalidate everything we
 * touched to the point of coherency, turn the MMU and caches off again, and
 * enter the next kernel as Documentation/arch/arm64/booting.rst requires:
 * x0..x7 from the parameter block (a Linux Image: x0 = dtb, x1..x3 = 0),
 * MMU off, D-cache clean, I-cache invalidated, at the exception level we
 * were entered at, interrupts masked.
 *
 * Position independent: only PC-relative addressing (adr/adrp); the build
 * links the blob at two bases and checks the bytes are identical.
 */
#include <kx/purgatory.h>

#define MMU_MAIR      0
#define MMU_TCR       8
#define MMU_TTBR      16
#define MMU_SCTLR_ON  24
#define MMU_SCTLR_OFF 32
#define MMU_ON        48
#define PP_NRANGES    14
#define PP_RANGES     112
#define RANGE_SIZE    24

/* \op (ivac, civac) every data cache line of [x0, x1); clobbers x0, x2, x3 */
	.macro	dcache_range op
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4		/* DminLine: log2 of the line in words */
	mov	x2, #4
	lsl	x2, x2, x3
	sub	x3, x2, #1
	bic	x0, x0, x3
.Ldc\@:	cmp	x0, x1
	b.hs	.Ldone\@
	dc	\op, x0
	add	x0, x0, x2
	b	.Ldc\@
.Ldone\@:
	.endm

	.macro	adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	.section .head, "ax"
	.globl	_start
_start:
	b	start
	.balign	16
	/* header, see include/kx/purgatory.h */
	.long	KX_PURG_MAGIC
	.short	KX_PURG_VERSION
	.short	KX_PURG_HDR_SIZE
	.long	kx_memsz
	.long	KX_PURG_ARCH_AARCH64
	.globl	kx_params
kx_params:
	.fill	KX_PURG_PARAMS_SIZE, 1, 0

	.text
start:
	msr	daifset, #0xf
	msr	spsel, #1
	adr_l	x0, stack_top
	mov	sp, x0
	mrs	x19, CurrentEL
	ubfx	x19, x19, #2, #2		/* x19 = EL, kept to the end */
	adr_l	x0, vectors
	cmp	x19, #2
	b.ne	1f
	msr	vbar_el2, x0
	b	2f
1:	msr	vbar_el1, x0
2:	isb

	mov	x0, x19
	bl	kx_a64_prepare			/* console, page tables */
	adr_l	x20, kx_a64_mmu
	ldr	x0, [x20, #MMU_ON]
	cbz	x0, verify

	/* Our bss and stack were written with the caches off: drop any
	 * stale line the cache may hold for them before turning it on. */
	adr_l	x0, _start_blob
	adr_l	x1, _end_blob
	dcache_range ivac
	dsb	sy
	ic	iallu
	ldp	x0, x1, [x20, #MMU_MAIR]
	ldr	x2, [x20, #MMU_TTBR]
	ldr	x3, [x20, #MMU_SCTLR_ON]
	cmp	x19, #2
	b.eq	3f
	msr	mair_el1, x0
	msr	tcr_el1, x1
	msr	ttbr0_el1, x2
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	sctlr_el1, x3
	isb
	b	verify
3:	msr	mair_el2, x0
	msr	tcr_el2, x1
	msr	ttbr0_el2, x2
	isb
	tlbi	alle2
	dsb	nsh
	isb
	msr	sctlr_el2, x3
	isb

verify:
	bl	kx_purgatory_main		/* returns only if every range is intact */
	ldr	x0, [x20, #MMU_ON]
	cbz	x0, handoff

	/* From here on, no stores until the caches are off. Clean and
	 * invalidate to the point of coherency: our own memory (stack, page
	 * tables: the only dirty lines), then every range we read. */
	adr_l	x0, _start_blob
	adr_l	x1, _end_blob
	dcache_range civac
	adr_l	x21, kx_params
	ldrh	w22, [x21, #PP_NRANGES]
	cmp	x22, #KX_PURG_MAX_RANGES
	mov	x0, #KX_PURG_MAX_RANGES
	csel	x22, x22, x0, ls
	add	x23, x21, #PP_RANGES
4:	cbz	x22, 6f
	ldp	x0, x1, [x23]			/* start, len */
	add	x1, x0, x1
	dcache_range civac
	add	x23, x23, #RANGE_SIZE
	sub	x22, x22, #1
	b	4b
6:	dsb	sy
	ldr	x3, [x20, #MMU_SCTLR_OFF]
	cmp	x19, #2
	b.eq	7f
	msr	sctlr_el1, x3
	isb
	tlbi	vmalle1
	b	8f
7:	msr	sctlr_el2, x3
	isb
	tlbi	alle2
8:	dsb	nsh
	ic	iallu
	dsb	nsh
	isb

handoff:
	adr_l	x9, kx_params
	ldr	x10, [x9, #KX_PP_ENTRY]
	ldp	x0, x1, [x9, #KX_PP_REGS]
	ldp	x2, x3, [x9, #KX_PP_REGS + 16]
	ldp	x4, x5, [x9, #KX_PP_REGS + 32]
	ldp	x6, x7, [x9, #KX_PP_REGS + 48]
	br	x10

	.globl	kx_halt
kx_halt:
	msr	daifset, #0xf
5:	wfi
	b	5b

	/* exception vectors: 16 entries of 128 bytes, 2 KiB aligned */
	.balign	2048
vectors:
	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	128
	mov	x0, #\n
	b	fault
	.endr
fault:
	adr_l	x1, stack_top
	mov	sp, x1
	bl	kx_a64_fault

	.bss
	.balign	16
stack:
	.skip	16384
stack_top:
