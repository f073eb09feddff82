/* Errors are values: a code plus the context needed to explain it.
 * lib/ never prints; tool/msg.c turns each into one sentence. */
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
	KX_E_SEG_TOO_BIG,      /* a: bytes asked, b: limit (half of RAM) */
	KX_E_MEMMAP,           /* what: problem; a: line or entry */
	KX_E_NO_RAM,           /* memory map has no usable RAM */
	KX_E_TOO_MANY,         /* what: item; a: limit */
	KX_E_SCRATCH,          /* internal buffer too small; a: needed */
	KX_E_PURGATORY,        /* what: problem with the purgatory blob */
	KX_E_UNKNOWN_TYPE,     /* no loader recognises the image */
	KX_E_BAD_OPTION,       /* what: option; a loader does not support it */
	KX_E_NOT_PE,           /* what: which signature is missing */
	KX_E_NOT_UKI,          /* a PE/EFI image without a .linux section */
	KX_E_UKI_DUP,          /* what: the duplicated section */
	KX_E_USER_SEG,         /* --segment: what: problem; a: index; b: address */
	KX_E_WRONG_MACHINE,    /* what: what kx loads; a: e_machine found */
	KX_E_UNSUPPORTED,      /* the image requires what: a feature kx cannot provide; a: flag/tag */
	KX_E__COUNT
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
