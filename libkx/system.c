/* The kexec state of the running system: loaded?, unload, exec. */
#include <errno.h>
#include <string.h>
#include "arch.h"
#include "load.h"

#ifndef KX_VERSION
#define KX_VERSION "0.1.0"
#endif

#define KEXEC_ON_CRASH      0x1
#define KEXEC_FILE_UNLOAD   0x1
#define KEXEC_FILE_ON_CRASH 0x2

static const struct kx_options defaults; /* for callers that pass none */

int kx_loaded(int crash, struct kx_error *err)
{
	const char *f = crash ? "/sys/kernel/kexec_crash_loaded" : "/sys/kernel/kexec_loaded";
	char b[16];

	ERR_OR_DUMMY(err);
	clear_error(err);
	if (sys_read_text(f, b, sizeof(b), 0))
		return fail(err, KX_E_STATUS_UNKNOWN, 0, f);
	return b[0] == '1';
}

static int unload_failed(struct kx_error *err, int e)
{
	fail_kexec(err, KX_E_KEXEC, "unloading", 0, e);
	err->a = KX_OP_UNLOAD;
	return -1;
}

int kx_unload(const struct kx_options *o, struct kx_error *err)
{
	int e;

	ERR_OR_DUMMY(err);
	clear_error(err);
	o = o ? o : &defaults;
	if (o->syscall != KX_SYSCALL_FILE) {
		e = sys_kexec_load(0, 0, 0, kx_arch_kexec_flag | (o->crash ? KEXEC_ON_CRASH : 0));
		if (!e)
			return 0;
		if (o->syscall == KX_SYSCALL_CLASSIC)
			return unload_failed(err, e);
		kx_log(o, KX_LOG_DEBUG, "kexec_load unload: %s; trying kexec_file_load", strerror(-e));
	}
	/* under lockdown or kexec_load_disabled, only the file syscall may unload */
	e = sys_kexec_file_load(-1, -1, 0, KEXEC_FILE_UNLOAD | (o->crash ? KEXEC_FILE_ON_CRASH : 0));
	return e ? unload_failed(err, e) : 0;
}

int kx_exec(int no_sync, const struct kx_options *o, struct kx_error *err)
{
	int e;

	ERR_OR_DUMMY(err);
	clear_error(err);
	o = o ? o : &defaults;
	switch (kx_loaded(0, err)) {
	case 0:
		return fail(err, KX_E_NOT_LOADED, 0, 0);
	case -1: /* no /sys/kernel/kexec_loaded: no kexec here, or no sysfs; do not guess */
		return -1;
	}
	if (!no_sync) {
		kx_log(o, KX_LOG_DEBUG, "syncing file systems");
		sys_sync();
	}
	e = sys_reboot_kexec();
	fail_kexec(err, KX_E_KEXEC, "booting the loaded kernel", 0, e ? e : -EINVAL);
	err->a = KX_OP_EXEC;
	return -1;
}

const char *kx_version(void) { return KX_VERSION; }
const char *kx_arch(void) { return kx_arch_name; }
size_t kx_purgatory_size(void) { return (size_t)(kx_purgatory_blob_end - kx_purgatory_blob); }
