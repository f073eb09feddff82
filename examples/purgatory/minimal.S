/*
 * A minimal user-supplied purgatory (preamble) for kx, x86_64.
 *
 *   make examples        -> build/examples/minimal-purgatory.bin
 *   kx -c -l vmlinuz --purgatory=minimal-purgatory.bin --append=...
 *
 * kx copies this blob into memory, fills the parameter block below (see
 * docs/purgatory.md and include/kx/purgatory.h), and makes offset 0 the
 * kexec entry point. We arrive in 64-bit mode on the old kernel's identity
 * map, interrupts off, with a stack and GDT that live in memory which may
 * already be overwritten. This example:
 *   1. loads its own GDT and stack,
 *   2. says hello on the first serial port,
 *   3. (unlike kx's own purgatory) verifies nothing: the ranges and their
 *      XXH64 digests are in the parameter block if you want to,
 *   4. sets the registers the loader asked for and jumps to the entry.
 * It must be position independent: only RIP-relative addressing.
 */
#include <kx/purgatory.h>

	.text
	.code64
	.globl	_start
_start:
	jmp	start				/* offset 0: the entry point */
	.balign	16
	/* the header kx checks (offset 16) */
	.long	KX_PURG_MAGIC			/* "KXPG" */
	.short	KX_PURG_VERSION
	.short	KX_PURG_HDR_SIZE
	.long	end - _start			/* memsz: all we need, incl. the stack */
	.long	KX_PURG_ARCH_X86_64
params:						/* offset 32: filled in by kx */
	.fill	KX_PURG_PARAMS_SIZE, 1, 0

start:
	cli
	leaq	stack_top(%rip), %rsp
	leaq	gdt(%rip), %rax			/* a GDT pointer holds an absolute */
	movq	%rax, gdt_ptr+2(%rip)		/* address: patch it in now */
	lgdt	gdt_ptr(%rip)
	pushq	$0x10				/* reload CS with a far return */
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss

	/* hello on COM1 (0x3f8), polling the transmitter, bounded */
	leaq	hello(%rip), %rsi
2:	movb	(%rsi), %al
	testb	%al, %al
	jz	4f
	movl	$0x3fd, %edx			/* line status register */
	movl	$100000, %ecx
3:	inb	%dx, %al
	testb	$0x20, %al			/* transmitter empty? */
	loopz	3b
	movb	(%rsi), %al
	movl	$0x3f8, %edx
	outb	%al, %dx
	incq	%rsi
	jmp	2b

	/* the hand-off the loader planned: regs[] and entry (64-bit mode) */
4:	leaq	params(%rip), %r15
	movq	KX_PP_REGS+0*8(%r15), %rax
	movq	KX_PP_REGS+1*8(%r15), %rbx
	movq	KX_PP_REGS+2*8(%r15), %rcx
	movq	KX_PP_REGS+3*8(%r15), %rdx
	movq	KX_PP_REGS+4*8(%r15), %rsi	/* Linux: the zero page */
	movq	KX_PP_REGS+5*8(%r15), %rdi
	movq	KX_PP_REGS+6*8(%r15), %rbp
	jmp	*KX_PP_ENTRY(%r15)		/* Linux: kernel + 0x200 */

hello:	.asciz	"example purgatory: hello, jumping to the next kernel\r\n"

	.balign	8
gdt:	.quad	0, 0
	.quad	0x00af9a000000ffff		/* 0x10: 64-bit code */
	.quad	0x00cf92000000ffff		/* 0x18: data */
gdt_end:
gdt_ptr:
	.short	gdt_end - gdt - 1
	.quad	0
	.balign	16
	.skip	1024				/* stack */
stack_top:
end:
	.section .note.GNU-stack, "", @progbits
