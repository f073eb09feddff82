/* PE/COFF and UKI parsers, and the UKI loader. */
#include <kx/pe.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kx_pe pe;
	struct kx_uki u;
	const uint8_t *v;
	size_t vl;

	(void)kx_pe_parse(data, size, &pe);
	(void)kx_uki_probe(data, size);
	if (!KX_FAILED(kx_uki_parse(data, size, &u)) && u.osrel.present)
		(void)kx_osrel_pretty(u.osrel.buf, u.osrel.len, &v, &vl);
	fuzz_load(kx_loader_by_name("uki"), data, size, "", 0, 0);
	return 0;
}
