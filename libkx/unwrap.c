/*
 * A kernel file's wrappings (docs/compression.md): a uImage header and
 * compression, at most KX_UNWRAP_DEPTH of them, undone before the loaders
 * probe the file: the loaders, kx's plan and kexec_file_load (through a
 * memfd) all see the unwrapped bytes.
 */
#include <inttypes.h>
#include <kx/uimage.h>
#include "arch.h"
#include "load.h"

/* Is the image something a loader takes as it is? */
static int takes(const struct kx_load *l, const uint8_t *b, size_t n)
{
	return l->ld ? l->ld->probe(b, n) : kx_loader_probe(b, n) != 0;
}

int unwrap_kernel(struct kx_load *l, struct kx_error *err)
{
	unsigned depth;

	for (depth = 0; depth < KX_UNWRAP_DEPTH; depth++) {
		const uint8_t *b = l->req.image.buf, *out;
		size_t n = (size_t)l->req.image.len, outlen;
		enum kx_comp c;
		struct kx_err e;

		if (takes(l, b, n))
			break;
		if (!depth && kx_arch_uimage_arch && kx_uimage_probe(b, n)) {
			struct kx_uimage u;
			e = kx_uimage_parse(b, n, kx_arch_uimage_arch, &u);
			if (KX_FAILED(e))
				return fail_lib(err, e, l->req.image.name);
			if (u.comp != KX_COMP_NONE && kx_comp_detect(u.payload, u.size) != u.comp)
				return fail_lib(err, kx_err(KX_E_UNPACK, kx_comp_name(u.comp), u.comp,
							    KX_UNPACK_CORRUPT), l->req.image.name);
			l->uimage = 1;
			l->packed_len = n;
			l->req.image.buf = u.payload;
			l->req.image.len = u.size;
			l->kernel_file = 0;
			l->kernel_fd = -1;
			dbg(l, "%s: a uImage (\"%s\", %s), %" PRIu32 " bytes of payload",
			    l->req.image.name, u.name, u.comp ? kx_comp_name(u.comp) : "uncompressed", u.size);
			continue;
		}
		if (!(c = kx_comp_detect(b, n)))
			break;
		e = kx_unpack(l, c, b, n, kx_unpack_bound(n), &out, &outlen);
		if (KX_FAILED(e))
			return fail_lib(err, e, l->req.image.name);
		if (!l->packed_len)
			l->packed_len = n;
		l->wrap[l->nwrap++] = c;
		l->req.image.buf = out;
		l->req.image.len = outlen;
		l->kernel_file = 0; /* kexec_file_load gets the unpacked bytes in a memfd */
		l->kernel_fd = -1;
		dbg(l, "%s: %s-compressed, %zu bytes unpacked from %zu", l->req.image.name,
		    kx_comp_name(c), outlen, n);
	}
	return 0;
}

/* "xz-compressed " or "uImage of gzip-compressed ": what wrapped the image,
 * for the plan's first line; "" when nothing did. */
const char *wrap_text(const struct kx_load *l, char *buf, size_t n)
{
	struct out o = { buf, n, 0 };
	unsigned i;

	buf[0] = 0;
	if (l->uimage)
		out_put(&o, "uImage of ");
	for (i = 0; i < l->nwrap; i++)
		out_put(&o, "%s-compressed ", kx_comp_name(l->wrap[i]));
	return buf;
}
