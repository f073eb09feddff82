/*
 * Unified kernel images, any architecture (include/kx/pe.h): a PE whose
 * .linux section is the architecture's kernel (x86_64: a bzImage; arm64: an
 * Image), loaded by that architecture's loader with the UKI's parts.
 */
#include <kx/loader.h>
#include <kx/pe.h>

struct kx_err kx_uki_load(const struct kx_load_req *r, struct kx_plan *p, uint16_t machine,
			  struct kx_err (*load)(const struct kx_load_req *, struct kx_plan *),
			  int use_dtb)
{
	struct kx_uki u;
	struct kx_load_req lr = *r;
	struct kx_err err;
	unsigned i, n = 0;

	err = kx_uki_parse(r->image.buf, r->image.len, &u);
	if (KX_FAILED(err))
		return err;
	if (u.machine != machine)
		return kx_err(KX_E_BAD_HEADER, "PE machine (another architecture's UKI)", u.machine, 0);
	lr.image = (struct kx_blob){ u.kernel.buf, u.kernel.len, r->image.name };
	if (r->uki_linux.buf) /* unwrapped by the library (a compressed .linux) */
		lr.image = (struct kx_blob){ r->uki_linux.buf, r->uki_linux.len, r->image.name };
	if (u.ucode.present && u.ucode.len)
		lr.initrd[n++] = (struct kx_blob){ u.ucode.buf, u.ucode.len, ".ucode" };
	if (u.initrd.present && u.initrd.len)
		lr.initrd[n++] = (struct kx_blob){ u.initrd.buf, u.initrd.len, ".initrd" };
	for (i = 0; i < r->ninitrd; i++) {
		if (n == KX_MAX_INITRDS)
			return kx_err(KX_E_TOO_MANY, "initrd pieces", KX_MAX_INITRDS, 0);
		lr.initrd[n++] = r->initrd[i];
	}
	lr.ninitrd = n;
	if (use_dtb && !r->dtb.buf && u.dtb.present && u.dtb.len)
		lr.dtb = (struct kx_blob){ u.dtb.buf, u.dtb.len, ".dtb" };
	err = load(&lr, p);
	if (KX_FAILED(err))
		return err;
	p->type = "uki";
	return KX_NOERR;
}
