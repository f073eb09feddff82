/*
 * Raw code for kx's raw image type: no header, no protocol, just bytes at
 * an address and an entry point.
 *
 *   make examples      -> build/examples/raw-hello.bin (linked at 0x200000)
 *   kx -c -t raw --segment=raw-hello.bin@0x200000 --entry=0x200000
 *   kx -e
 *
 * kx's purgatory enters it in 64-bit mode with the identity map and its own
 * GDT. It prints a line on COM1 and powers a QEMU q35 machine off (ACPI PM1a
 * control at 0x604), or halts elsewhere.
 */
	.text
	.code64
	.globl	_start
_start:
	cli
	leaq	msg(%rip), %rsi
1:	movb	(%rsi), %bl
	testb	%bl, %bl
	jz	3f
	movl	$0x3fd, %edx		/* wait for the transmitter, bounded */
	movl	$100000, %ecx
2:	inb	%dx, %al
	testb	$0x20, %al
	loopz	2b
	movl	$0x3f8, %edx
	movb	%bl, %al
	outb	%al, %dx
	incq	%rsi
	jmp	1b
3:	movl	$0x604, %edx		/* q35: S5, power off */
	movl	$0x2000, %eax
	outw	%ax, %dx
4:	hlt
	jmp	4b
msg:	.asciz	"KXRAW: hello from raw code at 0x200000\r\n"
	.section .note.GNU-stack, "", @progbits
