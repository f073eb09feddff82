/*
 * A kernel file's wrappings (docs/compression.md), undone before the loaders
 * probe it, at most KX_UNWRAP_DEPTH deep: a U-Boot uImage header, an EFI
 * zboot stub, compression (every format of kx/comp.h), and the
 * architecture's own (arm64: an ELF vmlinux holding an Image). The loaders,
 * kx's plan and kexec_file_load (through a memfd) all see the unwrapped
 * bytes; the caller's file or fd goes to kexec_file_load only when nothing
 * was unwrapped.
 */
#include <inttypes.h>
#include <string.h>
#include <kx/uimage.h>
#include "arch.h"
#include "load.h"

/* Is the image something a loader takes as it is? (The file: the loader -t
 * named, if any; a UKI's .linux: any loader.) */
static int takes(const struct kx_load *l, const struct kx_blob *img, const uint8_t *b, size_t n)
{
	return l->ld && img == &l->req.image ? l->ld->probe(b, n) : kx_loader_probe(b, n) != 0;
}

/* The image is now out[0..n), after a wrapping of this kind. */
static void unwrapped(struct kx_load *l, struct kx_blob *img, enum wrap_kind kind, enum kx_comp c,
		      const uint8_t *out, size_t n)
{
	if (!l->nwrap)
		l->packed_len = img->len;
	if (l->nwrap < KX_UNWRAP_DEPTH)
		l->wrap[l->nwrap++] = (struct wrap){ kind, c };
	img->buf = out;
	img->len = n;
	if (img == &l->req.image) {
		l->kernel_file = 0; /* kexec_file_load gets the unwrapped bytes in a memfd */
		l->kernel_fd = -1;
	}
}

/* A payload inside the file (uImage, zboot): compressed as `named` says
 * (KX_COMP__END: any), its magic must agree. Unpacked into *out. */
static int payload(struct kx_load *l, struct kx_blob *img, const uint8_t *p, size_t n,
		   enum kx_comp named, const char *what, struct kx_error *err)
{
	enum kx_comp c = kx_comp_detect(p, n);
	const uint8_t *out;
	size_t outlen;
	struct kx_err e;

	if (named == KX_COMP_NONE)
		return 0;
	if (!c || (named != KX_COMP__END && c != named &&
		   !(named == KX_COMP_LZ4 && c == KX_COMP_LZ4_LEGACY)))
		return fail_lib(err, kx_err(KX_E_UNPACK, kx_comp_name(named), named, KX_UNPACK_CORRUPT),
				l->req.image.name);
	e = load_unpack(l, c, p, n, kx_unpack_bound(n), &out, &outlen);
	if (KX_FAILED(e))
		return fail_lib(err, e, l->req.image.name);
	if (what)
		dbg(l, "%s: its %s payload is %s-compressed: %zu bytes unpacked from %zu",
		    l->req.image.name, what, kx_comp_name(c), outlen, n);
	else
		dbg(l, "%s: %s-compressed, %zu bytes unpacked from %zu", l->req.image.name,
		    kx_comp_name(c), outlen, n);
	unwrapped(l, img, WRAP_COMP, c, out, outlen);
	return 0;
}

/* zboot's names of its codecs (drivers/firmware/efi/libstub/Makefile.zboot) */
static enum kx_comp zboot_codec(const char *name)
{
	static const struct { const char *n; enum kx_comp c; } t[] = {
		{ "gzip", KX_COMP_GZIP }, { "bzip2", KX_COMP_BZIP2 }, { "lzma", KX_COMP_LZMA },
		{ "xzkern", KX_COMP_XZ }, { "xz", KX_COMP_XZ }, { "lzo", KX_COMP_LZO },
		{ "lz4", KX_COMP_LZ4 }, { "zstd22", KX_COMP_ZSTD }, { "zstd", KX_COMP_ZSTD },
	};
	unsigned i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(name, t[i].n))
			return t[i].c;
	return KX_COMP_NONE;
}

/* Undo img's wrappings (img is l->req.image, or a UKI's .linux). */
static int unwrap(struct kx_load *l, struct kx_blob *img, struct kx_error *err)
{
	unsigned depth;

	for (depth = 0; depth < KX_UNWRAP_DEPTH; depth++) {
		const uint8_t *b = img->buf, *out;
		size_t n = (size_t)img->len, outlen;
		enum kx_comp c;
		struct kx_err e;
		int r;

		if (takes(l, img, b, n))
			break;
		if (kx_arch_uimage_arch && kx_uimage_probe(b, n)) {
			struct kx_uimage u;
			e = kx_uimage_parse(b, n, kx_arch_uimage_arch, &u);
			if (KX_FAILED(e))
				return fail_lib(err, e, l->req.image.name);
			dbg(l, "%s: a uImage (\"%s\", ih_comp %u), %" PRIu32 " bytes of payload",
			    l->req.image.name, u.name, u.ucomp, u.size);
			unwrapped(l, img, WRAP_UIMAGE, KX_COMP_NONE, u.payload, u.size);
			if (payload(l, img, u.payload, u.size, u.comp, "uImage", err))
				return -1;
			continue;
		}
		if (kx_zboot_probe(b, n)) {
			struct kx_zboot z;
			e = kx_zboot_parse(b, n, &z);
			if (KX_FAILED(e))
				return fail_lib(err, e, l->req.image.name);
			if (!(c = zboot_codec(z.comp)))
				return fail_lib(err, kx_err(KX_E_ZBOOT_CODEC, 0, KX_ZB_UNKNOWN, 0),
						l->req.image.name);
			unwrapped(l, img, WRAP_ZBOOT, KX_COMP_NONE, b + z.payload_off, z.payload_len);
			if (payload(l, img, b + z.payload_off, z.payload_len, c, "EFI zboot", err))
				return -1;
			continue;
		}
		if ((r = arch_unwrap(l, b, n, &out, &outlen, err)) < 0)
			return -1;
		if (r) {
			dbg(l, "%s: an ELF vmlinux, its Image %zu bytes", l->req.image.name, outlen);
			unwrapped(l, img, WRAP_VMLINUX, KX_COMP_NONE, out, outlen);
			continue;
		}
		if (!(c = kx_comp_detect(b, n)))
			break;
		if (payload(l, img, b, n, KX_COMP__END, 0, err))
			return -1;
	}
	return 0;
}

int unwrap_kernel(struct kx_load *l, struct kx_error *err)
{
	return unwrap(l, &l->req.image, err);
}

int unwrap_uki_linux(struct kx_load *l, struct kx_error *err)
{
	struct kx_blob linux_ = { l->uki.kernel.buf, l->uki.kernel.len, l->req.image.name };

	if (!linux_.buf || unwrap(l, &linux_, err))
		return linux_.buf ? -1 : 0;
	if (linux_.buf != l->uki.kernel.buf) {
		l->uki.kernel.buf = linux_.buf;
		l->uki.kernel.len = (size_t)linux_.len;
		l->req.uki_linux = linux_;
	}
	return 0;
}

const char *wrap_name(const struct wrap *w)
{
	switch (w->kind) {
	case WRAP_UIMAGE: return "uimage";
	case WRAP_ZBOOT: return "zboot";
	case WRAP_VMLINUX: return "vmlinux";
	default: return kx_comp_name(w->comp);
	}
}

const char *wrap_text(const struct kx_load *l, char *buf, size_t n)
{
	struct out o = { buf, n, 0 };
	unsigned i;

	buf[0] = 0;
	for (i = 0; i < l->nwrap; i++) {
		const struct wrap *w = &l->wrap[i];
		if (w->kind == WRAP_COMP)
			out_put(&o, "%s-compressed ", kx_comp_name(w->comp));
		else
			out_put(&o, "%s ", w->kind == WRAP_UIMAGE ? "uImage" : wrap_name(w));
	}
	return buf;
}
