/* Fixtures for the arm64 unit tests: Images, gzip data (host zlib), device
 * trees (host libfdt), memory maps. Built on any host (make unit-arm64). */
#ifndef KX_UNIT_A64_H
#define KX_UNIT_A64_H
#include <stddef.h>
#include <stdint.h>
#include <kx/loader.h>
#include <kx/plan.h>
#include "arm64.h"

#define KiB (1ull << 10)
#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* A synthetic Image of len bytes (>= 64): the header, then a pattern. */
uint8_t *a64_image(size_t len, uint64_t text_offset, uint64_t image_size, uint64_t flags);
/* gzip of buf at a level (0-9) with host zlib; *outlen set; malloc'd. */
uint8_t *a64_gzip(const uint8_t *buf, size_t len, int level, size_t *outlen);
/* An EFI zboot wrapper around payload (compression type comp). */
uint8_t *a64_zboot(const uint8_t *payload, size_t len, const char *comp, size_t *outlen);

/* A device tree like QEMU virt's: /chosen (bootargs, stale initrd and
 * crash-kernel properties, kaslr-seed, stdout-path), /memory, /pl011,
 * /aliases, a /soc bus with ranges and a 16550; a /memreserve/ for the
 * stale initrd and one other. *len set; malloc'd. with_chosen = 0 leaves
 * /chosen out. */
uint8_t *a64_dtb(size_t *len, int with_chosen);

/* A sysinfo with QEMU virt's RAM (1 GiB at 0x40000000), random seed, the
 * dtb above as the running system's, malloc as alloc. */
void a64_sysinfo(struct kx_sysinfo *si);

/* Deterministic pseudo-random bytes. */
void a64_fill_random(uint8_t *buf, size_t len, uint64_t seed);
#endif
