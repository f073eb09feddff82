/* Errors are values: a code plus the context needed to explain it.
 * lib/ never prints; libkx/render_lib.c turns each into one sentence.
 * A code names what happened; `what` is only ever a short noun naming an
 * object or field (or NULL), never a sentence, never a command-line flag. */
#ifndef KX_ERR_H
#define KX_ERR_H
#include <stdint.h>

enum kx_errcode {
	KX_OK = 0,
	KX_E_TRUNCATED,        /* what: object; a: bytes needed, b: bytes present */
	KX_E_NOT_BZIMAGE,      /* what: which check failed */
	KX_E_OLD_PROTOCOL,     /* a: version found, b: version needed */
	KX_E_NOT_64BIT,        /* bzImage has no 64-bit entry point */
	KX_E_BAD_HEADER,       /* what: field; a: value */
	KX_E_CMDLINE_TOO_LONG, /* a: length, b: limit */
	KX_E_NO_SPACE,         /* what: purpose; a: size, b: upper address limit */
	KX_E_TOO_MANY_SEGMENTS,/* a: count, b: limit */
	KX_E_SEG_ALIGN,        /* a: segment index, b: address */
	KX_E_SEG_WRAP,         /* a: segment index */
	KX_E_SEG_BUFSZ,        /* a: segment index */
	KX_E_SEG_OVERLAP,      /* a, b: segment indexes */
	KX_E_SEG_NOT_RAM,      /* a: segment index, b: address */
	KX_E_SEG_TOO_BIG,      /* what: segment purpose, NULL for all segments together;
	                        * a: bytes asked, b: limit (half of RAM) */
	KX_E_MEMMAP,           /* what: problem; a: line or entry */
	KX_E_NO_RAM,           /* memory map has no usable RAM */
	KX_E_TOO_MANY,         /* what: item; a: limit */
	KX_E_SCRATCH,          /* internal buffer too small; what: its use; a: needed, b: reserved */
	KX_E_PURGATORY,        /* the purgatory blob is unusable; a: enum kx_purg_fault,
	                        * b: the value found (see there) */
	KX_E_UNKNOWN_TYPE,     /* no loader recognises the image */
	KX_E_NOT_PE,           /* what: which signature is missing */
	KX_E_NOT_UKI,          /* a PE/EFI image without a .linux section */
	KX_E_UKI_DUP,          /* what: the duplicated section */
	KX_E_WRONG_MACHINE,    /* what: what kx loads; a: e_machine found */
	KX_E_UNSUPPORTED,      /* the image requires what: a feature kx cannot provide; a: flag/tag */
	KX_E_BIG_ENDIAN,       /* a big-endian arm64 Image; a: header flags */
	KX_E_GZIP,             /* a: enum kx_gzip_fault; b: per fault (see there) */
	KX_E_ZBOOT_CODEC,      /* EFI zboot payload not gzip; what: codec name, NULL if
	                        * unknown; a: enum kx_zboot_codec */
	KX_E_NO_UNPACK_MEMORY, /* a compressed image and no memory to unpack it;
	                        * a: bytes asked, 0 when there is no allocator at all */
	KX_E_NO_DTB,           /* an arm64 kernel needs a device tree; none given or found */
	KX_E_DTB,              /* the device tree to start from is unusable;
	                        * a: enum kx_dtb_fault; b: libfdt error (positive) */
	KX_E_DTB_TOO_BIG,      /* the built device tree; a: size, b: limit */
	KX_E_ENTRY_RANGE,      /* chosen entry out of a 32-bit ELF's reach; a: entry, b: limit */
	KX_E_MB_ENTRY_RANGE,   /* chosen entry out of a multiboot kernel's reach; a: entry,
	                        * b: limit */
	KX_E_MB_INITRD,        /* initrd files given to a multiboot kernel; a: how many */
	KX_E_RAW_NO_SEGMENT,   /* the raw type without any segment */
	KX_E_RAW_NO_ENTRY,     /* the raw type without an entry address */
	KX_E_SEGMENT_EMPTY,    /* a user segment's file is empty; a: index, b: address */
	KX_E_USER_SEG_ALIGN,   /* a user segment not page aligned; a: index, b: address */
	KX_E_USER_SEG_WRAP,    /* a user segment runs past the end of memory; a: index,
	                        * b: address */
	KX_E_USER_SEG_OVERLAP, /* a user segment overlaps an earlier one; a: index,
	                        * b: address */
	KX_E_USER_SEG_NOT_RAM, /* a user segment outside System RAM or the placement
	                        * window; a: index, b: address */
	KX_E_MEMMAP_HIDDEN,    /* /proc/iomem shows every address as 0 (read as non-root) */
	KX_E_BOOT_INFO_TOO_BIG,/* boot information (holding the command line) larger than
	                        * kx reserves; what: which; a: needed, b: reserved */
	KX_E_UNPACK,           /* a compressed image cannot be unpacked; a: enum kx_comp,
	                        * b: enum kx_unpack_fault */
	KX_E_UIMAGE,           /* a U-Boot legacy image kx cannot boot; a: enum
	                        * kx_uimage_fault, b: the field's value */
	KX_E__COUNT
};

/* KX_E_UNPACK's b: */
enum kx_unpack_fault {
	KX_UNPACK_CORRUPT = 1, /* the compressed data is damaged */
	KX_UNPACK_TRUNCATED,   /* it ends before its end marker */
	KX_UNPACK_TOO_BIG,     /* it unpacks to more than kx allows (KX_UNPACK_MAX) */
	KX_UNPACK_CHECK,       /* a checksum in it does not match */
	KX_UNPACK_UNSUPPORTED, /* a feature of the format kx does not unpack
	                        * (e.g. a zstd dictionary, an lzop filter) */
	KX_UNPACK_NO_CODEC,    /* this kx was built without that decompressor */
	KX_UNPACK_EMPTY,       /* it unpacks to nothing */
};

/* KX_E_UIMAGE's a: */
enum kx_uimage_fault {
	KX_UI_HEADER_CRC = 1, /* b: the header CRC found */
	KX_UI_DATA_CRC,       /* b: the data CRC found */
	KX_UI_TYPE,           /* not a kernel image; b: ih_type */
	KX_UI_ARCH,           /* for another architecture; b: ih_arch */
	KX_UI_COMP,           /* a compression U-Boot names that kx does not know; b: ih_comp */
	KX_UI_OS,             /* not Linux; b: ih_os */
};

/* KX_E_GZIP's a; b holds: */
enum kx_gzip_fault {
	KX_GZ_NO_HEADER = 1, /* not gzip data at all */
	KX_GZ_TOO_BIG,       /* unpacks to more than allowed; b: the limit */
	KX_GZ_DEFLATE,       /* invalid deflate data; b: input offset */
	KX_GZ_LENGTH,        /* trailer length != data unpacked; b: trailer's length */
	KX_GZ_CRC,           /* CRC-32 mismatch; b: trailer's CRC */
	KX_GZ_NOT_IMAGE,     /* unpacks to something that is not an arm64 Image */
};

/* KX_E_PURGATORY's a; b holds the value found: */
enum kx_purg_fault {
	KX_PG_SHORT = 1,    /* shorter than its header; b: its length */
	KX_PG_MAGIC,        /* no KXPG magic; b: the magic field */
	KX_PG_VERSION,      /* b: the version */
	KX_PG_HDR_SIZE,     /* b: the header size */
	KX_PG_ARCH,         /* for another architecture; b: its architecture */
	KX_PG_MEMSZ_SMALL,  /* declares less memory than its size; b: the memory size */
	KX_PG_MEMSZ_BAD,    /* declares an impossible size; b: the memory size */
};

/* KX_E_ZBOOT_CODEC's a: the codecs Linux's EFI zboot knows */
enum kx_zboot_codec {
	KX_ZB_UNKNOWN = 0,
	KX_ZB_ZSTD,
	KX_ZB_XZ,
	KX_ZB_LZMA,
	KX_ZB_LZ4,
	KX_ZB_LZO,
	KX_ZB_BZIP2,
};

/* KX_E_DTB's a: what is wrong with the device tree */
enum kx_dtb_fault {
	KX_DTB_MAGIC = 1, /* not a flattened device tree */
	KX_DTB_VERSION,   /* a version libfdt cannot edit */
	KX_DTB_TRUNCATED,
	KX_DTB_DAMAGED,   /* libfdt refused its structure */
};

struct kx_err {
	enum kx_errcode code;
	const char *what;  /* static string naming the object or field, or NULL */
	uint64_t a, b;
};

static inline struct kx_err kx_err(enum kx_errcode c, const char *what, uint64_t a, uint64_t b)
{
	struct kx_err e = { c, what, a, b };
	return e;
}
#define KX_NOERR ((struct kx_err){ KX_OK, 0, 0, 0 })
#define KX_FAILED(e) ((e).code != KX_OK)

const char *kx_errname(enum kx_errcode c);
#endif
