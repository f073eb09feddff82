/*
 * kx purgatory, ppc64le entry (docs/ppc64le.md).
 *
 * The old kernel's kexec_sequence copies the 256 bytes at the kexec entry
 * (head, below) to physical 0, releases its secondary CPUs to 0x60 there
 * (big-endian, real mode, r3 = their hardware CPU id), and enters head on
 * the CPU that runs the kexec: real mode (MMU off), 64-bit, little-endian,
 * external interrupts off, r3 = its hardware CPU id, r4 = head's address.
 * head's first word branches to master; its other 252 bytes are the next
 * kernel's (the loader copies them: lib/plan.c), so that the secondaries
 * wait in the next kernel's own __secondary_hold until it calls them.
 *
 * master takes a stack and the TOC, verifies every range (../../main.c),
 * writes its CPU id into the device tree's boot_cpuid_phys, and enters the
 * next kernel as its own kexec purgatory does: r3 = device tree, r4 = the
 * kernel's address, r5 = 0, through rfid with MSR_LE cleared (the kernel's
 * first instructions switch to little-endian themselves).
 *
 * Position independent: everything is addressed from the bcl below or
 * through r2 (the TOC, computed the same way); the build links the blob at
 * two bases and compares.
 */
#include <kx/purgatory.h>

	.abiversion 2
	.section .head, "ax"
	.globl	_start
_start:
	b	master
	.balign	16
	/* header, see include/kx/purgatory.h */
	.long	KX_PURG_MAGIC
	.short	KX_PURG_VERSION
	.short	KX_PURG_HDR_SIZE
	.long	kx_memsz
	.long	KX_PURG_ARCH_PPC64
	.globl	kx_params
kx_params:
	.fill	KX_PURG_PARAMS_SIZE, 1, 0

	.org	_start + KX_PURG_PPC64_HEAD
head:
	b	master
	.fill	KX_PURG_PPC64_HEADSZ - 4, 1, 0

	.text
master:
	mr	%r31, %r3			/* this CPU's hardware id */
	bcl	20, 31, 1f
1:	mflr	%r30
	addis	%r2, %r30, (.TOC. - 1b)@ha
	addi	%r2, %r2, (.TOC. - 1b)@l
	addis	%r1, %r30, (stack_top - 1b)@ha
	addi	%r1, %r1, (stack_top - 1b)@l
	li	%r0, 0
	stdu	%r0, -128(%r1)			/* the ABI's frame, a null back chain */
	bl	kx_purgatory_main		/* returns only if every range is intact */
	nop

	addis	%r29, %r30, (kx_params - 1b)@ha
	addi	%r29, %r29, (kx_params - 1b)@l
	ld	%r3, KX_PP_REGS(%r29)		/* the device tree */
	li	%r4, 28
	stwbrx	%r31, %r3, %r4			/* boot_cpuid_phys (big-endian) = this CPU */
	sync

	/* kdump (libkx/arch/ppc64le/crash.c): regs[4] bytes from physical 0, the
	 * crashed kernel's, to regs[3] before the crash kernel puts its exception
	 * vectors there; regs[4] 0: nothing to keep */
	ld	%r8, KX_PP_REGS + 24(%r29)
	ld	%r9, KX_PP_REGS + 32(%r29)
	srdi.	%r9, %r9, 3
	beq	4f
	mtctr	%r9
	li	%r10, -8
	addi	%r8, %r8, -8
5:	ldu	%r11, 8(%r10)
	stdu	%r11, 8(%r8)
	bdnz	5b
	sync
4:
	lis	%r6, 1				/* let the secondaries reach 0x60 before the */
	mtctr	%r6				/* next kernel copies itself over it */
2:	bdnz	2b

	ld	%r4, KX_PP_REGS + 8(%r29)
	ld	%r5, KX_PP_REGS + 16(%r29)
	ld	%r6, KX_PP_ENTRY(%r29)
	mtsrr0	%r6
	mfmsr	%r7
	rldicr	%r7, %r7, 0, 62			/* MSR_LE off */
	mtsrr1	%r7
	rfid

	.globl	kx_halt
kx_halt:
	or	%r31, %r31, %r31		/* very low priority */
3:	b	3b

	.bss
	.balign	16
stack:
	.skip	16384
stack_top:
	.section .note.GNU-stack, "", @progbits
