/* Raw images: files copied to fixed physical addresses (--segment FILE@ADDR),
 * entered at --entry. Arch-independent; chosen only with -t raw. */
#ifndef KX_RAW_H
#define KX_RAW_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "loader.h"
#include "plan.h"

/* Always 0: a raw image has no signature; it is only used when asked for. */
int kx_raw_probe(const uint8_t *buf, size_t len);

/*
 * Every r->raw[i] becomes one segment "raw" at its address (which must be page
 * aligned; the memory size is the file's, rounded up to a page). r->image is
 * not used. The hand-off jumps to r->entry (required) in the architecture's
 * 64-bit mode with every register zero. Errors:
 *   KX_E_RAW_NO_SEGMENT, KX_E_RAW_NO_ENTRY
 *   KX_E_SEGMENT_EMPTY, KX_E_USER_SEG_ALIGN, KX_E_USER_SEG_WRAP (past the end of
 *   memory), KX_E_USER_SEG_OVERLAP (with an earlier one), KX_E_USER_SEG_NOT_RAM
 *   (not in RAM, or outside r->window): a = the index in r->raw, b = its address
 *   KX_E_TOO_MANY_SEGMENTS a = r->nraw, b = KX_MAX_SEGMENTS
 */
struct kx_err kx_raw_load(const struct kx_load_req *r, struct kx_plan *p);

/* The loader table entry every architecture lists last. */
extern const struct kx_loader kx_raw_loader;
#endif
