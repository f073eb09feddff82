/*
 * The .xz container (lib/xz.c), read backward from its end as the format is
 * laid out to be: each stream's footer gives its index, the index gives every
 * block's packed and unpacked size, and so the stream's bounds and the exact
 * size it unpacks to are known before one byte is decoded. The decompression
 * layer (libkx/unpack.c) allocates its output once, of that size, and decodes
 * each stream straight into it.
 *
 * Pure: (buf, len) in, nothing trusted. Every field is checked: magic bytes,
 * flags (the header's equal to the footer's), CRC-32s of header, footer and
 * index, variable-length integers (at most 9 bytes, no trailing zero byte),
 * record counts against the bytes that hold them, sums against overflow.
 * Results are enum kx_unpack_fault values (0: fine).
 *
 * What may follow the last stream: stream padding (zero bytes, a multiple of
 * four) and Linux's size_append (the unpacked length, 4 bytes little-endian,
 * after every compressed kernel payload and zboot image; its value is not
 * used). Stream padding may also sit between streams.
 */
#ifndef KX_XZ_H
#define KX_XZ_H
#include <stddef.h>
#include <stdint.h>

#define KX_XZ_HDR 12   /* stream header and stream footer, each */

struct kx_xz_stream {
	size_t off, len;   /* the stream's bytes in buf: header to footer */
	uint64_t out;      /* what its blocks unpack to, per its index */
	uint64_t blocks;   /* its index's record count */
	unsigned check;    /* the check type: 0 none, 1 CRC-32, 4 CRC-64, 10 SHA-256 */
};

/* The end of the last stream's footer in buf (len less the appended length and
 * stream padding). KX_UNPACK_TRUNCATED: no footer there (the file was cut);
 * KX_UNPACK_CORRUPT: what is there is not one. */
int kx_xz_end(const uint8_t *buf, size_t len, size_t *end);

/* The stream whose footer ends at end (end <= the buffer's length). */
int kx_xz_stream(const uint8_t *buf, size_t end, struct kx_xz_stream *s);

/* Where the stream padding before pos begins (pos itself when there is none). */
size_t kx_xz_unpad(const uint8_t *buf, size_t pos);

/* Every stream, from the last to the first: the total they unpack to and how
 * many there are. KX_UNPACK_TOO_BIG as soon as the total passes max. */
int kx_xz_size(const uint8_t *buf, size_t len, uint64_t max, uint64_t *total, size_t *streams);

/* The checks XZ Embedded does not verify, once stream s is decoded into out
 * (out_len bytes, s->out of them its own): CRC-64 of each block (xz's default
 * check). Other check types pass (SHA-256 is not carried: as Linux's own
 * decompressor, the data is used unverified; their index and sizes are). */
int kx_xz_verify(const uint8_t *buf, const struct kx_xz_stream *s, const uint8_t *out, size_t out_len);

/* CRC-64 (ECMA-182, as xz) of n bytes, continuing from crc. */
uint64_t kx_crc64(uint64_t crc, const uint8_t *p, size_t n);
#endif
