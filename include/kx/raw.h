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
 * 64-bit mode with every register zero. Errors name the segment: what = its
 * file name, a = its index in r->raw:
 *   KX_E_BAD_OPTION  (what: a sentence) no --segment, no --entry, empty file
 *   KX_E_SEG_ALIGN   b = the address (not page aligned)
 *   KX_E_SEG_WRAP    b = the address (the segment would pass the end of memory)
 *   KX_E_SEG_OVERLAP what = the later file, a = the earlier index, b = the later
 *   KX_E_SEG_NOT_RAM b = the address (not in RAM, or outside --mem-min/--mem-max)
 *   KX_E_TOO_MANY_SEGMENTS a = r->nraw, b = KX_MAX_SEGMENTS
 */
struct kx_err kx_raw_load(const struct kx_load_req *r, struct kx_plan *p);
#endif
