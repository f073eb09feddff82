/* Text from /proc and the user: /proc/iomem, memory type names, command
 * lines (and what kx -p adds to them); auto mode's policy texts (a kernel
 * .config, an IMA policy, the built-in policies and kho= a command line names). */
#include <kx/cmdline.h>
#include <kx/crash.h>
#include <kx/policy.h>
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
	{
		const char *t = (const char *)data, *v = 0;
		size_t vl = 0;
		struct kx_ima_raw r = { 1, KX_IMA_READ_OK, t, size, t, size, -1, -1, -1, -1, -1 };
		enum kx_ima_source src;
		(void)kx_kconfig(t, size, "CONFIG_KEXEC_SIG_FORCE");
		(void)kx_ima_policy_kexec(t, size);
		(void)kx_ima_builtin_kexec(t, size);
		(void)kx_kho_infer(t, size, -1);
		if (kx_cmdline_value(t, size, "ima_policy", &v, &vl) &&
		    (v < t || v + vl > t + size))
			__builtin_trap(); /* the value lies inside the text */
		(void)kx_ima_infer(&r, &src);
		r.read = KX_IMA_READ_DENIED;
		(void)kx_ima_infer(&r, &src);
	}
	return 0;
}
