/* The purgatory blob (build/purgatory/<arch>/purgatory.bin), embedded in the library. */
	.section .rodata
	.balign 16
	.globl kx_purgatory_blob, kx_purgatory_blob_end
	.hidden kx_purgatory_blob, kx_purgatory_blob_end
kx_purgatory_blob:
	.incbin PURGATORY_BIN
kx_purgatory_blob_end:
	.section .note.GNU-stack, "", %progbits
