/*
 * XXH64 (Yann Collet's xxHash, 64-bit variant), written from the published
 * algorithm description. It is the default segment digest: the purgatory's
 * check exists to catch memory that was corrupted between load and jump,
 * not attackers (who could rewrite the stored digest too), and XXH64
 * detects any such change with probability 1 - 2^-64 at memory speed.
 * Compiled into both the loader and the purgatory.
 */
#include <kx/bytes.h>
#include <kx/digest.h>

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, 8); /* little-endian hosts only (x86_64, arm64) */
	return v;
}

static inline uint32_t load32(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4);
	return v;
}

static inline uint64_t mix(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static inline uint64_t merge(uint64_t h, uint64_t v)
{
	h ^= mix(0, v);
	return h * P1 + P4;
}

uint64_t kx_xxh64(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	const uint8_t *end = len ? p + len : p; /* no arithmetic on NULL */
	uint64_t h;

	if (len >= 32) {
		uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
		const uint8_t *limit = end - 32;
		do {
			v1 = mix(v1, load64(p));
			v2 = mix(v2, load64(p + 8));
			v3 = mix(v3, load64(p + 16));
			v4 = mix(v4, load64(p + 24));
			p += 32;
		} while (p <= limit);
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		h = merge(h, v1);
		h = merge(h, v2);
		h = merge(h, v3);
		h = merge(h, v4);
	} else {
		h = seed + P5;
	}
	h += (uint64_t)len;
	while (end - p >= 8) {
		h ^= mix(0, load64(p));
		h = rotl(h, 27) * P1 + P4;
		p += 8;
	}
	if (end - p >= 4) {
		h ^= (uint64_t)load32(p) * P1;
		h = rotl(h, 23) * P2 + P3;
		p += 4;
	}
	while (p < end) {
		h ^= (uint64_t)*p++ * P5;
		h = rotl(h, 11) * P1;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}
