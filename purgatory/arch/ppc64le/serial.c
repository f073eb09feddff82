/*
 * The purgatory's console on ppc64le: under a hypervisor (pseries: MSR_HV
 * clear) the virtual terminal, one H_PUT_TERM_CHAR hcall per character on
 * terminal 0 (the hypervisor's default vterm: PowerVM's, and QEMU's, which
 * maps 0 to its first spapr-vty). On bare metal (PowerNV, MSR_HV set) there
 * is no hcall to make and the purgatory stays silent: OPAL's console needs
 * its entry point and its own calling sequence, which kx does not use yet.
 * params.serial_port only says whether to talk at all (kx sets 1).
 */
#include "../../purgatory.h"

#define MSR_HV          (1ull << 60)
#define H_PUT_TERM_CHAR 0x58
#define H_BUSY          1

static int enabled;

static uint64_t msr(void)
{
	uint64_t v;
	__asm__ volatile("mfmsr %0" : "=r"(v));
	return v;
}

void kx_serial_init(uint16_t port)
{
	enabled = port && !(msr() & MSR_HV);
	if (kx_params.flags & KX_PURG_VERBOSE) {
		kx_puts("kx purgatory: real mode, MSR ");
		kx_puthex(msr());
		kx_puts("\n");
	}
}

void kx_serial_putc(char c)
{
	unsigned tries;

	if (!enabled)
		return;
	for (tries = 0; tries < 100000; tries++) {
		register uint64_t r3 __asm__("r3") = H_PUT_TERM_CHAR;
		register uint64_t r4 __asm__("r4") = 0;          /* the terminal */
		register uint64_t r5 __asm__("r5") = 1;          /* one byte */
		register uint64_t r6 __asm__("r6") = (uint64_t)(uint8_t)c << 56; /* big-endian first */
		register uint64_t r7 __asm__("r7") = 0;
		__asm__ volatile("sc 1"
				 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
				 :
				 : "r0", "r8", "r9", "r10", "r11", "r12", "cr0", "cr1", "cr5", "cr6",
				   "cr7", "ctr", "xer", "memory");
		if (r3 != H_BUSY)
			return;
	}
}
