/* The decompression layer (unpack.c): its only ties to the rest of libkx are
 * the load's memory, so that the unit tests can run it alone. */
#ifndef LIBKX_UNPACK_H
#define LIBKX_UNPACK_H
#include <stddef.h>
#include <kx/comp.h>

/* load.c: anonymous memory freed with the load; grown in place or moved. */
void *load_alloc(void *load, size_t n);
void *load_grow(void *load, void *p, size_t n);
/* load_mark: where the load's pieces stand; load_release: frees the pieces
 * taken since the mark but keep (a decoder's state, once it is done). */
size_t load_mark(void *load);
void load_release(void *load, size_t mark, const void *keep);
/* kx_unpack_fn: unpack into the load's memory (include/kx/comp.h). */
struct kx_err kx_unpack(void *load, enum kx_comp c, const uint8_t *in, size_t len, uint64_t max,
			const uint8_t **out, size_t *outlen);
#endif
