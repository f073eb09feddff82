/* arm64: what the hosted tool needs from lib/arch/arm64 (the rest of that
 * code's interface is internal: lib/arch/arm64/arm64.h). */
#ifndef KX_ARCH_ARM64_H
#define KX_ARCH_ARM64_H
#include <stddef.h>
#include <stdint.h>
#include "../err.h"
#include "../range.h"

/*
 * arm64's /proc/iomem nests "reserved" ranges inside "System RAM": firmware
 * tables, the GICv3 ITS tables (which must survive a kexec), no-map areas.
 * Take every such nested "reserved" line out of the RAM entries of m (they
 * become KX_MEM_RESERVED entries), so that nothing is placed there.
 */
struct kx_err kx_a64_iomem_reserved(const char *buf, unsigned long len, struct kx_memmap *m);
/* Shrink every RAM entry of m inwards to `align` (the running kernel's page
 * size); entries that vanish are dropped. */
void kx_a64_memmap_align(struct kx_memmap *m, uint64_t align);
/* Memory the Image in buf takes once placed: text_offset + image_size, from
 * its header; 0 when buf is not an Image (the library unwraps first). */
uint64_t kx_a64_kernel_mem(const uint8_t *buf, size_t len);
/* An ELF vmlinux's Image (lib/arch/arm64/arm64.h has the details). */
struct kx_err kx_a64_vmlinux_image(const uint8_t *buf, size_t len, uint8_t *out, size_t cap,
				   size_t *size);
#endif
