#include <kx/err.h>

static const char *const names[KX_E__COUNT] = {
	[KX_OK] = "ok",
	[KX_E_TRUNCATED] = "truncated",
	[KX_E_NOT_BZIMAGE] = "not-bzimage",
	[KX_E_OLD_PROTOCOL] = "old-protocol",
	[KX_E_NOT_64BIT] = "not-64bit",
	[KX_E_BAD_HEADER] = "bad-header",
	[KX_E_CMDLINE_TOO_LONG] = "cmdline-too-long",
	[KX_E_NO_SPACE] = "no-space",
	[KX_E_TOO_MANY_SEGMENTS] = "too-many-segments",
	[KX_E_SEG_ALIGN] = "segment-alignment",
	[KX_E_SEG_WRAP] = "segment-wrap",
	[KX_E_SEG_BUFSZ] = "segment-bufsz",
	[KX_E_SEG_OVERLAP] = "segment-overlap",
	[KX_E_SEG_NOT_RAM] = "segment-not-ram",
	[KX_E_SEG_TOO_BIG] = "segment-too-big",
	[KX_E_MEMMAP] = "memmap",
	[KX_E_NO_RAM] = "no-ram",
	[KX_E_TOO_MANY] = "too-many",
	[KX_E_SCRATCH] = "scratch",
	[KX_E_PURGATORY] = "purgatory",
	[KX_E_UNKNOWN_TYPE] = "unknown-type",
	[KX_E_NOT_PE] = "not-pe",
	[KX_E_NOT_UKI] = "not-uki",
	[KX_E_UKI_DUP] = "uki-duplicate",
	[KX_E_WRONG_MACHINE] = "wrong-machine",
	[KX_E_UNSUPPORTED] = "unsupported",
	[KX_E_BIG_ENDIAN] = "big-endian",
	[KX_E_GZIP] = "gzip",
	[KX_E_ZBOOT_CODEC] = "zboot-codec",
	[KX_E_NO_UNPACK_MEMORY] = "no-unpack-memory",
	[KX_E_NO_DTB] = "no-dtb",
	[KX_E_DTB] = "dtb",
	[KX_E_DTB_TOO_BIG] = "dtb-too-big",
	[KX_E_ENTRY_RANGE] = "entry-range",
	[KX_E_MB_ENTRY_RANGE] = "multiboot-entry-range",
	[KX_E_MB_INITRD] = "multiboot-initrd",
	[KX_E_RAW_NO_SEGMENT] = "raw-no-segment",
	[KX_E_RAW_NO_ENTRY] = "raw-no-entry",
	[KX_E_SEGMENT_EMPTY] = "segment-empty",
	[KX_E_USER_SEG_ALIGN] = "user-segment-alignment",
	[KX_E_USER_SEG_WRAP] = "user-segment-wrap",
	[KX_E_USER_SEG_OVERLAP] = "user-segment-overlap",
	[KX_E_USER_SEG_NOT_RAM] = "user-segment-not-ram",
	[KX_E_MEMMAP_HIDDEN] = "memmap-hidden",
	[KX_E_BOOT_INFO_TOO_BIG] = "boot-info-too-big",
	[KX_E_UNPACK] = "unpack",
	[KX_E_UIMAGE] = "uimage",
};

const char *kx_errname(enum kx_errcode c)
{
	if ((unsigned)c >= KX_E__COUNT || !names[c])
		return "unknown";
	return names[c];
}
