/* Text from /proc and the user: /proc/iomem, memory type names, command lines
 * (and what kx -p adds to them). */
#include <kx/cmdline.h>
#include <kx/crash.h>
#include <kx/range.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kx_memmap m;
	static const char *const drop[] = { "BOOT_IMAGE", "crashkernel", 0 };
	char buf[512];

	memset(&m, 0, sizeof(m));
	(void)kx_iomem_parse((const char *)data, size, &m);
	(void)kx_memtype_from_name((const char *)data, size);
	buf[0] = 0;
	(void)kx_cmdline_add(buf, sizeof(buf), (const char *)data, size, drop);
	(void)kx_cmdline_add(buf, sizeof(buf), (const char *)data, size, 0);
	(void)kx_cmdline_append(buf, sizeof(buf), (const char *)data, size);
	/* a crash kernel's additions (32-bit ARM: mem=, then elfcorehdr=) */
	(void)kx_crash_cmdline_mem(buf, sizeof(buf), (struct kx_range){ 0x68000000, 0x6bf00000 });
	(void)kx_crash_cmdline(buf, sizeof(buf), 0x6bf00000);
	if (memchr(buf, 0, sizeof(buf)) == 0)
		__builtin_trap(); /* the line stays terminated */
	return 0;
}
