/*
 * kx ATAGS test kernel, entry: a zImage header (what kx's zImage loader
 * checks, lib/arch/arm/zimage.c) and the code that takes the registers a
 * boot loader hands over (r0 = 0, r1 = the machine type, r2 = the tag list),
 * sets up a stack and calls kmain (atags.c).
 *
 * Position independent: kx puts a zImage wherever there is room, so every
 * address is pc-relative (the build links it at two bases and compares). Entered in ARM state with the MMU and caches off.
 */
	.syntax	unified
	.arm

/* reg = the address of sym, from pc */
	.macro	adr_far reg, sym
	ldr	\reg, 1001f
1002:	add	\reg, pc, \reg
	b	1003f
1001:	.long	\sym - (1002b + 8)
1003:
	.endm

	.section .head, "ax"
	.globl	_start
_start:
	.rept	8
	mov	r0, r0			/* the zImage's nop sled */
	.endr
	b	1f
	.word	0x016f2818		/* 0x24: zImage magic */
	.word	0			/* 0x28: start, 0: runs anywhere */
	.word	_edata - _start		/* 0x2c: end: the file's size */
	.word	0x04030201		/* 0x30: little-endian */
	.word	0			/* 0x34: no size table */
	.word	0, 0
1:
	cpsid	aif
	mov	r4, r0
	mov	r5, r1
	mov	r6, r2
	adr	r7, _start		/* where the image runs */
	adr_far	r0, __bss_start
	adr_far	r1, _end
	mov	r2, #0
2:	cmp	r0, r1			/* zero the bss (the stack is in it) */
	strlo	r2, [r0], #4
	blo	2b
	adr_far	r0, stack_top
	mov	sp, r0
	mov	r0, r4
	mov	r1, r5
	mov	r2, r6
	mov	r3, r7
	bl	kmain

	.globl	psci_call
psci_call:				/* r0 = function id; hvc as QEMU virt says */
	.arch_extension virt
	hvc	#0
	bx	lr

	.globl	halt
halt:
	cpsid	aif
3:	wfi
	b	3b

	.bss
	.balign	8
stack:
	.skip	16384
stack_top:
