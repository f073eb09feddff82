/*
 * kx purgatory, i386 entry.
 *
 * The 32-bit kernel's relocate_kernel enters here in protected mode with
 * paging off, CR4 cleared, interrupts off, flat segments whose descriptors
 * are only cached (the GDT they came from is the old kernel's, now gone) and
 * a stack in its control page. We load our own GDT and stack, verify the
 * segments in C, then set the registers from the parameter block and jump to
 * the next kernel in the same mode: the 32-bit boot protocol's entry
 * (code32_start, %esi = boot_params), a multiboot kernel, or raw code.
 *
 * The blob is position independent: addresses are GOT-relative (@GOTOFF, from
 * a call/pop), and the build links it at two bases and checks the bytes are
 * identical.
 */
#include <kx/purgatory.h>

	.section .head, "ax"
	.code32
	.globl _start
_start:
	jmp	start32
	.balign	16
	/* header, see include/kx/purgatory.h */
	.long	KX_PURG_MAGIC
	.short	KX_PURG_VERSION
	.short	KX_PURG_HDR_SIZE
	.long	kx_memsz
	.long	KX_PURG_ARCH_I386
	.globl	kx_params
kx_params:
	.fill	KX_PURG_PARAMS_SIZE, 1, 0

	.text
start32:
	cli
	cld
	call	1f
1:	popl	%ebx
	addl	$_GLOBAL_OFFSET_TABLE_ + (. - 1b), %ebx	/* %ebx = our GOT, kept across C */
	leal	stack_top@GOTOFF(%ebx), %esp
	/* GDT base is absolute: patch it in at run time */
	leal	gdt@GOTOFF(%ebx), %eax
	movl	%eax, gdt_ptr+2@GOTOFF(%ebx)
	lgdt	gdt_ptr@GOTOFF(%ebx)
	pushl	$0x10
	leal	2f@GOTOFF(%ebx), %eax
	pushl	%eax
	lret
2:	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss

	call	kx_purgatory_main	/* returns only if the segments are intact */

	/* hand-off: protected mode, paging off, our flat segments (__BOOT_CS
	 * 0x10, __BOOT_DS 0x18, as the boot protocol asks); %esp ours, or the
	 * one asked for; the entry goes just below it */
	leal	kx_params@GOTOFF(%ebx), %esi
	movl	KX_PP_REGS+7*8(%esi), %eax
	testl	%eax, %eax
	jz	3f
	movl	%eax, %esp
3:	pushl	KX_PP_ENTRY(%esi)
	movl	KX_PP_REGS+0*8(%esi), %eax
	movl	KX_PP_REGS+1*8(%esi), %ebx
	movl	KX_PP_REGS+2*8(%esi), %ecx
	movl	KX_PP_REGS+3*8(%esi), %edx
	movl	KX_PP_REGS+5*8(%esi), %edi
	movl	KX_PP_REGS+6*8(%esi), %ebp
	movl	KX_PP_REGS+4*8(%esi), %esi
	ret

	.globl	kx_halt
kx_halt:
	cli
4:	hlt
	jmp	4b

	.section .rodata
	.balign	16
gdt:
	.quad	0			/* 0x00 null */
	.quad	0			/* 0x08 unused */
	.quad	0x00cf9a000000ffff	/* 0x10 32-bit code, 4 GiB flat (__BOOT_CS) */
	.quad	0x00cf92000000ffff	/* 0x18 data, 4 GiB flat (__BOOT_DS) */
gdt_end:

	.data
	.balign	16
gdt_ptr:
	.short	gdt_end - gdt - 1
	.long	0

	.bss
	.balign	16
stack:
	.skip	4096
stack_top:
	.section .note.GNU-stack, "", %progbits
