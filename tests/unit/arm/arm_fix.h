/* Fixtures for the 32-bit ARM unit tests (make unit-arm): synthetic zImages,
 * a QEMU-virt-like device tree (host libfdt), a memory map. */
#ifndef KX_UNIT_ARM_H
#define KX_UNIT_ARM_H
#include <stddef.h>
#include <stdint.h>
#include <kx/loader.h>
#include "arm.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)

struct zi_spec {
	size_t len;               /* file length (>= 0x40) */
	uint32_t start, end;      /* header words; end 0 = len */
	uint32_t endian;          /* 0x30 word; 0 = KX_ZI_ENDIAN_LE */
	int table;                /* write a KLSZ table (and the 0x45454545 marker) */
	uint32_t kernel_size, bss_size, text_offset, malloc_size;
	unsigned table_words;     /* KLSZ entry length in words (default 6) */
};
/* A zImage as spec says: the header, a size table near the start, the
 * inflated size in the last 4 bytes (where size_ptr points); malloc'd. */
uint8_t *arm_zimage(const struct zi_spec *s);
/* A device tree with /chosen (stdout-path, stale bootargs, initrd and
 * kaslr-seed), /memory and a /pl011; *len set; a static buffer. */
uint8_t *arm_dtb(size_t *len);
/* QEMU virt's RAM (1 GiB at 0x40000000), a seed, arm_dtb as the running
 * system's tree, a static arena as alloc (reset on each call). */
void arm_sysinfo(struct kx_sysinfo *si);
#endif
