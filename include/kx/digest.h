/* The segment digest shared by the loader and the purgatory: one
 * implementation, compiled into both. */
#ifndef KX_DIGEST_H
#define KX_DIGEST_H
#include <stddef.h>
#include <stdint.h>
uint64_t kx_xxh64(const void *data, size_t len, uint64_t seed);
#endif
