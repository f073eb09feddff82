/*
 * kx test kernels: the multiboot headers and the 32-bit entry point.
 *
 * One source, several kernels, chosen with -D:
 *   MB1       a multiboot 1 header, flags 0x3 (page-aligned modules, memory info)
 *   MB1_AOUT  ... with the address fields (flags bit 16): the a.out kludge
 *   MB2       a multiboot 2 header: information requests, module alignment
 *   MB2_AOUT  ... with an address tag and an entry address tag
 * MB1 and MB2 together give a kernel with both headers.
 *
 * Entered in 32-bit protected mode, paging off, eax = boot magic, ebx = the
 * information structure. No GDT or IDT of our own: the kernel never loads a
 * segment register and runs with interrupts off.
 */
#define MB1_MAGIC  0x1BADB002
#ifdef MB1_AOUT
#define MB1_FLAGS  0x00010003
#else
#define MB1_FLAGS  0x00000003
#endif
#define MB2_MAGIC  0xE85250D6

	.section .multiboot, "a"
#ifdef MB2
	.balign	8
mb2_header:
	.long	MB2_MAGIC
	.long	0				/* architecture: i386 */
	.long	mb2_end - mb2_header
	.long	0x100000000 - (MB2_MAGIC + (mb2_end - mb2_header))
	/* information request, required: what kx always provides */
	.balign	8
	.short	1, 0
	.long	8 + 5 * 4
	.long	1, 2, 3, 4, 6			/* cmdline, loader, modules, meminfo, mmap */
	/* information request, optional: ACPI and the load base */
	.balign	8
	.short	1, 1
	.long	8 + 3 * 4
	.long	14, 15, 21
	/* module alignment: page aligned */
	.balign	8
	.short	6, 0
	.long	8
#ifdef MB2_AOUT
	/* address tag: the flat file is loaded at _load_start */
	.balign	8
	.short	2, 0
	.long	24
	.long	mb2_header, _load_start, _edata, _end
	.balign	8
	.short	3, 0
	.long	12
	.long	_start
#endif
	.balign	8
	.short	0, 0				/* end tag */
	.long	8
mb2_end:
#endif

#ifdef MB1
	.balign	4
mb1_header:
	.long	MB1_MAGIC
	.long	MB1_FLAGS
	.long	0x100000000 - (MB1_MAGIC + MB1_FLAGS)
#ifdef MB1_AOUT
	.long	mb1_header			/* header_addr */
	.long	_load_start			/* load_addr */
	.long	_edata				/* load_end_addr */
	.long	_end				/* bss_end_addr */
	.long	_start				/* entry_addr */
#endif
#endif

	.text
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	$stack_top, %esp
	xorl	%ebp, %ebp
	pushl	$0			/* keeps the stack 16-byte aligned at the call */
	pushl	$0
	pushl	%ebx			/* the information structure */
	pushl	%eax			/* the boot magic */
	call	kmain
1:	cli
	hlt
	jmp	1b

	.bss
	.balign	16
stack:
	.skip	16384
stack_top:

	.section .note.GNU-stack, "", @progbits
