/*
 * kx purgatory, x86_64 entry.
 *
 * The kernel's relocate_kernel enters here in 64-bit mode, paging on with
 * its identity map of RAM, interrupts off, and a stack and GDT we must not
 * trust (they live in the old kernel's memory, now overwritten). We load our
 * own GDT and stack, verify the segments in C, then set the registers from
 * the parameter block and jump to the next kernel.
 *
 * The blob is position independent: everything is RIP-relative, and the
 * build links it at two bases and checks the bytes are identical.
 */
#include <kx/purgatory.h>

	.section .head, "ax"
	.code64
	.globl _start
_start:
	jmp	start64
	.balign	16
	/* header, see include/kx/purgatory.h */
	.long	KX_PURG_MAGIC
	.short	KX_PURG_VERSION
	.short	KX_PURG_HDR_SIZE
	.long	kx_memsz
	.long	KX_PURG_ARCH_X86_64
	.globl	kx_params
kx_params:
	.fill	KX_PURG_PARAMS_SIZE, 1, 0

	.text
start64:
	cli
	cld
	leaq	stack_top(%rip), %rsp
	/* GDT base is absolute: patch it in at run time */
	leaq	gdt(%rip), %rax
	movq	%rax, gdt_ptr+2(%rip)
	lgdt	gdt_ptr(%rip)
	pushq	$0x10
	leaq	1f(%rip), %rax
	pushq	%rax
	lretq
1:	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	call	kx_purgatory_main	/* returns only if the segments are intact */

	leaq	kx_params(%rip), %r15
	cmpb	$KX_PURG_ENTRY_32, KX_PP_MODE(%r15)
	je	to32

	/*
	 * 5-level paging on (CR4.LA57) and a next kernel that only knows 4-level
	 * paging (memtest86+, raw code, old Linux): LA57 can only change with
	 * paging off, so drop to compatibility mode, turn paging off, install a
	 * 4-level identity map of the first 4 GiB, and come back to long mode.
	 */
	testl	$KX_PURG_4LEVEL, KX_PP_FLAGS(%r15)
	jz	1f
	movq	%cr4, %rax
	btq	$12, %rax
	jnc	1f
	call	kx_build_identity_4g	/* fills pml4 .. pd[3] in our bss */
	leaq	pml4(%rip), %rdi	/* all below 4 GiB */
	leaq	back64(%rip), %rbx
	pushq	$0x20
	leaq	compat32(%rip), %rax
	pushq	%rax
	lretq
	.code32
compat32:
	movl	%cr0, %eax
	andl	$0x7fffffff, %eax	/* paging off: long mode inactive */
	movl	%eax, %cr0
	movl	%cr4, %eax
	andl	$~0x1000, %eax		/* LA57 off */
	orl	$0x20, %eax		/* PAE on */
	movl	%eax, %cr4
	movl	%edi, %cr3
	movl	%cr0, %eax
	orl	$0x80000000, %eax	/* paging on: long mode again (EFER.LME is set) */
	movl	%eax, %cr0
	pushl	$0x10
	pushl	%ebx
	lret
	.code64
back64:
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	leaq	kx_params(%rip), %r15
1:

	/* 64-bit hand-off: registers from params.regs, then jump to params.entry */
	movq	KX_PP_REGS+0*8(%r15), %rax
	movq	KX_PP_REGS+1*8(%r15), %rbx
	movq	KX_PP_REGS+2*8(%r15), %rcx
	movq	KX_PP_REGS+3*8(%r15), %rdx
	movq	KX_PP_REGS+4*8(%r15), %rsi
	movq	KX_PP_REGS+5*8(%r15), %rdi
	movq	KX_PP_REGS+6*8(%r15), %rbp
	movq	KX_PP_REGS+7*8(%r15), %r8
	testq	%r8, %r8
	jz	2f
	movq	%r8, %rsp
2:	movq	KX_PP_ENTRY(%r15), %r8
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	jmp	*%r8

	/*
	 * 32-bit hand-off (multiboot, ELF32): protected mode, paging off.
	 * Far return into the 32-bit code segment (we run below 4 GiB, identity
	 * mapped), then turn paging and long mode off.
	 */
to32:
	movq	%r15, %rsi		/* params, < 4 GiB */
	pushq	$0x20
	leaq	prot32(%rip), %rax
	pushq	%rax
	lretq

	.code32
prot32:
	movl	%cr0, %eax
	andl	$0x7fffffff, %eax	/* paging off */
	movl	%eax, %cr0
	movl	$0xc0000080, %ecx	/* EFER: long mode off */
	rdmsr
	andl	$~0x100, %eax
	wrmsr
	xorl	%eax, %eax		/* no PAE, no LA57: a clean CR4 */
	movl	%eax, %cr4
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
	/* esp: ours, or the one asked for; the entry goes just below it */
	movl	KX_PP_REGS+7*8(%esi), %eax
	testl	%eax, %eax
	jz	4f
	movl	%eax, %esp
4:	pushl	KX_PP_ENTRY(%esi)
	movl	KX_PP_REGS+0*8(%esi), %eax
	movl	KX_PP_REGS+1*8(%esi), %ebx
	movl	KX_PP_REGS+2*8(%esi), %ecx
	movl	KX_PP_REGS+3*8(%esi), %edx
	movl	KX_PP_REGS+5*8(%esi), %edi
	movl	KX_PP_REGS+6*8(%esi), %ebp
	movl	KX_PP_REGS+4*8(%esi), %esi
	ret
	.code64

	.globl	kx_halt
kx_halt:
	cli
3:	hlt
	jmp	3b

	.section .rodata
	.balign	16
gdt:
	.quad	0			/* 0x00 null */
	.quad	0			/* 0x08 unused */
	.quad	0x00af9a000000ffff	/* 0x10 64-bit code (__BOOT_CS) */
	.quad	0x00cf92000000ffff	/* 0x18 data (__BOOT_DS) */
	.quad	0x00cf9a000000ffff	/* 0x20 32-bit code */
gdt_end:

	.data
	.balign	16
gdt_ptr:
	.short	gdt_end - gdt - 1
	.quad	0

	.bss
	/* a 4-level identity map of 0-4 GiB with 2 MiB pages (see above) */
	.balign	4096
	.globl	pml4, pdpt, pd
pml4:	.skip	4096
pdpt:	.skip	4096
pd:	.skip	4 * 4096
	.balign	16
stack:
	.skip	4096
stack_top:
