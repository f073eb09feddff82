/* lib/'s errors in words: one sentence per code, chosen by the code and its
 * context fields only, never by the text of `what`. */
#include "render.h"
#include <inttypes.h>
#include <stdio.h>

static const char *size_str(uint64_t v, char *buf, size_t n)
{
	if (v >= (1ull << 20))
		snprintf(buf, n, "%" PRIu64 ".%" PRIu64 " MiB", v >> 20,
			 ((v & ((1 << 20) - 1)) * 10 + (1 << 19)) >> 20 > 9 ? 9 :
			 ((v & ((1 << 20) - 1)) * 10 + (1 << 19)) >> 20);
	else
		snprintf(buf, n, "%" PRIu64 " bytes", v);
	return buf;
}

/* a noun that may be missing */
static const char *noun(const char *what)
{
	return what ? what : "?";
}

static const char *const purg_fault[] = {
	[KX_PG_SHORT] = "is shorter than its header",
	[KX_PG_MAGIC] = "has no KXPG magic",
	[KX_PG_VERSION] = "has an unsupported version",
	[KX_PG_HDR_SIZE] = "has a header of the wrong size",
	[KX_PG_ARCH] = "is for another architecture",
	[KX_PG_MEMSZ_SMALL] = "declares less memory than its size",
	[KX_PG_MEMSZ_BAD] = "declares an impossible size",
};


static size_t out(char *buf, size_t n, int r)
{
	if (r < 0) {
		if (n)
			buf[0] = 0;
		return 0;
	}
	return (size_t)r;
}

size_t kx_render_lib(char *buf, size_t n, struct kx_err e, const char *s)
{
	char b1[32];
	const char *t;
	int r;

#define R(...) return out(buf, n, snprintf(buf, n, __VA_ARGS__))
	switch (e.code) {
	case KX_E_TRUNCATED:
		R("%s is truncated: its %s needs %" PRIu64 " bytes but only %" PRIu64
		  " are there. Check that the file was copied completely.", s, noun(e.what), e.a, e.b);
	case KX_E_NOT_BZIMAGE:
		R("%s is not a bzImage kernel (bad %s). Give kx a Linux kernel image such as /boot/vmlinuz-*.",
		  s, noun(e.what));
	case KX_E_OLD_PROTOCOL:
		R("%s uses x86 boot protocol %u.%02u; kx needs 2.12 or newer (Linux 3.8 and later).", s,
		  (unsigned)(e.a >> 8), (unsigned)(e.a & 0xff));
	case KX_E_NOT_64BIT:
		R("%s has no 64-bit entry point; kx boots 64-bit x86 kernels only.", s);
	case KX_E_BAD_HEADER:
		R("%s has an invalid %s (0x%" PRIx64 ") in its header; the file looks damaged.", s,
		  noun(e.what), e.a);
	case KX_E_CMDLINE_TOO_LONG:
		R("the command line is %" PRIu64 " bytes but this kernel accepts at most %" PRIu64
		  "; shorten --append/--command-line.", e.a, e.b);
	case KX_E_NO_SPACE:
		if (e.b && e.b != UINT64_MAX)
			R("the %s (%s) fits nowhere in free RAM below 0x%" PRIx64
			  "; use a smaller file or check --mem-min/--mem-max.", noun(e.what),
			  size_str(e.a, b1, sizeof(b1)), e.b);
		R("the %s (%s) fits nowhere in free RAM; use a smaller file or check --mem-min/--mem-max.",
		  noun(e.what), size_str(e.a, b1, sizeof(b1)));
	case KX_E_TOO_MANY_SEGMENTS:
		R("this load needs %" PRIu64 " memory segments but the kernel takes at most %" PRIu64
		  "; use fewer initrd files.", e.a, e.b);
	case KX_E_SEG_ALIGN:
	case KX_E_SEG_WRAP:
	case KX_E_SEG_BUFSZ:
	case KX_E_SEG_OVERLAP:
		R("internal error: the %s segment breaks the kernel's rules (%s); nothing was loaded. "
		  "Please report this with the output of kx -d.", noun(e.what), kx_errname(e.code));
	case KX_E_SEG_NOT_RAM:
		R("the %s segment at 0x%" PRIx64 " is not in System RAM; check --mem-min/--mem-max.",
		  noun(e.what), e.b);
	case KX_E_SEG_TOO_BIG:
		R("%s need %s, more than half of RAM (the kernel's limit for a kexec load); "
		  "use smaller files.", e.what ? e.what : "the files", size_str(e.a, b1, sizeof(b1)));
	case KX_E_MEMMAP:
		R("cannot read the memory map: %s has %s (line %" PRIu64 ").", s, noun(e.what), e.a);
	case KX_E_MEMMAP_HIDDEN:
		R("cannot read the memory map: %s has its addresses hidden; run as root.", s);
	case KX_E_NO_RAM:
		R("%s lists no usable RAM; kx cannot place anything.", s);
	case KX_E_TOO_MANY:
		R("%s has too many %s (kx handles %" PRIu64 ").", s, noun(e.what), e.a);
	case KX_E_SCRATCH:
		R("the %s would take %" PRIu64 " bytes, more than kx reserves (%" PRIu64 ").", noun(e.what),
		  e.a, e.b);
	case KX_E_BOOT_INFO_TOO_BIG:
		R("the %s would take %" PRIu64 " bytes, more than kx reserves (%" PRIu64
		  "); use a shorter command line.", noun(e.what), e.a, e.b);
	case KX_E_PURGATORY:
		R("the purgatory %s %s; rebuild kx or give a valid --purgatory file.", s,
		  (t = KX_PICK(purg_fault, e.a)) ? t : "is damaged");
	case KX_E_UNKNOWN_TYPE:
		R("%s is not a kernel image kx recognises (it knows: %s). Name the type with -t if you are sure.",
		  s, noun(e.what));
	case KX_E_NOT_PE:
		R("%s is not a PE/EFI image (bad %s).", s, noun(e.what));
	case KX_E_NOT_UKI:
		R("%s is an EFI image but not a unified kernel image: it has no .linux section.", s);
	case KX_E_UKI_DUP:
		R("%s is a damaged unified kernel image: it has more than one %s section.", s, noun(e.what));
	case KX_E_WRONG_MACHINE:
		R("%s is an ELF file for another machine (e_machine %" PRIu64 "); kx loads %s here.", s, e.a,
		  noun(e.what));
	case KX_E_UNSUPPORTED:
		R("%s requires %s, which kx cannot provide; boot it with a firmware loader such as GRUB.", s,
		  noun(e.what));
	case KX_E_ENTRY_RANGE:
		R("%s: --entry is above 4 GiB, out of reach of a 32-bit ELF.", s);
	case KX_E_MB_ENTRY_RANGE:
		R("%s: --entry must be below 4 GiB for a multiboot kernel.", s);
	case KX_E_MB_INITRD:
		R("%s: a multiboot kernel takes its files as --module, not --initrd.", s);
	case KX_E_RAW_NO_SEGMENT:
		R("%s: the raw type needs at least one --segment=FILE@ADDR.", s);
	case KX_E_RAW_NO_ENTRY:
		R("%s: the raw type needs --entry=ADDR.", s);
	case KX_E_SEGMENT_EMPTY:
		R("%s: a --segment file is empty.", s);
	case KX_E_USER_SEG_ALIGN:
		R("--segment #%" PRIu64 " (at 0x%" PRIx64 ") is not page aligned (4 KiB).", e.a + 1, e.b);
	case KX_E_USER_SEG_WRAP:
		R("--segment #%" PRIu64 " (at 0x%" PRIx64 ") runs past the end of memory.", e.a + 1, e.b);
	case KX_E_USER_SEG_OVERLAP:
		R("--segment #%" PRIu64 " (at 0x%" PRIx64 ") overlaps an earlier --segment.", e.a + 1, e.b);
	case KX_E_USER_SEG_NOT_RAM:
		R("--segment #%" PRIu64 " (at 0x%" PRIx64 ") is not in System RAM "
		  "(or outside --mem-min/--mem-max).", e.a + 1, e.b);
	default: /* KX_OK, KX_E__COUNT, and the architecture's own codes */
		break;
	}
	if ((r = kx_render_arch(buf, n, e, s)) >= 0)
		return out(buf, n, r);
	R("%s: unexpected error %s.", s, kx_errname(e.code));
#undef R
}
