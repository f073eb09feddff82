/*
 * Unified kernel images on x86_64: a PE whose .linux section is a bzImage,
 * loaded with the bzImage loader (lib/uki.c). The initrd pieces go in the
 * order the EFI stub uses: .ucode, .initrd, then the user's --initrd files.
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
	return kx_uki_load(r, p, KX_PE_MACHINE_AMD64, kx_bzimage_load, 0);
}
