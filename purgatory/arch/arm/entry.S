/*
 * kx purgatory, 32-bit ARM entry.
 *
 * The old kernel's relocate_new_kernel enters here in ARM state, in SVC (or
 * HYP) mode, with the MMU and caches off and the segments copied, and with
 * r0 = 0, r1 = its machine type, r2 = the segment that starts with a device
 * tree (ours). We take our own stack, find the console (arm.c), verify every
 * range (../../main.c), then enter the zImage as booting.rst asks: r0 = 0,
 * r1 = the machine type, r2 = the device tree, interrupts masked, MMU and
 * caches still off. regs[1] or regs[2] of the parameter block, when not 0,
 * replace what the kernel passed.
 *
 * Position independent: addresses are PC-relative (a link-time difference
 * added to pc); the build links the blob at two bases and compares.
 */
#include <kx/purgatory.h>

/* reg = the address of sym, from pc */
	.macro	adr_far reg, sym
	ldr	\reg, 1001f
1002:	add	\reg, pc, \reg
	b	1003f
1001:	.long	\sym - (1002b + 8)
1003:
	.endm

	.syntax	unified
	.arm
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
	.long	KX_PURG_ARCH_ARM
	.globl	kx_params
kx_params:
	.fill	KX_PURG_PARAMS_SIZE, 1, 0

	.text
start:
	cpsid	aif
	mov	r4, r1				/* the kernel's machine type */
	mov	r5, r2				/* the kernel's device tree pointer */
	adr_far	r0, stack_top
	mov	sp, r0
	adr_far	r6, kx_params
	ldr	r0, [r6, #KX_PP_REGS + 16]	/* regs[2], low word */
	cmp	r0, #0
	moveq	r0, r5
	mov	r5, r0				/* r5 = the device tree from here on */
	bl	kx_arm_prepare			/* the console, from the device tree */
	bl	kx_purgatory_main		/* returns only if every range is intact */

	ldr	r7, [r6, #KX_PP_ENTRY]
	ldr	r0, [r6, #KX_PP_REGS]
	ldr	r1, [r6, #KX_PP_REGS + 8]
	cmp	r1, #0
	moveq	r1, r4
	mov	r2, r5
	ldr	r3, [r6, #KX_PP_REGS + 24]
	bx	r7

	.globl	kx_halt
kx_halt:
	cpsid	aif
1:	wfi
	b	1b

	.bss
	.balign	8
stack:
	.skip	8192
stack_top:
