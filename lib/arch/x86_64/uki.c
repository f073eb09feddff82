/*
 * Unified kernel images on x86_64: a PE whose .linux section is a bzImage.
 * Loaded with the bzImage loader; the initrd pieces go in the order the EFI
 * stub uses: .ucode, .initrd, then the user's --initrd files. The command
 * line is whatever the caller decided (the tool uses .cmdline unless told
 * otherwise).
 */
#include <kx/bzimage.h>
#include <kx/pe.h>

int kx_uki_x86_probe(const uint8_t *buf, size_t len);
struct kx_err kx_uki_x86_load(const struct kx_load_req *r, struct kx_plan *p);

int kx_uki_x86_probe(const uint8_t *buf, size_t len)
{
	return kx_uki_probe(buf, len);
}

struct kx_err kx_uki_x86_load(const struct kx_load_req *r, struct kx_plan *p)
{
	struct kx_uki u;
	struct kx_load_req lr = *r;
	struct kx_err err;
	unsigned i, n = 0;

	err = kx_uki_parse(r->image.buf, r->image.len, &u);
	if (KX_FAILED(err))
		return err;
	if (u.machine != KX_PE_MACHINE_AMD64)
		return kx_err(KX_E_BAD_HEADER, "PE machine (not x86_64)", u.machine, 0);
	lr.image = (struct kx_blob){ u.kernel.buf, u.kernel.len, r->image.name };
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
	err = kx_bzimage_load(&lr, p);
	if (KX_FAILED(err))
		return err;
	p->type = "uki";
	return KX_NOERR;
}
