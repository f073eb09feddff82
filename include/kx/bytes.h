/* Little-endian field readers and overflow-safe arithmetic. Parsers never
 * cast file bytes to structs: they read each field through these. */
#ifndef KX_BYTES_H
#define KX_BYTES_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

static inline uint16_t kx_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t kx_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t kx_le64(const uint8_t *p) { return kx_le32(p) | (uint64_t)kx_le32(p + 4) << 32; }
static inline void kx_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void kx_put32(uint8_t *p, uint32_t v) { kx_put16(p, (uint16_t)v); kx_put16(p + 2, (uint16_t)(v >> 16)); }
static inline void kx_put64(uint8_t *p, uint64_t v) { kx_put32(p, (uint32_t)v); kx_put32(p + 4, (uint32_t)(v >> 32)); }

/* Round up to a power-of-two alignment; false if the result would wrap. */
static inline bool kx_align_up(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t r = (v + (align - 1)) & ~(align - 1);
	if (r < v)
		return false;
	*out = r;
	return true;
}
static inline uint64_t kx_align_down(uint64_t v, uint64_t align) { return v & ~(align - 1); }
static inline bool kx_is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

#define KX_MiB (1ull << 20)
#define KX_GiB (1ull << 30)

/* Freestanding helpers (lib/ may not assume a libc). */
void *kx_memcpy(void *d, const void *s, size_t n);
void *kx_memset(void *d, int c, size_t n);
int kx_memcmp(const void *a, const void *b, size_t n);
size_t kx_strlen(const char *s);

/* The value of a hex digit, or -1. */
int kx_hexval(char c);
/* Hex digits at *pp, up to end: 1 to 16 of them (no "0x"), value in *out,
 * *pp moved past them. False (nothing moved) when there are none or more
 * than 16. */
bool kx_hex_parse(const char **pp, const char *end, uint64_t *out);
#endif
